#include "api/gpd_routes.hpp"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <cctype>
#include <climits>
#include <functional>
#include <optional>
#include <string>
#include <utility>

#include "api/gpd_json.hpp"
#include "app/api_keys.hpp"
#include "app/positions.hpp"
#include "core/time.hpp"
#include "log/log.hpp"

namespace incasso {
namespace {

namespace json = boost::json;

// gpd.json: GET .../debtpositions "limit": maximum 50, default 10.
constexpr int kMaxPageLimit = 50;
constexpr int kDefaultPageLimit = 10;

const char* Title(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 409:
      return "Conflict";
    case 503:
      return "Service Unavailable";
    default:
      return "Internal Server Error";
  }
}

int HttpStatus(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return 400;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kConflict:
      return 409;
    case ErrorCode::kForbidden:
      return 403;
    case ErrorCode::kUnavailable:
    case ErrorCode::kRetry:
      return 503;
    case ErrorCode::kInternal:
      return 500;
  }
  return 500;
}

http::Response Problem(int status, std::string_view detail, const http::Request& req) {
  return http::ProblemJson(status, Title(status), detail, req.request_id);
}

// The error as ProblemJson. Only the public text (field: message) reaches the client; the
// internal detail of infrastructure failures goes to the log with the request id.
http::Response ErrorResponse(const Error& e, const http::Request& req) {
  const int status = HttpStatus(e.code);
  if (status >= 500) {
    log::LogEvent(log::Level::kError, "gpd_api_error",
                  {{"request_id", req.request_id},
                   {"code", ToString(e.code)},
                   {"error", e.ToText()},
                   {"detail", e.detail}});
  }
  if (e.code == ErrorCode::kInternal) {
    return Problem(status, "internal error; quote the request id to the support desk", req);
  }
  return Problem(status, e.ToText(), req);
}

bool StartsWithNoCase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) !=
        std::tolower(static_cast<unsigned char>(prefix[i]))) {
      return false;
    }
  }
  return true;
}

// The key from Ocp-Apim-Subscription-Key (the GPD/APIM convention) or Authorization: Bearer.
std::string PresentedKey(const http::Request& req) {
  std::string key = req.Header("Ocp-Apim-Subscription-Key");
  if (!key.empty()) return key;
  std::string auth = req.Header("Authorization");
  if (!StartsWithNoCase(auth, "Bearer ")) return {};
  std::string_view rest(auth);
  rest.remove_prefix(7);
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  while (!rest.empty() && rest.back() == ' ') rest.remove_suffix(1);
  return std::string(rest);
}

// A position as PaymentPositionModelBaseResponse: PositionToJson plus the organization.
json::value PositionValue(const DebtPosition& p, std::string_view entity_fiscal_code) {
  json::value v = json::parse(PositionToJson(p));
  v.as_object()["organizationFiscalCode"] = entity_fiscal_code;
  return v;
}

http::Response PositionResponse(int status, const DebtPosition& p,
                                std::string_view entity_fiscal_code) {
  return http::JsonResponse(status, json::serialize(PositionValue(p, entity_fiscal_code)));
}

std::optional<std::string> Query(const http::Request& req, const char* name) {
  auto it = req.query.find(name);
  if (it == req.query.end()) return std::nullopt;
  return it->second;
}

Result<bool> BoolParam(const http::Request& req, const char* name, bool fallback) {
  auto v = Query(req, name);
  if (!v) return fallback;
  if (*v == "true") return true;
  if (*v == "false") return false;
  return InvalidArgument(name, "must be true or false");
}

// A non-negative decimal integer of at most 9 digits.
Result<int> IntParam(const http::Request& req, const char* name, int fallback) {
  auto v = Query(req, name);
  if (!v) return fallback;
  if (v->empty() || v->size() > 9) return InvalidArgument(name, "must be a small whole number");
  int n = 0;
  for (char c : *v) {
    if (c < '0' || c > '9') return InvalidArgument(name, "must be a whole number");
    n = n * 10 + (c - '0');
  }
  return n;
}

Result<std::optional<Date>> DateParam(const http::Request& req, const char* name) {
  auto v = Query(req, name);
  if (!v) return std::optional<Date>();
  auto d = ParseDate(*v, name);
  if (!d.ok()) return d.error();
  return std::optional<Date>(*d);
}

