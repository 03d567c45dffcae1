// The station's HTTP endpoint: POST <path> with a paForNode SOAP request, answered by the station
// use cases (app/station.hpp) through the codec. Thin transport: parse, call one use case, write.
//
// Contracts:
// - Syntax errors and hostile XML are answered HTTP 200 with outcome KO and PAA_SINTASSI_* (a SOAP
//   Fault with HTTP 500 only when the operation cannot be known at all).
// - An answer is never later than `answer_timeout`: past it, or when the database fails, the node
//   gets PAA_SYSTEM_ERROR (the node waits 7 s, 15 s for paSendRT, and its SLA is 98% within 2 s).
//   A paSendRT still running then may commit later; the node's retry then gets
//   PAA_RECEIPT_DUPLICATA, so no receipt is lost or doubled.
// - Every call goes to the event log (operation, entity, notice, outcome, fault, duration, and the
//   bodies), written in the background by the EventRecorder.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "app/context.hpp"
#include "app/event_recorder.hpp"
#include "app/station.hpp"
#include "soap/xml.hpp"

namespace incasso::http {
class Router;
}

namespace incasso::soap {

struct StationOptions {
  std::string path = "/pagopa/paForNode";
  std::chrono::milliseconds answer_timeout{1000};
  XmlLimits limits;
  int workers = 16;  // threads running use cases under the deadline
};

class StationEndpoint {
 public:
  virtual ~StationEndpoint() = default;
};

// Registers POST options.path on `router`. `ctx`, `events` and the router must outlive the
// returned endpoint, which owns the worker threads; destroy it after the HTTP server has stopped.
std::unique_ptr<StationEndpoint> AddStationEndpoint(http::Router& router, AppContext& ctx,
                                                    StationConfig config, EventRecorder& events,
                                                    const StationOptions& options);

// The broker and stations to answer for: `configured` when it names a broker, else the
// intermediary and stations stored in the database.
Result<StationConfig> ResolveStationConfig(Store& store, const StationConfig& configured);

}  // namespace incasso::soap
