#include "nodesim/testing.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "core/money.hpp"
#include "soap/xml.hpp"

namespace incasso::nodesim::testing {
namespace {

namespace fs = std::filesystem;

fs::path TempDir() {
  static const fs::path dir = [] {
    fs::path d = fs::temp_directory_path() / fmt::format("incasso-nodesim-{}", ::getpid());
    fs::create_directories(d);
    return d;
  }();
  return dir;
}

std::string Envelope(std::string_view element, std::string_view content) {
  return fmt::format(
      R"(<?xml version="1.0" encoding="UTF-8"?>)"
      R"(<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" )"
      R"(xmlns:pafn="http://pagopa-api.pagopa.gov.it/pa/paForNode.xsd"><soapenv:Body>)"
      "<pafn:{0}>{1}</pafn:{0}></soapenv:Body></soapenv:Envelope>",
      element, content);
}

std::string Ko(std::string_view element, std::string_view code, std::string_view id) {
  return Envelope(element, fmt::format("<outcome>KO</outcome><fault><faultCode>{}</faultCode>"
                                       "<faultString>Errore simulato</faultString><id>{}</id>"
                                       "<description>fake station</description></fault>",
                                       code, id));
}

std::string Transfer(int version, int id, std::int64_t cents, std::string_view fiscal_code,
                     std::string_view iuv, bool stamp) {
  std::string account;
  if (stamp) {
    account =
        "<richiestaMarcaDaBollo><hashDocumento>wHpFSLCGZjIvNSXxqtGbxg7275t446DRTk5ZrsdUQ6E="
        "</hashDocumento><tipoBollo>01</tipoBollo><provinciaResidenza>RM</provinciaResidenza>"
        "</richiestaMarcaDaBollo>";
  } else {
    account = "<IBAN>IT60X0542811101000000123456</IBAN>";
  }
  return fmt::format(
      "<transfer><idTransfer>{}</idTransfer><transferAmount>{}</transferAmount>"
      "<fiscalCodePA>{}</fiscalCodePA>{}{}<remittanceInformation>/RFB/{}/{}/TXT/Tassa</"
      "remittanceInformation><transferCategory>9/0101100IM/</transferCategory>"
      "<metadata><mapEntry><key>capitolo</key><value>C-{}</value></mapEntry></metadata>"
      "</transfer>",
      id, FormatAmount(cents), fiscal_code, version == 2 ? "<companyName>Ente</companyName>" : "",
      account, iuv, FormatAmount(cents), id);
}

}  // namespace

std::string SpecDir() { return INCASSO_PAGOPA_SPEC_DIR; }
std::string PaForNodeSchema() { return SpecDir() + "/pagopa-api/soap-paForNode.xsd"; }
std::string FlussoSchema() {
  return SpecDir() + "/pagopa-api/xsd-common/FlussoRiversamento_1_0_4.xsd";
}
std::string MarcaDaBolloSchema() { return SpecDir() + "/pagopa-api/xsd-common/MarcaDaBollo.xsd"; }

std::string NodeForPaSchema() {
  static const std::string path = [] {
    const std::string api = fs::absolute(SpecDir() + "/pagopa-api").lexically_normal().string();
    const fs::path p = TempDir() / "soap-nodeForPa.xsd";
    std::ofstream out(p);
    out << R"(<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:incasso:test:wrapper"
           elementFormDefault="qualified">
  <xs:import namespace="http://schemas.xmlsoap.org/soap/envelope/" schemaLocation=")"
        << api << R"(/xsd-common/envelope.xsd"/>
  <xs:import namespace="http://ws.pagamenti.telematici.gov/" schemaLocation=")"
        << api << R"(/wsdl/xsd/nodeForPa.xsd"/>
</xs:schema>
)";
    return p.string();
  }();
  return path;
}

bool HaveXmllint() { return std::system("xmllint --version >/dev/null 2>&1") == 0; }

std::string XmlLint(const std::string& schema, std::string_view xml) {
  static std::atomic<int> counter{0};
  const fs::path file = TempDir() / fmt::format("doc-{}.xml", counter++);
  {
    std::ofstream out(file, std::ios::binary);
    out.write(xml.data(), static_cast<std::streamsize>(xml.size()));
  }
  const std::string command =
      fmt::format("xmllint --noout --nonet --schema '{}' '{}' 2>&1", schema, file.string());
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return "cannot run xmllint";
  std::string output;
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) output += buffer;
  const int status = ::pclose(pipe);
  fs::remove(file);
  if (status == 0) return "";
  return output.empty() ? "xmllint failed" : output;
}

FakeStation::FakeStation() {
  http::ServerOptions options;
  options.port = 0;
  options.threads = 2;
  options.shutdown_grace = std::chrono::milliseconds(200);
  auto server = http::StartServer(options, [this](const http::Request& r) {
    auto doc = soap::ParseXml(r.body);
    std::string element;
    if (doc.ok()) {
      const auto body = doc->Root().Child("Body", soap::kSoapEnvelopeNs);
      const auto children = body.Children();
      if (!children.empty()) element = std::string(children.front().LocalName());
    }
    std::string answer = Answer(element, r.body);
    {
      std::lock_guard lock(mu_);
      calls_.push_back({r.Header("SOAPAction"), element, r.body, answer});
    }
    return http::TextResponse(200, std::move(answer), "text/xml; charset=utf-8");
  });
  if (!server.ok()) throw std::runtime_error(server.error().ToText());
  server_ = std::move(server).value();
}

FakeStation::~FakeStation() = default;

