// incasso's own API (/api/v1, src/api/v1_routes.cpp) over a real database (SQLite and
// PostgreSQL), driven through the Router in memory. Every request and every response, whatever
// its status, is checked against openapi/incasso-v1.json, the file the binary embeds and serves.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/export_routes.hpp"
#include "api/import_routes.hpp"
#include "api/v1_routes.hpp"
#include "app/api_keys.hpp"
#include "app/entities.hpp"
#include "app/positions.hpp"
#include "core/time.hpp"
#include "tests/support/api_client.hpp"
#include "tests/support/databases.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/openapi_check.hpp"

namespace incasso {
namespace {

namespace json = boost::json;

const TimePoint kNow = *ParseDateTime("2026-11-26T10:00:00Z");
constexpr const char* kCfA = "00123456782";
constexpr const char* kCfB = "80012345676";
constexpr const char* kIbanA = "IT67V0542404200000000123456";
constexpr const char* kIbanB = "IT60X0542811101000000123456";
constexpr const char* kBase = "/api/v1";

const testing::OpenApiSpec& Spec() {
  static const testing::OpenApiSpec spec(INCASSO_V1_OPENAPI);
  return spec;
}

class ApiV1Test : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    store_ = testing::OpenFreshStore(GetParam(), tmp_.path());
    if (!store_) GTEST_SKIP() << "set INCASSO_TEST_POSTGRES_URL to run on PostgreSQL";
    ctx_.emplace(AppContext{*store_, clock_});
    entity_a_ = testing::AddTestEntity(*ctx_, testing::TestEntity(kCfA, "comune", "01"));
    entity_b_ = testing::AddTestEntity(*ctx_, testing::TestEntity(kCfB, "universita", "02"));
    key_a_ = testing::NewApiKey(*ctx_, kCfA);
    key_b_ = testing::NewApiKey(*ctx_, kCfB);
    AddApiV1Routes(router_, *ctx_);
    AddExportRoutes(router_, *ctx_);
    import_jobs_ = AddImportRoutes(router_, *ctx_, tmp_.path() / "imports");
  }
  void TearDown() override {
    if (import_jobs_) import_jobs_->Stop();
  }

  static std::string Org(const std::string& cf = kCfA) {
    return std::string(kBase) + "/organizations/" + cf;
  }

  // Sends a request (key as Authorization: Bearer when `bearer`); checks request and response
  // against the OpenAPI file unless api_.check_requests is off (deliberately bad requests).
  http::Response Send(const std::string& method, const std::string& target, const std::string& key,
                      std::string body = {}, testing::Headers headers = {}, bool bearer = false) {
    return api_.Send(method, target, key, std::move(body), std::move(headers), bearer);
  }

  static json::value Body(const http::Response& r) { return testing::JsonBody(r); }

  // Field names of a problem's errors list.
  static std::vector<std::string> Fields(const http::Response& r) {
    std::vector<std::string> out;
    const json::value body = json::parse(r.body);
    for (const auto& e : body.at("errors").as_array()) {
      out.emplace_back(e.at("field").as_string());
    }
    return out;
  }

  DebtPosition MakePosition(const std::string& iupd, const std::string& debtor, std::int64_t amount,
                            const std::string& iban) {
    DebtPosition p = testing::TestPosition(iupd, kNow + std::chrono::days{10}, amount);
    p.debtor.fiscal_code = debtor;
    p.options[0].transfers[0].iban = iban;
    return p;
  }

  DebtPosition AddPosition(const std::string& cf, const std::string& iupd,
                           const std::string& debtor, std::int64_t amount) {
    auto created = CreatePosition(
        *ctx_, Caller{},
        {cf, MakePosition(iupd, debtor, amount, cf == kCfA ? kIbanA : kIbanB), true});
    EXPECT_TRUE(created.ok()) << created.error().ToText();
    return created.ok() ? *created : DebtPosition{};
  }

