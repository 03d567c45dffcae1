#include "app/import_jobs.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <utility>

namespace incasso {
namespace {

std::string UniqueName() {
  static std::atomic<std::uint64_t> counter{0};
  return fmt::format("{}-{}", ::getpid(), counter.fetch_add(1));
}

Status WriteFile(const std::filesystem::path& path, std::string_view body) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "wb"), &std::fclose);
  if (!f) return Unavailable("the upload cannot be stored", path.string());
  if (!body.empty() && std::fwrite(body.data(), 1, body.size(), f.get()) != body.size()) {
    return Unavailable("the upload cannot be stored", path.string());
  }
  if (std::fflush(f.get()) != 0) return Unavailable("the upload cannot be stored", path.string());
  return Ok();
}

}  // namespace

ImportJobRunner::ImportJobRunner(AppContext& ctx, std::filesystem::path work_dir,
                                 import::JsonPositionParser json_parser,
                                 std::chrono::hours report_retention)
    : ctx_(ctx),
      work_dir_(std::move(work_dir)),
      json_parser_(std::move(json_parser)),
      report_retention_(report_retention) {}

ImportJobRunner::~ImportJobRunner() { Stop(); }

void ImportJobRunner::Start() {
  std::lock_guard lock(mu_);
  if (started_ || stop_) return;
  started_ = true;
  thread_ = std::thread([this] { Run(); });
}

Result<ImportJobRunner::Recovery> ImportJobRunner::Recover() {
  Recovery out;
  auto failed = ctx_.store.FailUnfinishedImportJobs(kImportInterruptedError, ctx_.clock.Now());
  if (!failed.ok()) return failed.error();
  out.jobs_failed = *failed;
  // Files by their age on disk (the file system's clock, not the injected one: it is what
  // stamped them).
  std::error_code ec;
  if (!std::filesystem::is_directory(work_dir_, ec)) return out;
  const auto cutoff = std::filesystem::file_time_type::clock::now() - report_retention_;
  std::int64_t& uploads = out.uploads_removed;
  std::int64_t& reports = out.reports_removed;
  for (std::filesystem::directory_iterator it(work_dir_, ec), end; !ec && it != end;
       it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.rfind("incasso-import-", 0) != 0 || !it->is_regular_file(ec)) continue;
    const auto ends_with = [&](std::string_view sfx) {
      return name.size() >= sfx.size() &&
             name.compare(name.size() - sfx.size(), sfx.size(), sfx.data(), sfx.size()) == 0;
    };
    std::error_code ignored;
    if (ends_with(".upload")) {
      uploads += std::filesystem::remove(it->path(), ignored) ? 1 : 0;
    } else if (ends_with(".report.csv")) {
      const auto written = std::filesystem::last_write_time(it->path(), ignored);
      if (!ignored && written < cutoff) {
        reports += std::filesystem::remove(it->path(), ignored) ? 1 : 0;
      }
    }
  }
  return out;
}

