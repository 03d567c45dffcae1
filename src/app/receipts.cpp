#include "app/receipts.hpp"

#include <fmt/format.h>

#include "app/entities.hpp"

namespace incasso {

Result<std::vector<StoredReceipt>> ListEntityReceipts(AppContext& ctx,
                                                      std::string_view entity_fiscal_code,
                                                      ReceiptFilter filter) {
  auto entity = GetEntity(ctx, entity_fiscal_code);
  if (!entity.ok()) return entity.error();
  return ctx.store.ListReceipts(entity->id, filter);
}

Result<StoredReceipt> GetEntityReceipt(AppContext& ctx, std::string_view entity_fiscal_code,
                                       std::string_view receipt_id) {
  auto entity = GetEntity(ctx, entity_fiscal_code);
  if (!entity.ok()) return entity.error();
  ReceiptFilter f;
  f.receipt_id = std::string(receipt_id);
  f.limit = 1;
  auto found = ctx.store.ListReceipts(entity->id, f);
  if (!found.ok()) return found.error();
  if (found->empty()) {
    return NotFound(
        fmt::format("institution {} has no receipt with id {}", entity_fiscal_code, receipt_id));
  }
  return std::move(found->front());
}

Result<std::vector<PaymentRow>> SearchPayments(AppContext& ctx, std::string_view entity_fiscal_code,
                                               const PaymentFilter& filter) {
  auto entity = GetEntity(ctx, entity_fiscal_code);
  if (!entity.ok()) return entity.error();
  if (filter.amount_min && filter.amount_max && *filter.amount_max < *filter.amount_min) {
    return InvalidArgument("amountMax", "is below amountMin");
  }
  if (filter.paid_from && filter.paid_to && *filter.paid_to < *filter.paid_from) {
    return InvalidArgument("paidTo", "is before paidFrom");
  }
  return ctx.store.SearchPayments(entity->id, filter);
}

}  // namespace incasso
