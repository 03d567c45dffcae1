// Notice-number allocation through the use case, on both databases: 100,000 numbers all valid and
// unique; 8 threads and 2 processes allocating at once never get the same number.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <set>
#include <thread>

#include "app/entities.hpp"
#include "app/positions.hpp"
#include "storage/open_store.hpp"
#include "tests/support/databases.hpp"
#include "tests/support/fixtures.hpp"

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

// CreatePosition reserves its notice numbers inside the insert's transaction (one durable
// commit): a create that fails after the reservation leaves the sequence, the positions and the
// outbox as they were, and the next number handed out is the one the failed create would have had.
DebtPosition PositionToCreate(const std::string& iupd, TimePoint now) {
  return testing::TestPosition(iupd, now + std::chrono::days{10});
}

std::string NavOfBase(std::uint64_t base) { return MakeNoticeNumberAux3("07", base)->nav; }

TEST_P(AllocationTest, FailedCreateConsumesNoNumberAndNamesNone) {
  AppContext ctx{*store_, clock_};
  const std::string cf = entity_.fiscal_code;
  auto first = CreatePosition(ctx, Caller{}, {cf, PositionToCreate("A-1", clock_.Now()), true});
  ASSERT_TRUE(first.ok()) << first.error().ToText();
  EXPECT_EQ(first->options[0].nav, NavOfBase(1));

  // Fails in the database after the reservation: option 0 is numbered, option 1 carries the IUV
  // A-1 already uses (unique per entity).
  DebtPosition taken = PositionToCreate("A-2", clock_.Now());
  PaymentOption installment = taken.options[0];
  installment.is_partial_payment = true;
  installment.iuv = first->options[0].iuv;
  taken.options.push_back(installment);
  auto conflict = CreatePosition(ctx, Caller{}, {cf, taken, true});
  ASSERT_FALSE(conflict.ok());
  EXPECT_EQ(conflict.error().code, ErrorCode::kConflict) << conflict.error().ToText();

  // Fails in the numbering itself: a nav sent without an IUV that is not the one allocated.
  DebtPosition wrong_nav = PositionToCreate("A-3", clock_.Now());
  wrong_nav.options[0].nav = NavOfBase(999);
  auto mismatch = CreatePosition(ctx, Caller{}, {cf, wrong_nav, true});
  ASSERT_FALSE(mismatch.ok());
  EXPECT_EQ(mismatch.error().field, "paymentOption[0].nav");
  // A taken iupd (fails before any reservation).
  auto duplicate = CreatePosition(ctx, Caller{}, {cf, PositionToCreate("A-1", clock_.Now()), true});
  ASSERT_FALSE(duplicate.ok());
  EXPECT_EQ(duplicate.error().field, "iupd");

  // Nothing of the three failures is stored, and the next create gets base 2.
  EXPECT_FALSE(GetPosition(ctx, cf, "A-2").ok());
  EXPECT_FALSE(GetPosition(ctx, cf, "A-3").ok());
  EXPECT_EQ(*store_->CountPositions(entity_.id), 1);
  auto outbox = store_->ListOutbox(entity_.id, 100);
  ASSERT_TRUE(outbox.ok()) << outbox.error().ToText();
  EXPECT_EQ(outbox->size(), 1u) << "only A-1's position.created";
  auto next = CreatePosition(ctx, Caller{}, {cf, PositionToCreate("A-4", clock_.Now()), true});
  ASSERT_TRUE(next.ok()) << next.error().ToText();
  EXPECT_EQ(next->options[0].nav, NavOfBase(2));

  // The KO events of the failed creates name no number they were about to get (only the nav the
  // client itself sent).
  EventFilter ko;
  ko.operation = "position.create";
  auto events = store_->ListEvents(ko);
  ASSERT_TRUE(events.ok()) << events.error().ToText();
  int failures = 0;
  for (const auto& e : *events) {
    if (e.outcome != "KO") continue;
    ++failures;
    EXPECT_TRUE(e.notice_number.empty() || e.notice_number == NavOfBase(999))
        << e.correlation_id << " names " << e.notice_number;
  }
  EXPECT_EQ(failures, 3);
}

TEST_P(AllocationTest, StoredNumbersAreNeverHandedOutAgain) {
  AppContext ctx{*store_, clock_};
  const std::string cf = entity_.fiscal_code;
  auto created = CreatePosition(ctx, Caller{}, {cf, PositionToCreate("D-1", clock_.Now()), false});
  ASSERT_TRUE(created.ok()) << created.error().ToText();
  ASSERT_TRUE(DeletePosition(ctx, Caller{}, cf, "D-1").ok());
  auto block = AllocateNoticeNumbers(ctx, entity_, 3);  // the standalone allocation, same sequence
  ASSERT_TRUE(block.ok()) << block.error().ToText();
  EXPECT_EQ(block->front().nav, NavOfBase(2));
  auto again = CreatePosition(ctx, Caller{}, {cf, PositionToCreate("D-1", clock_.Now()), false});
  ASSERT_TRUE(again.ok()) << again.error().ToText();
  EXPECT_EQ(again->options[0].nav, NavOfBase(5));
}

TEST_P(AllocationTest, ConcurrentCreatesGetDistinctConsecutiveNumbers) {
  constexpr int kThreads = 6;
  constexpr int kEach = 25;
  std::vector<std::vector<std::string>> got(kThreads);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      AppContext ctx{*store_, clock_};
      for (int i = 0; i < kEach; ++i) {
        auto p = PositionToCreate("C-" + std::to_string(t) + "-" + std::to_string(i), clock_.Now());
        auto created = CreatePosition(ctx, Caller{}, {entity_.fiscal_code, p, true});
        if (!created.ok()) {
          ++failures;
          continue;
        }
        got[t].push_back(created->options[0].nav);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  std::set<std::string> all;
  for (const auto& v : got) all.insert(v.begin(), v.end());
  // Every create committed, so the sequence has no holes: exactly bases 1..N were handed out.
  std::set<std::string> expected;
  for (std::uint64_t b = 1; b <= kThreads * kEach; ++b) expected.insert(NavOfBase(b));
  EXPECT_EQ(all, expected);
}

INSTANTIATE_TEST_SUITE_P(Backends, AllocationTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace incasso
