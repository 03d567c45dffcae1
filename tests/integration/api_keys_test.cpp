// API keys over a real database (SQLite and PostgreSQL): a key reaches exactly its own active
// institution, every rejection looks the same, and the key itself is never stored or logged.
#include "app/api_keys.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>

#include "app/entities.hpp"
#include "core/time.hpp"
#include "tests/support/databases.hpp"
#include "tests/support/fixtures.hpp"

namespace incasso {
namespace {

const TimePoint kNow = *ParseDateTime("2026-11-26T10:00:00Z");
constexpr std::string_view kRejection = "unknown or revoked API key";

class ApiKeysTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    store_ = testing::OpenFreshStore(GetParam(), tmp_.path());
    if (!store_) GTEST_SKIP() << "set INCASSO_TEST_POSTGRES_URL to run on PostgreSQL";
    comune_ = AddTestEntity("00123456782", "comune", "01");
    universita_ = AddTestEntity("80012345676", "universita", "02");
  }

  AppContext Ctx() { return AppContext{*store_, clock_}; }

  Entity AddTestEntity(const std::string& cf, const std::string& slug, const std::string& seg) {
    auto ctx = Ctx();
    return testing::AddTestEntity(ctx, testing::TestEntity(cf, slug, seg));
  }

  CreatedApiKey NewKey(const std::string& cf, std::string label = "gestionale") {
    auto ctx = Ctx();
    auto created = CreateApiKey(ctx, Caller{}, cf, std::move(label));
    EXPECT_TRUE(created.ok()) << created.error().ToText();
    return created.ok() ? *created : CreatedApiKey{};
  }

  // The key is rejected exactly like any unknown key.
  void ExpectRejected(std::string_view key) {
    auto ctx = Ctx();
    auto r = AuthenticateApiKey(ctx, key);
    ASSERT_FALSE(r.ok()) << "accepted: " << key.substr(0, 80);
    EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
    EXPECT_EQ(r.error().message, kRejection);
  }

  std::optional<TimePoint> LastUsed(const Entity& e, std::int64_t id) {
    auto ctx = Ctx();
    auto keys = ListApiKeys(ctx, e.fiscal_code);
    EXPECT_TRUE(keys.ok());
    for (const auto& k : *keys) {
      if (k.id == id) return k.last_used_at;
    }
    ADD_FAILURE() << "no key " << id;
    return std::nullopt;
  }

  testing::TempDir tmp_;
  FakeClock clock_{kNow};
  std::unique_ptr<Store> store_;
  Entity comune_;
  Entity universita_;
};

TEST_P(ApiKeysTest, ACreatedKeyAuthenticatesAsItsEntity) {
  CreatedApiKey k = NewKey("00123456782");
  EXPECT_EQ(k.key.size(), 46u);
  EXPECT_EQ(k.key.substr(0, 3), "ik_");
  EXPECT_EQ(k.info.prefix, k.key.substr(0, 10));
  EXPECT_EQ(k.info.entity_id, comune_.id);
  EXPECT_EQ(k.info.label, "gestionale");
  EXPECT_EQ(k.info.created_at, kNow);
  auto ctx = Ctx();
  auto who = AuthenticateApiKey(ctx, k.key);
  ASSERT_TRUE(who.ok()) << who.error().ToText();
  EXPECT_EQ(who->id, comune_.id);
  EXPECT_EQ(who->fiscal_code, "00123456782");
}

TEST_P(ApiKeysTest, LastUsedIsRefreshedAtMostOnceAMinute) {
  CreatedApiKey k = NewKey("00123456782");
  EXPECT_FALSE(LastUsed(comune_, k.info.id).has_value());
  auto ctx = Ctx();
  ASSERT_TRUE(AuthenticateApiKey(ctx, k.key).ok());
  EXPECT_EQ(LastUsed(comune_, k.info.id), std::optional<TimePoint>(kNow));
  clock_.Set(kNow + std::chrono::seconds{59});
  ASSERT_TRUE(AuthenticateApiKey(ctx, k.key).ok());
  EXPECT_EQ(LastUsed(comune_, k.info.id), std::optional<TimePoint>(kNow));
  clock_.Set(kNow + std::chrono::seconds{60});
  ASSERT_TRUE(AuthenticateApiKey(ctx, k.key).ok());
  EXPECT_EQ(LastUsed(comune_, k.info.id),
            std::optional<TimePoint>(kNow + std::chrono::seconds{60}));
}

