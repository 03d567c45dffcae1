// Adapter for GovPay's CSV "tracciato pendenze" (the default layout of GovPay's bulk upload,
// link-it/govpay docs/cruscotto/conduzione/caricamentimassivi/formatoCSV.rst): one row per
// pendenza, voci idVoce1..idVoce5 with their amounts and accounts. See docs/import.md
// "GovPay and MyPay layouts" for the column mapping. Pure: no I/O.
#pragma once

#include <string>
#include <vector>

#include "import/legacy_csv.hpp"
#include "import/row.hpp"

namespace incasso::import {

// True if `header` is GovPay's layout: it names idA2A, idPendenza, idDominio, importo and idVoce1
// (ASCII case and surrounding spaces ignored; a UTF-8 BOM before the first name is tolerated).
bool LooksLikeGovPay(const std::vector<std::string>& header);

// Maps one GovPay row to a position with one payment option:
//  - iupd = idDocumento when set (the pendenze of one document, e.g. the instalments numeroRata
//    1..n of a plan, become options of one position, merged by the pipeline), else idPendenza;
//  - each voce becomes a transfer (1..5), its IBAN from ibanAccreditoVoceN, or from the service
//    named by tipoEntrataVoceN in ctx.services; a stamp from tipoBolloVoceN;
//  - numeroAvviso, when given, is kept (IUV and notice number); empty = allocate one.
// Errors name the file's columns. A row whose idDominio is not the importing institution, and an
// annulment row (importo 0, GovPay's way to cancel a pendenza) are rejected with an error.
MappedRow MapGovPayRow(const Record& record, const AdapterContext& ctx);

}  // namespace incasso::import
