// End to end with the real station: the simulator (pay flow and Checkout carts) against
// soap::AddStationEndpoint over the use cases and an SQLite database holding the demo region.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "app/demo.hpp"
#include "app/event_recorder.hpp"
#include "core/time.hpp"
#include "http/client.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "nodesim/pay.hpp"
#include "nodesim/simulator.hpp"
#include "nodesim/testing.hpp"
#include "soap/station_handler.hpp"
#include "storage/open_store.hpp"

namespace incasso::nodesim {
namespace {

namespace fs = std::filesystem;

std::unique_ptr<http::Server> Serve(http::Router& router) {
  http::ServerOptions options;
  options.port = 0;
  options.threads = 2;
  options.shutdown_grace = std::chrono::milliseconds(200);
  auto server =
      http::StartServer(options, [&router](const http::Request& r) { return router.Handle(r); });
  EXPECT_TRUE(server.ok()) << server.error().ToText();
  return server.ok() ? std::move(server).value() : nullptr;
}

class StationE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static int counter = 0;
    dir_ = fs::temp_directory_path() /
           ("incasso-nodesim-e2e-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::create_directories(dir_);
    StoreOptions store_options;
    store_options.url = "sqlite:" + (dir_ / "incasso.db").string();
    auto migrated = MigrateStore(store_options);
    ASSERT_TRUE(migrated.ok()) << migrated.error().ToText();
    auto store = OpenStore(store_options);
    ASSERT_TRUE(store.ok()) << store.error().ToText();
    store_ = std::move(store).value();
    ctx_ = std::make_unique<AppContext>(AppContext{*store_, clock_});
    auto demo = LoadDemoRegion(*ctx_);
    ASSERT_TRUE(demo.ok()) << demo.error().ToText();
    events_ = std::make_unique<EventRecorder>(*store_, EventRecorder::Options{});
    auto config = soap::ResolveStationConfig(*store_, {});
    ASSERT_TRUE(config.ok()) << config.error().ToText();
    endpoint_ =
        soap::AddStationEndpoint(station_router_, *ctx_, *config, *events_, soap::StationOptions{});
    station_server_ = Serve(station_router_);
    ASSERT_NE(station_server_, nullptr);
    station_url_ =
        "http://127.0.0.1:" + std::to_string(station_server_->port()) + soap::StationOptions{}.path;
  }

