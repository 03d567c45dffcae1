// Webhook delivery over a real database (SQLite and PostgreSQL) to a real HTTP receiver on port 0:
// signed POSTs of outbox messages, retries with backoff on a fake clock, a dead endpoint that
// holds up nobody else, redelivery, and tenant isolation.
#include "app/webhooks.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include <array>
#include <atomic>
#include <cstring>
#include <mutex>
#include <set>
#include <thread>

#include "app/entities.hpp"
#include "app/positions.hpp"
#include "core/time.hpp"
#include "http/client.hpp"
#include "http/server.hpp"
#include "tests/support/databases.hpp"
#include "tests/support/fixtures.hpp"

namespace incasso {
namespace {

const TimePoint kNow = *ParseDateTime("2026-11-26T10:00:00Z");
constexpr std::string_view kSecret = "s3cret-shared-with-the-comune";

// HMAC-SHA256 (RFC 2104) built here from plain SHA-256, independently of WebhookSignature.
std::string Hmac(std::string_view key, std::string_view message) {
  std::array<unsigned char, 64> block{};
  if (key.size() > block.size()) {
    crypto_hash_sha256(block.data(), reinterpret_cast<const unsigned char*>(key.data()),
                       key.size());
  } else {
    std::memcpy(block.data(), key.data(), key.size());
  }
  std::string inner(64, '\0');
  std::string outer(64, '\0');
  for (std::size_t i = 0; i < 64; ++i) {
    inner[i] = static_cast<char>(block[i] ^ 0x36);
    outer[i] = static_cast<char>(block[i] ^ 0x5c);
  }
  inner.append(message);
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(inner.data()),
                     inner.size());
  outer.append(reinterpret_cast<const char*>(digest.data()), digest.size());
  crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(outer.data()),
                     outer.size());
  std::array<char, crypto_hash_sha256_BYTES * 2 + 1> hex{};
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
  return "sha256=" + std::string(hex.data(), 64);
}

Result<int> Send(const WebhookRequest& w) {
  http::ClientRequest request;
  request.method = "POST";
  request.url = w.url;
  request.headers = w.headers;
  request.body = w.body;
  request.connect_timeout = w.timeout;
  request.timeout = w.timeout;
  auto response = http::HttpCall(request);
  if (!response.ok()) return response.error();
  return response->status;
}

// Records every request; answers `status`.
class Receiver {
 public:
  Receiver() {
    http::ServerOptions o;
    o.port = 0;
    o.threads = 2;
    auto started = http::StartServer(o, [this](const http::Request& r) {
      std::lock_guard lock(mu_);
      requests_.push_back(r);
      return http::TextResponse(status.load(), "ok");
    });
    if (!started.ok()) throw std::runtime_error(started.error().ToText());
    server_ = std::move(*started);
  }
  std::string Url() const {
    return "http://127.0.0.1:" + std::to_string(server_->port()) + "/hook";
  }
  std::vector<http::Request> Requests() {
    std::lock_guard lock(mu_);
    return requests_;
  }
  std::atomic<int> status{200};

 private:
  std::mutex mu_;
  std::vector<http::Request> requests_;
  std::unique_ptr<http::Server> server_;
};

// A URL nobody listens on: a server's port after it stopped.
std::string DeadUrl() {
  http::ServerOptions o;
  o.port = 0;
  o.threads = 1;
  auto started =
      http::StartServer(o, [](const http::Request&) { return http::TextResponse(200, ""); });
  if (!started.ok()) throw std::runtime_error(started.error().ToText());
  std::uint16_t port = (*started)->port();
  (*started)->Stop();
  (*started)->Wait();
  return "http://127.0.0.1:" + std::to_string(port) + "/hook";
}

class WebhooksTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    store_ = testing::OpenFreshStore(GetParam(), tmp_.path());
    if (!store_) GTEST_SKIP() << "set INCASSO_TEST_POSTGRES_URL to run on PostgreSQL";
    comune_ = AddTestEntity("00123456782", "comune", "01");
    universita_ = AddTestEntity("80012345676", "universita", "02");
    dispatcher_ = std::make_unique<WebhookDispatcher>(*store_, clock_, &Send);
  }

  AppContext Ctx() { return AppContext{*store_, clock_}; }

  Entity AddTestEntity(const std::string& cf, const std::string& slug, const std::string& seg) {
    auto ctx = Ctx();
    return testing::AddTestEntity(ctx, testing::TestEntity(cf, slug, seg));
  }

  WebhookEndpoint AddEndpoint(const Entity& e, const std::string& url) {
    auto ctx = Ctx();
    auto added = AddWebhookEndpoint(ctx, Caller{}, e.fiscal_code,
                                    NewWebhookEndpoint{url, std::string(kSecret), {}});
    EXPECT_TRUE(added.ok()) << added.error().ToText();
    return added.ok() ? *added : WebhookEndpoint{};
  }

  // Stores a receipt announced in the outbox; returns the outbox payload.
  std::string StoreReceipt(const Entity& e, const std::string& receipt_id) {
    StoredReceipt s;
    s.receipt.receipt_id = receipt_id;
    s.receipt.notice_number = "301000000000000017";
    s.receipt.iuv = "01000000000000017";
    s.receipt.fiscal_code = e.fiscal_code;
    s.receipt.outcome = "OK";
    s.receipt.amount = 12345;
    s.receipt.source = "paSendRTV2";
    s.receipt.received_at = clock_.Now();
    s.kind = "ok";
    auto recorded = store_->RecordReceipt(e.id, s, std::nullopt, true);
    EXPECT_TRUE(recorded.ok()) << recorded.error().ToText();
    auto outbox = store_->ListOutbox(e.id, 1000);
    EXPECT_TRUE(outbox.ok());
    for (const auto& m : *outbox) {
      if (m.reference == receipt_id) return m.payload;
    }
    ADD_FAILURE() << "no outbox row for " << receipt_id;
    return {};
  }

  std::vector<WebhookDelivery> Log(const Entity& e) {
    auto ctx = Ctx();
    auto log = ListWebhookDeliveries(ctx, e.fiscal_code, 100);
    EXPECT_TRUE(log.ok()) << log.error().ToText();
    return log.ok() ? *log : std::vector<WebhookDelivery>{};
  }

  WebhookRound Round() {
    auto round = dispatcher_->RunOnce();
    EXPECT_TRUE(round.ok()) << round.error().ToText();
    return round.ok() ? *round : WebhookRound{};
  }

  testing::TempDir tmp_;
  FakeClock clock_{kNow};
  std::unique_ptr<Store> store_;
  std::unique_ptr<WebhookDispatcher> dispatcher_;
  Entity comune_;
  Entity universita_;
};

TEST_P(WebhooksTest, AReceiptIsPostedSignedToTheEntitysEndpoint) {
  Receiver receiver;
  WebhookEndpoint endpoint = AddEndpoint(comune_, receiver.Url());
  // No events named: every event, sorted.
  EXPECT_EQ(endpoint.event_types,
            (std::vector<std::string>{"import.completed", "position.created", "position.expired",
                                      "position.paid", "position.updated", "receipt.created"}));
  std::string payload = StoreReceipt(comune_, "TOKEN-1");
  WebhookRound round = Round();
  EXPECT_EQ(round.queued, 1);
  EXPECT_EQ(round.delivered, 1);

  auto requests = receiver.Requests();
  ASSERT_EQ(requests.size(), 1u);
  const http::Request& r = requests[0];
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.path, "/hook");
  EXPECT_EQ(r.body, payload);
  EXPECT_NE(payload.find("\"receiptId\":\"TOKEN-1\""), std::string::npos);
  EXPECT_EQ(r.Header("X-Incasso-Event"), "receipt.created");
  const std::string timestamp = r.Header("X-Incasso-Timestamp");
  EXPECT_EQ(timestamp, std::to_string(kNow.time_since_epoch().count()));
  // Recomputed independently of WebhookSignature.
  std::string expected = Hmac(kSecret, timestamp + "." + r.body);
  EXPECT_EQ(r.Header("X-Incasso-Signature"), expected);
  EXPECT_EQ(expected.substr(0, 7), "sha256=");
  EXPECT_EQ(expected.size(), 7u + 64u);
  EXPECT_NE(WebhookSignature("another-secret-entirely", timestamp, r.body), expected);

  auto log = Log(comune_);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].status, "delivered");
  EXPECT_EQ(log[0].event, "receipt.created");
  EXPECT_EQ(log[0].attempts, 1);
  EXPECT_EQ(log[0].last_status, std::optional<int>(200));
  EXPECT_EQ(log[0].last_error, "");
  EXPECT_EQ(log[0].delivered_at, std::optional<TimePoint>(kNow));

  // Delivered once: later rounds send nothing.
  clock_.Advance(std::chrono::hours{2});
  round = Round();
  EXPECT_EQ(round.queued, 0);
  EXPECT_EQ(round.delivered, 0);
  EXPECT_EQ(receiver.Requests().size(), 1u);
}

