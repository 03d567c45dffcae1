// Idempotency-Key on the API's POSTs: a client that retries a request (lost answer, timeout)
// with the same key gets the first answer again instead of a second effect. Keys are per entity
// and kept 24 hours (from the injected clock).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "app/context.hpp"
#include "domain/entity.hpp"

namespace incasso {

inline constexpr std::chrono::hours kIdempotencyRetention{24};
// A claim whose request has neither answered nor released it after this long (the process
// died mid-request) may be taken over by a retry.
inline constexpr std::chrono::minutes kIdempotencyAbandonAfter{5};
inline constexpr std::size_t kMaxIdempotencyKeyLength = 255;

// What a claim found.
struct IdempotencyClaim {
  enum class State {
    kClaimed,     // this request owns the key: serve it, then Complete or Release
    kReplay,      // answered before with the same request: replay status/content_type/body
    kInProgress,  // the same key is being served by another request right now
    kMismatch,    // the key was used with a different request
  };
  State state = State::kClaimed;
  int status = 0;
  std::string content_type;
  std::string body;
};

// Hex SHA-256 of what identifies a request: method, path and body.
std::string IdempotencyRequestHash(std::string_view method, std::string_view path,
                                   std::string_view body);

// Claims `key` (1..255 printable ASCII characters; InvalidArgument naming "Idempotency-Key"
// otherwise) for the entity and a request with `request_hash`.
Result<IdempotencyClaim> ClaimIdempotencyKey(AppContext& ctx, const Entity& entity,
                                             std::string_view key, std::string_view request_hash);
// Stores the answer of the claiming request, for replays.
Status CompleteIdempotencyKey(AppContext& ctx, const Entity& entity, std::string_view key,
                              int status, std::string_view content_type, std::string_view body);
// Frees the claim without an answer (the request failed transiently; a retry may run it again).
Status ReleaseIdempotencyKey(AppContext& ctx, const Entity& entity, std::string_view key);

}  // namespace incasso
