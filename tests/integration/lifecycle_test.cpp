// The position lifecycle sweep and the position webhook events over a real database (SQLite and
// PostgreSQL) on a fake clock: PUBLISHED -> VALID on the validity date, VALID -> EXPIRED once
// every option is past due (switchToExpired only), each change announced in the outbox by the
// transaction that makes it, and never another entity's position touched.
#include "app/lifecycle.hpp"

#include <gtest/gtest.h>

#include "app/positions.hpp"
#include "app/station.hpp"
#include "core/time.hpp"
#include "tests/support/databases.hpp"
#include "tests/support/fixtures.hpp"

namespace incasso {
namespace {

const TimePoint kNow = *ParseDateTime("2026-11-26T10:00:00Z");

class LifecycleTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    store_ = testing::OpenFreshStore(GetParam(), tmp_.path());
    if (!store_) GTEST_SKIP() << "set INCASSO_TEST_POSTGRES_URL to run on PostgreSQL";
    auto ctx = Ctx();
    comune_ = testing::AddTestEntity(ctx, testing::TestEntity("00123456782", "comune", "01"));
    universita_ =
        testing::AddTestEntity(ctx, testing::TestEntity("80012345676", "universita", "02"));
  }

  AppContext Ctx() { return AppContext{*store_, clock_}; }

  static DebtPosition Position(const std::string& iupd, TimePoint due, bool switch_to_expired,
                               std::optional<TimePoint> validity = std::nullopt) {
    DebtPosition p = testing::TestPosition(iupd, due);
    p.switch_to_expired = switch_to_expired;
    p.validity_date = validity;
    return p;
  }

  DebtPosition Create(const Entity& e, const DebtPosition& p) {
    auto ctx = Ctx();
    auto created = CreatePosition(ctx, Caller{}, {e.fiscal_code, p, true});
    EXPECT_TRUE(created.ok()) << created.error().ToText();
    return created.ok() ? *created : p;
  }

  PositionStatus StatusOf(const Entity& e, const std::string& iupd) {
    auto got = store_->GetPosition(e.id, iupd);
    EXPECT_TRUE(got.ok() && got->has_value()) << iupd;
    return got.ok() && got->has_value() ? (*got)->status : PositionStatus::kDraft;
  }

  // The outbox messages of `e` with this kind, oldest first.
  std::vector<OutboxMessage> Outbox(const Entity& e, std::string_view kind) {
    auto all = store_->ListOutbox(e.id, 1000);
    EXPECT_TRUE(all.ok());
    std::vector<OutboxMessage> out;
    for (auto& m : *all) {
      if (m.kind == kind) out.push_back(m);
    }
    return out;
  }

  LifecycleSweep Sweep() {
    auto ctx = Ctx();
    auto sweep = SweepPositionLifecycle(ctx);
    EXPECT_TRUE(sweep.ok()) << sweep.error().ToText();
    return sweep.ok() ? *sweep : LifecycleSweep{};
  }

  testing::TempDir tmp_;
  FakeClock clock_{kNow};
  std::unique_ptr<Store> store_;
  Entity comune_;
  Entity universita_;
};

TEST_P(LifecycleTest, APublishedPositionBecomesValidOnItsValidityDate) {
  const TimePoint validity = kNow + std::chrono::days{3};
  Create(comune_, Position("LATER", kNow + std::chrono::days{30}, false, validity));
  ASSERT_EQ(StatusOf(comune_, "LATER"), PositionStatus::kPublished);

  clock_.Advance(std::chrono::days{3} - std::chrono::seconds{1});
  EXPECT_EQ(Sweep().validated, 0);
  EXPECT_EQ(StatusOf(comune_, "LATER"), PositionStatus::kPublished);

  clock_.Advance(std::chrono::seconds{1});
  LifecycleSweep sweep = Sweep();
  EXPECT_EQ(sweep.validated, 1);
  EXPECT_EQ(sweep.expired, 0);
  EXPECT_EQ(StatusOf(comune_, "LATER"), PositionStatus::kValid);
  auto updated = Outbox(comune_, "position.updated");
  ASSERT_EQ(updated.size(), 1u);
  EXPECT_NE(updated[0].payload.find("\"status\":\"VALID\""), std::string::npos);
  EXPECT_NE(updated[0].payload.find("\"iupd\":\"LATER\""), std::string::npos);
  EXPECT_EQ(Sweep().validated, 0);  // done once
}

