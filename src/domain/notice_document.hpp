// What a printed payment notice (avviso di pagamento) and a payment receipt show: plain data, the
// input of the PDF renderer (render/) and the output of the use cases that assemble it from the
// store (app/documents.hpp). No I/O, no third-party types.
//
// Field limits are pagoPA's notice guide (allegato 2, "specifiche tecniche"; pagopa-notes.md §3):
// AVVISO.OGGETTO <= 90, ENTE.NOME/SETTORE <= 50, ENTE.INFO <= 100, DESTINATARIO.NOMECOMPLETO <= 70,
// DESTINATARIO.INDIRIZZO <= 140, amounts up to 999.999.999,99. The renderer lays longer text out
// in smaller type rather than cutting it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/time.hpp"
#include "domain/receipt.hpp"

namespace incasso {

inline constexpr std::size_t kNoticeSubjectMax = 90;
inline constexpr std::size_t kNoticeEntityNameMax = 50;
inline constexpr std::size_t kNoticeEntitySectorMax = 50;
inline constexpr std::size_t kNoticeEntityInfoMax = 100;
inline constexpr std::size_t kNoticeRecipientNameMax = 70;
inline constexpr std::size_t kNoticeRecipientAddressMax = 140;

// The second language of a bilingual notice; pagoPA's guide provides Italian alone or Italian with
// German, English, French or Slovenian.
enum class NoticeLanguage { kItalianOnly, kGerman, kEnglish, kFrench, kSlovenian };

// "it" (Italian only), "de", "en", "fr", "sl"; nullopt for anything else.
inline std::optional<NoticeLanguage> ParseNoticeLanguage(std::string_view code) {
  if (code == "it" || code.empty()) return NoticeLanguage::kItalianOnly;
  if (code == "de") return NoticeLanguage::kGerman;
  if (code == "en") return NoticeLanguage::kEnglish;
  if (code == "fr") return NoticeLanguage::kFrench;
  if (code == "sl") return NoticeLanguage::kSlovenian;
  return std::nullopt;
}

// The creditor institution as the notice prints it.
struct NoticeCreditor {
  std::string fiscal_code;  // ENTE.CF
  std::string name;         // ENTE.NOME
  std::string sector;       // ENTE.SETTORE (may be empty)
  std::string info;         // ENTE.INFO: contact channels (may be empty)
  std::string cbill;        // ENTE.CBILL (may be empty)
  std::string logo_png;     // ENTE.LOGO as PNG bytes; empty = none
  // Bollettino Postale PA: printed when postal_account is set. The DataMatrix goes with it; the
  // authorization line ("AUT. DB/...") is printed when given.
  std::string postal_account;        // <numero_cc_postale>, digits
  std::string postal_holder;         // <intestatario_conto_corrente_postale>; empty = name
  std::string postal_authorization;  // <autorizzazione>
};

struct NoticeRecipient {
  std::string fiscal_code;  // DESTINATARIO.CF; empty when unknown
  std::string full_name;    // DESTINATARIO.NOMECOMPLETO
  std::string address;      // DESTINATARIO.INDIRIZZO, one line
};

// One payable notice number: the single payment or one instalment.
struct NoticePayment {
  std::string notice_number;  // 18 digits
  std::int64_t amount_cents = 0;
  std::optional<Date> due_date;  // none = "senza scadenza"
};

struct NoticeDocument {
  std::string subject;  // AVVISO.OGGETTO
  NoticeCreditor creditor;
  NoticeRecipient recipient;
  std::optional<NoticePayment> single;     // rata unica, if offered
  std::vector<NoticePayment> instalments;  // none, or 2 or more
  NoticeLanguage language = NoticeLanguage::kItalianOnly;
  TimePoint created_at{};  // the PDF's creation date (from the injected clock)
};

struct ReceiptDocument {
  std::string creditor_name;
  std::string creditor_fiscal_code;
  std::string subject;  // what was paid (the option's description), may be empty
  Receipt receipt;
  TimePoint created_at{};
};

}  // namespace incasso
