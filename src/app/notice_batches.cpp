#include "app/notice_batches.hpp"

#include <fmt/format.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <random>
#include <set>
#include <utility>

namespace incasso {
namespace {

std::uint32_t Crc32(std::string_view data) {
  static const std::array<std::uint32_t, 256> table = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t i = 0; i < 256; ++i) {
      std::uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) != 0 ? 0xEDB88320U ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  std::uint32_t crc = 0xFFFFFFFFU;
  for (unsigned char b : data) crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8);
  return crc ^ 0xFFFFFFFFU;
}

void Put16(std::string& s, std::uint16_t v) {
  s.push_back(static_cast<char>(v & 0xFF));
  s.push_back(static_cast<char>(v >> 8));
}
void Put32(std::string& s, std::uint32_t v) {
  Put16(s, static_cast<std::uint16_t>(v & 0xFFFF));
  Put16(s, static_cast<std::uint16_t>(v >> 16));
}

std::string RandomId() {
  static std::mutex mu;
  static std::random_device device;
  std::lock_guard lock(mu);
  std::string id;
  for (int i = 0; i < 4; ++i) id += fmt::format("{:08x}", device());
  return id;
}

const char* Extension(NoticeBatchFormat f) { return f == NoticeBatchFormat::kZip ? "zip" : "pdf"; }

// Where a notice goes: the ZIP (one entry per notice) or the merged book.
class NoticeOutput {
 public:
  NoticeOutput(const DocumentRenderer& renderer, NoticeBatchFormat format,
               const std::function<Status(std::string_view)>& sink, TimePoint created_at)
      : renderer_(renderer), zip_(sink) {
    if (format == NoticeBatchFormat::kPdf) {
      auto book = renderer.StartBook(sink, created_at);
      if (book.ok()) {
        book_ = std::move(*book);
      } else {
        start_ = book.error();
      }
    }
  }
  Status started() const { return start_; }
  Status Add(const std::string& name, const NoticeDocument& doc) {
    if (book_) return book_->Add(doc);
    auto pdf = renderer_.RenderNotice(doc);
    if (!pdf.ok()) return pdf.error();
    return zip_.Add(name + ".pdf", *pdf);
  }
  Status Finish() { return book_ ? book_->Finish() : zip_.Finish(); }

 private:
  const DocumentRenderer& renderer_;
  ZipStreamWriter zip_;
  std::unique_ptr<NoticeBookWriter> book_;
  Status start_ = Ok();
};

}  // namespace

Status ZipStreamWriter::Write(std::string_view bytes) {
  INCASSO_TRY(sink_(bytes));
  written_ += bytes.size();
  return Ok();
}

Status ZipStreamWriter::Add(const std::string& name, std::string_view data) {
  if (entries_.size() >= 0xFFFF) return InvalidArgument("notices", "more than 65535 files");
  if (name.size() > 0xFFFF) return InvalidArgument("notices", "file name too long");
  if (written_ + data.size() + name.size() + 100 > 0xFFFFFFFFULL) {
    return InvalidArgument("notices", "the archive would exceed 4 GiB; use filters");
  }
  Entry e{name, Crc32(data), static_cast<std::uint32_t>(data.size()),
          static_cast<std::uint32_t>(written_)};
  std::string h;
  Put32(h, 0x04034b50);
  Put16(h, 20);      // version needed
  Put16(h, 0x0800);  // UTF-8 names
  Put16(h, 0);       // stored
  Put16(h, 0);       // time
  Put16(h, 0x21);    // date 1980-01-01: fixed, archives are reproducible
  Put32(h, e.crc);
  Put32(h, e.size);
  Put32(h, e.size);
  Put16(h, static_cast<std::uint16_t>(name.size()));
  Put16(h, 0);
  h += name;
  INCASSO_TRY(Write(h));
  INCASSO_TRY(Write(data));
  entries_.push_back(std::move(e));
  return Ok();
}

Status ZipStreamWriter::Finish() {
  const auto start = static_cast<std::uint32_t>(written_);
  std::string cd;
  for (const auto& e : entries_) {
    Put32(cd, 0x02014b50);
    Put16(cd, 20);
    Put16(cd, 20);
    Put16(cd, 0x0800);
    Put16(cd, 0);
    Put16(cd, 0);
    Put16(cd, 0x21);
    Put32(cd, e.crc);
    Put32(cd, e.size);
    Put32(cd, e.size);
    Put16(cd, static_cast<std::uint16_t>(e.name.size()));
    Put16(cd, 0);
    Put16(cd, 0);
    Put16(cd, 0);
    Put16(cd, 0);
    Put32(cd, 0);
    Put32(cd, e.offset);
    cd += e.name;
  }
  if (start + cd.size() + 22 > 0xFFFFFFFFULL) {
    return InvalidArgument("notices", "the archive would exceed 4 GiB; use filters");
  }
  const auto cd_size = static_cast<std::uint32_t>(cd.size());
  Put32(cd, 0x06054b50);
  Put16(cd, 0);
  Put16(cd, 0);
  Put16(cd, static_cast<std::uint16_t>(entries_.size()));
  Put16(cd, static_cast<std::uint16_t>(entries_.size()));
  Put32(cd, cd_size);
  Put32(cd, start);
  Put16(cd, 0);
  return Write(cd);
}

