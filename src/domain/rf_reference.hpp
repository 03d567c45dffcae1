// ISO 11649 structured creditor references ("RF" + 2 check digits + up to 21 letters or digits),
// the IUV form for payments initiated at the creditor (SACI 1.4 §2.3 schema D; Appendix 1).
// Pure functions; no I/O.
//
// Letters are case-insensitive for the check (ISO 7064 MOD 97-10 maps A/a to 10 ... Z/z to 35)
// and are kept as given; "RF" may also be written "rf". No spaces: the printed form groups
// characters by four, callers strip them before validating.
#pragma once

#include <string>
#include <string_view>

#include "core/result.hpp"

namespace incasso {

// "RF" + check digits + `reference`, for a reference of 1..21 ASCII letters or digits.
// Example (SACI 1.4 Appendix 1): "w9" -> "RF45w9".
Result<std::string> MakeRfReference(std::string_view reference);

// Ok iff `text` is "RF", two check digits, and 1..21 letters or digits, with MOD 97-10 == 1.
Status ValidateRfReference(std::string_view text, std::string_view field = "creditorReference");

}  // namespace incasso
