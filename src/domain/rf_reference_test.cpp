#include "domain/rf_reference.hpp"

#include <gtest/gtest.h>

#include <string>

namespace incasso {
namespace {

std::string ErrorOf(std::string_view text) {
  auto s = ValidateRfReference(text, "iuv");
  EXPECT_FALSE(s.ok()) << text;
  return s.ok() ? "" : s.error().ToText();
}

TEST(MakeRfReference, ReproducesTheSaciExample) {
  // SACI 1.4 Appendix 1: w9 -> 32 9 27 15 00 -> 329271500 mod 97 = 53 -> 98 - 53 = 45.
  auto r = MakeRfReference("w9");
  ASSERT_TRUE(r.ok()) << r.error().ToText();
  EXPECT_EQ(*r, "RF45w9");
  EXPECT_EQ(*MakeRfReference("W9"), "RF45W9");
}

TEST(MakeRfReference, ReproducesTheIsoExample) {
  EXPECT_EQ(*MakeRfReference("539007547034"), "RF18539007547034");
  // Leading zeros do not change the number, hence not the check digits.
  EXPECT_EQ(*MakeRfReference("000000000539007547034"), "RF18000000000539007547034");
  EXPECT_EQ(*MakeRfReference("2348231"), "RF712348231");
}

TEST(MakeRfReference, AcceptsOneToTwentyOneCharacters) {
  EXPECT_EQ(*MakeRfReference("1"), "RF741");
  EXPECT_EQ(*MakeRfReference("0"), "RF040");
  EXPECT_EQ(*MakeRfReference("ABCDEFGHIJKLMNOPQRSTU"), "RF95ABCDEFGHIJKLMNOPQRSTU");
}

TEST(MakeRfReference, RejectsBadReferences) {
  EXPECT_EQ(MakeRfReference("").error().ToText(), "reference: is empty");
  EXPECT_EQ(MakeRfReference("ABCDEFGHIJKLMNOPQRSTUV").error().ToText(),
            "reference: reference has 22 characters, at most 21 are allowed");
  EXPECT_EQ(MakeRfReference("AB-12").error().ToText(),
            "reference: character 3 is '-', expected a letter or digit");
  EXPECT_EQ(MakeRfReference("AB 12").error().ToText(),
            "reference: contains spaces; write it without spaces");
  EXPECT_EQ(MakeRfReference("città").error().ToText(),
            "reference: character 5 is not a letter or digit");
}

TEST(ValidateRfReference, AcceptsValidReferences) {
  for (std::string_view rf : {"RF18539007547034", "RF18000000000539007547034", "RF712348231",
                              "RF45w9", "RF45W9", "rf45w9", "RF95ABCDEFGHIJKLMNOPQRSTU"}) {
    auto s = ValidateRfReference(rf, "iuv");
    EXPECT_TRUE(s.ok()) << rf << ": " << s.error().ToText();
  }
}

TEST(ValidateRfReference, RejectsWrongCheckDigits) {
  EXPECT_EQ(ErrorOf("RF19539007547034"),
            "iuv: check digits do not match (ISO 11649 mod 97); a character is probably mistyped");
  EXPECT_EQ(ErrorOf("RF46w9"),
            "iuv: check digits do not match (ISO 11649 mod 97); a character is probably mistyped");
}

TEST(ValidateRfReference, RejectsAliasCheckDigits) {
  // 99 is congruent to 02 mod 97.
  std::string with02;
  for (int n = 0; with02.empty(); ++n) {
    auto r = MakeRfReference(std::to_string(n));
    if (r->substr(2, 2) == "02") with02 = *r;
  }
  ASSERT_TRUE(ValidateRfReference(with02, "iuv").ok()) << with02;
  std::string alias = with02;
  alias.replace(2, 2, "99");
  EXPECT_EQ(ErrorOf(alias), "iuv: check digits 99 are not valid; they run from 02 to 98");
  EXPECT_EQ(ErrorOf("RF00539007547034"),
            "iuv: check digits 00 are not valid; they run from 02 to 98");
}

TEST(ValidateRfReference, RejectsBadShapes) {
  EXPECT_EQ(ErrorOf(""), "iuv: is empty");
  EXPECT_EQ(ErrorOf("R"), "iuv: must start with RF");
  EXPECT_EQ(ErrorOf("XX18539007547034"), "iuv: must start with RF");
  EXPECT_EQ(ErrorOf("RF"), "iuv: must have two check digits after RF");
  EXPECT_EQ(ErrorOf("RF1"), "iuv: must have two check digits after RF");
  EXPECT_EQ(ErrorOf("RFAB539007547034"), "iuv: must have two check digits after RF");
  EXPECT_EQ(ErrorOf("RF18"), "iuv: has no reference after the check digits");
  EXPECT_EQ(ErrorOf("RF18 5390 0754 7034"), "iuv: contains spaces; write it without spaces");
  EXPECT_EQ(ErrorOf("RF18539007547034."), "iuv: character 17 is '.', expected a letter or digit");
  EXPECT_EQ(ErrorOf("RF180000000005390075470340"),
            "iuv: reference has 22 characters, at most 21 are allowed");
}

// MOD 97-10 detects every digit-for-digit and letter-for-letter substitution (the value changes by
// k * 10^n or k * 100^n, 0 < |k| < 97, 97 prime); a digit <-> letter swap changes the length of the
// expanded number and escapes about once in 97. Both facts are checked here.
TEST(ValidateRfReference, DetectsEverySameKindSubstitution) {
  auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  constexpr std::string_view kAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  int mixed = 0;
  int escaped = 0;
  for (std::string_view valid : {"RF18539007547034", "RF712348231", "RF95ABCDEFGHIJKLMNOPQRSTU"}) {
    for (size_t pos = 2; pos < valid.size(); ++pos) {
      for (char c : kAlphabet) {
        if (c == valid[pos]) continue;
        std::string corrupt(valid);
        corrupt[pos] = c;
        const bool same_kind = is_digit(c) == is_digit(valid[pos]);
        if (!same_kind) ++mixed;
        if (!ValidateRfReference(corrupt, "iuv").ok()) continue;
        EXPECT_FALSE(same_kind) << corrupt;
        ++escaped;
      }
    }
  }
  // Deterministic for these inputs; far below the 1-in-97 bound times `mixed`.
  EXPECT_EQ(escaped, 3);
  EXPECT_LT(escaped, mixed / 97 + 5);
}

TEST(RfReferenceProperty, MadeReferencesValidate) {
  constexpr std::string_view kAlphabet =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  std::string reference;
  for (int i = 0; i < 5'000; ++i) {
    reference.push_back(kAlphabet[(static_cast<size_t>(i) * 7919u) % kAlphabet.size()]);
    if (reference.size() > 21) reference.erase(0, 1);
    auto made = MakeRfReference(reference);
    ASSERT_TRUE(made.ok()) << reference;
    ASSERT_TRUE(ValidateRfReference(*made, "iuv").ok()) << *made;
  }
}

}  // namespace
}  // namespace incasso
