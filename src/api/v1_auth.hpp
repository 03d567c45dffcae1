// What every authenticated API route shares, GPD-compatible and /api/v1 alike: the API key (from
// Ocp-Apim-Subscription-Key or Authorization: Bearer), the tenant check against the fiscal code
// in the path, the error shape, and Idempotency-Key on POST. Route files wrap their handlers
// with EntityRoute() and never see a request of another entity.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "app/context.hpp"
#include "core/result.hpp"
#include "domain/entity.hpp"
#include "http/message.hpp"

namespace incasso {

// How errors are written.
enum class ApiErrorStyle {
  // pagoPA ProblemJson {title, status, detail, requestId} (the GPD routes, gpd.json).
  kGpd,
  // RFC 9457 application/problem+json {type, title, status, detail, instance, errors}
  // (/api/v1, openapi/incasso-v1.json), instance = the request id.
  kV1,
};

struct FieldError {
  std::string field;    // JSON path or parameter name, e.g. "paymentOption[0].iuv", "limit"
  std::string message;  // what is wrong with it
};

// The API key a request presents, "" when none.
std::string PresentedApiKey(const http::Request& req);

// An error response of `status`. For kV1, `errors` become the field-level list.
http::Response ApiProblem(ApiErrorStyle style, int status, std::string_view detail,
                          const http::Request& req, const std::vector<FieldError>& errors = {});
// The Error as a response: its code gives the status, its field and public message the detail
// (and for kV1 the errors list). Internal detail is logged with the request id, never returned.
http::Response ApiError(ApiErrorStyle style, const Error& e, const http::Request& req);
// HTTP status of an error code (400, 403, 404, 409, 500, 503).
int ApiStatus(ErrorCode code);

// A handler for a request of `entity` (already authenticated and matched to the path).
using EntityHandler =
    std::function<Result<http::Response>(const http::Request&, const Entity&, const Caller&)>;

struct EntityRouteOptions {
  ApiErrorStyle style = ApiErrorStyle::kV1;
  std::string fiscal_code_param = "fiscalCode";  // the path parameter naming the entity
  // Honour Idempotency-Key (POST routes): a replay with the same method, path and body gets the
  // first answer again with `Idempotent-Replayed: true`; another body 422; while the first is
  // still running 409. Answers of 5xx are not kept (the retry runs again).
  bool idempotent = false;
  // The route's successful answers carry a secret shown only once (webhook create and
  // rotate-secret). With Idempotency-Key, such an answer is not stored: the key keeps its status
  // and a marker, never the body, and a replay gets 409 (the secret cannot be shown again; the
  // client lists the endpoints and rotates the secret). Error answers are stored as usual.
  bool response_has_secret = false;
};

// Wraps `handler`: 401 without a valid key, 403 when the key's entity is not the one in the
// path (the same answer whether or not that entity or its data exist), errors rendered in the
// route's style, response.tenant set for the access log. `ctx` must outlive the handler.
http::Handler EntityRoute(AppContext& ctx, EntityRouteOptions options, EntityHandler handler);

}  // namespace incasso
