// Storage port benchmarks: the hot paths of the node-facing operations (verify/get payment look
// up a position by notice number, receipts are inserted, positions are created with fresh IUVs).
//
// Runs on SQLite (a file in a temp directory, WAL, synchronous=FULL: every commit is an fsync, so
// the figures reflect the disk) and, when INCASSO_TEST_POSTGRES_URL is set, on PostgreSQL in a
// throwaway schema. Google Benchmark prints the machine (CPUs, caches, load) before the figures.
//
//   storage_bench [--benchmark_filter=sqlite]
#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "storage/db.hpp"
#include "storage/open_store.hpp"

namespace incasso {
namespace {

constexpr int kSeedPositions = 1000;

// One migrated database with kSeedPositions positions of one entity; cleaned up on destruction.
class BenchDatabase {
 public:
  static std::unique_ptr<BenchDatabase> Open(const std::string& backend) {
    auto b = std::unique_ptr<BenchDatabase>(new BenchDatabase());
    b->backend_ = backend;
    if (backend == "sqlite") {
      std::string dir = (std::filesystem::temp_directory_path() / "incasso-bench-XXXXXX").string();
      if (mkdtemp(dir.data()) == nullptr) return Fail("cannot create a temp directory");
      b->dir_ = dir;
      b->options_.url = "sqlite:" + dir + "/bench.db";
    } else {
      const char* url = std::getenv("INCASSO_TEST_POSTGRES_URL");
      if (url == nullptr || *url == '\0') return nullptr;
      b->admin_url_ = url;
      b->schema_ = fmt::format("incasso_bench_{}", static_cast<long>(getpid()));
      auto admin = storage::OpenDb(StoreOptions{b->admin_url_, 1, 5000});
      if (!admin.ok()) return Fail(admin.error().ToText());
      auto created = (*admin)->Execute(fmt::format("CREATE SCHEMA {}", b->schema_));
      if (!created.ok()) return Fail(created.error().detail);
      char sep = b->admin_url_.find('?') == std::string::npos ? '?' : '&';
      b->options_.url =
          fmt::format("{}{}options=-csearch_path%3D{}", b->admin_url_, sep, b->schema_);
    }
    auto migrated = MigrateStore(b->options_);
    if (!migrated.ok()) return Fail(migrated.error().ToText() + " " + migrated.error().detail);
    auto store = OpenStore(b->options_);
    if (!store.ok()) return Fail(store.error().ToText());
    b->store_ = std::move(*store);
    Entity e;
    e.fiscal_code = "80000000001";
    e.name = "Comune";
    e.slug = "comune";
    e.segregation_code = "01";
    auto entity = b->store_->CreateEntity(e);
    if (!entity.ok()) return Fail(entity.error().ToText());
    b->entity_id_ = entity->id;
    for (int i = 0; i < kSeedPositions; ++i) {
      auto p = b->store_->InsertPosition(b->entity_id_, b->MakePosition());
      if (!p.ok()) return Fail(p.error().ToText());
    }
    return b;
  }

  ~BenchDatabase() {
    store_.reset();
    if (!schema_.empty()) {
      auto admin = storage::OpenDb(StoreOptions{admin_url_, 1, 5000});
      if (admin.ok()) (void)(*admin)->Execute(fmt::format("DROP SCHEMA {} CASCADE", schema_));
    }
    if (!dir_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(dir_, ec);
    }
  }

  Store& store() { return *store_; }
  std::int64_t entity_id() const { return entity_id_; }

