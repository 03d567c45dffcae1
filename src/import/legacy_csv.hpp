// Shared pieces of the adapters for other platforms' CSV layouts (GovPay "tracciato pendenze",
// MyPay "flusso dovuti"): the importing institution's catalogue the adapters may consult, and
// cell parsers that report errors under the file's own column names. Pure; no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/entity.hpp"
#include "domain/position.hpp"
#include "import/row.hpp"

namespace incasso::import {

// The service of the importing institution whose code equals `code` (exact match) among
// ctx.services, or nullptr. GovPay's tipoEntrataVoceN / tipoPendenza and MyPay's tipoDovuto name
// an entry of the platform's own catalogue; incasso resolves them against its service codes.
const Service* FindService(const AdapterContext& ctx, std::string_view code);

namespace legacy {

// Collects the errors of one row; every error names a column of the file.
class RowErrors {
 public:
  explicit RowErrors(std::int64_t row) : row_(row) {}
  void Add(std::string_view column, std::string message);
  bool empty() const { return errors_.empty(); }
  std::vector<RowError> Take() { return std::move(errors_); }

 private:
  std::int64_t row_;
  std::vector<RowError> errors_;
};

// Cell without surrounding spaces/tabs.
std::string Cell(const Record& r, std::string_view column);

// True if `text` is a well-formed decimal amount equal to zero ("0", "0.00", "000.0").
bool IsZeroAmount(std::string_view text);

// Euro amount with a dot as decimal separator and at most two decimals, 0.01..999999999.99.
std::optional<std::int64_t> ParseEuro(std::string_view text, std::string_view column,
                                      RowErrors& errors);

// "YYYY-MM-DD" due date: the option may be paid until the end of that day (23:59:59 UTC). A date
// already over at `now` is an error.
std::optional<TimePoint> ParseDueDate(std::string_view text, std::string_view column, TimePoint now,
                                      RowErrors& errors);

// Adds an error for every name of `columns` the header lacks.
void RequireColumns(const Record& r, const std::vector<std::string_view>& columns,
                    RowErrors& errors);

// The pagoPA taxonomy code inside a cell that is either a bare code ("0101002IM") or a pagoPA
// datiSpecificiRiscossione of kind 9 ("9/0101002IM/" optionally followed by more text). Returns
// the category to store ("9/0101002IM/" or "0101002IM") or nullopt if the cell holds none.
std::optional<std::string> TaxonomyFrom(std::string_view cell);

// True if `text` has at most `max` characters (UTF-8 code points).
bool FitsLength(std::string_view text, std::size_t max);

// True if `header` names every column of `names` (ASCII case, surrounding spaces and a UTF-8 BOM
// before the first name ignored).
bool HeaderHasAll(const std::vector<std::string>& header,
                  const std::vector<std::string_view>& names);

// The columns a platform uses for the debtor (soggetto pagatore).
struct DebtorColumns {
  std::string_view type;  // F / G
  std::string_view fiscal_code;
  std::string_view full_name;
  std::string_view street;
  std::string_view civic;
  std::string_view postal_code;
  std::string_view city;
  std::string_view province;
  std::string_view country;
  std::string_view email;
  std::string_view phone;  // may be empty: the platform has no such column
};

// Reads and checks the debtor: type F or G, a valid fiscal code for that type (or ANONIMO), the
// name (1..70), lengths of the address fields, ISO country code, e-mail shape.
Debtor MapDebtor(const Record& r, const DebtorColumns& c, RowErrors& errors);

// True if the cell is a valid iupd: [A-Za-z0-9._-]{1,max}.
bool IsIupdText(std::string_view text, std::size_t max);

}  // namespace legacy
}  // namespace incasso::import
