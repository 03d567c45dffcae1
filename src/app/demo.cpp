#include "app/demo.hpp"

#include <fmt/format.h>

#include <array>

#include "app/entities.hpp"
#include "app/positions.hpp"

namespace incasso {
namespace {

using std::chrono::days;

struct DemoService {
  const char* code;
  const char* name;
  const char* taxonomy;
  std::int64_t cents;  // 0 = free amount
  bool spontaneous;
  // The amount part of the portal's form ("amountOptions" or "quantity"), or nullptr.
  const char* amount_form = nullptr;
};

struct DemoEntity {
  Entity entity;
  std::array<const char*, 2> ibans;
  std::vector<DemoService> services;
};

struct DemoDebtor {
  const char* fiscal_code;
  const char* name;
  const char* street;
  const char* city;
};

constexpr std::array<DemoDebtor, 10> kDebtors = {{
    {"RSSMRA85T10A562S", "Mario Rossi", "Via Roma", "Valdimonte"},
    {"BNCLRA90A41G942V", "Laura Bianchi", "Via Garibaldi", "Valdimonte"},
    {"VRDGPP70M15H501X", "Giuseppe Verdi", "Corso Italia", "Monteverde"},
    {"FRRLCU88C22L049U", "Luca Ferrari", "Via Mazzini", "Monteverde"},
    {"ESPSFO95E52F205N", "Sofia Esposito", "Piazza Duomo", "Valdimonte"},
    {"CLMNDR77B03G273X", "Andrea Colombo", "Via Dante", "Pianello"},
    {"MRTGLI82H58A662Z", "Giulia Martini", "Via Verdi", "Pianello"},
    {"GRCFNC66R12D969U", "Francesco Greco", "Via Cavour", "Monteverde"},
    {"LNGPLA01D49L219T", "Paola Longo", "Viale Europa", "Valdimonte"},
    {"SRTMTT93S08F839J", "Matteo Sartori", "Via XX Settembre", "Pianello"},
}};

Entity MakeEntity(const char* cf, const char* name, const char* dept, const char* slug,
                  const char* seg, const char* city, const char* email) {
  Entity e;
  e.fiscal_code = cf;
  e.name = name;
  e.department = dept;
  e.slug = slug;
  e.segregation_code = seg;
  e.address = "Piazza del Municipio 1";
  e.postal_code = "85010";
  e.city = city;
  e.province = "PZ";
  e.email = email;
  e.phone = "+39 0971 000000";
  e.cbill_code = "";
  e.station_id = "93000111224_01";
  return e;
}

std::vector<DemoEntity> DemoEntities() {
  std::vector<DemoEntity> out;
  DemoEntity comune{
      MakeEntity("00123456782", "Comune di Valdimonte", "Servizio Tributi", "comune-valdimonte",
                 "01", "Valdimonte", "tributi@comune.valdimonte.example"),
      {"IT67V0542404200000000123456", "IT84Q0760104200000012345678"},
      {{"TARI", "Tassa sui rifiuti (TARI)", "9/0201102IM/", 0, false},
       {"MENSA", "Servizio mensa scolastica", "9/0201133SE/", 450, true,
        R"("quantity":{"label":"Numero di pasti","label_en":"Number of meals","min":1,"max":60})"},
       {"TRASPORTO", "Trasporto scolastico", "9/0201137SE/", 12000, true,
        R"("amountOptions":[{"label":"Tariffa intera","label_en":"Full fee","cents":12000},)"
        R"({"label":"Secondo figlio","label_en":"Second child","cents":8000},)"
        R"({"label":"ISEE sotto 10.000 euro","label_en":"ISEE below 10,000 euro","cents":4000}])"},
       {"CIE", "Diritti di segreteria carta d'identità", "9/0201105TS/", 2220, true},
       {"OCCUPAZIONE", "Canone occupazione suolo pubblico", "9/0201104TS/", 0, true},
       {"MULTE", "Sanzioni codice della strada", "9/0201103SA/", 0, false}}};
  comune.entity.postal_account = "12345678";
  comune.entity.cbill_code = "A1B2C";
  out.push_back(comune);
  DemoEntity uni{MakeEntity("80012345676", "Università degli Studi di Monteverde",
                            "Area Servizi agli Studenti", "universita-monteverde", "02",
                            "Monteverde", "tasse@unimonteverde.example"),
                 {"IT84P0103004200000001234567", "IT55W0200804210000100200300"},
                 {{"TASSE", "Contributo onnicomprensivo annuale", "9/0301109TS/", 0, false},
                  {"ISCR", "Tassa di iscrizione", "9/0301106TS/", 15600, false},
                  {"LAUREA", "Contributo esame di laurea", "9/0301108TS/", 3200, true},
                  {"PERGAMENA", "Pergamena di laurea", "9/0301110SE/", 6000, true},
                  {"MORA", "Indennità di mora", "9/0301111SA/", 5000, true}}};
  uni.entity.address = "Via dell'Ateneo 10";
  uni.entity.postal_code = "85100";
  uni.entity.city = "Monteverde";
  out.push_back(uni);
  DemoEntity asl{MakeEntity("01987654322", "Azienda Sanitaria Locale di Valdimonte",
                            "UOC Economico Finanziaria", "asl-valdimonte", "03", "Valdimonte",
                            "ticket@asl.valdimonte.example"),
                 {"IT26J0306904211100000000999", "IT27R0760116100000098765432"},
                 {{"TICKET", "Ticket prestazioni specialistiche", "9/0501101SE/", 0, true},
                  {"PS", "Ticket pronto soccorso (codice bianco)", "9/0501102SE/", 2500, false},
                  {"CERT", "Certificato medico-legale", "9/0501103SE/", 5000, true},
                  {"CARTELLA", "Copia cartella clinica", "9/0501104SE/", 1500, true},
                  {"VACCINI", "Vaccinazioni non obbligatorie", "9/0501105SE/", 3000, true},
                  {"SANZIONI", "Sanzioni igiene pubblica", "9/0501106SA/", 0, false},
                  {"ALPI", "Prestazioni in libera professione", "9/0501107SE/", 0, true}}};
  asl.entity.address = "Via Ospedale 2";
  out.push_back(asl);
  return out;
}

Transfer MakeTransfer(int id, std::int64_t cents, const std::string& iban, const std::string& what,
                      const char* taxonomy) {
  Transfer t;
  t.id_transfer = id;
  t.amount = cents;
  t.iban = iban;
  t.remittance_information = what;
  t.category = taxonomy;
  return t;
}

PaymentOption MakeOption(std::int64_t cents, TimePoint due, const std::string& description,
                         bool partial, const std::string& iban, const char* taxonomy) {
  PaymentOption o;
  o.amount = cents;
  o.due_date = due;
  o.retention_date = due + days{30};
  o.description = description;
  o.is_partial_payment = partial;
  o.transfers.push_back(MakeTransfer(1, cents, iban, description, taxonomy));
  return o;
}

// What a demo position becomes after creation, and how old it is.
struct Plan {
  PositionStatus target;
  int created_days_ago;
  int due_in_days;  // relative to creation
  int instalments;  // 0 = single payment; n = n instalments plus the single full payment
};

constexpr std::array<Plan, 17> kPlans = {{
    {PositionStatus::kValid, 5, 40, 0},
    {PositionStatus::kValid, 10, 60, 0},
    {PositionStatus::kValid, 2, 30, 3},
    {PositionStatus::kValid, 1, 90, 0},
    {PositionStatus::kValid, 20, 45, 2},
    {PositionStatus::kValid, 3, 120, 0},
    {PositionStatus::kDraft, 1, 60, 0},
    {PositionStatus::kDraft, 0, 30, 2},
    {PositionStatus::kPublished, 0, 90, 0},
    {PositionStatus::kPaid, 40, 60, 0},
    {PositionStatus::kPaid, 25, 30, 0},
    {PositionStatus::kPartiallyPaid, 30, 60, 3},
    {PositionStatus::kInvalid, 15, 45, 0},
    {PositionStatus::kExpired, 90, 30, 0},
    {PositionStatus::kReported, 70, 20, 0},
    {PositionStatus::kValid, 7, 15, 0},
    {PositionStatus::kValid, 4, 200, 4},
}};

// The path from VALID to the target state, through allowed transitions only.
std::vector<PositionStatus> PathTo(PositionStatus target) {
  using S = PositionStatus;
  switch (target) {
    case S::kPaid:
      return {S::kPaid};
    case S::kPartiallyPaid:
      return {S::kPartiallyPaid};
    case S::kInvalid:
      return {S::kInvalid};
    case S::kExpired:
      return {S::kExpired};
    case S::kReported:
      return {S::kPaid, S::kReported};
    default:
      return {};
  }
}

}  // namespace

Result<DemoSummary> LoadDemoRegion(AppContext& ctx) {
  DemoSummary summary;
  auto existing = ctx.store.ListEntities();
  if (!existing.ok()) return existing.error();
  if (!existing->empty()) return summary;

  INCASSO_TRY(ctx.store.SaveIntermediary({"93000111224", "Regione Demo", 3}));
  INCASSO_TRY(ctx.store.SaveStation({"93000111224_01", "Stazione regionale Regione Demo", true}));
  Caller caller{"demo", {}};
  const TimePoint now = ctx.clock.Now();
  int serial = 0;
  for (auto& demo : DemoEntities()) {
    demo.entity.onboarding_date = std::chrono::floor<days>(now) - days{365};
    auto entity = AddEntity(ctx, caller, demo.entity);
    if (!entity.ok()) return entity.error();
    ++summary.entities;
    for (size_t i = 0; i < demo.ibans.size(); ++i) {
      IbanAccount a;
      a.iban = demo.ibans[i];
      a.label = i == 0 ? "Conto di tesoreria" : "Conto corrente postale";
      a.valid_from = demo.entity.onboarding_date;
      auto added = AddIbanAccount(ctx, caller, entity->id, a);
      if (!added.ok()) return added.error();
    }
    for (const auto& s : demo.services) {
      Service svc;
      svc.code = s.code;
      svc.name = s.name;
      svc.description = s.name;
      svc.taxonomy_code = s.taxonomy;
      svc.iban = demo.ibans[0];
      svc.amount_rule = s.cents > 0 ? AmountRule::kFixed : AmountRule::kFree;
      svc.amount_cents = s.cents;
      svc.spontaneous = s.spontaneous;
      if (s.spontaneous) {
        svc.form_json =
            R"({"fields":[{"name":"causale","label":"Causale","type":"text","required":true,"maxLength":140}])";
        if (s.amount_form != nullptr) svc.form_json += std::string(",") + s.amount_form;
        svc.form_json += "}";
      }
      auto added = AddService(ctx, caller, entity->id, svc);
      if (!added.ok()) return added.error();
      ++summary.services;
    }
    for (size_t k = 0; k < kPlans.size(); ++k) {
      const Plan& plan = kPlans[k];
      const DemoDebtor& debtor =
          kDebtors[(k + static_cast<size_t>(summary.entities)) % kDebtors.size()];
      const DemoService& service = demo.services[k % demo.services.size()];
      FakeClock then(now - days{plan.created_days_ago});
      AppContext past{ctx.store, then};
      const TimePoint due = then.Now() + days{plan.due_in_days};
      const std::int64_t amount = service.cents > 0
                                      ? service.cents * (1 + static_cast<std::int64_t>(k % 3))
                                      : 8000 + static_cast<std::int64_t>(k) * 1537;
      CreatePositionCommand cmd;
      cmd.entity_fiscal_code = entity->fiscal_code;
      cmd.publish = plan.target != PositionStatus::kDraft;
      DebtPosition& p = cmd.position;
      p.iupd = fmt::format("DEMO-{}-{:04d}", demo.entity.segregation_code, ++serial);
      p.debtor.type = DebtorType::kPerson;
      p.debtor.fiscal_code = debtor.fiscal_code;
      p.debtor.full_name = debtor.name;
      p.debtor.street_name = debtor.street;
      p.debtor.civic_number = std::to_string(1 + k);
      p.debtor.postal_code = "85010";
      p.debtor.city = debtor.city;
      p.debtor.province = "PZ";
      p.debtor.country = "IT";
      p.company_name = entity->name;
      p.office_name = entity->department;
      p.switch_to_expired = plan.target == PositionStatus::kExpired;
      if (plan.target == PositionStatus::kPublished) p.validity_date = then.Now() + days{10};
      std::string what = fmt::format("{} {}", service.name, 2026);
      p.options.push_back(MakeOption(amount, due, what, false, demo.ibans[0], service.taxonomy));
      for (int r = 0; r < plan.instalments; ++r) {
        std::int64_t share = amount / plan.instalments;
        if (r == plan.instalments - 1) share = amount - share * (plan.instalments - 1);
        p.options.push_back(
            MakeOption(share, due + days{30 * r},
                       fmt::format("{} - rata {} di {}", what, r + 1, plan.instalments), true,
                       demo.ibans[0], service.taxonomy));
      }
      auto created = CreatePosition(past, caller, cmd);
      if (!created.ok()) return created.error();
      for (PositionStatus step : PathTo(plan.target)) {
        auto moved = ChangePositionStatus(ctx, caller, entity->fiscal_code, p.iupd, step);
        if (!moved.ok()) return moved.error();
      }
      ++summary.positions;
    }
  }
  summary.loaded = true;
  return summary;
}

}  // namespace incasso
