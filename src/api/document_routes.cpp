#include "api/document_routes.hpp"

#include <cctype>
#include <functional>
#include <string>
#include <utility>

#include "api/v1_auth.hpp"
#include "api/v1_routes.hpp"

namespace incasso {
namespace {

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

// 401 without a valid key, 403 for another organization's path (api/v1_auth.hpp).
http::Handler Authenticated(AppContext& ctx, DocumentHandler handler) {
  return EntityRoute(ctx, EntityRouteOptions{},
                     [handler = std::move(handler)](const http::Request& req, const Entity& e,
                                                    const Caller&) { return handler(req, e); });
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
  const std::string base = kApiV1OrganizationPath;
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
