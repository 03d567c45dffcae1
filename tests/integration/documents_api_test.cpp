// GET .../notices/{noticeNumber}.pdf, .../receipts/{receiptId}.pdf (api/document_routes.cpp) and
// the notice batches (api/notice_batch_routes.cpp) over a real database (SQLite and PostgreSQL)
// and the real renderer, through the Router in memory: authentication and tenancy, responses
// checked against openapi/incasso-v1.json, and PDFs and ZIPs read back with poppler-utils and
// unzip; the institution's notice settings (language, postal authorization, logo) in the PDF.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <regex>
#include <thread>

#include "api/document_routes.hpp"
#include "api/notice_batch_routes.hpp"
#include "app/api_keys.hpp"
#include "app/entities.hpp"
#include "app/positions.hpp"
#include "core/time.hpp"
#include "render/pdf_renderer.hpp"
#include "render/render_test_support.hpp"
#include "tests/support/api_client.hpp"
#include "tests/support/databases.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/openapi_check.hpp"

namespace incasso {
namespace {

const TimePoint kNow = *ParseDateTime("2026-11-26T10:00:00Z");
constexpr const char* kCfA = "00123456782";
constexpr const char* kCfB = "80012345676";

namespace json = boost::json;
namespace fs = std::filesystem;
using render::testing::PdfFile;

const testing::OpenApiSpec& Spec() {
  static const testing::OpenApiSpec spec(INCASSO_V1_OPENAPI);
  return spec;
}

// A 32x32 red PNG.
const std::string kLogoPng(
    "\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x20\x00\x00"
    "\x00\x20\x08\x02\x00\x00\x00\xfc\x18\xed\xa3\x00\x00\x00\x2a\x49\x44\x41\x54\x78\xda"
    "\x63\x38\x21\x27\x47\x53\xc4\x30\x6a\xc1\xa8\x05\xa3\x16\x8c\x5a\x30\x6a\xc1\xa8\x05"
    "\xa3\x16\x8c\x5a\x30\x6a\xc1\xa8\x05\xa3\x16\x0c\x15\x0b\x00\x25\xcb\x10\x3d\x60\x1d"
    "\x91\x29\x00\x00\x00\x00\x49\x45\x4e\x44\xae\x42\x60\x82",
    99);

class Renderer final : public DocumentRenderer {
  class Book final : public NoticeBookWriter {
   public:
    explicit Book(std::unique_ptr<render::NoticeBook> b) : b_(std::move(b)) {}
    Status Add(const NoticeDocument& d) override { return b_->Add(d); }
    Status Finish() override { return b_->Finish(); }

   private:
    std::unique_ptr<render::NoticeBook> b_;
  };

 public:
  Result<std::string> RenderNotice(const NoticeDocument& d) const override {
    return pdf_->RenderNotice(d);
  }
  Result<std::string> RenderReceipt(const ReceiptDocument& d) const override {
    return pdf_->RenderReceipt(d);
  }
  Result<std::unique_ptr<NoticeBookWriter>> StartBook(std::function<Status(std::string_view)> sink,
                                                      TimePoint at) const override {
    auto b = pdf_->StartBook(std::move(sink), at);
    if (!b.ok()) return b.error();
    return std::unique_ptr<NoticeBookWriter>(std::make_unique<Book>(std::move(*b)));
  }

 private:
  std::unique_ptr<render::PdfRenderer> pdf_ = render::NewPdfRenderer();
};

DebtPosition Position(const std::string& iupd) {
  DebtPosition p = testing::TestPosition(iupd, *ParseDateTime("2026-12-31T00:00:00Z"));
  p.options[0].description = "Mensa scolastica";
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
    key_a_ = testing::NewApiKey(*ctx_, kCfA, "a");
    key_b_ = testing::NewApiKey(*ctx_, kCfB, "b");
    api_.check_requests = false;  // responses only, whatever their status
    api_.problem_json = false;
    AddDocumentRoutes(router_, *ctx_, std::make_shared<Renderer>());
    batches_ =
        AddNoticeBatchRoutes(router_, *ctx_, std::make_shared<Renderer>(), tmp_.path() / "batches");
    auto created = CreatePosition(*ctx_, Caller{}, {kCfA, Position("P1"), true});
    ASSERT_TRUE(created.ok()) << created.error().ToText();
    nav_ = created->options.front().nav;
  }

  void TearDown() override {
    if (batches_) batches_->Stop();
  }

