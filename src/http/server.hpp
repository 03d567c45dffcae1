// HTTP/1.1 server behind a factory; Beast and Asio stay inside server.cpp (STYLE.md rule 12).
//
// Every response carries X-Request-Id (the client's if it matches [A-Za-z0-9._-]{1,64}, else 16
// random hex digits) and the security headers X-Content-Type-Options: nosniff, X-Frame-Options:
// DENY, Referrer-Policy: no-referrer, Content-Security-Policy: default-src 'self'; frame-ancestors
// 'none' and Cache-Control: no-store (the last two only when the handler set none). Each response
// produces one JSON access-log line: request_id, remote, method, path (never the query), status,
// bytes, duration_ms, tenant.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "http/message.hpp"

namespace incasso::http {

struct ServerOptions {
  std::string host = "127.0.0.1";  // address or host name to listen on
  std::uint16_t port = 8080;       // 0 = ephemeral (see Server::port())
  int threads = 0;                 // I/O threads, which also run the handler; 0 = hardware threads
  std::size_t body_limit_bytes = 1 << 20;  // larger bodies get 413
  // Optional per-request body limit, asked once the request header is read and before any of
  // the body is (e.g. Router::BodyLimit, so that an upload route accepts more than the rest):
  // (method, percent-decoded path) -> the limit, nullopt = body_limit_bytes. Called on I/O
  // threads, concurrently: must be thread-safe and cheap. A body over the limit gets 413 as soon
  // as its Content-Length shows it (before reading it), or when a chunked body passes it.
  // The body is held in memory while read: a server needs up to (concurrent requests x limit).
  std::function<std::optional<std::size_t>(std::string_view method, std::string_view path)>
      body_limit_for;
  // Optional renderer of that 413 (e.g. Router::BodyTooLarge, for the route's error shape): gets
  // the request without its body and the limit. Empty: a ProblemJson naming the limit. Same
  // threading contract as body_limit_for; an exception becomes that default.
  std::function<Response(const Request& head, std::size_t limit)> body_too_large;
  std::size_t header_limit_bytes = 16 << 10;  // larger request line + headers get 431
  // From the first byte of a request until it is fully read (bounds slow-loris clients).
  std::chrono::milliseconds read_timeout{10000};
  std::chrono::milliseconds write_timeout{10000};  // to write one response
  // Keep-alive connection waiting for its next request. A new connection waits read_timeout.
  std::chrono::milliseconds idle_timeout{30000};
  // Connections being served. One more is answered 503 and closed.
  std::size_t max_connections = 1024;
  // How long Stop() lets in-flight requests finish before closing their connections.
  std::chrono::milliseconds shutdown_grace{5000};
};

class Server {
 public:
  virtual ~Server();  // Stop() then Wait()

  // The port actually listened on (useful with ServerOptions::port = 0).
  virtual std::uint16_t port() const = 0;

  // Graceful stop; returns at once, callable from any thread (a handler included), idempotent.
  // Stops accepting, closes idle keep-alive connections, lets in-flight requests finish (answered
  // with Connection: close) and after shutdown_grace closes whatever is still open. A handler
  // still running then is not interrupted: Wait() returns when it does.
  virtual void Stop() = 0;

  // Blocks until the server has stopped (after Stop()) and its threads have exited.
  // Precondition: not called from a handler.
  virtual void Wait() = 0;
};

// Listens and starts serving before returning. Errors (bad options, "cannot listen on
// 127.0.0.1:8080: address already in use") come back as values.
Result<std::unique_ptr<Server>> StartServer(const ServerOptions& options, Handler handler);

// Blocks until SIGTERM or SIGINT, then calls server.Stop() and server.Wait().
void WaitForShutdownSignal(Server& server);

}  // namespace incasso::http
