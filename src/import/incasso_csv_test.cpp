#include "import/incasso_csv.hpp"

#include <gtest/gtest.h>

#include <set>

#include "core/time.hpp"

namespace incasso::import {
namespace {

AdapterContext Ctx() {
  AdapterContext ctx;
  ctx.entity_fiscal_code = "00123456782";
  ctx.now = *ParseDateTime("2026-11-26T10:00:00Z");
  Service s;
  s.code = "TARI";
  s.iban = "IT67V0542404200000000123456";
  s.taxonomy_code = "9/0201102IM/";
  ctx.services.push_back(s);
  return ctx;
}

MappedRow MapOne(const std::vector<std::string>& header, std::vector<std::string> cells) {
  Record r(&header, std::move(cells), 7);
  return IncassoCsvAdapter(header).Map(r, Ctx());
}

const std::vector<std::string> kHeader = {"iupd",     "debtor_fiscal_code", "debtor_name", "amount",
                                          "due_date", "description",        "service_code"};

TEST(IncassoCsv, ServiceCodeDefaultsTheTransfer) {
  MappedRow m = MapOne(
      kHeader, {"P-1", "rssmra85t10a562s", "Mario Rossi", "12,50", "31/03/2027", "TARI", "TARI"});
  ASSERT_TRUE(m.errors.empty()) << m.errors[0].field << ": " << m.errors[0].message;
  ASSERT_TRUE(m.position);
  const DebtPosition& p = *m.position;
  EXPECT_EQ(p.debtor.fiscal_code, "RSSMRA85T10A562S");
  ASSERT_EQ(p.options.size(), 1u);
  EXPECT_EQ(p.options[0].amount, 1250);
  EXPECT_EQ(FormatDateTime(p.options[0].due_date), "2027-03-31T23:59:59Z");
  ASSERT_EQ(p.options[0].transfers.size(), 1u);
  EXPECT_EQ(p.options[0].transfers[0].iban, "IT67V0542404200000000123456");
  EXPECT_EQ(p.options[0].transfers[0].category, "9/0201102IM/");
  EXPECT_EQ(p.options[0].transfers[0].amount, 1250);
}

TEST(IncassoCsv, ItalianHeadersAndTransferGroupsMustAddUp) {
  std::vector<std::string> h = {"codice_posizione",
                                "codice_fiscale_debitore",
                                "nominativo_debitore",
                                "importo",
                                "scadenza",
                                "causale",
                                "importo_quota1",
                                "iban_quota1",
                                "tassonomia_quota1",
                                "importo_quota2",
                                "iban_quota2",
                                "tassonomia_quota2"};
  MappedRow m = MapOne(h, {"P-2", "RSSMRA85T10A562S", "Mario", "100", "2027-01-31", "x", "90",
                           "IT67V0542404200000000123456", "9/0201102IM/", "5",
                           "IT67V0542404200000000123456", "9/0201102IM/"});
  ASSERT_EQ(m.errors.size(), 1u);
  EXPECT_EQ(m.errors[0].field, "importo");
  EXPECT_EQ(m.errors[0].row, 7);
  EXPECT_NE(m.errors[0].message.find("add up"), std::string::npos);
}

TEST(IncassoCsv, EveryBadCellIsNamed) {
  MappedRow m = MapOne(kHeader, {"P-3", "NOTACODE", "", "12.345", "2025-01-01", "x", "NOPE"});
  std::set<std::string> fields;
  for (const auto& e : m.errors) fields.insert(e.field);
  EXPECT_TRUE(fields.count("debtor_fiscal_code"));
  EXPECT_TRUE(fields.count("debtor_name"));
  EXPECT_TRUE(fields.count("amount"));
  EXPECT_TRUE(fields.count("due_date"));  // in the past
  EXPECT_TRUE(fields.count("service_code"));
  ASSERT_TRUE(m.position);  // kept so the whole position is rejected
  EXPECT_EQ(m.position->iupd, "P-3");
}

TEST(IncassoCsv, AnotherInstitutionsRowIsAnError) {
  std::vector<std::string> h = kHeader;
  h.push_back("entity_fiscal_code");
  MappedRow m = MapOne(
      h, {"P-4", "RSSMRA85T10A562S", "Mario", "1", "2027-01-31", "x", "TARI", "01987654322"});
  ASSERT_EQ(m.errors.size(), 1u);
  EXPECT_EQ(m.errors[0].field, "entity_fiscal_code");
}

TEST(IncassoCsv, FormulaAndSqlStayText) {
  MappedRow m = MapOne(kHeader, {"P-5", "RSSMRA85T10A562S", "=cmd|'/c calc'!A0", "1", "2027-01-31",
                                 "'); DROP TABLE x;--", "TARI"});
  ASSERT_TRUE(m.errors.empty());
  EXPECT_EQ(m.position->debtor.full_name, "=cmd|'/c calc'!A0");
  EXPECT_EQ(m.position->options[0].description, "'); DROP TABLE x;--");
}

TEST(IncassoCsv, Values) {
  EXPECT_EQ(*ParseEuro("1.234,56", "a"), 123456);
  EXPECT_EQ(*ParseEuro("1234.5", "a"), 123450);
  EXPECT_FALSE(ParseEuro("1e3", "a").ok());
  EXPECT_FALSE(ParseEuro("0", "a").ok());
  EXPECT_FALSE(ParseDueDate("31/02/2027", "d").ok());
  EXPECT_TRUE(*ParseFlag("Sì", "f"));
}

}  // namespace
}  // namespace incasso::import
