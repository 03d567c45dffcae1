#include "storage/position_rows.hpp"

namespace incasso::storage {
namespace {

SqlValue Int(std::int64_t v) { return v; }

}  // namespace

Result<DebtPosition> ReadPosition(const Row& row) {
  Reader r(row);
  DebtPosition p;
  p.id = r.Int();
  p.entity_id = r.Int();
  p.iupd = r.Text();
  p.debtor.type = r.Enum(&ParseDebtorType);
  p.debtor.fiscal_code = r.Text();
  p.debtor.full_name = r.Text();
  p.debtor.street_name = r.Text();
  p.debtor.civic_number = r.Text();
  p.debtor.postal_code = r.Text();
  p.debtor.city = r.Text();
  p.debtor.province = r.Text();
  p.debtor.region = r.Text();
  p.debtor.country = r.Text();
  p.debtor.email = r.Text();
  p.debtor.phone = r.Text();
  p.company_name = r.Text();
  p.office_name = r.Text();
  p.validity_date = r.OptTime();
  p.switch_to_expired = r.Bool();
  p.pay_stand_in = r.Bool();
  p.status = r.Enum(&ParsePositionStatus);
  p.version = r.Int();
  p.created_at = r.Time();
  p.updated_at = r.Time();
  p.publish_date = r.OptTime();
  p.payment_date = r.OptTime();
  INCASSO_TRY(r.status());
  return p;
}

Result<PaymentOption> ReadOption(const Row& row, std::int64_t& position_id) {
  Reader r(row);
  PaymentOption o;
  o.id = r.Int();
  position_id = r.Int();
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
  return o;
}

Result<Transfer> ReadTransfer(const Row& row, std::int64_t& option_id) {
  Reader r(row);
  Transfer t;
  option_id = r.Int();
  t.id_transfer = static_cast<int>(r.Int());
  t.amount = r.Int();
  t.entity_fiscal_code = r.Text();
  t.remittance_information = r.Text();
  t.category = r.Text();
  t.iban = r.Text();
  t.postal_iban = r.Text();
  bool has_stamp = !row.IsNull(8);
  std::string hash = r.Text();
  std::string type = r.Text();
  std::string province = r.Text();
  if (has_stamp) t.stamp = Stamp{std::move(hash), std::move(type), std::move(province)};
  t.company_name = r.Text();
  if (auto m = r.Json()) t.metadata = MetadataFrom(*m);
  INCASSO_TRY(r.status());
  return t;
}

std::string MetadataJson(const std::vector<Metadata>& list) {
  std::string out = "[";
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (i) out += ',';
    out += fmt::format("{{\"key\":{},\"value\":{}}}", json::Quote(list[i].key),
                       json::Quote(list[i].value));
  }
  out += ']';
  return out;
}

std::vector<Metadata> MetadataFrom(const json::Value& v) {
  std::vector<Metadata> out;
  for (const json::Value& item : v.items) out.push_back({item.String("key"), item.String("value")});
  return out;
}

Result<std::uint64_t> ReserveIuvBasesIn(Transaction& tx, std::int64_t entity_id, int count) {
  // One atomic UPDATE: the row lock (PG) or the database write lock (SQLite) orders concurrent
  // reservations, so ranges never overlap across threads or processes.
  constexpr std::string_view kBump =
      "UPDATE iuv_sequence SET next_value = next_value + $2 WHERE entity_id = $1 "
      "RETURNING next_value - $2";
  auto rows = tx.Query(kBump, {Int(entity_id), Int(count)});
  if (!rows.ok()) return rows.error();
  if (rows->empty()) {
    // First use: the sequence starts at 1. DO NOTHING lets a concurrent first use win.
    auto created = tx.Execute(
        "INSERT INTO iuv_sequence (entity_id, next_value) "
        "SELECT id, 1 FROM entity WHERE id = $1 ON CONFLICT (entity_id) DO NOTHING",
        {Int(entity_id)});
    if (!created.ok()) return created.error();
    rows = tx.Query(kBump, {Int(entity_id), Int(count)});
    if (!rows.ok()) return rows.error();
    if (rows->empty()) return NotFound("entity not found");
  }
  return static_cast<std::uint64_t>(rows->front().Int(0));
}

}  // namespace incasso::storage
