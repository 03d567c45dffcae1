#include "render/samples.hpp"

#include "core/time.hpp"
#include "domain/notice_number.hpp"

namespace incasso::render::samples {
namespace {

std::string Nav(std::uint64_t base) { return MakeNoticeNumberAux3("07", base)->nav; }
TimePoint At(const char* iso) { return *ParseDateTime(iso); }

}  // namespace

NoticeDocument Single() {
  NoticeDocument d;
  d.subject = "Tassa sui rifiuti (TARI) 2026";
  d.creditor.fiscal_code = kCreditorFiscalCode;
  d.creditor.name = "Comune di Valdoria";
  d.creditor.sector = "Ufficio Tributi";
  d.creditor.info = "www.comune.valdoria.it - tributi@comune.valdoria.it - 0461 123456";
  d.creditor.cbill = "A1B2C";
  d.recipient.fiscal_code = "RSSMRA80A01H501U";
  d.recipient.full_name = "Mario Rossi";
  d.recipient.address = "Via Roma 1, 38100 Valdoria (TN)";
  d.single = NoticePayment{Nav(1), 123456, Date{std::chrono::year{2026} / 12 / 31}};
  d.created_at = At("2026-11-26T09:30:00Z");
  return d;
}

NoticeDocument Instalments(int n, bool keep_single) {
  NoticeDocument d = Single();
  if (!keep_single) d.single.reset();
  for (int i = 0; i < n; ++i) {
    d.instalments.push_back(
        NoticePayment{Nav(100 + static_cast<std::uint64_t>(i)), 10000 + i,
                      Date{std::chrono::year{2027} /
                           std::chrono::month{static_cast<unsigned>(i % 12 + 1)} / 28}});
  }
  return d;
}

NoticeDocument WithPostal(NoticeDocument d) {
  d.creditor.postal_account = "12345678";
  d.creditor.postal_authorization = "AUT. DB/SSIC/E 12345 DEL 01/01/2024";
  return d;
}

ReceiptDocument Receipt() {
  ReceiptDocument doc;
  doc.creditor_name = "Comune di Valdoria";
  doc.creditor_fiscal_code = kCreditorFiscalCode;
  doc.subject = "Tassa sui rifiuti (TARI) 2026";
  doc.created_at = At("2026-11-28T08:00:00Z");
  incasso::Receipt& r = doc.receipt;
  r.receipt_id = "c110729d258c4ab1b765fe902aae41d6";
  r.notice_number = Nav(1);
  r.fiscal_code = kCreditorFiscalCode;
  r.iuv = r.notice_number.substr(1);
  r.outcome = "OK";
  r.amount = 123456;
  r.fee = 150;
  r.psp_id = "BCITITMM";
  r.psp_company_name = "Banca Esempio S.p.A.";
  r.channel_description = "app";
  r.payment_method = "creditCard";
  r.payment_date_time = At("2026-11-27T15:42:00Z");
  r.received_at = At("2026-11-27T15:42:05Z");
  r.debtor.full_name = "Mario Rossi";
  r.debtor.fiscal_code = "RSSMRA80A01H501U";
  Debtor payer;
  payer.full_name = "Anna Bianchi";
  payer.fiscal_code = "BNCNNA85M41L219X";
  r.payer = payer;
  Transfer t1;
  t1.id_transfer = 1;
  t1.amount = 100000;
  t1.iban = "IT60X0542811101000000123456";
  t1.remittance_information = "TARI quota comunale";
  Transfer t2;
  t2.id_transfer = 2;
  t2.amount = 23456;
  t2.entity_fiscal_code = "00337460224";
  t2.iban = "IT23A0336844430152923842301";
  t2.remittance_information = "TEFA quota provinciale";
  r.transfers = {t1, t2};
  return doc;
}

}  // namespace incasso::render::samples
