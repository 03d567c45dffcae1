#include "app/transfer_ibans.hpp"

#include <fmt/format.h>

#include "app/entities.hpp"
#include "domain/iban.hpp"

namespace incasso {

Result<std::int64_t> UpdateTransferIbans(AppContext& ctx, const Caller& caller,
                                         std::string_view entity_fiscal_code,
                                         std::string_view old_iban, std::string_view new_iban,
                                         int limit) {
  if (limit < 1 || limit > 1000) return InvalidArgument("limit", "must be between 1 and 1000");
  INCASSO_TRY(ValidateIban(old_iban, "oldIban"));
  INCASSO_TRY(ValidateIban(new_iban, "newIban"));
  if (old_iban == new_iban) return InvalidArgument("newIban", "is the same as oldIban");
  auto entity = GetEntity(ctx, entity_fiscal_code);
  if (!entity.ok()) return entity.error();
  if (entity->status != EntityStatus::kActive) {
    return Error{ErrorCode::kForbidden, {}, "the institution is suspended", {}};
  }
  auto changed =
      ctx.store.UpdateTransferIbans(entity->id, old_iban, new_iban, limit, ctx.clock.Now());
  if (!changed.ok()) return changed.error();
  Event ev = InboundEvent(ctx, caller, "position.transfer_iban", *entity);
  ev.detail = fmt::format("{} transfers updated", *changed);  // never the IBANs themselves
  RecordEvent(ctx, ev);
  return changed;
}

}  // namespace incasso
