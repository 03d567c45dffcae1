// The PostgreSQL backend of Db over plain libpq: a pool of connections, text-format parameters,
// and a health check at checkout that replaces a connection the server dropped while it was idle.
#include <fmt/format.h>
#include <libpq-fe.h>

#include <charconv>
#include <chrono>
#include <cstdlib>
#include <string>

#include "storage/db.hpp"
#include "storage/pool.hpp"

namespace incasso::storage {
namespace {

constexpr auto kPoolWait = std::chrono::seconds(30);

std::string Scrub(std::string text, const std::string& password) {
  if (!password.empty()) {
    for (auto pos = text.find(password); pos != std::string::npos; pos = text.find(password, pos)) {
      text.replace(pos, password.size(), "***");
      pos += 3;
    }
  }
  // libpq messages span lines ("...failed: Connection refused\n\tIs the server running...").
  std::string flat;
  for (char c : text) {
    if (c == '\n' || c == '\t' || c == '\r') c = ' ';
    if (c == ' ' && (flat.empty() || flat.back() == ' ')) continue;
    flat.push_back(c);
  }
  while (!flat.empty() && flat.back() == ' ') flat.pop_back();
  return flat;
}

// "Key (entity_id, iuv)=(1, 0123)" -> "entity_id,iuv" (the column list is the first
// parenthesis in every translation of the message).
std::string ColumnsFromDetail(std::string_view detail) {
  auto open = detail.find('(');
  if (open == std::string_view::npos) return {};
  auto close = detail.find(")=(", open);
  if (close == std::string_view::npos) return {};
  std::string out;
  for (char c : detail.substr(open + 1, close - open - 1)) {
    if (c != ' ' && c != '"') out.push_back(c);
  }
  return out;
}

// The password of "scheme://user:password@host/...", if any (to keep it out of messages even when
// libpq cannot parse the URL).
std::string PasswordInUrl(std::string_view url) {
  auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return {};
  std::string_view rest = url.substr(scheme + 3);
  rest = rest.substr(0, rest.find('/'));
  auto at = rest.rfind('@');
  if (at == std::string_view::npos) return {};
  std::string_view userinfo = rest.substr(0, at);
  auto colon = userinfo.find(':');
  if (colon == std::string_view::npos) return {};
  return std::string(userinfo.substr(colon + 1));
}

// Appends one field of a COPY text-format row: \N for NULL; backslash, tab, newline and carriage
// return escaped. False if the text holds a NUL character.
bool AppendCopyField(std::string& out, const SqlCell& v) {
  if (const auto* n = std::get_if<std::int64_t>(&v)) {
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, *n);
    out.append(buf, end);
    return true;
  }
  const auto* text = std::get_if<std::string_view>(&v);
  if (text == nullptr) {
    out += "\\N";
    return true;
  }
  std::size_t from = 0;
  for (std::size_t i = 0; i < text->size(); ++i) {
    const char c = (*text)[i];
    const char* esc = nullptr;
    switch (c) {
      case '\\':
        esc = "\\\\";
        break;
      case '\t':
        esc = "\\t";
        break;
      case '\n':
        esc = "\\n";
        break;
      case '\r':
        esc = "\\r";
        break;
      case '\0':
        return false;
      default:
        continue;
    }
    out.append(text->data() + from, i - from);
    out += esc;
    from = i + 1;
  }
  out.append(text->data() + from, text->size() - from);
  return true;
}

struct Handle {
  PGconn* conn = nullptr;
  bool broken = false;

  Handle() = default;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() { PQfinish(conn); }
};

void IgnoreNotice(void*, const char*) {}

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

class PgDb;

class PgConnection final : public Connection {
 public:
  PgConnection(PgDb* db, std::unique_ptr<Handle> h) : db_(db), h_(std::move(h)) {}
  ~PgConnection() override;

  Result<QueryResult> Run(std::string_view sql, const SqlParams& params) override {
    INCASSO_TRY(Settle());
    std::vector<std::string> texts(params.size());
    std::vector<const char*> values(params.size(), nullptr);
    for (std::size_t i = 0; i < params.size(); ++i) {
      if (const auto* n = std::get_if<std::int64_t>(&params[i])) {
        texts[i] = std::to_string(*n);
      } else if (const auto* s = std::get_if<std::string>(&params[i])) {
        if (s->find('\0') != std::string::npos) {
          return InvalidArgument("", "text must not contain NUL characters");
        }
        texts[i] = *s;
      } else {
        continue;  // NULL
      }
      values[i] = texts[i].c_str();
    }
    std::string text(sql);
    ResultPtr r(PQexecParams(h_->conn, text.c_str(), static_cast<int>(params.size()), nullptr,
                             values.data(), nullptr, nullptr, 0));
    return Collect(r.get());
  }

  Result<std::int64_t> InsertRows(const SqlRows& rows) override {
    INCASSO_TRY(SendRows(rows));
    INCASSO_TRY(Settle());
    return static_cast<std::int64_t>(rows.values.size() / rows.columns.size());
  }

