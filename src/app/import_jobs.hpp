// Import jobs started through the API (api/import_routes.hpp): the uploaded file is kept in a
// temporary file, a job row (Store::CreateImportJob) records it as "queued", and one background
// worker runs the jobs one at a time with ImportFile (app/imports.hpp), the same code as
// `incasso import`. The row moves to "running" and ends "succeeded" (the import ran; rejected
// rows are in its counts and report) or "failed" (it could not run: error says why).
// Progress while running is kept in memory (on SQLite the import holds the write lock, so the
// row is written only at start and end) and merged by Get(). Jobs still queued when the runner
// stops are marked failed; the running one is finished first.
#pragma once

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

#include "app/context.hpp"
#include "app/imports.hpp"
#include "app/store.hpp"

namespace incasso {

struct ImportJobRequest {
  std::string format = "auto";
  ImportMode mode = ImportMode::kAllOrNothing;
  bool dry_run = false;
};

class ImportJobRunner {
 public:
  // `work_dir` holds uploads (removed once imported) and reports (kept); created if missing.
  ImportJobRunner(AppContext& ctx, std::filesystem::path work_dir,
                  import::JsonPositionParser json_parser);
  ~ImportJobRunner();  // Stop()
  ImportJobRunner(const ImportJobRunner&) = delete;
  ImportJobRunner& operator=(const ImportJobRunner&) = delete;

  void Start();
  // Lets the running job finish, marks the queued ones failed, joins the worker. Idempotent.
  void Stop();

  // Stores `body` as the job's file and queues the job. Unavailable when the file cannot be
  // written or the runner is stopped.
  Result<ImportJob> Submit(const Entity& entity, const Caller& caller, const ImportJobRequest& r,
                           std::string_view body);
  // The entity's job with its live progress, nullopt if the entity has no such job.
  Result<std::optional<ImportJob>> Get(std::int64_t entity_id, std::int64_t id);

 private:
  struct Pending {
    ImportJob job;
    std::string fiscal_code;
    Caller caller;
    std::string upload_path;
  };
  void Run();
  void RunOne(Pending p);

  AppContext& ctx_;
  std::filesystem::path work_dir_;
  import::JsonPositionParser json_parser_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Pending> queue_;
  std::optional<ImportJob> running_;  // the running job with its latest progress
  bool stop_ = false;
  bool started_ = false;
  std::thread thread_;
};

}  // namespace incasso
