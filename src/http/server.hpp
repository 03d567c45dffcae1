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
#include <memory>
#include <string>

#include "core/result.hpp"
#include "http/message.hpp"

namespace incasso::http {

struct ServerOptions {
  std::string host = "127.0.0.1";  // address or host name to listen on
  std::uint16_t port = 8080;       // 0 = ephemeral (see Server::port())
  int threads = 0;                 // I/O threads, which also run the handler; 0 = hardware threads
  std::size_t body_limit_bytes = 1 << 20;     // larger bodies get 413
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
