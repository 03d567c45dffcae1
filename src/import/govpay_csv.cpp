#include "import/govpay_csv.hpp"

#include <fmt/format.h>

#include <cctype>

#include "core/money.hpp"
#include "core/time.hpp"
#include "domain/fiscal_code.hpp"
#include "domain/iban.hpp"
#include "domain/notice_number.hpp"

namespace incasso::import {
namespace {

using legacy::Cell;
using legacy::RowErrors;

// GovPay allows 5 voci per pendenza (pagoPA: at most 5 transfers per payment).
constexpr int kGovPayMaxVoci = 5;

const legacy::DebtorColumns kDebtorColumns{
    "tipoSoggettoPagatore", "identificativoPagatore", "anagraficaPagatore",
    "indirizzoPagatore",    "civicoPagatore",         "capPagatore",
    "localitaPagatore",     "provinciaPagatore",      "nazionePagatore",
    "emailPagatore",        "cellularePagatore"};

std::string VoceColumn(std::string_view base, int i) { return fmt::format("{}{}", base, i); }

bool VoceIsEmpty(const Record& r, int i) {
  for (std::string_view base :
       {"idVoce", "importoVoce", "descrizioneVoce", "ibanAccreditoVoce", "ibanAppoggioVoce",
        "tipoContabilitaVoce", "codiceContabilitaVoce", "tipoEntrataVoce", "tipoBolloVoce",
        "hashBolloVoce", "provinciaBolloVoce"}) {
    if (!Cell(r, VoceColumn(base, i)).empty()) return false;
  }
  return true;
}

void AddMetadata(std::vector<Metadata>& md, std::string key, std::string value) {
  if (value.empty()) return;
  if (value.size() > 140) value.resize(140);
  md.push_back(Metadata{std::move(key), std::move(value)});
}

// One voce -> one transfer. `fallback` is the service named by tipoPendenza (may be null).
std::optional<Transfer> MapVoce(const Record& r, int i, const AdapterContext& ctx,
                                const Service* fallback, RowErrors& errors) {
  const std::string c_id = VoceColumn("idVoce", i);
  const std::string c_amount = VoceColumn("importoVoce", i);
  const std::string c_desc = VoceColumn("descrizioneVoce", i);
  const std::string c_iban = VoceColumn("ibanAccreditoVoce", i);
  const std::string c_support = VoceColumn("ibanAppoggioVoce", i);
  const std::string c_code = VoceColumn("codiceContabilitaVoce", i);
  const std::string c_entry = VoceColumn("tipoEntrataVoce", i);
  const std::string c_stamp = VoceColumn("tipoBolloVoce", i);

  Transfer t;
  t.id_transfer = i;
  bool ok = true;
  const std::string id = Cell(r, c_id);
  if (id.empty()) {
    errors.Add(c_id, "is required for every voce that has other fields set");
    ok = false;
  } else if (!legacy::FitsLength(id, 35)) {
    errors.Add(c_id, "is longer than 35 characters");
    ok = false;
  }
  std::optional<std::int64_t> amount = legacy::ParseEuro(Cell(r, c_amount), c_amount, errors);
  if (amount) {
    t.amount = *amount;
  } else {
    ok = false;
  }
  t.remittance_information = Cell(r, c_desc);
  if (t.remittance_information.empty()) {
    errors.Add(c_desc, "is required: what this voce is for (up to 140 characters)");
    ok = false;
  } else if (!legacy::FitsLength(t.remittance_information, 140)) {
    errors.Add(c_desc, "is longer than 140 characters");
    ok = false;
  }

  const std::string iban = NormalizeIban(Cell(r, c_iban));
  const std::string entry = Cell(r, c_entry);
  const std::string stamp_type = Cell(r, c_stamp);
  const Service* service = nullptr;
  if (!iban.empty()) {
    Status st = ValidateIban(iban, c_iban);
    if (!st.ok()) {
      errors.Add(c_iban, st.error().message);
      ok = false;
    }
    t.iban = iban;
    const std::string support = NormalizeIban(Cell(r, c_support));
    if (!support.empty()) {
      Status sst = ValidateIban(support, c_support);
      if (!sst.ok()) {
        errors.Add(c_support, sst.error().message);
        ok = false;
      } else if (IsPostalIban(support)) {
        t.postal_iban = support;  // the Poste account offered beside the bank one
      }
    }
  } else if (!entry.empty()) {
    service = FindService(ctx, entry);
    if (service == nullptr || !service->active) {
      errors.Add(c_entry, fmt::format("'{}' is not an active service code of this institution; "
                                      "add it to the service catalogue or give {}",
                                      entry, c_iban));
      ok = false;
    } else {
      t.iban = service->iban;
    }
  } else if (!stamp_type.empty()) {
    const std::string c_hash = VoceColumn("hashBolloVoce", i);
    const std::string c_prov = VoceColumn("provinciaBolloVoce", i);
    Stamp s;
    s.stamp_type = stamp_type;
    s.hash_document = Cell(r, c_hash);
    s.provincial_residence = Cell(r, c_prov);
    if (stamp_type != "01") {
      errors.Add(c_stamp,
                 fmt::format("'{}' is not a stamp type; 01 is the digital stamp", stamp_type));
      ok = false;
    }
    if (s.hash_document.empty()) {
      errors.Add(c_hash, "is required with a stamp: the base64 digest of the document");
      ok = false;
    }
    if (s.provincial_residence.size() != 2 ||
        !std::isupper(static_cast<unsigned char>(s.provincial_residence[0])) ||
        !std::isupper(static_cast<unsigned char>(s.provincial_residence[1]))) {
      errors.Add(c_prov, "is required with a stamp: 2 capital letters, e.g. RM");
      ok = false;
    }
    t.stamp = std::move(s);
  } else {
    errors.Add(c_iban,
               fmt::format("is required (or {} naming a service, or {})", c_entry, c_stamp));
    ok = false;
  }

  // Taxonomy: codiceContabilitaVoceN when it holds a pagoPA taxonomy code (tipoContabilita ALTRO
  // / 9), else the taxonomy of the service named by tipoEntrataVoceN or tipoPendenza.
  const std::string code = Cell(r, c_code);
  if (std::optional<std::string> tax = legacy::TaxonomyFrom(code)) {
    t.category = *tax;
  } else if (service != nullptr && !service->taxonomy_code.empty()) {
    t.category = service->taxonomy_code;
  } else if (fallback != nullptr && !fallback->taxonomy_code.empty()) {
    t.category = fallback->taxonomy_code;
  } else {
    errors.Add(c_code,
               code.empty()
                   ? "is required: a pagoPA taxonomy code such as 9/0101002IM/ "
                     "(or a tipoEntrata/tipoPendenza service that has one)"
                   : fmt::format("'{}' is not a pagoPA taxonomy code such as 9/0101002IM/", code));
    ok = false;
  }
  if (!id.empty()) AddMetadata(t.metadata, "idVoce", id);
  if (!ok) return std::nullopt;
  return t;
}

}  // namespace

bool LooksLikeGovPay(const std::vector<std::string>& header) {
  return legacy::HeaderHasAll(header, {"idA2A", "idPendenza", "idDominio", "importo", "idVoce1"});
}

MappedRow MapGovPayRow(const Record& r, const AdapterContext& ctx) {
  RowErrors errors(r.row());
  MappedRow out;
  legacy::RequireColumns(r,
                         {"idA2A", "idPendenza", "idDominio", "causale", "importo", "dataScadenza",
                          "tipoSoggettoPagatore", "identificativoPagatore", "anagraficaPagatore",
                          "idVoce1", "importoVoce1", "descrizioneVoce1"},
                         errors);
  if (!errors.empty()) {
    out.errors = errors.Take();
    return out;
  }

  // The creditor first: a row of another institution is never looked at further.
  const std::string domain = NormalizeFiscalCode(Cell(r, "idDominio"));
  if (domain.empty()) {
    errors.Add("idDominio", "is required: the fiscal code of the creditor institution");
  } else if (domain != ctx.entity_fiscal_code) {
    errors.Add("idDominio", fmt::format("{} is another creditor institution; this file is being "
                                        "imported for {} and its rows must name it",
                                        domain, ctx.entity_fiscal_code));
  }
  const std::string id_pendenza = Cell(r, "idPendenza");
  if (!legacy::IsIupdText(id_pendenza, 35)) {
    errors.Add("idPendenza", id_pendenza.empty()
                                 ? "is required: the pendenza's identifier"
                                 : "must be 1 to 35 characters: letters, digits, '.', '_' or '-'");
  }
  const std::string importo = Cell(r, "importo");
  if (legacy::IsZeroAmount(importo)) {
    // GovPay: importo 0 with idA2A + idPendenza annuls the pendenza (formatoCSV.rst).
    errors.Add("importo",
               fmt::format("is 0, which in GovPay's layout annuls pendenza '{}'; incasso's import "
                           "does not annul positions: invalidate or delete it through the API "
                           "(/gpd/debt-positions-service/v1/.../debtpositions/{{iupd}})",
                           id_pendenza));
    out.errors = errors.Take();
    return out;
  }
  if (!errors.empty()) {
    out.errors = errors.Take();
    return out;
  }

  DebtPosition p;
  const std::string id_documento = Cell(r, "idDocumento");
  const std::string numero_rata = Cell(r, "numeroRata");
  if (!id_documento.empty()) {
    if (!legacy::IsIupdText(id_documento, 35)) {
      errors.Add("idDocumento", "must be 1 to 35 characters: letters, digits, '.', '_' or '-'");
    }
    p.iupd = id_documento;
  } else {
    p.iupd = id_pendenza;
  }
  p.debtor = legacy::MapDebtor(r, kDebtorColumns, errors);

  PaymentOption o;
  o.description = Cell(r, "causale");
  if (o.description.empty()) {
    errors.Add("causale", "is required: what the debtor pays for (up to 140 characters)");
  } else if (!legacy::FitsLength(o.description, 140)) {
    errors.Add("causale", "is longer than 140 characters");
  }
  if (std::optional<std::int64_t> a = legacy::ParseEuro(importo, "importo", errors)) o.amount = *a;
  if (std::optional<TimePoint> due =
          legacy::ParseDueDate(Cell(r, "dataScadenza"), "dataScadenza", ctx.now, errors)) {
    o.due_date = *due;
  }
  const std::string validita = Cell(r, "dataValidita");
  if (!validita.empty()) {
    if (!ParseDate(validita, "dataValidita").ok()) {
      errors.Add("dataValidita", fmt::format("'{}' is not a date written YYYY-MM-DD", validita));
    }
  }
  if (!numero_rata.empty()) {
    bool digits = numero_rata.size() <= 3;
    for (char c : numero_rata) digits = digits && c >= '0' && c <= '9';
    if (id_documento.empty()) {
      errors.Add("numeroRata", "needs idDocumento: the document (plan) this instalment belongs to");
    } else if (digits && numero_rata != "0" && numero_rata != "00" && numero_rata != "000") {
      o.is_partial_payment = true;
    } else if (numero_rata.rfind("ENTRO", 0) == 0 || numero_rata.rfind("OLTRE", 0) == 0) {
      errors.Add("numeroRata", fmt::format("'{}' is a GovPay payment threshold (soglia), which "
                                           "pagoPA GPD has no equivalent for; not imported",
                                           numero_rata));
    } else {
      errors.Add("numeroRata",
                 fmt::format("'{}' is not an instalment number (1, 2, ...)", numero_rata));
    }
  }
  const std::string numero_avviso = Cell(r, "numeroAvviso");
  if (!numero_avviso.empty()) {
    Result<NoticeNumber> nav = ParseNoticeNumber(numero_avviso, "numeroAvviso");
    if (!nav.ok()) {
      errors.Add("numeroAvviso", nav.error().message);
    } else {
      o.iuv = nav->iuv;
      o.nav = nav->nav;
    }
  }

  const std::string tipo_pendenza = Cell(r, "tipoPendenza");
  const Service* fallback = tipo_pendenza.empty() ? nullptr : FindService(ctx, tipo_pendenza);
  std::int64_t sum = 0;
  bool voci_ok = true;
  for (int i = 1; i <= kGovPayMaxVoci; ++i) {
    if (i > 1 && VoceIsEmpty(r, i)) continue;
    std::optional<Transfer> t = MapVoce(r, i, ctx, fallback, errors);
    if (!t) {
      voci_ok = false;
      continue;
    }
    sum += t->amount;
    o.transfers.push_back(std::move(*t));
  }
  // Transfer ids must be 1..n without gaps for the node: renumber after skipped empty voci.
  for (std::size_t k = 0; k < o.transfers.size(); ++k) {
    o.transfers[k].id_transfer = static_cast<int>(k) + 1;
  }
  if (!VoceIsEmpty(r, kGovPayMaxVoci + 1)) {
    errors.Add(VoceColumn("idVoce", kGovPayMaxVoci + 1),
               fmt::format("a pendenza has at most {} voci (pagoPA: 5 transfers per payment)",
                           kGovPayMaxVoci));
  }
  if (voci_ok && o.amount > 0 && sum != o.amount) {
    errors.Add("importo", fmt::format("is {} but the voci add up to {}", FormatAmount(o.amount),
                                      FormatAmount(sum)));
  }

  AddMetadata(o.metadata, "idPendenza", id_pendenza);
  AddMetadata(o.metadata, "idA2A", Cell(r, "idA2A"));
  AddMetadata(o.metadata, "annoRiferimento", Cell(r, "annoRiferimento"));
  AddMetadata(o.metadata, "dataValidita", validita);
  if (!numero_rata.empty()) AddMetadata(o.metadata, "numeroRata", numero_rata);

  if (!errors.empty()) {
    out.errors = errors.Take();
    return out;
  }
  p.options.push_back(std::move(o));
  out.position = std::move(p);
  return out;
}

}  // namespace incasso::import
