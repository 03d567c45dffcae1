// Checkout carts end to end: simulator server on port 0 -> fake station on port 0.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/time.hpp"
#include "http/client.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "nodesim/simulator.hpp"
#include "nodesim/testing.hpp"
#include "soap/xml.hpp"

namespace incasso::nodesim {
namespace {

using testing::FakeNotice;
using testing::FakeStation;

constexpr const char* kEc = "80000000001";
constexpr const char* kNotice1 = "301000000000000123";
constexpr const char* kNotice2 = "301000000000000456";

std::string CartJson(int version, const std::string& notices, const std::string& extra = "") {
  std::string urls =
      R"("returnOkUrl":"https://comune.example/ok","returnCancelUrl":"https://comune.example/cancel","returnErrorUrl":"https://comune.example/error")";
  if (version == 2) urls += R"(,"returnWaitingUrl":"https://comune.example/wait")";
  return R"({"paymentNotices":[)" + notices + R"(],"returnUrls":{)" + urls + "}" + extra + "}";
}

std::string Notice(const char* number, int amount = 10000,
                   const char* company = "Comune di Prova") {
  return std::string(R"({"noticeNumber":")") + number + R"(","fiscalCode":")" + kEc +
         R"(","amount":)" + std::to_string(amount) + R"(,"companyName":")" + company +
         R"(","description":"Tassa rifiuti 2026"})";
}

class CheckoutTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SimulatorOptions options;
    options.station_url = station_.url();
    options.random_seed = 1234;
    simulator_ = NewNodeSimulator(options, clock_);
    simulator_->AddRoutes(router_);
    http::ServerOptions server_options;
    server_options.port = 0;
    server_options.threads = 2;
    server_options.shutdown_grace = std::chrono::milliseconds(200);
    auto server = http::StartServer(server_options,
                                    [this](const http::Request& r) { return router_.Handle(r); });
    ASSERT_TRUE(server.ok()) << server.error().ToText();
    server_ = std::move(server).value();
    base_ = "http://127.0.0.1:" + std::to_string(server_->port());
  }

  http::ClientResponse Call(const std::string& method, const std::string& path,
                            const std::string& body = "",
                            const std::string& type = "application/json") {
    http::ClientRequest req;
    req.method = method;
    req.url = path.rfind("http", 0) == 0 ? path : base_ + path;
    req.body = body;
    if (!body.empty()) req.headers = {{"Content-Type", type}};
    auto res = http::HttpCall(req);
    EXPECT_TRUE(res.ok()) << res.error().ToText();
    return res.ok() ? std::move(res).value() : http::ClientResponse{};
  }

  // Posts a cart and returns the payment page URL (Location).
  std::string NewCart(int version, const std::string& body) {
    auto res = Call("POST", "/checkout/ec/v" + std::to_string(version) + "/carts", body);
    EXPECT_EQ(res.status, 302) << res.body;
    return res.Header("Location");
  }

  static std::string Csrf(const std::string& page) {
    const std::string marker = "name=\"csrf\" value=\"";
    const auto at = page.find(marker);
    if (at == std::string::npos) return {};
    return page.substr(at + marker.size(), 32);
  }

  FakeStation station_;
  FakeClock clock_{ParseDateTime("2026-11-26T09:30:00Z").value()};
  std::unique_ptr<NodeSimulator> simulator_;
  http::Router router_;
  std::unique_ptr<http::Server> server_;
  std::string base_;
};

