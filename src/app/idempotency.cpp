#include "app/idempotency.hpp"

#include <sodium.h>

#include <array>

namespace incasso {

std::string IdempotencyRequestHash(std::string_view method, std::string_view path,
                                   std::string_view body) {
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  auto feed = [&](std::string_view part) {
    // Length-prefixed, so ("a", "bc") and ("ab", "c") differ.
    const std::string len = std::to_string(part.size()) + ":";
    crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(len.data()),
                              len.size());
    crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(part.data()),
                              part.size());
  };
  feed(method);
  feed(path);
  feed(body);
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256_final(&state, digest.data());
  std::array<char, crypto_hash_sha256_BYTES * 2 + 1> hex{};
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
  return std::string(hex.data(), crypto_hash_sha256_BYTES * 2);
}

Result<IdempotencyClaim> ClaimIdempotencyKey(AppContext& ctx, const Entity& entity,
                                             std::string_view key, std::string_view request_hash) {
  if (key.empty() || key.size() > kMaxIdempotencyKeyLength) {
    return InvalidArgument("Idempotency-Key", "must be 1 to 255 characters");
  }
  for (char c : key) {
    if (c < 0x21 || c > 0x7e) {
      return InvalidArgument("Idempotency-Key", "must be printable ASCII without spaces");
    }
  }
  const TimePoint now = ctx.clock.Now();
  auto held =
      ctx.store.ClaimIdempotencyKey(entity.id, key, request_hash, now, now - kIdempotencyRetention,
                                    now - kIdempotencyAbandonAfter);
  if (!held.ok()) return held.error();
  IdempotencyClaim claim;
  if (!held->has_value()) return claim;  // kClaimed
  const IdempotencyRecord& r = **held;
  if (r.request_hash != request_hash) {
    claim.state = IdempotencyClaim::State::kMismatch;
  } else if (r.status == 0) {
    claim.state = IdempotencyClaim::State::kInProgress;
  } else {
    claim.state = IdempotencyClaim::State::kReplay;
    claim.status = r.status;
    claim.content_type = r.content_type;
    claim.body = r.body;
  }
  return claim;
}

Status CompleteIdempotencyKey(AppContext& ctx, const Entity& entity, std::string_view key,
                              int status, std::string_view content_type, std::string_view body) {
  return ctx.store.CompleteIdempotencyKey(entity.id, key, status, content_type, body);
}

Status ReleaseIdempotencyKey(AppContext& ctx, const Entity& entity, std::string_view key) {
  return ctx.store.ReleaseIdempotencyKey(entity.id, key);
}

}  // namespace incasso