void ImportJobRunner::Stop() {
  std::deque<Pending> left;
  {
    std::lock_guard lock(mu_);
    stop_ = true;
    left.swap(queue_);
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  for (Pending& p : left) {
    std::error_code ignored;
    std::filesystem::remove(p.upload_path, ignored);
    p.job.status = "failed";
    p.job.error = "the server stopped before the import ran";
    p.job.finished_at = ctx_.clock.Now();
    (void)ctx_.store.UpdateImportJob(p.job.entity_id, p.job);
  }
}

Result<ImportJob> ImportJobRunner::Submit(const Entity& entity, const Caller& caller,
                                          const ImportJobRequest& r, std::string_view body) {
  {
    std::lock_guard lock(mu_);
    if (stop_) return Unavailable("the server is stopping");
  }
  std::error_code ec;
  std::filesystem::create_directories(work_dir_, ec);
  const std::string name = UniqueName();
  const std::filesystem::path upload = work_dir_ / ("incasso-import-" + name + ".upload");
  INCASSO_TRY(WriteFile(upload, body));
  ImportJob job;
  job.status = "queued";
  job.format = r.format;
  job.mode = ToString(r.mode);
  job.dry_run = r.dry_run;
  job.bytes_total = static_cast<std::int64_t>(body.size());
  job.report_path = (work_dir_ / ("incasso-import-" + name + ".report.csv")).string();
  job.created_at = ctx_.clock.Now();
  auto created = ctx_.store.CreateImportJob(entity.id, job);
  if (!created.ok()) {
    std::filesystem::remove(upload, ec);
    return created.error();
  }
  {
    std::lock_guard lock(mu_);
    queue_.push_back(Pending{*created, entity.fiscal_code, caller, upload.string()});
  }
  cv_.notify_one();
  return *created;
}

ImportJob ImportJobRunner::WithProgress(ImportJob job) {
  if (running_ && running_->id == job.id && running_->entity_id == job.entity_id &&
      job.status == "running") {
    return *running_;
  }
  return job;
}

Result<std::optional<ImportJob>> ImportJobRunner::Get(std::int64_t entity_id, std::int64_t id) {
  auto job = ctx_.store.GetImportJob(entity_id, id);
  if (!job.ok() || !*job) return job;
  std::lock_guard lock(mu_);
  return std::optional<ImportJob>(WithProgress(std::move(**job)));
}

Result<std::vector<ImportJob>> ImportJobRunner::List(std::int64_t entity_id, int limit,
                                                     int offset) {
  if (limit < 1 || limit > 1000) return InvalidArgument("limit", "must be from 1 to 1000");
  if (offset < 0) return InvalidArgument("offset", "must not be negative");
  auto jobs = ctx_.store.ListImportJobs(entity_id, limit, offset);
  if (!jobs.ok()) return jobs.error();
  std::lock_guard lock(mu_);
  for (ImportJob& j : *jobs) j = WithProgress(std::move(j));
  return jobs;
}

void ImportJobRunner::Run() {
  for (;;) {
    Pending p;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
      if (stop_) return;  // Stop() marks what is left
      p = std::move(queue_.front());
      queue_.pop_front();
    }
    RunOne(std::move(p));
  }
}

void ImportJobRunner::RunOne(Pending p) {
  ImportJob job = p.job;
  job.status = "running";
  {
    std::lock_guard lock(mu_);
    running_ = job;
  }
  (void)ctx_.store.UpdateImportJob(job.entity_id, job);

  ImportCommand cmd;
  cmd.entity_fiscal_code = p.fiscal_code;
  cmd.path = p.upload_path;
  cmd.format = job.format;
  cmd.mode = job.mode == "valid-rows" ? ImportMode::kValidRows : ImportMode::kAllOrNothing;
  cmd.dry_run = job.dry_run;
  cmd.report_path = job.report_path;
  cmd.json_parser = json_parser_;
  cmd.job_id = std::to_string(job.id);
  auto last = std::chrono::steady_clock::time_point{};
  cmd.on_progress = [&](const ImportProgress& progress) {
    const auto now = std::chrono::steady_clock::now();
    if (now - last < std::chrono::milliseconds(200)) return;  // throttled
    last = now;
    std::lock_guard lock(mu_);
    if (!running_) return;
    running_->bytes_done = static_cast<std::int64_t>(progress.bytes_done);
    running_->rows = progress.rows;
    running_->created = progress.created;
    running_->updated = progress.updated;
    running_->unchanged = progress.unchanged;
    running_->rejected = progress.rejected;
  };
  auto out = ImportFile(ctx_, p.caller, cmd);
  std::error_code ignored;
  std::filesystem::remove(p.upload_path, ignored);
  if (out.ok()) {
    job.status = "succeeded";
    job.format = out->format;
    job.bytes_done = job.bytes_total;
    job.rows = out->rows;
    job.created = out->created;
    job.updated = out->updated;
    job.unchanged = out->unchanged;
    job.rejected = out->rejected;
    job.committed = out->committed;
  } else {
    job.status = "failed";
    job.error = out.error().ToText();  // field and public message, never the internal detail
  }
  job.finished_at = ctx_.clock.Now();
  (void)ctx_.store.UpdateImportJob(job.entity_id, job);
  std::lock_guard lock(mu_);
  running_.reset();
}

}  // namespace incasso
