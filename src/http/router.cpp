#include "http/router.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>
#include <string_view>

namespace incasso::http {
namespace {

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> out;
  path.remove_prefix(1);  // leading '/'
  for (;;) {
    const std::size_t slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

// True if route `a` is more specific than `b`: at the first segment where one has a literal and the
// other a parameter, `a` has the literal.
bool MoreSpecific(const std::vector<bool>& a, const std::vector<bool>& b) {
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
    if (a[i] != b[i]) return !a[i];
  }
  return false;
}

// The same, where both have the same literal/parameter shape: a parameter with a suffix is more
// specific than one without.
bool MoreSpecificSuffix(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
    if (a[i].empty() != b[i].empty()) return !a[i].empty();
  }
  return false;
}

bool Better(const std::vector<bool>& a_param, const std::vector<std::string>& a_suffix,
            const std::vector<bool>& b_param, const std::vector<std::string>& b_suffix) {
  if (a_param != b_param) return MoreSpecific(a_param, b_param);
  return MoreSpecificSuffix(a_suffix, b_suffix);
}

}  // namespace

void Router::Add(std::string method, std::string pattern, Handler handler, RouteOptions options) {
  if (method.empty() || !handler) throw std::invalid_argument("route needs a method and a handler");
  if (pattern.empty() || pattern[0] != '/') {
    throw std::invalid_argument("route pattern must start with '/': " + pattern);
  }
  Route route;
  for (std::string_view segment : SplitPath(pattern)) {
    std::string_view suffix;
    if (segment.size() >= 2 && segment.front() == '{' && segment.back() != '}') {
      const std::size_t close = segment.find('}');
      if (close != std::string_view::npos && close + 1 < segment.size() &&
          segment[close + 1] == '.') {
        suffix = segment.substr(close + 1);
        segment = segment.substr(0, close + 1);
      }
    }
    const bool param = segment.size() >= 2 && segment.front() == '{' && segment.back() == '}';
    if (param) segment = segment.substr(1, segment.size() - 2);
    if (segment.find_first_of("{}") != std::string_view::npos || (param && segment.empty()) ||
        suffix.find_first_of("{}") != std::string_view::npos) {
      throw std::invalid_argument("malformed route pattern: " + pattern);
    }
    route.segments.emplace_back(segment);
    route.is_param.push_back(param);
    route.suffix.emplace_back(suffix);
  }
  for (const Route& r : routes_) {
    if (r.method == method && r.is_param == route.is_param && r.suffix == route.suffix) {
      bool same = true;
      for (std::size_t i = 0; i < r.segments.size() && same; ++i) {
        same = r.is_param[i] || r.segments[i] == route.segments[i];
      }
      if (same) throw std::invalid_argument("duplicate route: " + method + " " + pattern);
    }
  }
  route.method = std::move(method);
  route.pattern = std::move(pattern);
  route.handler = std::move(handler);
  route.options = options;
  routes_.push_back(std::move(route));
}

const Router::Route* Router::Match(std::string_view method,
                                   const std::vector<std::string_view>& segments,
                                   std::set<std::string>& allowed, bool& head_as_get) const {
  const bool head = method == "HEAD";
  const Route* best = nullptr;      // best route for the request's method
  const Route* best_get = nullptr;  // best GET route, for HEAD
  for (const Route& r : routes_) {
    if (r.segments.size() != segments.size()) continue;
    bool match = true;
    for (std::size_t i = 0; i < segments.size() && match; ++i) {
      if (!r.is_param[i]) {
        match = r.segments[i] == segments[i];
      } else {
        const std::string& sfx = r.suffix[i];
        match = segments[i].size() > sfx.size() &&
                segments[i].substr(segments[i].size() - sfx.size()) == sfx;
      }
    }
    if (!match) continue;
    allowed.insert(r.method);
    if (r.method == method &&
        (!best || Better(r.is_param, r.suffix, best->is_param, best->suffix))) {
      best = &r;
    }
    if (head && r.method == "GET" &&
        (!best_get || Better(r.is_param, r.suffix, best_get->is_param, best_get->suffix))) {
      best_get = &r;
    }
  }
  head_as_get = best == nullptr && best_get != nullptr;
  return head_as_get ? best_get : best;
}

std::optional<std::size_t> Router::BodyLimit(std::string_view method, std::string_view path) const {
  if (path.empty() || path[0] != '/') return std::nullopt;
  std::set<std::string> allowed;
  bool head_as_get = false;
  const Route* r = Match(method, SplitPath(path), allowed, head_as_get);
  if (r == nullptr) return std::nullopt;
  return r->options.body_limit_bytes;
}

Response Router::BodyTooLarge(Request head, std::size_t limit) const {
  std::vector<std::string_view> segments;
  if (!head.path.empty() && head.path[0] == '/') segments = SplitPath(head.path);
  std::set<std::string> allowed;
  bool head_as_get = false;
  const Route* r = segments.empty() ? nullptr : Match(head.method, segments, allowed, head_as_get);
  if (r != nullptr && r->options.too_large) {
    head.path_params.clear();
    for (std::size_t i = 0; i < segments.size(); ++i) {
      if (r->is_param[i]) {
        head.path_params[r->segments[i]] =
            std::string(segments[i].substr(0, segments[i].size() - r->suffix[i].size()));
      }
    }
    return r->options.too_large(head, limit);
  }
  return ProblemJson(413, "Payload Too Large",
                     "The request body exceeds the limit of " + std::to_string(limit) + " bytes.",
                     head.request_id);
}

Response Router::Handle(Request request) const {
  std::vector<std::string_view> segments;
  if (!request.path.empty() && request.path[0] == '/') segments = SplitPath(request.path);

  std::set<std::string> allowed;
  bool head_as_get = false;
  const Route* best = Match(request.method, segments, allowed, head_as_get);

  if (allowed.empty()) {
    return ProblemJson(404, "Not Found", "No resource matches the request path.",
                       request.request_id);
  }
  if (best == nullptr) {
    if (allowed.count("GET")) allowed.insert("HEAD");
    std::string allow;
    for (const std::string& m : allowed) {
      if (!allow.empty()) allow += ", ";
      allow += m;
    }
    Response r =
        ProblemJson(405, "Method Not Allowed", "The resource does not support the request method.",
                    request.request_id);
    r.headers.emplace_back("Allow", std::move(allow));
    return r;
  }

  request.path_params.clear();
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (best->is_param[i]) {
      request.path_params[best->segments[i]] =
          std::string(segments[i].substr(0, segments[i].size() - best->suffix[i].size()));
    }
  }
  Response response = best->handler(request);
  if (head_as_get) {
    response.headers.emplace_back("Content-Length", std::to_string(response.body.size()));
    response.body.clear();
  }
  return response;
}

}  // namespace incasso::http
