// The station's use cases: what the national node asks of the platform through paForNode
// (pagopa-notes.md §1.1), for every intermediated institution. Transport-free: soap/ parses the
// XML into these queries and writes these answers back; the node simulator and the tests call them
// too. Faults are values (PaaFault), answered to the node as outcome KO.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "app/context.hpp"
#include "core/time.hpp"
#include "domain/position.hpp"
#include "domain/receipt.hpp"

namespace incasso {

// Which broker and stations this deployment answers for ([pagopa] in the configuration; when the
// configuration leaves them empty, the intermediary and stations stored in the database).
struct StationConfig {
  std::string broker_fiscal_code;         // idBrokerPA
  std::vector<std::string> station_ids;   // idStation values served
};

// The header every paForNode request carries.
struct StationHeader {
  std::string id_pa;          // the creditor institution's fiscal code
  std::string id_broker_pa;
  std::string id_station;
};

// A fault answered with outcome KO. `code` is a PAA_* code of the official list; `id` is who
// emits it: the institution's fiscal code where known, else the broker's (ctFaultBean.id).
struct PaaFault {
  std::string code;
  std::string description;  // free text for the node's operators; never personal data
  std::string id;
};

// The official faultString of a PAA_* code (pagopa-notes.md §1.1 table); "Errore generico" for
// codes not in the table.
std::string_view OfficialFaultString(std::string_view code);

template <typename T>
using StationResult = std::variant<T, PaaFault>;

// --- paVerifyPaymentNotice ---
struct VerifyNoticeQuery {
  StationHeader header;
  std::string fiscal_code;    // qrCode/fiscalCode
  std::string notice_number;  // qrCode/noticeNumber
};

struct VerifyNoticeAnswer {
  std::int64_t amount = 0;  // current amount of the option (SANP best practice: always refreshed)
  std::optional<Date> due_date;
  std::string detail_description;
  // True when every transfer can be credited on a postal account as well (all IBANs postal, or a
  // postal IBAN present for each transfer), so Poste can collect it (allCCP, paForNode.xsd).
  bool all_ccp = false;
  std::string payment_description;
  std::string fiscal_code_pa;
  std::string company_name;
  std::string office_name;
};

// --- paGetPayment / paGetPaymentV2 ---
struct GetPaymentQuery {
  StationHeader header;
  std::string fiscal_code;
  std::string notice_number;
  std::optional<std::int64_t> amount;
  std::string payment_note;   // Checkout's idCart for portal payments
  std::string transfer_type;  // "", "POSTAL" or "PAGOPA"
  std::optional<Date> due_date;
  int version = 1;            // 1 = paGetPayment, 2 = paGetPaymentV2 (stamps allowed)
};

struct PaymentData {
  std::string creditor_reference_id;  // the IUV
  std::int64_t payment_amount = 0;    // == sum of transfers
  Date due_date{};
  std::optional<TimePoint> retention_date;
  bool last_payment = false;
  std::string description;
  std::string company_name;
  std::string office_name;
  Debtor debtor;
  // 1..5; every transfer has entity_fiscal_code set, and either iban (postal IBAN when the node
  // asked transferType POSTAL and one exists) or, in V2 only, a stamp.
  std::vector<Transfer> transfers;
  std::vector<Metadata> metadata;
};

// --- paSendRT / paSendRTV2 ---
struct SendReceiptCommand {
  StationHeader header;
  Receipt receipt;  // parsed receipt; original_xml and source ("paSendRT"/"paSendRTV2") set
};

// How a receipt relates to what incasso knows (kept with the receipt, shown as anomalies).
enum class ReceiptKind {
  kNormal,          // the expected payment of an open option
  kNotActivated,    // no paGetPayment was seen for the notice (Stand-In or broadcast)
  kSecondary,       // broadcast to a secondary institution of a multi-beneficiary payment
  kUnknownNotice,   // no option with this notice number: kept, never thrown away
  kAlreadyPaid,     // the option was already paid by another receipt (double payment)
  kAmountMismatch,  // the amount differs from the option's (e.g. a Stand-In with old data)
  kNotPayable,      // the position could not be paid (draft, not yet valid, cancelled, expired):
                    // kept, the position is left alone, the institution refunds or reinstates
};
const char* ToString(ReceiptKind k);

struct ReceiptAccepted {
  ReceiptKind kind = ReceiptKind::kNormal;
  std::optional<PositionStatus> new_status;  // the position's status after this receipt, if changed
};

// --- paDemandPaymentNotice ---
struct DemandNoticeQuery {
  StationHeader header;
  std::string service_id;          // idServizio (5 chars): the service code in the catalogue
  std::string subject_id;          // idSoggettoServizio
  std::string service_data_base64; // datiSpecificiServizioRequest
};

struct DemandNoticeAnswer {
  std::string fiscal_code_pa;
  std::string notice_number;
  VerifyNoticeAnswer option;  // as paVerifyPaymentNotice would answer for the new notice
};

// Use cases. Contracts:
// - Header checks first: idBrokerPA not ours -> PAA_ID_INTERMEDIARIO_ERRATO; idStation not served
//   -> PAA_STAZIONE_INT_ERRATA; idPA (or qrCode/fiscalCode) not an active intermediated
//   institution -> PAA_ID_DOMINIO_ERRATO.
// - Position state (GPD PartnerService): not found, DRAFT, or PUBLISHED before its validity date
//   -> PAA_PAGAMENTO_SCONOSCIUTO; EXPIRED -> PAA_PAGAMENTO_SCADUTO; INVALID ->
//   PAA_PAGAMENTO_ANNULLATO; the option or position paid/reported -> PAA_PAGAMENTO_DUPLICATO.
// - VerifyNotice and GetPayment never change anything (paGetPayment "è una GET", pagopa-api #120),
//   and answer the same data to repeated calls.
// - AcceptReceipt stores the receipt and its effects (option paid, position PAID or
//   PARTIALLY_PAID, an outbox notification) in one transaction that is durable before it returns;
//   the same receiptId again -> PAA_RECEIPT_DUPLICATA and nothing changes; receipts that do not
//   match an open option are stored with their ReceiptKind, never refused.
// - Database trouble -> PAA_SYSTEM_ERROR (never an exception).
StationResult<VerifyNoticeAnswer> VerifyNotice(AppContext& ctx, const StationConfig& config,
                                               const VerifyNoticeQuery& query);
StationResult<PaymentData> GetPayment(AppContext& ctx, const StationConfig& config,
                                      const GetPaymentQuery& query);
StationResult<ReceiptAccepted> AcceptReceipt(AppContext& ctx, const StationConfig& config,
                                             const SendReceiptCommand& command);
StationResult<DemandNoticeAnswer> DemandNotice(AppContext& ctx, const StationConfig& config,
                                               const DemandNoticeQuery& query);

}  // namespace incasso
