// Structured logging: one line per event on stderr, JSON (default) or human-readable text.
//
// Contract:
// - Context travels as explicit fields (request_id, tenant, ...): spdlog 1.10 has no MDC and a
//   "current request" global would break on a thread pool.
// - Never pass secrets, passwords, tokens, request or response bodies, query strings or full
//   personal data as fields (STYLE.md rule 10). Values are escaped: a field never splits a line.
// - All functions are thread-safe. Before InitLogging() the defaults of LogOptions apply.
#pragma once

#include <concepts>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <variant>

#include "core/result.hpp"

namespace incasso::log {

enum class Level { kTrace, kDebug, kInfo, kWarn, kError, kOff };

struct LogOptions {
  std::string level = "info";   // trace | debug | info | warn | error | off
  std::string format = "json";  // json | text
  // Receives every formatted line (without the newline) instead of stderr. Meant for tests; it is
  // called under a lock, one line at a time, and must not log itself.
  std::function<void(std::string_view line)> sink;
};

// Validates `options` and installs them process-wide. On error nothing changes.
Status InitLogging(const LogOptions& options);

// "trace" ... "off" (also "warning"); InvalidArgument naming the accepted values otherwise.
Result<Level> ParseLevel(std::string_view name);
std::string_view ToString(Level level);

// True if an event at `level` would be written; lets callers skip building expensive fields.
bool Enabled(Level level);

// One key/value of an event. Holds views: build fields inside the LogEvent call only.
class Field {
 public:
  using Value = std::variant<std::string_view, std::int64_t, double, bool>;

  Field(std::string_view key, std::string_view value) : key_(key), value_(value) {}
  Field(std::string_view key, const char* value) : key_(key), value_(std::string_view(value)) {}
  Field(std::string_view key, const std::string& value)
      : key_(key), value_(std::string_view(value)) {}
  template <std::integral T>
  requires(!std::same_as<T, bool>) Field(std::string_view key, T value)
      : key_(key), value_(static_cast<std::int64_t>(value)) {}
  Field(std::string_view key, double value) : key_(key), value_(value) {}
  Field(std::string_view key, bool value) : key_(key), value_(value) {}

  std::string_view key() const { return key_; }
  const Value& value() const { return value_; }

 private:
  std::string_view key_;
  Value value_;
};

// Writes one event. JSON: {"time":"2026-11-26T09:30:00.123Z","level":"info","msg":"access",
// <fields in order>}; "time", "level" and "msg" are reserved keys. Text: `time LEVEL msg k=v ...`.
void LogEvent(Level level, std::string_view msg, std::initializer_list<Field> fields = {});

// Appends `text` as a JSON string literal (quotes included). Control characters are escaped and
// invalid UTF-8 is replaced by U+FFFD, so the result is always valid JSON on one line.
void AppendJsonString(std::string& out, std::string_view text);

}  // namespace incasso::log
