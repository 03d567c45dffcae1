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
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
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
  std::optional<TimePoint> paid_from;  // any option paid on or after (GPD payment_date_from)
  std::optional<TimePoint> paid_to;    // any option paid on or before (GPD payment_date_to)
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
  std::optional<TimePoint> paid_from;  // payment_date_time on or after
  std::optional<TimePoint> paid_to;    // payment_date_time on or before
  std::string receipt_id;              // exact match; empty = any
};

// Payment options across the entity's positions (the /api/v1 payments search). Every set field
// must match; empty/none = any.
struct PaymentFilter {
  std::string debtor_fiscal_code;  // the position's debtor, exact
  std::string notice_number;       // exact
  std::string iuv;                 // exact
  std::optional<OptionStatus> status;
  std::optional<TimePoint> paid_from;  // option payment date on or after
  std::optional<TimePoint> paid_to;    // option payment date on or before
  std::optional<std::int64_t> amount_min;  // cents, inclusive
  std::optional<std::int64_t> amount_max;  // cents, inclusive
  int limit = 50;                          // 1..1000
  int offset = 0;
};

// One payment option with the position it belongs to (transfers not loaded).
struct PaymentRow {
  std::string iupd;
  PositionStatus position_status = PositionStatus::kDraft;
  DebtorType debtor_type = DebtorType::kPerson;
  std::string debtor_fiscal_code;
  std::string debtor_full_name;
  std::string company_name;
  PaymentOption option;
};

