// Bulk payment notices as a background job (the API's notice batches): many notices rendered into
// one ZIP of PDFs or one merged PDF, with live progress, downloaded when done.
//
// Jobs live in this process's memory and their files in a temporary directory: a restart forgets
// them (and removes the files), a finished job's file is kept for kNoticeBatchRetention and then
// removed. One worker thread renders the jobs in turn; each entity may have a few pending at once.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "app/context.hpp"
#include "app/documents.hpp"

namespace incasso {

inline constexpr std::chrono::hours kNoticeBatchRetention{24};
inline constexpr int kNoticeBatchMaxPendingPerEntity = 3;
inline constexpr std::size_t kNoticeBatchMaxNumbers = 10000;

enum class NoticeBatchFormat { kZip, kPdf };

struct NoticeBatchRequest {
  NoticeBatchFormat format = NoticeBatchFormat::kZip;
  // Either these notice numbers (each printed once, in this order) or the positions matching
  // `filter` (status, due dates; oldest first).
  std::vector<std::string> notice_numbers;
  PositionFilter filter;
  NoticeOptions options;
};

struct NoticeBatch {
  std::string id;  // 32 hex digits, random
  std::int64_t entity_id = 0;
  std::string status;  // queued, running, succeeded, failed
  NoticeBatchFormat format = NoticeBatchFormat::kZip;
  std::int64_t total = 0;    // positions (or notice numbers) to look at
  std::int64_t done = 0;     // looked at so far
  std::int64_t notices = 0;  // written to the file
  std::int64_t skipped = 0;  // not printable (paid, invalid, unknown notice number, ...)
  std::uint64_t bytes = 0;   // size of the finished file
  std::string error;         // failed: why (field and public message)
  TimePoint created_at{};
  std::optional<TimePoint> finished_at;
  std::optional<TimePoint> expires_at;  // when the file is removed
  std::string file_path;                // the finished file (succeeded only)
};

// A ZIP archive of stored entries (PDFs are compressed already) written entry by entry to `sink`;
// only the central directory (about 70 bytes per entry) is kept until Finish(). Fixed entry
// dates, so the same notices give the same archive. At most 65535 entries and 4 GiB.
class ZipStreamWriter {
 public:
  using Sink = std::function<Status(std::string_view bytes)>;
  explicit ZipStreamWriter(Sink sink) : sink_(std::move(sink)) {}
  Status Add(const std::string& name, std::string_view data);
  Status Finish();
  std::uint64_t written() const { return written_; }

 private:
  struct Entry {
    std::string name;
    std::uint32_t crc;
    std::uint32_t size;
    std::uint32_t offset;
  };
  Status Write(std::string_view bytes);
  Sink sink_;
  std::uint64_t written_ = 0;
  std::vector<Entry> entries_;
};

// Renders `request`'s notices of `entity_fiscal_code` to `sink` as a ZIP (entries
// <notice number>.pdf) or one merged PDF. Returns how many notices were written; NotFound when
// none is printable. `on_progress` is called after every position; `cancelled` (optional) is
// polled and stops the run with Unavailable.
struct NoticeBatchResult {
  std::int64_t notices = 0;
  std::int64_t skipped = 0;
};
Result<NoticeBatchResult> WriteNoticeBatch(
    AppContext& ctx, const DocumentRenderer& renderer, std::string_view entity_fiscal_code,
    const NoticeBatchRequest& request, const std::function<Status(std::string_view)>& sink,
    const std::function<void(const BulkProgress&)>& on_progress = {},
    const std::function<bool()>& cancelled = {});

class NoticeBatchRunner {
 public:
  // `work_dir` holds the files; created if missing.
  NoticeBatchRunner(AppContext& ctx, std::shared_ptr<const DocumentRenderer> renderer,
                    std::filesystem::path work_dir);
  ~NoticeBatchRunner();  // Stop()
  NoticeBatchRunner(const NoticeBatchRunner&) = delete;
  NoticeBatchRunner& operator=(const NoticeBatchRunner&) = delete;

  void Start();
  // Stops the running job, forgets every job and removes their files. Idempotent.
  void Stop();

  // Queues a job. Conflict when the entity has kNoticeBatchMaxPendingPerEntity jobs queued or
  // running; Unavailable when the runner is stopped.
  Result<NoticeBatch> Submit(const Entity& entity, NoticeBatchRequest request);
  // The entity's job with its live progress; nullopt if the entity has no such job (another
  // entity's job included).
  std::optional<NoticeBatch> Get(std::int64_t entity_id, const std::string& id);

 private:
  struct Pending {
    std::string id;
    std::string fiscal_code;
    NoticeBatchRequest request;
  };
  void Run();
  void RunOne(Pending p);
  void ExpireLocked(TimePoint now);  // mu_ held

  AppContext& ctx_;
  std::shared_ptr<const DocumentRenderer> renderer_;
  std::filesystem::path work_dir_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Pending> queue_;
  std::map<std::string, NoticeBatch> jobs_;
  bool stop_ = false;
  bool started_ = false;
  std::thread thread_;
};

}  // namespace incasso
