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
    auto c =
        ParseConfig(std::string("[database]\nurl = \"") + url + "\"\n", "site.toml", FakeEnv({}));
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

TEST(ConfigTest, PagopaSection) {
  auto c = ParseConfig(
      "[pagopa]\nbroker_fiscal_code = \"93000111224\"\nstation_ids = [\"93000111224_01\", "
      "\"93000111224_02\"]\n",
      "site.toml", FakeEnv({}));
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->pagopa.broker_fiscal_code, "93000111224");
  ASSERT_EQ(c->pagopa.station_ids.size(), 2u);
  EXPECT_EQ(c->pagopa.soap_path, "/pagopa/paForNode");
  auto env = ParseConfig("", "site.toml",
                         FakeEnv({{"INCASSO_PAGOPA_STATION_IDS", "A_01, B_02,"},
                                  {"INCASSO_PAGOPA_BROKER_FISCAL_CODE", "80012345676"}}));
  ASSERT_TRUE(env.ok()) << env.error().message;
  EXPECT_EQ(env->pagopa.station_ids, (std::vector<std::string>{"A_01", "B_02"}));
  EXPECT_EQ(env->pagopa.broker_fiscal_code, "80012345676");
  auto bad = ParseConfig("[pagopa]\nstation_ids = \"one\"\n", "site.toml", FakeEnv({}));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("pagopa.station_ids"), std::string::npos);
  auto broker = ParseConfig("[pagopa]\nbroker_fiscal_code = \"123\"\n", "site.toml", FakeEnv({}));
  ASSERT_FALSE(broker.ok());
  EXPECT_NE(broker.error().message.find("pagopa.broker_fiscal_code"), std::string::npos);
}

TEST(ConfigTest, PortalTrustedProxies) {
  auto none = ParseConfig("", "site.toml", FakeEnv({}));
  ASSERT_TRUE(none.ok()) << none.error().message;
  EXPECT_TRUE(none->portal.trusted_proxies.empty());
  auto c = ParseConfig("[portal]\ntrusted_proxies = [\"10.0.0.0/8\", \"2001:db8::1\"]\n",
                       "site.toml", FakeEnv({}));
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->portal.trusted_proxies, (std::vector<std::string>{"10.0.0.0/8", "2001:db8::1"}));
  auto env = ParseConfig("", "site.toml",
                         FakeEnv({{"INCASSO_PORTAL_TRUSTED_PROXIES", "127.0.0.1, ::1/128"}}));
  ASSERT_TRUE(env.ok()) << env.error().message;
  EXPECT_EQ(env->portal.trusted_proxies, (std::vector<std::string>{"127.0.0.1", "::1/128"}));
  for (const char* bad : {"[\"proxy.example\"]", "[\"10.0.0.0/33\"]", "[\"10.0.0.0/\"]",
                          "\"10.0.0.1\"", "[1]"}) {
    auto b = ParseConfig(std::string("[portal]\ntrusted_proxies = ") + bad + "\n", "site.toml",
                         FakeEnv({}));
    ASSERT_FALSE(b.ok()) << bad;
    EXPECT_NE(b.error().message.find("portal.trusted_proxies"), std::string::npos)
        << b.error().message;
  }
}

TEST(ConfigTest, MissingFileIsReported) {
  auto c = LoadConfig("/nonexistent/incasso.toml", FakeEnv({}));
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("/nonexistent/incasso.toml"), std::string::npos);
}

}  // namespace
}  // namespace incasso