  // A paid receipt for the position's option, recorded as the station would (with an outbox
  // message for webhooks).
  void Pay(const Entity& e, const DebtPosition& p, const std::string& receipt_id, TimePoint when,
           const std::string& xml) {
    const PaymentOption& o = p.options.at(0);
    StoredReceipt r;
    r.receipt.receipt_id = receipt_id;
    r.receipt.notice_number = o.nav;
    r.receipt.fiscal_code = e.fiscal_code;
    r.receipt.iuv = o.iuv;
    r.receipt.outcome = "OK";
    r.receipt.amount = o.amount;
    r.receipt.psp_id = "PSPTEST";
    r.receipt.payment_method = "CP";
    r.receipt.payment_date_time = when;
    r.receipt.received_at = when;
    r.receipt.debtor = p.debtor;
    r.receipt.original_xml = xml;
    r.receipt.source = "paSendRTV2";
    Transfer t = o.transfers.at(0);
    t.entity_fiscal_code = e.fiscal_code;
    r.receipt.transfers.push_back(t);
    r.kind = "normal";
    r.option_id = o.id;
    PaymentUpdate u;
    u.iupd = p.iupd;
    u.expected_version = p.version;
    u.nav = o.nav;
    u.payment_date = when;
    u.updated_at = when;
    auto done = store_->RecordReceipt(e.id, r, u, true);
    ASSERT_TRUE(done.ok()) << done.error().ToText();
  }

  void AddServiceFor(const Entity& e, const std::string& code, const std::string& iban) {
    IbanAccount account;
    account.iban = iban;
    account.label = "Tesoreria";
    account.valid_from = Date(std::chrono::year{2026} / 1 / 1);
    auto added = AddIbanAccount(*ctx_, Caller{}, e.id, account);
    ASSERT_TRUE(added.ok()) << added.error().ToText();
    Service s;
    s.code = code;
    s.name = "Servizio " + code;
    s.description = "Descrizione";
    s.taxonomy_code = "9/0201133SE/";
    s.iban = iban;
    s.amount_rule = AmountRule::kFixed;
    s.amount_cents = 1500;
    auto service = AddService(*ctx_, Caller{}, e.id, s);
    ASSERT_TRUE(service.ok()) << service.error().ToText();
  }

  testing::TempDir tmp_;
  FakeClock clock_{kNow};
  std::unique_ptr<Store> store_;
  std::optional<AppContext> ctx_;
  http::Router router_;
  testing::ApiClient api_{router_, Spec(), kBase};
  std::unique_ptr<ImportJobRunner> import_jobs_;
  Entity entity_a_;
  Entity entity_b_;
  std::string key_a_;
  std::string key_b_;
};

TEST_P(ApiV1Test, ServesItsOpenApiFileWithoutAKey) {
  auto r = Send("GET", std::string(kBase) + "/openapi.json", "");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(r.body,
            testing::ReadFile(INCASSO_V1_OPENAPI));  // the repo file, embedded at build time
  EXPECT_EQ(Body(r).at("openapi"), "3.0.3");
}

