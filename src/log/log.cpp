#include "log/log.hpp"

#include <fmt/format.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <memory>
#include <mutex>
#include <utility>

#include "core/time.hpp"

namespace incasso::log {
namespace {

// Hands each formatted line to a std::function (spdlog 1.10 has no callback_sink).
class CallbackSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit CallbackSink(std::function<void(std::string_view)> fn) : fn_(std::move(fn)) {}

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    fn_(std::string_view(msg.payload.data(), msg.payload.size()));
  }
  void flush_() override {}

 private:
  std::function<void(std::string_view)> fn_;
};

struct Config {
  Level level = Level::kInfo;
  bool json = true;
  // Formats nothing itself (pattern "%v"): we build the whole line, spdlog serializes the writes.
  std::shared_ptr<spdlog::logger> logger;
};

std::shared_ptr<spdlog::logger> NewLogger(std::function<void(std::string_view)> sink) {
  spdlog::sink_ptr s;
  if (sink) {
    s = std::make_shared<CallbackSink>(std::move(sink));
  } else {
    s = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  }
  auto logger = std::make_shared<spdlog::logger>("incasso", std::move(s));
  logger->set_pattern("%v");
  logger->set_level(spdlog::level::trace);
  return logger;
}

std::atomic<std::shared_ptr<const Config>>& Current() {
  static std::atomic<std::shared_ptr<const Config>> config{
      std::make_shared<const Config>(Config{Level::kInfo, true, NewLogger(nullptr)})};
  return config;
}

spdlog::level::level_enum ToSpdlog(Level level) {
  switch (level) {
    case Level::kTrace:
      return spdlog::level::trace;
    case Level::kDebug:
      return spdlog::level::debug;
    case Level::kInfo:
      return spdlog::level::info;
    case Level::kWarn:
      return spdlog::level::warn;
    case Level::kError:
      return spdlog::level::err;
    case Level::kOff:
      return spdlog::level::off;
  }
  return spdlog::level::info;
}

// Length of the valid UTF-8 sequence starting at s[i], or 0 if it is invalid (overlong forms,
// surrogates and code points above U+10FFFF included).
std::size_t Utf8SequenceLength(std::string_view s, std::size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  std::size_t len = 0;
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if (k == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF)) return 0;
  }
  return len;
}

void AppendJsonValue(std::string& out, const Field::Value& value) {
  if (const auto* s = std::get_if<std::string_view>(&value)) {
    AppendJsonString(out, *s);
  } else if (const auto* i = std::get_if<std::int64_t>(&value)) {
    fmt::format_to(std::back_inserter(out), "{}", *i);
  } else if (const auto* d = std::get_if<double>(&value)) {
    if (std::isfinite(*d)) {
      fmt::format_to(std::back_inserter(out), "{}", *d);
    } else {
      out += "null";
    }
  } else {
    out += std::get<bool>(value) ? "true" : "false";
  }
}

// Text format: bare when unambiguous, else a JSON string literal.
void AppendTextValue(std::string& out, const Field::Value& value) {
  const auto* s = std::get_if<std::string_view>(&value);
  if (s == nullptr) return AppendJsonValue(out, value);
  bool bare = !s->empty();
  for (char c : *s) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7F || c == '"' || c == '=' || c == '\\') {
      bare = false;
      break;
    }
  }
  if (bare) {
    out += *s;
  } else {
    AppendJsonString(out, *s);
  }
}

std::string FormatLine(const Config& config, Level level, std::string_view msg,
                       std::initializer_list<Field> fields) {
  const std::string time = FormatDateTimeMillis(std::chrono::system_clock::now());
  std::string line;
  line.reserve(128);
  if (config.json) {
    line += "{\"time\":\"";
    line += time;
    line += "\",\"level\":\"";
    line += ToString(level);
    line += "\",\"msg\":";
    AppendJsonString(line, msg);
    for (const Field& f : fields) {
      line += ',';
      AppendJsonString(line, f.key());
      line += ':';
      AppendJsonValue(line, f.value());
    }
    line += '}';
  } else {
    line += time;
    line += ' ';
    std::string_view name = ToString(level);
    for (char c : name) line += static_cast<char>(c - 'a' + 'A');
    line.append(6 - name.size(), ' ');
    AppendTextValue(line, Field::Value(msg));
    for (const Field& f : fields) {
      line += ' ';
      line += f.key();
      line += '=';
      AppendTextValue(line, f.value());
    }
  }
  return line;
}

}  // namespace

Result<Level> ParseLevel(std::string_view name) {
  if (name == "trace") return Level::kTrace;
  if (name == "debug") return Level::kDebug;
  if (name == "info") return Level::kInfo;
  if (name == "warn" || name == "warning") return Level::kWarn;
  if (name == "error") return Level::kError;
  if (name == "off") return Level::kOff;
  return InvalidArgument("log.level",
                         fmt::format("unknown log level \"{}\"; expected one of trace, "
                                     "debug, info, warn, error, off",
                                     name));
}

std::string_view ToString(Level level) {
  switch (level) {
    case Level::kTrace:
      return "trace";
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarn:
      return "warn";
    case Level::kError:
      return "error";
    case Level::kOff:
      return "off";
  }
  return "info";
}

Status InitLogging(const LogOptions& options) {
  auto level = ParseLevel(options.level);
  if (!level.ok()) return level.error();
  if (options.format != "json" && options.format != "text") {
    return InvalidArgument(
        "log.format",
        fmt::format("unknown log format \"{}\"; expected json or text", options.format));
  }
  auto config = std::make_shared<const Config>(
      Config{*level, options.format == "json", NewLogger(options.sink)});
  Current().store(std::move(config));
  return Ok();
}

bool Enabled(Level level) {
  if (level == Level::kOff) return false;
  return level >= Current().load()->level;
}

void LogEvent(Level level, std::string_view msg, std::initializer_list<Field> fields) {
  if (level == Level::kOff) return;
  const std::shared_ptr<const Config> config = Current().load();
  if (level < config->level) return;
  const std::string line = FormatLine(*config, level, msg, fields);
  config->logger->log(ToSpdlog(level), spdlog::string_view_t(line.data(), line.size()));
}

void AppendJsonString(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x80) {
      const std::size_t len = Utf8SequenceLength(text, i);
      if (len == 0) {
        out += "\\ufffd";
        ++i;
      } else {
        out.append(text.substr(i, len));
        i += len;
      }
      continue;
    }
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (u < 0x20 || u == 0x7F) {
          out += "\\u00";
          out += kHex[u >> 4];
          out += kHex[u & 0xF];
        } else {
          out += c;
        }
    }
    ++i;
  }
  out += '"';
}

}  // namespace incasso::log
