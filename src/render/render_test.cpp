// Renders notices and receipts and reads them back like a person and a cashier's scanner would:
// pdftotext for the visible text, pdftoppm + zbarimg for the QR codes, dmtxread for the Poste
// DataMatrix. The payloads are compared with the document model, not with our own encoder.
#include <cairo.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "core/money.hpp"
#include "core/time.hpp"
#include "domain/notice_number.hpp"
#include "render/codes.hpp"
#include "render/pdf_renderer.hpp"
#include "render/render_test_support.hpp"
#include "render/samples.hpp"

namespace incasso::render {
namespace {

using testing::PdfFile;

constexpr const char* kCreditorFc = samples::kCreditorFiscalCode;

std::string Nav(std::uint64_t base) { return MakeNoticeNumberAux3("07", base)->nav; }

TimePoint At(const char* iso) { return *ParseDateTime(iso); }

// The documents of docs/notices/ (render/samples.hpp), so the tests check what the screenshots
// show.
NoticeDocument BaseNotice() { return samples::Single(); }
using samples::WithPostal;

std::string Qr(const NoticePayment& p) {
  return "PAGOPA|002|" + p.notice_number + "|" + kCreditorFc + "|" + std::to_string(p.amount_cents);
}

std::string DataMatrix(const NoticeDocument& d, const NoticePayment& p) {
  return *PosteDataMatrixPayload({p.notice_number, d.creditor.postal_account, p.amount_cents,
                                  d.creditor.fiscal_code, d.recipient.fiscal_code,
                                  d.recipient.full_name, d.subject});
}

class RenderTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { renderer_ = NewPdfRenderer().release(); }
  static void TearDownTestSuite() {
    delete renderer_;
    renderer_ = nullptr;
  }
  void SetUp() override {
    std::string missing;
    if (!testing::HaveTools({"pdftoppm", "pdftotext", "pdfinfo", "pdffonts", "zbarimg", "dmtxread"},
                            &missing)) {
      GTEST_SKIP() << missing
                   << " is not installed: install poppler-utils, zbar-tools and dmtx-utils "
                      "(scripts/install-deps.sh --test) to read the PDFs back";
    }
  }

  static std::string Render(const NoticeDocument& d) {
    auto pdf = renderer_->RenderNotice(d);
    EXPECT_TRUE(pdf.ok()) << pdf.error().ToText();
    return pdf.ok() ? *pdf : std::string();
  }