TEST_F(CheckoutTest, InvalidCartsAre400NamingTheField) {
  struct Case {
    int version;
    std::string body;
    std::string field;
  };
  const std::vector<Case> cases = {
      {1, "not json", "body"},
      {1, "[]", "body"},
      {1, R"({"returnUrls":{}})", "paymentNotices"},
      {1, CartJson(1, ""), "paymentNotices"},
      {1,
       CartJson(1, Notice(kNotice1) + "," + Notice(kNotice2) + "," + Notice("301000000000000001") +
                       "," + Notice("301000000000000002") + "," + Notice("301000000000000003") +
                       "," + Notice("301000000000000004")),
       "paymentNotices"},
      {1, CartJson(1, Notice("12345")), "paymentNotices[0].noticeNumber"},
      {1, CartJson(1, Notice(kNotice1) + "," + Notice("30100000000000012X")),
       "paymentNotices[1].noticeNumber"},
      {1, CartJson(1, Notice(kNotice1) + "," + Notice(kNotice1)), "paymentNotices[1].noticeNumber"},
      {1,
       CartJson(
           1,
           R"({"noticeNumber":"301000000000000123","fiscalCode":"123","amount":1,"companyName":"a","description":"b"})"),
       "paymentNotices[0].fiscalCode"},
      {1, CartJson(1, Notice(kNotice1, 0)), "paymentNotices[0].amount"},
      {1,
       CartJson(
           1,
           R"({"noticeNumber":"301000000000000123","fiscalCode":"80000000001","amount":"10","companyName":"a","description":"b"})"),
       "paymentNotices[0].amount"},
      {1,
       CartJson(
           1,
           R"({"noticeNumber":"301000000000000123","fiscalCode":"80000000001","amount":10.5,"companyName":"a","description":"b"})"),
       "paymentNotices[0].amount"},
      {1,
       CartJson(
           1,
           R"({"noticeNumber":"301000000000000123","fiscalCode":"80000000001","amount":10,"description":"b"})"),
       "paymentNotices[0].companyName"},
      {1, CartJson(1, Notice(kNotice1, 100, std::string(141, 'x').c_str())),
       "paymentNotices[0].companyName"},
      {1, R"({"paymentNotices":[)" + Notice(kNotice1) + "]}", "returnUrls"},
      {1,
       R"({"paymentNotices":[)" + Notice(kNotice1) +
           R"(],"returnUrls":{"returnOkUrl":"www.comune.it/ok","returnCancelUrl":"https://a/c","returnErrorUrl":"https://a/e"}})",
       "returnUrls.returnOkUrl"},
      {1,
       R"({"paymentNotices":[)" + Notice(kNotice1) +
           R"(],"returnUrls":{"returnOkUrl":"https://a/o","returnCancelUrl":"https://a/c"}})",
       "returnUrls.returnErrorUrl"},
      {2, CartJson(1, Notice(kNotice1)), "returnUrls.returnWaitingUrl"},
      {1, CartJson(1, Notice(kNotice1), R"(,"idCart":"")"), "idCart"},
      {1, CartJson(1, Notice(kNotice1), R"(,"idCart":")" + std::string(211, 'c') + "\""), "idCart"},
      {1, CartJson(1, Notice(kNotice1), R"(,"emailNotice":"nobody")"), "emailNotice"},
      {1, CartJson(1, Notice(kNotice1), R"(,"allCCP":"maybe")"), "allCCP"},
  };
  for (const Case& c : cases) {
    auto res = Call("POST", "/checkout/ec/v" + std::to_string(c.version) + "/carts", c.body);
    EXPECT_EQ(res.status, 400) << c.body;
    EXPECT_EQ(res.Header("Content-Type"), "application/problem+json") << c.body;
    boost::json::error_code ec;
    auto problem = boost::json::parse(res.body, ec);
    ASSERT_FALSE(ec) << res.body;
    const std::string detail(problem.at("detail").as_string());
    EXPECT_EQ(detail.rfind(c.field + ": ", 0), 0u) << c.body << " -> " << detail;
    EXPECT_EQ(problem.at("status").as_int64(), 400);
  }
  EXPECT_TRUE(station_.calls().empty());
}

TEST_F(CheckoutTest, CartRedirectsToAPageListingTheNotices) {
  const std::string location = NewCart(
      2, CartJson(2, Notice(kNotice1, 12345, "Comune di Prova & <Co>") + "," + Notice(kNotice2, 55),
                  R"(,"idCart":"cart-1","allCCP":"false")"));
  const std::string prefix = base_ + "/checkout/carts/";
  ASSERT_EQ(location.rfind(prefix, 0), 0u) << location;
  EXPECT_EQ(location.size(), prefix.size() + 32);

  auto page = Call("GET", location);
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.Header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(page.body.find("<html lang=\"it\">"), std::string::npos);
  EXPECT_NE(page.body.find("name=\"viewport\""), std::string::npos);
  EXPECT_NE(page.body.find(kNotice1), std::string::npos);
  EXPECT_NE(page.body.find(kNotice2), std::string::npos);
  EXPECT_NE(page.body.find("€ 123,45"), std::string::npos);
  EXPECT_NE(page.body.find("€ 0,55"), std::string::npos);
  EXPECT_NE(page.body.find("Totale da pagare: <strong>€ 124,00</strong>"), std::string::npos);
  EXPECT_NE(page.body.find("Comune di Prova &amp; &lt;Co&gt;"), std::string::npos);
  EXPECT_EQ(page.body.find("<Co>"), std::string::npos);
  EXPECT_NE(page.body.find("<label for=\"email\">"), std::string::npos);
  for (const char* button :
       {">Paga € 124,00</button>", ">Annulla</button>", ">Simula errore</button>"}) {
    EXPECT_NE(page.body.find(button), std::string::npos) << button;
  }
  EXPECT_EQ(Csrf(page.body).size(), 32u);
  EXPECT_EQ(page.body.find("http"), std::string::npos) << "no external assets or links";

  auto css = Call("GET", "/checkout/assets/checkout.css");
  EXPECT_EQ(css.status, 200);
  EXPECT_EQ(css.Header("Content-Type"), "text/css; charset=utf-8");

  EXPECT_EQ(Call("GET", "/checkout/carts/0000").status, 404);
}

