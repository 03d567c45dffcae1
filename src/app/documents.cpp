#include "app/documents.hpp"

#include <algorithm>

namespace incasso {
namespace {

Result<Entity> FindEntity(AppContext& ctx, std::string_view fiscal_code) {
  auto entity = ctx.store.FindEntityByFiscalCode(fiscal_code);
  if (!entity.ok()) return entity.error();
  if (!*entity)
    return NotFound("no creditor institution with fiscal code " + std::string(fiscal_code));
  return **entity;
}

// UTF-8 aware cut to at most `max` code points (the notice guide's field limits).
std::string Cut(std::string_view s, std::size_t max) {
  std::size_t points = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (points == max) return std::string(s.substr(0, i));
      ++points;
    }
  }
  return std::string(s);
}

std::string Join(std::initializer_list<std::string_view> parts, std::string_view sep) {
  std::string out;
  for (auto p : parts) {
    if (p.empty()) continue;
    if (!out.empty()) out += sep;
    out += p;
  }
  return out;
}

Status CheckPrintable(const DebtPosition& p) {
  switch (p.status) {
    case PositionStatus::kPublished:
    case PositionStatus::kValid:
    case PositionStatus::kPartiallyPaid:
      return Ok();
    case PositionStatus::kDraft:
      return Conflict("status", "the position is a draft: publish it before printing its notice");
    case PositionStatus::kPaid:
    case PositionStatus::kReported:
      return Conflict("status", "the position is paid already");
    case PositionStatus::kInvalid:
      return Conflict("status", "the position was invalidated");
    case PositionStatus::kExpired:
      return Conflict("status", "the position has expired");
  }
  return Conflict("status", "the position cannot be paid");
}

NoticePayment Payment(const PaymentOption& o) {
  NoticePayment p;
  p.notice_number = o.nav;
  p.amount_cents = o.amount;
  // GPD gives every option a due date; pagoPA's "senza scadenza" has none. A due date past
  // 31/12/9998 is how a clerk says "no due date".
  const auto day = std::chrono::floor<std::chrono::days>(o.due_date);
  if (o.due_date != TimePoint{} &&
      std::chrono::year_month_day{day}.year() < std::chrono::year{9999}) {
    p.due_date = day;
  }
  return p;
}

NoticeDocument Assemble(const Entity& e, const DebtPosition& p, const PaymentOption* single,
                        std::vector<const PaymentOption*> instalments, const NoticeOptions& o,
                        TimePoint now) {
  NoticeDocument d;
  const PaymentOption* first = single != nullptr ? single : instalments.front();
  d.subject =
      Cut(first->description.empty() ? p.company_name : first->description, kNoticeSubjectMax);
  d.creditor.fiscal_code = e.fiscal_code;
  d.creditor.name = Cut(e.name, kNoticeEntityNameMax);
  d.creditor.sector = Cut(e.department, kNoticeEntitySectorMax);
  d.creditor.info = Cut(Join({e.website, e.email, e.phone}, " - "), kNoticeEntityInfoMax);
  d.creditor.cbill = e.cbill_code;
  d.creditor.logo_png = o.logo_png;
  d.creditor.postal_account = e.postal_account;
  d.creditor.postal_authorization =
      o.postal_authorization.empty() ? e.postal_authorization : o.postal_authorization;
  if (p.debtor.fiscal_code != "ANONIMO") d.recipient.fiscal_code = p.debtor.fiscal_code;
  d.recipient.full_name = Cut(p.debtor.full_name, kNoticeRecipientNameMax);
  std::string street = Join({p.debtor.street_name, p.debtor.civic_number}, " ");
  std::string city = Join({p.debtor.postal_code, p.debtor.city}, " ");
  if (!p.debtor.province.empty()) city += " (" + p.debtor.province + ")";
  d.recipient.address = Cut(Join({street, city}, ", "), kNoticeRecipientAddressMax);
  if (single != nullptr) d.single = Payment(*single);
  std::sort(instalments.begin(), instalments.end(),
            [](const PaymentOption* a, const PaymentOption* b) {
              return a->due_date != b->due_date ? a->due_date < b->due_date : a->nav < b->nav;
            });
  if (instalments.size() >= 2) {
    for (const auto* i : instalments) d.instalments.push_back(Payment(*i));
  } else if (instalments.size() == 1 && single == nullptr) {
    d.single = Payment(*instalments.front());  // the last unpaid instalment of a plan
  }
  d.language = o.language
                   ? *o.language
                   : ParseNoticeLanguage(e.notice_language).value_or(NoticeLanguage::kItalianOnly);
  d.created_at = now;
  return d;
}