  static PdfRenderer* renderer_;
};
PdfRenderer* RenderTest::renderer_ = nullptr;

TEST_F(RenderTest, SingleNoticeTextAndQrCode) {
  const NoticeDocument d = BaseNotice();
  PdfFile pdf(Render(d));
  EXPECT_EQ(pdf.Pages(), 1);
  const std::string text = pdf.Text();
  for (const char* expected :
       {"AVVISO DI PAGAMENTO", "Tassa sui rifiuti (TARI) 2026", "Comune di Valdoria",
        "Ufficio Tributi", "RSSMRA80A01H501U", "Mario Rossi", "Via Roma 1, 38100 Valdoria (TN)",
        "1.234,56 Euro", "entro il 31/12/2026", "BANCHE E ALTRI CANALI", "RATA UNICA", "A1B2C",
        "3070 0000 0000 0001", "80012345678", "DOVE PAGARE?"}) {
    EXPECT_NE(text.find(expected), std::string::npos) << expected << "\nin: " << text;
  }
  // The notice number only in groups of 4 (AVVISO.CODICE).
  EXPECT_EQ(text.find(d.single->notice_number), std::string::npos);
  EXPECT_EQ(text.find("BOLLETTINO POSTALE"), std::string::npos);  // no postal account
  EXPECT_EQ(pdf.QrCodes(), std::vector<std::string>{Qr(*d.single)});
}

TEST_F(RenderTest, WithoutDueDate) {
  NoticeDocument d = BaseNotice();
  d.single->due_date.reset();
  PdfFile pdf(Render(d));
  EXPECT_NE(pdf.Text().find("RATA UNICA senza scadenza"), std::string::npos) << pdf.Text();
  EXPECT_EQ(pdf.Text().find("entro il"), std::string::npos);
}

TEST_F(RenderTest, SameInputSameBytes) {
  const NoticeDocument d = WithPostal(samples::Instalments(3, true));
  const std::string a = Render(d);
  const std::string b = Render(d);
  ASSERT_FALSE(a.empty());
  EXPECT_EQ(a, b);
  // The creation date is the document's, from the injected clock.
  EXPECT_NE(a.find("(20261126093000Z)"), std::string::npos);
  NoticeDocument later = d;
  later.created_at = At("2026-11-27T10:00:00Z");
  EXPECT_NE(Render(later), a);
}

TEST_F(RenderTest, EmbedsItsFonts) {
  PdfFile pdf(Render(BaseNotice()));
  const std::string fonts = pdf.Fonts();
  const std::string family = renderer_->FontFamily();
  EXPECT_NE(fonts.find(family == "Titillium Web" ? "TitilliumWeb" : "DejaVuSans"),
            std::string::npos)
      << fonts;
  // Every font line says "emb yes" (column "emb").
  std::istringstream lines(fonts);
  std::string line;
  int font_lines = 0;
  while (std::getline(lines, line)) {
    if (line.find("CID TrueType") == std::string::npos &&
        line.find("TrueType") == std::string::npos && line.find("Type 1") == std::string::npos) {
      continue;
    }
    ++font_lines;
    EXPECT_NE(line.find(" yes "), std::string::npos) << line;
  }
  EXPECT_GT(font_lines, 0) << fonts;
}

TEST_F(RenderTest, FallbackFontWithoutTitillium) {
  auto fallback = NewPdfRenderer(RendererOptions{false});
  EXPECT_EQ(fallback->FontFamily(), "DejaVu Sans");
  auto bytes = fallback->RenderNotice(BaseNotice());
  ASSERT_TRUE(bytes.ok());
  PdfFile pdf(*bytes);
  EXPECT_NE(pdf.Fonts().find("DejaVuSans"), std::string::npos) << pdf.Fonts();
  EXPECT_NE(pdf.Text().find("1.234,56 Euro"), std::string::npos);
}

// Each instalment has its own notice number and QR code; 2 or 3 per page after page 1.
void CheckPlan(PdfRenderer& renderer, int n, int expected_pages, bool keep_single) {
  const NoticeDocument d = samples::Instalments(n, keep_single);
  auto bytes = renderer.RenderNotice(d);
  ASSERT_TRUE(bytes.ok()) << bytes.error().ToText();
  PdfFile pdf(*bytes);
  EXPECT_EQ(pdf.Pages(), expected_pages) << n << " instalments";
  std::multiset<std::string> expected;
  if (keep_single) expected.insert(Qr(*d.single));
  for (const auto& p : d.instalments) expected.insert(Qr(p));
  const auto codes = pdf.QrCodes();
  EXPECT_EQ(std::multiset<std::string>(codes.begin(), codes.end()), expected);
  const std::string text = pdf.Text();
  for (std::size_t i = 0; i < d.instalments.size(); ++i) {
    EXPECT_NE(text.find(GroupNoticeNumber(d.instalments[i].notice_number)), std::string::npos)
        << "instalment " << i + 1;
    EXPECT_NE(text.find("RATA " + std::to_string(i + 1)), std::string::npos);
  }
}

TEST_F(RenderTest, TwoInstalmentsWithSinglePayment) { CheckPlan(*renderer_, 2, 2, true); }
TEST_F(RenderTest, ThreeInstalments) { CheckPlan(*renderer_, 3, 2, false); }
TEST_F(RenderTest, SevenInstalmentsThreePerPage) { CheckPlan(*renderer_, 7, 4, false); }
TEST_F(RenderTest, TwelveInstalmentsThreePerPage) { CheckPlan(*renderer_, 12, 5, true); }
TEST_F(RenderTest, FourInstalmentsTwoPerPage) { CheckPlan(*renderer_, 4, 3, false); }

TEST_F(RenderTest, PlanWithoutSinglePaymentListsTheInstalments) {
  const NoticeDocument d = samples::Instalments(3, false);
  PdfFile pdf(Render(d));
  const std::string text = pdf.Text();
  EXPECT_NE(text.find("Puoi pagare in 3 rate."), std::string::npos) << text;
  EXPECT_NE(text.find("300,03 Euro"), std::string::npos);  // 100,00 + 100,01 + 100,02
  EXPECT_EQ(text.find("RATA UNICA"), std::string::npos);
}

TEST_F(RenderTest, PostalSlipDataMatrix) {
  const NoticeDocument d = WithPostal(BaseNotice());
  PdfFile pdf(Render(d));
  const std::string text = pdf.Text();
  for (const char* expected :
       {"BOLLETTINO POSTALE PA", "12345678", "P1", "AUT. DB/SSIC/E 12345 DEL 01/01/2024"}) {
    EXPECT_NE(text.find(expected), std::string::npos) << expected << "\nin: " << text;
  }
  EXPECT_EQ(pdf.DataMatrices(1, 1), std::vector<std::string>{DataMatrix(d, *d.single)});
  EXPECT_EQ(pdf.QrCodes(), std::vector<std::string>{Qr(*d.single)});
}

TEST_F(RenderTest, PostalSlipsForInstalments) {
  const NoticeDocument d = WithPostal(samples::Instalments(2, false));
  PdfFile pdf(Render(d));
  ASSERT_EQ(pdf.Pages(), 2);
  const auto found = pdf.DataMatrices(2, 2);
  EXPECT_EQ(
      std::set<std::string>(found.begin(), found.end()),
      (std::set<std::string>{DataMatrix(d, d.instalments[0]), DataMatrix(d, d.instalments[1])}));
}

TEST_F(RenderTest, BilingualNotices) {
  const std::map<NoticeLanguage, std::vector<std::string>> expected = {
      {NoticeLanguage::kGerman, {"ZAHLUNGSMITTEILUNG", "ohne Fälligkeit", "EINMALZAHLUNG"}},
      {NoticeLanguage::kEnglish, {"PAYMENT NOTICE", "no due date", "SINGLE PAYMENT"}},
      {NoticeLanguage::kFrench, {"AVIS DE PAIEMENT", "sans échéance", "PAIEMENT UNIQUE"}},
      {NoticeLanguage::kSlovenian, {"OBVESTILO O PLAČILU", "brez roka plačila"}},
  };
  for (const auto& [language, words] : expected) {
    NoticeDocument d = WithPostal(BaseNotice());
    d.language = language;
    d.single->due_date.reset();
    PdfFile pdf(Render(d));
    const std::string text = pdf.Text();
    EXPECT_NE(text.find("AVVISO DI PAGAMENTO"), std::string::npos);
    EXPECT_NE(text.find("senza scadenza"), std::string::npos);
    for (const auto& w : words) {
      EXPECT_NE(text.find(w), std::string::npos) << w << "\nin: " << text;
    }
    EXPECT_EQ(pdf.QrCodes(), std::vector<std::string>{Qr(*d.single)});
  }
}

// Every word of `value` is on the page, inside the box [x0,x1] x [y0,y1] (points).
void ExpectInside(const std::vector<testing::WordBox>& boxes, const std::string& value, double x0,
                  double y0, double x1, double y1) {
  std::istringstream words(value);
  std::string w;
  while (words >> w) {
    auto it = std::find_if(boxes.begin(), boxes.end(), [&](const testing::WordBox& b) {
      constexpr double kSlack = 0.5;  // points: pdftotext rounds box edges
      return b.word == w && b.x_min >= x0 - kSlack && b.x_max <= x1 + kSlack &&
             b.y_min >= y0 - kSlack && b.y_max <= y1 + kSlack;
    });
    EXPECT_NE(it, boxes.end()) << "'" << w << "' of '" << value << "' is not inside its box";
  }
}

TEST_F(RenderTest, LongFieldsAtTheLimitsStayInsideTheirBoxes) {
  NoticeDocument d = WithPostal(BaseNotice());
  d.subject = "Canone unico patrimoniale per occupazione di suolo pubblico annualita duemila26 ok";
  d.subject.resize(kNoticeSubjectMax, 'x');
  d.creditor.name = "Unione Territoriale Intercomunale Alta Valle Nord.";
  d.creditor.sector = "Servizio Associato Entrate Tributarie e Patrimonio";
  d.creditor.info = std::string("Sportello: lun-ven 8.30-12.30, tel 0461 999999, ") +
                    "pec entrate@pec.unionealtavalle.it";
  d.recipient.full_name =
      "Maria Giovanna Benedetta Carolina Alessandra Anastasia De Santis Brambilla";
  d.recipient.full_name.resize(kNoticeRecipientNameMax);
  d.recipient.address = std::string("Localita Pian delle Fontane Vecchie, Strada Vicinale ") +
                        "del Colle di Sopra numero 123 interno 45 scala B, 38123 " +
                        "San Michele all'Adige (TN) Italia";
  d.recipient.address.resize(kNoticeRecipientAddressMax, '.');
  ASSERT_EQ(d.creditor.name.size(), kNoticeEntityNameMax);
  ASSERT_EQ(d.creditor.sector.size(), kNoticeEntitySectorMax);
  ASSERT_LE(d.creditor.info.size(), kNoticeEntityInfoMax);
  PdfFile pdf(Render(d));
  const auto boxes = testing::ParseBoxes(pdf.BoundingBoxes());
  ASSERT_FALSE(boxes.empty());
  constexpr double mm = 72.0 / 25.4;
  // Page 1 regions (pdf_renderer.cpp): header to 37 mm, parties 41..88 mm (creditor column
  // 10..102 mm, recipient 108..200 mm).
  ExpectInside(boxes, d.subject, 10 * mm, 10 * mm, 150 * mm, 37 * mm);
  ExpectInside(boxes, d.creditor.name, 10 * mm, 41 * mm, 102 * mm, 88 * mm);
  ExpectInside(boxes, d.creditor.sector, 10 * mm, 41 * mm, 102 * mm, 88 * mm);
  ExpectInside(boxes, d.creditor.info, 10 * mm, 41 * mm, 102 * mm, 88 * mm);
  ExpectInside(boxes, d.recipient.full_name, 108 * mm, 41 * mm, 200 * mm, 88 * mm);
  ExpectInside(boxes, d.recipient.address, 108 * mm, 41 * mm, 200 * mm, 88 * mm);
  // And the codes still decode.
  EXPECT_EQ(pdf.QrCodes(), std::vector<std::string>{Qr(*d.single)});
  EXPECT_EQ(pdf.DataMatrices(1, 1), std::vector<std::string>{DataMatrix(d, *d.single)});
}

TEST_F(RenderTest, AmountsAtBothLimits) {
  NoticeDocument d = BaseNotice();
  d.single->amount_cents = kMinAmountCents;
  PdfFile low(Render(d));
  EXPECT_NE(low.Text().find("0,01 Euro"), std::string::npos) << low.Text();
  EXPECT_EQ(low.QrCodes(), std::vector<std::string>{Qr(*d.single)});

  d.single->amount_cents = kMaxAmountCents;
  PdfFile high(Render(d));
  EXPECT_NE(high.Text().find("999.999.999,99 Euro"), std::string::npos) << high.Text();
  EXPECT_EQ(high.QrCodes(), std::vector<std::string>{"PAGOPA|002|" + d.single->notice_number +
                                                     "|80012345678|99999999999"});
}

TEST_F(RenderTest, PostalSlipAmountLimit) {
  NoticeDocument d = WithPostal(BaseNotice());
  d.single->amount_cents = 9'999'999'999;  // 99.999.999,99: the DataMatrix's 10 digits
  PdfFile pdf(Render(d));
  EXPECT_EQ(pdf.DataMatrices(1, 1), std::vector<std::string>{DataMatrix(d, *d.single)});
  d.single->amount_cents = kMaxAmountCents;
  auto too_big = renderer_->RenderNotice(d);
  ASSERT_FALSE(too_big.ok());
  EXPECT_EQ(too_big.error().field, "single.amount");
}

TEST_F(RenderTest, RejectsWhatANoticeCannotCarry) {
  NoticeDocument d = BaseNotice();
  d.single->notice_number = "12345";
  EXPECT_EQ(renderer_->RenderNotice(d).error().field, "single.noticeNumber");
  d = BaseNotice();
  d.creditor.fiscal_code = "ABC";
  EXPECT_EQ(renderer_->RenderNotice(d).error().field, "creditor.fiscalCode");
  d = samples::Instalments(1, true);
  EXPECT_EQ(renderer_->RenderNotice(d).error().field, "instalments");
  d = samples::Instalments(3, false);
  d.instalments[2].amount_cents = 0;
  EXPECT_EQ(renderer_->RenderNotice(d).error().field, "instalments[2].amount");
  d = BaseNotice();
  d.single.reset();
  EXPECT_EQ(renderer_->RenderNotice(d).error().field, "payments");
}

TEST_F(RenderTest, HostileTextAndLogo) {
  NoticeDocument d = BaseNotice();
  d.recipient.full_name = "Robert'); DROP TABLE receipt;-- <b>\xff\xfe</b> & co";
  d.creditor.logo_png = "not a png at all";
  PdfFile pdf(Render(d));
  EXPECT_NE(pdf.Text().find("DROP TABLE receipt;--"), std::string::npos) << pdf.Text();
  EXPECT_NE(pdf.Text().find("<b>"), std::string::npos);  // text, never markup
  EXPECT_EQ(pdf.QrCodes(), std::vector<std::string>{Qr(*d.single)});
}

std::string TinyPng() {
  cairo_surface_t* s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 40, 20);
  cairo_t* cr = cairo_create(s);
  cairo_set_source_rgb(cr, 0.8, 0.1, 0.1);
  cairo_paint(cr);
  cairo_destroy(cr);
  std::string png;
  cairo_surface_write_to_png_stream(
      s,
      [](void* closure, const unsigned char* data, unsigned int length) {
        static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
        return CAIRO_STATUS_SUCCESS;
      },
      &png);
  cairo_surface_destroy(s);
  return png;
}

