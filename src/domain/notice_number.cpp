#include "domain/notice_number.hpp"

#include <fmt/format.h>

namespace incasso {
namespace {

constexpr size_t kNavLength = 18;
constexpr size_t kCheckedPrefix = 16;  // SACI 3.0: check = first 16 NAV digits mod 93

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool AllDigits(std::string_view s) {
  for (char c : s) {
    if (!IsDigit(c)) return false;
  }
  return true;
}

// "character 5 is 'x'" for the first non-digit, 1-based as a clerk counts.
std::string FirstNonDigit(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (!IsDigit(s[i])) {
      const char c = s[i];
      if (c > ' ' && c < 0x7f) return fmt::format("character {} is '{}'", i + 1, c);
      if (c == ' ') return fmt::format("character {} is a space", i + 1);
      return fmt::format("character {} is not a digit", i + 1);
    }
  }
  return {};
}

Status CheckTwoDigitCode(std::string_view code, std::string_view field, std::string_view what) {
  if (code.size() != 2 || !AllDigits(code)) {
    return InvalidArgument(std::string(field),
                           fmt::format("{} must be 2 digits, got '{}'", what, code));
  }
  return Ok();
}

// Precondition: nav is 18 digits with aux digit 0, 2 or 3.
Status CheckNavCheckDigit(std::string_view nav, std::string_view field) {
  const int expected = Mod93CheckDigit(nav.substr(0, kCheckedPrefix));
  const int got = (nav[16] - '0') * 10 + (nav[17] - '0');
  if (got != expected) {
    return InvalidArgument(std::string(field),
                           fmt::format("check digit is {:02d}, expected {:02d}", got, expected));
  }
  return Ok();
}

NoticeNumber Split(std::string_view nav) {
  NoticeNumber n;
  n.aux_digit = nav[0] - '0';
  n.nav = std::string(nav);
  switch (n.aux_digit) {
    case 0:
      n.application_code = std::string(nav.substr(1, 2));
      n.iuv = std::string(nav.substr(3));
      break;
    case 3:
      n.segregation_code = std::string(nav.substr(1, 2));
      n.iuv = std::string(nav.substr(1));
      break;
    default:
      n.iuv = std::string(nav.substr(1));
      break;
  }
  return n;
}

NoticeNumber Build(char aux, std::string_view code, std::uint64_t base) {
  std::string nav = fmt::format("{}{}{:013d}", aux, code, base);
  nav += fmt::format("{:02d}", Mod93CheckDigit(nav));
  return Split(nav);
}

}  // namespace

int Mod93CheckDigit(std::string_view digits) {
  if (digits.empty()) return -1;
  int r = 0;
  for (char c : digits) {
    if (!IsDigit(c)) return -1;
    r = (r * 10 + (c - '0')) % 93;
  }
  return r;
}

Result<NoticeNumber> ParseNoticeNumber(std::string_view nav, std::string_view field) {
  if (nav.empty())
    return InvalidArgument(std::string(field), "is empty; a notice number has 18 digits");
  if (!AllDigits(nav)) {
    return InvalidArgument(std::string(field),
                           fmt::format("must contain only digits; {}", FirstNonDigit(nav)));
  }
  if (nav.size() != kNavLength) {
    return InvalidArgument(std::string(field),
                           fmt::format("must have 18 digits, got {}", nav.size()));
  }
  const int aux = nav[0] - '0';
  if (aux > 3) {
    return InvalidArgument(
        std::string(field),
        fmt::format("starts with {}; a notice number starts with 0, 1, 2 or 3", aux));
  }
  if (aux != 1) INCASSO_TRY(CheckNavCheckDigit(nav, field));
  return Split(nav);
}

Result<NoticeNumber> MakeNoticeNumberAux3(std::string_view segregation_code, std::uint64_t base) {
  INCASSO_TRY(CheckTwoDigitCode(segregation_code, "segregationCode", "segregation code"));
  if (base >= kMaxIuvBase13) {
    return InvalidArgument("iuvBase", fmt::format("IUV base {} has more than 13 digits", base));
  }
  return Build('3', segregation_code, base);
}

Result<NoticeNumber> MakeNoticeNumberAux0(std::string_view application_code, std::uint64_t base) {
  INCASSO_TRY(CheckTwoDigitCode(application_code, "applicationCode", "application code"));
  if (base >= kMaxIuvBase13) {
    return InvalidArgument("iuvBase", fmt::format("IUV base {} has more than 13 digits", base));
  }
  return Build('0', application_code, base);
}

Result<NoticeNumber> NoticeNumberFromIuv(std::string_view iuv, int aux_digit,
                                         std::string_view code) {
  constexpr std::string_view kField = "iuv";
  if (aux_digit < 0 || aux_digit > 3) {
    return InvalidArgument("auxDigit", fmt::format("aux digit {} is not 0, 1, 2 or 3", aux_digit));
  }
  if (iuv.empty()) return InvalidArgument(std::string(kField), "is empty");
  if (!AllDigits(iuv)) {
    return InvalidArgument(std::string(kField),
                           fmt::format("must contain only digits; {}", FirstNonDigit(iuv)));
  }
  const size_t expected_length = aux_digit == 0 ? 15 : 17;
  if (iuv.size() != expected_length) {
    return InvalidArgument(std::string(kField),
                           fmt::format("must have {} digits with aux digit {}, got {}",
                                       expected_length, aux_digit, iuv.size()));
  }
  std::string nav = std::to_string(aux_digit);
  switch (aux_digit) {
    case 0:
      INCASSO_TRY(CheckTwoDigitCode(code, "applicationCode", "application code"));
      nav += code;
      break;
    case 3:
      INCASSO_TRY(CheckTwoDigitCode(code, "segregationCode", "segregation code"));
      if (iuv.substr(0, 2) != code) {
        return InvalidArgument(
            std::string(kField),
            fmt::format("starts with segregation code {}, expected {}", iuv.substr(0, 2), code));
      }
      break;
    default:
      if (!code.empty()) {
        return InvalidArgument("code", fmt::format("aux digit {} takes no application or "
                                                   "segregation code, got '{}'",
                                                   aux_digit, code));
      }
      break;
  }
  nav += iuv;
  return ParseNoticeNumber(nav, kField);
}

Status ValidateNoticeNumberOwner(const NoticeNumber& notice, int aux_digit, std::string_view code,
                                 std::string_view field) {
  if (notice.aux_digit != aux_digit) {
    return InvalidArgument(std::string(field), fmt::format("starts with aux digit {}, expected {}",
                                                           notice.aux_digit, aux_digit));
  }
  if (aux_digit == 3 && notice.segregation_code != code) {
    return InvalidArgument(std::string(field), fmt::format("has segregation code {}, expected {}",
                                                           notice.segregation_code, code));
  }
  if (aux_digit == 0 && notice.application_code != code) {
    return InvalidArgument(std::string(field), fmt::format("has application code {}, expected {}",
                                                           notice.application_code, code));
  }
  return Ok();
}

}  // namespace incasso
