// Notice-number allocation through the use case, on both databases: 100,000 numbers all valid and
// unique; 8 threads and 2 processes allocating at once never get the same number.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <set>
#include <thread>

#include "app/entities.hpp"
#include "app/positions.hpp"
#include "storage/open_store.hpp"
#include "tests/support/databases.hpp"

namespace incasso {
namespace {

class AllocationTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    url_ = testing::FreshDatabaseUrl(GetParam(), tmp_.path());
    if (url_.empty()) GTEST_SKIP() << "set INCASSO_TEST_POSTGRES_URL to run on PostgreSQL";
    StoreOptions options{url_, 8, 10000};
    ASSERT_TRUE(MigrateStore(options).ok());
    auto store = OpenStore(options);
    ASSERT_TRUE(store.ok()) << store.error().ToText();
    store_ = std::move(*store);
    Entity e;
    e.fiscal_code = "00123456782";
    e.name = "Comune di Valdimonte";
    e.slug = "comune-valdimonte";
    e.segregation_code = "07";
    AppContext ctx{*store_, clock_};
    auto created = AddEntity(ctx, Caller{}, e);
    ASSERT_TRUE(created.ok()) << created.error().ToText();
    entity_ = *created;
  }

  static void ExpectValid(const NoticeNumber& n) {
    auto parsed = ParseNoticeNumber(n.nav);
    ASSERT_TRUE(parsed.ok()) << n.nav << ": " << parsed.error().ToText();
    ASSERT_EQ(n.nav.substr(0, 3), "307");
    ASSERT_EQ(n.nav.substr(1), n.iuv);
  }

  testing::TempDir tmp_;
  std::string url_;
  FakeClock clock_{TimePoint{std::chrono::seconds{1795000000}}};
  std::unique_ptr<Store> store_;
  Entity entity_;
};

TEST_P(AllocationTest, HundredThousandNumbersAreValidAndUnique) {
  AppContext ctx{*store_, clock_};
  std::set<std::string> seen;
  for (int block = 0; block < 100; ++block) {
    auto numbers = AllocateNoticeNumbers(ctx, entity_, 1000);
    ASSERT_TRUE(numbers.ok()) << numbers.error().ToText();
    for (const auto& n : *numbers) {
      ExpectValid(n);
      ASSERT_TRUE(seen.insert(n.nav).second) << "duplicate " << n.nav;
    }
  }
  EXPECT_EQ(seen.size(), 100000u);
}

TEST_P(AllocationTest, EightThreadsNeverShareANumber) {
  constexpr int kThreads = 8;
  constexpr int kEach = 150;
  std::vector<std::vector<std::string>> got(kThreads);
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      AppContext ctx{*store_, clock_};
      for (int i = 0; i < kEach; ++i) {
        auto n = AllocateNoticeNumbers(ctx, entity_, 1 + (i % 3));
        if (!n.ok()) {
          ++failures;
          continue;
        }
        for (const auto& x : *n) got[t].push_back(x.nav);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  std::set<std::string> all;
  size_t total = 0;
  for (const auto& v : got) {
    total += v.size();
    all.insert(v.begin(), v.end());
  }
  EXPECT_EQ(all.size(), total);
  EXPECT_EQ(total, static_cast<size_t>(kThreads * (50 * 1 + 50 * 2 + 50 * 3)));
}

TEST_P(AllocationTest, TwoProcessesNeverShareANumber) {
  store_.reset();  // children open their own connections; no shared handles across fork
  std::vector<pid_t> children;
  for (int p = 0; p < 2; ++p) {
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      auto store = OpenStore(StoreOptions{url_, 2, 10000});
      if (!store.ok()) _exit(2);
      AppContext ctx{**store, clock_};
      std::ofstream out(tmp_.path() / ("proc" + std::to_string(p) + ".txt"));
      for (int i = 0; i < 400; ++i) {
        auto n = AllocateNoticeNumbers(ctx, entity_, 1 + (i % 2));
        if (!n.ok()) _exit(3);
        for (const auto& x : *n) out << x.nav << "\n";
      }
      out.close();
      _exit(0);
    }
    children.push_back(pid);
  }
  for (pid_t c : children) {
    int status = 0;
    waitpid(c, &status, 0);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "child failed";
  }
  std::set<std::string> all;
  size_t total = 0;
  for (int p = 0; p < 2; ++p) {
    std::ifstream in(tmp_.path() / ("proc" + std::to_string(p) + ".txt"));
    std::string line;
    while (std::getline(in, line)) {
      ++total;
      all.insert(line);
    }
  }
  EXPECT_EQ(total, 2u * 600u);
  EXPECT_EQ(all.size(), total) << "two processes received the same notice number";
}

INSTANTIATE_TEST_SUITE_P(Backends, AllocationTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace incasso
