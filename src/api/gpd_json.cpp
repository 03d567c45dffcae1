#include "api/gpd_json.hpp"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <initializer_list>

#include "core/time.hpp"

namespace incasso {
namespace {

namespace json = boost::json;

// Reads fields of one JSON object, remembering which keys were consumed.
class ObjectReader {
 public:
  ObjectReader(const json::object& obj, std::string path) : obj_(obj), path_(std::move(path)) {}

  std::string Field(std::string_view key) const {
    return path_.empty() ? std::string(key) : fmt::format("{}.{}", path_, key);
  }

  const json::value* Find(std::string_view key) {
    seen_.emplace_back(key);
    auto it = obj_.find(key);
    if (it == obj_.end() || it->value().is_null()) return nullptr;
    return &it->value();
  }

  Status String(std::string_view key, std::string& out, bool required = false) {
    const json::value* v = Find(key);
    if (v == nullptr) {
      if (required) return InvalidArgument(Field(key), "is required");
      return Ok();
    }
    if (!v->is_string()) return InvalidArgument(Field(key), "must be a string");
    out = std::string(v->as_string());
    return Ok();
  }

  Status Bool(std::string_view key, bool& out, bool required = false) {
    const json::value* v = Find(key);
    if (v == nullptr) {
      if (required) return InvalidArgument(Field(key), "is required");
      return Ok();
    }
    if (!v->is_bool()) return InvalidArgument(Field(key), "must be true or false");
    out = v->as_bool();
    return Ok();
  }

  // GPD amounts are JSON integers of euro cents; 12.5 or "12.50" are rejected, never rounded.
  Status Cents(std::string_view key, std::int64_t& out, bool required = false) {
    const json::value* v = Find(key);
    if (v == nullptr) {
      if (required) return InvalidArgument(Field(key), "is required");
      return Ok();
    }
    if (v->is_int64()) {
      out = v->as_int64();
      return Ok();
    }
    if (v->is_uint64()) return InvalidArgument(Field(key), "is too large");
    return InvalidArgument(Field(key),
                           "must be an integer number of euro cents, e.g. 1050 for 10,50 EUR");
  }

  Status DateTime(std::string_view key, std::optional<TimePoint>& out, bool required = false) {
    std::string text;
    INCASSO_TRY(String(key, text, required));
    if (text.empty()) return Ok();
    auto t = ParseDateTime(text, Field(key));
    if (!t.ok()) return t.error();
    out = *t;
    return Ok();
  }

  // Every key of the object must have been read or be listed as ignorable.
  Status RejectUnknown(std::initializer_list<std::string_view> ignorable = {}) const {
    for (const auto& kv : obj_) {
      std::string_view k = kv.key();
      bool known = false;
      for (const auto& s : seen_) known = known || s == k;
      for (const auto& s : ignorable) known = known || s == k;
      if (!known) return InvalidArgument(Field(k), "unknown field");
    }
    return Ok();
  }

