// FdR flows and the nodeForPa service, validated against the official schemas with xmllint.
#include "nodesim/fdr.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/time.hpp"
#include "http/router.hpp"
#include "nodesim/codec.hpp"
#include "nodesim/node_for_pa.hpp"
#include "nodesim/testing.hpp"
#include "soap/xml.hpp"

namespace incasso::nodesim {
namespace {

constexpr const char* kFlussoNs = "http://www.digitpa.gov.it/schemas/2011/Pagamenti/";

DeliveredReceipt Receipt(std::string token, std::string ec, std::string iuv, const char* when,
                         std::vector<DeliveredTransfer> transfers,
                         std::string psp = "INCSIMPSP01") {
  DeliveredReceipt r;
  r.receipt_id = std::move(token);
  r.fiscal_code = std::move(ec);
  r.notice_number = "3" + iuv;
  r.creditor_reference_id = std::move(iuv);
  r.company_name = "Comune di Prova";
  r.id_psp = std::move(psp);
  r.psp_company_name = "PSP simulato incasso";
  r.payment_time = ParseDateTime(when).value();
  for (const auto& t : transfers) r.amount_cents += t.amount_cents;
  r.transfers = std::move(transfers);
  return r;
}

void ExpectValidFlow(const std::string& xml) {
  if (!testing::HaveXmllint()) GTEST_SKIP() << "xmllint not installed";
  EXPECT_EQ(testing::XmlLint(testing::FlussoSchema(), xml), "") << xml;
}

class FdrTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Day 1: two payments to EC 80000000001, one of them with a second beneficiary and a stamp.
    ledger_.Add(Receipt("aaaa", "80000000001", "01000000000000123", "2026-11-26T09:30:00Z",
                        {{1, 9900, "80000000001", "Comune di Prova", false},
                         {2, 100, "80000000002", "Provincia di Prova", false},
                         {3, 1600, "80000000001", "", true}}));
    ledger_.Add(Receipt("bbbb", "80000000001", "01000000000000456", "2026-11-26T15:00:00Z",
                        {{1, 55, "80000000001", "Comune di Prova", false}}));
    // Day 2, and another PSP.
    ledger_.Add(Receipt("cccc", "80000000001", "01000000000000789", "2026-11-27T08:00:00Z",
                        {{1, 2000, "80000000001", "Comune di Prova", false}}));
    ledger_.Add(Receipt("dddd", "80000000001", "01000000000000999", "2026-11-26T10:00:00Z",
                        {{1, 700, "80000000001", "Comune di Prova", false}}, "OTHERPSP"));
  }

  http::Response NodeForPa(const std::string& operation, const std::string& fields) {
    http::Request r;
    r.method = "POST";
    r.path = "/nodo/nodeForPa";
    r.body = std::string(R"(<?xml version="1.0" encoding="UTF-8"?>)") +
             R"(<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" )" +
             R"(xmlns:nfpa="http://ws.pagamenti.telematici.gov/"><soapenv:Body><nfpa:)" +
             operation + ">" + fields + "</nfpa:" + operation +
             "></soapenv:Body></soapenv:Envelope>";
    if (testing::HaveXmllint() && fields.find("<password>") != std::string::npos &&
        fields.find("<password></password>") == std::string::npos) {
      EXPECT_EQ(testing::XmlLint(testing::NodeForPaSchema(), r.body), "") << r.body;
    }
    return HandleNodeForPa(r, {"93000111224", "93000111224_01"}, ledger_);
  }

  static std::string Credentials(const std::string& broker = "93000111224",
                                 const std::string& station = "93000111224_01",
                                 const std::string& password = "password1") {
    return "<identificativoIntermediarioPA>" + broker + "</identificativoIntermediarioPA>" +
           "<identificativoStazioneIntermediarioPA>" + station +
           "</identificativoStazioneIntermediarioPA><password>" + password + "</password>";
  }

  // The ...Risposta element of a response, after checking it is valid against nodeForPa.xsd.
  soap::XmlElement Answer(const http::Response& res, const std::string& element) {
    EXPECT_EQ(res.status, 200) << res.body;
    EXPECT_EQ(res.content_type, "text/xml; charset=utf-8");
    if (testing::HaveXmllint()) {
      EXPECT_EQ(testing::XmlLint(testing::NodeForPaSchema(), res.body), "") << res.body;
    }
    auto doc = soap::ParseXml(res.body);
    EXPECT_TRUE(doc.ok()) << res.body;
    if (!doc.ok()) return {};
    docs_.push_back(std::move(doc).value());
    return docs_.back().Root().Child("Body", soap::kSoapEnvelopeNs).Child(element, kNodeForPaNs);
  }

  FdrLedger ledger_;
  std::vector<soap::XmlDocument> docs_;
};

