#include <CLI/CLI.hpp>
#include <cstdio>

#include "cli/runtime.hpp"
#include "cli/version_info.hpp"

namespace incasso::cli {

void AddVersionCommand(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("version", "Print the version of incasso");
  cmd->callback([&exit_code] {
    std::printf("incasso %s\n", kVersion);
    exit_code = 0;
  });
}

}  // namespace incasso::cli