TEST_P(WebhooksTest, SignatureIsHmacSha256OfTimestampDotBody) {
  // Python: hmac.new(b"key", b"1700000000.{}", hashlib.sha256).hexdigest()
  EXPECT_EQ(WebhookSignature("key", "1700000000", "{}"),
            "sha256=9d713ed406bb7076d4123f0dc2c39d2df5c654ed4b0cd56b52c8b4c940bd63ae");
  EXPECT_EQ(WebhookSignature("key", "1700000000", "{}"), Hmac("key", "1700000000.{}"));
}

TEST_P(WebhooksTest, AFailingEndpointIsRetriedWithBackoffUntilItAnswers) {
  Receiver receiver;
  receiver.status = 500;
  AddEndpoint(comune_, receiver.Url());
  StoreReceipt(comune_, "TOKEN-1");
  WebhookRound round = Round();
  EXPECT_EQ(round.retrying, 1);
  auto log = Log(comune_);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].status, "pending");
  EXPECT_EQ(log[0].attempts, 1);
  EXPECT_EQ(log[0].last_status, std::optional<int>(500));
  EXPECT_EQ(log[0].last_error, "HTTP 500");
  EXPECT_EQ(log[0].next_attempt_at, kNow + std::chrono::seconds{10});

  // Not due yet: nothing is sent.
  clock_.Advance(std::chrono::seconds{9});
  Round();
  EXPECT_EQ(receiver.Requests().size(), 1u);

  clock_.Advance(std::chrono::seconds{1});
  Round();
  EXPECT_EQ(receiver.Requests().size(), 2u);
  log = Log(comune_);
  EXPECT_EQ(log[0].attempts, 2);
  EXPECT_EQ(log[0].next_attempt_at, clock_.Now() + std::chrono::seconds{20});

  receiver.status = 204;
  clock_.Advance(std::chrono::seconds{20});
  round = Round();
  EXPECT_EQ(round.delivered, 1);
  log = Log(comune_);
  EXPECT_EQ(log[0].status, "delivered");
  EXPECT_EQ(log[0].attempts, 3);
  EXPECT_EQ(log[0].last_status, std::optional<int>(204));
  EXPECT_EQ(log[0].last_error, "");
  EXPECT_EQ(receiver.Requests().size(), 3u);
}

TEST_P(WebhooksTest, ADeliveryFailsAfterTwelveAttempts) {
  Receiver receiver;
  receiver.status = 503;
  AddEndpoint(comune_, receiver.Url());
  StoreReceipt(comune_, "TOKEN-1");
  for (int i = 0; i < 12; ++i) {
    Round();
    clock_.Advance(std::chrono::hours{1});
  }
  auto log = Log(comune_);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].status, "failed");
  EXPECT_EQ(log[0].attempts, 12);
  Round();
  EXPECT_EQ(receiver.Requests().size(), 12u);
}

TEST_P(WebhooksTest, ADeadEndpointDoesNotHoldUpAnotherEntity) {
  Receiver receiver;
  AddEndpoint(comune_, DeadUrl());
  AddEndpoint(universita_, receiver.Url());
  StoreReceipt(comune_, "TOKEN-A1");
  StoreReceipt(comune_, "TOKEN-A2");
  StoreReceipt(universita_, "TOKEN-B1");
  WebhookRound round = Round();
  EXPECT_EQ(round.queued, 3);
  EXPECT_EQ(round.delivered, 1);
  EXPECT_EQ(round.retrying, 1);
  EXPECT_EQ(round.postponed, 1);  // the dead endpoint is tried once per round
  ASSERT_EQ(receiver.Requests().size(), 1u);
  EXPECT_NE(receiver.Requests()[0].body.find("TOKEN-B1"), std::string::npos);
  auto b = Log(universita_);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].status, "delivered");
  auto a = Log(comune_);
  ASSERT_EQ(a.size(), 2u);
  for (const auto& d : a) EXPECT_EQ(d.status, "pending");
  int tried = 0;
  for (const auto& d : a) {
    if (d.attempts == 1) {
      ++tried;
      EXPECT_FALSE(d.last_status.has_value());
      EXPECT_FALSE(d.last_error.empty());
    }
  }
  EXPECT_EQ(tried, 1);
}

