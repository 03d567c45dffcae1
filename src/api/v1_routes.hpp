// incasso's own REST API, /api/v1 (openapi/incasso-v1.json, served at GET /api/v1/openapi.json):
// what GPD lacks. Receipts (JSON and the original XML), payments search across positions, the
// service catalogue, webhook endpoints and their delivery log. Every route but the OpenAPI file
// needs an API key of the organization in the path (api/v1_auth.hpp); errors are RFC 9457
// problem+json with a field-level `errors` list; POSTs honour Idempotency-Key.
#pragma once

#include <string_view>

#include "app/context.hpp"
#include "http/router.hpp"

namespace incasso {

inline constexpr const char* kApiV1BasePath = "/api/v1";
// The routes' common prefix; the path parameter is "fiscalCode".
inline constexpr const char* kApiV1OrganizationPath = "/api/v1/organizations/{fiscalCode}";

// The OpenAPI 3 document of /api/v1, embedded at build time from openapi/incasso-v1.json.
std::string_view ApiV1OpenApiDocument();

// Registers every /api/v1 route of this file. `ctx` must outlive the router.
void AddApiV1Routes(http::Router& router, AppContext& ctx);

}  // namespace incasso