  void TearDown() override {
    if (station_server_) station_server_->Stop();
    station_server_.reset();
    endpoint_.reset();
    events_.reset();
    ctx_.reset();
    store_.reset();
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  struct Payable {
    std::string fiscal_code;
    std::int64_t entity_id = 0;
    std::string notice_number;
    std::int64_t amount = 0;
  };

  // Single-option VALID positions of the demo region, unpaid.
  std::vector<Payable> PayableNotices() {
    std::vector<Payable> out;
    auto entities = store_->ListEntities();
    EXPECT_TRUE(entities.ok());
    for (const Entity& e : *entities) {
      PositionFilter filter;
      filter.status = PositionStatus::kValid;
      auto positions = store_->ListPositions(e.id, filter);
      EXPECT_TRUE(positions.ok());
      for (const DebtPosition& p : *positions) {
        if (p.options.size() != 1 || p.options[0].status != OptionStatus::kUnpaid) continue;
        out.push_back({e.fiscal_code, e.id, p.options[0].nav, p.options[0].amount});
      }
    }
    return out;
  }

  PositionStatus StatusOf(const Payable& p) {
    auto position = store_->FindPositionByNoticeNumber(p.entity_id, p.notice_number);
    EXPECT_TRUE(position.ok() && position->has_value());
    return position.ok() && position->has_value() ? (*position)->status : PositionStatus::kDraft;
  }

  PayRequest Request(const Payable& p, int version) {
    PayRequest r;
    r.station_url = station_url_;
    r.ec_fiscal_code = p.fiscal_code;
    r.notice_number = p.notice_number;
    r.version = version;
    return r;
  }

  FakeClock clock_{ParseDateTime("2026-11-26T09:00:00Z").value()};
  RandomHex random_{99};
  fs::path dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<AppContext> ctx_;
  std::unique_ptr<EventRecorder> events_;
  http::Router station_router_;
  std::unique_ptr<soap::StationEndpoint> endpoint_;
  std::unique_ptr<http::Server> station_server_;
  std::string station_url_;
};

std::string Describe(const PayResult& r) {
  std::string out;
  for (const auto& s : r.steps) {
    out += s.operation + " " + s.outcome + " " + s.fault_code + " " + s.description + "\n";
  }
  return out;
}

TEST_F(StationE2eTest, PayFlowPaysADemoNoticeOnTheRealStation) {
  const auto notices = PayableNotices();
  ASSERT_GE(notices.size(), 2u);

  PayResult v2 = PayNotice(Request(notices[0], 2), clock_, random_);
  ASSERT_TRUE(v2.succeeded) << Describe(v2);
  EXPECT_EQ(v2.amount_cents, notices[0].amount);
  EXPECT_EQ(StatusOf(notices[0]), PositionStatus::kPaid);

  // Paid: the station now refuses the notice.
  PayResult again = PayNotice(Request(notices[0], 2), clock_, random_);
  EXPECT_FALSE(again.succeeded);
  ASSERT_FALSE(again.steps.empty());
  EXPECT_EQ(again.steps[0].fault_code, "PAA_PAGAMENTO_DUPLICATO") << Describe(again);

  // V1, and a refused payment leaves the position open.
  PayRequest ko = Request(notices[1], 1);
  ko.pay = false;
  PayResult refused = PayNotice(ko, clock_, random_);
  ASSERT_TRUE(refused.succeeded) << Describe(refused);
  EXPECT_EQ(StatusOf(notices[1]), PositionStatus::kValid);
  PayResult v1 = PayNotice(Request(notices[1], 1), clock_, random_);
  ASSERT_TRUE(v1.succeeded) << Describe(v1);
  EXPECT_EQ(StatusOf(notices[1]), PositionStatus::kPaid);

  PayRequest unknown = Request(notices[0], 2);
  unknown.notice_number = "000000000000000000";  // the Stand-In probe: must be unknown
  PayResult probe = PayNotice(unknown, clock_, random_);
  ASSERT_FALSE(probe.steps.empty());
  EXPECT_EQ(probe.steps[0].fault_code, "PAA_PAGAMENTO_SCONOSCIUTO") << Describe(probe);
}

TEST_F(StationE2eTest, CheckoutCartIsPaidAndReportedInAValidFlow) {
  const auto notices = PayableNotices();
  ASSERT_GE(notices.size(), 2u);
  SimulatorOptions options;
  options.station_url = station_url_;
  options.random_seed = 3;
  auto simulator = NewNodeSimulator(options, clock_);
  http::Router router;
  simulator->AddRoutes(router);
  auto server = Serve(router);
  ASSERT_NE(server, nullptr);
  const std::string base = "http://127.0.0.1:" + std::to_string(server->port());

  std::string notices_json;
  for (int i = 0; i < 2; ++i) {
    if (i > 0) notices_json += ",";
    notices_json += R"({"noticeNumber":")" + notices[i].notice_number + R"(","fiscalCode":")" +
                    notices[i].fiscal_code + R"(","amount":)" + std::to_string(notices[i].amount) +
                    R"(,"companyName":"Ente","description":"Avviso demo"})";
  }
  http::ClientRequest post;
  post.method = "POST";
  post.url = base + "/checkout/ec/v2/carts";
  post.headers = {{"Content-Type", "application/json"}};
  post.body = R"({"paymentNotices":[)" + notices_json +
              R"(],"returnUrls":{"returnOkUrl":"http://portal.example/ok",)"
              R"("returnCancelUrl":"http://portal.example/cancel",)"
              R"("returnErrorUrl":"http://portal.example/error",)"
              R"("returnWaitingUrl":"http://portal.example/wait"},"idCart":"demo-cart-1"})";
  auto created = http::HttpCall(post);
  ASSERT_TRUE(created.ok());
  ASSERT_EQ(created->status, 302) << created->body;

  http::ClientRequest get;
  get.url = created->Header("Location");
  auto page = http::HttpCall(get);
  ASSERT_TRUE(page.ok());
  const std::string marker = "name=\"csrf\" value=\"";
  const std::string csrf = page->body.substr(page->body.find(marker) + marker.size(), 32);

  http::ClientRequest pay;
  pay.method = "POST";
  pay.url = get.url;
  pay.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  pay.body = "csrf=" + csrf + "&action=pay";
  auto paid = http::HttpCall(pay);
  ASSERT_TRUE(paid.ok());
  EXPECT_EQ(paid->status, 303);
  EXPECT_EQ(paid->Header("Location"), "http://portal.example/ok");
  EXPECT_EQ(StatusOf(notices[0]), PositionStatus::kPaid);
  EXPECT_EQ(StatusOf(notices[1]), PositionStatus::kPaid);

  const auto flows = simulator->ledger().ListFlows();
  ASSERT_FALSE(flows.empty());
  if (testing::HaveXmllint()) {
    for (const auto& f : flows) {
      const auto xml = simulator->ledger().FlowXml(f.id);
      ASSERT_TRUE(xml.has_value());
      EXPECT_EQ(testing::XmlLint(testing::FlussoSchema(), *xml), "") << *xml;
    }
  }
  server->Stop();
}

}  // namespace
}  // namespace incasso::nodesim
