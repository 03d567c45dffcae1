#include "import/govpay_csv.hpp"

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

constexpr const char* kEntity = "00123456782";  // Comune di Valdimonte (demo), segregation 01
const TimePoint kNow = *ParseDateTime("2026-01-15T10:00:00Z");

// GovPay's default layout, columns 1..27 then 5 x 11 voce columns then 82..86.
std::vector<std::string> FullHeader() {
  std::vector<std::string> h = {"idA2A",
                                "idPendenza",
                                "idDominio",
                                "numeroAvviso",
                                "tipoPendenza",
                                "idUnitaOperativa",
                                "causale",
                                "annoRiferimento",
                                "cartellaPagamento",
                                "datiAllegati",
                                "direzione",
                                "divisione",
                                "importo",
                                "dataValidita",
                                "dataScadenza",
                                "tassonomiaAvviso",
                                "tipoSoggettoPagatore",
                                "identificativoPagatore",
                                "anagraficaPagatore",
                                "indirizzoPagatore",
                                "civicoPagatore",
                                "capPagatore",
                                "localitaPagatore",
                                "provinciaPagatore",
                                "nazionePagatore",
                                "emailPagatore",
                                "cellularePagatore"};
  for (int i = 1; i <= 5; ++i) {
    for (const char* base :
         {"idVoce", "importoVoce", "descrizioneVoce", "ibanAccreditoVoce", "ibanAppoggioVoce",
          "tipoContabilitaVoce", "codiceContabilitaVoce", "tipoEntrataVoce", "tipoBolloVoce",
          "hashBolloVoce", "provinciaBolloVoce"}) {
      h.push_back(std::string(base) + std::to_string(i));
    }
  }
  for (const char* c : {"dataAvvisatura", "idDocumento", "descrizioneDocumento", "numeroRata",
                        "linguaSecondaria"}) {
    h.push_back(c);
  }
  return h;
}

// Builds a row of `header` from column -> value pairs; other cells empty.

RowBuilder GoodRow() {
  RowBuilder b(FullHeader());
  b.Set("idA2A", "TRIBUTI")
      .Set("idPendenza", "TARI-2026-000123")
      .Set("idDominio", kEntity)
      .Set("causale", "TARI 2026 - saldo")
      .Set("annoRiferimento", "2026")
      .Set("importo", "150.00")
      .Set("dataScadenza", "2026-03-31")
      .Set("tipoSoggettoPagatore", "F")
      .Set("identificativoPagatore", "RSSMRA85T10A562S")
      .Set("anagraficaPagatore", "Mario Rossi")
      .Set("indirizzoPagatore", "Via Roma")
      .Set("civicoPagatore", "1")
      .Set("capPagatore", "85100")
      .Set("localitaPagatore", "Valdimonte")
      .Set("nazionePagatore", "IT")
      .Set("emailPagatore", "mario.rossi@example.com")
      .Set("idVoce1", "TARI")
      .Set("importoVoce1", "150.00")
      .Set("descrizioneVoce1", "Tassa rifiuti 2026")
      .Set("ibanAccreditoVoce1", "IT67V0542404200000000123456")
      .Set("tipoContabilitaVoce1", "ALTRO")
      .Set("codiceContabilitaVoce1", "9/0201102IM/");
  return b;
}

AdapterContext Ctx() {
  AdapterContext c{kEntity, kNow, {}};
  Service tari;
  tari.code = "TARI";
  tari.iban = "IT67V0542404200000000123456";
  tari.taxonomy_code = "9/0201102IM/";
  c.services.push_back(tari);
  Service off;
  off.code = "VECCHIO";
  off.iban = "IT67V0542404200000000123456";
  off.taxonomy_code = "9/0201102IM/";
  off.active = false;
  c.services.push_back(off);
  return c;
}

TEST(GovPayCsv, DetectsTheLayout) {
  EXPECT_TRUE(LooksLikeGovPay(FullHeader()));
  std::vector<std::string> with_bom = FullHeader();
  with_bom[0] = "\xEF\xBB\xBFidA2A";
  EXPECT_TRUE(LooksLikeGovPay(with_bom));
  std::vector<std::string> upper = {" IDA2A", "IDPENDENZA ", "iddominio", "IMPORTO", "idvoce1"};
  EXPECT_TRUE(LooksLikeGovPay(upper));
  EXPECT_FALSE(LooksLikeGovPay({"IUD", "codIuv", "importoDovuto", "tipoDovuto"}));
  EXPECT_FALSE(LooksLikeGovPay({"idPendenza", "idDominio", "importo"}));
}

