// What every use case receives: the injected environment (STYLE.md rule 2), and who is asking.
#pragma once

#include <string>

#include "app/store.hpp"
#include "core/clock.hpp"
#include "domain/entity.hpp"
#include "domain/event.hpp"

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

// An inbound event of `entity` triggered by `caller`, stamped with the clock; the caller fills
// the operation-specific fields.
Event InboundEvent(const AppContext& ctx, const Caller& caller, std::string operation,
                   const Entity& entity);

// Appends to the event log, best effort: the change it records is committed already, and an
// audit failure must not turn a done operation into an error for the caller.
void RecordEvent(AppContext& ctx, const Event& event);

}  // namespace incasso