TEST_P(ApiV1Test, ReceiptsListFilterAndGetAsJsonAndOriginalXml) {
  auto p1 = AddPosition(kCfA, "R-1", "RSSMRA85T10A562S", 2500);
  auto p2 = AddPosition(kCfA, "R-2", "VRDLGU80A01H501Q", 4000);
  auto pb = AddPosition(kCfB, "R-B", "RSSMRA85T10A562S", 999);
  const std::string xml1 =
      "<?xml version=\"1.0\"?>\r\n<soapenv:Envelope xmlns:soapenv=\"x\"><a>&amp;'\xc3\xa8</a>"
      "</soapenv:Envelope>\n";
  Pay(entity_a_, p1, "RT-A1", *ParseDateTime("2026-11-10T08:00:00Z"), xml1);
  Pay(entity_a_, p2, "RT-A2", *ParseDateTime("2026-11-20T08:00:00Z"), "<b/>");
  Pay(entity_b_, pb, "RT-B1", *ParseDateTime("2026-11-15T08:00:00Z"), "<secret-of-b/>");

  auto all = Send("GET", Org() + "/receipts", key_a_);
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_EQ(all.tenant, kCfA);
  const json::value all_body = Body(all);
  const auto& items = all_body.at("items").as_array();
  ASSERT_EQ(items.size(), 2U);  // never B's
  EXPECT_EQ(items[0].at("receiptId"), "RT-A2");
  EXPECT_EQ(items[1].at("receiptId"), "RT-A1");
  EXPECT_EQ(items[1].at("amount"), 2500);
  EXPECT_EQ(items[1].at("noticeNumber"), p1.options[0].nav.c_str());
  EXPECT_EQ(Body(all).at("page").at("hasMore"), false);

  auto ids = [&](const std::string& query) {
    auto r = Send("GET", Org() + "/receipts" + query, key_a_);
    EXPECT_EQ(r.status, 200) << query << " " << r.body;
    std::vector<std::string> out;
    const json::value body = Body(r);
    for (const auto& i : body.at("items").as_array())
      out.emplace_back(i.at("receiptId").as_string());
    return out;
  };
  EXPECT_EQ(ids("?noticeNumber=" + p1.options[0].nav), (std::vector<std::string>{"RT-A1"}));
  EXPECT_EQ(ids("?noticeNumber=" + pb.options[0].nav), (std::vector<std::string>{}));
  EXPECT_EQ(ids("?paidFrom=2026-11-11&paidTo=2026-11-30"), (std::vector<std::string>{"RT-A2"}));
  EXPECT_EQ(ids("?paidTo=2026-11-10"), (std::vector<std::string>{"RT-A1"}));  // whole day
  EXPECT_EQ(ids("?kind=normal&limit=1"), (std::vector<std::string>{"RT-A2"}));
  EXPECT_EQ(ids("?kind=normal&limit=1&offset=1"), (std::vector<std::string>{"RT-A1"}));
  auto page = Send("GET", Org() + "/receipts?limit=1", key_a_);
  EXPECT_EQ(Body(page).at("page").at("hasMore"), true);

  auto one = Send("GET", Org() + "/receipts/RT-A1", key_a_);
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(Body(one).at("debtor").at("fiscalCode"), "RSSMRA85T10A562S");
  EXPECT_EQ(Body(one).at("transfers").at(0).at("iban"), kIbanA);
  auto xml = Send("GET", Org() + "/receipts/RT-A1.xml", key_a_);
  ASSERT_EQ(xml.status, 200) << xml.body;
  EXPECT_EQ(xml.content_type, "application/xml");
  EXPECT_EQ(xml.body, xml1);  // byte-exact
  // Another institution's receipt is not found, in any form.
  EXPECT_EQ(Send("GET", Org() + "/receipts/RT-B1", key_a_).status, 404);
  EXPECT_EQ(Send("GET", Org() + "/receipts/RT-B1.xml", key_a_).status, 404);
  EXPECT_EQ(Send("GET", Org() + "/receipts/NOPE.xml", key_a_).status, 404);

  api_.check_requests = false;  // deliberately outside the OpenAPI file
  auto bad = Send(
      "GET", Org() + "/receipts?limit=0&offset=-1&paidFrom=2026-13-01&noticeNumber=12&x=1", key_a_);
  EXPECT_EQ(bad.status, 400);
  auto fields = Fields(bad);
  std::sort(fields.begin(), fields.end());
  EXPECT_EQ(fields, (std::vector<std::string>{"limit", "noticeNumber", "offset", "paidFrom", "x"}));
}

