#include "import/legacy_csv.hpp"

#include <fmt/format.h>

#include <cctype>

#include "core/money.hpp"
#include "core/time.hpp"
#include "domain/fiscal_code.hpp"

namespace incasso::import {

const Service* FindService(const AdapterContext& ctx, std::string_view code) {
  for (const Service& s : ctx.services) {
    if (s.code == code) return &s;
  }
  return nullptr;
}

namespace legacy {
namespace {

std::string_view TrimView(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool IsTaxonomyCore(std::string_view c) {
  if (c.size() != 9) return false;
  for (int i = 0; i < 7; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(c[i]))) return false;
  }
  return std::isupper(static_cast<unsigned char>(c[7])) &&
         std::isupper(static_cast<unsigned char>(c[8]));
}

}  // namespace

void RowErrors::Add(std::string_view column, std::string message) {
  errors_.push_back(RowError{row_, std::string(column), std::move(message)});
}

std::string Cell(const Record& r, std::string_view column) {
  return std::string(TrimView(r.Get(column)));
}

bool IsZeroAmount(std::string_view text) {
  if (text.empty()) return false;
  bool dot = false;
  bool digit = false;
  for (char c : text) {
    if (c == '0') {
      digit = true;
    } else if (c == '.' && !dot) {
      dot = true;
    } else {
      return false;
    }
  }
  return digit;
}

std::optional<std::int64_t> ParseEuro(std::string_view text, std::string_view column,
                                      RowErrors& errors) {
  if (text.empty()) {
    errors.Add(column, "is required: an amount in euro such as 12.34");
    return std::nullopt;
  }
  Result<std::int64_t> cents = ParseAmount(text, column);
  if (!cents.ok()) {
    errors.Add(column, cents.error().message);
    return std::nullopt;
  }
  return *cents;
}

std::optional<TimePoint> ParseDueDate(std::string_view text, std::string_view column, TimePoint now,
                                      RowErrors& errors) {
  if (text.empty()) {
    errors.Add(column, "is required: a payment option needs a due date (YYYY-MM-DD) in pagoPA GPD");
    return std::nullopt;
  }
  Result<Date> d = ParseDate(text, column);
  if (!d.ok()) {
    errors.Add(column, fmt::format("'{}' is not a date written YYYY-MM-DD, e.g. 2026-03-31", text));
    return std::nullopt;
  }
  const TimePoint end_of_day = TimePoint(*d) + std::chrono::seconds(86399);
  if (end_of_day < now) {
    errors.Add(column, fmt::format("{} is in the past", text));
    return std::nullopt;
  }
  return end_of_day;
}

void RequireColumns(const Record& r, const std::vector<std::string_view>& columns,
                    RowErrors& errors) {
  for (std::string_view c : columns) {
    if (!r.Find(c)) errors.Add(c, "column is missing from the file's header");
  }
}

std::optional<std::string> TaxonomyFrom(std::string_view cell) {
  cell = TrimView(cell);
  if (IsTaxonomyCore(cell)) return std::string(cell);
  // datiSpecificiRiscossione: <kind>/<code>[/...]; kind 9 carries the taxonomy code.
  if (cell.size() >= 11 && cell.substr(0, 2) == "9/" && IsTaxonomyCore(cell.substr(2, 9)) &&
      (cell.size() == 11 || cell[11] == '/')) {
    return fmt::format("9/{}/", cell.substr(2, 9));
  }
  return std::nullopt;
}

bool FitsLength(std::string_view text, std::size_t max) {
  std::size_t n = 0;
  for (unsigned char c : text) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n <= max;
}

bool IsIupdText(std::string_view text, std::size_t max) {
  if (text.empty() || text.size() > max) return false;
  for (char c : text) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') {
      return false;
    }
  }
  return true;
}

bool HeaderHasAll(const std::vector<std::string>& header,
                  const std::vector<std::string_view>& names) {
  for (std::string_view wanted : names) {
    bool found = false;
    for (std::size_t i = 0; i < header.size() && !found; ++i) {
      std::string_view h = header[i];
      if (i == 0 && h.substr(0, 3) == "\xEF\xBB\xBF") h.remove_prefix(3);
      h = TrimView(h);
      if (h.size() != wanted.size()) continue;
      found = true;
      for (std::size_t k = 0; k < h.size(); ++k) {
        if (std::tolower(static_cast<unsigned char>(h[k])) !=
            std::tolower(static_cast<unsigned char>(wanted[k]))) {
          found = false;
          break;
        }
      }
    }
    if (!found) return false;
  }
  return true;
}

namespace {

void CheckLength(const Record& r, std::string_view column, std::size_t max, std::string* out,
                 RowErrors& errors) {
  if (column.empty()) return;
  std::string v = Cell(r, column);
  if (!FitsLength(v, max)) {
    errors.Add(column, fmt::format("is longer than {} characters", max));
    return;
  }
  *out = std::move(v);
}

}  // namespace

Debtor MapDebtor(const Record& r, const DebtorColumns& c, RowErrors& errors) {
  Debtor d;
  const std::string type = Cell(r, c.type);
  if (type == "F" || type == "f") {
    d.type = DebtorType::kPerson;
  } else if (type == "G" || type == "g") {
    d.type = DebtorType::kLegal;
  } else if (type.empty()) {
    errors.Add(c.type, "is required: F (natural person) or G (legal person)");
  } else {
    errors.Add(c.type, fmt::format("'{}' is not F (natural person) or G (legal person)", type));
  }
  d.fiscal_code = NormalizeFiscalCode(Cell(r, c.fiscal_code));
  if (d.fiscal_code.empty()) {
    errors.Add(c.fiscal_code, "is required: the debtor's fiscal code, VAT number or ANONIMO");
  } else if (d.fiscal_code != "ANONIMO") {
    Status st = d.type == DebtorType::kLegal
                    ? ValidateLegalEntityFiscalCode(d.fiscal_code, c.fiscal_code)
                    : ValidateFiscalCode(d.fiscal_code, c.fiscal_code);
    if (!st.ok()) errors.Add(c.fiscal_code, st.error().message);
  }
  d.full_name = Cell(r, c.full_name);
  if (d.full_name.empty()) {
    errors.Add(c.full_name, "is required: the debtor's name or company name");
  } else if (!FitsLength(d.full_name, 70)) {
    errors.Add(c.full_name, "is longer than 70 characters");
  }
  CheckLength(r, c.street, 70, &d.street_name, errors);
  CheckLength(r, c.civic, 16, &d.civic_number, errors);
  CheckLength(r, c.postal_code, 16, &d.postal_code, errors);
  CheckLength(r, c.city, 35, &d.city, errors);
  CheckLength(r, c.province, 35, &d.province, errors);
  CheckLength(r, c.phone, 30, &d.phone, errors);
  d.country = Cell(r, c.country);
  if (!d.country.empty() &&
      (d.country.size() != 2 || !std::isupper(static_cast<unsigned char>(d.country[0])) ||
       !std::isupper(static_cast<unsigned char>(d.country[1])))) {
    errors.Add(c.country, fmt::format("'{}' is not an ISO 3166 code of 2 capital letters, e.g. IT",
                                      d.country));
  }
  d.email = Cell(r, c.email);
  if (!d.email.empty()) {
    const auto at = d.email.find('@');
    if (at == std::string::npos || at == 0 || d.email.find('.', at) == std::string::npos ||
        d.email.size() > 256 || d.email.find_first_of(" \t\r\n<>;,") != std::string::npos) {
      errors.Add(c.email, "is not an e-mail address");
    }
  }
  return d;
}

}  // namespace legacy
}  // namespace incasso::import
