#include "import/incasso_csv.hpp"

#include <fmt/format.h>

#include <array>
#include <cctype>

#include "core/money.hpp"
#include "core/time.hpp"
#include "domain/fiscal_code.hpp"
#include "domain/iban.hpp"

namespace incasso::import {
namespace {

// Column names: English, Italian.
enum Field : int {
  kEntity,
  kIupd,
  kDebtorType,
  kDebtorFiscalCode,
  kDebtorName,
  kDebtorStreet,
  kDebtorCivic,
  kDebtorPostalCode,
  kDebtorCity,
  kDebtorProvince,
  kDebtorCountry,
  kDebtorEmail,
  kDebtorPhone,
  kCompanyName,
  kOfficeName,
  kValidityDate,
  kIuv,
  kAmount,
  kDueDate,
  kDescription,
  kInstalment,
  kServiceCode,
  kIban,
  kTaxonomy,
  kFixedFields,  // then 5 groups of kGroupFields
};
enum GroupField : int { kTAmount, kTIban, kTTaxonomy, kTRemittance, kTFiscalCode, kGroupFields };
constexpr int kFieldCount = kFixedFields + kMaxTransfers * kGroupFields;

struct Names {
  const char* en;
  const char* it;
};
constexpr std::array<Names, kFixedFields> kNames{{
    {"entity_fiscal_code", "codice_fiscale_ente"},
    {"iupd", "codice_posizione"},
    {"debtor_type", "tipo_debitore"},
    {"debtor_fiscal_code", "codice_fiscale_debitore"},
    {"debtor_name", "nominativo_debitore"},
    {"debtor_street", "indirizzo"},
    {"debtor_civic_number", "civico"},
    {"debtor_postal_code", "cap"},
    {"debtor_city", "comune"},
    {"debtor_province", "provincia"},
    {"debtor_country", "nazione"},
    {"debtor_email", "email"},
    {"debtor_phone", "telefono"},
    {"company_name", "ente"},
    {"office_name", "ufficio"},
    {"validity_date", "data_validita"},
    {"iuv", "iuv"},
    {"amount", "importo"},
    {"due_date", "scadenza"},
    {"description", "causale"},
    {"instalment", "rata"},
    {"service_code", "codice_servizio"},
    {"iban", "iban"},
    {"taxonomy", "tassonomia"},
}};
constexpr std::array<Names, kGroupFields> kGroupNames{{
    {"transfer{}_amount", "importo_quota{}"},
    {"transfer{}_iban", "iban_quota{}"},
    {"transfer{}_taxonomy", "tassonomia_quota{}"},
    {"transfer{}_remittance", "causale_quota{}"},
    {"transfer{}_fiscal_code", "codice_fiscale_quota{}"},
}};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool SameName(std::string_view a, std::string_view b) {
  a = Trim(a);
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = static_cast<char>(std::tolower(static_cast<unsigned char>(a[i])));
    char y = static_cast<char>(std::tolower(static_cast<unsigned char>(b[i])));
    if (x == ' ') x = '_';
    if (x != y) return false;
  }
  return true;
}

int FindColumn(const std::vector<std::string>& header, std::string_view en, std::string_view it) {
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (SameName(header[i], en) || SameName(header[i], it)) return static_cast<int>(i);
  }
  return -1;
}

std::vector<int> ResolveColumns(const std::vector<std::string>& header) {
  std::vector<int> col(kFieldCount, -1);
  for (int f = 0; f < kFixedFields; ++f) col[f] = FindColumn(header, kNames[f].en, kNames[f].it);
  for (int n = 0; n < kMaxTransfers; ++n) {
    for (int g = 0; g < kGroupFields; ++g) {
      col[kFixedFields + n * kGroupFields + g] =
          FindColumn(header, fmt::format(fmt::runtime(kGroupNames[g].en), n + 1),
                     fmt::format(fmt::runtime(kGroupNames[g].it), n + 1));
    }
  }
  return col;
}

// Reads cells by Field and collects errors naming the file's own column.
class RowMapper {
 public:
  RowMapper(const Record& r, const std::vector<int>& col, MappedRow& out)
      : r_(r), col_(col), out_(out) {}

