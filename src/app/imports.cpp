#include "app/imports.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "app/entities.hpp"
#include "app/webhooks.hpp"
#include "core/time.hpp"
#include "domain/notice_number.hpp"

namespace incasso {
namespace {

using import::AssembledPosition;
using import::RowError;

constexpr std::size_t kFirstErrors = 20;

// GPD: a position may be changed only while nothing is paid on it (app/positions.cpp CheckOpen).
bool IsOpen(const DebtPosition& p) {
  bool open = p.status == PositionStatus::kDraft || p.status == PositionStatus::kPublished ||
              p.status == PositionStatus::kValid;
  for (const auto& o : p.options) open = open && o.status == OptionStatus::kUnpaid;
  return open;
}

bool SameMetadata(const std::vector<Metadata>& a, const std::vector<Metadata>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].key != b[i].key || a[i].value != b[i].value) return false;
  }
  return true;
}

bool SameDebtor(const Debtor& a, const Debtor& b) {
  return a.type == b.type && a.fiscal_code == b.fiscal_code && a.full_name == b.full_name &&
         a.street_name == b.street_name && a.civic_number == b.civic_number &&
         a.postal_code == b.postal_code && a.city == b.city && a.province == b.province &&
         a.region == b.region && a.country == b.country && a.email == b.email && a.phone == b.phone;
}

bool SameTransfer(const Transfer& a, const Transfer& b) {
  bool stamp = a.stamp.has_value() == b.stamp.has_value();
  if (stamp && a.stamp) {
    stamp = a.stamp->hash_document == b.stamp->hash_document &&
            a.stamp->stamp_type == b.stamp->stamp_type &&
            a.stamp->provincial_residence == b.stamp->provincial_residence;
  }
  return stamp && a.id_transfer == b.id_transfer && a.amount == b.amount &&
         a.entity_fiscal_code == b.entity_fiscal_code &&
         a.remittance_information == b.remittance_information && a.category == b.category &&
         a.iban == b.iban && a.postal_iban == b.postal_iban && a.company_name == b.company_name &&
         SameMetadata(a.metadata, b.metadata);
}

// What the file says equals what is stored (p already carries the stored IUVs where it gave none).
bool SameContent(const DebtPosition& p, const DebtPosition& stored, bool publish) {
  const bool stored_published = stored.status != PositionStatus::kDraft;
  if (publish != stored_published) return false;
  if (!SameDebtor(p.debtor, stored.debtor) || p.company_name != stored.company_name ||
      p.office_name != stored.office_name || p.validity_date != stored.validity_date ||
      p.switch_to_expired != stored.switch_to_expired || p.pay_stand_in != stored.pay_stand_in ||
      p.options.size() != stored.options.size()) {
    return false;
  }
  for (std::size_t i = 0; i < p.options.size(); ++i) {
    const PaymentOption& a = p.options[i];
    const PaymentOption& b = stored.options[i];
    if (a.iuv != b.iuv || a.amount != b.amount || a.description != b.description ||
        a.is_partial_payment != b.is_partial_payment || a.due_date != b.due_date ||
        a.retention_date != b.retention_date || a.fee != b.fee ||
        !SameMetadata(a.metadata, b.metadata) || a.transfers.size() != b.transfers.size()) {
      return false;
    }
    for (std::size_t j = 0; j < a.transfers.size(); ++j) {
      if (!SameTransfer(a.transfers[j], b.transfers[j])) return false;
    }
  }
  return true;
}