TEST_F(FdrTest, FlowsArePerPspInstitutionAndDay) {
  const auto flows = ledger_.ListFlows();
  std::vector<std::string> ids;
  for (const auto& f : flows) ids.push_back(f.id);
  EXPECT_EQ(ids, (std::vector<std::string>{
                     "2026-11-26INCSIMPSP01-0000001", "2026-11-26INCSIMPSP01-0000002",
                     "2026-11-26OTHERPSP-0000001", "2026-11-27INCSIMPSP01-0000003"}));
  EXPECT_EQ(flows[0].fiscal_code, "80000000001");
  EXPECT_EQ(flows[0].payments, 2);  // the stamp is left out
  EXPECT_EQ(flows[0].total_cents, 9955);
  EXPECT_EQ(flows[0].flow_time, ParseDateTime("2026-11-26T15:00:00Z").value());
  EXPECT_EQ(flows[1].fiscal_code, "80000000002");  // the second beneficiary's own flow
  EXPECT_EQ(flows[1].total_cents, 100);

  EXPECT_EQ(ledger_.ListFlows("80000000002").size(), 1u);
  EXPECT_EQ(ledger_.ListFlows("", "OTHERPSP").size(), 1u);
  EXPECT_EQ(ledger_.ListFlows("80000000001", "INCSIMPSP01").size(), 2u);
  EXPECT_EQ(ledger_.Receipts().size(), 4u);
  EXPECT_FALSE(ledger_.FlowXml("nope").has_value());
}

TEST_F(FdrTest, FlowXmlIsAValidFlussoRiversamento) {
  for (const auto& f : ledger_.ListFlows()) {
    auto xml = ledger_.FlowXml(f.id);
    ASSERT_TRUE(xml.has_value());
    ExpectValidFlow(*xml);
  }
  const auto xml = ledger_.FlowXml("2026-11-26INCSIMPSP01-0000001").value();
  auto doc = soap::ParseXml(xml);
  ASSERT_TRUE(doc.ok());
  const auto root = doc->Root();
  EXPECT_EQ(root.LocalName(), "FlussoRiversamento");
  EXPECT_EQ(root.NamespaceUri(), kFlussoNs);
  EXPECT_EQ(root.ChildText("identificativoFlusso", kFlussoNs), "2026-11-26INCSIMPSP01-0000001");
  EXPECT_EQ(root.ChildText("dataRegolamento", kFlussoNs), "2026-11-26");
  EXPECT_EQ(root.ChildText("numeroTotalePagamenti", kFlussoNs), "2");
  EXPECT_EQ(root.ChildText("importoTotalePagamenti", kFlussoNs), "99.55");
  const auto payments = root.ChildrenNamed("datiSingoliPagamenti", kFlussoNs);
  ASSERT_EQ(payments.size(), 2u);
  EXPECT_EQ(payments[0].ChildText("identificativoUnivocoVersamento", kFlussoNs),
            "01000000000000123");
  EXPECT_EQ(payments[0].ChildText("identificativoUnivocoRiscossione", kFlussoNs), "aaaa");
  EXPECT_EQ(payments[0].ChildText("indiceDatiSingoloPagamento", kFlussoNs), "1");
  EXPECT_EQ(payments[0].ChildText("singoloImportoPagato", kFlussoNs), "99.00");
  EXPECT_EQ(payments[0].ChildText("codiceEsitoSingoloPagamento", kFlussoNs), "0");
  EXPECT_EQ(payments[1].ChildText("identificativoUnivocoRiscossione", kFlussoNs), "bbbb");

  // A later receipt revises the same flow: same id, later dataOraFlusso.
  ledger_.Add(Receipt("eeee", "80000000001", "01000000000000111", "2026-11-26T20:00:00Z",
                      {{1, 45, "80000000001", "Comune di Prova", false}}));
  const auto flows = ledger_.ListFlows("80000000001", "INCSIMPSP01");
  ASSERT_EQ(flows.size(), 2u);
  EXPECT_EQ(flows[0].payments, 3);
  EXPECT_EQ(flows[0].total_cents, 10000);
  EXPECT_EQ(flows[0].flow_time, ParseDateTime("2026-11-26T20:00:00Z").value());
  ExpectValidFlow(ledger_.FlowXml(flows[0].id).value());
}

