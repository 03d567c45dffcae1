// The background event log writer: nothing recorded is lost, Flush() means written.
#include "app/event_recorder.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "storage/open_store.hpp"
#include "tests/support/databases.hpp"

namespace incasso {
namespace {

class EventRecorderTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    store_ = testing::OpenFreshStore(GetParam(), tmp_.path());
    if (!store_) GTEST_SKIP() << "set INCASSO_TEST_POSTGRES_URL to run on PostgreSQL";
  }

  static Event Sample(int thread, int i) {
    Event e;
    e.at = TimePoint{std::chrono::seconds{1795000000 + i}};
    e.direction = "in";
    e.channel = "soap";
    e.operation = "paVerifyPaymentNotice";
    e.notice_number = "30100000000000" + std::to_string(1000 + thread);
    e.outcome = "OK";
    e.request_body = "<x/>";
    return e;
  }

  testing::TempDir tmp_;
  std::unique_ptr<Store> store_;
};

TEST_P(EventRecorderTest, EverythingRecordedIsWrittenByFlush) {
  EventRecorder::Options options;
  options.flush_interval = std::chrono::milliseconds(10000);  // only size or Flush() trigger
  options.batch_size = 64;
  EventRecorder recorder(*store_, options);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 150; ++i) recorder.Record(Sample(t, i));
    });
  }
  for (auto& th : threads) th.join();
  recorder.Flush();
  for (int t = 0; t < 4; ++t) {
    EventFilter f;
    f.notice_number = "30100000000000" + std::to_string(1000 + t);
    f.limit = 1000;
    auto events = store_->ListEvents(f);
    ASSERT_TRUE(events.ok());
    EXPECT_EQ(events->size(), 150u) << "thread " << t;
  }
  EXPECT_EQ(recorder.dropped(), 0u);
}

TEST_P(EventRecorderTest, DestructionWritesWhatIsPending) {
  {
    EventRecorder::Options options;
    options.flush_interval = std::chrono::milliseconds(10000);
    EventRecorder recorder(*store_, options);
    for (int i = 0; i < 10; ++i) recorder.Record(Sample(7, i));
  }
  EventFilter f;
  f.notice_number = "301000000000001007";
  auto events = store_->ListEvents(f);
  ASSERT_TRUE(events.ok());
  EXPECT_EQ(events->size(), 10u);
}

INSTANTIATE_TEST_SUITE_P(Backends, EventRecorderTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace incasso
