// The one typed configuration of incasso (STYLE.md rule 9), read from a TOML file and overridden
// by environment variables INCASSO_<SECTION>_<KEY> (e.g. INCASSO_HTTP_PORT). Every key, its type,
// default and bounds are documented in config/incasso.example.toml.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace incasso {

struct HttpConfig {
  std::string host = "127.0.0.1";
  std::int64_t port = 8080;
  std::int64_t threads = 0;  // 0 = four per core (see config/incasso.example.toml)
  std::int64_t body_limit_bytes = 1048576;
  // Body limit of the import upload route (POST .../imports) only; other routes keep
  // body_limit_bytes. The upload is held in memory while it arrives.
  std::int64_t upload_limit_bytes = 268435456;  // 256 MiB
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

// The pagoPA station (paForNode). Empty broker/stations: use the intermediary and stations stored
// in the database (the demo region has them).
struct PagopaConfig {
  std::string broker_fiscal_code;        // idBrokerPA
  std::vector<std::string> station_ids;  // idStation values served; env: comma-separated
  std::string soap_path = "/pagopa/paForNode";
  // The node gives up after 7 s (15 s for paSendRT) and expects 98% of answers within 2 s
  // (SANP, livelli di servizio EC): past this budget the station answers PAA_SYSTEM_ERROR.
  std::int64_t answer_timeout_ms = 1000;
  std::int64_t event_body_retention_days = 90;  // request/response bodies in the event log
};

// Background work of `incasso serve`: webhook delivery and the position lifecycle sweep.
struct JobsConfig {
  std::int64_t webhook_poll_interval_ms = 2000;  // between delivery rounds
  std::int64_t webhook_workers = 4;              // endpoints served in parallel
  std::int64_t webhook_timeout_ms = 5000;        // per delivery attempt
  std::string webhook_ca_file;  // PEM roots for https endpoints; "" = the system's
  std::int64_t lifecycle_interval_ms = 60000;  // PUBLISHED->VALID, VALID->EXPIRED sweep
};

// The citizen portal (src/web/portal.hpp).
struct PortalConfig {
  std::string checkout_url;  // pagoPA Checkout's POST /carts URL; "" = the demo's simulator, or none
  std::string public_url;    // the portal's public origin; "" = from the Host header
  std::string secret;        // HMAC key of CSRF tokens and cart cookies; "" = random per process
  std::int64_t lookup_per_minute = 20;  // notice look-ups per client IP and minute
  std::int64_t lookup_burst = 10;       // look-ups a client may make at once
  // Reverse proxies (IPs or CIDR networks) whose X-Forwarded-For names the client; empty = none.
  // env INCASSO_PORTAL_TRUSTED_PROXIES: comma-separated.
  std::vector<std::string> trusted_proxies;
};

struct Config {
  PortalConfig portal;
  JobsConfig jobs;
  HttpConfig http;
  PagopaConfig pagopa;
  DatabaseConfig database;
  LogConfig log;
};

// Reads environment variables; injectable for tests. Returns nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;
EnvLookup ProcessEnv();

// Parses TOML text (`origin` names the file in messages), then applies environment overrides,
// then validates. Errors name the key ("http.port") and the reason; the message is complete
// enough to print as is.
Result<Config> ParseConfig(const std::string& toml_text, const std::string& origin,
                           const EnvLookup& env);
// Reads the file at `path` (empty = defaults only) and calls ParseConfig.
Result<Config> LoadConfig(const std::string& path, const EnvLookup& env);

}  // namespace incasso
