// HTTP requests and responses as plain values: what handlers and the router see instead of Beast
// types, so no module but src/http compiles Beast or Asio (STYLE.md rule 12).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.hpp"

namespace incasso::http {

struct Request {
  std::string method;  // as received ("GET"); methods are case-sensitive
  std::string target;  // request-target as received; may carry personal data: never log it
  std::string path;    // percent-decoded path without the query ("/a/b c")
  std::map<std::string, std::string> query;  // decoded ('+' is a space); first value of a key wins
  std::vector<std::pair<std::string, std::string>> headers;  // lower-case names, arrival order
  std::string body;
  std::string remote_address;  // peer IP address
  std::string request_id;      // also sent back as X-Request-Id; set by the server
  std::map<std::string, std::string> path_params;  // "{name}" segments, filled by Router

  // Value of the first header called `name` (any case), or "" when absent.
  std::string Header(std::string_view name) const;
};

// Parses an origin-form request-target ("/path?query") into request.target, .path and .query.
// InvalidArgument (safe to show) for anything else, and for a path with an encoded '/' or NUL,
// which would make the decoded path ambiguous.
Status SetTarget(std::string_view target, Request& request);

struct Response {
  int status = 200;          // 200..599
  std::string content_type;  // empty: no Content-Type header
  std::string body;
  // Extra headers. The server owns framing and identity headers (Content-Length, Transfer-Encoding,
  // Connection, Date, X-Request-Id) and drops handler values for them; it adds the security
  // headers unless a handler set its own.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string tenant;  // tenant the request was served for, for the access log; "" if none
};

// Handlers may be called concurrently from several threads. An exception escaping a handler becomes
// a 500 ProblemJson without internal detail (the detail is logged).
using Handler = std::function<Response(const Request&)>;

Response JsonResponse(int status, std::string body);  // application/json
Response TextResponse(int status, std::string body,
                      std::string content_type = "text/plain; charset=utf-8");
// RFC 7807 problem details as pagoPA APIs return them: application/problem+json with
// {"title","status","detail"} plus "requestId" when `request_id` is not empty.
Response ProblemJson(int status, std::string_view title, std::string_view detail,
                     std::string_view request_id);

}  // namespace incasso::http
