// The position lifecycle that no request triggers (GPD's scheduled transitions):
// - PUBLISHED -> VALID when the validity date comes (the notice becomes payable);
// - VALID -> EXPIRED when the position has switchToExpired and every option is past its due
//   date (the node then gets PAA_PAGAMENTO_SCADUTO).
// Each move is an optimistic, versioned status change that queues its webhook event
// (position.updated / position.expired) in the same transaction.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string_view>
#include <thread>

#include "app/context.hpp"

namespace incasso {

struct LifecycleSweep {
  int validated = 0;  // PUBLISHED -> VALID
  int expired = 0;    // VALID -> EXPIRED
  int skipped = 0;    // changed by someone else meanwhile: left for the next sweep
};

// Moves every position due at ctx.clock.Now(), in batches, until none is left or
// `max_positions` were looked at. Errors only for database trouble.
Result<LifecycleSweep> SweepPositionLifecycle(AppContext& ctx, int max_positions = 100000);

// Runs SweepPositionLifecycle every `interval` on a background thread until Stop() (or
// destruction). `on_error` (may be empty) hears about database trouble; the next round retries.
class LifecycleSweeper {
 public:
  LifecycleSweeper(AppContext ctx, std::chrono::milliseconds interval,
                   std::function<void(const Error&)> on_error = {});
  ~LifecycleSweeper();
  LifecycleSweeper(const LifecycleSweeper&) = delete;
  LifecycleSweeper& operator=(const LifecycleSweeper&) = delete;

  void Start();
  void Stop();  // waits for the sweep in progress; idempotent

 private:
  AppContext ctx_;
  std::chrono::milliseconds interval_;
  std::function<void(const Error&)> on_error_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace incasso