TEST(GovPayCsv, MapsASingleVocePendenza) {
  MappedRow m = MapGovPayRow(GoodRow().Build(7), Ctx());
  ASSERT_TRUE(m.errors.empty()) << AllErrors(m);
  ASSERT_TRUE(m.position);
  DebtPosition p = *m.position;
  p.company_name = "Comune di Valdimonte";  // filled from the entity by the pipeline
  EXPECT_EQ(p.iupd, "TARI-2026-000123");
  EXPECT_EQ(p.debtor.type, DebtorType::kPerson);
  EXPECT_EQ(p.debtor.fiscal_code, "RSSMRA85T10A562S");
  EXPECT_EQ(p.debtor.full_name, "Mario Rossi");
  EXPECT_EQ(p.debtor.postal_code, "85100");
  EXPECT_EQ(p.debtor.email, "mario.rossi@example.com");
  ASSERT_EQ(p.options.size(), 1u);
  const PaymentOption& o = p.options[0];
  EXPECT_EQ(o.amount, 15000);
  EXPECT_EQ(o.description, "TARI 2026 - saldo");
  EXPECT_FALSE(o.is_partial_payment);
  EXPECT_EQ(FormatDateTime(o.due_date), "2026-03-31T23:59:59Z");
  EXPECT_TRUE(o.iuv.empty());  // allocated when written
  ASSERT_EQ(o.transfers.size(), 1u);
  EXPECT_EQ(o.transfers[0].id_transfer, 1);
  EXPECT_EQ(o.transfers[0].amount, 15000);
  EXPECT_EQ(o.transfers[0].iban, "IT67V0542404200000000123456");
  EXPECT_EQ(o.transfers[0].category, "9/0201102IM/");
  EXPECT_EQ(o.transfers[0].remittance_information, "Tassa rifiuti 2026");
  // The mapped position passes the domain validation the import applies before writing.
  Status st = ValidatePosition(p, kEntity, kNow);
  EXPECT_TRUE(st.ok()) << st.error().ToText();
}

TEST(GovPayCsv, MapsSeveralVociToTransfersAndKeepsTheNoticeNumber) {
  RowBuilder b = GoodRow();
  b.Set("numeroAvviso", "301000000000012373")
      .Set("importo", "1234.56")
      .Set("importoVoce1", "1000.00")
      .Set("idVoce2", "ADD")
      .Set("importoVoce2", "200.56")
      .Set("descrizioneVoce2", "Addizionale")
      .Set("ibanAccreditoVoce2", "IT84Q0760104200000012345678")
      .Set("codiceContabilitaVoce2", "0201102IM")
      .Set("idVoce3", "MORA")
      .Set("importoVoce3", "34")
      .Set("descrizioneVoce3", "Interessi")
      .Set("tipoEntrataVoce3", "TARI");
  MappedRow m = MapGovPayRow(b.Build(), Ctx());
  ASSERT_TRUE(m.errors.empty()) << AllErrors(m);
  const PaymentOption& o = m.position->options[0];
  EXPECT_EQ(o.amount, 123456);
  EXPECT_EQ(o.iuv, "01000000000012373");
  EXPECT_EQ(o.nav, "301000000000012373");
  ASSERT_EQ(o.transfers.size(), 3u);
  EXPECT_EQ(o.transfers[1].id_transfer, 2);
  EXPECT_EQ(o.transfers[1].amount, 20056);
  EXPECT_EQ(o.transfers[1].category, "0201102IM");
  EXPECT_EQ(o.transfers[2].amount, 3400);
  EXPECT_EQ(o.transfers[2].iban, "IT67V0542404200000000123456");  // from service TARI
  EXPECT_EQ(o.transfers[2].category, "9/0201102IM/");
  Status st = ValidatePosition(WithCompany(*m.position), kEntity, kNow);
  EXPECT_TRUE(st.ok()) << st.error().ToText();
}

TEST(GovPayCsv, InstalmentsOfADocumentShareTheIupd) {
  RowBuilder b = GoodRow();
  b.Set("idDocumento", "TARI-2026-DOC-9").Set("numeroRata", "2");
  MappedRow m = MapGovPayRow(b.Build(), Ctx());
  ASSERT_TRUE(m.errors.empty()) << AllErrors(m);
  EXPECT_EQ(m.position->iupd, "TARI-2026-DOC-9");
  EXPECT_TRUE(m.position->options[0].is_partial_payment);

  b.Set("numeroRata", "ENTRO30");
  m = MapGovPayRow(b.Build(), Ctx());
  EXPECT_NE(ErrorOn(m, "numeroRata").find("soglia"), std::string::npos) << AllErrors(m);

  RowBuilder c = GoodRow();
  c.Set("numeroRata", "1");
  m = MapGovPayRow(c.Build(), Ctx());
  EXPECT_NE(ErrorOn(m, "numeroRata").find("idDocumento"), std::string::npos);
}

