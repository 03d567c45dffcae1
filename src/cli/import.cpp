// incasso import FILE --entity FC: bulk import of debt positions (app/imports.hpp). A progress
// bar on stderr when it is a terminal; a summary line at the end; exit status 0 only when no row
// was rejected (2 when rows were rejected, 1 when the import could not run).
#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>

#include "api/gpd_json.hpp"
#include "app/imports.hpp"
#include "cli/runtime.hpp"

namespace incasso::cli {
namespace {

struct ImportArgs {
  std::string file;
  std::string entity;
  bool dry_run = false;
  std::string mode = "all-or-nothing";
  std::string format = "auto";
  std::string report;
  bool draft = false;
  bool progress_lines = false;
};

std::string Duration(double seconds) {
  auto s = static_cast<long long>(seconds + 0.5);
  if (s >= 3600) return fmt::format("{}h{:02}m", s / 3600, (s / 60) % 60);
  return fmt::format("{}m{:02}s", s / 60, s % 60);
}

}  // namespace

void AddImportCommand(CLI::App& app, Globals& g, int& exit_code) {
  auto args = std::make_shared<ImportArgs>();
  auto* cmd = app.add_subcommand(
      "import",
      "Import debt positions from a file (incasso CSV, JSON, NDJSON, XML, GovPay or "
      "MyPay CSV); see docs/import.md");
  cmd->add_option("FILE", args->file, "the file to import")->required();
  cmd->add_option("--entity", args->entity, "fiscal code of the institution")->required();
  cmd->add_flag("--dry-run", args->dry_run, "validate and report only; write nothing");
  cmd->add_option("--mode", args->mode,
                  "all-or-nothing (default: any bad row and nothing is written) or valid-rows");
  cmd->add_option("--format", args->format,
                  "auto (default), incasso-csv, json, ndjson, xml, govpay-csv, mypay-csv");
  cmd->add_option("--report", args->report,
                  "write every rejected row to this CSV (row;field;message)");
  cmd->add_flag("--draft", args->draft, "store the positions as DRAFT instead of publishing them");
  cmd->add_flag("--progress-lines", args->progress_lines,
                "print 'progress rows=N bytes=D/T' lines on stdout (for scripts)");
  cmd->callback([args, &g, &exit_code] {
    RunWithContext(g, exit_code, [&](AppContext& ctx) {
      auto mode = ParseImportMode(args->mode);
      if (!mode.ok()) return Fail(mode.error());
      ImportCommand c;
      c.entity_fiscal_code = args->entity;
      c.path = args->file;
      c.format = args->format;
      c.mode = *mode;
      c.dry_run = args->dry_run;
      c.publish = !args->draft;
      c.report_path = args->report;
      c.json_parser = [](std::string_view json) { return ParsePositionJson(json); };
      const bool tty = isatty(fileno(stderr)) == 1;
      const auto start = std::chrono::steady_clock::now();
      if (args->progress_lines) {
        c.on_progress = [](const ImportProgress& p) {
          std::printf("progress rows=%lld bytes=%llu/%llu\n", static_cast<long long>(p.rows),
                      static_cast<unsigned long long>(p.bytes_done),
                      static_cast<unsigned long long>(p.bytes_total));
          std::fflush(stdout);
        };
      } else if (tty) {
        c.on_progress = [start](const ImportProgress& p) {
          double elapsed =
              std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
          double fraction =
              p.bytes_total ? static_cast<double>(p.bytes_done) / static_cast<double>(p.bytes_total)
                            : 0;
          if (fraction > 1) fraction = 1;
          constexpr int kWidth = 30;
          int filled = static_cast<int>(fraction * kWidth);
          double rate = elapsed > 0 ? static_cast<double>(p.rows) / elapsed : 0;
          double eta = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0;
          std::fprintf(stderr, "\r[%s%s] %3d%%  %lld rows  %.0f rows/s  ETA %s  rejected %lld ",
                       std::string(static_cast<std::size_t>(filled), '#').c_str(),
                       std::string(static_cast<std::size_t>(kWidth - filled), '.').c_str(),
                       static_cast<int>(fraction * 100), static_cast<long long>(p.rows), rate,
                       Duration(eta).c_str(), static_cast<long long>(p.rejected));
          std::fflush(stderr);
        };
      }
      auto out = ImportFile(ctx, Caller{"cli", {}}, c);
      if (tty) std::fputs("\n", stderr);
      if (!out.ok()) return Fail(out.error());
      double elapsed =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      for (const auto& e : out->first_errors) {
        std::fprintf(stderr, "row %lld: %s%s%s\n", static_cast<long long>(e.row), e.field.c_str(),
                     e.field.empty() ? "" : ": ", e.message.c_str());
      }
      if (out->errors > static_cast<std::int64_t>(out->first_errors.size())) {
        std::fprintf(stderr, "... %lld more errors%s\n",
                     static_cast<long long>(out->errors -
                                            static_cast<std::int64_t>(out->first_errors.size())),
                     args->report.empty() ? " (use --report FILE to get them all)" : "");
      }
      const char* what = args->dry_run    ? "dry run, nothing written"
                         : out->committed ? "committed"
                         : out->rejected > 0 && *mode == ImportMode::kAllOrNothing
                             ? "nothing written (all-or-nothing)"
                             : "nothing to write";
      // Without a commit the counts say what the file would do, not what was done.
      const bool written = out->committed && !args->dry_run;
      std::printf(
          "import %s: format %s, %lld rows, %lld positions: %lld %s, %lld %s, %lld "
          "unchanged, %lld rows rejected; %s in %.1f s (write transaction %.1f s)\n",
          args->file.c_str(), out->format.c_str(), static_cast<long long>(out->rows),
          static_cast<long long>(out->positions), static_cast<long long>(out->created),
          written ? "created" : "to create", static_cast<long long>(out->updated),
          written ? "updated" : "to update", static_cast<long long>(out->unchanged),
          static_cast<long long>(out->rejected), what, elapsed, out->write_lock_seconds);
      return out->rejected > 0 ? 2 : 0;
    });
  });
}

}  // namespace incasso::cli
