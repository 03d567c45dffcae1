#include "log/log.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

namespace incasso::log {
namespace {

class LogTest : public ::testing::Test {
 protected:
  void Init(std::string level, std::string format) {
    LogOptions options;
    options.level = std::move(level);
    options.format = std::move(format);
    options.sink = [this](std::string_view line) { lines_.emplace_back(line); };
    ASSERT_TRUE(InitLogging(options).ok());
  }
  void TearDown() override {
    LogOptions quiet;
    quiet.level = "off";
    ASSERT_TRUE(InitLogging(quiet).ok());
  }
  std::vector<std::string> lines_;
};

TEST_F(LogTest, RejectsUnknownLevelAndFormat) {
  LogOptions options;
  options.level = "verbose";
  Status s = InitLogging(options);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().field, "log.level");
  EXPECT_NE(s.error().message.find("verbose"), std::string::npos);

  options.level = "info";
  options.format = "xml";
  s = InitLogging(options);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().field, "log.format");
}

TEST_F(LogTest, JsonLineHasTimeLevelMessageAndTypedFields) {
  Init("info", "json");
  LogEvent(Level::kInfo, "access",
           {{"request_id", "abc"}, {"status", 200}, {"duration_ms", 1.5}, {"ok", true}});
  ASSERT_EQ(lines_.size(), 1u);
  boost::json::object o = boost::json::parse(lines_[0]).as_object();
  EXPECT_EQ(o.at("level").as_string(), "info");
  EXPECT_EQ(o.at("msg").as_string(), "access");
  EXPECT_EQ(o.at("request_id").as_string(), "abc");
  EXPECT_EQ(o.at("status").as_int64(), 200);
  EXPECT_DOUBLE_EQ(o.at("duration_ms").as_double(), 1.5);
  EXPECT_TRUE(o.at("ok").as_bool());
  EXPECT_EQ(o.at("time").as_string().size(), std::string("2026-11-26T09:30:00.123Z").size());
}

TEST_F(LogTest, EscapesHostileValuesIntoOneValidJsonLine) {
  Init("info", "json");
  const std::string hostile = "a\"b\\c\nd\r\te\x01\x7f f\xff\xc3\xa8\xed\xa0\x80";
  LogEvent(Level::kWarn, "evil\nmsg", {{"path", hostile}, {"k\"ey", "v"}});
  ASSERT_EQ(lines_.size(), 1u);
  EXPECT_EQ(lines_[0].find('\n'), std::string::npos);
  EXPECT_EQ(lines_[0].find('\r'), std::string::npos);
  boost::json::object o = boost::json::parse(lines_[0]).as_object();
  EXPECT_EQ(o.at("msg").as_string(), "evil\nmsg");
  // Valid UTF-8 (è) is kept, invalid bytes and an encoded surrogate become U+FFFD.
  EXPECT_EQ(o.at("path").as_string(),
            "a\"b\\c\nd\r\te\x01\x7f f\xef\xbf\xbd\xc3\xa8\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
  EXPECT_EQ(o.at("k\"ey").as_string(), "v");
}

TEST_F(LogTest, FiltersBelowConfiguredLevel) {
  Init("warn", "json");
  EXPECT_FALSE(Enabled(Level::kInfo));
  EXPECT_TRUE(Enabled(Level::kError));
  LogEvent(Level::kInfo, "dropped");
  LogEvent(Level::kError, "kept");
  ASSERT_EQ(lines_.size(), 1u);
  EXPECT_NE(lines_[0].find("kept"), std::string::npos);
}

TEST_F(LogTest, TextFormatQuotesOnlyWhenNeeded) {
  Init("debug", "text");
  LogEvent(Level::kDebug, "access", {{"method", "GET"}, {"path", "/a b"}, {"status", 404}});
  ASSERT_EQ(lines_.size(), 1u);
  EXPECT_NE(lines_[0].find(" DEBUG access method=GET path=\"/a b\" status=404"), std::string::npos)
      << lines_[0];
}

}  // namespace
}  // namespace incasso::log