  // COPY FROM STDIN without waiting for its result: the payload is encoded while the server still
  // works on the previous COPY, which is settled only then (libpq runs one command at a time).
  Status SendRows(const SqlRows& rows) override {
    // The whole payload first: a NUL character refuses the call before anything is sent.
    const std::size_t n = rows.columns.size();
    std::string data;
    data.reserve(rows.values.size() * 16);
    for (std::size_t i = 0; i < rows.values.size(); ++i) {
      if (!AppendCopyField(data, rows.values[i])) {
        INCASSO_TRY(Settle());
        return InvalidArgument("", "text must not contain NUL characters");
      }
      data += (i + 1) % n == 0 ? '\n' : '\t';
    }
    std::string sql = fmt::format("COPY {} (", rows.table);
    for (std::size_t c = 0; c < n; ++c) sql += fmt::format("{}{}", c ? ", " : "", rows.columns[c]);
    sql += ") FROM STDIN";
    INCASSO_TRY(Settle());
    ResultPtr start(PQexec(h_->conn, sql.c_str()));
    if (!start || PQresultStatus(start.get()) != PGRES_COPY_IN) {
      auto c = Collect(start.get());
      if (!c.ok()) return c.error();
      return Internal("database error", "COPY did not start");
    }
    constexpr std::size_t kChunk = 1 << 20;
    bool sent = true;
    for (std::size_t at = 0; sent && at < data.size(); at += kChunk) {
      const std::size_t len = std::min(kChunk, data.size() - at);
      sent = PQputCopyData(h_->conn, data.data() + at, static_cast<int>(len)) == 1;
    }
    if (PQputCopyEnd(h_->conn, sent ? nullptr : "client failed to send the data") != 1)
      sent = false;
    copy_pending_ = true;
    copy_sent_ = sent;
    return Ok();
  }

  // The result of the COPY SendRows left in flight, then the end of the command (nullptr).
  Status Settle() override {
    if (!copy_pending_) return Ok();
    copy_pending_ = false;
    ResultPtr done(PQgetResult(h_->conn));
    for (ResultPtr more(PQgetResult(h_->conn)); more; more.reset(PQgetResult(h_->conn))) {
    }
    auto c = Collect(done.get());
    if (!c.ok()) return c.error();
    if (!copy_sent_) return Unavailable("the database cannot be reached", "COPY data not sent");
    return Ok();
  }

  Status RunScript(std::string_view sql) override {
    INCASSO_TRY(Settle());
    std::string text(sql);
    ResultPtr r(PQexec(h_->conn, text.c_str()));
    auto c = Collect(r.get());
    if (!c.ok()) return c.error();
    return Ok();
  }

  Status Begin(TxMode mode) override {
    INCASSO_TRY(Settle());
    return Simple(mode == TxMode::kWrite ? "BEGIN"
                                         : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  }

  Status Commit() override {
    INCASSO_TRY(Settle());  // a failed COPY fails the commit (Transaction then rolls back)
    ResultPtr r(PQexec(h_->conn, "COMMIT"));
    auto c = Collect(r.get());
    if (!c.ok()) return c.error();
    // COMMIT of a transaction that had failed answers ROLLBACK.
    if (std::string_view(PQcmdStatus(r.get())) != "COMMIT") {
      return Internal("database error", "the transaction was rolled back at COMMIT");
    }
    return Ok();
  }

  void Rollback() override {
    (void)Settle();
    if (PQtransactionStatus(h_->conn) == PQTRANS_IDLE) return;
    if (!Simple("ROLLBACK").ok()) h_->broken = true;
  }

 private:
  Status Simple(const char* sql) {
    ResultPtr r(PQexec(h_->conn, sql));
    auto c = Collect(r.get());
    if (!c.ok()) return c.error();
    return Ok();
  }

  Result<QueryResult> Collect(PGresult* r) {
    ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
      QueryResult out;
      const int rows = PQntuples(r);
      const int cols = PQnfields(r);
      out.rows.reserve(static_cast<std::size_t>(rows));
      for (int i = 0; i < rows; ++i) {
        std::vector<std::optional<std::string>> cells;
        cells.reserve(static_cast<std::size_t>(cols));
        for (int c = 0; c < cols; ++c) {
          if (PQgetisnull(r, i, c)) {
            cells.emplace_back(std::nullopt);
          } else {
            cells.emplace_back(
                std::string(PQgetvalue(r, i, c), static_cast<std::size_t>(PQgetlength(r, i, c))));
          }
        }
        out.rows.emplace_back(std::move(cells));
      }
      const char* tuples = PQcmdTuples(r);
      out.affected = (tuples && *tuples) ? std::strtoll(tuples, nullptr, 10) : rows;
      return out;
    }
    return MapError(r);
  }

  Error MapError(PGresult* r);

  PgDb* db_;
  std::unique_ptr<Handle> h_;
  bool copy_pending_ = false;  // SendRows' COPY awaits Settle
  bool copy_sent_ = true;      // its data reached libpq
};

class PgDb final : public Db {
 public:
  PgDb(std::string conninfo, std::string password, int pool_size)
      : conninfo_(std::move(conninfo)),
        password_(std::move(password)),
        pool_(pool_size, [this] { return Connect(); }) {}

