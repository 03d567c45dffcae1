#include "api/v1_json.hpp"

#include "api/gpd_json.hpp"
#include "core/time.hpp"

namespace incasso {
namespace {

namespace json = boost::json;

json::value TimeOrNull(const std::optional<TimePoint>& t) {
  if (!t) return nullptr;
  return json::value(FormatDateTime(*t));
}

json::object DebtorJson(const Debtor& d) {
  return json::object{{"type", ToString(d.type)},
                      {"fiscalCode", d.fiscal_code},
                      {"fullName", d.full_name},
                      {"streetName", d.street_name},
                      {"civicNumber", d.civic_number},
                      {"postalCode", d.postal_code},
                      {"city", d.city},
                      {"province", d.province},
                      {"country", d.country},
                      {"email", d.email}};
}

json::array MetadataJson(const std::vector<Metadata>& list) {
  json::array out;
  for (const auto& m : list) out.push_back(json::object{{"key", m.key}, {"value", m.value}});
  return out;
}

}  // namespace

json::object ReceiptV1Json(const StoredReceipt& s) {
  const Receipt& r = s.receipt;
  json::array transfers;
  for (const auto& t : r.transfers) {
    json::object o{{"idTransfer", t.id_transfer},
                   {"amount", t.amount},
                   {"organizationFiscalCode", t.entity_fiscal_code},
                   {"remittanceInformation", t.remittance_information},
                   {"category", t.category},
                   {"iban", t.iban.empty() ? json::value(nullptr) : json::value(t.iban)},
                   {"stamp", t.stamp.has_value()},
                   {"metadata", MetadataJson(t.metadata)}};
    transfers.push_back(std::move(o));
  }
  json::object o;
  o["receiptId"] = r.receipt_id;
  o["noticeNumber"] = r.notice_number;
  o["iuv"] = r.iuv;
  o["organizationFiscalCode"] = r.fiscal_code;
  o["outcome"] = r.outcome;
  o["amount"] = r.amount;
  o["fee"] = r.fee ? json::value(*r.fee) : json::value(nullptr);
  o["kind"] = s.kind;
  o["source"] = r.source;
  o["standIn"] = r.stand_in;
  o["paymentDateTime"] = TimeOrNull(r.payment_date_time);
  o["applicationDate"] = r.application_date;
  o["transferDate"] = r.transfer_date;
  o["receivedAt"] = FormatDateTime(r.received_at);
  o["psp"] = json::object{{"id", r.psp_id},
                          {"fiscalCode", r.psp_fiscal_code},
                          {"companyName", r.psp_company_name},
                          {"channelId", r.channel_id},
                          {"channelDescription", r.channel_description}};
  o["paymentMethod"] = r.payment_method;
  o["paymentNote"] = r.payment_note;
  o["debtor"] = DebtorJson(r.debtor);
  o["payer"] = r.payer ? json::value(DebtorJson(*r.payer)) : json::value(nullptr);
  o["transfers"] = std::move(transfers);
  o["metadata"] = MetadataJson(r.metadata);
  return o;
}

json::object PaymentV1Json(const PaymentRow& p) {
  const PaymentOption& o = p.option;
  return json::object{{"iupd", p.iupd},
                      {"positionStatus", ToString(p.position_status)},
                      {"debtor", json::object{{"type", ToString(p.debtor_type)},
                                              {"fiscalCode", p.debtor_fiscal_code},
                                              {"fullName", p.debtor_full_name}}},
                      {"companyName", p.company_name},
                      {"iuv", o.iuv},
                      {"noticeNumber", o.nav},
                      {"amount", o.amount},
                      {"fee", o.fee},
                      {"description", o.description},
                      {"isPartialPayment", o.is_partial_payment},
                      {"dueDate", FormatDateTime(o.due_date)},
                      {"retentionDate", TimeOrNull(o.retention_date)},
                      {"status", ToString(o.status)},
                      {"paymentDate", TimeOrNull(o.payment_date)}};
}

json::object ServiceV1Json(const Service& s) {
  auto cents = [](bool present, std::int64_t v) {
    return present ? json::value(v) : json::value(nullptr);
  };
  return json::object{{"code", s.code},
                      {"name", s.name},
                      {"description", s.description},
                      {"taxonomyCode", s.taxonomy_code},
                      {"iban", s.iban},
                      {"amountRule", ToString(s.amount_rule)},
                      {"amount", cents(s.amount_rule == AmountRule::kFixed, s.amount_cents)},
                      {"minAmount", cents(s.amount_rule == AmountRule::kRange, s.min_cents)},
                      {"maxAmount", cents(s.amount_rule == AmountRule::kRange, s.max_cents)},
                      {"spontaneous", s.spontaneous},
                      {"active", s.active}};
}

json::object WebhookEndpointV1Json(const WebhookEndpoint& e, bool with_secret) {
  json::object o = json::parse(WebhookEndpointToJson(e)).as_object();
  if (with_secret) o["secret"] = e.secret;
  return o;
}

json::object WebhookDeliveryV1Json(const WebhookDelivery& d) {
  return json::parse(WebhookDeliveryToJson(d)).as_object();
}

}  // namespace incasso
