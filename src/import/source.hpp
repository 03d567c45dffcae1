// Opens an import file as a stream of mapped rows, whatever its format, and groups consecutive
// rows of one position. Formats ("--format"): auto, incasso-csv, govpay-csv, mypay-csv, json
// (an array of GPD PaymentPositionModel), ndjson (one PaymentPositionModel per line), xml
// (incasso XML, docs/import.md). "auto" looks at the first bytes ('[' json, '{' ndjson, '<' xml)
// and, for CSV, at the header (each CSV adapter's detector, in the kCsvFormats order).
// Memory is bounded per row/element, never by the file size.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "import/row.hpp"

namespace incasso::import {

// GPD PaymentPositionModel JSON -> position (api/gpd_json ParsePositionJson, injected so this
// module stays below app/ and api/). Errors name the JSON path in `field`.
using JsonPositionParser = std::function<Result<DebtPosition>(std::string_view json)>;

struct SourceItem {
  std::int64_t row = 0;  // data row (CSV), element (JSON/NDJSON) or <position> (XML), 1-based
  MappedRow mapped;
};

class PositionSource {
 public:
  virtual ~PositionSource() = default;
  enum class Step { kItem, kEnd, kFatal };
  // kItem: `out` holds the next row. kFatal: out.mapped.errors says why the rest of the file
  // cannot be read (it is rejected as a whole).
  virtual Step Next(SourceItem& out) = 0;
  virtual std::uint64_t bytes_read() const = 0;
  virtual std::uint64_t bytes_total() const = 0;
  virtual std::string format() const = 0;
};

// A CSV format: its adapter and how to recognise its header.
struct CsvFormat {
  const char* name;
  bool (*detect)(const std::vector<std::string>& header);
  // Builds the per-file adapter once the header is known (the header outlives it).
  std::function<MappedRow(const Record&, const AdapterContext&)> (*make)(
      const std::vector<std::string>& header);
};
// The registered CSV formats, incasso's first. Adding one = one entry here (source.cpp).
const std::vector<CsvFormat>& CsvFormats();

// All format names accepted by OpenSource, "auto" first.
std::vector<std::string> FormatNames();

// Opens `path`. InvalidArgument (field "format" or "file") for an unknown format, an unreadable
// file or an unrecognised layout.
Result<std::unique_ptr<PositionSource>> OpenSource(const std::string& path, std::string_view format,
                                                   const AdapterContext& ctx,
                                                   JsonPositionParser json_parser);

// Groups consecutive rows with the same iupd into one position (options appended in file order,
// everything else from the first row). A position with a bad row is rejected as a whole.
struct AssembledPosition {
  std::int64_t first_row = 0;
  std::int64_t last_row = 0;
  std::int64_t rows = 0;                 // how many rows it spans
  std::optional<DebtPosition> position;  // none when rejected
  std::vector<RowError> errors;
};

class Assembler {
 public:
  // Feeds one row; returns a finished position when this row starts another one.
  std::optional<AssembledPosition> Add(SourceItem item);
  // The last position, if any.
  std::optional<AssembledPosition> Finish();

 private:
  std::optional<AssembledPosition> current_;
  std::string current_iupd_;
};

}  // namespace incasso::import
