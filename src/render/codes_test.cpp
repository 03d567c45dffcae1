#include "render/codes.hpp"

#include <gtest/gtest.h>

#include "render/labels.hpp"

namespace incasso::render {
namespace {

TEST(PagoPaQrPayload, OfficialExample) {
  // pagopa-notes.md §2: the toolkit's test data.
  auto p = PagoPaQrPayload("301202000000003130", "01234567890", 1123);
  ASSERT_TRUE(p.ok()) << p.error().ToText();
  EXPECT_EQ(*p, "PAGOPA|002|301202000000003130|01234567890|1123");
}

TEST(PagoPaQrPayload, AmountsAtTheLimits) {
  EXPECT_EQ(*PagoPaQrPayload("301202000000003130", "01234567890", 1),
            "PAGOPA|002|301202000000003130|01234567890|1");
  EXPECT_EQ(*PagoPaQrPayload("301202000000003130", "01234567890", 99'999'999'999),
            "PAGOPA|002|301202000000003130|01234567890|99999999999");
  EXPECT_FALSE(PagoPaQrPayload("301202000000003130", "01234567890", 0).ok());
  EXPECT_FALSE(PagoPaQrPayload("301202000000003130", "01234567890", 100'000'000'000).ok());
}

TEST(PagoPaQrPayload, RejectsMalformedCodes) {
  auto short_nav = PagoPaQrPayload("30120200000000313", "01234567890", 100);
  ASSERT_FALSE(short_nav.ok());
  EXPECT_EQ(short_nav.error().field, "noticeNumber");
  auto letters = PagoPaQrPayload("30120200000000313A", "01234567890", 100);
  EXPECT_FALSE(letters.ok());
  auto fc = PagoPaQrPayload("301202000000003130", "0123456789|", 100);
  ASSERT_FALSE(fc.ok());
  EXPECT_EQ(fc.error().field, "creditorFiscalCode");
}

TEST(EncodeQr, Version4WithFullPayload) {
  auto m = EncodeQr("PAGOPA|002|301202000000003130|01234567890|99999999999");
  ASSERT_TRUE(m.ok()) << m.error().ToText();
  EXPECT_EQ(m->width, 33);  // version 4 = 33x33 modules
  EXPECT_EQ(m->height, 33);
  // Finder pattern corner.
  EXPECT_TRUE(m->At(0, 0));
  EXPECT_TRUE(m->At(0, 6));
  EXPECT_FALSE(m->At(1, 1));
  EXPECT_FALSE(EncodeQr(std::string(200, 'x')).ok());
}

PosteDataMatrixFields Fields() {
  return PosteDataMatrixFields{"301202000000003130", "123456",      12345,      "01234567890",
                               "RSSMRA80A01H501U",   "Mario Rossi", "TARI 2026"};
}

TEST(PosteDataMatrixPayload, FixedLayout) {
  auto p = PosteDataMatrixPayload(Fields());
  ASSERT_TRUE(p.ok()) << p.error().ToText();
  const std::string expected = std::string("codfase=NBPA;") + "18301202000000003130" +
                               "12000000123456" + "100000012345" + "3896" + "1P1" + "01234567890" +
                               "RSSMRA80A01H501U" + "Mario Rossi" + std::string(29, ' ') +
                               "TARI 2026" + std::string(101, ' ') + std::string(12, ' ') + "A";
  EXPECT_EQ(*p, expected);
  EXPECT_EQ(p->size(), 256u);
}

TEST(PosteDataMatrixPayload, LongAndAccentedTextKeepsTheLayout) {
  auto f = Fields();
  f.debtor_fiscal_code = "";
  f.debtor_full_name = "Società Cooperativa Agricola Àlpina Über Dolomiti di Sëlva Gardëna";
  f.subject = std::string(150, 'x');
  auto p = PosteDataMatrixPayload(f);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->size(), 256u);
  EXPECT_EQ(p->substr(77, 16), std::string(16, ' '));
  EXPECT_EQ(p->substr(93, 40), "Societa Cooperativa Agricola Alpina Uber");
  EXPECT_EQ(p->back(), 'A');
}

TEST(PosteDataMatrixPayload, RejectsWhatDoesNotFit) {
  auto f = Fields();
  f.amount_cents = 10'000'000'000;  // 11 digits
  auto p = PosteDataMatrixPayload(f);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().field, "amount");
  f = Fields();
  f.postal_account = "1234567890123";
  EXPECT_EQ(PosteDataMatrixPayload(f).error().field, "postalAccount");
  f.postal_account = "12a";
  EXPECT_EQ(PosteDataMatrixPayload(f).error().field, "postalAccount");
}

TEST(EncodeDataMatrix, SquareSymbol) {
  auto p = PosteDataMatrixPayload(Fields());
  auto m = EncodeDataMatrix(*p);
  ASSERT_TRUE(m.ok()) << m.error().ToText();
  EXPECT_EQ(m->width, m->height);
  // ECC 200 finder: solid left column and bottom row.
  for (int i = 0; i < m->height; ++i) EXPECT_TRUE(m->At(i, 0)) << i;
  for (int i = 0; i < m->width; ++i) EXPECT_TRUE(m->At(m->height - 1, i)) << i;
}

TEST(GroupNoticeNumber, GroupsOfFour) {
  EXPECT_EQ(GroupNoticeNumber("301202000000003130"), "3012 0200 0000 0031 30");
  EXPECT_EQ(GroupNoticeNumber("301202000000003130").size(), 22u);
}

TEST(FoldToAscii, DropsAccentsAndControls) {
  EXPECT_EQ(FoldToAscii("Perché è già così"), "Perche e gia cosi");
  EXPECT_EQ(FoldToAscii("Čopova ulica 5, Žalec"), "Copova ulica 5, Zalec");
  EXPECT_EQ(FoldToAscii("a\tb\x01"), "a b ");
  EXPECT_EQ(FoldToAscii("\xff\xfe"), "  ");
  EXPECT_EQ(FoldToAscii("€ 5"), "  5");
}

TEST(Labels, EveryLabelInEveryLanguage) {
  for (int l = 0; l < static_cast<int>(Label::kCount_); ++l) {
    for (auto lang :
         {NoticeLanguage::kItalianOnly, NoticeLanguage::kGerman, NoticeLanguage::kEnglish,
          NoticeLanguage::kFrench, NoticeLanguage::kSlovenian}) {
      EXPECT_FALSE(Text(static_cast<Label>(l), lang).empty())
          << "label " << l << " language " << static_cast<int>(lang);
    }
  }
  EXPECT_EQ(Both(Label::kNoDueDate, NoticeLanguage::kItalianOnly), "senza scadenza");
  EXPECT_EQ(Both(Label::kNoDueDate, NoticeLanguage::kGerman), "senza scadenza / ohne Fälligkeit");
}

}  // namespace
}  // namespace incasso::render
