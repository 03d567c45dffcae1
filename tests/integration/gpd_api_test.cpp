// The GPD-compatible REST API (src/api/gpd_routes.cpp) over a real database (SQLite and
// PostgreSQL), driven through the Router in memory. Every successful response is checked against
// pagoPA's gpd.json.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <map>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "api/gpd_routes.hpp"
#include "app/api_keys.hpp"
#include "app/entities.hpp"
#include "core/time.hpp"
#include "domain/notice_number.hpp"
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
constexpr const char* kBase = "/gpd/debt-positions-service/v1";
// gpd.json path templates.
constexpr const char* kListPath = "/organizations/{organizationfiscalcode}/debtpositions";
constexpr const char* kOnePath = "/organizations/{organizationfiscalcode}/debtpositions/{iupd}";
constexpr const char* kPublishPath =
    "/organizations/{organizationfiscalcode}/debtpositions/{iupd}/publish";
constexpr const char* kInvalidatePath =
    "/organizations/{organizationfiscalcode}/debtpositions/{iupd}/invalidate";

// The string value, or "<not a string>".
std::string S(const json::value& v) {
  return v.is_string() ? std::string(v.as_string()) : std::string("<not a string>");
}

const testing::OpenApiSpec& Gpd() {
  static const testing::OpenApiSpec spec(INCASSO_GPD_OPENAPI);
  return spec;
}

std::string PositionJson(const std::string& iupd, const std::string& due = "2026-12-06T10:00:00Z",
                         const std::string& iuv = "", const std::string& company = "Comune") {
  json::object transfer{{"idTransfer", "1"},
                        {"amount", 2500},
                        {"remittanceInformation", "Mensa"},
                        {"category", "9/0201133SE/"},
                        {"iban", "IT67V0542404200000000123456"}};
  json::object option{{"amount", 2500},
                      {"description", "Mensa scolastica"},
                      {"isPartialPayment", false},
                      {"dueDate", due},
                      {"transfer", json::array{transfer}}};
  if (!iuv.empty()) option["iuv"] = iuv;
  json::object p{{"iupd", iupd},
                 {"type", "F"},
                 {"fiscalCode", "RSSMRA85T10A562S"},
                 {"fullName", "Mario Rossi"},
                 {"companyName", company},
                 {"switchToExpired", false},
                 {"paymentOption", json::array{option}}};
  return json::serialize(p);
}

class GpdApiTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    store_ = testing::OpenFreshStore(GetParam(), tmp_.path());
    if (!store_) GTEST_SKIP() << "set INCASSO_TEST_POSTGRES_URL to run on PostgreSQL";
    ctx_.emplace(AppContext{*store_, clock_});
    testing::AddTestEntity(*ctx_, testing::TestEntity(kCfA, "comune", "01"));
    testing::AddTestEntity(*ctx_, testing::TestEntity(kCfB, "universita", "02"));
    key_a_ = testing::NewApiKey(*ctx_, kCfA);
    key_b_ = testing::NewApiKey(*ctx_, kCfB);
    AddGpdRoutes(router_, *ctx_);
    api_.require_documented_path = false;
    api_.problem_json = false;  // gpd.json's own error body
    // incasso's extension: an option without an IUV gets one from the entity's sequence.
    api_.allowed_request_problem = [](const std::string& problem) {
      return problem.find("missing required property \"iuv\"") != std::string::npos;
    };
    // 422 (Idempotency-Key reused with another body) is incasso's, not in gpd.json.
    api_.unchecked_status = [](int status) { return status == 422; };
  }

  // Sends a request with `key` as Ocp-Apim-Subscription-Key (none when empty). The request is
  // checked against gpd.json (unless api_.check_requests is off, for deliberately bad ones) and so
  // is the response, whatever its status.
  http::Response Send(const std::string& method, const std::string& target, const std::string& key,
                      std::string body = {}, testing::Headers headers = {}) {
    return api_.Send(method, target, key, std::move(body), std::move(headers));
  }

  static std::string Positions(const std::string& cf = kCfA) {
    return std::string(kBase) + "/organizations/" + cf + "/debtpositions";
  }

  // The response parsed, after checking it against gpd.json.
  static json::object Conforming(const http::Response& r, const char* method,
                                 const char* path_template) {
    for (const auto& problem : Gpd().CheckResponse(method, path_template, r.status, r.body)) {
      ADD_FAILURE() << method << " " << path_template << " " << r.status << ": " << problem << "\n"
                    << r.body;
    }
    json::value v = json::parse(r.body);
    return v.is_object() ? v.as_object() : json::object{};
  }

  static std::string Detail(const http::Response& r) {
    boost::system::error_code ec;
    json::value v = json::parse(r.body, ec);
    if (ec || !v.is_object() || !v.as_object().contains("detail")) return "";
    return std::string(v.at("detail").as_string());
  }

  json::object Create(const std::string& iupd, bool publish,
                      const std::string& due = "2026-12-06T10:00:00Z",
                      const std::string& company = "Comune") {
    auto r = Send("POST", Positions() + (publish ? "?toPublish=true" : "?toPublish=false"), key_a_,
                  PositionJson(iupd, due, "", company));
    EXPECT_EQ(r.status, 201) << r.body;
    return Conforming(r, "POST", kListPath);
  }

  testing::TempDir tmp_;
  FakeClock clock_{kNow};
  std::unique_ptr<Store> store_;
  std::optional<AppContext> ctx_;
  http::Router router_;
  testing::ApiClient api_{router_, Gpd(), kBase};
  std::string key_a_;
  std::string key_b_;
};