 private:
  const json::object& obj_;
  std::string path_;
  std::vector<std::string> seen_;
};

Result<const json::array*> ArrayOf(ObjectReader& r, std::string_view key) {
  const json::value* v = r.Find(key);
  if (v == nullptr) return static_cast<const json::array*>(nullptr);
  if (!v->is_array()) return InvalidArgument(r.Field(key), "must be an array");
  return &v->as_array();
}

Status ParseMetadata(ObjectReader& r, std::string_view key, std::vector<Metadata>& out) {
  auto arr = ArrayOf(r, key);
  if (!arr.ok()) return arr.error();
  if (*arr == nullptr) return Ok();
  for (size_t i = 0; i < (*arr)->size(); ++i) {
    std::string path = fmt::format("{}[{}]", r.Field(key), i);
    const json::value& item = (**arr)[i];
    if (!item.is_object()) return InvalidArgument(path, "must be an object {key, value}");
    ObjectReader m(item.as_object(), path);
    Metadata md;
    INCASSO_TRY(m.String("key", md.key, true));
    INCASSO_TRY(m.String("value", md.value, true));
    INCASSO_TRY(m.RejectUnknown());
    out.push_back(std::move(md));
  }
  return Ok();
}

Status ParseTransfer(const json::value& v, const std::string& path, Transfer& t) {
  if (!v.is_object()) return InvalidArgument(path, "must be an object");
  ObjectReader r(v.as_object(), path);
  // GPD sends idTransfer as a string enum "1".."5"; accept an integer too.
  const json::value* id = r.Find("idTransfer");
  if (id == nullptr) return InvalidArgument(r.Field("idTransfer"), "is required");
  if (id->is_string() && id->as_string().size() == 1 && id->as_string()[0] >= '1' &&
      id->as_string()[0] <= '5') {
    t.id_transfer = id->as_string()[0] - '0';
  } else if (id->is_int64() && id->as_int64() >= 1 && id->as_int64() <= 5) {
    t.id_transfer = static_cast<int>(id->as_int64());
  } else {
    return InvalidArgument(r.Field("idTransfer"), "must be \"1\" to \"5\"");
  }
  INCASSO_TRY(r.Cents("amount", t.amount, true));
  INCASSO_TRY(r.String("organizationFiscalCode", t.entity_fiscal_code));
  INCASSO_TRY(r.String("remittanceInformation", t.remittance_information, true));
  INCASSO_TRY(r.String("category", t.category, true));
  INCASSO_TRY(r.String("iban", t.iban));
  INCASSO_TRY(r.String("postalIban", t.postal_iban));
  INCASSO_TRY(r.String("companyName", t.company_name));
  if (const json::value* s = r.Find("stamp")) {
    std::string sp = r.Field("stamp");
    if (!s->is_object()) return InvalidArgument(sp, "must be an object");
    ObjectReader sr(s->as_object(), sp);
    Stamp stamp;
    INCASSO_TRY(sr.String("hashDocument", stamp.hash_document, true));
    INCASSO_TRY(sr.String("stampType", stamp.stamp_type, true));
    INCASSO_TRY(sr.String("provincialResidence", stamp.provincial_residence, true));
    INCASSO_TRY(sr.RejectUnknown());
    t.stamp = stamp;
  }
  INCASSO_TRY(ParseMetadata(r, "transferMetadata", t.metadata));
  return r.RejectUnknown({"status", "insertedDate", "lastUpdatedDate"});
}

Status ParseOption(const json::value& v, const std::string& path, PaymentOption& o) {
  if (!v.is_object()) return InvalidArgument(path, "must be an object");
  ObjectReader r(v.as_object(), path);
  INCASSO_TRY(r.String("iuv", o.iuv));
  INCASSO_TRY(r.String("nav", o.nav));
  INCASSO_TRY(r.Cents("amount", o.amount, true));
  INCASSO_TRY(r.String("description", o.description, true));
  INCASSO_TRY(r.Bool("isPartialPayment", o.is_partial_payment, true));
  std::optional<TimePoint> due;
  INCASSO_TRY(r.DateTime("dueDate", due, true));
  o.due_date = *due;
  INCASSO_TRY(r.DateTime("retentionDate", o.retention_date));
  INCASSO_TRY(r.Cents("fee", o.fee));
  auto transfers = ArrayOf(r, "transfer");
  if (!transfers.ok()) return transfers.error();
  if (*transfers != nullptr) {
    if ((*transfers)->size() > 50) {
      return InvalidArgument(r.Field("transfer"),
                             "has far more than the 5 transfers pagoPA allows");
    }
    for (size_t i = 0; i < (*transfers)->size(); ++i) {
      Transfer t;
      INCASSO_TRY(ParseTransfer((**transfers)[i], fmt::format("{}.transfer[{}]", path, i), t));
      o.transfers.push_back(std::move(t));
    }
  }
  INCASSO_TRY(ParseMetadata(r, "paymentOptionMetadata", o.metadata));
  return r.RejectUnknown({"status", "notificationFee", "paymentDate", "reportingDate",
                          "insertedDate", "lastUpdatedDate", "organizationFiscalCode",
                          "paymentMethod", "pspCompany", "idReceipt", "idFlowReporting"});
}

json::array MetadataJson(const std::vector<Metadata>& md) {
  json::array out;
  for (const auto& m : md) out.push_back(json::object{{"key", m.key}, {"value", m.value}});
  return out;
}

void PutIf(json::object& o, std::string_view key, const std::string& value) {
  if (!value.empty()) o[key] = value;
}

}  // namespace

Result<DebtPosition> ParsePositionJson(std::string_view text) {
  json::parse_options opts;
  opts.max_depth = 16;  // a position is 5 levels deep; refuse pathological nesting
  boost::system::error_code ec;
  json::value root = json::parse(text, ec, {}, opts);
  if (ec) return InvalidArgument("body", fmt::format("not valid JSON: {}", ec.message()));
  if (!root.is_object())
    return InvalidArgument("body", "must be a JSON object (PaymentPositionModel)");
  ObjectReader r(root.as_object(), "");
  DebtPosition p;
  INCASSO_TRY(r.String("iupd", p.iupd, true));
  std::string type;
  INCASSO_TRY(r.String("type", type, true));
  auto dt = ParseDebtorType(type);
  if (!dt.ok()) return dt.error();
  p.debtor.type = *dt;
  INCASSO_TRY(r.String("fiscalCode", p.debtor.fiscal_code, true));
  INCASSO_TRY(r.String("fullName", p.debtor.full_name, true));
  INCASSO_TRY(r.String("streetName", p.debtor.street_name));
  INCASSO_TRY(r.String("civicNumber", p.debtor.civic_number));
  INCASSO_TRY(r.String("postalCode", p.debtor.postal_code));
  INCASSO_TRY(r.String("city", p.debtor.city));
  INCASSO_TRY(r.String("province", p.debtor.province));
  INCASSO_TRY(r.String("region", p.debtor.region));
  INCASSO_TRY(r.String("country", p.debtor.country));
  INCASSO_TRY(r.String("email", p.debtor.email));
  INCASSO_TRY(r.String("phone", p.debtor.phone));
  INCASSO_TRY(r.Bool("switchToExpired", p.switch_to_expired));
  INCASSO_TRY(r.Bool("payStandIn", p.pay_stand_in));
  INCASSO_TRY(r.String("companyName", p.company_name, true));
  INCASSO_TRY(r.String("officeName", p.office_name));
  INCASSO_TRY(r.DateTime("validityDate", p.validity_date));
  auto options = ArrayOf(r, "paymentOption");
  if (!options.ok()) return options.error();
  // Unknown fields first: "paymentOptions" must be reported as a typo, not as a missing option.
  INCASSO_TRY(r.RejectUnknown({"status", "paymentDate", "publishDate", "insertedDate",
                               "lastUpdatedDate", "version", "organizationFiscalCode"}));
  if (*options == nullptr || (*options)->empty()) {
    return InvalidArgument("paymentOption", "at least one payment option is required");
  }
  if ((*options)->size() > static_cast<size_t>(kMaxOptions)) {
    return InvalidArgument("paymentOption", fmt::format("at most {} options allowed", kMaxOptions));
  }
  for (size_t i = 0; i < (*options)->size(); ++i) {
    PaymentOption o;
    INCASSO_TRY(ParseOption((**options)[i], fmt::format("paymentOption[{}]", i), o));
    p.options.push_back(std::move(o));
  }
  return p;
}

std::string PositionToJson(const DebtPosition& p) {
  json::object o;
  o["iupd"] = p.iupd;
  o["type"] = ToString(p.debtor.type);
  o["fiscalCode"] = p.debtor.fiscal_code;
  o["fullName"] = p.debtor.full_name;
  PutIf(o, "streetName", p.debtor.street_name);
  PutIf(o, "civicNumber", p.debtor.civic_number);
  PutIf(o, "postalCode", p.debtor.postal_code);
  PutIf(o, "city", p.debtor.city);
  PutIf(o, "province", p.debtor.province);
  PutIf(o, "region", p.debtor.region);
  PutIf(o, "country", p.debtor.country);
  PutIf(o, "email", p.debtor.email);
  PutIf(o, "phone", p.debtor.phone);
  o["companyName"] = p.company_name;
  PutIf(o, "officeName", p.office_name);
  if (p.validity_date) o["validityDate"] = FormatDateTime(*p.validity_date);
  o["switchToExpired"] = p.switch_to_expired;
  o["payStandIn"] = p.pay_stand_in;
  o["status"] = ToString(p.status);
  o["version"] = p.version;
  o["insertedDate"] = FormatDateTime(p.created_at);
  o["lastUpdatedDate"] = FormatDateTime(p.updated_at);
  if (p.publish_date) o["publishDate"] = FormatDateTime(*p.publish_date);
  if (p.payment_date) o["paymentDate"] = FormatDateTime(*p.payment_date);
  json::array options;
  for (const auto& opt : p.options) {
    json::object jo;
    jo["nav"] = opt.nav;
    jo["iuv"] = opt.iuv;
    jo["amount"] = opt.amount;
    jo["description"] = opt.description;
    jo["isPartialPayment"] = opt.is_partial_payment;
    jo["dueDate"] = FormatDateTime(opt.due_date);
    if (opt.retention_date) jo["retentionDate"] = FormatDateTime(*opt.retention_date);
    jo["fee"] = opt.fee;
    jo["status"] = ToString(opt.status);
    if (opt.payment_date) jo["paymentDate"] = FormatDateTime(*opt.payment_date);
    json::array transfers;
    for (const auto& t : opt.transfers) {
      json::object jt;
      jt["idTransfer"] = std::to_string(t.id_transfer);
      jt["amount"] = t.amount;
      jt["organizationFiscalCode"] = t.entity_fiscal_code;
      jt["remittanceInformation"] = t.remittance_information;
      jt["category"] = t.category;
      PutIf(jt, "iban", t.iban);
      PutIf(jt, "postalIban", t.postal_iban);
      PutIf(jt, "companyName", t.company_name);
      if (t.stamp) {
        jt["stamp"] = json::object{{"hashDocument", t.stamp->hash_document},
                                   {"stampType", t.stamp->stamp_type},
                                   {"provincialResidence", t.stamp->provincial_residence}};
      }
      if (!t.metadata.empty()) jt["transferMetadata"] = MetadataJson(t.metadata);
      transfers.push_back(std::move(jt));
    }
    jo["transfer"] = std::move(transfers);
    if (!opt.metadata.empty()) jo["paymentOptionMetadata"] = MetadataJson(opt.metadata);
    options.push_back(std::move(jo));
  }
  o["paymentOption"] = std::move(options);
  return json::serialize(o);
}

std::string EntityToJson(const Entity& e) {
  json::object o;
  o["fiscalCode"] = e.fiscal_code;
  o["name"] = e.name;
  PutIf(o, "department", e.department);
  PutIf(o, "address", e.address);
  PutIf(o, "postalCode", e.postal_code);
  PutIf(o, "city", e.city);
  PutIf(o, "province", e.province);
  PutIf(o, "email", e.email);
  PutIf(o, "pec", e.pec);
  PutIf(o, "phone", e.phone);
  PutIf(o, "website", e.website);
  PutIf(o, "logo", e.logo);
  o["slug"] = e.slug;
  o["segregationCode"] = e.segregation_code;
  PutIf(o, "applicationCode", e.application_code);
  PutIf(o, "cbillCode", e.cbill_code);
  PutIf(o, "postalAccount", e.postal_account);
  PutIf(o, "stationId", e.station_id);
  o["status"] = ToString(e.status);
  o["onboardingDate"] = FormatDate(e.onboarding_date);
  o["noticeLanguage"] = e.notice_language;
  PutIf(o, "postalAuthorization", e.postal_authorization);
  return json::serialize(o);
}

std::string EventToJson(const Event& e, bool with_bodies) {
  json::object o;
  o["id"] = e.id;
  o["at"] = FormatDateTime(e.at);
  o["direction"] = e.direction;
  o["channel"] = e.channel;
  o["operation"] = e.operation;
  PutIf(o, "entityFiscalCode", e.entity_fiscal_code);
  PutIf(o, "noticeNumber", e.notice_number);
  o["outcome"] = e.outcome;
  PutIf(o, "faultCode", e.fault_code);
  o["durationMs"] = e.duration_ms;
  PutIf(o, "requestId", e.request_id);
  PutIf(o, "correlationId", e.correlation_id);
  PutIf(o, "detail", e.detail);
  if (with_bodies) {
    PutIf(o, "requestBody", e.request_body);
    PutIf(o, "responseBody", e.response_body);
  }
  return json::serialize(o);
}

namespace {

json::value TimeOrNull(const std::optional<TimePoint>& t) {
  if (!t) return nullptr;
  return json::value(FormatDateTime(*t));
}

}  // namespace

std::string ApiKeyToJson(const ApiKeyInfo& k) {
  json::object o;
  o["id"] = k.id;
  o["prefix"] = k.prefix;
  o["label"] = k.label;
  o["createdAt"] = FormatDateTime(k.created_at);
  o["revokedAt"] = TimeOrNull(k.revoked_at);
  o["lastUsedAt"] = TimeOrNull(k.last_used_at);
  return json::serialize(o);
}

std::string WebhookEndpointToJson(const WebhookEndpoint& e) {
  json::object o;
  o["id"] = e.id;
  o["url"] = e.url;
  json::array events;
  for (const auto& t : e.event_types) events.emplace_back(t);
  o["events"] = std::move(events);
  o["active"] = e.active;
  o["createdAt"] = FormatDateTime(e.created_at);
  return json::serialize(o);
}

std::string WebhookDeliveryToJson(const WebhookDelivery& d) {
  json::object o;
  o["id"] = d.id;
  o["endpointId"] = d.endpoint_id;
  o["outboxId"] = d.outbox_id;
  o["event"] = d.event;
  o["status"] = d.status;
  o["attempts"] = d.attempts;
  o["lastStatus"] = d.last_status ? json::value(*d.last_status) : json::value(nullptr);
  o["lastError"] = d.last_error;
  o["nextAttemptAt"] = FormatDateTime(d.next_attempt_at);
  o["deliveredAt"] = TimeOrNull(d.delivered_at);
  o["createdAt"] = FormatDateTime(d.created_at);
  return json::serialize(o);
}

}  // namespace incasso
