// Store over Db, one SQL text for SQLite and PostgreSQL. Every tenant-scoped statement filters on
// entity_id = $1; multi-statement operations run in one transaction; unique violations become
// Conflict naming the field in API (GPD JSON) terms.
#include "storage/sql_store.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <map>
#include <string>

#include "core/time.hpp"
#include "storage/bulk_writer.hpp"
#include "storage/json_text.hpp"
#include "storage/position_rows.hpp"

namespace incasso::storage {
namespace {

constexpr int kMaxListLimit = 1000;
constexpr int kMaxReserve = 1'000'000;

SqlValue Text(std::string_view s) { return std::string(s); }
SqlValue Int(std::int64_t v) { return v; }
SqlValue Bool(bool b) { return std::int64_t{b ? 1 : 0}; }
SqlValue Time(TimePoint t) { return FormatDateTime(t); }
SqlValue OptTime(const std::optional<TimePoint>& t) {
  if (!t) return kNull;
  return FormatDateTime(*t);
}
SqlValue DateValue(Date d) { return FormatDate(d); }

// "$first, $first+1, ..." for n values.
std::string Placeholders(std::size_t first, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    if (i) out += ", ";
    out += fmt::format("${}", first + i);
  }
  return out;
}

// ---- Unique keys -> API fields -------------------------------------------------------------

struct KeyField {
  std::string_view key;  // as reported by UniqueKeyOf
  std::string_view field;
  std::string_view message;
};

constexpr KeyField kKeyFields[] = {
    {"entity(fiscal_code)", "fiscalCode", "another entity has this fiscal code"},
    {"entity(slug)", "slug", "another entity has this slug"},
    {"entity(segregation_code)", "segregationCode", "another entity has this segregation code"},
    {"iban_account(entity_id,iban)", "iban", "this IBAN is already registered for the entity"},
    {"service(entity_id,code)", "code", "the entity already has a service with this code"},
    {"debt_position(entity_id,iupd)", "iupd", "the entity already has a position with this iupd"},
    {"payment_option(entity_id,iuv)", "iuv",
     "the entity already has a payment option with this IUV"},
    {"payment_option(entity_id,nav)", "nav",
     "the entity already has a payment option with this notice number"},
    {"transfer(option_id,id_transfer)", "idTransfer", "two transfers of the option share this id"},
    {"api_key(hash)", "key", "an API key with this hash already exists"},
};

// Turns a Db error into a Store error: a unique violation names the field (prefixed, e.g.
// "paymentOption[1]."), a foreign-key violation means the entity does not exist.
Error StoreError(Error e, std::string_view field_prefix = {}) {
  if (e.code == ErrorCode::kConflict) {
    std::string key = UniqueKeyOf(e);
    for (const KeyField& k : kKeyFields) {
      if (k.key == key) {
        return Error{ErrorCode::kConflict, fmt::format("{}{}", field_prefix, k.field),
                     std::string(k.message), std::move(e.detail)};
      }
    }
    return Error{ErrorCode::kConflict, {}, "already exists", std::move(e.detail)};
  }
  if (IsForeignKeyViolation(e)) {
    return Error{ErrorCode::kNotFound, {}, "entity not found", std::move(e.detail)};
  }
  return e;
}

// ---- Reading rows --------------------------------------------------------------------------

Result<AccountKind> ParseAccountKind(std::string_view text) {
  for (AccountKind k : {AccountKind::kBank, AccountKind::kPostal}) {
    if (text == ToString(k)) return k;
  }
  return InvalidArgument("kind", "unknown account kind");
}

// ---- JSON documents ------------------------------------------------------------------------

std::string DebtorJson(const Debtor& d) {
  return fmt::format(
      "{{\"type\":{},\"fiscalCode\":{},\"fullName\":{},\"streetName\":{},\"civicNumber\":{},"
      "\"postalCode\":{},\"city\":{},\"province\":{},\"region\":{},\"country\":{},\"email\":{},"
      "\"phone\":{}}}",
      json::Quote(ToString(d.type)), json::Quote(d.fiscal_code), json::Quote(d.full_name),
      json::Quote(d.street_name), json::Quote(d.civic_number), json::Quote(d.postal_code),
      json::Quote(d.city), json::Quote(d.province), json::Quote(d.region), json::Quote(d.country),
      json::Quote(d.email), json::Quote(d.phone));
}

Debtor DebtorFrom(const json::Value& v, Reader& reader) {
  Debtor d;
  auto type = ParseDebtorType(v.String("type"));
  reader.Note(type.ok() ? Ok() : Status(Internal("database error", "bad debtor type in JSON")));
  if (type.ok()) d.type = *type;
  d.fiscal_code = v.String("fiscalCode");
  d.full_name = v.String("fullName");
  d.street_name = v.String("streetName");
  d.civic_number = v.String("civicNumber");
  d.postal_code = v.String("postalCode");
  d.city = v.String("city");
  d.province = v.String("province");
  d.region = v.String("region");
  d.country = v.String("country");
  d.email = v.String("email");
  d.phone = v.String("phone");
  return d;
}

std::string TransfersJson(const std::vector<Transfer>& list) {
  std::string out = "[";
  for (std::size_t i = 0; i < list.size(); ++i) {
    const Transfer& t = list[i];
    if (i) out += ',';
    std::string stamp = "null";
    if (t.stamp) {
      stamp = fmt::format("{{\"hashDocument\":{},\"stampType\":{},\"provincialResidence\":{}}}",
                          json::Quote(t.stamp->hash_document), json::Quote(t.stamp->stamp_type),
                          json::Quote(t.stamp->provincial_residence));
    }
    out += fmt::format(
        "{{\"idTransfer\":{},\"amount\":{},\"entityFiscalCode\":{},\"remittanceInformation\":{},"
        "\"category\":{},\"iban\":{},\"postalIban\":{},\"stamp\":{},\"companyName\":{},"
        "\"metadata\":{}}}",
        t.id_transfer, t.amount, json::Quote(t.entity_fiscal_code),
        json::Quote(t.remittance_information), json::Quote(t.category), json::Quote(t.iban),
        json::Quote(t.postal_iban), stamp, json::Quote(t.company_name), MetadataJson(t.metadata));
  }
  out += ']';
  return out;
}

std::vector<Transfer> TransfersFrom(const json::Value& v) {
  std::vector<Transfer> out;
  for (const json::Value& item : v.items) {
    Transfer t;
    t.id_transfer = static_cast<int>(item.Int("idTransfer", 1));
    t.amount = item.Int("amount");
    t.entity_fiscal_code = item.String("entityFiscalCode");
    t.remittance_information = item.String("remittanceInformation");
    t.category = item.String("category");
    t.iban = item.String("iban");
    t.postal_iban = item.String("postalIban");
    if (const json::Value* s = item.Find("stamp"); s && s->kind == json::Value::Kind::kObject) {
      t.stamp = Stamp{s->String("hashDocument"), s->String("stampType"),
                      s->String("provincialResidence")};
    }
    t.company_name = item.String("companyName");
    if (const json::Value* m = item.Find("metadata")) t.metadata = MetadataFrom(*m);
    out.push_back(std::move(t));
  }
  return out;
}

// ---- Column lists (SELECT order = Read* order) ---------------------------------------------

constexpr std::string_view kEntityColumns =
    "id, fiscal_code, name, department, address, postal_code, city, province, email, pec, phone, "
    "website, logo, slug, segregation_code, application_code, cbill_code, postal_account, "
    "station_id, status, onboarding_date, notice_language, postal_authorization";

SqlParams EntityValues(const Entity& e) {  // $1..$22 (all but id)
  return {Text(e.fiscal_code),
          Text(e.name),
          Text(e.department),
          Text(e.address),
          Text(e.postal_code),
          Text(e.city),
          Text(e.province),
          Text(e.email),
          Text(e.pec),
          Text(e.phone),
          Text(e.website),
          Text(e.logo),
          Text(e.slug),
          Text(e.segregation_code),
          Text(e.application_code),
          Text(e.cbill_code),
          Text(e.postal_account),
          Text(e.station_id),
          Text(ToString(e.status)),
          DateValue(e.onboarding_date),
          Text(e.notice_language),
          Text(e.postal_authorization)};
}

Result<Entity> ReadEntity(const Row& row) {
  Reader r(row);
  Entity e;
  e.id = r.Int();
  e.fiscal_code = r.Text();
  e.name = r.Text();
  e.department = r.Text();
  e.address = r.Text();
  e.postal_code = r.Text();
  e.city = r.Text();
  e.province = r.Text();
  e.email = r.Text();
  e.pec = r.Text();
  e.phone = r.Text();
  e.website = r.Text();
  e.logo = r.Text();
  e.slug = r.Text();
  e.segregation_code = r.Text();
  e.application_code = r.Text();
  e.cbill_code = r.Text();
  e.postal_account = r.Text();
  e.station_id = r.Text();
  e.status = r.Enum(&ParseEntityStatus);
  e.onboarding_date = r.DateValue();
  e.notice_language = r.Text();
  e.postal_authorization = r.Text();
  INCASSO_TRY(r.status());
  return e;
}

constexpr std::string_view kIbanColumns = "id, entity_id, iban, kind, label, valid_from, active";

Result<IbanAccount> ReadIban(const Row& row) {
  Reader r(row);
  IbanAccount a;
  a.id = r.Int();
  a.entity_id = r.Int();
  a.iban = r.Text();
  a.kind = r.Enum(&ParseAccountKind);
  a.label = r.Text();
  a.valid_from = r.DateValue();
  a.active = r.Bool();
  INCASSO_TRY(r.status());
  return a;
}

constexpr std::string_view kServiceColumns =
    "id, entity_id, code, name, description, taxonomy_code, iban, amount_rule, amount_cents, "
    "min_cents, max_cents, spontaneous, form_json, active";

Result<Service> ReadService(const Row& row) {
  Reader r(row);
  Service s;
  s.id = r.Int();
  s.entity_id = r.Int();
  s.code = r.Text();
  s.name = r.Text();
  s.description = r.Text();
  s.taxonomy_code = r.Text();
  s.iban = r.Text();
  s.amount_rule = r.Enum(&ParseAmountRule);
  s.amount_cents = r.Int();
  s.min_cents = r.Int();
  s.max_cents = r.Int();
  s.spontaneous = r.Bool();
  s.form_json = r.Text();
  s.active = r.Bool();
  INCASSO_TRY(r.status());
  return s;
}

constexpr std::string_view kReceiptColumns =
    "id, entity_id, receipt_id, notice_number, iuv, outcome, amount, fee, psp_id, "
    "psp_fiscal_code, psp_company_name, channel_id, channel_description, payment_method, "
    "payment_date_time, application_date, transfer_date, debtor, payer, transfers, original_xml, "
    "source, stand_in, received_at, fiscal_code, payment_note, metadata, kind, id_pa, "
    "station_id, option_id";

// One statement: stored entirely or not at all; a duplicate receipt_id inserts nothing and
// returns no row.
constexpr std::string_view kInsertReceipt =
    "INSERT INTO receipt (entity_id, receipt_id, notice_number, iuv, outcome, amount, fee, "
    "psp_id, psp_fiscal_code, psp_company_name, channel_id, channel_description, "
    "payment_method, payment_date_time, application_date, transfer_date, "
    "debtor_fiscal_code, debtor, payer, transfers, original_xml, source, stand_in, "
    "received_at, fiscal_code, payment_note, metadata, kind, id_pa, station_id, option_id) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, "
    "$19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31) "
    "ON CONFLICT (entity_id, receipt_id) DO NOTHING RETURNING id";

SqlParams ReceiptValues(std::int64_t entity_id, const StoredReceipt& s) {
  const Receipt& r = s.receipt;
  SqlValue payer = kNull;
  if (r.payer) payer = DebtorJson(*r.payer);
  SqlValue fee = kNull;
  if (r.fee) fee = Int(*r.fee);
  SqlValue option = kNull;
  if (s.option_id) option = Int(*s.option_id);
  return {Int(entity_id),
          Text(r.receipt_id),
          Text(r.notice_number),
          Text(r.iuv),
          Text(r.outcome),
          Int(r.amount),
          fee,
          Text(r.psp_id),
          Text(r.psp_fiscal_code),
          Text(r.psp_company_name),
          Text(r.channel_id),
          Text(r.channel_description),
          Text(r.payment_method),
          OptTime(r.payment_date_time),
          Text(r.application_date),
          Text(r.transfer_date),
          Text(r.debtor.fiscal_code),
          Text(DebtorJson(r.debtor)),
          payer,
          Text(TransfersJson(r.transfers)),
          Text(r.original_xml),
          Text(r.source),
          Bool(r.stand_in),
          Time(r.received_at),
          Text(r.fiscal_code),
          Text(r.payment_note),
          Text(MetadataJson(r.metadata)),
          Text(s.kind),
          Text(s.id_pa),
          Text(s.station_id),
          option};
}

// The outbox payload announcing a receipt: identifiers and amounts only, no personal data (the
// consumer reads the receipt itself if it needs more).
std::string ReceiptNotice(const StoredReceipt& s, const std::optional<PaymentUpdate>& update) {
  const Receipt& r = s.receipt;
  return fmt::format(
      "{{\"type\":\"receipt\",\"receiptId\":{},\"noticeNumber\":{},\"iuv\":{},"
      "\"fiscalCode\":{},\"outcome\":{},\"amount\":{},\"kind\":{},\"paymentDateTime\":{},"
      "\"receivedAt\":{},\"iupd\":{},\"positionStatus\":{}}}",
      json::Quote(r.receipt_id), json::Quote(r.notice_number), json::Quote(r.iuv),
      json::Quote(r.fiscal_code), json::Quote(r.outcome), r.amount, json::Quote(s.kind),
      r.payment_date_time ? json::Quote(FormatDateTime(*r.payment_date_time)) : "null",
      json::Quote(FormatDateTime(r.received_at)), update ? json::Quote(update->iupd) : "null",
      update ? json::Quote(ToString(update->position_status)) : "null");
}

// The outbox payload announcing a change of a position (position.created, .updated, .paid,
// .expired): identifiers and state only, no personal data; the consumer reads the position
// through the API if it needs more. `notice_number` is the option paid (position.paid) or "".
std::string PositionNotice(std::string_view event, std::string_view iupd, PositionStatus status,
                           std::int64_t version, TimePoint at, std::string_view notice_number) {
  return fmt::format(
      "{{\"type\":{},\"iupd\":{},\"status\":{},\"version\":{},\"changedAt\":{},"
      "\"noticeNumber\":{}}}",
      json::Quote(event), json::Quote(iupd), json::Quote(ToString(status)), version,
      json::Quote(FormatDateTime(at)),
      notice_number.empty() ? std::string("null") : json::Quote(notice_number));
}

Result<StoredReceipt> ReadStoredReceipt(const Row& row) {
  Reader r(row);
  StoredReceipt out;
  Receipt& rt = out.receipt;
  rt.id = r.Int();
  rt.entity_id = r.Int();
  rt.receipt_id = r.Text();
  rt.notice_number = r.Text();
  rt.iuv = r.Text();
  rt.outcome = r.Text();
  rt.amount = r.Int();
  rt.fee = r.OptInt();
  rt.psp_id = r.Text();
  rt.psp_fiscal_code = r.Text();
  rt.psp_company_name = r.Text();
  rt.channel_id = r.Text();
  rt.channel_description = r.Text();
  rt.payment_method = r.Text();
  rt.payment_date_time = r.OptTime();
  rt.application_date = r.Text();
  rt.transfer_date = r.Text();
  if (auto d = r.Json()) rt.debtor = DebtorFrom(*d, r);
  if (auto p = r.Json()) rt.payer = DebtorFrom(*p, r);
  if (auto t = r.Json()) rt.transfers = TransfersFrom(*t);
  rt.original_xml = r.Text();
  rt.source = r.Text();
  rt.stand_in = r.Bool();
  rt.received_at = r.Time();
  rt.fiscal_code = r.Text();
  rt.payment_note = r.Text();
  if (auto m = r.Json()) rt.metadata = MetadataFrom(*m);
  out.kind = r.Text();
  out.id_pa = r.Text();
  out.station_id = r.Text();
  out.option_id = r.OptInt();
  INCASSO_TRY(r.status());
  return out;
}

constexpr std::string_view kOutboxColumns =
    "id, entity_id, kind, reference, payload, created_at, delivered_at, attempts";

Result<OutboxMessage> ReadOutbox(const Row& row) {
  Reader r(row);
  OutboxMessage m;
  m.id = r.Int();
  m.entity_id = r.Int();
  m.kind = r.Text();
  m.reference = r.Text();
  m.payload = r.Text();
  m.created_at = r.Time();
  m.delivered_at = r.OptTime();
  m.attempts = static_cast<int>(r.Int());
  INCASSO_TRY(r.status());
  return m;
}

// ---- Webhooks ------------------------------------------------------------------------------

std::string JoinComma(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) {
    if (!out.empty()) out += ',';
    out += i;
  }
  return out;
}

