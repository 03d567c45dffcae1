// The storage port: everything the use cases need from a database. Implemented once over SQL for
// SQLite and PostgreSQL (storage/). Contracts:
// - Every tenant-scoped call takes the entity id; a row of another entity is never returned or
//   changed (a lookup with the wrong entity finds nothing).
// - Every call is atomic: it commits entirely or changes nothing.
// - Expected failures are values: kConflict for a taken unique key or a stale version,
//   kNotFound for a missing row, kUnavailable/kRetry for database trouble.
// - Implementations are thread-safe; one Store is shared by all request threads.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "domain/api_key.hpp"
#include "domain/entity.hpp"
#include "domain/event.hpp"
#include "domain/position.hpp"
#include "domain/receipt.hpp"

namespace incasso {

struct PositionFilter {
  std::optional<PositionStatus> status;
  std::string debtor_fiscal_code;     // exact match; empty = any
  std::optional<TimePoint> due_from;  // any option due on or after
  std::optional<TimePoint> due_to;    // any option due on or before
  // Sort key (GPD orderby); ties are broken by id in the same direction.
  enum class Order { kInsertedDate, kIupd, kStatus, kCompanyName };
  Order order_by = Order::kInsertedDate;
  bool ascending = false;  // GPD ordering: DESC by default
  int limit = 50;          // 1..1000
  int offset = 0;
};

struct EventFilter {
  std::optional<std::int64_t> entity_id;
  std::string operation;
  std::string notice_number;
  int limit = 100;
};

// A receipt with what the station learnt when it arrived.
struct StoredReceipt {
  Receipt receipt;
  std::string kind;        // app/station.hpp ToString(ReceiptKind); "" = not classified
  std::string id_pa;       // the institution the node addressed (header idPA)
  std::string station_id;  // the station the node addressed (header idStation)
  std::optional<std::int64_t> option_id;  // the entity's option with the receipt's notice number
};

struct ReceiptFilter {
  std::string notice_number;  // exact match; empty = any
  std::string kind;           // exact match; empty = any
  int limit = 50;             // 1..1000
  int offset = 0;
};

// The change a successful receipt makes to a position (domain/payment.hpp PaymentEffect), applied
// only if the position still has `expected_version` (optimistic locking).
struct PaymentUpdate {
  std::string iupd;
  std::int64_t expected_version = 0;
  std::string nav;  // the option paid
  OptionStatus option_status = OptionStatus::kPaid;
  PositionStatus position_status = PositionStatus::kPaid;
  TimePoint payment_date{};  // the option's; the position's too when position_status is PAID
  TimePoint updated_at{};
};

struct RecordReceiptOutcome {
  bool duplicate = false;        // a receipt with this receipt_id was already stored
  std::int64_t receipt_row = 0;  // the stored receipt's id (0 when duplicate)
};

// A notification waiting for (or done with) delivery to the institution's systems.
struct OutboxMessage {
  std::int64_t id = 0;
  std::int64_t entity_id = 0;
  std::string kind;       // "receipt"
  std::string reference;  // what it is about: for "receipt", the receipt_id
  std::string payload;    // JSON document
  TimePoint created_at{};
  std::optional<TimePoint> delivered_at;
  int attempts = 0;
};

// A URL an institution's systems listen on for events (app/webhooks.hpp).
struct WebhookEndpoint {
  std::int64_t id = 0;
  std::int64_t entity_id = 0;
  std::string url;
  std::string secret;                    // per-endpoint shared HMAC secret, stored as given
  std::vector<std::string> event_types;  // e.g. "receipt.created"
  bool active = true;
  TimePoint created_at{};
};

// One outbox message on its way to one endpoint.
struct WebhookDelivery {
  std::int64_t id = 0;
  std::int64_t outbox_id = 0;
  std::int64_t endpoint_id = 0;
  std::int64_t entity_id = 0;
  std::string event;   // "receipt.created"
  std::string status;  // "pending", "delivered", "failed"
  int attempts = 0;
  TimePoint next_attempt_at{};     // when a pending delivery is due
  std::optional<int> last_status;  // HTTP status of the last attempt; none if no response
  std::string last_error;          // "" when the last attempt succeeded or none was made
  std::optional<TimePoint> delivered_at;
  TimePoint created_at{};
};

// A due delivery with what sending it needs.
struct DueWebhookDelivery {
  WebhookDelivery delivery;
  std::string url;
  std::string secret;
  std::string payload;  // the outbox message's JSON
};

// The outcome of one attempt, as the dispatcher decided it.
struct WebhookAttempt {
  std::string status;  // the delivery's new status
  TimePoint next_attempt_at{};
  std::optional<int> last_status;
  std::string last_error;
  std::optional<TimePoint> delivered_at;
};

class Store {
 public:
  virtual ~Store() = default;

  virtual std::string_view Backend() const = 0;  // "sqlite" or "postgresql"
  // Cheap round trip to the database (readiness probe).
  virtual Status Ping() = 0;