// The document for `p`, around the option `addressed` (nullptr = the whole position).
Result<NoticeDocument> PositionDocument(AppContext& ctx, const Entity& e, const DebtPosition& p,
                                        const PaymentOption* addressed, const NoticeOptions& o) {
  INCASSO_TRY(CheckPrintable(p));
  if (addressed != nullptr && addressed->status != OptionStatus::kUnpaid) {
    return Conflict("noticeNumber", "this notice is paid already");
  }
  const PaymentOption* single = nullptr;
  std::vector<const PaymentOption*> instalments;
  for (const auto& opt : p.options) {
    if (opt.status != OptionStatus::kUnpaid) continue;
    if (opt.is_partial_payment) {
      instalments.push_back(&opt);
    } else if (single == nullptr || &opt == addressed) {
      single = &opt;
    }
  }
  // Once an instalment is paid the single payment is no longer offered (GPD PARTIALLY_PAID).
  if (p.status == PositionStatus::kPartiallyPaid) single = nullptr;
  if (addressed != nullptr && !addressed->is_partial_payment) single = addressed;
  if (single == nullptr && instalments.empty()) {
    return Conflict("noticeNumber", "the position has nothing left to pay");
  }
  return Assemble(e, p, single, std::move(instalments), o, ctx.clock.Now());
}

// `o` with the entity's stored logo when the call gives none.
Result<NoticeOptions> WithEntityLogo(AppContext& ctx, const Entity& e, NoticeOptions o) {
  if (!o.logo_png.empty()) return o;
  auto logo = ctx.store.GetNoticeLogo(e.id);
  if (!logo.ok()) return logo.error();
  o.logo_png = std::move(*logo);
  return o;
}

}  // namespace

Status SetNoticeLogo(AppContext& ctx, const Caller& caller, std::string_view entity_fiscal_code,
                     std::string_view png) {
  auto e = FindEntity(ctx, entity_fiscal_code);
  if (!e.ok()) return e.error();
  if (!png.empty()) INCASSO_TRY(ValidateNoticeLogo(png));
  INCASSO_TRY(ctx.store.PutNoticeLogo(e->id, png, ctx.clock.Now()));
  RecordEvent(ctx, InboundEvent(ctx, caller, "entity.notice_logo", *e));
  return Ok();
}

Result<NoticeDocument> BuildNoticeDocument(AppContext& ctx, std::string_view entity_fiscal_code,
                                           std::string_view notice_number,
                                           const NoticeOptions& options) {
  auto e = FindEntity(ctx, entity_fiscal_code);
  if (!e.ok()) return e.error();
  auto p = ctx.store.FindPositionByNoticeNumber(e->id, notice_number);
  if (!p.ok()) return p.error();
  if (!*p) return NotFound("no notice " + std::string(notice_number) + " for this institution");
  const PaymentOption* addressed = nullptr;
  for (const auto& o : (*p)->options) {
    if (o.nav == notice_number) addressed = &o;
  }
  if (addressed == nullptr) return NotFound("no notice " + std::string(notice_number));
  auto o = WithEntityLogo(ctx, *e, options);
  if (!o.ok()) return o.error();
  return PositionDocument(ctx, *e, **p, addressed, *o);
}

Result<std::string> RenderNoticePdf(AppContext& ctx, const DocumentRenderer& renderer,
                                    std::string_view entity_fiscal_code,
                                    std::string_view notice_number, const NoticeOptions& options) {
  auto doc = BuildNoticeDocument(ctx, entity_fiscal_code, notice_number, options);
  if (!doc.ok()) return doc.error();
  return renderer.RenderNotice(*doc);
}

