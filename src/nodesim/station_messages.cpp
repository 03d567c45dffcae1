#include "nodesim/station_messages.hpp"

#include <fmt/format.h>

#include <chrono>
#include <set>
#include <utility>

#include "core/money.hpp"
#include "core/time.hpp"
#include "nodesim/codec.hpp"

namespace incasso::nodesim {
namespace {

using soap::EscapeXml;
using soap::XmlElement;

constexpr std::string_view kEnvelopeOpen =
    R"(<?xml version="1.0" encoding="UTF-8"?>)"
    "\n"
    R"(<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" )"
    R"(xmlns:pafn="http://pagopa-api.pagopa.gov.it/pa/paForNode.xsd">)"
    "<soapenv:Header/><soapenv:Body>";
constexpr std::string_view kEnvelopeClose = "</soapenv:Body></soapenv:Envelope>\n";

// "<name>escaped</name>", or "" when `value` is empty (an optional element left out).
std::string Opt(std::string_view name, std::string_view value) {
  if (value.empty()) return {};
  return fmt::format("<{0}>{1}</{0}>", name, EscapeXml(value));
}

std::string Req(std::string_view name, std::string_view value) {
  return fmt::format("<{0}>{1}</{0}>", name, EscapeXml(value));
}

std::string Header(const StationIds& ids) {
  return Req("idPA", ids.ec_fiscal_code) + Req("idBrokerPA", ids.broker_id) +
         Req("idStation", ids.station_id);
}

std::string MetadataXml(const std::vector<MapEntry>& metadata) {
  if (metadata.empty()) return {};
  std::string out = "<metadata>";
  for (const auto& e : metadata) {
    out += "<mapEntry>" + Req("key", e.key) + Req("value", e.value) + "</mapEntry>";
  }
  return out + "</metadata>";
}

std::string SubjectXml(std::string_view element, const Subject& s) {
  return fmt::format(
      "<{0}><uniqueIdentifier>{1}{2}</uniqueIdentifier>{3}{4}{5}{6}{7}{8}{9}{10}</{0}>", element,
      Req("entityUniqueIdentifierType", s.type), Req("entityUniqueIdentifierValue", s.value),
      Req("fullName", s.full_name), Opt("streetName", s.street_name),
      Opt("civicNumber", s.civic_number), Opt("postalCode", s.postal_code), Opt("city", s.city),
      Opt("stateProvinceRegion", s.state_province_region), Opt("country", s.country),
      Opt("e-mail", s.email));
}

std::string Text(const XmlElement& parent, std::string_view name) {
  return parent.ChildText(name).value_or("");
}

Result<std::int64_t> Amount(const XmlElement& parent, std::string_view name) {
  auto text = parent.ChildText(name);
  if (!text) return InvalidArgument(std::string(name), "missing");
  return ParseAmount(*text, name);
}

std::vector<MapEntry> ReadMetadata(const XmlElement& parent) {
  std::vector<MapEntry> out;
  const XmlElement metadata = parent.Child("metadata");
  if (!metadata.valid()) return out;
  for (const XmlElement& entry : metadata.ChildrenNamed("mapEntry")) {
    out.push_back({Text(entry, "key"), Text(entry, "value")});
  }
  return out;
}

Result<Subject> ReadSubject(const XmlElement& parent, std::string_view name) {
  const XmlElement e = parent.Child(name);
  if (!e.valid()) return InvalidArgument(std::string(name), "missing");
  Subject s;
  s.type = e.PathText("uniqueIdentifier/entityUniqueIdentifierType").value_or("");
  s.value = e.PathText("uniqueIdentifier/entityUniqueIdentifierValue").value_or("");
  s.full_name = Text(e, "fullName");
  if (s.type.empty() || s.value.empty() || s.full_name.empty()) {
    return InvalidArgument(std::string(name), "uniqueIdentifier and fullName are required");
  }
  s.street_name = Text(e, "streetName");
  s.civic_number = Text(e, "civicNumber");
  s.postal_code = Text(e, "postalCode");
  s.city = Text(e, "city");
  s.state_province_region = Text(e, "stateProvinceRegion");
  s.country = Text(e, "country");
  s.email = Text(e, "e-mail");
  return s;
}

std::string SoapAddress(std::string_view operation, std::string_view body) {
  return fmt::format("{}<pafn:{}>{}</pafn:{}>{}", kEnvelopeOpen, operation, body, operation,
                     kEnvelopeClose);
}

}  // namespace

