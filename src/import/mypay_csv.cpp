#include "import/mypay_csv.hpp"

#include <fmt/format.h>

#include <cctype>

#include "core/money.hpp"
#include "domain/fiscal_code.hpp"
#include "domain/iban.hpp"

namespace incasso::import {
namespace {

using legacy::Cell;
using legacy::RowErrors;

const legacy::DebtorColumns kDebtorColumns{"tipoIdentificativoUnivoco",
                                           "codiceIdentificativoUnivoco",
                                           "anagraficaPagatore",
                                           "indirizzoPagatore",
                                           "civicoPagatore",
                                           "capPagatore",
                                           "localitaPagatore",
                                           "provinciaPagatore",
                                           "nazionePagatore",
                                           "mailPagatore",
                                           ""};

void AddMetadata(std::vector<Metadata>& md, std::string key, std::string value) {
  if (value.empty()) return;
  if (value.size() > 140) value.resize(140);
  md.push_back(Metadata{std::move(key), std::move(value)});
}

bool IsTrue(std::string_view v) {
  return v == "TRUE" || v == "true" || v == "True" || v == "1" || v == "S" || v == "Y";
}

// Versions up to 1_1 call the due date dataEsecuzionePagamento; later ones dataScadenzaPagamento.
std::string_view DueDateColumn(const Record& r) {
  if (r.Find("dataScadenzaPagamento")) return "dataScadenzaPagamento";
  return "dataEsecuzionePagamento";
}

// Version 1_4 spells the flag flgMultibeneficiario in MyPay's own tests and
// flagMultiBeneficiario in later exports; both are read.
std::string_view MultiFlagColumn(const Record& r) {
  if (r.Find("flagMultiBeneficiario")) return "flagMultiBeneficiario";
  return "flgMultibeneficiario";
}

}  // namespace

bool LooksLikeMyPay(const std::vector<std::string>& header) {
  return legacy::HeaderHasAll(
      header, {"IUD", "tipoIdentificativoUnivoco", "codiceIdentificativoUnivoco", "importoDovuto",
               "tipoDovuto"});
}

MappedRow MapMyPayRow(const Record& r, const AdapterContext& ctx) {
  RowErrors errors(r.row());
  MappedRow out;
  legacy::RequireColumns(
      r,
      {"IUD", "tipoIdentificativoUnivoco", "codiceIdentificativoUnivoco", "anagraficaPagatore",
       "importoDovuto", "tipoDovuto", "causaleVersamento", "azione"},
      errors);
  if (!r.Find("dataScadenzaPagamento") && !r.Find("dataEsecuzionePagamento")) {
    errors.Add("dataEsecuzionePagamento",
               "column is missing from the file's header (dataScadenzaPagamento from version "
               "1_2 on)");
  }
  if (!errors.empty()) {
    out.errors = errors.Take();
    return out;
  }

  const std::string iud = Cell(r, "IUD");
  const std::string action = Cell(r, "azione");
  if (action == "A" || action == "a") {
    errors.Add("azione", fmt::format("A (annullamento) of dovuto '{}' is not done by import; "
                                     "invalidate or delete the position through the API "
                                     "(/gpd/debt-positions-service/v1/.../debtpositions/{{iupd}})",
                                     iud));
    out.errors = errors.Take();
    return out;
  }
  if (action != "I" && action != "M" && action != "i" && action != "m") {
    errors.Add("azione", action.empty() ? "is required: I (insert), M (modify) or A (annul)"
                                        : fmt::format("'{}' is not I (insert), M (modify) or A "
                                                      "(annul)",
                                                      action));
  }
  if (!legacy::IsIupdText(iud, 35)) {
    errors.Add("IUD", iud.empty()
                          ? "is required: the dovuto's identifier in the institution's software"
                          : "must be 1 to 35 characters: letters, digits, '.', '_' or '-'");
  }

  DebtPosition p;
  p.iupd = iud;
  p.debtor = legacy::MapDebtor(r, kDebtorColumns, errors);

  PaymentOption o;
  const std::string causale = Cell(r, "causaleVersamento");
  if (causale.empty()) {
    errors.Add("causaleVersamento", "is required: what the debtor pays for");
  } else if (!legacy::FitsLength(causale, 140)) {
    // MyPay accepts 1024 characters; pagoPA's description and remittance information take 140.
    errors.Add("causaleVersamento", "is longer than 140 characters, the pagoPA limit");
  }
  o.description = causale;

  std::int64_t primary_amount = 0;
  if (std::optional<std::int64_t> a =
          legacy::ParseEuro(Cell(r, "importoDovuto"), "importoDovuto", errors)) {
    primary_amount = *a;
  }
  const std::string_view due_column = DueDateColumn(r);
  if (std::optional<TimePoint> due =
          legacy::ParseDueDate(Cell(r, due_column), due_column, ctx.now, errors)) {
    o.due_date = *due;
  }

  const std::string iuv = Cell(r, "codIuv");
  if (!iuv.empty()) {
    bool digits = iuv.size() == 17;
    for (char c : iuv) digits = digits && c >= '0' && c <= '9';
    if (!digits) {
      errors.Add(
          "codIuv",
          fmt::format("'{}' is not a 17-digit IUV; leave it empty to have one allocated", iuv));
    } else {
      o.iuv = iuv;
    }
  }

  const std::string commission = Cell(r, "commissioneCaricoPa");
  if (!commission.empty() && !legacy::IsZeroAmount(commission)) {
    Result<std::int64_t> c = ParseAmount(commission, "commissioneCaricoPa");
    if (!c.ok()) {
      errors.Add("commissioneCaricoPa", c.error().message);
    } else {
      AddMetadata(o.metadata, "commissioneCaricoPa", FormatAmount(*c));
    }
  }

  // The credited account and the default taxonomy come from the service named by tipoDovuto.
  const std::string tipo = Cell(r, "tipoDovuto");
  const Service* service = tipo.empty() ? nullptr : FindService(ctx, tipo);
  Transfer primary;
  primary.id_transfer = 1;
  primary.amount = primary_amount;
  primary.remittance_information = causale;
  if (tipo.empty()) {
    errors.Add("tipoDovuto", "is required: the code of one of the institution's services");
  } else if (service == nullptr) {
    errors.Add("tipoDovuto", fmt::format("'{}' is not a service code of this institution; add it "
                                         "to the service catalogue (with its IBAN) first",
                                         tipo));
  } else if (!service->active) {
    errors.Add("tipoDovuto", fmt::format("service '{}' is not active", tipo));
  } else {
    primary.iban = service->iban;
  }
  const std::string dsr = Cell(r, "datiSpecificiRiscossione");
  if (std::optional<std::string> tax = legacy::TaxonomyFrom(dsr)) {
    primary.category = *tax;
  } else if (service != nullptr && !service->taxonomy_code.empty()) {
    primary.category = service->taxonomy_code;
    AddMetadata(primary.metadata, "datiSpecificiRiscossione", dsr);
  } else if (service != nullptr) {
    errors.Add("datiSpecificiRiscossione",
               fmt::format("'{}' holds no pagoPA taxonomy code (9/<code>/) and service '{}' has "
                           "none",
                           dsr, tipo));
  }
  o.transfers.push_back(std::move(primary));
  o.amount = primary_amount;

  // Version 1_4: an optional second beneficiary (another institution) on the same dovuto.
  const std::string_view flag_column = MultiFlagColumn(r);
  if (IsTrue(Cell(r, flag_column))) {
    Transfer second;
    second.id_transfer = 2;
    second.entity_fiscal_code = NormalizeFiscalCode(Cell(r, "codiceFiscaleEnteSecondario"));
    if (second.entity_fiscal_code.empty()) {
      errors.Add("codiceFiscaleEnteSecondario", "is required on a multi-beneficiary dovuto");
    } else if (Status st = ValidateLegalEntityFiscalCode(second.entity_fiscal_code,
                                                         "codiceFiscaleEnteSecondario");
               !st.ok()) {
      errors.Add("codiceFiscaleEnteSecondario", st.error().message);
    } else if (second.entity_fiscal_code == ctx.entity_fiscal_code) {
      errors.Add("codiceFiscaleEnteSecondario",
                 "is the importing institution itself; the secondary beneficiary must be "
                 "another institution");
    }
    second.company_name = Cell(r, "denominazioneEnteSecondario");
    if (!legacy::FitsLength(second.company_name, 140)) {
      errors.Add("denominazioneEnteSecondario", "is longer than 140 characters");
    }
    second.iban = NormalizeIban(Cell(r, "ibanAccreditoEnteSecondario"));
    if (second.iban.empty()) {
      errors.Add("ibanAccreditoEnteSecondario", "is required on a multi-beneficiary dovuto");
    } else if (Status st = ValidateIban(second.iban, "ibanAccreditoEnteSecondario"); !st.ok()) {
      errors.Add("ibanAccreditoEnteSecondario", st.error().message);
    }
    const std::string dsr2 = Cell(r, "datiSpecificiRiscossioneEnteSecondario");
    if (std::optional<std::string> tax = legacy::TaxonomyFrom(dsr2)) {
      second.category = *tax;
    } else {
      errors.Add("datiSpecificiRiscossioneEnteSecondario",
                 dsr2.empty() ? "is required: a pagoPA taxonomy code such as 9/0101002IM/"
                              : fmt::format("'{}' is not a pagoPA taxonomy code such as "
                                            "9/0101002IM/",
                                            dsr2));
    }
    second.remittance_information = Cell(r, "causaleVersamentoEnteSecondario");
    if (second.remittance_information.empty()) second.remittance_information = causale;
    if (!legacy::FitsLength(second.remittance_information, 140)) {
      errors.Add("causaleVersamentoEnteSecondario", "is longer than 140 characters");
    }
    if (std::optional<std::int64_t> a =
            legacy::ParseEuro(Cell(r, "importoVersamentoEnteSecondario"),
                              "importoVersamentoEnteSecondario", errors)) {
      second.amount = *a;
      // MyPay: the dovuto's total is the primary amount plus the secondary one.
      if (o.amount + second.amount > kMaxAmountCents) {
        errors.Add("importoVersamentoEnteSecondario",
                   "with importoDovuto exceeds 999999999.99, the largest pagoPA amount");
      }
      o.amount += second.amount;
    }
    o.transfers.push_back(std::move(second));
  } else if (const std::string f = Cell(r, flag_column);
             !f.empty() && f != "FALSE" && f != "false" && f != "False" && f != "0" && f != "N") {
    errors.Add(flag_column, fmt::format("'{}' is not TRUE or FALSE", f));
  }

  AddMetadata(o.metadata, "IUD", iud);
  AddMetadata(o.metadata, "tipoDovuto", tipo);

  if (!errors.empty()) {
    out.errors = errors.Take();
    return out;
  }
  p.options.push_back(std::move(o));
  out.position = std::move(p);
  return out;
}

}  // namespace incasso::import
