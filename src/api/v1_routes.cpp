#include "api/v1_routes.hpp"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "api/v1_auth.hpp"
#include "api/v1_json.hpp"
#include "app/receipts.hpp"
#include "app/services.hpp"
#include "app/webhook_admin.hpp"
#include "app/webhooks.hpp"
#include "core/money.hpp"
#include "core/time.hpp"

namespace incasso {
namespace {

namespace json = boost::json;

constexpr int kDefaultLimit = 20;
constexpr int kMaxLimit = 100;
constexpr int kMaxOffset = 1'000'000;
constexpr std::size_t kMaxParamLength = 64;
constexpr std::size_t kMaxBodyBytes = 64 * 1024;  // webhook bodies are tiny

// Reads query parameters, collecting every problem (a client fixes them all in one go) and
// refusing parameters the route does not know (a typo must not silently widen a search).
class Params {
 public:
  explicit Params(const http::Request& req) : req_(req) {}

  std::optional<std::string> Text(const char* name) {
    known_.insert(name);
    auto it = req_.query.find(name);
    if (it == req_.query.end() || it->second.empty()) return std::nullopt;
    if (it->second.size() > kMaxParamLength) {
      Fail(name, fmt::format("at most {} characters", kMaxParamLength));
      return std::nullopt;
    }
    return it->second;
  }

  // A whole number in [min, max], or `fallback` when absent.
  int Int(const char* name, int min, int max, int fallback) {
    auto v = Text(name);
    if (!v) return fallback;
    long long n = 0;
    bool ok = v->size() <= 9;
    for (char c : *v) ok = ok && c >= '0' && c <= '9';
    if (ok) n = std::stoll(*v);
    if (!ok || n < min || n > max) {
      Fail(name, fmt::format("must be a whole number from {} to {}", min, max));
      return fallback;
    }
    return static_cast<int>(n);
  }

  // A date YYYY-MM-DD as the start of that day, or (end_of_day) its last second, UTC.
  std::optional<TimePoint> Day(const char* name, bool end_of_day) {
    auto v = Text(name);
    if (!v) return std::nullopt;
    auto d = ParseDate(*v, name);
    if (!d.ok()) {
      Fail(name, "must be a date YYYY-MM-DD");
      return std::nullopt;
    }
    TimePoint t(*d);
    if (end_of_day) t += std::chrono::days{1} - std::chrono::seconds{1};
    return t;
  }

  // An amount in euro cents (a whole number, at most 9 999 999 999 cents).
  std::optional<std::int64_t> Cents(const char* name) {
    auto v = Text(name);
    if (!v) return std::nullopt;
    bool ok = !v->empty() && v->size() <= 10;
    for (char c : *v) ok = ok && c >= '0' && c <= '9';
    if (!ok) {
      Fail(name, "must be a whole number of euro cents");
      return std::nullopt;
    }
    return std::stoll(*v);
  }

  // Digits only, exactly `length` of them.
  std::optional<std::string> Digits(const char* name, std::size_t length) {
    auto v = Text(name);
    if (!v) return std::nullopt;
    bool ok = v->size() == length;
    for (char c : *v) ok = ok && c >= '0' && c <= '9';
    if (!ok) {
      Fail(name, fmt::format("must be {} digits", length));
      return std::nullopt;
    }
    return v;
  }

  void Fail(std::string field, std::string message) {
    errors_.push_back({std::move(field), std::move(message)});
  }

  // Adds an error for every query parameter no accessor asked for; true when all is well.
  bool Done() {
    for (const auto& [name, value] : req_.query) {
      if (!known_.count(name)) Fail(name.substr(0, kMaxParamLength), "unknown parameter");
    }
    return errors_.empty();
  }

  http::Response Problem() const {
    return ApiProblem(ApiErrorStyle::kV1, 400,
                      errors_.size() == 1
                          ? fmt::format("{}: {}", errors_[0].field, errors_[0].message)
                          : fmt::format("{} parameters are invalid", errors_.size()),
                      req_, errors_);
  }

