#include "app/webhooks.hpp"

#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <map>

#include "app/entities.hpp"

namespace incasso {
namespace {

constexpr std::size_t kMaxUrlLength = 2000;
constexpr std::size_t kMinSecretLength = 16;
constexpr std::size_t kMaxSecretLength = 256;
constexpr std::size_t kMaxErrorLength = 500;
constexpr int kMaxAttempts = 12;
constexpr std::chrono::seconds kFirstRetry{10};
constexpr std::chrono::seconds kMaxRetry{3600};
constexpr std::string_view kKnownEvents[] = {
    kWebhookReceiptCreated,  kWebhookPositionCreated, kWebhookPositionUpdated,
    kWebhookPositionPaid,    kWebhookPositionExpired, kWebhookImportCompleted};

Status EnsureSodium() {
  static const bool ready = sodium_init() >= 0;
  if (!ready) return Internal("cryptography unavailable", "sodium_init failed");
  return Ok();
}

bool IsUrlChar(char c) {
  if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return true;
  // RFC 3986 unreserved, gen-delims and the sub-delims a callback URL needs; no quotes,
  // semicolons, spaces or backslashes (nothing a URL here needs, everything an injection does).
  return std::string_view("-._~:/?#[]@!$&()*+,=%").find(c) != std::string_view::npos;
}

Status ValidateUrl(std::string_view url) {
  auto bad = [](std::string message) { return InvalidArgument("url", std::move(message)); };
  if (url.size() > kMaxUrlLength) return bad(fmt::format("at most {} characters", kMaxUrlLength));
  std::string_view rest;
  if (url.substr(0, 7) == "http://") {
    rest = url.substr(7);
  } else if (url.substr(0, 8) == "https://") {
    rest = url.substr(8);
  } else {
    return bad("must start with https:// (or http:// on the Region's own network)");
  }
  for (char c : url) {
    if (!IsUrlChar(c)) return bad("contains a character not allowed in a URL");
  }
  std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (authority.find('@') != std::string_view::npos) {
    return bad("must not carry user or password");
  }
  std::string_view host = authority;
  if (!host.empty() && host.front() == '[') {
    std::size_t close = host.find(']');
    if (close == std::string_view::npos) return bad("has a malformed host");
    std::string_view after = host.substr(close + 1);
    if (!after.empty() && after.front() != ':') return bad("has a malformed host");
    host = host.substr(0, close + 1);
    authority = after;
  } else {
    std::size_t colon = host.find(':');
    authority = colon == std::string_view::npos ? std::string_view{} : host.substr(colon);
    host = host.substr(0, colon);
  }
  if (host.empty() || host == "[]") return bad("has no host");
  if (!authority.empty()) {  // ":port"
    std::string_view port = authority.substr(1);
    if (port.empty() || port.size() > 5 ||
        !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
        std::stoi(std::string(port)) < 1 || std::stoi(std::string(port)) > 65535) {
      return bad("has a bad port");
    }
  }
  return Ok();
}

Status ValidateSecret(std::string_view secret) {
  if (secret.size() < kMinSecretLength || secret.size() > kMaxSecretLength) {
    return InvalidArgument(
        "secret", fmt::format("must be {} to {} characters", kMinSecretLength, kMaxSecretLength));
  }
  for (char c : secret) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      return InvalidArgument("secret", "must not contain spaces or control characters");
    }
  }
  return Ok();
}

Status ValidateEvents(std::vector<std::string>& events) {
  if (events.empty()) events.assign(std::begin(kKnownEvents), std::end(kKnownEvents));
  std::sort(events.begin(), events.end());
  events.erase(std::unique(events.begin(), events.end()), events.end());
  for (const auto& e : events) {
    if (std::find(std::begin(kKnownEvents), std::end(kKnownEvents), e) == std::end(kKnownEvents)) {
      return InvalidArgument(
          "events", fmt::format("unknown event type (known: {})", fmt::join(kKnownEvents, ", ")));
    }
  }
  return Ok();
}

// The wait before the next attempt after `attempts` failed ones: 10 s, 20 s, 40 s ... 1 h.
std::chrono::seconds Backoff(int attempts) {
  std::chrono::seconds d = kFirstRetry;
  for (int i = 1; i < attempts && d < kMaxRetry; ++i) d *= 2;
  return std::min(d, kMaxRetry);
}