  bool Has(int f) const { return col_[f] >= 0; }
  std::string_view Get(int f) const {
    int c = col_[f];
    if (c < 0 || static_cast<std::size_t>(c) >= r_.cells().size()) return {};
    return Trim(r_.cells()[static_cast<std::size_t>(c)]);
  }
  std::string Column(int f) const {
    int c = col_[f];
    if (c >= 0) return r_.header()[static_cast<std::size_t>(c)];
    if (f < kFixedFields) return kNames[f].en;
    int n = (f - kFixedFields) / kGroupFields;
    int g = (f - kFixedFields) % kGroupFields;
    return fmt::format(fmt::runtime(kGroupNames[g].en), n + 1);
  }
  void Fail(int f, std::string message) {
    out_.errors.push_back({r_.row(), Column(f), std::move(message)});
  }
  void Check(int f, const Status& s) {
    if (!s.ok()) Fail(f, s.error().message);
  }
  std::string Required(int f, std::size_t max) {
    std::string_view v = Get(f);
    if (v.empty()) {
      Fail(f, "is required");
    } else if (v.size() > max) {
      Fail(f, fmt::format("is longer than {} characters", max));
    }
    return std::string(v);
  }
  std::string Optional(int f, std::size_t max) {
    std::string_view v = Get(f);
    if (v.size() > max) Fail(f, fmt::format("is longer than {} characters", max));
    return std::string(v);
  }

 private:
  const Record& r_;
  const std::vector<int>& col_;
  MappedRow& out_;
};

int Group(int n, int g) { return kFixedFields + n * kGroupFields + g; }

