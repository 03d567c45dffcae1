// incasso notice | notices | receipt driven as an operator would: the binary as a child process
// over SQLite and PostgreSQL; the PDFs read back with poppler-utils and zbarimg, the ZIPs with
// unzip; the institution's notice settings (entity update --notice-language,
// --postal-authorization, --notice-logo) in what is printed.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "render/render_test_support.hpp"
#include "tests/support/databases.hpp"
#include "tests/support/process.hpp"

namespace incasso {
namespace {

namespace fs = std::filesystem;
using render::testing::PdfFile;
using testing::ProcessResult;

constexpr const char* kCfA = "00123456782";
constexpr const char* kCfB = "80012345676";

// A 32x32 red PNG.
const std::string kLogoPng(
    "\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x20\x00\x00"
    "\x00\x20\x08\x02\x00\x00\x00\xfc\x18\xed\xa3\x00\x00\x00\x2a\x49\x44\x41\x54\x78\xda"
    "\x63\x38\x21\x27\x47\x53\xc4\x30\x6a\xc1\xa8\x05\xa3\x16\x8c\x5a\x30\x6a\xc1\xa8\x05"
    "\xa3\x16\x8c\x5a\x30\x6a\xc1\xa8\x05\xa3\x16\x0c\x15\x0b\x00\x25\xcb\x10\x3d\x60\x1d"
    "\x91\x29\x00\x00\x00\x00\x49\x45\x4e\x44\xae\x42\x60\x82",
    99);

std::string PositionJson(const std::string& iupd, long amount) {
  const std::string a = std::to_string(amount);
  return R"({"iupd": ")" + iupd + R"(", "type": "F", "fiscalCode": "RSSMRA85T10A562S",
    "fullName": "Mario Rossi", "companyName": "Comune di Valdimonte", "switchToExpired": false,
    "paymentOption": [{"amount": )" +
         a + R"(, "description": "TARI 2099",
      "isPartialPayment": false, "dueDate": "2099-01-31T23:59:59", "transfer": [
      {"idTransfer": "1", "amount": )" +
         a + R"(, "remittanceInformation": "TARI",
       "category": "9/0201102IM/", "iban": "IT67V0542404200000000123456"}]}]})";
}

class NoticeCliTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::string missing;
    if (!render::testing::HaveTools(
            {"pdftotext", "pdfinfo", "pdftoppm", "zbarimg", "unzip", "pdfimages"}, &missing)) {
      GTEST_SKIP() << missing << " is not installed";
    }
    dir_ = tmp_.path();
    url_ = testing::FreshDatabaseUrl(GetParam(), dir_);
    if (url_.empty()) GTEST_SKIP() << "set INCASSO_TEST_POSTGRES_URL to run on PostgreSQL";
    AddEntity(kCfA, "comune-valdimonte", "01");
    AddEntity(kCfB, "universita", "02");
    nav_ = AddPosition(kCfA, "P1", 15000);
  }

  ProcessResult Run(std::vector<std::string> args) {
    args.insert(args.begin(), INCASSO_BINARY);
    return testing::RunProcess(args, {{"INCASSO_DATABASE_URL", url_}}, dir_.string());
  }

  void AddEntity(const std::string& cf, const std::string& slug, const std::string& seg) {
    auto r = Run({"entity", "add", "--fiscal-code", cf, "--name", "Ente " + slug, "--slug", slug,
                  "--segregation-code", seg});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  std::string AddPosition(const std::string& cf, const std::string& iupd, long amount) {
    const std::string file = WriteFile(iupd + ".json", PositionJson(iupd, amount));
    auto r = Run({"position", "add", "--entity", cf, "--file", file, "--publish"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::smatch m;
    EXPECT_TRUE(std::regex_search(r.out, m, std::regex("\"nav\":\"(3\\d{17})\""))) << r.out;
    return m.empty() ? std::string() : std::string(m[1]);
  }

  std::string WriteFile(const std::string& name, const std::string& bytes) {
    const fs::path p = dir_ / name;
    std::ofstream(p, std::ios::binary) << bytes;
    return p.string();
  }

  static std::string Read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }

  testing::TempDir tmp_;
  fs::path dir_;
  std::string url_;
  std::string nav_;
};

TEST_P(NoticeCliTest, NoticeToFileCarriesTheQrPayload) {
  const std::string out = (dir_ / "avviso.pdf").string();
  auto r = Run({"notice", "--entity", kCfA, "--notice", nav_, "-o", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find(out), std::string::npos);
  EXPECT_FALSE(fs::exists(out + ".part"));
  PdfFile pdf(Read(out));
  EXPECT_EQ(pdf.Pages(), 1);
  auto codes = pdf.QrCodes();
  ASSERT_EQ(codes.size(), 1u);
  EXPECT_EQ(codes[0], "PAGOPA|002|" + nav_ + "|" + kCfA + "|15000");
  const std::string text = pdf.Text();
  EXPECT_NE(text.find("150,00"), std::string::npos) << text;
  EXPECT_NE(text.find("Mario Rossi"), std::string::npos);
}

TEST_P(NoticeCliTest, UnknownAndForeignNoticesAreNotFound) {
  const std::string out = (dir_ / "x.pdf").string();
  auto unknown = Run({"notice", "--entity", kCfA, "--notice", "301999999999999999", "-o", out});
  EXPECT_NE(unknown.exit_code, 0);
  EXPECT_NE(unknown.err.find("no notice 301999999999999999"), std::string::npos) << unknown.err;
  // A's notice number asked for as B's: not found, and nothing written.
  auto foreign = Run({"notice", "--entity", kCfB, "--notice", nav_, "-o", out});
  EXPECT_NE(foreign.exit_code, 0);
  EXPECT_NE(foreign.err.find("no notice " + nav_), std::string::npos) << foreign.err;
  auto no_entity = Run({"notice", "--entity", "80000000077", "--notice", nav_, "-o", out});
  EXPECT_NE(no_entity.exit_code, 0);
  EXPECT_NE(no_entity.err.find("80000000077"), std::string::npos) << no_entity.err;
  auto bad_lang = Run({"notice", "--entity", kCfA, "--notice", nav_, "--lang", "xx", "-o", out});
  EXPECT_NE(bad_lang.exit_code, 0);
  EXPECT_NE(bad_lang.err.find("--lang"), std::string::npos) << bad_lang.err;
  auto receipt = Run({"receipt", "--entity", kCfA, "--receipt", "nope", "-o", out});
  EXPECT_NE(receipt.exit_code, 0);
  EXPECT_NE(receipt.err.find("no receipt nope"), std::string::npos) << receipt.err;
  EXPECT_FALSE(fs::exists(out));
}

TEST_P(NoticeCliTest, EntityNoticeSettings) {
  const std::string logo = WriteFile("logo.png", kLogoPng);
  auto upd = Run({"entity", "update", "--fiscal-code", kCfA, "--notice-language", "de",
                  "--postal-account", "123456789012", "--postal-authorization",
                  "AUT. DB/SSIC/E 4242 del 02/02/2026", "--notice-logo", logo});
  ASSERT_EQ(upd.exit_code, 0) << upd.err;
  EXPECT_NE(upd.out.find("\"noticeLanguage\":\"de\""), std::string::npos) << upd.out;
  const std::string out = (dir_ / "avviso.pdf").string();
  ASSERT_EQ(Run({"notice", "--entity", kCfA, "--notice", nav_, "-o", out}).exit_code, 0);
  PdfFile pdf(Read(out));
  const std::string text = pdf.Text();
  EXPECT_NE(text.find("ZAHLUNGSMITTEILUNG"), std::string::npos) << text;
  EXPECT_NE(text.find("AUT. DB/SSIC/E 4242 del 02/02/2026"), std::string::npos) << text;
  const std::string images = render::testing::Run("pdfimages -list '" + pdf.path() + "'");
  EXPECT_NE(images.find(" 32    32 "), std::string::npos) << images;
  // --lang overrides the institution's language for one run.
  ASSERT_EQ(
      Run({"notice", "--entity", kCfA, "--notice", nav_, "--lang", "it", "-o", out}).exit_code, 0);
  EXPECT_EQ(PdfFile(Read(out)).Text().find("ZAHLUNGSMITTEILUNG"), std::string::npos);

  // Refused, naming the field, with nothing changed.
  const std::string gif = WriteFile("logo.gif", "GIF89a\x01\x00\x01\x00");
  auto bad_logo = Run(
      {"entity", "update", "--fiscal-code", kCfA, "--notice-logo", gif, "--notice-language", "en"});
  EXPECT_NE(bad_logo.exit_code, 0);
  EXPECT_NE(bad_logo.err.find("noticeLogo"), std::string::npos) << bad_logo.err;
  auto bad_lang = Run({"entity", "update", "--fiscal-code", kCfA, "--notice-language", "klingon"});
  EXPECT_NE(bad_lang.exit_code, 0);
  EXPECT_NE(bad_lang.err.find("noticeLanguage"), std::string::npos) << bad_lang.err;
  auto show = Run({"entity", "show", kCfA});
  EXPECT_NE(show.out.find("\"noticeLanguage\":\"de\""), std::string::npos) << show.out;
  // Removing the logo.
  ASSERT_EQ(Run({"entity", "update", "--fiscal-code", kCfA, "--notice-logo", ""}).exit_code, 0);
  ASSERT_EQ(Run({"notice", "--entity", kCfA, "--notice", nav_, "-o", out}).exit_code, 0);
  const std::string none = render::testing::Run("pdfimages -list '" + out + "'");
  EXPECT_EQ(none.find(" 32    32 "), std::string::npos) << none;
}

TEST_P(NoticeCliTest, BulkZipAndMergedPdf) {
  const std::string nav2 = AddPosition(kCfA, "P2", 2000);
  AddPosition(kCfB, "B1", 3000);  // another institution's: never in A's files
  const std::string zip = (dir_ / "avvisi.zip").string();
  auto r = Run({"notices", "--entity", kCfA, "-o", zip});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("2 notices"), std::string::npos) << r.out;
  int status = -1;
  const std::string listing = render::testing::Run("unzip -l '" + zip + "'", &status);
  ASSERT_EQ(status, 0) << listing;
  EXPECT_NE(listing.find(nav_ + ".pdf"), std::string::npos) << listing;
  EXPECT_NE(listing.find(nav2 + ".pdf"), std::string::npos) << listing;
  EXPECT_NE(listing.find("2 files"), std::string::npos) << listing;
  render::testing::Run("unzip -o -q '" + zip + "' -d '" + (dir_ / "x").string() + "'", &status);
  ASSERT_EQ(status, 0);
  auto codes = PdfFile(Read(dir_ / "x" / (nav2 + ".pdf"))).QrCodes();
  ASSERT_EQ(codes.size(), 1u);
  EXPECT_EQ(codes[0], "PAGOPA|002|" + nav2 + "|" + kCfA + "|2000");

  const std::string merged = (dir_ / "stampa.pdf").string();
  auto m = Run({"notices", "--entity", kCfA, "--merged", merged});
  ASSERT_EQ(m.exit_code, 0) << m.err;
  EXPECT_EQ(PdfFile(Read(merged)).Pages(), 2);

  auto none =
      Run({"notices", "--entity", kCfA, "--status", "PAID", "-o", (dir_ / "none.zip").string()});
  EXPECT_NE(none.exit_code, 0);
  EXPECT_NE(none.err.find("no printable positions"), std::string::npos) << none.err;
  EXPECT_FALSE(fs::exists(dir_ / "none.zip"));
  EXPECT_FALSE(fs::exists(dir_ / "none.zip.part"));
}

INSTANTIATE_TEST_SUITE_P(Backends, NoticeCliTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace incasso