std::string VerifyRequestXml(const StationIds& ids, std::string_view notice_number) {
  return SoapAddress("paVerifyPaymentNoticeReq",
                     Header(ids) + "<qrCode>" + Req("fiscalCode", ids.ec_fiscal_code) +
                         Req("noticeNumber", notice_number) + "</qrCode>");
}

std::string GetPaymentRequestXml(const StationIds& ids, std::string_view notice_number, int version,
                                 std::optional<std::int64_t> amount_cents,
                                 std::string_view payment_note, bool postal) {
  std::string body = Header(ids) + "<qrCode>" + Req("fiscalCode", ids.ec_fiscal_code) +
                     Req("noticeNumber", notice_number) + "</qrCode>";
  if (amount_cents) body += Req("amount", FormatAmount(*amount_cents));
  body += Opt("paymentNote", payment_note);
  if (postal) body += Req("transferType", "POSTAL");
  return SoapAddress(version == 2 ? "paGetPaymentV2Request" : "paGetPaymentReq", body);
}

std::string MarcaDaBolloXml(const StationTransfer& transfer, const PspIdentity& psp,
                            std::string_view iubd, TimePoint bought_at) {
  // A placeholder signature: structurally what xmldsig requires, cryptographically nothing.
  constexpr std::string_view kPlaceholderSignature =
      R"(<ds:Signature><ds:SignedInfo>)"
      R"(<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>)"
      R"(<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>)"
      R"(<ds:Reference URI=""><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>)"
      R"(<ds:DigestValue>AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=</ds:DigestValue></ds:Reference>)"
      R"(</ds:SignedInfo><ds:SignatureValue>U0lNVUxBVE8=</ds:SignatureValue></ds:Signature>)";
  return fmt::format(R"(<?xml version="1.0" encoding="UTF-8"?>)"
                     R"(<marcaDaBollo xmlns="http://www.agenziaentrate.gov.it/2014/MarcaDaBollo" )"
                     R"(xmlns:ds="http://www.w3.org/2000/09/xmldsig#">)"
                     "<PSP><CodiceFiscale>{}</CodiceFiscale><Denominazione>{}</Denominazione></PSP>"
                     "<IUBD>{}</IUBD><OraAcquisto>{}</OraAcquisto><Importo>{}</Importo>"
                     "<TipoBollo>{}</TipoBollo><ImprontaDocumento>"
                     R"(<DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>)"
                     "<ds:DigestValue>{}</ds:DigestValue></ImprontaDocumento>{}</marcaDaBollo>",
                     EscapeXml(psp.psp_fiscal_code), EscapeXml(psp.company_name), EscapeXml(iubd),
                     FormatDateTime(bought_at), FormatAmount(transfer.amount_cents),
                     EscapeXml(transfer.stamp_type.empty() ? "01" : transfer.stamp_type),
                     EscapeXml(transfer.stamp_hash), kPlaceholderSignature);
}

