#include "domain/iban.hpp"

#include <fmt/format.h>

#include <array>

namespace incasso {
namespace {

struct Country {
  std::string_view code;
  int length;
  std::string_view adjective;  // for messages: "<adjective> IBANs have N characters"
};

// SEPA scheme countries and their IBAN lengths (SWIFT IBAN registry): EU and EEA members plus
// Andorra, Gibraltar, Monaco, San Marino, Switzerland, United Kingdom and Vatican City. Territories
// that use another country's IBANs (French overseas departments, Åland, Jersey...) need no entry.
constexpr std::array<Country, 37> kSepaCountries = {{
    {"AD", 24, "Andorran"},      {"AT", 20, "Austrian"},   {"BE", 16, "Belgian"},
    {"BG", 22, "Bulgarian"},     {"CH", 21, "Swiss"},      {"CY", 28, "Cypriot"},
    {"CZ", 24, "Czech"},         {"DE", 22, "German"},     {"DK", 18, "Danish"},
    {"EE", 20, "Estonian"},      {"ES", 24, "Spanish"},    {"FI", 18, "Finnish"},
    {"FR", 27, "French"},        {"GB", 22, "British"},    {"GI", 23, "Gibraltar"},
    {"GR", 27, "Greek"},         {"HR", 21, "Croatian"},   {"HU", 28, "Hungarian"},
    {"IE", 22, "Irish"},         {"IS", 26, "Icelandic"},  {"IT", 27, "Italian"},
    {"LI", 21, "Liechtenstein"}, {"LT", 20, "Lithuanian"}, {"LU", 20, "Luxembourg"},
    {"LV", 21, "Latvian"},       {"MC", 27, "Monegasque"}, {"MT", 31, "Maltese"},
    {"NL", 18, "Dutch"},         {"NO", 15, "Norwegian"},  {"PL", 28, "Polish"},
    {"PT", 25, "Portuguese"},    {"RO", 24, "Romanian"},   {"SE", 24, "Swedish"},
    {"SI", 19, "Slovenian"},     {"SK", 24, "Slovak"},     {"SM", 27, "San Marino"},
    {"VA", 22, "Vatican"},
}};

constexpr std::string_view kPosteItalianeAbi = "07601";

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool AllDigits(std::string_view s) {
  for (char c : s) {
    if (!IsDigit(c)) return false;
  }
  return true;
}

const Country* FindCountry(std::string_view code) {
  for (const Country& c : kSepaCountries) {
    if (c.code == code) return &c;
  }
  return nullptr;
}

// ISO 7064 MOD 97-10 over the rearranged IBAN (BBAN, then country code and check digits), letters
// counting as 10..35. Precondition: `iban` holds only digits and capital letters.
int Mod97(std::string_view iban) {
  int r = 0;
  auto feed = [&r](char c) {
    r = IsDigit(c) ? (r * 10 + (c - '0')) % 97 : (r * 100 + (c - 'A' + 10)) % 97;
  };
  for (char c : iban.substr(4)) feed(c);
  for (char c : iban.substr(0, 4)) feed(c);
  return r;
}

// Italian BBAN check letter (CIN) over ABI + CAB + account: same odd/even tables as the personal
// fiscal code check letter. Precondition: 22 digits or capital letters.
char ItalianCin(std::string_view abi_cab_account) {
  constexpr std::array<int, 26> kOdd = {1,  0,  5, 7, 9, 13, 15, 17, 19, 21, 2,  4,  18,
                                        20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23};
  int sum = 0;
  for (size_t i = 0; i < abi_cab_account.size(); ++i) {
    const char c = abi_cab_account[i];
    const int v = IsDigit(c) ? c - '0' : c - 'A';
    sum += (i % 2 == 0) ? kOdd[static_cast<size_t>(v)] : v;
  }
  return static_cast<char>('A' + sum % 26);
}

Error Bad(std::string_view field, std::string message) {
  return InvalidArgument(std::string(field), std::move(message));
}

// Italy and San Marino share the BBAN layout CIN(1 letter) ABI(5n) CAB(5n) account(12 alnum).
// Precondition: 27 capital letters or digits.
Status ValidateItalianBban(std::string_view iban, const Country& country, std::string_view field) {
  if (!IsUpper(iban[4])) {
    return Bad(field, fmt::format("{} CIN (character 5) must be a letter, got '{}'",
                                  country.adjective, iban[4]));
  }
  if (!AllDigits(iban.substr(5, 5))) {
    return Bad(field, fmt::format("ABI bank code (characters 6-10) must be 5 digits, got '{}'",
                                  iban.substr(5, 5)));
  }
  if (!AllDigits(iban.substr(10, 5))) {
    return Bad(field, fmt::format("CAB branch code (characters 11-15) must be 5 digits, got '{}'",
                                  iban.substr(10, 5)));
  }
  return Ok();
}

}  // namespace

std::string NormalizeIban(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (IsSpace(c)) continue;
    out.push_back(IsLower(c) ? static_cast<char>(c - 'a' + 'A') : c);
  }
  return out;
}

