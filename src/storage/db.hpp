// A small connection layer shared by the SQLite and PostgreSQL backends (STYLE.md rule 6).
//
// SQL is written once with PostgreSQL-style placeholders ($1, $2, ...); the SQLite backend rewrites
// them to ?1, ?2 before preparing. Parameters are bound as values, never spliced into the text.
// Results come back as text cells (NULL = nullopt) read through typed getters, so both backends
// return identical values for identical rows.
//
// Error taxonomy (the only codes this layer returns):
//   kConflict     unique violation; detail starts with "unique violation on table(col1,col2): "
//                 (see UniqueKeyOf) so callers can name the offending field
//   kRetry        serialization failure, deadlock, or a database still busy after busy_timeout
//   kUnavailable  the server cannot be reached or the connection broke
//   kInvalidArgument  a text parameter contains a NUL character (neither backend stores it alike)
//   kInternal     anything else, with the backend's message in detail (a foreign-key violation's
//                 detail starts with "foreign key violation: ", see IsForeignKeyViolation)
//
// Thread-safety: a Db is shared by all threads; a Connection or Transaction is used by one thread
// at a time and must not outlive its Db.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "core/result.hpp"

namespace incasso {
struct StoreOptions;
}

namespace incasso::storage {

using SqlValue = std::variant<std::monostate, std::int64_t, std::string>;  // NULL, integer, text
using SqlParams = std::vector<SqlValue>;

inline constexpr std::monostate kNull{};

// A parameter of a bulk insert (InsertRows): like SqlValue, but the text is borrowed and must stay
// alive for the call.
using SqlCell = std::variant<std::monostate, std::int64_t, std::string_view>;

// The rows of a bulk insert: `columns` names (trusted identifiers, never user input) and
// `values`, row-major, columns.size() per row.
struct SqlRows {
  std::string_view table;
  std::span<const char* const> columns;
  std::span<const SqlCell> values;
};

// One result row. Cells are the database's text rendering of the value (integers in decimal).
class Row {
 public:
  explicit Row(std::vector<std::optional<std::string>> cells) : cells_(std::move(cells)) {}

  std::size_t size() const { return cells_.size(); }
  // Precondition for every getter: i < size().
  bool IsNull(std::size_t i) const { return !cells_[i].has_value(); }
  const std::optional<std::string>& Cell(std::size_t i) const { return cells_[i]; }
  // "" for NULL.
  const std::string& Text(std::size_t i) const;
  std::optional<std::string> OptText(std::size_t i) const { return cells_[i]; }
  // 0 for NULL or a cell that is not a decimal integer.
  std::int64_t Int(std::size_t i) const;
  std::optional<std::int64_t> OptInt(std::size_t i) const;
  bool Bool(std::size_t i) const { return Int(i) != 0; }

 private:
  std::vector<std::optional<std::string>> cells_;
};

struct QueryResult {
  std::vector<Row> rows;
  std::int64_t affected = 0;  // rows inserted/updated/deleted by the statement
};

enum class TxMode {
  kRead,   // a consistent snapshot (SQLite deferred BEGIN; PG REPEATABLE READ READ ONLY)
  kWrite,  // takes the write lock up front (SQLite BEGIN IMMEDIATE; PG READ COMMITTED)
};

// A connection checked out of a Db's pool; destroying it returns it to the pool (or closes it
// when broken or left inside a transaction).
class Connection {
 public:
  virtual ~Connection() = default;
  // One statement with $N placeholders.
  virtual Result<QueryResult> Run(std::string_view sql, const SqlParams& params) = 0;
  // Several statements separated by ';', without parameters (migrations).
  virtual Status RunScript(std::string_view sql) = 0;
  // Inserts the rows (SQLite: one prepared single-row INSERT per row, which needs no statement
  // journal; PostgreSQL: COPY FROM STDIN in text format). Returns the rows inserted. Errors as
  // for Run; on an error some rows may be inserted, so the caller rolls back its transaction.
  virtual Result<std::int64_t> InsertRows(const SqlRows& rows) = 0;
  // As InsertRows, but may return before the database has stored the rows (PostgreSQL: the COPY
  // is sent and its result read later, so the caller prepares its next rows meanwhile; SQLite:
  // the same as InsertRows). The outcome comes from Settle(), or as the error of the next call on
  // the connection (every call settles first); the rows must stay alive until then.
  virtual Status SendRows(const SqlRows& rows) {
    auto done = InsertRows(rows);
    if (!done.ok()) return done.error();
    return Ok();
  }
  // Waits for the rows sent by SendRows: their error, if any (the transaction is then unusable).
  virtual Status Settle() { return Ok(); }
  virtual Status Begin(TxMode mode) = 0;
  virtual Status Commit() = 0;
  // Best effort; a connection whose rollback fails is discarded on release.
  virtual void Rollback() = 0;
};

// An open transaction on one pooled connection. Rolls back on destruction unless committed.
class Transaction {
 public:
  Transaction(Transaction&& other) noexcept = default;
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();

