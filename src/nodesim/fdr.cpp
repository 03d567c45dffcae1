#include "nodesim/fdr.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <utility>

#include "core/money.hpp"
#include "soap/xml.hpp"

namespace incasso::nodesim {

using soap::EscapeXml;

void FdrLedger::Add(DeliveredReceipt receipt) {
  std::lock_guard lock(mu_);
  const Date day = std::chrono::floor<std::chrono::days>(receipt.payment_time);
  for (const DeliveredTransfer& t : receipt.transfers) {
    if (t.stamp) continue;
    const Key key{receipt.id_psp, t.fiscal_code_pa, day};
    auto it = flows_.find(key);
    if (it == flows_.end()) {
      Flow flow;
      const int progressive = ++next_progressive_[receipt.id_psp];
      flow.summary.id = fmt::format("{}{}-{:07d}", FormatDate(day), receipt.id_psp, progressive);
      flow.summary.id_psp = receipt.id_psp;
      flow.summary.fiscal_code = t.fiscal_code_pa;
      flow.summary.day = day;
      flow.psp_company_name = receipt.psp_company_name;
      by_id_.emplace(flow.summary.id, key);
      it = flows_.emplace(key, std::move(flow)).first;
    }
    Flow& flow = it->second;
    if (flow.receiver_name.empty()) flow.receiver_name = t.company_name;
    flow.summary.flow_time = std::max(flow.summary.flow_time, receipt.payment_time);
    flow.summary.payments += 1;
    flow.summary.total_cents += t.amount_cents;
    flow.payments.push_back(
        {receipt.creditor_reference_id, receipt.receipt_id, t.id_transfer, t.amount_cents});
  }
  receipts_.push_back(std::move(receipt));
}

std::vector<DeliveredReceipt> FdrLedger::Receipts() const {
  std::lock_guard lock(mu_);
  return receipts_;
}

std::vector<FlowSummary> FdrLedger::ListFlows(std::string_view fiscal_code,
                                              std::string_view id_psp) const {
  std::lock_guard lock(mu_);
  std::vector<FlowSummary> out;
  for (const auto& [id, key] : by_id_) {
    const FlowSummary& s = flows_.at(key).summary;
    if (!fiscal_code.empty() && s.fiscal_code != fiscal_code) continue;
    if (!id_psp.empty() && s.id_psp != id_psp) continue;
    out.push_back(s);
  }
  return out;
}

std::optional<std::string> FdrLedger::FlowXml(std::string_view flow_id) const {
  std::lock_guard lock(mu_);
  auto it = by_id_.find(std::string(flow_id));
  if (it == by_id_.end()) return std::nullopt;
  return BuildXml(flows_.at(it->second));
}

std::string FdrLedger::BuildXml(const Flow& flow) const {
  const FlowSummary& s = flow.summary;
  const std::string day = FormatDate(s.day);
  std::string payments;
  for (const Payment& p : flow.payments) {
    // codiceEsitoSingoloPagamento 0: "pagamento eseguito" (SACI 3.0 flusso di rendicontazione).
    payments += fmt::format(
        "<datiSingoliPagamenti>"
        "<identificativoUnivocoVersamento>{}</identificativoUnivocoVersamento>"
        "<identificativoUnivocoRiscossione>{}</identificativoUnivocoRiscossione>"
        "<indiceDatiSingoloPagamento>{}</indiceDatiSingoloPagamento>"
        "<singoloImportoPagato>{}</singoloImportoPagato>"
        "<codiceEsitoSingoloPagamento>0</codiceEsitoSingoloPagamento>"
        "<dataEsitoSingoloPagamento>{}</dataEsitoSingoloPagamento>"
        "</datiSingoliPagamenti>",
        EscapeXml(p.iuv), EscapeXml(p.iur), p.index, FormatAmount(p.amount_cents), day);
  }
  // denominazioneMittente is stText70 (3..70 chars) in this XSD; left out when it does not fit.
  std::string sender_name;
  if (flow.psp_company_name.size() >= 3 && flow.psp_company_name.size() <= 70) {
    sender_name = fmt::format("<denominazioneMittente>{}</denominazioneMittente>",
                              EscapeXml(flow.psp_company_name));
  }
  std::string receiver_name;
  if (!flow.receiver_name.empty() && flow.receiver_name.size() <= 140) {
    receiver_name = fmt::format("<denominazioneRicevente>{}</denominazioneRicevente>",
                                EscapeXml(flow.receiver_name));
  }
  // The settlement (SCT) identifier: one transfer per flow (SACI 3.0 riversamento).
  const std::string regulation =
      fmt::format("SIMTRN{}{}", day.substr(0, 4) + day.substr(5, 2) + day.substr(8, 2),
                  flow.summary.id.substr(flow.summary.id.size() - 7));
  return fmt::format(
      R"(<?xml version="1.0" encoding="UTF-8"?>)"
      "\n"
      R"(<FlussoRiversamento xmlns="http://www.digitpa.gov.it/schemas/2011/Pagamenti/">)"
      "<versioneOggetto>1.0</versioneOggetto>"
      "<identificativoFlusso>{}</identificativoFlusso>"
      "<dataOraFlusso>{}</dataOraFlusso>"
      "<identificativoUnivocoRegolamento>{}</identificativoUnivocoRegolamento>"
      "<dataRegolamento>{}</dataRegolamento>"
      "<istitutoMittente><identificativoUnivocoMittente>"
      "<tipoIdentificativoUnivoco>B</tipoIdentificativoUnivoco>"
      "<codiceIdentificativoUnivoco>{}</codiceIdentificativoUnivoco>"
      "</identificativoUnivocoMittente>{}</istitutoMittente>"
      "<istitutoRicevente><identificativoUnivocoRicevente>"
      "<tipoIdentificativoUnivoco>G</tipoIdentificativoUnivoco>"
      "<codiceIdentificativoUnivoco>{}</codiceIdentificativoUnivoco>"
      "</identificativoUnivocoRicevente>{}</istitutoRicevente>"
      "<numeroTotalePagamenti>{}</numeroTotalePagamenti>"
      "<importoTotalePagamenti>{}</importoTotalePagamenti>"
      "{}</FlussoRiversamento>\n",
      EscapeXml(s.id), FormatDateTime(s.flow_time), regulation, day, EscapeXml(s.id_psp),
      sender_name, EscapeXml(s.fiscal_code), receiver_name, s.payments, FormatAmount(s.total_cents),
      payments);
}

}  // namespace incasso::nodesim
