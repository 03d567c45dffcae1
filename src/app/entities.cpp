#include "app/entities.hpp"

#include <fmt/format.h>

#include "core/time.hpp"
#include "domain/iban.hpp"

namespace incasso {
namespace {

void Record(AppContext& ctx, const Caller& caller, std::string operation, const Entity& e) {
  RecordEvent(ctx, InboundEvent(ctx, caller, std::move(operation), e));
}

}  // namespace

Result<Entity> AddEntity(AppContext& ctx, const Caller& caller, Entity entity) {
  if (entity.onboarding_date == Date{}) {
    entity.onboarding_date = std::chrono::floor<std::chrono::days>(ctx.clock.Now());
  }
  INCASSO_TRY(ValidateEntity(entity));
  auto created = ctx.store.CreateEntity(entity);
  if (!created.ok()) return created.error();
  Record(ctx, caller, "entity.create", *created);
  return created;
}

Result<Entity> GetEntity(AppContext& ctx, std::string_view fiscal_code) {
  auto found = ctx.store.FindEntityByFiscalCode(fiscal_code);
  if (!found.ok()) return found.error();
  if (!found->has_value()) {
    return NotFound(fmt::format("no institution with fiscal code {} is registered", fiscal_code));
  }
  return std::move(**found);
}

Result<Entity> UpdateEntity(AppContext& ctx, const Caller& caller, Entity entity) {
  auto current = GetEntity(ctx, entity.fiscal_code);
  if (!current.ok()) return current.error();
  entity.id = current->id;
  if (entity.onboarding_date == Date{}) entity.onboarding_date = current->onboarding_date;
  INCASSO_TRY(ValidateEntity(entity));
  INCASSO_TRY(ctx.store.UpdateEntity(entity));
  Record(ctx, caller, "entity.update", entity);
  return entity;
}

Result<IbanAccount> AddIbanAccount(AppContext& ctx, const Caller& caller, std::int64_t entity_id,
                                   IbanAccount account) {
  account.entity_id = entity_id;
  INCASSO_TRY(ValidateIbanAccount(account));
  account.kind = IsPostalIban(account.iban) ? AccountKind::kPostal : AccountKind::kBank;
  if (account.valid_from == Date{}) {
    account.valid_from = std::chrono::floor<std::chrono::days>(ctx.clock.Now());
  }
  auto added = ctx.store.AddIbanAccount(entity_id, account);
  if (!added.ok()) return added.error();
  auto entity = ctx.store.FindEntityById(entity_id);
  if (entity.ok() && entity->has_value()) Record(ctx, caller, "iban.create", **entity);
  return added;
}

Result<Service> AddService(AppContext& ctx, const Caller& caller, std::int64_t entity_id,
                           Service service) {
  service.entity_id = entity_id;
  INCASSO_TRY(ValidateService(service));
  auto accounts = ctx.store.ListIbanAccounts(entity_id);
  if (!accounts.ok()) return accounts.error();
  bool known = false;
  for (const auto& a : *accounts) known = known || (a.iban == service.iban && a.active);
  if (!known) {
    return InvalidArgument(
        "iban", fmt::format("{} is not one of the institution's IBAN accounts", service.iban));
  }
  auto added = ctx.store.AddService(entity_id, service);
  if (!added.ok()) return added.error();
  auto entity = ctx.store.FindEntityById(entity_id);
  if (entity.ok() && entity->has_value()) Record(ctx, caller, "service.create", **entity);
  return added;
}

}  // namespace incasso
