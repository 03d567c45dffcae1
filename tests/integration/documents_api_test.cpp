// GET .../notices/{noticeNumber}.pdf and .../receipts/{receiptId}.pdf (api/document_routes.cpp)
// over a real database (SQLite and PostgreSQL) and the real renderer, through the Router in
// memory: authentication and tenancy like the GPD routes, and PDFs that read back.
#include <gtest/gtest.h>

#include <memory>
#include <optional>

#include "api/document_routes.hpp"
#include "app/api_keys.hpp"
#include "app/positions.hpp"
#include "core/time.hpp"
#include "render/pdf_renderer.hpp"
#include "tests/support/databases.hpp"
#include "tests/support/fixtures.hpp"

namespace incasso {
namespace {

const TimePoint kNow = *ParseDateTime("2026-11-26T10:00:00Z");
constexpr const char* kCfA = "00123456782";
constexpr const char* kCfB = "80012345676";

class Renderer final : public DocumentRenderer {
 public:
  Result<std::string> RenderNotice(const NoticeDocument& d) const override {
    return pdf_->RenderNotice(d);
  }
  Result<std::string> RenderReceipt(const ReceiptDocument& d) const override {
    return pdf_->RenderReceipt(d);
  }

 private:
  std::unique_ptr<render::PdfRenderer> pdf_ = render::NewPdfRenderer();
};

DebtPosition Position(const std::string& iupd) {
  DebtPosition p;
  p.iupd = iupd;
  p.debtor.fiscal_code = "RSSMRA85T10A562S";
  p.debtor.full_name = "Mario Rossi";
  p.company_name = "Comune";
  PaymentOption o;
  o.amount = 2500;
  o.description = "Mensa scolastica";
  o.due_date = *ParseDateTime("2026-12-31T00:00:00Z");
  Transfer t;
  t.amount = 2500;
  t.remittance_information = "Mensa";
  t.category = "9/0201133SE/";
  t.iban = "IT67V0542404200000000123456";
  o.transfers = {t};
  p.options = {o};
  return p;
}

class DocumentsApiTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    store_ = testing::OpenFreshStore(GetParam(), tmp_.path());
    if (!store_) GTEST_SKIP() << "set INCASSO_TEST_POSTGRES_URL to run on PostgreSQL";
    ctx_.emplace(AppContext{*store_, clock_});
    testing::AddTestEntity(*ctx_, testing::TestEntity(kCfA, "comune", "01"));
    testing::AddTestEntity(*ctx_, testing::TestEntity(kCfB, "universita", "02"));
    key_a_ = CreateApiKey(*ctx_, Caller{}, kCfA, "a")->key;
    key_b_ = CreateApiKey(*ctx_, Caller{}, kCfB, "b")->key;
    AddDocumentRoutes(router_, *ctx_, std::make_shared<Renderer>());
    auto created = CreatePosition(*ctx_, Caller{}, {kCfA, Position("P1"), true});
    ASSERT_TRUE(created.ok()) << created.error().ToText();
    nav_ = created->options.front().nav;
  }

  http::Response Get(const std::string& target, const std::string& key) {
    http::Request req;
    req.method = "GET";
    EXPECT_TRUE(http::SetTarget(target, req).ok());
    if (!key.empty()) req.headers.emplace_back("ocp-apim-subscription-key", key);
    req.request_id = "req-1";
    return router_.Handle(std::move(req));
  }

  std::string NoticePath(const std::string& cf, const std::string& nav) {
    return "/api/v1/organizations/" + cf + "/notices/" + nav + ".pdf";
  }

  testing::TempDir tmp_;
  FakeClock clock_{kNow};
  std::unique_ptr<Store> store_;
  std::optional<AppContext> ctx_;
  http::Router router_;
  std::string key_a_, key_b_, nav_;
};

