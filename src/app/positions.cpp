#include "app/positions.hpp"

#include <fmt/format.h>

#include "app/entities.hpp"
#include "domain/notice_number.hpp"

namespace incasso {
namespace {

void Record(AppContext& ctx, const Caller& caller, std::string operation, const Entity& e,
            const DebtPosition& p, std::string outcome, std::string detail) {
  Event ev = InboundEvent(ctx, caller, std::move(operation), e);
  if (!p.options.empty()) ev.notice_number = p.options.front().nav;
  ev.outcome = std::move(outcome);
  ev.correlation_id = p.iupd;
  ev.detail = std::move(detail);
  RecordEvent(ctx, ev);
}

// SACI 3.0 (aux digit 3): NAV = "3" + IUV, IUV = segregation code + 13-digit base + mod-93 check.
// Gives option i its notice number; a nav sent with it must be the one the IUV implies.
Status ApplyNoticeNumber(size_t i, PaymentOption& o, const NoticeNumber& nn) {
  if (!o.nav.empty() && o.nav != nn.nav) {
    return InvalidArgument(fmt::format("paymentOption[{}].nav", i),
                           fmt::format("does not match the IUV (expected {})", nn.nav));
  }
  o.iuv = nn.iuv;
  o.nav = nn.nav;
  return Ok();
}

// Checks and completes the options that came with an IUV. An IUV given by the institution must
// carry this entity's segregation code, or the node would route the notice to another
// institution's archive. Options without an IUV are left for NumberNewOptions.
Status CheckGivenNoticeNumbers(const Entity& entity, DebtPosition& p) {
  for (size_t i = 0; i < p.options.size(); ++i) {
    auto& o = p.options[i];
    if (o.iuv.empty()) continue;
    auto nn = NoticeNumberFromIuv(o.iuv, 3, entity.segregation_code);
    if (!nn.ok()) {
      Error e = nn.error();
      e.field = fmt::format("paymentOption[{}].iuv", i);
      return e;
    }
    INCASSO_TRY(ApplyNoticeNumber(i, o, *nn));
  }
  return Ok();
}

size_t CountWithoutIuv(const DebtPosition& p) {
  size_t missing = 0;
  for (const auto& o : p.options) missing += o.iuv.empty() ? 1 : 0;
  return missing;
}

// Numbers the options without an IUV, in order, from the reserved bases first_base, +1, ...
Status NumberNewOptions(const std::string& segregation_code, std::uint64_t first_base,
                        DebtPosition& p) {
  std::uint64_t base = first_base;
  for (size_t i = 0; i < p.options.size(); ++i) {
    auto& o = p.options[i];
    if (!o.iuv.empty()) continue;
    auto nn = MakeNoticeNumberAux3(segregation_code, base++);
    if (!nn.ok()) return nn.error();  // the 13-digit base space is exhausted
    INCASSO_TRY(ApplyNoticeNumber(i, o, *nn));
  }
  return Ok();
}

// Validates a submitted position and makes it what the store keeps: given notice numbers
// checked, options unpaid, transfers defaulting to the entity, status and publish date as of
// `now`. Options without an IUV are numbered by the caller (NumberNewOptions).
Status PrepareForStore(const Entity& entity, DebtPosition& p, bool publish, TimePoint now) {
  p.entity_id = entity.id;
  INCASSO_TRY(ValidatePosition(p, entity.fiscal_code, now));
  INCASSO_TRY(CheckGivenNoticeNumbers(entity, p));
  for (auto& o : p.options) {
    o.status = OptionStatus::kUnpaid;
    o.payment_date.reset();
    for (auto& t : o.transfers) {
      if (t.entity_fiscal_code.empty()) t.entity_fiscal_code = entity.fiscal_code;
    }
  }
  p.status = InitialStatus(p, publish, now);
  p.updated_at = now;
  p.publish_date = publish ? std::optional<TimePoint>(now) : std::nullopt;
  p.payment_date.reset();
  return Ok();
}

Result<Entity> ActiveEntity(AppContext& ctx, std::string_view fiscal_code) {
  auto entity = GetEntity(ctx, fiscal_code);
  if (!entity.ok()) return entity.error();
  if (entity->status != EntityStatus::kActive) {
    return Error{ErrorCode::kForbidden,
                 {},
                 fmt::format("institution {} is suspended", entity->fiscal_code),
                 {}};
  }
  return entity;
}

// GPD lets an institution change or delete a position only while nothing has been paid on it:
// DRAFT, PUBLISHED, or VALID with every option unpaid (gpd.json PUT/DELETE 409 "existing related
// payment found").
Status CheckOpen(const DebtPosition& p, std::string_view action) {
  bool open = p.status == PositionStatus::kDraft || p.status == PositionStatus::kPublished ||
              p.status == PositionStatus::kValid;
  for (const auto& o : p.options) open = open && o.status == OptionStatus::kUnpaid;
  if (!open) {
    return Conflict("status", fmt::format("a {} position cannot be {}; only a DRAFT, PUBLISHED or "
                                          "unpaid VALID one",
                                          ToString(p.status), action));
  }
  return Ok();
}

}  // namespace

Result<std::vector<NoticeNumber>> AllocateNoticeNumbers(AppContext& ctx, const Entity& entity,
                                                        int count) {
  if (count < 1 || count > 100000) return InvalidArgument("count", "must be 1 to 100000");
  auto first = ctx.store.ReserveIuvBases(entity.id, count);
  if (!first.ok()) return first.error();
  std::vector<NoticeNumber> out;
  out.reserve(static_cast<size_t>(count));
  for (int i = 0; i < count; ++i) {
    auto nn = MakeNoticeNumberAux3(entity.segregation_code, *first + static_cast<std::uint64_t>(i));
    if (!nn.ok()) return nn.error();  // the 13-digit base space is exhausted
    out.push_back(std::move(*nn));
  }
  return out;
}

Result<DebtPosition> CreatePosition(AppContext& ctx, const Caller& caller,
                                    const CreatePositionCommand& cmd) {
  auto entity = ActiveEntity(ctx, cmd.entity_fiscal_code);
  if (!entity.ok()) return entity.error();
  const TimePoint now = ctx.clock.Now();
  DebtPosition p = cmd.position;
  INCASSO_TRY(PrepareForStore(*entity, p, cmd.publish, now));
  p.created_at = now;
  // New notice numbers are reserved inside the insert's transaction: one durable commit per
  // position. A failed insert hands its numbers out to nobody (`p` keeps empty IUVs, so not even
  // the KO event below names them), which is why the store may give them out again.
  auto stored = CountWithoutIuv(p) == 0
                    ? ctx.store.InsertPosition(entity->id, p)
                    : ctx.store.InsertPositionWithNewIuvs(
                          entity->id, p,
                          [&seg = entity->segregation_code](std::uint64_t first, DebtPosition& q) {
                            return NumberNewOptions(seg, first, q);
                          });
  if (!stored.ok()) {
    Record(ctx, caller, "position.create", *entity, p, "KO", stored.error().ToText());
    return stored.error();
  }
  Record(ctx, caller, "position.create", *entity, *stored, "OK", {});
  return stored;
}

Result<DebtPosition> GetPosition(AppContext& ctx, std::string_view entity_fiscal_code,
                                 std::string_view iupd) {
  auto entity = GetEntity(ctx, entity_fiscal_code);
  if (!entity.ok()) return entity.error();
  auto found = ctx.store.GetPosition(entity->id, iupd);
  if (!found.ok()) return found.error();
  if (!found->has_value()) {
    return NotFound(
        fmt::format("institution {} has no debt position with iupd {}", entity_fiscal_code, iupd));
  }
  return std::move(**found);
}

Result<std::vector<DebtPosition>> ListPositions(AppContext& ctx,
                                                std::string_view entity_fiscal_code,
                                                const PositionFilter& filter) {
  auto entity = GetEntity(ctx, entity_fiscal_code);
  if (!entity.ok()) return entity.error();
  if (filter.limit < 1 || filter.limit > 1000) return InvalidArgument("limit", "must be 1 to 1000");
  if (filter.offset < 0) return InvalidArgument("offset", "must not be negative");
  return ctx.store.ListPositions(entity->id, filter);
}

Result<PositionPage> ListPositionPage(AppContext& ctx, std::string_view entity_fiscal_code,
                                      const PositionFilter& filter) {
  auto entity = GetEntity(ctx, entity_fiscal_code);
  if (!entity.ok()) return entity.error();
  auto positions = ListPositions(ctx, entity_fiscal_code, filter);
  if (!positions.ok()) return positions.error();
  auto total = ctx.store.CountPositions(entity->id, filter);
  if (!total.ok()) return total.error();
  return PositionPage{std::move(*positions), *total};
}

Result<DebtPosition> PublishPosition(AppContext& ctx, const Caller& caller,
                                     std::string_view entity_fiscal_code, std::string_view iupd) {
  auto current = GetPosition(ctx, entity_fiscal_code, iupd);
  if (!current.ok()) return current.error();
  if (current->status != PositionStatus::kDraft) {
    return Conflict("status", fmt::format("a {} position cannot be published; only a DRAFT one",
                                          ToString(current->status)));
  }
  return ChangePositionStatus(ctx, caller, entity_fiscal_code, iupd,
                              InitialStatus(*current, true, ctx.clock.Now()));
}

Result<DebtPosition> ChangePositionStatus(AppContext& ctx, const Caller& caller,
                                          std::string_view entity_fiscal_code,
                                          std::string_view iupd, PositionStatus to) {
  auto entity = GetEntity(ctx, entity_fiscal_code);
  if (!entity.ok()) return entity.error();
  auto current = GetPosition(ctx, entity_fiscal_code, iupd);
  if (!current.ok()) return current.error();
  if (!CanTransition(current->status, to)) {
    return Conflict("status", fmt::format("a {} position cannot become {}",
                                          ToString(current->status), ToString(to)));
  }
  INCASSO_TRY(
      ctx.store.UpdatePositionStatus(entity->id, iupd, current->version, to, ctx.clock.Now()));
  auto updated = GetPosition(ctx, entity_fiscal_code, iupd);
  if (updated.ok()) {
    Record(ctx, caller, fmt::format("position.status.{}", ToString(to)), *entity, *updated, "OK",
           {});
  }
  return updated;
}

Result<DebtPosition> UpdatePosition(AppContext& ctx, const Caller& caller,
                                    const UpdatePositionCommand& cmd) {
  auto entity = ActiveEntity(ctx, cmd.entity_fiscal_code);
  if (!entity.ok()) return entity.error();
  if (cmd.position.iupd != cmd.iupd) {
    return InvalidArgument("iupd", "must be the iupd of the position addressed");
  }
  auto current = GetPosition(ctx, cmd.entity_fiscal_code, cmd.iupd);
  if (!current.ok()) return current.error();
  INCASSO_TRY(CheckOpen(*current, "changed"));
  const TimePoint now = ctx.clock.Now();
  DebtPosition p = cmd.position;
  INCASSO_TRY(PrepareForStore(*entity, p, cmd.publish, now));
  if (const size_t missing = CountWithoutIuv(p); missing > 0) {
    auto first = ctx.store.ReserveIuvBases(entity->id, static_cast<int>(missing));
    if (!first.ok()) return first.error();
    INCASSO_TRY(NumberNewOptions(entity->segregation_code, *first, p));
  }
  auto stored = ctx.store.ReplacePosition(entity->id, p, current->version);
  if (!stored.ok()) {
    Record(ctx, caller, "position.update", *entity, p, "KO", stored.error().ToText());
    return stored.error();
  }
  Record(ctx, caller, "position.update", *entity, *stored, "OK", {});
  return stored;
}

Status DeletePosition(AppContext& ctx, const Caller& caller, std::string_view entity_fiscal_code,
                      std::string_view iupd) {
  auto entity = GetEntity(ctx, entity_fiscal_code);
  if (!entity.ok()) return entity.error();
  auto current = GetPosition(ctx, entity_fiscal_code, iupd);
  if (!current.ok()) return current.error();
  INCASSO_TRY(CheckOpen(*current, "deleted"));
  INCASSO_TRY(ctx.store.DeletePosition(entity->id, iupd, current->version));
  Record(ctx, caller, "position.delete", *entity, *current, "OK", {});
  return Ok();
}

}  // namespace incasso
