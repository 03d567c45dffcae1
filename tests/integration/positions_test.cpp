// The position use cases over a real database (SQLite and PostgreSQL): what the CLI, the API and
// the back office rely on.
#include "app/positions.hpp"

#include <gtest/gtest.h>

#include <set>

#include "app/demo.hpp"
#include "app/entities.hpp"
#include "app/event_recorder.hpp"
#include "storage/open_store.hpp"
#include "tests/support/databases.hpp"
#include "tests/support/fixtures.hpp"

namespace incasso {
namespace {

const TimePoint kNow = *ParseDateTime("2026-11-26T10:00:00Z");

class PositionsTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    store_ = testing::OpenFreshStore(GetParam(), tmp_.path());
    if (!store_) GTEST_SKIP() << "set INCASSO_TEST_POSTGRES_URL to run on PostgreSQL";
  }

  AppContext Ctx() { return AppContext{*store_, clock_}; }

  Entity AddTestEntity(const std::string& cf, const std::string& slug, const std::string& seg) {
    auto ctx = Ctx();
    return testing::AddTestEntity(ctx, testing::TestEntity(cf, slug, seg));
  }

  static DebtPosition Position(const std::string& iupd, std::int64_t cents = 2500) {
    return testing::TestPosition(iupd, kNow + std::chrono::days{10}, cents);
  }

  testing::TempDir tmp_;
  FakeClock clock_{kNow};
  std::unique_ptr<Store> store_;
};

TEST_P(PositionsTest, AnotherInstitutionSeesNothing) {
  AddTestEntity("00123456782", "comune", "01");
  AddTestEntity("80012345676", "universita", "02");
  auto ctx = Ctx();
  auto created = CreatePosition(ctx, Caller{}, {"00123456782", Position("SHARED-1"), true});
  ASSERT_TRUE(created.ok()) << created.error().ToText();
  EXPECT_TRUE(GetPosition(ctx, "00123456782", "SHARED-1").ok());
  auto other = GetPosition(ctx, "80012345676", "SHARED-1");
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().code, ErrorCode::kNotFound);
  auto list = ListPositions(ctx, "80012345676", PositionFilter{});
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE(list->empty());
  auto moved =
      ChangePositionStatus(ctx, Caller{}, "80012345676", "SHARED-1", PositionStatus::kInvalid);
  EXPECT_FALSE(moved.ok());
  // The same iupd is free for the other institution: iupd is unique per institution only.
  auto same_iupd = CreatePosition(ctx, Caller{}, {"80012345676", Position("SHARED-1"), false});
  ASSERT_TRUE(same_iupd.ok()) << same_iupd.error().ToText();
  EXPECT_EQ(same_iupd->options[0].nav.substr(0, 3), "302");
  EXPECT_EQ(GetPosition(ctx, "00123456782", "SHARED-1")->status, PositionStatus::kValid);
}

TEST_P(PositionsTest, GivenIuvMustBelongToTheInstitution) {
  AddTestEntity("00123456782", "comune", "01");
  auto ctx = Ctx();
  auto own = MakeNoticeNumberAux3("01", 9000000000001ULL);
  auto foreign = MakeNoticeNumberAux3("05", 9000000000001ULL);
  auto p = Position("IUV-1");
  p.options[0].iuv = foreign->iuv;
  auto rejected = CreatePosition(ctx, Caller{}, {"00123456782", p, false});
  ASSERT_FALSE(rejected.ok());
  EXPECT_EQ(rejected.error().field, "paymentOption[0].iuv");
  p.options[0].iuv = own->iuv;
  auto accepted = CreatePosition(ctx, Caller{}, {"00123456782", p, false});
  ASSERT_TRUE(accepted.ok()) << accepted.error().ToText();
  EXPECT_EQ(accepted->options[0].nav, own->nav);
  auto again = Position("IUV-2");
  again.options[0].iuv = own->iuv;
  auto dup = CreatePosition(ctx, Caller{}, {"00123456782", again, false});
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, ErrorCode::kConflict);
  EXPECT_FALSE(GetPosition(ctx, "00123456782", "IUV-2").ok());
}

TEST_P(PositionsTest, SuspendedInstitutionCannotCreate) {
  Entity e = AddTestEntity("00123456782", "comune", "01");
  e.status = EntityStatus::kSuspended;
  auto ctx = Ctx();
  ASSERT_TRUE(UpdateEntity(ctx, Caller{}, e).ok());
  auto r = CreatePosition(ctx, Caller{}, {"00123456782", Position("S-1"), false});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kForbidden);
}

