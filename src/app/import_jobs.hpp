// Import jobs started through the API (api/import_routes.hpp): the uploaded file is kept in a
// temporary file, a job row (Store::CreateImportJob) records it as "queued", and one background
// worker runs the jobs one at a time with ImportFile (app/imports.hpp), the same code as
// `incasso import`. The row moves to "running" and ends "succeeded" (the import ran; rejected
// rows are in its counts and report) or "failed" (it could not run: error says why).
// Progress while running is kept in memory (on SQLite the import holds the write lock, so the
// row is written only at start and end) and merged by Get() and List(). Jobs still queued when
// the runner stops are marked failed; the running one is finished first.
//
// Recover(), called once before Start(), cleans up after a process that died: every job still
// "queued" or "running" in the database (of any entity) is marked failed with
// kImportInterruptedError, every upload left in work_dir is removed and reports older than the
// report retention are deleted (their job's report.csv then answers 404). This assumes one serving
// process per database and work_dir, as `incasso serve` runs: a second process starting would fail
// the first one's jobs.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "app/context.hpp"
#include "app/imports.hpp"
#include "app/store.hpp"

namespace incasso {

// The error of a job found unfinished at start-up.
inline constexpr std::string_view kImportInterruptedError =
    "the server stopped while the import was queued or running; nothing of an all-or-nothing "
    "import was written (valid-rows: rows already committed stay); upload the file again";
// How long import reports are kept on disk (by file age) before Start() removes them.
inline constexpr std::chrono::hours kImportReportRetention{24 * 30};

struct ImportJobRequest {
  std::string format = "auto";
  ImportMode mode = ImportMode::kAllOrNothing;
  bool dry_run = false;
};

class ImportJobRunner {
 public:
  // `work_dir` holds uploads (removed once imported) and reports (kept); created if missing.
  ImportJobRunner(AppContext& ctx, std::filesystem::path work_dir,
                  import::JsonPositionParser json_parser,
                  std::chrono::hours report_retention = kImportReportRetention);
  ~ImportJobRunner();  // Stop()
  ImportJobRunner(const ImportJobRunner&) = delete;
  ImportJobRunner& operator=(const ImportJobRunner&) = delete;

  // What Recover() did.
  struct Recovery {
    std::int64_t jobs_failed = 0;
    std::int64_t uploads_removed = 0;
    std::int64_t reports_removed = 0;
  };
  // Cleans up after a process that died (see above). Call before Start(); the database error of
  // marking the jobs is returned (files are best effort).
  Result<Recovery> Recover();
  void Start();
  // Lets the running job finish, marks the queued ones failed, joins the worker. Idempotent.
  void Stop();

  // Stores `body` as the job's file and queues the job. Unavailable when the file cannot be
  // written or the runner is stopped.
  Result<ImportJob> Submit(const Entity& entity, const Caller& caller, const ImportJobRequest& r,
                           std::string_view body);
  // The entity's job with its live progress, nullopt if the entity has no such job.
  Result<std::optional<ImportJob>> Get(std::int64_t entity_id, std::int64_t id);
  // The entity's jobs, newest first, with live progress; `limit` 1..1000, `offset` >= 0.
  Result<std::vector<ImportJob>> List(std::int64_t entity_id, int limit, int offset);

 private:
  struct Pending {
    ImportJob job;
    std::string fiscal_code;
    Caller caller;
    std::string upload_path;
  };
  void Run();
  void RunOne(Pending p);
  ImportJob WithProgress(ImportJob job);  // requires mu_

  AppContext& ctx_;
  std::filesystem::path work_dir_;
  import::JsonPositionParser json_parser_;
  std::chrono::hours report_retention_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Pending> queue_;
  std::optional<ImportJob> running_;  // the running job with its latest progress
  bool stop_ = false;
  bool started_ = false;
  std::thread thread_;
};

}  // namespace incasso
