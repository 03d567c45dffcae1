// Test support: one fresh, empty database per test on either backend, so a single typed suite
// runs on SQLite and PostgreSQL (STYLE.md rules 6 and 14). Not linked into the product.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "storage/open_store.hpp"

namespace incasso::storage::testing {

enum class Backend { kSqlite, kPostgres };
std::string_view BackendName(Backend b);  // "sqlite" / "postgresql"

// The environment variable naming the PostgreSQL database the tests may use, e.g.
// postgresql://postgres@127.0.0.1:5432/incasso_test. Each test works in a schema of its own.
inline constexpr const char* kPostgresUrlEnv = "INCASSO_TEST_POSTGRES_URL";

// A private temp directory and an empty database: a SQLite file in that directory, or a new
// schema on the PostgreSQL server (selected by search_path in the URL, so every pooled or forked
// connection sees it). Destruction drops the schema and removes the directory. Not thread-safe.
class TestDatabase {
 public:
  // kUnavailable (message says how to set kPostgresUrlEnv) when PostgreSQL is not configured.
  static Result<std::unique_ptr<TestDatabase>> Create(Backend backend);
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  Backend backend() const { return backend_; }
  const StoreOptions& options() const { return options_; }
  const std::string& dir() const { return dir_; }  // scratch space for the test

 private:
  TestDatabase() = default;
  Backend backend_ = Backend::kSqlite;
  StoreOptions options_;
  std::string dir_;
  std::string admin_url_;  // PostgreSQL: the URL without the schema
  std::string schema_;
};

}  // namespace incasso::storage::testing
