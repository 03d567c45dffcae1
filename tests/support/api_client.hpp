// Test support: API requests sent through an http::Router in memory, with the request and the
// response checked against an OpenAPI document (openapi/incasso-v1.json, pagoPA's gpd.json).
#pragma once

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "app/api_keys.hpp"
#include "app/context.hpp"
#include "http/message.hpp"
#include "http/router.hpp"
#include "tests/support/openapi_check.hpp"

namespace incasso::testing {

// A new API key of institution `cf`; a refusal fails the current test and returns "".
inline std::string NewApiKey(AppContext& ctx, const std::string& cf,
                             const std::string& label = "test") {
  auto key = CreateApiKey(ctx, Caller{}, cf, label);
  EXPECT_TRUE(key.ok()) << key.error().ToText();
  return key.ok() ? key->key : std::string();
}

// The path parameters of `path` under the spec path `tmpl` (same number of segments; segments
// "{p}" or "{p}.ext").
inline std::map<std::string, std::string> PathParams(const std::string& tmpl,
                                                     const std::string& path) {
  std::map<std::string, std::string> out;
  auto split = [](const std::string& p) {
    std::vector<std::string> parts;
    std::stringstream in(p.substr(1));
    std::string seg;
    while (std::getline(in, seg, '/')) parts.push_back(seg);
    return parts;
  };
  auto t = split(tmpl), p = split(path);
  for (std::size_t i = 0; i < t.size() && i < p.size(); ++i) {
    if (t[i].empty() || t[i][0] != '{') continue;
    const std::size_t close = t[i].find('}');
    const std::string suffix = t[i].substr(close + 1);
    out[t[i].substr(1, close - 1)] = p[i].substr(0, p[i].size() - suffix.size());
  }
  return out;
}

// The bytes of the file at `path` (a request body, a document to compare with); "" if unreadable.
inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The value of the response header `name` (as the route wrote the name), "" when absent.
inline std::string Header(const http::Response& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return {};
}

// The response body as JSON; throws when it is not JSON.
inline boost::json::value JsonBody(const http::Response& r) { return boost::json::parse(r.body); }

using Headers = std::vector<std::pair<std::string, std::string>>;

// Sends requests to `router` as a client would and checks them against `spec`, whose paths are
// relative to `base` (e.g. "/api/v1"). Each request gets its own id "req-N".
class ApiClient {
 public:
  ApiClient(http::Router& router, const OpenApiSpec& spec, std::string base)
      : router_(router), spec_(spec), base_(std::move(base)) {}

  // What Send checks (tests switch them off for deliberately bad requests):
  bool check_requests = true;           // the request's parameters and body
  bool require_documented_path = true;  // the target is one of the spec's paths
  // A status >= 400 comes as application/problem+json whose "instance" is the request id and
  // whose "status" is the status.
  bool problem_json = true;
  // Request problems that are expected (an extension of the spec); none when unset.
  std::function<bool(const std::string& problem)> allowed_request_problem;
  // Statuses whose response is not checked against the spec; none when unset.
  std::function<bool(int status)> unchecked_status;

  // Sends `method` `target` with `key` as Ocp-Apim-Subscription-Key (as "Authorization: Bearer"
  // when `bearer`; none when empty), then `headers`, and `body`.
  http::Response Send(const std::string& method, const std::string& target, const std::string& key,
                      std::string body = {}, Headers headers = {}, bool bearer = false) {
    http::Request req;
    req.method = method;
    EXPECT_TRUE(http::SetTarget(target, req).ok()) << target;
    if (!key.empty()) {
      if (bearer) {
        req.headers.emplace_back("authorization", "Bearer " + key);
      } else {
        req.headers.emplace_back("ocp-apim-subscription-key", key);
      }
    }
    for (auto& h : headers) req.headers.push_back(std::move(h));
    req.body = std::move(body);
    req.request_id = "req-" + std::to_string(++requests_);
    const std::string path = req.path.substr(base_.size());
    auto tmpl = spec_.MatchPath(path);
    if (require_documented_path) {
      EXPECT_TRUE(tmpl.has_value()) << "no documented path for " << target;
    }
    if (tmpl && check_requests) {
      OpenApiSpec::RequestParts parts;
      parts.path_params = PathParams(*tmpl, path);
      parts.query = req.query;
      parts.headers = req.headers;
      parts.body = req.body;
      for (const auto& problem : spec_.CheckRequest(method, *tmpl, parts)) {
        if (allowed_request_problem && allowed_request_problem(problem)) continue;
        ADD_FAILURE() << "request " << method << " " << target << ": " << problem;
      }
    }
    const std::string request_id = req.request_id;
    http::Response r = router_.Handle(std::move(req));
    if (tmpl && !(unchecked_status && unchecked_status(r.status))) {
      for (const auto& problem :
           spec_.CheckResponse(method, *tmpl, r.status, r.body, r.content_type)) {
        ADD_FAILURE() << "response " << method << " " << target << " " << r.status << ": "
                      << problem << "\n"
                      << r.body.substr(0, 2000);
      }
    }
    if (problem_json && r.status >= 400) {
      EXPECT_EQ(r.content_type, "application/problem+json") << target;
      boost::json::value v = boost::json::parse(r.body);
      EXPECT_EQ(v.at("instance"), request_id.c_str());
      EXPECT_EQ(v.at("status"), r.status);
    }
    return r;
  }

 private:
  http::Router& router_;
  const OpenApiSpec& spec_;
  std::string base_;
  int requests_ = 0;
};

}  // namespace incasso::testing
