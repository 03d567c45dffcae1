#include "storage/bulk_writer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <deque>
#include <map>
#include <span>
#include <string>
#include <unordered_map>

#include "core/time.hpp"
#include "storage/json_text.hpp"
#include "storage/position_rows.hpp"

namespace incasso::storage {
namespace {

// PRAGMA cache_size of an importing SQLite connection, in KiB (negative: a size, not pages).
constexpr int kSqliteImportCacheKib = -200 * 1024;

SqlValue Text(std::string_view s) { return std::string(s); }
SqlValue Int(std::int64_t v) { return v; }
SqlValue Bool(bool b) { return std::int64_t{b ? 1 : 0}; }
SqlValue Time(TimePoint t) { return FormatDateTime(t); }
SqlValue OptTime(const std::optional<TimePoint>& t) {
  if (!t) return kNull;
  return FormatDateTime(*t);
}

// Column lists of the three tables a position is stored in, in the order the batches write them.
constexpr const char* kPositionInsertColumns[] = {"id",
                                                  "entity_id",
                                                  "iupd",
                                                  "debtor_type",
                                                  "debtor_fiscal_code",
                                                  "debtor_full_name",
                                                  "debtor_street_name",
                                                  "debtor_civic_number",
                                                  "debtor_postal_code",
                                                  "debtor_city",
                                                  "debtor_province",
                                                  "debtor_region",
                                                  "debtor_country",
                                                  "debtor_email",
                                                  "debtor_phone",
                                                  "company_name",
                                                  "office_name",
                                                  "validity_date",
                                                  "switch_to_expired",
                                                  "pay_stand_in",
                                                  "status",
                                                  "version",
                                                  "created_at",
                                                  "updated_at",
                                                  "publish_date",
                                                  "payment_date"};
constexpr const char* kOptionInsertColumns[] = {
    "id",     "position_id", "entity_id",          "iuv",      "nav",
    "amount", "description", "is_partial_payment", "due_date", "retention_date",
    "fee",    "status",      "payment_date",       "metadata"};
constexpr const char* kTransferInsertColumns[] = {"option_id",
                                                  "id_transfer",
                                                  "amount",
                                                  "entity_fiscal_code",
                                                  "remittance_information",
                                                  "category",
                                                  "iban",
                                                  "postal_iban",
                                                  "stamp_hash_document",
                                                  "stamp_type",
                                                  "stamp_provincial_residence",
                                                  "company_name",
                                                  "metadata"};

// A table's rows to insert, row-major. The cells borrow their text from the positions being
// inserted or from `owned` (texts made for this batch), so a batch must not outlive either.
struct Batch {
  Batch(std::string_view t, std::span<const char* const> c) : table(t), columns(c) {}

  std::string_view table;
  std::span<const char* const> columns;
  std::vector<SqlCell> values;
  std::deque<std::string> owned;  // a deque: growing it does not move the strings

  std::optional<TimePoint> last_time;  // TimeCell's last text, owned[last_time_at]
  std::size_t last_time_at = 0;

