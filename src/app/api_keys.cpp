#include "app/api_keys.hpp"

#include <fmt/format.h>
#include <sodium.h>

#include <array>
#include <chrono>

#include "app/entities.hpp"

namespace incasso {
namespace {

constexpr std::string_view kKeyTag = "ik_";
constexpr std::size_t kSecretBytes = 32;    // 256 bits from the OS CSPRNG
constexpr std::size_t kEncodedLength = 43;  // base64url of 32 bytes, no padding
constexpr std::size_t kKeyLength = kKeyTag.size() + kEncodedLength;
constexpr std::size_t kPrefixLength = 10;  // "ik_" + 7 characters (42 bits: tells keys apart)
constexpr std::size_t kMaxLabelLength = 200;
// last_used_at is informational: refreshing it at most this often keeps a write off almost every
// authenticated request.
constexpr std::chrono::seconds kTouchInterval{60};

// sodium_init once per process; the magic static makes concurrent first calls safe.
Status EnsureSodium() {
  static const bool ready = sodium_init() >= 0;
  if (!ready) return Internal("cryptography unavailable", "sodium_init failed");
  return Ok();
}

// The one answer to every rejected key: no oracle telling unknown from revoked or suspended.
Error UnknownKey() { return NotFound("unknown or revoked API key"); }

bool IsBase64UrlChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

bool WellFormed(std::string_view key) {
  if (key.size() != kKeyLength || key.substr(0, kKeyTag.size()) != kKeyTag) return false;
  for (char c : key.substr(kKeyTag.size())) {
    if (!IsBase64UrlChar(c)) return false;
  }
  return true;
}

// Hex BLAKE2b-256 of the whole key. A fast unsalted hash is enough: keys carry 256 random bits, so
// neither brute force nor precomputed tables apply, and lookups need a deterministic hash.
// Timing of the database's equality lookup on this hash reveals nothing usable about the key
// (preimage resistance), so no separate constant-time comparison is needed.
std::string HashKey(std::string_view key) {
  std::array<unsigned char, crypto_generichash_BYTES> digest{};
  crypto_generichash(digest.data(), digest.size(),
                     reinterpret_cast<const unsigned char*>(key.data()), key.size(), nullptr, 0);
  std::array<char, crypto_generichash_BYTES * 2 + 1> hex{};
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
  return std::string(hex.data(), crypto_generichash_BYTES * 2);
}

std::string NewKey() {
  std::array<unsigned char, kSecretBytes> secret{};
  randombytes_buf(secret.data(), secret.size());
  constexpr std::size_t kBufferLength =
      sodium_base64_ENCODED_LEN(kSecretBytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  std::array<char, kBufferLength> encoded{};
  sodium_bin2base64(encoded.data(), encoded.size(), secret.data(), secret.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero(secret.data(), secret.size());
  std::string key(kKeyTag);
  key.append(encoded.data(), kEncodedLength);
  sodium_memzero(encoded.data(), encoded.size());
  return key;
}

Status ValidateLabel(std::string_view label) {
  if (label.size() > kMaxLabelLength) {
    return InvalidArgument("label", fmt::format("at most {} characters", kMaxLabelLength));
  }
  for (char c : label) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return InvalidArgument("label", "must not contain control characters");
    }
  }
  return Ok();
}

// The event of a key change: the key's id and prefix, never the key.
void Record(AppContext& ctx, const Caller& caller, std::string operation, const Entity& e,
            std::int64_t key_id, std::string_view detail) {
  Event ev = InboundEvent(ctx, caller, std::move(operation), e);
  ev.correlation_id = std::to_string(key_id);
  ev.detail = std::string(detail);
  RecordEvent(ctx, ev);
}

}  // namespace

Result<CreatedApiKey> CreateApiKey(AppContext& ctx, const Caller& caller,
                                   std::string_view entity_fiscal_code, std::string label) {
  INCASSO_TRY(EnsureSodium());
  INCASSO_TRY(ValidateLabel(label));
  auto entity = GetEntity(ctx, entity_fiscal_code);
  if (!entity.ok()) return entity.error();
  std::string key = NewKey();
  auto info = ctx.store.InsertApiKey(entity->id, key.substr(0, kPrefixLength), HashKey(key), label,
                                     ctx.clock.Now());
  if (!info.ok()) return info.error();
  Record(ctx, caller, "apikey.create", *entity, info->id, fmt::format("prefix {}", info->prefix));
  return CreatedApiKey{std::move(*info), std::move(key)};
}

Result<std::vector<ApiKeyInfo>> ListApiKeys(AppContext& ctx, std::string_view entity_fiscal_code) {
  auto entity = GetEntity(ctx, entity_fiscal_code);
  if (!entity.ok()) return entity.error();
  return ctx.store.ListApiKeys(entity->id);
}

Status RevokeApiKey(AppContext& ctx, const Caller& caller, std::string_view entity_fiscal_code,
                    std::int64_t key_id) {
  auto entity = GetEntity(ctx, entity_fiscal_code);
  if (!entity.ok()) return entity.error();
  Status revoked = ctx.store.RevokeApiKey(entity->id, key_id, ctx.clock.Now());
  if (!revoked.ok()) {
    if (revoked.error().code == ErrorCode::kNotFound) {
      return NotFound(
          fmt::format("institution {} has no API key with id {}", entity_fiscal_code, key_id));
    }
    return revoked;
  }
  Record(ctx, caller, "apikey.revoke", *entity, key_id, "");
  return Ok();
}

Result<Entity> AuthenticateApiKey(AppContext& ctx, std::string_view presented_key) {
  if (!WellFormed(presented_key)) return UnknownKey();
  INCASSO_TRY(EnsureSodium());
  // Database failures pass through (they are not an answer about the key).
  auto found = ctx.store.FindApiKeyByHash(HashKey(presented_key));
  if (!found.ok()) return found.error();
  if (!found->has_value() || (*found)->revoked_at) return UnknownKey();
  const ApiKeyInfo& key = **found;
  auto entity = ctx.store.FindEntityById(key.entity_id);
  if (!entity.ok()) return entity.error();
  if (!entity->has_value() || (*entity)->status != EntityStatus::kActive) return UnknownKey();
  TimePoint now = ctx.clock.Now();
  if (!key.last_used_at || now - *key.last_used_at >= kTouchInterval) {
    (void)ctx.store.TouchApiKey(key.id, now);  // best effort: informational only
  }
  return std::move(**entity);
}

}  // namespace incasso
