#include "domain/fiscal_code.hpp"

#include <gtest/gtest.h>

#include <string>

namespace incasso {
namespace {

std::string PersonalError(std::string_view code) {
  auto s = ValidatePersonalFiscalCode(code, "debtor.fiscalCode");
  EXPECT_FALSE(s.ok()) << code;
  return s.ok() ? "" : s.error().ToText();
}

std::string LegalError(std::string_view code) {
  auto s = ValidateLegalEntityFiscalCode(code, "organizationFiscalCode");
  EXPECT_FALSE(s.ok()) << code;
  return s.ok() ? "" : s.error().ToText();
}

// --- Numeric (legal entity) -------------------------------------------------------------------

TEST(ValidateLegalEntityFiscalCode, AcceptsRealCodes) {
  // Hand check of 00488410010: odd positions 0+4+8+1+0 = 13; even positions 0,8,4,0,1 doubled
  // 0+7+8+0+2 = 17; (10 - 30 % 10) % 10 = 0, the last digit.
  for (std::string_view code :
       {"00488410010", "80078750587", "02438750586", "97735020584", "12345678903"}) {
    auto s = ValidateLegalEntityFiscalCode(code, "organizationFiscalCode");
    EXPECT_TRUE(s.ok()) << code << ": " << s.error().ToText();
  }
}

TEST(ValidateLegalEntityFiscalCode, RejectsAWrongCheckDigit) {
  EXPECT_EQ(LegalError("00488410011"), "organizationFiscalCode: check digit is 1, expected 0");
  EXPECT_EQ(LegalError("80078750588"), "organizationFiscalCode: check digit is 8, expected 7");
  // The domain code of the official QR example is not a valid numeric code.
  EXPECT_EQ(LegalError("01234567890"), "organizationFiscalCode: check digit is 0, expected 7");
}

TEST(ValidateLegalEntityFiscalCode, RejectsAllZeros) {
  EXPECT_EQ(LegalError("00000000000"),
            "organizationFiscalCode: is all zeros, which is not a fiscal code");
}

TEST(ValidateLegalEntityFiscalCode, RejectsShapeErrors) {
  EXPECT_EQ(LegalError(""),
            "organizationFiscalCode: has 0 characters; a numeric fiscal code has 11 digits");
  EXPECT_EQ(LegalError("0048841001"),
            "organizationFiscalCode: has 10 characters; a numeric fiscal code has 11 digits");
  EXPECT_EQ(LegalError("004884100100"),
            "organizationFiscalCode: has 12 characters; a numeric fiscal code has 11 digits");
  EXPECT_EQ(LegalError("0048841001A"),
            "organizationFiscalCode: must contain only digits; character 11 is 'A'");
  EXPECT_EQ(LegalError("00488 10010"),
            "organizationFiscalCode: must contain only digits; character 6 is a space");
  EXPECT_EQ(LegalError("IT004884100"),
            "organizationFiscalCode: must contain only digits; character 1 is 'I'");
}

TEST(ValidateLegalEntityFiscalCode, DetectsEverySingleDigitSubstitution) {
  // Odd positions add d, even positions add a permutation of 0..9 (2d, or 2d - 9): any change of
  // one digit changes the sum mod 10.
  for (std::string_view valid : {"00488410010", "80078750587"}) {
    for (size_t pos = 0; pos < valid.size(); ++pos) {
      for (char d = '0'; d <= '9'; ++d) {
        if (d == valid[pos]) continue;
        std::string corrupt(valid);
        corrupt[pos] = d;
        EXPECT_FALSE(ValidateLegalEntityFiscalCode(corrupt, "cf").ok()) << corrupt;
      }
    }
  }
}

// --- Personal ---------------------------------------------------------------------------------

TEST(ValidatePersonalFiscalCode, AcceptsTheClassicExample) {
  // Hand check of RSSMRA85T10A562S: odd positions R S R 8 T 0 5 2 -> 8+12+8+19+14+1+13+5 = 80;
  // even positions S M A 5 1 A 6 -> 18+12+0+5+1+0+6 = 42; 122 mod 26 = 18 -> 'S'.
  auto s = ValidatePersonalFiscalCode("RSSMRA85T10A562S", "fiscalCode");
  EXPECT_TRUE(s.ok()) << s.error().ToText();
}

TEST(ValidatePersonalFiscalCode, AcceptsOtherWellFormedCodes) {
  for (std::string_view code : {"BNCGVN80A01H501J", "VRDGPP13R10B293P", "MRTMTT91D08F205J",
                                "RSSMRA85T01A562Q", "RSSMRA85T31A562T"}) {
    auto s = ValidatePersonalFiscalCode(code, "fiscalCode");
    EXPECT_TRUE(s.ok()) << code << ": " << s.error().ToText();
  }
}

TEST(ValidatePersonalFiscalCode, AcceptsWomenWithDayPlusForty) {
  EXPECT_TRUE(ValidatePersonalFiscalCode("RSSMRA85T50A562W", "fiscalCode").ok());
  EXPECT_TRUE(ValidatePersonalFiscalCode("RSSMRA85T71A562X", "fiscalCode").ok());
}

TEST(ValidatePersonalFiscalCode, AcceptsOmocodia) {
  // Last cadastral digit 2 -> N: position 15 is odd, value 5 -> 20, sum 137, check 'H'.
  EXPECT_TRUE(ValidatePersonalFiscalCode("RSSMRA85T10A56NH", "fiscalCode").ok());
  EXPECT_TRUE(ValidatePersonalFiscalCode("RSSMRA85T10A5SNT", "fiscalCode").ok());
  // All seven digits substituted.
  EXPECT_TRUE(ValidatePersonalFiscalCode("RSSMRAURTMLARSNL", "fiscalCode").ok());
}

TEST(ValidatePersonalFiscalCode, OmocodiaChangesTheCheckLetter) {
  EXPECT_EQ(PersonalError("RSSMRA85T10A56NS"), "debtor.fiscalCode: check letter is S, expected H");
}

TEST(ValidatePersonalFiscalCode, RejectsAWrongCheckLetter) {
  EXPECT_EQ(PersonalError("RSSMRA85T10A562T"), "debtor.fiscalCode: check letter is T, expected S");
  EXPECT_EQ(PersonalError("RSSMRA85T10A562A"), "debtor.fiscalCode: check letter is A, expected S");
}

TEST(ValidatePersonalFiscalCode, RejectsAWrongMonthLetter) {
  EXPECT_EQ(PersonalError("RSSMRA85F10A562S"),
            "debtor.fiscalCode: month letter is 'F', expected one of ABCDEHLMPRST");
  EXPECT_EQ(PersonalError("RSSMRA85Z10A562S"),
            "debtor.fiscalCode: month letter is 'Z', expected one of ABCDEHLMPRST");
}

TEST(ValidatePersonalFiscalCode, RejectsImpossibleDays) {
  EXPECT_EQ(PersonalError("RSSMRA85T00A562S"),
            "debtor.fiscalCode: day of birth is 00, expected 01..31 (men) or 41..71 (women)");
  EXPECT_EQ(PersonalError("RSSMRA85T32A562S"),
            "debtor.fiscalCode: day of birth is 32, expected 01..31 (men) or 41..71 (women)");
  EXPECT_EQ(PersonalError("RSSMRA85T40A562S"),
            "debtor.fiscalCode: day of birth is 40, expected 01..31 (men) or 41..71 (women)");
  EXPECT_EQ(PersonalError("RSSMRA85T72A562S"),
            "debtor.fiscalCode: day of birth is 72, expected 01..31 (men) or 41..71 (women)");
  // Omocodic day "ML" = 10 is fine; "VV" = 99 is not.
  EXPECT_EQ(PersonalError("RSSMRA85TVVA562S"),
            "debtor.fiscalCode: day of birth is 99, expected 01..31 (men) or 41..71 (women)");
}

TEST(ValidatePersonalFiscalCode, RejectsLowerCase) {
  EXPECT_EQ(PersonalError("rssmra85t10a562s"),
            "debtor.fiscalCode: must be written in capital letters");
  EXPECT_EQ(PersonalError("RSSMRA85T10A562s"),
            "debtor.fiscalCode: must be written in capital letters");
}

TEST(ValidatePersonalFiscalCode, RejectsWrongLength) {
  EXPECT_EQ(PersonalError("RSSMRA85T10A562"),
            "debtor.fiscalCode: has 15 characters; a personal fiscal code has 16");
  EXPECT_EQ(PersonalError("RSSMRA85T10A562SS"),
            "debtor.fiscalCode: has 17 characters; a personal fiscal code has 16");
  EXPECT_EQ(PersonalError(""),
            "debtor.fiscalCode: has 0 characters; a personal fiscal code has 16");
}

TEST(ValidatePersonalFiscalCode, RejectsMisplacedLettersAndDigits) {
  EXPECT_EQ(PersonalError("R5SMRA85T10A562S"),
            "debtor.fiscalCode: character 2 is '5', expected a letter");
  EXPECT_EQ(PersonalError("RSSMRA85T10A5625"),
            "debtor.fiscalCode: character 16 is '5', expected a letter");
  EXPECT_EQ(PersonalError("RSSMRA85T101562S"),
            "debtor.fiscalCode: character 12 is '1', expected a letter");
  // A is not an omocodia letter.
  EXPECT_EQ(PersonalError("RSSMRA8AT10A562S"),
            "debtor.fiscalCode: character 8 is 'A', expected a digit (or one of LMNPQRSTUV)");
  EXPECT_EQ(PersonalError("RSSMRA85T10A56 S"),
            "debtor.fiscalCode: character 15 is a space, expected a letter or digit");
  EXPECT_EQ(PersonalError("RSSMRA85T10A56-S"),
            "debtor.fiscalCode: character 15 is '-', expected a letter or digit");
}

TEST(ValidatePersonalFiscalCode, DetectsEverySingleCharacterSubstitutionOfTheCheckedPart) {
  // The odd table is a permutation of 0..25 over letters and gives digits the same value as the
  // letter of the same index (0 and A, 1 and B, ...); the even table likewise. So a substitution is
  // detected unless it swaps a digit for the letter of the same index, which the shape check
  // rejects in every position but the omocodia ones, where only LMNPQRSTUV are allowed anyway.
  const std::string valid = "RSSMRA85T10A562S";
  int accepted = 0;
  for (size_t pos = 0; pos < valid.size(); ++pos) {
    for (char c : std::string_view("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")) {
      if (c == valid[pos]) continue;
      std::string corrupt = valid;
      corrupt[pos] = c;
      if (ValidatePersonalFiscalCode(corrupt, "cf").ok()) {
        ++accepted;
        ADD_FAILURE() << corrupt << " accepted";
      }
    }
  }
  EXPECT_EQ(accepted, 0);
}

// --- Either -----------------------------------------------------------------------------------

TEST(ValidateFiscalCode, ChoosesTheFormByLength) {
  EXPECT_TRUE(ValidateFiscalCode("RSSMRA85T10A562S", "payer").ok());
  EXPECT_TRUE(ValidateFiscalCode("00488410010", "payer").ok());
  EXPECT_EQ(ValidateFiscalCode("RSSMRA85T10A562T", "payer").error().ToText(),
            "payer: check letter is T, expected S");
  EXPECT_EQ(ValidateFiscalCode("00488410011", "payer").error().ToText(),
            "payer: check digit is 1, expected 0");
}

TEST(ValidateFiscalCode, RejectsOtherLengths) {
  EXPECT_EQ(ValidateFiscalCode("", "payer").error().ToText(),
            "payer: is empty; a fiscal code has 16 characters or 11 digits");
  EXPECT_EQ(ValidateFiscalCode("IT00488410010", "payer").error().ToText(),
            "payer: has 13 characters; a fiscal code has 16 characters or 11 digits");
  EXPECT_EQ(ValidateFiscalCode("ANONIMO", "payer").error().code, ErrorCode::kInvalidArgument);
}

TEST(NormalizeFiscalCode, UpperCasesAndDropsSpaces) {
  EXPECT_EQ(NormalizeFiscalCode(" rssmra85t10a562s\n"), "RSSMRA85T10A562S");
  EXPECT_EQ(NormalizeFiscalCode("RSS MRA 85T10 A562S"), "RSSMRA85T10A562S");
  EXPECT_EQ(NormalizeFiscalCode("004 884 100 10"), "00488410010");
  EXPECT_EQ(NormalizeFiscalCode("rss-mra"), "RSS-MRA");  // not a validator
  EXPECT_TRUE(ValidatePersonalFiscalCode(NormalizeFiscalCode("rssmra85t10a56nh"), "cf").ok());
}

}  // namespace
}  // namespace incasso