TEST_F(RenderTest, LogoIsEmbedded) {
  NoticeDocument d = BaseNotice();
  const std::string without = Render(d);
  d.creditor.logo_png = TinyPng();
  const std::string with = Render(d);
  EXPECT_NE(with.find("/Subtype /Image"), std::string::npos);
  EXPECT_EQ(without.find("/Subtype /Image"), std::string::npos);
}

TEST_F(RenderTest, Receipt) {
  const ReceiptDocument doc = samples::Receipt();
  auto bytes = renderer_->RenderReceipt(doc);
  ASSERT_TRUE(bytes.ok()) << bytes.error().ToText();
  EXPECT_EQ(*bytes, *renderer_->RenderReceipt(doc));
  PdfFile pdf(*bytes);
  EXPECT_EQ(pdf.Pages(), 1);
  const std::string text = pdf.Text();
  for (const char* expected :
       {"RICEVUTA DI PAGAMENTO", "Pagamento eseguito", "Euro 1.234,56", "Euro 1,50",
        "27/11/2026 15:42 UTC", "Comune di Valdoria", "Banca Esempio S.p.A. (BCITITMM)",
        "c110729d258c4ab1b765fe902aae41d6", "3070 0000 0000 0001", "Mario Rossi (RSSMRA80A01H501U)",
        "Anna Bianchi (BNCNNA85M41L219X)", "IT60X0542811101000000123456",
        "IT23A0336844430152923842301", "TEFA quota provinciale", "Euro 234,56", "00337460224",
        "Euro 1.000,00"}) {
    EXPECT_NE(text.find(expected), std::string::npos) << expected << "\nin: " << text;
  }
}