TEST_P(ApiV1Test, PaymentsSearchAcrossPositions) {
  auto p1 = AddPosition(kCfA, "S-1", "RSSMRA85T10A562S", 2500);
  auto p2 = AddPosition(kCfA, "S-2", "VRDLGU80A01H501Q", 4000);
  AddPosition(kCfA, "S-3", "RSSMRA85T10A562S", 10000);
  AddPosition(kCfB, "S-B", "RSSMRA85T10A562S", 2500);
  Pay(entity_a_, p2, "RT-S2", *ParseDateTime("2026-11-20T08:00:00Z"), "<x/>");

  auto iupds = [&](const std::string& query) {
    auto r = Send("GET", Org() + "/payments" + query, key_a_);
    EXPECT_EQ(r.status, 200) << query << " " << r.body;
    std::vector<std::string> out;
    const json::value body = Body(r);
    for (const auto& i : body.at("items").as_array()) out.emplace_back(i.at("iupd").as_string());
    return out;
  };
  EXPECT_EQ(iupds(""), (std::vector<std::string>{"S-3", "S-2", "S-1"}));
  EXPECT_EQ(iupds("?debtorFiscalCode=RSSMRA85T10A562S"), (std::vector<std::string>{"S-3", "S-1"}));
  EXPECT_EQ(iupds("?noticeNumber=" + p1.options[0].nav), (std::vector<std::string>{"S-1"}));
  EXPECT_EQ(iupds("?iuv=" + p1.options[0].iuv), (std::vector<std::string>{"S-1"}));
  EXPECT_EQ(iupds("?status=PO_PAID"), (std::vector<std::string>{"S-2"}));
  EXPECT_EQ(iupds("?paidFrom=2026-11-20&paidTo=2026-11-20"), (std::vector<std::string>{"S-2"}));
  EXPECT_EQ(iupds("?paidFrom=2026-11-21"), (std::vector<std::string>{}));
  EXPECT_EQ(iupds("?amountMin=3000"), (std::vector<std::string>{"S-3", "S-2"}));
  EXPECT_EQ(iupds("?amountMin=2500&amountMax=4000"), (std::vector<std::string>{"S-2", "S-1"}));
  EXPECT_EQ(iupds("?limit=2&offset=2"), (std::vector<std::string>{"S-1"}));
  auto paid = Send("GET", Org() + "/payments?status=PO_PAID", key_a_);
  const json::value paid_body = Body(paid);
  const auto& item = paid_body.at("items").at(0);
  EXPECT_EQ(item.at("positionStatus"), "PAID");
  EXPECT_EQ(item.at("paymentDate"), "2026-11-20T08:00:00Z");
  EXPECT_EQ(item.at("amount"), 4000);
  // SQL in a parameter is just a value that matches nothing.
  EXPECT_EQ(iupds("?debtorFiscalCode=%27%20OR%20%271%27%3D%271"), (std::vector<std::string>{}));
  // B's notice number finds nothing for A.
  auto b = Send("GET", Org(kCfB) + "/payments", key_b_);
  EXPECT_EQ(Body(b).at("items").as_array().size(), 1U);

  api_.check_requests = false;
  auto bad = Send("GET",
                  Org() +
                      "/payments?status=PAID&amountMin=1.5&amountMax=-1&iuv=abc&paidTo=x"
                      "&limit=101",
                  key_a_);
  EXPECT_EQ(bad.status, 400);
  auto fields = Fields(bad);
  std::sort(fields.begin(), fields.end());
  EXPECT_EQ(fields, (std::vector<std::string>{"amountMax", "amountMin", "iuv", "limit", "paidTo",
                                              "status"}));
  auto inverted = Send("GET", Org() + "/payments?amountMin=500&amountMax=100", key_a_);
  EXPECT_EQ(inverted.status, 400);
  EXPECT_EQ(Fields(inverted), (std::vector<std::string>{"amountMax"}));
  auto huge = Send("GET", Org() + "/payments?debtorFiscalCode=" + std::string(5000, 'A'), key_a_);
  EXPECT_EQ(huge.status, 400);
}

