#include "domain/payment.hpp"

#include <fmt/format.h>

#include "core/time.hpp"
#include "domain/iban.hpp"

namespace incasso {
namespace {

bool IsPaid(const PaymentOption& o) { return o.status != OptionStatus::kUnpaid; }

PayabilityFault Fault(std::string_view code, std::string reason) {
  return PayabilityFault{code, std::move(reason)};
}

}  // namespace

const PaymentOption* FindOptionByNav(const DebtPosition& p, std::string_view nav) {
  for (const PaymentOption& o : p.options) {
    if (o.nav == nav) return &o;
  }
  return nullptr;
}

bool AllCcp(const PaymentOption& o) {
  if (o.transfers.empty()) return false;
  for (const Transfer& t : o.transfers) {
    if (t.stamp) return false;
    if (!IsPostalIban(t.iban) && t.postal_iban.empty()) return false;
  }
  return true;
}

std::optional<PayabilityFault> CheckPayable(const DebtPosition* p, std::string_view nav,
                                            TimePoint now) {
  const PaymentOption* option = p ? FindOptionByNav(*p, nav) : nullptr;
  if (option == nullptr) {
    return Fault(kPaaPagamentoSconosciuto, "no payment option has this notice number");
  }
  switch (p->status) {
    case PositionStatus::kDraft:
      return Fault(kPaaPagamentoSconosciuto, "the debt position is not published");
    case PositionStatus::kPublished:
      if (p->validity_date && *p->validity_date > now) {
        return Fault(kPaaPagamentoSconosciuto, fmt::format("the debt position is valid from {}",
                                                           FormatDateTime(*p->validity_date)));
      }
      break;
    case PositionStatus::kInvalid:
      return Fault(kPaaPagamentoAnnullato, "the debt position was cancelled");
    case PositionStatus::kExpired:
      return Fault(kPaaPagamentoScaduto, "the debt position expired");
    case PositionStatus::kPaid:
    case PositionStatus::kReported:
      return Fault(kPaaPagamentoDuplicato, "the debt position is paid");
    case PositionStatus::kValid:
    case PositionStatus::kPartiallyPaid:
      break;
  }
  if (IsPaid(*option)) return Fault(kPaaPagamentoDuplicato, "the payment option is paid");
  for (const PaymentOption& other : p->options) {
    if (&other == option || !IsPaid(other)) continue;
    if (!option->is_partial_payment) {
      return Fault(kPaaPagamentoDuplicato,
                   "an instalment is paid, so the single payment can no longer be made");
    }
    if (!other.is_partial_payment) {
      return Fault(kPaaPagamentoDuplicato, "the single payment of the debt position is paid");
    }
  }
  if (p->switch_to_expired && option->due_date < now) {
    return Fault(kPaaPagamentoScaduto,
                 fmt::format("the payment option expired on {}", FormatDateTime(option->due_date)));
  }
  return std::nullopt;
}

Result<PaymentEffect> ComputePayment(const DebtPosition& p, std::string_view nav,
                                     TimePoint paid_at) {
  const PaymentOption* option = FindOptionByNav(p, nav);
  if (option == nullptr) return NotFound("no payment option has this notice number");
  if (auto fault = CheckPayable(&p, nav, paid_at)) {
    return Error{ErrorCode::kConflict, "status", fault->reason, std::string(fault->code)};
  }
  PaymentEffect e;
  e.nav = option->nav;
  e.option_status = OptionStatus::kPaid;
  e.payment_date = paid_at;
  if (!option->is_partial_payment) {
    e.position_status = PositionStatus::kPaid;
    return e;
  }
  bool all_instalments_paid = true;
  for (const PaymentOption& o : p.options) {
    if (o.is_partial_payment && &o != option && !IsPaid(o)) all_instalments_paid = false;
  }
  e.position_status = all_instalments_paid ? PositionStatus::kPaid : PositionStatus::kPartiallyPaid;
  return e;
}

DebtPosition ApplyPayment(DebtPosition p, const PaymentEffect& e) {
  for (PaymentOption& o : p.options) {
    if (o.nav == e.nav) {
      o.status = e.option_status;
      o.payment_date = e.payment_date;
    }
  }
  p.status = e.position_status;
  if (e.position_status == PositionStatus::kPaid) p.payment_date = e.payment_date;
  return p;
}

}  // namespace incasso
