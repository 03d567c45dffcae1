#include "domain/notice_number.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <unordered_set>

namespace incasso {
namespace {

std::string ErrorOf(std::string_view nav) {
  auto r = ParseNoticeNumber(nav);
  EXPECT_FALSE(r.ok()) << nav;
  return r.ok() ? "" : r.error().ToText();
}

// --- Mod93CheckDigit ----------------------------------------------------------------------------

TEST(Mod93CheckDigit, MatchesTheOfficialWorkedExample) {
  // pagopa-toolkit-os-codebase DebtPositionGenerationTest: aux 3, segregation 01, base
  // 2020000000031.
  EXPECT_EQ(Mod93CheckDigit("3012020000000031"), 30);
}

TEST(Mod93CheckDigit, FollowsTheDigitByDigitTrace) {
  // pagopa-notes §2: remainders after each digit of 3012020000000031.
  const std::string digits = "3012020000000031";
  const int trace[] = {3, 30, 22, 36, 81, 68, 29, 11, 17, 77, 26, 74, 89, 53, 68, 30};
  for (size_t n = 1; n <= digits.size(); ++n) {
    EXPECT_EQ(Mod93CheckDigit(digits.substr(0, n)), trace[n - 1]) << "after " << n << " digits";
  }
}

TEST(Mod93CheckDigit, MatchesIntegerArithmetic) {
  std::mt19937_64 rng(93);
  std::uniform_int_distribution<std::uint64_t> any(0, 9'999'999'999'999'999);
  for (int i = 0; i < 10'000; ++i) {
    const std::uint64_t n = any(rng);
    ASSERT_EQ(Mod93CheckDigit(std::to_string(n)), static_cast<int>(n % 93)) << n;
  }
}

TEST(Mod93CheckDigit, HandlesLeadingZerosAndSmallNumbers) {
  EXPECT_EQ(Mod93CheckDigit("0"), 0);
  EXPECT_EQ(Mod93CheckDigit("92"), 92);
  EXPECT_EQ(Mod93CheckDigit("93"), 0);
  EXPECT_EQ(Mod93CheckDigit("0000000000000093"), 0);
  EXPECT_EQ(Mod93CheckDigit("0011234567890123"), 13);
}

TEST(Mod93CheckDigit, ReturnsMinusOneForNonDigits) {
  EXPECT_EQ(Mod93CheckDigit(""), -1);
  EXPECT_EQ(Mod93CheckDigit("12a4"), -1);
  EXPECT_EQ(Mod93CheckDigit(" 1"), -1);
  EXPECT_EQ(Mod93CheckDigit("-1"), -1);
}

// --- ParseNoticeNumber: official examples -------------------------------------------------------

TEST(ParseNoticeNumber, AcceptsTheOfficialAux3Example) {
  auto n = ParseNoticeNumber("301202000000003130");
  ASSERT_TRUE(n.ok()) << n.error().ToText();
  EXPECT_EQ(n->aux_digit, 3);
  EXPECT_EQ(n->segregation_code, "01");
  EXPECT_EQ(n->application_code, "");
  EXPECT_EQ(n->iuv, "01202000000003130");
  EXPECT_EQ(n->nav, "301202000000003130");
}

TEST(ParseNoticeNumber, AcceptsTheAux0Example) {
  auto n = ParseNoticeNumber("001123456789012313");
  ASSERT_TRUE(n.ok()) << n.error().ToText();
  EXPECT_EQ(n->aux_digit, 0);
  EXPECT_EQ(n->application_code, "01");
  EXPECT_EQ(n->segregation_code, "");
  EXPECT_EQ(n->iuv, "123456789012313");
  EXPECT_EQ(n->nav, "001123456789012313");
}

TEST(ParseNoticeNumber, AcceptsTheAux2Example) {
  auto n = ParseNoticeNumber("212345678901234544");
  ASSERT_TRUE(n.ok()) << n.error().ToText();
  EXPECT_EQ(n->aux_digit, 2);
  EXPECT_EQ(n->application_code, "");
  EXPECT_EQ(n->segregation_code, "");
  EXPECT_EQ(n->iuv, "12345678901234544");
}

TEST(ParseNoticeNumber, AcceptsAux1WithoutCheckDigit) {
  // Legacy aux 1 (e.g. ADER RAV): 17-digit IUV, no check digit, so any digits go.
  for (std::string_view nav : {"112345678901234567", "100000000000000000", "199999999999999999"}) {
    auto n = ParseNoticeNumber(nav);
    ASSERT_TRUE(n.ok()) << nav << ": " << n.error().ToText();
    EXPECT_EQ(n->aux_digit, 1);
    EXPECT_EQ(n->iuv, nav.substr(1));
    EXPECT_EQ(n->segregation_code, "");
    EXPECT_EQ(n->application_code, "");
  }
}

TEST(ParseNoticeNumber, RejectsTheSanpPlaceholders) {
  // pagopa-notes §2: sample numbers in SANP and Checkout do not satisfy the check digit.
  EXPECT_EQ(ErrorOf("311111111112222222"), "noticeNumber: check digit is 22, expected 47");
  EXPECT_EQ(ErrorOf("302012387654312384"), "noticeNumber: check digit is 84, expected 86");
}

TEST(ParseNoticeNumber, ReportsTheWrongCheckDigit) {
  EXPECT_EQ(ErrorOf("301202000000003131"), "noticeNumber: check digit is 31, expected 30");
  EXPECT_EQ(ErrorOf("001123456789012314"), "noticeNumber: check digit is 14, expected 13");
  EXPECT_EQ(ErrorOf("212345678901234599"), "noticeNumber: check digit is 99, expected 44");
}

TEST(ParseNoticeNumber, RejectsWrongLength) {
  EXPECT_EQ(ErrorOf(""), "noticeNumber: is empty; a notice number has 18 digits");
  EXPECT_EQ(ErrorOf("30120200000000313"), "noticeNumber: must have 18 digits, got 17");
  EXPECT_EQ(ErrorOf("3012020000000031300"), "noticeNumber: must have 18 digits, got 19");
  EXPECT_EQ(ErrorOf("01202000000003130"), "noticeNumber: must have 18 digits, got 17");
}

TEST(ParseNoticeNumber, RejectsNonDigits) {
  EXPECT_EQ(ErrorOf("3012 0200 0000 0031 30"),
            "noticeNumber: must contain only digits; character 5 is a space");
  EXPECT_EQ(ErrorOf("30120200000000313O"),
            "noticeNumber: must contain only digits; character 18 is 'O'");
  EXPECT_EQ(ErrorOf("-01202000000003130"),
            "noticeNumber: must contain only digits; character 1 is '-'");
  EXPECT_EQ(ErrorOf(std::string_view("30120200000000313\0", 18)),
            "noticeNumber: must contain only digits; character 18 is not a digit");
}

TEST(ParseNoticeNumber, RejectsUnknownAuxDigits) {
  for (char aux = '4'; aux <= '9'; ++aux) {
    std::string nav = "301202000000003130";
    nav[0] = aux;
    EXPECT_EQ(ErrorOf(nav), std::string("noticeNumber: starts with ") + aux +
                                "; a notice number starts with 0, 1, 2 or 3");
  }
}

TEST(ParseNoticeNumber, NamesTheGivenField) {
  auto r = ParseNoticeNumber("1", "qrCode.noticeNumber");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "qrCode.noticeNumber");
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
}

// Mod 93 against one wrong digit: the first 16 digits change by d * 10^k with 0 < |d| <= 9, and
// 93 = 3 * 31 shares no factor with 10 and divides no such d, so the remainder always changes; a
// wrong check digit is a different number from 00..92. The one blind spot is the aux digit turned
// into 1, which has no check digit at all.
TEST(ParseNoticeNumber, DetectsEverySingleDigitSubstitutionExceptAuxTurnedIntoOne) {
  for (std::string_view valid :
       {"301202000000003130", "001123456789012313", "212345678901234544", "399999999999999903"}) {
    ASSERT_TRUE(ParseNoticeNumber(valid).ok()) << valid;
    int undetected = 0;
    for (size_t pos = 0; pos < valid.size(); ++pos) {
      for (char d = '0'; d <= '9'; ++d) {
        if (d == valid[pos]) continue;
        std::string corrupt(valid);
        corrupt[pos] = d;
        const bool accepted = ParseNoticeNumber(corrupt).ok();
        if (pos == 0 && d == '1') {
          EXPECT_TRUE(accepted) << corrupt;
          ++undetected;
        } else {
          EXPECT_FALSE(accepted) << corrupt << " (position " << pos + 1 << ")";
        }
      }
    }
    EXPECT_EQ(undetected, 1) << valid;
  }
}

// An adjacent swap changes the number by 9 * (a - b) * 10^k; 31 never divides it.
TEST(ParseNoticeNumber, DetectsEveryAdjacentTranspositionInTheCheckedDigits) {
  for (std::string_view valid : {"301202000000003130", "212345678901234544"}) {
    for (size_t pos = 0; pos + 1 < 16; ++pos) {
      if (valid[pos] == valid[pos + 1]) continue;
      std::string swapped(valid);
      std::swap(swapped[pos], swapped[pos + 1]);
      if (swapped[0] == '1') continue;  // aux 1 carries no check digit
      EXPECT_FALSE(ParseNoticeNumber(swapped).ok()) << swapped;
    }
  }
}

// --- Make* --------------------------------------------------------------------------------------

TEST(MakeNoticeNumberAux3, RebuildsTheOfficialExample) {
  auto n = MakeNoticeNumberAux3("01", 2020000000031);
  ASSERT_TRUE(n.ok()) << n.error().ToText();
  EXPECT_EQ(n->nav, "301202000000003130");
  EXPECT_EQ(n->iuv, "01202000000003130");
  EXPECT_EQ(n->segregation_code, "01");
  EXPECT_EQ(n->aux_digit, 3);
}

TEST(MakeNoticeNumberAux3, ZeroPadsTheBase) {
  auto first = MakeNoticeNumberAux3("47", 0);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->nav.substr(0, 16), "3470000000000000");
  EXPECT_EQ(first->nav.substr(16), "23");  // 3470000000000000 mod 93
  EXPECT_TRUE(ParseNoticeNumber(first->nav).ok());
  auto last = MakeNoticeNumberAux3("99", kMaxIuvBase13 - 1);
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(last->nav.substr(0, 16), "3999999999999999");
  EXPECT_TRUE(ParseNoticeNumber(last->nav).ok());
}

TEST(MakeNoticeNumberAux3, RejectsBadInput) {
  auto big = MakeNoticeNumberAux3("01", kMaxIuvBase13);
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().ToText(), "iuvBase: IUV base 10000000000000 has more than 13 digits");
  auto seg = MakeNoticeNumberAux3("1", 5);
  ASSERT_FALSE(seg.ok());
  EXPECT_EQ(seg.error().ToText(), "segregationCode: segregation code must be 2 digits, got '1'");
  EXPECT_FALSE(MakeNoticeNumberAux3("0a", 5).ok());
  EXPECT_FALSE(MakeNoticeNumberAux3("012", 5).ok());
  EXPECT_FALSE(MakeNoticeNumberAux3("", 5).ok());
}

