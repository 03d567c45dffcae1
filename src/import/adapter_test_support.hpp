// Test support for the format adapters' unit tests (govpay_csv_test, mypay_csv_test): records
// built by column name, and readable views of a mapped row's errors.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "domain/position.hpp"
#include "import/row.hpp"

namespace incasso::import::test_support {

// A record of `header` with the cells set by name; the others empty.
class RowBuilder {
 public:
  explicit RowBuilder(std::vector<std::string> header) : header_(std::move(header)) {}
  RowBuilder& Set(const std::string& column, std::string value) {
    values_[column] = std::move(value);
    return *this;
  }
  Record Build(std::int64_t row = 1) const {
    std::vector<std::string> cells;
    for (const std::string& h : header_) {
      auto it = values_.find(h);
      cells.push_back(it == values_.end() ? "" : it->second);
    }
    return Record(&header_, std::move(cells), row);
  }

 private:
  std::vector<std::string> header_;
  std::map<std::string, std::string> values_;
};

// The error of `m` about `field`, or "" if none.
inline std::string ErrorOn(const MappedRow& m, const std::string& field) {
  for (const RowError& e : m.errors) {
    if (e.field == field) return e.message.empty() ? "(empty message)" : e.message;
  }
  return "";
}

// Every error of `m`, one "field: message" per line.
inline std::string AllErrors(const MappedRow& m) {
  std::string s;
  for (const RowError& e : m.errors) s += e.field + ": " + e.message + "\n";
  return s;
}

// The pipeline fills companyName from the importing entity before validating.
inline DebtPosition WithCompany(DebtPosition p) {
  p.company_name = "Comune di Valdimonte";
  return p;
}

}  // namespace incasso::import::test_support
