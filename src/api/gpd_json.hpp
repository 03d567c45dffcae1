// JSON mapping of debt positions in the shape of pagoPA GPD's PaymentPositionModel
// (../shared/pagopa-spec/pagopa-api/openapi/gpd.json), shared by the REST API and the CLI.
// Amounts are integer euro cents as in GPD; dates are ISO 8601.
#pragma once

#include <string>
#include <string_view>

#include "app/store.hpp"
#include "core/result.hpp"
#include "domain/api_key.hpp"
#include "domain/entity.hpp"
#include "domain/event.hpp"
#include "domain/position.hpp"

namespace incasso {

// Parses a PaymentPositionModel. Unknown fields are rejected (a typo must not silently drop data);
// read-only fields (status, paymentDate, nav, ...) are ignored. Errors name the JSON path,
// e.g. "paymentOption[0].transfer[1].amount: must be an integer number of cents".
Result<DebtPosition> ParsePositionJson(std::string_view json);

// One-line JSON of a stored position (PaymentPositionModelBaseResponse-like, with options,
// transfers, notice numbers and states).
std::string PositionToJson(const DebtPosition& p);

// One-line JSON of an entity, for `incasso entity list/show` and the API.
std::string EntityToJson(const Entity& e);

// One-line JSON of an event-log entry; bodies only when `with_bodies`.
std::string EventToJson(const Event& e, bool with_bodies);

// One-line JSON of an API key's metadata (never the key or its hash); absent times are null.
std::string ApiKeyToJson(const ApiKeyInfo& k);

// One-line JSON of a webhook endpoint (never its secret) and of one delivery.
std::string WebhookEndpointToJson(const WebhookEndpoint& e);
std::string WebhookDeliveryToJson(const WebhookDelivery& d);

}  // namespace incasso
