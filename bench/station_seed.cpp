// Seeds a database for the station load test (bench/station/run.sh): the intermediary
// 93000111224 with station 93000111224_01, one institution (00123456782, comune-bench, segregation
// code 01) with an IBAN account, and COUNT published debt positions of one option each (1 or 2
// transfers), created through the real use case (app::CreatePosition) with the system clock, so
// `incasso serve` finds them payable. A benchmark helper, not a test (STYLE.md rule 16): it prints
// the seeding rate and the machine.
//
//   station_seed DATABASE_URL COUNT NAV_FILE [THREADS]
//
// NAV_FILE gets one line per position, tab-separated:
//   nav  iuv  amount_cents  transfers  transfer1_cents  transfer2_cents(0 when one transfer)
// which the wrk scripts read to build valid requests and receipts.
//
// Notice numbers are reserved up front in one AllocateNoticeNumbers call and handed to
// CreatePosition as IUVs: the per-position transaction count drops from three (reserve, insert,
// event) to two (insert, event). Each is still an fsync (SQLite WAL + synchronous=FULL): on this
// VM's disk that gave ~440 positions/s for 100,000 (227 s), against ~12,000/s on tmpfs, which is
// why run.sh seeds in /dev/shm. THREADS (default 1) barely matters: SQLite writes are serialized.
#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "app/context.hpp"
#include "app/entities.hpp"
#include "app/positions.hpp"
#include "core/clock.hpp"
#include "storage/open_store.hpp"

namespace incasso {
namespace {

constexpr const char* kBroker = "93000111224";
constexpr const char* kStation = "93000111224_01";
constexpr const char* kEntity = "00123456782";
constexpr const char* kEntityIban = "IT67V0542404200000000123456";
// The second transfer of two-transfer positions goes to another institution (multi-beneficiary).
constexpr const char* kSecondEntity = "80012345676";
constexpr const char* kSecondIban = "IT84Q0760104200000012345678";
constexpr std::int64_t kSecondCents = 500;

int Die(const std::string& what) {
  std::fprintf(stderr, "station_seed: %s\n", what.c_str());
  return 1;
}

std::string CpuModel() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      auto colon = line.find(':');
      if (colon != std::string::npos) return line.substr(colon + 2);
    }
  }
  return "unknown";
}

// Position i: amount 10.00..59.99 euro; odd i have a second transfer of 5.00 euro.
DebtPosition MakePosition(int i, const NoticeNumber& nn, TimePoint now) {
  const std::int64_t cents = 1000 + (static_cast<std::int64_t>(i) * 37) % 5000;
  DebtPosition p;
  p.iupd = fmt::format("BENCH-{:07d}", i);
  p.debtor.fiscal_code = "RSSMRA85T10A562S";
  p.debtor.full_name = "Mario Rossi";
  p.debtor.email = "mario.rossi@example.org";
  p.company_name = "Comune di Bench";
  p.office_name = "Ufficio tributi";
  PaymentOption o;
  o.iuv = nn.iuv;
  o.amount = cents;
  o.description = fmt::format("Tassa rifiuti 2027 rata unica n. {}", i);
  o.due_date = now + std::chrono::days{365};
  Transfer t;
  t.id_transfer = 1;
  t.amount = (i % 2 == 1) ? cents - kSecondCents : cents;
  t.iban = kEntityIban;
  t.remittance_information = "TARI 2027";
  t.category = "9/0101101IM/";
  o.transfers.push_back(t);
  if (i % 2 == 1) {
    Transfer t2;
    t2.id_transfer = 2;
    t2.amount = kSecondCents;
    t2.entity_fiscal_code = kSecondEntity;
    t2.iban = kSecondIban;
    t2.remittance_information = "Addizionale provinciale TARI 2027";
    t2.category = "9/0101101IM/";
    o.transfers.push_back(t2);
  }
  p.options.push_back(std::move(o));
  return p;
}

