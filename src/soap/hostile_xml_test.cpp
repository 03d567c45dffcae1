// Hostile requests (performance-and-security-notes.md §3.5): each is refused with the operation's
// PAA_SINTASSI_* fault, quickly, without touching files or the network, and without any secret
// reaching the fault, the response or the process output.
#include <arpa/inet.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "soap/codec.hpp"
#include "soap/soap_test_support.hpp"

namespace incasso::soap {
namespace {

constexpr std::string_view kPayload =
    "<pafn:paVerifyPaymentNoticeReq><idPA>77777777777</idPA><idBrokerPA>15376371009</idBrokerPA>"
    "<idStation>15376371009_01</idStation><qrCode><fiscalCode>77777777777</fiscalCode>"
    "<noticeNumber>302000100000009424</noticeNumber></qrCode></pafn:paVerifyPaymentNoticeReq>";

// A verify request with `prolog` before the envelope and `payload` in the Body.
std::string Envelope(std::string_view prolog, std::string_view payload = kPayload,
                     std::string_view envelope_ns = kSoapEnvelopeNs) {
  return fmt::format(
      "{}<soapenv:Envelope xmlns:soapenv=\"{}\" xmlns:pafn=\"{}\"><soapenv:Body>{}"
      "</soapenv:Body></soapenv:Envelope>",
      prolog, envelope_ns, kPaForNodeNs, payload);
}

std::string WithIdPA(std::string_view id_pa_content) {
  std::string payload(kPayload);
  payload.replace(payload.find("77777777777"), 11, id_pa_content);
  return payload;
}

struct Outcome {
  RequestError error;
  std::string response;  // what the station would answer
  std::string output;    // everything the process printed meanwhile
  std::chrono::milliseconds elapsed{};
};

// Parses `body`; the request must be refused. The response is the one the lead's handler writes:
// WriteFault for a known operation, else WriteSoapFault.
Outcome Refuse(const std::string& body, std::string_view action = "") {
  Outcome o;
  ::testing::internal::CaptureStderr();
  ::testing::internal::CaptureStdout();
  const auto start = std::chrono::steady_clock::now();
  auto parsed = ParseStationRequest(body, action);
  o.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start);
  o.output = ::testing::internal::GetCapturedStdout();
  o.output += ::testing::internal::GetCapturedStderr();
  if (!std::holds_alternative<RequestError>(parsed)) {
    ADD_FAILURE() << "accepted a hostile request";
    return o;
  }
  o.error = std::get<RequestError>(std::move(parsed));
  o.response = o.error.operation ? WriteFault(*o.error.operation, o.error.fault)
                                 : WriteSoapFault(o.error.fault.description);
  // Not a performance assertion (STYLE.md rule 16 stands): the expected figure is well under a
  // millisecond, and the bound only catches an exponential or quadratic expansion.
  EXPECT_LT(o.elapsed, std::chrono::seconds(2)) << "refusal took " << o.elapsed.count() << " ms";
  EXPECT_EQ(o.output, "") << "the parser printed something";
  EXPECT_TRUE(testing::SchemaValid(o.response));
  return o;
}

void ExpectVerifySyntaxFault(const Outcome& o, std::string_view description) {
  ASSERT_TRUE(o.error.operation.has_value());
  EXPECT_EQ(*o.error.operation, Operation::kVerifyPaymentNotice);
  EXPECT_EQ(o.error.fault.code, "PAA_SINTASSI_EXTRAXSD");
  EXPECT_EQ(o.error.fault.description, description);
}

// A file with a random secret, removed at the end.
class SecretFile {
 public:
  SecretFile() {
    std::random_device rd;
    secret_ = fmt::format("INCASSO-SECRET-{:016x}", (std::uint64_t{rd()} << 32) | rd());
    const char* dir = std::getenv("TMPDIR");
    path_ = fmt::format("{}/incasso-secret-{}", dir != nullptr && *dir ? dir : "/tmp", secret_);
    std::ofstream(path_) << secret_ << "\n";
  }
  ~SecretFile() { std::remove(path_.c_str()); }
  const std::string& secret() const { return secret_; }
  std::string url() const { return "file://" + path_; }

