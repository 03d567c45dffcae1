// Bulk import (app/imports.hpp) over SQLite and PostgreSQL: every format's sample files, bad rows
// reported with row and field, all-or-nothing, re-import idempotence, and kill -9 of the real
// binary in the middle of an import.
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <set>
#include <sstream>

#include "api/gpd_json.hpp"
#include "app/entities.hpp"
#include "app/imports.hpp"
#include "storage/open_store.hpp"
#include "tests/support/databases.hpp"
#include "tests/support/process.hpp"

namespace incasso {
namespace {

const TimePoint kNow = *ParseDateTime("2026-11-26T10:00:00Z");
const std::string kData = INCASSO_SOURCE_DIR "/tests/data/import";
constexpr const char* kEntity = "00123456782";

class ImportTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    url_ = testing::FreshDatabaseUrl(GetParam(), tmp_.path());
    if (url_.empty()) GTEST_SKIP() << "set INCASSO_TEST_POSTGRES_URL to run on PostgreSQL";
    StoreOptions options{url_, 4, 5000};
    ASSERT_TRUE(MigrateStore(options).ok());
    auto store = OpenStore(options);
    ASSERT_TRUE(store.ok()) << store.error().ToText();
    store_ = std::move(*store);
    AppContext ctx = Ctx();
    for (auto [fc, slug, seg] : {std::tuple{kEntity, "comune-valdimonte", "01"},
                                 std::tuple{"80012345676", "universita", "02"}}) {
      Entity e;
      e.fiscal_code = fc;
      e.name = "Ente " + std::string(slug);
      e.slug = slug;
      e.segregation_code = seg;
      auto added = AddEntity(ctx, Caller{}, e);
      ASSERT_TRUE(added.ok()) << added.error().ToText();
      if (std::string(fc) == kEntity) entity_id_ = added->id;
    }
  }

  AppContext Ctx() { return AppContext{*store_, clock_}; }

  Result<ImportOutcome> Import(const std::string& path, ImportMode mode = ImportMode::kAllOrNothing,
                               bool dry_run = false, const std::string& entity = kEntity) {
    ImportCommand c;
    c.entity_fiscal_code = entity;
    c.path = path;
    c.mode = mode;
    c.dry_run = dry_run;
    c.report_path = (tmp_.path() / "report.csv").string();
    c.json_parser = [](std::string_view json) { return ParsePositionJson(json); };
    c.batch_positions = 2;  // several batches even for the small samples
    AppContext ctx = Ctx();
    return ImportFile(ctx, Caller{"cli", {}}, c);
  }

  std::int64_t Count(std::int64_t entity_id = 0) {
    auto n = store_->CountPositions(entity_id ? entity_id : entity_id_);
    EXPECT_TRUE(n.ok());
    return n.ok() ? *n : -1;
  }

