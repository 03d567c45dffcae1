// incasso events: the event log (every message exchanged with the node and every change made
// through the API or the CLI), newest first, one JSON object per line.
#include <CLI/CLI.hpp>
#include <cstdio>

#include "api/gpd_json.hpp"
#include "app/entities.hpp"
#include "cli/runtime.hpp"

namespace incasso::cli {

void AddEventsCommand(CLI::App& app, Globals& g, int& exit_code) {
  struct Args {
    std::string entity;
    std::string notice;
    std::string operation;
    int limit = 100;
    bool bodies = false;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("events", "Print the event log, newest first, as JSON lines");
  cmd->add_option("--entity", args->entity, "fiscal code of a creditor institution");
  cmd->add_option("--notice", args->notice, "notice number (18 digits)");
  cmd->add_option("--operation", args->operation, "e.g. paGetPaymentV2, position.create");
  cmd->add_option("--limit", args->limit, "1 to 10000 (default 100)");
  cmd->add_flag("--bodies", args->bodies, "include the request and response bodies");
  cmd->callback([args, &g, &exit_code] {
    if (args->limit < 1 || args->limit > 10000) {
      exit_code = Fail(InvalidArgument("limit", "must be 1 to 10000"));
      return;
    }
    RunWithContext(g, exit_code, [&](AppContext& ctx) {
      EventFilter filter;
      if (!args->entity.empty()) {
        auto entity = GetEntity(ctx, args->entity);
        if (!entity.ok()) return Fail(entity.error());
        filter.entity_id = entity->id;
      }
      filter.notice_number = args->notice;
      filter.operation = args->operation;
      filter.limit = args->limit;
      auto events = ctx.store.ListEvents(filter);
      if (!events.ok()) return Fail(events.error());
      for (const auto& e : *events) std::printf("%s\n", EventToJson(e, args->bodies).c_str());
      return 0;
    });
  });
}

}  // namespace incasso::cli
