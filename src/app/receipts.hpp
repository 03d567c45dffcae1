// Read use cases of the institutions' software over what the station recorded: receipts and
// payment options across positions (the /api/v1 receipts and payments routes).
#pragma once

#include <string_view>
#include <vector>

#include "app/context.hpp"

namespace incasso {

// The entity's receipts matching `filter`, newest first. InvalidArgument for a bad limit/offset.
Result<std::vector<StoredReceipt>> ListEntityReceipts(AppContext& ctx,
                                                      std::string_view entity_fiscal_code,
                                                      ReceiptFilter filter);
// The entity's receipt with this receiptId; NotFound for an unknown one or another entity's.
Result<StoredReceipt> GetEntityReceipt(AppContext& ctx, std::string_view entity_fiscal_code,
                                       std::string_view receipt_id);
// The entity's payment options matching `filter` (Store::SearchPayments).
Result<std::vector<PaymentRow>> SearchPayments(AppContext& ctx, std::string_view entity_fiscal_code,
                                               const PaymentFilter& filter);

}  // namespace incasso
