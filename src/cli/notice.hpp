// Payment notices and receipts in the CLI and the composition of the document port
// (cli/notice.cpp).
#pragma once

#include <memory>

#include "app/documents.hpp"
#include "cli/runtime.hpp"

namespace incasso::cli {

// The PDF renderer (render/) behind app's DocumentRenderer port. Thread-safe; share one.
std::shared_ptr<DocumentRenderer> NewDocumentRenderer();

// incasso notice | receipt | notices.
void AddNoticeCommands(CLI::App& app, Globals& g, int& exit_code);

}  // namespace incasso::cli
