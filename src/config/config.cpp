#include "config/config.hpp"

#include <fmt/format.h>
#include <arpa/inet.h>
#include <toml++/toml.h>

#include <cctype>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string_view>
#include <variant>
#include <vector>

namespace incasso {
namespace {

struct IntKey {
  const char* section;
  const char* name;
  std::int64_t* (*get)(Config&);
  std::int64_t min;
  std::int64_t max;
};

struct StrKey {
  const char* section;
  const char* name;
  std::string* (*get)(Config&);
};

const std::vector<IntKey>& IntKeys() {
  static const std::vector<IntKey> keys = {
      {"http", "port", [](Config& c) { return &c.http.port; }, 0, 65535},
      {"http", "threads", [](Config& c) { return &c.http.threads; }, 0, 256},
      {"http", "body_limit_bytes", [](Config& c) { return &c.http.body_limit_bytes; }, 1024,
       1LL << 30},
      {"http", "upload_limit_bytes", [](Config& c) { return &c.http.upload_limit_bytes; }, 1024,
       4LL << 30},
      {"http", "read_timeout_ms", [](Config& c) { return &c.http.read_timeout_ms; }, 1, 3600000},
      {"http", "write_timeout_ms", [](Config& c) { return &c.http.write_timeout_ms; }, 1, 3600000},
      {"http", "idle_timeout_ms", [](Config& c) { return &c.http.idle_timeout_ms; }, 1, 3600000},
      {"http", "max_connections", [](Config& c) { return &c.http.max_connections; }, 1, 1000000},
      {"http", "shutdown_grace_ms", [](Config& c) { return &c.http.shutdown_grace_ms; }, 0, 600000},
      {"pagopa", "answer_timeout_ms", [](Config& c) { return &c.pagopa.answer_timeout_ms; }, 50,
       60000},
      {"pagopa", "event_body_retention_days",
       [](Config& c) { return &c.pagopa.event_body_retention_days; }, 0, 3650},
      {"jobs", "webhook_poll_interval_ms",
       [](Config& c) { return &c.jobs.webhook_poll_interval_ms; }, 10, 3600000},
      {"jobs", "webhook_workers", [](Config& c) { return &c.jobs.webhook_workers; }, 1, 64},
      {"jobs", "webhook_timeout_ms", [](Config& c) { return &c.jobs.webhook_timeout_ms; }, 100,
       60000},
      {"jobs", "lifecycle_interval_ms", [](Config& c) { return &c.jobs.lifecycle_interval_ms; },
       100, 86400000},
      {"portal", "lookup_per_minute", [](Config& c) { return &c.portal.lookup_per_minute; }, 1,
       100000},
      {"portal", "lookup_burst", [](Config& c) { return &c.portal.lookup_burst; }, 1, 100000},
      {"database", "pool_size", [](Config& c) { return &c.database.pool_size; }, 1, 256},
      {"database", "busy_timeout_ms", [](Config& c) { return &c.database.busy_timeout_ms; }, 0,
       600000},
  };
  return keys;
}

const std::vector<StrKey>& StrKeys() {
  static const std::vector<StrKey> keys = {
      {"http", "host", [](Config& c) { return &c.http.host; }},
      {"database", "url", [](Config& c) { return &c.database.url; }},
      {"log", "level", [](Config& c) { return &c.log.level; }},
      {"pagopa", "broker_fiscal_code", [](Config& c) { return &c.pagopa.broker_fiscal_code; }},
      {"pagopa", "soap_path", [](Config& c) { return &c.pagopa.soap_path; }},
      {"log", "format", [](Config& c) { return &c.log.format; }},
      {"portal", "checkout_url", [](Config& c) { return &c.portal.checkout_url; }},
      {"portal", "public_url", [](Config& c) { return &c.portal.public_url; }},
      {"portal", "secret", [](Config& c) { return &c.portal.secret; }},
      {"jobs", "webhook_ca_file", [](Config& c) { return &c.jobs.webhook_ca_file; }},
  };
  return keys;
}

bool KnownSection(std::string_view s) {
  return s == "http" || s == "database" || s == "log" || s == "pagopa" || s == "jobs" ||
         s == "portal";
}

std::vector<std::string> SplitList(std::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    std::string_view item = text.substr(start, comma - start);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) out.emplace_back(item);
    start = comma + 1;
  }
  return out;
}

