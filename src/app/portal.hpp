// Use cases of the citizen portal (issue 6) that the station and the API do not already have.
// The notice look-up is the station's own paVerifyPaymentNotice use case (VerifyNotice), asked as
// the institution's station would be, so the portal and the node always agree on whether a notice
// can be paid; a spontaneous payment is a CreatePosition.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/context.hpp"
#include "app/station.hpp"
#include "domain/entity.hpp"
#include "domain/position.hpp"

namespace incasso {

// What a citizen learns about a notice.
enum class NoticeState {
  kPayable,
  kPaid,       // PAA_PAGAMENTO_DUPLICATO
  kExpired,    // PAA_PAGAMENTO_SCADUTO
  kCancelled,  // PAA_PAGAMENTO_ANNULLATO
  kUnknown,    // PAA_PAGAMENTO_SCONOSCIUTO, or no active institution with that fiscal code
};
const char* ToString(NoticeState s);

struct NoticeLookup {
  NoticeState state = NoticeState::kUnknown;
  std::string entity_fiscal_code;
  std::string notice_number;
  VerifyNoticeAnswer answer;     // filled when kPayable
  std::optional<Entity> entity;  // the institution, when it is one of ours
};

// Checks the input (InvalidArgument with field "avviso": 18 digits, starting with an aux digit
// 0..3; field "cf": an institution's 11-digit fiscal code with a valid check digit), then asks
// VerifyNotice as the node would (broker and a station of `config`). Spaces are ignored in both.
// Database trouble: kUnavailable.
Result<NoticeLookup> LookUpNotice(AppContext& ctx, const StationConfig& config,
                                  std::string_view entity_fiscal_code,
                                  std::string_view notice_number);

// The same answer, found by the notice number and the DEBTOR's fiscal code instead of the
// institution's. Notice numbers are unique per institution only: with aux digit 3 the segregation
// code (SACI 3.0) names the institution within this intermediary (aux 0: the application code,
// when exactly one institution has it); the notice's debtor must then match `debtor_fiscal_code`.
// Any mismatch (no such institution, no such notice, another debtor) is kUnknown with no
// institution filled in: the answer never tells whether a notice exists for someone else.
// InvalidArgument with field "avviso" as LookUpNotice, field "cf": a personal (16) or numeric
// (11) fiscal code. Spaces and letter case are ignored. Database trouble: kUnavailable.
Result<NoticeLookup> LookUpNoticeByDebtor(AppContext& ctx, const StationConfig& config,
                                          std::string_view debtor_fiscal_code,
                                          std::string_view notice_number);

// How a spontaneous service's amount is chosen, beyond its AmountRule: read from the service's
// form definition (Service::form_json, keys "amountOptions" and "quantity"; the form's other keys
// are the portal's, see web/service_form.hpp):
//   "amountOptions": [{"label": "Tariffa intera", "label_en": "Full fee", "cents": 4500}]  1..20
//   "quantity": {"label": "Numero di pasti", "label_en": "Meals", "min": 1, "max": 50}
// "amountOptions" lets the citizen choose one amount; "quantity" multiplies the fixed tariff.
struct AmountChoice {
  std::string label, label_en;
  std::int64_t cents = 0;
  const std::string& Label(bool en) const { return en && !label_en.empty() ? label_en : label; }
};
struct QuantityLimits {
  std::string label, label_en;
  std::int64_t min = 1;
  std::int64_t max = 100;
  const std::string& Label(bool en) const { return en && !label_en.empty() ? label_en : label; }
};
struct SpontaneousAmountForm {
  std::vector<AmountChoice> options;
  std::optional<QuantityLimits> quantity;
};
// An empty text or a definition without either key: no options, no quantity. InvalidArgument
// naming the JSON path ("formJson.amountOptions[1].cents") for a malformed one.
Result<SpontaneousAmountForm> ParseSpontaneousAmountForm(const std::string& form_json);

// A spontaneous payment (pagamento spontaneo) of one of an institution's services.
struct SpontaneousPaymentCommand {
  std::string entity_slug;
  std::string service_code;
  Debtor debtor;              // fiscal_code and full_name required
  std::int64_t amount = 0;    // cents; for a fixed amount ignored (the tariff is used)
  std::int64_t quantity = 1;  // multiplies the fixed tariff (e.g. meals); 1..1000
  std::optional<std::size_t> amount_option;  // index into the form's amountOptions
  std::string remittance;          // causale, up to 140 characters; the service name when empty
  std::vector<Metadata> metadata;  // the form's other fields, as keys and values (up to 10)
  std::string iupd;                // unique reference; the caller makes one (e.g. random)
};

// Checks the service is active and spontaneous, the amount against its form (amountOptions: the
// chosen option's amount; quantity: tariff x quantity within the form's min..max) or else its rule
// (kFixed: tariff x quantity, 1..1000; kRange: min..max; kFree: any valid amount), then creates and
// publishes the position (VALID, due in 30 days, one transfer to the service's IBAN and taxonomy)
// through CreatePosition. NotFound for an unknown institution or service (or not spontaneous);
// InvalidArgument naming the field ("amount", "amountOption", "quantity", "fiscalCode", ...).
// A service whose form definition is malformed is not offered (NotFound).
Result<DebtPosition> CreateSpontaneousPayment(AppContext& ctx, const Caller& caller,
                                              const SpontaneousPaymentCommand& cmd);

// The institution's receipts for a notice, OK outcome only (what an outcome page shows).
Result<std::vector<StoredReceipt>> ReceiptsForNotice(AppContext& ctx,
                                                     std::string_view entity_fiscal_code,
                                                     std::string_view notice_number);

}  // namespace incasso
