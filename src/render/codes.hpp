// The machine-readable parts of a payment notice: pagoPA's QR code and Poste Italiane's
// DataMatrix (pagopa-notes.md §3), as payload strings and as module matrices. Pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace incasso::render {

// A 2D symbol: modules row by row from the top-left corner, true = dark. No quiet zone.
struct ModuleMatrix {
  int width = 0;
  int height = 0;
  std::vector<bool> dark;  // width * height
  bool At(int row, int col) const { return dark[static_cast<std::size_t>(row * width + col)]; }
};

// "PAGOPA|002|<notice number>|<creditor fiscal code>|<amount in cents>" (pagoPA notice guide,
// "Codice QR"; the official generator's TemplateDataMapper left-pads the code to 18 and the fiscal
// code to 11 digits). InvalidArgument unless the notice number is 18 digits, the fiscal code 11
// digits and the amount within 1 .. 99'999'999'999 cents.
Result<std::string> PagoPaQrPayload(std::string_view notice_number,
                                    std::string_view creditor_fiscal_code,
                                    std::int64_t amount_cents);

// What the Poste DataMatrix carries (TemplateDataMapper, document type 896, pagopa-notes.md §3).
struct PosteDataMatrixFields {
  std::string notice_number;         // 18 digits
  std::string postal_account;        // up to 12 digits
  std::int64_t amount_cents = 0;     // up to 10 digits (99.999.999,99 euro)
  std::string creditor_fiscal_code;  // up to 11 characters
  std::string debtor_fiscal_code;    // up to 16 characters, may be empty
  std::string debtor_full_name;      // cut to 40
  std::string subject;               // cut to 110
};

// "codfase=NBPA;" "18"+code(18) "12"+account(12, zero-padded) "10"+cents(10, zero-padded) "3896"
// "1P1" + creditor FC (11, space-padded) + debtor FC (16) + name (40) + subject (110) + 12 spaces
// + "A": always 256 ASCII characters. Text fields are folded to ASCII (accents dropped; other
// characters become spaces) and cut to their width, so the fixed layout Poste reads never shifts.
// InvalidArgument naming the field when a number does not fit its width.
Result<std::string> PosteDataMatrixPayload(const PosteDataMatrixFields& f);

// Version 4 (33x33), error correction M, 8-bit mode: the symbol the guide prescribes. Errors if
// the payload does not fit version 4.
Result<ModuleMatrix> EncodeQr(std::string_view payload);
// ECC 200 square symbol, ASCII encodation, smallest square size that fits.
Result<ModuleMatrix> EncodeDataMatrix(std::string_view payload);

// "3012 0200 0000 0031 30": the notice number in groups of 4 digits (AVVISO.CODICE, 22 characters).
std::string GroupNoticeNumber(std::string_view notice_number);

// Folds UTF-8 text to printable ASCII: Latin letters with diacritics lose them, anything else
// becomes a space.
std::string FoldToAscii(std::string_view utf8);

}  // namespace incasso::render
