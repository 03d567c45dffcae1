// The entity's service catalogue as its software reads it (/api/v1 services).
#pragma once

#include <string_view>
#include <vector>

#include "app/context.hpp"
#include "domain/entity.hpp"

namespace incasso {

Result<std::vector<Service>> ListEntityServices(AppContext& ctx,
                                                std::string_view entity_fiscal_code);
// NotFound for an unknown code (or another entity's service).
Result<Service> GetEntityService(AppContext& ctx, std::string_view entity_fiscal_code,
                                 std::string_view code);

}  // namespace incasso
