#include "app/station.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <exception>
#include <utility>

#include "app/positions.hpp"
#include "domain/fiscal_code.hpp"
#include "domain/payment.hpp"

namespace incasso {
namespace {

// The node retries paSendRT, but a receipt that only raced another one for the same position must
// not be bounced back to its queue: re-read and recompute a few times first.
constexpr int kReceiptAttempts = 5;
// A notice demanded from the catalogue (paDemandPaymentNotice) is due this long after the request.
constexpr auto kDemandedNoticeTerm = std::chrono::days{30};
constexpr std::size_t kMaxText = 140;  // stText140: companyName, officeName, descriptions

constexpr std::string_view kIdDominioErrato = "PAA_ID_DOMINIO_ERRATO";
constexpr std::string_view kIdIntermediarioErrato = "PAA_ID_INTERMEDIARIO_ERRATO";
constexpr std::string_view kStazioneIntErrata = "PAA_STAZIONE_INT_ERRATA";
constexpr std::string_view kReceiptDuplicata = "PAA_RECEIPT_DUPLICATA";
constexpr std::string_view kSemantica = "PAA_SEMANTICA";
constexpr std::string_view kSystemError = "PAA_SYSTEM_ERROR";

struct FaultString {
  std::string_view code;
  std::string_view text;
};

// pagopa-notes.md §1.1, "PAA_* fault codes" (the official list, domino-ec.md). The last two are
// not in the official list: their texts are ours.
constexpr FaultString kFaultStrings[] = {
    {"PAA_ATTIVA_RPT_IMPORTO_NON_VALIDO",
     "L'importo del pagamento in attesa non è congruente con il dato indicato dal PSP"},
    {"PAA_ER_DUPLICATA", "Esito Revoca duplicato"},
    {"PAA_ERRORE_FORMATO_BUSTA_FIRMATA",
     "Formato busta di firma errato o non corrispondente al tipoFirma"},
    {"PAA_FIRMA_ERRATA", "Errore di firma"},
    {"PAA_FIRMA_INDISPONIBILE", "Impossibile firmare"},
    {"PAA_ID_DOMINIO_ERRATO", "La PAA non corrisponde al Dominio indicato"},
    {"PAA_ID_INTERMEDIARIO_ERRATO", "Identificativo intermediario non corrispondente"},
    {"PAA_PAGAMENTO_ANNULLATO", "Pagamento in attesa risulta annullato all'Ente Creditore"},
    {"PAA_PAGAMENTO_DUPLICATO", "Pagamento in attesa risulta concluso all'Ente Creditore"},
    {"PAA_PAGAMENTO_IN_CORSO", "Pagamento in attesa risulta in corso all'Ente Creditore"},
    {"PAA_PAGAMENTO_SCADUTO", "Pagamento in attesa risulta scaduto all'Ente Creditore"},
    {"PAA_PAGAMENTO_SCONOSCIUTO", "Pagamento in attesa risulta sconosciuto all'Ente Creditore"},
    {"PAA_RPT_SCONOSCIUTA", "La RPT risulta sconosciuta"},
    {"PAA_RT_DUPLICATA", "La RT è già stata accettata"},
    {"PAA_RT_SCONOSCIUTA", "RT sconosciuta"},
    {"PAA_SEMANTICA", "Errore semantico"},
    {"PAA_SINTASSI_EXTRAXSD", "Errore di sintassi extra XSD"},
    {"PAA_SINTASSI_XSD", "Errore di sintassi XSD"},
    {"PAA_STAZIONE_INT_ERRATA", "Stazione intermediario non corrispondente"},
    {"PAA_SYSTEM_ERROR", "Errore generico"},
    {"PAA_TIPOFIRMA_SCONOSCIUTO", "Il campo tipoFirma non corrisponde ad alcun valore previsto"},
    {"PAA_RECEIPT_DUPLICATA", "La receipt è già stata ricevuta"},
    {"PAA_SINTASSI", "Errore di sintassi"},
};

PaaFault Fault(std::string_view code, std::string description, std::string id) {
  return PaaFault{std::string(code), std::move(description), std::move(id)};
}

// Never tells the node what went wrong inside (STYLE.md rule 4): the node retries, operators read
// our logs.
PaaFault SystemError(std::string id) {
  return Fault(kSystemError, "temporary internal error, please retry", std::move(id));
}

// At most `max` characters (UTF-8 code points, as XSD lengths count), never cutting one in two.
std::string Clip(std::string_view s, std::size_t max) {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (chars == max) return std::string(s.substr(0, i));
      ++chars;
    }
  }
  return std::string(s);
}

