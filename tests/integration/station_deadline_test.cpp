// The station never makes the node wait on a sick database: past its time budget, or when the
// database fails, it answers PAA_SYSTEM_ERROR; a receipt whose commit was only delayed is not lost
// and not doubled when the node sends it again.
#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "app/entities.hpp"
#include "app/event_recorder.hpp"
#include "app/positions.hpp"
#include "http/router.hpp"
#include "nodesim/station_messages.hpp"
#include "soap/station_handler.hpp"
#include "storage/open_store.hpp"
#include "tests/support/databases.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/hooked_store.hpp"

namespace incasso {
namespace {

constexpr const char* kEntity = "00123456782";

class StationDeadlineTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    store_ = testing::OpenFreshStore(GetParam(), tmp_.path());
    if (!store_) GTEST_SKIP() << "set INCASSO_TEST_POSTGRES_URL to run on PostgreSQL";
    hooked_ = std::make_unique<testing::HookedStore>(*store_);
    AppContext ctx{*store_, clock_};
    Entity e;
    e.fiscal_code = kEntity;
    e.name = "Comune di Valdimonte";
    e.slug = "comune-valdimonte";
    e.segregation_code = "01";
    ASSERT_TRUE(AddEntity(ctx, Caller{}, e).ok());
    DebtPosition p = testing::TestPosition("SLOW-1", clock_.Now() + std::chrono::days{30});
    p.company_name = "Comune di Valdimonte";
    auto created = CreatePosition(ctx, Caller{}, {kEntity, p, true});
    ASSERT_TRUE(created.ok()) << created.error().ToText();
    nav_ = created->options[0].nav;
    iuv_ = created->options[0].iuv;

    hooked_ctx_ = std::make_unique<AppContext>(AppContext{*hooked_, clock_});
    recorder_ = std::make_unique<EventRecorder>(*store_, EventRecorder::Options{});
    soap::StationOptions station;
    station.answer_timeout = std::chrono::milliseconds(300);
    endpoint_ = soap::AddStationEndpoint(router_, *hooked_ctx_, {"93000111224", {"93000111224_01"}},
                                         *recorder_, station);
  }

  void TearDown() override {
    endpoint_.reset();  // joins the workers (a blocked hook must have been released)
    recorder_.reset();
  }

  std::string Post(const std::string& action, const std::string& body) {
    http::Request req;
    req.method = "POST";
    req.target = req.path = "/pagopa/paForNode";
    req.headers = {{"soapaction", action}};
    req.body = body;
    return router_.Handle(req).body;
  }

  std::string Receipt() const {
    nodesim::ReceiptInput in;
    in.receipt_id = "SLOW00000000000000000000000001";
    in.notice_number = nav_;
    in.payment.creditor_reference_id = iuv_;
    in.payment.amount_cents = 2500;
    in.payment.due_date = "2027-01-01";
    in.payment.description = "Mensa";
    in.payment.company_name = "Comune di Valdimonte";
    in.payment.debtor = {"F", "RSSMRA85T10A562S", "Mario Rossi", "", "", "", "", "", "", ""};
    nodesim::StationTransfer t;
    t.amount_cents = 2500;
    t.fiscal_code_pa = kEntity;
    t.iban = "IT67V0542404200000000123456";
    t.remittance_information = "Mensa";
    t.transfer_category = "9/0201133SE/";
    in.payment.transfers.push_back(t);
    in.paid_at = clock_.Now();
    return nodesim::SendRtRequestXml({kEntity, "93000111224", "93000111224_01"}, 2, in);
  }

  testing::TempDir tmp_;
  FakeClock clock_{TimePoint{std::chrono::seconds{1795000000}}};
  std::unique_ptr<Store> store_;
  std::unique_ptr<testing::HookedStore> hooked_;
  std::unique_ptr<AppContext> hooked_ctx_;
  std::unique_ptr<EventRecorder> recorder_;
  http::Router router_;
  std::unique_ptr<soap::StationEndpoint> endpoint_;
  std::string nav_;
  std::string iuv_;
};

TEST_P(StationDeadlineTest, DatabaseFailureIsSystemErrorNotAHang) {
  hooked_->fail_reads = true;
  std::string verify =
      Post("paVerifyPaymentNotice",
           nodesim::VerifyRequestXml({kEntity, "93000111224", "93000111224_01"}, nav_));
  EXPECT_NE(verify.find("<faultCode>PAA_SYSTEM_ERROR</faultCode>"), std::string::npos) << verify;
  EXPECT_EQ(verify.find("<outcome>OK</outcome>"), std::string::npos);
}

TEST_P(StationDeadlineTest, SlowCommitIsAnsweredSystemErrorThenDuplicateOnRetry) {
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> entered;
  hooked_->before_record = [&, released] {
    entered.set_value();
    released.wait();  // the database "hangs" until the test lets it go
  };
  const std::string receipt = Receipt();
  // The answer comes back while the database is still blocked: no wall-clock assertion needed.
  std::string first = Post("paSendRTV2", receipt);
  EXPECT_NE(first.find("<faultCode>PAA_SYSTEM_ERROR</faultCode>"), std::string::npos) << first;
  entered.get_future().wait();
  release.set_value();  // the delayed commit now completes in the background
  // The delayed receipt lands without any retry: it was not lost with the timed-out answer. (Wait
  // for it before retrying, or the retry could race it and store the receipt itself.)
  bool landed = false;
  for (int poll = 0; poll < 1000 && !landed; ++poll) {
    auto stored = store_->ListReceipts(1, ReceiptFilter{});
    ASSERT_TRUE(stored.ok());
    landed = !stored->empty();
    if (!landed) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_TRUE(landed) << "the delayed receipt was never committed";
  // The node retries until it gets a final answer.
  std::string retry;
  for (int attempt = 0; attempt < 100; ++attempt) {
    retry = Post("paSendRTV2", receipt);
    if (retry.find("PAA_SYSTEM_ERROR") == std::string::npos) break;
  }
  EXPECT_NE(retry.find("<faultCode>PAA_RECEIPT_DUPLICATA</faultCode>"), std::string::npos) << retry;
  auto receipts = store_->ListReceipts(1, ReceiptFilter{});
  ASSERT_TRUE(receipts.ok());
  EXPECT_EQ(receipts->size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Backends, StationDeadlineTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace incasso
