#include "app/exports.hpp"

#include "app/entities.hpp"
#include "core/time.hpp"

namespace incasso {
namespace {

ExportCell Text(std::string s) { return ExportCell{std::move(s), 0, false}; }
ExportCell Money(std::int64_t cents) { return ExportCell{{}, cents, false}; }
ExportCell Integer(std::int64_t n) { return ExportCell{{}, n, false}; }
ExportCell Empty() { return ExportCell{{}, 0, true}; }
ExportCell When(const std::optional<TimePoint>& t) {
  return t ? Text(FormatDateTime(*t)) : Empty();
}

Status CheckQuery(const ExportQuery& q) {
  if (q.page_size < 1 || q.page_size > 1000) {
    return InvalidArgument("pageSize", "must be 1 to 1000");
  }
  if (q.from && q.to && *q.to < *q.from) return InvalidArgument("to", "must not be before from");
  return Ok();
}

PositionFilter FilterOf(const ExportQuery& q) {
  PositionFilter f;
  f.status = q.status;
  f.due_from = q.from;
  f.due_to = q.to;
  // Oldest first by insertion, ties by id: a stable order for offset paging.
  f.order_by = PositionFilter::Order::kInsertedDate;
  f.ascending = true;
  f.limit = q.page_size;
  f.offset = 0;
  return f;
}

// Pages through the entity's positions, calling `each` per position; stops at the first error.
template <typename Fn>
Status ForEachPosition(AppContext& ctx, std::int64_t entity_id, const ExportQuery& q, Fn each) {
  PositionFilter f = FilterOf(q);
  for (;;) {
    auto page = ctx.store.ListPositions(entity_id, f);
    if (!page.ok()) return page.error();
    for (const DebtPosition& p : *page) INCASSO_TRY(each(p));
    if (static_cast<int>(page->size()) < f.limit) return Ok();
    f.offset += f.limit;
  }
}

std::string DebtorName(const Debtor& d) { return d.full_name; }

}  // namespace

Result<std::int64_t> ExportPositions(AppContext& ctx, std::string_view entity_fiscal_code,
                                     const ExportQuery& query, TableSink& sink) {
  INCASSO_TRY(CheckQuery(query));
  auto entity = GetEntity(ctx, entity_fiscal_code);
  if (!entity.ok()) return entity.error();
  INCASSO_TRY(sink.Begin({{"iupd", ExportKind::kText},
                          {"status", ExportKind::kText},
                          {"debtor_type", ExportKind::kText},
                          {"debtor_fiscal_code", ExportKind::kText},
                          {"debtor_name", ExportKind::kText},
                          {"debtor_email", ExportKind::kText},
                          {"company_name", ExportKind::kText},
                          {"options", ExportKind::kInteger},
                          {"amount_total", ExportKind::kMoney},
                          {"first_due_date", ExportKind::kDateTime},
                          {"validity_date", ExportKind::kDateTime},
                          {"publish_date", ExportKind::kDateTime},
                          {"payment_date", ExportKind::kDateTime},
                          {"created_at", ExportKind::kDateTime},
                          {"updated_at", ExportKind::kDateTime}}));
  std::int64_t rows = 0;
  std::vector<ExportCell> cells;
  INCASSO_TRY(ForEachPosition(ctx, entity->id, query, [&](const DebtPosition& p) -> Status {
    // amount_total: the single payment if there is one, else the sum of the instalments.
    std::int64_t single = -1;
    std::int64_t instalments = 0;
    std::optional<TimePoint> first_due;
    for (const PaymentOption& o : p.options) {
      if (o.is_partial_payment) {
        instalments += o.amount;
      } else {
        single = o.amount;
      }
      if (!first_due || o.due_date < *first_due) first_due = o.due_date;
    }
    cells.clear();
    cells.push_back(Text(p.iupd));
    cells.push_back(Text(ToString(p.status)));
    cells.push_back(Text(ToString(p.debtor.type)));
    cells.push_back(Text(p.debtor.fiscal_code));
    cells.push_back(Text(DebtorName(p.debtor)));
    cells.push_back(Text(p.debtor.email));
    cells.push_back(Text(p.company_name));
    cells.push_back(Integer(static_cast<std::int64_t>(p.options.size())));
    cells.push_back(Money(single >= 0 ? single : instalments));
    cells.push_back(When(first_due));
    cells.push_back(When(p.validity_date));
    cells.push_back(When(p.publish_date));
    cells.push_back(When(p.payment_date));
    cells.push_back(Text(FormatDateTime(p.created_at)));
    cells.push_back(Text(FormatDateTime(p.updated_at)));
    ++rows;
    return sink.Row(cells);
  }));
  INCASSO_TRY(sink.Finish());
  return rows;
}

Result<std::int64_t> ExportOptions(AppContext& ctx, std::string_view entity_fiscal_code,
                                   const ExportQuery& query, TableSink& sink) {
  INCASSO_TRY(CheckQuery(query));
  auto entity = GetEntity(ctx, entity_fiscal_code);
  if (!entity.ok()) return entity.error();
  INCASSO_TRY(sink.Begin({{"iupd", ExportKind::kText},
                          {"position_status", ExportKind::kText},
                          {"debtor_fiscal_code", ExportKind::kText},
                          {"debtor_name", ExportKind::kText},
                          {"notice_number", ExportKind::kText},
                          {"iuv", ExportKind::kText},
                          {"description", ExportKind::kText},
                          {"amount", ExportKind::kMoney},
                          {"instalment", ExportKind::kText},
                          {"due_date", ExportKind::kDateTime},
                          {"option_status", ExportKind::kText},
                          {"payment_date", ExportKind::kDateTime},
                          {"transfers", ExportKind::kInteger},
                          {"iban", ExportKind::kText},
                          {"taxonomy", ExportKind::kText}}));
  std::int64_t rows = 0;
  std::vector<ExportCell> cells;
  INCASSO_TRY(ForEachPosition(ctx, entity->id, query, [&](const DebtPosition& p) -> Status {
    for (const PaymentOption& o : p.options) {
      // The option filter is the position filter (GPD lists positions); options outside the due
      // range of a matching position are still listed with it, as the list endpoint shows them.
      cells.clear();
      cells.push_back(Text(p.iupd));
      cells.push_back(Text(ToString(p.status)));
      cells.push_back(Text(p.debtor.fiscal_code));
      cells.push_back(Text(DebtorName(p.debtor)));
      cells.push_back(Text(o.nav));
      cells.push_back(Text(o.iuv));
      cells.push_back(Text(o.description));
      cells.push_back(Money(o.amount));
      cells.push_back(Text(o.is_partial_payment ? "yes" : "no"));
      cells.push_back(Text(FormatDateTime(o.due_date)));
      cells.push_back(Text(ToString(o.status)));
      cells.push_back(When(o.payment_date));
      cells.push_back(Integer(static_cast<std::int64_t>(o.transfers.size())));
      const Transfer* first = o.transfers.empty() ? nullptr : &o.transfers.front();
      cells.push_back(first ? Text(first->iban) : Empty());
      cells.push_back(first ? Text(first->category) : Empty());
      ++rows;
      INCASSO_TRY(sink.Row(cells));
    }
    return Ok();
  }));
  INCASSO_TRY(sink.Finish());
  return rows;
}

Result<std::int64_t> ExportReceipts(AppContext& ctx, std::string_view entity_fiscal_code,
                                    const ExportQuery& query, TableSink& sink) {
  INCASSO_TRY(CheckQuery(query));
  auto entity = GetEntity(ctx, entity_fiscal_code);
  if (!entity.ok()) return entity.error();
  INCASSO_TRY(sink.Begin({{"receipt_id", ExportKind::kText},
                          {"notice_number", ExportKind::kText},
                          {"iuv", ExportKind::kText},
                          {"fiscal_code", ExportKind::kText},
                          {"outcome", ExportKind::kText},
                          {"kind", ExportKind::kText},
                          {"amount", ExportKind::kMoney},
                          {"fee", ExportKind::kMoney},
                          {"payment_date_time", ExportKind::kDateTime},
                          {"application_date", ExportKind::kText},
                          {"transfer_date", ExportKind::kText},
                          {"psp_id", ExportKind::kText},
                          {"psp_company_name", ExportKind::kText},
                          {"payment_method", ExportKind::kText},
                          {"debtor_fiscal_code", ExportKind::kText},
                          {"debtor_name", ExportKind::kText},
                          {"received_at", ExportKind::kDateTime}}));
  ReceiptFilter f;
  f.kind = query.receipt_kind;
  f.paid_from = query.from;
  f.paid_to = query.to;
  f.limit = query.page_size;
  f.offset = 0;
  std::int64_t rows = 0;
  std::vector<ExportCell> cells;
  for (;;) {
    auto page = ctx.store.ListReceipts(entity->id, f);
    if (!page.ok()) return page.error();
    for (const StoredReceipt& s : *page) {
      const Receipt& r = s.receipt;
      cells.clear();
      cells.push_back(Text(r.receipt_id));
      cells.push_back(Text(r.notice_number));
      cells.push_back(Text(r.iuv));
      cells.push_back(Text(r.fiscal_code));
      cells.push_back(Text(r.outcome));
      cells.push_back(Text(s.kind));
      cells.push_back(Money(r.amount));
      cells.push_back(r.fee ? Money(*r.fee) : Empty());
      cells.push_back(When(r.payment_date_time));
      cells.push_back(Text(r.application_date));
      cells.push_back(Text(r.transfer_date));
      cells.push_back(Text(r.psp_id));
      cells.push_back(Text(r.psp_company_name));
      cells.push_back(Text(r.payment_method));
      cells.push_back(Text(r.debtor.fiscal_code));
      cells.push_back(Text(r.debtor.full_name));
      cells.push_back(Text(FormatDateTime(r.received_at)));
      ++rows;
      INCASSO_TRY(sink.Row(cells));
    }
    if (static_cast<int>(page->size()) < f.limit) break;
    f.offset += f.limit;
  }
  INCASSO_TRY(sink.Finish());
  return rows;
}

ExportFunction FindExport(std::string_view what) {
  if (what == "positions") return &ExportPositions;
  if (what == "options") return &ExportOptions;
  if (what == "receipts") return &ExportReceipts;
  return nullptr;
}

}  // namespace incasso