TEST_P(GpdApiTest, CreateAllocatesANoticeNumberAndAnswers201) {
  auto r = Send("POST", Positions() + "?toPublish=true", key_a_, PositionJson("IUPD-1"));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.tenant, kCfA);
  auto body = Conforming(r, "POST", kListPath);
  EXPECT_EQ(body.at("iupd"), "IUPD-1");
  EXPECT_EQ(body.at("status"), "VALID");  // published, no validity date ahead
  EXPECT_EQ(body.at("organizationFiscalCode"), kCfA);
  const auto& option = body.at("paymentOption").as_array().at(0).as_object();
  std::string iuv(option.at("iuv").as_string());
  ASSERT_EQ(iuv.size(), 17U);
  EXPECT_EQ(iuv.substr(0, 2), "01");  // the entity's segregation code
  EXPECT_EQ(S(option.at("nav")), "3" + iuv);
  EXPECT_EQ(option.at("amount"), 2500);

  auto got = Send("GET", Positions() + "/IUPD-1", key_a_);
  ASSERT_EQ(got.status, 200) << got.body;
  auto stored = Conforming(got, "GET", kOnePath);
  EXPECT_EQ(stored.at("paymentOption").as_array().at(0).at("nav"), option.at("nav"));

  auto draft = Create("IUPD-2", false);
  EXPECT_EQ(draft.at("status"), "DRAFT");
}

TEST_P(GpdApiTest, AGivenIuvMustCarryTheEntitysSegregationCode) {
  auto own = MakeNoticeNumberAux3("01", 987654);
  ASSERT_TRUE(own.ok());
  auto r = Send("POST", Positions(), key_a_, PositionJson("OWN-IUV", "2026-12-06", own->iuv));
  ASSERT_EQ(r.status, 201) << r.body;
  auto body = Conforming(r, "POST", kListPath);
  EXPECT_EQ(S(body.at("paymentOption").as_array().at(0).at("iuv")), own->iuv);
  EXPECT_EQ(S(body.at("paymentOption").as_array().at(0).at("nav")), own->nav);

  auto foreign = MakeNoticeNumberAux3("02", 5);
  ASSERT_TRUE(foreign.ok());
  auto bad =
      Send("POST", Positions(), key_a_, PositionJson("OTHER-IUV", "2026-12-06", foreign->iuv));
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(bad.content_type, "application/problem+json");
  EXPECT_NE(Detail(bad).find("paymentOption[0].iuv"), std::string::npos) << bad.body;
  Conforming(bad, "POST", kListPath);  // ProblemJson

  auto dup = Send("POST", Positions(), key_a_, PositionJson("OWN-IUV"));
  EXPECT_EQ(dup.status, 409) << dup.body;
  Conforming(dup, "POST", kListPath);
}