TEST_F(RenderTest, BookStreamsManyNoticesIntoOnePdf) {
  std::string out;
  std::size_t after_first = 0;
  auto book = renderer_->StartBook(
      [&out](std::string_view bytes) {
        out.append(bytes);
        return Ok();
      },
      At("2026-11-26T09:30:00Z"));
  ASSERT_TRUE(book.ok());
  std::vector<std::string> expected;
  for (int i = 0; i < 3; ++i) {
    NoticeDocument d = BaseNotice();
    d.single->notice_number = Nav(500 + static_cast<std::uint64_t>(i));
    expected.push_back(Qr(*d.single));
    ASSERT_TRUE((*book)->Add(d).ok());
    if (i == 0) after_first = out.size();
  }
  NoticeDocument bad = BaseNotice();
  bad.single->amount_cents = 0;
  EXPECT_FALSE((*book)->Add(bad).ok());  // refused before any page is drawn
  ASSERT_TRUE((*book)->Finish().ok());
  EXPECT_GT(after_first, 0u);  // pages leave before the book is finished
  PdfFile pdf(out);
  EXPECT_EQ(pdf.Pages(), 3);
  EXPECT_EQ(pdf.QrCodes(), expected);
}

TEST_F(RenderTest, SinkErrorStopsTheBook) {
  auto book =
      renderer_->StartBook([](std::string_view) { return Status(Unavailable("disk full")); },
                           At("2026-11-26T09:30:00Z"));
  ASSERT_TRUE(book.ok());
  Status added = (*book)->Add(BaseNotice());
  Status finished = (*book)->Finish();
  EXPECT_FALSE(added.ok() && finished.ok());
}

}  // namespace
}  // namespace incasso::render