std::string Truncate(std::string s) {
  if (s.size() > kMaxErrorLength) s.resize(kMaxErrorLength);
  return s;
}

void Record(AppContext& ctx, const Caller& caller, std::string operation, const Entity& e,
            std::int64_t id, std::string_view detail) {
  Event ev = InboundEvent(ctx, caller, std::move(operation), e);
  ev.correlation_id = std::to_string(id);
  ev.detail = std::string(detail);
  RecordEvent(ctx, ev);
}

}  // namespace

Result<WebhookEndpoint> AddWebhookEndpoint(AppContext& ctx, const Caller& caller,
                                           std::string_view entity_fiscal_code,
                                           NewWebhookEndpoint endpoint) {
  INCASSO_TRY(ValidateUrl(endpoint.url));
  INCASSO_TRY(ValidateSecret(endpoint.secret));
  INCASSO_TRY(ValidateEvents(endpoint.event_types));
  auto entity = GetEntity(ctx, entity_fiscal_code);
  if (!entity.ok()) return entity.error();
  WebhookEndpoint e;
  e.url = std::move(endpoint.url);
  e.secret = std::move(endpoint.secret);
  e.event_types = std::move(endpoint.event_types);
  e.active = true;
  e.created_at = ctx.clock.Now();
  auto stored = ctx.store.InsertWebhookEndpoint(entity->id, e);
  if (!stored.ok()) return stored.error();
  // The URL may name the institution's systems, never the secret.
  Record(ctx, caller, "webhook.add", *entity, stored->id, stored->url);
  return stored;
}

Result<std::vector<WebhookEndpoint>> ListWebhookEndpoints(AppContext& ctx,
                                                          std::string_view entity_fiscal_code) {
  auto entity = GetEntity(ctx, entity_fiscal_code);
  if (!entity.ok()) return entity.error();
  return ctx.store.ListWebhookEndpoints(entity->id);
}

Result<std::vector<WebhookDelivery>> ListWebhookDeliveries(AppContext& ctx,
                                                           std::string_view entity_fiscal_code,
                                                           int limit) {
  auto entity = GetEntity(ctx, entity_fiscal_code);
  if (!entity.ok()) return entity.error();
  return ctx.store.ListWebhookDeliveries(entity->id, limit);
}

Status RedeliverWebhook(AppContext& ctx, const Caller& caller, std::string_view entity_fiscal_code,
                        std::int64_t delivery_id) {
  auto entity = GetEntity(ctx, entity_fiscal_code);
  if (!entity.ok()) return entity.error();
  Status reset = ctx.store.ResetWebhookDelivery(entity->id, delivery_id, ctx.clock.Now());
  if (!reset.ok()) {
    if (reset.error().code == ErrorCode::kNotFound) {
      return NotFound(fmt::format("institution {} has no webhook delivery with id {}",
                                  entity_fiscal_code, delivery_id));
    }
    return reset;
  }
  Record(ctx, caller, "webhook.redeliver", *entity, delivery_id, "");
  return Ok();
}

std::string WebhookSignature(std::string_view secret, std::string_view timestamp,
                             std::string_view body) {
  (void)EnsureSodium();
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(secret.data()),
                              secret.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(timestamp.data()),
                                timestamp.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>("."), 1);
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(body.data()),
                                body.size());
  std::array<unsigned char, crypto_auth_hmacsha256_BYTES> mac{};
  crypto_auth_hmacsha256_final(&state, mac.data());
  sodium_memzero(&state, sizeof state);
  std::array<char, crypto_auth_hmacsha256_BYTES * 2 + 1> hex{};
  sodium_bin2hex(hex.data(), hex.size(), mac.data(), mac.size());
  return "sha256=" + std::string(hex.data(), crypto_auth_hmacsha256_BYTES * 2);
}

// ---- WebhookDispatcher ---------------------------------------------------------------------

WebhookDispatcher::WebhookDispatcher(Store& store, const Clock& clock, WebhookSender sender,
                                     WebhookDispatcherOptions options)
    : store_(store), clock_(clock), sender_(std::move(sender)), options_(std::move(options)) {
  options_.workers = std::max(1, options_.workers);
}

WebhookDispatcher::~WebhookDispatcher() { Stop(); }

