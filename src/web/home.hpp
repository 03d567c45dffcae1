// The regional home page (a first, minimal one: the full citizen portal is a later issue).
#pragma once

#include "app/context.hpp"

namespace incasso::http {
class Router;
}

namespace incasso::web {

// Registers GET / : the Region's name and its institutions. `ctx` must outlive the router.
void AddHomePage(http::Router& router, AppContext& ctx);

// Escapes &, <, >, " and ' for HTML text and attribute values.
std::string EscapeHtml(std::string_view text);

}  // namespace incasso::web
