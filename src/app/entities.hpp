// Use cases of the Region's staff: onboard and maintain creditor institutions, their IBAN
// accounts and services. Shared by the CLI, the REST API and the back-office pages.
#pragma once

#include <string_view>
#include <vector>

#include "app/context.hpp"
#include "domain/entity.hpp"

namespace incasso {

// Validates and stores a new entity; onboarding_date defaults to today (clock).
Result<Entity> AddEntity(AppContext& ctx, const Caller& caller, Entity entity);
// Replaces the entity identified by entity.fiscal_code with the given fields (id is looked up).
Result<Entity> UpdateEntity(AppContext& ctx, const Caller& caller, Entity entity);
// NotFound with a clerk-readable message when absent.
Result<Entity> GetEntity(AppContext& ctx, std::string_view fiscal_code);

// Adds an IBAN account; the kind (bank/postal) is derived from the IBAN.
Result<IbanAccount> AddIbanAccount(AppContext& ctx, const Caller& caller, std::int64_t entity_id,
                                   IbanAccount account);
// Adds a service; its IBAN must be one of the entity's active accounts.
Result<Service> AddService(AppContext& ctx, const Caller& caller, std::int64_t entity_id,
                           Service service);

}  // namespace incasso
