#include "core/time.hpp"

#include <fmt/format.h>

#include <cctype>

namespace incasso {
namespace {

bool Digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

constexpr const char* kDateShape = "must be a date as YYYY-MM-DD";
constexpr const char* kDateTimeShape =
    "must be a date-time as YYYY-MM-DDTHH:MM:SS with optional Z or offset";

// `shape` is the message for a malformed prefix, so that a date-time field does not ask for a date.
Result<Date> ParseDatePrefix(std::string_view text, std::string_view field, const char* shape) {
  int y = 0, m = 0, d = 0;
  if (text.size() < 10 || !Digits(text, 0, 4, y) || text[4] != '-' || !Digits(text, 5, 2, m) ||
      text[7] != '-' || !Digits(text, 8, 2, d)) {
    return InvalidArgument(std::string(field), shape);
  }
  if (y < 1900) {
    return InvalidArgument(std::string(field),
                           fmt::format("year {} is not between 1900 and 9999", y));
  }
  std::chrono::year_month_day ymd{std::chrono::year{y},
                                  std::chrono::month{static_cast<unsigned>(m)},
                                  std::chrono::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) {
    return InvalidArgument(std::string(field),
                           fmt::format("'{}' is not a calendar date", text.substr(0, 10)));
  }
  return Date{ymd};
}

}  // namespace

Result<Date> ParseDate(std::string_view text, std::string_view field) {
  if (text.size() != 10) return InvalidArgument(std::string(field), kDateShape);
  return ParseDatePrefix(text, field, kDateShape);
}

Result<TimePoint> ParseDateTime(std::string_view text, std::string_view field) {
  auto date = ParseDatePrefix(text, field, kDateTimeShape);
  if (!date.ok()) return date.error();
  TimePoint t = std::chrono::time_point_cast<std::chrono::seconds>(*date);
  if (text.size() == 10) return t;
  auto bad = [&] { return InvalidArgument(std::string(field), kDateTimeShape); };
  int hh = 0, mm = 0, ss = 0;
  if ((text[10] != 'T' && text[10] != ' ') || !Digits(text, 11, 2, hh) || text.size() < 16 ||
      text[13] != ':' || !Digits(text, 14, 2, mm)) {
    return bad();
  }
  size_t pos = 16;
  if (pos < text.size() && text[pos] == ':') {
    if (!Digits(text, pos + 1, 2, ss)) return bad();
    pos += 3;
    if (pos < text.size() && text[pos] == '.') {
      ++pos;
      size_t start = pos;
      while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) ++pos;
      if (pos == start || pos - start > 9) return bad();
    }
  }
  // No leap seconds: TimePoint cannot hold 23:59:60, and folding it into the next minute would move
  // the date of a payment (XML Schema 1.1 dateTime excludes them too).
  if (hh > 23 || mm > 59 || ss > 59) return bad();
  t += std::chrono::hours{hh} + std::chrono::minutes{mm} + std::chrono::seconds{ss};
  if (pos == text.size()) return t;
  if (text[pos] == 'Z' && pos + 1 == text.size()) return t;
  if ((text[pos] == '+' || text[pos] == '-') && text.size() == pos + 6 && text[pos + 3] == ':') {
    int oh = 0, om = 0;
    if (!Digits(text, pos + 1, 2, oh) || !Digits(text, pos + 4, 2, om) || oh > 14 || om > 59)
      return bad();
    auto offset = std::chrono::hours{oh} + std::chrono::minutes{om};
    return text[pos] == '+' ? t - offset : t + offset;
  }
  return bad();
}

std::string FormatDate(Date d) {
  std::chrono::year_month_day ymd{d};
  return fmt::format("{:04d}-{:02d}-{:02d}", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
}

std::string FormatDateTime(TimePoint t) {
  auto day = std::chrono::floor<std::chrono::days>(t);
  std::chrono::hh_mm_ss hms{t - day};
  return fmt::format("{}T{:02d}:{:02d}:{:02d}Z", FormatDate(day), hms.hours().count(),
                     hms.minutes().count(), hms.seconds().count());
}

std::string FormatDateTimeMillis(std::chrono::system_clock::time_point t) {
  auto ms = std::chrono::floor<std::chrono::milliseconds>(t);
  auto secs = std::chrono::floor<std::chrono::seconds>(ms);
  auto day = std::chrono::floor<std::chrono::days>(secs);
  std::chrono::hh_mm_ss hms{secs - day};
  return fmt::format("{}T{:02d}:{:02d}:{:02d}.{:03d}Z", FormatDate(day), hms.hours().count(),
                     hms.minutes().count(), hms.seconds().count(), (ms - secs).count());
}

}  // namespace incasso
