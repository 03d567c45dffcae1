// Exports over a real database (SQLite and PostgreSQL): filters honoured, only the asked
// institution's rows, and memory that stays flat while 20,000 positions stream out.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "app/exports.hpp"
#include "app/positions.hpp"
#include "domain/notice_number.hpp"
#include "export/table_writers.hpp"
#include "tests/support/databases.hpp"
#include "tests/support/fixtures.hpp"

namespace incasso {
namespace {

const TimePoint kNow = *ParseDateTime("2026-11-26T10:00:00Z");

class CountingSink final : public TableSink {
 public:
  Status Begin(const std::vector<ExportColumn>& c) override {
    columns = c;
    return Ok();
  }
  Status Row(const std::vector<ExportCell>& cells) override {
    rows.push_back(cells);
    return Ok();
  }
  Status Finish() override {
    finished = true;
    return Ok();
  }
  std::size_t Col(const std::string& name) const {
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (columns[i].name == name) return i;
    }
    ADD_FAILURE() << "no column " << name;
    return 0;
  }
  std::vector<ExportColumn> columns;
  std::vector<std::vector<ExportCell>> rows;
  bool finished = false;
};

// A field of /proc/self/status in KiB ("VmRSS", "VmHWM"), -1 if unreadable.
long StatusKb(const std::string& key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key + ":", 0) == 0) return std::stol(line.substr(key.size() + 1));
  }
  return -1;
}

// Resets the peak RSS (VmHWM) to the current RSS (Linux: "5" > /proc/self/clear_refs), so that
// the peak measured next belongs to the export alone and not to the set-up that preceded it.
bool ResetPeakRss() {
  std::ofstream out("/proc/self/clear_refs");
  out << "5";
  out.flush();
  return static_cast<bool>(out);
}

class ExportTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    store_ = testing::OpenFreshStore(GetParam(), tmp_.path());
    if (!store_) GTEST_SKIP() << "set INCASSO_TEST_POSTGRES_URL to run on PostgreSQL";
    auto ctx = Ctx();
    comune_ = testing::AddTestEntity(ctx, testing::TestEntity("00123456782", "comune", "01"));
    uni_ = testing::AddTestEntity(ctx, testing::TestEntity("80012345676", "universita", "02"));
  }

  AppContext Ctx() { return AppContext{*store_, clock_}; }

  static DebtPosition Position(const std::string& iupd, std::int64_t cents, int due_days,
                               const std::string& debtor = "Mario Rossi") {
    DebtPosition p = testing::TestPosition(iupd, kNow + std::chrono::days{due_days}, cents);
    p.debtor.full_name = debtor;
    return p;
  }

  void Create(const std::string& cf, DebtPosition p, bool publish) {
    auto ctx = Ctx();
    auto r = CreatePosition(ctx, Caller{}, {cf, std::move(p), publish});
    ASSERT_TRUE(r.ok()) << r.error().ToText();
  }

  testing::TempDir tmp_;
  FakeClock clock_{kNow};
  std::unique_ptr<Store> store_;
  Entity comune_;
  Entity uni_;
};

TEST_P(ExportTest, FiltersAndTenantIsolation) {
  Create("00123456782", Position("C-1", 1000, 5), true);                       // VALID, due +5
  Create("00123456782", Position("C-2", 2050, 40), false);                     // DRAFT, due +40
  Create("00123456782", Position("C-3", 99, 60, "=cmd|' /C calc'!A0"), true);  // VALID, due +60
  Create("80012345676", Position("U-SECRET", 777, 5, "Studente Segreto"), true);
  auto ctx = Ctx();

  CountingSink all;
  auto n = ExportPositions(ctx, "00123456782", ExportQuery{}, all);
  ASSERT_TRUE(n.ok()) << n.error().ToText();
  EXPECT_EQ(*n, 3);
  ASSERT_EQ(all.rows.size(), 3u);
  EXPECT_TRUE(all.finished);
  for (const auto& r : all.rows) EXPECT_NE(r[all.Col("iupd")].text, "U-SECRET");
  EXPECT_EQ(all.rows[0][all.Col("iupd")].text, "C-1");  // oldest first
  EXPECT_EQ(all.rows[1][all.Col("amount_total")].number, 2050);

  CountingSink valid;
  ExportQuery q;
  q.status = PositionStatus::kValid;
  ASSERT_TRUE(ExportPositions(ctx, "00123456782", q, valid).ok());
  ASSERT_EQ(valid.rows.size(), 2u);
  for (const auto& r : valid.rows) EXPECT_EQ(r[valid.Col("status")].text, "VALID");

  CountingSink window;
  ExportQuery w;
  w.from = kNow + std::chrono::days{30};
  w.to = kNow + std::chrono::days{50};
  ASSERT_TRUE(ExportOptions(ctx, "00123456782", w, window).ok());
  ASSERT_EQ(window.rows.size(), 1u);
  EXPECT_EQ(window.rows[0][window.Col("iupd")].text, "C-2");
  EXPECT_EQ(window.rows[0][window.Col("amount")].number, 2050);
  EXPECT_EQ(window.rows[0][window.Col("notice_number")].text.substr(0, 3), "301");

  CountingSink uni;
  ASSERT_TRUE(ExportOptions(ctx, "80012345676", ExportQuery{}, uni).ok());
  ASSERT_EQ(uni.rows.size(), 1u);
  EXPECT_EQ(uni.rows[0][uni.Col("iupd")].text, "U-SECRET");

  CountingSink receipts;
  ASSERT_TRUE(ExportReceipts(ctx, "00123456782", ExportQuery{}, receipts).ok());
  EXPECT_TRUE(receipts.rows.empty());
  EXPECT_FALSE(receipts.columns.empty());

  CountingSink none;
  auto unknown = ExportPositions(ctx, "01987654322", ExportQuery{}, none);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);

  // The CSV file: separator, money with a dot, the injected name neutralised, no other entity.
  const std::string path = (tmp_.path() / "positions.csv").string();
  auto rows = exporting::ExportToFile(ctx, "positions", "00123456782", ExportQuery{},
                                      exporting::ExportFormat::kCsv, path);
  ASSERT_TRUE(rows.ok()) << rows.error().ToText();
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  const std::string csv = text.str();
  EXPECT_EQ(csv.substr(0, 3), "\xEF\xBB\xBF");
  EXPECT_NE(csv.find(";20.50;"), std::string::npos) << csv;
  EXPECT_NE(csv.find(";'=cmd|' /C calc'!A0;"), std::string::npos) << csv;
  EXPECT_EQ(csv.find("U-SECRET"), std::string::npos);
  EXPECT_EQ(csv.find("Studente"), std::string::npos);
}

