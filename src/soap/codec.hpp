// paForNode SOAP codec (pagopa-notes.md §1.1; API wsdl/paForNode.wsdl, wsdl/xsd/paForNode.xsd,
// xsd-common/sac-common-types-1.0.xsd): SOAP 1.1 requests from the node into the station's
// use-case types (app/station.hpp), and their answers back into SOAP 1.1 responses.
// Pure functions, no I/O; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "app/station.hpp"
#include "soap/xml.hpp"

namespace incasso::soap {

enum class Operation {
  kVerifyPaymentNotice,
  kGetPayment,
  kGetPaymentV2,
  kSendRT,
  kSendRTV2,
  kDemandPaymentNotice,
};

// The WSDL operation name, which is also the SOAPAction: "paVerifyPaymentNotice", "paGetPayment",
// "paGetPaymentV2", "paSendRT", "paSendRTV2", "paDemandPaymentNotice".
std::string_view OperationName(Operation op);

// The fault code for a request that is not valid: PAA_SINTASSI_XSD for paDemandPaymentNotice,
// PAA_SINTASSI_EXTRAXSD otherwise, also when the operation is unknown (pagopa-notes.md §1.1,
// "PAA_* fault codes": the node's error catalogue per primitive).
std::string_view SyntaxFaultCode(std::optional<Operation> op);

// GetPaymentQuery carries version 1 or 2 for kGetPayment / kGetPaymentV2; SendReceiptCommand's
// receipt.source tells paSendRT from paSendRTV2.
using StationRequest =
    std::variant<VerifyNoticeQuery, GetPaymentQuery, SendReceiptCommand, DemandNoticeQuery>;

struct ParsedRequest {
  Operation operation;
  StationRequest request;
};

struct RequestError {
  // The operation to answer with, when known: the request element in the Body, else the
  // SOAPAction, else (only for a document that could not be parsed) the first request element
  // name found in its first 64 KiB. nullopt: answer with WriteSoapFault(fault.description).
  std::optional<Operation> operation;
  StationHeader header;  // best effort: only values that are themselves valid stText35
  // code = SyntaxFaultCode(operation) (PAA_SYSTEM_ERROR only if the parser itself failed, e.g.
  // out of memory); description names the element and the reason, never quotes a value;
  // id = header.id_pa, or "" (the caller puts the broker's fiscal code there).
  PaaFault fault;
};

// Parses one paForNode request body, under `limits` (XmlLimits defaults: 512 KiB, depth 32, 64
// attributes per element).
// - The operation is the Body's single element, matched by namespace URI (kPaForNodeNs) and local
//   name whatever the prefix; the SOAPAction (bare, quoted, empty or absent) is used only when the
//   body cannot tell, and is ignored when it disagrees with the body.
// - The envelope must be SOAP 1.1 (kSoapEnvelopeNs): optional Header (ignored), then Body.
// - Every field is checked against the XSD: order, occurrence, lengths (in characters), patterns,
//   amounts, booleans, dates. Children are unqualified (the XSD has no elementFormDefault);
//   children qualified with kPaForNodeNs (a default namespace left in scope) are accepted too.
//   Beyond the XSD: receipt/receiptId must be 1..35 characters (stPaymentToken).
// - Hostile XML (DOCTYPE, entities, PIs, too large, too deep, too many attributes, not UTF-8) is
//   refused like any other syntax error; see xml.hpp.
// Results: receipt.original_xml is the whole `body` as received (byte-exact, for audit);
// receipt.source is "paSendRT" or "paSendRTV2"; amounts are cents. A paSendRTV2 transfer paid with
// a digital stamp (MBDAttachment) has an empty iban and stamp set to an empty Stamp{}: the
// attachment itself stays in original_xml. Receipt-level description, companyName, officeName,
// pspPartitaIVA, primaryCiIncurredFee, idBundle and idCiBundle are checked but have no field in
// Receipt: they are kept in original_xml only.
std::variant<ParsedRequest, RequestError> ParseStationRequest(std::string_view body,
                                                              std::string_view soap_action,
                                                              const XmlLimits& limits = {});

// Writers: a complete SOAP 1.1 envelope with the operation's response element, in XSD element
// order. An answer gives outcome OK with its data; a PaaFault gives outcome KO with
// fault{faultCode, faultString = OfficialFaultString(code), id, description}.
//
// The output is always valid against the XSD:
// - free text (descriptions, names, addresses, remittance information, fault description) has
//   characters XML cannot carry replaced (invalid UTF-8 -> U+FFFD, control characters -> space),
//   is escaped, and is cut to the element's maxLength (in characters); empty optional text is
//   left out, as are an e-mail or country that do not match their pattern;
// - identifiers and codes (fiscal codes, notice number, IUV, IBAN, transfer category, metadata,
//   stamp fields, idTransfer, amounts, dates) are never altered: if one is not valid, or a
//   required element is empty, or the counts are wrong (1..5 transfers, 0..15 metadata), or a
//   paGetPayment V1 transfer has no IBAN or has a stamp, the answer becomes outcome KO with
//   PAA_SYSTEM_ERROR, id = `id_pa`, and a description naming the element; `problem` (if given)
//   receives that description, and is cleared otherwise, so the caller can log it.
// paVerifyPaymentNotice / paDemandPaymentNotice also require paymentDescription, fiscalCodePA and
// companyName (SANP primitive.md: mandatory when OK); options is always "EQ".
std::string WriteVerifyPaymentNoticeRes(const StationResult<VerifyNoticeAnswer>& result,
                                        std::string_view id_pa = {},
                                        std::string* problem = nullptr);
std::string WriteGetPaymentRes(const StationResult<PaymentData>& result,
                               std::string_view id_pa = {}, std::string* problem = nullptr);
std::string WriteGetPaymentV2Response(const StationResult<PaymentData>& result,
                                      std::string_view id_pa = {}, std::string* problem = nullptr);
std::string WriteSendRTRes(const StationResult<ReceiptAccepted>& result);
std::string WriteSendRTV2Response(const StationResult<ReceiptAccepted>& result);
std::string WriteDemandPaymentNoticeResponse(const StationResult<DemandNoticeAnswer>& result,
                                             std::string_view id_pa = {},
                                             std::string* problem = nullptr);

// Outcome KO with `f` in `op`'s response element.
std::string WriteFault(Operation op, const PaaFault& f);

// Last resort for a body whose operation cannot be known at all: a SOAP 1.1 Fault with faultcode
// soapenv:Client and `reason` (cleaned and cut to 512 characters) as faultstring. Answer it with
// HTTP 500 (SOAP 1.1 §6.2).
std::string WriteSoapFault(std::string_view reason);

}  // namespace incasso::soap