  // Every answer is checked against openapi/incasso-v1.json.
  http::Response Send(const std::string& method, const std::string& target, const std::string& key,
                      std::string body = {}) {
    return api_.Send(method, target, key, std::move(body));
  }
  http::Response Get(const std::string& target, const std::string& key) {
    return Send("GET", target, key);
  }

  std::string BatchesPath(const std::string& cf) {
    return "/api/v1/organizations/" + cf + "/notice-batches";
  }

  // Polls the batch until it is finished (or 60 s pass); returns its last JSON.
  json::object WaitForBatch(const std::string& cf, const std::string& id, const std::string& key) {
    json::object last;
    for (int i = 0; i < 600; ++i) {
      auto r = Get(BatchesPath(cf) + "/" + id, key);
      EXPECT_EQ(r.status, 200) << r.body;
      if (r.status != 200) break;
      last = json::parse(r.body).as_object();
      const auto status = last.at("status").as_string();
      if (status == "succeeded" || status == "failed") break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return last;
  }

  std::string WriteTemp(const std::string& name, const std::string& bytes) {
    const fs::path p = tmp_.path() / name;
    std::ofstream(p, std::ios::binary) << bytes;
    return p.string();
  }

  std::string NoticePath(const std::string& cf, const std::string& nav) {
    return "/api/v1/organizations/" + cf + "/notices/" + nav + ".pdf";
  }

  testing::TempDir tmp_;
  FakeClock clock_{kNow};
  std::unique_ptr<Store> store_;
  std::optional<AppContext> ctx_;
  http::Router router_;
  testing::ApiClient api_{router_, Spec(), "/api/v1"};
  std::string key_a_, key_b_, nav_;
  std::unique_ptr<NoticeBatchRunner> batches_;
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

TEST_P(DocumentsApiTest, BatchZipOfPdfs) {
  std::string missing;
  if (!render::testing::HaveTools({"unzip", "pdfinfo", "zbarimg", "pdftoppm"}, &missing)) {
    GTEST_SKIP() << missing << " is not installed";
  }
  for (const char* iupd : {"P2", "P3", "P4"}) {
    ASSERT_TRUE(CreatePosition(*ctx_, Caller{}, {kCfA, Position(iupd), true}).ok());
  }
  // Not printable: skipped.
  ASSERT_TRUE(ChangePositionStatus(*ctx_, Caller{}, kCfA, "P4", PositionStatus::kInvalid).ok());
  // B's positions never end up in A's batch.
  ASSERT_TRUE(CreatePosition(*ctx_, Caller{}, {kCfB, Position("B1"), true}).ok());

  auto created = Send("POST", BatchesPath(kCfA), key_a_, R"({"format": "zip"})");
  ASSERT_EQ(created.status, 202) << created.body;
  const auto job = json::parse(created.body).as_object();
  const std::string id(job.at("id").as_string());
  bool located = false;
  for (const auto& [name, value] : created.headers) {
    located = located || (name == "Location" && value == BatchesPath(kCfA) + "/" + id);
  }
  EXPECT_TRUE(located);
  auto done = WaitForBatch(kCfA, id, key_a_);
  ASSERT_EQ(done.at("status").as_string(), "succeeded") << json::serialize(done);
  EXPECT_EQ(done.at("notices").as_int64(), 3);
  EXPECT_EQ(done.at("skipped").as_int64(), 1);
  EXPECT_EQ(done.at("total").as_int64(), 4);
  EXPECT_EQ(done.at("progress").as_int64(), 100);

  auto file = Get(BatchesPath(kCfA) + "/" + id + "/download", key_a_);
  ASSERT_EQ(file.status, 200) << file.body;
  EXPECT_EQ(file.content_type, "application/zip");
  EXPECT_EQ(static_cast<std::int64_t>(file.body.size()), done.at("bytes").as_int64());
  const std::string zip = WriteTemp("batch.zip", file.body);
  int status = -1;
  const std::string listing = render::testing::Run("unzip -l '" + zip + "'", &status);
  ASSERT_EQ(status, 0) << listing;
  std::regex entry("(3\\d{17})\\.pdf");
  std::vector<std::string> navs;
  for (std::sregex_iterator it(listing.begin(), listing.end(), entry), end; it != end; ++it) {
    navs.push_back((*it)[1]);
  }
  ASSERT_EQ(navs.size(), 3u) << listing;
  EXPECT_NE(std::find(navs.begin(), navs.end(), nav_), navs.end());
  const fs::path out = tmp_.path() / "unzipped";
  render::testing::Run("unzip -o -q '" + zip + "' -d '" + out.string() + "'", &status);
  ASSERT_EQ(status, 0);
  for (const auto& nav : navs) {
    std::ifstream in(out / (nav + ".pdf"), std::ios::binary);
    std::string pdf((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    PdfFile f(pdf);
    EXPECT_EQ(f.Pages(), 1) << nav;
    auto codes = f.QrCodes();
    ASSERT_EQ(codes.size(), 1u) << nav;
    EXPECT_EQ(codes[0], "PAGOPA|002|" + nav + "|" + std::string(kCfA) + "|2500");
  }
}

TEST_P(DocumentsApiTest, BatchMergedPdfAndNoticeNumbers) {
  std::string missing;
  if (!render::testing::HaveTools({"pdfinfo"}, &missing)) GTEST_SKIP() << missing;
  auto second = CreatePosition(*ctx_, Caller{}, {kCfA, Position("P2"), true});
  ASSERT_TRUE(second.ok());
  const std::string nav2 = second->options.front().nav;
  const std::string body = R"({"format": "pdf", "lang": "de", "noticeNumbers": [")" + nav_ +
                           R"(", ")" + nav2 + R"(", "301999999999999999", ")" + nav_ + R"("]})";
  auto created = Send("POST", BatchesPath(kCfA), key_a_, body);
  ASSERT_EQ(created.status, 202) << created.body;
  const std::string id(json::parse(created.body).at("id").as_string());
  auto done = WaitForBatch(kCfA, id, key_a_);
  ASSERT_EQ(done.at("status").as_string(), "succeeded") << json::serialize(done);
  EXPECT_EQ(done.at("notices").as_int64(), 2);
  EXPECT_EQ(done.at("skipped").as_int64(), 1);  // the unknown number; the repeat is ignored
  auto file = Get(BatchesPath(kCfA) + "/" + id + "/download", key_a_);
  ASSERT_EQ(file.status, 200);
  EXPECT_EQ(file.content_type, "application/pdf");
  PdfFile pdf(file.body);
  EXPECT_EQ(pdf.Pages(), 2);
  EXPECT_NE(pdf.Text().find("ZAHLUNGSMITTEILUNG"), std::string::npos);
}

TEST_P(DocumentsApiTest, BatchTenancyAndBadInput) {
  // No key, unknown key: 401. B's key on A's path: 403.
  EXPECT_EQ(Send("POST", BatchesPath(kCfA), "", "{}").status, 401);
  EXPECT_EQ(Send("POST", BatchesPath(kCfA), "not-a-key", "{}").status, 401);
  EXPECT_EQ(Send("POST", BatchesPath(kCfA), key_b_, "{}").status, 403);
  auto created = Send("POST", BatchesPath(kCfA), key_a_, "");
  ASSERT_EQ(created.status, 202) << created.body;
  const std::string id(json::parse(created.body).at("id").as_string());
  WaitForBatch(kCfA, id, key_a_);
  EXPECT_EQ(Get(BatchesPath(kCfA) + "/" + id, "").status, 401);
  EXPECT_EQ(Get(BatchesPath(kCfA) + "/" + id, key_b_).status, 403);
  EXPECT_EQ(Get(BatchesPath(kCfA) + "/" + id + "/download", key_b_).status, 403);
  // A's batch id under B's own path: not found, as if it did not exist.
  EXPECT_EQ(Get(BatchesPath(kCfB) + "/" + id, key_b_).status, 404);
  EXPECT_EQ(Get(BatchesPath(kCfB) + "/" + id + "/download", key_b_).status, 404);
  EXPECT_EQ(Get(BatchesPath(kCfA) + "/0000000000000000000000000000000z", key_a_).status, 404);
  EXPECT_EQ(Get(BatchesPath(kCfA) + "/'%20OR%201=1", key_a_).status, 404);

  for (const std::string bad :
       {R"({"format": "rar"})", R"({"status": "NOPE"})", R"({"dueFrom": "31/12/2026"})",
        R"({"dueFrom": "2026-12-31", "dueTo": "2026-01-01"})", R"({"noticeNumbers": []})",
        R"({"noticeNumbers": ["3011'OR'1'='1000000"]})", R"({"lang": "xx"})", R"({"x": 1})",
        R"({"noticeNumbers": ["301000000000000000"], "status": "VALID"})", "[1]", "{"}) {
    auto r = Send("POST", BatchesPath(kCfA), key_a_, bad);
    EXPECT_EQ(r.status, 400) << bad << " -> " << r.body;
  }
  // Nothing printable: the batch fails and says why; no download.
  auto none = Send("POST", BatchesPath(kCfA), key_a_, R"({"status": "PAID"})");
  ASSERT_EQ(none.status, 202);
  const std::string none_id(json::parse(none.body).at("id").as_string());
  auto failed = WaitForBatch(kCfA, none_id, key_a_);
  EXPECT_EQ(failed.at("status").as_string(), "failed");
  EXPECT_NE(json::serialize(failed).find("no printable notice"), std::string::npos);
  EXPECT_EQ(Get(BatchesPath(kCfA) + "/" + none_id + "/download", key_a_).status, 409);
}

TEST_P(DocumentsApiTest, EntityNoticeSettingsAreUsed) {
  std::string missing;
  if (!render::testing::HaveTools({"pdftotext", "pdfimages"}, &missing)) GTEST_SKIP() << missing;
  auto plain = Get(NoticePath(kCfA, nav_), key_a_);
  ASSERT_EQ(plain.status, 200);
  {
    PdfFile f(plain.body);
    EXPECT_EQ(f.Text().find("ZAHLUNGSMITTEILUNG"), std::string::npos);
    EXPECT_EQ(render::testing::Run("pdfimages -list '" + f.path() + "' | tail -n +3 | wc -l"),
              "0\n");
  }
  auto e = GetEntity(*ctx_, kCfA);
  ASSERT_TRUE(e.ok());
  e->notice_language = "de";
  e->postal_account = "123456789012";
  e->postal_authorization = "AUT. DB/SSIC/E 9999 del 01/01/2026";
  ASSERT_TRUE(UpdateEntity(*ctx_, Caller{}, *e).ok());
  ASSERT_TRUE(SetNoticeLogo(*ctx_, Caller{}, kCfA, kLogoPng).ok());
  // The stored settings survive a read back from the database.
  auto again = GetEntity(*ctx_, kCfA);
  EXPECT_EQ(again->notice_language, "de");
  EXPECT_EQ(again->postal_authorization, "AUT. DB/SSIC/E 9999 del 01/01/2026");
  EXPECT_EQ(*store_->GetNoticeLogo(again->id), kLogoPng);
  EXPECT_EQ(*store_->GetNoticeLogo(GetEntity(*ctx_, kCfB)->id), "");

  auto r = Get(NoticePath(kCfA, nav_), key_a_);
  ASSERT_EQ(r.status, 200);
  PdfFile f(r.body);
  const std::string text = f.Text();
  EXPECT_NE(text.find("ZAHLUNGSMITTEILUNG"), std::string::npos) << text;
  EXPECT_NE(text.find("AUT. DB/SSIC/E 9999 del 01/01/2026"), std::string::npos) << text;
  const std::string images = render::testing::Run("pdfimages -list '" + f.path() + "'");
  EXPECT_NE(images.find(" 32    32 "), std::string::npos) << images;
  // ?lang= still overrides the institution's language for one notice.
  auto italian = Get(NoticePath(kCfA, nav_) + "?lang=it", key_a_);
  ASSERT_EQ(italian.status, 200);
  EXPECT_EQ(PdfFile(italian.body).Text().find("ZAHLUNGSMITTEILUNG"), std::string::npos);

  // Bad settings are refused, naming the field, and change nothing.
  Entity bad = *again;
  bad.notice_language = "xx";
  auto refused = UpdateEntity(*ctx_, Caller{}, bad);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().field, "noticeLanguage");
  bad = *again;
  bad.postal_authorization = std::string(101, 'A');
  EXPECT_FALSE(UpdateEntity(*ctx_, Caller{}, bad).ok());
  EXPECT_FALSE(SetNoticeLogo(*ctx_, Caller{}, kCfA, "GIF89a not a png").ok());
  std::string huge = kLogoPng;
  huge.resize(kNoticeLogoMaxBytes + 1, '\0');
  EXPECT_FALSE(SetNoticeLogo(*ctx_, Caller{}, kCfA, huge).ok());
  std::string wide = kLogoPng;
  wide[16] = '\x7f';  // width 2130706464
  auto too_wide = SetNoticeLogo(*ctx_, Caller{}, kCfA, wide);
  ASSERT_FALSE(too_wide.ok());
  EXPECT_NE(too_wide.error().ToText().find("pixels"), std::string::npos);
  EXPECT_EQ(*store_->GetNoticeLogo(again->id), kLogoPng);
  EXPECT_EQ(SetNoticeLogo(*ctx_, Caller{}, "80000000077", kLogoPng).error().code,
            ErrorCode::kNotFound);
}

INSTANTIATE_TEST_SUITE_P(Backends, DocumentsApiTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace incasso
