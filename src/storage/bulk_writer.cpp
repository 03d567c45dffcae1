#include "storage/bulk_writer.hpp"

#include <fmt/format.h>

#include <map>
#include <string>
#include <unordered_map>

#include "core/time.hpp"
#include "storage/json_text.hpp"

namespace incasso::storage {
namespace {

constexpr std::size_t kSqliteRowsPerStatement = 1;
// PRAGMA cache_size of an importing SQLite connection, in KiB (negative: a size, not pages).
constexpr int kSqliteImportCacheKib = -160 * 1024;

SqlValue Text(std::string_view s) { return std::string(s); }
SqlValue Int(std::int64_t v) { return v; }
SqlValue Bool(bool b) { return std::int64_t{b ? 1 : 0}; }
SqlValue Time(TimePoint t) { return FormatDateTime(t); }
SqlValue OptTime(const std::optional<TimePoint>& t) {
  if (!t) return kNull;
  return FormatDateTime(*t);
}

std::string MetadataJson(const std::vector<Metadata>& list) {
  std::string out = "[";
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (i) out += ',';
    out += fmt::format("{{\"key\":{},\"value\":{}}}", json::Quote(list[i].key),
                       json::Quote(list[i].value));
  }
  out += ']';
  return out;
}

std::vector<Metadata> MetadataFrom(const std::optional<std::string>& text) {
  std::vector<Metadata> out;
  if (!text) return out;
  auto v = json::Parse(*text);
  if (!v.ok()) return out;
  for (const json::Value& item : v->items)
    out.push_back({item.String("key"), item.String("value")});
  return out;
}

// A table's rows to insert, column-major names and row-major values.
struct Batch {
  const char* table;
  std::vector<const char*> columns;
  std::vector<const char*> pg_types;  // per column: "bigint" or "text"
  std::vector<SqlValue> values;       // rows * columns.size()

