// JSON of the /api/v1 resources (schemas in openapi/incasso-v1.json). Amounts are integer euro
// cents, instants ISO 8601 UTC, absent optional values null.
#pragma once

#include <boost/json.hpp>

#include "app/store.hpp"
#include "domain/entity.hpp"

namespace incasso {

boost::json::object ReceiptV1Json(const StoredReceipt& r);
boost::json::object PaymentV1Json(const PaymentRow& p);
boost::json::object ServiceV1Json(const Service& s);
// Without its secret unless `with_secret` (creation and rotation answer it once).
boost::json::object WebhookEndpointV1Json(const WebhookEndpoint& e, bool with_secret);
boost::json::object WebhookDeliveryV1Json(const WebhookDelivery& d);

}  // namespace incasso