TEST_P(GpdApiTest, InvalidPositionsAre400WithTheField) {
  api_.check_requests = false;  // deliberately outside gpd.json
  auto r = Send("POST", Positions(), key_a_,
                R"({"iupd":"X","type":"F","fiscalCode":"RSSMRA85T10A562S","fullName":"M",)"
                R"("companyName":"C","switchToExpired":false,"paymentOption":[{"amount":12.5,)"
                R"("description":"d","isPartialPayment":false,"dueDate":"2026-12-01"}]})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Detail(r).rfind("paymentOption[0].amount:", 0), 0U) << r.body;
}

TEST_P(GpdApiTest, PublishAndInvalidateFollowTheStateRules) {
  Create("P-1", false);
  auto published = Send("POST", Positions() + "/P-1/publish", key_a_);
  ASSERT_EQ(published.status, 200) << published.body;
  EXPECT_EQ(Conforming(published, "POST", kPublishPath).at("status"), "VALID");
  EXPECT_EQ(published.tenant, kCfA);

  auto again = Send("POST", Positions() + "/P-1/publish", key_a_);
  EXPECT_EQ(again.status, 409) << again.body;
  Conforming(again, "POST", kPublishPath);

  auto invalidated = Send("POST", Positions() + "/P-1/invalidate", key_a_);
  ASSERT_EQ(invalidated.status, 200) << invalidated.body;
  EXPECT_EQ(Conforming(invalidated, "POST", kInvalidatePath).at("status"), "INVALID");

  EXPECT_EQ(Send("POST", Positions() + "/P-1/invalidate", key_a_).status, 409);
  EXPECT_EQ(Send("POST", Positions() + "/P-1/publish", key_a_).status, 409);
  EXPECT_EQ(Send("POST", Positions() + "/NOPE/publish", key_a_).status, 404);
  EXPECT_EQ(Send("POST", Positions() + "/NOPE/invalidate", key_a_).status, 404);

  Create("P-2", false);  // a draft may be invalidated directly
  auto dropped = Send("POST", Positions() + "/P-2/invalidate", key_a_);
  EXPECT_EQ(dropped.status, 200) << dropped.body;
  Conforming(dropped, "POST", kInvalidatePath);
}

TEST_P(GpdApiTest, UpdateReplacesAnOpenPosition) {
  auto created = Create("U-1", false);
  std::string old_iuv(created.at("paymentOption").as_array().at(0).at("iuv").as_string());
  json::value changed = json::parse(PositionJson("U-1", "2027-01-15T10:00:00Z", old_iuv, "Nuovo"));
  changed.as_object()["fullName"] = "Maria Rossi";
  auto r = Send("PUT", Positions() + "/U-1?toPublish=true", key_a_, json::serialize(changed));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.tenant, kCfA);
  auto body = Conforming(r, "PUT", kOnePath);
  EXPECT_EQ(body.at("fullName"), "Maria Rossi");
  EXPECT_EQ(body.at("companyName"), "Nuovo");
  EXPECT_EQ(body.at("status"), "VALID");
  EXPECT_EQ(S(body.at("paymentOption").as_array().at(0).at("iuv")), old_iuv);
  auto got = Conforming(Send("GET", Positions() + "/U-1", key_a_), "GET", kOnePath);
  EXPECT_EQ(got.at("fullName"), "Maria Rossi");
  EXPECT_EQ(got.at("paymentOption").as_array().at(0).at("dueDate"), "2027-01-15T10:00:00Z");
  EXPECT_EQ(got.at("version"), 2);

  // Without an iuv the option gets a fresh notice number; back to DRAFT without toPublish.
  auto again = Send("PUT", Positions() + "/U-1", key_a_, PositionJson("U-1"));
  ASSERT_EQ(again.status, 200) << again.body;
  auto redrafted = Conforming(again, "PUT", kOnePath);
  EXPECT_EQ(redrafted.at("status"), "DRAFT");
  EXPECT_NE(S(redrafted.at("paymentOption").as_array().at(0).at("iuv")), old_iuv);

  EXPECT_EQ(Send("PUT", Positions() + "/U-1", key_a_, PositionJson("OTHER")).status, 400);
  EXPECT_EQ(Send("PUT", Positions() + "/NOPE", key_a_, PositionJson("NOPE")).status, 404);
  // Another position's IUV is taken.
  auto other = Create("U-2", false);
  std::string taken(other.at("paymentOption").as_array().at(0).at("iuv").as_string());
  auto clash = Send("PUT", Positions() + "/U-1", key_a_, PositionJson("U-1", "2026-12-06", taken));
  EXPECT_EQ(clash.status, 409) << clash.body;
  Conforming(clash, "PUT", kOnePath);
  // Invalid input names the field.
  auto foreign = MakeNoticeNumberAux3("02", 9);
  ASSERT_TRUE(foreign.ok());
  auto bad =
      Send("PUT", Positions() + "/U-1", key_a_, PositionJson("U-1", "2026-12-06", foreign->iuv));
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(Detail(bad).find("paymentOption[0].iuv"), std::string::npos) << bad.body;
}

TEST_P(GpdApiTest, DeleteRemovesOnlyUnpaidPositions) {
  Create("D-1", false);
  Create("D-2", true);
  auto r = Send("DELETE", Positions() + "/D-1", key_a_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.tenant, kCfA);
  Conforming(r, "DELETE", kOnePath);
  EXPECT_EQ(Send("GET", Positions() + "/D-1", key_a_).status, 404);
  EXPECT_EQ(Send("DELETE", Positions() + "/D-1", key_a_).status, 404);
  EXPECT_EQ(Send("DELETE", Positions() + "/D-2", key_a_).status, 200);  // VALID, unpaid
  // The iupd may be used again; a new notice number is allocated.
  EXPECT_EQ(Send("POST", Positions(), key_a_, PositionJson("D-1")).status, 201);

  // Paid (or otherwise closed) positions stay.
  Create("D-3", true);
  auto entity = store_->FindEntityByFiscalCode(kCfA);
  ASSERT_TRUE(entity.ok() && entity->has_value());
  ASSERT_TRUE(
      store_->UpdatePositionStatus((*entity)->id, "D-3", 1, PositionStatus::kPaid, kNow).ok());
  auto paid = Send("DELETE", Positions() + "/D-3", key_a_);
  EXPECT_EQ(paid.status, 409) << paid.body;
  Conforming(paid, "DELETE", kOnePath);
  auto paid_update = Send("PUT", Positions() + "/D-3", key_a_, PositionJson("D-3"));
  EXPECT_EQ(paid_update.status, 409) << paid_update.body;
  Conforming(paid_update, "PUT", kOnePath);
  Create("D-4", true);
  EXPECT_EQ(Send("POST", Positions() + "/D-4/invalidate", key_a_).status, 200);
  EXPECT_EQ(Send("DELETE", Positions() + "/D-4", key_a_).status, 409);
  EXPECT_EQ(Send("PUT", Positions() + "/D-4", key_a_, PositionJson("D-4")).status, 409);
  auto still = Conforming(Send("GET", Positions() + "/D-3", key_a_), "GET", kOnePath);
  EXPECT_EQ(still.at("status"), "PAID");
}

