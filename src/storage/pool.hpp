// Internal to storage/: a bounded pool of native connections, shared by both backends.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "core/result.hpp"

namespace incasso::storage {

// Hands out at most `size` handles, creating them lazily. Thread-safe. Handles given back broken
// are destroyed and replaced on demand.
template <typename Handle>
class Pool {
 public:
  using Factory = std::function<Result<std::unique_ptr<Handle>>()>;

  Pool(int size, Factory make) : size_(size < 1 ? 1 : size), make_(std::move(make)) {}

  // An idle handle, or a new one while fewer than `size` exist; otherwise waits up to `wait`.
  Result<std::unique_ptr<Handle>> Take(std::chrono::milliseconds wait) {
    std::unique_lock lock(mu_);
    if (!cv_.wait_for(lock, wait, [&] { return !idle_.empty() || total_ < size_; })) {
      return Unavailable("the database is busy",
                         "no pooled connection became free within the wait time");
    }
    if (!idle_.empty()) {
      std::unique_ptr<Handle> h = std::move(idle_.back());
      idle_.pop_back();
      return h;
    }
    ++total_;
    lock.unlock();
    auto made = make_();
    if (!made.ok()) {
      lock.lock();
      --total_;
      lock.unlock();
      cv_.notify_one();
    }
    return made;
  }

  void Give(std::unique_ptr<Handle> h, bool reusable) {
    {
      std::lock_guard lock(mu_);
      if (reusable && h) {
        idle_.push_back(std::move(h));
      } else {
        --total_;
      }
    }
    cv_.notify_one();
    // A discarded handle is closed here, outside the lock.
  }

 private:
  const int size_;
  const Factory make_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Handle>> idle_;
  int total_ = 0;  // idle + checked out + being created
};

}  // namespace incasso::storage
