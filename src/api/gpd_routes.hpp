// The GPD-compatible REST API for debt positions (pagoPA "Gestione Posizioni Debitorie",
// ../shared/pagopa-spec/pagopa-api/openapi/gpd.json), so institutions' software written for GPD
// works against incasso by changing the base URL and the key.
#pragma once

#include "app/context.hpp"
#include "http/router.hpp"

namespace incasso {

inline constexpr const char* kGpdBasePath = "/gpd/debt-positions-service/v1";

// Registers under kGpdBasePath: POST/GET .../organizations/{organizationfiscalcode}/debtpositions
// (the list with every gpd.json filter, payment_date_from/to included), PATCH
// .../debtpositions/transfers (updateTransferIbanMassive), GET, PUT and DELETE
// .../debtpositions/{iupd}, POST .../{iupd}/publish and .../{iupd}/invalidate.
// Every route needs an API key (Ocp-Apim-Subscription-Key or Authorization: Bearer; 401 without
// a valid one) that belongs to the organization in the path (403 otherwise, whether or not the
// addressed data exists), through api/v1_auth.hpp EntityRoute. The create honours
// Idempotency-Key. Errors are ProblemJson; internal details are logged, never returned.
// `ctx` must outlive the router.
void AddGpdRoutes(http::Router& router, AppContext& ctx);

}  // namespace incasso
