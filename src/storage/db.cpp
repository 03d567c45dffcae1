#include "storage/db.hpp"

#include <fmt/format.h>

#include <cctype>
#include <charconv>

namespace incasso::storage {
namespace {

constexpr std::string_view kUniquePrefix = "unique violation on ";
constexpr std::string_view kForeignKeyPrefix = "foreign key violation: ";

}  // namespace

const std::string& Row::Text(std::size_t i) const {
  static const std::string kEmpty;
  return cells_[i] ? *cells_[i] : kEmpty;
}

std::int64_t Row::Int(std::size_t i) const { return OptInt(i).value_or(0); }

std::optional<std::int64_t> Row::OptInt(std::size_t i) const {
  if (!cells_[i]) return std::nullopt;
  const std::string& s = *cells_[i];
  std::int64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

Transaction::~Transaction() { Rollback(); }

Result<QueryResult> Transaction::Run(std::string_view sql, const SqlParams& params) {
  if (!conn_) return Internal("database error", "statement on a finished transaction");
  return conn_->Run(sql, params);
}

Result<std::vector<Row>> Transaction::Query(std::string_view sql, const SqlParams& params) {
  auto r = Run(sql, params);
  if (!r.ok()) return r.error();
  return std::move(r->rows);
}

Result<std::int64_t> Transaction::Execute(std::string_view sql, const SqlParams& params) {
  auto r = Run(sql, params);
  if (!r.ok()) return r.error();
  return r->affected;
}

Result<std::int64_t> Transaction::InsertRows(const SqlRows& rows) {
  if (!conn_) return Internal("database error", "insert on a finished transaction");
  if (rows.columns.empty() || rows.values.size() % rows.columns.size() != 0) {
    return Internal("database error", "InsertRows: values do not fill whole rows");
  }
  if (rows.values.empty()) return std::int64_t{0};
  return conn_->InsertRows(rows);
}

Status Transaction::SendRows(const SqlRows& rows) {
  if (!conn_) return Internal("database error", "insert on a finished transaction");
  if (rows.columns.empty() || rows.values.size() % rows.columns.size() != 0) {
    return Internal("database error", "SendRows: values do not fill whole rows");
  }
  if (rows.values.empty()) return Ok();
  return conn_->SendRows(rows);
}

Status Transaction::Settle() {
  if (!conn_) return Ok();
  return conn_->Settle();
}

Status Transaction::RunScript(std::string_view sql) {
  if (!conn_) return Internal("database error", "script on a finished transaction");
  return conn_->RunScript(sql);
}

Status Transaction::Commit() {
  if (!conn_) return Internal("database error", "commit of a finished transaction");
  Status s = conn_->Commit();
  if (!s.ok()) conn_->Rollback();  // SQLite may keep the transaction open after a failed COMMIT
  conn_.reset();
  return s;
}

void Transaction::Rollback() {
  if (!conn_) return;
  conn_->Rollback();
  conn_.reset();
}

Result<QueryResult> Db::Run(std::string_view sql, const SqlParams& params) {
  auto conn = Acquire();
  if (!conn.ok()) return conn.error();
  return (*conn)->Run(sql, params);
}

Result<std::vector<Row>> Db::Query(std::string_view sql, const SqlParams& params) {
  auto r = Run(sql, params);
  if (!r.ok()) return r.error();
  return std::move(r->rows);
}

Result<std::int64_t> Db::Execute(std::string_view sql, const SqlParams& params) {
  auto r = Run(sql, params);
  if (!r.ok()) return r.error();
  return r->affected;
}

Result<Transaction> Db::Begin(TxMode mode) {
  // A pooled connection may have been dropped by the server while idle; nothing has run yet, so
  // one retry on a fresh connection is safe.
  for (int attempt = 0;; ++attempt) {
    auto conn = Acquire();
    if (!conn.ok()) return conn.error();
    Status s = (*conn)->Begin(mode);
    if (s.ok()) return Transaction(std::move(*conn));
    if (s.error().code != ErrorCode::kUnavailable || attempt > 0) return s.error();
  }
}

Error UniqueViolation(std::string_view key, std::string_view backend_message) {
  return Error{ErrorCode::kConflict,
               {},
               "already exists",
               fmt::format("{}{}: {}", kUniquePrefix, key, backend_message)};
}

Error ForeignKeyViolation(std::string_view backend_message) {
  return Internal("database error", fmt::format("{}{}", kForeignKeyPrefix, backend_message));
}

std::string UniqueKeyOf(const Error& e) {
  if (e.code != ErrorCode::kConflict) return {};
  std::string_view d = e.detail;
  if (d.substr(0, kUniquePrefix.size()) != kUniquePrefix) return {};
  d.remove_prefix(kUniquePrefix.size());
  return std::string(d.substr(0, d.find(": ")));
}

bool IsForeignKeyViolation(const Error& e) {
  return e.code == ErrorCode::kInternal &&
         std::string_view(e.detail).substr(0, kForeignKeyPrefix.size()) == kForeignKeyPrefix;
}

std::string RewritePlaceholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size());
  std::size_t i = 0;
  auto copy_until = [&](std::string_view terminator) {
    std::size_t end = sql.find(terminator, i);
    end = end == std::string_view::npos ? sql.size() : end + terminator.size();
    out.append(sql.substr(i, end - i));
    i = end;
  };
  while (i < sql.size()) {
    char c = sql[i];
    if (c == '\'' || c == '"') {
      // Quoted literal or identifier; a doubled quote inside is two adjacent literals here,
      // which copies the same characters.
      out.push_back(c);
      ++i;
      copy_until(std::string_view(&c, 1));
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      copy_until("\n");
    } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
      out.append("/*");
      i += 2;
      copy_until("*/");
    } else if (c == '$' && i + 1 < sql.size() &&
               std::isdigit(static_cast<unsigned char>(sql[i + 1]))) {
      out.push_back('?');
      ++i;
    } else {
      out.push_back(c);
      ++i;
    }
  }
  return out;
}

}  // namespace incasso::storage
