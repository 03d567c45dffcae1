#include "import/csv_reader.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>

namespace incasso::import {
namespace {

ReadFn FromString(std::string text, std::size_t chunk = 7) {
  auto data = std::make_shared<std::string>(std::move(text));
  auto pos = std::make_shared<std::size_t>(0);
  return [data, pos, chunk](char* buf, std::size_t n) -> std::int64_t {
    std::size_t take = std::min({n, chunk, data->size() - *pos});
    std::memcpy(buf, data->data() + *pos, take);
    *pos += take;
    return static_cast<std::int64_t>(take);
  };
}

struct Parsed {
  std::vector<std::string> header;
  std::vector<CsvRecord> records;  // kRecord and kRowError, in order
  std::vector<CsvOutcome> outcomes;
};

Parsed ParseAll(std::string text, CsvLimits limits = {}) {
  CsvReader r(FromString(std::move(text)), limits);
  Parsed p;
  auto h = r.ReadHeader();
  EXPECT_TRUE(h.ok()) << h.error().ToText();
  if (!h.ok()) return p;
  p.header = *h;
  for (;;) {
    CsvRecord rec;
    CsvOutcome o = r.Next(rec);
    if (o == CsvOutcome::kEnd) break;
    p.outcomes.push_back(o);
    p.records.push_back(rec);
    if (o == CsvOutcome::kFatal) break;
  }
  return p;
}

TEST(CsvReader, DetectsSemicolonAndStripsBom) {
  Parsed p = ParseAll("\xEF\xBB\xBFiupd;amount\r\nA;1,50\r\nB;2\r\n");
  ASSERT_EQ(p.header, (std::vector<std::string>{"iupd", "amount"}));
  ASSERT_EQ(p.records.size(), 2u);
  EXPECT_EQ(p.records[0].cells, (std::vector<std::string>{"A", "1,50"}));
  EXPECT_EQ(p.records[1].row, 2);
}

TEST(CsvReader, DetectsCommaAndReadsQuotedFields) {
  Parsed p = ParseAll("iupd,note\nA,\"say \"\"hi\"\", then\nnewline\"\nB,plain\n");
  ASSERT_EQ(p.records.size(), 2u);
  EXPECT_EQ(p.records[0].cells[1], "say \"hi\", then\nnewline");
  EXPECT_EQ(p.records[1].row, 2);
  EXPECT_EQ(p.records[1].cells[0], "B");
}

TEST(CsvReader, LastLineWithoutNewlineAndBlankLines) {
  Parsed p = ParseAll("a;b\n1;2\n\n3;4");
  ASSERT_EQ(p.records.size(), 2u);
  EXPECT_EQ(p.records[1].cells, (std::vector<std::string>{"3", "4"}));
  EXPECT_EQ(p.records[1].row, 3);  // the blank line counts
}

TEST(CsvReader, RaggedRowIsARowErrorAndReadingGoesOn) {
  Parsed p = ParseAll("a;b\n1;2;3\n4;5\n");
  ASSERT_EQ(p.outcomes.size(), 2u);
  EXPECT_EQ(p.outcomes[0], CsvOutcome::kRowError);
  EXPECT_EQ(p.records[0].error.row, 1);
  EXPECT_NE(p.records[0].error.message.find("3 cells"), std::string::npos);
  EXPECT_EQ(p.outcomes[1], CsvOutcome::kRecord);
}

TEST(CsvReader, UnterminatedQuoteIsFatalWithItsRow) {
  Parsed p = ParseAll("a;b\n1;2\n3;\"never closed\n4;5\n");
  ASSERT_EQ(p.outcomes.back(), CsvOutcome::kFatal);
  EXPECT_EQ(p.records.back().error.row, 2);
  EXPECT_NE(p.records.back().error.message.find("not closed"), std::string::npos);
}

TEST(CsvReader, InvalidUtf8AndNulAreRowErrors) {
  std::string text = "a;b\n1;\xC3\x28\n2;x";
  text += '\0';
  text += "y\n3;ok\n";
  Parsed p = ParseAll(text);
  ASSERT_EQ(p.outcomes.size(), 3u);
  EXPECT_EQ(p.outcomes[0], CsvOutcome::kRowError);
  EXPECT_NE(p.records[0].error.message.find("UTF-8"), std::string::npos);
  EXPECT_EQ(p.outcomes[1], CsvOutcome::kRowError);
  EXPECT_NE(p.records[1].error.message.find("NUL"), std::string::npos);
  EXPECT_EQ(p.outcomes[2], CsvOutcome::kRecord);
}

TEST(CsvReader, OneMegabyteFieldIsRejectedWithBoundedMemory) {
  std::string text = "a;b\n1;\"" + std::string(1 << 20, 'x') + "\"\n2;ok\n";
  Parsed p = ParseAll(text);
  ASSERT_EQ(p.outcomes.size(), 2u);
  EXPECT_EQ(p.outcomes[0], CsvOutcome::kRowError);
  EXPECT_NE(p.records[0].error.message.find("longer than"), std::string::npos);
  EXPECT_EQ(p.outcomes[1], CsvOutcome::kRecord);
  EXPECT_EQ(p.records[1].cells[1], "ok");
}

TEST(CsvReader, FormulaAndSqlAreKeptVerbatim) {
  Parsed p = ParseAll("a;b\n\"=cmd|'/c calc'!A0\";\"x'); DROP TABLE debt_position;--\"\n");
  ASSERT_EQ(p.records.size(), 1u);
  EXPECT_EQ(p.records[0].cells[0], "=cmd|'/c calc'!A0");
  EXPECT_EQ(p.records[0].cells[1], "x'); DROP TABLE debt_position;--");
}

TEST(CsvReader, EmptyFileHasNoHeader) {
  CsvReader r(FromString(""));
  EXPECT_FALSE(r.ReadHeader().ok());
}

TEST(Utf8, Validates) {
  EXPECT_TRUE(IsValidUtf8("perché €"));
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // > U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xE2\x82"));          // truncated
}

}  // namespace
}  // namespace incasso::import
