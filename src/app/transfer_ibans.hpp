// GPD updateTransferIbanMassive: an institution that changes bank account moves every open
// transfer from the old IBAN to the new one in one call.
#pragma once

#include <cstdint>
#include <string_view>

#include "app/context.hpp"

namespace incasso {

// Replaces `old_iban` with `new_iban` on up to `limit` (1..1000) transfers of unpaid options of
// the entity's DRAFT, PUBLISHED or VALID positions (Store::UpdateTransferIbans). Both IBANs are
// validated (fields "oldIban", "newIban"); the new one must differ. Logs "position.transfer_iban".
Result<std::int64_t> UpdateTransferIbans(AppContext& ctx, const Caller& caller,
                                         std::string_view entity_fiscal_code,
                                         std::string_view old_iban, std::string_view new_iban,
                                         int limit);

}  // namespace incasso