  std::string Report() {
    std::ifstream in(tmp_.path() / "report.csv");
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  testing::TempDir tmp_;
  FakeClock clock_{kNow};
  std::string url_;
  std::unique_ptr<Store> store_;
  std::int64_t entity_id_ = 0;
};

TEST_P(ImportTest, EachIncassoFormatImportsItsSamples) {
  struct Case {
    const char* file;
    std::int64_t positions;
  };
  std::int64_t total = 0;
  for (Case c : {Case{"/incasso/positions_en.csv", 3}, Case{"/incasso/posizioni_it.csv", 2},
                 Case{"/json/positions.json", 2}, Case{"/json/positions.ndjson", 2},
                 Case{"/xml/positions.xml", 2}}) {
    auto out = Import(kData + c.file);
    ASSERT_TRUE(out.ok()) << c.file << ": " << out.error().ToText();
    EXPECT_EQ(out->rejected, 0) << c.file << ": " << Report();
    EXPECT_EQ(out->created, c.positions) << c.file;
    EXPECT_TRUE(out->committed);
    total += c.positions;
  }
  EXPECT_EQ(Count(), total);
  AppContext ctx = Ctx();
  auto plan = store_->GetPosition(entity_id_, "TARI-2027-002");
  ASSERT_TRUE(plan.ok() && plan->has_value());
  ASSERT_EQ((*plan)->options.size(), 2u);
  EXPECT_TRUE((*plan)->options[0].is_partial_payment);
  EXPECT_EQ((*plan)->options[0].nav.size(), 18u);
  EXPECT_EQ((*plan)->status, PositionStatus::kValid);
}

TEST_P(ImportTest, BadRowsAreReportedAndAllOrNothingWritesNothing) {
  auto out = Import(kData + "/incasso/positions_bad.csv");
  ASSERT_TRUE(out.ok()) << out.error().ToText();
  EXPECT_EQ(out->rejected, 5);
  EXPECT_FALSE(out->committed);
  EXPECT_EQ(Count(), 0);
  std::string report = Report();
  EXPECT_NE(report.find("2;debtor_fiscal_code;"), std::string::npos) << report;
  EXPECT_NE(report.find("3;iban;"), std::string::npos);
  EXPECT_NE(report.find("4;amount;"), std::string::npos);
  EXPECT_NE(report.find("5;due_date;"), std::string::npos);
  EXPECT_NE(report.find("6;entity_fiscal_code;"), std::string::npos);
}

TEST_P(ImportTest, ValidRowsModeKeepsTheGoodOnesVerbatim) {
  auto out = Import(kData + "/incasso/positions_bad.csv", ImportMode::kValidRows);
  ASSERT_TRUE(out.ok()) << out.error().ToText();
  EXPECT_EQ(out->created, 2);
  EXPECT_EQ(Count(), 2);
  auto p = store_->GetPosition(entity_id_, "OK-007");
  ASSERT_TRUE(p.ok() && p->has_value());
  EXPECT_EQ((*p)->debtor.full_name, "=cmd|'/c calc'!A0");
  EXPECT_EQ((*p)->options[0].description, "x'); DROP TABLE debt_position;--");
  EXPECT_EQ(Count(store_->FindEntityByFiscalCode("80012345676")->value().id), 0);
}

TEST_P(ImportTest, DryRunWritesNothing) {
  auto out = Import(kData + "/incasso/positions_en.csv", ImportMode::kAllOrNothing, true);
  ASSERT_TRUE(out.ok()) << out.error().ToText();
  EXPECT_EQ(out->created, 3);
  EXPECT_FALSE(out->committed);
  EXPECT_EQ(Count(), 0);
}

TEST_P(ImportTest, TheSameFileTwiceCreatesNothingNew) {
  auto first = Import(kData + "/incasso/positions_en.csv");
  ASSERT_TRUE(first.ok()) << first.error().ToText();
  auto before = store_->GetPosition(entity_id_, "TARI-2027-002");
  auto second = Import(kData + "/incasso/positions_en.csv");
  ASSERT_TRUE(second.ok()) << second.error().ToText();
  EXPECT_EQ(second->created, 0);
  EXPECT_EQ(second->unchanged, 3);
  EXPECT_EQ(Count(), 3);
  auto after = store_->GetPosition(entity_id_, "TARI-2027-002");
  EXPECT_EQ((*before)->options[0].nav, (*after)->options[0].nav);  // notice numbers kept
  // A changed amount updates the position in place, keeping its notice numbers.
  std::string changed = (tmp_.path() / "changed.csv").string();
  {
    std::ifstream in(kData + "/incasso/positions_en.csv");
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    text.replace(text.find("150.00"), 6, "151.00");
    std::ofstream(changed) << text;
  }
  auto third = Import(changed);
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->updated, 1);
  EXPECT_EQ(third->unchanged, 2);
  EXPECT_EQ(Count(), 3);
}

TEST_P(ImportTest, AnotherInstitutionsFileDoesNotReachUs) {
  auto out =
      Import(kData + "/incasso/positions_en.csv", ImportMode::kAllOrNothing, false, "80012345676");
  ASSERT_TRUE(out.ok()) << out.error().ToText();
  EXPECT_EQ(Count(), 0);
}