Result<NoticeBatchResult> WriteNoticeBatch(
    AppContext& ctx, const DocumentRenderer& renderer, std::string_view entity_fiscal_code,
    const NoticeBatchRequest& request, const std::function<Status(std::string_view)>& sink,
    const std::function<void(const BulkProgress&)>& on_progress,
    const std::function<bool()>& cancelled) {
  auto entity = ctx.store.FindEntityByFiscalCode(entity_fiscal_code);
  if (!entity.ok()) return entity.error();
  if (!*entity) {
    return NotFound("no creditor institution with fiscal code " + std::string(entity_fiscal_code));
  }
  NoticeOptions options = request.options;
  if (options.logo_png.empty()) {  // once for the whole batch
    auto logo = ctx.store.GetNoticeLogo((*entity)->id);
    if (!logo.ok()) return logo.error();
    options.logo_png = std::move(*logo);
  }
  NoticeOutput out(renderer, request.format, sink, ctx.clock.Now());
  INCASSO_TRY(out.started());
  NoticeBatchResult result;
  auto check_cancelled = [&]() -> Status {
    if (cancelled && cancelled()) return Unavailable("the server stopped the notice batch");
    return Ok();
  };
  if (!request.notice_numbers.empty()) {
    BulkProgress progress;
    progress.total = static_cast<std::int64_t>(request.notice_numbers.size());
    std::set<std::string> seen;
    for (const auto& nav : request.notice_numbers) {
      INCASSO_TRY(check_cancelled());
      ++progress.done;
      if (!seen.insert(nav).second) continue;
      auto doc = BuildNoticeDocument(ctx, entity_fiscal_code, nav, options);
      if (!doc.ok()) {
        if (doc.error().code != ErrorCode::kConflict && doc.error().code != ErrorCode::kNotFound) {
          return doc.error();
        }
        ++progress.skipped;
      } else {
        INCASSO_TRY(out.Add(nav, *doc));
        ++result.notices;
      }
      if (on_progress) on_progress(progress);
    }
    result.skipped = progress.skipped;
  } else {
    PositionFilter filter = request.filter;
    filter.limit = 200;
    BulkProgress last;
    INCASSO_TRY(ForEachNoticeDocument(
        ctx, entity_fiscal_code, filter, options,
        [&](const DebtPosition&, const NoticeDocument& doc) -> Status {
          INCASSO_TRY(check_cancelled());
          const std::string& nav =
              doc.single ? doc.single->notice_number : doc.instalments.front().notice_number;
          INCASSO_TRY(out.Add(nav, doc));
          ++result.notices;
          return Ok();
        },
        [&](const BulkProgress& p) {
          last = p;
          if (on_progress) on_progress(p);
        }));
    result.skipped = last.skipped;
  }
  if (result.notices == 0) {
    return NotFound(
        "no printable notice matches (paid, invalid, expired or draft positions and "
        "unknown notice numbers are skipped)");
  }
  INCASSO_TRY(out.Finish());
  return result;
}

NoticeBatchRunner::NoticeBatchRunner(AppContext& ctx,
                                     std::shared_ptr<const DocumentRenderer> renderer,
                                     std::filesystem::path work_dir)
    : ctx_(ctx), renderer_(std::move(renderer)), work_dir_(std::move(work_dir)) {}

NoticeBatchRunner::~NoticeBatchRunner() { Stop(); }

void NoticeBatchRunner::Start() {
  std::lock_guard lock(mu_);
  if (started_ || stop_) return;
  started_ = true;
  thread_ = std::thread([this] { Run(); });
}

void NoticeBatchRunner::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
    queue_.clear();
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(mu_);
  for (const auto& [id, job] : jobs_) {
    std::error_code ignored;
    if (!job.file_path.empty()) std::filesystem::remove(job.file_path, ignored);
  }
  jobs_.clear();
}

void NoticeBatchRunner::ExpireLocked(TimePoint now) {
  for (auto it = jobs_.begin(); it != jobs_.end();) {
    if (it->second.expires_at && *it->second.expires_at <= now) {
      std::error_code ignored;
      if (!it->second.file_path.empty()) std::filesystem::remove(it->second.file_path, ignored);
      it = jobs_.erase(it);
    } else {
      ++it;
    }
  }
}

