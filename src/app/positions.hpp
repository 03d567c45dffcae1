// Use cases on debt positions, shared by the CLI, the GPD-compatible API and the back office.
#pragma once

#include <string>
#include <string_view>

#include "app/context.hpp"
#include "domain/entity.hpp"
#include "domain/notice_number.hpp"
#include "domain/position.hpp"

namespace incasso {

struct CreatePositionCommand {
  std::string entity_fiscal_code;
  DebtPosition position;
  bool publish = false;  // GPD toPublish: DRAFT when false
};

// Allocates `count` fresh notice numbers for the entity (aux digit 3, its segregation code) from
// its database sequence: never handed out before, never again, across threads and processes.
Result<std::vector<NoticeNumber>> AllocateNoticeNumbers(AppContext& ctx, const Entity& entity,
                                                        int count);

// Validates the position for the entity, allocates an IUV and notice number (aux digit 3,
// the entity's segregation code) to every option that has none, checks given IUVs belong to the
// entity, and stores it all or nothing, in one database transaction: the new numbers are
// reserved by it (Store::InsertPositionWithNewIuvs), so a create that fails consumes none and
// names none. Logs a "position.create" event.
Result<DebtPosition> CreatePosition(AppContext& ctx, const Caller& caller,
                                    const CreatePositionCommand& cmd);

Result<DebtPosition> GetPosition(AppContext& ctx, std::string_view entity_fiscal_code,
                                 std::string_view iupd);

Result<std::vector<DebtPosition>> ListPositions(AppContext& ctx,
                                                std::string_view entity_fiscal_code,
                                                const PositionFilter& filter);

// One page of ListPositions and how many positions match the filter in all.
struct PositionPage {
  std::vector<DebtPosition> positions;
  std::int64_t total = 0;
};
Result<PositionPage> ListPositionPage(AppContext& ctx, std::string_view entity_fiscal_code,
                                      const PositionFilter& filter);

// GPD publish: a DRAFT position becomes PUBLISHED, or VALID when its validity date is not ahead
// (InitialStatus). Any other state is a Conflict ("not in publishable state", gpd.json 409).
Result<DebtPosition> PublishPosition(AppContext& ctx, const Caller& caller,
                                     std::string_view entity_fiscal_code, std::string_view iupd);

struct UpdatePositionCommand {
  std::string entity_fiscal_code;
  std::string iupd;  // the position addressed; must equal position.iupd
  DebtPosition position;
  bool publish = false;  // GPD toPublish: DRAFT when false
};

// GPD update: replaces the debtor, company and all options of a DRAFT, PUBLISHED or unpaid VALID
// position (Conflict otherwise), with the same checks and IUV allocation as CreatePosition. The
// position becomes DRAFT, or is published again when cmd.publish. Logs "position.update".
Result<DebtPosition> UpdatePosition(AppContext& ctx, const Caller& caller,
                                    const UpdatePositionCommand& cmd);

// GPD delete: removes a DRAFT, PUBLISHED or unpaid VALID position with its options (Conflict
// otherwise); its notice numbers are never allocated again. Logs "position.delete".
Status DeletePosition(AppContext& ctx, const Caller& caller, std::string_view entity_fiscal_code,
                      std::string_view iupd);

// Moves a position to `to` if the state machine allows it (CanTransition); Conflict otherwise.
Result<DebtPosition> ChangePositionStatus(AppContext& ctx, const Caller& caller,
                                          std::string_view entity_fiscal_code,
                                          std::string_view iupd, PositionStatus to);

}  // namespace incasso
