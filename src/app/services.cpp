#include "app/services.hpp"

#include <fmt/format.h>

#include "app/entities.hpp"

namespace incasso {

Result<std::vector<Service>> ListEntityServices(AppContext& ctx,
                                                std::string_view entity_fiscal_code) {
  auto entity = GetEntity(ctx, entity_fiscal_code);
  if (!entity.ok()) return entity.error();
  return ctx.store.ListServices(entity->id);
}

Result<Service> GetEntityService(AppContext& ctx, std::string_view entity_fiscal_code,
                                 std::string_view code) {
  auto entity = GetEntity(ctx, entity_fiscal_code);
  if (!entity.ok()) return entity.error();
  auto found = ctx.store.FindServiceByCode(entity->id, code);
  if (!found.ok()) return found.error();
  if (!found->has_value()) {
    return NotFound(
        fmt::format("institution {} has no service with code {}", entity_fiscal_code, code));
  }
  return std::move(**found);
}

}  // namespace incasso