// Echoes input in a fault description without letting it grow the answer.
std::string Echo(std::string_view s) { return Clip(s, 40); }

Date DayOf(TimePoint t) { return std::chrono::floor<std::chrono::days>(t); }

// Who we are: the broker fiscal code (empty if neither the configuration nor the database has it).
Result<std::string> BrokerOf(AppContext& ctx, const StationConfig& config) {
  if (!config.broker_fiscal_code.empty()) return config.broker_fiscal_code;
  auto stored = ctx.store.GetIntermediary();
  if (!stored.ok()) return stored.error();
  return stored->has_value() ? (*stored)->fiscal_code : std::string();
}

Result<bool> ServesStation(AppContext& ctx, const StationConfig& config, std::string_view id) {
  if (!config.station_ids.empty()) {
    return std::find(config.station_ids.begin(), config.station_ids.end(), id) !=
           config.station_ids.end();
  }
  auto stations = ctx.store.ListStations();
  if (!stations.ok()) return stations.error();
  for (const Station& s : *stations) {
    if (s.active && s.id == id) return true;
  }
  return false;
}

// The institution a request is addressed to, and the broker fiscal code we answer as.
struct Addressed {
  Entity entity;
  std::string broker;
};

// The header checks every operation starts with (station.hpp contract): broker, station, then an
// active institution.
//
// The station is checked against the stations we serve, not against the institution's own
// station: the node keeps re-sending receipts with the station they were first addressed to, and
// refusing them after an institution moved stations loses them (link-it/govpay#832,
// performance-and-security-notes.md §1.3).
StationResult<Addressed> CheckHeader(AppContext& ctx, const StationConfig& config,
                                     const StationHeader& h, bool accept_suspended = false) {
  auto broker = BrokerOf(ctx, config);
  if (!broker.ok()) return SystemError(h.id_broker_pa);
  const std::string& us = broker->empty() ? h.id_broker_pa : *broker;
  if (broker->empty() || h.id_broker_pa != *broker) {
    return Fault(kIdIntermediarioErrato,
                 fmt::format("idBrokerPA {} is not this intermediary", Echo(h.id_broker_pa)), us);
  }
  auto served = ServesStation(ctx, config, h.id_station);
  if (!served.ok()) return SystemError(us);
  if (!*served) {
    return Fault(
        kStazioneIntErrata,
        fmt::format("idStation {} is not a station of this intermediary", Echo(h.id_station)), us);
  }
  auto entity = ctx.store.FindEntityByFiscalCode(h.id_pa);
  if (!entity.ok()) return SystemError(us);
  if (!entity->has_value() ||
      ((*entity)->status != EntityStatus::kActive && !accept_suspended)) {
    return Fault(
        kIdDominioErrato,
        fmt::format("idPA {} is not an active institution of this intermediary", Echo(h.id_pa)),
        us);
  }
  return Addressed{std::move(**entity), us};
}

// paVerifyPaymentNotice / paGetPayment: qrCode/fiscalCode names the institution the notice belongs
// to; this station only answers for the institution it was addressed as.
std::optional<PaaFault> CheckQrCode(const Addressed& a, std::string_view fiscal_code) {
  if (fiscal_code == a.entity.fiscal_code) return std::nullopt;
  return Fault(kIdDominioErrato,
               fmt::format("qrCode/fiscalCode {} differs from idPA {}", Echo(fiscal_code),
                           a.entity.fiscal_code),
               a.broker);
}

