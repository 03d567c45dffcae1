// Test support for the node simulator: an in-process fake station with canned, schema-valid
// paForNode answers, and xmllint validation against the official schemas.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/server.hpp"

namespace incasso::nodesim::testing {

// INCASSO_PAGOPA_SPEC_DIR (CMake cache variable).
std::string SpecDir();
// Paths of the schemas the tests use.
std::string PaForNodeSchema();     // soap-paForNode.xsd: SOAP envelope + paForNode.xsd
std::string NodeForPaSchema();     // a wrapper written on first use: envelope + nodeForPa.xsd
std::string FlussoSchema();        // FlussoRiversamento_1_0_4.xsd
std::string MarcaDaBolloSchema();  // MarcaDaBollo.xsd

bool HaveXmllint();
// Validates `xml` with `xmllint --noout --schema`; "" when valid, else xmllint's report.
std::string XmlLint(const std::string& schema, std::string_view xml);

struct FakeNotice {
  std::string fiscal_code = "80000000001";
  std::string notice_number;
  std::int64_t amount_cents = 10000;  // total, split over the transfers
  bool stamp = false;                 // V2: one more transfer of 16.00 as a digital stamp
  std::string second_beneficiary;     // fiscal code of a second institution taking 1.00
  std::string verify_fault;           // answer paVerifyPaymentNotice KO with this code
  std::string get_fault;              // answer paGetPayment(V2) KO with this code
  std::string send_fault;             // answer paSendRT(V2) KO with this code
  bool bad_sum = false;               // paymentAmount != Σ transferAmount
};

inline FakeNotice Fake(std::string notice_number) {
  FakeNotice n;
  n.notice_number = std::move(notice_number);
  return n;
}
// A notice with changes, e.g. Fake(kNotice, [](FakeNotice& n) { n.stamp = true; }).
template <typename Change>
FakeNotice Fake(std::string notice_number, Change change) {
  FakeNotice n = Fake(std::move(notice_number));
  change(n);
  return n;
}

struct Captured {
  std::string soap_action;  // header as received
  std::string element;      // local name of the Body's first element
  std::string request;      // body as received
  std::string response;     // body answered
};

// Listens on 127.0.0.1, port 0. Unknown notices get PAA_PAGAMENTO_SCONOSCIUTO; a receiptId seen
// before gets PAA_RECEIPT_DUPLICATA. Thread-safe.
class FakeStation {
 public:
  FakeStation();
  ~FakeStation();
  std::string url() const;  // http://127.0.0.1:P/pa/paForNode
  void Add(FakeNotice notice);
  std::vector<Captured> calls() const;
  std::vector<std::string> Elements() const;  // calls()' element names, in order

 private:
  std::string Answer(std::string_view element, std::string_view body);

  mutable std::mutex mu_;
  std::map<std::string, FakeNotice> notices_;  // by notice number
  std::vector<std::string> receipt_ids_;
  std::vector<Captured> calls_;
  std::unique_ptr<http::Server> server_;
};

}  // namespace incasso::nodesim::testing
