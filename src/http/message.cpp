#include "http/message.hpp"

#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <cctype>

namespace incasso::http {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

bool ContainsIgnoreCase(std::string_view haystack, std::string_view needle) {
  for (std::size_t i = 0; i + needle.size() <= haystack.size(); ++i) {
    if (EqualsIgnoreCase(haystack.substr(i, needle.size()), needle)) return true;
  }
  return false;
}

}  // namespace

std::string Request::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (EqualsIgnoreCase(key, name)) return value;
  }
  return {};
}

Status SetTarget(std::string_view target, Request& request) {
  auto url = boost::urls::parse_origin_form(target);
  if (!url) return InvalidArgument("target", "The request target is not a valid origin-form path.");
  const std::string_view encoded_path = url->encoded_path();
  if (ContainsIgnoreCase(encoded_path, "%2f") || ContainsIgnoreCase(encoded_path, "%00")) {
    return InvalidArgument("target", "The request path contains an encoded '/' or NUL.");
  }
  request.target = std::string(target);
  request.path = url->path();
  request.query.clear();
  for (const auto& param : url->params()) {
    request.query.emplace(param.key, param.value);  // emplace keeps the first value of a key
  }
  return Ok();
}

Response JsonResponse(int status, std::string body) {
  Response r;
  r.status = status;
  r.content_type = "application/json";
  r.body = std::move(body);
  return r;
}

Response TextResponse(int status, std::string body, std::string content_type) {
  Response r;
  r.status = status;
  r.content_type = std::move(content_type);
  r.body = std::move(body);
  return r;
}

Response ProblemJson(int status, std::string_view title, std::string_view detail,
                     std::string_view request_id) {
  auto json_view = [](std::string_view s) { return boost::json::string_view(s.data(), s.size()); };
  boost::json::object o;
  o["title"] = json_view(title);
  o["status"] = status;
  o["detail"] = json_view(detail);
  if (!request_id.empty()) o["requestId"] = json_view(request_id);
  Response r;
  r.status = status;
  r.content_type = "application/problem+json";
  r.body = boost::json::serialize(o);
  return r;
}

}  // namespace incasso::http