 private:
  const http::Request& req_;
  std::set<std::string> known_;
  std::vector<FieldError> errors_;
};

http::Response Json(int status, const json::value& v) {
  return http::JsonResponse(status, json::serialize(v));
}

// {"items": [...], "page": {"limit", "offset", "hasMore"}} from up to limit + 1 rows.
template <typename T, typename F>
http::Response Page(std::vector<T> rows, int limit, int offset, F to_json) {
  const bool more = static_cast<int>(rows.size()) > limit;
  if (more) rows.resize(static_cast<std::size_t>(limit));
  json::array items;
  for (const auto& r : rows) items.push_back(to_json(r));
  return Json(200,
              json::object{
                  {"items", std::move(items)},
                  {"page", json::object{{"limit", limit}, {"offset", offset}, {"hasMore", more}}}});
}

// 200 {"items": [...]} of a whole list (no paging), or the list's error.
template <typename T, typename F>
Result<http::Response> Items(const Result<std::vector<T>>& list, F to_json) {
  if (!list.ok()) return list.error();
  json::array items;
  for (const auto& x : *list) items.push_back(to_json(x));
  return Json(200, json::object{{"items", std::move(items)}});
}

// An id from the path: a positive number, or NotFound (ids that cannot exist are simply absent).
Result<std::int64_t> PathId(const http::Request& req, const char* name, const char* what) {
  const std::string& v = req.path_params.at(name);
  bool ok = !v.empty() && v.size() <= 18 && v[0] != '0';
  for (char c : v) ok = ok && c >= '0' && c <= '9';
  if (!ok) return NotFound(fmt::format("no {} with id {}", what, v.substr(0, 40)));
  return std::stoll(v);
}

http::Handler Route(AppContext& ctx, EntityHandler handler, bool idempotent = false,
                    bool response_has_secret = false) {
  EntityRouteOptions options;
  options.style = ApiErrorStyle::kV1;
  options.fiscal_code_param = "fiscalCode";
  options.idempotent = idempotent;
  options.response_has_secret = response_has_secret;
  return EntityRoute(ctx, std::move(options), std::move(handler));
}

// --- Receipts ---------------------------------------------------------------------------------

Result<http::Response> ListReceipts(AppContext& ctx, const http::Request& req, const Entity& e) {
  Params p(req);
  ReceiptFilter f;
  if (auto n = p.Digits("noticeNumber", 18)) f.notice_number = *n;
  if (auto k = p.Text("kind")) f.kind = *k;
  f.paid_from = p.Day("paidFrom", false);
  f.paid_to = p.Day("paidTo", true);
  const int limit = p.Int("limit", 1, kMaxLimit, kDefaultLimit);
  const int offset = p.Int("offset", 0, kMaxOffset, 0);
  if (f.paid_from && f.paid_to && *f.paid_to < *f.paid_from) p.Fail("paidTo", "is before paidFrom");
  if (!p.Done()) return p.Problem();
  f.limit = limit + 1;
  f.offset = offset;
  auto rows = ListEntityReceipts(ctx, e.fiscal_code, f);
  if (!rows.ok()) return rows.error();
  return Page(std::move(*rows), limit, offset,
              [](const StoredReceipt& r) { return json::value(ReceiptV1Json(r)); });
}

// --- Payments ---------------------------------------------------------------------------------

Result<http::Response> SearchPaymentsRoute(AppContext& ctx, const http::Request& req,
                                           const Entity& e) {
  Params p(req);
  PaymentFilter f;
  if (auto v = p.Text("debtorFiscalCode")) f.debtor_fiscal_code = *v;
  if (auto v = p.Digits("noticeNumber", 18)) f.notice_number = *v;
  if (auto v = p.Digits("iuv", 17)) f.iuv = *v;
  if (auto v = p.Text("status")) {
    auto s = ParseOptionStatus(*v);
    if (s.ok()) {
      f.status = *s;
    } else {
      p.Fail("status", "must be PO_UNPAID, PO_PAID, PO_PARTIALLY_REPORTED or PO_REPORTED");
    }
  }
  f.paid_from = p.Day("paidFrom", false);
  f.paid_to = p.Day("paidTo", true);
  f.amount_min = p.Cents("amountMin");
  f.amount_max = p.Cents("amountMax");
  const int limit = p.Int("limit", 1, kMaxLimit, kDefaultLimit);
  const int offset = p.Int("offset", 0, kMaxOffset, 0);
  if (!p.Done()) return p.Problem();
  f.limit = limit + 1;
  f.offset = offset;
  auto rows = SearchPayments(ctx, e.fiscal_code, f);
  if (!rows.ok()) return rows.error();
  return Page(std::move(*rows), limit, offset,
              [](const PaymentRow& r) { return json::value(PaymentV1Json(r)); });
}

// --- Webhooks ---------------------------------------------------------------------------------

Result<http::Response> CreateWebhook(AppContext& ctx, const http::Request& req, const Entity& e,
                                     const Caller& caller) {
  if (req.body.size() > kMaxBodyBytes) {
    return InvalidArgument("body", fmt::format("at most {} bytes", kMaxBodyBytes));
  }
  boost::system::error_code ec;
  json::value body = json::parse(req.body, ec);
  if (ec || !body.is_object()) return InvalidArgument("body", "must be a JSON object");
  std::vector<FieldError> errors;
  std::string url;
  std::vector<std::string> events;
  for (const auto& kv : body.as_object()) {
    const std::string key(kv.key());
    if (key == "url") {
      if (kv.value().is_string()) {
        url = std::string(kv.value().as_string());
      } else {
        errors.push_back({"url", "must be a string"});
      }
    } else if (key == "events") {
      if (!kv.value().is_array()) {
        errors.push_back({"events", "must be an array of event names"});
        continue;
      }
      const auto& arr = kv.value().as_array();
      for (std::size_t i = 0; i < arr.size(); ++i) {
        if (arr[i].is_string()) {
          events.emplace_back(arr[i].as_string());
        } else {
          errors.push_back({fmt::format("events[{}]", i), "must be a string"});
        }
      }
    } else {
      errors.push_back({key.substr(0, kMaxParamLength), "unknown field"});
    }
  }
  if (!body.as_object().contains("url")) errors.push_back({"url", "is required"});
  if (!errors.empty()) {
    return ApiProblem(ApiErrorStyle::kV1, 400,
                      fmt::format("{}: {}", errors[0].field, errors[0].message), req, errors);
  }
  auto created = CreateWebhookEndpointWithSecret(ctx, caller, e.fiscal_code, std::move(url),
                                                 std::move(events));
  if (!created.ok()) return created.error();
  return Json(201, WebhookEndpointV1Json(*created, true));
}

}  // namespace

void AddApiV1Routes(http::Router& router, AppContext& ctx) {
  router.Add("GET", std::string(kApiV1BasePath) + "/openapi.json", [](const http::Request&) {
    http::Response r = http::JsonResponse(200, std::string(ApiV1OpenApiDocument()));
    r.headers.emplace_back("Cache-Control", "public, max-age=300");
    return r;
  });

  const std::string org = kApiV1OrganizationPath;

  router.Add("GET", org + "/receipts",
             Route(ctx, [&ctx](const http::Request& req, const Entity& e, const Caller&) {
               return ListReceipts(ctx, req, e);
             }));
  router.Add("GET", org + "/receipts/{receiptId}",
             Route(ctx,
                   [&ctx](const http::Request& req, const Entity& e,
                          const Caller&) -> Result<http::Response> {
                     auto r = GetEntityReceipt(ctx, e.fiscal_code, req.path_params.at("receiptId"));
                     if (!r.ok()) return r.error();
                     return Json(200, ReceiptV1Json(*r));
                   }));
  // The receipt exactly as the node delivered it (the paSendRT/paSendRTV2 request), for audit.
  router.Add("GET", org + "/receipts/{receiptId}.xml",
             Route(ctx,
                   [&ctx](const http::Request& req, const Entity& e,
                          const Caller&) -> Result<http::Response> {
                     auto r = GetEntityReceipt(ctx, e.fiscal_code, req.path_params.at("receiptId"));
                     if (!r.ok()) return r.error();
                     if (r->receipt.original_xml.empty()) {
                       return NotFound("this receipt was not received as XML (no original kept)");
                     }
                     return http::TextResponse(200, r->receipt.original_xml, "application/xml");
                   }));

  router.Add("GET", org + "/payments",
             Route(ctx, [&ctx](const http::Request& req, const Entity& e, const Caller&) {
               return SearchPaymentsRoute(ctx, req, e);
             }));

  router.Add("GET", org + "/services",
             Route(ctx,
                   [&ctx](const http::Request& req, const Entity& e,
                          const Caller&) -> Result<http::Response> {
                     Params p(req);
                     if (!p.Done()) return p.Problem();
                     return Items(ListEntityServices(ctx, e.fiscal_code),
                                  [](const Service& s) { return ServiceV1Json(s); });
                   }));
  router.Add("GET", org + "/services/{code}",
             Route(ctx,
                   [&ctx](const http::Request& req, const Entity& e,
                          const Caller&) -> Result<http::Response> {
                     auto s = GetEntityService(ctx, e.fiscal_code, req.path_params.at("code"));
                     if (!s.ok()) return s.error();
                     return Json(200, ServiceV1Json(*s));
                   }));

  router.Add("GET", org + "/webhooks",
             Route(ctx,
                   [&ctx](const http::Request& req, const Entity& e,
                          const Caller&) -> Result<http::Response> {
                     Params p(req);
                     if (!p.Done()) return p.Problem();
                     return Items(
                         ListWebhookEndpoints(ctx, e.fiscal_code),
                         [](const WebhookEndpoint& w) { return WebhookEndpointV1Json(w, false); });
                   }));
  router.Add("POST", org + "/webhooks",
             Route(
                 ctx,
                 [&ctx](const http::Request& req, const Entity& e, const Caller& caller) {
                   return CreateWebhook(ctx, req, e, caller);
                 },
                 /*idempotent=*/true, /*response_has_secret=*/true));
  router.Add("POST", org + "/webhooks/{endpointId}/deactivate",
             Route(
                 ctx,
                 [&ctx](const http::Request& req, const Entity& e,
                        const Caller& caller) -> Result<http::Response> {
                   auto id = PathId(req, "endpointId", "webhook endpoint");
                   if (!id.ok()) return id.error();
                   auto w = DeactivateWebhookEndpoint(ctx, caller, e.fiscal_code, *id);
                   if (!w.ok()) return w.error();
                   return Json(200, WebhookEndpointV1Json(*w, false));
                 },
                 /*idempotent=*/true));
  router.Add("POST", org + "/webhooks/{endpointId}/rotate-secret",
             Route(
                 ctx,
                 [&ctx](const http::Request& req, const Entity& e,
                        const Caller& caller) -> Result<http::Response> {
                   auto id = PathId(req, "endpointId", "webhook endpoint");
                   if (!id.ok()) return id.error();
                   auto w = RotateWebhookSecret(ctx, caller, e.fiscal_code, *id);
                   if (!w.ok()) return w.error();
                   return Json(200, WebhookEndpointV1Json(*w, true));
                 },
                 /*idempotent=*/true, /*response_has_secret=*/true));

  router.Add("GET", org + "/webhook-deliveries",
             Route(ctx,
                   [&ctx](const http::Request& req, const Entity& e,
                          const Caller&) -> Result<http::Response> {
                     Params p(req);
                     const int limit = p.Int("limit", 1, kMaxLimit, kDefaultLimit);
                     if (!p.Done()) return p.Problem();
                     return Items(
                         ListWebhookDeliveries(ctx, e.fiscal_code, limit),
                         [](const WebhookDelivery& d) { return WebhookDeliveryV1Json(d); });
                   }));
  router.Add("GET", org + "/webhook-deliveries/{deliveryId}",
             Route(ctx,
                   [&ctx](const http::Request& req, const Entity& e,
                          const Caller&) -> Result<http::Response> {
                     auto id = PathId(req, "deliveryId", "webhook delivery");
                     if (!id.ok()) return id.error();
                     auto d = GetWebhookDelivery(ctx, e.fiscal_code, *id);
                     if (!d.ok()) return d.error();
                     return Json(200, WebhookDeliveryV1Json(*d));
                   }));
  router.Add("POST", org + "/webhook-deliveries/{deliveryId}/redeliver",
             Route(
                 ctx,
                 [&ctx](const http::Request& req, const Entity& e,
                        const Caller& caller) -> Result<http::Response> {
                   auto id = PathId(req, "deliveryId", "webhook delivery");
                   if (!id.ok()) return id.error();
                   INCASSO_TRY(RedeliverWebhook(ctx, caller, e.fiscal_code, *id));
                   auto d = GetWebhookDelivery(ctx, e.fiscal_code, *id);
                   if (!d.ok()) return d.error();
                   return Json(202, WebhookDeliveryV1Json(*d));
                 },
                 /*idempotent=*/true));
}

}  // namespace incasso
