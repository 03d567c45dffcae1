// The station as the node meets it, over real HTTP against the `incasso serve` binary:
// - 16 connections delivering the same receipt at once: exactly one OK, the rest
//   PAA_RECEIPT_DUPLICATA;
// - kill -9 during a stream of paSendRTV2: after a restart every receipt answered OK is stored,
//   exactly once, and the node's retries of the others complete the set.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <regex>
#include <set>
#include <thread>

#include "app/entities.hpp"
#include "app/positions.hpp"
#include "http/client.hpp"
#include "nodesim/station_messages.hpp"
#include "storage/open_store.hpp"
#include "tests/support/databases.hpp"
#include "tests/support/process.hpp"

namespace incasso {
namespace {

const std::string kBinary = INCASSO_BINARY;
constexpr const char* kEntity = "00123456782";

struct Seeded {
  std::string nav;
  std::string iuv;
  std::int64_t amount = 0;
};

class StationCrashTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    url_ = testing::FreshDatabaseUrl(GetParam(), tmp_.path());
    if (url_.empty()) GTEST_SKIP() << "set INCASSO_TEST_POSTGRES_URL to run on PostgreSQL";
    StoreOptions options{url_, 4, 5000};
    ASSERT_TRUE(MigrateStore(options).ok());
    auto store = OpenStore(options);
    ASSERT_TRUE(store.ok()) << store.error().ToText();
    store_ = std::move(*store);
    ASSERT_TRUE(store_->SaveIntermediary({"93000111224", "Regione Test", 3}).ok());
    ASSERT_TRUE(store_->SaveStation({"93000111224_01", "Stazione", true}).ok());
    AppContext ctx{*store_, *clock_};
    Entity e;
    e.fiscal_code = kEntity;
    e.name = "Comune di Valdimonte";
    e.slug = "comune-valdimonte";
    e.segregation_code = "01";
    auto entity = AddEntity(ctx, Caller{}, e);
    ASSERT_TRUE(entity.ok()) << entity.error().ToText();
    entity_id_ = entity->id;
  }

  void Seed(int n) {
    AppContext ctx{*store_, *clock_};
    for (int i = 0; i < n; ++i) {
      DebtPosition p;
      p.iupd = "CRASH-" + std::to_string(i);
      p.debtor.fiscal_code = "RSSMRA85T10A562S";
      p.debtor.full_name = "Mario Rossi";
      p.company_name = "Comune di Valdimonte";
      PaymentOption o;
      o.amount = 1000 + i;
      o.description = "Mensa scolastica";
      o.due_date = clock_->Now() + std::chrono::days{30};
      Transfer t;
      t.amount = o.amount;
      t.iban = "IT67V0542404200000000123456";
      t.remittance_information = "Mensa scolastica";
      t.category = "9/0201133SE/";
      o.transfers.push_back(t);
      p.options.push_back(o);
      auto created = CreatePosition(ctx, Caller{}, {kEntity, p, true});
      ASSERT_TRUE(created.ok()) << created.error().ToText();
      seeded_.push_back({created->options[0].nav, created->options[0].iuv, o.amount});
    }
  }

  std::string ReceiptXml(const Seeded& s, const std::string& receipt_id) const {
    nodesim::ReceiptInput in;
    in.receipt_id = receipt_id;
    in.notice_number = s.nav;
    in.payment.creditor_reference_id = s.iuv;
    in.payment.amount_cents = s.amount;
    in.payment.due_date = FormatDate(std::chrono::floor<std::chrono::days>(clock_->Now()));
    in.payment.description = "Mensa scolastica";
    in.payment.company_name = "Comune di Valdimonte";
    in.payment.debtor = {"F", "RSSMRA85T10A562S", "Mario Rossi", "", "", "", "", "", "", ""};
    nodesim::StationTransfer t;
    t.amount_cents = s.amount;
    t.fiscal_code_pa = kEntity;
    t.iban = "IT67V0542404200000000123456";
    t.remittance_information = "Mensa scolastica";
    t.transfer_category = "9/0201133SE/";
    in.payment.transfers.push_back(t);
    in.paid_at = clock_->Now();
    return nodesim::SendRtRequestXml({kEntity, "93000111224", "93000111224_01"}, 2, in);
  }

  // "OK", a PAA_* code, or "ERROR" when the station could not be reached.
  static std::string Send(int port, const std::string& body) {
    http::ClientRequest req;
    req.method = "POST";
    req.url = "http://127.0.0.1:" + std::to_string(port) + "/pagopa/paForNode";
    req.headers = {{"SOAPAction", "\"paSendRTV2\""}, {"Content-Type", "text/xml"}};
    req.body = body;
    req.timeout = std::chrono::seconds(20);
    auto resp = http::HttpCall(req);
    if (!resp.ok()) return "ERROR";
    if (resp->body.find("<outcome>OK</outcome>") != std::string::npos) return "OK";
    std::smatch m;
    if (std::regex_search(resp->body, m, std::regex("<faultCode>([A-Z_]+)</faultCode>")))
      return m[1];
    return "ERROR";
  }

