// Internal to storage/: the schema migrations embedded in the binary and their application.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "storage/db.hpp"

namespace incasso::storage {

struct Migration {
  int version;            // from the file name NNNN_name.sql
  std::string_view name;  // "init"
  std::string_view sql;   // with dialect placeholders such as {{ID}}
};

// Generated at build time from storage/migrations/*.sql, ordered by version.
const std::vector<Migration>& EmbeddedMigrations();

// The highest embedded version.
int LatestSchemaVersion();

// `sql` with the dialect placeholders replaced for "sqlite" or "postgresql".
std::string ForDialect(std::string_view sql, std::string_view dialect);

// Applies the migrations missing from schema_migrations, each in its own write transaction that
// first takes a lock (PostgreSQL advisory lock; SQLite BEGIN IMMEDIATE), so concurrent callers
// apply each exactly once. Returns how many this call applied.
Result<int> ApplyMigrations(Db& db, TimePoint now);

// The highest applied version; 0 for an empty database.
Result<int> AppliedSchemaVersion(Db& db);

}  // namespace incasso::storage
