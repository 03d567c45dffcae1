// Test support: a fresh, empty database per test, on SQLite or PostgreSQL.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "app/store.hpp"

namespace incasso::testing {

// A temp folder removed on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// "sqlite" -> an SQLite URL of a new file inside `dir`.
// "postgresql" -> the server of INCASSO_TEST_POSTGRES_URL with a new empty schema selected through
// libpq's options (search_path); empty string when the variable is unset (the caller skips).
std::string FreshDatabaseUrl(const std::string& backend, const std::filesystem::path& dir);

// FreshDatabaseUrl, migrated and opened (pool of 4). nullptr when PostgreSQL is not configured;
// any other failure throws (a broken test environment, not a test result).
std::unique_ptr<Store> OpenFreshStore(const std::string& backend, const std::filesystem::path& dir);

// A short random token for unique names.
std::string UniqueToken();

}  // namespace incasso::testing
