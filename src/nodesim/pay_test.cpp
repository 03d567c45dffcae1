// The pay flow against an in-process fake station; every request validated with xmllint.
#include "nodesim/pay.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/time.hpp"
#include "nodesim/codec.hpp"
#include "nodesim/testing.hpp"
#include "soap/xml.hpp"

namespace incasso::nodesim {
namespace {

using testing::FakeNotice;
using testing::FakeStation;

constexpr const char* kEc = "80000000001";
constexpr const char* kNotice = "301000000000000123";

TimePoint At(const char* text) { return ParseDateTime(text).value(); }

std::vector<std::string> Operations(const PayResult& r) {
  std::vector<std::string> out;
  for (const auto& s : r.steps) out.push_back(s.operation + ":" + s.outcome);
  return out;
}

// Every request the simulator sent and every canned answer are valid paForNode SOAP messages.
void ExpectAllValid(const FakeStation& station) {
  if (!testing::HaveXmllint()) GTEST_SKIP() << "xmllint not installed";
  for (const auto& call : station.calls()) {
    EXPECT_EQ(testing::XmlLint(testing::PaForNodeSchema(), call.request), "") << call.request;
    EXPECT_EQ(testing::XmlLint(testing::PaForNodeSchema(), call.response), "") << call.response;
  }
}

class PayTest : public ::testing::Test {
 protected:
  PayRequest Request(int version = 2) {
    PayRequest r;
    r.station_url = station_.url();
    r.ec_fiscal_code = kEc;
    r.notice_number = kNotice;
    r.version = version;
    return r;
  }

