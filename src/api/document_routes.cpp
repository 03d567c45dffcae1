#include "api/document_routes.hpp"

#include <cctype>
#include <functional>
#include <string>
#include <utility>

#include "app/api_keys.hpp"
#include "log/log.hpp"

namespace incasso {
namespace {

constexpr const char* kOrganization = "/api/v1/organizations/{fiscalCode}";

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

http::Response Problem(int status, std::string_view detail, const http::Request& req) {
  return http::ProblemJson(status, Title(status), detail, req.request_id);
}

http::Response ErrorResponse(const Error& e, const http::Request& req) {
  const int status = HttpStatus(e.code);
  if (status >= 500) {
    log::LogEvent(log::Level::kError, "document_api_error",
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

std::string PresentedKey(const http::Request& req) {
  std::string key = req.Header("Ocp-Apim-Subscription-Key");
  if (!key.empty()) return key;
  const std::string auth = req.Header("Authorization");
  if (auth.size() < 7) return {};
  for (std::size_t i = 0; i < 7; ++i) {
    if (std::tolower(static_cast<unsigned char>(auth[i])) != "bearer "[i]) return {};
  }
  std::string_view rest(auth);
  rest.remove_prefix(7);
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  while (!rest.empty() && rest.back() == ' ') rest.remove_suffix(1);
  return std::string(rest);
}

http::Response Pdf(std::string body, const std::string& file_name) {
  http::Response r;
  r.status = 200;
  r.content_type = "application/pdf";
  r.body = std::move(body);
  r.headers.emplace_back("Content-Disposition", "inline; filename=\"" + file_name + "\"");
  r.headers.emplace_back("Cache-Control", "private, no-store");
  return r;
}

using DocumentHandler = std::function<Result<http::Response>(const http::Request&, const Entity&)>;

// The same rules as the GPD routes: 401 without a valid key, 403 for another organization's path.
http::Handler Authenticated(AppContext& ctx, DocumentHandler handler) {
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
    auto fc = req.path_params.find("fiscalCode");
    if (fc == req.path_params.end() || fc->second != entity->fiscal_code) {
      response = Problem(403, "this API key does not give access to that organization", req);
    } else {
      auto result = handler(req, *entity);
      response = result.ok() ? std::move(*result) : ErrorResponse(result.error(), req);
    }
    response.tenant = entity->fiscal_code;
    return response;
  };
}

bool SafeId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '-' && c != '_') return false;
  }
  return true;
}

}  // namespace

void AddDocumentRoutes(http::Router& router, AppContext& ctx,
                       std::shared_ptr<const DocumentRenderer> renderer) {
  const std::string base = kOrganization;
  router.Add("GET", base + "/notices/{noticeNumber}.pdf",
             Authenticated(ctx,
                           [&ctx, renderer](const http::Request& req,
                                            const Entity& entity) -> Result<http::Response> {
                             const std::string& nav = req.path_params.at("noticeNumber");
                             if (nav.size() != 18 ||
                                 nav.find_first_not_of("0123456789") != std::string::npos) {
                               return InvalidArgument("noticeNumber", "must be 18 digits");
                             }
                             NoticeOptions options;
                             if (auto lang = req.query.find("lang"); lang != req.query.end()) {
                               auto parsed = ParseNoticeLanguage(lang->second);
                               if (!parsed)
                                 return InvalidArgument("lang", "must be it, de, en, fr or sl");
                               options.language = *parsed;
                             }
                             auto pdf =
                                 RenderNoticePdf(ctx, *renderer, entity.fiscal_code, nav, options);
                             if (!pdf.ok()) return pdf.error();
                             return Pdf(std::move(*pdf), "avviso-" + nav + ".pdf");
                           }));
  router.Add("GET", base + "/receipts/{receiptId}.pdf",
             Authenticated(ctx,
                           [&ctx, renderer](const http::Request& req,
                                            const Entity& entity) -> Result<http::Response> {
                             const std::string& id = req.path_params.at("receiptId");
                             if (!SafeId(id)) {
                               return InvalidArgument(
                                   "receiptId", "must be 1 to 64 letters, digits, '-' or '_'");
                             }
                             auto pdf = RenderReceiptPdf(ctx, *renderer, entity.fiscal_code, id);
                             if (!pdf.ok()) return pdf.error();
                             return Pdf(std::move(*pdf), "ricevuta-" + id + ".pdf");
                           }));
}

}  // namespace incasso