Status ValidateIban(std::string_view iban, std::string_view field) {
  if (iban.empty()) return Bad(field, "is empty");
  for (size_t i = 0; i < iban.size(); ++i) {
    const char c = iban[i];
    if (IsSpace(c)) return Bad(field, "contains spaces; write the IBAN without spaces");
    if (IsLower(c)) return Bad(field, "must be written in capital letters");
    if (!IsDigit(c) && !IsUpper(c)) {
      if (c > ' ' && c < 0x7f) {
        return Bad(field,
                   fmt::format("character {} is '{}', expected a letter or digit", i + 1, c));
      }
      return Bad(field, fmt::format("character {} is not a letter or digit", i + 1));
    }
  }
  if (iban.size() < 2 || !IsUpper(iban[0]) || !IsUpper(iban[1])) {
    return Bad(field, fmt::format("must start with a two-letter country code, got '{}'",
                                  iban.substr(0, 2)));
  }
  const Country* country = FindCountry(iban.substr(0, 2));
  if (country == nullptr) {
    return Bad(field, fmt::format("country {} is not a SEPA IBAN country", iban.substr(0, 2)));
  }
  if (iban.size() != static_cast<size_t>(country->length)) {
    return Bad(field, fmt::format("{} IBANs have {} characters, got {}", country->adjective,
                                  country->length, iban.size()));
  }
  const std::string_view check = iban.substr(2, 2);
  if (!AllDigits(check)) {
    return Bad(field, fmt::format("check digits (characters 3-4) must be digits, got '{}'", check));
  }
  // ISO 13616: check digits run 02..98; 00, 01 and 99 would alias 97, 98 and 02 under mod 97.
  if (check == "00" || check == "01" || check == "99") {
    return Bad(field, fmt::format("check digits {} are not valid; they run from 02 to 98", check));
  }
  const bool italian_layout = country->code == "IT" || country->code == "SM";
  if (italian_layout) INCASSO_TRY(ValidateItalianBban(iban, *country, field));
  // The message names no expected value: a mistyped BBAN character is far likelier than mistyped
  // check digits, and "expected 61" would invite the clerk to edit the wrong part.
  if (Mod97(iban) != 1) {
    return Bad(field, "IBAN check digits do not match (mod 97); a character is probably mistyped");
  }
  if (italian_layout) {
    const char cin = ItalianCin(iban.substr(5));
    if (iban[4] != cin) {
      return Bad(field, fmt::format("{} CIN (character 5) is {}, expected {}", country->adjective,
                                    iban[4], cin));
    }
  }
  return Ok();
}

bool IsPostalIban(std::string_view iban) {
  return iban.size() == 27 && iban.substr(0, 2) == "IT" && iban.substr(5, 5) == kPosteItalianeAbi;
}

}  // namespace incasso