TEST_F(FdrTest, ElencoListsFlowsWithFilters) {
  auto res = NodeForPa("nodoChiediElencoFlussiRendicontazione", Credentials());
  auto answer = Answer(res, "nodoChiediElencoFlussiRendicontazioneRisposta");
  ASSERT_TRUE(answer.valid()) << res.body;
  EXPECT_FALSE(answer.Child("fault").valid());
  EXPECT_EQ(answer.PathText("elencoFlussiRendicontazione/totRestituiti"), "4");
  const auto ids = answer.Child("elencoFlussiRendicontazione").ChildrenNamed("idRendicontazione");
  ASSERT_EQ(ids.size(), 4u);
  EXPECT_EQ(ids[0].ChildText("identificativoFlusso"), "2026-11-26INCSIMPSP01-0000001");
  EXPECT_EQ(ids[0].ChildText("dataOraFlusso"), "2026-11-26T15:00:00Z");

  res = NodeForPa("nodoChiediElencoFlussiRendicontazione",
                  Credentials() +
                      "<identificativoDominio>80000000001</identificativoDominio>"
                      "<identificativoPSP>INCSIMPSP01</identificativoPSP>");
  answer = Answer(res, "nodoChiediElencoFlussiRendicontazioneRisposta");
  EXPECT_EQ(answer.PathText("elencoFlussiRendicontazione/totRestituiti"), "2");

  res = NodeForPa("nodoChiediElencoFlussiRendicontazione",
                  Credentials() + "<identificativoDominio>99999999999</identificativoDominio>");
  answer = Answer(res, "nodoChiediElencoFlussiRendicontazioneRisposta");
  EXPECT_EQ(answer.PathText("elencoFlussiRendicontazione/totRestituiti"), "0");
}

TEST_F(FdrTest, FlussoReturnsTheFlowInBase64) {
  const std::string id = "2026-11-27INCSIMPSP01-0000003";
  auto res = NodeForPa("nodoChiediFlussoRendicontazione",
                       Credentials() +
                           "<identificativoDominio>80000000001</identificativoDominio>"
                           "<identificativoFlusso>" +
                           id + "</identificativoFlusso>");
  auto answer = Answer(res, "nodoChiediFlussoRendicontazioneRisposta");
  ASSERT_TRUE(answer.valid()) << res.body;
  auto encoded = answer.ChildText("xmlRendicontazione");
  ASSERT_TRUE(encoded.has_value()) << res.body;
  auto xml = Base64Decode(*encoded);
  ASSERT_TRUE(xml.has_value());
  EXPECT_EQ(*xml, ledger_.FlowXml(id).value());
  ExpectValidFlow(*xml);

  // Unknown, or of another institution than the one asked: PPT_ID_FLUSSO_SCONOSCIUTO.
  for (const std::string& fields :
       {Credentials() + "<identificativoFlusso>nope</identificativoFlusso>",
        Credentials() +
            "<identificativoDominio>80000000002</identificativoDominio>"
            "<identificativoFlusso>" +
            id + "</identificativoFlusso>"}) {
    res = NodeForPa("nodoChiediFlussoRendicontazione", fields);
    answer = Answer(res, "nodoChiediFlussoRendicontazioneRisposta");
    EXPECT_EQ(answer.PathText("fault/faultCode"), "PPT_ID_FLUSSO_SCONOSCIUTO") << res.body;
    EXPECT_EQ(answer.PathText("fault/id"), "NodoDeiPagamentiSPC");
    EXPECT_FALSE(answer.Child("xmlRendicontazione").valid());
  }
}

TEST_F(FdrTest, CallerChecksAnswerPptFaults) {
  struct Case {
    std::string fields;
    std::string code;
  };
  const std::vector<Case> cases = {
      {Credentials("99999999999"), "PPT_INTERMEDIARIO_PA_SCONOSCIUTO"},
      {Credentials("93000111224", "93000111224_99"), "PPT_STAZIONE_INT_PA_SCONOSCIUTA"},
      {Credentials("93000111224", "93000111224_01", ""), "PPT_AUTENTICAZIONE"},
      {"<identificativoIntermediarioPA>93000111224</identificativoIntermediarioPA>",
       "PPT_SINTASSI_EXTRAXSD"},
  };
  for (const auto& c : cases) {
    auto res = NodeForPa("nodoChiediElencoFlussiRendicontazione", c.fields);
    auto answer = Answer(res, "nodoChiediElencoFlussiRendicontazioneRisposta");
    ASSERT_TRUE(answer.valid()) << res.body;
    EXPECT_EQ(answer.PathText("fault/faultCode"), c.code) << res.body;
    EXPECT_FALSE(answer.Child("elencoFlussiRendicontazione").valid());
  }
}

TEST_F(FdrTest, NotANodeForPaRequestIsASoapClientFault) {
  for (const std::string& body :
       {std::string("garbage"), std::string("<a/>"),
        std::string(
            R"(<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">)"
            R"(<soapenv:Body><x:other xmlns:x="urn:x"/></soapenv:Body></soapenv:Envelope>)")}) {
    http::Request r;
    r.method = "POST";
    r.body = body;
    auto res = HandleNodeForPa(r, {"93000111224", "93000111224_01"}, ledger_);
    EXPECT_EQ(res.status, 500) << body;
    EXPECT_NE(res.body.find("<faultcode>soapenv:Client</faultcode>"), std::string::npos);
  }
}

}  // namespace
}  // namespace incasso::nodesim
