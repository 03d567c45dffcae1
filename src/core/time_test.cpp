#include "core/time.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace incasso {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

Date Ymd(int y, unsigned m, unsigned d) {
  return Date{std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d}};
}

TimePoint At(int y, unsigned m, unsigned d, int hh = 0, int mm = 0, int ss = 0) {
  return TimePoint{Ymd(y, m, d)} + hours{hh} + minutes{mm} + seconds{ss};
}

std::string DateError(std::string_view text) {
  auto r = ParseDate(text, "dueDate");
  EXPECT_FALSE(r.ok()) << text;
  return r.ok() ? "" : r.error().ToText();
}

std::string DateTimeError(std::string_view text) {
  auto r = ParseDateTime(text, "paymentDateTime");
  EXPECT_FALSE(r.ok()) << text;
  return r.ok() ? "" : r.error().ToText();
}

TEST(ParseDate, AcceptsCalendarDates) {
  EXPECT_EQ(*ParseDate("2026-11-26"), Ymd(2026, 11, 26));
  EXPECT_EQ(*ParseDate("2024-02-29"), Ymd(2024, 2, 29));
  EXPECT_EQ(*ParseDate("2000-02-29"), Ymd(2000, 2, 29));
  EXPECT_EQ(*ParseDate("1900-01-01"), Ymd(1900, 1, 1));
  EXPECT_EQ(*ParseDate("9999-12-31"), Ymd(9999, 12, 31));
  EXPECT_EQ(*ParseDate("1970-01-01"), Date{});
}

TEST(ParseDate, RejectsDatesNotOnTheCalendar) {
  EXPECT_EQ(DateError("2026-02-30"), "dueDate: '2026-02-30' is not a calendar date");
  EXPECT_EQ(DateError("2026-02-29"), "dueDate: '2026-02-29' is not a calendar date");
  EXPECT_EQ(DateError("1900-02-29"), "dueDate: '1900-02-29' is not a calendar date");
  EXPECT_FALSE(ParseDate("2026-04-31").ok());
  EXPECT_FALSE(ParseDate("2026-13-01").ok());
  EXPECT_FALSE(ParseDate("2026-00-10").ok());
  EXPECT_FALSE(ParseDate("2026-01-00").ok());
  EXPECT_FALSE(ParseDate("2026-01-32").ok());
}

TEST(ParseDate, RejectsYearsOutsideTheSupportedRange) {
  EXPECT_EQ(DateError("1899-12-31"), "dueDate: year 1899 is not between 1900 and 9999");
  EXPECT_EQ(DateError("0000-01-01"), "dueDate: year 0 is not between 1900 and 9999");
}

TEST(ParseDate, RejectsOtherShapes) {
  const std::string expected = "dueDate: must be a date as YYYY-MM-DD";
  EXPECT_EQ(DateError(""), expected);
  EXPECT_EQ(DateError("26/11/2026"), expected);
  EXPECT_EQ(DateError("2026-1-5"), expected);
  EXPECT_EQ(DateError("2026-11-26T00:00:00"), expected);
  EXPECT_EQ(DateError("2026-11-26 "), expected);
  EXPECT_EQ(DateError(" 2026-11-26"), expected);
  EXPECT_EQ(DateError("20261126"), expected);
  EXPECT_EQ(DateError("2026/11/26"), expected);
  EXPECT_EQ(DateError("2026-11-2x"), expected);
  EXPECT_EQ(DateError("+026-11-26"), expected);
  EXPECT_EQ(DateError("２026-11-2"), expected);  // a full-width digit is not a digit
}

TEST(ParseDate, UsesTheDefaultFieldName) {
  auto r = ParseDate("nope");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "date");
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
}

TEST(ParseDateTime, AcceptsUtcWithZ) {
  EXPECT_EQ(*ParseDateTime("2026-11-26T09:30:00Z"), At(2026, 11, 26, 9, 30, 0));
  EXPECT_EQ(*ParseDateTime("2026-11-26T23:59:59Z"), At(2026, 11, 26, 23, 59, 59));
  EXPECT_EQ(*ParseDateTime("1970-01-01T00:00:00Z"), TimePoint{});
}

TEST(ParseDateTime, ReadsTimesWithoutOffsetAsUtc) {
  EXPECT_EQ(*ParseDateTime("2026-11-26T09:30:00"), At(2026, 11, 26, 9, 30, 0));
  EXPECT_EQ(*ParseDateTime("2026-11-26 09:30:00"), At(2026, 11, 26, 9, 30, 0));
  EXPECT_EQ(*ParseDateTime("2026-11-26T09:30"), At(2026, 11, 26, 9, 30, 0));
  EXPECT_EQ(*ParseDateTime("2026-11-26T09:30Z"), At(2026, 11, 26, 9, 30, 0));
}

