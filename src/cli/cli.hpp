#pragma once

namespace incasso::cli {

// Parses the command line and runs one subcommand. Returns the process exit code: 0 on success,
// non-zero with a message on stderr otherwise.
int Run(int argc, char** argv);

}  // namespace incasso::cli
