// What paying a notice means for a debt position, as pagoPA GPD defines it: whether the node may
// collect a notice now (paVerifyPaymentNotice / paGetPayment answer), and what a successful
// receipt changes. Pure functions of the position and a time passed in; no I/O, no clock.
//
// Plan semantics (GPD PaymentsService / PaymentConflictValidator): a position has at most one
// single payment (the full amount, is_partial_payment false) and any number of instalments.
// Paying the single payment pays the whole position, even when instalments exist; once an
// instalment is paid the single payment can no longer be collected, and once the single payment is
// paid no instalment can.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "domain/position.hpp"

namespace incasso {

// PAA_* fault codes answered for a notice that cannot be paid (pagopa-notes.md §1.1; the mapping
// is GPD PartnerService.checkDebtPositionStatus).
inline constexpr std::string_view kPaaPagamentoSconosciuto = "PAA_PAGAMENTO_SCONOSCIUTO";
inline constexpr std::string_view kPaaPagamentoScaduto = "PAA_PAGAMENTO_SCADUTO";
inline constexpr std::string_view kPaaPagamentoAnnullato = "PAA_PAGAMENTO_ANNULLATO";
inline constexpr std::string_view kPaaPagamentoDuplicato = "PAA_PAGAMENTO_DUPLICATO";

// The option of `p` whose notice number is `nav`, or nullptr.
const PaymentOption* FindOptionByNav(const DebtPosition& p, std::string_view nav);

// True when every transfer can be credited on a postal account (its IBAN is a Poste Italiane
// IBAN, or it carries a postal IBAN), so Poste may collect the notice (paForNode allCCP). False for
// an option with a stamp transfer or without transfers.
bool AllCcp(const PaymentOption& o);

// Why a notice cannot be paid: the PAA_* code and a reason for the node's operators (no personal
// data).
struct PayabilityFault {
  std::string_view code;
  std::string reason;
};

// Whether the option of `p` (nullptr: no position has it) with notice number `nav` can be paid
// at `now`; nullopt when it can. In this order:
//   no position or no such option, DRAFT, or PUBLISHED with a validity date after `now`
//     -> PAA_PAGAMENTO_SCONOSCIUTO (PUBLISHED once its validity date has come is payable: GPD's
//        scheduler would have made it VALID)
//   INVALID -> PAA_PAGAMENTO_ANNULLATO
//   EXPIRED -> PAA_PAGAMENTO_SCADUTO
//   position PAID or REPORTED, the option not unpaid, an instalment when the single payment is
//     paid, the single payment when an instalment is paid -> PAA_PAGAMENTO_DUPLICATO
//   switch_to_expired and the option's due date before `now` -> PAA_PAGAMENTO_SCADUTO (the state
//     GPD's expiry scheduler would have set; we never write during a verify)
std::optional<PayabilityFault> CheckPayable(const DebtPosition* p, std::string_view nav,
                                            TimePoint now);

// What a successful receipt for option `nav` changes.
struct PaymentEffect {
  std::string nav;
  OptionStatus option_status = OptionStatus::kPaid;
  PositionStatus position_status = PositionStatus::kPaid;  // PAID or PARTIALLY_PAID
  // The option's payment date; the position's too when it becomes PAID.
  TimePoint payment_date{};
};

// The effect of paying option `nav` of `p` at `paid_at`: the option becomes PO_PAID; the position
// PAID when the single payment is paid or every instalment is paid, PARTIALLY_PAID otherwise.
// Errors: kNotFound without such an option, kConflict (message = the PayabilityFault reason) when
// CheckPayable(&p, nav, paid_at) refuses it.
Result<PaymentEffect> ComputePayment(const DebtPosition& p, std::string_view nav,
                                     TimePoint paid_at);

// `p` with `e` applied (option status and payment date, position status, and the position's
// payment date when it becomes PAID). Version and timestamps are left alone.
DebtPosition ApplyPayment(DebtPosition p, const PaymentEffect& e);

}  // namespace incasso