TEST(GovPayCsv, MapsADigitalStamp) {
  RowBuilder b = GoodRow();
  b.Set("tipoPendenza", "TARI")
      .Set("importo", "16.00")
      .Set("importoVoce1", "16.00")
      .Set("ibanAccreditoVoce1", "")
      .Set("codiceContabilitaVoce1", "")
      .Set("tipoBolloVoce1", "01")
      .Set("hashBolloVoce1", "cXVlc3RvIMOoIHVuIGhhc2g=")
      .Set("provinciaBolloVoce1", "PZ");
  MappedRow m = MapGovPayRow(b.Build(), Ctx());
  ASSERT_TRUE(m.errors.empty()) << AllErrors(m);
  const Transfer& t = m.position->options[0].transfers[0];
  ASSERT_TRUE(t.stamp);
  EXPECT_EQ(t.stamp->provincial_residence, "PZ");
  EXPECT_TRUE(t.iban.empty());
  EXPECT_EQ(t.category, "9/0201102IM/");  // from tipoPendenza's service
}

TEST(GovPayCsv, RejectsAnotherInstitutionsRow) {
  RowBuilder b = GoodRow();
  b.Set("idDominio", "01987654322");  // ASL di Valdimonte, valid but not the importing entity
  MappedRow m = MapGovPayRow(b.Build(3), Ctx());
  EXPECT_FALSE(m.position);
  ASSERT_FALSE(m.errors.empty());
  EXPECT_EQ(m.errors[0].row, 3);
  EXPECT_EQ(m.errors[0].field, "idDominio");
  EXPECT_NE(m.errors[0].message.find("01987654322"), std::string::npos);
}

TEST(GovPayCsv, AnnulmentIsAnExplicitError) {
  RowBuilder b = GoodRow();
  b.Set("importo", "0.00");
  MappedRow m = MapGovPayRow(b.Build(), Ctx());
  EXPECT_FALSE(m.position);
  EXPECT_NE(ErrorOn(m, "importo").find("annul"), std::string::npos) << AllErrors(m);
}

TEST(GovPayCsv, MissingRequiredColumnsAreNamed) {
  std::vector<std::string> header = FullHeader();
  std::erase(header, std::string("dataScadenza"));
  std::erase(header, std::string("causale"));
  RowBuilder b(header);
  b.Set("idA2A", "A").Set("idPendenza", "P1").Set("idDominio", kEntity).Set("importo", "1.00");
  MappedRow m = MapGovPayRow(b.Build(), Ctx());
  EXPECT_FALSE(m.position);
  EXPECT_NE(ErrorOn(m, "dataScadenza").find("missing"), std::string::npos) << AllErrors(m);
  EXPECT_NE(ErrorOn(m, "causale").find("missing"), std::string::npos) << AllErrors(m);
}

TEST(GovPayCsv, AmountsAreExactAndStrict) {
  RowBuilder b = GoodRow();
  b.Set("importo", "150,00");  // Italian decimal comma: GovPay requires a dot
  MappedRow m = MapGovPayRow(b.Build(), Ctx());
  EXPECT_NE(ErrorOn(m, "importo").find("comma"), std::string::npos) << AllErrors(m);

  b.Set("importo", "1000000000.00").Set("importoVoce1", "1000000000.00");
  m = MapGovPayRow(b.Build(), Ctx());
  EXPECT_FALSE(ErrorOn(m, "importo").empty());
  EXPECT_FALSE(ErrorOn(m, "importoVoce1").empty());

  b.Set("importo", "99999999999999999999999").Set("importoVoce1", "1.005");
  m = MapGovPayRow(b.Build(), Ctx());
  EXPECT_FALSE(ErrorOn(m, "importo").empty());
  EXPECT_FALSE(ErrorOn(m, "importoVoce1").empty());

  // 0.1 + 0.2 is exactly 0.30 in cents (no floating point on the way).
  b.Set("importo", "0.30").Set("importoVoce1", "0.10");
  b.Set("idVoce2", "B").Set("importoVoce2", "0.20").Set("descrizioneVoce2", "b");
  b.Set("ibanAccreditoVoce2", "IT67V0542404200000000123456")
      .Set("codiceContabilitaVoce2", "9/0201102IM/");
  m = MapGovPayRow(b.Build(), Ctx());
  EXPECT_TRUE(m.errors.empty()) << AllErrors(m);

  b.Set("importo", "0.31");
  m = MapGovPayRow(b.Build(), Ctx());
  EXPECT_NE(ErrorOn(m, "importo").find("add up"), std::string::npos) << AllErrors(m);
}

