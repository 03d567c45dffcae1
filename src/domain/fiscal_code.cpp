#include "domain/fiscal_code.hpp"

#include <fmt/format.h>

#include <array>

namespace incasso {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Omocodia: the digit d may be written as kOmocodia[d] (DM 23/12/1976 as amended).
constexpr std::string_view kOmocodia = "LMNPQRSTUV";
constexpr std::string_view kMonthLetters = "ABCDEHLMPRST";

// Check letter tables: value of a character in an odd (1-based) position, indexed by digit value
// or letter index; even positions take the digit value or letter index unchanged.
constexpr std::array<int, 26> kOddValue = {1,  0,  5, 7, 9, 13, 15, 17, 19, 21, 2,  4,  18,
                                           20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23};

int Index(char c) { return IsDigit(c) ? c - '0' : c - 'A'; }

// Precondition: `code` is 15+ characters, each a digit or an upper-case letter.
char CheckLetter(std::string_view code) {
  int sum = 0;
  for (size_t i = 0; i < 15; ++i) {
    const int v = Index(code[i]);
    sum += (i % 2 == 0) ? kOddValue[static_cast<size_t>(v)] : v;
  }
  return static_cast<char>('A' + sum % 26);
}

// The digit a position stands for, undoing omocodia; -1 if it is neither.
int DigitValue(char c) {
  if (IsDigit(c)) return c - '0';
  const size_t k = kOmocodia.find(c);
  return k == std::string_view::npos ? -1 : static_cast<int>(k);
}

std::string Describe(char c) {
  if (c == ' ') return "a space";
  if (c > ' ' && c < 0x7f) return fmt::format("'{}'", c);
  return "not a letter or digit";
}

Error Bad(std::string_view field, std::string message) {
  return InvalidArgument(std::string(field), std::move(message));
}

}  // namespace

std::string NormalizeFiscalCode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (IsSpace(c)) continue;
    out.push_back(IsLower(c) ? static_cast<char>(c - 'a' + 'A') : c);
  }
  return out;
}

Status ValidateLegalEntityFiscalCode(std::string_view code, std::string_view field) {
  if (code.size() != 11) {
    return Bad(field,
               fmt::format("has {} characters; a numeric fiscal code has 11 digits", code.size()));
  }
  int sum = 0;
  for (size_t i = 0; i < 11; ++i) {
    if (!IsDigit(code[i])) {
      return Bad(field, fmt::format("must contain only digits; character {} is {}", i + 1,
                                    Describe(code[i])));
    }
    if (i == 10) break;
    const int d = code[i] - '0';
    sum += (i % 2 == 0) ? d : (2 * d > 9 ? 2 * d - 9 : 2 * d);
  }
  // Satisfies the check digit, but no office issues progressive number 0000000 (and it is the
  // placeholder of the pagoPA notice examples).
  if (code == "00000000000") return Bad(field, "is all zeros, which is not a fiscal code");
  const int expected = (10 - sum % 10) % 10;
  const int got = code[10] - '0';
  if (got != expected) {
    return Bad(field, fmt::format("check digit is {}, expected {}", got, expected));
  }
  return Ok();
}

Status ValidatePersonalFiscalCode(std::string_view code, std::string_view field) {
  if (code.size() != 16) {
    return Bad(field, fmt::format("has {} characters; a personal fiscal code has 16", code.size()));
  }
  for (size_t i = 0; i < code.size(); ++i) {
    const char c = code[i];
    if (IsLower(c)) return Bad(field, "must be written in capital letters");
    if (!IsDigit(c) && !IsUpper(c)) {
      return Bad(field,
                 fmt::format("character {} is {}, expected a letter or digit", i + 1, Describe(c)));
    }
  }
  // 0-based positions of letters, and of digits that omocodia may turn into letters.
  constexpr std::array<size_t, 9> kLetterPositions = {0, 1, 2, 3, 4, 5, 8, 11, 15};
  constexpr std::array<size_t, 7> kDigitPositions = {6, 7, 9, 10, 12, 13, 14};
  for (size_t i : kLetterPositions) {
    if (!IsUpper(code[i])) {
      return Bad(field, fmt::format("character {} is '{}', expected a letter", i + 1, code[i]));
    }
  }
  for (size_t i : kDigitPositions) {
    if (DigitValue(code[i]) < 0) {
      return Bad(field, fmt::format("character {} is '{}', expected a digit (or one of {})", i + 1,
                                    code[i], kOmocodia));
    }
  }
  if (kMonthLetters.find(code[8]) == std::string_view::npos) {
    return Bad(field,
               fmt::format("month letter is '{}', expected one of {}", code[8], kMonthLetters));
  }
  const int day = DigitValue(code[9]) * 10 + DigitValue(code[10]);
  if (day < 1 || (day > 31 && day < 41) || day > 71) {
    return Bad(field,
               fmt::format("day of birth is {:02d}, expected 01..31 (men) or 41..71 (women)", day));
  }
  const char expected = CheckLetter(code);
  if (code[15] != expected) {
    return Bad(field, fmt::format("check letter is {}, expected {}", code[15], expected));
  }
  return Ok();
}

Status ValidateFiscalCode(std::string_view code, std::string_view field) {
  if (code.size() == 11) return ValidateLegalEntityFiscalCode(code, field);
  if (code.size() == 16) return ValidatePersonalFiscalCode(code, field);
  if (code.empty()) return Bad(field, "is empty; a fiscal code has 16 characters or 11 digits");
  return Bad(field, fmt::format("has {} characters; a fiscal code has 16 characters or 11 digits",
                                code.size()));
}

}  // namespace incasso