TEST(MakeNoticeNumberAux0, RebuildsTheWorkedExample) {
  auto n = MakeNoticeNumberAux0("01", 1234567890123);
  ASSERT_TRUE(n.ok()) << n.error().ToText();
  EXPECT_EQ(n->nav, "001123456789012313");
  EXPECT_EQ(n->iuv, "123456789012313");
  EXPECT_EQ(n->application_code, "01");
  EXPECT_EQ(n->aux_digit, 0);
}

TEST(MakeNoticeNumberAux0, RejectsBadInput) {
  EXPECT_FALSE(MakeNoticeNumberAux0("01", kMaxIuvBase13).ok());
  auto app = MakeNoticeNumberAux0("A1", 1);
  ASSERT_FALSE(app.ok());
  EXPECT_EQ(app.error().ToText(), "applicationCode: application code must be 2 digits, got 'A1'");
}

// Acceptance point 3 (pure part): 100,000 generated numbers are all valid and all distinct.
TEST(MakeNoticeNumberAux3, HundredThousandGeneratedNumbersAreValidAndUnique) {
  std::unordered_set<std::string> navs;
  std::unordered_set<std::string> iuvs;
  navs.reserve(200'000);
  iuvs.reserve(200'000);
  std::mt19937_64 rng(20261126);
  std::uniform_int_distribution<std::uint64_t> any_base(0, kMaxIuvBase13 - 1);
  std::unordered_set<std::uint64_t> bases;
  // Half sequential (as a counter hands them out), half spread over the whole range.
  for (std::uint64_t b = 1; b <= 50'000; ++b) bases.insert(b);
  while (bases.size() < 100'000) bases.insert(any_base(rng));
  for (std::uint64_t base : bases) {
    auto made = MakeNoticeNumberAux3("07", base);
    ASSERT_TRUE(made.ok()) << base;
    auto parsed = ParseNoticeNumber(made->nav);
    ASSERT_TRUE(parsed.ok()) << made->nav << ": " << parsed.error().ToText();
    ASSERT_EQ(parsed->iuv, made->iuv);
    ASSERT_EQ(parsed->segregation_code, "07");
    ASSERT_EQ(made->nav.size(), 18u);
    ASSERT_EQ(made->iuv.size(), 17u);
    auto rebuilt = NoticeNumberFromIuv(made->iuv, 3, "07");
    ASSERT_TRUE(rebuilt.ok());
    ASSERT_EQ(rebuilt->nav, made->nav);
    navs.insert(made->nav);
    iuvs.insert(made->iuv);
  }
  EXPECT_EQ(navs.size(), 100'000u);
  EXPECT_EQ(iuvs.size(), 100'000u);
}

TEST(MakeNoticeNumberAux0, GeneratedNumbersAreValid) {
  std::mt19937_64 rng(1);
  std::uniform_int_distribution<std::uint64_t> any_base(0, kMaxIuvBase13 - 1);
  for (int i = 0; i < 10'000; ++i) {
    auto made = MakeNoticeNumberAux0("12", any_base(rng));
    ASSERT_TRUE(made.ok());
    ASSERT_TRUE(ParseNoticeNumber(made->nav).ok()) << made->nav;
    ASSERT_EQ(made->iuv.size(), 15u);
  }
}

// --- NoticeNumberFromIuv ------------------------------------------------------------------------

TEST(NoticeNumberFromIuv, RebuildsEachLayout) {
  auto aux3 = NoticeNumberFromIuv("01202000000003130", 3, "01");
  ASSERT_TRUE(aux3.ok()) << aux3.error().ToText();
  EXPECT_EQ(aux3->nav, "301202000000003130");
  auto aux0 = NoticeNumberFromIuv("123456789012313", 0, "01");
  ASSERT_TRUE(aux0.ok()) << aux0.error().ToText();
  EXPECT_EQ(aux0->nav, "001123456789012313");
  auto aux2 = NoticeNumberFromIuv("12345678901234544", 2, "");
  ASSERT_TRUE(aux2.ok()) << aux2.error().ToText();
  EXPECT_EQ(aux2->nav, "212345678901234544");
  auto aux1 = NoticeNumberFromIuv("12345678901234567", 1, "");
  ASSERT_TRUE(aux1.ok()) << aux1.error().ToText();
  EXPECT_EQ(aux1->nav, "112345678901234567");
}

TEST(NoticeNumberFromIuv, RejectsAWrongCheckDigit) {
  auto r = NoticeNumberFromIuv("01202000000003131", 3, "01");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().ToText(), "iuv: check digit is 31, expected 30");
}

TEST(NoticeNumberFromIuv, RejectsAnIuvOfAnotherSegregationCode) {
  auto r = NoticeNumberFromIuv("01202000000003130", 3, "02");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().ToText(), "iuv: starts with segregation code 01, expected 02");
}

TEST(NoticeNumberFromIuv, RejectsTheWrongApplicationCode) {
  // Same IUV, other application code: the check digit covers the code, so it no longer matches.
  auto r = NoticeNumberFromIuv("123456789012313", 0, "02");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "iuv");
}

TEST(NoticeNumberFromIuv, RejectsWrongLengthsAndCharacters) {
  auto short_iuv = NoticeNumberFromIuv("0120200000000313", 3, "01");
  ASSERT_FALSE(short_iuv.ok());
  EXPECT_EQ(short_iuv.error().ToText(), "iuv: must have 17 digits with aux digit 3, got 16");
  auto aux0_long = NoticeNumberFromIuv("01202000000003130", 0, "01");
  ASSERT_FALSE(aux0_long.ok());
  EXPECT_EQ(aux0_long.error().ToText(), "iuv: must have 15 digits with aux digit 0, got 17");
  auto letters = NoticeNumberFromIuv("RF45w9", 3, "01");
  ASSERT_FALSE(letters.ok());
  EXPECT_EQ(letters.error().ToText(), "iuv: must contain only digits; character 1 is 'R'");
  EXPECT_EQ(NoticeNumberFromIuv("", 3, "01").error().ToText(), "iuv: is empty");
}

TEST(NoticeNumberFromIuv, RejectsInconsistentConfiguration) {
  EXPECT_EQ(NoticeNumberFromIuv("01202000000003130", 4, "01").error().ToText(),
            "auxDigit: aux digit 4 is not 0, 1, 2 or 3");
  EXPECT_EQ(NoticeNumberFromIuv("01202000000003130", -1, "").error().field, "auxDigit");
  EXPECT_EQ(NoticeNumberFromIuv("12345678901234544", 2, "01").error().ToText(),
            "code: aux digit 2 takes no application or segregation code, got '01'");
  EXPECT_EQ(NoticeNumberFromIuv("01202000000003130", 3, "1").error().field, "segregationCode");
  EXPECT_EQ(NoticeNumberFromIuv("123456789012313", 0, "").error().field, "applicationCode");
}

// --- ValidateNoticeNumberOwner ------------------------------------------------------------------

TEST(ValidateNoticeNumberOwner, AcceptsOwnNumbers) {
  EXPECT_TRUE(ValidateNoticeNumberOwner(*ParseNoticeNumber("301202000000003130"), 3, "01").ok());
  EXPECT_TRUE(ValidateNoticeNumberOwner(*ParseNoticeNumber("001123456789012313"), 0, "01").ok());
  EXPECT_TRUE(ValidateNoticeNumberOwner(*ParseNoticeNumber("212345678901234544"), 2, "").ok());
}

TEST(ValidateNoticeNumberOwner, RejectsOtherGenerationPoints) {
  const NoticeNumber n = *ParseNoticeNumber("301202000000003130");
  EXPECT_EQ(ValidateNoticeNumberOwner(n, 3, "02").error().ToText(),
            "noticeNumber: has segregation code 01, expected 02");
  EXPECT_EQ(ValidateNoticeNumberOwner(n, 0, "01").error().ToText(),
            "noticeNumber: starts with aux digit 3, expected 0");
  const NoticeNumber a = *ParseNoticeNumber("001123456789012313");
  EXPECT_EQ(ValidateNoticeNumberOwner(a, 0, "02", "nav").error().ToText(),
            "nav: has application code 01, expected 02");
}

}  // namespace
}  // namespace incasso
