// Italian fiscal codes (codice fiscale), as carried in pagoPA entityUniqueIdentifierValue
// (debtor/payer, type F or G) and idPA / organizationFiscalCode. Pure functions; no I/O.
//
// Validators take the code exactly as it will be stored and sent: upper case, no spaces. Input
// typed by a person goes through NormalizeFiscalCode first.
#pragma once

#include <string>
#include <string_view>

#include "core/result.hpp"

namespace incasso {

// Trims surrounding white space, drops inner spaces, upper-cases ASCII letters. Does not validate.
std::string NormalizeFiscalCode(std::string_view text);

// 11 digits whose last is the check digit of the numeric codice fiscale / partita IVA (DM
// 23/12/1976): digits at odd positions summed, at even positions doubled (minus 9 if > 9),
// check = (10 - sum mod 10) mod 10. Used by entities (type G) and as temporary personal codes.
Status ValidateLegalEntityFiscalCode(std::string_view code, std::string_view field);

// 16 characters LLLLLL DD L DD L DDD L (DM 23/12/1976, DPR 605/1973): surname and name letters,
// year, month letter (ABCDEHLMPRST), day 1..31 (+40 for women), cadastral code, check letter.
// Any of the 7 digits may be replaced by LMNPQRSTUV (omocodia). Upper case only. The day is not
// checked against the month's length: the check letter is what proves a code was issued.
Status ValidatePersonalFiscalCode(std::string_view code, std::string_view field);

// Either form, chosen by length (11 or 16).
Status ValidateFiscalCode(std::string_view code, std::string_view field);

}  // namespace incasso