// A position with the option to pay, once CheckPayable accepted it.
struct Notice {
  DebtPosition position;
  const PaymentOption* option = nullptr;  // into position
};

// Loads the position of `nav` and checks it can be paid now; the fault answers otherwise.
StationResult<Notice> PayableNotice(AppContext& ctx, const Entity& entity, std::string_view nav) {
  auto found = ctx.store.FindPositionByNoticeNumber(entity.id, nav);
  if (!found.ok()) return SystemError(entity.fiscal_code);
  const DebtPosition* p = found->has_value() ? &**found : nullptr;
  if (auto fault = CheckPayable(p, nav, ctx.clock.Now())) {
    return Fault(fault->code, fmt::format("notice {}: {}", Echo(nav), fault->reason),
                 entity.fiscal_code);
  }
  Notice n{std::move(**found), nullptr};
  n.option = FindOptionByNav(n.position, nav);
  return n;
}

std::string CompanyName(const Entity& e, const DebtPosition& p) {
  return Clip(p.company_name.empty() ? e.name : p.company_name, kMaxText);
}

std::string OfficeName(const Entity& e, const DebtPosition& p) {
  return Clip(p.office_name.empty() ? e.department : p.office_name, kMaxText);
}

VerifyNoticeAnswer AnswerFor(const Entity& e, const DebtPosition& p, const PaymentOption& o) {
  VerifyNoticeAnswer a;
  a.amount = o.amount;
  a.due_date = DayOf(o.due_date);
  a.detail_description = Clip(o.description, kMaxText);
  a.all_ccp = AllCcp(o);
  std::string_view description = o.description;
  if (description.empty() && !o.transfers.empty()) {
    description = o.transfers.front().remittance_information;
  }
  a.payment_description = Clip(description, kMaxText);
  a.fiscal_code_pa = e.fiscal_code;
  a.company_name = CompanyName(e, p);
  a.office_name = OfficeName(e, p);
  return a;
}

// Wraps a use case so that nothing escapes as an exception (station.hpp: database trouble is
// PAA_SYSTEM_ERROR, never an exception).
template <typename T, typename F>
StationResult<T> Guarded(const StationConfig& config, const StationHeader& h, F&& fn) {
  try {
    return fn();
  } catch (const std::exception&) {
    return SystemError(config.broker_fiscal_code.empty() ? h.id_broker_pa
                                                         : config.broker_fiscal_code);
  }
}

// How an incoming receipt relates to the position its notice number designates, and what it
// changes if its outcome is OK.
struct Classification {
  ReceiptKind kind = ReceiptKind::kNormal;
  std::optional<std::int64_t> option_id;
  std::optional<PositionStatus> status_before;
  std::optional<PaymentUpdate> update;
};

// Precedence (first match): kSecondary, kUnknownNotice, kNotPayable, kAlreadyPaid,
// kAmountMismatch, kNotActivated, kNormal. Only the last three pay the option.
Result<Classification> Classify(AppContext& ctx, const Entity& entity, const Receipt& r,
                                TimePoint now) {
  Classification c;
  // A broadcast copy for a secondary institution of a multi-beneficiary payment: the notice
  // belongs to r.fiscal_code, whose own receipt pays it (pagopa-notes.md §1.1 paSendRT).
  if (!r.fiscal_code.empty() && r.fiscal_code != entity.fiscal_code) {
    c.kind = ReceiptKind::kSecondary;
    return c;
  }
  auto found = ctx.store.FindPositionByNoticeNumber(entity.id, r.notice_number);
  if (!found.ok()) return found.error();
  if (!found->has_value()) {
    c.kind = ReceiptKind::kUnknownNotice;
    return c;
  }
  const DebtPosition& p = **found;
  const PaymentOption* o = FindOptionByNav(p, r.notice_number);
  if (o == nullptr) return Internal("database error", "position found without its option");
  c.option_id = o->id;
  c.status_before = p.status;
  // Judged when the payer paid: a receipt re-sent by the node after the due date still counts.
  const TimePoint paid_at = r.payment_date_time.value_or(now);
  if (auto fault = CheckPayable(&p, r.notice_number, paid_at)) {
    c.kind = fault->code == kPaaPagamentoDuplicato ? ReceiptKind::kAlreadyPaid
                                                   : ReceiptKind::kNotPayable;
    return c;
  }
  if (r.amount != o->amount) {
    // Typically a Stand-In receipt with the amount of an older copy: the money was collected for
    // this notice, so it still pays it (SANP stand-in; pagopa-notes.md §5).
    c.kind = ReceiptKind::kAmountMismatch;
  } else {
    // soap/ logs every answered paGetPayment(V2); an OK one means the node activated the notice.
    auto activated =
        ctx.store.HasEvent(entity.id, r.notice_number, {"paGetPayment", "paGetPaymentV2"}, "OK");
    if (!activated.ok()) return activated.error();
    c.kind = *activated ? ReceiptKind::kNormal : ReceiptKind::kNotActivated;
  }
  auto effect = ComputePayment(p, r.notice_number, paid_at);
  if (!effect.ok()) return Internal("database error", effect.error().ToText());
  c.update = PaymentUpdate{p.iupd,
                           p.version,
                           effect->nav,
                           effect->option_status,
                           effect->position_status,
                           effect->payment_date,
                           now};
  return c;
}

