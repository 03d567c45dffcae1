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
// entity, and stores it all or nothing. Logs a "position.create" event.
Result<DebtPosition> CreatePosition(AppContext& ctx, const Caller& caller,
                                    const CreatePositionCommand& cmd);

Result<DebtPosition> GetPosition(AppContext& ctx, std::string_view entity_fiscal_code,
                                 std::string_view iupd);

Result<std::vector<DebtPosition>> ListPositions(AppContext& ctx,
                                                std::string_view entity_fiscal_code,
                                                const PositionFilter& filter);

// Moves a position to `to` if the state machine allows it (CanTransition); Conflict otherwise.
Result<DebtPosition> ChangePositionStatus(AppContext& ctx, const Caller& caller,
                                          std::string_view entity_fiscal_code,
                                          std::string_view iupd, PositionStatus to);

}  // namespace incasso
