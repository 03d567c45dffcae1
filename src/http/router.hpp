// Router: maps (method, path) to a Handler; a pure function of the Request, testable without a
// socket (no Beast here).
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.hpp"

namespace incasso::http {

// Per-route settings the server applies before the handler runs.
struct RouteOptions {
  // Largest request body the route accepts (413 beyond it); nullopt = the server's default
  // (ServerOptions::body_limit_bytes). The server reads the request header first and asks
  // Router::BodyLimit which limit applies, so only the routes that need big bodies (uploads)
  // accept them.
  std::optional<std::size_t> body_limit_bytes;
  // Renders the 413 of a body over the limit in the route's own error shape; gets the request
  // without its body (headers, path_params filled) and the limit. Empty: ProblemJson.
  std::function<Response(const Request&, std::size_t limit)> too_large;
};

class Router {
 public:
  // Registers `handler` for `method` on `pattern`, an absolute path whose segments are literals or
  // "{name}" (one non-empty segment, delivered as path_params["name"]), e.g.
  // "/api/v1/organizations/{fiscalCode}/debtpositions/{iupd}". A parameter may be followed by a
  // literal suffix starting with '.' ("{receiptId}.xml"): it matches segments that end with the
  // suffix and delivers the rest. Matching is exact per segment (a trailing '/' matters). Throws
  // std::invalid_argument for a malformed pattern or a duplicate (method, pattern): routes are
  // code, not input. Not thread-safe: register every route before the first Handle().
  void Add(std::string method, std::string pattern, Handler handler, RouteOptions options = {});

  // The body limit of the route Handle() would run for (method, percent-decoded path), HEAD
  // falling back to GET as in Handle(); nullopt when that route has none or no route matches.
  // Thread-safe; meant for ServerOptions::body_limit_for.
  std::optional<std::size_t> BodyLimit(std::string_view method, std::string_view path) const;
  // The 413 answer for `head` (a request whose body was not read) over `limit`: the matching
  // route's RouteOptions::too_large, else a ProblemJson naming the limit. Thread-safe; meant for
  // ServerOptions::body_too_large.
  Response BodyTooLarge(Request head, std::size_t limit) const;

  // Dispatches to the matching route; where several patterns match, the one whose first literal
  // comes earliest wins ("/orgs/search" before "/orgs/{id}"), and a parameter with a suffix
  // before one without ("/r/{id}.xml" before "/r/{id}"). Unknown path: 404 ProblemJson. Known
  // path, other method: 405 ProblemJson with an Allow header. HEAD without its own route runs the
  // GET handler and drops the body, keeping its length in a Content-Length header. Handler
  // exceptions propagate. Thread-safe.
  Response Handle(Request request) const;

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;  // literal text, or the parameter name when is_param
    std::vector<bool> is_param;
    std::vector<std::string> suffix;  // literal after a parameter ("" = none)
    Handler handler;
    RouteOptions options;
  };
  // The best route for `method` on `segments` (HEAD falls back to GET: *head_as_get is set), or
  // nullptr; `allowed` receives every method of the routes whose pattern matches.
  const Route* Match(std::string_view method, const std::vector<std::string_view>& segments,
                     std::set<std::string>& allowed, bool& head_as_get) const;
  std::vector<Route> routes_;
};

}  // namespace incasso::http
