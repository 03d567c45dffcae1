#include <CLI/CLI.hpp>
#include <cstdio>

#include "cli/runtime.hpp"

namespace incasso::cli {

void AddCheckConfigCommand(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("check-config",
                                 "Check a configuration file and the environment overrides");
  auto file = std::make_shared<std::string>();
  cmd->add_option("file", *file, "TOML configuration file")->required();
  cmd->callback([file, &exit_code] {
    auto config = LoadConfig(*file, ProcessEnv());
    if (!config.ok()) {
      exit_code = Fail(config.error());
      return;
    }
    std::printf("%s: OK (database %s, listening on %s:%lld)\n", file->c_str(),
                config->database.url.rfind("sqlite:", 0) == 0 ? "SQLite" : "PostgreSQL",
                config->http.host.c_str(), static_cast<long long>(config->http.port));
    exit_code = 0;
  });
}

}  // namespace incasso::cli
