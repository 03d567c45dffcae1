#include "web/home.hpp"

#include <fmt/format.h>

#include "core/text.hpp"
#include "http/router.hpp"

namespace incasso::web {

std::string EscapeHtml(std::string_view text) { return EscapeMarkup(text); }

void AddHomePage(http::Router& router, AppContext& ctx) {
  router.Add("GET", "/", [&ctx](const http::Request& req) {
    auto intermediary = ctx.store.GetIntermediary();
    auto entities = ctx.store.ListEntities();
    if (!intermediary.ok() || !entities.ok()) {
      return http::ProblemJson(503, "Service Unavailable", "the database is not reachable",
                               req.request_id);
    }
    std::string region = intermediary->has_value() ? (*intermediary)->name : "incasso";
    std::string items;
    for (const auto& e : *entities) {
      items += fmt::format("<li><strong>{}</strong> <span>({}, codice fiscale {})</span></li>\n",
                           EscapeHtml(e.name), EscapeHtml(e.city), EscapeHtml(e.fiscal_code));
    }
    if (items.empty()) items = "<li>Nessun ente ancora registrato.</li>";
    std::string html = fmt::format(
        "<!doctype html>\n<html lang=\"it\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        "<title>Pagamenti - {0}</title></head>\n<body><main>"
        "<h1>Pagamenti pagoPA - {0}</h1>\n<p>Enti creditori serviti:</p>\n<ul>\n{1}</ul>\n"
        "</main></body></html>\n",
        EscapeHtml(region), items);
    http::Response r;
    r.status = 200;
    r.content_type = "text/html; charset=utf-8";
    r.body = std::move(html);
    return r;
  });
}

}  // namespace incasso::web