// The debtor of a notice demanded from the catalogue: idSoggettoServizio when it is a fiscal
// code, else pagoPA's anonymous debtor. The name is not known either way.
Debtor DemandedDebtor(std::string_view subject_id) {
  Debtor d;
  d.full_name = "ANONIMO";
  if (ValidatePersonalFiscalCode(subject_id, "idSoggettoServizio").ok()) {
    d.type = DebtorType::kPerson;
    d.fiscal_code = std::string(subject_id);
  } else if (ValidateLegalEntityFiscalCode(subject_id, "idSoggettoServizio").ok()) {
    d.type = DebtorType::kLegal;
    d.fiscal_code = std::string(subject_id);
  } else {
    d.type = DebtorType::kPerson;
    d.fiscal_code = "ANONIMO";
  }
  return d;
}

}  // namespace

std::string_view OfficialFaultString(std::string_view code) {
  for (const FaultString& f : kFaultStrings) {
    if (f.code == code) return f.text;
  }
  return "Errore generico";
}

const char* ToString(ReceiptKind k) {
  switch (k) {
    case ReceiptKind::kNormal:
      return "NORMAL";
    case ReceiptKind::kNotActivated:
      return "NOT_ACTIVATED";
    case ReceiptKind::kSecondary:
      return "SECONDARY";
    case ReceiptKind::kUnknownNotice:
      return "UNKNOWN_NOTICE";
    case ReceiptKind::kAlreadyPaid:
      return "ALREADY_PAID";
    case ReceiptKind::kAmountMismatch:
      return "AMOUNT_MISMATCH";
    case ReceiptKind::kNotPayable:
      return "NOT_PAYABLE";
  }
  return "NORMAL";
}

StationResult<VerifyNoticeAnswer> VerifyNotice(AppContext& ctx, const StationConfig& config,
                                               const VerifyNoticeQuery& query) {
  return Guarded<VerifyNoticeAnswer>(
      config, query.header, [&]() -> StationResult<VerifyNoticeAnswer> {
        auto addressed = CheckHeader(ctx, config, query.header);
        if (auto* f = std::get_if<PaaFault>(&addressed)) return *f;
        const Entity& e = std::get<Addressed>(addressed).entity;
        if (auto f = CheckQrCode(std::get<Addressed>(addressed), query.fiscal_code)) return *f;
        auto notice = PayableNotice(ctx, e, query.notice_number);
        if (auto* f = std::get_if<PaaFault>(&notice)) return *f;
        const Notice& n = std::get<Notice>(notice);
        return AnswerFor(e, n.position, *n.option);
      });
}

