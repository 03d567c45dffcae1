#include "app/lifecycle.hpp"

#include <algorithm>
#include <utility>

namespace incasso {
namespace {

constexpr int kBatch = 500;

}  // namespace

Result<LifecycleSweep> SweepPositionLifecycle(AppContext& ctx, int max_positions) {
  LifecycleSweep out;
  const TimePoint now = ctx.clock.Now();
  int seen = 0;
  while (seen < max_positions) {
    auto due = ctx.store.ListDueTransitions(now, std::min(kBatch, max_positions - seen));
    if (!due.ok()) return due.error();
    if (due->empty()) break;
    int moved = 0;
    for (const DueTransition& t : *due) {
      ++seen;
      Status changed = ctx.store.UpdatePositionStatus(t.entity_id, t.iupd, t.version, t.to, now);
      if (changed.ok()) {
        ++moved;
        if (t.to == PositionStatus::kExpired) {
          ++out.expired;
        } else {
          ++out.validated;
        }
      } else if (changed.error().code == ErrorCode::kConflict ||
                 changed.error().code == ErrorCode::kNotFound) {
        ++out.skipped;  // paid, updated or deleted meanwhile: the next sweep looks again
      } else {
        return changed.error();
      }
    }
    // Every candidate of this batch moved on or was changed by someone else: when none moved,
    // asking again would return the same rows.
    if (moved == 0) break;
  }
  return out;
}

LifecycleSweeper::LifecycleSweeper(AppContext ctx, std::chrono::milliseconds interval,
                                   std::function<void(const Error&)> on_error)
    : ctx_(ctx), interval_(interval), on_error_(std::move(on_error)) {}

LifecycleSweeper::~LifecycleSweeper() { Stop(); }

void LifecycleSweeper::Start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] {
    std::unique_lock lock(mu_);
    while (!stop_) {
      lock.unlock();
      auto sweep = SweepPositionLifecycle(ctx_);
      if (!sweep.ok() && on_error_) on_error_(sweep.error());
      lock.lock();
      cv_.wait_for(lock, interval_, [this] { return stop_; });
    }
  });
}

void LifecycleSweeper::Stop() {
  std::thread t;
  {
    std::lock_guard lock(mu_);
    stop_ = true;
    t = std::move(thread_);
  }
  cv_.notify_all();
  if (t.joinable()) t.join();
}

}  // namespace incasso
