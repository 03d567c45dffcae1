// What is stored about an API key of an institution (app/api_keys.hpp): never the key itself.
// Here, below app/, so the storage port (app/store.hpp) can name it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/clock.hpp"

namespace incasso {

struct ApiKeyInfo {
  std::int64_t id = 0;
  std::int64_t entity_id = 0;
  std::string prefix;  // the first characters of the key, shown to operators to tell keys apart
  std::string label;
  TimePoint created_at{};
  std::optional<TimePoint> revoked_at;
  std::optional<TimePoint> last_used_at;
};

}  // namespace incasso
