// What every use case receives: the injected environment (STYLE.md rule 2), and who is asking.
#pragma once

#include <string>

#include "app/store.hpp"
#include "core/clock.hpp"
#include "domain/entity.hpp"
#include "domain/event.hpp"

namespace incasso {

class EventRecorder;

struct AppContext {
  Store& store;
  const Clock& clock;
  // When set (incasso serve), RecordEvent hands events to this background batch writer instead
  // of writing each one at once (one durable commit fewer per use case). Not owned; it must
  // outlive every use of the context. Null (the CLI, tests): direct writes.
  EventRecorder* events = nullptr;
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
// audit failure must not turn a done operation into an error for the caller. With ctx.events the
// entry is written within the recorder's flush interval (and lost if the process dies first, or
// dropped when the recorder is full or the write fails: logged by its error hook); otherwise at
// once, a failed write being ignored.
void RecordEvent(AppContext& ctx, const Event& event);

}  // namespace incasso