  std::string_view Dialect() const override { return "postgresql"; }

  Result<std::unique_ptr<Connection>> Acquire() override {
    auto h = pool_.Take(kPoolWait);
    if (!h.ok()) return h.error();
    // A connection the server closed while idle shows up as readable EOF: replace it.
    if (PQstatus((*h)->conn) != CONNECTION_OK || PQconsumeInput((*h)->conn) == 0) {
      auto fresh = Connect();
      if (!fresh.ok()) {
        pool_.Give(std::move(*h), false);
        return fresh.error();
      }
      *h = std::move(*fresh);
    }
    return std::unique_ptr<Connection>(std::make_unique<PgConnection>(this, std::move(*h)));
  }

  Result<std::unique_ptr<Handle>> Connect() const {
    auto h = std::make_unique<Handle>();
    // Defaults first: settings in the URL itself override them (expand_dbname).
    const char* const keys[] = {"connect_timeout", "application_name", "dbname", nullptr};
    const char* const values[] = {"10", "incasso", conninfo_.c_str(), nullptr};
    h->conn = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
    if (h->conn == nullptr) return Unavailable("cannot connect to PostgreSQL", "out of memory");
    if (PQstatus(h->conn) != CONNECTION_OK) {
      std::string why = Scrub(PQerrorMessage(h->conn), password_);
      return Error{ErrorCode::kUnavailable, "database.url",
                   fmt::format("cannot connect to PostgreSQL: {}", why), why};
    }
    PQsetNoticeProcessor(h->conn, IgnoreNotice, nullptr);
    if (PQsetClientEncoding(h->conn, "UTF8") != 0) {
      return Unavailable("cannot connect to PostgreSQL", Scrub(PQerrorMessage(h->conn), password_));
    }
    return h;
  }

  void Release(std::unique_ptr<Handle> h) {
    bool reusable = !h->broken && PQstatus(h->conn) == CONNECTION_OK &&
                    PQtransactionStatus(h->conn) == PQTRANS_IDLE;
    pool_.Give(std::move(h), reusable);
  }

  const std::string& password() const { return password_; }

 private:
  const std::string conninfo_;
  const std::string password_;
  Pool<Handle> pool_;
};

PgConnection::~PgConnection() {
  if (PQtransactionStatus(h_->conn) != PQTRANS_IDLE) Rollback();
  db_->Release(std::move(h_));
}

Error PgConnection::MapError(PGresult* r) {
  std::string msg = Scrub(r ? PQresultErrorMessage(r) : PQerrorMessage(h_->conn), db_->password());
  if (msg.empty()) msg = Scrub(PQerrorMessage(h_->conn), db_->password());
  if (PQstatus(h_->conn) != CONNECTION_OK) {
    h_->broken = true;
    return Unavailable("the database cannot be reached", msg);
  }
  const char* sqlstate = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  std::string_view state = sqlstate ? sqlstate : "";
  if (state == "23505") {
    const char* table = PQresultErrorField(r, PG_DIAG_TABLE_NAME);
    const char* detail = PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL);
    std::string columns = ColumnsFromDetail(detail ? detail : "");
    std::string key;
    if (table && !columns.empty()) {
      key = fmt::format("{}({})", table, columns);
    } else if (const char* constraint = PQresultErrorField(r, PG_DIAG_CONSTRAINT_NAME)) {
      key = constraint;
    }
    return UniqueViolation(key, msg);
  }
  if (state == "23503") return ForeignKeyViolation(msg);
  std::string detail = fmt::format("postgresql error {}: {}", state, msg);
  if (state == "40001" || state == "40P01" || state == "55P03") {
    return Error{ErrorCode::kRetry, {}, "the database is busy, try again", std::move(detail)};
  }
  if (state.substr(0, 2) == "08" || state == "57P01" || state == "57P02" || state == "57P03" ||
      state == "53300") {
    h_->broken = true;
    return Unavailable("the database cannot be reached", std::move(detail));
  }
  return Internal("database error", std::move(detail));
}

}  // namespace

Result<std::unique_ptr<Db>> OpenPostgresDb(const std::string& conninfo, int pool_size) {
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(conninfo.c_str(), &err);
  if (opts == nullptr) {
    std::string why = err ? err : "cannot be parsed";
    PQfreemem(err);
    return InvalidArgument("database.url", fmt::format("is not a valid PostgreSQL URL: {}",
                                                       Scrub(why, PasswordInUrl(conninfo))));
  }
  std::string password;
  for (PQconninfoOption* o = opts; o->keyword; ++o) {
    if (std::string_view(o->keyword) == "password" && o->val) password = o->val;
  }
  PQconninfoFree(opts);
  auto db = std::make_unique<PgDb>(conninfo, password, pool_size);
  auto conn = db->Acquire();  // connects now, so an unreachable server fails here
  if (!conn.ok()) return conn.error();
  conn->reset();
  return std::unique_ptr<Db>(std::move(db));
}

}  // namespace incasso::storage