TEST(ParseDateTime, HonoursOffsets) {
  EXPECT_EQ(*ParseDateTime("2026-11-26T10:30:00+01:00"), At(2026, 11, 26, 9, 30, 0));
  EXPECT_EQ(*ParseDateTime("2026-07-01T11:30:00+02:00"), At(2026, 7, 1, 9, 30, 0));
  EXPECT_EQ(*ParseDateTime("2026-11-26T04:00:00-05:30"), At(2026, 11, 26, 9, 30, 0));
  EXPECT_EQ(*ParseDateTime("2026-11-26T09:30:00+00:00"), At(2026, 11, 26, 9, 30, 0));
  EXPECT_EQ(*ParseDateTime("2026-11-26T09:30:00-00:00"), At(2026, 11, 26, 9, 30, 0));
  EXPECT_EQ(*ParseDateTime("2026-11-26T09:30:00+14:00"), At(2026, 11, 25, 19, 30, 0));
}

TEST(ParseDateTime, OffsetsCrossDayMonthAndYear) {
  EXPECT_EQ(*ParseDateTime("2027-01-01T00:30:00+01:00"), At(2026, 12, 31, 23, 30, 0));
  EXPECT_EQ(*ParseDateTime("2026-12-31T23:30:00-01:00"), At(2027, 1, 1, 0, 30, 0));
  EXPECT_EQ(*ParseDateTime("2024-03-01T00:00:00+00:01"), At(2024, 2, 29, 23, 59, 0));
}

TEST(ParseDateTime, DropsFractionsOfASecond) {
  EXPECT_EQ(*ParseDateTime("2026-11-26T09:30:00.1Z"), At(2026, 11, 26, 9, 30, 0));
  EXPECT_EQ(*ParseDateTime("2026-11-26T09:30:00.999Z"), At(2026, 11, 26, 9, 30, 0));
  EXPECT_EQ(*ParseDateTime("2026-11-26T09:30:59.999999999"), At(2026, 11, 26, 9, 30, 59));
  EXPECT_EQ(*ParseDateTime("2026-11-26T10:30:00.500+01:00"), At(2026, 11, 26, 9, 30, 0));
}

TEST(ParseDateTime, ReadsABareDateAsMidnightUtc) {
  EXPECT_EQ(*ParseDateTime("2026-11-26"), At(2026, 11, 26));
}

TEST(ParseDateTime, RejectsInvalidDates) {
  EXPECT_EQ(DateTimeError("2026-02-30T10:00:00Z"),
            "paymentDateTime: '2026-02-30' is not a calendar date");
  EXPECT_FALSE(ParseDateTime("2026-02-30").ok());
  EXPECT_FALSE(ParseDateTime("2026-13-01T00:00:00Z").ok());
}

TEST(ParseDateTime, RejectsInvalidTimes) {
  const std::string expected =
      "paymentDateTime: must be a date-time as YYYY-MM-DDTHH:MM:SS with optional Z or offset";
  EXPECT_EQ(DateTimeError("2026-11-26T24:00:00Z"), expected);
  EXPECT_EQ(DateTimeError("2026-11-26T09:60:00Z"), expected);
  EXPECT_EQ(DateTimeError("2026-11-26T09:30:61Z"), expected);
  // Regression: 23:59:60 used to be accepted and folded into 00:00:00 of the next day.
  EXPECT_EQ(DateTimeError("2026-12-31T23:59:60Z"), expected);
  EXPECT_EQ(DateTimeError("2026-11-26T9:30:00Z"), expected);
  EXPECT_EQ(DateTimeError("2026-11-26T09"), expected);
  EXPECT_EQ(DateTimeError("2026-11-26T"), expected);
  EXPECT_EQ(DateTimeError("2026-11-26T09:30:"), expected);
  EXPECT_EQ(DateTimeError("2026-11-26T09:30:00."), expected);
  EXPECT_EQ(DateTimeError("2026-11-26T09:30:00.1234567890Z"), expected);
}