TEST_P(PositionsTest, StateMachineIsEnforced) {
  AddTestEntity("00123456782", "comune", "01");
  auto ctx = Ctx();
  ASSERT_TRUE(CreatePosition(ctx, Caller{}, {"00123456782", Position("SM-1"), false}).ok());
  auto paid = ChangePositionStatus(ctx, Caller{}, "00123456782", "SM-1", PositionStatus::kPaid);
  ASSERT_FALSE(paid.ok());
  EXPECT_EQ(paid.error().code, ErrorCode::kConflict);
  auto published =
      ChangePositionStatus(ctx, Caller{}, "00123456782", "SM-1", PositionStatus::kValid);
  ASSERT_TRUE(published.ok()) << published.error().ToText();
  EXPECT_EQ(published->version, 2);
  ASSERT_TRUE(
      ChangePositionStatus(ctx, Caller{}, "00123456782", "SM-1", PositionStatus::kPaid).ok());
  auto back = ChangePositionStatus(ctx, Caller{}, "00123456782", "SM-1", PositionStatus::kValid);
  EXPECT_FALSE(back.ok());
  auto events = store_->ListEvents(EventFilter{});
  ASSERT_TRUE(events.ok());
  EXPECT_GE(events->size(), 3u);
}

// Under `incasso serve` the use cases' audit events go through the batched EventRecorder: none is
// written by the use case itself (no commit of its own), all are written by Flush().
TEST_P(PositionsTest, AuditEventsGoThroughTheRecorderWhenOneIsSet) {
  AddTestEntity("00123456782", "comune", "01");
  EventRecorder::Options options;
  options.flush_interval = std::chrono::hours{1};  // only Flush() writes
  EventRecorder recorder(*store_, options);
  auto ctx = Ctx();
  ctx.events = &recorder;
  auto created = CreatePosition(ctx, Caller{}, {"00123456782", Position("REC-1"), true});
  ASSERT_TRUE(created.ok()) << created.error().ToText();
  auto refused = CreatePosition(ctx, Caller{}, {"00123456782", Position("REC-1"), true});
  ASSERT_FALSE(refused.ok());
  EventFilter filter;
  filter.operation = "position.create";
  auto before = store_->ListEvents(filter);
  ASSERT_TRUE(before.ok()) << before.error().ToText();
  EXPECT_TRUE(before->empty());
  recorder.Flush();
  auto after = store_->ListEvents(filter);
  ASSERT_TRUE(after.ok()) << after.error().ToText();
  ASSERT_EQ(after->size(), 2u);
  EXPECT_EQ(after->at(0).outcome, "KO");  // newest first
  EXPECT_EQ(after->at(1).outcome, "OK");
  EXPECT_EQ(after->at(1).notice_number, created->options[0].nav);
  EXPECT_EQ(after->at(1).correlation_id, "REC-1");
}

TEST_P(PositionsTest, DemoRegionLoadsOnceWithPositionsInManyStates) {
  auto ctx = Ctx();
  auto demo = LoadDemoRegion(ctx);
  ASSERT_TRUE(demo.ok()) << demo.error().ToText();
  EXPECT_TRUE(demo->loaded);
  EXPECT_EQ(demo->entities, 3);
  EXPECT_GE(demo->positions, 45);
  EXPECT_LE(demo->positions, 60);
  std::set<PositionStatus> states;
  int with_instalments = 0;
  for (const char* cf : {"00123456782", "80012345676", "01987654322"}) {
    PositionFilter all;
    all.limit = 1000;
    auto list = ListPositions(ctx, cf, all);
    ASSERT_TRUE(list.ok());
    for (const auto& p : *list) {
      states.insert(p.status);
      with_instalments += p.options.size() > 1 ? 1 : 0;
      for (const auto& o : p.options) EXPECT_TRUE(ParseNoticeNumber(o.nav).ok()) << o.nav;
    }
  }
  EXPECT_GE(states.size(), 7u);
  EXPECT_GE(with_instalments, 6);
  auto again = LoadDemoRegion(ctx);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->loaded);
  EXPECT_EQ(store_->ListEntities()->size(), 3u);
}

INSTANTIATE_TEST_SUITE_P(Backends, PositionsTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace incasso
