// TableSink implementations (app/exports.hpp): CSV for any byte stream, XLSX for a file.
// libxlsxwriter is included by this module only.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "app/exports.hpp"
#include "core/result.hpp"

namespace incasso::exporting {

// Where CSV bytes go. Not thread-safe.
class ByteSink {
 public:
  virtual ~ByteSink() = default;
  virtual Status Write(std::string_view bytes) = 0;
  // Flushes and releases the destination; nothing may be written after it.
  virtual Status Close() { return Ok(); }
};

struct CsvOptions {
  char separator = ';';  // ';' (Italian Excel, default) or ','
  bool bom = true;       // UTF-8 byte order mark, so that Excel reads the file as UTF-8
};

// CSV per RFC 4180 with CRLF line ends. Fields holding the separator, a quote, CR or LF are
// quoted, quotes doubled. Money is written as a decimal with a dot and two decimals ("1234.50")
// whatever the separator, so the file reads the same on any locale. A text cell starting with
// = + - @ TAB or CR gets a leading single quote (OWASP "CSV Injection"), so a spreadsheet shows it
// as text instead of evaluating it; numbers we write ourselves never start with those.
std::unique_ptr<TableSink> NewCsvTableSink(ByteSink& out, CsvOptions options = {});

// Escapes one text cell as NewCsvTableSink does (injection guard + quoting).
std::string CsvField(std::string_view text, char separator);

// An .xlsx workbook with one sheet, written by libxlsxwriter in constant-memory mode (each row is
// flushed to a temporary file as it is written, so memory does not grow with the rows). Money
// cells are numbers (euros) with the format "#,##0.00 €"; text is stored as inline strings, never
// as formulas. The file is complete only after Finish().
std::unique_ptr<TableSink> NewXlsxTableSink(std::string path, std::string sheet_name);

// A ByteSink appending to a file (created or truncated). Errors name the path.
Result<std::unique_ptr<ByteSink>> OpenFileByteSink(const std::string& path);

enum class ExportFormat { kCsv, kXlsx };
// "csv" | "xlsx" (ASCII case ignored).
Result<ExportFormat> ParseExportFormat(std::string_view text);
const char* ContentType(ExportFormat f);

// Runs the export `what` ("positions" | "options" | "receipts") of one entity into the file
// `path`, in `format`. On any error the partial file is removed: a file that exists is complete.
// Returns the number of data rows.
Result<std::int64_t> ExportToFile(AppContext& ctx, std::string_view what,
                                  std::string_view entity_fiscal_code, const ExportQuery& query,
                                  ExportFormat format, const std::string& path,
                                  CsvOptions csv = {});

}  // namespace incasso::exporting
