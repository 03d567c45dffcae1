// An entry of the event log: every message exchanged with the outside (node calls, API calls that
// change data), kept for audit and support. Never holds secrets; personal data only in `detail`
// when the operation requires it, and in the message bodies until their retention ends.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/clock.hpp"

namespace incasso {

struct Event {
  std::int64_t id = 0;
  TimePoint at{};
  std::string direction;  // "in" (called by the outside) or "out" (we call)
  std::string channel;    // "soap", "api", "cli", "web"
  std::string operation;  // e.g. "paGetPaymentV2", "position.create"
  std::optional<std::int64_t> entity_id;
  std::string entity_fiscal_code;
  std::string notice_number;
  std::string outcome;     // "OK" / "KO"
  std::string fault_code;  // e.g. "PAA_PAGAMENTO_SCONOSCIUTO"
  std::int64_t duration_ms = 0;
  std::string request_id;
  std::string correlation_id;  // e.g. receiptId, idCart
  std::string detail;
  // The messages as exchanged (e.g. the SOAP envelopes), for support; empty = not kept. They may
  // hold personal data, so Store::PurgeEventBodies drops them after the retention period.
  std::string request_body;
  std::string response_body;
};

}  // namespace incasso