std::string Cell(std::string_view s) {
  std::string v(s);
  if (!v.empty() &&
      (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@' || v[0] == '\t' || v[0] == '\r')) {
    v.insert(v.begin(), '\'');
  }
  if (v.find_first_of(";\"\r\n") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

// Completes a position with the entity's defaults and checks it as GPD would (pure: runs on the
// reader thread). A bad one leaves with its error in a.errors and no position.
void CheckPosition(AssembledPosition& a, const Entity& entity, TimePoint now) {
  if (!a.errors.empty() || !a.position) return;
  DebtPosition& p = *a.position;
  p.entity_id = entity.id;
  if (p.company_name.empty()) p.company_name = entity.name;
  for (PaymentOption& o : p.options) {
    for (Transfer& t : o.transfers) {
      if (t.entity_fiscal_code.empty()) t.entity_fiscal_code = entity.fiscal_code;
    }
  }
  Status valid = ValidatePosition(p, entity.fiscal_code, now);
  if (!valid.ok()) {
    a.errors.push_back({a.first_row, valid.error().field, valid.error().message});
    a.position.reset();
    return;
  }
  for (std::size_t i = 0; i < p.options.size(); ++i) {
    PaymentOption& o = p.options[i];
    if (o.iuv.empty()) continue;
    auto nn = NoticeNumberFromIuv(o.iuv, 3, entity.segregation_code);
    if (!nn.ok()) {
      a.errors.push_back(
          {a.first_row, fmt::format("paymentOption[{}].iuv", i), nn.error().message});
      a.position.reset();
      return;
    }
    o.iuv = nn->iuv;
    o.nav = nn->nav;
  }
}

// What the reader thread hands to the importing thread, in file order.
struct ReadItem {
  enum class Kind { kPosition, kFatal, kEnd } kind = Kind::kPosition;
  AssembledPosition position;    // kPosition, checked by CheckPosition
  std::vector<RowError> errors;  // kFatal: why the rest of the file is unreadable
  std::int64_t rows = 0;         // data rows read so far
  std::uint64_t bytes = 0;       // bytes read so far
};

// A bounded queue of chunks of ReadItems between the reader thread and the importing thread.
class Handoff {
 public:
  // False when the consumer stopped (the reader then gives up).
  bool Push(std::vector<ReadItem> chunk) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return stopped_ || chunks_.size() < kMaxChunks; });
    if (stopped_) return false;
    chunks_.push_back(std::move(chunk));
    cv_.notify_all();
    return true;
  }
  // False once the reader is done and everything was taken.
  bool Pop(std::vector<ReadItem>& chunk) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return closed_ || !chunks_.empty(); });
    if (chunks_.empty()) return false;
    chunk = std::move(chunks_.front());
    chunks_.pop_front();
    cv_.notify_all();
    return true;
  }
  void Close(std::exception_ptr failure) {
    std::lock_guard lock(mu_);
    closed_ = true;
    failure_ = std::move(failure);
    cv_.notify_all();
  }
  void Stop() {
    std::lock_guard lock(mu_);
    stopped_ = true;
    chunks_.clear();
    cv_.notify_all();
  }
  std::exception_ptr failure() {
    std::lock_guard lock(mu_);
    return failure_;
  }

  static constexpr std::size_t kChunkItems = 256;

 private:
  static constexpr std::size_t kMaxChunks = 16;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::vector<ReadItem>> chunks_;
  bool closed_ = false, stopped_ = false;
  std::exception_ptr failure_;
};

