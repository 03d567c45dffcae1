#include "cli/runtime.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <filesystem>

#include "storage/open_store.hpp"

namespace incasso::cli {

Result<Config> LoadGlobalsConfig(const Globals& g) {
  EnvLookup env = ProcessEnv();
  std::string path = g.config_path;
  if (path.empty()) {
    if (auto from_env = env("INCASSO_CONFIG")) path = *from_env;
  }
  return LoadConfig(path, env);
}

Status EnsureDatabaseFolder(const Config& config) {
  const std::string& url = config.database.url;
  if (url.rfind("sqlite:", 0) != 0) return Ok();
  std::filesystem::path file(url.substr(7));
  if (!file.has_parent_path()) return Ok();
  std::error_code ec;
  std::filesystem::create_directories(file.parent_path(), ec);
  if (ec) {
    return InvalidArgument("database.url", fmt::format("cannot create folder {}: {}",
                                                       file.parent_path().string(), ec.message()));
  }
  return Ok();
}

Result<Runtime> OpenRuntime(const Config& config) {
  StoreOptions options;
  options.url = config.database.url;
  options.pool_size = static_cast<int>(config.database.pool_size);
  options.busy_timeout_ms = static_cast<int>(config.database.busy_timeout_ms);
  INCASSO_TRY(EnsureDatabaseFolder(config));
  auto migrated = MigrateStore(options);
  if (!migrated.ok()) return migrated.error();
  auto store = OpenStore(options);
  if (!store.ok()) return store.error();
  Runtime rt{config, std::move(*store), NewSystemClock()};
  return rt;
}

int Fail(const Error& e) {
  std::fprintf(stderr, "error: %s\n", e.ToText().c_str());
  return 1;
}

}  // namespace incasso::cli
