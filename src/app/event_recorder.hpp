// Writes event-log entries in the background, in batches, so that logging every node call does
// not put a synchronous database write on the station's hot path (the node's SLA: 98% of answers
// within 2 s; verify and getPayment are reads and must stay fast).
//
// Contract: Record() never blocks on the database and never fails; entries are written in order,
// within `flush_interval` or when `batch_size` are waiting; Flush() returns once everything
// recorded before it is written (or dropped after a database error, which is logged by the
// caller's error hook). Destruction flushes. Payment-critical data (receipts) never goes through
// here: it is committed by the use case before the node gets its answer. Thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>

#include "app/store.hpp"
#include "domain/event.hpp"

namespace incasso {

class EventRecorder {
 public:
  struct Options {
    std::chrono::milliseconds flush_interval{50};
    std::size_t batch_size = 256;
    std::size_t max_pending = 100000;  // beyond this, new entries are dropped (and counted)
    std::function<void(const Error&)> on_error;  // called from the writer thread
  };

  EventRecorder(Store& store, Options options);
  ~EventRecorder();
  EventRecorder(const EventRecorder&) = delete;
  EventRecorder& operator=(const EventRecorder&) = delete;

  void Record(Event event);
  void Flush();
  std::size_t dropped() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace incasso
