// The SQLite backend of Db: a small pool of connections on one file, in WAL mode with
// synchronous=FULL (a receipt answered OK must survive a power loss), foreign keys on.
//
// Writers are serialized twice: inside the process by a mutex (fair, no busy polling between our
// own threads), and across processes by SQLite's file lock taken with BEGIN IMMEDIATE, polled
// every few milliseconds for up to busy_timeout. A writer still locked out after that gets kRetry
// (which Db::InTransaction retries a couple of times).
#include <fmt/format.h>
#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <unordered_map>

#include "storage/db.hpp"
#include "storage/pool.hpp"

namespace incasso::storage {
namespace {

constexpr std::size_t kMaxCachedStatements = 256;
constexpr auto kPoolWait = std::chrono::seconds(30);

// "UNIQUE constraint failed: payment_option.entity_id, payment_option.iuv"
//   -> "payment_option(entity_id,iuv)"
std::string UniqueKeyFromMessage(std::string_view msg) {
  auto colon = msg.find(": ");
  if (colon == std::string_view::npos) return {};
  std::string_view rest = msg.substr(colon + 2);
  std::string table;
  std::string columns;
  while (!rest.empty()) {
    auto comma = rest.find(", ");
    std::string_view item = rest.substr(0, comma);
    auto dot = item.find('.');
    if (dot != std::string_view::npos) {
      if (table.empty()) table = std::string(item.substr(0, dot));
      item.remove_prefix(dot + 1);
    }
    if (!columns.empty()) columns += ',';
    columns += item;
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 2);
  }
  return fmt::format("{}({})", table, columns);
}

Error MapError(int rc, std::string_view msg) {
  switch (rc) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return UniqueViolation(UniqueKeyFromMessage(msg), msg);
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      return ForeignKeyViolation(msg);
    default:
      break;
  }
  std::string detail = fmt::format("sqlite error {}: {}", rc, msg);
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Error{ErrorCode::kRetry, {}, "the database is busy, try again", std::move(detail)};
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_READONLY:
      return Unavailable("the database cannot be written", std::move(detail));
    default:
      return Internal("database error", std::move(detail));
  }
}

Error MapError(sqlite3* db, int rc) { return MapError(rc, sqlite3_errmsg(db)); }

bool HasNul(const SqlParams& params) {
  for (const auto& p : params) {
    if (const auto* s = std::get_if<std::string>(&p); s && s->find('\0') != std::string::npos) {
      return true;
    }
  }
  return false;
}

struct Handle {
  sqlite3* db = nullptr;
  std::unordered_map<std::string, sqlite3_stmt*> statements;  // keyed by the $N text
  bool broken = false;
  int busy_timeout_ms = 0;
  std::chrono::steady_clock::time_point busy_since;  // start of the current wait for a lock
  std::minstd_rand jitter{static_cast<std::uint_fast32_t>(reinterpret_cast<std::uintptr_t>(this))};

  Handle() = default;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() {
    ClearStatements();
    sqlite3_close_v2(db);
  }
  void ClearStatements() {
    for (auto& [sql, stmt] : statements) sqlite3_finalize(stmt);
    statements.clear();
  }
  Status Exec(const char* sql) {
    int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return MapError(db, rc);
    return Ok();
  }
};

// Busy handler: polls every 1-3 ms (SQLite's own backs off to 100 ms, which lets a process that
// writes in a loop starve another for seconds) until busy_timeout has passed.
int WaitWhileBusy(void* arg, int count) {
  auto* h = static_cast<Handle*>(arg);
  auto now = std::chrono::steady_clock::now();
  if (count == 0) h->busy_since = now;
  if (now - h->busy_since >= std::chrono::milliseconds(h->busy_timeout_ms)) return 0;
  std::this_thread::sleep_for(std::chrono::microseconds(1000 + h->jitter() % 2000));
  return 1;
}

struct SetupFailure {
  int rc = SQLITE_OK;
  std::string message;
};

