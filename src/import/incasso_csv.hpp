// incasso's own CSV layout for debt positions (docs/import.md "incasso CSV"): one row per payment
// option (a single payment or one instalment); consecutive rows with the same iupd form one
// position. Columns are named in English or Italian (either name of each pair); up to 5 transfers
// per option as numbered column groups, or a single transfer defaulting to the entity's service
// (service_code -> its IBAN and taxonomy code).
#pragma once

#include <string>
#include <vector>

#include "import/row.hpp"

namespace incasso::import {

// True if the header names incasso's layout (it has an iupd / codice_posizione column).
bool IsIncassoCsvHeader(const std::vector<std::string>& header);

// Maps one record. Resolves column positions on first use per header (the header vector must
// outlive the adapter). Errors name the file's own column.
class IncassoCsvAdapter {
 public:
  explicit IncassoCsvAdapter(const std::vector<std::string>& header);
  MappedRow Map(const Record& r, const AdapterContext& ctx) const;

 private:
  std::vector<int> col_;  // column index per Field, -1 = absent
};

// Stateless form, as the GovPay/MyPay adapters (resolves columns on every call: slower).
MappedRow MapIncassoRow(const Record& r, const AdapterContext& ctx);

// Tolerant value parsers shared by the CSV adapters.
// Euro amount: "12", "12.5", "12.50", Italian "12,50" or "1.234,50"; -> cents.
Result<std::int64_t> ParseEuro(std::string_view text, std::string_view field);
// "YYYY-MM-DD", "DD/MM/YYYY", or an ISO date-time; a bare date is the end of that day (23:59:59
// UTC), so a debt due "on" a day stays payable through it.
Result<TimePoint> ParseDueDate(std::string_view text, std::string_view field);
// "si"/"sì"/"yes"/"true"/"1"/"y"/"s" -> true; "no"/"false"/"0"/"n"/"" -> false.
Result<bool> ParseFlag(std::string_view text, std::string_view field);

}  // namespace incasso::import
