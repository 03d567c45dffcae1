#include "nodesim/node_for_pa.hpp"

#include <fmt/format.h>

#include <optional>

#include "core/time.hpp"
#include "nodesim/codec.hpp"
#include "soap/xml.hpp"

namespace incasso::nodesim {
namespace {

using soap::EscapeXml;
using soap::XmlElement;

constexpr std::string_view kElenco = "nodoChiediElencoFlussiRendicontazione";
constexpr std::string_view kFlusso = "nodoChiediFlussoRendicontazione";

http::Response Xml(int status, std::string body) {
  return http::TextResponse(status, std::move(body), "text/xml; charset=utf-8");
}

std::string Envelope(std::string_view element, std::string_view content) {
  return fmt::format(
      R"(<?xml version="1.0" encoding="UTF-8"?>)"
      "\n"
      R"(<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" )"
      R"(xmlns:nfpa="{0}"><soapenv:Body><nfpa:{1}>{2}</nfpa:{1}></soapenv:Body>)"
      "</soapenv:Envelope>\n",
      kNodeForPaNs, element, content);
}

http::Response SoapClientFault(std::string_view text) {
  return Xml(
      500,
      fmt::format(R"(<?xml version="1.0" encoding="UTF-8"?>)"
                  "\n"
                  R"(<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">)"
                  "<soapenv:Body><soapenv:Fault><faultcode>soapenv:Client</faultcode>"
                  "<faultstring>{}</faultstring></soapenv:Fault></soapenv:Body>"
                  "</soapenv:Envelope>\n",
                  EscapeXml(text)));
}

// ctFaultBean inside ctRisposta; the node is the one emitting it.
http::Response PptFault(std::string_view operation, std::string_view code,
                        std::string_view fault_string, std::string_view description) {
  const std::string fault = fmt::format(
      "<fault><faultCode>{}</faultCode><faultString>{}</faultString><id>NodoDeiPagamentiSPC</id>"
      "<description>{}</description></fault>",
      code, EscapeXml(fault_string), EscapeXml(description));
  return Xml(200, Envelope(fmt::format("{}Risposta", operation), fault));
}

}  // namespace

http::Response HandleNodeForPa(const http::Request& request, const NodeForPaConfig& config,
                               const FdrLedger& ledger) {
  auto doc = soap::ParseXml(request.body);
  if (!doc.ok()) return SoapClientFault(doc.error().message);
  const XmlElement root = doc->Root();
  const XmlElement body = root.Child("Body", soap::kSoapEnvelopeNs);
  if (root.LocalName() != "Envelope" || root.NamespaceUri() != soap::kSoapEnvelopeNs ||
      !body.valid()) {
    return SoapClientFault("not a SOAP 1.1 envelope");
  }
  XmlElement op;
  for (const XmlElement& child : body.Children()) {
    if (child.NamespaceUri() == kNodeForPaNs &&
        (child.LocalName() == kElenco || child.LocalName() == kFlusso)) {
      op = child;
      break;
    }
  }
  if (!op.valid()) {
    return SoapClientFault(
        "the body holds no nodoChiediElencoFlussiRendicontazione or "
        "nodoChiediFlussoRendicontazione");
  }
  const std::string_view operation = op.LocalName();
  const std::string broker = op.ChildText("identificativoIntermediarioPA").value_or("");
  const std::string station = op.ChildText("identificativoStazioneIntermediarioPA").value_or("");
  const std::optional<std::string> password = op.ChildText("password");
  const std::string domain = op.ChildText("identificativoDominio").value_or("");
  const std::string psp = op.ChildText("identificativoPSP").value_or("");
  const std::optional<std::string> flow_id = op.ChildText("identificativoFlusso");
  if (broker.empty() || station.empty() || !password || (operation == kFlusso && !flow_id)) {
    return PptFault(operation, "PPT_SINTASSI_EXTRAXSD", "Errore di sintassi extra XSD.",
                    "identificativoIntermediarioPA, identificativoStazioneIntermediarioPA and "
                    "password are required (and identificativoFlusso to get a flow)");
  }
  if (password->empty()) {
    return PptFault(operation, "PPT_AUTENTICAZIONE", "Errore di autenticazione.",
                    "password is empty");
  }
  if (broker != config.broker_id) {
    return PptFault(operation, "PPT_INTERMEDIARIO_PA_SCONOSCIUTO",
                    "Identificativo intermediario PA sconosciuto.",
                    fmt::format("unknown broker {}", broker));
  }
  if (station != config.station_id) {
    return PptFault(operation, "PPT_STAZIONE_INT_PA_SCONOSCIUTA",
                    "Identificativo stazione intermediario PA sconosciuto.",
                    fmt::format("unknown station {}", station));
  }

  if (operation == kElenco) {
    const auto flows = ledger.ListFlows(domain, psp);
    std::string list =
        fmt::format("<elencoFlussiRendicontazione><totRestituiti>{}</totRestituiti>", flows.size());
    for (const FlowSummary& f : flows) {
      list += fmt::format(
          "<idRendicontazione><identificativoFlusso>{}</identificativoFlusso>"
          "<dataOraFlusso>{}</dataOraFlusso></idRendicontazione>",
          EscapeXml(f.id), FormatDateTime(f.flow_time));
    }
    list += "</elencoFlussiRendicontazione>";
    return Xml(200, Envelope("nodoChiediElencoFlussiRendicontazioneRisposta", list));
  }

  bool listed = false;  // the flow exists and matches the optional filters
  for (const FlowSummary& f : ledger.ListFlows(domain, psp)) listed = listed || f.id == *flow_id;
  const auto xml = listed ? ledger.FlowXml(*flow_id) : std::nullopt;
  if (!xml) {
    return PptFault(operation, "PPT_ID_FLUSSO_SCONOSCIUTO", "Identificativo flusso sconosciuto.",
                    fmt::format("no flow {}", *flow_id));
  }
  return Xml(200, Envelope("nodoChiediFlussoRendicontazioneRisposta",
                           fmt::format("<xmlRendicontazione>{}</xmlRendicontazione>",
                                       Base64Encode(*xml))));
}

}  // namespace incasso::nodesim
