#include <CLI/CLI.hpp>
#include <cstdio>

#include "cli/runtime.hpp"
#include "storage/open_store.hpp"

namespace incasso::cli {

void AddMigrateCommand(CLI::App& app, Globals& g, int& exit_code) {
  auto* cmd = app.add_subcommand("migrate", "Apply pending database migrations");
  cmd->callback([&g, &exit_code] {
    auto config = LoadGlobalsConfig(g);
    if (!config.ok()) {
      exit_code = Fail(config.error());
      return;
    }
    if (auto st = EnsureDatabaseFolder(*config); !st.ok()) {
      exit_code = Fail(st.error());
      return;
    }
    StoreOptions options;
    options.url = config->database.url;
    options.pool_size = static_cast<int>(config->database.pool_size);
    options.busy_timeout_ms = static_cast<int>(config->database.busy_timeout_ms);
    auto applied = MigrateStore(options);
    if (!applied.ok()) {
      exit_code = Fail(applied.error());
      return;
    }
    std::printf("applied %d migration(s); the database is up to date\n", *applied);
    exit_code = 0;
  });
}

}  // namespace incasso::cli