int Run(int argc, char** argv) {
  if (argc < 4) {
    return Die("usage: station_seed DATABASE_URL COUNT NAV_FILE [THREADS]");
  }
  const StoreOptions options{argv[1], 8, 30000};
  const int count = std::atoi(argv[2]);
  const std::string nav_path = argv[3];
  const int threads = argc > 4 ? std::max(1, std::atoi(argv[4])) : 1;
  if (count < 1 || count > 1000000) return Die("COUNT must be 1..1000000");

  auto migrated = MigrateStore(options);
  if (!migrated.ok()) return Die(migrated.error().ToText() + " " + migrated.error().detail);
  auto opened = OpenStore(options);
  if (!opened.ok()) return Die(opened.error().ToText());
  std::unique_ptr<Store> store = std::move(*opened);
  auto clock = NewSystemClock();
  AppContext ctx{*store, *clock};
  const Caller caller{"cli", "station-seed"};

  if (auto st = store->SaveIntermediary({kBroker, "Regione Bench", 3}); !st.ok()) {
    return Die(st.error().ToText());
  }
  if (auto st = store->SaveStation({kStation, "Stazione regionale (bench)", true}); !st.ok()) {
    return Die(st.error().ToText());
  }
  Entity e;
  e.fiscal_code = kEntity;
  e.name = "Comune di Bench";
  e.department = "Ufficio tributi";
  e.slug = "comune-bench";
  e.segregation_code = "01";
  e.station_id = kStation;
  auto entity = AddEntity(ctx, caller, e);
  if (!entity.ok()) return Die("entity: " + entity.error().ToText());
  IbanAccount account;
  account.iban = kEntityIban;
  account.label = "Conto di tesoreria";
  if (auto a = AddIbanAccount(ctx, caller, entity->id, account); !a.ok()) {
    return Die("iban: " + a.error().ToText());
  }

  const auto started = std::chrono::steady_clock::now();
  auto numbers = AllocateNoticeNumbers(ctx, *entity, count);
  if (!numbers.ok()) return Die("notice numbers: " + numbers.error().ToText());
  const TimePoint now = clock->Now();

  std::atomic<int> next{0};
  std::atomic<int> failed{0};
  std::vector<std::string> lines(static_cast<size_t>(count));
  auto worker = [&] {
    for (int i = next++; i < count && failed == 0; i = next++) {
      CreatePositionCommand cmd{kEntity, MakePosition(i, (*numbers)[i], now), true};
      auto created = CreatePosition(ctx, caller, cmd);
      if (!created.ok()) {
        if (failed++ == 0) {
          std::fprintf(stderr, "position %d: %s\n", i, created.error().ToText().c_str());
        }
        return;
      }
      const PaymentOption& o = created->options.front();
      lines[static_cast<size_t>(i)] =
          fmt::format("{}\t{}\t{}\t{}\t{}\t{}\n", o.nav, o.iuv, o.amount, o.transfers.size(),
                      o.transfers[0].amount, o.transfers.size() > 1 ? o.transfers[1].amount : 0);
      if ((i + 1) % 20000 == 0) {
        const double s =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        std::fprintf(stderr, "  %d positions after %.1f s\n", i + 1, s);
      }
    }
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back(worker);
  for (auto& t : pool) t.join();
  if (failed > 0) return Die(fmt::format("{} positions failed", failed.load()));
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  std::FILE* out = std::fopen(nav_path.c_str(), "w");
  if (out == nullptr) return Die("cannot write " + nav_path);
  for (const auto& l : lines) std::fputs(l.c_str(), out);
  if (std::fclose(out) != 0) return Die("cannot write " + nav_path);

  std::printf(
      "station_seed: %d positions in %.1f s = %.0f positions/s (%d threads, CreatePosition, "
      "%s)\n",
      count, seconds, count / seconds, threads, std::string(store->Backend()).c_str());
  std::printf("machine: %u cpus, %s\n", std::thread::hardware_concurrency(), CpuModel().c_str());
  return 0;
}

}  // namespace
}  // namespace incasso

int main(int argc, char** argv) { return incasso::Run(argc, argv); }
