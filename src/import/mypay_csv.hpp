// Adapter for MyPay's import flow of "dovuti" (RegioneDelVeneto/mypay, ImportFlussoTaskService):
// a `;`-separated CSV, layout versions 1_0..1_4, one row per dovuto with an `azione` of I
// (insert), M (modify) or A (annul). See docs/import.md "GovPay and MyPay layouts". Pure: no I/O.
#pragma once

#include <string>
#include <vector>

#include "import/legacy_csv.hpp"
#include "import/row.hpp"

namespace incasso::import {

// True if `header` is MyPay's layout: it names IUD, tipoIdentificativoUnivoco,
// codiceIdentificativoUnivoco, importoDovuto and tipoDovuto (ASCII case and surrounding spaces
// ignored; a UTF-8 BOM before the first name is tolerated).
bool LooksLikeMyPay(const std::vector<std::string>& header);

// Maps one MyPay row (one dovuto) to a position with one payment option:
//  - iupd = IUD; codIuv, when given, is kept; empty = allocate one;
//  - tipoDovuto must name one of the institution's services in ctx.services: its IBAN is credited
//    and its taxonomy code is used unless datiSpecificiRiscossione carries one ("9/<code>/");
//  - version 1_4 multi-beneficiary rows (flgMultibeneficiario TRUE) add a second transfer to the
//    secondary institution; the option amount is importoDovuto + importoVersamentoEnteSecondario.
// azione I and M both map the row (the pipeline's same-iupd rule decides insert or update);
// azione A (annul) is rejected with an error: annulment goes through the API, not the import.
MappedRow MapMyPayRow(const Record& record, const AdapterContext& ctx);

}  // namespace incasso::import
