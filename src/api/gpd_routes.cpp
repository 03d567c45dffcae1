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
#include "api/v1_auth.hpp"
#include "app/positions.hpp"
#include "app/transfer_ibans.hpp"
#include "core/time.hpp"
#include "log/log.hpp"

namespace incasso {
namespace {

namespace json = boost::json;

// gpd.json: GET .../debtpositions "limit": maximum 50, default 10.
constexpr int kMaxPageLimit = 50;
constexpr int kDefaultPageLimit = 10;
// gpd.json PATCH .../debtpositions/transfers "limit": maximum 1000, default 1000.
constexpr int kMaxTransferIbanLimit = 1000;

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
  auto paid_from = DateParam(req, "payment_date_from");
  if (!paid_from.ok()) return paid_from.error();
  auto paid_to = DateParam(req, "payment_date_to");
  if (!paid_to.ok()) return paid_to.error();
  // gpd.json: as for due dates, a missing bound is 30 days from the given one.
  if (*paid_from && !*paid_to) *paid_to = **paid_from + std::chrono::days{30};
  if (*paid_to && !*paid_from) *paid_from = **paid_to - std::chrono::days{30};
  if (*paid_from && *paid_to) {
    if (**paid_to < **paid_from) {
      return InvalidArgument("payment_date_to", "is before payment_date_from");
    }
    f.paid_from = TimePoint(**paid_from);
    f.paid_to = TimePoint(**paid_to + std::chrono::days{1}) - std::chrono::seconds{1};
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

http::Handler Gpd(AppContext& ctx, EntityHandler handler, bool idempotent = false) {
  EntityRouteOptions options;
  options.style = ApiErrorStyle::kGpd;
  options.fiscal_code_param = "organizationfiscalcode";
  options.idempotent = idempotent;
  return EntityRoute(ctx, std::move(options), std::move(handler));
}

}  // namespace

void AddGpdRoutes(http::Router& router, AppContext& ctx) {
  const std::string positions =
      std::string(kGpdBasePath) + "/organizations/{organizationfiscalcode}/debtpositions";
  const std::string one = positions + "/{iupd}";

  router.Add("POST", positions,
             Gpd(
                 ctx,
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
                 },
                 /*idempotent=*/true));

  // gpd.json updateTransferIbanMassive. A literal segment: it wins over {iupd}.
  router.Add("PATCH", positions + "/transfers",
             Gpd(ctx,
                 [&ctx](const http::Request& req, const Entity& entity,
                        const Caller& caller) -> Result<http::Response> {
                   auto old_iban = Query(req, "oldIban");
                   if (!old_iban || old_iban->empty()) {
                     return InvalidArgument("oldIban", "is required");
                   }
                   auto limit = IntParam(req, "limit", kMaxTransferIbanLimit);
                   if (!limit.ok()) return limit.error();
                   boost::system::error_code ec;
                   json::value body = json::parse(req.body, ec);
                   if (ec || !body.is_object()) {
                     return InvalidArgument("body", "must be a JSON object {\"newIban\": ...}");
                   }
                   const auto& o = body.as_object();
                   for (const auto& kv : o) {
                     if (kv.key() != "newIban") {
                       return InvalidArgument(std::string(kv.key()), "unknown field");
                     }
                   }
                   const json::value* new_iban = o.if_contains("newIban");
                   if (new_iban == nullptr || !new_iban->is_string()) {
                     return InvalidArgument("newIban", "is required, as a string");
                   }
                   auto changed = UpdateTransferIbans(ctx, caller, entity.fiscal_code, *old_iban,
                                                      std::string(new_iban->as_string()), *limit);
                   if (!changed.ok()) return changed.error();
                   json::object out{{"description", fmt::format("{} transfers updated", *changed)},
                                    {"updatedTransfers", *changed}};
                   return http::JsonResponse(200, json::serialize(out));
                 }));

  router.Add("GET", positions,
             Gpd(ctx,
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
             Gpd(ctx,
                 [&ctx](const http::Request& req, const Entity& entity,
                        const Caller&) -> Result<http::Response> {
                   auto p = GetPosition(ctx, entity.fiscal_code, req.path_params.at("iupd"));
                   if (!p.ok()) return p.error();
                   return PositionResponse(200, *p, entity.fiscal_code);
                 }));

  router.Add("PUT", one,
             Gpd(ctx,
                 [&ctx](const http::Request& req, const Entity& entity,
                        const Caller& caller) -> Result<http::Response> {
                   auto publish = BoolParam(req, "toPublish", false);
                   if (!publish.ok()) return publish.error();
                   auto parsed = ParsePositionJson(req.body);
                   if (!parsed.ok()) return parsed.error();
                   UpdatePositionCommand cmd{entity.fiscal_code, req.path_params.at("iupd"),
                                             std::move(*parsed), *publish};
                   auto updated = UpdatePosition(ctx, caller, cmd);
                   if (!updated.ok()) return updated.error();
                   return PositionResponse(200, *updated, entity.fiscal_code);
                 }));

  router.Add("DELETE", one,
             Gpd(ctx,
                 [&ctx](const http::Request& req, const Entity& entity,
                        const Caller& caller) -> Result<http::Response> {
                   INCASSO_TRY(
                       DeletePosition(ctx, caller, entity.fiscal_code, req.path_params.at("iupd")));
                   // gpd.json: 200 with a JSON string body.
                   return http::JsonResponse(200, R"("OK")");
                 }));

  router.Add("POST", one + "/publish",
             Gpd(ctx,
                 [&ctx](const http::Request& req, const Entity& entity,
                        const Caller& caller) -> Result<http::Response> {
                   auto p =
                       PublishPosition(ctx, caller, entity.fiscal_code, req.path_params.at("iupd"));
                   if (!p.ok()) return p.error();
                   return PositionResponse(200, *p, entity.fiscal_code);
                 }));

  router.Add("POST", one + "/invalidate",
             Gpd(ctx,
                 [&ctx](const http::Request& req, const Entity& entity,
                        const Caller& caller) -> Result<http::Response> {
                   auto p =
                       ChangePositionStatus(ctx, caller, entity.fiscal_code,
                                            req.path_params.at("iupd"), PositionStatus::kInvalid);
                   if (!p.ok()) return p.error();
                   return PositionResponse(200, *p, entity.fiscal_code);
                 }));
}

}  // namespace incasso