TEST_P(ApiV1Test, ServiceCatalogueIsReadPerEntity) {
  AddServiceFor(entity_a_, "MENSA", kIbanA);
  AddServiceFor(entity_b_, "TASSE", kIbanB);
  auto list = Send("GET", Org() + "/services", key_a_);
  ASSERT_EQ(list.status, 200) << list.body;
  const json::value list_body = Body(list);
  const auto& items = list_body.at("items").as_array();
  ASSERT_EQ(items.size(), 1U);
  EXPECT_EQ(items[0].at("code"), "MENSA");
  EXPECT_EQ(items[0].at("amount"), 1500);
  auto one = Send("GET", Org() + "/services/MENSA", key_a_);
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(Body(one).at("iban"), kIbanA);
  EXPECT_EQ(Send("GET", Org() + "/services/TASSE", key_a_).status, 404);  // B's
  EXPECT_EQ(Send("GET", Org() + "/services/x'%20OR%20'1", key_a_).status, 404);
}

TEST_P(ApiV1Test, WebhookEndpointsAndTheirDeliveryLog) {
  const std::string create = R"({"url":"http://127.0.0.1:9/hook","events":["receipt.created"]})";
  auto created = Send("POST", Org() + "/webhooks", key_a_, create);
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string secret(Body(created).at("secret").as_string());
  EXPECT_GE(secret.size(), 32U);
  const std::int64_t id = Body(created).at("id").as_int64();
  auto list = Send("GET", Org() + "/webhooks", key_a_);
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.body.find(secret), std::string::npos);  // never shown again
  EXPECT_EQ(Body(list).at("items").as_array().size(), 1U);

  auto rotated = Send("POST", Org() + "/webhooks/" + std::to_string(id) + "/rotate-secret", key_a_);
  ASSERT_EQ(rotated.status, 200) << rotated.body;
  EXPECT_NE(Body(rotated).at("secret").as_string(), secret.c_str());
  auto stored = store_->ListWebhookEndpoints(entity_a_.id);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->at(0).secret, std::string(Body(rotated).at("secret").as_string()));

  // A receipt produces a delivery to the endpoint.
  auto p = AddPosition(kCfA, "W-1", "RSSMRA85T10A562S", 2500);
  Pay(entity_a_, p, "RT-W1", kNow, "<x/>");
  ASSERT_TRUE(store_->FanOutWebhooks(kNow, 100).ok());
  auto deliveries = Send("GET", Org() + "/webhook-deliveries", key_a_);
  ASSERT_EQ(deliveries.status, 200) << deliveries.body;
  const json::value deliveries_body = Body(deliveries);
  const auto& d = deliveries_body.at("items").as_array();
  ASSERT_EQ(d.size(), 1U);
  EXPECT_EQ(d[0].at("event"), "receipt.created");
  const std::string did = std::to_string(d[0].at("id").as_int64());
  auto got = Send("GET", Org() + "/webhook-deliveries/" + did, key_a_);
  EXPECT_EQ(got.status, 200) << got.body;
  auto again = Send("POST", Org() + "/webhook-deliveries/" + did + "/redeliver", key_a_);
  EXPECT_EQ(again.status, 202) << again.body;
  EXPECT_EQ(Body(again).at("status"), "pending");
  EXPECT_EQ(Body(again).at("attempts"), 0);

  auto off = Send("POST", Org() + "/webhooks/" + std::to_string(id) + "/deactivate", key_a_);
  ASSERT_EQ(off.status, 200) << off.body;
  EXPECT_EQ(Body(off).at("active"), false);

  // B cannot see or touch A's endpoint or deliveries, even on its own path.
  EXPECT_EQ(Body(Send("GET", Org(kCfB) + "/webhooks", key_b_)).at("items").as_array().size(), 0U);
  EXPECT_EQ(
      Body(Send("GET", Org(kCfB) + "/webhook-deliveries", key_b_)).at("items").as_array().size(),
      0U);
  const std::string b_org = Org(kCfB);
  EXPECT_EQ(
      Send("POST", b_org + "/webhooks/" + std::to_string(id) + "/rotate-secret", key_b_).status,
      404);
  EXPECT_EQ(Send("POST", b_org + "/webhooks/" + std::to_string(id) + "/deactivate", key_b_).status,
            404);
  EXPECT_EQ(Send("GET", b_org + "/webhook-deliveries/" + did, key_b_).status, 404);
  EXPECT_EQ(Send("POST", b_org + "/webhook-deliveries/" + did + "/redeliver", key_b_).status, 404);

  api_.check_requests = false;
  auto bad = Send("POST", Org() + "/webhooks", key_a_, R"({"events":[1,"nope"],"colour":"red"})");
  EXPECT_EQ(bad.status, 400) << bad.body;
  auto fields = Fields(bad);
  std::sort(fields.begin(), fields.end());
  EXPECT_EQ(fields, (std::vector<std::string>{"colour", "events[0]", "url"}));
  auto https = Send("POST", Org() + "/webhooks", key_a_, R"({"url":"ftp://x"})");
  EXPECT_EQ(https.status, 400);
  EXPECT_EQ(Fields(https), (std::vector<std::string>{"url"}));
  EXPECT_EQ(Send("POST", Org() + "/webhooks", key_a_, "[1,2]").status, 400);
  EXPECT_EQ(Send("POST", Org() + "/webhooks", key_a_, std::string(100000, '{')).status, 400);
  EXPECT_EQ(Send("POST", Org() + "/webhooks/abc/deactivate", key_a_).status, 404);
  EXPECT_EQ(Send("POST", Org() + "/webhooks/99999999999999999999/deactivate", key_a_).status, 404);
  EXPECT_EQ(Send("GET", Org() + "/webhook-deliveries/-1", key_a_).status, 404);
}

