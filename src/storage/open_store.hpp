// The storage factory: the only way to get a Store. The SQL implementation behind it is private to
// storage/.
//
// Schema: OpenStore never changes the schema. The composition root runs MigrateStore at start-up
// (and `incasso migrate` runs it alone) before OpenStore; OpenStore refuses a database that lacks
// migrations this binary carries, naming the command that fixes it.
#pragma once

#include <memory>
#include <string>

#include "app/store.hpp"
#include "core/result.hpp"

namespace incasso {

struct StoreOptions {
  // "sqlite:PATH" (a file, created if missing) or "postgresql://..." / "postgres://..." (a libpq
  // URL, e.g. postgresql://user:password@host:5432/incasso?sslmode=require).
  std::string url;
  int pool_size = 8;           // connections per process (SQLite: per file)
  int busy_timeout_ms = 5000;  // SQLite: how long a writer waits for another process's lock
};

// Errors: kInvalidArgument (field "database.url": unknown scheme, empty path, malformed URL),
// kUnavailable (the file cannot be opened, the server cannot be reached, or the schema is behind).
// Messages never contain the database password. The Store is thread-safe.
Result<std::unique_ptr<Store>> OpenStore(const StoreOptions& options);

// Applies the embedded migrations not yet applied (storage/migrations/NNNN_name.sql), each in its
// own transaction, and returns how many it applied (0 when up to date). Safe to run concurrently
// from several processes: each migration is applied exactly once.
Result<int> MigrateStore(const StoreOptions& options);

}  // namespace incasso
