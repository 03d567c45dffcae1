// Router: maps (method, path) to a Handler; a pure function of the Request, testable without a
// socket (no Beast here).
#pragma once

#include <string>
#include <vector>

#include "http/message.hpp"

namespace incasso::http {

class Router {
 public:
  // Registers `handler` for `method` on `pattern`, an absolute path whose segments are literals or
  // "{name}" (one non-empty segment, delivered as path_params["name"]), e.g.
  // "/api/v1/organizations/{fiscalCode}/debtpositions/{iupd}". A parameter may be followed by a
  // literal suffix starting with '.' ("{receiptId}.xml"): it matches segments that end with the
  // suffix and delivers the rest. Matching is exact per segment (a trailing '/' matters). Throws std::invalid_argument for a malformed pattern or a duplicate
  // (method, pattern): routes are code, not input.
  // Not thread-safe: register every route before the first Handle().
  void Add(std::string method, std::string pattern, Handler handler);

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
  };
  std::vector<Route> routes_;
};

}  // namespace incasso::http