std::vector<std::string> SplitComma(std::string_view s) {
  std::vector<std::string> out;
  while (!s.empty()) {
    std::size_t comma = s.find(',');
    std::string_view item = s.substr(0, comma);
    if (!item.empty()) out.emplace_back(item);
    if (comma == std::string_view::npos) break;
    s.remove_prefix(comma + 1);
  }
  return out;
}

constexpr std::string_view kWebhookEndpointColumns =
    "id, entity_id, url, secret, event_types, active, created_at";

Result<WebhookEndpoint> ReadWebhookEndpoint(const Row& row) {
  Reader r(row);
  WebhookEndpoint e;
  e.id = r.Int();
  e.entity_id = r.Int();
  e.url = r.Text();
  e.secret = r.Text();
  e.event_types = SplitComma(r.Text());
  e.active = r.Bool();
  e.created_at = r.Time();
  INCASSO_TRY(r.status());
  return e;
}

// `prefix` qualifies each column ("d.").
std::string WebhookDeliveryColumns(std::string_view prefix) {
  return fmt::format(
      "{0}id, {0}outbox_id, {0}endpoint_id, {0}entity_id, {0}event, {0}status, {0}attempts, "
      "{0}next_attempt_at, {0}last_status, {0}last_error, {0}delivered_at, {0}created_at",
      prefix);
}

WebhookDelivery ReadWebhookDeliveryCells(Reader& r) {
  WebhookDelivery d;
  d.id = r.Int();
  d.outbox_id = r.Int();
  d.endpoint_id = r.Int();
  d.entity_id = r.Int();
  d.event = r.Text();
  d.status = r.Text();
  d.attempts = static_cast<int>(r.Int());
  d.next_attempt_at = r.Time();
  if (auto st = r.OptInt()) d.last_status = static_cast<int>(*st);
  d.last_error = r.Text();
  d.delivered_at = r.OptTime();
  d.created_at = r.Time();
  return d;
}

Result<WebhookDelivery> ReadWebhookDelivery(const Row& row) {
  Reader r(row);
  WebhookDelivery d = ReadWebhookDeliveryCells(r);
  INCASSO_TRY(r.status());
  return d;
}

Result<DueWebhookDelivery> ReadDueWebhookDelivery(const Row& row) {
  Reader r(row);
  DueWebhookDelivery out;
  out.delivery = ReadWebhookDeliveryCells(r);
  out.url = r.Text();
  out.secret = r.Text();
  out.payload = r.Text();
  INCASSO_TRY(r.status());
  return out;
}

constexpr std::string_view kImportJobColumns =
    "id, entity_id, status, format, mode, dry_run, bytes_total, bytes_done, rows_read, created, "
    "updated, unchanged, rejected, committed, error, report_path, created_at, finished_at";

Result<ImportJob> ReadImportJob(const Row& row) {
  Reader r(row);
  ImportJob j;
  j.id = r.Int();
  j.entity_id = r.Int();
  j.status = r.Text();
  j.format = r.Text();
  j.mode = r.Text();
  j.dry_run = r.Bool();
  j.bytes_total = r.Int();
  j.bytes_done = r.Int();
  j.rows = r.Int();
  j.created = r.Int();
  j.updated = r.Int();
  j.unchanged = r.Int();
  j.rejected = r.Int();
  j.committed = r.Bool();
  j.error = r.Text();
  j.report_path = r.Text();
  j.created_at = r.Time();
  j.finished_at = r.OptTime();
  INCASSO_TRY(r.status());
  return j;
}

SqlValue OptIntValue(const std::optional<int>& v) {
  if (!v) return kNull;
  return std::int64_t{*v};
}

constexpr std::string_view kApiKeyColumns =
    "id, entity_id, prefix, label, created_at, revoked_at, last_used_at";

Result<ApiKeyInfo> ReadApiKey(const Row& row) {
  Reader r(row);
  ApiKeyInfo k;
  k.id = r.Int();
  k.entity_id = r.Int();
  k.prefix = r.Text();
  k.label = r.Text();
  k.created_at = r.Time();
  k.revoked_at = r.OptTime();
  k.last_used_at = r.OptTime();
  INCASSO_TRY(r.status());
  return k;
}

constexpr std::string_view kEventColumns =
    "id, at, direction, channel, operation, entity_id, entity_fiscal_code, notice_number, "
    "outcome, fault_code, duration_ms, request_id, correlation_id, detail, request_body, "
    "response_body";

// Empty text as NULL (message bodies: NULL = not kept).
SqlValue NullIfEmpty(std::string_view s) {
  if (s.empty()) return kNull;
  return Text(s);
}

Result<Event> ReadEvent(const Row& row) {
  Reader r(row);
  Event e;
  e.id = r.Int();
  e.at = r.Time();
  e.direction = r.Text();
  e.channel = r.Text();
  e.operation = r.Text();
  e.entity_id = r.OptInt();
  e.entity_fiscal_code = r.Text();
  e.notice_number = r.Text();
  e.outcome = r.Text();
  e.fault_code = r.Text();
  e.duration_ms = r.Int();
  e.request_id = r.Text();
  e.correlation_id = r.Text();
  e.detail = r.Text();
  e.request_body = r.Text();
  e.response_body = r.Text();
  INCASSO_TRY(r.status());
  return e;
}