std::string EnvName(std::string_view section, std::string_view name) {
  std::string out = "INCASSO_";
  for (char c : section) out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  out += '_';
  for (char c : name) out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

Error KeyError(const std::string& origin, std::string_view key, const std::string& why) {
  return InvalidArgument(std::string(key), fmt::format("{}: {}: {}", origin, key, why));
}

Status CheckRange(const std::string& origin, const IntKey& k, std::int64_t v) {
  if (v < k.min || v > k.max) {
    return KeyError(origin, fmt::format("{}.{}", k.section, k.name),
                    fmt::format("{} is out of range ({}..{})", v, k.min, k.max));
  }
  return Ok();
}

// "192.0.2.1", "10.0.0.0/8", "2001:db8::/32": what the portal's TrustedProxies accepts.
bool IsIpOrCidr(std::string_view entry) {
  std::string ip(entry.substr(0, entry.find('/')));
  int max = 0;
  unsigned char buf[16];
  if (inet_pton(AF_INET, ip.c_str(), buf) == 1) {
    max = 32;
  } else if (inet_pton(AF_INET6, ip.c_str(), buf) == 1) {
    max = 128;
  } else {
    return false;
  }
  if (entry.find('/') == std::string_view::npos) return true;
  std::string_view bits = entry.substr(entry.find('/') + 1);
  int n = 0;
  auto [ptr, ec] = std::from_chars(bits.data(), bits.data() + bits.size(), n);
  return !bits.empty() && bits.size() <= 3 && ec == std::errc() &&
         ptr == bits.data() + bits.size() && n >= 0 && n <= max;
}

Status Validate(const Config& c) {
  const std::string& url = c.database.url;
  const bool sqlite = url.rfind("sqlite:", 0) == 0;
  const bool pg = url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0;
  if (!sqlite && !pg) {
    return KeyError("config", "database.url",
                    "must start with sqlite: (e.g. sqlite:var/incasso.db) or postgresql://");
  }
  if (sqlite && url.size() == std::string_view("sqlite:").size()) {
    return KeyError("config", "database.url",
                    "sqlite: needs a file path, e.g. sqlite:var/incasso.db");
  }
  if (pg && url.find("://") + 3 >= url.size()) {
    return KeyError("config", "database.url", "postgresql:// needs a host or a database name");
  }
  const std::string& level = c.log.level;
  if (level != "trace" && level != "debug" && level != "info" && level != "warn" &&
      level != "error") {
    return KeyError("config", "log.level", "must be one of trace, debug, info, warn, error");
  }
  if (c.log.format != "json" && c.log.format != "text") {
    return KeyError("config", "log.format", "must be json or text");
  }
  if (c.http.host.empty()) return KeyError("config", "http.host", "must not be empty");
  const std::string& broker = c.pagopa.broker_fiscal_code;
  if (!broker.empty() &&
      (broker.size() != 11 || broker.find_first_not_of("0123456789") != std::string::npos)) {
    return KeyError("config", "pagopa.broker_fiscal_code", "must be the 11-digit idBrokerPA");
  }
  for (const auto& id : c.pagopa.station_ids) {
    if (id.size() > 35) {
      return KeyError("config", "pagopa.station_ids", "'" + id + "' is longer than 35 characters");
    }
  }
  if (!c.portal.checkout_url.empty() && c.portal.checkout_url.rfind("http://", 0) != 0 &&
      c.portal.checkout_url.rfind("https://", 0) != 0) {
    return KeyError("config", "portal.checkout_url", "must be an http:// or https:// URL");
  }
  if (!c.portal.public_url.empty() && c.portal.public_url.rfind("http://", 0) != 0 &&
      c.portal.public_url.rfind("https://", 0) != 0) {
    return KeyError("config", "portal.public_url",
                    "must be an origin such as https://pagamenti.regione.example");
  }
  if (!c.portal.secret.empty() && c.portal.secret.size() < 32) {
    return KeyError("config", "portal.secret", "must be at least 32 characters (or empty)");
  }
  for (const auto& entry : c.portal.trusted_proxies) {
    if (!IsIpOrCidr(entry)) {
      return KeyError("config", "portal.trusted_proxies",
                      "'" + entry + "' is not an IP address or CIDR network (e.g. 10.0.0.0/8)");
    }
  }
  if (c.pagopa.soap_path.empty() || c.pagopa.soap_path.front() != '/') {
    return KeyError("config", "pagopa.soap_path",
                    "must be an absolute path such as /pagopa/paForNode");
  }
  if (!c.jobs.webhook_ca_file.empty()) {
    std::ifstream ca(c.jobs.webhook_ca_file);
    if (!ca) {
      return KeyError("config", "jobs.webhook_ca_file",
                      "cannot read '" + c.jobs.webhook_ca_file + "' (a PEM file of CA certificates)");
    }
  }
  return Ok();
}

}  // namespace

