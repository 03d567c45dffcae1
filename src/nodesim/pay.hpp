// The node simulator's payment of one notice, as the national node runs it against a station
// when a PSP collects a payment (pagopa-notes.md §1.1): paVerifyPaymentNotice -> paGetPayment(V2)
// -> the PSP's payment (simulated) -> paSendRT(V2) with the receipt, only if the payment went
// through. Plain HTTP to the station; every request is valid against paForNode.xsd.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "nodesim/fdr.hpp"
#include "nodesim/random_hex.hpp"

namespace incasso::nodesim {

// The demo region's broker and station (src/app/demo.cpp).
inline constexpr const char* kDemoBrokerId = "93000111224";
inline constexpr const char* kDemoStationId = "93000111224_01";

// Who collects the payment: copied into every receipt (ctReceipt idPSP ... fee).
struct PspIdentity {
  std::string id_psp = "INCSIMPSP01";  // 1..17 chars of [A-Za-z0-9_-] (see FdrLedger)
  std::string psp_fiscal_code = "00000000001";
  std::string psp_partita_iva = "00000000001";
  std::string company_name = "PSP simulato incasso";  // PSPCompanyName, 3..70 chars
  std::string id_channel = "INCSIMPSP01_01";
  std::string channel_description = "app";
  std::string payment_method = "creditCard";
  std::int64_t fee_cents = 100;
};

struct PayRequest {
  std::string station_url;  // the station's paForNode endpoint, http://...
  std::string ec_fiscal_code;
  std::string notice_number;
  std::string broker_id = kDemoBrokerId;
  std::string station_id = kDemoStationId;
  int version = 2;  // 1: paGetPayment/paSendRT; 2: paGetPaymentV2/paSendRTV2
  bool pay = true;  // false: the payment fails after the activation and no receipt is sent
  PspIdentity psp;
  std::string payment_note;  // paymentNote (Checkout's idCart); "" = none. Max 210 chars
  bool postal = false;       // transferType POSTAL (Checkout allCCP=true)
  std::chrono::milliseconds timeout{10000};  // per call to the station
};

struct PayStep {
  // "paVerifyPaymentNotice", "paGetPayment", "paGetPaymentV2", "payment" (the PSP side,
  // simulated), "paSendRT", "paSendRTV2".
  std::string operation;
  // "OK"; "KO" (the station answered a fault, or the simulated payment was refused); "ERROR"
  // (transport failure, or a response the node would reject: not SOAP, wrong element, OK with a
  // fault, amounts that do not add up...).
  std::string outcome;
  std::string fault_code;                // KO from the station: its faultCode (PAA_*)
  std::string fault_string;              // and faultString
  std::string description;               // fault description, or the error text for ERROR
  std::chrono::milliseconds elapsed{0};  // wall time of the call (never asserted on in tests)
};

struct PayResult {
  std::vector<PayStep> steps;  // in order; the flow stops at the first step not OK
  // The payment went as requested: pay=true -> the station accepted the receipt; pay=false -> the
  // station activated the notice and no receipt was sent.
  bool succeeded = false;
  std::string payment_token;                // set once the notice is activated: 32 hex digits
  std::int64_t amount_cents = 0;            // paymentAmount from the activation
  std::optional<DeliveredReceipt> receipt;  // when the station accepted the receipt
};

// Runs the flow. Never throws on station trouble: every failure is a step. `clock` dates the
// payment (paymentDateTime, applicationDate, transferDate); `random` makes the payment token.
// Thread-safe (the arguments are not shared state).
PayResult PayNotice(const PayRequest& request, const Clock& clock, RandomHex& random);

}  // namespace incasso::nodesim