TEST_P(ApiKeysTest, AnotherEntitysKeyNeverAuthenticatesAsThisOne) {
  CreatedApiKey mine = NewKey("00123456782");
  CreatedApiKey theirs = NewKey("80012345676");
  auto ctx = Ctx();
  auto as_theirs = AuthenticateApiKey(ctx, theirs.key);
  ASSERT_TRUE(as_theirs.ok());
  EXPECT_EQ(as_theirs->id, universita_.id);
  EXPECT_NE(as_theirs->id, comune_.id);
  // The comune neither sees nor revokes the university's key.
  auto listed = ListApiKeys(ctx, "00123456782");
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].id, mine.info.id);
  Status cross = RevokeApiKey(ctx, Caller{}, "00123456782", theirs.info.id);
  ASSERT_FALSE(cross.ok());
  EXPECT_EQ(cross.error().code, ErrorCode::kNotFound);
  auto still = AuthenticateApiKey(ctx, theirs.key);
  ASSERT_TRUE(still.ok());
  EXPECT_EQ(still->id, universita_.id);
}

TEST_P(ApiKeysTest, ARevokedKeyIsRejectedAndOthersStillWork) {
  CreatedApiKey first = NewKey("00123456782", "old");
  CreatedApiKey second = NewKey("00123456782", "new");
  auto ctx = Ctx();
  clock_.Set(kNow + std::chrono::hours{1});
  ASSERT_TRUE(RevokeApiKey(ctx, Caller{}, "00123456782", first.info.id).ok());
  ExpectRejected(first.key);
  auto ok = AuthenticateApiKey(ctx, second.key);
  ASSERT_TRUE(ok.ok());
  auto listed = ListApiKeys(ctx, "00123456782");
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].revoked_at, std::optional<TimePoint>(kNow + std::chrono::hours{1}));
  EXPECT_FALSE((*listed)[1].revoked_at.has_value());
  auto unknown = RevokeApiKey(ctx, Caller{}, "00123456782", 999999);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
}

TEST_P(ApiKeysTest, ASuspendedEntitysKeyIsRejectedUntilReactivated) {
  CreatedApiKey k = NewKey("00123456782");
  auto ctx = Ctx();
  Entity suspended = comune_;
  suspended.status = EntityStatus::kSuspended;
  ASSERT_TRUE(UpdateEntity(ctx, Caller{}, suspended).ok());
  ExpectRejected(k.key);
  Entity active = comune_;
  active.status = EntityStatus::kActive;
  ASSERT_TRUE(UpdateEntity(ctx, Caller{}, active).ok());
  EXPECT_TRUE(AuthenticateApiKey(ctx, k.key).ok());
}

TEST_P(ApiKeysTest, MalformedAndForgedKeysAreRejectedAlike) {
  CreatedApiKey k = NewKey("00123456782");
  std::string flipped = k.key;
  flipped.back() = flipped.back() == 'A' ? 'B' : 'A';
  std::string upper = k.key;
  upper.replace(0, 3, "IK_");
  std::string bad_char = k.key;
  bad_char[20] = '+';
  const std::vector<std::string> keys = {
      "",
      "ik_",
      " ",
      k.key.substr(0, 10),  // the prefix alone
      k.key.substr(0, 45),  // one character short
      k.key + "A",          // one character long
      k.key + " ",
      " " + k.key,
      k.key.substr(3),  // without the tag
      upper,
      bad_char,
      flipped,  // a well-formed key that was never issued
      "ik_" + std::string(43, 'A'),
      std::string(1 << 20, 'A'),  // very long
      "ik_' OR '1'='1' --" + std::string(28, 'x'),
      "' OR 1=1; DROP TABLE api_key; --",
      std::string("ik_") + std::string(42, 'A') + '\0',
  };
  for (const auto& key : keys) ExpectRejected(key);
  auto ctx = Ctx();
  EXPECT_TRUE(AuthenticateApiKey(ctx, k.key).ok()) << "the table survived";
}

