// Exports over HTTP (src/api/export_routes.cpp) on SQLite and PostgreSQL, through the Router in
// memory: downloads with filters, their headers, the key checks, and every response against
// openapi/incasso-v1.json. The export content itself is covered by export_test.cpp.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/export_routes.hpp"
#include "app/api_keys.hpp"
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

const testing::OpenApiSpec& Spec() {
  static const testing::OpenApiSpec spec(INCASSO_V1_OPENAPI);
  return spec;
}

int CountLines(const std::string& s) {
  int n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

class ExportApiTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    store_ = testing::OpenFreshStore(GetParam(), tmp_.path());
    if (!store_) GTEST_SKIP() << "set INCASSO_TEST_POSTGRES_URL to run on PostgreSQL";
    ctx_.emplace(AppContext{*store_, clock_});
    testing::AddTestEntity(*ctx_, testing::TestEntity(kCfA, "comune", "01"));
    testing::AddTestEntity(*ctx_, testing::TestEntity(kCfB, "universita", "02"));
    key_a_ = testing::NewApiKey(*ctx_, kCfA);
    key_b_ = testing::NewApiKey(*ctx_, kCfB);
    AddExportRoutes(router_, *ctx_);
    api_.check_requests = false;  // responses only (bad filters are sent on purpose)
    Create(kCfA, "A-VALID", 1000, 5, true);
    Create(kCfA, "A-DRAFT", 2050, 40, false);
    Create(kCfA, "A-LATE", 99, 60, true);
    Create(kCfB, "B-SECRET", 777, 5, true);
  }

  void Create(const std::string& cf, const std::string& iupd, std::int64_t cents, int due_days,
              bool publish) {
    DebtPosition p = testing::TestPosition(iupd, kNow + std::chrono::days{due_days}, cents);
    p.company_name = "Ente";
    if (cf != kCfA) p.options[0].transfers[0].iban = "IT60X0542811101000000123456";
    auto r = CreatePosition(*ctx_, Caller{}, {cf, std::move(p), publish});
    ASSERT_TRUE(r.ok()) << r.error().ToText();
  }

  static std::string Org(const std::string& cf = kCfA) { return "/api/v1/organizations/" + cf; }

  // A GET whose response is checked against the OpenAPI file.
  http::Response Get(const std::string& target, const std::string& key) {
    return api_.Send("GET", target, key);
  }

  testing::TempDir tmp_;
  FakeClock clock_{kNow};
  std::unique_ptr<Store> store_;
  std::optional<AppContext> ctx_;
  std::string key_a_, key_b_;
  http::Router router_;
  testing::ApiClient api_{router_, Spec(), "/api/v1"};
};

TEST_P(ExportApiTest, CsvDownloadWithFiltersAndHeaders) {
  auto all = Get(Org() + "/exports/positions.csv", key_a_);
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_EQ(all.content_type, "text/csv; charset=utf-8");
  EXPECT_EQ(testing::Header(all, "Content-Disposition"),
            "attachment; filename=\"00123456782-positions.csv\"");
  EXPECT_EQ(testing::Header(all, "Cache-Control"), "no-store");
  EXPECT_EQ(testing::Header(all, "X-Export-Rows"), "3");
  EXPECT_EQ(all.body.rfind("\xEF\xBB\xBFiupd;status;", 0), 0U) << all.body.substr(0, 80);
  EXPECT_EQ(CountLines(all.body), 4);  // header + 3
  EXPECT_NE(all.body.find("A-DRAFT"), std::string::npos);
  EXPECT_EQ(all.body.find("B-SECRET"), std::string::npos);  // only the key's organization

  auto drafts = Get(Org() + "/exports/positions.csv?status=DRAFT&separator=,&bom=false", key_a_);
  ASSERT_EQ(drafts.status, 200) << drafts.body;
  EXPECT_EQ(testing::Header(drafts, "X-Export-Rows"), "1");
  EXPECT_EQ(drafts.body.rfind("iupd,status,", 0), 0U);  // no BOM, comma
  EXPECT_NE(drafts.body.find("A-DRAFT"), std::string::npos);
  EXPECT_EQ(drafts.body.find("A-VALID"), std::string::npos);

  // Due-date window: only the option due in 5 days (to is inclusive of the whole day).
  auto soon = Get(Org() + "/exports/options.csv?from=2026-11-26&to=2026-12-01", key_a_);
  ASSERT_EQ(soon.status, 200) << soon.body;
  EXPECT_EQ(testing::Header(soon, "X-Export-Rows"), "1");
  EXPECT_NE(soon.body.find("A-VALID"), std::string::npos);
  EXPECT_EQ(soon.body.find("A-LATE"), std::string::npos);

  auto receipts = Get(Org() + "/exports/receipts.csv", key_a_);
  ASSERT_EQ(receipts.status, 200);
  EXPECT_EQ(testing::Header(receipts, "X-Export-Rows"), "0");
  EXPECT_EQ(CountLines(receipts.body), 1);  // the header alone
}