  std::size_t rows() const { return columns.empty() ? 0 : values.size() / columns.size(); }
};

// PostgreSQL array literal of one column of the batch: {"a","b",NULL}.
std::string PgArray(const Batch& b, std::size_t col) {
  std::string out = "{";
  const std::size_t n = b.columns.size();
  for (std::size_t r = 0; r < b.rows(); ++r) {
    if (r) out += ',';
    const SqlValue& v = b.values[r * n + col];
    if (std::holds_alternative<std::monostate>(v)) {
      out += "NULL";
    } else if (const auto* i = std::get_if<std::int64_t>(&v)) {
      out += std::to_string(*i);
    } else {
      out += '"';
      for (char c : std::get<std::string>(v)) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
      }
      out += '"';
    }
  }
  out += '}';
  return out;
}

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
    std::vector<DebtPosition> out;
    if (iupds.empty()) return out;
    auto rows = tx_->Query(
        fmt::format("SELECT id, iupd, debtor_type, debtor_fiscal_code, debtor_full_name, "
                    "debtor_street_name, debtor_civic_number, debtor_postal_code, debtor_city, "
                    "debtor_province, debtor_region, debtor_country, debtor_email, debtor_phone, "
                    "company_name, office_name, validity_date, switch_to_expired, pay_stand_in, "
                    "status, version, created_at, updated_at, publish_date, payment_date "
                    "FROM debt_position WHERE entity_id = $1 AND iupd {}",
                    InList("$2", "text")),
        {Int(entity_id_), List(iupds)});
    if (!rows.ok()) return rows.error();
    std::vector<std::string> ids;
    std::unordered_map<std::int64_t, std::size_t> by_id;
    for (const Row& row : *rows) {
      DebtPosition p;
      std::size_t i = 0;
      p.id = row.Int(i++);
      p.entity_id = entity_id_;
      p.iupd = row.Text(i++);
      p.debtor.type = row.Text(i++) == "G" ? DebtorType::kLegal : DebtorType::kPerson;
      for (std::string* f : {&p.debtor.fiscal_code, &p.debtor.full_name, &p.debtor.street_name,
                             &p.debtor.civic_number, &p.debtor.postal_code, &p.debtor.city,
                             &p.debtor.province, &p.debtor.region, &p.debtor.country,
                             &p.debtor.email, &p.debtor.phone, &p.company_name, &p.office_name}) {
        *f = row.Text(i++);
      }
      p.validity_date = OptTimeAt(row, i++);
      p.switch_to_expired = row.Bool(i++);
      p.pay_stand_in = row.Bool(i++);
      auto status = ParsePositionStatus(row.Text(i++));
      if (!status.ok()) return Internal("database error", "bad position status");
      p.status = *status;
      p.version = row.Int(i++);
      p.created_at = OptTimeAt(row, i++).value_or(TimePoint{});
      p.updated_at = OptTimeAt(row, i++).value_or(TimePoint{});
      p.publish_date = OptTimeAt(row, i++);
      p.payment_date = OptTimeAt(row, i++);
      ids.push_back(std::to_string(p.id));
      by_id[p.id] = out.size();
      out.push_back(std::move(p));
    }
    if (out.empty()) return out;
    auto options = tx_->Query(
        fmt::format(
            "SELECT id, position_id, iuv, nav, amount, description, is_partial_payment, "
            "due_date, retention_date, fee, status, payment_date, metadata FROM "
            "payment_option WHERE entity_id = $1 AND position_id {} ORDER BY position_id, id",
            InList("$2", "bigint")),
        {Int(entity_id_), List(ids)});
    if (!options.ok()) return options.error();
    std::unordered_map<std::int64_t, std::pair<std::size_t, std::size_t>> option_at;
    std::vector<std::string> option_ids;
    for (const Row& row : *options) {
      PaymentOption o;
      o.id = row.Int(0);
      auto owner = by_id.find(row.Int(1));
      if (owner == by_id.end()) continue;
      o.iuv = row.Text(2);
      o.nav = row.Text(3);
      o.amount = row.Int(4);
      o.description = row.Text(5);
      o.is_partial_payment = row.Bool(6);
      o.due_date = OptTimeAt(row, 7).value_or(TimePoint{});
      o.retention_date = OptTimeAt(row, 8);
      o.fee = row.Int(9);
      auto st = ParseOptionStatus(row.Text(10));
      if (!st.ok()) return Internal("database error", "bad option status");
      o.status = *st;
      o.payment_date = OptTimeAt(row, 11);
      o.metadata = MetadataFrom(row.OptText(12));
      auto& list = out[owner->second].options;
      option_at[o.id] = {owner->second, list.size()};
      option_ids.push_back(std::to_string(o.id));
      list.push_back(std::move(o));
    }
    if (option_ids.empty()) return out;
    auto transfers = tx_->Query(
        fmt::format("SELECT option_id, id_transfer, amount, entity_fiscal_code, "
                    "remittance_information, category, iban, postal_iban, stamp_hash_document, "
                    "stamp_type, stamp_provincial_residence, company_name, metadata FROM transfer "
                    "WHERE option_id {} ORDER BY option_id, id",
                    InList("$1", "bigint")),
        {List(option_ids)});
    if (!transfers.ok()) return transfers.error();
    for (const Row& row : *transfers) {
      auto at = option_at.find(row.Int(0));
      if (at == option_at.end()) continue;
      Transfer t;
      t.id_transfer = static_cast<int>(row.Int(1));
      t.amount = row.Int(2);
      t.entity_fiscal_code = row.Text(3);
      t.remittance_information = row.Text(4);
      t.category = row.Text(5);
      t.iban = row.Text(6);
      t.postal_iban = row.Text(7);
      if (!row.IsNull(8)) t.stamp = Stamp{row.Text(8), row.Text(9), row.Text(10)};
      t.company_name = row.Text(11);
      t.metadata = MetadataFrom(row.OptText(12));
      out[at->second.first].options[at->second.second].transfers.push_back(std::move(t));
    }
    return out;
  }

  Result<std::vector<std::pair<std::string, std::string>>> FindTakenIuvs(
      const std::vector<std::string>& iuvs) override {
    std::vector<std::pair<std::string, std::string>> out;
    if (iuvs.empty()) return out;
    auto rows =
        tx_->Query(fmt::format("SELECT o.iuv, p.iupd FROM payment_option o JOIN debt_position p ON "
                               "p.id = o.position_id WHERE o.entity_id = $1 AND o.iuv {}",
                               InList("$2", "text")),
                   {Int(entity_id_), List(iuvs)});
    if (!rows.ok()) return rows.error();
    for (const Row& row : *rows) out.emplace_back(row.Text(0), row.Text(1));
    return out;
  }

  Result<std::uint64_t> ReserveIuvBases(int count) override {
    if (read_only_) return Internal("database error", "bulk writer is read-only");
    if (count < 1 || count > 1'000'000) return InvalidArgument("count", "must be 1 to 1000000");
    auto reserve = [&](Transaction& tx) -> Result<std::uint64_t> {
      constexpr std::string_view kBump =
          "UPDATE iuv_sequence SET next_value = next_value + $2 WHERE entity_id = $1 "
          "RETURNING next_value - $2";
      auto rows = tx.Query(kBump, {Int(entity_id_), Int(count)});
      if (!rows.ok()) return rows.error();
      if (rows->empty()) {
        auto created = tx.Execute(
            "INSERT INTO iuv_sequence (entity_id, next_value) "
            "SELECT id, 1 FROM entity WHERE id = $1 ON CONFLICT (entity_id) DO NOTHING",
            {Int(entity_id_)});
        if (!created.ok()) return created.error();
        rows = tx.Query(kBump, {Int(entity_id_), Int(count)});
        if (!rows.ok()) return rows.error();
        if (rows->empty()) return NotFound("entity not found");
      }
      return static_cast<std::uint64_t>(rows->front().Int(0));
    };
    if (pg_) return db_.InTransaction(TxMode::kWrite, reserve);
    return reserve(*tx_);
  }

  Status InsertPositions(const std::vector<DebtPosition>& positions) override {
    if (read_only_) return Internal("database error", "bulk writer is read-only");
    if (positions.empty()) return Ok();
    std::size_t option_count = 0;
    for (const DebtPosition& p : positions) option_count += p.options.size();
    auto position_ids = NextIds("debt_position", positions.size());
    if (!position_ids.ok()) return position_ids.error();
    auto option_ids = NextIds("payment_option", option_count);
    if (!option_ids.ok()) return option_ids.error();

    Batch pos{"debt_position",
              {"id",
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
               "payment_date"},
              {},
              {}};
    pos.pg_types = {"bigint", "bigint", "text", "text",   "text", "text", "text", "text", "text",
                    "text",   "text",   "text", "text",   "text", "text", "text", "text", "text",
                    "bigint", "bigint", "text", "bigint", "text", "text", "text", "text"};
    Batch opt{"payment_option",
              {"id", "position_id", "entity_id", "iuv", "nav", "amount", "description",
               "is_partial_payment", "due_date", "retention_date", "fee", "status", "payment_date",
               "metadata"},
              {"bigint", "bigint", "bigint", "text", "text", "bigint", "text", "bigint", "text",
               "text", "bigint", "text", "text", "text"},
              {}};
    Batch tr{"transfer",
             {"option_id", "id_transfer", "amount", "entity_fiscal_code", "remittance_information",
              "category", "iban", "postal_iban", "stamp_hash_document", "stamp_type",
              "stamp_provincial_residence", "company_name", "metadata"},
             {"bigint", "bigint", "bigint", "text", "text", "text", "text", "text", "text", "text",
              "text", "text", "text"},
             {}};
    pos.values.reserve(positions.size() * pos.columns.size());
    opt.values.reserve(option_count * opt.columns.size());
    tr.values.reserve(option_count * tr.columns.size());
    std::size_t next_option = 0;
    for (std::size_t i = 0; i < positions.size(); ++i) {
      const DebtPosition& p = positions[i];
      const std::int64_t pid = (*position_ids)[i];
      const Debtor& d = p.debtor;
      for (SqlValue v : {Int(pid),
                         Int(entity_id_),
                         Text(p.iupd),
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
                         Int(1),
                         Time(p.created_at),
                         Time(p.updated_at),
                         OptTime(p.publish_date),
                         OptTime(p.payment_date)}) {
        pos.values.push_back(std::move(v));
      }
      AppendOptions(p, pid, *option_ids, next_option, opt, tr);
    }
    INCASSO_TRY(Insert(pos));
    INCASSO_TRY(Insert(opt));
    INCASSO_TRY(Insert(tr));
    return Ok();
  }

  Status ReplacePosition(const DebtPosition& p, std::int64_t expected_version) override {
    if (read_only_) return Internal("database error", "bulk writer is read-only");
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
    Batch opt{"payment_option",
              {"id", "position_id", "entity_id", "iuv", "nav", "amount", "description",
               "is_partial_payment", "due_date", "retention_date", "fee", "status", "payment_date",
               "metadata"},
              {"bigint", "bigint", "bigint", "text", "text", "bigint", "text", "bigint", "text",
               "text", "bigint", "text", "text", "text"},
              {}};
    Batch tr{"transfer",
             {"option_id", "id_transfer", "amount", "entity_fiscal_code", "remittance_information",
              "category", "iban", "postal_iban", "stamp_hash_document", "stamp_type",
              "stamp_provincial_residence", "company_name", "metadata"},
             {"bigint", "bigint", "bigint", "text", "text", "text", "text", "text", "text", "text",
              "text", "text", "text"},
             {}};
    std::size_t next = 0;
    AppendOptions(p, pid, *option_ids, next, opt, tr);
    INCASSO_TRY(Insert(opt));
    INCASSO_TRY(Insert(tr));
    return Ok();
  }

  Status Checkpoint() override {
    if (read_only_) return Ok();
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
    EndBigCache();
    return tx_->Commit();
  }

  Status QueueOutbox(std::string_view kind, std::string_view reference, std::string_view payload,
                     TimePoint at) override {
    if (read_only_) return Internal("a dry run writes nothing");
    auto queued = tx_->Execute(
        "INSERT INTO outbox (entity_id, kind, reference, payload, created_at, attempts) "
        "VALUES ($1, $2, $3, $4, $5, 0)",
        {Int(entity_id_), Text(kind), Text(reference), Text(payload), Time(at)});
    if (!queued.ok()) return queued.error();
    return Ok();
  }

 private:
  std::string InList(std::string_view param, std::string_view pg_type) const {
    if (pg_) return fmt::format("= ANY({}::{}[])", param, pg_type);
    return fmt::format("IN (SELECT value FROM json_each({}))", param);
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

  static std::optional<TimePoint> OptTimeAt(const Row& row, std::size_t i) {
    if (row.IsNull(i)) return std::nullopt;
    auto t = ParseDateTime(row.Text(i));
    if (!t.ok()) return std::nullopt;
    return *t;
  }

  void AppendOptions(const DebtPosition& p, std::int64_t pid, const std::vector<std::int64_t>& ids,
                     std::size_t& next, Batch& opt, Batch& tr) const {
    for (const PaymentOption& o : p.options) {
      const std::int64_t oid = ids[next++];
      for (SqlValue v :
           {Int(oid), Int(pid), Int(entity_id_), Text(o.iuv), Text(o.nav), Int(o.amount),
            Text(o.description), Bool(o.is_partial_payment), Time(o.due_date),
            OptTime(o.retention_date), Int(o.fee), Text(ToString(o.status)),
            OptTime(o.payment_date), Text(MetadataJson(o.metadata))}) {
        opt.values.push_back(std::move(v));
      }
      for (const Transfer& t : o.transfers) {
        SqlValue hash = kNull, type = kNull, province = kNull;
        if (t.stamp) {
          hash = Text(t.stamp->hash_document);
          type = Text(t.stamp->stamp_type);
          province = Text(t.stamp->provincial_residence);
        }
        for (SqlValue v :
             {Int(oid), Int(t.id_transfer), Int(t.amount), Text(t.entity_fiscal_code),
              Text(t.remittance_information), Text(t.category), Text(t.iban), Text(t.postal_iban),
              hash, type, province, Text(t.company_name), Text(MetadataJson(t.metadata))}) {
          tr.values.push_back(std::move(v));
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
      auto rows = tx_->Query(fmt::format("SELECT nextval(pg_get_serial_sequence('{}', 'id')) FROM "
                                         "generate_series(1, $1)",
                                         table),
                             {Int(static_cast<std::int64_t>(n))});
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

  Status Insert(const Batch& b) {
    const std::size_t rows = b.rows();
    if (rows == 0) return Ok();
    const std::size_t n = b.columns.size();
    std::string cols;
    for (std::size_t c = 0; c < n; ++c) {
      if (c) cols += ", ";
      cols += b.columns[c];
    }
    if (pg_) {
      std::string sql = fmt::format("INSERT INTO {} ({}) SELECT * FROM unnest(", b.table, cols);
      SqlParams params;
      params.reserve(n);
      for (std::size_t c = 0; c < n; ++c) {
        if (c) sql += ", ";
        sql += fmt::format("${}::{}[]", c + 1, b.pg_types[c]);
        params.push_back(PgArray(b, c));
      }
      sql += ")";
      auto done = tx_->Execute(sql, params);
      if (!done.ok()) return Mapped(done.error(), b.table);
      return Ok();
    }
    // SQLite: statements of kSqliteRowsPerStatement rows, then single rows (few cached texts).
    std::size_t r = 0;
    while (r < rows) {
      const std::size_t chunk = rows - r >= kSqliteRowsPerStatement ? kSqliteRowsPerStatement : 1;
      std::string& sql = SqliteInsert(b.table, cols, n, chunk);
      SqlParams params(b.values.begin() + static_cast<std::ptrdiff_t>(r * n),
                       b.values.begin() + static_cast<std::ptrdiff_t>((r + chunk) * n));
      auto done = tx_->Execute(sql, params);
      if (!done.ok()) return Mapped(done.error(), b.table);
      r += chunk;
    }
    return Ok();
  }

  std::string& SqliteInsert(const char* table, const std::string& cols, std::size_t n,
                            std::size_t rows) {
    std::string key = fmt::format("{}/{}", table, rows);
    auto it = sqlite_sql_.find(key);
    if (it != sqlite_sql_.end()) return it->second;
    std::string sql = fmt::format("INSERT INTO {} ({}) VALUES ", table, cols);
    std::size_t p = 1;
    for (std::size_t r = 0; r < rows; ++r) {
      sql += r ? ", (" : "(";
      for (std::size_t c = 0; c < n; ++c) {
        if (c) sql += ", ";
        sql += fmt::format("${}", p++);
      }
      sql += ")";
    }
    return sqlite_sql_.emplace(std::move(key), std::move(sql)).first->second;
  }

  Db& db_;
  const std::int64_t entity_id_;
  const bool read_only_;
  const bool pg_;
  std::optional<Transaction> tx_;
  std::optional<std::int64_t> normal_cache_;  // SQLite: cache_size to restore (StartBigCache)
  std::map<std::string, std::int64_t> sqlite_next_;
  std::map<std::string, std::string> sqlite_sql_;
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
