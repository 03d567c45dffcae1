// incasso export positions|options|receipts --entity FC [--status S] [--from DATE --to DATE]
// [--format csv|xlsx] [--separator ';'|','] [--no-bom] -o FILE: an institution's data for its
// accounting, streamed from the database into the file (complete, or removed on error).
#include <CLI/CLI.hpp>
#include <cstdio>

#include "app/exports.hpp"
#include "cli/runtime.hpp"
#include "core/time.hpp"
#include "export/table_writers.hpp"

namespace incasso::cli {
namespace {

// A bare date as --to means the whole of that day.
Result<TimePoint> ParseBound(const std::string& text, const char* field, bool end_of_day) {
  auto t = ParseDateTime(text, field);
  if (!t.ok()) return t.error();
  if (end_of_day && text.size() == 10) return *t + std::chrono::seconds(86399);
  return *t;
}

}  // namespace

void AddExportCommand(CLI::App& app, Globals& g, int& exit_code) {
  struct Args {
    std::string what;
    std::string entity;
    std::string status;
    std::string from;
    std::string to;
    std::string format = "csv";
    std::string separator = ";";
    bool no_bom = false;
    std::string output;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand(
      "export", "Export an institution's positions, payment options or receipts as CSV or XLSX");
  cmd->add_option("what", args->what, "positions, options or receipts")
      ->required()
      ->check(CLI::IsMember({"positions", "options", "receipts"}));
  cmd->add_option("--entity", args->entity, "fiscal code of the institution")->required();
  cmd->add_option("--status", args->status,
                  "positions/options: position status (e.g. VALID, PAID); receipts: kind");
  cmd->add_option("--from", args->from,
                  "positions/options: due on or after; receipts: paid on or after (YYYY-MM-DD)");
  cmd->add_option("--to", args->to, "as --from, on or before (a date includes the whole day)");
  cmd->add_option("--format", args->format, "csv (default) or xlsx");
  cmd->add_option("--separator", args->separator, "CSV separator: ';' (default) or ','")
      ->check(CLI::IsMember({";", ","}));
  cmd->add_flag("--no-bom", args->no_bom, "CSV without the UTF-8 byte order mark");
  cmd->add_option("-o,--output", args->output, "file to write")->required();
  cmd->callback([args, &g, &exit_code] {
    RunWithContext(g, exit_code, [&](AppContext& ctx) {
      ExportQuery q;
      if (!args->status.empty()) {
        if (args->what == "receipts") {
          q.receipt_kind = args->status;
        } else {
          auto s = ParsePositionStatus(args->status);
          if (!s.ok()) return Fail(InvalidArgument("--status", s.error().message));
          q.status = *s;
        }
      }
      if (!args->from.empty()) {
        auto t = ParseBound(args->from, "--from", false);
        if (!t.ok()) return Fail(t.error());
        q.from = *t;
      }
      if (!args->to.empty()) {
        auto t = ParseBound(args->to, "--to", true);
        if (!t.ok()) return Fail(t.error());
        q.to = *t;
      }
      auto format = exporting::ParseExportFormat(args->format);
      if (!format.ok()) return Fail(format.error());
      exporting::CsvOptions csv{args->separator == "," ? ',' : ';', !args->no_bom};
      auto rows =
          exporting::ExportToFile(ctx, args->what, args->entity, q, *format, args->output, csv);
      if (!rows.ok()) return Fail(rows.error());
      std::fprintf(stderr, "%lld %s of %s written to %s\n", static_cast<long long>(*rows),
                   args->what.c_str(), args->entity.c_str(), args->output.c_str());
      return 0;
    });
  });
}

}  // namespace incasso::cli
