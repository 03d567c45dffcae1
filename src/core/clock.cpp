#include "core/clock.hpp"

namespace incasso {
namespace {

class SystemClock final : public Clock {
 public:
  TimePoint Now() const override {
    return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  }
};

}  // namespace

std::unique_ptr<Clock> NewSystemClock() { return std::make_unique<SystemClock>(); }

FakeClock::FakeClock(TimePoint start) : seconds_(start.time_since_epoch().count()) {}
TimePoint FakeClock::Now() const { return TimePoint{std::chrono::seconds{seconds_.load()}}; }
void FakeClock::Set(TimePoint t) { seconds_.store(t.time_since_epoch().count()); }
void FakeClock::Advance(std::chrono::seconds d) { seconds_.fetch_add(d.count()); }

}  // namespace incasso