// Opens and configures one connection; rc = SQLITE_OK on success.
SetupFailure SetUp(Handle& h, const std::string& path, int busy_timeout_ms) {
  int rc =
      sqlite3_open_v2(path.c_str(), &h.db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) return {rc, h.db ? sqlite3_errmsg(h.db) : sqlite3_errstr(rc)};
  sqlite3_extended_result_codes(h.db, 1);
  h.busy_timeout_ms = busy_timeout_ms;
  sqlite3_busy_handler(h.db, &WaitWhileBusy, &h);
  sqlite3_stmt* stmt = nullptr;
  rc = sqlite3_prepare_v2(h.db, "PRAGMA journal_mode=WAL", -1, &stmt, nullptr);
  std::string mode;
  if (rc == SQLITE_OK) {
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
      mode = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
      rc = SQLITE_OK;
    }
  }
  SetupFailure failure;
  if (rc != SQLITE_OK) failure = {rc, sqlite3_errmsg(h.db)};
  sqlite3_finalize(stmt);
  if (failure.rc != SQLITE_OK) return failure;
  if (mode != "wal") {
    return {SQLITE_CANTOPEN, fmt::format("cannot use WAL journal mode (got '{}')", mode)};
  }
  // synchronous=FULL: with WAL, NORMAL may lose the last commits on power loss; FULL syncs the WAL
  // at every commit.
  rc = sqlite3_exec(h.db, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;", nullptr, nullptr,
                    nullptr);
  if (rc != SQLITE_OK) return {rc, sqlite3_errmsg(h.db)};
  return {};
}

Result<std::unique_ptr<Handle>> OpenHandle(const std::string& path, int busy_timeout_ms) {
  // Processes starting together on a new file race to switch it to WAL; the loser may see
  // SQLITE_BUSY or a transient SQLITE_IOERR without the busy handler being called. Retry until
  // busy_timeout, like the busy handler would.
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(busy_timeout_ms);
  for (int attempt = 1;; ++attempt) {
    auto h = std::make_unique<Handle>();
    SetupFailure f = SetUp(*h, path, busy_timeout_ms);
    if (f.rc == SQLITE_OK) return h;
    int primary = f.rc & 0xff;
    bool transient = primary == SQLITE_BUSY || primary == SQLITE_LOCKED || primary == SQLITE_IOERR;
    if (!transient || std::chrono::steady_clock::now() >= deadline) {
      return Error{ErrorCode::kUnavailable, "database.url",
                   fmt::format("cannot open the SQLite database '{}': {}", path, f.message),
                   fmt::format("sqlite error {}: {}", f.rc, f.message)};
    }
    h.reset();
    std::this_thread::sleep_for(std::chrono::milliseconds(std::min(5 * attempt, 50)));
  }
}

class SqliteDb;

class SqliteConnection final : public Connection {
 public:
  SqliteConnection(Pool<Handle>* pool, std::mutex* write_mu, std::unique_ptr<Handle> h)
      : pool_(pool), write_lock_(*write_mu, std::defer_lock), h_(std::move(h)) {}

  ~SqliteConnection() override {
    if (!sqlite3_get_autocommit(h_->db)) Rollback();
    if (!sqlite3_get_autocommit(h_->db)) h_->broken = true;
    if (write_lock_.owns_lock()) write_lock_.unlock();
    bool reusable = !h_->broken;
    pool_->Give(std::move(h_), reusable);
  }

  Result<QueryResult> Run(std::string_view sql, const SqlParams& params) override {
    if (HasNul(params)) {
      return InvalidArgument("", "text must not contain NUL characters");
    }
    auto stmt = Prepare(sql);
    if (!stmt.ok()) return stmt.error();
    sqlite3_stmt* st = *stmt;
    auto result = Step(st, params);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return result;
  }

