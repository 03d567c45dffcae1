// A small synchronous HTTP/1.1 client (HTTP and HTTPS) for webhooks, the node simulator and tests: one
// request per connection, no redirects followed, no proxies. Beast and Asio stay in client.cpp
// (STYLE.md rule 12).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.hpp"

namespace incasso::http {

struct ClientRequest {
  std::string method = "GET";  // sent as given (case-sensitive)
  // "http[s]://host[:port]/path[?query]"; the path is sent as written (already
  // percent-encoded). https: TLS 1.2+, the peer's certificate must chain to a trusted root and
  // name the URL's host (SNI sent).
  std::string url;
  // PEM file of the trusted roots for https; "" = the system's (Debian: ca-certificates).
  std::string ca_file;
  // Extra headers. Host, Content-Length and Connection are set by the client and any value given
  // here for them is ignored. User-Agent defaults to "incasso".
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // sent with Content-Length (also when empty, for POST/PUT/PATCH)
  // Resolving the host and connecting; then `timeout` bounds the whole exchange from the start.
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds timeout{30000};
  std::size_t max_response_bytes = 8 << 20;  // larger bodies: kUnavailable "response too large"
};

struct ClientResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // lower-case names, arrival order
  std::string body;

  // Value of the first header called `name` (any case), or "" when absent.
  std::string Header(std::string_view name) const;
};

// Sends `request` and reads the whole response. Any status (404, 500...) is a response, not an
// error. Errors: kInvalidArgument (field "url") for a malformed or non-http URL or a header with
// CR/LF; kUnavailable for resolution, connection, timeout ("timed out after N ms") and protocol
// failures. Thread-safe: every call uses its own connection and I/O context.
Result<ClientResponse> HttpCall(const ClientRequest& request);

}  // namespace incasso::http
