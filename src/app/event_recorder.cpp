#include "app/event_recorder.hpp"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

namespace incasso {

struct EventRecorder::State {
  Store& store;
  Options options;
  std::mutex mu;
  std::condition_variable wake;
  std::condition_variable flushed;
  std::deque<Event> pending;
  std::uint64_t recorded = 0;  // sequence number of the last Record()
  std::uint64_t written = 0;   // sequence number of the last entry handled by the writer
  std::size_t dropped = 0;
  bool stopping = false;
  bool flush_requested = false;
  std::thread writer;

  State(Store& s, Options o) : store(s), options(std::move(o)) {}

  void Run() {
    std::unique_lock lock(mu);
    while (true) {
      wake.wait_for(lock, options.flush_interval, [&] {
        return stopping || flush_requested || pending.size() >= options.batch_size;
      });
      if (pending.empty()) {
        flush_requested = false;
        if (stopping) return;
        continue;
      }
      std::vector<Event> batch;
      while (!pending.empty() && batch.size() < options.batch_size) {
        batch.push_back(std::move(pending.front()));
        pending.pop_front();
      }
      std::uint64_t upto = written + batch.size();
      lock.unlock();
      Status st = store.AppendEvents(batch);
      if (!st.ok() && options.on_error) options.on_error(st.error());
      lock.lock();
      written = upto;
      flushed.notify_all();
    }
  }
};

EventRecorder::EventRecorder(Store& store, Options options)
    : state_(std::make_unique<State>(store, std::move(options))) {
  state_->writer = std::thread([s = state_.get()] { s->Run(); });
}

EventRecorder::~EventRecorder() {
  {
    std::lock_guard lock(state_->mu);
    state_->stopping = true;
  }
  state_->wake.notify_all();
  state_->writer.join();
}

void EventRecorder::Record(Event event) {
  std::lock_guard lock(state_->mu);
  if (state_->pending.size() >= state_->options.max_pending) {
    ++state_->dropped;
    return;
  }
  state_->pending.push_back(std::move(event));
  ++state_->recorded;
  if (state_->pending.size() >= state_->options.batch_size) state_->wake.notify_one();
}

void EventRecorder::Flush() {
  std::unique_lock lock(state_->mu);
  std::uint64_t target = state_->recorded;
  if (state_->written >= target) return;
  state_->flush_requested = true;
  state_->wake.notify_one();
  state_->flushed.wait(lock, [&] { return state_->written >= target; });
}

std::size_t EventRecorder::dropped() const {
  std::lock_guard lock(state_->mu);
  return state_->dropped;
}

}  // namespace incasso