Result<PaymentRow> ReadPaymentRow(const Row& row) {
  Reader r(row);
  PaymentRow out;
  out.iupd = r.Text();
  out.position_status = r.Enum(&ParsePositionStatus);
  out.debtor_type = r.Enum(&ParseDebtorType);
  out.debtor_fiscal_code = r.Text();
  out.debtor_full_name = r.Text();
  out.company_name = r.Text();
  PaymentOption& o = out.option;
  o.id = r.Int();
  o.iuv = r.Text();
  o.nav = r.Text();
  o.amount = r.Int();
  o.description = r.Text();
  o.is_partial_payment = r.Bool();
  o.due_date = r.Time();
  o.retention_date = r.OptTime();
  o.fee = r.Int();
  o.status = r.Enum(&ParseOptionStatus);
  o.payment_date = r.OptTime();
  if (auto m = r.Json()) o.metadata = MetadataFrom(*m);
  INCASSO_TRY(r.status());
  return out;
}

template <typename T>
Result<std::vector<T>> ReadAll(const std::vector<Row>& rows, Result<T> (*read)(const Row&)) {
  std::vector<T> out;
  out.reserve(rows.size());
  for (const Row& row : rows) {
    auto v = read(row);
    if (!v.ok()) return v.error();
    out.push_back(std::move(*v));
  }
  return out;
}

template <typename T>
Result<std::optional<T>> ReadFirst(const std::vector<Row>& rows, Result<T> (*read)(const Row&)) {
  if (rows.empty()) return std::optional<T>();
  auto v = read(rows.front());
  if (!v.ok()) return v.error();
  return std::optional<T>(std::move(*v));
}

class SqlStore final : public Store {
 public:
  explicit SqlStore(std::unique_ptr<Db> db) : db_(std::move(db)) {}

  std::string_view Backend() const override { return db_->Dialect(); }

  Status Ping() override {
    auto r = db_->Query("SELECT 1");
    if (!r.ok()) return r.error();
    return Ok();
  }

  // --- Intermediary and stations ---

  Status SaveIntermediary(const Intermediary& i) override {
    auto r = db_->Execute(
        "INSERT INTO intermediary (id, fiscal_code, name, aux_digit) VALUES (1, $1, $2, $3) "
        "ON CONFLICT (id) DO UPDATE SET fiscal_code = excluded.fiscal_code, "
        "name = excluded.name, aux_digit = excluded.aux_digit",
        {Text(i.fiscal_code), Text(i.name), Int(i.aux_digit)});
    if (!r.ok()) return StoreError(r.error());
    return Ok();
  }

  Result<std::optional<Intermediary>> GetIntermediary() override {
    auto rows = db_->Query("SELECT fiscal_code, name, aux_digit FROM intermediary WHERE id = 1");
    if (!rows.ok()) return rows.error();
    if (rows->empty()) return std::optional<Intermediary>();
    const Row& row = rows->front();
    return std::optional<Intermediary>(
        Intermediary{row.Text(0), row.Text(1), static_cast<int>(row.Int(2))});
  }

  Status SaveStation(const Station& s) override {
    auto r = db_->Execute(
        "INSERT INTO station (id, description, active) VALUES ($1, $2, $3) "
        "ON CONFLICT (id) DO UPDATE SET description = excluded.description, "
        "active = excluded.active",
        {Text(s.id), Text(s.description), Bool(s.active)});
    if (!r.ok()) return StoreError(r.error());
    return Ok();
  }

  Result<std::vector<Station>> ListStations() override {
    auto rows = db_->Query("SELECT id, description, active FROM station ORDER BY id");
    if (!rows.ok()) return rows.error();
    std::vector<Station> out;
    for (const Row& row : *rows) out.push_back({row.Text(0), row.Text(1), row.Bool(2)});
    return out;
  }

  // --- Entities ---

  Result<Entity> CreateEntity(const Entity& e) override {
    auto rows = db_->Query(fmt::format("INSERT INTO entity ({}) VALUES ({}) RETURNING id",
                                       kEntityColumns.substr(4), Placeholders(1, 22)),
                           EntityValues(e));
    if (!rows.ok()) return StoreError(rows.error());
    Entity out = e;
    out.id = rows->front().Int(0);
    return out;
  }

  Status UpdateEntity(const Entity& e) override {
    SqlParams params = EntityValues(e);
    params.push_back(Int(e.id));
    auto r = db_->Execute(
        "UPDATE entity SET fiscal_code = $1, name = $2, department = $3, address = $4, "
        "postal_code = $5, city = $6, province = $7, email = $8, pec = $9, phone = $10, "
        "website = $11, logo = $12, slug = $13, segregation_code = $14, application_code = $15, "
        "cbill_code = $16, postal_account = $17, station_id = $18, status = $19, "
        "onboarding_date = $20, notice_language = $21, postal_authorization = $22 WHERE id = $23",
        params);
    if (!r.ok()) return StoreError(r.error());
    if (*r == 0) return NotFound("entity not found");
    return Ok();
  }

  Result<std::optional<Entity>> FindEntityById(std::int64_t id) override {
    return FindEntity("id", Int(id));
  }
  Result<std::optional<Entity>> FindEntityByFiscalCode(std::string_view fiscal_code) override {
    return FindEntity("fiscal_code", Text(fiscal_code));
  }
  Result<std::optional<Entity>> FindEntityBySlug(std::string_view slug) override {
    return FindEntity("slug", Text(slug));
  }

  Result<std::vector<Entity>> ListEntities() override {
    auto rows = db_->Query(fmt::format("SELECT {} FROM entity ORDER BY id", kEntityColumns));
    if (!rows.ok()) return rows.error();
    return ReadAll(*rows, &ReadEntity);
  }

  // Hex text (0008_notice_settings.sql): one column type for both databases.
  Status PutNoticeLogo(std::int64_t entity_id, std::string_view png, TimePoint now) override {
    if (png.empty()) {
      auto r =
          db_->Execute("DELETE FROM entity_notice_logo WHERE entity_id = $1", {Int(entity_id)});
      return r.ok() ? Ok() : StoreError(r.error());
    }
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(png.size() * 2);
    for (unsigned char c : png) {
      hex.push_back(kHex[c >> 4]);
      hex.push_back(kHex[c & 0xF]);
    }
    auto r = db_->Execute(
        "INSERT INTO entity_notice_logo (entity_id, png_hex, updated_at) VALUES ($1, $2, $3) "
        "ON CONFLICT (entity_id) DO UPDATE SET png_hex = excluded.png_hex, "
        "updated_at = excluded.updated_at",
        {Int(entity_id), Text(hex), Time(now)});
    return r.ok() ? Ok() : StoreError(r.error());
  }