StationResult<PaymentData> GetPayment(AppContext& ctx, const StationConfig& config,
                                      const GetPaymentQuery& query) {
  return Guarded<PaymentData>(config, query.header, [&]() -> StationResult<PaymentData> {
    auto addressed = CheckHeader(ctx, config, query.header);
    if (auto* f = std::get_if<PaaFault>(&addressed)) return *f;
    const Entity& e = std::get<Addressed>(addressed).entity;
    if (auto f = CheckQrCode(std::get<Addressed>(addressed), query.fiscal_code)) return *f;
    auto notice = PayableNotice(ctx, e, query.notice_number);
    if (auto* f = std::get_if<PaaFault>(&notice)) return *f;
    const Notice& n = std::get<Notice>(notice);
    const PaymentOption& o = *n.option;

    PaymentData d;
    d.creditor_reference_id = o.iuv;
    d.due_date = DayOf(o.due_date);
    d.retention_date = o.retention_date;
    d.last_payment = false;  // ignored by the node (pagopa-notes.md §1.1)
    d.description = Clip(o.description, kMaxText);
    d.company_name = CompanyName(e, n.position);
    d.office_name = OfficeName(e, n.position);
    d.debtor = n.position.debtor;
    d.metadata = o.metadata;
    const bool postal = query.transfer_type == "POSTAL";
    for (Transfer t : o.transfers) {
      // ctTransferPA (V1) has no richiestaMarcaDaBollo: a notice with a digital stamp can only be
      // activated with paGetPaymentV2.
      if (t.stamp && query.version < 2) {
        return Fault(kSemantica,
                     fmt::format("notice {} includes a digital stamp (marca da bollo), which "
                                 "paGetPayment cannot carry: use paGetPaymentV2",
                                 Echo(query.notice_number)),
                     e.fiscal_code);
      }
      if (t.entity_fiscal_code.empty()) t.entity_fiscal_code = e.fiscal_code;
      // transferType POSTAL: the node wants the postal account credited (best-practice.md).
      if (postal && !t.stamp && !t.postal_iban.empty()) t.iban = t.postal_iban;
      d.payment_amount += t.amount;
      d.transfers.push_back(std::move(t));
    }
    // The node refuses an answer whose amount is not the sum of its transfers.
    if (d.transfers.empty() || d.payment_amount != o.amount) {
      return Fault(kSemantica,
                   fmt::format("notice {}: the transfers do not add up to the amount",
                               Echo(query.notice_number)),
                   e.fiscal_code);
    }
    return d;
  });
}

StationResult<ReceiptAccepted> AcceptReceipt(AppContext& ctx, const StationConfig& config,
                                             const SendReceiptCommand& command) {
  return Guarded<ReceiptAccepted>(config, command.header, [&]() -> StationResult<ReceiptAccepted> {
    // A receipt proves money was taken: it is stored even for a suspended institution (refusing
    // it would leave it in the node's retry queue and lose it; the institution must see it).
    auto addressed = CheckHeader(ctx, config, command.header, /*accept_suspended=*/true);
    if (auto* f = std::get_if<PaaFault>(&addressed)) return *f;
    const Entity& e = std::get<Addressed>(addressed).entity;
    if (command.receipt.receipt_id.empty()) {
      return Fault(kSemantica, "receiptId is required", e.fiscal_code);
    }
    const TimePoint now = ctx.clock.Now();
    StoredReceipt stored;
    stored.receipt = command.receipt;
    stored.receipt.id = 0;
    stored.receipt.entity_id = e.id;
    stored.receipt.received_at = now;
    stored.id_pa = command.header.id_pa;
    stored.station_id = command.header.id_station;
    // Only a successful payment changes positions or is announced; a KO receipt is kept as
    // received (the node should not send one: pagopa-api #200).
    const bool paid = command.receipt.outcome == "OK";

    for (int attempt = 1; attempt <= kReceiptAttempts; ++attempt) {
      auto c = Classify(ctx, e, stored.receipt, now);
      if (!c.ok()) return SystemError(e.fiscal_code);
      stored.kind = ToString(c->kind);
      stored.option_id = c->option_id;
      std::optional<PaymentUpdate> update;
      if (paid) update = c->update;
      auto recorded = ctx.store.RecordReceipt(e.id, stored, update, paid);
      if (recorded.ok()) {
        if (recorded->duplicate) {
          return Fault(
              kReceiptDuplicata,
              fmt::format("receipt {} was already received", Echo(command.receipt.receipt_id)),
              e.fiscal_code);
        }
        ReceiptAccepted accepted;
        accepted.kind = c->kind;
        if (update && update->position_status != c->status_before) {
          accepted.new_status = update->position_status;
        }
        return accepted;
      }
      // The position changed (another receipt for it committed first) or vanished since we
      // read it; nothing was stored: read it again and recompute.
      const Error& err = recorded.error();
      bool stale = (err.code == ErrorCode::kConflict && err.field == "version") ||
                   err.code == ErrorCode::kNotFound;
      if (!stale) return SystemError(e.fiscal_code);
    }
    return SystemError(e.fiscal_code);
  });
}

