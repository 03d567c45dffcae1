// A receipt (RT) delivered by the node with paSendRT/paSendRTV2: proof that a notice was paid.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "domain/position.hpp"

namespace incasso {

struct Receipt {
  std::int64_t id = 0;
  std::int64_t entity_id = 0;
  std::string receipt_id;  // = paymentToken assigned by pagoPA; unique per entity
  std::string notice_number;
  // ctReceipt fiscalCode: the institution that owns the notice. Differs from the idPA the receipt
  // was addressed to when the node broadcasts it to a secondary institution (multi-beneficiary).
  std::string fiscal_code;
  std::string iuv;      // creditorReferenceId
  std::string outcome;  // "OK" / "KO"
  std::int64_t amount = 0;
  std::optional<std::int64_t> fee;
  std::string psp_id;
  std::string psp_fiscal_code;
  std::string psp_company_name;
  std::string channel_id;
  std::string channel_description;
  std::string payment_method;
  std::optional<TimePoint> payment_date_time;
  std::string application_date;  // YYYY-MM-DD
  std::string transfer_date;     // YYYY-MM-DD
  Debtor debtor;
  std::optional<Debtor> payer;
  std::vector<Transfer> transfers;
  std::string payment_note;        // ctReceiptV2 paymentNote (Checkout's idCart), may be empty
  std::vector<Metadata> metadata;  // ctReceipt metadata (mapEntry key/value)
  std::string original_xml;        // the receipt as received, for audit
  std::string source;              // how it arrived: "paSendRT", "paSendRTV2", "recovery", "import"
  bool stand_in = false;
  TimePoint received_at{};
};

}  // namespace incasso