  Result<std::int64_t> InsertRows(const SqlRows& rows) override {
    for (const SqlCell& c : rows.values) {
      if (const auto* s = std::get_if<std::string_view>(&c); s && s->find('\0') != s->npos) {
        return InvalidArgument("", "text must not contain NUL characters");
      }
    }
    const std::size_t n = rows.columns.size();
    std::string sql = fmt::format("INSERT INTO {} (", rows.table);
    for (std::size_t c = 0; c < n; ++c) sql += fmt::format("{}{}", c ? ", " : "", rows.columns[c]);
    sql += ") VALUES (";
    for (std::size_t c = 0; c < n; ++c) sql += fmt::format("{}${}", c ? ", " : "", c + 1);
    sql += ")";
    auto stmt = Prepare(sql);
    if (!stmt.ok()) return stmt.error();
    sqlite3_stmt* st = *stmt;
    if (sqlite3_bind_parameter_count(st) != static_cast<int>(n)) {
      return Internal("database error", "InsertRows: parameter count mismatch");
    }
    std::unique_lock<std::mutex> lock;
    if (sqlite3_get_autocommit(h_->db) && !write_lock_.owns_lock()) {
      lock = std::unique_lock<std::mutex>(*write_lock_.mutex());
    }
    std::int64_t inserted = 0;
    Status failed = Ok();
    for (std::size_t r = 0; failed.ok() && r * n < rows.values.size(); ++r) {
      for (std::size_t c = 0; c < n; ++c) {
        const SqlCell& v = rows.values[r * n + c];
        const int i = static_cast<int>(c) + 1;
        int rc = SQLITE_OK;
        if (const auto* num = std::get_if<std::int64_t>(&v)) {
          rc = sqlite3_bind_int64(st, i, *num);
        } else if (const auto* text = std::get_if<std::string_view>(&v)) {
          // SQLITE_STATIC: the text outlives the step; bindings are cleared below.
          rc = sqlite3_bind_text64(st, i, text->data(), text->size(), SQLITE_STATIC, SQLITE_UTF8);
        } else {
          rc = sqlite3_bind_null(st, i);
        }
        if (rc != SQLITE_OK) {
          failed = MapError(h_->db, rc);
          break;
        }
      }
      if (!failed.ok()) break;
      int rc = sqlite3_step(st);
      if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        failed = MapError(h_->db, rc);
      } else {
        inserted += sqlite3_changes64(h_->db);
      }
      sqlite3_reset(st);
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (!failed.ok()) return failed.error();
    return inserted;
  }

  Status RunScript(std::string_view sql) override {
    std::unique_lock<std::mutex> lock;
    if (sqlite3_get_autocommit(h_->db) && !write_lock_.owns_lock()) {
      lock = std::unique_lock<std::mutex>(*write_lock_.mutex());
    }
    return h_->Exec(std::string(sql).c_str());
  }

  Status Begin(TxMode mode) override {
    if (mode == TxMode::kWrite) {
      write_lock_.lock();
      Status s = h_->Exec("BEGIN IMMEDIATE");
      if (!s.ok()) write_lock_.unlock();
      return s;
    }
    return h_->Exec("BEGIN");
  }

  Status Commit() override {
    Status s = h_->Exec("COMMIT");
    if (s.ok() && write_lock_.owns_lock()) write_lock_.unlock();
    return s;
  }

  void Rollback() override {
    if (!sqlite3_get_autocommit(h_->db)) {
      if (!h_->Exec("ROLLBACK").ok()) h_->broken = true;
    }
    if (write_lock_.owns_lock()) write_lock_.unlock();
  }

 private:
  Result<sqlite3_stmt*> Prepare(std::string_view sql) {
    std::string key(sql);
    if (auto it = h_->statements.find(key); it != h_->statements.end()) return it->second;
    if (h_->statements.size() >= kMaxCachedStatements) h_->ClearStatements();
    std::string text = RewritePlaceholders(sql);
    sqlite3_stmt* stmt = nullptr;
    const char* tail = nullptr;
    int rc = sqlite3_prepare_v3(h_->db, text.c_str(), static_cast<int>(text.size()),
                                SQLITE_PREPARE_PERSISTENT, &stmt, &tail);
    if (rc != SQLITE_OK) {
      Error e = MapError(h_->db, rc);
      sqlite3_finalize(stmt);
      return e;
    }
    if (stmt == nullptr) return Internal("database error", "empty statement");
    while (tail && *tail && std::isspace(static_cast<unsigned char>(*tail))) ++tail;
    if (tail && *tail) {
      sqlite3_finalize(stmt);
      return Internal("database error", "more than one statement passed to Run");
    }
    h_->statements.emplace(std::move(key), stmt);
    return stmt;
  }

