// incasso position add|list|show: debt positions from GPD-shaped JSON files.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "api/gpd_json.hpp"
#include "app/positions.hpp"
#include "cli/runtime.hpp"

namespace incasso::cli {
namespace {

constexpr std::size_t kMaxFileBytes = 16 << 20;

Result<std::string> ReadInput(const std::string& path) {
  std::ostringstream text;
  if (path == "-") {
    text << std::cin.rdbuf();
  } else {
    std::ifstream in(path, std::ios::binary);
    if (!in) return InvalidArgument("file", "cannot read " + path);
    text << in.rdbuf();
  }
  std::string s = text.str();
  if (s.size() > kMaxFileBytes) return InvalidArgument("file", "is larger than 16 MiB");
  return s;
}

}  // namespace

void AddPositionCommand(CLI::App& app, Globals& g, int& exit_code) {
  auto* position = app.add_subcommand("position", "Manage debt positions (posizioni debitorie)");
  position->require_subcommand(1);

  struct AddArgs {
    std::string entity;
    std::string file;
    bool publish = false;
  };
  auto add_args = std::make_shared<AddArgs>();
  auto* add = position->add_subcommand(
      "add", "Create a debt position from a GPD PaymentPositionModel JSON file");
  add->add_option("--entity", add_args->entity, "fiscal code of the creditor institution")
      ->required();
  add->add_option("--file", add_args->file, "JSON file, or - for standard input")->required();
  add->add_flag("--publish", add_args->publish, "publish at once (payable from its validity date)");
  add->callback([add_args, &g, &exit_code] {
    auto text = ReadInput(add_args->file);
    if (!text.ok()) {
      exit_code = Fail(text.error());
      return;
    }
    auto parsed = ParsePositionJson(*text);
    if (!parsed.ok()) {
      exit_code = Fail(parsed.error());
      return;
    }
    RunWithContext(g, exit_code, [&](AppContext& ctx) {
      CreatePositionCommand cmd{add_args->entity, *parsed, add_args->publish};
      auto created = CreatePosition(ctx, Caller{"cli", {}}, cmd);
      if (!created.ok()) return Fail(created.error());
      std::printf("%s\n", PositionToJson(*created).c_str());
      return 0;
    });
  });

  struct ListArgs {
    std::string entity;
    std::string status;
    std::string debtor;
    int limit = 50;
    int offset = 0;
  };
  auto list_args = std::make_shared<ListArgs>();
  auto* list = position->add_subcommand(
      "list", "List an institution's debt positions, one JSON object per line");
  list->add_option("--entity", list_args->entity, "fiscal code of the creditor institution")
      ->required();
  list->add_option("--status", list_args->status,
                   "DRAFT, PUBLISHED, VALID, INVALID, EXPIRED, PARTIALLY_PAID, PAID or REPORTED");
  list->add_option("--debtor", list_args->debtor, "debtor fiscal code");
  list->add_option("--limit", list_args->limit, "1 to 1000 (default 50)");
  list->add_option("--offset", list_args->offset, "skip this many");
  list->callback([list_args, &g, &exit_code] {
    PositionFilter filter;
    if (!list_args->status.empty()) {
      auto s = ParsePositionStatus(list_args->status);
      if (!s.ok()) {
        exit_code = Fail(s.error());
        return;
      }
      filter.status = *s;
    }
    filter.debtor_fiscal_code = list_args->debtor;
    filter.limit = list_args->limit;
    filter.offset = list_args->offset;
    RunWithContext(g, exit_code, [&](AppContext& ctx) {
      auto found = ListPositions(ctx, list_args->entity, filter);
      if (!found.ok()) return Fail(found.error());
      for (const auto& p : *found) std::printf("%s\n", PositionToJson(p).c_str());
      return 0;
    });
  });

  struct ShowArgs {
    std::string entity;
    std::string iupd;
  };
  auto show_args = std::make_shared<ShowArgs>();
  auto* show = position->add_subcommand("show", "Show one debt position as JSON");
  show->add_option("--entity", show_args->entity, "fiscal code of the creditor institution")
      ->required();
  show->add_option("iupd", show_args->iupd, "the position's iupd")->required();
  show->callback([show_args, &g, &exit_code] {
    RunWithContext(g, exit_code, [&](AppContext& ctx) {
      auto p = GetPosition(ctx, show_args->entity, show_args->iupd);
      if (!p.ok()) return Fail(p.error());
      std::printf("%s\n", PositionToJson(*p).c_str());
      return 0;
    });
  });
}

}  // namespace incasso::cli