TEST_P(GpdApiTest, GetUnknownIupdIs404) {
  auto r = Send("GET", Positions() + "/UNKNOWN", key_a_);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.content_type, "application/problem+json");
  Conforming(r, "GET", kOnePath);
}

TEST_P(GpdApiTest, ListPagesAndFilters) {
  Create("L-1", true, "2026-12-01T10:00:00Z", "Beta");
  Create("L-2", true, "2026-12-20T10:00:00Z", "Alfa");
  Create("L-3", true, "2027-02-01T10:00:00Z", "Gamma");
  Create("L-4", false, "2026-12-05T10:00:00Z", "Delta");
  Create("L-5", false, "2027-03-01T10:00:00Z", "Epsilon");
  // Another institution's positions never show up.
  ASSERT_EQ(Send("POST", Positions(kCfB), key_b_, PositionJson("B-1")).status, 201);

  auto list = [&](const std::string& query) {
    auto r = Send("GET", Positions() + query, key_a_);
    EXPECT_EQ(r.status, 200) << query << " " << r.body;
    EXPECT_EQ(r.tenant, kCfA);
    return Conforming(r, "GET", kListPath);
  };
  auto iupds = [](const json::object& body) {
    std::vector<std::string> out;
    for (const auto& p : body.at("payment_position_list").as_array()) {
      out.emplace_back(p.at("iupd").as_string());
    }
    return out;
  };

  auto all = list("");
  EXPECT_EQ(iupds(all), (std::vector<std::string>{"L-5", "L-4", "L-3", "L-2", "L-1"}));
  EXPECT_EQ(all.at("page_info").at("limit"), 10);  // gpd.json default
  EXPECT_EQ(all.at("page_info").at("total_pages"), 1);

  auto first = list("?limit=2&page=0");
  EXPECT_EQ(iupds(first), (std::vector<std::string>{"L-5", "L-4"}));
  EXPECT_EQ(first.at("page_info"),
            (json::object{{"page", 0}, {"limit", 2}, {"items_found", 2}, {"total_pages", 3}}));
  auto last = list("?limit=2&page=2");
  EXPECT_EQ(iupds(last), (std::vector<std::string>{"L-1"}));
  EXPECT_EQ(last.at("page_info").at("items_found"), 1);
  EXPECT_EQ(last.at("page_info").at("page"), 2);
  auto beyond = list("?limit=2&page=7");
  EXPECT_TRUE(iupds(beyond).empty());

  EXPECT_EQ(iupds(list("?status=DRAFT")), (std::vector<std::string>{"L-5", "L-4"}));
  auto drafts = list("?status=DRAFT&limit=1");
  EXPECT_EQ(drafts.at("page_info").at("total_pages"), 2);
  EXPECT_EQ(iupds(list("?due_date_from=2026-12-01&due_date_to=2026-12-20")),
            (std::vector<std::string>{"L-4", "L-2", "L-1"}));
  // A single bound means a 30-day window (gpd.json).
  EXPECT_EQ(iupds(list("?due_date_from=2026-12-02")), (std::vector<std::string>{"L-4", "L-2"}));
  EXPECT_EQ(iupds(list("?orderby=COMPANY_NAME&ordering=ASC")),
            (std::vector<std::string>{"L-2", "L-1", "L-4", "L-5", "L-3"}));
  EXPECT_EQ(iupds(list("?orderby=IUPD&ordering=DESC&status=VALID")),
            (std::vector<std::string>{"L-3", "L-2", "L-1"}));

  api_.check_requests = false;  // deliberately outside gpd.json
  for (const char* bad :
       {"?limit=51", "?limit=0", "?limit=999999999999", "?limit=-1", "?page=-1", "?page=abc",
        "?page=999999999&limit=50", "?status=BOGUS", "?due_date_from=2026-13-01",
        "?due_date_from=2026-12-10&due_date_to=2026-12-01", "?orderby=AMOUNT", "?ordering=UP",
        "?payment_date_from=2026-12-10&payment_date_to=2026-12-01", "?payment_date_to=12/01"}) {
    auto r = Send("GET", Positions() + bad, key_a_);
    EXPECT_EQ(r.status, 400) << bad << " " << r.body;
    Conforming(r, "GET", kListPath);
  }
  EXPECT_EQ(Detail(Send("GET", Positions() + "?limit=51", key_a_)),
            "limit: must be between 1 and 50");
}

