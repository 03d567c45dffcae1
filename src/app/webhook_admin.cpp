#include "app/webhook_admin.hpp"

#include <fmt/format.h>
#include <sodium.h>

#include <array>

#include "app/entities.hpp"
#include "app/webhooks.hpp"

namespace incasso {
namespace {

constexpr std::size_t kSecretBytes = 32;

// "whsec_" + 43 base64url characters (256 random bits).
Result<std::string> NewSecret() {
  static const bool ready = sodium_init() >= 0;
  if (!ready) return Internal("cryptography unavailable", "sodium_init failed");
  std::array<unsigned char, kSecretBytes> raw{};
  randombytes_buf(raw.data(), raw.size());
  constexpr std::size_t kLen =
      sodium_base64_ENCODED_LEN(kSecretBytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  std::array<char, kLen> encoded{};
  sodium_bin2base64(encoded.data(), encoded.size(), raw.data(), raw.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero(raw.data(), raw.size());
  std::string secret = "whsec_" + std::string(encoded.data());
  sodium_memzero(encoded.data(), encoded.size());
  return secret;
}

Result<WebhookEndpoint> FindEndpoint(AppContext& ctx, const Entity& entity, std::int64_t id) {
  auto all = ctx.store.ListWebhookEndpoints(entity.id);
  if (!all.ok()) return all.error();
  for (auto& e : *all) {
    if (e.id == id) return std::move(e);
  }
  return NotFound(
      fmt::format("institution {} has no webhook endpoint with id {}", entity.fiscal_code, id));
}

void Record(AppContext& ctx, const Caller& caller, std::string operation, const Entity& e,
            std::int64_t endpoint_id) {
  Event ev = InboundEvent(ctx, caller, std::move(operation), e);
  ev.correlation_id = std::to_string(endpoint_id);
  RecordEvent(ctx, ev);
}

}  // namespace

Result<WebhookEndpoint> CreateWebhookEndpointWithSecret(AppContext& ctx, const Caller& caller,
                                                        std::string_view entity_fiscal_code,
                                                        std::string url,
                                                        std::vector<std::string> event_types) {
  auto secret = NewSecret();
  if (!secret.ok()) return secret.error();
  return AddWebhookEndpoint(
      ctx, caller, entity_fiscal_code,
      NewWebhookEndpoint{std::move(url), std::move(*secret), std::move(event_types)});
}

Result<WebhookEndpoint> DeactivateWebhookEndpoint(AppContext& ctx, const Caller& caller,
                                                  std::string_view entity_fiscal_code,
                                                  std::int64_t endpoint_id) {
  auto entity = GetEntity(ctx, entity_fiscal_code);
  if (!entity.ok()) return entity.error();
  auto endpoint = FindEndpoint(ctx, *entity, endpoint_id);
  if (!endpoint.ok()) return endpoint.error();
  INCASSO_TRY(ctx.store.SetWebhookEndpointActive(entity->id, endpoint_id, false));
  endpoint->active = false;
  Record(ctx, caller, "webhook.deactivate", *entity, endpoint_id);
  return endpoint;
}

Result<WebhookEndpoint> RotateWebhookSecret(AppContext& ctx, const Caller& caller,
                                            std::string_view entity_fiscal_code,
                                            std::int64_t endpoint_id) {
  auto entity = GetEntity(ctx, entity_fiscal_code);
  if (!entity.ok()) return entity.error();
  auto endpoint = FindEndpoint(ctx, *entity, endpoint_id);
  if (!endpoint.ok()) return endpoint.error();
  auto secret = NewSecret();
  if (!secret.ok()) return secret.error();
  INCASSO_TRY(ctx.store.SetWebhookEndpointSecret(entity->id, endpoint_id, *secret));
  endpoint->secret = std::move(*secret);
  Record(ctx, caller, "webhook.rotate_secret", *entity, endpoint_id);
  return endpoint;
}

Result<WebhookDelivery> GetWebhookDelivery(AppContext& ctx, std::string_view entity_fiscal_code,
                                           std::int64_t delivery_id) {
  auto entity = GetEntity(ctx, entity_fiscal_code);
  if (!entity.ok()) return entity.error();
  auto found = ctx.store.GetWebhookDelivery(entity->id, delivery_id);
  if (!found.ok()) return found.error();
  if (!found->has_value()) {
    return NotFound(fmt::format("institution {} has no webhook delivery with id {}",
                                entity_fiscal_code, delivery_id));
  }
  return std::move(**found);
}

}  // namespace incasso