Result<PositionFilter> ListFilter(const http::Request& req) {
  PositionFilter f;
  auto page = IntParam(req, "page", 0);
  if (!page.ok()) return page.error();
  auto limit = IntParam(req, "limit", kDefaultPageLimit);
  if (!limit.ok()) return limit.error();
  if (*limit < 1 || *limit > kMaxPageLimit) {
    return InvalidArgument("limit", fmt::format("must be between 1 and {}", kMaxPageLimit));
  }
  const long long offset = static_cast<long long>(*page) * *limit;
  if (offset > INT_MAX) return InvalidArgument("page", "is beyond the last page");
  f.limit = *limit;
  f.offset = static_cast<int>(offset);
  if (auto status = Query(req, "status")) {
    auto s = ParsePositionStatus(*status);
    if (!s.ok()) {
      return InvalidArgument("status",
                             "must be DRAFT, PUBLISHED, VALID, INVALID, EXPIRED, PARTIALLY_PAID, "
                             "PAID or REPORTED");
    }
    f.status = *s;
  }
  auto from = DateParam(req, "due_date_from");
  if (!from.ok()) return from.error();
  auto to = DateParam(req, "due_date_to");
  if (!to.ok()) return to.error();
  // gpd.json: a missing bound of the due-date window is set 30 days from the given one.
  if (*from && !*to) *to = **from + std::chrono::days{30};
  if (*to && !*from) *from = **to - std::chrono::days{30};
  if (*from && *to) {
    if (**to < **from) return InvalidArgument("due_date_to", "is before due_date_from");
    f.due_from = TimePoint(**from);
    // Inclusive: anything due during the last day.
    f.due_to = TimePoint(**to + std::chrono::days{1}) - std::chrono::seconds{1};
  }
  for (const char* unsupported : {"payment_date_from", "payment_date_to"}) {
    if (Query(req, unsupported)) {
      return InvalidArgument(unsupported, "filtering by payment date is not supported yet");
    }
  }
  if (auto order = Query(req, "orderby")) {
    using O = PositionFilter::Order;
    if (*order == "INSERTED_DATE") {
      f.order_by = O::kInsertedDate;
    } else if (*order == "IUPD") {
      f.order_by = O::kIupd;
    } else if (*order == "STATUS") {
      f.order_by = O::kStatus;
    } else if (*order == "COMPANY_NAME") {
      f.order_by = O::kCompanyName;
    } else {
      return InvalidArgument("orderby", "must be INSERTED_DATE, IUPD, STATUS or COMPANY_NAME");
    }
  }
  if (auto ordering = Query(req, "ordering")) {
    if (*ordering == "ASC") {
      f.ascending = true;
    } else if (*ordering == "DESC") {
      f.ascending = false;
    } else {
      return InvalidArgument("ordering", "must be ASC or DESC");
    }
  }
  return f;
}

// A handler for an authenticated request of `entity` (the organization in the path).
using GpdHandler =
    std::function<Result<http::Response>(const http::Request&, const Entity&, const Caller&)>;

http::Handler Authenticated(AppContext& ctx, GpdHandler handler) {
  return [&ctx, handler = std::move(handler)](const http::Request& req) {
    const std::string key = PresentedKey(req);
    if (key.empty()) {
      return Problem(401,
                     "an API key is required: send it as Ocp-Apim-Subscription-Key or "
                     "Authorization: Bearer",
                     req);
    }
    auto entity = AuthenticateApiKey(ctx, key);
    if (!entity.ok()) {
      if (entity.error().code == ErrorCode::kNotFound) {
        return Problem(401, "the API key is unknown or revoked", req);
      }
      return ErrorResponse(entity.error(), req);
    }
    http::Response response;
    auto path_fc = req.path_params.find("organizationfiscalcode");
    if (path_fc == req.path_params.end() || path_fc->second != entity->fiscal_code) {
      // The same answer whether or not the other organization or its data exist: no oracle.
      response = Problem(403, "this API key does not give access to that organization", req);
    } else {
      Caller caller{"api", req.request_id};
      auto result = handler(req, *entity, caller);
      response = result.ok() ? std::move(*result) : ErrorResponse(result.error(), req);
    }
    response.tenant = entity->fiscal_code;
    return response;
  };
}

}  // namespace

