// IBANs of the accounts that transfers are credited to (pagoPA transfer IBAN, "IBAN di accredito").
// Pure functions; no I/O.
//
// Validators take the electronic format (ISO 13616-1): capital letters and digits, no spaces.
// Input typed or pasted by a person (paper format "IT60 X054 ...") goes through NormalizeIban
// first.
#pragma once

#include <string>
#include <string_view>

#include "core/result.hpp"

namespace incasso {

// Drops white space and upper-cases ASCII letters. Does not validate.
std::string NormalizeIban(std::string_view text);

// Ok iff `iban` is the electronic format of an IBAN of a SEPA country: known country code, that
// country's length (ISO 13616 registry), check digits 02..98 with mod 97 == 1 (ISO 7064 MOD 97-10).
// Countries outside the SEPA scheme are rejected (pagoPA credits euro accounts by SEPA transfer).
// For Italy and San Marino the BBAN must also have the CIN + ABI + CAB + account shape and a CIN
// that matches (CIN check letter, as in the Italian BBAN standard). `field` names the input.
// Mod 97 catches every digit-for-digit and letter-for-letter typo; a digit typed as a letter (or
// back) slips through about once in 97, and for Italy only if it is d <-> the d-th letter in the
// account number, which the CIN cannot see.
Status ValidateIban(std::string_view iban, std::string_view field = "iban");

// True iff `iban` is an Italian IBAN (27 characters) whose ABI is 07601, Poste Italiane: a postal
// account, which enables the Bollettino Postale PA section of the notice. Does not validate
// check digits: call ValidateIban first.
bool IsPostalIban(std::string_view iban);

}  // namespace incasso
