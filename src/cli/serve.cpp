// incasso serve: the HTTP server. Probes: /healthz (process up), /readyz (database reachable).
#include <CLI/CLI.hpp>
#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>

#include "api/document_routes.hpp"
#include "api/export_routes.hpp"
#include "api/import_routes.hpp"
#include "api/notice_batch_routes.hpp"
#include "api/gpd_routes.hpp"
#include "api/v1_routes.hpp"
#include "app/demo.hpp"
#include "app/event_recorder.hpp"
#include "app/lifecycle.hpp"
#include "app/webhooks.hpp"
#include "cli/notice.hpp"
#include "cli/runtime.hpp"
#include "cli/version_info.hpp"
#include "http/client.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "log/log.hpp"
#include "nodesim/simulator.hpp"
#include "soap/station_handler.hpp"
#include "web/portal.hpp"

namespace incasso::cli {
namespace {

http::ServerOptions ToServerOptions(const HttpConfig& c) {
  http::ServerOptions o;
  o.host = c.host;
  o.port = static_cast<std::uint16_t>(c.port);
  // Handlers block on the database: with 0 ("one per core") use four threads per core so one
  // slow query does not hold up every connection.
  const int cores = static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
  o.threads = c.threads > 0 ? static_cast<int>(c.threads) : 4 * cores;
  o.body_limit_bytes = static_cast<std::size_t>(c.body_limit_bytes);
  o.read_timeout = std::chrono::milliseconds(c.read_timeout_ms);
  o.write_timeout = std::chrono::milliseconds(c.write_timeout_ms);
  o.idle_timeout = std::chrono::milliseconds(c.idle_timeout_ms);
  o.max_connections = static_cast<std::size_t>(c.max_connections);
  o.shutdown_grace = std::chrono::milliseconds(c.shutdown_grace_ms);
  return o;
}

// Drops request/response bodies older than the retention from the event log, at start-up and
// then hourly (they may hold personal data; the rows stay for audit).
class BodyRetention {
 public:
  BodyRetention(Store& store, const Clock& clock, std::int64_t days)
      : thread_([this, &store, &clock, days] {
          std::unique_lock lock(mu_);
          while (!stop_) {
            lock.unlock();
            auto purged = store.PurgeEventBodies(clock.Now() - std::chrono::days{days});
            if (!purged.ok()) {
              log::LogEvent(log::Level::kWarn, "event_body_purge_failed",
                            {{"error", purged.error().ToText()}});
            } else if (*purged > 0) {
              log::LogEvent(log::Level::kInfo, "event_bodies_purged", {{"events", *purged}});
            }
            lock.lock();
            cv_.wait_for(lock, std::chrono::hours{1}, [this] { return stop_; });
          }
        }) {}
  ~BodyRetention() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

// Webhook POSTs over the HTTP(S) client, trusting `ca_file` ("" = the system's roots) for
// https endpoints; any answer is a status, no answer an error.
Result<int> SendWebhook(const std::string& ca_file, const WebhookRequest& w) {
  http::ClientRequest request;
  request.ca_file = ca_file;
  request.method = "POST";
  request.url = w.url;
  request.headers = w.headers;
  request.body = w.body;
  request.connect_timeout = w.timeout;
  request.timeout = w.timeout;
  request.max_response_bytes = 64 << 10;  // the answer's body is not used
  auto response = http::HttpCall(request);
  if (!response.ok()) return response.error();
  return response->status;
}

// In a demo, pagoPA Checkout and the node are simulated next to the platform (src/nodesim), on
// the next port, so a newcomer can pay a demo notice from a browser or with `node-sim pay`.
struct DemoSimulator {
  std::unique_ptr<nodesim::NodeSimulator> simulator;
  http::Router router;
  std::unique_ptr<http::Server> server;
};

std::unique_ptr<DemoSimulator> StartDemoSimulator(const HttpConfig& http_config,
                                                  std::uint16_t station_port,
                                                  const std::string& station_path,
                                                  const StationConfig& station,
                                                  const Clock& clock) {
  auto demo = std::make_unique<DemoSimulator>();
  nodesim::SimulatorOptions options;
  options.station_url =
      "http://" + http_config.host + ":" + std::to_string(station_port) + station_path;
  if (!station.broker_fiscal_code.empty()) options.broker_id = station.broker_fiscal_code;
  if (!station.station_ids.empty()) options.station_id = station.station_ids.front();
  demo->simulator = nodesim::NewNodeSimulator(options, clock);
  demo->simulator->AddRoutes(demo->router);
  http::ServerOptions server_options;
  server_options.host = http_config.host;
  server_options.threads = 2;
  for (std::uint16_t port : {static_cast<std::uint16_t>(station_port + 1), std::uint16_t{0}}) {
    server_options.port = port;
    auto started = http::StartServer(
        server_options, [r = &demo->router](const http::Request& q) { return r->Handle(q); });
    if (started.ok()) {
      demo->server = std::move(*started);
      return demo;
    }
  }
  return nullptr;
}

struct ServeArgs {
  bool demo = false;
};

int Serve(const Globals& g, const ServeArgs& args) {
  auto config = LoadGlobalsConfig(g);
  if (!config.ok()) return Fail(config.error());
  if (args.demo && config->database.url.rfind("sqlite:", 0) != 0) {
    return Fail(InvalidArgument("database.url", "--demo runs on an SQLite file (sqlite:PATH)"));
  }
  log::LogOptions log_options;
  log_options.level = config->log.level;
  log_options.format = config->log.format;
  if (auto st = log::InitLogging(log_options); !st.ok()) {
    return Fail(st.error());
  }
  auto rt = OpenRuntime(*config);
  if (!rt.ok()) return Fail(rt.error());
  Store& store = *rt->store;
  AppContext ctx{store, *rt->clock};
  EventRecorder::Options recorder_options;
  recorder_options.on_error = [](const Error& e) {
    log::LogEvent(log::Level::kError, "event_log_write_failed", {{"error", e.ToText()}});
  };
  EventRecorder events(store, recorder_options);
  ctx.events = &events;  // use-case audit events in batches, like the station's
  if (args.demo) {
    auto demo = LoadDemoRegion(ctx);
    if (!demo.ok()) return Fail(demo.error());
    if (demo->loaded) {
      std::printf("demo region loaded: %d institutions, %d services, %d debt positions\n",
                  demo->entities, demo->services, demo->positions);
    } else {
      std::printf("demo database already populated; left as it is\n");
    }
  }

  http::Router router;
  router.Add("GET", "/healthz",
             [](const http::Request&) { return http::JsonResponse(200, R"({"status":"UP"})"); });
  router.Add("GET", "/readyz", [&store](const http::Request& req) {
    auto ping = store.Ping();
    if (!ping.ok()) {
      return http::ProblemJson(503, "Service Unavailable", "the database is not reachable",
                               req.request_id);
    }
    return http::JsonResponse(
        200, R"({"status":"READY","database":")" + std::string(store.Backend()) + "\"}");
  });
  AddGpdRoutes(router, ctx);
  AddDocumentRoutes(router, ctx, NewDocumentRenderer());
  AddApiV1Routes(router, ctx);
  AddExportRoutes(router, ctx);
  ImportRouteOptions import_options;
  import_options.upload_limit_bytes = static_cast<std::size_t>(config->http.upload_limit_bytes);
  auto import_jobs = AddImportRoutes(router, ctx, import_options);  // worker stops at scope exit
  auto notice_batches =
      AddNoticeBatchRoutes(router, ctx, NewDocumentRenderer());  // stops at scope exit

