#include "core/money.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <random>
#include <string>

namespace incasso {
namespace {

std::int64_t Cents(std::string_view text) {
  auto r = ParseAmount(text);
  EXPECT_TRUE(r.ok()) << text << ": " << (r.ok() ? "" : r.error().ToText());
  return r.ok() ? *r : -1;
}

std::string ErrorOf(std::string_view text, std::string_view field = "amount") {
  auto r = ParseAmount(text, field);
  EXPECT_FALSE(r.ok()) << text << " parsed as " << (r.ok() ? *r : 0);
  return r.ok() ? "" : r.error().ToText();
}

TEST(ParseAmount, AcceptsWholeEuros) {
  EXPECT_EQ(Cents("12"), 1200);
  EXPECT_EQ(Cents("1"), 100);
  EXPECT_EQ(Cents("999999999"), 99999999900);
}

TEST(ParseAmount, AcceptsOneOrTwoDecimals) {
  EXPECT_EQ(Cents("12.3"), 1230);
  EXPECT_EQ(Cents("12.34"), 1234);
  EXPECT_EQ(Cents("12.30"), 1230);
  EXPECT_EQ(Cents("12.05"), 1205);
  EXPECT_EQ(Cents("0.5"), 50);
}

TEST(ParseAmount, AcceptsTheRangeBounds) {
  EXPECT_EQ(Cents("0.01"), kMinAmountCents);
  EXPECT_EQ(Cents("999999999.99"), kMaxAmountCents);
}

TEST(ParseAmount, AcceptsLeadingZerosAsStAmountDoes) {
  EXPECT_EQ(Cents("007.50"), 750);
  EXPECT_EQ(Cents("00000000000000000000000001.00"), 100);
}

TEST(ParseAmount, RejectsOutOfRange) {
  EXPECT_EQ(ErrorOf("0"), "amount: 0 is less than the minimum amount 0.01");
  EXPECT_EQ(ErrorOf("0.00"), "amount: 0.00 is less than the minimum amount 0.01");
  EXPECT_EQ(ErrorOf("0.001"),
            "amount: '0.001' has 3 decimal digits; at most 2 are allowed (cents)");
  EXPECT_EQ(ErrorOf("1000000000"),
            "amount: 1000000000 is more than the maximum amount 999999999.99");
  EXPECT_EQ(ErrorOf("1000000000.00"),
            "amount: 1000000000.00 is more than the maximum amount 999999999.99");
}

TEST(ParseAmount, RejectsOverflowWithoutUndefinedBehaviour) {
  EXPECT_FALSE(ParseAmount("9223372036854775807").ok());
  EXPECT_FALSE(ParseAmount("92233720368547758070000").ok());
  EXPECT_FALSE(ParseAmount(std::string(400, '9')).ok());
}

TEST(ParseAmount, RejectsSigns) {
  EXPECT_EQ(ErrorOf("-12.34"), "amount: -12.34 is negative; amounts must be positive");
  EXPECT_EQ(ErrorOf("-0.01"), "amount: -0.01 is negative; amounts must be positive");
  EXPECT_EQ(ErrorOf("+12.34"), "amount: '+12.34' must not start with a sign; write it like 12.34");
}

TEST(ParseAmount, RejectsTooManyDecimals) {
  EXPECT_EQ(ErrorOf("12.345"),
            "amount: '12.345' has 3 decimal digits; at most 2 are allowed (cents)");
  EXPECT_FALSE(ParseAmount("12.340").ok());
}

TEST(ParseAmount, RejectsExponentCommaAndSpaces) {
  EXPECT_EQ(ErrorOf("1e3"), "amount: '1e3' uses an exponent; write it like 12.34");
  EXPECT_FALSE(ParseAmount("1.2E3").ok());
  EXPECT_EQ(ErrorOf("12,34"), "amount: '12,34' uses a comma; use a dot for the cents, like 12.34");
  EXPECT_FALSE(ParseAmount("1.234,50").ok());
  EXPECT_EQ(ErrorOf(" 12.34"), "amount: ' 12.34' contains spaces; write it like 12.34");
  EXPECT_FALSE(ParseAmount("12.34 ").ok());
  EXPECT_FALSE(ParseAmount("12 .34").ok());
  EXPECT_FALSE(ParseAmount("12.34\n").ok());
  EXPECT_FALSE(ParseAmount("\t12").ok());
}

TEST(ParseAmount, RejectsEmptyAndMalformed) {
  EXPECT_EQ(ErrorOf(""), "amount: is empty; write it like 12.34");
  EXPECT_EQ(ErrorOf("."), "amount: '.' has no digits before the dot; write it like 12.34");
  EXPECT_EQ(ErrorOf(".5"), "amount: '.5' has no digits before the dot; write it like 12.34");
  EXPECT_EQ(ErrorOf("12."), "amount: '12.' has no digits after the dot; write it like 12.34");
  EXPECT_EQ(ErrorOf("1.2.3"), "amount: '1.2.3' has more than one dot; write it like 12.34");
}

TEST(ParseAmount, RejectsLeadingAndTrailingJunk) {
  EXPECT_EQ(ErrorOf("EUR12"),
            "amount: 'EUR12' contains 'E', which is not a digit; write it like 12.34");
  EXPECT_EQ(ErrorOf("12€"),
            "amount: '12€' contains a character that is not a digit; write it like 12.34");
  EXPECT_EQ(ErrorOf("x12.34"),
            "amount: 'x12.34' contains 'x', which is not a digit; write it like 12.34");
  EXPECT_FALSE(ParseAmount("12.34a").ok());
  EXPECT_FALSE(ParseAmount("0x10").ok());
  EXPECT_FALSE(ParseAmount("12.3-").ok());
  EXPECT_FALSE(ParseAmount(std::string_view("12\0", 3)).ok());
  EXPECT_FALSE(ParseAmount("NaN").ok());
  EXPECT_FALSE(ParseAmount("inf").ok());
}

TEST(ParseAmount, NamesTheField) {
  auto r = ParseAmount("abc", "paymentOption[0].amount");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().field, "paymentOption[0].amount");
}

TEST(CheckAmountCents, AcceptsTheRange) {
  EXPECT_TRUE(CheckAmountCents(kMinAmountCents, "amount").ok());
  EXPECT_TRUE(CheckAmountCents(1234, "amount").ok());
  EXPECT_TRUE(CheckAmountCents(kMaxAmountCents, "amount").ok());
}

TEST(CheckAmountCents, RejectsOutsideTheRange) {
  auto zero = CheckAmountCents(0, "transferAmount");
  ASSERT_FALSE(zero.ok());
  EXPECT_EQ(zero.error().ToText(), "transferAmount: 0.00 is less than the minimum amount 0.01");
  auto negative = CheckAmountCents(-150, "amount");
  ASSERT_FALSE(negative.ok());
  EXPECT_EQ(negative.error().ToText(), "amount: -1.50 is less than the minimum amount 0.01");
  auto big = CheckAmountCents(kMaxAmountCents + 1, "amount");
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().ToText(),
            "amount: 1000000000.00 is more than the maximum amount 999999999.99");
  EXPECT_FALSE(CheckAmountCents(std::numeric_limits<std::int64_t>::min(), "amount").ok());
  EXPECT_FALSE(CheckAmountCents(std::numeric_limits<std::int64_t>::max(), "amount").ok());
}

