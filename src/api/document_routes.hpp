// Payment notices and receipts as PDF over the REST API:
//   GET /api/v1/organizations/{fiscalCode}/notices/{noticeNumber}.pdf
//   GET /api/v1/organizations/{fiscalCode}/receipts/{receiptId}.pdf
// Authenticated like every /api/v1 route (api/v1_auth.hpp EntityRoute): an API key
// (Ocp-Apim-Subscription-Key or Authorization: Bearer) is required (401), and it must belong to
// the organization in the path (403 otherwise, whether or not the addressed data exists).
// Query parameter `lang` (it, de, en, fr, sl) overrides the institution's notice language.
// Errors are RFC 9457 problem+json (openapi/incasso-v1.json).
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