TEST_P(ExportTest, TwentyThousandPositionsStreamWithFlatMemory) {
  constexpr int kPositions = 20000;
  {
    auto writer = store_->BeginBulkWrite(comune_.id, false);
    ASSERT_TRUE(writer.ok()) << writer.error().ToText();
    auto base = (*writer)->ReserveIuvBases(kPositions);
    ASSERT_TRUE(base.ok()) << base.error().ToText();
    std::vector<DebtPosition> batch;
    for (int i = 0; i < kPositions; ++i) {
      DebtPosition p = Position("BULK-" + std::to_string(i), 1000 + i, 10 + i % 300,
                                "Debitore con un nome abbastanza lungo " + std::to_string(i));
      p.status = PositionStatus::kValid;
      p.created_at = kNow;
      p.updated_at = kNow;
      auto nav = MakeNoticeNumberAux3("01", *base + static_cast<std::uint64_t>(i));
      ASSERT_TRUE(nav.ok());
      p.options[0].iuv = nav->iuv;
      p.options[0].nav = nav->nav;
      batch.push_back(std::move(p));
      if (batch.size() == 1000) {
        ASSERT_TRUE((*writer)->InsertPositions(batch).ok());
        batch.clear();
      }
    }
    ASSERT_TRUE((*writer)->Commit().ok());
  }
  auto ctx = Ctx();
  // Warm up (allocator, connection, statement caches) on a small export, then measure.
  CountingSink warm;
  ExportQuery small;
  small.to = kNow + std::chrono::days{11};
  ASSERT_TRUE(ExportPositions(ctx, "00123456782", small, warm).ok());

  for (exporting::ExportFormat format :
       {exporting::ExportFormat::kCsv, exporting::ExportFormat::kXlsx}) {
    const bool reset = ResetPeakRss();
    const long before = reset ? StatusKb("VmRSS") : StatusKb("VmHWM");
    const std::string path =
        (tmp_.path() / (format == exporting::ExportFormat::kCsv ? "big.csv" : "big.xlsx")).string();
    auto rows = exporting::ExportToFile(ctx, "options", "00123456782", ExportQuery{}, format, path);
    ASSERT_TRUE(rows.ok()) << rows.error().ToText();
    EXPECT_EQ(*rows, kPositions);
    const long growth_kb = StatusKb("VmHWM") - before;
    const auto size = std::filesystem::file_size(path);
    RecordProperty(
        format == exporting::ExportFormat::kCsv ? "csv_rss_growth_kb" : "xlsx_rss_growth_kb",
        static_cast<int>(growth_kb));
    std::printf("[ export ] %s %s: %lld bytes, peak RSS growth %ld KiB\n", GetParam().c_str(),
                format == exporting::ExportFormat::kCsv ? "csv" : "xlsx",
                static_cast<long long>(size), growth_kb);
    // Holding every row would take tens of MB (the file alone is several MB); a page of 500
    // positions plus libxlsxwriter's row buffer stays far below 24 MiB.
    EXPECT_LT(growth_kb, 24 * 1024) << "file " << size << " bytes";
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, ExportTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace incasso