  StationConfig configured{config->pagopa.broker_fiscal_code, config->pagopa.station_ids};
  auto station_config = soap::ResolveStationConfig(store, configured);
  if (!station_config.ok()) return Fail(station_config.error());
  soap::StationOptions station_options;
  station_options.path = config->pagopa.soap_path;
  station_options.answer_timeout = std::chrono::milliseconds(config->pagopa.answer_timeout_ms);
  auto station = soap::AddStationEndpoint(router, ctx, *station_config, events, station_options);
  web::PortalOptions portal_options;
  portal_options.checkout_url = config->portal.checkout_url;
  portal_options.public_url = config->portal.public_url;
  portal_options.secret = config->portal.secret;
  portal_options.lookup_limit.per_minute = config->portal.lookup_per_minute;
  portal_options.lookup_limit.burst = config->portal.lookup_burst;
  {
    auto proxies = web::TrustedProxies::Parse(config->portal.trusted_proxies);
    if (!proxies.ok()) return Fail(proxies.error());
    portal_options.trusted_proxies = std::move(*proxies);
  }
  portal_options.station = *station_config;
  portal_options.documents = NewDocumentRenderer();
  auto portal = web::AddPortal(router, ctx, portal_options);

  http::ServerOptions server_options = ToServerOptions(config->http);
  server_options.body_limit_for = [&router](std::string_view method, std::string_view path) {
    return router.BodyLimit(method, path);  // the import upload's http.upload_limit_bytes
  };
  server_options.body_too_large = [&router](const http::Request& head, std::size_t limit) {
    return router.BodyTooLarge(head, limit);
  };
  auto server = http::StartServer(server_options,
                                  [&router](const http::Request& r) { return router.Handle(r); });
  if (!server.ok()) return Fail(server.error());
  std::printf("incasso %s is listening on http://%s:%u/ (database: %s); stop with Ctrl-C\n",
              kVersion, config->http.host.c_str(), static_cast<unsigned>((*server)->port()),
              std::string(store.Backend()).c_str());
  std::fflush(stdout);
  if (station_config->broker_fiscal_code.empty() || station_config->station_ids.empty()) {
    std::printf(
        "warning: no broker or station configured ([pagopa] in the configuration); the "
        "station at %s answers every call with a configuration fault\n",
        station_options.path.c_str());
  } else {
    std::printf("pagoPA station %s for broker %s at http://%s:%u%s\n",
                station_config->station_ids.front().c_str(),
                station_config->broker_fiscal_code.c_str(), config->http.host.c_str(),
                static_cast<unsigned>((*server)->port()), station_options.path.c_str());
  }
  std::fflush(stdout);
  BodyRetention retention(store, *rt->clock, config->pagopa.event_body_retention_days);
  WebhookDispatcherOptions webhook_options;
  webhook_options.poll_interval = std::chrono::milliseconds(config->jobs.webhook_poll_interval_ms);
  webhook_options.workers = static_cast<int>(config->jobs.webhook_workers);
  webhook_options.request_timeout = std::chrono::milliseconds(config->jobs.webhook_timeout_ms);
  webhook_options.on_error = [](std::string_view what, const Error& e) {
    log::LogEvent(log::Level::kWarn, std::string(what), {{"error", e.ToText()}});
  };
  WebhookDispatcher webhooks(
      store, *rt->clock,
      [ca = config->jobs.webhook_ca_file](const WebhookRequest& w) { return SendWebhook(ca, w); },
      webhook_options);
  webhooks.Start();
  LifecycleSweeper lifecycle(ctx, std::chrono::milliseconds(config->jobs.lifecycle_interval_ms),
                             [](const Error& e) {
                               log::LogEvent(log::Level::kWarn, "lifecycle_sweep_failed",
                                             {{"error", e.ToText()}});
                             });
  lifecycle.Start();
  std::unique_ptr<DemoSimulator> simulator;
  if (args.demo) {
    simulator = StartDemoSimulator(config->http, (*server)->port(), station_options.path,
                                   *station_config, *rt->clock);
    if (simulator && config->portal.checkout_url.empty()) {
      portal->SetCheckoutUrl("http://" + config->http.host + ":" +
                             std::to_string(simulator->server->port()) + "/checkout/ec/v1/carts");
    }
    if (simulator) {
      std::printf(
          "node simulator (pagoPA Checkout and the node) on http://%s:%u/: "
          "POST /checkout/ec/v2/carts to pay from a portal\n",
          config->http.host.c_str(), static_cast<unsigned>(simulator->server->port()));
    }
    PositionFilter valid;
    valid.status = PositionStatus::kValid;
    valid.limit = 1;
    auto entities = store.ListEntities();
    if (entities.ok() && !entities->empty()) {
      auto some = store.ListPositions(entities->front().id, valid);
      if (some.ok() && !some->empty()) {
        std::printf(
            "pay a demo notice: incasso node-sim pay --station http://%s:%u%s --ec %s "
            "--notice %s\n",
            config->http.host.c_str(), static_cast<unsigned>((*server)->port()),
            station_options.path.c_str(), entities->front().fiscal_code.c_str(),
            some->front().options.front().nav.c_str());
      }
    }
    std::fflush(stdout);
  }
  http::WaitForShutdownSignal(**server);
  if (simulator) simulator->server->Stop();
  lifecycle.Stop();
  webhooks.Stop();
  events.Flush();
  std::printf("incasso stopped\n");
  return 0;
}

}  // namespace

void AddServeCommand(CLI::App& app, Globals& g, int& exit_code) {
  auto* cmd = app.add_subcommand("serve", "Run the HTTP server");
  auto args = std::make_shared<ServeArgs>();
  cmd->add_flag("--demo", args->demo, "use an SQLite file and load the demo region if it is empty");
  cmd->callback([&g, args, &exit_code] { exit_code = Serve(g, *args); });
}

}  // namespace incasso::cli