TEST_P(ImportTest, KillNineMidImportLeavesNothingAndARerunSucceeds) {
  const int kRows = 60000;
  std::string file = (tmp_.path() / "big.csv").string();
  {
    std::ofstream out(file);
    out << "iupd;debtor_fiscal_code;debtor_name;amount;due_date;description;iban;taxonomy\n";
    for (int i = 0; i < kRows; ++i) {
      out << "KILL-" << i << ";RSSMRA85T10A562S;Mario Rossi;10.00;2099-12-31;Avviso " << i
          << ";IT67V0542404200000000123456;9/0201102IM/\n";
    }
  }
  std::map<std::string, std::string> env{{"INCASSO_DATABASE_URL", url_}};
  {
    testing::RunningProcess p(
        {INCASSO_BINARY, "import", file, "--entity", kEntity, "--progress-lines"}, env,
        tmp_.path().string());
    // Progress is reported after the batches before it were written inside the transaction.
    std::string line = p.WaitForLine("progress rows=20000", std::chrono::seconds(120));
    ASSERT_FALSE(line.empty()) << p.ReadAllStderr();
    p.Signal(SIGKILL);
    EXPECT_EQ(p.WaitExit(std::chrono::seconds(10)), -1);
  }
  EXPECT_EQ(Count(), 0);
  auto rerun = testing::RunProcess({INCASSO_BINARY, "import", file, "--entity", kEntity}, env,
                                   tmp_.path().string());
  EXPECT_EQ(rerun.exit_code, 0) << rerun.err;
  EXPECT_EQ(Count(), kRows);
}

