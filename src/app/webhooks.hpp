// Webhooks: an institution's systems hear about its events (today: receipt.created, one per
// receipt announced in the outbox) by HTTP POST to endpoints it registers. Deliveries come from
// the durable outbox, are signed, retried with exponential backoff and logged per entity.
//
// Each POST carries the outbox message's JSON payload and the headers
//   X-Incasso-Event: receipt.created
//   X-Incasso-Timestamp: <unix seconds>
//   X-Incasso-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>
// A receiver recomputes the signature with its endpoint's secret and rejects stale timestamps.
// A 2xx answer means delivered; anything else (or no answer within the timeout) is retried
// after 10 s * 2^(attempts-1), at most 1 h, and the delivery fails after 12 attempts.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "app/context.hpp"

namespace incasso {

// The events an endpoint can subscribe to. Each is queued in the outbox by the transaction that
// makes the change (storage/), so none is lost and none announces a change that did not commit.
// Position events carry {type, iupd, status, version, changedAt, noticeNumber}; receipt.created
// the receipt's identifiers and amount; import.completed the job's id and counts. None carries
// personal data: the consumer reads what it needs through the API.
inline constexpr std::string_view kWebhookReceiptCreated = "receipt.created";
inline constexpr std::string_view kWebhookPositionCreated = "position.created";
inline constexpr std::string_view kWebhookPositionUpdated = "position.updated";  // also status
inline constexpr std::string_view kWebhookPositionPaid = "position.paid";  // fully paid
inline constexpr std::string_view kWebhookPositionExpired = "position.expired";
inline constexpr std::string_view kWebhookImportCompleted = "import.completed";

struct NewWebhookEndpoint {
  std::string url;                       // http:// or https://
  std::string secret;                    // 16..256 printable characters
  std::vector<std::string> event_types;  // empty = every event
};

// Adds an endpoint to the entity with this fiscal code. InvalidArgument for a bad URL, secret or
// event type.
Result<WebhookEndpoint> AddWebhookEndpoint(AppContext& ctx, const Caller& caller,
                                           std::string_view entity_fiscal_code,
                                           NewWebhookEndpoint endpoint);
Result<std::vector<WebhookEndpoint>> ListWebhookEndpoints(AppContext& ctx,
                                                          std::string_view entity_fiscal_code);
// The entity's deliveries, newest first, at most `limit` (1..1000).
Result<std::vector<WebhookDelivery>> ListWebhookDeliveries(AppContext& ctx,
                                                           std::string_view entity_fiscal_code,
                                                           int limit);
// Makes the entity's delivery pending again, due now, with a fresh retry budget. NotFound for
// another entity's delivery.
Status RedeliverWebhook(AppContext& ctx, const Caller& caller, std::string_view entity_fiscal_code,
                        std::int64_t delivery_id);

// "sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>".
std::string WebhookSignature(std::string_view secret, std::string_view timestamp,
                             std::string_view body);

// The transport, injected (app/ does not depend on http/): sends one POST, returns the status of
// any answer, or an error when none came within `timeout`. Called from several threads at once.
struct WebhookRequest {
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds timeout{5000};
};
using WebhookSender = std::function<Result<int>(const WebhookRequest&)>;

struct WebhookDispatcherOptions {
  std::chrono::milliseconds poll_interval{2000};  // between rounds of the background thread
  int batch_limit = 100;                          // deliveries tried per round
  int per_entity_limit = 20;  // of one entity per round, so a busy entity cannot crowd others out
  int workers = 4;            // endpoints served in parallel within a round
  std::chrono::milliseconds request_timeout{5000};
  // How long a round's claimed deliveries stay reserved to this dispatcher (another process on
  // the same database does not send them meanwhile). Must exceed a round's worst case:
  // request_timeout * per_entity_limit.
  std::chrono::milliseconds lease{std::chrono::minutes(5)};
  // Called (from the dispatcher's threads) with store or transport trouble; may be empty.
  std::function<void(std::string_view what, const Error& e)> on_error;
};

struct WebhookRound {
  std::int64_t queued = 0;  // new deliveries created from the outbox
  int delivered = 0;
  int retrying = 0;   // failed this time, will be retried
  int failed = 0;     // out of attempts
  int postponed = 0;  // not tried: their endpoint failed earlier in the round
};

// Sends webhook deliveries. RunOnce() does one round; Start() runs rounds on a background thread
// until Stop() (or destruction). Within a round each endpoint's deliveries go in order on one of
// `workers` threads, and an endpoint that fails is not tried again in that round: a dead endpoint
// costs at most one timeout per round and never holds up other endpoints or entities.
// Thread-safe; rounds never overlap.
class WebhookDispatcher {
 public:
  WebhookDispatcher(Store& store, const Clock& clock, WebhookSender sender,
                    WebhookDispatcherOptions options = {});
  ~WebhookDispatcher();
  WebhookDispatcher(const WebhookDispatcher&) = delete;
  WebhookDispatcher& operator=(const WebhookDispatcher&) = delete;

  Result<WebhookRound> RunOnce();
  void Start();
  void Stop();  // waits for the round in progress; idempotent

 private:
  void Attempt(const DueWebhookDelivery& d, bool& endpoint_ok, WebhookRound& round);

  Store& store_;
  const Clock& clock_;
  WebhookSender sender_;
  WebhookDispatcherOptions options_;
  std::mutex round_mu_;  // one round at a time
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace incasso
