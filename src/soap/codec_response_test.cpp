// Response writers: every output is validated against the official XSD with xmllint.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "core/money.hpp"
#include "soap/codec.hpp"
#include "soap/soap_test_support.hpp"

namespace incasso::soap {
namespace {

using testing::SchemaValid;
using namespace std::chrono;

Date D(int y, unsigned m, unsigned d) { return Date{year{y} / month{m} / day{d}}; }

// The response element inside a written envelope (the document must outlive the element).
struct Response {
  XmlDocument doc;
  XmlElement element;
};

Response Open(const std::string& xml, std::string_view name) {
  auto doc = ParseXml(xml);
  if (!doc.ok()) {
    ADD_FAILURE() << doc.error().ToText() << "\n" << xml;
    return {ParseXml("<x/>").value(), XmlElement()};
  }
  Response r{std::move(doc.value()), XmlElement()};
  XmlElement body = r.doc.Root().Child("Body", kSoapEnvelopeNs);
  r.element = body.Child(name, kPaForNodeNs);
  EXPECT_TRUE(r.element.valid()) << "no " << name << " in\n" << xml;
  return r;
}

std::vector<std::string> Names(XmlElement e) {
  std::vector<std::string> out;
  for (const XmlElement& c : e.Children()) out.emplace_back(c.LocalName());
  return out;
}

using Strings = std::vector<std::string>;

VerifyNoticeAnswer FullVerifyAnswer() {
  VerifyNoticeAnswer a;
  a.amount = 15050;
  a.due_date = D(2026, 12, 31);
  a.detail_description = "Saldo TARI";
  a.all_ccp = true;
  a.payment_description = "TARI 2026 & rifiuti <acconto>";
  a.fiscal_code_pa = "77777777777";
  a.company_name = "Comune di Valdimonte";
  a.office_name = "Ufficio Tributi";
  return a;
}

Transfer IbanTransfer(int id, std::int64_t amount) {
  Transfer t;
  t.id_transfer = id;
  t.amount = amount;
  t.entity_fiscal_code = "77777777777";
  t.remittance_information = "TARI 2026";
  t.category = "9/0201102IM/";
  t.iban = "IT57N0760114800000011050036";
  return t;
}

PaymentData FullPaymentData() {
  PaymentData d;
  d.creditor_reference_id = "02000100000009424";
  d.payment_amount = 15050;
  d.due_date = D(2026, 12, 31);
  d.retention_date = sys_days{D(2027, 1, 31)} + hours{10};
  d.last_payment = false;
  d.description = "TARI 2026";
  d.company_name = "Comune di Valdimonte";
  d.office_name = "Ufficio Tributi";
  d.debtor.type = DebtorType::kPerson;
  d.debtor.fiscal_code = "RSSMRA85T10A562S";
  d.debtor.full_name = "Mario Rossi";
  d.debtor.street_name = "Via Roma";
  d.debtor.civic_number = "1";
  d.debtor.postal_code = "00100";
  d.debtor.city = "Roma";
  d.debtor.province = "RM";
  d.debtor.country = "IT";
  d.debtor.email = "mario.rossi@example.org";
  d.transfers.push_back(IbanTransfer(1, 10050));
  d.transfers[0].metadata = {{"anno", "2026"}};
  d.transfers[0].company_name = "Comune di Valdimonte";
  d.transfers.push_back(IbanTransfer(2, 5000));
  d.transfers[1].entity_fiscal_code = "01199250158";
  d.metadata = {{"IBANAPPOGGIO", "IT57N0760114800000011050036"}, {"k", "v"}};
  return d;
}

PaymentData MinimalPaymentData() {
  PaymentData d;
  d.creditor_reference_id = "02000100000009424";
  d.payment_amount = 100;
  d.due_date = D(2026, 12, 31);
  d.description = "x";
  d.company_name = "Comune";
  d.debtor.fiscal_code = "ANONIMO";
  d.debtor.full_name = "Anonimo";
  d.transfers.push_back(IbanTransfer(1, 100));
  return d;
}

PaaFault Fault(std::string code, std::string description = "") {
  return PaaFault{std::move(code), std::move(description), "77777777777"};
}

// --- paVerifyPaymentNotice ---------------------------------------------------------------------

TEST(WriteVerify, OkWithEveryField) {
  const std::string xml = WriteVerifyPaymentNoticeRes(FullVerifyAnswer());
  EXPECT_TRUE(SchemaValid(xml));
  Response r = Open(xml, "paVerifyPaymentNoticeRes");
  EXPECT_EQ(Names(r.element), (Strings{"outcome", "paymentList", "paymentDescription",
                                       "fiscalCodePA", "companyName", "officeName"}));
  EXPECT_EQ(r.element.ChildText("outcome"), "OK");
  XmlElement option = r.element.Child("paymentList").Child("paymentOptionDescription");
  EXPECT_EQ(Names(option),
            (Strings{"amount", "options", "dueDate", "detailDescription", "allCCP"}));
  EXPECT_EQ(option.ChildText("amount"), "150.50");
  EXPECT_EQ(option.ChildText("options"), "EQ");
  EXPECT_EQ(option.ChildText("dueDate"), "2026-12-31");
  EXPECT_EQ(option.ChildText("allCCP"), "true");
  EXPECT_EQ(r.element.ChildText("paymentDescription"), "TARI 2026 & rifiuti <acconto>");
}

TEST(WriteVerify, OkWithoutOptionalParts) {
  VerifyNoticeAnswer a = FullVerifyAnswer();
  a.due_date.reset();
  a.detail_description.clear();
  a.office_name.clear();
  a.all_ccp = false;
  const std::string xml = WriteVerifyPaymentNoticeRes(a);
  EXPECT_TRUE(SchemaValid(xml));
  Response r = Open(xml, "paVerifyPaymentNoticeRes");
  EXPECT_EQ(Names(r.element), (Strings{"outcome", "paymentList", "paymentDescription",
                                       "fiscalCodePA", "companyName"}));
  XmlElement option = r.element.Child("paymentList").Child("paymentOptionDescription");
  EXPECT_EQ(Names(option), (Strings{"amount", "options", "allCCP"}));
  EXPECT_EQ(option.ChildText("allCCP"), "false");
}

TEST(WriteVerify, KoCarriesTheOfficialFaultString) {
  const std::string xml = WriteVerifyPaymentNoticeRes(
      Fault("PAA_PAGAMENTO_SCONOSCIUTO", "notice 302000100000009424 not found"));
  EXPECT_TRUE(SchemaValid(xml));
  Response r = Open(xml, "paVerifyPaymentNoticeRes");
  EXPECT_EQ(Names(r.element), (Strings{"outcome", "fault"}));
  EXPECT_EQ(r.element.ChildText("outcome"), "KO");
  XmlElement fault = r.element.Child("fault");
  EXPECT_EQ(Names(fault), (Strings{"faultCode", "faultString", "id", "description"}));
  EXPECT_EQ(fault.ChildText("faultCode"), "PAA_PAGAMENTO_SCONOSCIUTO");
  EXPECT_EQ(fault.ChildText("faultString"), OfficialFaultString("PAA_PAGAMENTO_SCONOSCIUTO"));
  EXPECT_EQ(fault.ChildText("id"), "77777777777");
  EXPECT_EQ(fault.ChildText("description"), "notice 302000100000009424 not found");
}

TEST(WriteVerify, KoWithoutDescriptionOrId) {
  const std::string xml = WriteVerifyPaymentNoticeRes(PaaFault{"PAA_SYSTEM_ERROR", "", ""});
  EXPECT_TRUE(SchemaValid(xml));
  Response r = Open(xml, "paVerifyPaymentNoticeRes");
  EXPECT_EQ(Names(r.element.Child("fault")), (Strings{"faultCode", "faultString", "id"}));
}

TEST(WriteVerify, LongAndDirtyTextIsCleanedAndCut) {
  VerifyNoticeAnswer a = FullVerifyAnswer();
  std::string accented;
  for (int i = 0; i < 200; ++i) accented += "\xC3\xA8";  // 200 x 'è' = 400 bytes
  a.payment_description = accented;
  a.company_name = std::string("Comune\x01\x02 di \xFF\xFEValdimonte") + std::string(300, 'x');
  a.detail_description = std::string(1000, '&');
  const std::string xml = WriteVerifyPaymentNoticeRes(a);
  EXPECT_TRUE(SchemaValid(xml));
  Response r = Open(xml, "paVerifyPaymentNoticeRes");
  std::string expected;
  for (int i = 0; i < 140; ++i) expected += "\xC3\xA8";
  EXPECT_EQ(r.element.ChildText("paymentDescription"), expected);
  const std::string company = *r.element.ChildText("companyName");
  EXPECT_EQ(company.rfind("Comune   di \xEF\xBF\xBD\xEF\xBF\xBDValdimonte", 0), 0u) << company;
}

TEST(WriteVerify, InvalidDataBecomesSystemError) {
  struct Case {
    std::function<void(VerifyNoticeAnswer&)> spoil;
    std::string problem;
  };
  const std::vector<Case> cases = {
      {[](VerifyNoticeAnswer& a) { a.amount = 0; },
       "paymentList/paymentOptionDescription/amount: must be from 0.01 to 999999999.99"},
      {[](VerifyNoticeAnswer& a) { a.amount = kMaxAmountCents + 1; },
       "paymentList/paymentOptionDescription/amount: must be from 0.01 to 999999999.99"},
      {[](VerifyNoticeAnswer& a) { a.fiscal_code_pa = "7777777777"; },
       "fiscalCodePA: must be 11 digits"},
      {[](VerifyNoticeAnswer& a) { a.company_name.clear(); }, "companyName: is empty"},
      {[](VerifyNoticeAnswer& a) { a.payment_description.clear(); },
       "paymentDescription: is empty"},
      {[](VerifyNoticeAnswer& a) { a.due_date = D(1800, 1, 1); },
       "paymentList/paymentOptionDescription/dueDate: is not a date between the years 1900 and "
       "9999"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.problem);
    VerifyNoticeAnswer a = FullVerifyAnswer();
    c.spoil(a);
    std::string problem;
    const std::string xml = WriteVerifyPaymentNoticeRes(a, "77777777777", &problem);
    EXPECT_TRUE(SchemaValid(xml));
    EXPECT_EQ(problem, "the station could not write valid data: " + c.problem);
    Response r = Open(xml, "paVerifyPaymentNoticeRes");
    EXPECT_EQ(r.element.ChildText("outcome"), "KO");
    EXPECT_EQ(r.element.Child("fault").ChildText("faultCode"), "PAA_SYSTEM_ERROR");
    EXPECT_EQ(r.element.Child("fault").ChildText("id"), "77777777777");
    EXPECT_EQ(r.element.Child("fault").ChildText("description"), problem);
  }
  std::string problem = "stale";
  WriteVerifyPaymentNoticeRes(FullVerifyAnswer(), "", &problem);
  EXPECT_EQ(problem, "");
}

// --- paGetPayment / paGetPaymentV2 ---------------------------------------------------------------

TEST(WriteGetPayment, V1OkWithEveryField) {
  const std::string xml = WriteGetPaymentRes(FullPaymentData());
  EXPECT_TRUE(SchemaValid(xml));
  Response r = Open(xml, "paGetPaymentRes");
  EXPECT_EQ(Names(r.element), (Strings{"outcome", "data"}));
  XmlElement data = r.element.Child("data");
  EXPECT_EQ(Names(data), (Strings{"creditorReferenceId", "paymentAmount", "dueDate",
                                  "retentionDate", "lastPayment", "description", "companyName",
                                  "officeName", "debtor", "transferList", "metadata"}));
  EXPECT_EQ(data.ChildText("paymentAmount"), "150.50");
  EXPECT_EQ(data.ChildText("retentionDate"), "2027-01-31T10:00:00Z");
  XmlElement debtor = data.Child("debtor");
  EXPECT_EQ(Names(debtor),
            (Strings{"uniqueIdentifier", "fullName", "streetName", "civicNumber", "postalCode",
                     "city", "stateProvinceRegion", "country", "e-mail"}));
  EXPECT_EQ(debtor.PathText("uniqueIdentifier/entityUniqueIdentifierType"), "F");
  auto transfers = data.Child("transferList").ChildrenNamed("transfer");
  ASSERT_EQ(transfers.size(), 2u);
  // V1 transfers have no companyName.
  EXPECT_EQ(Names(transfers[0]),
            (Strings{"idTransfer", "transferAmount", "fiscalCodePA", "IBAN",
                     "remittanceInformation", "transferCategory", "metadata"}));
  EXPECT_EQ(transfers[1].ChildText("transferAmount"), "50.00");
}

TEST(WriteGetPayment, V1OkMinimal) {
  PaymentData d = MinimalPaymentData();
  d.company_name.clear();  // optional in V1
  const std::string xml = WriteGetPaymentRes(d);
  EXPECT_TRUE(SchemaValid(xml));
  Response r = Open(xml, "paGetPaymentRes");
  XmlElement data = r.element.Child("data");
  EXPECT_EQ(Names(data), (Strings{"creditorReferenceId", "paymentAmount", "dueDate", "lastPayment",
                                  "description", "debtor", "transferList"}));
}

TEST(WriteGetPayment, V1CannotCarryAStamp) {
  PaymentData d = FullPaymentData();
  d.transfers[1].iban.clear();
  d.transfers[1].stamp = Stamp{"dGVzdGhhc2hkb2N1bWVudA==", "01", "RM"};
  std::string problem;
  const std::string xml = WriteGetPaymentRes(d, "77777777777", &problem);
  EXPECT_TRUE(SchemaValid(xml));
  EXPECT_EQ(problem,
            "the station could not write valid data: data/transferList/transfer[2]: is a "
            "digital stamp, which paGetPayment (V1) cannot carry");
  Response r = Open(xml, "paGetPaymentRes");
  EXPECT_EQ(r.element.ChildText("outcome"), "KO");
}

TEST(WriteGetPayment, V1Ko) {
  const std::string xml = WriteGetPaymentRes(Fault("PAA_PAGAMENTO_SCADUTO"));
  EXPECT_TRUE(SchemaValid(xml));
  EXPECT_EQ(Names(Open(xml, "paGetPaymentRes").element), (Strings{"outcome", "fault"}));
}

TEST(WriteGetPayment, V2OkWithStampAndEveryField) {
  PaymentData d = FullPaymentData();
  d.last_payment = true;
  Transfer stamp = IbanTransfer(3, 1600);
  stamp.iban.clear();
  stamp.stamp = Stamp{"dGVzdGhhc2hkb2N1bWVudA==", "01", "RM"};
  stamp.company_name = "Agenzia delle Entrate";
  d.transfers.push_back(stamp);
  d.payment_amount += 1600;
  const std::string xml = WriteGetPaymentV2Response(d);
  EXPECT_TRUE(SchemaValid(xml));
  Response r = Open(xml, "paGetPaymentV2Response");
  XmlElement data = r.element.Child("data");
  EXPECT_EQ(data.ChildText("lastPayment"), "true");
  auto transfers = data.Child("transferList").ChildrenNamed("transfer");
  ASSERT_EQ(transfers.size(), 3u);
  EXPECT_EQ(Names(transfers[0]),
            (Strings{"idTransfer", "transferAmount", "fiscalCodePA", "companyName", "IBAN",
                     "remittanceInformation", "transferCategory", "metadata"}));
  EXPECT_EQ(Names(transfers[2]),
            (Strings{"idTransfer", "transferAmount", "fiscalCodePA", "companyName",
                     "richiestaMarcaDaBollo", "remittanceInformation", "transferCategory"}));
  XmlElement bollo = transfers[2].Child("richiestaMarcaDaBollo");
  EXPECT_EQ(Names(bollo), (Strings{"hashDocumento", "tipoBollo", "provinciaResidenza"}));
  EXPECT_EQ(bollo.ChildText("tipoBollo"), "01");
  EXPECT_EQ(data.Child("metadata").ChildrenNamed("mapEntry").size(), 2u);
}

TEST(WriteGetPayment, V2OkMinimal) {
  const std::string xml = WriteGetPaymentV2Response(MinimalPaymentData());
  EXPECT_TRUE(SchemaValid(xml));
  Response r = Open(xml, "paGetPaymentV2Response");
  XmlElement data = r.element.Child("data");
  EXPECT_EQ(Names(data), (Strings{"creditorReferenceId", "paymentAmount", "dueDate", "lastPayment",
                                  "description", "companyName", "debtor", "transferList"}));
  EXPECT_EQ(Names(data.Child("debtor")), (Strings{"uniqueIdentifier", "fullName"}));
}

TEST(WriteGetPayment, V2Ko) {
  const std::string xml = WriteGetPaymentV2Response(Fault("PAA_PAGAMENTO_DUPLICATO", "paid"));
  EXPECT_TRUE(SchemaValid(xml));
  Response r = Open(xml, "paGetPaymentV2Response");
  EXPECT_EQ(r.element.Child("fault").ChildText("faultCode"), "PAA_PAGAMENTO_DUPLICATO");
}

TEST(WriteGetPayment, OptionalDebtorFieldsThatBreakTheirPatternAreLeftOut) {
  PaymentData d = MinimalPaymentData();
  d.debtor.country = "Italia";
  d.debtor.email = "not an e-mail";
  d.debtor.region = "Lazio";  // used when province is empty
  d.debtor.postal_code = std::string(40, '1');
  const std::string xml = WriteGetPaymentV2Response(d);
  EXPECT_TRUE(SchemaValid(xml));
  Response r = Open(xml, "paGetPaymentV2Response");
  XmlElement debtor = r.element.Child("data").Child("debtor");
  EXPECT_EQ(Names(debtor),
            (Strings{"uniqueIdentifier", "fullName", "postalCode", "stateProvinceRegion"}));
  EXPECT_EQ(debtor.ChildText("postalCode"), std::string(16, '1'));
  EXPECT_EQ(debtor.ChildText("stateProvinceRegion"), "Lazio");
}

TEST(WriteGetPayment, InvalidDataBecomesSystemError) {
  struct Case {
    std::function<void(PaymentData&)> spoil;
    std::string problem;
  };
  const std::vector<Case> cases = {
      {[](PaymentData& d) { d.transfers.clear(); },
       "data/transferList: must have 1 to 5 transfers"},
      {[](PaymentData& d) { d.transfers.resize(6, IbanTransfer(1, 100)); },
       "data/transferList: must have 1 to 5 transfers"},
      {[](PaymentData& d) { d.transfers[0].iban = std::string(36, 'A'); },
       "data/transferList/transfer[1]/IBAN: must be 1 to 35 characters long"},
      {[](PaymentData& d) { d.transfers[0].iban.clear(); },
       "data/transferList/transfer[1]/IBAN: is empty"},
      {[](PaymentData& d) { d.transfers[0].id_transfer = 0; },
       "data/transferList/transfer[1]/idTransfer: must be from 1 to 5"},
      {[](PaymentData& d) { d.transfers[0].entity_fiscal_code.clear(); },
       "data/transferList/transfer[1]/fiscalCodePA: must be 11 digits"},
      {[](PaymentData& d) { d.transfers[0].category = std::string(141, 'C'); },
       "data/transferList/transfer[1]/transferCategory: must be 1 to 140 characters long"},
      {[](PaymentData& d) {
         d.transfers[0].metadata.assign(16, Metadata{"k", "v"});
       },
       "data/transferList/transfer[1]/metadata: has more than 15 entries"},
      {[](PaymentData& d) {
         d.metadata = {{"", "v"}};
       },
       "data/metadata/mapEntry[1]/key: is empty"},
      {[](PaymentData& d) {
         d.metadata = {{"k", "bad\x01value"}};
       },
       "data/metadata/mapEntry[1]/value: contains characters XML cannot carry"},
      {[](PaymentData& d) { d.creditor_reference_id = std::string(36, '1'); },
       "data/creditorReferenceId: must be 1 to 35 characters long"},
      {[](PaymentData& d) { d.description.clear(); }, "data/description: is empty"},
      {[](PaymentData& d) { d.company_name.clear(); }, "data/companyName: is empty"},
      {[](PaymentData& d) { d.debtor.fiscal_code = "X"; },
       "data/debtor/uniqueIdentifier/entityUniqueIdentifierValue: must be 2 to 16 characters "
       "long"},
      {[](PaymentData& d) { d.debtor.full_name.clear(); }, "data/debtor/fullName: is empty"},
      {[](PaymentData& d) {
         d.transfers[0].iban.clear();
         d.transfers[0].stamp = Stamp{"short", "01", "RM"};
       },
       "data/transferList/transfer[1]/richiestaMarcaDaBollo/hashDocumento: must be base64 of 4 "
       "to 72 characters"},
      {[](PaymentData& d) {
         d.transfers[0].stamp = Stamp{"dGVzdA==", "02", "RM"};
       },
       "data/transferList/transfer[1]/richiestaMarcaDaBollo/tipoBollo: must be 01"},
      {[](PaymentData& d) {
         d.transfers[0].stamp = Stamp{"dGVzdA==", "01", "Roma"};
       },
       "data/transferList/transfer[1]/richiestaMarcaDaBollo/provinciaResidenza: must be two "
       "capital letters"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.problem);
    PaymentData d = FullPaymentData();
    c.spoil(d);
    std::string problem;
    const std::string xml = WriteGetPaymentV2Response(d, "77777777777", &problem);
    EXPECT_TRUE(SchemaValid(xml));
    EXPECT_EQ(problem, "the station could not write valid data: " + c.problem);
    Response r = Open(xml, "paGetPaymentV2Response");
    EXPECT_EQ(r.element.ChildText("outcome"), "KO");
    EXPECT_EQ(r.element.Child("fault").ChildText("faultCode"), "PAA_SYSTEM_ERROR");
  }
}

// --- paSendRT / paSendRTV2 -----------------------------------------------------------------------

TEST(WriteSendRT, OkAndKoInBothVersions) {
  ReceiptAccepted accepted;
  for (const std::string& xml :
       {WriteSendRTRes(accepted), WriteSendRTRes(Fault("PAA_RECEIPT_DUPLICATA", "already stored")),
        WriteSendRTV2Response(accepted), WriteSendRTV2Response(Fault("PAA_SEMANTICA"))}) {
    EXPECT_TRUE(SchemaValid(xml));
  }
  EXPECT_EQ(Names(Open(WriteSendRTRes(accepted), "paSendRTRes").element), (Strings{"outcome"}));
  Response ko = Open(WriteSendRTV2Response(Fault("PAA_SEMANTICA")), "paSendRTV2Response");
  EXPECT_EQ(ko.element.ChildText("outcome"), "KO");
  EXPECT_EQ(ko.element.Child("fault").ChildText("faultString"), "Errore semantico");
}

// --- paDemandPaymentNotice -----------------------------------------------------------------------

TEST(WriteDemand, OkAndKo) {
  DemandNoticeAnswer a;
  a.fiscal_code_pa = "77777777777";
  a.notice_number = "302000100000009499";
  a.option = FullVerifyAnswer();
  a.option.fiscal_code_pa.clear();  // falls back to the answer's
  const std::string ok = WriteDemandPaymentNoticeResponse(a);
  EXPECT_TRUE(SchemaValid(ok));
  Response r = Open(ok, "paDemandPaymentNoticeResponse");
  EXPECT_EQ(Names(r.element), (Strings{"outcome", "qrCode", "paymentList", "paymentDescription",
                                       "fiscalCodePA", "companyName", "officeName"}));
  EXPECT_EQ(r.element.PathText("qrCode/noticeNumber"), "302000100000009499");
  EXPECT_EQ(r.element.ChildText("fiscalCodePA"), "77777777777");

  const std::string ko = WriteDemandPaymentNoticeResponse(Fault("PAA_SINTASSI_XSD", "bad data"));
  EXPECT_TRUE(SchemaValid(ko));

  a.notice_number = "3020001";
  std::string problem;
  const std::string spoiled = WriteDemandPaymentNoticeResponse(a, "77777777777", &problem);
  EXPECT_TRUE(SchemaValid(spoiled));
  EXPECT_EQ(problem,
            "the station could not write valid data: qrCode/noticeNumber: must be 18 digits");
}

// --- faults --------------------------------------------------------------------------------------

TEST(WriteFault, EveryOperationWithAnyText) {
  const PaaFault f{"PAA_SINTASSI_EXTRAXSD", "idPA: is empty <&> \x01 \xFF" + std::string(5000, 'd'),
                   "77777777777"};
  for (Operation op :
       {Operation::kVerifyPaymentNotice, Operation::kGetPayment, Operation::kGetPaymentV2,
        Operation::kSendRT, Operation::kSendRTV2, Operation::kDemandPaymentNotice}) {
    SCOPED_TRACE(std::string(OperationName(op)));
    const std::string xml = WriteFault(op, f);
    EXPECT_TRUE(SchemaValid(xml));
    auto doc = ParseXml(xml);
    ASSERT_TRUE(doc.ok());
    XmlElement response = doc->Root().Child("Body", kSoapEnvelopeNs).Children().at(0);
    XmlElement fault = response.Child("fault");
    EXPECT_EQ(fault.ChildText("faultString"), "Errore di sintassi extra XSD");
    // Cut to 1024 characters, one of them U+FFFD (3 bytes) in place of the invalid byte.
    EXPECT_EQ(fault.ChildText("description")->size(), 1024u + 2u);
  }
}

TEST(WriteFault, EmptyCodeBecomesSystemError) {
  const std::string xml = WriteFault(Operation::kSendRT, PaaFault{});
  EXPECT_TRUE(SchemaValid(xml));
  EXPECT_EQ(Open(xml, "paSendRTRes").element.Child("fault").ChildText("faultCode"),
            "PAA_SYSTEM_ERROR");
}

TEST(WriteSoapFault, IsASoap11ClientFault) {
  const std::string xml = WriteSoapFault("unknown operation <x> & more");
  EXPECT_TRUE(SchemaValid(xml));
  auto doc = ParseXml(xml);
  ASSERT_TRUE(doc.ok());
  XmlElement fault = doc->Root().Child("Body", kSoapEnvelopeNs).Child("Fault", kSoapEnvelopeNs);
  ASSERT_TRUE(fault.valid());
  EXPECT_EQ(fault.ChildText("faultcode"), "soapenv:Client");
  EXPECT_EQ(fault.ChildText("faultstring"), "unknown operation <x> & more");
  EXPECT_TRUE(SchemaValid(WriteSoapFault("")));
}

}  // namespace
}  // namespace incasso::soap