// The reader thread: parses, maps, assembles and checks positions while the importing thread
// writes the previous batch (the two cores work at once). Never touches the database.
void ReadPositions(import::PositionSource& source, const Entity& entity, TimePoint now,
                   Handoff& handoff) {
  std::exception_ptr failure;
  try {
    import::Assembler assembler;
    std::vector<ReadItem> chunk;
    std::int64_t rows = 0;
    auto push = [&](ReadItem::Kind kind, std::optional<AssembledPosition> a,
                    std::vector<RowError> errors = {}) {
      ReadItem item;
      item.kind = kind;
      if (a) {
        CheckPosition(*a, entity, now);
        item.position = std::move(*a);
      }
      item.errors = std::move(errors);
      item.rows = rows;
      item.bytes = source.bytes_read();
      chunk.push_back(std::move(item));
      if (chunk.size() < Handoff::kChunkItems && kind == ReadItem::Kind::kPosition) return true;
      return handoff.Push(std::exchange(chunk, {}));
    };
    for (;;) {
      import::SourceItem item;
      auto step = source.Next(item);
      if (step == import::PositionSource::Step::kEnd) break;
      if (step == import::PositionSource::Step::kFatal) {
        // The rest of the file is unreadable: it counts as rejected as a whole.
        if (auto last = assembler.Finish()) {
          if (!push(ReadItem::Kind::kPosition, std::move(last))) break;
        }
        rows = std::max(rows, item.row);
        push(ReadItem::Kind::kFatal, std::nullopt, std::move(item.mapped.errors));
        break;
      }
      rows = std::max(rows, item.row);
      if (auto done = assembler.Add(std::move(item))) {
        if (!push(ReadItem::Kind::kPosition, std::move(done))) break;
      }
    }
    if (auto last = assembler.Finish()) push(ReadItem::Kind::kPosition, std::move(last));
    push(ReadItem::Kind::kEnd, std::nullopt);
  } catch (...) {
    failure = std::current_exception();
  }
  handoff.Close(std::move(failure));
}

struct Pending {
  std::int64_t first_row = 0;
  std::int64_t rows = 0;
  DebtPosition position;
};

class Importer {
 public:
  Importer(AppContext& ctx, const ImportCommand& cmd, const Entity& entity,
           BulkPositionWriter& writer, std::FILE* report, ImportOutcome& out)
      : ctx_(ctx),
        cmd_(cmd),
        entity_(entity),
        writer_(writer),
        report_(report),
        out_(out),
        now_(ctx.clock.Now()) {}

  TimePoint now() const { return now_; }

  // Takes a position checked by CheckPosition (the reader thread): rejects it or batches it.
  Status Add(AssembledPosition a) {
    ++out_.positions;
    if (!a.errors.empty() || !a.position) {
      Reject(a.rows, std::move(a.errors));
      return Ok();
    }
    DebtPosition& p = *a.position;
    if (batch_iupds_.count(p.iupd)) INCASSO_TRY(Flush());
    batch_iupds_.insert(p.iupd);
    batch_.push_back({a.first_row, a.rows, std::move(*a.position)});
    if (batch_.size() >= static_cast<std::size_t>(cmd_.batch_positions)) return Flush();
    return Ok();
  }

  void Reject(std::int64_t rows, std::vector<RowError> errors) {
    out_.rejected += rows;
    for (RowError& e : errors) {
      ++out_.errors;
      if (report_) {
        std::string line = ReportLine(e);
        std::fwrite(line.data(), 1, line.size(), report_);
      }
      if (out_.first_errors.size() < kFirstErrors) out_.first_errors.push_back(std::move(e));
    }
  }

  bool Writing() const {
    return !cmd_.dry_run && !(cmd_.mode == ImportMode::kAllOrNothing && out_.rejected > 0);
  }

