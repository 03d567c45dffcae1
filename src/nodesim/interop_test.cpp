// The simulator against the station's own SOAP codec (src/soap/codec.hpp): every request the
// simulator sends must parse with ParseStationRequest, and every answer the codec writes must be
// read back by the simulator. Catches disagreements that each side's schema tests would miss.
#include <gtest/gtest.h>

#include <memory>
#include <mutex>
#include <string>
#include <variant>
#include <vector>

#include "core/time.hpp"
#include "http/server.hpp"
#include "nodesim/pay.hpp"
#include "soap/codec.hpp"

namespace incasso::nodesim {
namespace {

constexpr const char* kEc = "80000000001";
constexpr const char* kNotice = "301000000000000123";

PaymentData Payment(bool with_stamp) {
  PaymentData p;
  p.creditor_reference_id = "01000000000000123";
  p.payment_amount = with_stamp ? 11600 : 10000;
  p.due_date = ParseDate("2030-12-31").value();
  p.description = "Tassa rifiuti 2026";
  p.company_name = "Comune di Prova";
  p.debtor.type = DebtorType::kPerson;
  p.debtor.fiscal_code = "RSSMRA80A01H501U";
  p.debtor.full_name = "Mario Rossi";
  p.debtor.city = "Roma";
  p.debtor.email = "mario.rossi@example.org";
  Transfer t;
  t.id_transfer = 1;
  t.amount = 9900;
  t.entity_fiscal_code = kEc;
  t.remittance_information = "/RFB/01000000000000123/99.00/TXT/Tassa rifiuti";
  t.category = "9/0101100IM/";
  t.iban = "IT60X0542811101000000123456";
  t.metadata = {{"capitolo", "1234"}};
  p.transfers.push_back(t);
  Transfer second = t;
  second.id_transfer = 2;
  second.amount = 100;
  second.entity_fiscal_code = "80000000002";
  second.company_name = "Provincia di Prova";
  p.transfers.push_back(second);
  if (with_stamp) {
    Transfer stamp;
    stamp.id_transfer = 3;
    stamp.amount = 1600;
    stamp.entity_fiscal_code = kEc;
    stamp.remittance_information = "Marca da bollo";
    stamp.category = "9/0301109AP/";
    stamp.stamp = Stamp{"wHpFSLCGZjIvNSXxqtGbxg7275t446DRTk5ZrsdUQ6E=", "01", "RM"};
    p.transfers.push_back(stamp);
  }
  p.metadata = {{"anno", "2026"}};
  return p;
}

// A station made of the real codec and canned use-case answers.
class CodecStation {
 public:
  explicit CodecStation(bool with_stamp) : payment_(Payment(with_stamp)) {
    http::ServerOptions options;
    options.port = 0;
    options.threads = 1;
    auto server = http::StartServer(options, [this](const http::Request& r) { return Handle(r); });
    EXPECT_TRUE(server.ok());
    server_ = std::move(server).value();
  }

  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(server_->port()) + "/pagopa/paForNode";
  }
  std::vector<std::string> errors() const {
    std::lock_guard lock(mu_);
    return errors_;
  }
  std::vector<GetPaymentQuery> gets() const {
    std::lock_guard lock(mu_);
    return gets_;
  }
  std::vector<Receipt> receipts() const {
    std::lock_guard lock(mu_);
    return receipts_;
  }

 private:
  http::Response Handle(const http::Request& r) {
    auto xml = [](std::string body) {
      return http::TextResponse(200, std::move(body), "text/xml; charset=utf-8");
    };
    auto parsed = soap::ParseStationRequest(r.body, r.Header("SOAPAction"));
    std::lock_guard lock(mu_);
    if (auto* error = std::get_if<soap::RequestError>(&parsed)) {
      errors_.push_back(error->fault.description);
      if (!error->operation) return http::TextResponse(500, soap::WriteSoapFault("bad request"));
      return xml(soap::WriteFault(*error->operation, error->fault));
    }
    auto& request = std::get<soap::ParsedRequest>(parsed);
    if (auto* verify = std::get_if<VerifyNoticeQuery>(&request.request)) {
      VerifyNoticeAnswer a;
      a.amount = payment_.payment_amount;
      a.due_date = payment_.due_date;
      a.payment_description = payment_.description;
      a.fiscal_code_pa = verify->fiscal_code;
      a.company_name = payment_.company_name;
      return xml(soap::WriteVerifyPaymentNoticeRes(a, verify->header.id_pa));
    }
    if (auto* get = std::get_if<GetPaymentQuery>(&request.request)) {
      gets_.push_back(*get);
      return xml(get->version == 2 ? soap::WriteGetPaymentV2Response(payment_, get->header.id_pa)
                                   : soap::WriteGetPaymentRes(payment_, get->header.id_pa));
    }
    if (auto* send = std::get_if<SendReceiptCommand>(&request.request)) {
      receipts_.push_back(send->receipt);
      return xml(send->receipt.source == "paSendRTV2"
                     ? soap::WriteSendRTV2Response(ReceiptAccepted{})
                     : soap::WriteSendRTRes(ReceiptAccepted{}));
    }
    errors_.push_back("unexpected operation");
    return http::TextResponse(500, soap::WriteSoapFault("unexpected operation"));
  }