TEST_P(WebhooksTest, RedeliverSendsAgainAndIsTenantScoped) {
  Receiver receiver;
  AddEndpoint(comune_, receiver.Url());
  StoreReceipt(comune_, "TOKEN-1");
  Round();
  auto log = Log(comune_);
  ASSERT_EQ(log.size(), 1u);
  const std::int64_t id = log[0].id;

  auto ctx = Ctx();
  // Another entity neither sees nor redelivers it.
  EXPECT_TRUE(Log(universita_).empty());
  Status theirs = RedeliverWebhook(ctx, Caller{}, universita_.fiscal_code, id);
  ASSERT_FALSE(theirs.ok());
  EXPECT_EQ(theirs.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(Log(comune_)[0].status, "delivered");
  auto their_endpoints = ListWebhookEndpoints(ctx, universita_.fiscal_code);
  ASSERT_TRUE(their_endpoints.ok());
  EXPECT_TRUE(their_endpoints->empty());

  clock_.Advance(std::chrono::minutes{5});
  ASSERT_TRUE(RedeliverWebhook(ctx, Caller{}, comune_.fiscal_code, id).ok());
  log = Log(comune_);
  EXPECT_EQ(log[0].status, "pending");
  EXPECT_EQ(log[0].next_attempt_at, clock_.Now());
  Round();
  ASSERT_EQ(receiver.Requests().size(), 2u);
  EXPECT_EQ(receiver.Requests()[1].body, receiver.Requests()[0].body);
  log = Log(comune_);
  EXPECT_EQ(log[0].status, "delivered");
  EXPECT_EQ(log[0].attempts, 1);
  EXPECT_EQ(log[0].delivered_at, std::optional<TimePoint>(clock_.Now()));
}

TEST_P(WebhooksTest, AnEndpointGetsOnlyMessagesCreatedAfterIt) {
  Receiver receiver;
  StoreReceipt(comune_, "TOKEN-OLD");
  AddEndpoint(comune_, receiver.Url());
  StoreReceipt(comune_, "TOKEN-NEW");
  Round();
  auto requests = receiver.Requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_NE(requests[0].body.find("TOKEN-NEW"), std::string::npos);
}

TEST_P(WebhooksTest, AClaimedDeliveryIsNotClaimedAgainUntilItsLeaseEnds) {
  // Two dispatchers (two incasso processes on one database) never send a delivery at once.
  AddEndpoint(comune_, DeadUrl());
  StoreReceipt(comune_, "TOKEN-1");
  ASSERT_TRUE(store_->FanOutWebhooks(clock_.Now(), 100).ok());
  const TimePoint lease_until = clock_.Now() + std::chrono::minutes{5};
  auto first = store_->ClaimDueWebhookDeliveries(clock_.Now(), lease_until, 100, 20);
  ASSERT_TRUE(first.ok()) << first.error().ToText();
  ASSERT_EQ(first->size(), 1u);
  EXPECT_NE((*first)[0].url.find("/hook"), std::string::npos);
  EXPECT_EQ((*first)[0].secret, kSecret);
  auto second = store_->ClaimDueWebhookDeliveries(clock_.Now(), lease_until, 100, 20);
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(second->empty());
  clock_.Advance(std::chrono::minutes{5});  // the first claimer died: the lease runs out
  auto third = store_->ClaimDueWebhookDeliveries(clock_.Now(),
                                                 clock_.Now() + std::chrono::minutes{5}, 100, 20);
  ASSERT_TRUE(third.ok());
  ASSERT_EQ(third->size(), 1u);
  // Recording the attempt ends the lease; the retry is due after the backoff, not before.
  WebhookAttempt retry;
  retry.status = "pending";
  retry.next_attempt_at = clock_.Now() + std::chrono::seconds{10};
  retry.last_error = "connection refused";
  ASSERT_TRUE(store_->RecordWebhookAttempt(comune_.id, (*third)[0].delivery.id, retry).ok());
  auto early = store_->ClaimDueWebhookDeliveries(clock_.Now(),
                                                 clock_.Now() + std::chrono::minutes{5}, 100, 20);
  ASSERT_TRUE(early.ok());
  EXPECT_TRUE(early->empty());
  clock_.Advance(std::chrono::seconds{10});
  auto due = store_->ClaimDueWebhookDeliveries(clock_.Now(), clock_.Now() + std::chrono::minutes{5},
                                               100, 20);
  ASSERT_TRUE(due.ok());
  EXPECT_EQ(due->size(), 1u);
}

TEST_P(WebhooksTest, ConcurrentDispatchersSendEachDeliveryOnce) {
  Receiver receiver;
  AddEndpoint(comune_, receiver.Url());
  for (int i = 0; i < 30; ++i) StoreReceipt(comune_, "TOKEN-" + std::to_string(i));
  WebhookDispatcherOptions o;
  o.per_entity_limit = 5;  // several rounds each, interleaved
  o.batch_limit = 5;
  WebhookDispatcher a(*store_, clock_, &Send, o);
  WebhookDispatcher b(*store_, clock_, &Send, o);
  std::atomic<int> delivered{0};
  auto run = [&](WebhookDispatcher& d) {
    for (int i = 0; i < 10; ++i) {
      auto round = d.RunOnce();
      if (round.ok()) delivered += round->delivered;
    }
  };
  std::thread ta(run, std::ref(a));
  std::thread tb(run, std::ref(b));
  ta.join();
  tb.join();
  EXPECT_EQ(delivered.load(), 30);
  auto requests = receiver.Requests();
  EXPECT_EQ(requests.size(), 30u);
  std::set<std::string> bodies;
  for (const auto& r : requests) bodies.insert(r.body);
  EXPECT_EQ(bodies.size(), 30u);  // no delivery sent twice
}

TEST_P(WebhooksTest, PositionEventsReachEndpointsSubscribedToThem) {
  Receiver all;
  Receiver paid_only;
  AddEndpoint(comune_, all.Url());
  auto ctx = Ctx();
  auto subscribed = AddWebhookEndpoint(
      ctx, Caller{}, comune_.fiscal_code,
      NewWebhookEndpoint{paid_only.Url(), std::string(kSecret), {"position.paid"}});
  ASSERT_TRUE(subscribed.ok()) << subscribed.error().ToText();
  const DebtPosition p = testing::TestPosition("IUPD-HOOK", kNow + std::chrono::days{10});
  auto created = CreatePosition(ctx, Caller{}, {comune_.fiscal_code, p, true});
  ASSERT_TRUE(created.ok()) << created.error().ToText();
  Round();
  auto requests = all.Requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].Header("X-Incasso-Event"), "position.created");
  EXPECT_NE(requests[0].body.find("\"iupd\":\"IUPD-HOOK\""), std::string::npos);
  EXPECT_EQ(requests[0].body.find("RSSMRA85T10A562S"), std::string::npos);
  EXPECT_EQ(requests[0].Header("X-Incasso-Signature"),
            Hmac(kSecret, requests[0].Header("X-Incasso-Timestamp") + "." + requests[0].body));
  EXPECT_TRUE(paid_only.Requests().empty());
}