  // --- The intermediary and its stations (one per deployment) ---
  virtual Status SaveIntermediary(const Intermediary& i) = 0;  // insert or replace
  virtual Result<std::optional<Intermediary>> GetIntermediary() = 0;
  virtual Status SaveStation(const Station& s) = 0;  // insert or replace by id
  virtual Result<std::vector<Station>> ListStations() = 0;

  // --- Entities (the Region's view) ---
  // Conflict (naming the field) when fiscal code, slug or segregation code is taken.
  virtual Result<Entity> CreateEntity(const Entity& e) = 0;
  // Replaces every field of the entity with id e.id. NotFound if absent; Conflict as above.
  virtual Status UpdateEntity(const Entity& e) = 0;
  virtual Result<std::optional<Entity>> FindEntityById(std::int64_t id) = 0;
  virtual Result<std::optional<Entity>> FindEntityByFiscalCode(std::string_view fiscal_code) = 0;
  virtual Result<std::optional<Entity>> FindEntityBySlug(std::string_view slug) = 0;
  virtual Result<std::vector<Entity>> ListEntities() = 0;

  // --- IBAN accounts and services, per entity ---
  virtual Result<IbanAccount> AddIbanAccount(std::int64_t entity_id, const IbanAccount& a) = 0;
  virtual Result<std::vector<IbanAccount>> ListIbanAccounts(std::int64_t entity_id) = 0;
  virtual Result<Service> AddService(std::int64_t entity_id, const Service& s) = 0;
  virtual Result<std::vector<Service>> ListServices(std::int64_t entity_id) = 0;
  // The entity's service with this code (exact match), if any.
  virtual Result<std::optional<Service>> FindServiceByCode(std::int64_t entity_id,
                                                           std::string_view code) = 0;

  // --- Notice numbers ---
  // Reserves `count` consecutive IUV base numbers from the entity's persistent sequence and returns
  // the first. A number handed out is never handed out again, across threads and processes, even
  // if the caller then fails. The sequence starts at 1.
  virtual Result<std::uint64_t> ReserveIuvBases(std::int64_t entity_id, int count) = 0;

  // --- Debt positions ---
  // Inserts the position with its options and transfers, all or nothing. Every option must carry
  // its iuv and nav. Conflict on a taken iupd ("iupd") or iuv ("paymentOption[i].iuv").
  // Returns the stored position (ids, version 1, timestamps as given).
  virtual Result<DebtPosition> InsertPosition(std::int64_t entity_id, const DebtPosition& p) = 0;
  virtual Result<std::optional<DebtPosition>> GetPosition(std::int64_t entity_id,
                                                          std::string_view iupd) = 0;
  // The position owning the option with this notice number (nav), if any.
  virtual Result<std::optional<DebtPosition>> FindPositionByNoticeNumber(std::int64_t entity_id,
                                                                         std::string_view nav) = 0;
  // Ordered as f.order_by/f.ascending say (default newest first: by created_at, then id).
  virtual Result<std::vector<DebtPosition>> ListPositions(std::int64_t entity_id,
                                                          const PositionFilter& f) = 0;
  virtual Result<std::int64_t> CountPositions(std::int64_t entity_id) = 0;
  // How many positions ListPositions would return for `f` without limit and offset.
  virtual Result<std::int64_t> CountPositions(std::int64_t entity_id, const PositionFilter& f) = 0;
  // Sets the status if the stored version equals `expected_version`; bumps the version and
  // updated_at. Conflict if the version moved (optimistic locking), NotFound if absent.
  virtual Status UpdatePositionStatus(std::int64_t entity_id, std::string_view iupd,
                                      std::int64_t expected_version, PositionStatus status,
                                      TimePoint now) = 0;

  // Replaces the position with p.iupd (debtor, company, flags, status, publish date, updated_at,
  // and all options with their transfers) if its stored version equals `expected_version`; bumps
  // the version. Every option must carry its iuv and nav. Conflict if the version moved or an iuv
  // is taken by another position, NotFound if absent. Returns the stored position.
  virtual Result<DebtPosition> ReplacePosition(std::int64_t entity_id, const DebtPosition& p,
                                               std::int64_t expected_version) = 0;
  // Deletes the position with its options and transfers if its stored version equals
  // `expected_version`. Conflict if the version moved, NotFound if absent.
  virtual Status DeletePosition(std::int64_t entity_id, std::string_view iupd,
                                std::int64_t expected_version) = 0;