  SqlCell Own(std::string text) { return std::string_view(owned.emplace_back(std::move(text))); }
  SqlRows Rows() const { return {table, columns, values}; }
};

SqlCell Cell(std::string_view s) { return s; }
SqlCell Cell(const char* s) { return std::string_view(s); }
SqlCell Cell(std::int64_t v) { return v; }
SqlCell Flag(bool b) { return std::int64_t{b ? 1 : 0}; }

std::string PgList(const std::vector<std::string>& items) {
  std::string out = "{";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    out += '"';
    for (char c : items[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  out += '}';
  return out;
}

std::string JsonList(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    out += json::Quote(items[i]);
  }
  out += ']';
  return out;
}

Error Mapped(Error e, std::string_view what) {
  if (e.code == ErrorCode::kConflict) {
    std::string key = UniqueKeyOf(e);
    if (key == "debt_position(entity_id,iupd)") {
      return Error{ErrorCode::kConflict, "iupd", "the entity already has a position with this iupd",
                   std::move(e.detail)};
    }
    if (key == "payment_option(entity_id,iuv)" || key == "payment_option(entity_id,nav)") {
      return Error{ErrorCode::kConflict, "iuv",
                   "the entity already has a payment option with this IUV", std::move(e.detail)};
    }
  }
  if (e.detail.empty()) e.detail = std::string(what);
  return e;
}

class SqlBulkWriter final : public BulkPositionWriter {
 public:
  SqlBulkWriter(Db& db, std::int64_t entity_id, bool read_only, Transaction tx)
      : db_(db),
        entity_id_(entity_id),
        read_only_(read_only),
        pg_(db.Dialect() == "postgresql"),
        tx_(std::in_place, std::move(tx)) {}

  ~SqlBulkWriter() override {
    if (tx_) EndBigCache();  // before the rollback of an uncommitted import
  }

  // SQLite: a page cache large enough for the indexes of a big import, so that the transaction
  // does not spill dirty pages to the WAL and read them back (the default is 2 MB). Set back to
  // the connection's own size before each commit: pooled connections keep a small cache.
  Status StartBigCache() {
    if (pg_ || read_only_) return Ok();
    auto rows = tx_->Query("PRAGMA cache_size");
    if (!rows.ok()) return rows.error();
    if (!rows->empty()) normal_cache_ = rows->front().Int(0);
    auto set = tx_->Execute(fmt::format("PRAGMA cache_size = {}", kSqliteImportCacheKib));
    if (!set.ok()) return set.error();
    return Ok();
  }

  Result<std::vector<DebtPosition>> FindPositions(const std::vector<std::string>& iupds) override {
    INCASSO_TRY(Settle());
    std::vector<DebtPosition> out;
    if (iupds.empty()) return out;
    auto rows =
        tx_->Query(ByKeys(fmt::format("SELECT {} FROM debt_position p WHERE p.entity_id = $1 AND",
                                      kPositionColumns),
                          "p.iupd", "$2", "text"),
                   {Int(entity_id_), List(iupds)});
    if (!rows.ok()) return rows.error();
    std::vector<std::string> ids;
    std::unordered_map<std::int64_t, std::size_t> by_id;
    for (const Row& row : *rows) {
      auto p = ReadPosition(row);
      if (!p.ok()) return p.error();
      ids.push_back(std::to_string(p->id));
      by_id[p->id] = out.size();
      out.push_back(std::move(*p));
    }
    if (out.empty()) return out;
    auto options = tx_->Query(
        ByKeys(
            fmt::format("SELECT {} FROM payment_option WHERE entity_id = $1 AND", kOptionColumns),
            "position_id", "$2", "bigint", "position_id, id"),
        {Int(entity_id_), List(ids)});
    if (!options.ok()) return options.error();
    std::unordered_map<std::int64_t, std::pair<std::size_t, std::size_t>> option_at;
    std::vector<std::string> option_ids;
    for (const Row& row : *options) {
      std::int64_t position_id = 0;
      auto o = ReadOption(row, position_id);
      if (!o.ok()) return o.error();
      auto owner = by_id.find(position_id);
      if (owner == by_id.end()) continue;
      auto& list = out[owner->second].options;
      option_at[o->id] = {owner->second, list.size()};
      option_ids.push_back(std::to_string(o->id));
      list.push_back(std::move(*o));
    }
    if (option_ids.empty()) return out;
    // t.id last, for the order only: transfers in insertion order, as Store::GetPosition reads.
    auto transfers =
        tx_->Query(ByKeys(fmt::format("SELECT {}, t.id FROM transfer t WHERE", kTransferColumns),
                          "t.option_id", "$1", "bigint", "option_id, id"),
                   {List(option_ids)});
    if (!transfers.ok()) return transfers.error();
    for (const Row& row : *transfers) {
      std::int64_t option_id = 0;
      auto t = ReadTransfer(row, option_id);
      if (!t.ok()) return t.error();
      auto at = option_at.find(option_id);
      if (at == option_at.end()) continue;
      out[at->second.first].options[at->second.second].transfers.push_back(std::move(*t));
    }
    return out;
  }

  Result<std::vector<std::pair<std::string, std::string>>> FindTakenIuvs(
      const std::vector<std::string>& iuvs) override {
    INCASSO_TRY(Settle());
    std::vector<std::pair<std::string, std::string>> out;
    if (iuvs.empty()) return out;
    auto rows = tx_->Query(ByKeys("SELECT o.iuv, p.iupd FROM payment_option o JOIN debt_position p "
                                  "ON p.id = o.position_id WHERE o.entity_id = $1 AND",
                                  "o.iuv", "$2", "text"),
                           {Int(entity_id_), List(iuvs)});
    if (!rows.ok()) return rows.error();
    for (const Row& row : *rows) out.emplace_back(row.Text(0), row.Text(1));
    return out;
  }

  Result<std::uint64_t> ReserveIuvBases(int count) override {
    if (read_only_) return Internal("database error", "bulk writer is read-only");
    if (count < 1 || count > 1'000'000) return InvalidArgument("count", "must be 1 to 1000000");
    auto reserve = [&](Transaction& tx, int n) { return ReserveIuvBasesIn(tx, entity_id_, n); };
    if (!pg_) return reserve(*tx_, count);
    // PostgreSQL commits each reservation (an fsync): numbers are taken in blocks that double,
    // up to kIuvBlockMax, and handed out from there. A block's unused rest is never handed out
    // (as with any reservation of a failed import): at most kIuvBlockMax numbers per import.
    if (static_cast<std::uint64_t>(count) > iuv_left_) {
      const std::int64_t block =
          std::max<std::int64_t>(count, std::min<std::int64_t>(2 * iuv_block_, kIuvBlockMax));
      auto first = db_.InTransaction(
          TxMode::kWrite, [&](Transaction& tx) { return reserve(tx, static_cast<int>(block)); });
      if (!first.ok()) return first.error();
      iuv_next_ = *first;
      iuv_left_ = static_cast<std::uint64_t>(block);
      iuv_block_ = block;
    }
    const std::uint64_t first = iuv_next_;
    iuv_next_ += static_cast<std::uint64_t>(count);
    iuv_left_ -= static_cast<std::uint64_t>(count);
    return first;
  }

  Status InsertPositions(const std::vector<DebtPosition>& positions) override {
    if (read_only_) return Internal("database error", "bulk writer is read-only");
    INCASSO_TRY(Settle());
    if (positions.empty()) return Ok();
    std::size_t option_count = 0, transfer_count = 0;
    for (const DebtPosition& p : positions) {
      option_count += p.options.size();
      for (const PaymentOption& o : p.options) transfer_count += o.transfers.size();
    }
    auto position_ids = NextIds("debt_position", positions.size());
    if (!position_ids.ok()) return position_ids.error();
    auto option_ids = NextIds("payment_option", option_count);
    if (!option_ids.ok()) return option_ids.error();

    Batch pos{"debt_position", kPositionInsertColumns};
    Batch opt{"payment_option", kOptionInsertColumns};
    Batch tr{"transfer", kTransferInsertColumns};
    pos.values.reserve(positions.size() * pos.columns.size());
    opt.values.reserve(option_count * opt.columns.size());
    tr.values.reserve(transfer_count * tr.columns.size());
    std::size_t next_option = 0;
    for (std::size_t i = 0; i < positions.size(); ++i) {
      const DebtPosition& p = positions[i];
      const std::int64_t pid = (*position_ids)[i];
      const Debtor& d = p.debtor;
      for (SqlCell v : {Cell(pid),
                        Cell(entity_id_),
                        Cell(p.iupd),
                        Cell(ToString(d.type)),
                        Cell(d.fiscal_code),
                        Cell(d.full_name),
                        Cell(d.street_name),
                        Cell(d.civic_number),
                        Cell(d.postal_code),
                        Cell(d.city),
                        Cell(d.province),
                        Cell(d.region),
                        Cell(d.country),
                        Cell(d.email),
                        Cell(d.phone),
                        Cell(p.company_name),
                        Cell(p.office_name),
                        TimeCell(pos, p.validity_date),
                        Flag(p.switch_to_expired),
                        Flag(p.pay_stand_in),
                        Cell(ToString(p.status)),
                        Cell(std::int64_t{1}),
                        TimeCell(pos, p.created_at),
                        TimeCell(pos, p.updated_at),
                        TimeCell(pos, p.publish_date),
                        TimeCell(pos, p.payment_date)}) {
        pos.values.push_back(v);
      }
    }
    // Each table's rows go out as soon as they are made: on PostgreSQL the server stores the
    // positions while the options are being encoded (SendRows), and so on.
    INCASSO_TRY(Insert(pos));
    for (std::size_t i = 0; i < positions.size(); ++i) {
      AppendOptions(positions[i], (*position_ids)[i], *option_ids, next_option, opt, tr);
    }
    INCASSO_TRY(Insert(opt));
    INCASSO_TRY(Insert(tr));
    return Ok();
  }

  Status ReplacePosition(const DebtPosition& p, std::int64_t expected_version) override {
    if (read_only_) return Internal("database error", "bulk writer is read-only");
    INCASSO_TRY(Settle());
    const Debtor& d = p.debtor;
    auto rows = tx_->Query(
        "UPDATE debt_position SET debtor_type = $4, debtor_fiscal_code = $5, "
        "debtor_full_name = $6, debtor_street_name = $7, debtor_civic_number = $8, "
        "debtor_postal_code = $9, debtor_city = $10, debtor_province = $11, "
        "debtor_region = $12, debtor_country = $13, debtor_email = $14, debtor_phone = $15, "
        "company_name = $16, office_name = $17, validity_date = $18, switch_to_expired = $19, "
        "pay_stand_in = $20, status = $21, version = version + 1, updated_at = $22, "
        "publish_date = $23 WHERE entity_id = $1 AND iupd = $2 AND version = $3 RETURNING id",
        {Int(entity_id_),
         Text(p.iupd),
         Int(expected_version),
         Text(ToString(d.type)),
         Text(d.fiscal_code),
         Text(d.full_name),
         Text(d.street_name),
         Text(d.civic_number),
         Text(d.postal_code),
         Text(d.city),
         Text(d.province),
         Text(d.region),
         Text(d.country),
         Text(d.email),
         Text(d.phone),
         Text(p.company_name),
         Text(p.office_name),
         OptTime(p.validity_date),
         Bool(p.switch_to_expired),
         Bool(p.pay_stand_in),
         Text(ToString(p.status)),
         Time(p.updated_at),
         OptTime(p.publish_date)});
    if (!rows.ok()) return Mapped(rows.error(), "replace position");
    if (rows->empty()) {
      return Conflict("version", "the position was changed by someone else during the import");
    }
    const std::int64_t pid = rows->front().Int(0);
    auto dropped = tx_->Execute(
        "DELETE FROM transfer WHERE option_id IN (SELECT id FROM payment_option WHERE "
        "entity_id = $1 AND position_id = $2)",
        {Int(entity_id_), Int(pid)});
    if (!dropped.ok()) return dropped.error();
    dropped = tx_->Execute("DELETE FROM payment_option WHERE entity_id = $1 AND position_id = $2",
                           {Int(entity_id_), Int(pid)});
    if (!dropped.ok()) return dropped.error();
    auto option_ids = NextIds("payment_option", p.options.size());
    if (!option_ids.ok()) return option_ids.error();
    Batch opt{"payment_option", kOptionInsertColumns};
    Batch tr{"transfer", kTransferInsertColumns};
    std::size_t next = 0;
    AppendOptions(p, pid, *option_ids, next, opt, tr);
    INCASSO_TRY(Insert(opt));
    INCASSO_TRY(Insert(tr));
    return Ok();
  }

  Status Checkpoint() override {
    if (read_only_) return Ok();
    INCASSO_TRY(Settle());
    EndBigCache();
    INCASSO_TRY(tx_->Commit());
    auto tx = db_.Begin(TxMode::kWrite);
    if (!tx.ok()) return tx.error();
    tx_.emplace(std::move(*tx));
    sqlite_next_.clear();
    return StartBigCache();
  }

  Status Commit() override {
    if (read_only_) {
      tx_->Rollback();
      return Ok();
    }
    INCASSO_TRY(Settle());
    EndBigCache();
    return tx_->Commit();
  }

  Status QueueOutbox(std::string_view kind, std::string_view reference, std::string_view payload,
                     TimePoint at) override {
    if (read_only_) return Internal("a dry run writes nothing");
    INCASSO_TRY(Settle());
    auto queued = tx_->Execute(
        "INSERT INTO outbox (entity_id, kind, reference, payload, created_at, attempts) "
        "VALUES ($1, $2, $3, $4, $5, 0)",
        {Int(entity_id_), Text(kind), Text(reference), Text(payload), Time(at)});
    if (!queued.ok()) return queued.error();
    return Ok();
  }

 private:
  // `select_where` (a SELECT ending in WHERE or AND) completed with "`key` is in the list
  // `param`" (List), ordered by `order_by` if given. PostgreSQL: one index probe per key (a
  // LATERAL subquery, kept apart from the join by OFFSET 0). A plain `key = ANY(list)` goes wrong
  // there: the planner has no statistics for the rows this import inserted, estimates a handful
  // of rows for the entity and scans all of them (on the (entity_id, ...) indexes) for each batch.
  std::string ByKeys(std::string_view select_where, std::string_view key, std::string_view param,
                     std::string_view pg_type, std::string_view order_by = {}) const {
    std::string order = order_by.empty() ? "" : fmt::format(" ORDER BY {}", order_by);
    if (pg_) {
      return fmt::format(
          "SELECT s.* FROM (SELECT DISTINCT unnest({}::{}[])) AS k(key) CROSS JOIN LATERAL "
          "({} {} = k.key OFFSET 0) "
          "AS s{}",
          param, pg_type, select_where, key, order);
    }
    return fmt::format("{} {} IN (SELECT value FROM json_each({})){}", select_where, key, param,
                       order);
  }
  SqlValue List(const std::vector<std::string>& items) const {
    return pg_ ? PgList(items) : JsonList(items);
  }
  void EndBigCache() {
    if (pg_ || read_only_ || !normal_cache_) return;
    // Best effort: dirty pages stay pinned until the commit, which then trims the cache.
    (void)tx_->Execute(fmt::format("PRAGMA cache_size = {}", *normal_cache_));
    normal_cache_.reset();
  }

  // The text of a time: positions of one import mostly share their times (now, due dates), so
  // each distinct one is formatted once per batch.
  static SqlCell TimeCell(Batch& b, const std::optional<TimePoint>& t) {
    if (!t) return kNull;
    return TimeCell(b, *t);
  }
  static SqlCell TimeCell(Batch& b, TimePoint t) {
    if (!b.owned.empty() && b.last_time == t) return std::string_view(b.owned[b.last_time_at]);
    b.last_time = t;
    b.last_time_at = b.owned.size();
    return b.Own(FormatDateTime(t));
  }
  static SqlCell MetadataCell(Batch& b, const std::vector<Metadata>& list) {
    if (list.empty()) return std::string_view("[]");
    return b.Own(MetadataJson(list));
  }

  void AppendOptions(const DebtPosition& p, std::int64_t pid, const std::vector<std::int64_t>& ids,
                     std::size_t& next, Batch& opt, Batch& tr) const {
    for (const PaymentOption& o : p.options) {
      const std::int64_t oid = ids[next++];
      for (SqlCell v :
           {Cell(oid), Cell(pid), Cell(entity_id_), Cell(o.iuv), Cell(o.nav), Cell(o.amount),
            Cell(o.description), Flag(o.is_partial_payment), TimeCell(opt, o.due_date),
            TimeCell(opt, o.retention_date), Cell(o.fee), Cell(ToString(o.status)),
            TimeCell(opt, o.payment_date), MetadataCell(opt, o.metadata)}) {
        opt.values.push_back(v);
      }
      for (const Transfer& t : o.transfers) {
        SqlCell hash = kNull, type = kNull, province = kNull;
        if (t.stamp) {
          hash = Cell(t.stamp->hash_document);
          type = Cell(t.stamp->stamp_type);
          province = Cell(t.stamp->provincial_residence);
        }
        for (SqlCell v : {Cell(oid), Cell(std::int64_t{t.id_transfer}), Cell(t.amount),
                          Cell(t.entity_fiscal_code), Cell(t.remittance_information),
                          Cell(t.category), Cell(t.iban), Cell(t.postal_iban), hash, type, province,
                          Cell(t.company_name), MetadataCell(tr, t.metadata)}) {
          tr.values.push_back(v);
        }
      }
    }
  }

  // `n` fresh primary keys for `table`. PostgreSQL: from its identity sequence (never reused).
  // SQLite: above both the largest id and the AUTOINCREMENT high-water mark; safe because the
  // transaction holds the write lock, and inserting them advances sqlite_sequence.
  Result<std::vector<std::int64_t>> NextIds(const char* table, std::size_t n) {
    std::vector<std::int64_t> ids;
    if (n == 0) return ids;
    ids.reserve(n);
    if (pg_) {
      // The sequence's name once per table (pg_get_serial_sequence in the select list would run
      // once per id).
      auto seq = pg_sequence_.find(table);
      if (seq == pg_sequence_.end()) {
        auto name = tx_->Query("SELECT pg_get_serial_sequence($1, 'id')", {Text(table)});
        if (!name.ok()) return name.error();
        if (name->empty() || name->front().IsNull(0)) {
          return Internal("database error", fmt::format("no id sequence for {}", table));
        }
        seq = pg_sequence_.emplace(table, name->front().Text(0)).first;
      }
      auto rows = tx_->Query("SELECT nextval($1::regclass) FROM generate_series(1, $2)",
                             {Text(seq->second), Int(static_cast<std::int64_t>(n))});
      if (!rows.ok()) return rows.error();
      for (const Row& r : *rows) ids.push_back(r.Int(0));
      return ids;
    }
    auto it = sqlite_next_.find(table);
    if (it == sqlite_next_.end()) {
      auto rows = tx_->Query(fmt::format(
          "SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = '{0}'), 0), "
          "COALESCE((SELECT MAX(id) FROM {0}), 0))",
          table));
      if (!rows.ok()) return rows.error();
      it = sqlite_next_.emplace(table, rows->front().Int(0) + 1).first;
    }
    for (std::size_t i = 0; i < n; ++i) ids.push_back(it->second++);
    return ids;
  }

  // Sends the rows; on PostgreSQL their outcome is read by the next Settle (the COPY stays in
  // flight meanwhile), so every entry point settles first to name a failed COPY's field.
  Status Insert(const Batch& b) {
    if (b.values.empty()) return Ok();
    Status sent = tx_->SendRows(b.Rows());  // settles the previous rows itself, after encoding
    sent_table_ = b.table;
    if (!sent.ok()) return Mapped(sent.error(), sent_table_);
    return Ok();
  }
  Status Settle() {
    Status done = tx_->Settle();
    if (!done.ok()) return Mapped(done.error(), sent_table_);
    return Ok();
  }

  Db& db_;
  const std::int64_t entity_id_;
  const bool read_only_;
  const bool pg_;
  std::optional<Transaction> tx_;
  std::optional<std::int64_t> normal_cache_;  // SQLite: cache_size to restore (StartBigCache)
  std::map<std::string, std::int64_t> sqlite_next_;
  std::map<std::string, std::string> pg_sequence_;  // table -> its id sequence
  std::string_view sent_table_;                     // of the last rows sent (Insert)
  // PostgreSQL: IUV bases reserved and not yet handed out (ReserveIuvBases).
  static constexpr std::int64_t kIuvBlockMax = 50'000;
  std::uint64_t iuv_next_ = 0, iuv_left_ = 0;
  std::int64_t iuv_block_ = 0;
};

}  // namespace

Result<std::unique_ptr<BulkPositionWriter>> NewBulkWriter(Db& db, std::int64_t entity_id,
                                                          bool read_only) {
  auto tx = db.Begin(read_only ? TxMode::kRead : TxMode::kWrite);
  if (!tx.ok()) return tx.error();
  auto writer = std::make_unique<SqlBulkWriter>(db, entity_id, read_only, std::move(*tx));
  INCASSO_TRY(writer->StartBigCache());
  return std::unique_ptr<BulkPositionWriter>(std::move(writer));
}

}  // namespace incasso::storage