TEST_F(CheckoutTest, WrongOrMissingCsrfTokenIsRejected) {
  station_.Add(testing::Fake(kNotice1));
  const std::string location = NewCart(1, CartJson(1, Notice(kNotice1)));
  const std::string csrf = Csrf(Call("GET", location).body);
  const std::string form = "application/x-www-form-urlencoded";
  EXPECT_EQ(Call("POST", location, "action=pay", form).status, 403);
  EXPECT_EQ(Call("POST", location, "action=pay&csrf=" + std::string(32, '0'), form).status, 403);
  EXPECT_EQ(Call("POST", location, "action=pay&csrf=" + csrf.substr(0, 31), form).status, 403);
  EXPECT_TRUE(station_.calls().empty());
  EXPECT_EQ(Call("POST", location, "action=steal&csrf=" + csrf, form).status, 400);
  // The cart is still payable with the right token.
  auto paid = Call("POST", location, "csrf=" + csrf + "&action=pay", form);
  EXPECT_EQ(paid.status, 303);
  EXPECT_EQ(paid.Header("Location"), "https://comune.example/ok");
}

TEST_F(CheckoutTest, PayingACartSendsEveryReceiptAndRedirectsToOk) {
  station_.Add(testing::Fake(kNotice1, [](FakeNotice& n) { n.amount_cents = 12345; }));
  station_.Add(testing::Fake(kNotice2, [](FakeNotice& n) { n.amount_cents = 55; }));
  const std::string location =
      NewCart(2, CartJson(2, Notice(kNotice1, 12345) + "," + Notice(kNotice2, 55),
                          R"(,"idCart":"cart-42","emailNotice":"mario.rossi@example.org")"));
  const auto page = Call("GET", location);
  EXPECT_NE(page.body.find("mario.rossi@example.org"), std::string::npos);
  auto res = Call("POST", location, "action=pay&csrf=" + Csrf(page.body),
                  "application/x-www-form-urlencoded");
  EXPECT_EQ(res.status, 303);
  EXPECT_EQ(res.Header("Location"), "https://comune.example/ok");

  // Both activations before any receipt (a cart is paid whole).
  EXPECT_EQ(station_.Elements(),
            (std::vector<std::string>{"paVerifyPaymentNoticeReq", "paGetPaymentV2Request",
                                      "paVerifyPaymentNoticeReq", "paGetPaymentV2Request",
                                      "paSendRTV2Request", "paSendRTV2Request"}));
  const auto calls = station_.calls();
  auto get = soap::ParseXml(calls[1].request);
  ASSERT_TRUE(get.ok());
  EXPECT_EQ(get->Root()
                .Child("Body", soap::kSoapEnvelopeNs)
                .Child("paGetPaymentV2Request", soap::kPaForNodeNs)
                .ChildText("paymentNote"),
            "cart-42");
  if (testing::HaveXmllint()) {
    for (const auto& c : calls) {
      EXPECT_EQ(testing::XmlLint(testing::PaForNodeSchema(), c.request), "") << c.request;
    }
  }
  const auto receipts = simulator_->ledger().Receipts();
  ASSERT_EQ(receipts.size(), 2u);
  EXPECT_EQ(receipts[0].notice_number, kNotice1);
  EXPECT_EQ(receipts[1].amount_cents, 55);

  // Paid: the page says so and offers no buttons; paying again is refused.
  const auto after = Call("GET", location);
  EXPECT_NE(after.body.find("Stato del pagamento: pagato."), std::string::npos);
  EXPECT_EQ(after.body.find("<form"), std::string::npos);
  EXPECT_EQ(Call("POST", location, "action=pay&csrf=" + Csrf(page.body),
                 "application/x-www-form-urlencoded")
                .status,
            409);
  EXPECT_EQ(station_.calls().size(), 6u);
}