  Result<std::vector<Row>> Query(std::string_view sql, const SqlParams& params = {});
  // Returns the number of rows changed.
  Result<std::int64_t> Execute(std::string_view sql, const SqlParams& params = {});
  Result<QueryResult> Run(std::string_view sql, const SqlParams& params = {});
  Status RunScript(std::string_view sql);
  // See Connection::InsertRows.
  Result<std::int64_t> InsertRows(const SqlRows& rows);
  // See Connection::SendRows and Connection::Settle.
  Status SendRows(const SqlRows& rows);
  Status Settle();
  // Ends the transaction either way; on failure nothing is known to be committed.
  Status Commit();
  void Rollback();

 private:
  friend class Db;
  explicit Transaction(std::unique_ptr<Connection> conn) : conn_(std::move(conn)) {}

  std::unique_ptr<Connection> conn_;  // null once committed or rolled back
};

class Db {
 public:
  virtual ~Db() = default;

  virtual std::string_view Dialect() const = 0;  // "sqlite" or "postgresql"
  // Checks a connection out of the pool, waiting while all are busy (kUnavailable after a while).
  virtual Result<std::unique_ptr<Connection>> Acquire() = 0;

  // One statement in its own implicit transaction.
  Result<std::vector<Row>> Query(std::string_view sql, const SqlParams& params = {});
  Result<std::int64_t> Execute(std::string_view sql, const SqlParams& params = {});
  Result<QueryResult> Run(std::string_view sql, const SqlParams& params = {});

  // Opens a transaction; a connection found broken at BEGIN is replaced once.
  Result<Transaction> Begin(TxMode mode);

  // Runs fn(Transaction&) -> Result<T> or Status, and commits if it succeeded; otherwise rolls
  // back and returns fn's error. A kRetry (busy database, deadlock, serialization failure: nothing
  // was committed) runs the whole transaction again, up to kTransactionAttempts in all, so fn
  // must be safe to call more than once.
  template <typename F>
  auto InTransaction(TxMode mode, F&& fn) -> std::invoke_result_t<F, Transaction&> {
    for (int attempt = 1;; ++attempt) {
      auto result = TryTransaction(mode, fn);
      if (result.ok() || result.error().code != ErrorCode::kRetry ||
          attempt >= kTransactionAttempts) {
        return result;
      }
    }
  }

  static constexpr int kTransactionAttempts = 3;

 private:
  template <typename F>
  auto TryTransaction(TxMode mode, F& fn) -> std::invoke_result_t<F, Transaction&> {
    auto tx = Begin(mode);
    if (!tx.ok()) return tx.error();
    auto result = fn(*tx);
    if (!result.ok()) return result;
    Status committed = tx->Commit();
    if (!committed.ok()) return committed.error();
    return result;
  }
};

// Opens the database named by options.url ("sqlite:PATH", "postgresql://...", "postgres://...")
// without touching its schema. Errors: kInvalidArgument (field "database.url") for a bad URL,
// kUnavailable when the database cannot be opened or reached.
Result<std::unique_ptr<Db>> OpenDb(const StoreOptions& options);

// Backend factories (used by OpenDb). Both check one connection before returning.
Result<std::unique_ptr<Db>> OpenSqliteDb(const std::string& path, int pool_size,
                                         int busy_timeout_ms);
Result<std::unique_ptr<Db>> OpenPostgresDb(const std::string& conninfo, int pool_size);

// Helpers for the error taxonomy above.
Error UniqueViolation(std::string_view key, std::string_view backend_message);
Error ForeignKeyViolation(std::string_view backend_message);
// "table(col1,col2)" for a unique violation from this layer, "" for any other error.
std::string UniqueKeyOf(const Error& e);
bool IsForeignKeyViolation(const Error& e);

// "$1" -> "?1" outside string literals, quoted identifiers and comments (SQLite dialect).
std::string RewritePlaceholders(std::string_view sql);

}  // namespace incasso::storage