 private:
  std::string secret_;
  std::string path_;
};

void ExpectNoLeak(const Outcome& o, std::string_view secret) {
  EXPECT_EQ(o.error.fault.description.find(secret), std::string::npos);
  EXPECT_EQ(o.error.header.id_pa.find(secret), std::string::npos);
  EXPECT_EQ(o.response.find(secret), std::string::npos);
  EXPECT_EQ(o.output.find(secret), std::string::npos);
}

// A TCP listener on 127.0.0.1, port 0: if the parser ever fetched a URL pointing at it, the
// connection would be waiting in its backlog once the (synchronous) parse returns.
class Listener {
 public:
  Listener() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    if (fd_ < 0 || bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        listen(fd_, 8) != 0 || getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      ADD_FAILURE() << "cannot listen on 127.0.0.1";
      return;
    }
    port_ = ntohs(addr.sin_port);
  }
  ~Listener() {
    if (fd_ >= 0) close(fd_);
  }
  int port() const { return port_; }
  bool Contacted() const {
    pollfd p{fd_, POLLIN, 0};
    return poll(&p, 1, 0) > 0;
  }

 private:
  int fd_ = -1;
  int port_ = 0;
};

TEST(HostileXml, XxeFileEntityIsRefusedAndNothingLeaks) {
  SecretFile secret;
  for (const std::string& url : {secret.url(), std::string("file:///etc/passwd")}) {
    SCOPED_TRACE(url);
    const std::string body = Envelope(
        fmt::format("<?xml version=\"1.0\"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM \"{}\">]>", url),
        WithIdPA("&xxe;"));
    Outcome o = Refuse(body);
    ExpectVerifySyntaxFault(o, "DOCTYPE is not allowed");
    EXPECT_EQ(o.error.fault.id, "");  // nothing could be read
    ExpectNoLeak(o, secret.secret());
    ExpectNoLeak(o, "root:x:0:0");
  }
}

TEST(HostileXml, XxeIsRefusedWithTheSoapActionOperation) {
  SecretFile secret;
  const std::string body =
      Envelope(fmt::format("<!DOCTYPE foo [<!ENTITY xxe SYSTEM \"{}\">]>", secret.url()),
               "<pafn:paSendRTV2Request><idPA>&xxe;</idPA></pafn:paSendRTV2Request>");
  Outcome o = Refuse(body, "\"paSendRTV2\"");
  ASSERT_TRUE(o.error.operation.has_value());
  EXPECT_EQ(*o.error.operation, Operation::kSendRTV2);
  EXPECT_EQ(o.error.fault.code, "PAA_SINTASSI_EXTRAXSD");
  ExpectNoLeak(o, secret.secret());
}

TEST(HostileXml, BillionLaughs) {
  std::string dtd = "<!DOCTYPE lolz [<!ENTITY lol \"lol\">";
  dtd += "<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">";
  for (int i = 2; i <= 9; ++i) {
    dtd += fmt::format("<!ENTITY lol{} \"", i);
    for (int k = 0; k < 10; ++k) dtd += fmt::format("&lol{};", i - 1);
    dtd += "\">";
  }
  dtd += "]>";
  Outcome o = Refuse(Envelope(dtd, WithIdPA("&lol9;")));
  ExpectVerifySyntaxFault(o, "DOCTYPE is not allowed");
}