TEST(GovPayCsv, FieldErrorsNameTheFilesColumns) {
  RowBuilder b = GoodRow();
  b.Set("identificativoPagatore", "RSSMRA85T10A562X")  // wrong check character
      .Set("ibanAccreditoVoce1", "IT00V0542404200000000123456")
      .Set("dataScadenza", "31/03/2026")
      .Set("codiceContabilitaVoce1", "CAP-123")
      .Set("nazionePagatore", "Italia");
  MappedRow m = MapGovPayRow(b.Build(), Ctx());
  EXPECT_FALSE(m.position);
  EXPECT_FALSE(ErrorOn(m, "identificativoPagatore").empty()) << AllErrors(m);
  EXPECT_FALSE(ErrorOn(m, "ibanAccreditoVoce1").empty()) << AllErrors(m);
  EXPECT_NE(ErrorOn(m, "dataScadenza").find("YYYY-MM-DD"), std::string::npos) << AllErrors(m);
  EXPECT_FALSE(ErrorOn(m, "codiceContabilitaVoce1").empty()) << AllErrors(m);
  EXPECT_FALSE(ErrorOn(m, "nazionePagatore").empty()) << AllErrors(m);

  RowBuilder past = GoodRow();
  past.Set("dataScadenza", "2025-12-31");
  m = MapGovPayRow(past.Build(), Ctx());
  EXPECT_NE(ErrorOn(m, "dataScadenza").find("past"), std::string::npos);
}

TEST(GovPayCsv, UnknownOrInactiveServiceIsAnError) {
  RowBuilder b = GoodRow();
  b.Set("ibanAccreditoVoce1", "").Set("tipoEntrataVoce1", "NONESISTE");
  MappedRow m = MapGovPayRow(b.Build(), Ctx());
  EXPECT_NE(ErrorOn(m, "tipoEntrataVoce1").find("NONESISTE"), std::string::npos) << AllErrors(m);
  b.Set("tipoEntrataVoce1", "VECCHIO");
  m = MapGovPayRow(b.Build(), Ctx());
  EXPECT_FALSE(ErrorOn(m, "tipoEntrataVoce1").empty());
}

TEST(GovPayCsv, HostileTextStaysData) {
  RowBuilder b = GoodRow();
  b.Set("causale", "'; DROP TABLE positions; --")
      .Set("anagraficaPagatore", "=HYPERLINK(\"http://evil.example\",\"x\")")
      .Set("descrizioneVoce1", "@SUM(A1:A9)");
  MappedRow m = MapGovPayRow(b.Build(), Ctx());
  ASSERT_TRUE(m.errors.empty()) << AllErrors(m);
  EXPECT_EQ(m.position->options[0].description, "'; DROP TABLE positions; --");
  EXPECT_EQ(m.position->debtor.full_name, "=HYPERLINK(\"http://evil.example\",\"x\")");
  EXPECT_EQ(m.position->options[0].transfers[0].remittance_information, "@SUM(A1:A9)");

  b.Set("idPendenza", "X' OR '1'='1");
  m = MapGovPayRow(b.Build(), Ctx());
  EXPECT_FALSE(ErrorOn(m, "idPendenza").empty());

  b.Set("idPendenza", "P1").Set("causale", std::string(141, 'x'));
  m = MapGovPayRow(b.Build(), Ctx());
  EXPECT_NE(ErrorOn(m, "causale").find("140"), std::string::npos);
}

TEST(GovPayCsv, ASixthVoceIsRejected) {
  std::vector<std::string> header = FullHeader();
  for (const char* base : {"idVoce6", "importoVoce6", "descrizioneVoce6"}) header.push_back(base);
  RowBuilder longer(header);  // the good row's values on a header with a sixth voce
  Record base = GoodRow().Build();
  for (std::size_t i = 0; i < FullHeader().size(); ++i) {
    longer.Set(FullHeader()[i], base.cells()[i]);
  }
  longer.Set("idVoce6", "X").Set("importoVoce6", "1.00").Set("descrizioneVoce6", "x");
  MappedRow m = MapGovPayRow(longer.Build(), Ctx());
  EXPECT_FALSE(ErrorOn(m, "idVoce6").empty()) << AllErrors(m);
}

}  // namespace
}  // namespace incasso::import
