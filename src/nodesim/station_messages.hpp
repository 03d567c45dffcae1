// paForNode messages as the node sends and reads them (internal to src/nodesim and its tests).
// Requests are written with fmt templates and soap::EscapeXml; only the wrapper element is
// namespace-qualified, as paForNode.xsd has no elementFormDefault (pagopa-notes.md §1.1).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "nodesim/pay.hpp"
#include "soap/xml.hpp"

namespace incasso::nodesim {

struct StationIds {
  std::string ec_fiscal_code;  // idPA
  std::string broker_id;       // idBrokerPA
  std::string station_id;      // idStation
};

struct MapEntry {
  std::string key;
  std::string value;
};

// ctSubject, as text to be copied through.
struct Subject {
  std::string type;  // F | G
  std::string value;
  std::string full_name;
  std::string street_name, civic_number, postal_code, city, state_province_region, country, email;
};

// ctTransferPA / ctTransferPAV2.
struct StationTransfer {
  int id_transfer = 1;
  std::int64_t amount_cents = 0;
  std::string fiscal_code_pa;
  std::string company_name;  // V2 only, optional
  std::string iban;          // empty for a stamp
  bool stamp = false;        // V2 richiestaMarcaDaBollo
  std::string stamp_hash, stamp_type, stamp_province;
  std::string remittance_information;
  std::string transfer_category;
  std::vector<MapEntry> metadata;
};

// ctPaymentPA / ctPaymentPAV2: paGetPayment's data.
struct StationPayment {
  std::string creditor_reference_id;
  std::int64_t amount_cents = 0;
  std::string due_date;
  std::string description;
  std::string company_name;
  std::string office_name;
  Subject debtor;
  std::vector<StationTransfer> transfers;
  std::vector<MapEntry> metadata;
};

// paVerifyPaymentNoticeRes, the parts the PSP shows.
struct VerifyInfo {
  std::int64_t amount_cents = 0;
  std::string payment_description;
  std::string fiscal_code_pa;
  std::string company_name;
};

// SOAPAction and body of each request.
std::string VerifyRequestXml(const StationIds& ids, std::string_view notice_number);
std::string GetPaymentRequestXml(const StationIds& ids, std::string_view notice_number, int version,
                                 std::optional<std::int64_t> amount_cents,
                                 std::string_view payment_note, bool postal);

struct ReceiptInput {
  std::string receipt_id;  // the payment token
  std::string notice_number;
  std::string company_name_fallback;  // when paGetPayment (V1) gave no companyName
  StationPayment payment;
  PspIdentity psp;
  TimePoint paid_at{};
  std::string payment_note;  // V2 only
};
std::string SendRtRequestXml(const StationIds& ids, int version, const ReceiptInput& input);

// The @e.bollo document the PSP attaches to a stamp transfer (MBDAttachment): a marcaDaBollo of
// xsd-common/MarcaDaBollo.xsd whose signature is a structurally valid placeholder, not a real one.
std::string MarcaDaBolloXml(const StationTransfer& transfer, const PspIdentity& psp,
                            std::string_view iubd, TimePoint bought_at);

// A station's answer to one call, read as the node reads it.
struct StationAnswer {
  std::string outcome;                                // OK | KO | ERROR
  std::string fault_code, fault_string, description;  // KO: the fault; ERROR: description
  std::optional<soap::XmlDocument> document;          // keeps `response` alive
  soap::XmlElement response;                          // the response element (OK or KO)
};

// Checks HTTP status, SOAP envelope, the expected response element in the paForNode namespace,
// outcome and fault (OK with a fault, or KO without one, is an ERROR).
StationAnswer ReadStationAnswer(int http_status, std::string_view body,
                                std::string_view response_element);

// Reads the data of an OK answer, applying the checks the node makes (pagopa-notes.md §1.1:
// 1..5 transfers with distinct idTransfer, Σ transferAmount == paymentAmount, IBAN or — V2 only —
// a stamp request). Errors are kInvalidArgument naming the element.
Result<VerifyInfo> ReadVerifyInfo(const soap::XmlElement& response);
Result<StationPayment> ReadStationPayment(const soap::XmlElement& response, int version);

}  // namespace incasso::nodesim
