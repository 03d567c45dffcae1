#include "domain/rf_reference.hpp"

#include <fmt/format.h>

namespace incasso {
namespace {

constexpr size_t kMaxReferenceLength = 21;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsLetter(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

// ISO 7064 MOD 97-10 step for one character: digits as themselves, letters as 10..35.
int Feed(int r, char c) {
  if (IsDigit(c)) return (r * 10 + (c - '0')) % 97;
  const int v = (c >= 'a' ? c - 'a' : c - 'A') + 10;
  return (r * 100 + v) % 97;
}

// Remainder of <reference> "RF" <check> read as MOD 97-10 digits. Precondition: alphanumeric.
int Remainder(std::string_view reference, std::string_view check) {
  int r = 0;
  for (char c : reference) r = Feed(r, c);
  r = Feed(Feed(r, 'R'), 'F');
  for (char c : check) r = Feed(r, c);
  return r;
}

Status CheckReference(std::string_view reference, std::string_view field, size_t offset) {
  if (reference.empty())
    return InvalidArgument(std::string(field), "has no reference after the check digits");
  if (reference.size() > kMaxReferenceLength) {
    return InvalidArgument(std::string(field),
                           fmt::format("reference has {} characters, at most {} are allowed",
                                       reference.size(), kMaxReferenceLength));
  }
  for (size_t i = 0; i < reference.size(); ++i) {
    const char c = reference[i];
    if (IsDigit(c) || IsLetter(c)) continue;
    if (c == ' ') {
      return InvalidArgument(std::string(field), "contains spaces; write it without spaces");
    }
    if (c > ' ' && c < 0x7f) {
      return InvalidArgument(
          std::string(field),
          fmt::format("character {} is '{}', expected a letter or digit", offset + i + 1, c));
    }
    return InvalidArgument(std::string(field),
                           fmt::format("character {} is not a letter or digit", offset + i + 1));
  }
  return Ok();
}

}  // namespace

Result<std::string> MakeRfReference(std::string_view reference) {
  if (reference.empty()) return InvalidArgument("reference", "is empty");
  INCASSO_TRY(CheckReference(reference, "reference", 0));
  const int check = 98 - Remainder(reference, "00");
  return fmt::format("RF{:02d}{}", check, reference);
}

Status ValidateRfReference(std::string_view text, std::string_view field) {
  if (text.empty()) return InvalidArgument(std::string(field), "is empty");
  if (text.size() < 2 || !(text[0] == 'R' || text[0] == 'r') ||
      !(text[1] == 'F' || text[1] == 'f')) {
    return InvalidArgument(std::string(field), "must start with RF");
  }
  if (text.size() < 4 || !IsDigit(text[2]) || !IsDigit(text[3])) {
    return InvalidArgument(std::string(field), "must have two check digits after RF");
  }
  const std::string_view check = text.substr(2, 2);
  // ISO 11649 check digits run 02..98; 00, 01 and 99 would alias 97, 98 and 02 under mod 97.
  if (check == "00" || check == "01" || check == "99") {
    return InvalidArgument(
        std::string(field),
        fmt::format("check digits {} are not valid; they run from 02 to 98", check));
  }
  INCASSO_TRY(CheckReference(text.substr(4), field, 4));
  if (Remainder(text.substr(4), check) != 1) {
    return InvalidArgument(std::string(field),
                           "check digits do not match (ISO 11649 mod 97); a character is "
                           "probably mistyped");
  }
  return Ok();
}

}  // namespace incasso
