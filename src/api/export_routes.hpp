// GET /api/v1/organizations/{fiscalCode}/exports/{positions|options|receipts}.{csv|xlsx}: the
// institution's exports (app/exports.hpp) over HTTP, authenticated like every /api/v1 route
// (401 without a valid key, 403 with another institution's key). Query parameters: status,
// from, to (YYYY-MM-DD or date-time; a bare `to` date includes the whole day), separator (";" or
// ","; CSV only), bom (true/false; CSV only); any other parameter is 400. The export is written
// to a temporary file while the rows are read (flat memory in the database read), then loaded
// and sent as the body and removed: the HTTP response holds the whole file in memory (the server
// has no file body), so a very large export is better run with `incasso export`. `ctx` must
// outlive the router.
#pragma once

#include "app/context.hpp"
#include "http/router.hpp"

namespace incasso {

void AddExportRoutes(http::Router& router, AppContext& ctx);

}  // namespace incasso