  Status Flush() {
    if (batch_.empty()) return Ok();
    std::vector<Pending> batch = std::move(batch_);
    batch_.clear();
    batch_iupds_.clear();
    std::vector<std::string> iupds;
    iupds.reserve(batch.size());
    for (const Pending& b : batch) iupds.push_back(b.position.iupd);
    auto found = writer_.FindPositions(iupds);
    if (!found.ok()) return found.error();
    std::unordered_map<std::string, DebtPosition*> stored;
    for (DebtPosition& s : *found) stored[s.iupd] = &s;

    // Decide per position; keep the stored notice numbers of options given without an IUV.
    std::vector<Pending*> inserts, updates;
    std::vector<const DebtPosition*> update_from;
    for (Pending& b : batch) {
      DebtPosition& p = b.position;
      auto it = stored.find(p.iupd);
      if (it == stored.end()) {
        inserts.push_back(&b);
        continue;
      }
      const DebtPosition& s = *it->second;
      if (!IsOpen(s)) {
        Reject(b.rows, {{b.first_row, "iupd",
                         fmt::format("position {} is already stored as {} with payments or in a "
                                     "final state; it cannot be changed by an import",
                                     p.iupd, ToString(s.status))}});
        b.rows = -1;
        continue;
      }
      for (std::size_t i = 0; i < p.options.size() && i < s.options.size(); ++i) {
        if (p.options[i].iuv.empty()) {
          p.options[i].iuv = s.options[i].iuv;
          p.options[i].nav = s.options[i].nav;
        }
      }
      if (SameContent(p, s, cmd_.publish)) {
        ++out_.unchanged;
        b.rows = -1;
        continue;
      }
      updates.push_back(&b);
      update_from.push_back(&s);
    }

    // Given IUVs must be free (or already this position's) and unique within the batch.
    std::vector<std::string> given;
    std::map<std::string, std::string> owner_in_batch;
    for (auto* list : {&inserts, &updates}) {
      for (Pending* b : *list) {
        for (const PaymentOption& o : b->position.options) {
          if (o.iuv.empty()) continue;
          given.push_back(o.iuv);
          auto [pos, fresh] = owner_in_batch.emplace(o.iuv, b->position.iupd);
          if (!fresh && pos->second != b->position.iupd) {
            Reject(b->rows, {{b->first_row, "iuv",
                              fmt::format("IUV {} is also given to position {} in this file", o.iuv,
                                          pos->second)}});
            b->rows = -1;
          }
        }
      }
    }
    if (!given.empty()) {
      auto taken = writer_.FindTakenIuvs(given);
      if (!taken.ok()) return taken.error();
      std::unordered_map<std::string, std::string> owner(taken->begin(), taken->end());
      for (auto* list : {&inserts, &updates}) {
        for (Pending* b : *list) {
          if (b->rows < 0) continue;
          for (const PaymentOption& o : b->position.options) {
            auto t = owner.find(o.iuv);
            if (t != owner.end() && t->second != b->position.iupd) {
              Reject(b->rows,
                     {{b->first_row, "iuv",
                       fmt::format("IUV {} already belongs to position {}", o.iuv, t->second)}});
              b->rows = -1;
              break;
            }
          }
        }
      }
    }

    // Fresh notice numbers for options without one, in one reservation.
    int missing = 0;
    for (auto* list : {&inserts, &updates}) {
      for (Pending* b : *list) {
        if (b->rows < 0) continue;
        for (const PaymentOption& o : b->position.options) missing += o.iuv.empty() ? 1 : 0;
      }
    }
    std::uint64_t next_base = 0;
    const bool writing = Writing();
    if (missing > 0 && writing) {
      auto first = writer_.ReserveIuvBases(missing);
      if (!first.ok()) return first.error();
      next_base = *first;
    }
    std::vector<DebtPosition> to_insert;
    for (auto* list : {&inserts, &updates}) {
      for (Pending* b : *list) {
        if (b->rows < 0) continue;
        DebtPosition& p = b->position;
        for (PaymentOption& o : p.options) {
          if (o.iuv.empty() && writing) {
            auto nn = MakeNoticeNumberAux3(entity_.segregation_code, next_base++);
            if (!nn.ok()) return nn.error();
            o.iuv = nn->iuv;
            o.nav = nn->nav;
          }
          o.status = OptionStatus::kUnpaid;
          o.payment_date.reset();
          for (Transfer& t : o.transfers) {
            if (t.entity_fiscal_code.empty()) t.entity_fiscal_code = entity_.fiscal_code;
          }
        }
        p.status = InitialStatus(p, cmd_.publish, now_);
        p.created_at = now_;
        p.updated_at = now_;
        p.publish_date = cmd_.publish ? std::optional<TimePoint>(now_) : std::nullopt;
        p.payment_date.reset();
        p.version = 1;
      }
    }
    for (Pending* b : inserts) {
      if (b->rows < 0) continue;
      ++out_.created;
      if (writing) to_insert.push_back(std::move(b->position));
    }
    if (writing) INCASSO_TRY(writer_.InsertPositions(to_insert));
    for (std::size_t i = 0; i < updates.size(); ++i) {
      Pending* b = updates[i];
      if (b->rows < 0) continue;
      ++out_.updated;
      if (writing) INCASSO_TRY(writer_.ReplacePosition(b->position, update_from[i]->version));
    }
    if (writing && cmd_.mode == ImportMode::kValidRows) {
      INCASSO_TRY(writer_.Checkpoint());
      out_.committed = true;
    }
    return Ok();
  }

