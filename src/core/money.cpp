#include "core/money.hpp"

#include <fmt/format.h>

namespace incasso {
namespace {

constexpr std::int64_t kMaxEuros = kMaxAmountCents / 100;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Magnitude as unsigned so that INT64_MIN formats without overflow.
std::uint64_t Magnitude(std::int64_t cents) {
  return cents < 0 ? std::uint64_t{0} - static_cast<std::uint64_t>(cents)
                   : static_cast<std::uint64_t>(cents);
}

std::string Sign(std::int64_t cents) { return cents < 0 ? "-" : ""; }

Error Bad(std::string_view field, std::string message) {
  return InvalidArgument(std::string(field), std::move(message));
}

}  // namespace

Result<std::int64_t> ParseAmount(std::string_view text, std::string_view field) {
  constexpr std::string_view kExample = "write it like 12.34";
  if (text.empty()) return Bad(field, fmt::format("is empty; {}", kExample));
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      return Bad(field, fmt::format("'{}' contains spaces; {}", text, kExample));
    }
  }
  if (text.front() == '-')
    return Bad(field, fmt::format("{} is negative; amounts must be positive", text));
  if (text.front() == '+')
    return Bad(field, fmt::format("'{}' must not start with a sign; {}", text, kExample));
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (IsDigit(c) || c == '.') continue;
    if (c == ',') {
      return Bad(field,
                 fmt::format("'{}' uses a comma; use a dot for the cents, like 12.34", text));
    }
    if ((c == 'e' || c == 'E') && i > 0 && (IsDigit(text[i - 1]) || text[i - 1] == '.')) {
      return Bad(field, fmt::format("'{}' uses an exponent; {}", text, kExample));
    }
    if (c > ' ' && c < 0x7f) {
      return Bad(field,
                 fmt::format("'{}' contains '{}', which is not a digit; {}", text, c, kExample));
    }
    return Bad(field,
               fmt::format("'{}' contains a character that is not a digit; {}", text, kExample));
  }

  const size_t dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  const std::string_view fraction =
      dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
  if (whole.empty())
    return Bad(field, fmt::format("'{}' has no digits before the dot; {}", text, kExample));
  if (dot != std::string_view::npos) {
    if (fraction.find('.') != std::string_view::npos) {
      return Bad(field, fmt::format("'{}' has more than one dot; {}", text, kExample));
    }
    if (fraction.empty()) {
      return Bad(field, fmt::format("'{}' has no digits after the dot; {}", text, kExample));
    }
    if (fraction.size() > 2) {
      return Bad(field, fmt::format("'{}' has {} decimal digits; at most 2 are allowed (cents)",
                                    text, fraction.size()));
    }
  }

  std::int64_t euros = 0;
  for (char c : whole) {
    euros = euros * 10 + (c - '0');
    if (euros > kMaxEuros) {
      return Bad(field, fmt::format("{} is more than the maximum amount {}", text,
                                    FormatAmount(kMaxAmountCents)));
    }
  }
  std::int64_t cents = 0;
  if (!fraction.empty()) cents = (fraction[0] - '0') * 10;
  if (fraction.size() == 2) cents += fraction[1] - '0';
  std::int64_t total = euros * 100 + cents;
  if (total < kMinAmountCents) {
    return Bad(field, fmt::format("{} is less than the minimum amount {}", text,
                                  FormatAmount(kMinAmountCents)));
  }
  return total;
}

Status CheckAmountCents(std::int64_t cents, std::string_view field) {
  if (cents < kMinAmountCents) {
    return Bad(field, fmt::format("{} is less than the minimum amount {}", FormatAmount(cents),
                                  FormatAmount(kMinAmountCents)));
  }
  if (cents > kMaxAmountCents) {
    return Bad(field, fmt::format("{} is more than the maximum amount {}", FormatAmount(cents),
                                  FormatAmount(kMaxAmountCents)));
  }
  return Ok();
}

std::string FormatAmount(std::int64_t cents) {
  const std::uint64_t m = Magnitude(cents);
  return fmt::format("{}{}.{:02d}", Sign(cents), m / 100, m % 100);
}

std::string FormatAmountItalian(std::int64_t cents) {
  const std::uint64_t m = Magnitude(cents);
  const std::string euros = fmt::format("{}", m / 100);
  std::string grouped;
  grouped.reserve(euros.size() + euros.size() / 3);
  for (size_t i = 0; i < euros.size(); ++i) {
    if (i > 0 && (euros.size() - i) % 3 == 0) grouped.push_back('.');
    grouped.push_back(euros[i]);
  }
  return fmt::format("{}{},{:02d}", Sign(cents), grouped, m % 100);
}

}  // namespace incasso
