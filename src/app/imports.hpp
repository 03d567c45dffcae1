// Bulk import of debt positions from a file (import/ reads and maps it), shared by
// `incasso import` and the API's import jobs.
//
// Modes: all-or-nothing (default): one database transaction for the whole file, committed only if
// every row is valid, so a rejected row or a killed process leaves nothing behind; valid-rows:
// good positions are committed batch by batch, bad ones reported. dry_run: validate and report,
// write nothing (a read-only snapshot is used for the upsert decisions).
// Re-import: a position whose iupd is already stored is replaced when GPD allows an update
// (DRAFT, PUBLISHED or unpaid VALID; its notice numbers are kept for options given without an
// IUV), counted unchanged when the file says nothing new, and reported as a conflict otherwise.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "app/context.hpp"
#include "import/row.hpp"
#include "import/source.hpp"

namespace incasso {

enum class ImportMode { kAllOrNothing, kValidRows };
const char* ToString(ImportMode m);  // "all-or-nothing", "valid-rows"
Result<ImportMode> ParseImportMode(std::string_view text);

struct ImportProgress {
  std::int64_t rows = 0;  // data rows read so far
  std::uint64_t bytes_done = 0;
  std::uint64_t bytes_total = 0;
  std::int64_t created = 0, updated = 0, unchanged = 0, rejected = 0;
};

struct ImportCommand {
  std::string entity_fiscal_code;
  std::string path;
  std::string format = "auto";
  ImportMode mode = ImportMode::kAllOrNothing;
  bool dry_run = false;
  bool publish = true;      // positions become payable (PUBLISHED/VALID); false = DRAFT
  std::string report_path;  // CSV "row;field;message"; empty = no report file
  import::JsonPositionParser json_parser;  // for json/ndjson (api/gpd_json ParsePositionJson)
  // Called after each batch (and at the end), from the importing thread.
  std::function<void(const ImportProgress&)> on_progress;
  int batch_positions = 2000;
  // The API import job's id ("" for the CLI): names the import in the import.completed outbox
  // message queued with the commit (otherwise the file's base name does).
  std::string job_id;
};

struct ImportOutcome {
  std::string format;
  std::int64_t rows = 0;  // data rows read
  std::int64_t positions = 0;
  std::int64_t created = 0;  // positions (with all-or-nothing/dry-run: that would be)
  std::int64_t updated = 0;
  std::int64_t unchanged = 0;
  std::int64_t rejected = 0;  // rows rejected
  std::int64_t errors = 0;    // report lines
  bool committed = false;     // something was written (false for a dry run or a refused file)
  std::vector<import::RowError> first_errors;  // at most 20, the rest only in the report
  double write_lock_seconds = 0;  // how long the write transaction (SQLite: the lock) was held
};

// Runs the import. Returns an error only when the import could not run at all (unknown entity,
// unreadable file, unknown format, database failure); rejected rows are in the outcome.
Result<ImportOutcome> ImportFile(AppContext& ctx, const Caller& caller, const ImportCommand& cmd);

// Writes one report line, CSV with ';', quoting as needed; a cell that a spreadsheet would run as
// a formula (= + - @ first) is prefixed with a quote so it stays text.
std::string ReportLine(const import::RowError& e);

}  // namespace incasso
