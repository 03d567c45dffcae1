// Payment notices and receipts as PDF over the REST API:
//   GET /api/v1/organizations/{fiscalCode}/notices/{noticeNumber}.pdf
//   GET /api/v1/organizations/{fiscalCode}/receipts/{receiptId}.pdf
// Authenticated like the GPD routes (api/gpd_routes.hpp): an API key (Ocp-Apim-Subscription-Key
// or Authorization: Bearer) is required (401), and it must belong to the organization in the path
// (403 otherwise, whether or not the addressed data exists). Query parameter `lang` (de, en, fr,
// sl) makes the notice bilingual. Errors are ProblemJson.
#pragma once

#include <memory>

#include "app/context.hpp"
#include "app/documents.hpp"
#include "http/router.hpp"

namespace incasso {

// `ctx` must outlive the router; the router keeps `renderer`.
void AddDocumentRoutes(http::Router& router, AppContext& ctx,
                       std::shared_ptr<const DocumentRenderer> renderer);

}  // namespace incasso
