// Money: euro amounts as int64 cents (STYLE.md rule 5). No floating point anywhere.
//
// pagoPA carries amounts as decimal strings of type stAmount (`\d+\.\d{2}`, SANP paForNode
// paymentAmount/transferAmount) and as cents in the QR code (SANP "Avviso di pagamento" §QR code);
// the printed notice shows them in Italian notation up to 999.999.999,99 (AVVISO.IMPORTO).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace incasso {

// Amounts a debt position may carry: 0.01 .. 999999999.99 euro (stAmount and AVVISO.IMPORTO bound).
inline constexpr std::int64_t kMinAmountCents = 1;
inline constexpr std::int64_t kMaxAmountCents = 99'999'999'999;

// Parses an exact decimal amount in euro: "12", "12.3" or "12.34", leading zeros allowed.
// Rejects signs, exponents, commas, spaces, more than two decimals, an empty integer or fraction
// part ("." / ".5" / "12."), and values outside kMinAmountCents..kMaxAmountCents. `field` names the
// input in the error.
Result<std::int64_t> ParseAmount(std::string_view text, std::string_view field = "amount");

// Ok iff kMinAmountCents <= cents <= kMaxAmountCents.
Status CheckAmountCents(std::int64_t cents, std::string_view field);

// "1234.50": the stAmount form. Any int64 is accepted; negative values get a leading '-'.
std::string FormatAmount(std::int64_t cents);
// "1.234,50": the form printed on the payment notice. Negative values get a leading '-'.
std::string FormatAmountItalian(std::int64_t cents);

}  // namespace incasso
