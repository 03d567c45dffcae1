// The one typed configuration of incasso (STYLE.md rule 9), read from a TOML file and overridden
// by environment variables INCASSO_<SECTION>_<KEY> (e.g. INCASSO_HTTP_PORT). Every key, its type,
// default and bounds are documented in config/incasso.example.toml.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "core/result.hpp"

namespace incasso {

struct HttpConfig {
  std::string host = "127.0.0.1";
  std::int64_t port = 8080;
  std::int64_t threads = 0;  // 0 = one per core
  std::int64_t body_limit_bytes = 1048576;
  std::int64_t read_timeout_ms = 10000;
  std::int64_t write_timeout_ms = 10000;
  std::int64_t idle_timeout_ms = 30000;
  std::int64_t max_connections = 1024;
  std::int64_t shutdown_grace_ms = 5000;
};

struct DatabaseConfig {
  std::string url = "sqlite:var/incasso.db";
  std::int64_t pool_size = 8;
  std::int64_t busy_timeout_ms = 5000;
};

struct LogConfig {
  std::string level = "info";
  std::string format = "json";
};

struct Config {
  HttpConfig http;
  DatabaseConfig database;
  LogConfig log;
};

// Reads environment variables; injectable for tests. Returns nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;
EnvLookup ProcessEnv();

// Parses TOML text (`origin` names the file in messages), then applies environment overrides,
// then validates. Errors name the key ("http.port") and the reason; the message is complete
// enough to print as is.
Result<Config> ParseConfig(const std::string& toml_text, const std::string& origin, const EnvLookup& env);
// Reads the file at `path` (empty = defaults only) and calls ParseConfig.
Result<Config> LoadConfig(const std::string& path, const EnvLookup& env);

}  // namespace incasso