TEST(ParseDateTime, RejectsBadOffsets) {
  EXPECT_FALSE(ParseDateTime("2026-11-26T09:30:00+0100").ok());
  EXPECT_FALSE(ParseDateTime("2026-11-26T09:30:00+01").ok());
  EXPECT_FALSE(ParseDateTime("2026-11-26T09:30:00+15:00").ok());
  EXPECT_FALSE(ParseDateTime("2026-11-26T09:30:00+01:60").ok());
  EXPECT_FALSE(ParseDateTime("2026-11-26T09:30:00+aa:00").ok());
  EXPECT_FALSE(ParseDateTime("2026-11-26T09:30:00 +01:00").ok());
  EXPECT_FALSE(ParseDateTime("2026-11-26T09:30:00z").ok());
  EXPECT_FALSE(ParseDateTime("2026-11-26T09:30:00ZZ").ok());
  EXPECT_FALSE(ParseDateTime("2026-11-26T09:30:00Z+01:00").ok());
  EXPECT_FALSE(ParseDateTime("2026-11-26T09:30:00CET").ok());
}

TEST(ParseDateTime, RejectsJunk) {
  EXPECT_FALSE(ParseDateTime("").ok());
  EXPECT_FALSE(ParseDateTime("now").ok());
  EXPECT_FALSE(ParseDateTime("2026-11-26X09:30:00").ok());
  EXPECT_FALSE(ParseDateTime("2026-11-26t09:30:00").ok());
  EXPECT_FALSE(ParseDateTime("2026-11-26T09:30:00Z ").ok());
  EXPECT_FALSE(ParseDateTime(" 2026-11-26T09:30:00Z").ok());
  EXPECT_FALSE(ParseDateTime("2026-11-26T09:30:00Zjunk").ok());
  EXPECT_FALSE(ParseDateTime("2026-11-26T09:30:00.12a").ok());
  EXPECT_FALSE(ParseDateTime(std::string_view("2026-11-26\0", 11)).ok());
}

TEST(ParseDateTime, SaysItExpectsADateTimeWhenTheDatePartIsMalformed) {
  EXPECT_EQ(
      DateTimeError("26/11/2026 09:30"),
      "paymentDateTime: must be a date-time as YYYY-MM-DDTHH:MM:SS with optional Z or offset");
}

TEST(ParseDateTime, UsesTheDefaultFieldName) {
  auto r = ParseDateTime("nope");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "dateTime");
}

TEST(FormatDate, WritesIsoDates) {
  EXPECT_EQ(FormatDate(Ymd(2026, 11, 26)), "2026-11-26");
  EXPECT_EQ(FormatDate(Ymd(2026, 1, 5)), "2026-01-05");
  EXPECT_EQ(FormatDate(Ymd(1900, 1, 1)), "1900-01-01");
  EXPECT_EQ(FormatDate(Ymd(9999, 12, 31)), "9999-12-31");
  EXPECT_EQ(FormatDate(Date{}), "1970-01-01");
}

TEST(FormatDateTime, WritesUtcWithZ) {
  EXPECT_EQ(FormatDateTime(At(2026, 11, 26, 9, 30, 0)), "2026-11-26T09:30:00Z");
  EXPECT_EQ(FormatDateTime(At(2026, 1, 5, 0, 0, 0)), "2026-01-05T00:00:00Z");
  EXPECT_EQ(FormatDateTime(At(2026, 12, 31, 23, 59, 59)), "2026-12-31T23:59:59Z");
  EXPECT_EQ(FormatDateTime(TimePoint{}), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatDateTime(At(1969, 12, 31, 23, 59, 59)), "1969-12-31T23:59:59Z");
}

TEST(FormatDateTimeMillis, WritesMilliseconds) {
  const auto t = std::chrono::system_clock::time_point{At(2026, 11, 26, 9, 30, 0)} +
                 std::chrono::milliseconds{7};
  EXPECT_EQ(FormatDateTimeMillis(t), "2026-11-26T09:30:00.007Z");
  const auto before_epoch = std::chrono::system_clock::time_point{} - std::chrono::milliseconds{1};
  EXPECT_EQ(FormatDateTimeMillis(before_epoch), "1969-12-31T23:59:59.999Z");
}

TEST(TimeProperty, FormatThenParseRoundTrips) {
  // Every 7 hours 13 minutes 17 seconds over 1950..2100: deterministic and covers all fields.
  const TimePoint start = At(1950, 1, 1);
  const TimePoint end = At(2100, 1, 1);
  const auto step = hours{7} + minutes{13} + seconds{17};
  int count = 0;
  for (TimePoint t = start; t < end; t += step, ++count) {
    const std::string text = FormatDateTime(t);
    auto parsed = ParseDateTime(text);
    ASSERT_TRUE(parsed.ok()) << text;
    ASSERT_EQ(*parsed, t) << text;
    const Date day = std::chrono::floor<days>(t);
    auto date = ParseDate(FormatDate(day));
    ASSERT_TRUE(date.ok()) << text;
    ASSERT_EQ(*date, day);
  }
  EXPECT_GT(count, 150'000);
}

}  // namespace
}  // namespace incasso
