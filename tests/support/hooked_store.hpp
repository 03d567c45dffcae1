// Test support: a Store that forwards to another, with hooks for interleavings and faults.
#pragma once

#include <atomic>
#include <functional>

#include "app/store.hpp"

namespace incasso::testing {

// ---- A Store that forwards to another, with hooks for interleavings and faults --------------

class HookedStore final : public Store {
 public:
  explicit HookedStore(Store& inner) : inner_(inner) {}

  // Runs once, before the next RecordReceipt reaches the database.
  std::function<void()> before_record;
  // When set, these calls fail with kUnavailable.
  std::atomic<bool> fail_reads{false};
  std::atomic<bool> fail_record{false};

  std::string_view Backend() const override { return inner_.Backend(); }
  Status Ping() override { return inner_.Ping(); }
  Status SaveIntermediary(const Intermediary& i) override { return inner_.SaveIntermediary(i); }
  Result<std::optional<Intermediary>> GetIntermediary() override {
    return inner_.GetIntermediary();
  }
  Status SaveStation(const Station& s) override { return inner_.SaveStation(s); }
  Result<std::vector<Station>> ListStations() override { return inner_.ListStations(); }
  Result<Entity> CreateEntity(const Entity& e) override { return inner_.CreateEntity(e); }
  Status UpdateEntity(const Entity& e) override { return inner_.UpdateEntity(e); }
  Result<std::optional<Entity>> FindEntityById(std::int64_t id) override {
    return inner_.FindEntityById(id);
  }
  Result<std::optional<Entity>> FindEntityByFiscalCode(std::string_view fc) override {
    return inner_.FindEntityByFiscalCode(fc);
  }
  Result<std::optional<Entity>> FindEntityBySlug(std::string_view slug) override {
    return inner_.FindEntityBySlug(slug);
  }
  Result<std::vector<Entity>> ListEntities() override { return inner_.ListEntities(); }
  Status PutNoticeLogo(std::int64_t id, std::string_view png, TimePoint now) override {
    return inner_.PutNoticeLogo(id, png, now);
  }
  Result<std::string> GetNoticeLogo(std::int64_t id) override { return inner_.GetNoticeLogo(id); }
  Result<IbanAccount> AddIbanAccount(std::int64_t id, const IbanAccount& a) override {
    return inner_.AddIbanAccount(id, a);
  }
  Result<std::vector<IbanAccount>> ListIbanAccounts(std::int64_t id) override {
    return inner_.ListIbanAccounts(id);
  }
  Result<Service> AddService(std::int64_t id, const Service& s) override {
    return inner_.AddService(id, s);
  }
  Result<std::vector<Service>> ListServices(std::int64_t id) override {
    return inner_.ListServices(id);
  }
  Result<std::optional<Service>> FindServiceByCode(std::int64_t id,
                                                   std::string_view code) override {
    return inner_.FindServiceByCode(id, code);
  }
  Result<std::uint64_t> ReserveIuvBases(std::int64_t id, int count) override {
    return inner_.ReserveIuvBases(id, count);
  }
  Result<std::unique_ptr<BulkPositionWriter>> BeginBulkWrite(std::int64_t id,
                                                             bool read_only) override {
    return inner_.BeginBulkWrite(id, read_only);
  }
  Result<DebtPosition> InsertPosition(std::int64_t id, const DebtPosition& p) override {
    return inner_.InsertPosition(id, p);
  }
  Result<DebtPosition> InsertPositionWithNewIuvs(std::int64_t id, const DebtPosition& p,
                                                 const IuvAssigner& assign) override {
    return inner_.InsertPositionWithNewIuvs(id, p, assign);
  }
  Result<std::optional<DebtPosition>> GetPosition(std::int64_t id, std::string_view iupd) override {
    return inner_.GetPosition(id, iupd);
  }
  Result<std::optional<DebtPosition>> FindPositionByNoticeNumber(std::int64_t id,
                                                                 std::string_view nav) override {
    if (fail_reads) return Unavailable("injected", "injected read failure");
    return inner_.FindPositionByNoticeNumber(id, nav);
  }
  Result<std::vector<DebtPosition>> ListPositions(std::int64_t id,
                                                  const PositionFilter& f) override {
    return inner_.ListPositions(id, f);
  }
  Result<std::int64_t> CountPositions(std::int64_t id) override {
    return inner_.CountPositions(id);
  }
  Result<std::int64_t> CountPositions(std::int64_t id, const PositionFilter& f) override {
    return inner_.CountPositions(id, f);
  }
  Result<std::vector<DueTransition>> ListDueTransitions(TimePoint now, int limit) override {
    return inner_.ListDueTransitions(now, limit);
  }
  Status UpdatePositionStatus(std::int64_t id, std::string_view iupd, std::int64_t v,
                              PositionStatus s, TimePoint now) override {
    return inner_.UpdatePositionStatus(id, iupd, v, s, now);
  }
  Result<DebtPosition> ReplacePosition(std::int64_t id, const DebtPosition& p,
                                       std::int64_t v) override {
    return inner_.ReplacePosition(id, p, v);
  }
  Status DeletePosition(std::int64_t id, std::string_view iupd, std::int64_t v) override {
    return inner_.DeletePosition(id, iupd, v);
  }
  Result<bool> InsertReceipt(std::int64_t id, const Receipt& r) override {
    return inner_.InsertReceipt(id, r);
  }
  Result<std::optional<Receipt>> GetReceipt(std::int64_t id, std::string_view rid) override {
    return inner_.GetReceipt(id, rid);
  }
  Result<RecordReceiptOutcome> RecordReceipt(std::int64_t id, const StoredReceipt& r,
                                             const std::optional<PaymentUpdate>& u,
                                             bool notify) override {
    if (fail_record) return Unavailable("injected", "injected write failure");
    if (before_record) {
      auto hook = std::move(before_record);
      before_record = nullptr;
      hook();
    }
    ++record_calls;
    return inner_.RecordReceipt(id, r, u, notify);
  }
  Result<std::vector<StoredReceipt>> ListReceipts(std::int64_t id,
                                                  const ReceiptFilter& f) override {
    return inner_.ListReceipts(id, f);
  }
  Result<std::vector<OutboxMessage>> ListOutbox(std::int64_t id, int limit) override {
    return inner_.ListOutbox(id, limit);
  }
  Status AppendEvent(const Event& e) override { return inner_.AppendEvent(e); }
  Status AppendEvents(const std::vector<Event>& events) override {
    return inner_.AppendEvents(events);
  }
  Result<std::vector<Event>> ListEvents(const EventFilter& f) override {
    return inner_.ListEvents(f);
  }
  Result<bool> HasEvent(std::int64_t id, std::string_view nav, const std::vector<std::string>& ops,
                        std::string_view outcome) override {
    return inner_.HasEvent(id, nav, ops, outcome);
  }
  Result<std::int64_t> PurgeEventBodies(TimePoint older_than) override {
    return inner_.PurgeEventBodies(older_than);
  }
  Result<ApiKeyInfo> InsertApiKey(std::int64_t id, std::string_view prefix, std::string_view hash,
                                  std::string_view label, TimePoint at) override {
    return inner_.InsertApiKey(id, prefix, hash, label, at);
  }
  Result<std::vector<ApiKeyInfo>> ListApiKeys(std::int64_t id) override {
    return inner_.ListApiKeys(id);
  }
  Status RevokeApiKey(std::int64_t id, std::int64_t key_id, TimePoint at) override {
    return inner_.RevokeApiKey(id, key_id, at);
  }
  Result<std::optional<ApiKeyInfo>> FindApiKeyByHash(std::string_view hash) override {
    return inner_.FindApiKeyByHash(hash);
  }
  Status TouchApiKey(std::int64_t key_id, TimePoint at) override {
    return inner_.TouchApiKey(key_id, at);
  }
  Result<WebhookEndpoint> InsertWebhookEndpoint(std::int64_t id,
                                                const WebhookEndpoint& e) override {
    return inner_.InsertWebhookEndpoint(id, e);
  }
  Result<std::vector<WebhookEndpoint>> ListWebhookEndpoints(std::int64_t id) override {
    return inner_.ListWebhookEndpoints(id);
  }
  Result<std::int64_t> FanOutWebhooks(TimePoint now, int limit) override {
    return inner_.FanOutWebhooks(now, limit);
  }
  Result<std::vector<DueWebhookDelivery>> ClaimDueWebhookDeliveries(TimePoint now,
                                                                    TimePoint lease_until,
                                                                    int limit,
                                                                    int per_entity) override {
    return inner_.ClaimDueWebhookDeliveries(now, lease_until, limit, per_entity);
  }
  Status RecordWebhookAttempt(std::int64_t id, std::int64_t delivery_id,
                              const WebhookAttempt& a) override {
    return inner_.RecordWebhookAttempt(id, delivery_id, a);
  }
  Result<std::vector<WebhookDelivery>> ListWebhookDeliveries(std::int64_t id, int limit) override {
    return inner_.ListWebhookDeliveries(id, limit);
  }
  Status ResetWebhookDelivery(std::int64_t id, std::int64_t delivery_id, TimePoint now) override {
    return inner_.ResetWebhookDelivery(id, delivery_id, now);
  }
  Result<std::optional<WebhookDelivery>> GetWebhookDelivery(std::int64_t id,
                                                            std::int64_t delivery_id) override {
    return inner_.GetWebhookDelivery(id, delivery_id);
  }
  Status SetWebhookEndpointActive(std::int64_t id, std::int64_t endpoint_id, bool active) override {
    return inner_.SetWebhookEndpointActive(id, endpoint_id, active);
  }
  Status SetWebhookEndpointSecret(std::int64_t id, std::int64_t endpoint_id,
                                  std::string_view secret) override {
    return inner_.SetWebhookEndpointSecret(id, endpoint_id, secret);
  }
  Result<std::int64_t> UpdateTransferIbans(std::int64_t id, std::string_view old_iban,
                                           std::string_view new_iban, int limit,
                                           TimePoint now) override {
    return inner_.UpdateTransferIbans(id, old_iban, new_iban, limit, now);
  }
  Result<std::vector<PaymentRow>> SearchPayments(std::int64_t id, const PaymentFilter& f) override {
    return inner_.SearchPayments(id, f);
  }
  Result<std::optional<IdempotencyRecord>> ClaimIdempotencyKey(
      std::int64_t id, std::string_view key, std::string_view hash, TimePoint now,
      TimePoint expired_before, TimePoint abandoned_before) override {
    return inner_.ClaimIdempotencyKey(id, key, hash, now, expired_before, abandoned_before);
  }
  Status CompleteIdempotencyKey(std::int64_t id, std::string_view key, int status,
                                std::string_view content_type, std::string_view body) override {
    return inner_.CompleteIdempotencyKey(id, key, status, content_type, body);
  }
  Status ReleaseIdempotencyKey(std::int64_t id, std::string_view key) override {
    return inner_.ReleaseIdempotencyKey(id, key);
  }
  Result<ImportJob> CreateImportJob(std::int64_t id, const ImportJob& j) override {
    return inner_.CreateImportJob(id, j);
  }
  Status UpdateImportJob(std::int64_t id, const ImportJob& j) override {
    return inner_.UpdateImportJob(id, j);
  }
  Result<std::optional<ImportJob>> GetImportJob(std::int64_t id, std::int64_t job_id) override {
    return inner_.GetImportJob(id, job_id);
  }
  Result<std::vector<ImportJob>> ListImportJobs(std::int64_t id, int limit, int offset) override {
    return inner_.ListImportJobs(id, limit, offset);
  }
  Result<std::int64_t> FailUnfinishedImportJobs(std::string_view error, TimePoint now) override {
    return inner_.FailUnfinishedImportJobs(error, now);
  }

  std::atomic<int> record_calls{0};

 private:
  Store& inner_;
};

}  // namespace incasso::testing