TEST_P(ApiV1Test, IdempotencyKeyOnV1Posts) {
  const std::string create = R"({"url":"http://127.0.0.1:9/hook"})";
  const auto key = std::make_pair(std::string("Idempotency-Key"), std::string("wh-1"));
  auto first = Send("POST", Org() + "/webhooks", key_a_, create, {key});
  ASSERT_EQ(first.status, 201) << first.body;
  const std::string secret(Body(first).at("secret").as_string());
  // The answer carried the secret: it is not kept, so the replay cannot show it again.
  auto replay = Send("POST", Org() + "/webhooks", key_a_, create, {key});
  EXPECT_EQ(replay.status, 409) << replay.body;
  EXPECT_EQ(Fields(replay), (std::vector<std::string>{"Idempotency-Key"}));
  EXPECT_EQ(replay.body.find(secret), std::string::npos);
  bool replayed = false;
  for (const auto& [k, v] : replay.headers)
    replayed = replayed || (k == "Idempotent-Replayed" && v == "true");
  EXPECT_TRUE(replayed);
  // Nothing of the secret in the stored key (the table keeps status and a marker only).
  const TimePoint long_ago = kNow - std::chrono::hours(24 * 365);
  auto stored =
      store_->ClaimIdempotencyKey(entity_a_.id, "wh-1", "probe", kNow, long_ago, long_ago);
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->status, 201);
  EXPECT_TRUE((*stored)->body.empty());
  EXPECT_EQ((*stored)->body.find(secret), std::string::npos);
  auto other =
      Send("POST", Org() + "/webhooks", key_a_, R"({"url":"http://127.0.0.1:10/x"})", {key});
  EXPECT_EQ(other.status, 422) << other.body;
  EXPECT_EQ(Fields(other), (std::vector<std::string>{"Idempotency-Key"}));
  auto endpoints = store_->ListWebhookEndpoints(entity_a_.id);
  ASSERT_TRUE(endpoints.ok());
  EXPECT_EQ(endpoints->size(), 1U);  // one endpoint for three requests

  // Rotation: the same; the stored secret is the one the first answer showed.
  const std::string rotate =
      Org() + "/webhooks/" + std::to_string(Body(first).at("id").as_int64()) + "/rotate-secret";
  const auto rkey = std::make_pair(std::string("Idempotency-Key"), std::string("rot-1"));
  auto rotated = Send("POST", rotate, key_a_, "", {rkey});
  ASSERT_EQ(rotated.status, 200) << rotated.body;
  const std::string new_secret(Body(rotated).at("secret").as_string());
  auto again = Send("POST", rotate, key_a_, "", {rkey});
  EXPECT_EQ(again.status, 409) << again.body;
  EXPECT_EQ(again.body.find(new_secret), std::string::npos);
  endpoints = store_->ListWebhookEndpoints(entity_a_.id);
  ASSERT_TRUE(endpoints.ok() && endpoints->size() == 1U);
  EXPECT_EQ(endpoints->at(0).secret, new_secret);  // rotated once, not twice
}

