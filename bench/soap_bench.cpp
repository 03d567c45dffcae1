// paForNode codec on the node's hot paths: parsing paVerifyPaymentNoticeReq and
// paSendRTV2Request (libxml2 parse under the safety contract + XSD checks), and writing a
// paGetPaymentV2Response. Link with benchmark::benchmark_main; Google Benchmark prints the machine
// context (CPUs, caches, load) before the figures.
#include <benchmark/benchmark.h>

#include <chrono>
#include <string>

#include "soap/codec.hpp"

namespace incasso::soap {
namespace {

constexpr const char* kVerify =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" "
    "xmlns:pafn=\"http://pagopa-api.pagopa.gov.it/pa/paForNode.xsd\"><soapenv:Header/>"
    "<soapenv:Body><pafn:paVerifyPaymentNoticeReq><idPA>77777777777</idPA>"
    "<idBrokerPA>15376371009</idBrokerPA><idStation>15376371009_01</idStation><qrCode>"
    "<fiscalCode>77777777777</fiscalCode><noticeNumber>302000100000009424</noticeNumber>"
    "</qrCode></pafn:paVerifyPaymentNoticeReq></soapenv:Body></soapenv:Envelope>";

std::string SendRTV2() {
  std::string transfers;
  for (int i = 1; i <= 5; ++i) {
    transfers += "<transfer><idTransfer>" + std::to_string(i) +
                 "</idTransfer><transferAmount>20.00</transferAmount>"
                 "<fiscalCodePA>77777777777</fiscalCodePA><companyName>Comune di Valdimonte"
                 "</companyName><IBAN>IT57N0760114800000011050036</IBAN>"
                 "<remittanceInformation>TARI 2026 rata</remittanceInformation>"
                 "<transferCategory>9/0201102IM/</transferCategory><metadata><mapEntry><key>anno"
                 "</key><value>2026</value></mapEntry></metadata></transfer>";
  }
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
         "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" "
         "xmlns:pafn=\"http://pagopa-api.pagopa.gov.it/pa/paForNode.xsd\"><soapenv:Body>"
         "<pafn:paSendRTV2Request><idPA>77777777777</idPA><idBrokerPA>15376371009</idBrokerPA>"
         "<idStation>15376371009_01</idStation><receipt>"
         "<receiptId>b2ce4b2ee7cf4b5c9bd2f4c0e1d3a8f1</receiptId>"
         "<noticeNumber>302000100000009425</noticeNumber><fiscalCode>77777777777</fiscalCode>"
         "<outcome>OK</outcome><creditorReferenceId>02000100000009425</creditorReferenceId>"
         "<paymentAmount>100.00</paymentAmount><description>TARI 2026</description>"
         "<companyName>Comune di Valdimonte</companyName><debtor><uniqueIdentifier>"
         "<entityUniqueIdentifierType>F</entityUniqueIdentifierType>"
         "<entityUniqueIdentifierValue>RSSMRA85T10A562S</entityUniqueIdentifierValue>"
         "</uniqueIdentifier><fullName>Mario Rossi</fullName><streetName>Via Roma</streetName>"
         "<civicNumber>1</civicNumber><postalCode>00100</postalCode><city>Roma</city>"
         "<stateProvinceRegion>RM</stateProvinceRegion><country>IT</country>"
         "<e-mail>mario.rossi@example.org</e-mail></debtor><transferList>" +
         transfers +
         "</transferList><idPSP>BCITITMM</idPSP><pspFiscalCode>00799960158</pspFiscalCode>"
         "<PSPCompanyName>Intesa Sanpaolo S.p.A</PSPCompanyName>"
         "<idChannel>00799960158_01</idChannel><channelDescription>app</channelDescription>"
         "<paymentMethod>creditCard</paymentMethod><paymentNote>cart-2026-000042</paymentNote>"
         "<fee>1.50</fee><paymentDateTime>2026-11-26T10:15:30</paymentDateTime>"
         "<applicationDate>2026-11-26</applicationDate><transferDate>2026-11-27</transferDate>"
         "<standIn>false</standIn></receipt></pafn:paSendRTV2Request></soapenv:Body>"
         "</soapenv:Envelope>";
}

void BM_ParseVerifyPaymentNotice(benchmark::State& state) {
  const std::string body = kVerify;
  for (auto _ : state) {
    auto r = ParseStationRequest(body, "paVerifyPaymentNotice");
    if (!std::holds_alternative<ParsedRequest>(r)) state.SkipWithError("request refused");
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(body.size()));
}
BENCHMARK(BM_ParseVerifyPaymentNotice);

void BM_ParseSendRTV2(benchmark::State& state) {
  const std::string body = SendRTV2();
  for (auto _ : state) {
    auto r = ParseStationRequest(body, "paSendRTV2");
    if (!std::holds_alternative<ParsedRequest>(r)) state.SkipWithError("request refused");
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(body.size()));
}
BENCHMARK(BM_ParseSendRTV2);

void BM_WriteGetPaymentV2Response(benchmark::State& state) {
  using namespace std::chrono;
  PaymentData d;
  d.creditor_reference_id = "02000100000009424";
  d.payment_amount = 10000;
  d.due_date = Date{year{2026} / 12 / 31};
  d.description = "TARI 2026 - Tassa rifiuti, saldo";
  d.company_name = "Comune di Valdimonte";
  d.office_name = "Ufficio Tributi";
  d.debtor.fiscal_code = "RSSMRA85T10A562S";
  d.debtor.full_name = "Mario Rossi";
  d.debtor.street_name = "Via Roma";
  d.debtor.city = "Roma";
  d.debtor.country = "IT";
  d.debtor.email = "mario.rossi@example.org";
  for (int i = 1; i <= 5; ++i) {
    Transfer t;
    t.id_transfer = i;
    t.amount = 2000;
    t.entity_fiscal_code = "77777777777";
    t.remittance_information = "TARI 2026 rata";
    t.category = "9/0201102IM/";
    t.iban = "IT57N0760114800000011050036";
    t.metadata = {{"anno", "2026"}};
    d.transfers.push_back(t);
  }
  const StationResult<PaymentData> result = d;
  for (auto _ : state) {
    std::string xml = WriteGetPaymentV2Response(result, "77777777777");
    benchmark::DoNotOptimize(xml);
  }
}
BENCHMARK(BM_WriteGetPaymentV2Response);

}  // namespace
}  // namespace incasso::soap