  // --- Receipts ---
  // Stores the receipt; returns false (and changes nothing) if a receipt with the same receipt_id
  // already exists for the entity.
  virtual Result<bool> InsertReceipt(std::int64_t entity_id, const Receipt& r) = 0;
  virtual Result<std::optional<Receipt>> GetReceipt(std::int64_t entity_id,
                                                    std::string_view receipt_id) = 0;
  // Stores a receipt and its effects in one durable transaction (paSendRT, pagopa-notes.md §5):
  // - the receipt (its receipt.received_at as given); if the entity already has one with this
  //   receipt_id, returns duplicate = true and changes nothing else;
  // - `update`, if any: the position's status, version + 1, updated_at and (when PAID) payment
  //   date, and the option's status and payment date. Conflict if the position's version is no
  //   longer expected_version (the caller re-reads and recomputes), NotFound if the position or
  //   option is gone; either way the receipt is not stored either;
  // - if `notify`, an outbox row (kind "receipt", reference receipt_id) whose JSON payload holds
  //   no personal data: receiptId, noticeNumber, iuv, fiscalCode, outcome, amount (cents), kind,
  //   paymentDateTime, receivedAt, iupd and positionStatus (null without an update).
  // Returns once committed (SQLite synchronous=FULL, PostgreSQL synchronous_commit on).
  virtual Result<RecordReceiptOutcome> RecordReceipt(std::int64_t entity_id, const StoredReceipt& r,
                                                     const std::optional<PaymentUpdate>& update,
                                                     bool notify) = 0;
  // Newest first (by received_at, then id).
  virtual Result<std::vector<StoredReceipt>> ListReceipts(std::int64_t entity_id,
                                                          const ReceiptFilter& f) = 0;

  // --- Outbox ---
  // The entity's messages, oldest first, at most `limit` (1..1000).
  virtual Result<std::vector<OutboxMessage>> ListOutbox(std::int64_t entity_id, int limit) = 0;

  // --- Event log ---
  virtual Status AppendEvent(const Event& e) = 0;
  // Appends all of them in one transaction (the EventRecorder's batches).
  virtual Status AppendEvents(const std::vector<Event>& events) = 0;
  virtual Result<std::vector<Event>> ListEvents(const EventFilter& f) = 0;  // newest first
  // True if the log holds an event of the entity about `notice_number` with one of `operations`
  // and this outcome (e.g. was the notice activated with paGetPayment/paGetPaymentV2 "OK").
  virtual Result<bool> HasEvent(std::int64_t entity_id, std::string_view notice_number,
                                const std::vector<std::string>& operations,
                                std::string_view outcome) = 0;
  // Drops the request and response bodies of events logged before `older_than` (the rows stay);
  // returns how many rows lost bodies.
  virtual Result<std::int64_t> PurgeEventBodies(TimePoint older_than) = 0;

  // --- API keys (app/api_keys.hpp); only hashes are stored ---
  // Conflict if the hash is taken; NotFound if the entity does not exist.
  virtual Result<ApiKeyInfo> InsertApiKey(std::int64_t entity_id, std::string_view prefix,
                                          std::string_view hash, std::string_view label,
                                          TimePoint created_at) = 0;
  // The entity's keys, revoked ones included, oldest first.
  virtual Result<std::vector<ApiKeyInfo>> ListApiKeys(std::int64_t entity_id) = 0;
  // Sets revoked_at (kept if already revoked). NotFound if the entity has no key with this id.
  virtual Status RevokeApiKey(std::int64_t entity_id, std::int64_t id, TimePoint at) = 0;
  // The key with this hash, whichever its entity (authentication resolves the tenant from it).
  virtual Result<std::optional<ApiKeyInfo>> FindApiKeyByHash(std::string_view hash) = 0;
  // Sets last_used_at; one single-row UPDATE by primary key (callers rate-limit it).
  virtual Status TouchApiKey(std::int64_t id, TimePoint at) = 0;

  // --- Webhooks (app/webhooks.hpp) ---
  // Adds an active endpoint; it receives only outbox messages created after it. NotFound if the
  // entity does not exist.
  virtual Result<WebhookEndpoint> InsertWebhookEndpoint(std::int64_t entity_id,
                                                        const WebhookEndpoint& e) = 0;
  // The entity's endpoints, oldest first.
  virtual Result<std::vector<WebhookEndpoint>> ListWebhookEndpoints(std::int64_t entity_id) = 0;
  // Across entities (the dispatcher): creates a pending delivery, due at `now`, for each outbox
  // message and active endpoint of its entity subscribed to the message's event that has none
  // yet; at most `limit` (1..1000) per call, oldest messages first. Returns how many.
  virtual Result<std::int64_t> FanOutWebhooks(TimePoint now, int limit) = 0;
  // Across entities (the dispatcher): pending deliveries to active endpoints due at `now`, at
  // most `per_entity` of each entity and `limit` (1..1000) in all, earliest due first.
  virtual Result<std::vector<DueWebhookDelivery>> ListDueWebhookDeliveries(TimePoint now, int limit,
                                                                           int per_entity) = 0;
  // Records an attempt: attempts + 1 and the fields of `a`. NotFound if the entity has no such
  // delivery.
  virtual Status RecordWebhookAttempt(std::int64_t entity_id, std::int64_t delivery_id,
                                      const WebhookAttempt& a) = 0;
  // The entity's deliveries, newest first, at most `limit` (1..1000).
  virtual Result<std::vector<WebhookDelivery>> ListWebhookDeliveries(std::int64_t entity_id,
                                                                     int limit) = 0;
  // Makes the delivery pending again with attempts 0, due at `now`. NotFound if the entity has
  // no such delivery.
  virtual Status ResetWebhookDelivery(std::int64_t entity_id, std::int64_t delivery_id,
                                      TimePoint now) = 0;
};

}  // namespace incasso