std::string SendRtRequestXml(const StationIds& ids, int version, const ReceiptInput& in) {
  const StationPayment& p = in.payment;
  const std::string day = FormatDate(std::chrono::floor<std::chrono::days>(in.paid_at));
  std::string transfers = "<transferList>";
  for (const StationTransfer& t : p.transfers) {
    transfers += "<transfer>" + Req("idTransfer", std::to_string(t.id_transfer)) +
                 Req("transferAmount", FormatAmount(t.amount_cents)) +
                 Req("fiscalCodePA", t.fiscal_code_pa);
    if (version == 2) {
      transfers += Opt("companyName", t.company_name);
      if (t.stamp) {
        const std::string iubd = fmt::format("{}{}", in.receipt_id.substr(0, 16), t.id_transfer);
        transfers +=
            Req("MBDAttachment", Base64Encode(MarcaDaBolloXml(t, in.psp, iubd, in.paid_at)));
      } else {
        transfers += Req("IBAN", t.iban);
      }
    } else {
      transfers += Req("IBAN", t.iban);
    }
    transfers += Req("remittanceInformation", t.remittance_information) +
                 Req("transferCategory", t.transfer_category) + MetadataXml(t.metadata) +
                 "</transfer>";
  }
  transfers += "</transferList>";

  const std::string company_name =
      !p.company_name.empty() ? p.company_name : in.company_name_fallback;
  std::string receipt =
      Req("receiptId", in.receipt_id) + Req("noticeNumber", in.notice_number) +
      Req("fiscalCode", ids.ec_fiscal_code) + Req("outcome", "OK") +
      Req("creditorReferenceId", p.creditor_reference_id) +
      Req("paymentAmount", FormatAmount(p.amount_cents)) + Req("description", p.description) +
      Req("companyName", company_name) + Opt("officeName", p.office_name) +
      SubjectXml("debtor", p.debtor) + transfers + Req("idPSP", in.psp.id_psp) +
      Opt("pspFiscalCode", in.psp.psp_fiscal_code) + Opt("pspPartitaIVA", in.psp.psp_partita_iva) +
      Req("PSPCompanyName", in.psp.company_name) + Req("idChannel", in.psp.id_channel) +
      Req("channelDescription", in.psp.channel_description) + SubjectXml("payer", p.debtor) +
      Opt("paymentMethod", in.psp.payment_method);
  if (version == 2) receipt += Opt("paymentNote", in.payment_note);
  receipt += Req("fee", FormatAmount(in.psp.fee_cents));
  receipt += Req("paymentDateTime", FormatDateTime(in.paid_at)) + Req("applicationDate", day) +
             Req("transferDate", day) + MetadataXml(p.metadata) + Req("standIn", "false");
  return SoapAddress(version == 2 ? "paSendRTV2Request" : "paSendRTReq",
                     Header(ids) + "<receipt>" + receipt + "</receipt>");
}

StationAnswer ReadStationAnswer(int http_status, std::string_view body,
                                std::string_view response_element) {
  StationAnswer answer;
  answer.outcome = "ERROR";
  auto doc = soap::ParseXml(body);
  if (!doc.ok()) {
    answer.description =
        fmt::format("HTTP {}: the response is not XML ({})", http_status, doc.error().message);
    return answer;
  }
  answer.document.emplace(std::move(doc).value());
  const XmlElement root = answer.document->Root();
  const XmlElement soap_body = root.Child("Body", soap::kSoapEnvelopeNs);
  if (root.LocalName() != "Envelope" || root.NamespaceUri() != soap::kSoapEnvelopeNs ||
      !soap_body.valid()) {
    answer.description =
        fmt::format("HTTP {}: the response is not a SOAP 1.1 envelope", http_status);
    return answer;
  }
  const XmlElement soap_fault = soap_body.Child("Fault", soap::kSoapEnvelopeNs);
  if (soap_fault.valid()) {
    answer.description = fmt::format("HTTP {}: SOAP fault {}: {}", http_status,
                                     soap_fault.ChildText("faultcode").value_or("?"),
                                     soap_fault.ChildText("faultstring").value_or(""));
    return answer;
  }
  const XmlElement res = soap_body.Child(response_element, soap::kPaForNodeNs);
  if (!res.valid()) {
    answer.description =
        fmt::format("HTTP {}: no {} in the paForNode namespace", http_status, response_element);
    return answer;
  }
  if (http_status != 200) {
    answer.description = fmt::format("HTTP {} with a {}", http_status, response_element);
    return answer;
  }
  const std::string outcome = Text(res, "outcome");
  const XmlElement fault = res.Child("fault");
  if (outcome == "OK" && !fault.valid()) {
    answer.outcome = "OK";
  } else if (outcome == "KO" && fault.valid()) {
    answer.outcome = "KO";
    answer.fault_code = Text(fault, "faultCode");
    answer.fault_string = Text(fault, "faultString");
    answer.description = Text(fault, "description");
  } else {
    answer.description = fmt::format("outcome \"{}\" {} a fault: the node rejects it", outcome,
                                     fault.valid() ? "with" : "without");
    return answer;
  }
  answer.response = res;
  return answer;
}

