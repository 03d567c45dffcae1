// Requests per second over one keep-alive connection (single client thread) against the server on
// port 0 with a trivial handler: the fixed cost of the HTTP layer (parse, security headers, request
// id, access-log check, write) on loopback. Google Benchmark prints the machine it ran on.
//
// Link: incasso_http incasso_log benchmark::benchmark (the client below uses Beast; only benchmarks
// and tests may include it outside src/http).
#include <benchmark/benchmark.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "http/message.hpp"
#include "http/server.hpp"
#include "log/log.hpp"

namespace {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

std::unique_ptr<incasso::http::Server> StartBenchServer(int threads, bool access_log) {
  incasso::log::LogOptions log_options;
  log_options.level = access_log ? "info" : "warn";
  if (access_log) log_options.sink = [](std::string_view) {};  // format the line, drop it
  if (!incasso::log::InitLogging(log_options).ok()) std::abort();
  incasso::http::ServerOptions options;
  options.port = 0;
  options.threads = threads;
  auto server = incasso::http::StartServer(options, [](const incasso::http::Request&) {
    return incasso::http::TextResponse(200, "ok");
  });
  if (!server.ok()) {
    std::fprintf(stderr, "%s\n", server.error().message.c_str());
    std::abort();
  }
  return std::move(server).value();
}

// args: server threads, access log on (1) / off (0).
void BM_KeepAliveRequests(benchmark::State& state) {
  auto server = StartBenchServer(static_cast<int>(state.range(0)), state.range(1) != 0);
  asio::io_context ioc;
  tcp::socket socket(ioc);
  socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server->port()));
  socket.set_option(tcp::no_delay(true));
  bhttp::request<bhttp::empty_body> request{bhttp::verb::get, "/ping?x=1", 11};
  request.set(bhttp::field::host, "bench");
  boost::beast::flat_buffer buffer;
  std::int64_t failures = 0;
  for (auto _ : state) {
    bhttp::write(socket, request);
    bhttp::response<bhttp::string_body> response;
    bhttp::read(socket, buffer, response);
    if (response.result_int() != 200) ++failures;
    benchmark::DoNotOptimize(response.body().data());
  }
  state.counters["req/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["failures"] = static_cast<double>(failures);
  socket.close();
  server->Stop();
  server->Wait();
}
BENCHMARK(BM_KeepAliveRequests)
    ->ArgNames({"threads", "access_log"})
    ->Args({1, 0})
    ->Args({1, 1})
    ->Args({2, 0})
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
