// Per-client token buckets in memory: how the portal stops notice look-ups from being used to
// enumerate notice numbers and fiscal codes (issue 6).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "core/clock.hpp"

namespace incasso::web {

struct RateLimit {
  std::int64_t per_minute = 20;      // tokens added per minute (>= 1)
  std::int64_t burst = 10;           // bucket size: look-ups allowed at once (>= 1)
  std::size_t max_clients = 100000;  // buckets kept; beyond, the least recently used is dropped
};

// Thread-safe. One instance per limited action; a bucket per key (the client's IP address).
class RateLimiter {
 public:
  // `clock` must outlive the limiter.
  RateLimiter(RateLimit limit, const Clock& clock);

  struct Decision {
    bool allowed = true;
    std::chrono::seconds retry_after{0};  // when refused: until the next token (>= 1 s)
  };

  // Takes one token from `key`'s bucket (a new key starts full).
  Decision Take(const std::string& key);

 private:
  struct Bucket {
    // Tokens in 1/60000 units, so that per_minute tokens a minute refill exactly per second.
    std::int64_t milli = 0;
    TimePoint updated{};
    std::uint64_t last_use = 0;
  };
  RateLimit limit_;
  const Clock& clock_;
  std::mutex mu_;
  std::map<std::string, Bucket> buckets_;
  std::uint64_t uses_ = 0;
};

}  // namespace incasso::web
