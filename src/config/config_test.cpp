#include "config/config.hpp"

#include <gtest/gtest.h>

#include <map>

namespace incasso {
namespace {

EnvLookup FakeEnv(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

TEST(ConfigTest, DefaultsWhenEmpty) {
  auto c = ParseConfig("", "test.toml", FakeEnv({}));
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->http.port, 8080);
  EXPECT_EQ(c->database.url, "sqlite:var/incasso.db");
  EXPECT_EQ(c->log.format, "json");
}

TEST(ConfigTest, ReadsEveryKind) {
  auto c = ParseConfig(
      "[http]\nport = 9000\nhost = \"0.0.0.0\"\n[database]\nurl = \"postgresql://db/incasso\"\n"
      "pool_size = 4\n[log]\nlevel = \"debug\"\n",
      "test.toml", FakeEnv({}));
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->http.port, 9000);
  EXPECT_EQ(c->http.host, "0.0.0.0");
  EXPECT_EQ(c->database.url, "postgresql://db/incasso");
  EXPECT_EQ(c->database.pool_size, 4);
  EXPECT_EQ(c->log.level, "debug");
}

TEST(ConfigTest, UnknownKeyIsNamed) {
  auto c = ParseConfig("[http]\nprot = 9000\n", "site.toml", FakeEnv({}));
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("http.prot"), std::string::npos) << c.error().message;
  EXPECT_NE(c.error().message.find("unknown key"), std::string::npos);
  EXPECT_NE(c.error().message.find("site.toml"), std::string::npos);
}

TEST(ConfigTest, UnknownSectionIsNamed) {
  auto c = ParseConfig("[htp]\nport = 1\n", "site.toml", FakeEnv({}));
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("htp"), std::string::npos);
}

TEST(ConfigTest, WrongTypeIsNamed) {
  auto c = ParseConfig("[http]\nport = \"eighty\"\n", "site.toml", FakeEnv({}));
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("http.port"), std::string::npos);
  EXPECT_NE(c.error().message.find("integer"), std::string::npos);
  auto d = ParseConfig("[database]\nurl = 5\n", "site.toml", FakeEnv({}));
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.error().message.find("database.url"), std::string::npos);
  auto f = ParseConfig("[http]\nport = 80.5\n", "site.toml", FakeEnv({}));
  ASSERT_FALSE(f.ok());
}

TEST(ConfigTest, OutOfRangeIsNamed) {
  auto c = ParseConfig("[http]\nport = 70000\n", "site.toml", FakeEnv({}));
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("http.port"), std::string::npos);
  EXPECT_NE(c.error().message.find("out of range"), std::string::npos);
}

TEST(ConfigTest, BadDatabaseUrl) {
  for (const char* url : {"mysql://x/y", "sqlite:", "postgresql://", "var/incasso.db", ""}) {
    auto c = ParseConfig(std::string("[database]\nurl = \"") + url + "\"\n", "site.toml", FakeEnv({}));
    ASSERT_FALSE(c.ok()) << url;
    EXPECT_NE(c.error().message.find("database.url"), std::string::npos) << c.error().message;
  }
}

TEST(ConfigTest, InvalidTomlSaysWhere) {
  auto c = ParseConfig("[http\nport = 1\n", "site.toml", FakeEnv({}));
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("site.toml:1"), std::string::npos) << c.error().message;
}

TEST(ConfigTest, EnvironmentOverridesFile) {
  auto c = ParseConfig("[http]\nport = 9000\n", "site.toml",
                       FakeEnv({{"INCASSO_HTTP_PORT", "9100"},
                                {"INCASSO_DATABASE_URL", "sqlite:/tmp/x.db"},
                                {"INCASSO_LOG_LEVEL", "warn"}}));
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->http.port, 9100);
  EXPECT_EQ(c->database.url, "sqlite:/tmp/x.db");
  EXPECT_EQ(c->log.level, "warn");
}

TEST(ConfigTest, BadEnvironmentValueIsNamed) {
  auto c = ParseConfig("", "site.toml", FakeEnv({{"INCASSO_HTTP_PORT", "80a"}}));
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("INCASSO_HTTP_PORT"), std::string::npos) << c.error().message;
  auto d = ParseConfig("", "site.toml", FakeEnv({{"INCASSO_DATABASE_URL", "oracle://x"}}));
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.error().message.find("database.url"), std::string::npos);
}

TEST(ConfigTest, MissingFileIsReported) {
  auto c = LoadConfig("/nonexistent/incasso.toml", FakeEnv({}));
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("/nonexistent/incasso.toml"), std::string::npos);
}

}  // namespace
}  // namespace incasso