// GovPay's and MyPay's files through the whole pipeline (detection, adapter, validation, store):
// their services resolve against the institution's catalogue (GovPay tipoEntrataVoceN, MyPay
// tipoDovuto -> the service's IBAN and taxonomy), and bad rows are reported with row and column.
TEST_P(ImportTest, GovPayAndMyPaySamplesImportWithTheEntitysServices) {
  AppContext ctx = Ctx();
  IbanAccount account;
  account.iban = "IT67V0542404200000000123456";
  account.label = "Tesoreria";
  account.valid_from = Date(std::chrono::year{2026} / 1 / 1);
  ASSERT_TRUE(AddIbanAccount(ctx, Caller{}, entity_id_, account).ok());
  for (auto [code, taxonomy] :
       {std::pair{"CIE", "9/0101108TS/"}, std::pair{"MENSA", "9/0201133SE/"},
        std::pair{"TRASPORTO", "9/0201133SE/"}, std::pair{"TARI", "9/0201102IM/"}}) {
    Service s;
    s.code = code;
    s.name = std::string("Servizio ") + code;
    s.description = "Descrizione";
    s.taxonomy_code = taxonomy;
    s.iban = account.iban;
    s.amount_rule = AmountRule::kFixed;
    s.amount_cents = 1500;
    auto added = AddService(ctx, Caller{}, entity_id_, s);
    ASSERT_TRUE(added.ok()) << code << ": " << added.error().ToText();
  }
  struct Good {
    const char* file;
    const char* format;
    std::int64_t rows, positions, created;
  };
  // GovPay: 5 pendenze, the two instalments of one document merge into one position. The BOM/;
  // variant holds the same pendenze: importing it after creates nothing. MyPay 1_4 (B) repeats
  // MENSA-2027-0001 of A and adds one dovuto.
  for (Good g : {Good{"/govpay/pendenze_ok.csv", "govpay-csv", 5, 4, 4},
                 Good{"/mypay/00123456782-FLUSSO2027A-1_3.csv", "mypay-csv", 4, 4, 4},
                 Good{"/govpay/pendenze_ok_bom_semicolon.csv", "govpay-csv", 5, 4, 0},
                 Good{"/mypay/00123456782-FLUSSO2027B-1_4.csv", "mypay-csv", 2, 2, 1}}) {
    auto out = Import(kData + g.file);
    ASSERT_TRUE(out.ok()) << g.file << ": " << out.error().ToText();
    EXPECT_EQ(out->format, g.format) << g.file;
    EXPECT_EQ(out->rows, g.rows) << g.file;
    EXPECT_EQ(out->rejected, 0) << g.file << ": " << Report();
    EXPECT_EQ(out->created, g.created) << g.file;
    EXPECT_EQ(out->created + out->updated + out->unchanged, g.positions) << g.file;
    if (g.created > 0) EXPECT_TRUE(out->committed) << g.file;  // nothing new: nothing written
  }
  EXPECT_EQ(Count(), 9);
  // The voce without an IBAN took its service's (CIE), the MyPay dovuto its tipoDovuto's.
  auto cie = store_->GetPosition(entity_id_, "CIE-2027-0101");
  ASSERT_TRUE(cie.ok() && cie->has_value());
  EXPECT_EQ((*cie)->options.at(0).transfers.at(0).iban, account.iban);
  auto trasporto = store_->GetPosition(entity_id_, "TRASP-2027-0001");
  ASSERT_TRUE(trasporto.ok() && trasporto->has_value());
  EXPECT_EQ((*trasporto)->options.at(0).transfers.at(0).iban, account.iban);
  EXPECT_EQ((*trasporto)->options.at(0).transfers.at(0).category, "9/0201133SE/");

  // Bad samples: every rejected row is reported with its row number and one of the file's own
  // column names (what the clerk sees in the file), and all-or-nothing writes nothing.
  struct Bad {
    const char* file;
    char separator;
    std::vector<std::string> rejected;  // "row;column" of each bad row (data rows from 1)
  };
  const std::vector<Bad> bad_files = {
      {"/govpay/pendenze_bad.csv",
       ',',
       {"2;idDominio", "3;importo", "4;importo", "5;identificativoPagatore", "6;ibanAccreditoVoce1",
        "7;importo", "8;dataScadenza"}},
      {"/mypay/00123456782-FLUSSO2027C-1_3.csv",
       ';',
       {"2;azione", "3;importoDovuto", "4;tipoDovuto", "5;codiceIdentificativoUnivoco",
        "6;dataScadenzaPagamento", "7;importoDovuto", "8;azione"}}};
  for (const Bad& b : bad_files) {
    std::ifstream in(kData + b.file);
    std::string header;
    std::getline(in, header);
    if (header.rfind("\xEF\xBB\xBF", 0) == 0) header.erase(0, 3);
    std::set<std::string> columns;
    std::stringstream hs(header);
    for (std::string c; std::getline(hs, c, b.separator);) {
      if (!c.empty() && c.back() == '\r') c.pop_back();
      columns.insert(c);
    }
    const std::int64_t before = Count();
    auto out = Import(kData + b.file);
    ASSERT_TRUE(out.ok()) << b.file << ": " << out.error().ToText();
    EXPECT_EQ(out->rejected, static_cast<std::int64_t>(b.rejected.size())) << b.file;
    EXPECT_FALSE(out->committed) << b.file;
    EXPECT_EQ(Count(), before) << b.file;
    const std::string report = Report();
    std::vector<std::string> reported_rows;
    std::stringstream lines(report);
    std::string line;
    std::getline(lines, line);  // row;field;message
    int reported = 0;
    while (std::getline(lines, line)) {
      if (line.empty()) continue;
      ++reported;
      const auto first = line.find(';');
      const auto second = line.find(';', first + 1);
      ASSERT_NE(second, std::string::npos) << line;
      const std::string row = line.substr(0, first);
      const std::string field = line.substr(first + 1, second - first - 1);
      EXPECT_FALSE(row.empty() || row.find_first_not_of("0123456789") != std::string::npos)
          << b.file << ": " << line;
      EXPECT_TRUE(columns.count(field)) << b.file << ": field '" << field << "' in " << line;
      reported_rows.push_back(row + ";" + field);
    }
    EXPECT_EQ(reported_rows, b.rejected) << b.file << "\n" << report;
    EXPECT_GE(reported, out->rejected) << b.file;
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, ImportTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace incasso