  Result<QueryResult> Step(sqlite3_stmt* st, const SqlParams& params) {
    int expected = sqlite3_bind_parameter_count(st);
    if (expected != static_cast<int>(params.size())) {
      return Internal("database error", fmt::format("statement needs {} parameters, got {}",
                                                    expected, params.size()));
    }
    for (int i = 0; i < expected; ++i) {
      const SqlValue& p = params[static_cast<std::size_t>(i)];
      int rc = SQLITE_OK;
      if (const auto* n = std::get_if<std::int64_t>(&p)) {
        rc = sqlite3_bind_int64(st, i + 1, *n);
      } else if (const auto* s = std::get_if<std::string>(&p)) {
        rc = sqlite3_bind_text64(st, i + 1, s->data(), s->size(), SQLITE_TRANSIENT, SQLITE_UTF8);
      } else {
        rc = sqlite3_bind_null(st, i + 1);
      }
      if (rc != SQLITE_OK) return MapError(h_->db, rc);
    }
    // An autocommit write outside a transaction still queues behind our own writers.
    std::unique_lock<std::mutex> lock;
    if (sqlite3_get_autocommit(h_->db) && !sqlite3_stmt_readonly(st) && !write_lock_.owns_lock()) {
      lock = std::unique_lock<std::mutex>(*write_lock_.mutex());
    }
    QueryResult out;
    const int columns = sqlite3_column_count(st);
    for (;;) {
      int rc = sqlite3_step(st);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) return MapError(h_->db, rc);
      std::vector<std::optional<std::string>> cells;
      cells.reserve(static_cast<std::size_t>(columns));
      for (int c = 0; c < columns; ++c) {
        if (sqlite3_column_type(st, c) == SQLITE_NULL) {
          cells.emplace_back(std::nullopt);
        } else {
          const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(st, c));
          int bytes = sqlite3_column_bytes(st, c);
          cells.emplace_back(std::string(text ? text : "", static_cast<std::size_t>(bytes)));
        }
      }
      out.rows.emplace_back(std::move(cells));
    }
    out.affected = sqlite3_stmt_readonly(st) ? static_cast<std::int64_t>(out.rows.size())
                                             : sqlite3_changes64(h_->db);
    return out;
  }

  Pool<Handle>* pool_;
  std::unique_lock<std::mutex> write_lock_;  // held from BEGIN IMMEDIATE to COMMIT/ROLLBACK
  std::unique_ptr<Handle> h_;
};

class SqliteDb final : public Db {
 public:
  SqliteDb(std::string path, int pool_size, int busy_timeout_ms)
      : path_(std::move(path)),
        pool_(pool_size, [this, busy_timeout_ms] { return OpenHandle(path_, busy_timeout_ms); }) {}

  std::string_view Dialect() const override { return "sqlite"; }

  Result<std::unique_ptr<Connection>> Acquire() override {
    auto h = pool_.Take(kPoolWait);
    if (!h.ok()) return h.error();
    return std::unique_ptr<Connection>(
        std::make_unique<SqliteConnection>(&pool_, &write_mu_, std::move(*h)));
  }

 private:
  const std::string path_;
  Pool<Handle> pool_;
  std::mutex write_mu_;
};

}  // namespace

Result<std::unique_ptr<Db>> OpenSqliteDb(const std::string& path, int pool_size,
                                         int busy_timeout_ms) {
  // No memory statistics (nothing reads them): they cost a global mutex on every allocation, a
  // few percent of a bulk import. Only possible before SQLite initializes; later it is a no-op.
  static std::once_flag configured;
  std::call_once(configured, [] { (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
  auto db = std::make_unique<SqliteDb>(path, pool_size, busy_timeout_ms);
  auto conn = db->Acquire();  // opens the file now, so a bad path fails here
  if (!conn.ok()) return conn.error();
  conn->reset();
  return std::unique_ptr<Db>(std::move(db));
}

}  // namespace incasso::storage