MappedRow MapWith(const Record& r, const std::vector<int>& col, const AdapterContext& ctx) {
  MappedRow out;
  RowMapper m(r, col, out);
  DebtPosition p;
  if (!m.Has(kIupd)) {
    m.Fail(kIupd, "the file has no iupd (codice_posizione) column");
    return out;
  }
  if (std::string_view e = m.Get(kEntity); !e.empty() && e != ctx.entity_fiscal_code) {
    m.Fail(kEntity, fmt::format("names institution {}, but the file is imported for {}",
                                NormalizeFiscalCode(e), ctx.entity_fiscal_code));
  }
  p.iupd = m.Required(kIupd, 50);

  // Debtor.
  p.debtor.fiscal_code = NormalizeFiscalCode(m.Required(kDebtorFiscalCode, 16));
  if (!p.debtor.fiscal_code.empty() && p.debtor.fiscal_code != "ANONIMO") {
    m.Check(kDebtorFiscalCode, ValidateFiscalCode(p.debtor.fiscal_code, "debtor_fiscal_code"));
  }
  std::string_view type = m.Get(kDebtorType);
  if (type.empty()) {
    p.debtor.type = p.debtor.fiscal_code.size() == 11 ? DebtorType::kLegal : DebtorType::kPerson;
  } else if (type == "F" || type == "f") {
    p.debtor.type = DebtorType::kPerson;
  } else if (type == "G" || type == "g") {
    p.debtor.type = DebtorType::kLegal;
  } else {
    m.Fail(kDebtorType, "must be F (natural person) or G (legal person)");
  }
  p.debtor.full_name = m.Required(kDebtorName, 70);
  p.debtor.street_name = m.Optional(kDebtorStreet, 70);
  p.debtor.civic_number = m.Optional(kDebtorCivic, 16);
  p.debtor.postal_code = m.Optional(kDebtorPostalCode, 16);
  p.debtor.city = m.Optional(kDebtorCity, 35);
  p.debtor.province = m.Optional(kDebtorProvince, 2);
  p.debtor.country = m.Optional(kDebtorCountry, 2);
  p.debtor.email = m.Optional(kDebtorEmail, 256);
  p.debtor.phone = m.Optional(kDebtorPhone, 19);
  p.company_name = m.Optional(kCompanyName, 140);
  p.office_name = m.Optional(kOfficeName, 140);
  if (std::string_view v = m.Get(kValidityDate); !v.empty()) {
    auto t = ParseDateTime(v, "validity_date");
    if (t.ok()) {
      p.validity_date = *t;
    } else {
      m.Fail(kValidityDate, "must be a date-time YYYY-MM-DDTHH:MM:SS");
    }
  }

  // The option.
  PaymentOption o;
  o.iuv = m.Optional(kIuv, 35);
  o.description = m.Required(kDescription, 140);
  if (m.Get(kAmount).empty()) {
    m.Fail(kAmount, "is required");
  } else if (auto a = ParseEuro(m.Get(kAmount), "amount"); a.ok()) {
    o.amount = *a;
  } else {
    m.Fail(kAmount, a.error().message);
  }
  if (m.Get(kDueDate).empty()) {
    m.Fail(kDueDate, "is required");
  } else if (auto d = ParseDueDate(m.Get(kDueDate), "due_date"); d.ok()) {
    o.due_date = *d;
    if (o.due_date < ctx.now) m.Fail(kDueDate, "is in the past");
  } else {
    m.Fail(kDueDate, d.error().message);
  }
  if (std::string_view inst = m.Get(kInstalment); !inst.empty()) {
    bool digits = inst.size() <= 3;
    for (char c : inst) digits = digits && std::isdigit(static_cast<unsigned char>(c));
    if (!digits || inst == "0") {
      m.Fail(kInstalment,
             "must be the instalment number (1, 2, ...) or empty for a single payment");
    }
    o.is_partial_payment = true;
  }

  // Transfers: numbered groups, or one transfer from the option's own columns.
  bool grouped = false;
  for (int n = 0; n < kMaxTransfers; ++n) {
    for (int g = 0; g < kGroupFields; ++g) grouped = grouped || !m.Get(Group(n, g)).empty();
  }
  const Service* service = nullptr;
  if (std::string_view code = m.Get(kServiceCode); !code.empty()) {
    for (const Service& s : ctx.services) {
      if (s.code == code) service = &s;
    }
    if (service == nullptr) {
      m.Fail(kServiceCode, fmt::format("the institution has no service with code '{}'", code));
    }
  }
  auto default_iban = [&]() -> std::string {
    if (!m.Get(kIban).empty()) return NormalizeIban(m.Get(kIban));
    return service ? service->iban : std::string();
  };
  auto default_taxonomy = [&]() -> std::string {
    if (!m.Get(kTaxonomy).empty()) return std::string(m.Get(kTaxonomy));
    return service ? service->taxonomy_code : std::string();
  };
  if (!grouped) {
    Transfer t;
    t.id_transfer = 1;
    t.amount = o.amount;
    t.remittance_information = o.description;
    t.iban = default_iban();
    t.category = default_taxonomy();
    int iban_field = m.Has(kIban) || service == nullptr ? kIban : kServiceCode;
    int tax_field = m.Has(kTaxonomy) || service == nullptr ? kTaxonomy : kServiceCode;
    if (t.iban.empty()) {
      m.Fail(iban_field, "is required (or a service_code whose service has an IBAN)");
    } else {
      m.Check(iban_field, ValidateIban(t.iban, "iban"));
    }
    if (t.category.empty()) {
      m.Fail(tax_field, "is required (or a service_code whose service has a taxonomy code)");
    } else {
      m.Check(tax_field, ValidateTaxonomyCode(t.category, "taxonomy"));
    }
    o.transfers.push_back(std::move(t));
  } else {
    std::int64_t sum = 0;
    for (int n = 0; n < kMaxTransfers; ++n) {
      bool any = false;
      for (int g = 0; g < kGroupFields; ++g) any = any || !m.Get(Group(n, g)).empty();
      if (!any) continue;
      Transfer t;
      t.id_transfer = n + 1;
      if (auto a = ParseEuro(m.Get(Group(n, kTAmount)), "amount"); a.ok()) {
        t.amount = *a;
        sum += *a;
      } else {
        m.Fail(Group(n, kTAmount),
               m.Get(Group(n, kTAmount)).empty() ? "is required" : a.error().message);
      }
      t.iban = m.Get(Group(n, kTIban)).empty() ? (n == 0 ? default_iban() : std::string())
                                               : NormalizeIban(m.Get(Group(n, kTIban)));
      if (t.iban.empty()) {
        m.Fail(Group(n, kTIban), "is required");
      } else {
        m.Check(Group(n, kTIban), ValidateIban(t.iban, "iban"));
      }
      t.category = m.Get(Group(n, kTTaxonomy)).empty() ? (n == 0 ? default_taxonomy() : "")
                                                       : std::string(m.Get(Group(n, kTTaxonomy)));
      if (t.category.empty()) {
        m.Fail(Group(n, kTTaxonomy), "is required");
      } else {
        m.Check(Group(n, kTTaxonomy), ValidateTaxonomyCode(t.category, "taxonomy"));
      }
      t.remittance_information = m.Get(Group(n, kTRemittance)).empty()
                                     ? o.description
                                     : m.Optional(Group(n, kTRemittance), 140);
      t.entity_fiscal_code = NormalizeFiscalCode(m.Get(Group(n, kTFiscalCode)));
      if (!t.entity_fiscal_code.empty()) {
        m.Check(Group(n, kTFiscalCode),
                ValidateLegalEntityFiscalCode(t.entity_fiscal_code, "fiscal_code"));
        if (n == 0 && t.entity_fiscal_code != ctx.entity_fiscal_code) {
          m.Fail(Group(n, kTFiscalCode),
                 fmt::format("the first transfer must credit the institution itself ({})",
                             ctx.entity_fiscal_code));
        }
      }
      o.transfers.push_back(std::move(t));
    }
    if (o.transfers.empty() || o.transfers.front().id_transfer != 1) {
      m.Fail(Group(0, kTAmount), "the first transfer group is required");
    } else if (out.errors.empty() && sum != o.amount) {
      m.Fail(kAmount, fmt::format("the transfers add up to {} but the amount is {}",
                                  FormatAmount(sum), FormatAmount(o.amount)));
    }
  }
  p.options.push_back(std::move(o));
  out.position = std::move(p);
  return out;
}

}  // namespace