  std::unique_ptr<testing::RunningProcess> StartServer(int& port) {
    auto server = std::make_unique<testing::RunningProcess>(
        std::vector<std::string>{kBinary, "serve"},
        std::map<std::string, std::string>{{"INCASSO_DATABASE_URL", url_},
                                           {"INCASSO_HTTP_PORT", "0"},
                                           {"INCASSO_LOG_LEVEL", "error"}},
        tmp_.path().string());
    std::string line = server->WaitForLine("listening on", std::chrono::seconds(30));
    std::smatch m;
    EXPECT_TRUE(std::regex_search(line, m, std::regex(":(\\d+)/"))) << server->ReadAllStderr();
    port = m.empty() ? 0 : std::stoi(m[1]);
    return server;
  }

  testing::TempDir tmp_;
  std::string url_;
  std::unique_ptr<Clock> clock_ = NewSystemClock();
  std::unique_ptr<Store> store_;
  std::int64_t entity_id_ = 0;
  std::vector<Seeded> seeded_;
};

TEST_P(StationCrashTest, SixteenConnectionsSameReceiptExactlyOneStored) {
  Seed(1);
  int port = 0;
  auto server = StartServer(port);
  ASSERT_GT(port, 0);
  const std::string body = ReceiptXml(seeded_[0], "SAME0000000000000000000000000001");
  std::vector<std::string> answers(16);
  std::vector<std::thread> threads;
  for (int i = 0; i < 16; ++i) threads.emplace_back([&, i] { answers[i] = Send(port, body); });
  for (auto& t : threads) t.join();
  int ok = 0, dup = 0;
  for (const auto& a : answers) {
    ok += a == "OK";
    dup += a == "PAA_RECEIPT_DUPLICATA";
  }
  EXPECT_EQ(ok, 1);
  EXPECT_EQ(dup, 15);
  auto receipts = store_->ListReceipts(entity_id_, ReceiptFilter{});
  ASSERT_TRUE(receipts.ok());
  EXPECT_EQ(receipts->size(), 1u);
  auto outbox = store_->ListOutbox(entity_id_, 100);
  ASSERT_TRUE(outbox.ok());
  std::size_t receipt_messages = 0;
  for (const auto& m : *outbox) receipt_messages += m.kind == "receipt" ? 1 : 0;
  EXPECT_EQ(receipt_messages, 1u);
}

TEST_P(StationCrashTest, KillDuringReceiptsLosesNothingAnsweredOk) {
  constexpr int kReceipts = 150;
  Seed(kReceipts);
  std::vector<std::string> bodies;
  for (int i = 0; i < kReceipts; ++i) {
    char id[40];
    std::snprintf(id, sizeof id, "CRASH%027d", i);
    bodies.push_back(ReceiptXml(seeded_[i], id));
  }
  int port = 0;
  auto server = StartServer(port);
  ASSERT_GT(port, 0);
  std::vector<std::string> first(kReceipts);
  std::atomic<int> ok_count{0};
  std::thread sender([&] {
    for (int i = 0; i < kReceipts; ++i) {
      first[i] = Send(port, bodies[i]);
      if (first[i] == "OK") ++ok_count;
      if (first[i] == "ERROR") break;  // the server is gone
    }
  });
  while (ok_count.load() < 40) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  server->Signal(SIGKILL);  // mid-stream: a receipt may be in flight
  sender.join();
  server->WaitExit(std::chrono::seconds(5));
  server.reset();
  std::set<int> answered_ok;
  for (int i = 0; i < kReceipts; ++i) {
    if (first[i] == "OK") answered_ok.insert(i);
  }
  ASSERT_GE(answered_ok.size(), 40u);
  ASSERT_LT(answered_ok.size(), static_cast<size_t>(kReceipts)) << "the kill came too late";

  // Every receipt answered OK is in the database, before any retry.
  ReceiptFilter every;
  every.limit = 1000;
  auto before = store_->ListReceipts(entity_id_, every);
  ASSERT_TRUE(before.ok()) << before.error().ToText();
  std::set<std::string> stored;
  for (const auto& r : *before) stored.insert(r.receipt.receipt_id);
  for (int i : answered_ok) {
    char id[40];
    std::snprintf(id, sizeof id, "CRASH%027d", i);
    EXPECT_TRUE(stored.count(id)) << "receipt " << id << " was answered OK but is not stored";
  }

  // The node retries every receipt it did not get an OK for (and we resend all of them).
  auto restarted = StartServer(port);
  ASSERT_GT(port, 0);
  for (int i = 0; i < kReceipts; ++i) {
    std::string again = Send(port, bodies[i]);
    if (answered_ok.count(i)) {
      EXPECT_EQ(again, "PAA_RECEIPT_DUPLICATA") << i;
    } else {
      EXPECT_TRUE(again == "OK" || again == "PAA_RECEIPT_DUPLICATA") << i << ": " << again;
    }
  }
  auto after = store_->ListReceipts(entity_id_, every);
  ASSERT_TRUE(after.ok());
  std::set<std::string> unique;
  for (const auto& r : *after) unique.insert(r.receipt.receipt_id);
  EXPECT_EQ(after->size(), static_cast<size_t>(kReceipts));
  EXPECT_EQ(unique.size(), static_cast<size_t>(kReceipts));
  AppContext ctx{*store_, *clock_};
  auto paid = ListPositions(ctx, kEntity, [] {
    PositionFilter f;
    f.status = PositionStatus::kPaid;
    f.limit = 1000;
    return f;
  }());
  ASSERT_TRUE(paid.ok());
  EXPECT_EQ(paid->size(), static_cast<size_t>(kReceipts));
}

INSTANTIATE_TEST_SUITE_P(Backends, StationCrashTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace incasso