TEST(HostileXml, QuadraticBlowUp) {
  const std::string dtd = "<!DOCTYPE q [<!ENTITY a \"" + std::string(50'000, 'a') + "\">]>";
  std::string refs;
  for (int i = 0; i < 50'000; ++i) refs += "&a;";
  const std::string body = Envelope(dtd, WithIdPA(refs));
  ASSERT_LT(body.size(), XmlLimits{}.max_bytes);  // refused for the DOCTYPE, not the size
  ExpectVerifySyntaxFault(Refuse(body), "DOCTYPE is not allowed");
}

TEST(HostileXml, NetworkEntitiesAreNeverFetched) {
  Listener listener;
  const std::string base = fmt::format("http://127.0.0.1:{}/evil", listener.port());
  const std::vector<std::string> prologs = {
      fmt::format("<!DOCTYPE foo [<!ENTITY % remote SYSTEM \"{}.dtd\"> %remote;]>", base),
      fmt::format("<!DOCTYPE foo SYSTEM \"{}.dtd\">", base),
      fmt::format("<!DOCTYPE foo PUBLIC \"-//X//Y\" \"{}.dtd\">", base),
      fmt::format("<!DOCTYPE foo [<!ENTITY x SYSTEM \"{}.xml\">]>", base),
  };
  for (const std::string& prolog : prologs) {
    SCOPED_TRACE(prolog);
    ExpectVerifySyntaxFault(Refuse(Envelope(prolog, WithIdPA("&x;"))), "DOCTYPE is not allowed");
    EXPECT_FALSE(listener.Contacted()) << "the parser opened a network connection";
  }
}

TEST(HostileXml, DoctypeWithInternalSubsetOnly) {
  ExpectVerifySyntaxFault(
      Refuse(Envelope("<!DOCTYPE soapenv:Envelope [<!ELEMENT idPA (#PCDATA)>]>")),
      "DOCTYPE is not allowed");
  ExpectVerifySyntaxFault(Refuse(Envelope("<!DOCTYPE soapenv:Envelope>")),
                          "DOCTYPE is not allowed");
}

TEST(HostileXml, ProcessingInstructions) {
  ExpectVerifySyntaxFault(
      Refuse(
          Envelope("<?xml version=\"1.0\"?><?xml-stylesheet type=\"text/xsl\" href=\"x.xsl\"?>")),
      "processing instructions are not allowed");
  ExpectVerifySyntaxFault(Refuse(Envelope("", WithIdPA("<?php echo 1; ?>77777777777"))),
                          "processing instructions are not allowed");
}

TEST(HostileXml, EntityReferenceWithoutDoctype) {
  ExpectVerifySyntaxFault(Refuse(Envelope("", WithIdPA("&xxe;"))),
                          "entity references are not allowed");
}

TEST(HostileXml, NestingDepth10000) {
  std::string deep;
  for (int i = 0; i < 10'000; ++i) deep += "<a>";
  for (int i = 0; i < 10'000; ++i) deep += "</a>";
  ExpectVerifySyntaxFault(Refuse(Envelope("", WithIdPA(deep)), "paVerifyPaymentNotice"),
                          "document too deep");
}

TEST(HostileXml, TenMegabyteBody) {
  const std::string body = Envelope("", WithIdPA(std::string(10 * 1024 * 1024, '7')));
  ExpectVerifySyntaxFault(Refuse(body), "document too large");  // operation from a cheap scan
}

TEST(HostileXml, ManyAttributesOrNamespaceDeclarations) {
  // libxml2 2.9 compares attributes pairwise: 50,000 on one element would cost seconds.
  std::string attributes;
  std::string namespaces;
  for (int i = 0; attributes.size() < 400 * 1024; ++i) attributes += fmt::format(" a{}=\"\"", i);
  for (int i = 0; namespaces.size() < 400 * 1024; ++i) {
    namespaces += fmt::format(" xmlns:p{}=\"urn:{}\"", i, i);
  }
  for (const std::string& extra : {attributes, namespaces}) {
    std::string body = Envelope("");
    body.insert(body.find("<pafn:paVerifyPaymentNoticeReq") + 30, extra);
    ExpectVerifySyntaxFault(Refuse(body), "too many attributes on one element");
  }
}

TEST(HostileXml, InvalidUtf8) {
  ExpectVerifySyntaxFault(Refuse(Envelope("", WithIdPA("7777\xC3\x28")), "paVerifyPaymentNotice"),
                          "document is not valid UTF-8");
}

TEST(HostileXml, Utf16IsRefusedNotTranscoded) {
  const std::string utf8 = Envelope("<?xml version=\"1.0\" encoding=\"UTF-16\"?>");
  std::string le = "\xFF\xFE";  // BOM
  std::string le_no_bom;
  for (char c : utf8) {
    le += c;
    le += '\0';
    le_no_bom += c;
    le_no_bom += '\0';
  }
  for (const std::string& body : {le, le_no_bom}) {
    Outcome o = Refuse(body, "paVerifyPaymentNotice");
    ExpectVerifySyntaxFault(o, "document is not valid UTF-8");
  }
}

TEST(HostileXml, DuplicatedElements) {
  std::string payload(kPayload);
  payload.insert(payload.find("<idBrokerPA>"), "<idPA>77777777777</idPA>");
  ExpectVerifySyntaxFault(Refuse(Envelope("", payload)), "idPA: occurs more than once");

  const std::string two_bodies = fmt::format(
      "<soapenv:Envelope xmlns:soapenv=\"{0}\" xmlns:pafn=\"{1}\"><soapenv:Body>{2}</soapenv:Body>"
      "<soapenv:Body>{2}</soapenv:Body></soapenv:Envelope>",
      kSoapEnvelopeNs, kPaForNodeNs, kPayload);
  ExpectVerifySyntaxFault(Refuse(two_bodies), "Envelope: unexpected element after Body");

  ExpectVerifySyntaxFault(Refuse(Envelope("", std::string(kPayload) + std::string(kPayload))),
                          "Body: must contain exactly one element");
}

TEST(HostileXml, WrongEnvelopeNamespace) {
  ExpectVerifySyntaxFault(Refuse(Envelope("", kPayload, "http://www.w3.org/2003/05/soap-envelope")),
                          "Envelope: SOAP 1.2 is not supported, use SOAP 1.1");
  ExpectVerifySyntaxFault(Refuse(Envelope("", kPayload, "urn:not-soap")),
                          "Envelope: the root element must be a SOAP 1.1 Envelope");
  // The request element in another namespace (the legacy gad/ one).
  std::string legacy = Envelope("");
  legacy.replace(legacy.find(kPaForNodeNs), kPaForNodeNs.size(),
                 "http://pagopa-api.pagopa.gov.it/paForNode");
  ExpectVerifySyntaxFault(Refuse(legacy),
                          "paVerifyPaymentNoticeReq: namespace must be "
                          "http://pagopa-api.pagopa.gov.it/pa/paForNode.xsd");
}

TEST(HostileXml, BodyWinsOverSoapAction) {
  auto parsed = ParseStationRequest(Envelope(""), "\"paSendRTV2\"");
  ASSERT_TRUE(std::holds_alternative<ParsedRequest>(parsed));
  EXPECT_EQ(std::get<ParsedRequest>(parsed).operation, Operation::kVerifyPaymentNotice);
}

TEST(HostileXml, UnknownOperation) {
  const std::string body = Envelope("", "<pafn:paFooReq><idPA>77777777777</idPA></pafn:paFooReq>");
  Outcome none = Refuse(body);
  EXPECT_FALSE(none.error.operation.has_value());
  EXPECT_EQ(none.error.fault.code, "PAA_SINTASSI_EXTRAXSD");
  EXPECT_EQ(none.error.fault.description, "Body: paFooReq is not a paForNode request");
  EXPECT_EQ(none.error.fault.id, "77777777777");
  EXPECT_NE(none.response.find("<soapenv:Fault>"), std::string::npos);

  EXPECT_FALSE(Refuse(body, "paFoo").error.operation.has_value());
  // When the body cannot tell, the SOAPAction chooses the response element.
  Outcome with_action = Refuse(body, "paDemandPaymentNotice");
  ASSERT_TRUE(with_action.error.operation.has_value());
  EXPECT_EQ(*with_action.error.operation, Operation::kDemandPaymentNotice);
  EXPECT_EQ(with_action.error.fault.code, "PAA_SINTASSI_XSD");
}

TEST(HostileXml, GarbageBody) {
  Outcome none = Refuse("this is not XML", "");
  EXPECT_FALSE(none.error.operation.has_value());
  EXPECT_EQ(none.error.fault.description, "not well-formed XML at line 1");

  Outcome quoted = Refuse("this is not XML", "\"paGetPaymentV2\"");
  ASSERT_TRUE(quoted.error.operation.has_value());
  EXPECT_EQ(*quoted.error.operation, Operation::kGetPaymentV2);

  // Truncated request, no SOAPAction: the element name found in the text chooses.
  Outcome cut = Refuse(
      "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\"><soapenv:Body>"
      "<pafn:paDemandPaymentNoticeRequest xmlns:pafn=\"urn:x\"><idPA>1");
  ASSERT_TRUE(cut.error.operation.has_value());
  EXPECT_EQ(*cut.error.operation, Operation::kDemandPaymentNotice);
  EXPECT_EQ(cut.error.fault.code, "PAA_SINTASSI_XSD");

  EXPECT_FALSE(Refuse("", "").error.operation.has_value());
  Outcome not_envelope = Refuse("<html><body>hello</body></html>", "paSendRT");
  EXPECT_EQ(not_envelope.error.fault.description,
            "Envelope: the root element must be a SOAP 1.1 Envelope");
  EXPECT_EQ(*not_envelope.error.operation, Operation::kSendRT);
}

TEST(HostileXml, EnvelopeStructure) {
  ExpectVerifySyntaxFault(
      Refuse(fmt::format("<soapenv:Envelope xmlns:soapenv=\"{}\"><soapenv:Header/>"
                         "</soapenv:Envelope>",
                         kSoapEnvelopeNs),
             "paVerifyPaymentNotice"),
      "Body: is missing");
  ExpectVerifySyntaxFault(Refuse(Envelope("", ""), "paVerifyPaymentNotice"), "Body: is empty");
  ExpectVerifySyntaxFault(Refuse(Envelope("", std::string("text") + std::string(kPayload))),
                          "Body: must not contain text");
}

}  // namespace
}  // namespace incasso::soap