StationResult<DemandNoticeAnswer> DemandNotice(AppContext& ctx, const StationConfig& config,
                                               const DemandNoticeQuery& query) {
  return Guarded<DemandNoticeAnswer>(
      config, query.header, [&]() -> StationResult<DemandNoticeAnswer> {
        auto addressed = CheckHeader(ctx, config, query.header);
        if (auto* f = std::get_if<PaaFault>(&addressed)) return *f;
        const Entity& e = std::get<Addressed>(addressed).entity;
        auto found = ctx.store.FindServiceByCode(e.id, query.service_id);
        if (!found.ok()) return SystemError(e.fiscal_code);
        auto refuse = [&](std::string_view why) {
          return Fault(kSemantica, fmt::format("idServizio {}: {}", Echo(query.service_id), why),
                       e.fiscal_code);
        };
        if (!found->has_value()) return refuse("not in the institution's service catalogue");
        const Service& s = **found;
        if (!s.active) return refuse("the service is not active");
        if (!s.spontaneous) return refuse("the service cannot be requested spontaneously");
        // Without a fixed tariff the amount would have to come from datiSpecificiServizio, which
        // this station does not interpret.
        if (s.amount_rule != AmountRule::kFixed) return refuse("the service has no fixed amount");

        // The IUV first, so the position's iupd can be derived from it (unique per entity).
        auto numbers = AllocateNoticeNumbers(ctx, e, 1);
        if (!numbers.ok()) return SystemError(e.fiscal_code);
        const NoticeNumber& nn = numbers->front();
        const TimePoint now = ctx.clock.Now();
        DebtPosition p;
        p.iupd = "DPN-" + nn.iuv;
        p.debtor = DemandedDebtor(query.subject_id);
        p.company_name = Clip(e.name, kMaxText);
        p.office_name = Clip(e.department, kMaxText);
        PaymentOption o;
        o.iuv = nn.iuv;
        o.nav = nn.nav;
        o.amount = s.amount_cents;
        o.description = Clip(s.name, kMaxText);
        o.due_date = now + kDemandedNoticeTerm;
        Transfer t;
        t.id_transfer = 1;
        t.amount = s.amount_cents;
        t.entity_fiscal_code = e.fiscal_code;
        t.remittance_information = Clip(s.name, kMaxText);
        t.category = s.taxonomy_code;
        t.iban = s.iban;
        o.transfers.push_back(std::move(t));
        p.options.push_back(std::move(o));

        auto created = CreatePosition(ctx, Caller{"soap", {}}, {e.fiscal_code, std::move(p), true});
        if (!created.ok()) {
          if (created.error().code == ErrorCode::kInvalidArgument) {
            return refuse(fmt::format("the service cannot make a valid notice ({})",
                                      created.error().ToText()));
          }
          return SystemError(e.fiscal_code);
        }
        DemandNoticeAnswer answer;
        answer.fiscal_code_pa = e.fiscal_code;
        answer.notice_number = created->options.front().nav;
        answer.option = AnswerFor(e, *created, created->options.front());
        return answer;
      });
}

}  // namespace incasso
