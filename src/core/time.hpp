// ISO 8601 dates and times, parsed and formatted without locale or time-zone database.
//
// Contract: incasso stores and compares instants in UTC ("2026-11-26T09:30:00Z"). A date-time given
// without an offset (as pagoPA GPD sends LocalDateTime) is read as UTC; offsets such as "+01:00"
// are honoured. Fractions of a second are accepted and dropped.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/result.hpp"

namespace incasso {

using Date = std::chrono::sys_days;

// "YYYY-MM-DD", a real calendar date. `field` names the input in the error.
Result<Date> ParseDate(std::string_view text, std::string_view field = "date");
// "YYYY-MM-DDTHH:MM:SS[.fff][Z|+hh:mm|-hh:mm]" or a bare date (midnight UTC).
Result<TimePoint> ParseDateTime(std::string_view text, std::string_view field = "dateTime");

std::string FormatDate(Date d);           // "2026-11-26"
std::string FormatDateTime(TimePoint t);  // "2026-11-26T09:30:00Z"
std::string FormatDateTimeMillis(std::chrono::system_clock::time_point t);  // for logs

}  // namespace incasso
