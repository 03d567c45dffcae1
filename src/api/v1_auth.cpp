#include "api/v1_auth.hpp"

#include <boost/json.hpp>
#include <cctype>
#include <utility>

#include "app/api_keys.hpp"
#include "app/idempotency.hpp"
#include "log/log.hpp"

namespace incasso {
namespace {

namespace json = boost::json;

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
    case 413:
      return "Content Too Large";
    case 422:
      return "Unprocessable Content";
    case 503:
      return "Service Unavailable";
    default:
      return "Internal Server Error";
  }
}

// The problem type of /api/v1 answers: a URN per kind of problem (not dereferenceable).
const char* TypeOf(int status) {
  switch (status) {
    case 400:
      return "urn:incasso:problem:invalid-request";
    case 401:
      return "urn:incasso:problem:unauthenticated";
    case 403:
      return "urn:incasso:problem:forbidden";
    case 404:
      return "urn:incasso:problem:not-found";
    case 409:
      return "urn:incasso:problem:conflict";
    case 413:
      return "urn:incasso:problem:too-large";
    case 422:
      return "urn:incasso:problem:idempotency-key-reused";
    case 503:
      return "urn:incasso:problem:unavailable";
    default:
      return "urn:incasso:problem:internal";
  }
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

// Stored in place of the content type (and with an empty body) for an answer that carried a
// secret: what a replay finds instead of the answer.
constexpr std::string_view kSecretWithheld = "application/x-incasso-secret-withheld";

// Runs `handler` under the request's Idempotency-Key (if any) and renders its result.
http::Response RunIdempotent(AppContext& ctx, const EntityRouteOptions& options,
                             const EntityHandler& handler, const http::Request& req,
                             const Entity& entity, const Caller& caller) {
  auto render = [&](Result<http::Response> r) {
    return r.ok() ? std::move(*r) : ApiError(options.style, r.error(), req);
  };
  const std::string key = req.Header("Idempotency-Key");
  if (!options.idempotent || key.empty()) return render(handler(req, entity, caller));
  auto claim = ClaimIdempotencyKey(ctx, entity, key,
                                   IdempotencyRequestHash(req.method, req.target, req.body));
  if (!claim.ok()) return ApiError(options.style, claim.error(), req);
  using S = IdempotencyClaim::State;
  switch (claim->state) {
    case S::kMismatch:
      return ApiProblem(options.style, 422,
                        "this Idempotency-Key was used with a different request; use a new key",
                        req, {{"Idempotency-Key", "already used with a different request"}});
    case S::kInProgress:
      return ApiProblem(options.style, 409,
                        "a request with this Idempotency-Key is still being processed; retry "
                        "later",
                        req, {{"Idempotency-Key", "request in progress"}});
    case S::kReplay: {
      if (claim->content_type == kSecretWithheld) {
        http::Response r = ApiProblem(
            options.style, 409,
            "the first request with this Idempotency-Key succeeded, but its answer carried a "
            "secret, which is shown only once and not kept; list the webhook endpoints to find "
            "it and rotate its secret to get a new one",
            req, {{"Idempotency-Key", "answer carried a secret; it is not replayed"}});
        r.headers.emplace_back("Idempotent-Replayed", "true");
        return r;
      }
      http::Response r;
      r.status = claim->status;
      r.content_type = claim->content_type;
      r.body = std::move(claim->body);
      r.headers.emplace_back("Idempotent-Replayed", "true");
      return r;
    }
    case S::kClaimed:
      break;
  }
  http::Response response;
  try {
    response = render(handler(req, entity, caller));
  } catch (...) {
    (void)ReleaseIdempotencyKey(ctx, entity, key);
    throw;
  }
  if (response.status >= 500) {
    (void)ReleaseIdempotencyKey(ctx, entity, key);
  } else {
    // Never persist a secret (the idempotency table is not where secrets live, and a replay
    // must not hand it out again).
    const bool withhold = options.response_has_secret && response.status < 300;
    Status kept = withhold ? CompleteIdempotencyKey(ctx, entity, key, response.status,
                                                    kSecretWithheld, std::string_view())
                           : CompleteIdempotencyKey(ctx, entity, key, response.status,
                                                    response.content_type, response.body);
    if (!kept.ok()) {
      log::LogEvent(log::Level::kWarn, "idempotency_store_failed",
                    {{"request_id", req.request_id}, {"error", kept.error().ToText()}});
    }
  }
  return response;
}

}  // namespace

int ApiStatus(ErrorCode code) {
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

std::string PresentedApiKey(const http::Request& req) {
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

http::Response ApiProblem(ApiErrorStyle style, int status, std::string_view detail,
                          const http::Request& req, const std::vector<FieldError>& errors) {
  if (style == ApiErrorStyle::kGpd) {
    return http::ProblemJson(status, Title(status), detail, req.request_id);
  }
  auto view = [](std::string_view s) { return json::string_view(s.data(), s.size()); };
  json::object o;
  o["type"] = TypeOf(status);
  o["title"] = Title(status);
  o["status"] = status;
  o["detail"] = view(detail);
  o["instance"] = view(req.request_id);
  json::array list;
  for (const auto& e : errors)
    list.push_back(json::object{{"field", e.field}, {"message", e.message}});
  o["errors"] = std::move(list);
  http::Response r;
  r.status = status;
  r.content_type = "application/problem+json";
  r.body = json::serialize(o);
  return r;
}

http::Response ApiError(ApiErrorStyle style, const Error& e, const http::Request& req) {
  const int status = ApiStatus(e.code);
  if (status >= 500) {
    log::LogEvent(log::Level::kError, "api_error",
                  {{"request_id", req.request_id},
                   {"code", ToString(e.code)},
                   {"error", e.ToText()},
                   {"detail", e.detail}});
  }
  if (e.code == ErrorCode::kInternal) {
    return ApiProblem(style, status, "internal error; quote the request id to the support desk",
                      req);
  }
  std::vector<FieldError> errors;
  if (!e.field.empty()) errors.push_back({e.field, e.message});
  return ApiProblem(style, status, e.ToText(), req, errors);
}

http::Handler EntityRoute(AppContext& ctx, EntityRouteOptions options, EntityHandler handler) {
  return
      [&ctx, options = std::move(options), handler = std::move(handler)](const http::Request& req) {
        const std::string key = PresentedApiKey(req);
        if (key.empty()) {
          return ApiProblem(options.style, 401,
                            "an API key is required: send it as Ocp-Apim-Subscription-Key or "
                            "Authorization: Bearer",
                            req);
        }
        auto entity = AuthenticateApiKey(ctx, key);
        if (!entity.ok()) {
          if (entity.error().code == ErrorCode::kNotFound) {
            return ApiProblem(options.style, 401, "the API key is unknown or revoked", req);
          }
          return ApiError(options.style, entity.error(), req);
        }
        http::Response response;
        auto path_fc = req.path_params.find(options.fiscal_code_param);
        if (path_fc == req.path_params.end() || path_fc->second != entity->fiscal_code) {
          // The same answer whether or not the other organization or its data exist: no oracle.
          response = ApiProblem(options.style, 403,
                                "this API key does not give access to that organization", req);
        } else {
          Caller caller{"api", req.request_id};
          response = RunIdempotent(ctx, options, handler, req, *entity, caller);
        }
        response.tenant = entity->fiscal_code;
        return response;
      };
}

}  // namespace incasso