 private:
  AppContext& ctx_;
  const ImportCommand& cmd_;
  const Entity& entity_;
  BulkPositionWriter& writer_;
  std::FILE* report_;
  ImportOutcome& out_;
  const TimePoint now_;
  std::vector<Pending> batch_;
  std::unordered_set<std::string> batch_iupds_;
};

}  // namespace

const char* ToString(ImportMode m) {
  return m == ImportMode::kAllOrNothing ? "all-or-nothing" : "valid-rows";
}

Result<ImportMode> ParseImportMode(std::string_view text) {
  if (text == "all-or-nothing") return ImportMode::kAllOrNothing;
  if (text == "valid-rows") return ImportMode::kValidRows;
  return InvalidArgument("mode", "must be all-or-nothing or valid-rows");
}

std::string ReportLine(const import::RowError& e) {
  return fmt::format("{};{};{}\n", e.row, Cell(e.field), Cell(e.message));
}

namespace {

std::string JsonString(std::string_view text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      out += fmt::format("\\u{:04x}", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

std::string FileName(const ImportCommand& cmd) {
  const auto slash = cmd.path.find_last_of('/');
  return slash == std::string::npos ? cmd.path : cmd.path.substr(slash + 1);
}

// What the import.completed message is about, unique per entity (the outbox's key): "job:ID"
// for an API job, otherwise "file:" + a per-run token (the same file may be imported again).
std::string ImportReference(const ImportCommand& cmd, TimePoint now) {
  if (!cmd.job_id.empty()) return "job:" + cmd.job_id;
  static std::atomic<std::uint64_t> runs{0};
  return fmt::format("file:{}:{}:{}", FormatDateTime(now), ::getpid(), runs.fetch_add(1));
}

// The import.completed payload: identifiers and counts only, no personal data.
std::string ImportCompletedPayload(const ImportCommand& cmd, const ImportOutcome& out) {
  return fmt::format(
      "{{\"type\":\"{}\",\"importId\":{},\"fileName\":{},\"format\":{},\"mode\":\"{}\","
      "\"rows\":{},\"created\":{},\"updated\":{},\"unchanged\":{},\"rejected\":{}}}",
      kWebhookImportCompleted, cmd.job_id.empty() ? "null" : JsonString(cmd.job_id),
      cmd.job_id.empty() ? JsonString(FileName(cmd)) : "null", JsonString(out.format),
      ToString(cmd.mode), out.rows, out.created, out.updated, out.unchanged, out.rejected);
}

}  // namespace

Result<ImportOutcome> ImportFile(AppContext& ctx, const Caller& caller, const ImportCommand& cmd) {
  auto entity = GetEntity(ctx, cmd.entity_fiscal_code);
  if (!entity.ok()) return entity.error();
  if (entity->status != EntityStatus::kActive) {
    return Error{ErrorCode::kForbidden,
                 {},
                 fmt::format("institution {} is suspended", entity->fiscal_code),
                 {}};
  }
  if (cmd.batch_positions < 1 || cmd.batch_positions > 100000) {
    return InvalidArgument("batch", "must be 1 to 100000 positions");
  }
  import::AdapterContext actx;
  actx.entity_fiscal_code = entity->fiscal_code;
  actx.now = ctx.clock.Now();
  auto services = ctx.store.ListServices(entity->id);
  if (!services.ok()) return services.error();
  for (Service& s : *services) {
    if (s.active) actx.services.push_back(std::move(s));
  }
  auto source = import::OpenSource(cmd.path, cmd.format, actx, cmd.json_parser);
  if (!source.ok()) return source.error();

  std::unique_ptr<std::FILE, int (*)(std::FILE*)> report(nullptr, &std::fclose);
  if (!cmd.report_path.empty()) {
    report.reset(std::fopen(cmd.report_path.c_str(), "wb"));
    if (!report) {
      return InvalidArgument("report", fmt::format("cannot write '{}'", cmd.report_path));
    }
    std::fputs("row;field;message\n", report.get());
  }

  ImportOutcome out;
  out.format = (*source)->format();
  const auto lock_start = std::chrono::steady_clock::now();
  auto writer = ctx.store.BeginBulkWrite(entity->id, cmd.dry_run);
  if (!writer.ok()) return writer.error();
  Importer importer(ctx, cmd, *entity, **writer, report.get(), out);
  ImportProgress progress;
  std::uint64_t bytes_done = 0;  // as far as the reader thread got
  progress.bytes_total = (*source)->bytes_total();
  auto report_progress = [&] {
    if (!cmd.on_progress) return;
    progress.rows = out.rows;
    progress.bytes_done = bytes_done;
    progress.created = out.created;
    progress.updated = out.updated;
    progress.unchanged = out.unchanged;
    progress.rejected = out.rejected;
    cmd.on_progress(progress);
  };
  constexpr std::int64_t kProgressEvery = 10000;
  std::int64_t next_progress = kProgressEvery;
  Handoff handoff;
  std::thread reader([&] { ReadPositions(**source, *entity, importer.now(), handoff); });
  auto consume = [&]() -> Status {
    std::vector<ReadItem> chunk;
    while (handoff.Pop(chunk)) {
      for (ReadItem& item : chunk) {
        out.rows = std::max(out.rows, item.rows);
        bytes_done = item.bytes;
        if (item.kind == ReadItem::Kind::kPosition) {
          INCASSO_TRY(importer.Add(std::move(item.position)));
        } else if (item.kind == ReadItem::Kind::kFatal) {
          importer.Reject(1, std::move(item.errors));
        }
        if (out.rows >= next_progress) {
          report_progress();
          next_progress = (out.rows / kProgressEvery + 1) * kProgressEvery;
        }
      }
    }
    return Ok();
  };
  Status consumed = consume();
  handoff.Stop();  // a failed write leaves the reader nothing to wait for
  reader.join();
  if (auto failure = handoff.failure()) std::rethrow_exception(failure);
  INCASSO_TRY(consumed);
  INCASSO_TRY(importer.Flush());
  if (cmd.dry_run) {
    INCASSO_TRY((*writer)->Commit());  // read-only: ends the snapshot
  } else if (cmd.mode == ImportMode::kValidRows || out.rejected == 0) {
    const TimePoint now = ctx.clock.Now();
    INCASSO_TRY((*writer)->QueueOutbox(kWebhookImportCompleted, ImportReference(cmd, now),
                                       ImportCompletedPayload(cmd, out), now));
    INCASSO_TRY((*writer)->Commit());
    out.committed = out.committed || out.created + out.updated > 0;
  }
  writer->reset();  // rolls back an all-or-nothing import with rejected rows
  out.write_lock_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - lock_start).count();
  report_progress();
  if (report) {
    if (std::fflush(report.get()) != 0) return Unavailable("the report cannot be written");
  }

  Event ev =
      InboundEvent(ctx, caller, cmd.dry_run ? "position.import.check" : "position.import", *entity);
  ev.outcome = out.rejected == 0 ? "OK" : "KO";
  ev.detail = fmt::format(
      "format={} mode={} rows={} created={} updated={} unchanged={} "
      "rejected={} committed={}",
      out.format, ToString(cmd.mode), out.rows, out.created, out.updated, out.unchanged,
      out.rejected, out.committed);
  RecordEvent(ctx, ev);
  return out;
}

}  // namespace incasso