bool IsIncassoCsvHeader(const std::vector<std::string>& header) {
  return FindColumn(header, kNames[kIupd].en, kNames[kIupd].it) >= 0;
}

IncassoCsvAdapter::IncassoCsvAdapter(const std::vector<std::string>& header)
    : col_(ResolveColumns(header)) {}

MappedRow IncassoCsvAdapter::Map(const Record& r, const AdapterContext& ctx) const {
  return MapWith(r, col_, ctx);
}

MappedRow MapIncassoRow(const Record& r, const AdapterContext& ctx) {
  return MapWith(r, ResolveColumns(r.header()), ctx);
}

Result<std::int64_t> ParseEuro(std::string_view text, std::string_view field) {
  std::string s(Trim(text));
  if (s.find(',') != std::string::npos) {
    // Italian notation: '.' groups thousands, ',' separates the cents.
    std::string plain;
    for (char c : s) {
      if (c == '.') continue;
      plain.push_back(c == ',' ? '.' : c);
    }
    s = std::move(plain);
  }
  auto cents = ParseAmount(s, field);
  if (!cents.ok()) {
    return InvalidArgument(std::string(field),
                           "must be an amount in euro such as 12.50 or 12,50 (0.01 to "
                           "999999999.99)");
  }
  return cents;
}

Result<TimePoint> ParseDueDate(std::string_view text, std::string_view field) {
  std::string_view s = Trim(text);
  std::string iso;
  if (s.size() == 10 && s[2] == '/' && s[5] == '/') {
    iso = fmt::format("{}-{}-{}", s.substr(6, 4), s.substr(3, 2), s.substr(0, 2));
  } else {
    iso = std::string(s);
  }
  if (iso.size() == 10) {
    auto d = ParseDate(iso, field);
    if (!d.ok()) {
      return InvalidArgument(std::string(field), "must be a date YYYY-MM-DD or DD/MM/YYYY");
    }
    return TimePoint(std::chrono::sys_seconds(*d) + std::chrono::seconds(86399));
  }
  auto t = ParseDateTime(iso, field);
  if (!t.ok()) {
    return InvalidArgument(std::string(field), "must be a date YYYY-MM-DD or DD/MM/YYYY");
  }
  return t;
}

Result<bool> ParseFlag(std::string_view text, std::string_view field) {
  std::string s;
  for (char c : Trim(text))
    s.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (s == "si" || s == "sì" || s == "s" || s == "yes" || s == "y" || s == "true" || s == "1") {
    return true;
  }
  if (s.empty() || s == "no" || s == "n" || s == "false" || s == "0") return false;
  return InvalidArgument(std::string(field), "must be yes/no (si/no, true/false, 1/0)");
}

}  // namespace incasso::import
