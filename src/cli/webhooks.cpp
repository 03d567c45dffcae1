// incasso webhooks add|list|log|redeliver: an institution's webhook endpoints and their delivery
// log. The signing secret is given at `add` and never printed back.
#include "app/webhooks.hpp"

#include <CLI/CLI.hpp>
#include <cstdio>

#include "api/gpd_json.hpp"
#include "cli/runtime.hpp"
#include "core/time.hpp"

namespace incasso::cli {
namespace {

std::vector<std::string> SplitEvents(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    std::size_t comma = s.find(',', start);
    std::string item =
        s.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!item.empty()) out.push_back(item);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

}  // namespace

void AddWebhooksCommand(CLI::App& app, Globals& g, int& exit_code) {
  auto* webhooks = app.add_subcommand("webhooks", "Manage institutions' webhook endpoints");
  webhooks->require_subcommand(1);

  struct AddArgs {
    std::string entity;
    std::string url;
    std::string secret;
    std::string events;
  };
  auto add_args = std::make_shared<AddArgs>();
  auto* add = webhooks->add_subcommand("add", "Add an endpoint that receives signed events");
  add->add_option("--entity", add_args->entity, "fiscal code of the institution")->required();
  add->add_option("--url", add_args->url, "http(s) URL receiving the POSTs")->required();
  add->add_option("--secret", add_args->secret,
                  "shared secret for the X-Incasso-Signature HMAC (16-256 characters)")
      ->required();
  add->add_option("--events", add_args->events,
                  "comma-separated event types (default: receipt.created)");
  add->callback([add_args, &g, &exit_code] {
    RunWithContext(g, exit_code, [&](AppContext& ctx) {
      NewWebhookEndpoint e{add_args->url, add_args->secret, SplitEvents(add_args->events)};
      auto added = AddWebhookEndpoint(ctx, Caller{"cli", {}}, add_args->entity, std::move(e));
      if (!added.ok()) return Fail(added.error());
      std::printf("%s\n", WebhookEndpointToJson(*added).c_str());
      return 0;
    });
  });

  auto list_entity = std::make_shared<std::string>();
  auto* list = webhooks->add_subcommand(
      "list", "List an institution's endpoints (never their secrets), one JSON object per line");
  list->add_option("--entity", *list_entity, "fiscal code of the institution")->required();
  list->callback([list_entity, &g, &exit_code] {
    RunWithContext(g, exit_code, [&](AppContext& ctx) {
      auto endpoints = ListWebhookEndpoints(ctx, *list_entity);
      if (!endpoints.ok()) return Fail(endpoints.error());
      for (const auto& e : *endpoints) std::printf("%s\n", WebhookEndpointToJson(e).c_str());
      return 0;
    });
  });

  struct LogArgs {
    std::string entity;
    int limit = 50;
  };
  auto log_args = std::make_shared<LogArgs>();
  auto* log = webhooks->add_subcommand(
      "log", "Show an institution's deliveries, newest first, one JSON object per line");
  log->add_option("--entity", log_args->entity, "fiscal code of the institution")->required();
  log->add_option("--limit", log_args->limit, "at most this many (1-1000, default 50)");
  log->callback([log_args, &g, &exit_code] {
    RunWithContext(g, exit_code, [&](AppContext& ctx) {
      auto deliveries = ListWebhookDeliveries(ctx, log_args->entity, log_args->limit);
      if (!deliveries.ok()) return Fail(deliveries.error());
      for (const auto& d : *deliveries) std::printf("%s\n", WebhookDeliveryToJson(d).c_str());
      return 0;
    });
  });

  struct RedeliverArgs {
    std::string entity;
    std::int64_t id = 0;
  };
  auto redeliver_args = std::make_shared<RedeliverArgs>();
  auto* redeliver = webhooks->add_subcommand(
      "redeliver", "Send a delivery again (the running server picks it up at once)");
  redeliver->add_option("--entity", redeliver_args->entity, "fiscal code of the institution")
      ->required();
  redeliver->add_option("--id", redeliver_args->id, "the delivery's id (see webhooks log)")
      ->required();
  redeliver->callback([redeliver_args, &g, &exit_code] {
    RunWithContext(g, exit_code, [&](AppContext& ctx) {
      Status st =
          RedeliverWebhook(ctx, Caller{"cli", {}}, redeliver_args->entity, redeliver_args->id);
      if (!st.ok()) return Fail(st.error());
      std::printf("delivery %lld of %s queued again\n", static_cast<long long>(redeliver_args->id),
                  redeliver_args->entity.c_str());
      return 0;
    });
  });
}

}  // namespace incasso::cli