  PaymentData payment_;
  mutable std::mutex mu_;
  std::vector<std::string> errors_;
  std::vector<GetPaymentQuery> gets_;
  std::vector<Receipt> receipts_;
  std::unique_ptr<http::Server> server_;
};

PayRequest Request(const std::string& url, int version) {
  PayRequest r;
  r.station_url = url;
  r.ec_fiscal_code = kEc;
  r.notice_number = kNotice;
  r.version = version;
  r.payment_note = "cart-7";
  return r;
}

TEST(InteropTest, V2PaymentRoundTripsThroughTheStationCodec) {
  CodecStation station(/*with_stamp=*/true);
  FakeClock clock(ParseDateTime("2026-11-26T09:30:00Z").value());
  RandomHex random(5);
  PayResult r = PayNotice(Request(station.url(), 2), clock, random);
  ASSERT_TRUE(r.succeeded) << r.steps.back().operation << ": " << r.steps.back().description;
  EXPECT_TRUE(station.errors().empty()) << station.errors().front();
  const std::vector<GetPaymentQuery> gets = station.gets();
  ASSERT_EQ(gets.size(), 1u);
  EXPECT_EQ(gets[0].version, 2);
  EXPECT_EQ(gets[0].payment_note, "cart-7");
  EXPECT_EQ(gets[0].amount, 11600);

  const std::vector<Receipt> receipts = station.receipts();
  ASSERT_EQ(receipts.size(), 1u);
  const Receipt& receipt = receipts[0];
  EXPECT_EQ(receipt.receipt_id, r.payment_token);
  EXPECT_EQ(receipt.notice_number, kNotice);
  EXPECT_EQ(receipt.iuv, "01000000000000123");
  EXPECT_EQ(receipt.outcome, "OK");
  EXPECT_EQ(receipt.amount, 11600);
  EXPECT_EQ(receipt.fee, 100);
  EXPECT_EQ(receipt.psp_id, PspIdentity{}.id_psp);
  EXPECT_EQ(receipt.payment_date_time, clock.Now());
  EXPECT_EQ(receipt.application_date, "2026-11-26");
  EXPECT_EQ(receipt.debtor.fiscal_code, "RSSMRA80A01H501U");
  ASSERT_EQ(receipt.transfers.size(), 3u);
  EXPECT_EQ(receipt.transfers[1].entity_fiscal_code, "80000000002");
  EXPECT_TRUE(receipt.transfers[2].stamp.has_value());
  EXPECT_TRUE(receipt.transfers[2].iban.empty());
  EXPECT_FALSE(receipt.stand_in);
}

TEST(InteropTest, V1PaymentRoundTripsThroughTheStationCodec) {
  CodecStation station(/*with_stamp=*/false);
  FakeClock clock(ParseDateTime("2026-11-26T09:30:00Z").value());
  RandomHex random(6);
  PayResult r = PayNotice(Request(station.url(), 1), clock, random);
  ASSERT_TRUE(r.succeeded) << r.steps.back().operation << ": " << r.steps.back().description;
  EXPECT_TRUE(station.errors().empty()) << station.errors().front();
  ASSERT_EQ(station.receipts().size(), 1u);
  EXPECT_EQ(station.receipts()[0].source, "paSendRT");
  EXPECT_EQ(station.receipts()[0].amount, 10000);
  ASSERT_EQ(r.receipt->transfers.size(), 2u);
}

}  // namespace
}  // namespace incasso::nodesim
