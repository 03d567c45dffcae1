// Notice numbers (numero avviso, NAV) and IUVs, SACI 3.0 §Generazione dell'identificativo univoco
// di versamento (SACI 1.4 §2). Pure functions; no I/O.
//
//   NAV (18 digits) = <aux digit><layout>
//   aux 0: 0 AA BBBBBBBBBBBBB CC  application code AA, IUV = base(13) + check(2)  (15 digits)
//   aux 1: 1 BBBBBBBBBBBBBBBBB    legacy, IUV = 17 digits, no check digit
//   aux 2: 2 BBBBBBBBBBBBBBB CC   IUV = base(15) + check(2)                       (17 digits)
//   aux 3: 3 SS BBBBBBBBBBBBB CC  segregation code SS, IUV = SS + base(13) + check (17 digits)
//
// Check digit CC = (first 16 digits of the NAV) mod 93, on two digits (00..92).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace incasso {

// IUV bases for aux 0 and aux 3 are 13 digits: base < kMaxIuvBase13.
inline constexpr std::uint64_t kMaxIuvBase13 = 10'000'000'000'000;

struct NoticeNumber {
  int aux_digit = 3;
  std::string segregation_code;  // aux 3 only: 2 digits assigned by PagoPA S.p.A.
  std::string application_code;  // aux 0 only: 2 digits routing to the station
  std::string iuv;               // 15 digits (aux 0) or 17 digits (aux 1, 2, 3)
  std::string nav;               // 18 digits, as printed on the notice and sent by the node
};

// Remainder of the decimal number `digits` divided by 93 (the SACI IUV check digit). Any length is
// accepted; returns -1 if `digits` is empty or holds anything but ASCII digits.
int Mod93CheckDigit(std::string_view digits);

// Parses and validates an 18-digit notice number: length, digits, aux digit 0..3, and the check
// digit for aux 0, 2 and 3 (aux 1 has none). `field` names the input in the error.
Result<NoticeNumber> ParseNoticeNumber(std::string_view nav,
                                       std::string_view field = "noticeNumber");

// Builds the aux 3 notice number 3 SS <base, 13 digits zero-padded> CC.
// Errors if `segregation_code` is not 2 digits or base >= kMaxIuvBase13.
Result<NoticeNumber> MakeNoticeNumberAux3(std::string_view segregation_code, std::uint64_t base);
// Builds the aux 0 notice number 0 AA <base, 13 digits zero-padded> CC.
Result<NoticeNumber> MakeNoticeNumberAux0(std::string_view application_code, std::uint64_t base);

// Rebuilds the notice number from an IUV typed by an operator (or read from a receipt), given the
// intermediary's aux digit and code: the application code for aux 0, the segregation code for
// aux 3 (the IUV must start with it), empty for aux 1 and 2. Validates the check digit.
Result<NoticeNumber> NoticeNumberFromIuv(std::string_view iuv, int aux_digit,
                                         std::string_view code);

// Ok iff `notice` was issued under this configuration: same aux digit and, for aux 3, the same
// segregation code, for aux 0 the same application code. A notice number of another generation
// point addresses someone else's archive (SACI 3.0: codes route verify/activate to the station).
Status ValidateNoticeNumberOwner(const NoticeNumber& notice, int aux_digit, std::string_view code,
                                 std::string_view field = "noticeNumber");

}  // namespace incasso