TEST_P(GpdApiTest, EveryRouteNeedsAValidKey) {
  api_.check_requests = false;  // deliberately outside gpd.json
  Create("AUTH-1", false);
  const std::vector<std::pair<std::string, std::string>> routes = {
      {"POST", Positions()},
      {"GET", Positions()},
      {"GET", Positions() + "/AUTH-1"},
      {"POST", Positions() + "/AUTH-1/publish"},
      {"POST", Positions() + "/AUTH-1/invalidate"},
      {"PUT", Positions() + "/AUTH-1"},
      {"DELETE", Positions() + "/AUTH-1"}};
  auto created = CreateApiKey(*ctx_, Caller{}, kCfA, "to revoke");
  ASSERT_TRUE(created.ok());
  ASSERT_TRUE(RevokeApiKey(*ctx_, Caller{}, kCfA, created->info.id).ok());
  for (const auto& [method, target] : routes) {
    for (const std::string& key :
         {std::string(), std::string("not-a-key"), created->key, key_a_ + "x"}) {
      auto r = Send(method, target, key, PositionJson("AUTH-2"));
      EXPECT_EQ(r.status, 401) << method << " " << target << " key=" << key.substr(0, 6);
      EXPECT_EQ(r.content_type, "application/problem+json");
    }
  }
  auto got = Send("GET", Positions() + "/AUTH-1", "");
  EXPECT_EQ(got.status, 401);
  // Authorization: Bearer works too.
  http::Request req;
  req.method = "GET";
  ASSERT_TRUE(http::SetTarget(Positions() + "/AUTH-1", req).ok());
  req.headers.emplace_back("authorization", "Bearer " + key_a_);
  auto bearer = router_.Handle(req);
  EXPECT_EQ(bearer.status, 200) << bearer.body;
  // Nothing was created or changed by the refused requests.
  auto after = Send("GET", Positions() + "/AUTH-1", key_a_);
  EXPECT_EQ(Conforming(after, "GET", kOnePath).at("status"), "DRAFT");
  EXPECT_EQ(Send("GET", Positions() + "/AUTH-2", key_a_).status, 404);
}

TEST_P(GpdApiTest, AnotherEntitysKeyIsForbiddenOnEveryRoute) {
  api_.check_requests = false;  // deliberately outside gpd.json
  Create("MINE-1", false);
  std::string forbidden_detail;
  for (const std::string& iupd : {std::string("MINE-1"), std::string("NOT-THERE")}) {
    const std::vector<std::pair<std::string, std::string>> routes = {
        {"POST", Positions()},
        {"GET", Positions()},
        {"GET", Positions() + "/" + iupd},
        {"POST", Positions() + "/" + iupd + "/publish"},
        {"POST", Positions() + "/" + iupd + "/invalidate"},
        {"PUT", Positions() + "/" + iupd},
        {"DELETE", Positions() + "/" + iupd}};
    for (const auto& [method, target] : routes) {
      auto r = Send(method, target, key_b_, PositionJson("FROM-B"));
      EXPECT_EQ(r.status, 403) << method << " " << target << " " << r.body;
      EXPECT_EQ(r.tenant, kCfB);
      // Same answer whether or not the position exists.
      if (forbidden_detail.empty()) forbidden_detail = Detail(r);
      EXPECT_EQ(Detail(r), forbidden_detail);
    }
  }
  // Also for an organization that does not exist at all.
  auto ghost = Send("GET", Positions("99999999999") + "/MINE-1", key_b_);
  EXPECT_EQ(ghost.status, 403);
  EXPECT_EQ(Detail(ghost), forbidden_detail);
  // Nothing happened to A's data.
  auto mine = Send("GET", Positions() + "/MINE-1", key_a_);
  EXPECT_EQ(Conforming(mine, "GET", kOnePath).at("status"), "DRAFT");
  EXPECT_EQ(Send("GET", Positions() + "/FROM-B", key_a_).status, 404);
}

