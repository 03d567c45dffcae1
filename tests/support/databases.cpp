#include "tests/support/databases.hpp"

#include <unistd.h>

#include <cstdlib>
#include <random>
#include <stdexcept>

#include "storage/open_store.hpp"
#include "tests/support/process.hpp"

namespace incasso::testing {

std::string UniqueToken() {
  static thread_local std::mt19937_64 rng{std::random_device{}() ^
                                          static_cast<unsigned>(::getpid())};
  return std::to_string(rng() % 1000000000000ULL);
}

TempDir::TempDir()
    : path_(std::filesystem::temp_directory_path() / ("incasso-test-" + UniqueToken())) {
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string FreshDatabaseUrl(const std::string& backend, const std::filesystem::path& dir) {
  if (backend == "sqlite") return "sqlite:" + (dir / ("incasso-" + UniqueToken() + ".db")).string();
  const char* pg = std::getenv("INCASSO_TEST_POSTGRES_URL");
  if (pg == nullptr || *pg == '\0') return {};
  std::string schema = "t_" + UniqueToken();
  auto r =
      RunProcess({"/usr/bin/psql", pg, "-v", "ON_ERROR_STOP=1", "-qc", "CREATE SCHEMA " + schema});
  if (r.exit_code != 0) throw std::runtime_error("cannot create a test schema: " + r.err);
  std::string base = pg;
  return base + (base.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" +
         schema;
}

std::unique_ptr<Store> OpenFreshStore(const std::string& backend,
                                      const std::filesystem::path& dir) {
  std::string url = FreshDatabaseUrl(backend, dir);
  if (url.empty()) return nullptr;
  StoreOptions options{url, 4, 5000};
  auto migrated = MigrateStore(options);
  if (!migrated.ok()) throw std::runtime_error("cannot migrate: " + migrated.error().ToText());
  auto store = OpenStore(options);
  if (!store.ok()) throw std::runtime_error("cannot open: " + store.error().ToText());
  return std::move(*store);
}

}  // namespace incasso::testing
