// Exports for accounting: an entity's positions, payment options and receipts as tables, with the
// filters of the list endpoints. The use cases page through the Store and hand each row to a
// TableSink as it comes, so memory stays flat whatever the number of rows; src/export implements
// the sink as CSV or XLSX, written to a file (CLI) or a temporary file sent as the HTTP body (API).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/context.hpp"
#include "core/result.hpp"

namespace incasso {

enum class ExportKind { kText, kMoney, kInteger, kDateTime };

struct ExportColumn {
  std::string name;  // header, stable: documented in docs/export.md
  ExportKind kind = ExportKind::kText;
};

// One cell: text for kText and kDateTime (ISO 8601, UTC), `number` for kMoney (cents) and
// kInteger. `empty` = no value (an empty cell).
struct ExportCell {
  std::string text;
  std::int64_t number = 0;
  bool empty = false;
};

// Receives one table. Not thread-safe; one export at a time. Begin once, Row per row, Finish
// once; after an error the sink is abandoned (the caller removes what it wrote).
class TableSink {
 public:
  virtual ~TableSink() = default;
  virtual Status Begin(const std::vector<ExportColumn>& columns) = 0;
  virtual Status Row(const std::vector<ExportCell>& cells) = 0;
  virtual Status Finish() = 0;
};

struct ExportQuery {
  std::optional<PositionStatus> status;  // positions and options: the position's status
  std::string receipt_kind;              // receipts: classification; empty = any
  // Positions/options: any option due in [from, to]; receipts: paid in [from, to]. Inclusive.
  std::optional<TimePoint> from;
  std::optional<TimePoint> to;
  int page_size = 500;  // rows fetched per Store call (1..1000)
};

// Each writes the header and every matching row of `entity_fiscal_code` only, oldest first, and
// returns the number of data rows. NotFound for an unknown entity.
Result<std::int64_t> ExportPositions(AppContext& ctx, std::string_view entity_fiscal_code,
                                     const ExportQuery& query, TableSink& sink);
Result<std::int64_t> ExportOptions(AppContext& ctx, std::string_view entity_fiscal_code,
                                   const ExportQuery& query, TableSink& sink);
Result<std::int64_t> ExportReceipts(AppContext& ctx, std::string_view entity_fiscal_code,
                                    const ExportQuery& query, TableSink& sink);

// "positions" | "options" | "receipts" -> the matching function; nullptr otherwise.
using ExportFunction = Result<std::int64_t> (*)(AppContext&, std::string_view, const ExportQuery&,
                                                TableSink&);
ExportFunction FindExport(std::string_view what);

}  // namespace incasso
