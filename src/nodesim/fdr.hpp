// The simulated PSP's reporting: every receipt the simulator delivered to the station, grouped
// into reporting flows (Flusso di Rendicontazione, FdR) as a PSP sends them to the node
// (pagopa-notes.md §4; xsd-common/FlussoRiversamento_1_0_4.xsd).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "core/clock.hpp"
#include "core/time.hpp"

namespace incasso::nodesim {

struct DeliveredTransfer {
  int id_transfer = 1;  // 1..5: indiceDatiSingoloPagamento in the flow
  std::int64_t amount_cents = 0;
  std::string fiscal_code_pa;  // the institution credited: receives the transfer in its flow
  std::string company_name;    // its name if the station said it ("" = unknown)
  bool stamp = false;          // a digital stamp (@e.bollo): settled with the revenue agency
};

// A receipt the station accepted (paSendRT/paSendRTV2 answered OK).
struct DeliveredReceipt {
  std::string receipt_id;  // = payment token: the IUR of the flow
  std::string notice_number;
  std::string fiscal_code;  // the institution of the notice
  std::string company_name;
  std::string creditor_reference_id;  // the IUV
  std::int64_t amount_cents = 0;
  std::string id_psp;
  std::string psp_company_name;
  TimePoint payment_time{};
  std::vector<DeliveredTransfer> transfers;
};

// One flow: what one PSP credited to one institution for the payments of one day.
struct FlowSummary {
  std::string id;         // identificativoFlusso "<YYYY-MM-DD><idPSP>-<progressive, 7 digits>"
  TimePoint flow_time{};  // dataOraFlusso: time of the latest payment in the flow
  std::string id_psp;
  std::string fiscal_code;  // istitutoRicevente
  Date day{};               // dataRegolamento and dataEsitoSingoloPagamento
  int payments = 0;         // numeroTotalePagamenti
  std::int64_t total_cents = 0;
};

// Receipts and the flows built from them, in memory. Thread-safe.
//
// Grouping (SACI 3.0 "flusso di rendicontazione"): a flow holds the transfers credited to one
// institution (each transfer's fiscalCodePA, so a multi-beneficiary payment appears in the flow of
// every beneficiary) by one PSP on one day (UTC). Stamp transfers are left out: the PSP settles
// them with the revenue agency, not with the institution. A flow keeps its identifier once made;
// receipts added later for the same (PSP, institution, day) revise it with a later dataOraFlusso,
// as a PSP may overwrite a flow until D+4 (pagopa-notes.md §1.2). The progressive counts flows per
// PSP from 1. Precondition: idPSP is 1..17 characters of [A-Za-z0-9_-] (the identifier stays within
// the 35 characters of stIdentificativoFlusso).
class FdrLedger {
 public:
  void Add(DeliveredReceipt receipt);
  std::vector<DeliveredReceipt> Receipts() const;

  // Flows in order of identifier; an empty filter matches everything.
  std::vector<FlowSummary> ListFlows(std::string_view fiscal_code = {},
                                     std::string_view id_psp = {}) const;
  // The FlussoRiversamento 1.0.4 XML of a flow, or nullopt if there is no such flow.
  std::optional<std::string> FlowXml(std::string_view flow_id) const;

 private:
  struct Payment {
    std::string iuv;
    std::string iur;
    int index = 1;
    std::int64_t amount_cents = 0;
  };
  struct Flow {
    FlowSummary summary;
    std::string psp_company_name;
    std::string receiver_name;
    std::vector<Payment> payments;
  };
  using Key = std::tuple<std::string, std::string, Date>;  // (idPSP, fiscal code, day)

  std::string BuildXml(const Flow& flow) const;

  mutable std::mutex mu_;
  std::vector<DeliveredReceipt> receipts_;
  std::map<Key, Flow> flows_;
  std::map<std::string, Key> by_id_;
  std::map<std::string, int> next_progressive_;  // per idPSP
};

}  // namespace incasso::nodesim
