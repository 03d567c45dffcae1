// The node's nodeForPa SOAP service over the FdR ledger (internal to src/nodesim; served by
// NodeSimulator at POST /nodo/nodeForPa). pagopa-notes.md §1.2; wsdl/xsd/nodeForPa.xsd.
#pragma once

#include <string>
#include <string_view>

#include "http/message.hpp"
#include "nodesim/fdr.hpp"

namespace incasso::nodesim {

inline constexpr std::string_view kNodeForPaNs = "http://ws.pagamenti.telematici.gov/";

struct NodeForPaConfig {
  std::string broker_id;   // identificativoIntermediarioPA accepted
  std::string station_id;  // identificativoStazioneIntermediarioPA accepted
};

// Answers nodoChiediElencoFlussiRendicontazione (every flow, filtered by the optional
// identificativoDominio and identificativoPSP: the node always returns them all, it does not track
// downloads) and nodoChiediFlussoRendicontazione (xmlRendicontazione = base64 of the flow). Faults
// (PPT_*, id NodoDeiPagamentiSPC) come back inside the ...Risposta with HTTP 200: missing fields
// PPT_SINTASSI_EXTRAXSD, empty password PPT_AUTENTICAZIONE (any other password is accepted: it is
// a simulator), another broker PPT_INTERMEDIARIO_PA_SCONOSCIUTO, another station
// PPT_STAZIONE_INT_PA_SCONOSCIUTA, an unknown flow (or one of another institution than
// identificativoDominio) PPT_ID_FLUSSO_SCONOSCIUTO. A body that is not a nodeForPa request gets a
// SOAP 1.1 Client fault with HTTP 500.
http::Response HandleNodeForPa(const http::Request& request, const NodeForPaConfig& config,
                               const FdrLedger& ledger);

}  // namespace incasso::nodesim
