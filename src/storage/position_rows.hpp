// Internal to storage/: how a debt position lies in rows (debt_position, payment_option,
// transfer) and how those rows are read back, shared by the Store (sql_store.cpp) and the bulk
// writer (bulk_writer.cpp) so that both read a position the same way; and the cell reader both
// use.
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "core/time.hpp"
#include "domain/position.hpp"
#include "storage/db.hpp"
#include "storage/json_text.hpp"

namespace incasso::storage {

// Reads the cells of a row in SELECT order; remembers the first undecodable cell.
class Reader {
 public:
  explicit Reader(const Row& row) : row_(row) {}

  std::string Text() { return row_.Text(Next()); }
  std::int64_t Int() {
    std::size_t i = Next();
    auto v = row_.OptInt(i);
    if (!v) Fail(i, "integer");
    return v.value_or(0);
  }
  std::optional<std::int64_t> OptInt() {
    if (row_.IsNull(i_)) return Skip<std::int64_t>();
    return Int();
  }
  bool Bool() { return Int() != 0; }
  TimePoint Time() {
    std::size_t i = Next();
    auto t = ParseDateTime(row_.Text(i));
    if (!t.ok()) Fail(i, "date-time");
    return t.ok() ? *t : TimePoint{};
  }
  std::optional<TimePoint> OptTime() {
    if (row_.IsNull(i_)) return Skip<TimePoint>();
    return Time();
  }
  Date DateValue() {
    std::size_t i = Next();
    auto d = ParseDate(row_.Text(i));
    if (!d.ok()) Fail(i, "date");
    return d.ok() ? *d : Date{};
  }
  template <typename E>
  E Enum(Result<E> (*parse)(std::string_view)) {
    std::size_t i = Next();
    auto e = parse(row_.Text(i));
    if (!e.ok()) Fail(i, "enumeration");
    return e.ok() ? *e : E{};
  }
  std::optional<json::Value> Json() {
    std::size_t i = Next();
    if (row_.IsNull(i)) return std::nullopt;
    auto v = json::Parse(row_.Text(i));
    if (!v.ok()) {
      Fail(i, "JSON");
      return std::nullopt;
    }
    return std::move(*v);
  }
  void Note(const Status& s) {
    if (!s.ok() && !error_) error_ = s.error();
  }
  Status status() const {
    if (error_) return *error_;
    return Ok();
  }

 private:
  std::size_t Next() { return i_++; }
  template <typename T>
  std::optional<T> Skip() {
    ++i_;
    return std::nullopt;
  }
  void Fail(std::size_t i, std::string_view what) {
    if (!error_) {
      error_ = Internal("database error", fmt::format("column {} does not hold a valid {}: '{}'", i,
                                                      what, row_.Text(i)));
    }
  }

  const Row& row_;
  std::size_t i_ = 0;
  std::optional<Error> error_;
};

// Column lists in the order the readers below expect (debt_position p, transfer t).
inline constexpr std::string_view kPositionColumns =
    "p.id, p.entity_id, p.iupd, p.debtor_type, p.debtor_fiscal_code, p.debtor_full_name, "
    "p.debtor_street_name, p.debtor_civic_number, p.debtor_postal_code, p.debtor_city, "
    "p.debtor_province, p.debtor_region, p.debtor_country, p.debtor_email, p.debtor_phone, "
    "p.company_name, p.office_name, p.validity_date, p.switch_to_expired, p.pay_stand_in, "
    "p.status, p.version, p.created_at, p.updated_at, p.publish_date, p.payment_date";

inline constexpr std::string_view kOptionColumns =
    "id, position_id, iuv, nav, amount, description, is_partial_payment, due_date, "
    "retention_date, fee, status, payment_date, metadata";

inline constexpr std::string_view kTransferColumns =
    "t.option_id, t.id_transfer, t.amount, t.entity_fiscal_code, t.remittance_information, "
    "t.category, t.iban, t.postal_iban, t.stamp_hash_document, t.stamp_type, "
    "t.stamp_provincial_residence, t.company_name, t.metadata";

// Reads a debt_position row of kPositionColumns (without options).
Result<DebtPosition> ReadPosition(const Row& row);
// Reads a payment_option row of kOptionColumns; `position_id` receives the owning position.
Result<PaymentOption> ReadOption(const Row& row, std::int64_t& position_id);
// Reads a transfer row of kTransferColumns; `option_id` receives the owning option.
Result<Transfer> ReadTransfer(const Row& row, std::int64_t& option_id);

// The JSON text of a metadata list as stored in TEXT columns, and back.
std::string MetadataJson(const std::vector<Metadata>& list);
std::vector<Metadata> MetadataFrom(const json::Value& v);

// Reserves `count` IUV base numbers from the entity's iuv_sequence row inside `tx` and returns
// the first: the range is taken when tx commits. NotFound if the entity does not exist.
Result<std::uint64_t> ReserveIuvBasesIn(Transaction& tx, std::int64_t entity_id, int count);

}  // namespace incasso::storage
