// Payment notices and receipts as documents (PDF), for the CLI, the API and the citizen portal.
// The use cases load what a document shows from the Store, scoped to the entity, and hand it to a
// DocumentRenderer: a port implemented by render/ and wired by the composition root (cli/), so
// app/ does not depend on the PDF library.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "app/context.hpp"
#include "domain/notice_document.hpp"

namespace incasso {

// One PDF holding many notices, written page by page to a sink (a print shop's merged file).
class NoticeBookWriter {
 public:
  virtual ~NoticeBookWriter() = default;
  virtual Status Add(const NoticeDocument& doc) = 0;  // on error nothing of it is added
  virtual Status Finish() = 0;                        // once; no Add afterwards
};

// The port. Implementations are thread-safe.
class DocumentRenderer {
 public:
  virtual ~DocumentRenderer() = default;
  virtual Result<std::string> RenderNotice(const NoticeDocument& doc) const = 0;
  virtual Result<std::string> RenderReceipt(const ReceiptDocument& doc) const = 0;
  // `sink` must stay valid until the book is finished or destroyed.
  virtual Result<std::unique_ptr<NoticeBookWriter>> StartBook(
      std::function<Status(std::string_view)> sink, TimePoint created_at) const {
    (void)sink;
    (void)created_at;
    return Unavailable("this renderer cannot merge notices into one PDF");
  }
};

// Per-call overrides of the entity's notice settings (Entity::notice_language,
// Entity::postal_authorization, Store::GetNoticeLogo): unset/empty = the entity's.
struct NoticeOptions {
  std::optional<NoticeLanguage> language;  // e.g. ?lang= / --lang for one position
  std::string logo_png;                    // ENTE.LOGO bytes
  std::string postal_authorization;        // Poste "AUT. DB/..." line for the postal slip
};

// Stores (or, with "", removes) the PNG printed on the entity's notices, after
// ValidateNoticeLogo. NotFound for an unknown entity.
Status SetNoticeLogo(AppContext& ctx, const Caller& caller, std::string_view entity_fiscal_code,
                     std::string_view png);

// The notice of the position that holds `notice_number`: its unpaid single payment (if any) and
// its unpaid instalments. NotFound if the entity or the notice does not exist (for this entity);
// Conflict if the position cannot be paid any more (paid, reported, invalid, expired) or is a
// draft, or if the addressed option is paid.
Result<NoticeDocument> BuildNoticeDocument(AppContext& ctx, std::string_view entity_fiscal_code,
                                           std::string_view notice_number,
                                           const NoticeOptions& options = {});
Result<std::string> RenderNoticePdf(AppContext& ctx, const DocumentRenderer& renderer,
                                    std::string_view entity_fiscal_code,
                                    std::string_view notice_number,
                                    const NoticeOptions& options = {});

// The same for a whole position, addressed by its iupd.
Result<std::string> RenderPositionPdf(AppContext& ctx, const DocumentRenderer& renderer,
                                      std::string_view entity_fiscal_code, std::string_view iupd,
                                      const NoticeOptions& options = {});

// The receipt stored with `receipt_id` for the entity. NotFound if there is none.
Result<ReceiptDocument> BuildReceiptDocument(AppContext& ctx, std::string_view entity_fiscal_code,
                                             std::string_view receipt_id);
Result<std::string> RenderReceiptPdf(AppContext& ctx, const DocumentRenderer& renderer,
                                     std::string_view entity_fiscal_code,
                                     std::string_view receipt_id);

// Bulk: pages through the entity's positions matching `filter` (its limit is the page size, its
// offset is ignored) and calls `on_notice` for each printable one, without holding more than one
// page in memory. Positions that cannot be printed (paid, invalid, ...) are skipped and counted.
// `on_notice` returning an error stops the run with that error.
struct BulkProgress {
  std::int64_t total = 0;    // positions matching the filter when the run started
  std::int64_t done = 0;     // positions looked at so far
  std::int64_t skipped = 0;  // of which not printable
};
Status ForEachNoticeDocument(
    AppContext& ctx, std::string_view entity_fiscal_code, PositionFilter filter,
    const NoticeOptions& options,
    const std::function<Status(const DebtPosition&, const NoticeDocument&)>& on_notice,
    const std::function<void(const BulkProgress&)>& on_progress = {});

}  // namespace incasso
