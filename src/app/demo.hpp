// The demo region loaded by `incasso serve --demo`: one intermediary with one station, three
// institutions (a small municipality, a university, a local health agency) with IBANs, services
// and about 50 debt positions in various states, instalment plans included. Fictional data with
// valid check digits (fiscal codes, IBANs, notice numbers).
#pragma once

#include "app/context.hpp"

namespace incasso {

struct DemoSummary {
  int entities = 0;
  int services = 0;
  int positions = 0;
  bool loaded = false;  // false when the database already had entities (nothing was touched)
};

// Loads the demo region if the database holds no entity yet. Dates are relative to ctx.clock.
Result<DemoSummary> LoadDemoRegion(AppContext& ctx);

}  // namespace incasso