// A stored Idempotency-Key (app/idempotency.hpp). status 0 = its first request is in progress.
struct IdempotencyRecord {
  std::string request_hash;
  int status = 0;
  std::string content_type;
  std::string body;
  TimePoint created_at{};
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

// A bulk import started through the API (app/import_jobs.hpp; table import_job).
struct ImportJob {
  std::int64_t id = 0;
  std::int64_t entity_id = 0;
  std::string status;  // "queued", "running", "succeeded", "failed"
  std::string format;  // as asked ("auto") until the import has detected it
  std::string mode;    // "all-or-nothing", "valid-rows"
  bool dry_run = false;
  std::int64_t bytes_total = 0, bytes_done = 0, rows = 0;
  std::int64_t created = 0, updated = 0, unchanged = 0, rejected = 0;
  bool committed = false;
  std::string error;        // why the job failed as a whole, "" otherwise
  std::string report_path;  // the report CSV on the server's disk
  TimePoint created_at{};
  std::optional<TimePoint> finished_at;
};

// A position the lifecycle sweep moves on its own (app/lifecycle.hpp).
struct DueTransition {
  std::int64_t entity_id = 0;
  std::string iupd;
  std::int64_t version = 0;
  PositionStatus from = PositionStatus::kPublished;
  PositionStatus to = PositionStatus::kValid;
};

// A long write of many positions of one entity (bulk import, app/imports.hpp), on one database
// connection inside one transaction: nothing is visible to others, nor survives a crash, until
// Commit(). Destroying it without Commit() rolls back. Lookups see this transaction's own writes.
// On SQLite the transaction holds the database's write lock until Commit/Checkpoint (the
// station's writers wait meanwhile); on PostgreSQL only the rows written are locked.
// Used by one thread at a time.
class BulkPositionWriter {
 public:
  virtual ~BulkPositionWriter() = default;
  // The entity's stored positions (with options and transfers) among these iupds, any order.
  virtual Result<std::vector<DebtPosition>> FindPositions(const std::vector<std::string>& iupds) = 0;
  // Which of these IUVs the entity's options already use, and the iupd of their position.
  virtual Result<std::vector<std::pair<std::string, std::string>>> FindTakenIuvs(
      const std::vector<std::string>& iuvs) = 0;
  // As Store::ReserveIuvBases for the writer's entity. On SQLite the reservation is part of the
  // bulk transaction (a rollback returns numbers that were never stored anywhere); on PostgreSQL
  // it commits at once on another connection, so other writers are not held up.
  virtual Result<std::uint64_t> ReserveIuvBases(int count) = 0;
  // Inserts new positions (every option with iuv and nav; version 1, timestamps as given).
  // Conflict naming the field on a taken iupd or iuv (the whole transaction is then unusable).
  virtual Status InsertPositions(const std::vector<DebtPosition>& positions) = 0;
  // As Store::ReplacePosition, inside the bulk transaction.
  virtual Status ReplacePosition(const DebtPosition& p, std::int64_t expected_version) = 0;
  // Commits what was written so far and opens a new transaction (per-batch commits).
  virtual Status Checkpoint() = 0;
  virtual Status Commit() = 0;
  // Queues an outbox message of the writer's entity inside the bulk transaction (it is
  // committed, or rolled back, with the import), e.g. kind "import.completed".
  virtual Status QueueOutbox(std::string_view kind, std::string_view reference,
                             std::string_view payload, TimePoint at) = 0;
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
  // The PNG printed on the entity's payment notices ("" = none); putting "" removes it.
  virtual Status PutNoticeLogo(std::int64_t entity_id, std::string_view png, TimePoint now) = 0;
  virtual Result<std::string> GetNoticeLogo(std::int64_t entity_id) = 0;

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
  // Fills in the iuv and nav of every option of `p` that has no iuv, in order, from consecutive
  // IUV bases starting at `first_base` (the notice-number rules are the caller's); an error
  // aborts the insert.
  using IuvAssigner = std::function<Status(std::uint64_t first_base, DebtPosition& p)>;
  // As InsertPosition, for a position some of whose options have no iuv yet: reserves one base
  // per such option from the entity's sequence (as ReserveIuvBases), lets `assign` number them,
  // and inserts, all in ONE transaction (one durable commit). The reservation commits with the
  // position or not at all: numbers of a failed insert were never stored, returned or visible to
  // another transaction (the sequence row stays locked until the end), so handing them out again
  // keeps ReserveIuvBases' promise; `assign` must not leak them elsewhere. Numbers stored with a
  // position are never handed out again, also after the position is deleted.
  virtual Result<DebtPosition> InsertPositionWithNewIuvs(std::int64_t entity_id,
                                                         const DebtPosition& p,
                                                         const IuvAssigner& assign) = 0;
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
  // Across entities (the lifecycle sweep): PUBLISHED positions whose validity date is at or
  // before `now` (-> VALID), and VALID positions with switch_to_expired none of whose options is
  // due at or after `now` (-> EXPIRED); at most `limit` (1..1000), oldest first.
  virtual Result<std::vector<DueTransition>> ListDueTransitions(TimePoint now, int limit) = 0;
  // Sets the status if the stored version equals `expected_version`; bumps the version and
  // updated_at. Conflict if the version moved (optimistic locking), NotFound if absent.
  // Queues a position.updated (position.expired for EXPIRED) outbox message in the same
  // transaction; InsertPosition, ReplacePosition and RecordReceipt's update queue
  // position.created, position.updated and position.paid likewise.
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
  // Opens a bulk write for the entity (see BulkPositionWriter). `read_only`: lookups only, on a
  // snapshot, taking no write lock (a dry run); the write calls then fail.
  virtual Result<std::unique_ptr<BulkPositionWriter>> BeginBulkWrite(std::int64_t entity_id,
                                                                     bool read_only) = 0;

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
  // Across entities (the dispatcher): claims pending deliveries to active endpoints due at `now`
  // and not leased by another dispatcher (no lease, or one expired by `now`), at most
  // `per_entity` of each entity and `limit` (1..1000) in all, earliest due first, leasing them
  // until `lease_until`: two processes sharing a database never claim the same delivery while
  // its lease runs. RecordWebhookAttempt and ResetWebhookDelivery end the lease.
  virtual Result<std::vector<DueWebhookDelivery>> ClaimDueWebhookDeliveries(TimePoint now,
                                                                            TimePoint lease_until,
                                                                            int limit,
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
  // The entity's delivery with this id, if any.
  virtual Result<std::optional<WebhookDelivery>> GetWebhookDelivery(std::int64_t entity_id,
                                                                    std::int64_t delivery_id) = 0;
  // Sets the endpoint's active flag / secret. NotFound if the entity has no such endpoint.
  virtual Status SetWebhookEndpointActive(std::int64_t entity_id, std::int64_t endpoint_id,
                                          bool active) = 0;
  virtual Status SetWebhookEndpointSecret(std::int64_t entity_id, std::int64_t endpoint_id,
                                          std::string_view secret) = 0;

  // GPD updateTransferIbanMassive: sets `new_iban` on up to `limit` (1..1000) transfers with
  // `old_iban` of unpaid options of DRAFT, PUBLISHED or VALID positions, oldest first, in one
  // transaction; each position touched gets version + 1, updated_at = now and a position.updated
  // outbox message. Returns how many transfers changed.
  virtual Result<std::int64_t> UpdateTransferIbans(std::int64_t entity_id,
                                                   std::string_view old_iban,
                                                   std::string_view new_iban, int limit,
                                                   TimePoint now) = 0;

  // --- Import jobs (app/import_jobs.hpp) ---
  // Stores a new job for the entity (j.id and j.entity_id ignored); returns it with its id.
  virtual Result<ImportJob> CreateImportJob(std::int64_t entity_id, const ImportJob& j) = 0;
  // Sets status, format, bytes, counts, committed, error, report_path and finished_at of the
  // entity's job j.id. NotFound if the entity has no such job.
  virtual Status UpdateImportJob(std::int64_t entity_id, const ImportJob& j) = 0;
  // The entity's job with this id, if any.
  virtual Result<std::optional<ImportJob>> GetImportJob(std::int64_t entity_id,
                                                        std::int64_t id) = 0;
  // The entity's jobs, newest first (highest id), skipping `offset` (>= 0), at most `limit`.
  virtual Result<std::vector<ImportJob>> ListImportJobs(std::int64_t entity_id, int limit,
                                                        int offset) = 0;
  // Start-up recovery, across entities (the job runner lives in the serving process, so a job
  // still queued or running when it starts belongs to a process that died): marks every such
  // job failed with `error` and finished_at = now. Returns how many.
  virtual Result<std::int64_t> FailUnfinishedImportJobs(std::string_view error, TimePoint now) = 0;

  // --- Payments search (/api/v1) ---
  // The entity's payment options matching `f`, newest position first (then option id).
  virtual Result<std::vector<PaymentRow>> SearchPayments(std::int64_t entity_id,
                                                         const PaymentFilter& f) = 0;

  // --- Idempotency keys (app/idempotency.hpp) ---
  // Claims `key` for a request with `request_hash`, in one transaction: a row created before
  // `expired_before`, or still in progress (status 0) and created before `abandoned_before`, is
  // dropped first; then an in-progress row is inserted. Returns nullopt when this call claimed
  // the key, otherwise the row that holds it (another request's, possibly in progress). Among
  // concurrent claims of one key exactly one wins.
  virtual Result<std::optional<IdempotencyRecord>> ClaimIdempotencyKey(
      std::int64_t entity_id, std::string_view key, std::string_view request_hash, TimePoint now,
      TimePoint expired_before, TimePoint abandoned_before) = 0;
  // Stores the response of the request that claimed the key. NotFound if the claim is gone.
  virtual Status CompleteIdempotencyKey(std::int64_t entity_id, std::string_view key, int status,
                                        std::string_view content_type, std::string_view body) = 0;
  // Drops an in-progress claim (the request failed in a way worth retrying); no-op if absent.
  virtual Status ReleaseIdempotencyKey(std::int64_t entity_id, std::string_view key) = 0;
};

}  // namespace incasso