TEST_P(LifecycleTest, AValidPositionExpiresOnlyWithSwitchToExpiredAndAllOptionsPastDue) {
  const TimePoint due = kNow + std::chrono::days{10};
  Create(comune_, Position("EXPIRES", due, true));
  Create(comune_, Position("STAYS", due, false));
  DebtPosition plan = Position("PLAN", due, true);
  PaymentOption second = plan.options[0];
  second.due_date = due + std::chrono::days{30};
  plan.options[0].is_partial_payment = true;
  second.is_partial_payment = true;
  plan.options.push_back(second);
  Create(comune_, plan);
  Create(universita_, Position("EXPIRES", due, true));  // same iupd, another entity

  clock_.Advance(std::chrono::days{10});  // due date reached: not past yet
  EXPECT_EQ(Sweep().expired, 0);
  clock_.Advance(std::chrono::seconds{1});
  LifecycleSweep sweep = Sweep();
  EXPECT_EQ(sweep.expired, 2);  // one per entity
  EXPECT_EQ(StatusOf(comune_, "EXPIRES"), PositionStatus::kExpired);
  EXPECT_EQ(StatusOf(universita_, "EXPIRES"), PositionStatus::kExpired);
  EXPECT_EQ(StatusOf(comune_, "STAYS"), PositionStatus::kValid);
  EXPECT_EQ(StatusOf(comune_, "PLAN"), PositionStatus::kValid);  // one instalment still ahead
  auto expired = Outbox(comune_, "position.expired");
  ASSERT_EQ(expired.size(), 1u);
  EXPECT_NE(expired[0].payload.find("\"type\":\"position.expired\""), std::string::npos);
  // No personal data in the announcement.
  EXPECT_EQ(expired[0].payload.find("RSSMRA85T10A562S"), std::string::npos);
  EXPECT_EQ(expired[0].payload.find("Mario"), std::string::npos);

  clock_.Advance(std::chrono::days{31});
  EXPECT_EQ(Sweep().expired, 1);
  EXPECT_EQ(StatusOf(comune_, "PLAN"), PositionStatus::kExpired);
}

TEST_P(LifecycleTest, EveryPositionChangeIsAnnouncedInTheOutbox) {
  auto ctx = Ctx();
  DebtPosition p = Create(comune_, Position("P-1", kNow + std::chrono::days{10}, false));
  auto created = Outbox(comune_, "position.created");
  ASSERT_EQ(created.size(), 1u);
  EXPECT_NE(created[0].payload.find("\"status\":\"VALID\""), std::string::npos);
  EXPECT_NE(created[0].payload.find("\"version\":1"), std::string::npos);

  UpdatePositionCommand update{comune_.fiscal_code, "P-1", p, true};
  update.position.options[0].amount = 3000;
  update.position.options[0].transfers[0].amount = 3000;
  auto updated = UpdatePosition(ctx, Caller{}, update);
  ASSERT_TRUE(updated.ok()) << updated.error().ToText();
  ASSERT_EQ(Outbox(comune_, "position.updated").size(), 1u);

  // Paid through the node: position.paid beside receipt.created, in the receipt's transaction.
  PaymentUpdate paid;
  paid.iupd = "P-1";
  paid.expected_version = updated->version;
  paid.nav = updated->options[0].nav;
  paid.payment_date = clock_.Now();
  paid.updated_at = clock_.Now();
  StoredReceipt r;
  r.receipt.receipt_id = "RCPT-1";
  r.receipt.notice_number = paid.nav;
  r.receipt.iuv = updated->options[0].iuv;
  r.receipt.fiscal_code = comune_.fiscal_code;
  r.receipt.outcome = "OK";
  r.receipt.amount = 3000;
  r.receipt.source = "paSendRTV2";
  r.receipt.received_at = clock_.Now();
  r.kind = "ok";
  auto recorded = store_->RecordReceipt(comune_.id, r, paid, true);
  ASSERT_TRUE(recorded.ok()) << recorded.error().ToText();
  auto paid_events = Outbox(comune_, "position.paid");
  ASSERT_EQ(paid_events.size(), 1u);
  EXPECT_NE(paid_events[0].payload.find("\"noticeNumber\":\"" + paid.nav + "\""),
            std::string::npos);
  EXPECT_EQ(Outbox(comune_, "receipt").size(), 1u);

  // The same receipt again changes nothing and announces nothing.
  auto again = store_->RecordReceipt(comune_.id, r, std::nullopt, true);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(Outbox(comune_, "position.paid").size(), 1u);
  EXPECT_EQ(Outbox(comune_, "receipt").size(), 1u);
  EXPECT_TRUE(Outbox(universita_, "position.created").empty());
}

TEST_P(LifecycleTest, AFailedChangeAnnouncesNothing) {
  auto ctx = Ctx();
  Create(comune_, Position("P-1", kNow + std::chrono::days{10}, false));
  // A second create with the same iupd is refused: no second position.created.
  auto dup = CreatePosition(
      ctx, Caller{},
      {comune_.fiscal_code, Position("P-1", kNow + std::chrono::days{10}, false), true});
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(Outbox(comune_, "position.created").size(), 1u);
  // A stale status change is refused: nothing queued.
  Status stale =
      store_->UpdatePositionStatus(comune_.id, "P-1", 99, PositionStatus::kInvalid, clock_.Now());
  ASSERT_FALSE(stale.ok());
  EXPECT_TRUE(Outbox(comune_, "position.updated").empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, LifecycleTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace incasso
