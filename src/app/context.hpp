// What every use case receives: the injected environment (STYLE.md rule 2), and who is asking.
#pragma once

#include <string>

#include "app/store.hpp"
#include "core/clock.hpp"

namespace incasso {

struct AppContext {
  Store& store;
  const Clock& clock;
};

// Who triggered a use case, for the event log.
struct Caller {
  std::string channel = "cli";  // "cli", "api", "soap", "web", "demo"
  std::string request_id;
};

}  // namespace incasso
