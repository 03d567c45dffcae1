#include "web/rate_limiter.hpp"

#include <algorithm>

namespace incasso::web {
namespace {
constexpr std::int64_t kUnit = 60000;  // one token
}

RateLimiter::RateLimiter(RateLimit limit, const Clock& clock) : limit_(limit), clock_(clock) {
  limit_.per_minute = std::max<std::int64_t>(1, limit_.per_minute);
  limit_.burst = std::max<std::int64_t>(1, limit_.burst);
  limit_.max_clients = std::max<std::size_t>(1, limit_.max_clients);
}

RateLimiter::Decision RateLimiter::Take(const std::string& key) {
  const TimePoint now = clock_.Now();
  const std::int64_t full = limit_.burst * kUnit;
  // Each second adds per_minute/60 tokens = per_minute * 1000 units.
  const std::int64_t per_second = limit_.per_minute * (kUnit / 60);
  std::lock_guard lock(mu_);
  auto it = buckets_.find(key);
  if (it == buckets_.end()) {
    if (buckets_.size() >= limit_.max_clients) {
      auto lru = std::min_element(
          buckets_.begin(), buckets_.end(),
          [](const auto& a, const auto& b) { return a.second.last_use < b.second.last_use; });
      buckets_.erase(lru);
    }
    it = buckets_.emplace(key, Bucket{full, now, 0}).first;
  }
  Bucket& b = it->second;
  b.last_use = ++uses_;
  const std::int64_t elapsed = std::max<std::int64_t>(0, (now - b.updated).count());
  // Clamp before multiplying: a bucket idle for years must not overflow.
  b.milli = std::min(full, b.milli + std::min<std::int64_t>(elapsed, 86400 * 366) * per_second);
  b.updated = now;
  if (b.milli >= kUnit) {
    b.milli -= kUnit;
    return {true, std::chrono::seconds{0}};
  }
  const std::int64_t missing = kUnit - b.milli;
  const std::int64_t wait = (missing + per_second - 1) / per_second;
  return {false, std::chrono::seconds{std::max<std::int64_t>(1, wait)}};
}

}  // namespace incasso::web
