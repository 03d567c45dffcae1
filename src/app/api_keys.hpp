// API credentials of the institutions' software. A key reaches exactly one entity. Keys are
// random (256 bits), shown once at creation, and stored only as a hash: a database leak does not
// leak usable keys. Sent as `Ocp-Apim-Subscription-Key` (the GPD convention) or
// `Authorization: Bearer <key>`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/context.hpp"
#include "domain/api_key.hpp"  // ApiKeyInfo
#include "domain/entity.hpp"

namespace incasso {

struct CreatedApiKey {
  ApiKeyInfo info;
  std::string key;  // the secret: returned once, never stored
};

// Creates a key for the entity with this fiscal code.
Result<CreatedApiKey> CreateApiKey(AppContext& ctx, const Caller& caller,
                                   std::string_view entity_fiscal_code, std::string label);
Result<std::vector<ApiKeyInfo>> ListApiKeys(AppContext& ctx, std::string_view entity_fiscal_code);
// Revokes the entity's key with this id; NotFound for another entity's key.
Status RevokeApiKey(AppContext& ctx, const Caller& caller, std::string_view entity_fiscal_code,
                    std::int64_t key_id);

// The active entity a presented key belongs to. Unknown, malformed or revoked keys, and keys of a
// suspended entity, are all kNotFound with the same message (no oracle). The lookup is by the
// BLAKE2b hash of the presented key, so its timing reveals nothing usable about stored keys.
Result<Entity> AuthenticateApiKey(AppContext& ctx, std::string_view presented_key);

}  // namespace incasso
