#include "soap/station_handler.hpp"

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "http/router.hpp"
#include "soap/codec.hpp"

namespace incasso::soap {
namespace {

using Clock = std::chrono::steady_clock;

// Runs tasks on a fixed set of threads. A task that could not start before its deadline is
// dropped without running: when the database hangs, work does not pile up behind it.
class DeadlineExecutor {
 public:
  explicit DeadlineExecutor(int threads) {
    for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { Loop(); });
  }
  ~DeadlineExecutor() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    for (auto& t : threads_) t.join();
  }

  void Submit(Clock::time_point deadline, std::function<void()> task) {
    {
      std::lock_guard lock(mu_);
      queue_.push_back({deadline, std::move(task)});
    }
    cv_.notify_one();
  }

 private:
  struct Item {
    Clock::time_point deadline;
    std::function<void()> task;
  };

  void Loop() {
    std::unique_lock lock(mu_);
    while (true) {
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;
      Item item = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      if (Clock::now() < item.deadline) item.task();
      item.task = nullptr;  // release captures outside the lock
      lock.lock();
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Item> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

// What one call produced, for the response and the event log.
struct Outcome {
  std::string body;
  std::string fault_code;  // "" when OK
  std::string detail;      // internal: a writer problem, for the log
};

template <typename T>
std::string FaultCodeOf(const StationResult<T>& r) {
  if (const auto* f = std::get_if<PaaFault>(&r)) return f->code;
  return {};
}

class Endpoint final : public StationEndpoint {
 public:
  Endpoint(AppContext& ctx, StationConfig config, EventRecorder& events,
           const StationOptions& options)
      : ctx_(ctx),
        config_(std::move(config)),
        events_(events),
        options_(options),
        executor_(options.workers) {}

  http::Response Handle(const http::Request& req) {
    const auto started = Clock::now();
    auto parsed = ParseStationRequest(req.body, req.Header("soapaction"), options_.limits);
    Outcome out;
    std::string operation = "unknown";
    std::string id_pa;
    std::string notice;
    int status = 200;
    if (auto* error = std::get_if<RequestError>(&parsed)) {
      PaaFault fault = error->fault;
      if (fault.id.empty()) fault.id = config_.broker_fiscal_code;
      id_pa = error->header.id_pa;
      out.fault_code = fault.code;
      out.detail = fault.description;
      if (error->operation) {
        operation = std::string(OperationName(*error->operation));
        out.body = WriteFault(*error->operation, fault);
      } else {
        status = 500;
        out.body = WriteSoapFault(fault.description);
      }
    } else {
      auto request = std::make_shared<ParsedRequest>(std::move(std::get<ParsedRequest>(parsed)));
      operation = std::string(OperationName(request->operation));
      std::visit(
          [&](const auto& q) {
            id_pa = q.header.id_pa;
            if constexpr (std::is_same_v<std::decay_t<decltype(q)>, SendReceiptCommand>) {
              notice = q.receipt.notice_number;
            } else if constexpr (!std::is_same_v<std::decay_t<decltype(q)>, DemandNoticeQuery>) {
              notice = q.notice_number;
            }
          },
          request->request);
      out = RunWithDeadline(request, started + options_.answer_timeout);
    }
    const auto elapsed =
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
    Record(req, operation, id_pa, notice, out, req.body, elapsed);
    http::Response resp;
    resp.status = status;
    resp.content_type = "text/xml; charset=utf-8";
    resp.body = std::move(out.body);
    resp.tenant = id_pa;
    return resp;
  }

 private:
  Outcome RunWithDeadline(std::shared_ptr<ParsedRequest> request, Clock::time_point deadline) {
    auto promise = std::make_shared<std::promise<Outcome>>();
    auto future = promise->get_future();
    executor_.Submit(deadline, [this, request, promise] {
      try {
        promise->set_value(Dispatch(*request));
      } catch (const std::exception& e) {
        // Broken infrastructure: answered like a database failure.
        promise->set_value(SystemError(*request, std::string("exception: ") + e.what()));
      }
    });
    if (future.wait_until(deadline) == std::future_status::ready) {
      try {
        return future.get();
      } catch (const std::future_error&) {
        // The task was dropped unrun because its deadline had passed.
      }
    }
    return SystemError(*request, "no answer within the station's time budget");
  }

  Outcome SystemError(const ParsedRequest& request, std::string detail) {
    PaaFault fault{"PAA_SYSTEM_ERROR", "Errore temporaneo della stazione: riprovare", {}};
    std::visit([&](const auto& q) { fault.id = q.header.id_pa; }, request.request);
    if (fault.id.empty()) fault.id = config_.broker_fiscal_code;
    return Outcome{WriteFault(request.operation, fault), fault.code, std::move(detail)};
  }

  Outcome Dispatch(const ParsedRequest& request) {
    Outcome out;
    switch (request.operation) {
      case Operation::kVerifyPaymentNotice: {
        const auto& q = std::get<VerifyNoticeQuery>(request.request);
        auto r = VerifyNotice(ctx_, config_, q);
        out.fault_code = FaultCodeOf(r);
        out.body = WriteVerifyPaymentNoticeRes(r, q.header.id_pa, &out.detail);
        break;
      }
      case Operation::kGetPayment:
      case Operation::kGetPaymentV2: {
        const auto& q = std::get<GetPaymentQuery>(request.request);
        auto r = GetPayment(ctx_, config_, q);
        out.fault_code = FaultCodeOf(r);
        out.body = request.operation == Operation::kGetPayment
                       ? WriteGetPaymentRes(r, q.header.id_pa, &out.detail)
                       : WriteGetPaymentV2Response(r, q.header.id_pa, &out.detail);
        if (out.fault_code.empty()) NoteActivation(q.notice_number);
        break;
      }
      case Operation::kSendRT:
      case Operation::kSendRTV2: {
        const auto& q = std::get<SendReceiptCommand>(request.request);
        // The receipt's kind depends on whether a paGetPayment was seen for the notice (event
        // log). Only an activation answered moments ago can still be waiting in the recorder:
        // flush then, and only then (a flush costs a write transaction on the receipt path).
        if (RecentlyActivated(q.receipt.notice_number)) events_.Flush();
        auto r = AcceptReceipt(ctx_, config_, q);
        out.fault_code = FaultCodeOf(r);
        if (const auto* ok = std::get_if<ReceiptAccepted>(&r)) out.detail = ToString(ok->kind);
        out.body =
            request.operation == Operation::kSendRT ? WriteSendRTRes(r) : WriteSendRTV2Response(r);
        break;
      }
      case Operation::kDemandPaymentNotice: {
        const auto& q = std::get<DemandNoticeQuery>(request.request);
        auto r = DemandNotice(ctx_, config_, q);
        out.fault_code = FaultCodeOf(r);
        out.body = WriteDemandPaymentNoticeResponse(r, q.header.id_pa, &out.detail);
        break;
      }
    }
    // A writer that had to turn an answer into PAA_SYSTEM_ERROR reports it in `detail`.
    if (out.fault_code.empty() && !out.detail.empty() &&
        out.body.find("PAA_SYSTEM_ERROR") != std::string::npos) {
      out.fault_code = "PAA_SYSTEM_ERROR";
    }
    return out;
  }

  // Activations of the last few seconds, by notice number: the event recorder writes within
  // its flush interval (50 ms), so older ones are in the database already.
  static constexpr std::chrono::seconds kActivationWindow{2};

  void NoteActivation(const std::string& nav) {
    const auto now = Clock::now();
    std::lock_guard lock(activations_mu_);
    // Forget activations older than the window, oldest first: O(1) amortized per call.
    while (!activation_order_.empty() &&
           now - activation_order_.front().first > kActivationWindow) {
      auto it = activations_.find(activation_order_.front().second);
      if (it != activations_.end() && it->second == activation_order_.front().first) {
        activations_.erase(it);
      }
      activation_order_.pop_front();
    }
    activations_[nav] = now;
    activation_order_.emplace_back(now, nav);
  }

  bool RecentlyActivated(const std::string& nav) {
    std::lock_guard lock(activations_mu_);
    auto it = activations_.find(nav);
    return it != activations_.end() && Clock::now() - it->second <= kActivationWindow;
  }

  std::optional<std::int64_t> EntityId(const std::string& fiscal_code) {
    if (fiscal_code.empty()) return std::nullopt;
    {
      std::lock_guard lock(cache_mu_);
      auto it = entity_ids_.find(fiscal_code);
      if (it != entity_ids_.end()) return it->second;
    }
    auto found = ctx_.store.FindEntityByFiscalCode(fiscal_code);
    if (!found.ok() || !found->has_value()) return std::nullopt;
    std::lock_guard lock(cache_mu_);
    entity_ids_[fiscal_code] = (*found)->id;  // an entity's id never changes
    return (*found)->id;
  }

  void Record(const http::Request& req, const std::string& operation, const std::string& id_pa,
              const std::string& notice, const Outcome& out, const std::string& request_body,
              std::chrono::milliseconds elapsed) {
    Event ev;
    ev.at = ctx_.clock.Now();
    ev.direction = "in";
    ev.channel = "soap";
    ev.operation = operation;
    ev.entity_id = EntityId(id_pa);
    ev.entity_fiscal_code = id_pa.size() <= 35 ? id_pa : id_pa.substr(0, 35);
    ev.notice_number = notice;
    ev.outcome = out.fault_code.empty() ? "OK" : "KO";
    ev.fault_code = out.fault_code;
    ev.duration_ms = elapsed.count();
    ev.request_id = req.request_id;
    ev.detail = out.detail;
    ev.request_body = request_body;
    ev.response_body = out.body;
    events_.Record(std::move(ev));
  }

  AppContext& ctx_;
  StationConfig config_;
  EventRecorder& events_;
  StationOptions options_;
  std::mutex cache_mu_;
  std::unordered_map<std::string, std::int64_t> entity_ids_;
  std::mutex activations_mu_;
  std::unordered_map<std::string, Clock::time_point> activations_;
  std::deque<std::pair<Clock::time_point, std::string>> activation_order_;
  DeadlineExecutor executor_;  // last: its threads stop first
};

}  // namespace

std::unique_ptr<StationEndpoint> AddStationEndpoint(http::Router& router, AppContext& ctx,
                                                    StationConfig config, EventRecorder& events,
                                                    const StationOptions& options) {
  auto endpoint = std::make_unique<Endpoint>(ctx, std::move(config), events, options);
  Endpoint* raw = endpoint.get();
  router.Add("POST", options.path, [raw](const http::Request& req) { return raw->Handle(req); });
  return endpoint;
}

Result<StationConfig> ResolveStationConfig(Store& store, const StationConfig& configured) {
  StationConfig out = configured;
  if (out.broker_fiscal_code.empty()) {
    auto intermediary = store.GetIntermediary();
    if (!intermediary.ok()) return intermediary.error();
    if (intermediary->has_value()) out.broker_fiscal_code = (*intermediary)->fiscal_code;
  }
  if (out.station_ids.empty()) {
    auto stations = store.ListStations();
    if (!stations.ok()) return stations.error();
    for (const auto& s : *stations) {
      if (s.active) out.station_ids.push_back(s.id);
    }
  }
  return out;
}

}  // namespace incasso::soap
