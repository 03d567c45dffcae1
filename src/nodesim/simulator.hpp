// The node simulator as an HTTP service: pagoPA Checkout for the institutions' portals, the
// national node's nodeForPa for reporting flows, and a PSP that pays against one station, so demos
// and tests run end to end without a network (pagopa-notes.md §1.2, §1.3, §4).
//
// Routes (AddRoutes):
//   POST /checkout/ec/v1/carts, /checkout/ec/v2/carts  CartRequest (checkout_v1/v2.json) -> 302 to
//        the payment page (absolute, built from the request's Host), 400 ProblemJson whose detail
//        starts with the field ("paymentNotices[1].amount: ..."). Return URLs must be absolute
//        http(s) URLs (format "uri"; the spec's scheme-less examples are refused).
//   GET  /checkout/carts/{cartId}                        the payment page (HTML, Italian).
//   POST /checkout/carts/{cartId}                        form: csrf + action=pay|cancel|error ->
//        303 to returnOkUrl / returnCancelUrl / returnErrorUrl; 403 on a bad CSRF token, 409 once
//        the cart is no longer open. A cart is paid whole: every notice is verified and activated
//        (paGetPaymentV2, paymentNote = idCart, transferType POSTAL when allCCP) before any
//        receipt; a KO there -> no receipt at all and returnErrorUrl (also when the station refuses
//        a receipt). "error" activates and then fails the payment. Amounts paid are the station's
//        (verify/activation), not the cart's.
//   GET  /checkout/assets/checkout.css                   the page's style sheet.
//   POST /nodo/nodeForPa                                 SOAP nodoChiediElencoFlussiRendicontazione
//        and nodoChiediFlussoRendicontazione (nodeForPa.xsd) over the FdR ledger.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "core/clock.hpp"
#include "http/router.hpp"
#include "nodesim/fdr.hpp"
#include "nodesim/pay.hpp"

namespace incasso::nodesim {

struct SimulatorOptions {
  std::string station_url;                  // the station's paForNode endpoint, http://...
  std::string broker_id = kDemoBrokerId;    // idBrokerPA sent, and required in nodeForPa calls
  std::string station_id = kDemoStationId;  // idStation sent, and required in nodeForPa calls
  PspIdentity psp;
  std::chrono::milliseconds station_timeout{10000};  // per call to the station
  std::size_t max_carts = 10000;                     // the oldest carts are forgotten beyond this
  std::uint64_t random_seed = 0;  // 0: OS randomness (production); tests pass a fixed seed
};

// Thread-safe: handlers may run concurrently. Carts and receipts live in memory only.
class NodeSimulator {
 public:
  virtual ~NodeSimulator() = default;
  // Registers the routes above. The simulator must outlive the router.
  virtual void AddRoutes(http::Router& router) = 0;
  // The receipts delivered so far (through carts) and their flows.
  virtual FdrLedger& ledger() = 0;
};

// `clock` must outlive the simulator.
std::unique_ptr<NodeSimulator> NewNodeSimulator(SimulatorOptions options, const Clock& clock);

}  // namespace incasso::nodesim
