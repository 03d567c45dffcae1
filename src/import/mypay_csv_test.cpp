#include "import/mypay_csv.hpp"

#include <gtest/gtest.h>

#include <map>

#include "core/time.hpp"
#include "domain/position.hpp"
#include "import/adapter_test_support.hpp"

namespace incasso::import {
namespace {

using test_support::AllErrors;
using test_support::ErrorOn;
using test_support::RowBuilder;
using test_support::WithCompany;

constexpr const char* kEntity = "00123456782";  // Comune di Valdimonte (demo)
const TimePoint kNow = *ParseDateTime("2026-01-15T10:00:00Z");

// Version 1_3 header (MyPay ImportFlussoTaskService: 1_2 adds bilancio, 1_3 flgGeneraIuv).
std::vector<std::string> Header13() {
  return {"IUD",
          "codIuv",
          "tipoIdentificativoUnivoco",
          "codiceIdentificativoUnivoco",
          "anagraficaPagatore",
          "indirizzoPagatore",
          "civicoPagatore",
          "capPagatore",
          "localitaPagatore",
          "provinciaPagatore",
          "nazionePagatore",
          "mailPagatore",
          "dataScadenzaPagamento",
          "importoDovuto",
          "commissioneCaricoPa",
          "tipoDovuto",
          "tipoVersamento",
          "causaleVersamento",
          "datiSpecificiRiscossione",
          "bilancio",
          "flgGeneraIuv",
          "azione"};
}

std::vector<std::string> Header14() {
  std::vector<std::string> h = Header13();
  h.pop_back();
  for (const char* c :
       {"flgMultibeneficiario", "codiceFiscaleEnteSecondario", "denominazioneEnteSecondario",
        "ibanAccreditoEnteSecondario", "indirizzoEnteSecondario", "civicoEnteSecondario",
        "capEnteSecondario", "localitaEnteSecondario", "provinciaEnteSecondario",
        "nazioneEnteSecondario", "datiSpecificiRiscossioneEnteSecondario",
        "causaleVersamentoEnteSecondario", "importoVersamentoEnteSecondario", "azione"}) {
    h.push_back(c);
  }
  return h;
}

RowBuilder GoodRow(std::vector<std::string> header = Header13()) {
  RowBuilder b(std::move(header));
  b.Set("IUD", "MENSA-2026-00042")
      .Set("tipoIdentificativoUnivoco", "F")
      .Set("codiceIdentificativoUnivoco", "BNCLRA90A41G942V")
      .Set("anagraficaPagatore", "Laura Bianchi")
      .Set("indirizzoPagatore", "Via Garibaldi")
      .Set("civicoPagatore", "12")
      .Set("capPagatore", "85100")
      .Set("localitaPagatore", "Valdimonte")
      .Set("provinciaPagatore", "PZ")
      .Set("nazionePagatore", "IT")
      .Set("mailPagatore", "laura.bianchi@example.com")
      .Set("dataScadenzaPagamento", "2026-02-28")
      .Set("importoDovuto", "45.00")
      .Set("commissioneCaricoPa", "0.00")
      .Set("tipoDovuto", "MENSA")
      .Set("tipoVersamento", "ALL")
      .Set("causaleVersamento", "Mensa scolastica febbraio 2026")
      .Set("datiSpecificiRiscossione", "9/0201133SE/")
      .Set("flgGeneraIuv", "TRUE")
      .Set("azione", "I");
  return b;
}

AdapterContext Ctx() {
  AdapterContext c{kEntity, kNow, {}};
  Service mensa;
  mensa.code = "MENSA";
  mensa.iban = "IT67V0542404200000000123456";
  mensa.taxonomy_code = "9/0201133SE/";
  c.services.push_back(mensa);
  Service tari;
  tari.code = "TARI";
  tari.iban = "IT84Q0760104200000012345678";
  tari.taxonomy_code = "9/0201102IM/";
  c.services.push_back(tari);
  return c;
}

TEST(MyPayCsv, DetectsTheLayout) {
  EXPECT_TRUE(LooksLikeMyPay(Header13()));
  EXPECT_TRUE(LooksLikeMyPay(Header14()));
  std::vector<std::string> bom = Header13();
  bom[0] = "\xEF\xBB\xBFIUD";
  EXPECT_TRUE(LooksLikeMyPay(bom));
  EXPECT_FALSE(LooksLikeMyPay({"idA2A", "idPendenza", "idDominio", "importo", "idVoce1"}));
}

TEST(MyPayCsv, MapsADovuto) {
  MappedRow m = MapMyPayRow(GoodRow().Build(4), Ctx());
  ASSERT_TRUE(m.errors.empty()) << AllErrors(m);
  DebtPosition p = *m.position;
  p.company_name = "Comune di Valdimonte";  // filled from the entity by the pipeline
  EXPECT_EQ(p.iupd, "MENSA-2026-00042");
  EXPECT_EQ(p.debtor.fiscal_code, "BNCLRA90A41G942V");
  EXPECT_EQ(p.debtor.province, "PZ");
  ASSERT_EQ(p.options.size(), 1u);
  const PaymentOption& o = p.options[0];
  EXPECT_EQ(o.amount, 4500);
  EXPECT_EQ(FormatDateTime(o.due_date), "2026-02-28T23:59:59Z");
  EXPECT_TRUE(o.iuv.empty());
  ASSERT_EQ(o.transfers.size(), 1u);
  EXPECT_EQ(o.transfers[0].iban, "IT67V0542404200000000123456");
  EXPECT_EQ(o.transfers[0].category, "9/0201133SE/");
  Status st = ValidatePosition(p, kEntity, kNow);
  EXPECT_TRUE(st.ok()) << st.error().ToText();
}

TEST(MyPayCsv, OlderVersionsUseDataEsecuzionePagamento) {
  std::vector<std::string> h10 = Header13();
  std::erase(h10, std::string("bilancio"));
  std::erase(h10, std::string("flgGeneraIuv"));
  for (auto& c : h10) {
    if (c == "dataScadenzaPagamento") c = "dataEsecuzionePagamento";
  }
  RowBuilder b = GoodRow(h10);
  b.Set("dataEsecuzionePagamento", "2026-06-30").Set("codIuv", "01000000000012474");
  MappedRow m = MapMyPayRow(b.Build(), Ctx());
  ASSERT_TRUE(m.errors.empty()) << AllErrors(m);
  EXPECT_EQ(FormatDateTime(m.position->options[0].due_date), "2026-06-30T23:59:59Z");
  EXPECT_EQ(m.position->options[0].iuv, "01000000000012474");
}

TEST(MyPayCsv, MultiBeneficiaryAddsASecondTransfer) {
  RowBuilder b = GoodRow(Header14());
  b.Set("tipoDovuto", "TARI")
      .Set("importoDovuto", "90.00")
      .Set("datiSpecificiRiscossione", "")
      .Set("flgMultibeneficiario", "TRUE")
      .Set("codiceFiscaleEnteSecondario", "01987654322")
      .Set("denominazioneEnteSecondario", "Azienda Sanitaria Locale di Valdimonte")
      .Set("ibanAccreditoEnteSecondario", "IT26J0306904211100000000999")
      .Set("datiSpecificiRiscossioneEnteSecondario", "9/0501101SE/")
      .Set("causaleVersamentoEnteSecondario", "Quota ASL")
      .Set("importoVersamentoEnteSecondario", "10.50");
  MappedRow m = MapMyPayRow(b.Build(), Ctx());
  ASSERT_TRUE(m.errors.empty()) << AllErrors(m);
  const PaymentOption& o = m.position->options[0];
  EXPECT_EQ(o.amount, 10050);
  ASSERT_EQ(o.transfers.size(), 2u);
  EXPECT_EQ(o.transfers[0].amount, 9000);
  EXPECT_EQ(o.transfers[0].category, "9/0201102IM/");  // the service's taxonomy
  EXPECT_EQ(o.transfers[1].id_transfer, 2);
  EXPECT_EQ(o.transfers[1].amount, 1050);
  EXPECT_EQ(o.transfers[1].entity_fiscal_code, "01987654322");
  EXPECT_EQ(o.transfers[1].iban, "IT26J0306904211100000000999");
  Status st = ValidatePosition(WithCompany(*m.position), kEntity, kNow);
  EXPECT_TRUE(st.ok()) << st.error().ToText();

  b.Set("codiceFiscaleEnteSecondario", kEntity);
  m = MapMyPayRow(b.Build(), Ctx());
  EXPECT_FALSE(ErrorOn(m, "codiceFiscaleEnteSecondario").empty());
}

TEST(MyPayCsv, ActionsAreExplicit) {
  RowBuilder b = GoodRow();
  b.Set("azione", "M");
  EXPECT_TRUE(MapMyPayRow(b.Build(), Ctx()).position);
  b.Set("azione", "A");
  MappedRow m = MapMyPayRow(b.Build(), Ctx());
  EXPECT_FALSE(m.position);
  EXPECT_NE(ErrorOn(m, "azione").find("annul"), std::string::npos) << AllErrors(m);
  b.Set("azione", "X");
  m = MapMyPayRow(b.Build(), Ctx());
  EXPECT_FALSE(ErrorOn(m, "azione").empty());
  b.Set("azione", "");
  m = MapMyPayRow(b.Build(), Ctx());
  EXPECT_FALSE(ErrorOn(m, "azione").empty());
}

TEST(MyPayCsv, MissingColumnsAreNamed) {
  std::vector<std::string> h = Header13();
  std::erase(h, std::string("tipoDovuto"));
  std::erase(h, std::string("dataScadenzaPagamento"));
  std::erase(h, std::string("azione"));
  MappedRow m = MapMyPayRow(GoodRow(h).Build(), Ctx());
  EXPECT_FALSE(m.position);
  EXPECT_NE(ErrorOn(m, "tipoDovuto").find("missing"), std::string::npos) << AllErrors(m);
  EXPECT_NE(ErrorOn(m, "azione").find("missing"), std::string::npos) << AllErrors(m);
  EXPECT_NE(ErrorOn(m, "dataEsecuzionePagamento").find("missing"), std::string::npos);
}

TEST(MyPayCsv, UnknownServiceAndBadValuesNameTheirColumns) {
  RowBuilder b = GoodRow();
  b.Set("tipoDovuto", "PARCHEGGI")
      .Set("importoDovuto", "45,00")
      .Set("codIuv", "ABC")
      .Set("tipoIdentificativoUnivoco", "G")
      .Set("codiceIdentificativoUnivoco", "BNCLRA90A41G942V")  // a person's code on a G row
      .Set("mailPagatore", "not-an-email")
      .Set("dataScadenzaPagamento", "2026-02-30");
  MappedRow m = MapMyPayRow(b.Build(), Ctx());
  EXPECT_FALSE(m.position);
  EXPECT_NE(ErrorOn(m, "tipoDovuto").find("PARCHEGGI"), std::string::npos) << AllErrors(m);
  EXPECT_NE(ErrorOn(m, "importoDovuto").find("comma"), std::string::npos) << AllErrors(m);
  EXPECT_FALSE(ErrorOn(m, "codIuv").empty());
  EXPECT_FALSE(ErrorOn(m, "codiceIdentificativoUnivoco").empty());
  EXPECT_FALSE(ErrorOn(m, "mailPagatore").empty());
  EXPECT_FALSE(ErrorOn(m, "dataScadenzaPagamento").empty());
}

TEST(MyPayCsv, HugeAndZeroAmounts) {
  RowBuilder b = GoodRow();
  b.Set("importoDovuto", "1000000000.00");
  EXPECT_FALSE(ErrorOn(MapMyPayRow(b.Build(), Ctx()), "importoDovuto").empty());
  b.Set("importoDovuto", "184467440737095516.16");
  EXPECT_FALSE(ErrorOn(MapMyPayRow(b.Build(), Ctx()), "importoDovuto").empty());
  b.Set("importoDovuto", "0.00");
  EXPECT_FALSE(ErrorOn(MapMyPayRow(b.Build(), Ctx()), "importoDovuto").empty());
  b.Set("importoDovuto", "1e3");
  EXPECT_FALSE(ErrorOn(MapMyPayRow(b.Build(), Ctx()), "importoDovuto").empty());
}

TEST(MyPayCsv, HostileTextStaysData) {
  RowBuilder b = GoodRow();
  b.Set("causaleVersamento", "Robert'); DROP TABLE debt_positions;--")
      .Set("anagraficaPagatore", "+cmd|' /C calc'!A0");
  MappedRow m = MapMyPayRow(b.Build(), Ctx());
  ASSERT_TRUE(m.errors.empty()) << AllErrors(m);
  EXPECT_EQ(m.position->options[0].description, "Robert'); DROP TABLE debt_positions;--");
  EXPECT_EQ(m.position->debtor.full_name, "+cmd|' /C calc'!A0");
  b.Set("IUD", "../../etc/passwd");
  m = MapMyPayRow(b.Build(), Ctx());
  EXPECT_FALSE(ErrorOn(m, "IUD").empty());
}

TEST(MyPayCsv, AnonymousDebtor) {
  RowBuilder b = GoodRow();
  b.Set("codiceIdentificativoUnivoco", "ANONIMO");
  MappedRow m = MapMyPayRow(b.Build(), Ctx());
  ASSERT_TRUE(m.errors.empty()) << AllErrors(m);
  EXPECT_EQ(m.position->debtor.fiscal_code, "ANONIMO");
}

}  // namespace
}  // namespace incasso::import