void WebhookDispatcher::Start() {
  std::lock_guard guard(mu_);
  if (thread_.joinable() || stop_) return;
  thread_ = std::thread([this] {
    std::unique_lock lock(mu_);
    while (!stop_) {
      lock.unlock();
      auto round = RunOnce();
      if (!round.ok() && options_.on_error)
        options_.on_error("webhook_round_failed", round.error());
      lock.lock();
      cv_.wait_for(lock, options_.poll_interval, [this] { return stop_; });
    }
  });
}

void WebhookDispatcher::Stop() {
  std::thread t;
  {
    std::lock_guard lock(mu_);
    stop_ = true;
    t = std::move(thread_);
  }
  cv_.notify_all();
  if (t.joinable()) t.join();
}

void WebhookDispatcher::Attempt(const DueWebhookDelivery& due, bool& endpoint_ok,
                                WebhookRound& round) {
  const WebhookDelivery& d = due.delivery;
  const TimePoint now = clock_.Now();
  const std::string timestamp = std::to_string(now.time_since_epoch().count());
  WebhookRequest request;
  request.url = due.url;
  request.body = due.payload;
  request.timeout = options_.request_timeout;
  request.headers = {{"Content-Type", "application/json"},
                     {"X-Incasso-Event", d.event},
                     {"X-Incasso-Delivery", std::to_string(d.id)},
                     {"X-Incasso-Timestamp", timestamp},
                     {"X-Incasso-Signature", WebhookSignature(due.secret, timestamp, due.payload)}};
  Result<int> answer = sender_ ? sender_(request) : Result<int>(Unavailable("no sender"));
  WebhookAttempt a;
  const int attempts = d.attempts + 1;
  if (answer.ok() && *answer >= 200 && *answer < 300) {
    a.status = "delivered";
    a.next_attempt_at = now;
    a.last_status = *answer;
    a.delivered_at = now;
    ++round.delivered;
  } else {
    endpoint_ok = false;
    if (answer.ok()) {
      a.last_status = *answer;
      a.last_error = fmt::format("HTTP {}", *answer);
    } else {
      a.last_error = Truncate(answer.error().message.empty() ? answer.error().ToText()
                                                             : answer.error().message);
    }
    if (attempts >= kMaxAttempts) {
      a.status = "failed";
      a.next_attempt_at = now;
      ++round.failed;
    } else {
      a.status = "pending";
      a.next_attempt_at = now + Backoff(attempts);
      ++round.retrying;
    }
  }
  Status recorded = store_.RecordWebhookAttempt(d.entity_id, d.id, a);
  if (!recorded.ok() && options_.on_error) {
    options_.on_error("webhook_attempt_not_recorded", recorded.error());
  }
}

Result<WebhookRound> WebhookDispatcher::RunOnce() {
  std::lock_guard round_lock(round_mu_);
  WebhookRound round;
  const TimePoint now = clock_.Now();
  auto queued = store_.FanOutWebhooks(now, 1000);
  if (!queued.ok()) return queued.error();
  round.queued = *queued;
  // Leased long enough for the whole round; deliveries postponed in this round (their endpoint
  // failed) stay leased and come back when the lease ends, like a short backoff.
  auto due = store_.ClaimDueWebhookDeliveries(
      now, now + std::chrono::ceil<std::chrono::seconds>(options_.lease), options_.batch_limit,
                                              options_.per_entity_limit);
  if (!due.ok()) return due.error();
  // Each endpoint's deliveries in due order, one endpoint per worker at a time.
  std::map<std::int64_t, std::vector<const DueWebhookDelivery*>> by_endpoint;
  for (const auto& d : *due) by_endpoint[d.delivery.endpoint_id].push_back(&d);
  std::vector<const std::vector<const DueWebhookDelivery*>*> groups;
  for (const auto& [id, list] : by_endpoint) groups.push_back(&list);
  std::vector<WebhookRound> partial(groups.size());
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t g = next++; g < groups.size(); g = next++) {
      bool endpoint_ok = true;
      for (const DueWebhookDelivery* d : *groups[g]) {
        if (!endpoint_ok) {
          ++partial[g].postponed;
          continue;
        }
        Attempt(*d, endpoint_ok, partial[g]);
      }
    }
  };
  const std::size_t threads = std::min(groups.size(), static_cast<std::size_t>(options_.workers));
  std::vector<std::thread> pool;
  for (std::size_t i = 1; i < threads; ++i) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  for (const auto& p : partial) {
    round.delivered += p.delivered;
    round.retrying += p.retrying;
    round.failed += p.failed;
    round.postponed += p.postponed;
  }
  return round;
}

}  // namespace incasso
