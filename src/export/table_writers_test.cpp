#include "export/table_writers.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace incasso::exporting {
namespace {

class StringSink final : public ByteSink {
 public:
  Status Write(std::string_view b) override {
    data.append(b);
    return Ok();
  }
  std::string data;
};

const std::vector<ExportColumn> kColumns = {
    {"name", ExportKind::kText}, {"amount", ExportKind::kMoney}, {"n", ExportKind::kInteger}};

std::string WriteCsv(const std::vector<std::vector<ExportCell>>& rows, CsvOptions o) {
  StringSink out;
  auto sink = NewCsvTableSink(out, o);
  EXPECT_TRUE(sink->Begin(kColumns).ok());
  for (const auto& r : rows) EXPECT_TRUE(sink->Row(r).ok());
  EXPECT_TRUE(sink->Finish().ok());
  return out.data;
}

TEST(CsvExport, WritesBomHeaderSeparatorAndMoney) {
  std::string csv = WriteCsv({{{"Mario Rossi", 0, false}, {"", 123450, false}, {"", 2, false}},
                              {{"", 0, true}, {"", 5, false}, {"", 0, true}}},
                             CsvOptions{';', true});
  EXPECT_EQ(csv, "\xEF\xBB\xBFname;amount;n\r\nMario Rossi;1234.50;2\r\n;0.05;\r\n");
  csv = WriteCsv({{{"a,b", 0, false}, {"", 100, false}, {"", 1, false}}}, CsvOptions{',', false});
  EXPECT_EQ(csv, "name,amount,n\r\n\"a,b\",1.00,1\r\n");
}

TEST(CsvExport, QuotesSeparatorsQuotesAndLineBreaks) {
  EXPECT_EQ(CsvField("plain", ';'), "plain");
  EXPECT_EQ(CsvField("a;b", ';'), "\"a;b\"");
  EXPECT_EQ(CsvField("a;b", ','), "a;b");
  EXPECT_EQ(CsvField("say \"hi\"", ';'), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvField("line1\nline2", ';'), "\"line1\nline2\"");
  EXPECT_EQ(CsvField("x\ry", ','), "\"x\ry\"");
}

TEST(CsvExport, NeutralisesFormulaInjection) {
  // OWASP CSV injection: cells starting with = + - @ TAB CR get a leading quote.
  EXPECT_EQ(CsvField("=1+1", ';'), "'=1+1");
  EXPECT_EQ(CsvField("+39 333 1234567", ';'), "'+39 333 1234567");
  EXPECT_EQ(CsvField("-2", ';'), "'-2");
  EXPECT_EQ(CsvField("@SUM(A1:A2)", ';'), "'@SUM(A1:A2)");
  EXPECT_EQ(CsvField("\tcmd", ';'), "'\tcmd");
  EXPECT_EQ(CsvField("\rcmd", ';'), "\"'\rcmd\"");
  EXPECT_EQ(CsvField("=HYPERLINK(\"http://evil\";\"x\")", ';'),
            "\"'=HYPERLINK(\"\"http://evil\"\";\"\"x\"\")\"");
  EXPECT_EQ(CsvField("a=b", ';'), "a=b");  // only a leading trigger matters
  // Money we format ourselves is never guarded (it is a number, not user text).
  std::string csv = WriteCsv({{{"=cmd|' /C calc'!A0", 0, false}, {"", 1, false}, {"", 1, false}}},
                             CsvOptions{';', false});
  EXPECT_EQ(csv, "name;amount;n\r\n'=cmd|' /C calc'!A0;0.01;1\r\n");
}

std::string Shell(const std::string& cmd) {
  std::string out;
  std::FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return out;
  std::array<char, 4096> buf{};
  std::size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  pclose(p);
  return out;
}

TEST(XlsxExport, SheetHoldsTextAsStringsAndMoneyAsEuroNumbers) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("incasso_xlsx_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "t.xlsx").string();
  auto sink = NewXlsxTableSink(path, "positions");
  ASSERT_TRUE(sink->Begin(kColumns).ok());
  ASSERT_TRUE(
      sink->Row({{"Laura <Bianchi> & c.", 0, false}, {"", 123456, false}, {"", 7, false}}).ok());
  ASSERT_TRUE(sink->Row({{"=1+2", 0, false}, {"", 1, false}, {"", 0, true}}).ok());
  ASSERT_TRUE(sink->Finish().ok());

  const std::string sheet = Shell("unzip -p '" + path + "' xl/worksheets/sheet1.xml");
  ASSERT_FALSE(sheet.empty()) << "unzip produced nothing";
  EXPECT_NE(sheet.find("Laura &lt;Bianchi&gt; &amp; c."), std::string::npos) << sheet;
  EXPECT_NE(sheet.find("<v>1234.56</v>"), std::string::npos) << sheet;
  EXPECT_NE(sheet.find("<v>7</v>"), std::string::npos) << sheet;
  EXPECT_NE(sheet.find("=1+2"), std::string::npos) << sheet;
  EXPECT_EQ(sheet.find("<f>"), std::string::npos) << "no formula may be written: " << sheet;
  const std::string styles = Shell("unzip -p '" + path + "' xl/styles.xml");
  EXPECT_NE(styles.find("#,##0.00 \xE2\x82\xAC"), std::string::npos) << styles;
  std::filesystem::remove_all(dir);
}

TEST(ExportFormat, Parses) {
  EXPECT_EQ(*ParseExportFormat("CSV"), ExportFormat::kCsv);
  EXPECT_EQ(*ParseExportFormat("xlsx"), ExportFormat::kXlsx);
  EXPECT_FALSE(ParseExportFormat("pdf").ok());
}

}  // namespace
}  // namespace incasso::exporting
