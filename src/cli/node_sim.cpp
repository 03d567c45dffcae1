// incasso node-sim: the node simulator (src/nodesim). `pay` pays one notice against a station as
// the national node and a PSP would; `serve` runs Checkout, the PSP and nodeForPa locally.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>

#include "cli/runtime.hpp"
#include "core/money.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "nodesim/pay.hpp"
#include "nodesim/simulator.hpp"

namespace incasso::cli {
namespace {

struct StationArgs {
  std::string station_url;
  std::string broker_id = nodesim::kDemoBrokerId;
  std::string station_id = nodesim::kDemoStationId;
  int timeout_ms = 10000;
};

struct PayArgs {
  StationArgs station;
  std::string ec;
  std::string notice;
  bool v1 = false;
  bool v2 = false;
  std::string outcome = "ok";
};

struct ServeArgs {
  StationArgs station;
  std::string host = "127.0.0.1";
  int port = 8090;
};

bool Digits(const std::string& s, std::size_t n) {
  return s.size() == n &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

Status CheckStation(const StationArgs& a) {
  if (a.station_url.rfind("http://", 0) != 0) {
    return InvalidArgument("--station",
                           "must be an http:// URL of the station's paForNode "
                           "endpoint (the simulator speaks plain HTTP only)");
  }
  if (a.timeout_ms <= 0) return InvalidArgument("--timeout-ms", "must be positive");
  return Ok();
}

void AddStationOptions(CLI::App* cmd, StationArgs& a) {
  cmd->add_option("--station", a.station_url, "the station's paForNode URL (http://host:port/path)")
      ->required();
  cmd->add_option("--broker", a.broker_id, "idBrokerPA (intermediary fiscal code)")
      ->capture_default_str();
  cmd->add_option("--station-id", a.station_id, "idStation")->capture_default_str();
  cmd->add_option("--timeout-ms", a.timeout_ms, "timeout of each call to the station")
      ->capture_default_str();
}

int Pay(const PayArgs& args) {
  if (auto st = CheckStation(args.station); !st.ok()) return Fail(st.error());
  if (!Digits(args.ec, 11)) return Fail(InvalidArgument("--ec", "must be 11 digits"));
  if (!Digits(args.notice, 18)) return Fail(InvalidArgument("--notice", "must be 18 digits"));

  nodesim::PayRequest req;
  req.station_url = args.station.station_url;
  req.ec_fiscal_code = args.ec;
  req.notice_number = args.notice;
  req.broker_id = args.station.broker_id;
  req.station_id = args.station.station_id;
  req.version = args.v1 ? 1 : 2;
  req.pay = args.outcome == "ok";
  req.timeout = std::chrono::milliseconds(args.station.timeout_ms);
  auto clock = NewSystemClock();
  nodesim::RandomHex random;
  const nodesim::PayResult result = nodesim::PayNotice(req, *clock, random);

  for (const nodesim::PayStep& s : result.steps) {
    std::string outcome = s.outcome;
    if (!s.fault_code.empty()) outcome += " " + s.fault_code;
    std::string note = s.description.empty() ? s.fault_string : s.description;
    if (s.operation == "payment" && s.outcome == "OK") note = "token " + result.payment_token;
    std::printf("%-22s %-34s %6lld ms%s%s\n", s.operation.c_str(), outcome.c_str(),
                static_cast<long long>(s.elapsed.count()), note.empty() ? "" : "  ", note.c_str());
  }
  std::fflush(stdout);
  if (!result.succeeded) {
    std::fprintf(stderr, "error: the payment did not go through as requested (outcome %s)\n",
                 args.outcome.c_str());
    return 1;
  }
  if (result.receipt) {
    std::printf("paid %s EUR: notice %s of %s, receipt %s accepted by the station\n",
                FormatAmount(result.amount_cents).c_str(), args.notice.c_str(), args.ec.c_str(),
                result.payment_token.c_str());
  } else {
    std::printf("payment refused as requested: notice %s activated, no receipt sent\n",
                args.notice.c_str());
  }
  return 0;
}

int Serve(const ServeArgs& args) {
  if (auto st = CheckStation(args.station); !st.ok()) return Fail(st.error());
  if (args.port < 0 || args.port > 65535) {
    return Fail(InvalidArgument("--port", "must be 0..65535"));
  }
  auto clock = NewSystemClock();
  nodesim::SimulatorOptions options;
  options.station_url = args.station.station_url;
  options.broker_id = args.station.broker_id;
  options.station_id = args.station.station_id;
  options.station_timeout = std::chrono::milliseconds(args.station.timeout_ms);
  auto simulator = nodesim::NewNodeSimulator(options, *clock);
  http::Router router;
  router.Add("GET", "/healthz",
             [](const http::Request&) { return http::JsonResponse(200, R"({"status":"UP"})"); });
  simulator->AddRoutes(router);

  http::ServerOptions server_options;
  server_options.host = args.host;
  server_options.port = static_cast<std::uint16_t>(args.port);
  auto server = http::StartServer(server_options,
                                  [&router](const http::Request& r) { return router.Handle(r); });
  if (!server.ok()) return Fail(server.error());
  const std::string base =
      args.host.find(':') != std::string::npos ? "[" + args.host + "]" : args.host;
  std::printf("node simulator listening on http://%s:%u/\n", base.c_str(),
              static_cast<unsigned>((*server)->port()));
  std::printf(
      "  Checkout carts: POST /checkout/ec/v1/carts, /checkout/ec/v2/carts\n"
      "  nodeForPa:      POST /nodo/nodeForPa\n"
      "  station:        %s (broker %s, station %s)\n",
      options.station_url.c_str(), options.broker_id.c_str(), options.station_id.c_str());
  std::fflush(stdout);
  http::WaitForShutdownSignal(**server);
  std::printf("node simulator stopped\n");
  return 0;
}

}  // namespace

void AddNodeSimCommand(CLI::App& app, int& exit_code) {
  auto* group = app.add_subcommand(
      "node-sim", "Simulate the pagoPA node, a PSP and Checkout against a station (no network)");
  group->require_subcommand(1);

  auto pay_args = std::make_shared<PayArgs>();
  auto* pay = group->add_subcommand(
      "pay", "Pay one notice: paVerifyPaymentNotice, paGetPayment(V2), paSendRT(V2)");
  AddStationOptions(pay, pay_args->station);
  pay->add_option("--ec", pay_args->ec, "the institution's fiscal code (11 digits)")->required();
  pay->add_option("--notice", pay_args->notice, "the notice number (18 digits)")->required();
  auto* v1 = pay->add_flag("--v1", pay_args->v1, "use paGetPayment and paSendRT");
  auto* v2 = pay->add_flag("--v2", pay_args->v2, "use paGetPaymentV2 and paSendRTV2 (default)");
  v1->excludes(v2);
  pay->add_option("--outcome", pay_args->outcome,
                  "ok: pay and send the receipt; ko: the payment fails after the activation")
      ->check(CLI::IsMember({"ok", "ko"}))
      ->capture_default_str();
  pay->callback([pay_args, &exit_code] { exit_code = Pay(*pay_args); });

  auto serve_args = std::make_shared<ServeArgs>();
  auto* serve = group->add_subcommand(
      "serve", "Serve Checkout carts, the payment page and nodeForPa reporting flows");
  AddStationOptions(serve, serve_args->station);
  serve->add_option("--host", serve_args->host, "address to listen on")->capture_default_str();
  serve->add_option("--port", serve_args->port, "port to listen on (0 = any free port)")
      ->capture_default_str();
  serve->callback([serve_args, &exit_code] { exit_code = Serve(*serve_args); });
}

}  // namespace incasso::cli