  FakeStation station_;
  FakeClock clock_{At("2026-11-26T09:30:00Z")};
  RandomHex random_{42};
};

TEST_F(PayTest, V2PaymentDeliversACompleteReceipt) {
  station_.Add(testing::Fake(kNotice, [](FakeNotice& n) { n.amount_cents = 12345; }));
  PayResult r = PayNotice(Request(2), clock_, random_);
  EXPECT_TRUE(r.succeeded);
  EXPECT_EQ(Operations(r),
            (std::vector<std::string>{"paVerifyPaymentNotice:OK", "paGetPaymentV2:OK", "payment:OK",
                                      "paSendRTV2:OK"}));
  EXPECT_EQ(r.payment_token.size(), 32u);
  EXPECT_EQ(r.amount_cents, 12345);
  ASSERT_TRUE(r.receipt.has_value());
  EXPECT_EQ(r.receipt->receipt_id, r.payment_token);
  EXPECT_EQ(r.receipt->creditor_reference_id, "01000000000000123");
  EXPECT_EQ(r.receipt->payment_time, At("2026-11-26T09:30:00Z"));
  ASSERT_EQ(r.receipt->transfers.size(), 1u);
  EXPECT_EQ(r.receipt->transfers[0].amount_cents, 12345);

  EXPECT_EQ(station_.Elements(),
            (std::vector<std::string>{"paVerifyPaymentNoticeReq", "paGetPaymentV2Request",
                                      "paSendRTV2Request"}));
  const auto calls = station_.calls();
  EXPECT_EQ(calls[0].soap_action, "\"paVerifyPaymentNotice\"");
  auto doc = soap::ParseXml(calls[2].request);
  ASSERT_TRUE(doc.ok());
  const auto receipt = doc->Root()
                           .Child("Body", soap::kSoapEnvelopeNs)
                           .Child("paSendRTV2Request", soap::kPaForNodeNs)
                           .Child("receipt");
  ASSERT_TRUE(receipt.valid());
  EXPECT_EQ(receipt.ChildText("receiptId"), r.payment_token);
  EXPECT_EQ(receipt.ChildText("noticeNumber"), kNotice);
  EXPECT_EQ(receipt.ChildText("fiscalCode"), kEc);
  EXPECT_EQ(receipt.ChildText("outcome"), "OK");
  EXPECT_EQ(receipt.ChildText("paymentAmount"), "123.45");
  EXPECT_EQ(receipt.ChildText("companyName"), "Comune di Prova");
  EXPECT_EQ(receipt.PathText("debtor/fullName"), "Mario Rossi & figli");
  EXPECT_EQ(receipt.PathText("transferList/transfer/IBAN"), "IT60X0542811101000000123456");
  EXPECT_EQ(receipt.PathText("transferList/transfer/metadata/mapEntry/value"), "C-1");
  EXPECT_EQ(receipt.ChildText("idPSP"), PspIdentity{}.id_psp);
  EXPECT_EQ(receipt.ChildText("fee"), "1.00");
  EXPECT_EQ(receipt.ChildText("paymentDateTime"), "2026-11-26T09:30:00Z");
  EXPECT_EQ(receipt.ChildText("applicationDate"), "2026-11-26");
  EXPECT_EQ(receipt.ChildText("transferDate"), "2026-11-26");
  EXPECT_FALSE(receipt.ChildText("paymentNote").has_value());
  ExpectAllValid(station_);
}

TEST_F(PayTest, V1PaymentUsesTheV1Operations) {
  station_.Add(testing::Fake(kNotice, [](FakeNotice& n) { n.second_beneficiary = "80000000002"; }));
  PayResult r = PayNotice(Request(1), clock_, random_);
  EXPECT_TRUE(r.succeeded);
  EXPECT_EQ(Operations(r), (std::vector<std::string>{"paVerifyPaymentNotice:OK", "paGetPayment:OK",
                                                     "payment:OK", "paSendRT:OK"}));
  EXPECT_EQ(station_.Elements(), (std::vector<std::string>{"paVerifyPaymentNoticeReq",
                                                           "paGetPaymentReq", "paSendRTReq"}));
  ASSERT_TRUE(r.receipt.has_value());
  ASSERT_EQ(r.receipt->transfers.size(), 2u);
  EXPECT_EQ(r.receipt->transfers[1].fiscal_code_pa, "80000000002");
  ExpectAllValid(station_);
}

TEST_F(PayTest, StampTransferTravelsAsMbdAttachment) {
  station_.Add(testing::Fake(kNotice, [](FakeNotice& n) {
    n.amount_cents = 5000;
    n.stamp = true;
  }));
  PayResult r = PayNotice(Request(2), clock_, random_);
  ASSERT_TRUE(r.succeeded) << r.steps.back().description;
  ASSERT_TRUE(r.receipt.has_value());
  ASSERT_EQ(r.receipt->transfers.size(), 2u);
  EXPECT_TRUE(r.receipt->transfers[1].stamp);
  const std::string send = station_.calls().at(2).request;
  auto doc = soap::ParseXml(send);
  ASSERT_TRUE(doc.ok());
  const auto transfers = doc->Root()
                             .Child("Body", soap::kSoapEnvelopeNs)
                             .Child("paSendRTV2Request", soap::kPaForNodeNs)
                             .Child("receipt")
                             .Child("transferList")
                             .ChildrenNamed("transfer");
  ASSERT_EQ(transfers.size(), 2u);
  EXPECT_FALSE(transfers[1].Child("IBAN").valid());
  auto attachment = transfers[1].ChildText("MBDAttachment");
  ASSERT_TRUE(attachment.has_value());
  auto stamp_xml = Base64Decode(*attachment);
  ASSERT_TRUE(stamp_xml.has_value());
  EXPECT_NE(stamp_xml->find("wHpFSLCGZjIvNSXxqtGbxg7275t446DRTk5ZrsdUQ6E="), std::string::npos);
  ExpectAllValid(station_);
  if (testing::HaveXmllint()) {
    EXPECT_EQ(testing::XmlLint(testing::MarcaDaBolloSchema(), *stamp_xml), "") << *stamp_xml;
  }
}

TEST_F(PayTest, PaymentNoteAndPostalTransferTypeAreSent) {
  station_.Add(testing::Fake(kNotice));
  PayRequest req = Request(2);
  req.payment_note = "carrello <42> & co";
  req.postal = true;
  PayResult r = PayNotice(req, clock_, random_);
  ASSERT_TRUE(r.succeeded);
  const auto calls = station_.calls();
  auto get = soap::ParseXml(calls.at(1).request);
  ASSERT_TRUE(get.ok());
  const auto op = get->Root()
                      .Child("Body", soap::kSoapEnvelopeNs)
                      .Child("paGetPaymentV2Request", soap::kPaForNodeNs);
  EXPECT_EQ(op.ChildText("paymentNote"), "carrello <42> & co");
  EXPECT_EQ(op.ChildText("transferType"), "POSTAL");
  EXPECT_EQ(op.ChildText("amount"), "100.00");
  EXPECT_NE(calls.at(2).request.find("<paymentNote>carrello &lt;42&gt; &amp; co</paymentNote>"),
            std::string::npos);
  ExpectAllValid(station_);
}

TEST_F(PayTest, RefusedPaymentActivatesAndSendsNoReceipt) {
  station_.Add(testing::Fake(kNotice));
  PayRequest req = Request(2);
  req.pay = false;
  PayResult r = PayNotice(req, clock_, random_);
  EXPECT_TRUE(r.succeeded);  // went as requested
  EXPECT_EQ(Operations(r), (std::vector<std::string>{"paVerifyPaymentNotice:OK",
                                                     "paGetPaymentV2:OK", "payment:KO"}));
  EXPECT_FALSE(r.receipt.has_value());
  EXPECT_EQ(station_.calls().size(), 2u);
}

TEST_F(PayTest, StationFaultStopsTheFlow) {
  PayResult r = PayNotice(Request(2), clock_, random_);  // notice unknown to the station
  EXPECT_FALSE(r.succeeded);
  ASSERT_EQ(r.steps.size(), 1u);
  EXPECT_EQ(r.steps[0].outcome, "KO");
  EXPECT_EQ(r.steps[0].fault_code, "PAA_PAGAMENTO_SCONOSCIUTO");
  EXPECT_EQ(r.steps[0].fault_string, "Errore simulato");

  station_.Add(
      testing::Fake(kNotice, [](FakeNotice& n) { n.get_fault = "PAA_PAGAMENTO_SCADUTO"; }));
  r = PayNotice(Request(2), clock_, random_);
  EXPECT_FALSE(r.succeeded);
  EXPECT_EQ(Operations(r),
            (std::vector<std::string>{"paVerifyPaymentNotice:OK", "paGetPaymentV2:KO"}));
  EXPECT_EQ(r.steps[1].fault_code, "PAA_PAGAMENTO_SCADUTO");
  EXPECT_TRUE(r.payment_token.empty());
}

TEST_F(PayTest, RefusedReceiptIsNotSuccess) {
  station_.Add(testing::Fake(kNotice, [](FakeNotice& n) { n.send_fault = "PAA_SEMANTICA"; }));
  PayResult r = PayNotice(Request(2), clock_, random_);
  EXPECT_FALSE(r.succeeded);
  EXPECT_EQ(r.steps.back().operation, "paSendRTV2");
  EXPECT_EQ(r.steps.back().fault_code, "PAA_SEMANTICA");
  EXPECT_FALSE(r.receipt.has_value());
}

TEST_F(PayTest, InconsistentActivationIsAnError) {
  station_.Add(testing::Fake(kNotice, [](FakeNotice& n) { n.bad_sum = true; }));
  PayResult r = PayNotice(Request(2), clock_, random_);
  EXPECT_FALSE(r.succeeded);
  ASSERT_EQ(r.steps.size(), 2u);
  EXPECT_EQ(r.steps[1].outcome, "ERROR");
  EXPECT_NE(r.steps[1].description.find("paymentAmount"), std::string::npos)
      << r.steps[1].description;
  EXPECT_EQ(station_.calls().size(), 2u);  // no receipt for a payment the node would refuse
}

TEST_F(PayTest, UnreachableStationIsAnError) {
  PayRequest req = Request(2);
  req.station_url = "http://127.0.0.1:1/pa";
  PayResult r = PayNotice(req, clock_, random_);
  EXPECT_FALSE(r.succeeded);
  ASSERT_EQ(r.steps.size(), 1u);
  EXPECT_EQ(r.steps[0].outcome, "ERROR");
  EXPECT_FALSE(r.steps[0].description.empty());
}

// Guards the guards: the validation used above does reject a wrong message.
TEST_F(PayTest, SchemaValidationRejectsAnInvalidReceipt) {
  if (!testing::HaveXmllint()) GTEST_SKIP() << "xmllint not installed";
  station_.Add(testing::Fake(kNotice));
  ASSERT_TRUE(PayNotice(Request(2), clock_, random_).succeeded);
  std::string send = station_.calls().at(2).request;
  ASSERT_EQ(testing::XmlLint(testing::PaForNodeSchema(), send), "");
  const std::string ok = "<outcome>OK</outcome>";
  send.replace(send.find(ok), ok.size(), "<outcome>MAYBE</outcome>");
  EXPECT_NE(testing::XmlLint(testing::PaForNodeSchema(), send), "");
}

TEST_F(PayTest, SeededTokensAreReproducible) {
  RandomHex a(7), b(7);
  EXPECT_EQ(a.Next(), b.Next());
  RandomHex os;
  EXPECT_NE(os.Next(), os.Next());
  EXPECT_EQ(os.Next(8).size(), 8u);
}

}  // namespace
}  // namespace incasso::nodesim