TEST_P(ApiKeysTest, TheKeyIsNeverStoredNorLogged) {
  CreatedApiKey k = NewKey("00123456782", "ERP");
  auto ctx = Ctx();
  ASSERT_TRUE(AuthenticateApiKey(ctx, k.key).ok());
  ASSERT_TRUE(RevokeApiKey(ctx, Caller{}, "00123456782", k.info.id).ok());
  // Stored by hash: the key itself is not a stored hash, and nothing listed holds it.
  auto by_key = store_->FindApiKeyByHash(k.key);
  ASSERT_TRUE(by_key.ok());
  EXPECT_FALSE(by_key->has_value());
  auto listed = ListApiKeys(ctx, "00123456782");
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].prefix.size(), 10u);
  EXPECT_EQ((*listed)[0].label.find(k.key), std::string::npos);
  // The events say what happened to which key, without the key.
  EventFilter all;
  all.limit = 1000;
  auto events = store_->ListEvents(all);
  ASSERT_TRUE(events.ok());
  std::set<std::string> operations;
  const std::string secret_part = k.key.substr(10);
  for (const Event& e : *events) {
    operations.insert(e.operation);
    for (const std::string* field :
         {&e.detail, &e.correlation_id, &e.request_body, &e.response_body, &e.notice_number,
          &e.request_id, &e.fault_code}) {
      EXPECT_EQ(field->find(secret_part), std::string::npos) << e.operation << ": " << *field;
    }
    if (e.operation.rfind("apikey.", 0) == 0) {
      EXPECT_EQ(e.entity_id, std::optional<std::int64_t>(comune_.id));
      EXPECT_EQ(e.correlation_id, std::to_string(k.info.id));
    }
  }
  EXPECT_TRUE(operations.count("apikey.create"));
  EXPECT_TRUE(operations.count("apikey.revoke"));
  // On SQLite the whole database is files in the temp folder: no byte sequence of the key there.
  if (GetParam() == "sqlite") {
    store_.reset();  // close, so everything is on disk
    int files = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(tmp_.path())) {
      if (!entry.is_regular_file()) continue;
      std::ifstream in(entry.path(), std::ios::binary);
      std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      ++files;
      EXPECT_EQ(bytes.find(secret_part), std::string::npos) << entry.path();
    }
    EXPECT_GE(files, 1);
  }
}

TEST_P(ApiKeysTest, AThousandKeysAreAllDistinct) {
  std::set<std::string> keys;
  std::set<std::string> prefixes;
  for (int i = 0; i < 1000; ++i) {
    CreatedApiKey k = NewKey(i % 2 ? "00123456782" : "80012345676", "k" + std::to_string(i));
    ASSERT_EQ(k.key.size(), 46u);
    keys.insert(k.key);
    prefixes.insert(k.info.prefix);
  }
  EXPECT_EQ(keys.size(), 1000u);
  EXPECT_EQ(prefixes.size(), 1000u);  // 42 random bits each: a collision here is a broken RNG
  auto ctx = Ctx();
  auto listed = ListApiKeys(ctx, "00123456782");
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->size(), 500u);
}

TEST_P(ApiKeysTest, CreationChecksTheEntityAndTheLabel) {
  auto ctx = Ctx();
  auto unknown = CreateApiKey(ctx, Caller{}, "01987654322", "x");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
  EXPECT_NE(unknown.error().message.find("01987654322"), std::string::npos);
  auto long_label = CreateApiKey(ctx, Caller{}, "00123456782", std::string(201, 'x'));
  ASSERT_FALSE(long_label.ok());
  EXPECT_EQ(long_label.error().field, "label");
  auto control = CreateApiKey(ctx, Caller{}, "00123456782", "a\nb");
  ASSERT_FALSE(control.ok());
  EXPECT_EQ(control.error().field, "label");
  auto none = ListApiKeys(ctx, "00123456782");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, ApiKeysTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace incasso
