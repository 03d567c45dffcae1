// The contract between the bulk-import pipeline and its file-format adapters (incasso CSV, GovPay
// "tracciato pendenze" CSV, MyPay CSV, ...). A reader streams the file as header-indexed records;
// an adapter maps one record to (part of) a GPD debt position, or to field errors. Adapters are
// pure: no I/O, no clock but the one passed in, no allocation of notice numbers (an option with
// an empty iuv gets one when the import writes it).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "domain/entity.hpp"
#include "domain/position.hpp"

namespace incasso::import {

// One problem with one input row, as the import report shows it (row, field, message).
struct RowError {
  std::int64_t row = 0;  // 1-based data row number (the header is row 0); 0 = the whole file
  std::string field;     // the column (file's own header name) or GPD JSON path it concerns
  std::string message;   // what is wrong and what is expected, in plain words
};

// One data record of a delimited file, cells addressed by the file's header names.
class Record {
 public:
  Record(const std::vector<std::string>* header, std::vector<std::string> cells, std::int64_t row)
      : header_(header), cells_(std::move(cells)), row_(row) {}

  std::int64_t row() const { return row_; }
  const std::vector<std::string>& cells() const { return cells_; }
  const std::vector<std::string>& header() const { return *header_; }

  // The cell under the first header equal to `name` ignoring ASCII case and surrounding spaces;
  // nullopt when the file has no such column. A present but empty cell is "".
  std::optional<std::string_view> Find(std::string_view name) const;
  // Find(name) or "" when absent.
  std::string_view Get(std::string_view name) const;

 private:
  const std::vector<std::string>* header_;
  std::vector<std::string> cells_;
  std::int64_t row_;
};

// What an adapter makes of one record.
//  - `position` set, no errors: the record is (part of) this position. Records of the same
//    position (same iupd) that follow each other are merged by the pipeline: options appended in
//    file order, debtor and position fields taken from the first.
//  - errors non-empty: the row is rejected with these errors. An adapter may still set `position`
//    (at least its iupd): the pipeline then rejects the whole position the row belongs to, not
//    only this row, so a bad instalment never leaves a partial plan behind.
struct MappedRow {
  std::optional<DebtPosition> position;
  std::vector<RowError> errors;
};

// Context an adapter may need. `entity_fiscal_code` is the importing institution: a row naming
// another institution as creditor is an error, never imported for the other institution.
struct AdapterContext {
  std::string entity_fiscal_code;
  TimePoint now{};
  // The entity's service catalogue (active services), for adapters that default a transfer's
  // IBAN and taxonomy code from a service code column. May be empty.
  std::vector<Service> services;
};

}  // namespace incasso::import
