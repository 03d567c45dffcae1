// Clock: the only source of "now" (STYLE.md rule 2). Domain code receives times as arguments.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>

namespace incasso {

using TimePoint = std::chrono::sys_seconds;  // UTC, second precision: what the database stores

class Clock {
 public:
  virtual ~Clock() = default;
  // Thread-safe.
  virtual TimePoint Now() const = 0;
};

std::unique_ptr<Clock> NewSystemClock();

// A clock tests move by hand. Thread-safe.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(TimePoint start);
  TimePoint Now() const override;
  void Set(TimePoint t);
  void Advance(std::chrono::seconds d);

 private:
  std::atomic<std::int64_t> seconds_;
};

}  // namespace incasso