TEST_F(CheckoutTest, CancelRedirectsWithoutCallingTheStation) {
  station_.Add(testing::Fake(kNotice1));
  const std::string location = NewCart(1, CartJson(1, Notice(kNotice1)));
  auto res = Call("POST", location, "action=cancel&csrf=" + Csrf(Call("GET", location).body),
                  "application/x-www-form-urlencoded");
  EXPECT_EQ(res.status, 303);
  EXPECT_EQ(res.Header("Location"), "https://comune.example/cancel");
  EXPECT_TRUE(station_.calls().empty());
  EXPECT_NE(Call("GET", location).body.find("annullato"), std::string::npos);
}

TEST_F(CheckoutTest, SimulatedErrorActivatesWithoutReceipts) {
  station_.Add(testing::Fake(kNotice1));
  const std::string location = NewCart(1, CartJson(1, Notice(kNotice1), R"(,"allCCP":true)"));
  auto res = Call("POST", location, "action=error&csrf=" + Csrf(Call("GET", location).body),
                  "application/x-www-form-urlencoded");
  EXPECT_EQ(res.status, 303);
  EXPECT_EQ(res.Header("Location"), "https://comune.example/error");
  EXPECT_EQ(station_.Elements(),
            (std::vector<std::string>{"paVerifyPaymentNoticeReq", "paGetPaymentV2Request"}));
  EXPECT_NE(station_.calls()[1].request.find("<transferType>POSTAL</transferType>"),
            std::string::npos);
  EXPECT_TRUE(simulator_->ledger().Receipts().empty());
}

TEST_F(CheckoutTest, AStationFaultSendsNoReceiptAndRedirectsToError) {
  station_.Add(testing::Fake(kNotice1));  // kNotice2 is unknown to the station
  const std::string location = NewCart(1, CartJson(1, Notice(kNotice1) + "," + Notice(kNotice2)));
  auto res = Call("POST", location, "action=pay&csrf=" + Csrf(Call("GET", location).body),
                  "application/x-www-form-urlencoded");
  EXPECT_EQ(res.status, 303);
  EXPECT_EQ(res.Header("Location"), "https://comune.example/error");
  EXPECT_EQ(station_.Elements(),
            (std::vector<std::string>{"paVerifyPaymentNoticeReq", "paGetPaymentV2Request",
                                      "paVerifyPaymentNoticeReq"}));
  EXPECT_TRUE(simulator_->ledger().Receipts().empty());
}

TEST_F(CheckoutTest, ConcurrentCartsAreAllPaidAndReported) {
  constexpr int kCarts = 8;
  std::vector<std::string> notices;
  for (int i = 0; i < kCarts; ++i) {
    notices.push_back(fmt::format("3010000000000{:05d}", i));
    station_.Add(testing::Fake(notices.back()));
  }
  std::vector<int> statuses(kCarts, 0);
  std::vector<std::thread> threads;
  for (int i = 0; i < kCarts; ++i) {
    threads.emplace_back([&, i] {
      const std::string location = NewCart(2, CartJson(2, Notice(notices[i].c_str(), 100 + i)));
      const std::string csrf = Csrf(Call("GET", location).body);
      statuses[i] =
          Call("POST", location, "action=pay&csrf=" + csrf, "application/x-www-form-urlencoded")
              .status;
    });
  }
  for (auto& t : threads) t.join();
  for (int status : statuses) EXPECT_EQ(status, 303);
  EXPECT_EQ(simulator_->ledger().Receipts().size(), static_cast<std::size_t>(kCarts));
  const auto flows = simulator_->ledger().ListFlows();
  ASSERT_EQ(flows.size(), 1u);  // one PSP, one institution, one day
  EXPECT_EQ(flows[0].payments, kCarts);
  EXPECT_EQ(flows[0].total_cents, kCarts * 10000);  // the station's amounts, not the cart's
}

}  // namespace
}  // namespace incasso::nodesim
