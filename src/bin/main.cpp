// Composition root of the incasso binary: everything is wired in cli/.
#include "cli/cli.hpp"

int main(int argc, char** argv) { return incasso::cli::Run(argc, argv); }