TEST_P(WebhooksTest, BadUrlsSecretsAndEventsAreRejected) {
  auto ctx = Ctx();
  for (std::string url :
       {"", "ftp://example.org/hook", "javascript:alert(1)", "example.org/hook", "http://",
        "http:///path", "http://x/'; DROP TABLE webhook_endpoint;--", "http://x/a' OR '1'='1",
        "http://user:pw@example.org/", "http://example.org:99999/", "http://example.org/a b",
        "file:///etc/passwd"}) {
    auto r = AddWebhookEndpoint(ctx, Caller{}, comune_.fiscal_code,
                                NewWebhookEndpoint{url, std::string(kSecret), {}});
    ASSERT_FALSE(r.ok()) << url;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << url;
    EXPECT_EQ(r.error().field, "url") << url;
  }
  auto short_secret = AddWebhookEndpoint(ctx, Caller{}, comune_.fiscal_code,
                                         NewWebhookEndpoint{"http://example.org/h", "short", {}});
  ASSERT_FALSE(short_secret.ok());
  EXPECT_EQ(short_secret.error().field, "secret");
  auto unknown = AddWebhookEndpoint(
      ctx, Caller{}, comune_.fiscal_code,
      NewWebhookEndpoint{"http://example.org/h", std::string(kSecret), {"position.deleted"}});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().field, "events");
  auto endpoints = ListWebhookEndpoints(ctx, comune_.fiscal_code);
  ASSERT_TRUE(endpoints.ok());
  EXPECT_TRUE(endpoints->empty());

  for (std::string url :
       {"http://127.0.0.1:8080/hook", "http://gestionale.example.org/a?b=c", "http://[::1]:9000/x",
        "https://gestionale.example.org/a?b=c", "https://[::1]:9443/x"}) {
    auto ok = AddWebhookEndpoint(ctx, Caller{}, comune_.fiscal_code,
                                 NewWebhookEndpoint{url, std::string(kSecret), {}});
    EXPECT_TRUE(ok.ok()) << url << ": " << ok.error().ToText();
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, WebhooksTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace incasso
