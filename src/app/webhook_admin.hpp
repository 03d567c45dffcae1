// Webhook endpoint administration for the institutions' software (/api/v1 webhooks): create with
// a secret generated here (returned once), deactivate, rotate the secret, read one delivery.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "app/context.hpp"

namespace incasso {

// Adds an endpoint with a fresh random secret (app/webhooks.hpp AddWebhookEndpoint rules).
Result<WebhookEndpoint> CreateWebhookEndpointWithSecret(AppContext& ctx, const Caller& caller,
                                                        std::string_view entity_fiscal_code,
                                                        std::string url,
                                                        std::vector<std::string> event_types);
// Stops deliveries to the endpoint (pending ones stay pending, unsent). NotFound for another
// entity's endpoint. Idempotent.
Result<WebhookEndpoint> DeactivateWebhookEndpoint(AppContext& ctx, const Caller& caller,
                                                  std::string_view entity_fiscal_code,
                                                  std::int64_t endpoint_id);
// Replaces the endpoint's secret with a fresh random one and returns the endpoint with it.
Result<WebhookEndpoint> RotateWebhookSecret(AppContext& ctx, const Caller& caller,
                                            std::string_view entity_fiscal_code,
                                            std::int64_t endpoint_id);
Result<WebhookDelivery> GetWebhookDelivery(AppContext& ctx, std::string_view entity_fiscal_code,
                                           std::int64_t delivery_id);

}  // namespace incasso