  // A position with 1 option and 1 transfer and keys never used before.
  DebtPosition MakePosition() {
    long n = next_++;
    DebtPosition p;
    p.iupd = fmt::format("BENCH-{}", n);
    p.debtor.fiscal_code = "RSSMRA80A01H501U";
    p.debtor.full_name = "Mario Rossi";
    p.status = PositionStatus::kValid;
    p.created_at = TimePoint{std::chrono::seconds(1'800'000'000 + n)};
    p.updated_at = p.created_at;
    PaymentOption o;
    o.iuv = fmt::format("01{:013d}", n);
    o.nav = "3" + o.iuv;
    o.amount = 12345;
    o.description = "TARI 2026";
    o.due_date = p.created_at + std::chrono::hours(24 * 30);
    Transfer t;
    t.amount = 12345;
    t.remittance_information = "TARI 2026";
    t.category = "9/0101108TS/";
    t.iban = "IT60X0542811101000000123456";
    o.transfers.push_back(t);
    p.options.push_back(o);
    return p;
  }

  static std::string Iupd(long n) { return fmt::format("BENCH-{}", n); }
  static std::string Nav(long n) { return fmt::format("301{:013d}", n); }
  long NextNumber() { return next_++; }

 private:
  BenchDatabase() = default;
  static std::unique_ptr<BenchDatabase> Fail(const std::string& why) {
    std::fprintf(stderr, "storage_bench: %s\n", why.c_str());
    std::exit(1);
  }

  std::string backend_;
  StoreOptions options_;
  std::string dir_;
  std::string admin_url_;
  std::string schema_;
  std::unique_ptr<Store> store_;
  std::int64_t entity_id_ = 0;
  long next_ = 0;
};

void Check(benchmark::State& state, const Error& e) {
  state.SkipWithError((e.ToText() + " | " + e.detail).c_str());
}

void InsertPosition(benchmark::State& state, BenchDatabase* db) {
  for (auto _ : state) {
    state.PauseTiming();
    DebtPosition p = db->MakePosition();
    state.ResumeTiming();
    auto r = db->store().InsertPosition(db->entity_id(), p);
    if (!r.ok()) return Check(state, r.error());
  }
  state.SetItemsProcessed(state.iterations());
}

void GetPosition(benchmark::State& state, BenchDatabase* db) {
  long i = 0;
  for (auto _ : state) {
    auto r = db->store().GetPosition(db->entity_id(), BenchDatabase::Iupd(i++ % kSeedPositions));
    if (!r.ok() || !r->has_value()) return Check(state, r.ok() ? NotFound("position") : r.error());
  }
  state.SetItemsProcessed(state.iterations());
}

void FindPositionByNoticeNumber(benchmark::State& state, BenchDatabase* db) {
  long i = 0;
  for (auto _ : state) {
    auto r = db->store().FindPositionByNoticeNumber(db->entity_id(),
                                                    BenchDatabase::Nav(i++ % kSeedPositions));
    if (!r.ok() || !r->has_value()) return Check(state, r.ok() ? NotFound("position") : r.error());
  }
  state.SetItemsProcessed(state.iterations());
}

void ReserveIuvBases(benchmark::State& state, BenchDatabase* db) {
  for (auto _ : state) {
    auto r = db->store().ReserveIuvBases(db->entity_id(), 1);
    if (!r.ok()) return Check(state, r.error());
  }
  state.SetItemsProcessed(state.iterations());
}

void InsertReceipt(benchmark::State& state, BenchDatabase* db) {
  Receipt r;
  r.notice_number = BenchDatabase::Nav(0);
  r.iuv = r.notice_number.substr(1);
  r.outcome = "OK";
  r.amount = 12345;
  r.psp_id = "BCITITMM";
  r.debtor.fiscal_code = "RSSMRA80A01H501U";
  r.transfers.resize(1);
  r.transfers[0].amount = 12345;
  r.original_xml = std::string(2000, 'x');  // a typical paSendRTV2 body size
  r.source = "paSendRTV2";
  for (auto _ : state) {
    r.receipt_id = fmt::format("RT-{}", db->NextNumber());
    auto inserted = db->store().InsertReceipt(db->entity_id(), r);
    if (!inserted.ok()) return Check(state, inserted.error());
  }
  state.SetItemsProcessed(state.iterations());
}

}  // namespace
}  // namespace incasso

int main(int argc, char** argv) {
  using incasso::BenchDatabase;
  benchmark::Initialize(&argc, argv);
  std::vector<std::unique_ptr<BenchDatabase>> dbs;
  for (std::string backend : {"sqlite", "postgresql"}) {
    auto db = BenchDatabase::Open(backend);
    if (!db) {
      std::fprintf(stderr, "storage_bench: %s skipped (set INCASSO_TEST_POSTGRES_URL)\n",
                   backend.c_str());
      continue;
    }
    BenchDatabase* raw = db.get();
    benchmark::RegisterBenchmark(("InsertPosition/" + backend).c_str(), incasso::InsertPosition,
                                 raw);
    benchmark::RegisterBenchmark(("GetPosition/" + backend).c_str(), incasso::GetPosition, raw);
    benchmark::RegisterBenchmark(("FindPositionByNoticeNumber/" + backend).c_str(),
                                 incasso::FindPositionByNoticeNumber, raw);
    benchmark::RegisterBenchmark(("ReserveIuvBases/" + backend).c_str(), incasso::ReserveIuvBases,
                                 raw);
    benchmark::RegisterBenchmark(("InsertReceipt/" + backend).c_str(), incasso::InsertReceipt, raw);
    benchmark::AddCustomContext("backend." + backend, backend == "sqlite"
                                                          ? "temp file, WAL, synchronous=FULL"
                                                          : "INCASSO_TEST_POSTGRES_URL");
    dbs.push_back(std::move(db));
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