TEST_P(GpdApiTest, HostileInputIsRefusedCleanly) {
  api_.check_requests = false;  // deliberately outside gpd.json
  Create("SAFE-1", false);
  const std::vector<std::string> bodies = {"{not json",
                                           "[]",
                                           "\"x\"",
                                           "",
                                           std::string(200, '[') + std::string(200, ']'),
                                           R"({"iupd":"X","type":"F","unexpected":1})"};
  for (const std::string& body : bodies) {
    auto r = Send("POST", Positions(), key_a_, body);
    EXPECT_EQ(r.status, 400) << body.substr(0, 20) << " " << r.body;
    Conforming(r, "POST", kListPath);
  }
  EXPECT_EQ(Send("POST", Positions() + "?toPublish=yes", key_a_, PositionJson("T")).status, 400);
  // SQL-looking identifiers are just identifiers that do not exist.
  for (const std::string& iupd :
       {std::string("SAFE-1'%20OR%20'1'%3D'1"), std::string("SAFE-1%22%3B%20DROP%20TABLE%20x"),
        std::string("%25"), std::string("..")}) {
    auto r = Send("GET", Positions() + "/" + iupd, key_a_);
    EXPECT_EQ(r.status, 404) << iupd << " " << r.body;
    EXPECT_EQ(Send("POST", Positions() + "/" + iupd + "/publish", key_a_).status, 404);
  }
  EXPECT_EQ(Send("PUT", Positions() + "/SAFE-1", key_a_, "{oops").status, 400);
  EXPECT_EQ(Send("DELETE", Positions() + "/SAFE-1'%20OR%201%3D1", key_a_).status, 404);
  auto sql_iupd =
      Send("POST", Positions(), key_a_, PositionJson("x'); DELETE FROM debt_position; --"));
  EXPECT_EQ(sql_iupd.status, 400) << sql_iupd.body;
  // A key with SQL in it is just an unknown key.
  EXPECT_EQ(Send("GET", Positions(), "' OR 1=1 --").status, 401);
  auto still = Send("GET", Positions() + "/SAFE-1", key_a_);
  EXPECT_EQ(still.status, 200);
  Conforming(still, "GET", kOnePath);
}

// Records a paid receipt for the position's first option at `when` (as the station would).
void MarkPaid(Store& store, const std::string& cf, const std::string& iupd, TimePoint when) {
  auto entity = store.FindEntityByFiscalCode(cf);
  ASSERT_TRUE(entity.ok() && entity->has_value());
  auto p = store.GetPosition((*entity)->id, iupd);
  ASSERT_TRUE(p.ok() && p->has_value());
  const PaymentOption& o = (*p)->options.at(0);
  StoredReceipt r;
  r.receipt.receipt_id = "RT-" + iupd;
  r.receipt.notice_number = o.nav;
  r.receipt.fiscal_code = cf;
  r.receipt.iuv = o.iuv;
  r.receipt.outcome = "OK";
  r.receipt.amount = o.amount;
  r.receipt.payment_date_time = when;
  r.receipt.received_at = when;
  r.receipt.source = "paSendRTV2";
  r.kind = "normal";
  r.option_id = o.id;
  PaymentUpdate u;
  u.iupd = iupd;
  u.expected_version = (*p)->version;
  u.nav = o.nav;
  u.payment_date = when;
  u.updated_at = when;
  auto done = store.RecordReceipt((*entity)->id, r, u, true);
  ASSERT_TRUE(done.ok()) << done.error().ToText();
}

TEST_P(GpdApiTest, ListFiltersByPaymentDate) {
  Create("PD-1", true);
  Create("PD-2", true);
  Create("PD-3", true);
  MarkPaid(*store_, kCfA, "PD-1", *ParseDateTime("2026-11-02T09:00:00Z"));
  MarkPaid(*store_, kCfA, "PD-2", *ParseDateTime("2026-11-20T23:59:00Z"));
  auto iupds = [&](const std::string& query) {
    auto r = Send("GET", Positions() + query, key_a_);
    EXPECT_EQ(r.status, 200) << query << " " << r.body;
    std::vector<std::string> out;
    const json::object body = Conforming(r, "GET", kListPath);
    for (const auto& p : body.at("payment_position_list").as_array()) {
      out.emplace_back(p.at("iupd").as_string());
    }
    return out;
  };
  EXPECT_EQ(iupds("?payment_date_from=2026-11-01&payment_date_to=2026-11-30"),
            (std::vector<std::string>{"PD-2", "PD-1"}));
  // The upper bound is inclusive of its whole day.
  EXPECT_EQ(iupds("?payment_date_from=2026-11-03&payment_date_to=2026-11-20"),
            (std::vector<std::string>{"PD-2"}));
  // One bound: a 30-day window (gpd.json).
  EXPECT_EQ(iupds("?payment_date_to=2026-11-10"), (std::vector<std::string>{"PD-1"}));
  EXPECT_EQ(iupds("?payment_date_from=2026-11-21"), (std::vector<std::string>{}));
  EXPECT_EQ(iupds("?payment_date_from=2026-11-01&status=PAID&limit=1"),
            (std::vector<std::string>{"PD-2"}));
}