  Result<std::string> GetNoticeLogo(std::int64_t entity_id) override {
    auto rows =
        db_->Query("SELECT png_hex FROM entity_notice_logo WHERE entity_id = $1", {Int(entity_id)});
    if (!rows.ok()) return rows.error();
    if (rows->empty()) return std::string();
    const std::string hex = rows->front().Text(0);
    auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
    std::string png;
    png.reserve(hex.size() / 2);
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
      png.push_back(static_cast<char>((nibble(hex[i]) << 4) | nibble(hex[i + 1])));
    }
    return png;
  }

  // --- IBAN accounts and services ---

  Result<IbanAccount> AddIbanAccount(std::int64_t entity_id, const IbanAccount& a) override {
    auto rows = db_->Query(
        "INSERT INTO iban_account (entity_id, iban, kind, label, valid_from, active) "
        "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        {Int(entity_id), Text(a.iban), Text(ToString(a.kind)), Text(a.label),
         DateValue(a.valid_from), Bool(a.active)});
    if (!rows.ok()) return StoreError(rows.error());
    IbanAccount out = a;
    out.id = rows->front().Int(0);
    out.entity_id = entity_id;
    return out;
  }

  Result<std::vector<IbanAccount>> ListIbanAccounts(std::int64_t entity_id) override {
    auto rows = db_->Query(
        fmt::format("SELECT {} FROM iban_account WHERE entity_id = $1 ORDER BY id", kIbanColumns),
        {Int(entity_id)});
    if (!rows.ok()) return rows.error();
    return ReadAll(*rows, &ReadIban);
  }

  Result<Service> AddService(std::int64_t entity_id, const Service& s) override {
    auto rows = db_->Query(
        "INSERT INTO service (entity_id, code, name, description, taxonomy_code, iban, "
        "amount_rule, amount_cents, min_cents, max_cents, spontaneous, form_json, active) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
        {Int(entity_id), Text(s.code), Text(s.name), Text(s.description), Text(s.taxonomy_code),
         Text(s.iban), Text(ToString(s.amount_rule)), Int(s.amount_cents), Int(s.min_cents),
         Int(s.max_cents), Bool(s.spontaneous), Text(s.form_json), Bool(s.active)});
    if (!rows.ok()) return StoreError(rows.error());
    Service out = s;
    out.id = rows->front().Int(0);
    out.entity_id = entity_id;
    return out;
  }

  Result<std::vector<Service>> ListServices(std::int64_t entity_id) override {
    auto rows = db_->Query(
        fmt::format("SELECT {} FROM service WHERE entity_id = $1 ORDER BY id", kServiceColumns),
        {Int(entity_id)});
    if (!rows.ok()) return rows.error();
    return ReadAll(*rows, &ReadService);
  }

  Result<std::optional<Service>> FindServiceByCode(std::int64_t entity_id,
                                                   std::string_view code) override {
    auto rows = db_->Query(
        fmt::format("SELECT {} FROM service WHERE entity_id = $1 AND code = $2", kServiceColumns),
        {Int(entity_id), Text(code)});
    if (!rows.ok()) return rows.error();
    return ReadFirst(*rows, &ReadService);
  }

  // --- Notice numbers ---

  Result<std::uint64_t> ReserveIuvBases(std::int64_t entity_id, int count) override {
    if (count < 1 || count > kMaxReserve) {
      return InvalidArgument("count", fmt::format("must be between 1 and {}", kMaxReserve));
    }
    return db_->InTransaction(TxMode::kWrite, [&](Transaction& tx) -> Result<std::uint64_t> {
      return ReserveIuvBasesIn(tx, entity_id, count);
    });
  }

  // --- Debt positions ---

  Result<DebtPosition> InsertPosition(std::int64_t entity_id, const DebtPosition& p) override {
    for (std::size_t i = 0; i < p.options.size(); ++i) {
      if (p.options[i].iuv.empty()) {
        return InvalidArgument(fmt::format("paymentOption[{}].iuv", i), "is required");
      }
      if (p.options[i].nav.empty()) {
        return InvalidArgument(fmt::format("paymentOption[{}].nav", i), "is required");
      }
    }
    return db_->InTransaction(TxMode::kWrite, [&](Transaction& tx) -> Result<DebtPosition> {
      return InsertPositionIn(tx, entity_id, p, nullptr);
    });
  }

  Result<DebtPosition> InsertPositionWithNewIuvs(std::int64_t entity_id, const DebtPosition& p,
                                                 const IuvAssigner& assign) override {
    int missing = 0;
    for (const auto& o : p.options) missing += o.iuv.empty() ? 1 : 0;
    if (missing > kMaxReserve) {
      return InvalidArgument("paymentOption", fmt::format("at most {} options", kMaxReserve));
    }
    for (std::size_t i = 0; i < p.options.size(); ++i) {
      if (!p.options[i].iuv.empty() && p.options[i].nav.empty()) {
        return InvalidArgument(fmt::format("paymentOption[{}].nav", i), "is required");
      }
    }
    return db_->InTransaction(TxMode::kWrite, [&](Transaction& tx) -> Result<DebtPosition> {
      const IuvAssigner* numbering = missing > 0 ? &assign : nullptr;
      return InsertPositionIn(tx, entity_id, p, numbering, missing);
    });
  }

  // Inserts p inside tx. With `assign`, first reserves `missing` IUV bases after the position's
  // row (on PostgreSQL the sequence row then stays locked for the rest of the transaction only,
  // and a taken iupd fails before any reservation) and lets `assign` number the options.
  static Result<DebtPosition> InsertPositionIn(Transaction& tx, std::int64_t entity_id,
                                               const DebtPosition& p, const IuvAssigner* assign,
                                               int missing = 0) {
    DebtPosition out = p;
    out.entity_id = entity_id;
    out.version = 1;
    auto rows = tx.Query(
        "INSERT INTO debt_position (entity_id, iupd, debtor_type, debtor_fiscal_code, "
        "debtor_full_name, debtor_street_name, debtor_civic_number, debtor_postal_code, "
        "debtor_city, debtor_province, debtor_region, debtor_country, debtor_email, "
        "debtor_phone, company_name, office_name, validity_date, switch_to_expired, "
        "pay_stand_in, status, version, created_at, updated_at, publish_date, payment_date) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, "
        "$18, $19, $20, $21, $22, $23, $24, $25) RETURNING id",
        WithDebtor({Int(entity_id), Text(p.iupd)}, p.debtor,
                   {Text(p.company_name), Text(p.office_name), OptTime(p.validity_date),
                    Bool(p.switch_to_expired), Bool(p.pay_stand_in), Text(ToString(p.status)),
                    Int(out.version), Time(p.created_at), Time(p.updated_at),
                    OptTime(p.publish_date), OptTime(p.payment_date)}));
    if (!rows.ok()) return StoreError(rows.error());
    out.id = rows->front().Int(0);
    if (assign != nullptr) {
      auto first = ReserveIuvBasesIn(tx, entity_id, missing);
      if (!first.ok()) return first.error();
      INCASSO_TRY((*assign)(*first, out));
      for (std::size_t i = 0; i < out.options.size(); ++i) {
        if (out.options[i].iuv.empty() || out.options[i].nav.empty()) {
          return InvalidArgument(fmt::format("paymentOption[{}].iuv", i), "was not assigned");
        }
      }
    }
    INCASSO_TRY(InsertOptions(tx, entity_id, out));
    INCASSO_TRY(QueuePositionEvent(tx, entity_id, out.id, "position.created", out.iupd, out.status,
                                   out.version, p.created_at));
    return out;
  }

  // `before`, then the 12 debtor columns in debt_position's order (debtor_type .. debtor_phone),
  // then `after`: the parameters of the INSERT and UPDATE of a position.
  static SqlParams WithDebtor(SqlParams before, const Debtor& d, const SqlParams& after) {
    for (SqlValue v :
         {Text(ToString(d.type)), Text(d.fiscal_code), Text(d.full_name), Text(d.street_name),
          Text(d.civic_number), Text(d.postal_code), Text(d.city), Text(d.province), Text(d.region),
          Text(d.country), Text(d.email), Text(d.phone)}) {
      before.push_back(std::move(v));
    }
    before.insert(before.end(), after.begin(), after.end());
    return before;
  }

  // Inserts p's options and transfers under position p.id, filling in the option ids.
  static Status InsertOptions(Transaction& tx, std::int64_t entity_id, DebtPosition& p) {
    for (std::size_t i = 0; i < p.options.size(); ++i) {
      PaymentOption& o = p.options[i];
      std::string prefix = fmt::format("paymentOption[{}].", i);
      auto option = tx.Query(
          "INSERT INTO payment_option (position_id, entity_id, iuv, nav, amount, description, "
          "is_partial_payment, due_date, retention_date, fee, status, payment_date, metadata) "
          "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
          {Int(p.id), Int(entity_id), Text(o.iuv), Text(o.nav), Int(o.amount), Text(o.description),
           Bool(o.is_partial_payment), Time(o.due_date), OptTime(o.retention_date), Int(o.fee),
           Text(ToString(o.status)), OptTime(o.payment_date), Text(MetadataJson(o.metadata))});
      if (!option.ok()) return StoreError(option.error(), prefix);
      o.id = option->front().Int(0);
      for (std::size_t j = 0; j < o.transfers.size(); ++j) {
        const Transfer& t = o.transfers[j];
        SqlValue hash = kNull, type = kNull, province = kNull;
        if (t.stamp) {
          hash = Text(t.stamp->hash_document);
          type = Text(t.stamp->stamp_type);
          province = Text(t.stamp->provincial_residence);
        }
        auto transfer = tx.Execute(
            "INSERT INTO transfer (option_id, id_transfer, amount, entity_fiscal_code, "
            "remittance_information, category, iban, postal_iban, stamp_hash_document, "
            "stamp_type, stamp_provincial_residence, company_name, metadata) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
            {Int(o.id), Int(t.id_transfer), Int(t.amount), Text(t.entity_fiscal_code),
             Text(t.remittance_information), Text(t.category), Text(t.iban), Text(t.postal_iban),
             hash, type, province, Text(t.company_name), Text(MetadataJson(t.metadata))});
        if (!transfer.ok()) {
          return StoreError(transfer.error(), fmt::format("{}transfer[{}].", prefix, j));
        }
      }
    }
    return Ok();
  }

  // Queues the webhook announcement of a position change in the transaction that makes it
  // (transactional outbox). The reference "<position row id>:<version>" is unique for ever, also
  // when an iupd is deleted and created again.
  static Status QueuePositionEvent(Transaction& tx, std::int64_t entity_id,
                                   std::int64_t position_id, std::string_view event,
                                   std::string_view iupd, PositionStatus status,
                                   std::int64_t version, TimePoint at,
                                   std::string_view notice_number = {}) {
    auto queued = tx.Execute(
        "INSERT INTO outbox (entity_id, kind, reference, payload, created_at, attempts) "
        "VALUES ($1, $2, $3, $4, $5, 0)",
        {Int(entity_id), Text(event), Text(fmt::format("{}:{}", position_id, version)),
         Text(PositionNotice(event, iupd, status, version, at, notice_number)), Time(at)});
    if (!queued.ok()) return StoreError(queued.error());
    return Ok();
  }

  // Conflict (stale version) or NotFound for a position whose guarded write touched no row.
  static Status VersionMiss(Transaction& tx, std::int64_t entity_id, std::string_view iupd,
                            std::int64_t expected_version) {
    auto rows = tx.Query("SELECT version FROM debt_position WHERE entity_id = $1 AND iupd = $2",
                         {Int(entity_id), Text(iupd)});
    if (!rows.ok()) return rows.error();
    if (rows->empty()) return NotFound("debt position not found");
    return Error{
        ErrorCode::kConflict, "version",
        "the position was changed by someone else; reload it and try again",
        fmt::format("expected version {}, stored {}", expected_version, rows->front().Int(0))};
  }

  Result<DebtPosition> ReplacePosition(std::int64_t entity_id, const DebtPosition& p,
                                       std::int64_t expected_version) override {
    for (std::size_t i = 0; i < p.options.size(); ++i) {
      if (p.options[i].iuv.empty() || p.options[i].nav.empty()) {
        return InvalidArgument(fmt::format("paymentOption[{}].iuv", i), "is required");
      }
    }
    return db_->InTransaction(TxMode::kWrite, [&](Transaction& tx) -> Result<DebtPosition> {
      auto rows = tx.Query(
          "UPDATE debt_position SET debtor_type = $4, debtor_fiscal_code = $5, "
          "debtor_full_name = $6, debtor_street_name = $7, debtor_civic_number = $8, "
          "debtor_postal_code = $9, debtor_city = $10, debtor_province = $11, "
          "debtor_region = $12, debtor_country = $13, debtor_email = $14, debtor_phone = $15, "
          "company_name = $16, office_name = $17, validity_date = $18, switch_to_expired = $19, "
          "pay_stand_in = $20, status = $21, version = version + 1, updated_at = $22, "
          "publish_date = $23 WHERE entity_id = $1 AND iupd = $2 AND version = $3 "
          "RETURNING id, version, created_at",
          WithDebtor({Int(entity_id), Text(p.iupd), Int(expected_version)}, p.debtor,
                     {Text(p.company_name), Text(p.office_name), OptTime(p.validity_date),
                      Bool(p.switch_to_expired), Bool(p.pay_stand_in), Text(ToString(p.status)),
                      Time(p.updated_at), OptTime(p.publish_date)}));
      if (!rows.ok()) return StoreError(rows.error());
      if (rows->empty()) return VersionMiss(tx, entity_id, p.iupd, expected_version).error();
      DebtPosition out = p;
      out.entity_id = entity_id;
      Reader r(rows->front());
      out.id = r.Int();
      out.version = r.Int();
      out.created_at = r.Time();
      INCASSO_TRY(r.status());
      const std::int64_t id = out.id;
      auto dropped = tx.Execute(
          "DELETE FROM transfer WHERE option_id IN (SELECT id FROM payment_option WHERE "
          "entity_id = $1 AND position_id = $2)",
          {Int(entity_id), Int(id)});
      if (!dropped.ok()) return dropped.error();
      dropped = tx.Execute("DELETE FROM payment_option WHERE entity_id = $1 AND position_id = $2",
                           {Int(entity_id), Int(id)});
      if (!dropped.ok()) return dropped.error();
      INCASSO_TRY(InsertOptions(tx, entity_id, out));
      INCASSO_TRY(QueuePositionEvent(tx, entity_id, out.id, "position.updated", out.iupd,
                                     out.status, out.version, p.updated_at));
      return out;
    });
  }

  Status DeletePosition(std::int64_t entity_id, std::string_view iupd,
                        std::int64_t expected_version) override {
    return db_->InTransaction(TxMode::kWrite, [&](Transaction& tx) -> Status {
      // Options and transfers go with it (ON DELETE CASCADE); receipts keep their row and lose
      // the option link (ON DELETE SET NULL, 0002).
      auto deleted = tx.Execute(
          "DELETE FROM debt_position WHERE entity_id = $1 AND iupd = $2 AND version = $3",
          {Int(entity_id), Text(iupd), Int(expected_version)});
      if (!deleted.ok()) return deleted.error();
      if (*deleted == 1) return Ok();
      return VersionMiss(tx, entity_id, iupd, expected_version);
    });
  }

  Result<std::unique_ptr<BulkPositionWriter>> BeginBulkWrite(std::int64_t entity_id,
                                                             bool read_only) override {
    return NewBulkWriter(*db_, entity_id, read_only);
  }

  Result<std::optional<DebtPosition>> GetPosition(std::int64_t entity_id,
                                                  std::string_view iupd) override {
    return FindOnePosition("p.iupd = $2", {Int(entity_id), Text(iupd)});
  }

  Result<std::optional<DebtPosition>> FindPositionByNoticeNumber(std::int64_t entity_id,
                                                                 std::string_view nav) override {
    return FindOnePosition(
        "p.id = (SELECT o.position_id FROM payment_option o WHERE o.entity_id = $1 "
        "AND o.nav = $2)",
        {Int(entity_id), Text(nav)});
  }

  // The WHERE clause of `f` over debt_position p; appends its values to `params` ($1 = entity).
  static std::string PositionWhere(const PositionFilter& f, SqlParams& params) {
    auto next = [&](SqlValue v) {
      params.push_back(std::move(v));
      return fmt::format("${}", params.size());
    };
    std::string where = "p.entity_id = $1";
    if (f.status) where += " AND p.status = " + next(Text(ToString(*f.status)));
    if (!f.debtor_fiscal_code.empty()) {
      where += " AND p.debtor_fiscal_code = " + next(Text(f.debtor_fiscal_code));
    }
    if (f.due_from || f.due_to) {
      // Uncorrelated, so both planners read the (entity_id, due_date) index once.
      where += " AND p.id IN (SELECT o.position_id FROM payment_option o WHERE o.entity_id = $1";
      if (f.due_from) where += " AND o.due_date >= " + next(Time(*f.due_from));
      if (f.due_to) where += " AND o.due_date <= " + next(Time(*f.due_to));
      where += ")";
    }
    if (f.paid_from || f.paid_to) {
      where += " AND p.id IN (SELECT o.position_id FROM payment_option o WHERE o.entity_id = $1";
      if (f.paid_from) where += " AND o.payment_date >= " + next(Time(*f.paid_from));
      if (f.paid_to) where += " AND o.payment_date <= " + next(Time(*f.paid_to));
      where += ")";
    }
    return where;
  }

  Result<std::vector<DebtPosition>> ListPositions(std::int64_t entity_id,
                                                  const PositionFilter& f) override {
    if (f.limit < 1 || f.limit > kMaxListLimit) {
      return InvalidArgument("limit", fmt::format("must be between 1 and {}", kMaxListLimit));
    }
    if (f.offset < 0) return InvalidArgument("offset", "must not be negative");
    SqlParams params{Int(entity_id)};
    std::string where = PositionWhere(f, params);
    params.push_back(Int(f.limit));
    std::string limit = fmt::format("${}", params.size());
    params.push_back(Int(f.offset));
    std::string offset = fmt::format("${}", params.size());
    const char* column = "p.created_at";
    switch (f.order_by) {
      case PositionFilter::Order::kInsertedDate:
        column = "p.created_at";
        break;
      case PositionFilter::Order::kIupd:
        column = "p.iupd";
        break;
      case PositionFilter::Order::kStatus:
        column = "p.status";
        break;
      case PositionFilter::Order::kCompanyName:
        column = "p.company_name";
        break;
    }
    const char* direction = f.ascending ? "ASC" : "DESC";
    std::string sql = fmt::format(
        "SELECT {} FROM debt_position p WHERE {} ORDER BY {} {}, p.id {} LIMIT {} OFFSET {}",
        kPositionColumns, where, column, direction, direction, limit, offset);
    return db_->InTransaction(TxMode::kRead,
                              [&](Transaction& tx) -> Result<std::vector<DebtPosition>> {
                                auto rows = tx.Query(sql, params);
                                if (!rows.ok()) return rows.error();
                                return LoadPositions(tx, entity_id, *rows);
                              });
  }

  Result<std::int64_t> CountPositions(std::int64_t entity_id) override {
    auto rows =
        db_->Query("SELECT COUNT(*) FROM debt_position WHERE entity_id = $1", {Int(entity_id)});
    if (!rows.ok()) return rows.error();
    return rows->front().Int(0);
  }

  Result<std::int64_t> CountPositions(std::int64_t entity_id, const PositionFilter& f) override {
    SqlParams params{Int(entity_id)};
    std::string where = PositionWhere(f, params);
    auto rows =
        db_->Query(fmt::format("SELECT COUNT(*) FROM debt_position p WHERE {}", where), params);
    if (!rows.ok()) return rows.error();
    return rows->front().Int(0);
  }

  Result<std::vector<DueTransition>> ListDueTransitions(TimePoint now, int limit) override {
    if (limit < 1 || limit > kMaxListLimit) {
      return InvalidArgument("limit", fmt::format("must be between 1 and {}", kMaxListLimit));
    }
    // Two index-driven halves (0007's partial indexes), each limited, then merged by id.
    auto rows = db_->Query(
        "SELECT id, entity_id, iupd, version, status FROM ("
        "SELECT id, entity_id, iupd, version, status FROM debt_position "
        "WHERE status = 'PUBLISHED' AND validity_date <= $1 ORDER BY validity_date, id "
        "LIMIT $2) a UNION ALL SELECT id, entity_id, iupd, version, status FROM ("
        "SELECT p.id, p.entity_id, p.iupd, p.version, p.status FROM debt_position p "
        "WHERE p.status = 'VALID' AND p.switch_to_expired = 1 AND NOT EXISTS (SELECT 1 FROM "
        "payment_option o WHERE o.position_id = p.id AND o.due_date >= $1) ORDER BY p.id "
        "LIMIT $2) b ORDER BY 1 LIMIT $2",
        {Time(now), Int(limit)});
    if (!rows.ok()) return rows.error();
    std::vector<DueTransition> out;
    out.reserve(rows->size());
    for (const Row& row : *rows) {
      Reader r(row);
      (void)r.Int();  // id: the order only
      DueTransition t;
      t.entity_id = r.Int();
      t.iupd = r.Text();
      t.version = r.Int();
      auto from = ParsePositionStatus(r.Text());
      INCASSO_TRY(r.status());
      if (!from.ok()) return from.error();
      t.from = *from;
      t.to =
          t.from == PositionStatus::kPublished ? PositionStatus::kValid : PositionStatus::kExpired;
      out.push_back(std::move(t));
    }
    return out;
  }

  Status UpdatePositionStatus(std::int64_t entity_id, std::string_view iupd,
                              std::int64_t expected_version, PositionStatus status,
                              TimePoint now) override {
    return db_->InTransaction(TxMode::kWrite, [&](Transaction& tx) -> Status {
      auto changed = tx.Query(
          "UPDATE debt_position SET status = $4, version = version + 1, updated_at = $5 "
          "WHERE entity_id = $1 AND iupd = $2 AND version = $3 RETURNING id, version",
          {Int(entity_id), Text(iupd), Int(expected_version), Text(ToString(status)), Time(now)});
      if (!changed.ok()) return changed.error();
      if (!changed->empty()) {
        return QueuePositionEvent(
            tx, entity_id, changed->front().Int(0),
            status == PositionStatus::kExpired ? "position.expired" : "position.updated", iupd,
            status, changed->front().Int(1), now);
      }
      auto rows = tx.Query("SELECT version FROM debt_position WHERE entity_id = $1 AND iupd = $2",
                           {Int(entity_id), Text(iupd)});
      if (!rows.ok()) return rows.error();
      if (rows->empty()) return NotFound("debt position not found");
      return Error{
          ErrorCode::kConflict, "version",
          "the position was changed by someone else; reload it and try again",
          fmt::format("expected version {}, stored {}", expected_version, rows->front().Int(0))};
    });
  }

  // --- Receipts ---

  Result<bool> InsertReceipt(std::int64_t entity_id, const Receipt& r) override {
    StoredReceipt unclassified;
    unclassified.receipt = r;
    auto inserted = db_->Query(kInsertReceipt, ReceiptValues(entity_id, unclassified));
    if (!inserted.ok()) return StoreError(inserted.error());
    return !inserted->empty();
  }

  Result<std::optional<Receipt>> GetReceipt(std::int64_t entity_id,
                                            std::string_view receipt_id) override {
    auto rows = db_->Query(fmt::format("SELECT {} FROM receipt WHERE entity_id = $1 AND "
                                       "receipt_id = $2",
                                       kReceiptColumns),
                           {Int(entity_id), Text(receipt_id)});
    if (!rows.ok()) return rows.error();
    auto stored = ReadFirst(*rows, &ReadStoredReceipt);
    if (!stored.ok()) return stored.error();
    if (!stored->has_value()) return std::optional<Receipt>();
    return std::optional<Receipt>(std::move((*stored)->receipt));
  }

  Result<RecordReceiptOutcome> RecordReceipt(std::int64_t entity_id, const StoredReceipt& r,
                                             const std::optional<PaymentUpdate>& update,
                                             bool notify) override {
    const SqlParams values = ReceiptValues(entity_id, r);
    return db_->InTransaction(TxMode::kWrite, [&](Transaction& tx) -> Result<RecordReceiptOutcome> {
      // The receipt first: a duplicate stops here, before anything else is touched. On
      // PostgreSQL a concurrent insert of the same receipt_id waits for this transaction and
      // then inserts nothing (or inserts, if this one rolls back).
      auto inserted = tx.Query(kInsertReceipt, values);
      if (!inserted.ok()) return StoreError(inserted.error());
      if (inserted->empty()) return RecordReceiptOutcome{true, 0};
      RecordReceiptOutcome out{false, inserted->front().Int(0)};
      if (update) INCASSO_TRY(ApplyUpdate(tx, entity_id, *update));
      if (notify) {
        auto queued = tx.Execute(
            "INSERT INTO outbox (entity_id, kind, reference, payload, created_at, attempts) "
            "VALUES ($1, 'receipt', $2, $3, $4, 0)",
            {Int(entity_id), Text(r.receipt.receipt_id), Text(ReceiptNotice(r, update)),
             Time(r.receipt.received_at)});
        if (!queued.ok()) return StoreError(queued.error());
      }
      return out;
    });
  }

  Result<std::vector<StoredReceipt>> ListReceipts(std::int64_t entity_id,
                                                  const ReceiptFilter& f) override {
    if (f.limit < 1 || f.limit > kMaxListLimit) {
      return InvalidArgument("limit", fmt::format("must be between 1 and {}", kMaxListLimit));
    }
    if (f.offset < 0) return InvalidArgument("offset", "must not be negative");
    SqlParams params{Int(entity_id)};
    auto next = [&](SqlValue v) {
      params.push_back(std::move(v));
      return fmt::format("${}", params.size());
    };
    std::string where = "entity_id = $1";
    if (!f.notice_number.empty()) where += " AND notice_number = " + next(Text(f.notice_number));
    if (!f.kind.empty()) where += " AND kind = " + next(Text(f.kind));
    if (f.paid_from) where += " AND payment_date_time >= " + next(Time(*f.paid_from));
    if (f.paid_to) where += " AND payment_date_time <= " + next(Time(*f.paid_to));
    if (!f.receipt_id.empty()) where += " AND receipt_id = " + next(Text(f.receipt_id));
    std::string limit = next(Int(f.limit));
    std::string offset = next(Int(f.offset));
    auto rows = db_->Query(fmt::format("SELECT {} FROM receipt WHERE {} ORDER BY received_at "
                                       "DESC, id DESC LIMIT {} OFFSET {}",
                                       kReceiptColumns, where, limit, offset),
                           params);
    if (!rows.ok()) return rows.error();
    return ReadAll(*rows, &ReadStoredReceipt);
  }

  // --- Outbox ---

  Result<std::vector<OutboxMessage>> ListOutbox(std::int64_t entity_id, int limit) override {
    if (limit < 1 || limit > kMaxListLimit) {
      return InvalidArgument("limit", fmt::format("must be between 1 and {}", kMaxListLimit));
    }
    auto rows =
        db_->Query(fmt::format("SELECT {} FROM outbox WHERE entity_id = $1 ORDER BY id LIMIT $2",
                               kOutboxColumns),
                   {Int(entity_id), Int(limit)});
    if (!rows.ok()) return rows.error();
    return ReadAll(*rows, &ReadOutbox);
  }

  // --- Event log ---

  static constexpr const char* kInsertEvent =
      "INSERT INTO event_log (at, direction, channel, operation, entity_id, "
      "entity_fiscal_code, notice_number, outcome, fault_code, duration_ms, request_id, "
      "correlation_id, detail, request_body, response_body) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)";

  static SqlParams EventParams(const Event& e) {
    SqlValue entity = kNull;
    if (e.entity_id) entity = Int(*e.entity_id);
    return {Time(e.at),
            Text(e.direction),
            Text(e.channel),
            Text(e.operation),
            entity,
            Text(e.entity_fiscal_code),
            Text(e.notice_number),
            Text(e.outcome),
            Text(e.fault_code),
            Int(e.duration_ms),
            Text(e.request_id),
            Text(e.correlation_id),
            Text(e.detail),
            NullIfEmpty(e.request_body),
            NullIfEmpty(e.response_body)};
  }

  Status AppendEvent(const Event& e) override {
    auto r = db_->Execute(kInsertEvent, EventParams(e));
    if (!r.ok()) return StoreError(r.error());
    return Ok();
  }

  Status AppendEvents(const std::vector<Event>& events) override {
    if (events.empty()) return Ok();
    auto r = db_->InTransaction(TxMode::kWrite, [&](Transaction& tx) -> Status {
      for (const auto& e : events) {
        auto done = tx.Execute(kInsertEvent, EventParams(e));
        if (!done.ok()) return done.error();
      }
      return Ok();
    });
    if (!r.ok()) return StoreError(r.error());
    return Ok();
  }

  Result<std::vector<Event>> ListEvents(const EventFilter& f) override {
    if (f.limit < 1 || f.limit > kMaxListLimit) {
      return InvalidArgument("limit", fmt::format("must be between 1 and {}", kMaxListLimit));
    }
    SqlParams params;
    std::string where = "1 = 1";
    auto next = [&](SqlValue v) {
      params.push_back(std::move(v));
      return fmt::format("${}", params.size());
    };
    if (f.entity_id) where += " AND entity_id = " + next(Int(*f.entity_id));
    if (!f.operation.empty()) where += " AND operation = " + next(Text(f.operation));
    if (!f.notice_number.empty()) where += " AND notice_number = " + next(Text(f.notice_number));
    std::string limit = next(Int(f.limit));
    auto rows = db_->Query(fmt::format("SELECT {} FROM event_log WHERE {} ORDER BY at DESC, "
                                       "id DESC LIMIT {}",
                                       kEventColumns, where, limit),
                           params);
    if (!rows.ok()) return rows.error();
    return ReadAll(*rows, &ReadEvent);
  }

  Result<bool> HasEvent(std::int64_t entity_id, std::string_view notice_number,
                        const std::vector<std::string>& operations,
                        std::string_view outcome) override {
    if (operations.empty()) return false;
    SqlParams params{Int(entity_id), Text(notice_number), Text(outcome)};
    for (const std::string& op : operations) params.push_back(Text(op));
    // notice_number first: event_log_notice_idx narrows to the few events of one notice.
    auto rows = db_->Query(
        fmt::format("SELECT 1 FROM event_log WHERE notice_number = $2 AND entity_id = $1 AND "
                    "outcome = $3 AND operation IN ({}) LIMIT 1",
                    Placeholders(4, operations.size())),
        params);
    if (!rows.ok()) return rows.error();
    return !rows->empty();
  }

  Result<std::int64_t> PurgeEventBodies(TimePoint older_than) override {
    auto changed = db_->Execute(
        "UPDATE event_log SET request_body = NULL, response_body = NULL WHERE at < $1 AND "
        "(request_body IS NOT NULL OR response_body IS NOT NULL)",
        {Time(older_than)});
    if (!changed.ok()) return changed.error();
    return *changed;
  }

  // --- API keys ---

  Result<ApiKeyInfo> InsertApiKey(std::int64_t entity_id, std::string_view prefix,
                                  std::string_view hash, std::string_view label,
                                  TimePoint created_at) override {
    auto rows = db_->Query(
        "INSERT INTO api_key (entity_id, prefix, hash, label, created_at) "
        "VALUES ($1, $2, $3, $4, $5) RETURNING id",
        {Int(entity_id), Text(prefix), Text(hash), Text(label), Time(created_at)});
    if (!rows.ok()) return StoreError(rows.error());
    ApiKeyInfo out;
    out.id = rows->front().Int(0);
    out.entity_id = entity_id;
    out.prefix = std::string(prefix);
    out.label = std::string(label);
    out.created_at = created_at;
    return out;
  }

  Result<std::vector<ApiKeyInfo>> ListApiKeys(std::int64_t entity_id) override {
    auto rows = db_->Query(
        fmt::format("SELECT {} FROM api_key WHERE entity_id = $1 ORDER BY id", kApiKeyColumns),
        {Int(entity_id)});
    if (!rows.ok()) return rows.error();
    return ReadAll(*rows, &ReadApiKey);
  }

  Status RevokeApiKey(std::int64_t entity_id, std::int64_t id, TimePoint at) override {
    auto changed = db_->Execute(
        "UPDATE api_key SET revoked_at = COALESCE(revoked_at, $3) WHERE entity_id = $1 AND id = $2",
        {Int(entity_id), Int(id), Time(at)});
    if (!changed.ok()) return changed.error();
    if (*changed == 0) return NotFound("API key not found");
    return Ok();
  }

  Result<std::optional<ApiKeyInfo>> FindApiKeyByHash(std::string_view hash) override {
    auto rows = db_->Query(fmt::format("SELECT {} FROM api_key WHERE hash = $1", kApiKeyColumns),
                           {Text(hash)});
    if (!rows.ok()) return rows.error();
    return ReadFirst(*rows, &ReadApiKey);
  }

  Status TouchApiKey(std::int64_t id, TimePoint at) override {
    // Never moves backwards: concurrent touches of one key keep the latest instant.
    auto changed = db_->Execute(
        "UPDATE api_key SET last_used_at = $2 WHERE id = $1 AND "
        "(last_used_at IS NULL OR last_used_at < $2)",
        {Int(id), Time(at)});
    if (!changed.ok()) return changed.error();
    return Ok();
  }

  // --- Webhooks ---

  Result<WebhookEndpoint> InsertWebhookEndpoint(std::int64_t entity_id,
                                                const WebhookEndpoint& e) override {
    auto rows = db_->Query(
        "INSERT INTO webhook_endpoint (entity_id, url, secret, event_types, active, "
        "start_outbox_id, created_at) VALUES ($1, $2, $3, $4, $5, "
        "(SELECT COALESCE(MAX(id), 0) FROM outbox WHERE entity_id = $1), $6) RETURNING id",
        {Int(entity_id), Text(e.url), Text(e.secret), Text(JoinComma(e.event_types)),
         Bool(e.active), Time(e.created_at)});
    if (!rows.ok()) return StoreError(rows.error());
    WebhookEndpoint out = e;
    out.id = rows->front().Int(0);
    out.entity_id = entity_id;
    return out;
  }

  Result<std::vector<WebhookEndpoint>> ListWebhookEndpoints(std::int64_t entity_id) override {
    auto rows = db_->Query(fmt::format("SELECT {} FROM webhook_endpoint WHERE entity_id = $1 "
                                       "ORDER BY id",
                                       kWebhookEndpointColumns),
                           {Int(entity_id)});
    if (!rows.ok()) return rows.error();
    return ReadAll(*rows, &ReadWebhookEndpoint);
  }

  Result<std::int64_t> FanOutWebhooks(TimePoint now, int limit) override {
    if (limit < 1 || limit > kMaxListLimit) {
      return InvalidArgument("limit", fmt::format("must be between 1 and {}", kMaxListLimit));
    }
    // The outbox kind names the event: "receipt" -> "receipt.created". An endpoint subscribes
    // to an event when its comma list holds it. The WHERE clause also keeps SQLite's parser from
    // reading ON CONFLICT as a join constraint.
    constexpr std::string_view kEvent =
        "CASE o.kind WHEN 'receipt' THEN 'receipt.created' ELSE o.kind END";
    auto changed = db_->Execute(
        fmt::format(
            "INSERT INTO webhook_delivery (outbox_id, endpoint_id, entity_id, event, status, "
            "attempts, next_attempt_at, last_error, created_at) "
            "SELECT o.id, e.id, o.entity_id, {0}, 'pending', 0, CAST($1 AS TEXT), '', "
            "CAST($1 AS TEXT) FROM outbox o JOIN webhook_endpoint e ON e.entity_id = o.entity_id "
            "WHERE e.active = 1 AND o.id > e.start_outbox_id "
            "AND (',' || e.event_types || ',') LIKE ('%,' || {0} || ',%') "
            "AND NOT EXISTS (SELECT 1 FROM webhook_delivery d WHERE d.outbox_id = o.id AND "
            "d.endpoint_id = e.id) "
            "ORDER BY o.id, e.id LIMIT $2 "
            "ON CONFLICT (outbox_id, endpoint_id) DO NOTHING",
            kEvent),
        {Time(now), Int(limit)});
    if (!changed.ok()) return changed.error();
    return *changed;
  }

  Result<std::vector<DueWebhookDelivery>> ClaimDueWebhookDeliveries(TimePoint now,
                                                                    TimePoint lease_until,
                                                                    int limit,
                                                                    int per_entity) override {
    if (limit < 1 || limit > kMaxListLimit) {
      return InvalidArgument("limit", fmt::format("must be between 1 and {}", kMaxListLimit));
    }
    if (per_entity < 1) return InvalidArgument("per_entity", "must be positive");
    return db_->InTransaction(
        TxMode::kWrite, [&](Transaction& tx) -> Result<std::vector<DueWebhookDelivery>> {
          // The lease condition is repeated on the updated row itself: on PostgreSQL a
          // concurrent claimer that waited for this row re-checks it and skips the row.
          auto claimed = tx.Query(
              "UPDATE webhook_delivery SET lease_until = $4 WHERE id IN (SELECT id FROM ("
              "SELECT w.id, w.next_attempt_at, ROW_NUMBER() OVER (PARTITION BY w.entity_id "
              "ORDER BY w.next_attempt_at, w.id) AS rn FROM webhook_delivery w "
              "JOIN webhook_endpoint we ON we.id = w.endpoint_id "
              "WHERE w.status = 'pending' AND w.next_attempt_at <= $1 AND we.active = 1 "
              "AND (w.lease_until IS NULL OR w.lease_until <= $1)) d WHERE d.rn <= $2 "
              "ORDER BY d.next_attempt_at, d.id LIMIT $3) "
              "AND status = 'pending' AND (lease_until IS NULL OR lease_until <= $1) "
              "RETURNING id",
              {Time(now), Int(per_entity), Int(limit), Time(lease_until)});
          if (!claimed.ok()) return claimed.error();
          if (claimed->empty()) return std::vector<DueWebhookDelivery>{};
          SqlParams ids;
          std::string in;
          for (const Row& row : *claimed) {
            ids.push_back(Int(row.Int(0)));
            in += fmt::format("{}${}", in.empty() ? "" : ", ", ids.size());
          }
          auto rows =
              tx.Query(fmt::format("SELECT {}, e.url, e.secret, o.payload FROM webhook_delivery d "
                                   "JOIN webhook_endpoint e ON e.id = d.endpoint_id "
                                   "JOIN outbox o ON o.id = d.outbox_id WHERE d.id IN ({}) "
                                   "ORDER BY d.next_attempt_at, d.id",
                                   WebhookDeliveryColumns("d."), in),
                       ids);
          if (!rows.ok()) return rows.error();
          return ReadAll(*rows, &ReadDueWebhookDelivery);
        });
  }

  Status RecordWebhookAttempt(std::int64_t entity_id, std::int64_t delivery_id,
                              const WebhookAttempt& a) override {
    auto changed = db_->Execute(
        "UPDATE webhook_delivery SET attempts = attempts + 1, status = $3, next_attempt_at = $4, "
        "last_status = $5, last_error = $6, delivered_at = $7, lease_until = NULL "
        "WHERE entity_id = $1 AND id = $2",
        {Int(entity_id), Int(delivery_id), Text(a.status), Time(a.next_attempt_at),
         OptIntValue(a.last_status), Text(a.last_error), OptTime(a.delivered_at)});
    if (!changed.ok()) return changed.error();
    if (*changed == 0) return NotFound("webhook delivery not found");
    return Ok();
  }

  Result<std::vector<WebhookDelivery>> ListWebhookDeliveries(std::int64_t entity_id,
                                                             int limit) override {
    if (limit < 1 || limit > kMaxListLimit) {
      return InvalidArgument("limit", fmt::format("must be between 1 and {}", kMaxListLimit));
    }
    auto rows = db_->Query(fmt::format("SELECT {} FROM webhook_delivery WHERE entity_id = $1 "
                                       "ORDER BY id DESC LIMIT $2",
                                       WebhookDeliveryColumns("")),
                           {Int(entity_id), Int(limit)});
    if (!rows.ok()) return rows.error();
    return ReadAll(*rows, &ReadWebhookDelivery);
  }

  Status ResetWebhookDelivery(std::int64_t entity_id, std::int64_t delivery_id,
                              TimePoint now) override {
    auto changed = db_->Execute(
        "UPDATE webhook_delivery SET status = 'pending', attempts = 0, next_attempt_at = $3, "
        "delivered_at = NULL, lease_until = NULL WHERE entity_id = $1 AND id = $2",
        {Int(entity_id), Int(delivery_id), Time(now)});
    if (!changed.ok()) return changed.error();
    if (*changed == 0) return NotFound("webhook delivery not found");
    return Ok();
  }

  Result<std::optional<WebhookDelivery>> GetWebhookDelivery(std::int64_t entity_id,
                                                            std::int64_t delivery_id) override {
    auto rows = db_->Query(fmt::format("SELECT {} FROM webhook_delivery WHERE entity_id = $1 "
                                       "AND id = $2",
                                       WebhookDeliveryColumns("")),
                           {Int(entity_id), Int(delivery_id)});
    if (!rows.ok()) return rows.error();
    return ReadFirst(*rows, &ReadWebhookDelivery);
  }

  Status SetWebhookEndpointActive(std::int64_t entity_id, std::int64_t endpoint_id,
                                  bool active) override {
    auto changed =
        db_->Execute("UPDATE webhook_endpoint SET active = $3 WHERE entity_id = $1 AND id = $2",
                     {Int(entity_id), Int(endpoint_id), Bool(active)});
    if (!changed.ok()) return changed.error();
    if (*changed == 0) return NotFound("webhook endpoint not found");
    return Ok();
  }

  Status SetWebhookEndpointSecret(std::int64_t entity_id, std::int64_t endpoint_id,
                                  std::string_view secret) override {
    auto changed =
        db_->Execute("UPDATE webhook_endpoint SET secret = $3 WHERE entity_id = $1 AND id = $2",
                     {Int(entity_id), Int(endpoint_id), Text(secret)});
    if (!changed.ok()) return changed.error();
    if (*changed == 0) return NotFound("webhook endpoint not found");
    return Ok();
  }

  Result<std::int64_t> UpdateTransferIbans(std::int64_t entity_id, std::string_view old_iban,
                                           std::string_view new_iban, int limit,
                                           TimePoint now) override {
    if (limit < 1 || limit > kMaxListLimit) {
      return InvalidArgument("limit", fmt::format("must be between 1 and {}", kMaxListLimit));
    }
    return db_->InTransaction(TxMode::kWrite, [&](Transaction& tx) -> Result<std::int64_t> {
      auto rows = tx.Query(
          "SELECT t.id, p.id FROM transfer t JOIN payment_option o ON o.id = t.option_id "
          "JOIN debt_position p ON p.id = o.position_id WHERE o.entity_id = $1 AND "
          "p.entity_id = $1 AND t.iban = $2 AND o.status = 'PO_UNPAID' AND "
          "p.status IN ('DRAFT', 'PUBLISHED', 'VALID') ORDER BY t.id LIMIT $3",
          {Int(entity_id), Text(old_iban), Int(limit)});
      if (!rows.ok()) return rows.error();
      if (rows->empty()) return std::int64_t{0};
      SqlParams ids{Text(new_iban)};
      std::vector<std::int64_t> positions;
      for (const Row& row : *rows) {
        ids.push_back(Int(row.Int(0)));
        const std::int64_t pid = row.Int(1);
        if (std::find(positions.begin(), positions.end(), pid) == positions.end()) {
          positions.push_back(pid);
        }
      }
      auto changed = tx.Execute(fmt::format("UPDATE transfer SET iban = $1 WHERE id IN ({})",
                                            Placeholders(2, ids.size() - 1)),
                                ids);
      if (!changed.ok()) return changed.error();
      for (std::int64_t pid : positions) {
        auto bumped = tx.Query(
            "UPDATE debt_position SET version = version + 1, updated_at = $3 "
            "WHERE entity_id = $1 AND id = $2 RETURNING iupd, status, version",
            {Int(entity_id), Int(pid), Time(now)});
        if (!bumped.ok()) return bumped.error();
        if (bumped->empty()) continue;
        Reader r(bumped->front());
        std::string iupd = r.Text();
        PositionStatus status = r.Enum(&ParsePositionStatus);
        std::int64_t version = r.Int();
        INCASSO_TRY(r.status());
        INCASSO_TRY(
            QueuePositionEvent(tx, entity_id, pid, "position.updated", iupd, status, version, now));
      }
      return *changed;
    });
  }

  // --- Payments search ---

  Result<std::vector<PaymentRow>> SearchPayments(std::int64_t entity_id,
                                                 const PaymentFilter& f) override {
    if (f.limit < 1 || f.limit > kMaxListLimit) {
      return InvalidArgument("limit", fmt::format("must be between 1 and {}", kMaxListLimit));
    }
    if (f.offset < 0) return InvalidArgument("offset", "must not be negative");
    SqlParams params{Int(entity_id)};
    auto next = [&](SqlValue v) {
      params.push_back(std::move(v));
      return fmt::format("${}", params.size());
    };
    std::string where = "o.entity_id = $1 AND p.entity_id = $1";
    if (!f.debtor_fiscal_code.empty()) {
      where += " AND p.debtor_fiscal_code = " + next(Text(f.debtor_fiscal_code));
    }
    if (!f.notice_number.empty()) where += " AND o.nav = " + next(Text(f.notice_number));
    if (!f.iuv.empty()) where += " AND o.iuv = " + next(Text(f.iuv));
    if (f.status) where += " AND o.status = " + next(Text(ToString(*f.status)));
    if (f.paid_from) where += " AND o.payment_date >= " + next(Time(*f.paid_from));
    if (f.paid_to) where += " AND o.payment_date <= " + next(Time(*f.paid_to));
    if (f.amount_min) where += " AND o.amount >= " + next(Int(*f.amount_min));
    if (f.amount_max) where += " AND o.amount <= " + next(Int(*f.amount_max));
    std::string limit = next(Int(f.limit));
    std::string offset = next(Int(f.offset));
    auto rows = db_->Query(
        fmt::format("SELECT p.iupd, p.status, p.debtor_type, p.debtor_fiscal_code, "
                    "p.debtor_full_name, p.company_name, o.id, o.iuv, o.nav, o.amount, "
                    "o.description, o.is_partial_payment, o.due_date, o.retention_date, o.fee, "
                    "o.status, o.payment_date, o.metadata FROM payment_option o "
                    "JOIN debt_position p ON p.id = o.position_id WHERE {} "
                    "ORDER BY p.created_at DESC, p.id DESC, o.id LIMIT {} OFFSET {}",
                    where, limit, offset),
        params);
    if (!rows.ok()) return rows.error();
    return ReadAll(*rows, &ReadPaymentRow);
  }

  // --- Idempotency keys ---

  Result<std::optional<IdempotencyRecord>> ClaimIdempotencyKey(
      std::int64_t entity_id, std::string_view key, std::string_view request_hash, TimePoint now,
      TimePoint expired_before, TimePoint abandoned_before) override {
    return db_->InTransaction(
        TxMode::kWrite, [&](Transaction& tx) -> Result<std::optional<IdempotencyRecord>> {
          auto dropped = tx.Execute(
              "DELETE FROM idempotency_key WHERE entity_id = $1 AND idem_key = $2 AND "
              "(created_at < $3 OR (status = 0 AND created_at < $4))",
              {Int(entity_id), Text(key), Time(expired_before), Time(abandoned_before)});
          if (!dropped.ok()) return dropped.error();
          // On PostgreSQL a concurrent claim's uncommitted row makes this wait, then insert
          // nothing; the SELECT below then sees the winner's row.
          auto inserted = tx.Query(
              "INSERT INTO idempotency_key (entity_id, idem_key, request_hash, status, "
              "content_type, response_body, created_at) VALUES ($1, $2, $3, 0, '', '', $4) "
              "ON CONFLICT (entity_id, idem_key) DO NOTHING RETURNING id",
              {Int(entity_id), Text(key), Text(request_hash), Time(now)});
          if (!inserted.ok()) return StoreError(inserted.error());
          if (!inserted->empty()) return std::optional<IdempotencyRecord>();
          auto rows = tx.Query(
              "SELECT request_hash, status, content_type, response_body, created_at FROM "
              "idempotency_key WHERE entity_id = $1 AND idem_key = $2",
              {Int(entity_id), Text(key)});
          if (!rows.ok()) return rows.error();
          if (rows->empty()) return Error{ErrorCode::kRetry, {}, "try again", "claim raced"};
          Reader r(rows->front());
          IdempotencyRecord out;
          out.request_hash = r.Text();
          out.status = static_cast<int>(r.Int());
          out.content_type = r.Text();
          out.body = r.Text();
          out.created_at = r.Time();
          INCASSO_TRY(r.status());
          return std::optional<IdempotencyRecord>(std::move(out));
        });
  }

  Status CompleteIdempotencyKey(std::int64_t entity_id, std::string_view key, int status,
                                std::string_view content_type, std::string_view body) override {
    auto changed = db_->Execute(
        "UPDATE idempotency_key SET status = $3, content_type = $4, response_body = $5 "
        "WHERE entity_id = $1 AND idem_key = $2 AND status = 0",
        {Int(entity_id), Text(key), Int(status), Text(content_type), Text(body)});
    if (!changed.ok()) return changed.error();
    if (*changed == 0) return NotFound("idempotency key claim not found");
    return Ok();
  }

  Result<ImportJob> CreateImportJob(std::int64_t entity_id, const ImportJob& j) override {
    auto rows = db_->Query(
        "INSERT INTO import_job (entity_id, status, format, mode, dry_run, bytes_total, "
        "bytes_done, rows_read, created, updated, unchanged, rejected, committed, error, "
        "report_path, created_at, finished_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "
        "$11, $12, $13, $14, $15, $16, $17) RETURNING id",
        {Int(entity_id), Text(j.status), Text(j.format), Text(j.mode), Bool(j.dry_run),
         Int(j.bytes_total), Int(j.bytes_done), Int(j.rows), Int(j.created), Int(j.updated),
         Int(j.unchanged), Int(j.rejected), Bool(j.committed), Text(j.error), Text(j.report_path),
         Time(j.created_at), OptTime(j.finished_at)});
    if (!rows.ok()) return StoreError(rows.error());
    ImportJob out = j;
    out.id = rows->front().Int(0);
    out.entity_id = entity_id;
    return out;
  }

  Status UpdateImportJob(std::int64_t entity_id, const ImportJob& j) override {
    auto changed = db_->Execute(
        "UPDATE import_job SET status = $3, format = $4, bytes_total = $5, bytes_done = $6, "
        "rows_read = $7, created = $8, updated = $9, unchanged = $10, rejected = $11, "
        "committed = $12, error = $13, report_path = $14, finished_at = $15 "
        "WHERE entity_id = $1 AND id = $2",
        {Int(entity_id), Int(j.id), Text(j.status), Text(j.format), Int(j.bytes_total),
         Int(j.bytes_done), Int(j.rows), Int(j.created), Int(j.updated), Int(j.unchanged),
         Int(j.rejected), Bool(j.committed), Text(j.error), Text(j.report_path),
         OptTime(j.finished_at)});
    if (!changed.ok()) return changed.error();
    if (*changed == 0) return NotFound("import job not found");
    return Ok();
  }

  Result<std::optional<ImportJob>> GetImportJob(std::int64_t entity_id, std::int64_t id) override {
    auto rows = db_->Query(fmt::format("SELECT {} FROM import_job WHERE entity_id = $1 AND id = $2",
                                       kImportJobColumns),
                           {Int(entity_id), Int(id)});
    if (!rows.ok()) return rows.error();
    return ReadFirst(*rows, &ReadImportJob);
  }

  Result<std::vector<ImportJob>> ListImportJobs(std::int64_t entity_id, int limit,
                                                int offset) override {
    auto rows = db_->Query(fmt::format("SELECT {} FROM import_job WHERE entity_id = $1 "
                                       "ORDER BY id DESC LIMIT $2 OFFSET $3",
                                       kImportJobColumns),
                           {Int(entity_id), Int(limit), Int(offset)});
    if (!rows.ok()) return rows.error();
    return ReadAll(*rows, &ReadImportJob);
  }

  Result<std::int64_t> FailUnfinishedImportJobs(std::string_view error, TimePoint now) override {
    return db_->Execute(
        "UPDATE import_job SET status = 'failed', error = $1, finished_at = $2 "
        "WHERE status IN ('queued', 'running')",
        {Text(error), Time(now)});
  }

  Status ReleaseIdempotencyKey(std::int64_t entity_id, std::string_view key) override {
    auto changed = db_->Execute(
        "DELETE FROM idempotency_key WHERE entity_id = $1 AND idem_key = $2 AND status = 0",
        {Int(entity_id), Text(key)});
    if (!changed.ok()) return changed.error();
    return Ok();
  }

 private:
  // The position and option changes of RecordReceipt, inside its transaction.
  Status ApplyUpdate(Transaction& tx, std::int64_t entity_id, const PaymentUpdate& u) {
    SqlValue paid = kNull;
    if (u.position_status == PositionStatus::kPaid) paid = Time(u.payment_date);
    auto position = tx.Query(
        "UPDATE debt_position SET status = $4, version = version + 1, updated_at = $5, "
        "payment_date = COALESCE($6, payment_date) "
        "WHERE entity_id = $1 AND iupd = $2 AND version = $3 RETURNING id, version",
        {Int(entity_id), Text(u.iupd), Int(u.expected_version), Text(ToString(u.position_status)),
         Time(u.updated_at), paid});
    if (!position.ok()) return position.error();
    if (position->empty()) {
      auto rows = tx.Query("SELECT version FROM debt_position WHERE entity_id = $1 AND iupd = $2",
                           {Int(entity_id), Text(u.iupd)});
      if (!rows.ok()) return rows.error();
      if (rows->empty()) return NotFound("debt position not found");
      return Error{
          ErrorCode::kConflict, "version",
          "the position was changed by someone else; reload it and try again",
          fmt::format("expected version {}, stored {}", u.expected_version, rows->front().Int(0))};
    }
    auto option = tx.Execute(
        "UPDATE payment_option SET status = $4, payment_date = $5 "
        "WHERE entity_id = $1 AND position_id = $2 AND nav = $3",
        {Int(entity_id), Int(position->front().Int(0)), Text(u.nav),
         Text(ToString(u.option_status)), Time(u.payment_date)});
    if (!option.ok()) return option.error();
    if (*option != 1) return NotFound("payment option not found in the position");
    return QueuePositionEvent(
        tx, entity_id, position->front().Int(0),
        u.position_status == PositionStatus::kPaid ? "position.paid" : "position.updated", u.iupd,
        u.position_status, position->front().Int(1), u.updated_at, u.nav);
  }

  Result<std::optional<Entity>> FindEntity(std::string_view column, SqlValue value) {
    auto rows = db_->Query(
        fmt::format("SELECT {} FROM entity WHERE {} = $1", kEntityColumns, column), {value});
    if (!rows.ok()) return rows.error();
    return ReadFirst(*rows, &ReadEntity);
  }

  // `where` filters debt_position p; $1 must be the entity id.
  Result<std::optional<DebtPosition>> FindOnePosition(std::string_view where, SqlParams params) {
    std::int64_t entity_id = std::get<std::int64_t>(params[0]);
    return db_->InTransaction(
        TxMode::kRead, [&](Transaction& tx) -> Result<std::optional<DebtPosition>> {
          auto rows = tx.Query(fmt::format("SELECT {} FROM debt_position p WHERE "
                                           "p.entity_id = $1 AND {}",
                                           kPositionColumns, where),
                               params);
          if (!rows.ok()) return rows.error();
          auto loaded = LoadPositions(tx, entity_id, *rows);
          if (!loaded.ok()) return loaded.error();
          if (loaded->empty()) return std::optional<DebtPosition>();
          return std::optional<DebtPosition>(std::move(loaded->front()));
        });
  }

  // Decodes position rows and attaches their options and transfers (two more queries in all).
  Result<std::vector<DebtPosition>> LoadPositions(Transaction& tx, std::int64_t entity_id,
                                                  const std::vector<Row>& rows) {
    auto positions = ReadAll(rows, &ReadPosition);
    if (!positions.ok() || positions->empty()) return positions;
    SqlParams params{Int(entity_id)};
    std::map<std::int64_t, DebtPosition*> by_id;
    for (DebtPosition& p : *positions) {
      params.push_back(Int(p.id));
      by_id[p.id] = &p;
    }
    std::string in = Placeholders(2, positions->size());
    auto options = tx.Query(fmt::format("SELECT {} FROM payment_option WHERE entity_id = $1 AND "
                                        "position_id IN ({}) ORDER BY position_id, id",
                                        kOptionColumns, in),
                            params);
    if (!options.ok()) return options.error();
    std::map<std::int64_t, PaymentOption*> option_by_id;
    for (const Row& row : *options) {
      std::int64_t position_id = 0;
      auto o = ReadOption(row, position_id);
      if (!o.ok()) return o.error();
      auto owner = by_id.find(position_id);
      if (owner == by_id.end()) continue;
      owner->second->options.push_back(std::move(*o));
    }
    for (DebtPosition& p : *positions) {
      for (PaymentOption& o : p.options) option_by_id[o.id] = &o;
    }
    auto transfers = tx.Query(
        fmt::format("SELECT {} FROM transfer t JOIN payment_option o ON o.id = t.option_id "
                    "WHERE o.entity_id = $1 AND o.position_id IN ({}) ORDER BY t.option_id, t.id",
                    kTransferColumns, in),
        params);
    if (!transfers.ok()) return transfers.error();
    for (const Row& row : *transfers) {
      std::int64_t option_id = 0;
      auto t = ReadTransfer(row, option_id);
      if (!t.ok()) return t.error();
      auto owner = option_by_id.find(option_id);
      if (owner == option_by_id.end()) continue;
      owner->second->transfers.push_back(std::move(*t));
    }
    return positions;
  }

  std::unique_ptr<Db> db_;
};

}  // namespace

std::unique_ptr<Store> NewSqlStore(std::unique_ptr<Db> db) {
  return std::make_unique<SqlStore>(std::move(db));
}

}  // namespace incasso::storage
