// Debt positions as in pagoPA GPD (PaymentPositionModel): a debtor, one or more payment options
// (a single payment and/or instalments), each with 1 to 5 transfers. Plain data, validation and
// state rules; no I/O. Money is int64 euro cents; times are UTC.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"

namespace incasso {

// GPD position states. Allowed transitions: see CanTransition().
enum class PositionStatus {
  kDraft,
  kPublished,
  kValid,
  kInvalid,
  kExpired,
  kPartiallyPaid,
  kPaid,
  kReported
};
const char* ToString(PositionStatus s);  // "DRAFT", "PUBLISHED", ...
Result<PositionStatus> ParsePositionStatus(std::string_view text);
bool CanTransition(PositionStatus from, PositionStatus to);
// A position the node may pay now (paVerify/paGetPayment answer OK): VALID or PARTIALLY_PAID.
bool IsPayable(PositionStatus s);

// GPD payment-option states.
enum class OptionStatus { kUnpaid, kPaid, kPartiallyReported, kReported };
const char* ToString(OptionStatus s);  // "PO_UNPAID", ...
Result<OptionStatus> ParseOptionStatus(std::string_view text);

enum class DebtorType { kPerson, kLegal };  // GPD "F" / "G"
const char* ToString(DebtorType t);         // "F" / "G"
Result<DebtorType> ParseDebtorType(std::string_view text);

struct Metadata {
  std::string key;
  std::string value;
};

// Digital stamp (marca da bollo digitale) in place of an IBAN (paGetPaymentV2
// richiestaMarcaDaBollo).
struct Stamp {
  std::string hash_document;         // base64, up to 72 chars
  std::string stamp_type;            // 2 chars, "01"
  std::string provincial_residence;  // [A-Z]{2}
};

inline constexpr int kMaxTransfers = 5;  // paForNode ctTransferListPA: 1..5
inline constexpr int kMaxMetadata = 15;  // sac-common-types ctMetadata: 1..15 mapEntry
inline constexpr int kMaxOptions = 100;

struct Transfer {
  int id_transfer = 1;  // 1..5, unique within the option
  std::int64_t amount = 0;
  std::string entity_fiscal_code;      // organizationFiscalCode; empty = the position's entity
  std::string remittance_information;  // up to 140
  std::string category;                // taxonomy code
  std::string iban;                    // IBAN, or empty when stamp is set
  std::string postal_iban;             // optional, never with stamp
  std::optional<Stamp> stamp;
  std::string company_name;
  std::vector<Metadata> metadata;
};

struct PaymentOption {
  std::int64_t id = 0;
  std::string iuv;  // empty on input = allocate one
  std::string nav;  // notice number (18 digits); derived from the IUV
  std::int64_t amount = 0;
  std::string description;          // up to 140
  bool is_partial_payment = false;  // true = an instalment of a plan
  TimePoint due_date{};
  std::optional<TimePoint> retention_date;
  std::int64_t fee = 0;
  OptionStatus status = OptionStatus::kUnpaid;
  std::optional<TimePoint> payment_date;
  std::vector<Transfer> transfers;
  std::vector<Metadata> metadata;
};

struct Debtor {
  DebtorType type = DebtorType::kPerson;
  std::string fiscal_code;  // 16-char personal code, 11-digit code, or "ANONIMO" (unknown debtor)
  std::string full_name;    // up to 70
  std::string street_name;
  std::string civic_number;
  std::string postal_code;
  std::string city;
  std::string province;
  std::string region;
  std::string country;  // [A-Z]{2}
  std::string email;
  std::string phone;
};

struct DebtPosition {
  std::int64_t id = 0;
  std::int64_t entity_id = 0;
  std::string iupd;  // unique per entity, [A-Za-z0-9._-]{1,50}
  Debtor debtor;
  std::string company_name;  // up to 140
  std::string office_name;   // up to 140
  std::optional<TimePoint> validity_date;
  bool switch_to_expired = false;
  bool pay_stand_in = true;
  PositionStatus status = PositionStatus::kDraft;
  std::int64_t version = 0;
  TimePoint created_at{};
  TimePoint updated_at{};
  std::optional<TimePoint> publish_date;
  std::optional<TimePoint> payment_date;
  std::vector<PaymentOption> options;
};

// Validates a position an institution submits for `entity_fiscal_code`, at time `now`.
// Checks every field (fiscal codes, IBANs, amounts, dates, 1..5 transfers summing to the option
// amount, unique transfer ids, metadata limits). The first error found is returned, naming the
// field in GPD JSON terms, e.g. "paymentOption[1].transfer[0].iban". Options with an empty `iuv`
// are accepted (the caller allocates one).
Status ValidatePosition(const DebtPosition& p, std::string_view entity_fiscal_code, TimePoint now);

// The status a newly created position takes: DRAFT, or when published at `now`, PUBLISHED if its
// validity date is still ahead, VALID otherwise.
PositionStatus InitialStatus(const DebtPosition& p, bool publish, TimePoint now);

}  // namespace incasso