TEST_P(ExportApiTest, XlsxDownload) {
  auto x = Get(Org() + "/exports/positions.xlsx?status=VALID", key_a_);
  ASSERT_EQ(x.status, 200) << x.body;
  EXPECT_EQ(x.content_type, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  EXPECT_EQ(testing::Header(x, "Content-Disposition"),
            "attachment; filename=\"00123456782-positions.xlsx\"");
  EXPECT_EQ(testing::Header(x, "X-Export-Rows"), "2");
  EXPECT_EQ(x.body.rfind("PK\x03\x04", 0), 0U);  // a zip container, as every XLSX
  for (const char* what : {"options", "receipts"}) {
    auto r = Get(Org() + "/exports/" + what + ".xlsx", key_a_);
    EXPECT_EQ(r.status, 200) << what;
    EXPECT_EQ(r.body.rfind("PK\x03\x04", 0), 0U) << what;
  }
}

TEST_P(ExportApiTest, KeysBadParametersAndUnknownPaths) {
  for (const char* what : {"positions.csv", "positions.xlsx", "options.csv", "options.xlsx",
                           "receipts.csv", "receipts.xlsx"}) {
    const std::string route = std::string("/exports/") + what;
    EXPECT_EQ(Get(Org() + route, "").status, 401) << what;
    EXPECT_EQ(Get(Org() + route, "not-a-key").status, 401) << what;
    auto foreign = Get(Org() + route, key_b_);  // B's key on A's export
    EXPECT_EQ(foreign.status, 403) << what;
    EXPECT_EQ(foreign.body.find("A-VALID"), std::string::npos);
    EXPECT_EQ(Get(Org("99999999999") + route, key_b_).status, 403) << what;
    // B's own export holds B's position only.
    auto own = Get(Org(kCfB) + route, key_b_);
    EXPECT_EQ(own.status, 200) << what;
    if (std::string(what).find(".csv") != std::string::npos &&
        std::string(what).rfind("receipts", 0) != 0) {
      EXPECT_NE(own.body.find("B-SECRET"), std::string::npos) << what;
    }
    EXPECT_EQ(own.body.find("A-VALID"), std::string::npos) << what;
  }
  // A misspelt or hostile filter is refused, never ignored (it would widen the export).
  for (const char* q : {"?dueFrom=2026-01-01", "?status=PAYED", "?from=yesterday", "?to=2026-02-30",
                        "?separator=%7C", "?bom=yes", "?status=VALID'%20OR%201=1--"}) {
    auto r = Get(Org() + "/exports/positions.csv" + q, key_a_);
    EXPECT_EQ(r.status, 400) << q << " " << r.body;
    EXPECT_EQ(json::parse(r.body).at("errors").as_array().size(), 1U) << q;
  }
  EXPECT_EQ(Get(Org() + "/exports/positions.xlsx?separator=,", key_a_).status, 400);
  // Unknown export: the router's 404.
  http::Request req;
  req.method = "GET";
  ASSERT_TRUE(http::SetTarget(Org() + "/exports/secrets.csv", req).ok());
  req.headers.emplace_back("ocp-apim-subscription-key", key_a_);
  EXPECT_EQ(router_.Handle(req).status, 404);
}

INSTANTIATE_TEST_SUITE_P(Backends, ExportApiTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace incasso
