// ParseStationRequest: golden requests in several namespace forms, and XSD violations.
#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

#include "soap/codec.hpp"
#include "soap/soap_test_support.hpp"

namespace incasso::soap {
namespace {

using testing::Golden;
using testing::SchemaValid;

ParsedRequest MustParse(const std::string& body, std::string_view action = "") {
  auto r = ParseStationRequest(body, action);
  if (auto* err = std::get_if<RequestError>(&r)) {
    ADD_FAILURE() << "refused: " << err->fault.code << " " << err->fault.description;
    return ParsedRequest{Operation::kVerifyPaymentNotice, VerifyNoticeQuery{}};
  }
  return std::get<ParsedRequest>(std::move(r));
}

RequestError MustRefuse(const std::string& body, std::string_view action = "") {
  auto r = ParseStationRequest(body, action);
  if (std::holds_alternative<ParsedRequest>(r)) {
    ADD_FAILURE() << "accepted: " << body;
    return RequestError{};
  }
  return std::get<RequestError>(std::move(r));
}

void ExpectStandardHeader(const StationHeader& h) {
  EXPECT_EQ(h.id_pa, "77777777777");
  EXPECT_EQ(h.id_broker_pa, "15376371009");
  EXPECT_EQ(h.id_station, "15376371009_01");
}

// --- golden requests -------------------------------------------------------------------------

TEST(GoldenRequests, AreValidAgainstTheOfficialSchema) {
  // The inputs themselves are real paForNode messages (except the one named "lenient").
  for (const char* name :
       {"verify_pafn.xml", "verify_default_ns.xml", "getpayment_v1_ns2.xml",
        "getpayment_v2_full.xml", "sendrt_v1.xml", "sendrt_v2.xml", "demand_soap_env.xml"}) {
    SCOPED_TRACE(name);
    EXPECT_TRUE(SchemaValid(Golden(name)));
  }
}

TEST(GoldenRequests, VerifyInEveryNamespaceForm) {
  for (const char* name :
       {"verify_pafn.xml", "verify_default_ns.xml", "verify_inherited_default_ns_lenient.xml"}) {
    SCOPED_TRACE(name);
    for (std::string_view action : {"", "paVerifyPaymentNotice", "\"paVerifyPaymentNotice\""}) {
      ParsedRequest p = MustParse(Golden(name), action);
      EXPECT_EQ(p.operation, Operation::kVerifyPaymentNotice);
      ASSERT_TRUE(std::holds_alternative<VerifyNoticeQuery>(p.request));
      const auto& q = std::get<VerifyNoticeQuery>(p.request);
      ExpectStandardHeader(q.header);
      EXPECT_EQ(q.fiscal_code, "77777777777");
      EXPECT_EQ(q.notice_number, "302000100000009424");
    }
  }
}

TEST(GoldenRequests, GetPaymentV1WithOtherPrefixes) {
  ParsedRequest p = MustParse(Golden("getpayment_v1_ns2.xml"), "paGetPayment");
  EXPECT_EQ(p.operation, Operation::kGetPayment);
  const auto& q = std::get<GetPaymentQuery>(p.request);
  ExpectStandardHeader(q.header);
  EXPECT_EQ(q.version, 1);
  EXPECT_EQ(q.notice_number, "302000100000009424");
  EXPECT_FALSE(q.amount.has_value());
  EXPECT_EQ(q.payment_note, "");
  EXPECT_EQ(q.transfer_type, "");
  EXPECT_FALSE(q.due_date.has_value());
}

TEST(GoldenRequests, GetPaymentV2WithCdataWhitespaceAndEveryOptionalField) {
  ParsedRequest p = MustParse(Golden("getpayment_v2_full.xml"));
  EXPECT_EQ(p.operation, Operation::kGetPaymentV2);
  const auto& q = std::get<GetPaymentQuery>(p.request);
  ExpectStandardHeader(q.header);  // idPA came in CDATA
  EXPECT_EQ(q.version, 2);
  EXPECT_EQ(q.fiscal_code, "77777777777");
  EXPECT_EQ(q.notice_number, "302000100000009424");  // text + CDATA joined
  ASSERT_TRUE(q.amount.has_value());
  EXPECT_EQ(*q.amount, 15050);  // xsd:decimal collapses the surrounding whitespace
  EXPECT_EQ(q.payment_note, "cart <42> & \"more\" & caf\xC3\xA9");
  EXPECT_EQ(q.transfer_type, "POSTAL");
  ASSERT_TRUE(q.due_date.has_value());
  EXPECT_EQ(FormatDate(*q.due_date), "2026-12-31");
}

TEST(GoldenRequests, SendRTV1) {
  const std::string body = Golden("sendrt_v1.xml");
  ParsedRequest p = MustParse(body, "paSendRT");
  EXPECT_EQ(p.operation, Operation::kSendRT);
  const auto& cmd = std::get<SendReceiptCommand>(p.request);
  ExpectStandardHeader(cmd.header);
  const Receipt& r = cmd.receipt;
  EXPECT_EQ(r.source, "paSendRT");
  EXPECT_EQ(r.original_xml, body);
  EXPECT_EQ(r.receipt_id, "c110729d258c4ab1b765fe902aae41d6");
  EXPECT_EQ(r.notice_number, "302000100000009424");
  EXPECT_EQ(r.fiscal_code, "77777777777");
  EXPECT_EQ(r.iuv, "02000100000009424");
  EXPECT_EQ(r.payment_note, "");  // V1 has none
  ASSERT_EQ(r.metadata.size(), 1u);
  EXPECT_EQ(r.metadata[0].key, "channel");
  EXPECT_EQ(r.metadata[0].value, "app");
  EXPECT_EQ(r.outcome, "OK");
  EXPECT_EQ(r.amount, 15050);
  ASSERT_TRUE(r.fee.has_value());
  EXPECT_EQ(*r.fee, 150);
  EXPECT_EQ(r.psp_id, "BCITITMM");
  EXPECT_EQ(r.psp_fiscal_code, "00799960158");
  EXPECT_EQ(r.psp_company_name, "Intesa Sanpaolo S.p.A");
  EXPECT_EQ(r.channel_id, "00799960158_01");
  EXPECT_EQ(r.channel_description, "app");
  EXPECT_EQ(r.payment_method, "creditCard");
  ASSERT_TRUE(r.payment_date_time.has_value());
  EXPECT_EQ(FormatDateTime(*r.payment_date_time), "2026-11-26T10:15:30Z");
  EXPECT_EQ(r.application_date, "2026-11-26");
  EXPECT_EQ(r.transfer_date, "2026-11-27");
  EXPECT_FALSE(r.stand_in);

  EXPECT_EQ(r.debtor.type, DebtorType::kPerson);
  EXPECT_EQ(r.debtor.fiscal_code, "RSSMRA85T10A562S");
  EXPECT_EQ(r.debtor.full_name, "Mario Rossi");
  EXPECT_EQ(r.debtor.street_name, "Via Roma");
  EXPECT_EQ(r.debtor.civic_number, "1");
  EXPECT_EQ(r.debtor.postal_code, "00100");
  EXPECT_EQ(r.debtor.city, "Roma");
  EXPECT_EQ(r.debtor.province, "RM");
  EXPECT_EQ(r.debtor.country, "IT");
  EXPECT_EQ(r.debtor.email, "mario.rossi@example.org");
  ASSERT_TRUE(r.payer.has_value());
  EXPECT_EQ(r.payer->type, DebtorType::kLegal);
  EXPECT_EQ(r.payer->fiscal_code, "01234567890");
  EXPECT_EQ(r.payer->full_name, "Rossi S.r.l.");

  ASSERT_EQ(r.transfers.size(), 2u);
  EXPECT_EQ(r.transfers[0].id_transfer, 1);
  EXPECT_EQ(r.transfers[0].amount, 10050);
  EXPECT_EQ(r.transfers[0].entity_fiscal_code, "77777777777");
  EXPECT_EQ(r.transfers[0].iban, "IT57N0760114800000011050036");
  EXPECT_EQ(r.transfers[0].remittance_information, "TARI 2026 quota comunale");
  EXPECT_EQ(r.transfers[0].category, "9/0201102IM/");
  ASSERT_EQ(r.transfers[0].metadata.size(), 1u);
  EXPECT_EQ(r.transfers[0].metadata[0].key, "anno");
  EXPECT_EQ(r.transfers[0].metadata[0].value, "2026");
  EXPECT_FALSE(r.transfers[0].stamp.has_value());
  EXPECT_EQ(r.transfers[1].id_transfer, 2);
  EXPECT_EQ(r.transfers[1].amount, 5000);
  EXPECT_EQ(r.transfers[1].entity_fiscal_code, "01199250158");
  EXPECT_TRUE(r.transfers[1].metadata.empty());
}

TEST(GoldenRequests, SendRTV2WithStampAndStandIn) {
  const std::string body = Golden("sendrt_v2.xml");
  ParsedRequest p = MustParse(body, "paSendRTV2");
  EXPECT_EQ(p.operation, Operation::kSendRTV2);
  const Receipt& r = std::get<SendReceiptCommand>(p.request).receipt;
  EXPECT_EQ(r.source, "paSendRTV2");
  EXPECT_EQ(r.original_xml, body);
  EXPECT_EQ(r.receipt_id, "b2ce4b2ee7cf4b5c9bd2f4c0e1d3a8f1");
  EXPECT_EQ(r.amount, 3200);
  EXPECT_EQ(r.fee, 200);
  EXPECT_EQ(r.payment_method, "PO");
  EXPECT_EQ(r.payment_note, "cart-2026-000042");
  EXPECT_TRUE(r.metadata.empty());
  ASSERT_TRUE(r.payment_date_time.has_value());
  EXPECT_EQ(FormatDateTime(*r.payment_date_time), "2026-11-26T08:30:00Z");  // +01:00 honoured
  EXPECT_EQ(r.transfer_date, "2026-11-28");
  EXPECT_TRUE(r.stand_in);
  EXPECT_EQ(r.debtor.fiscal_code, "ANONIMO");
  EXPECT_FALSE(r.payer.has_value());
  ASSERT_EQ(r.transfers.size(), 2u);
  EXPECT_EQ(r.transfers[0].company_name, "Comune di Valdimonte");
  EXPECT_EQ(r.transfers[0].iban, "IT57N0760114800000011050036");
  ASSERT_EQ(r.transfers[0].metadata.size(), 2u);
  EXPECT_EQ(r.transfers[0].metadata[0].key, "IBANAPPOGGIO");
  EXPECT_EQ(r.transfers[0].metadata[1].value, "A-17");
  EXPECT_EQ(r.transfers[1].entity_fiscal_code, "97735020584");
  EXPECT_EQ(r.transfers[1].iban, "");
  EXPECT_TRUE(r.transfers[1].stamp.has_value());
}

TEST(GoldenRequests, DemandWithSoapEnvPrefixAndWrappedBase64) {
  ParsedRequest p = MustParse(Golden("demand_soap_env.xml"), "paDemandPaymentNotice");
  EXPECT_EQ(p.operation, Operation::kDemandPaymentNotice);
  const auto& q = std::get<DemandNoticeQuery>(p.request);
  ExpectStandardHeader(q.header);
  EXPECT_EQ(q.service_id, "00042");
  EXPECT_EQ(q.subject_id, "00001");
  EXPECT_EQ(q.service_data_base64, "PHNlcnZpY2U+PGFubm8+MjAyNjwvYW5ubz48L3NlcnZpY2U+");
}

TEST(Operations, NamesAndSyntaxCodes) {
  EXPECT_EQ(OperationName(Operation::kVerifyPaymentNotice), "paVerifyPaymentNotice");
  EXPECT_EQ(OperationName(Operation::kGetPayment), "paGetPayment");
  EXPECT_EQ(OperationName(Operation::kGetPaymentV2), "paGetPaymentV2");
  EXPECT_EQ(OperationName(Operation::kSendRT), "paSendRT");
  EXPECT_EQ(OperationName(Operation::kSendRTV2), "paSendRTV2");
  EXPECT_EQ(OperationName(Operation::kDemandPaymentNotice), "paDemandPaymentNotice");
  EXPECT_EQ(SyntaxFaultCode(Operation::kDemandPaymentNotice), "PAA_SINTASSI_XSD");
  EXPECT_EQ(SyntaxFaultCode(Operation::kSendRTV2), "PAA_SINTASSI_EXTRAXSD");
  EXPECT_EQ(SyntaxFaultCode(std::nullopt), "PAA_SINTASSI_EXTRAXSD");
}

// --- XSD violations ----------------------------------------------------------------------------

struct Violation {
  const char* file;
  const char* from;  // replaced once in the golden file
  const char* to;
  const char* description;  // expected fault description
};

void PrintTo(const Violation& v, std::ostream* os) {
  *os << v.file << ": '" << v.from << "' -> '" << v.to << "'";
}

class XsdViolation : public ::testing::TestWithParam<Violation> {};

TEST_P(XsdViolation, IsRefusedNamingTheElement) {
  const Violation& v = GetParam();
  std::string body = Golden(v.file);
  const std::size_t at = body.find(v.from);
  ASSERT_NE(at, std::string::npos) << v.from;
  body.replace(at, std::string_view(v.from).size(), v.to);
  RequestError err = MustRefuse(body);
  EXPECT_EQ(err.fault.description, v.description);
  const bool demand = std::string_view(v.file).find("demand") == 0;
  EXPECT_EQ(err.fault.code, demand ? "PAA_SINTASSI_XSD" : "PAA_SINTASSI_EXTRAXSD");
  ASSERT_TRUE(err.operation.has_value());
  // The institution is the fault's emitter when its idPA could be read.
  if (std::string_view(v.to).find("<idPA>") == std::string_view::npos &&
      std::string_view(v.from).find("<idPA>") == std::string_view::npos) {
    EXPECT_EQ(err.fault.id, "77777777777");
    EXPECT_EQ(err.header.id_pa, "77777777777");
  }
}

INSTANTIATE_TEST_SUITE_P(
    Requests, XsdViolation,
    ::testing::Values(
        Violation{"verify_pafn.xml", "302000100000009424", "30200010000000942",
                  "qrCode/noticeNumber: must be 18 digits"},
        Violation{"verify_pafn.xml", "<fiscalCode>77777777777", "<fiscalCode>7777777777A",
                  "qrCode/fiscalCode: must be 11 digits"},
        Violation{"verify_pafn.xml", "<idStation>15376371009_01</idStation>", "",
                  "idStation: is missing (found qrCode in its place)"},
        Violation{"verify_pafn.xml", "<idStation>15376371009_01</idStation>",
                  "<idStation>123456789012345678901234567890123456</idStation>",
                  "idStation: is longer than 35 characters"},
        Violation{"verify_pafn.xml", "<idStation>15376371009_01</idStation>",
                  "<idStation></idStation>", "idStation: is empty"},
        Violation{"verify_pafn.xml", "<idPA>77777777777</idPA>",
                  "<idPA>77777777777</idPA><idPA>77777777777</idPA>",
                  "idPA: occurs more than once"},
        Violation{"verify_pafn.xml", "</qrCode>", "</qrCode><qrCode/>",
                  "qrCode: occurs more than once"},
        Violation{"verify_pafn.xml", "<noticeNumber>302000100000009424</noticeNumber>",
                  "<noticeNumber>302000100000009424</noticeNumber>"
                  "<noticeNumber>302000100000009424</noticeNumber>",
                  "qrCode/noticeNumber: occurs more than once"},
        Violation{"verify_pafn.xml", "</qrCode>", "</qrCode><extra>1</extra>",
                  "extra: is not expected here"},
        Violation{
            "verify_pafn.xml",
            "<idBrokerPA>15376371009</idBrokerPA>\n      <idStation>15376371009_01</idStation>",
            "<idStation>15376371009_01</idStation><idBrokerPA>15376371009</idBrokerPA>",
            "idBrokerPA: is missing (found idStation in its place)"},
        Violation{"verify_pafn.xml", "<idBrokerPA>15376371009</idBrokerPA>",
                  "<idBrokerPA xmlns=\"urn:other\">15376371009</idBrokerPA>",
                  "idBrokerPA: must have no namespace"},
        Violation{"verify_pafn.xml", "<idStation>15376371009_01</idStation>",
                  "<idStation>15376371009_01<b/></idStation>",
                  "idStation: must not contain elements"},
        Violation{"verify_pafn.xml", "<qrCode>", "<qrCode>text", "qrCode: must not contain text"},
        Violation{"verify_pafn.xml", "<idPA>", "stray text<idPA>",
                  "paVerifyPaymentNoticeReq: must not contain text"},
        Violation{"getpayment_v2_full.xml", "150.50", "150.5",
                  "amount: must be an amount with two decimals, like 12.34"},
        Violation{"getpayment_v2_full.xml", "150.50", "1000000000.00",
                  "amount: is more than 999999999.99"},
        Violation{"getpayment_v2_full.xml", "POSTAL", "postal",
                  "transferType: must be one of POSTAL, PAGOPA"},
        Violation{"getpayment_v2_full.xml", "2026-12-31", "2026-02-30",
                  "dueDate: must be a date as YYYY-MM-DD"},
        Violation{"getpayment_v2_full.xml", "<transferType>POSTAL</transferType>",
                  "<dueDate>2026-12-31</dueDate><transferType>POSTAL</transferType>",
                  "transferType: is not expected here"},
        Violation{"sendrt_v1.xml", "<transferAmount>50.00</transferAmount>",
                  "<transferAmount>0.00</transferAmount>",
                  "receipt/transferList/transfer[2]/transferAmount: must not be zero"},
        Violation{"sendrt_v1.xml", "<idTransfer>2</idTransfer>", "<idTransfer>6</idTransfer>",
                  "receipt/transferList/transfer[2]/idTransfer: must be a number from 1 to 5"},
        Violation{"sendrt_v1.xml", "<standIn>false</standIn>", "<standIn>no</standIn>",
                  "receipt/standIn: must be true or false"},
        Violation{"sendrt_v1.xml", "<outcome>OK</outcome>", "<outcome>ok</outcome>",
                  "receipt/outcome: must be one of OK, KO"},
        Violation{"sendrt_v1.xml", "<country>IT</country>", "<country>Italia</country>",
                  "receipt/debtor/country: must be two capital letters"},
        Violation{"sendrt_v1.xml", "mario.rossi@example.org", "mario.rossi(at)example.org",
                  "receipt/debtor/e-mail: is not an e-mail address"},
        Violation{"sendrt_v1.xml", "RSSMRA85T10A562S", "R",
                  "receipt/debtor/uniqueIdentifier/entityUniqueIdentifierValue: is shorter "
                  "than 2 characters"},
        Violation{"sendrt_v1.xml", "<paymentDateTime>2026-11-26T10:15:30</paymentDateTime>",
                  "<paymentDateTime>2026-11-26 10:15:30</paymentDateTime>",
                  "receipt/paymentDateTime: must be a date-time as YYYY-MM-DDThh:mm:ss"},
        Violation{"sendrt_v1.xml", "<receiptId>c110729d258c4ab1b765fe902aae41d6</receiptId>",
                  "<receiptId></receiptId>", "receipt/receiptId: is empty"},
        Violation{"sendrt_v1.xml", "<fee>1.50</fee>", "<fee>-1.50</fee>",
                  "receipt/fee: must be an amount with two decimals, like 12.34"},
        // paSendRT V1 transfers have no MBDAttachment.
        Violation{"sendrt_v1.xml", "<IBAN>IT96R0123454321000000012345</IBAN>",
                  "<MBDAttachment>AAAA</MBDAttachment>",
                  "receipt/transferList/transfer[2]/IBAN: is missing (found MBDAttachment in "
                  "its place)"},
        Violation{"sendrt_v2.xml", "<IBAN>IT57N0760114800000011050036</IBAN>", "",
                  "receipt/transferList/transfer[1]/IBAN or MBDAttachment: is missing (found "
                  "remittanceInformation in its place)"},
        Violation{"sendrt_v2.xml",
                  "Qm9sbG8iPjwvbWFyY2FEYUJvbGxvPg==", "Qm9sbG8iPjwvbWFyY2FEYUJvbGxvP",
                  "receipt/transferList/transfer[2]/MBDAttachment: must be base64"},
        Violation{"sendrt_v2.xml", "<paymentNote>cart-2026-000042</paymentNote>", "<paymentNote/>",
                  "receipt/paymentNote: is empty"},
        Violation{"sendrt_v2.xml", "</transferList>",
                  "<transfer/><transfer/><transfer/><transfer/></transferList>",
                  "receipt/transferList/transfer: occurs more than 5 times"},
        Violation{"demand_soap_env.xml", "<idServizio>00042</idServizio>",
                  "<idServizio>0042</idServizio>", "idServizio: must be 5 characters long"},
        Violation{"demand_soap_env.xml", "PHNlcnZpY2U+PGFubm8+MjAyNjwvYW5ubz48L3NlcnZpY2U+",
                  "not base64!", "datiSpecificiServizioRequest: must be base64"},
        Violation{"demand_soap_env.xml", "<idSoggettoServizio>00001</idSoggettoServizio>", "",
                  "idSoggettoServizio: is missing (found datiSpecificiServizioRequest in its "
                  "place)"}));

}  // namespace
}  // namespace incasso::soap