TEST(FormatAmount, UsesStAmountForm) {
  EXPECT_EQ(FormatAmount(0), "0.00");
  EXPECT_EQ(FormatAmount(1), "0.01");
  EXPECT_EQ(FormatAmount(10), "0.10");
  EXPECT_EQ(FormatAmount(100), "1.00");
  EXPECT_EQ(FormatAmount(123450), "1234.50");
  EXPECT_EQ(FormatAmount(kMaxAmountCents), "999999999.99");
  EXPECT_EQ(FormatAmount(-5), "-0.05");
  EXPECT_EQ(FormatAmount(-123450), "-1234.50");
  EXPECT_EQ(FormatAmount(std::numeric_limits<std::int64_t>::max()), "92233720368547758.07");
  EXPECT_EQ(FormatAmount(std::numeric_limits<std::int64_t>::min()), "-92233720368547758.08");
}

TEST(FormatAmountItalian, GroupsThousandsWithDotsAndUsesDecimalComma) {
  EXPECT_EQ(FormatAmountItalian(0), "0,00");
  EXPECT_EQ(FormatAmountItalian(5), "0,05");
  EXPECT_EQ(FormatAmountItalian(99999), "999,99");
  EXPECT_EQ(FormatAmountItalian(100000), "1.000,00");
  EXPECT_EQ(FormatAmountItalian(123450), "1.234,50");
  EXPECT_EQ(FormatAmountItalian(12345678), "123.456,78");
  EXPECT_EQ(FormatAmountItalian(123456789), "1.234.567,89");
  EXPECT_EQ(FormatAmountItalian(kMaxAmountCents), "999.999.999,99");
  EXPECT_EQ(FormatAmountItalian(-123450), "-1.234,50");
  EXPECT_EQ(FormatAmountItalian(std::numeric_limits<std::int64_t>::min()),
            "-92.233.720.368.547.758,08");
}

// Reference for the Italian form: drop the thousands dots, turn the comma into a dot.
std::string ItalianToStAmount(std::string s) {
  std::string out;
  for (char c : s) {
    if (c == '.') continue;
    out.push_back(c == ',' ? '.' : c);
  }
  return out;
}

TEST(AmountProperty, FormatThenParseRoundTrips) {
  std::mt19937_64 rng(20261126);
  // Mix of uniform values and small ones, where the cents formatting is most delicate.
  std::uniform_int_distribution<std::int64_t> any(kMinAmountCents, kMaxAmountCents);
  std::uniform_int_distribution<std::int64_t> small(kMinAmountCents, 100'000);
  for (int i = 0; i < 200'000; ++i) {
    const std::int64_t cents = (i % 2 == 0) ? any(rng) : small(rng);
    const std::string text = FormatAmount(cents);
    auto parsed = ParseAmount(text);
    ASSERT_TRUE(parsed.ok()) << text;
    ASSERT_EQ(*parsed, cents) << text;
    ASSERT_TRUE(CheckAmountCents(cents, "amount").ok());
    ASSERT_EQ(ItalianToStAmount(FormatAmountItalian(cents)), text);
    // Shorter spellings of the same value parse to the same cents.
    if (cents % 10 == 0) {
      ASSERT_EQ(*ParseAmount(text.substr(0, text.size() - 1)), cents) << text;
    }
    if (cents % 100 == 0) {
      ASSERT_EQ(*ParseAmount(text.substr(0, text.size() - 3)), cents) << text;
    }
  }
}

TEST(AmountProperty, EveryThreeDecimalSpellingIsRejected) {
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<std::int64_t> any(kMinAmountCents, kMaxAmountCents);
  for (int i = 0; i < 10'000; ++i) {
    const std::string text = FormatAmount(any(rng)) + std::to_string(i % 10);
    ASSERT_FALSE(ParseAmount(text).ok()) << text;
  }
}

}  // namespace
}  // namespace incasso
