#include "app/portal.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>

#include "app/positions.hpp"
#include "core/money.hpp"
#include "domain/fiscal_code.hpp"
#include "domain/notice_number.hpp"
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

static Status CheckNoticeNumberInput(const std::string& nav) {
  if (nav.empty()) return InvalidArgument("avviso", "is required");
  if (nav.size() != 18 || !AllDigits(nav)) return InvalidArgument("avviso", "must be 18 digits");
  if (nav.front() > '3') return InvalidArgument("avviso", "must start with 0, 1, 2 or 3");
  return Ok();
}

Result<NoticeLookup> LookUpNotice(AppContext& ctx, const StationConfig& config,
                                  std::string_view entity_fiscal_code,
                                  std::string_view notice_number) {
  NoticeLookup out;
  out.notice_number = WithoutSpaces(notice_number);
  out.entity_fiscal_code = WithoutSpaces(entity_fiscal_code);
  INCASSO_TRY(CheckNoticeNumberInput(out.notice_number));
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

Result<NoticeLookup> LookUpNoticeByDebtor(AppContext& ctx, const StationConfig& config,
                                          std::string_view debtor_fiscal_code,
                                          std::string_view notice_number) {
  NoticeLookup unknown;
  unknown.notice_number = WithoutSpaces(notice_number);
  INCASSO_TRY(CheckNoticeNumberInput(unknown.notice_number));
  const std::string debtor = NormalizeFiscalCode(debtor_fiscal_code);
  if (debtor.empty()) return InvalidArgument("cf", "is required");
  INCASSO_TRY(ValidateFiscalCode(debtor, "cf"));

  // A wrong check digit cannot be one of our notices: the same "unknown" as any other miss.
  auto nav = ParseNoticeNumber(unknown.notice_number, "avviso");
  if (!nav.ok()) return unknown;
  auto intermediary = ctx.store.GetIntermediary();
  if (!intermediary.ok()) {
    return Unavailable("the service is not available", intermediary.error().ToText());
  }
  const int aux = intermediary->has_value() ? (*intermediary)->aux_digit : 3;
  if (nav->aux_digit != aux || (aux != 3 && aux != 0)) return unknown;
  auto entities = ctx.store.ListEntities();
  if (!entities.ok()) return Unavailable("the service is not available", entities.error().ToText());
  const Entity* owner = nullptr;
  for (const Entity& e : *entities) {
    const std::string& code = aux == 3 ? e.segregation_code : e.application_code;
    const std::string& wanted = aux == 3 ? nav->segregation_code : nav->application_code;
    if (code.empty() || code != wanted) continue;
    if (owner != nullptr) return unknown;  // aux 0: an application code shared by several
    owner = &e;
  }
  if (owner == nullptr || owner->status != EntityStatus::kActive) return unknown;
  auto position = ctx.store.FindPositionByNoticeNumber(owner->id, unknown.notice_number);
  if (!position.ok()) return Unavailable("the service is not available", position.error().ToText());
  if (!position->has_value() || NormalizeFiscalCode((*position)->debtor.fiscal_code) != debtor) {
    return unknown;
  }
  // The debtor's own notice: from here on the answer is the institution's look-up.
  return LookUpNotice(ctx, config, owner->fiscal_code, unknown.notice_number);
}

Result<SpontaneousAmountForm> ParseSpontaneousAmountForm(const std::string& form_json) {
  namespace json = boost::json;
  SpontaneousAmountForm form;
  if (form_json.empty()) return form;
  json::error_code ec;
  // Boost.JSON refuses nesting deeper than 32 levels (parse_options::max_depth): a hostile
  // definition cannot exhaust the stack.
  json::value doc = json::parse(form_json, ec);
  if (ec || !doc.is_object()) return InvalidArgument("formJson", "must be a JSON object");
  const json::object& root = doc.as_object();
  auto str = [](const json::object& o, std::string_view key, const std::string& path,
                std::string* out) -> Status {
    const json::value* v = o.if_contains(key);
    if (v == nullptr) return Ok();
    if (!v->is_string() || v->as_string().size() > 200) {
      return InvalidArgument(path + "." + std::string(key), "must be a text of at most 200 bytes");
    }
    *out = std::string(v->as_string());
    return Ok();
  };
  auto integer = [](const json::object& o, std::string_view key, const std::string& path,
                    std::int64_t* out) -> Status {
    const json::value* v = o.if_contains(key);
    if (v == nullptr) return Ok();
    if (!v->is_int64()) return InvalidArgument(path + "." + std::string(key), "must be an integer");
    *out = v->as_int64();
    return Ok();
  };
  if (const json::value* opts = root.if_contains("amountOptions")) {
    if (!opts->is_array() || opts->as_array().empty() || opts->as_array().size() > 20) {
      return InvalidArgument("formJson.amountOptions", "must be an array of 1 to 20 options");
    }
    for (std::size_t i = 0; i < opts->as_array().size(); ++i) {
      const std::string path = fmt::format("formJson.amountOptions[{}]", i);
      if (!opts->as_array()[i].is_object()) return InvalidArgument(path, "must be an object");
      const json::object& o = opts->as_array()[i].as_object();
      AmountChoice a;
      INCASSO_TRY(str(o, "label", path, &a.label));
      INCASSO_TRY(str(o, "label_en", path, &a.label_en));
      INCASSO_TRY(integer(o, "cents", path, &a.cents));
      if (a.label.empty()) return InvalidArgument(path + ".label", "is required");
      if (!CheckAmountCents(a.cents, "cents").ok()) {
        return InvalidArgument(path + ".cents", "must be 1..99999999999 euro cents");
      }
      form.options.push_back(std::move(a));
    }
  }
  if (const json::value* q = root.if_contains("quantity")) {
    if (!q->is_object()) return InvalidArgument("formJson.quantity", "must be an object");
    const json::object& o = q->as_object();
    QuantityLimits rule;
    INCASSO_TRY(str(o, "label", "formJson.quantity", &rule.label));
    INCASSO_TRY(str(o, "label_en", "formJson.quantity", &rule.label_en));
    INCASSO_TRY(integer(o, "min", "formJson.quantity", &rule.min));
    INCASSO_TRY(integer(o, "max", "formJson.quantity", &rule.max));
    if (rule.min < 1 || rule.max < rule.min || rule.max > 1000) {
      return InvalidArgument("formJson.quantity", "needs 1 <= min <= max <= 1000");
    }
    form.quantity = std::move(rule);
  }
  if (form.quantity && !form.options.empty()) {
    return InvalidArgument("formJson", "amountOptions and quantity exclude each other");
  }
  return form;
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
  auto amount_form = ParseSpontaneousAmountForm(s.form_json);
  if (!amount_form.ok()) return NotFound("no such service");  // a broken form is not offered

  std::int64_t amount = cmd.amount;
  if (amount_form->quantity) {
    const QuantityLimits& q = *amount_form->quantity;
    if (cmd.quantity < q.min || cmd.quantity > q.max) {
      return InvalidArgument("quantity", fmt::format("must be between {} and {}", q.min, q.max));
    }
    amount = s.amount_cents * cmd.quantity;
  } else if (!amount_form->options.empty()) {
    if (!cmd.amount_option || *cmd.amount_option >= amount_form->options.size()) {
      return InvalidArgument("amountOption", "must be one of the service's amounts");
    }
    amount = amount_form->options[*cmd.amount_option].cents;
  } else {
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
