#include "app/portal.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "app/positions.hpp"
#include "core/money.hpp"
#include "domain/fiscal_code.hpp"
#include "domain/payment.hpp"

namespace incasso {
namespace {

constexpr auto kSpontaneousTerm = std::chrono::days{30};

std::string WithoutSpaces(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c != ' ' && c != '\t') out += c;
  }
  return out;
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The station's view of a fault, as a citizen's answer.
NoticeState StateOf(std::string_view code) {
  if (code == kPaaPagamentoDuplicato) return NoticeState::kPaid;
  if (code == kPaaPagamentoScaduto) return NoticeState::kExpired;
  if (code == kPaaPagamentoAnnullato) return NoticeState::kCancelled;
  return NoticeState::kUnknown;
}

}  // namespace

const char* ToString(NoticeState s) {
  switch (s) {
    case NoticeState::kPayable:
      return "payable";
    case NoticeState::kPaid:
      return "paid";
    case NoticeState::kExpired:
      return "expired";
    case NoticeState::kCancelled:
      return "cancelled";
    case NoticeState::kUnknown:
      return "unknown";
  }
  return "unknown";
}

Result<NoticeLookup> LookUpNotice(AppContext& ctx, const StationConfig& config,
                                  std::string_view entity_fiscal_code,
                                  std::string_view notice_number) {
  NoticeLookup out;
  out.notice_number = WithoutSpaces(notice_number);
  out.entity_fiscal_code = WithoutSpaces(entity_fiscal_code);
  if (out.notice_number.empty()) return InvalidArgument("avviso", "is required");
  if (out.notice_number.size() != 18 || !AllDigits(out.notice_number)) {
    return InvalidArgument("avviso", "must be 18 digits");
  }
  if (out.notice_number.front() > '3') {
    return InvalidArgument("avviso", "must start with 0, 1, 2 or 3");
  }
  if (out.entity_fiscal_code.empty()) return InvalidArgument("cf", "is required");
  if (auto st = ValidateLegalEntityFiscalCode(out.entity_fiscal_code, "cf"); !st.ok()) {
    return st.error();
  }

  auto entity = ctx.store.FindEntityByFiscalCode(out.entity_fiscal_code);
  if (!entity.ok()) return Unavailable("the service is not available", entity.error().ToText());
  if (!entity->has_value() || (*entity)->status != EntityStatus::kActive) return out;
  out.entity = **entity;

  // Asked exactly as the node asks the station: same broker, a served station.
  std::string broker = config.broker_fiscal_code;
  if (broker.empty()) {
    auto i = ctx.store.GetIntermediary();
    if (!i.ok()) return Unavailable("the service is not available", i.error().ToText());
    if (i->has_value()) broker = (*i)->fiscal_code;
  }
  std::string station = out.entity->station_id;
  if (!config.station_ids.empty() && std::find(config.station_ids.begin(), config.station_ids.end(),
                                               station) == config.station_ids.end()) {
    station = config.station_ids.front();
  }
  VerifyNoticeQuery q;
  q.header = {out.entity_fiscal_code, broker, station};
  q.fiscal_code = out.entity_fiscal_code;
  q.notice_number = out.notice_number;
  auto answer = VerifyNotice(ctx, config, q);
  if (auto* ok = std::get_if<VerifyNoticeAnswer>(&answer)) {
    out.state = NoticeState::kPayable;
    out.answer = std::move(*ok);
    return out;
  }
  const PaaFault& fault = std::get<PaaFault>(answer);
  if (fault.code == "PAA_SYSTEM_ERROR" || fault.code == "PAA_ID_INTERMEDIARIO_ERRATO" ||
      fault.code == "PAA_STAZIONE_INT_ERRATA") {
    return Unavailable("the service is not available",
                       fmt::format("verify answered {}: {}", fault.code, fault.description));
  }
  out.state = StateOf(fault.code);
  return out;
}

Result<DebtPosition> CreateSpontaneousPayment(AppContext& ctx, const Caller& caller,
                                              const SpontaneousPaymentCommand& cmd) {
  auto entity = ctx.store.FindEntityBySlug(cmd.entity_slug);
  if (!entity.ok()) return entity.error();
  if (!entity->has_value() || (*entity)->status != EntityStatus::kActive) {
    return NotFound("no such institution");
  }
  const Entity& e = **entity;
  auto service = ctx.store.FindServiceByCode(e.id, cmd.service_code);
  if (!service.ok()) return service.error();
  if (!service->has_value() || !(*service)->active || !(*service)->spontaneous) {
    return NotFound("no such service");
  }
  const Service& s = **service;

  std::int64_t amount = cmd.amount;
  switch (s.amount_rule) {
    case AmountRule::kFixed:
      if (cmd.quantity < 1 || cmd.quantity > 1000) {
        return InvalidArgument("quantity", "must be between 1 and 1000");
      }
      amount = s.amount_cents * cmd.quantity;
      break;
    case AmountRule::kRange:
      if (amount < s.min_cents || amount > s.max_cents) {
        return InvalidArgument("amount", fmt::format("must be between {} and {} euro",
                                                     FormatAmountItalian(s.min_cents),
                                                     FormatAmountItalian(s.max_cents)));
      }
      break;
    case AmountRule::kFree:
      break;
  }
  INCASSO_TRY(CheckAmountCents(amount, "amount"));
  if (cmd.metadata.size() > 10) return InvalidArgument("metadata", "at most 10 fields");

  const TimePoint now = ctx.clock.Now();
  std::string remittance = cmd.remittance.empty() ? s.name : s.name + " - " + cmd.remittance;
  // remittanceInformation and descriptions are at most 140 characters: cut on a code point.
  if (remittance.size() > 140) {
    std::size_t cut = 140;
    while (cut > 0 && (static_cast<unsigned char>(remittance[cut]) & 0xC0) == 0x80) --cut;
    remittance.resize(cut);
  }

  CreatePositionCommand create;
  create.entity_fiscal_code = e.fiscal_code;
  create.publish = true;
  DebtPosition& p = create.position;
  p.iupd = cmd.iupd;
  p.debtor = cmd.debtor;
  p.company_name = e.name;
  p.office_name = e.department;
  PaymentOption o;
  o.amount = amount;
  o.description = remittance;
  o.due_date = now + kSpontaneousTerm;
  Transfer t;
  t.id_transfer = 1;
  t.amount = amount;
  t.iban = s.iban;
  t.category = s.taxonomy_code;
  t.remittance_information = remittance;
  t.metadata = cmd.metadata;
  o.transfers.push_back(std::move(t));
  p.options.push_back(std::move(o));
  return CreatePosition(ctx, caller, create);
}

Result<std::vector<StoredReceipt>> ReceiptsForNotice(AppContext& ctx,
                                                     std::string_view entity_fiscal_code,
                                                     std::string_view notice_number) {
  auto entity = ctx.store.FindEntityByFiscalCode(entity_fiscal_code);
  if (!entity.ok()) return entity.error();
  if (!entity->has_value()) return std::vector<StoredReceipt>{};
  ReceiptFilter f;
  f.notice_number = std::string(notice_number);
  f.limit = 10;
  auto receipts = ctx.store.ListReceipts((*entity)->id, f);
  if (!receipts.ok()) return receipts.error();
  std::vector<StoredReceipt> out;
  for (auto& r : *receipts) {
    if (r.receipt.outcome == "OK") out.push_back(std::move(r));
  }
  return out;
}

}  // namespace incasso
