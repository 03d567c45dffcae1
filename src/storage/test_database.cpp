#include "storage/test_database.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "storage/db.hpp"

namespace incasso::storage::testing {
namespace {

Result<std::string> MakeTempDir() {
  std::filesystem::path base = std::filesystem::temp_directory_path();
  std::string pattern = (base / "incasso-storage-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    return Internal("cannot create a temporary directory", std::string(std::strerror(errno)));
  }
  return pattern;
}

std::string UniqueSchemaName() {
  static std::atomic<int> counter{0};
  auto nanos = std::chrono::steady_clock::now().time_since_epoch().count();
  return fmt::format("incasso_t{}_{}_{}", static_cast<long>(getpid()), counter.fetch_add(1),
                     static_cast<unsigned long long>(nanos) % 1000000007ULL);
}

}  // namespace

std::string_view BackendName(Backend b) { return b == Backend::kSqlite ? "sqlite" : "postgresql"; }

Result<std::unique_ptr<TestDatabase>> TestDatabase::Create(Backend backend) {
  std::unique_ptr<TestDatabase> t(new TestDatabase());
  t->backend_ = backend;
  if (backend == Backend::kPostgres) {
    const char* url = std::getenv(kPostgresUrlEnv);
    if (url == nullptr || *url == '\0') {
      return Unavailable(fmt::format(
          "PostgreSQL tests need {}=postgresql://USER@HOST:PORT/DATABASE (a database the tests "
          "may create schemas in)",
          kPostgresUrlEnv));
    }
    t->admin_url_ = url;
  }
  auto dir = MakeTempDir();
  if (!dir.ok()) return dir.error();
  t->dir_ = *dir;
  if (backend == Backend::kSqlite) {
    t->options_.url = "sqlite:" + t->dir_ + "/incasso.db";
    return t;
  }
  auto admin = OpenDb(StoreOptions{t->admin_url_, 1, 5000});
  if (!admin.ok()) return admin.error();
  std::string schema = UniqueSchemaName();
  auto created = (*admin)->Execute(fmt::format("CREATE SCHEMA {}", schema));
  if (!created.ok()) return created.error();
  t->schema_ = schema;
  char sep = t->admin_url_.find('?') == std::string::npos ? '?' : '&';
  t->options_.url = fmt::format("{}{}options=-csearch_path%3D{}", t->admin_url_, sep, schema);
  return t;
}

TestDatabase::~TestDatabase() {
  if (!schema_.empty()) {
    auto admin = OpenDb(StoreOptions{admin_url_, 1, 5000});
    if (admin.ok()) (void)(*admin)->Execute(fmt::format("DROP SCHEMA {} CASCADE", schema_));
  }
  if (!dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
}

}  // namespace incasso::storage::testing