void AddGpdRoutes(http::Router& router, AppContext& ctx) {
  const std::string positions =
      std::string(kGpdBasePath) + "/organizations/{organizationfiscalcode}/debtpositions";
  const std::string one = positions + "/{iupd}";

  router.Add("POST", positions,
             Authenticated(ctx,
                           [&ctx](const http::Request& req, const Entity& entity,
                                  const Caller& caller) -> Result<http::Response> {
                             auto publish = BoolParam(req, "toPublish", false);
                             if (!publish.ok()) return publish.error();
                             auto parsed = ParsePositionJson(req.body);
                             if (!parsed.ok()) return parsed.error();
                             auto created = CreatePosition(
                                 ctx, caller, {entity.fiscal_code, std::move(*parsed), *publish});
                             if (!created.ok()) return created.error();
                             return PositionResponse(201, *created, entity.fiscal_code);
                           }));

  router.Add(
      "GET", positions,
      Authenticated(ctx,
                    [&ctx](const http::Request& req, const Entity& entity,
                           const Caller&) -> Result<http::Response> {
                      auto filter = ListFilter(req);
                      if (!filter.ok()) return filter.error();
                      auto page = ListPositionPage(ctx, entity.fiscal_code, *filter);
                      if (!page.ok()) return page.error();
                      json::array list;
                      for (const auto& p : page->positions) {
                        list.push_back(PositionValue(p, entity.fiscal_code));
                      }
                      const std::int64_t limit = filter->limit;
                      json::object info{
                          {"page", filter->offset / filter->limit},
                          {"limit", limit},
                          // GPD counts the items on this page ("the last page may have fewer").
                          {"items_found", static_cast<std::int64_t>(list.size())},
                          {"total_pages", (page->total + limit - 1) / limit}};
                      json::object body{{"payment_position_list", std::move(list)},
                                        {"page_info", std::move(info)}};
                      return http::JsonResponse(200, json::serialize(body));
                    }));

  router.Add("GET", one,
             Authenticated(ctx,
                           [&ctx](const http::Request& req, const Entity& entity,
                                  const Caller&) -> Result<http::Response> {
                             auto p =
                                 GetPosition(ctx, entity.fiscal_code, req.path_params.at("iupd"));
                             if (!p.ok()) return p.error();
                             return PositionResponse(200, *p, entity.fiscal_code);
                           }));

  router.Add("PUT", one,
             Authenticated(ctx,
                           [&ctx](const http::Request& req, const Entity& entity,
                                  const Caller& caller) -> Result<http::Response> {
                             auto publish = BoolParam(req, "toPublish", false);
                             if (!publish.ok()) return publish.error();
                             auto parsed = ParsePositionJson(req.body);
                             if (!parsed.ok()) return parsed.error();
                             UpdatePositionCommand cmd{entity.fiscal_code,
                                                       req.path_params.at("iupd"),
                                                       std::move(*parsed), *publish};
                             auto updated = UpdatePosition(ctx, caller, cmd);
                             if (!updated.ok()) return updated.error();
                             return PositionResponse(200, *updated, entity.fiscal_code);
                           }));

  router.Add("DELETE", one,
             Authenticated(ctx,
                           [&ctx](const http::Request& req, const Entity& entity,
                                  const Caller& caller) -> Result<http::Response> {
                             INCASSO_TRY(DeletePosition(ctx, caller, entity.fiscal_code,
                                                        req.path_params.at("iupd")));
                             // gpd.json: 200 with a JSON string body.
                             return http::JsonResponse(200, R"("OK")");
                           }));

  router.Add("POST", one + "/publish",
             Authenticated(ctx,
                           [&ctx](const http::Request& req, const Entity& entity,
                                  const Caller& caller) -> Result<http::Response> {
                             auto p = PublishPosition(ctx, caller, entity.fiscal_code,
                                                      req.path_params.at("iupd"));
                             if (!p.ok()) return p.error();
                             return PositionResponse(200, *p, entity.fiscal_code);
                           }));

  router.Add("POST", one + "/invalidate",
             Authenticated(ctx,
                           [&ctx](const http::Request& req, const Entity& entity,
                                  const Caller& caller) -> Result<http::Response> {
                             auto p = ChangePositionStatus(ctx, caller, entity.fiscal_code,
                                                           req.path_params.at("iupd"),
                                                           PositionStatus::kInvalid);
                             if (!p.ok()) return p.error();
                             return PositionResponse(200, *p, entity.fiscal_code);
                           }));
}

}  // namespace incasso