TEST_P(DocumentsApiTest, NoticePdf) {
  auto r = Get(NoticePath(kCfA, nav_), key_a_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.content_type, "application/pdf");
  EXPECT_EQ(r.body.rfind("%PDF-", 0), 0u);
  EXPECT_EQ(r.tenant, kCfA);
  // Same clock, same bytes.
  EXPECT_EQ(Get(NoticePath(kCfA, nav_), key_a_).body, r.body);
  auto bilingual = Get(NoticePath(kCfA, nav_) + "?lang=de", key_a_);
  EXPECT_EQ(bilingual.status, 200);
  EXPECT_NE(bilingual.body, r.body);
  EXPECT_EQ(Get(NoticePath(kCfA, nav_) + "?lang=xx", key_a_).status, 400);
}

TEST_P(DocumentsApiTest, KeysAndTenancy) {
  EXPECT_EQ(Get(NoticePath(kCfA, nav_), "").status, 401);
  EXPECT_EQ(Get(NoticePath(kCfA, nav_), "not-a-key").status, 401);
  // Another institution's key: 403 whether or not the notice exists.
  EXPECT_EQ(Get(NoticePath(kCfA, nav_), key_b_).status, 403);
  EXPECT_EQ(Get(NoticePath(kCfA, "301000000000000000"), key_b_).status, 403);
  // B asking for A's notice under its own organization finds nothing.
  EXPECT_EQ(Get(NoticePath(kCfB, nav_), key_b_).status, 404);
  EXPECT_EQ(Get("/api/v1/organizations/" + std::string(kCfA) + "/receipts/abc.pdf", "").status,
            401);
  EXPECT_EQ(Get("/api/v1/organizations/" + std::string(kCfA) + "/receipts/abc.pdf", key_b_).status,
            403);
}

TEST_P(DocumentsApiTest, NotPrintableAndMalformed) {
  EXPECT_EQ(Get(NoticePath(kCfA, "12345"), key_a_).status, 400);
  EXPECT_EQ(Get(NoticePath(kCfA, "3011'OR'1'='1000000"), key_a_).status, 400);
  EXPECT_EQ(Get(NoticePath(kCfA, "301000000000000000"), key_a_).status, 404);
  ASSERT_TRUE(ChangePositionStatus(*ctx_, Caller{}, kCfA, "P1", PositionStatus::kInvalid).ok());
  auto r = Get(NoticePath(kCfA, nav_), key_a_);
  EXPECT_EQ(r.status, 409);
  EXPECT_NE(r.body.find("invalidated"), std::string::npos) << r.body;
}

TEST_P(DocumentsApiTest, ReceiptPdf) {
  auto a = store_->FindEntityByFiscalCode(kCfA);
  Receipt rt;
  rt.receipt_id = "c110729d258c4ab1b765fe902aae41d6";
  rt.notice_number = nav_;
  rt.fiscal_code = kCfA;
  rt.iuv = nav_.substr(1);
  rt.outcome = "OK";
  rt.amount = 2500;
  rt.psp_id = "BCITITMM";
  rt.psp_company_name = "Banca Esempio";
  rt.debtor.full_name = "Mario Rossi";
  rt.debtor.fiscal_code = "RSSMRA85T10A562S";
  rt.received_at = kNow;
  ASSERT_TRUE(store_->InsertReceipt((*a)->id, rt).ok());
  const std::string path =
      "/api/v1/organizations/" + std::string(kCfA) + "/receipts/" + rt.receipt_id + ".pdf";
  auto r = Get(path, key_a_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.content_type, "application/pdf");
  EXPECT_EQ(r.body.rfind("%PDF-", 0), 0u);
  // B's key on B's path does not see A's receipt.
  EXPECT_EQ(
      Get("/api/v1/organizations/" + std::string(kCfB) + "/receipts/" + rt.receipt_id + ".pdf",
          key_b_)
          .status,
      404);
  EXPECT_EQ(
      Get("/api/v1/organizations/" + std::string(kCfA) + "/receipts/a';DROP%20TABLE%20receipt.pdf",
          key_a_)
          .status,
      400);
}

INSTANTIATE_TEST_SUITE_P(Backends, DocumentsApiTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace incasso