Result<NoticeBatch> NoticeBatchRunner::Submit(const Entity& entity, NoticeBatchRequest request) {
  std::lock_guard lock(mu_);
  if (stop_) return Unavailable("the server is stopping");
  ExpireLocked(ctx_.clock.Now());
  int pending = 0;
  for (const auto& [id, job] : jobs_) {
    if (job.entity_id == entity.id && (job.status == "queued" || job.status == "running")) {
      ++pending;
    }
  }
  if (pending >= kNoticeBatchMaxPendingPerEntity) {
    return Conflict("status", fmt::format("{} notice batches of this institution are still "
                                          "pending; wait for one to finish",
                                          pending));
  }
  std::error_code ec;
  std::filesystem::create_directories(work_dir_, ec);
  NoticeBatch job;
  job.id = RandomId();
  job.entity_id = entity.id;
  job.status = "queued";
  job.format = request.format;
  job.total = static_cast<std::int64_t>(request.notice_numbers.size());
  job.created_at = ctx_.clock.Now();
  jobs_[job.id] = job;
  queue_.push_back(Pending{job.id, entity.fiscal_code, std::move(request)});
  cv_.notify_one();
  return job;
}

std::optional<NoticeBatch> NoticeBatchRunner::Get(std::int64_t entity_id, const std::string& id) {
  std::lock_guard lock(mu_);
  ExpireLocked(ctx_.clock.Now());
  auto it = jobs_.find(id);
  if (it == jobs_.end() || it->second.entity_id != entity_id) return std::nullopt;
  return it->second;
}

void NoticeBatchRunner::Run() {
  for (;;) {
    Pending p;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
      if (stop_) return;
      p = std::move(queue_.front());
      queue_.pop_front();
    }
    RunOne(std::move(p));
  }
}

void NoticeBatchRunner::RunOne(Pending p) {
  NoticeBatchFormat format;
  {
    std::lock_guard lock(mu_);
    auto it = jobs_.find(p.id);
    if (it == jobs_.end()) return;
    it->second.status = "running";
    format = it->second.format;
  }
  const std::filesystem::path path =
      work_dir_ / fmt::format("incasso-notices-{}.{}", p.id, Extension(format));
  const std::string part = path.string() + ".part";
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(part.c_str(), "wb"),
                                                       &std::fclose);
  Result<NoticeBatchResult> result = Unavailable("the notice batch file cannot be written");
  std::uint64_t bytes = 0;
  if (file) {
    auto last = std::chrono::steady_clock::time_point{};
    result = WriteNoticeBatch(
        ctx_, *renderer_, p.fiscal_code, p.request,
        [&](std::string_view data) -> Status {
          if (std::fwrite(data.data(), 1, data.size(), file.get()) != data.size()) {
            return Unavailable("the notice batch file cannot be written (disk full?)");
          }
          bytes += data.size();
          return Ok();
        },
        [&](const BulkProgress& progress) {
          const auto now = std::chrono::steady_clock::now();
          if (progress.done != progress.total && now - last < std::chrono::milliseconds(100)) {
            return;  // throttled
          }
          last = now;
          std::lock_guard lock(mu_);
          auto it = jobs_.find(p.id);
          if (it == jobs_.end()) return;
          it->second.total = std::max(progress.total, progress.done);
          it->second.done = progress.done;
          it->second.skipped = progress.skipped;
        },
        [this] {
          std::lock_guard lock(mu_);
          return stop_;
        });
  }
  bool written = file && result.ok();
  if (file) written = (std::fclose(file.release()) == 0) && written;
  std::error_code ec;
  if (written) {
    std::filesystem::rename(part, path, ec);
    written = !ec;
  }
  if (!written) std::filesystem::remove(part, ec);
  const TimePoint now = ctx_.clock.Now();
  std::lock_guard lock(mu_);
  auto it = jobs_.find(p.id);
  if (it == jobs_.end()) {  // forgotten by Stop()
    std::filesystem::remove(path, ec);
    return;
  }
  NoticeBatch& job = it->second;
  job.finished_at = now;
  job.expires_at = now + kNoticeBatchRetention;
  if (written) {
    job.status = "succeeded";
    job.notices = result->notices;
    job.skipped = result->skipped;
    job.done = job.total = std::max(job.total, job.done);
    job.bytes = bytes;
    job.file_path = path.string();
  } else {
    job.status = "failed";
    job.error = result.ok() ? "the notice batch file cannot be written"
                            : result.error().ToText();  // never the internal detail
  }
}

}  // namespace incasso
