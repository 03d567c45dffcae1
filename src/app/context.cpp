#include "app/context.hpp"

#include "app/event_recorder.hpp"

namespace incasso {

Event InboundEvent(const AppContext& ctx, const Caller& caller, std::string operation,
                   const Entity& entity) {
  Event ev;
  ev.at = ctx.clock.Now();
  ev.direction = "in";
  ev.channel = caller.channel;
  ev.operation = std::move(operation);
  ev.entity_id = entity.id;
  ev.entity_fiscal_code = entity.fiscal_code;
  ev.outcome = "OK";
  ev.request_id = caller.request_id;
  return ev;
}

void RecordEvent(AppContext& ctx, const Event& event) {
  if (ctx.events != nullptr) {
    ctx.events->Record(event);
    return;
  }
  (void)ctx.store.AppendEvent(event);
}

}  // namespace incasso