TEST_P(GpdApiTest, TransferIbanUpdateMovesOnlyOpenTransfersOfTheEntity) {
  constexpr const char* kOld = "IT67V0542404200000000123456";
  constexpr const char* kNew = "IT60X0542811101000000123456";
  Create("T-1", true);
  Create("T-2", false);
  Create("T-3", true);
  Create("T-PAID", true);
  MarkPaid(*store_, kCfA, "T-PAID", kNow);
  ASSERT_EQ(Send("POST", Positions(kCfB), key_b_, PositionJson("B-T")).status, 201);
  const std::string path = Positions() + "/transfers?oldIban=" + kOld;
  const std::string body = std::string(R"({"newIban":")") + kNew + "\"}";

  auto one = Send("PATCH", path + "&limit=1", key_a_, body);
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(json::parse(one.body).at("updatedTransfers"), 1);
  auto rest = Send("PATCH", path, key_a_, body);
  ASSERT_EQ(rest.status, 200) << rest.body;
  EXPECT_EQ(json::parse(rest.body).at("updatedTransfers"), 2);
  EXPECT_EQ(json::parse(Send("PATCH", path, key_a_, body).body).at("updatedTransfers"), 0);

  auto iban_of = [&](const std::string& key, const std::string& cf, const std::string& iupd) {
    auto r = Send("GET", Positions(cf) + "/" + iupd, key);
    return S(Conforming(r, "GET", kOnePath)
                 .at("paymentOption")
                 .as_array()
                 .at(0)
                 .at("transfer")
                 .as_array()
                 .at(0)
                 .at("iban"));
  };
  EXPECT_EQ(iban_of(key_a_, kCfA, "T-1"), kNew);
  EXPECT_EQ(iban_of(key_a_, kCfA, "T-2"), kNew);
  EXPECT_EQ(iban_of(key_a_, kCfA, "T-3"), kNew);
  EXPECT_EQ(iban_of(key_a_, kCfA, "T-PAID"), kOld);  // paid: history is not rewritten
  EXPECT_EQ(iban_of(key_b_, kCfB, "B-T"), kOld);     // another institution's
  EXPECT_EQ(Conforming(Send("GET", Positions() + "/T-1", key_a_), "GET", kOnePath).at("version"),
            2);

  api_.check_requests = false;  // deliberately outside gpd.json
  for (const auto& [target, b] : std::vector<std::pair<std::string, std::string>>{
           {Positions() + "/transfers", body},                     // no oldIban
           {path, R"({"newIban":"IT00X"})"},                       // bad check digits
           {path, R"({"newIban":")" + std::string(kOld) + "\"}"},  // same IBAN
           {path, R"({"iban":"x"})"},                              // unknown field
           {path, "not json"},
           {path + "&limit=1001", body},
           {Positions() + "/transfers?oldIban=%27%20OR%201%3D1--", body}}) {  // SQL in a param
    auto r = Send("PATCH", target, key_a_, b);
    EXPECT_EQ(r.status, 400) << target << " " << b << " " << r.body;
  }
  EXPECT_EQ(Send("PATCH", path, "", body).status, 401);
  EXPECT_EQ(Send("PATCH", Positions() + "/transfers?oldIban=" + kNew, key_b_, body).status, 403);
  EXPECT_EQ(iban_of(key_a_, kCfA, "T-1"), kNew);
}

TEST_P(GpdApiTest, IdempotencyKeyReplaysTheFirstAnswer) {
  const auto key = std::make_pair(std::string("Idempotency-Key"), std::string("create-IK-1"));
  auto first = Send("POST", Positions() + "?toPublish=true", key_a_, PositionJson("IK-1"), {key});
  ASSERT_EQ(first.status, 201) << first.body;
  auto replay = Send("POST", Positions() + "?toPublish=true", key_a_, PositionJson("IK-1"), {key});
  EXPECT_EQ(replay.status, 201);
  EXPECT_EQ(replay.body, first.body);
  bool replayed = false;
  for (const auto& [k, v] : replay.headers)
    replayed = replayed || (k == "Idempotent-Replayed" && v == "true");
  EXPECT_TRUE(replayed);
  // Without the key, the same body is a new request: the iupd is taken.
  EXPECT_EQ(Send("POST", Positions() + "?toPublish=true", key_a_, PositionJson("IK-1")).status,
            409);
  // Another body (or query) with the same key: 422 problem+json, nothing created.
  auto other = Send("POST", Positions() + "?toPublish=true", key_a_, PositionJson("IK-2"), {key});
  EXPECT_EQ(other.status, 422) << other.body;
  EXPECT_EQ(other.content_type, "application/problem+json");
  EXPECT_EQ(
      Send("POST", Positions() + "?toPublish=false", key_a_, PositionJson("IK-1"), {key}).status,
      422);
  EXPECT_EQ(Send("GET", Positions() + "/IK-2", key_a_).status, 404);
  // Keys are per institution: B's identical key is B's own.
  auto b = Send("POST", Positions(kCfB) + "?toPublish=true", key_b_, PositionJson("IK-1"), {key});
  EXPECT_EQ(b.status, 201) << b.body;
  EXPECT_NE(b.body, first.body);
  // Errors are replayed too (a 400 stays a 400).
  const auto bad_key = std::make_pair(std::string("Idempotency-Key"), std::string("bad-1"));
  api_.check_requests = false;
  auto bad = Send("POST", Positions(), key_a_, "{oops", {bad_key});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(Send("POST", Positions(), key_a_, "{oops", {bad_key}).body, bad.body);
  api_.check_requests = true;
  // After 24 hours the key is forgotten: the same request runs again (and now conflicts).
  clock_.Advance(std::chrono::hours{24} + std::chrono::seconds{1});
  auto later = Send("POST", Positions() + "?toPublish=true", key_a_, PositionJson("IK-1"), {key});
  EXPECT_EQ(later.status, 409) << later.body;
  // A key that is not printable ASCII is refused.
  auto weird = Send("POST", Positions(), key_a_, PositionJson("IK-3"),
                    {{"Idempotency-Key", std::string(300, 'k')}});
  EXPECT_EQ(weird.status, 400) << weird.body;
}