TEST_P(ApiV1Test, EveryRouteNeedsAKeyOfTheOrganizationInThePath) {
  auto p = AddPosition(kCfA, "A-1", "RSSMRA85T10A562S", 2500);
  Pay(entity_a_, p, "RT-A", kNow, "<x/>");
  AddServiceFor(entity_a_, "MENSA", kIbanA);
  auto hook = Send("POST", Org() + "/webhooks", key_a_, R"({"url":"http://127.0.0.1:9/h"})");
  ASSERT_EQ(hook.status, 201);
  const std::string hid = std::to_string(Body(hook).at("id").as_int64());
  const std::string csv =
      "iupd;debtor_fiscal_code;debtor_name;amount;due_date;description;iban\n"
      "EVIL-1;RSSMRA85T10A562S;Mario;1.00;2027-01-31;x;" +
      std::string(kIbanA) + "\n";
  api_.check_requests = false;  // the checker reads request bodies as JSON; this one is CSV
  auto job = Send("POST", Org() + "/imports?dryRun=true", key_a_, csv);
  ASSERT_EQ(job.status, 202) << job.body;
  const std::string import_id(Body(job).at("id").as_string());
  const std::vector<std::pair<std::string, std::string>> routes = {
      {"GET", "/receipts"},
      {"GET", "/receipts/RT-A"},
      {"GET", "/receipts/RT-A.xml"},
      {"GET", "/payments"},
      {"GET", "/services"},
      {"GET", "/services/MENSA"},
      {"GET", "/webhooks"},
      {"POST", "/webhooks"},
      {"POST", "/webhooks/" + hid + "/deactivate"},
      {"POST", "/webhooks/" + hid + "/rotate-secret"},
      {"GET", "/webhook-deliveries"},
      {"GET", "/webhook-deliveries/1"},
      {"POST", "/webhook-deliveries/1/redeliver"},
      {"GET", "/exports/positions.csv"},
      {"GET", "/exports/positions.xlsx"},
      {"GET", "/exports/options.csv"},
      {"GET", "/exports/options.xlsx"},
      {"GET", "/exports/receipts.csv"},
      {"GET", "/exports/receipts.xlsx"},
      {"POST", "/imports"},
      {"GET", "/imports"},
      {"GET", "/imports/" + import_id},
      {"GET", "/imports/" + import_id + "/report.csv"}};
  auto revoked = CreateApiKey(*ctx_, Caller{}, kCfA, "old");
  ASSERT_TRUE(revoked.ok());
  ASSERT_TRUE(RevokeApiKey(*ctx_, Caller{}, kCfA, revoked->info.id).ok());
  api_.check_requests = false;
  for (const auto& [method, route] : routes) {
    std::string body =
        method == "POST" && route == "/webhooks" ? R"({"url":"http://127.0.0.1:9/evil"})" : "";
    if (method == "POST" && route == "/imports") body = csv;
    for (const std::string& key : {std::string(), std::string("nope"), revoked->key}) {
      auto r = Send(method, Org() + route, key, body);
      EXPECT_EQ(r.status, 401) << method << " " << route;
    }
    auto r = Send(method, Org() + route, key_b_, body);  // B's key on A's path
    EXPECT_EQ(r.status, 403) << method << " " << route << " " << r.body;
    EXPECT_EQ(r.body.find("RT-A"), std::string::npos);
    auto ghost = Send(method, Org("99999999999") + route, key_b_, body);
    EXPECT_EQ(ghost.status, 403) << method << " " << route;
    auto bearer = Send(method, Org() + route, key_b_, body, {}, /*bearer=*/true);
    EXPECT_EQ(bearer.status, 403) << method << " " << route;
    // A's ids on B's own path are simply not there (lists are B's: empty).
    auto own = Send(method, Org(kCfB) + route, key_b_, body);
    EXPECT_TRUE(own.status == 404 || own.status == 200 || own.status == 201 || own.status == 202)
        << own.status;
    // Nothing of A's in B's answers (a 404 may echo the id B asked for, nothing more).
    EXPECT_EQ(own.body.find(p.options[0].nav), std::string::npos) << route;
    EXPECT_EQ(own.body.find(kIbanA), std::string::npos) << route;
    EXPECT_EQ(own.body.find("127.0.0.1:9/h"), std::string::npos) << route;
    if (own.status == 200) EXPECT_EQ(own.body.find("RT-A"), std::string::npos) << route;
  }
  // Nothing of A changed: its one endpoint is still active, with its secret.
  auto endpoints = store_->ListWebhookEndpoints(entity_a_.id);
  ASSERT_TRUE(endpoints.ok());
  ASSERT_EQ(endpoints->size(), 1U);
  EXPECT_TRUE(endpoints->at(0).active);
  EXPECT_EQ(endpoints->at(0).secret, std::string(Body(hook).at("secret").as_string()));
  // Bearer with A's own key works.
  EXPECT_EQ(Send("GET", Org() + "/receipts", key_a_, "", {}, true).status, 200);
}

INSTANTIATE_TEST_SUITE_P(Backends, ApiV1Test, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& param_info) { return param_info.param; });

