// Sample documents for the screenshots in docs/notices/, the benchmark and tests: a fictional
// municipality, real-shaped data (valid notice numbers, check digits).
#pragma once

#include <string>

#include "domain/notice_document.hpp"

namespace incasso::render::samples {

inline constexpr const char* kCreditorFiscalCode = "80012345678";

// Single payment, due 31/12/2026, no postal account, Italian only.
NoticeDocument Single();
// Single() with `n` instalments (numbers from base 100) and with or without its single payment.
NoticeDocument Instalments(int n, bool keep_single);
// The creditor gets a postal account and Poste authorization.
NoticeDocument WithPostal(NoticeDocument d);
// A paid receipt of Single() with two transfers.
ReceiptDocument Receipt();

}  // namespace incasso::render::samples
