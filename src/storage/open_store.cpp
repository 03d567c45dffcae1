#include "storage/open_store.hpp"

#include <fmt/format.h>

#include "storage/db.hpp"
#include "storage/migrations.hpp"
#include "storage/sql_store.hpp"

namespace incasso {

namespace storage {

Result<std::unique_ptr<Db>> OpenDb(const StoreOptions& options) {
  if (options.pool_size < 1 || options.pool_size > 1000) {
    return InvalidArgument("database.pool_size", "must be between 1 and 1000");
  }
  if (options.busy_timeout_ms < 0) {
    return InvalidArgument("database.busy_timeout_ms", "must not be negative");
  }
  std::string_view url = options.url;
  constexpr std::string_view kSqlite = "sqlite:";
  if (url.empty()) {
    return InvalidArgument("database.url", "is empty: use sqlite:PATH or postgresql://...");
  }
  if (url.substr(0, kSqlite.size()) == kSqlite) {
    std::string path(url.substr(kSqlite.size()));
    if (path.empty()) {
      return InvalidArgument("database.url",
                             "has an empty path: use sqlite:PATH, e.g. sqlite:var/incasso.db");
    }
    if (path == ":memory:" || path.substr(0, 5) == "file:") {
      // Each pooled connection would see a different in-memory database.
      return InvalidArgument("database.url", "must name a file: use sqlite:PATH");
    }
    return OpenSqliteDb(path, options.pool_size, options.busy_timeout_ms);
  }
  if (url.substr(0, 13) == "postgresql://" || url.substr(0, 11) == "postgres://") {
    return OpenPostgresDb(options.url, options.pool_size);
  }
  auto colon = url.find(':');
  if (colon == std::string_view::npos) {
    return InvalidArgument("database.url", "has no scheme: use sqlite:PATH or postgresql://...");
  }
  return InvalidArgument("database.url",
                         fmt::format("has an unknown scheme '{}': use sqlite:PATH or "
                                     "postgresql://...",
                                     url.substr(0, colon)));
}

}  // namespace storage

Result<std::unique_ptr<Store>> OpenStore(const StoreOptions& options) {
  auto db = storage::OpenDb(options);
  if (!db.ok()) return db.error();
  auto version = storage::AppliedSchemaVersion(**db);
  if (!version.ok()) return version.error();
  if (*version < storage::LatestSchemaVersion()) {
    return Unavailable(
        fmt::format("the database schema is at version {} but this program needs "
                    "version {}: run 'incasso migrate'",
                    *version, storage::LatestSchemaVersion()));
  }
  return storage::NewSqlStore(std::move(*db));
}

Result<int> MigrateStore(const StoreOptions& options) {
  auto db = storage::OpenDb(options);
  if (!db.ok()) return db.error();
  return storage::ApplyMigrations(**db, NewSystemClock()->Now());
}

}  // namespace incasso