Result<std::string> RenderPositionPdf(AppContext& ctx, const DocumentRenderer& renderer,
                                      std::string_view entity_fiscal_code, std::string_view iupd,
                                      const NoticeOptions& options) {
  auto e = FindEntity(ctx, entity_fiscal_code);
  if (!e.ok()) return e.error();
  auto p = ctx.store.GetPosition(e->id, iupd);
  if (!p.ok()) return p.error();
  if (!*p) return NotFound("no debt position " + std::string(iupd) + " for this institution");
  auto o = WithEntityLogo(ctx, *e, options);
  if (!o.ok()) return o.error();
  auto doc = PositionDocument(ctx, *e, **p, nullptr, *o);
  if (!doc.ok()) return doc.error();
  return renderer.RenderNotice(*doc);
}

Result<ReceiptDocument> BuildReceiptDocument(AppContext& ctx, std::string_view entity_fiscal_code,
                                             std::string_view receipt_id) {
  auto e = FindEntity(ctx, entity_fiscal_code);
  if (!e.ok()) return e.error();
  auto r = ctx.store.GetReceipt(e->id, receipt_id);
  if (!r.ok()) return r.error();
  if (!*r) return NotFound("no receipt " + std::string(receipt_id) + " for this institution");
  ReceiptDocument doc;
  doc.receipt = std::move(**r);
  doc.receipt.original_xml.clear();  // not printed; may be large
  doc.creditor_name = e->name;
  doc.creditor_fiscal_code = e->fiscal_code;
  auto p = ctx.store.FindPositionByNoticeNumber(e->id, doc.receipt.notice_number);
  if (p.ok() && *p) {
    for (const auto& o : (*p)->options) {
      if (o.nav == doc.receipt.notice_number) doc.subject = o.description;
    }
  }
  if (doc.subject.empty() && !doc.receipt.transfers.empty()) {
    doc.subject = doc.receipt.transfers.front().remittance_information;
  }
  doc.created_at = ctx.clock.Now();
  return doc;
}

Result<std::string> RenderReceiptPdf(AppContext& ctx, const DocumentRenderer& renderer,
                                     std::string_view entity_fiscal_code,
                                     std::string_view receipt_id) {
  auto doc = BuildReceiptDocument(ctx, entity_fiscal_code, receipt_id);
  if (!doc.ok()) return doc.error();
  return renderer.RenderReceipt(*doc);
}

Status ForEachNoticeDocument(
    AppContext& ctx, std::string_view entity_fiscal_code, PositionFilter filter,
    const NoticeOptions& options,
    const std::function<Status(const DebtPosition&, const NoticeDocument&)>& on_notice,
    const std::function<void(const BulkProgress&)>& on_progress) {
  auto e = FindEntity(ctx, entity_fiscal_code);
  if (!e.ok()) return e.error();
  auto with_logo = WithEntityLogo(ctx, *e, options);
  if (!with_logo.ok()) return with_logo.error();
  auto total = ctx.store.CountPositions(e->id, filter);
  if (!total.ok()) return total.error();
  BulkProgress progress;
  progress.total = *total;
  if (filter.limit < 1 || filter.limit > 1000) filter.limit = 200;
  // Oldest first, so positions created during the run come at the end instead of shifting pages.
  filter.order_by = PositionFilter::Order::kInsertedDate;
  filter.ascending = true;
  filter.offset = 0;
  while (true) {
    auto page = ctx.store.ListPositions(e->id, filter);
    if (!page.ok()) return page.error();
    for (const auto& p : *page) {
      auto doc = PositionDocument(ctx, *e, p, nullptr, *with_logo);
      ++progress.done;
      if (!doc.ok()) {
        if (doc.error().code != ErrorCode::kConflict) return doc.error();
        ++progress.skipped;
      } else {
        INCASSO_TRY(on_notice(p, *doc));
      }
      if (on_progress) on_progress(progress);
    }
    if (static_cast<int>(page->size()) < filter.limit) break;
    filter.offset += filter.limit;
  }
  return Ok();
}

}  // namespace incasso