// The checker itself must catch what it claims to, or the conformance checks prove nothing.
TEST(OpenApiCheckV1, CatchesNullsPatternsAdditionalPropertiesAndOneOf) {
  const auto& spec = Spec();
  const auto schema = [](const char* text) { return json::parse(text); };
  EXPECT_TRUE(spec.CheckValue(schema(R"({"type":"string","nullable":true})"), nullptr).empty());
  EXPECT_FALSE(spec.CheckValue(schema(R"({"type":"string"})"), nullptr).empty());
  EXPECT_FALSE(
      spec.CheckValue(schema(R"({"type":"string","pattern":"^[0-9]{3}$"})"), "12a").empty());
  EXPECT_FALSE(
      spec.CheckValue(schema(R"({"type":"string","format":"date"})"), "2026-02-30").empty());
  EXPECT_FALSE(spec.CheckValue(schema(R"({"$ref":"#/components/schemas/WebhookEndpoint"})"),
                               json::parse(R"({"id":1,"url":"u","events":[],"active":true,)"
                                           R"("createdAt":"2026-01-01T00:00:00Z","secret":"s"})"))
                   .empty());  // a secret in a listed endpoint is a leak the schema forbids
  const auto one_of = schema(R"({"oneOf":[{"type":"integer"},{"type":"integer","minimum":0}]})");
  EXPECT_FALSE(spec.CheckValue(one_of, 5).empty());  // matches both
  EXPECT_TRUE(spec.CheckValue(one_of, -5).empty());
  EXPECT_FALSE(spec.CheckResponse("GET", "/organizations/{fiscalCode}/receipts", 200,
                                  R"({"items":[],"page":{"limit":1,"offset":0}})")
                   .empty());
  EXPECT_FALSE(
      spec.CheckResponse("GET", "/organizations/{fiscalCode}/receipts", 418, "{}").empty());
  testing::OpenApiSpec::RequestParts bad;
  bad.path_params["fiscalCode"] = kCfA;
  bad.query["limit"] = "500";
  bad.query["colour"] = "red";
  EXPECT_EQ(spec.CheckRequest("GET", "/organizations/{fiscalCode}/receipts", bad).size(), 2U);
  EXPECT_EQ(spec.MatchPath("/organizations/1/receipts/abc.xml"),
            "/organizations/{fiscalCode}/receipts/{receiptId}.xml");
  EXPECT_EQ(spec.MatchPath("/organizations/1/receipts/abc"),
            "/organizations/{fiscalCode}/receipts/{receiptId}");
}

}  // namespace
}  // namespace incasso