TEST_P(GpdApiTest, ConcurrentRequestsWithOneIdempotencyKeyCreateOnePosition) {
  constexpr int kThreads = 6;
  std::vector<http::Response> answers(kThreads);
  std::vector<std::thread> threads;
  std::atomic<bool> go{false};
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      http::Request req;
      req.method = "POST";
      (void)http::SetTarget(Positions() + "?toPublish=true", req);
      req.headers.emplace_back("ocp-apim-subscription-key", key_a_);
      req.headers.emplace_back("idempotency-key", "race-1");
      req.body = PositionJson("RACE-1");
      req.request_id = "req-" + std::to_string(i);
      while (!go.load()) std::this_thread::yield();
      answers[static_cast<std::size_t>(i)] = router_.Handle(std::move(req));
    });
  }
  go = true;
  for (auto& t : threads) t.join();
  int created = 0;
  std::string body;
  for (const auto& a : answers) {
    bool replayed = false;
    for (const auto& [k, v] : a.headers) replayed = replayed || k == "Idempotent-Replayed";
    if (a.status == 201 && !replayed) {
      ++created;
      body = a.body;
    } else if (a.status == 201) {
      EXPECT_TRUE(replayed);
    } else {
      // The loser arrived while the winner was running.
      EXPECT_EQ(a.status, 409) << a.body;
      EXPECT_NE(a.body.find("Idempotency-Key"), std::string::npos) << a.body;
    }
  }
  EXPECT_EQ(created, 1);
  for (const auto& a : answers) {
    if (a.status == 201) EXPECT_EQ(a.body, body);
  }
  auto list = Send("GET", Positions(), key_a_);
  EXPECT_EQ(Conforming(list, "GET", kListPath).at("payment_position_list").as_array().size(), 1U);
}

INSTANTIATE_TEST_SUITE_P(Backends, GpdApiTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace incasso

namespace incasso {
namespace {

// The checker itself must catch what it claims to, or the conformance checks above prove nothing.
TEST(OpenApiCheck, FindsMissingPropertiesWrongTypesEnumsAndLengths) {
  const auto& gpd = Gpd();
  EXPECT_TRUE(gpd.CheckResponse("get", kListPath, 200,
                                R"({"payment_position_list":[],"page_info":{"page":0,"limit":10,)"
                                R"("items_found":0,"total_pages":0}})")
                  .empty());
  EXPECT_FALSE(gpd.CheckResponse("get", kListPath, 200, R"({"payment_position_list":[]})").empty());
  EXPECT_FALSE(gpd.CheckResponse("get", kListPath, 200,
                                 R"({"payment_position_list":[{"status":"GONE"}],"page_info":)"
                                 R"({"page":0,"limit":"10","items_found":0,"total_pages":0}})")
                   .empty());
  const std::string long_name(141, 'x');
  auto problems = gpd.CheckResponse(
      "POST", kListPath, 201,
      R"({"iupd":"X","type":"F","fiscalCode":"A","fullName":"B","switchToExpired":false,)"
      R"("companyName":")" +
          long_name +
          R"(","paymentOption":[{"iuv":"1","amount":1,"description":"d",)"
          R"("isPartialPayment":"no","dueDate":"yesterday"}]})");
  EXPECT_EQ(problems.size(), 3U);  // companyName too long, isPartialPayment, dueDate
  EXPECT_FALSE(gpd.CheckResponse("GET", kListPath, 418, "{}").empty());
  EXPECT_FALSE(gpd.CheckResponse("PATCH", kOnePath, 200, "{}").empty());
}

}  // namespace
}  // namespace incasso