std::string FakeStation::url() const {
  return fmt::format("http://127.0.0.1:{}/pa/paForNode", server_->port());
}

void FakeStation::Add(FakeNotice notice) {
  std::lock_guard lock(mu_);
  notices_[notice.notice_number] = std::move(notice);
}

std::vector<Captured> FakeStation::calls() const {
  std::lock_guard lock(mu_);
  return calls_;
}

std::vector<std::string> FakeStation::Elements() const {
  std::vector<std::string> out;
  for (const Captured& c : calls()) out.push_back(c.element);
  return out;
}

std::string FakeStation::Answer(std::string_view element, std::string_view body) {
  auto doc = soap::ParseXml(body);
  if (!doc.ok()) return "not xml";
  const auto op = doc->Root().Child("Body", soap::kSoapEnvelopeNs).Children().front();
  const std::string id_pa = op.ChildText("idPA").value_or("");
  const bool is_receipt = element == "paSendRTReq" || element == "paSendRTV2Request";
  const std::string notice_number = is_receipt ? op.PathText("receipt/noticeNumber").value_or("")
                                               : op.PathText("qrCode/noticeNumber").value_or("");
  const int version = element == "paGetPaymentV2Request" || element == "paSendRTV2Request" ? 2 : 1;

  FakeNotice n;
  bool found = false;
  bool duplicate = false;
  {
    std::lock_guard lock(mu_);
    auto it = notices_.find(notice_number);
    if (it != notices_.end() && it->second.fiscal_code == id_pa) {
      n = it->second;
      found = true;
    }
    if (is_receipt && found && n.send_fault.empty()) {
      const std::string receipt_id = op.PathText("receipt/receiptId").value_or("");
      for (const auto& seen : receipt_ids_) duplicate = duplicate || seen == receipt_id;
      if (!duplicate) receipt_ids_.push_back(receipt_id);
    }
  }
  const std::string iuv = notice_number.size() == 18 ? notice_number.substr(1) : "0";

  if (element == "paVerifyPaymentNoticeReq") {
    const std::string res = "paVerifyPaymentNoticeRes";
    if (!found) return Ko(res, "PAA_PAGAMENTO_SCONOSCIUTO", id_pa);
    if (!n.verify_fault.empty()) return Ko(res, n.verify_fault, id_pa);
    return Envelope(
        res,
        fmt::format("<outcome>OK</outcome><paymentList><paymentOptionDescription>"
                    "<amount>{}</amount><options>EQ</options><dueDate>2030-12-31</dueDate>"
                    "<allCCP>false</allCCP></paymentOptionDescription></paymentList>"
                    "<paymentDescription>Tassa di prova</paymentDescription>"
                    "<fiscalCodePA>{}</fiscalCodePA><companyName>Comune di Prova</companyName>",
                    FormatAmount(n.amount_cents), n.fiscal_code));
  }
  if (element == "paGetPaymentReq" || element == "paGetPaymentV2Request") {
    const std::string res = version == 2 ? "paGetPaymentV2Response" : "paGetPaymentRes";
    if (!found) return Ko(res, "PAA_PAGAMENTO_SCONOSCIUTO", id_pa);
    if (!n.get_fault.empty()) return Ko(res, n.get_fault, id_pa);
    std::int64_t first = n.amount_cents;
    std::string extra;
    int next_id = 2;
    if (n.stamp && version == 2) {
      first -= 1600;
      extra += Transfer(version, next_id++, 1600, n.fiscal_code, iuv, true);
    }
    if (!n.second_beneficiary.empty()) {
      first -= 100;
      extra += Transfer(version, next_id++, 100, n.second_beneficiary, iuv, false);
    }
    const std::string transfers = Transfer(version, 1, first, n.fiscal_code, iuv, false) + extra;
    return Envelope(
        res,
        fmt::format(
            "<outcome>OK</outcome><data><creditorReferenceId>{}</creditorReferenceId>"
            "<paymentAmount>{}</paymentAmount><dueDate>2030-12-31</dueDate>"
            "<description>Tassa di prova</description><companyName>Comune di Prova</companyName>"
            "<debtor><uniqueIdentifier><entityUniqueIdentifierType>F</entityUniqueIdentifierType>"
            "<entityUniqueIdentifierValue>RSSMRA80A01H501U</entityUniqueIdentifierValue>"
            "</uniqueIdentifier><fullName>Mario Rossi &amp; figli</fullName>"
            "<streetName>Via Roma</streetName><civicNumber>1</civicNumber>"
            "<postalCode>00100</postalCode><city>Roma</city><stateProvinceRegion>RM"
            "</stateProvinceRegion><country>IT</country><e-mail>mario.rossi@example.org</e-mail>"
            "</debtor><transferList>{}</transferList>"
            "<metadata><mapEntry><key>anno</key><value>2026</value></mapEntry></metadata></data>",
            iuv, FormatAmount(n.amount_cents + (n.bad_sum ? 1 : 0)), transfers));
  }
  if (is_receipt) {
    const std::string res = version == 2 ? "paSendRTV2Response" : "paSendRTRes";
    if (!found) return Ko(res, "PAA_SEMANTICA", id_pa);
    if (!n.send_fault.empty()) return Ko(res, n.send_fault, id_pa);
    if (duplicate) return Ko(res, "PAA_RECEIPT_DUPLICATA", id_pa);
    return Envelope(res, "<outcome>OK</outcome>");
  }
  return "<unknown/>";
}

}  // namespace incasso::nodesim::testing