Result<VerifyInfo> ReadVerifyInfo(const XmlElement& response) {
  VerifyInfo info;
  auto amount_text = response.PathText("paymentList/paymentOptionDescription/amount");
  if (!amount_text) return InvalidArgument("paymentList", "missing (mandatory when OK)");
  auto amount = ParseAmount(*amount_text, "paymentOptionDescription/amount");
  if (!amount.ok()) return amount.error();
  info.amount_cents = *amount;
  info.payment_description = Text(response, "paymentDescription");
  info.fiscal_code_pa = Text(response, "fiscalCodePA");
  info.company_name = Text(response, "companyName");
  if (info.payment_description.empty() || info.fiscal_code_pa.empty() ||
      info.company_name.empty()) {
    return InvalidArgument(
        "paymentDescription",
        "paymentDescription, fiscalCodePA and companyName are mandatory when OK");
  }
  return info;
}

Result<StationPayment> ReadStationPayment(const XmlElement& response, int version) {
  const XmlElement data = response.Child("data");
  if (!data.valid()) return InvalidArgument("data", "missing (mandatory when OK)");
  StationPayment p;
  p.creditor_reference_id = Text(data, "creditorReferenceId");
  if (p.creditor_reference_id.empty()) return InvalidArgument("creditorReferenceId", "missing");
  auto amount = Amount(data, "paymentAmount");
  if (!amount.ok()) return amount.error();
  p.amount_cents = *amount;
  p.due_date = Text(data, "dueDate");
  p.description = Text(data, "description");
  if (p.description.empty()) return InvalidArgument("description", "missing");
  p.company_name = Text(data, "companyName");
  if (version == 2 && p.company_name.empty()) return InvalidArgument("companyName", "missing");
  p.office_name = Text(data, "officeName");
  auto debtor = ReadSubject(data, "debtor");
  if (!debtor.ok()) return debtor.error();
  p.debtor = std::move(debtor).value();
  p.metadata = ReadMetadata(data);

  const XmlElement list = data.Child("transferList");
  const auto transfers = list.valid() ? list.ChildrenNamed("transfer") : std::vector<XmlElement>{};
  if (transfers.empty() || transfers.size() > 5) {
    return InvalidArgument("transferList", "1 to 5 transfers are required");
  }
  std::set<int> ids;
  std::int64_t sum = 0;
  for (std::size_t i = 0; i < transfers.size(); ++i) {
    const XmlElement& x = transfers[i];
    const std::string field = fmt::format("transferList/transfer[{}]", i);
    StationTransfer t;
    const std::string id = Text(x, "idTransfer");
    if (id.size() != 1 || id[0] < '1' || id[0] > '5' || !ids.insert(id[0] - '0').second) {
      return InvalidArgument(field + "/idTransfer", "must be 1..5 and distinct");
    }
    t.id_transfer = id[0] - '0';
    auto transfer_amount = Amount(x, "transferAmount");
    if (!transfer_amount.ok()) return InvalidArgument(field + "/transferAmount", "invalid");
    t.amount_cents = *transfer_amount;
    sum += t.amount_cents;
    t.fiscal_code_pa = Text(x, "fiscalCodePA");
    if (t.fiscal_code_pa.empty()) return InvalidArgument(field + "/fiscalCodePA", "missing");
    t.company_name = Text(x, "companyName");
    t.iban = Text(x, "IBAN");
    const XmlElement stamp = x.Child("richiestaMarcaDaBollo");
    if (stamp.valid()) {
      if (version != 2) return InvalidArgument(field, "a stamp needs paGetPaymentV2");
      t.stamp = true;
      t.stamp_hash = Text(stamp, "hashDocumento");
      t.stamp_type = Text(stamp, "tipoBollo");
      t.stamp_province = Text(stamp, "provinciaResidenza");
    } else if (t.iban.empty()) {
      return InvalidArgument(field + "/IBAN", "missing");
    }
    t.remittance_information = Text(x, "remittanceInformation");
    t.transfer_category = Text(x, "transferCategory");
    if (t.remittance_information.empty() || t.transfer_category.empty()) {
      return InvalidArgument(field, "remittanceInformation and transferCategory are required");
    }
    t.metadata = ReadMetadata(x);
    p.transfers.push_back(std::move(t));
  }
  if (sum != p.amount_cents) {
    return InvalidArgument("paymentAmount",
                           fmt::format("{} is not the sum of the transfers ({})",
                                       FormatAmount(p.amount_cents), FormatAmount(sum)));
  }
  return p;
}

}  // namespace incasso::nodesim
