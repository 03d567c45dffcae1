#include "cli/cli.hpp"

#include <CLI/CLI.hpp>

#include "cli/notice.hpp"
#include "cli/runtime.hpp"

namespace incasso::cli {

int Run(int argc, char** argv) {
  CLI::App app{"incasso: the regional pagoPA payments platform"};
  app.require_subcommand(1);
  // Subcommands inherit this: `incasso serve --config FILE` works as well as
  // `incasso --config FILE serve`.
  app.fallthrough();
  Globals globals;
  app.add_option("-c,--config", globals.config_path,
                 "TOML configuration file (default: $INCASSO_CONFIG, else built-in defaults)");
  int exit_code = 0;
  AddServeCommand(app, globals, exit_code);
  AddMigrateCommand(app, globals, exit_code);
  AddEntityCommand(app, globals, exit_code);
  AddPositionCommand(app, globals, exit_code);
  AddEventsCommand(app, globals, exit_code);
  AddApiKeyCommand(app, globals, exit_code);
  AddExportCommand(app, globals, exit_code);
  AddWebhooksCommand(app, globals, exit_code);
  AddImportCommand(app, globals, exit_code);
  AddCheckConfigCommand(app, exit_code);
  AddVersionCommand(app, exit_code);
  AddNoticeCommands(app, globals, exit_code);
  AddNodeSimCommand(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return exit_code;
}

}  // namespace incasso::cli
