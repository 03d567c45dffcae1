#include "import/source.hpp"

#include <gtest/gtest.h>

#include "core/time.hpp"

namespace incasso::import {
namespace {

const std::string kDir = INCASSO_IMPORT_DATA_DIR;

AdapterContext Ctx() {
  AdapterContext ctx;
  ctx.entity_fiscal_code = "00123456782";
  ctx.now = *ParseDateTime("2026-11-26T10:00:00Z");
  return ctx;
}

struct Read {
  std::string format;
  std::vector<AssembledPosition> positions;
  bool fatal = false;
  std::vector<RowError> fatal_errors;
};

Read ReadAll(const std::string& path, std::string_view format = "auto") {
  Read out;
  auto src = OpenSource(path, format, Ctx(), nullptr);
  EXPECT_TRUE(src.ok()) << src.error().ToText();
  if (!src.ok()) return out;
  out.format = (*src)->format();
  Assembler a;
  for (;;) {
    SourceItem item;
    auto step = (*src)->Next(item);
    if (step == PositionSource::Step::kEnd) break;
    if (step == PositionSource::Step::kFatal) {
      out.fatal = true;
      out.fatal_errors = item.mapped.errors;
      break;
    }
    if (auto done = a.Add(std::move(item))) out.positions.push_back(std::move(*done));
  }
  if (auto done = a.Finish()) out.positions.push_back(std::move(*done));
  return out;
}

TEST(Source, IncassoCsvGroupsInstalments) {
  Read r = ReadAll(kDir + "/incasso/positions_en.csv");
  EXPECT_EQ(r.format, "incasso-csv");
  ASSERT_EQ(r.positions.size(), 3u);
  for (const auto& p : r.positions) EXPECT_TRUE(p.errors.empty()) << p.errors[0].message;
  EXPECT_EQ(r.positions[1].position->options.size(), 2u);
  EXPECT_EQ(r.positions[1].first_row, 2);
  EXPECT_EQ(r.positions[1].last_row, 3);
  EXPECT_EQ(r.positions[2].position->options[0].description, "Mensa; \"servizio\" 2027");
  EXPECT_EQ(r.positions[2].position->options[0].amount, 123456);
}

TEST(Source, ItalianCommaSeparatedWithBom) {
  Read r = ReadAll(kDir + "/incasso/posizioni_it.csv");
  ASSERT_EQ(r.positions.size(), 2u);
  ASSERT_TRUE(r.positions[0].errors.empty()) << r.positions[0].errors[0].message;
  EXPECT_EQ(r.positions[0].position->options[0].transfers.size(), 2u);
}

TEST(Source, DetectsGovPayAndMyPay) {
  EXPECT_EQ(ReadAll(kDir + "/govpay/pendenze_ok.csv").format, "govpay-csv");
  EXPECT_EQ(ReadAll(kDir + "/mypay/00123456782-FLUSSO2027A-1_3.csv").format, "mypay-csv");
}

TEST(Source, XmlPositions) {
  Read r = ReadAll(kDir + "/xml/positions.xml");
  EXPECT_EQ(r.format, "xml");
  ASSERT_EQ(r.positions.size(), 2u);
  ASSERT_TRUE(r.positions[0].errors.empty()) << r.positions[0].errors[0].message;
  const DebtPosition& p = *r.positions[0].position;
  EXPECT_EQ(p.options[0].description, "TARI 2027 & TEFA");
  EXPECT_EQ(p.options[0].transfers.size(), 2u);
  EXPECT_EQ(r.positions[1].position->options.size(), 2u);
}

TEST(Source, XmlWithDtdIsRefused) {
  Read r = ReadAll(kDir + "/xml/entities.xml");
  EXPECT_TRUE(r.fatal);
  EXPECT_TRUE(r.positions.empty());
}

TEST(Source, UnknownFormatIsNamed) {
  auto src = OpenSource(kDir + "/incasso/positions_en.csv", "excel", Ctx(), nullptr);
  ASSERT_FALSE(src.ok());
  EXPECT_EQ(src.error().field, "format");
}

}  // namespace
}  // namespace incasso::import