EnvLookup ProcessEnv() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());  // NOLINT(concurrency-mt-unsafe): start-up only
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

Result<Config> ParseConfig(const std::string& toml_text, const std::string& origin,
                           const EnvLookup& env) {
  Config config;
  toml::table root;
  try {
    root = toml::parse(toml_text, origin);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    return InvalidArgument("config", fmt::format("{}:{}:{}: not valid TOML: {}", origin, where.line,
                                                 where.column, e.description()));
  }
  // Unknown sections and keys stop start-up: a typo must not silently fall back to a default.
  for (auto&& [section_key, section_node] : root) {
    std::string section(section_key.str());
    if (!KnownSection(section)) {
      return KeyError(origin, section, "unknown section (known: http, database, log, pagopa, jobs, portal)");
    }
    const toml::table* table = section_node.as_table();
    if (table == nullptr)
      return KeyError(origin, section, "must be a table, e.g. [" + section + "]");
    for (auto&& [key, node] : *table) {
      std::string full = fmt::format("{}.{}", section, key.str());
      bool found = false;
      for (const auto& k : IntKeys()) {
        if (section != k.section || key.str() != k.name) continue;
        found = true;
        auto v = node.value_exact<std::int64_t>();
        if (!v) return KeyError(origin, full, "must be an integer");
        INCASSO_TRY(CheckRange(origin, k, *v));
        *k.get(config) = *v;
      }
      for (const auto& k : StrKeys()) {
        if (section != k.section || key.str() != k.name) continue;
        found = true;
        auto v = node.value_exact<std::string>();
        if (!v) return KeyError(origin, full, "must be a string");
        *k.get(config) = *v;
      }
      if (section == "pagopa" && key.str() == "station_ids") {
        found = true;
        const toml::array* arr = node.as_array();
        if (arr == nullptr) return KeyError(origin, full, "must be an array of strings");
        config.pagopa.station_ids.clear();
        for (const auto& item : *arr) {
          auto v = item.value_exact<std::string>();
          if (!v) return KeyError(origin, full, "must be an array of strings");
          config.pagopa.station_ids.push_back(*v);
        }
      }
      if (section == "portal" && key.str() == "trusted_proxies") {
        found = true;
        const toml::array* arr = node.as_array();
        if (arr == nullptr) return KeyError(origin, full, "must be an array of strings");
        config.portal.trusted_proxies.clear();
        for (const auto& item : *arr) {
          auto v = item.value_exact<std::string>();
          if (!v) return KeyError(origin, full, "must be an array of strings");
          config.portal.trusted_proxies.push_back(*v);
        }
      }
      if (!found) return KeyError(origin, full, "unknown key");
    }
  }
  // Environment overrides, INCASSO_<SECTION>_<KEY>.
  for (const auto& k : IntKeys()) {
    std::string name = EnvName(k.section, k.name);
    auto v = env(name);
    if (!v) continue;
    std::int64_t parsed = 0;
    const char* begin = v->data();
    const char* end = begin + v->size();
    auto [ptr, ec] = std::from_chars(begin, end, parsed);
    if (v->empty() || ec != std::errc() || ptr != end) {
      return KeyError("environment", name, fmt::format("'{}' is not an integer", *v));
    }
    INCASSO_TRY(CheckRange("environment " + name, k, parsed));
    *k.get(config) = parsed;
  }
  for (const auto& k : StrKeys()) {
    if (auto v = env(EnvName(k.section, k.name))) *k.get(config) = *v;
  }
  if (auto v = env("INCASSO_PAGOPA_STATION_IDS")) config.pagopa.station_ids = SplitList(*v);
  if (auto v = env("INCASSO_PORTAL_TRUSTED_PROXIES")) {
    config.portal.trusted_proxies = SplitList(*v);
  }
  INCASSO_TRY(Validate(config));
  return config;
}

Result<Config> LoadConfig(const std::string& path, const EnvLookup& env) {
  if (path.empty()) return ParseConfig("", "defaults", env);
  std::ifstream in(path, std::ios::binary);
  if (!in) return InvalidArgument("config", fmt::format("cannot read configuration file {}", path));
  std::ostringstream text;
  text << in.rdbuf();
  return ParseConfig(text.str(), path, env);
}

}  // namespace incasso
