// What every subcommand shares: the global options, and opening config + database.
#pragma once

#include <memory>
#include <string>

#include "app/context.hpp"
#include "app/store.hpp"
#include "config/config.hpp"
#include "core/clock.hpp"

namespace CLI {
class App;
}

namespace incasso::cli {

struct Globals {
  std::string config_path;  // --config; empty = INCASSO_CONFIG, else defaults + environment
};

// An opened configuration and database, migrated to the latest schema.
struct Runtime {
  Config config;
  std::unique_ptr<Store> store;
  std::unique_ptr<Clock> clock;
};

Result<Config> LoadGlobalsConfig(const Globals& g);
// Creates the folder of an SQLite database file if missing.
Status EnsureDatabaseFolder(const Config& config);
// Opens the configured database and applies pending migrations (also done at every start-up).
Result<Runtime> OpenRuntime(const Config& config);

// Prints "error: <field>: <message>" to stderr and returns the exit code for the error.
int Fail(const Error& e);

// Loads config, opens the database and runs fn(AppContext&) -> exit code; errors are printed.
template <typename Fn>
void RunWithContext(const Globals& g, int& exit_code, Fn fn) {
  auto config = LoadGlobalsConfig(g);
  if (!config.ok()) {
    exit_code = Fail(config.error());
    return;
  }
  auto rt = OpenRuntime(*config);
  if (!rt.ok()) {
    exit_code = Fail(rt.error());
    return;
  }
  AppContext ctx{*rt.value().store, *rt.value().clock};
  exit_code = fn(ctx);
}

// Subcommands, one file each (STYLE.md rule 15). Each sets a callback that stores its exit code.
void AddServeCommand(CLI::App& app, Globals& g, int& exit_code);
void AddMigrateCommand(CLI::App& app, Globals& g, int& exit_code);
void AddEntityCommand(CLI::App& app, Globals& g, int& exit_code);
void AddPositionCommand(CLI::App& app, Globals& g, int& exit_code);
void AddEventsCommand(CLI::App& app, Globals& g, int& exit_code);
void AddApiKeyCommand(CLI::App& app, Globals& g, int& exit_code);
void AddExportCommand(CLI::App& app, Globals& g, int& exit_code);  // cli/export.cpp
void AddWebhooksCommand(CLI::App& app, Globals& g, int& exit_code);
void AddImportCommand(CLI::App& app, Globals& g, int& exit_code);  // cli/import.cpp
void AddCheckConfigCommand(CLI::App& app, int& exit_code);
void AddVersionCommand(CLI::App& app, int& exit_code);
void AddNodeSimCommand(CLI::App& app, int& exit_code);

}  // namespace incasso::cli
