// Test support: institutions registered through the real use case, and valid debt positions, for
// the integration suites.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "app/context.hpp"
#include "app/entities.hpp"
#include "core/clock.hpp"
#include "domain/position.hpp"

namespace incasso::testing {

// A valid institution "Ente <slug>" with this fiscal code and segregation code.
inline Entity TestEntity(const std::string& fiscal_code, const std::string& slug,
                         const std::string& segregation_code) {
  Entity e;
  e.fiscal_code = fiscal_code;
  e.name = "Ente " + slug;
  e.slug = slug;
  e.segregation_code = segregation_code;
  return e;
}

// Registers `e` with AddEntity; a refusal fails the current test and returns `e` as given.
inline Entity AddTestEntity(AppContext& ctx, const Entity& e) {
  auto created = AddEntity(ctx, Caller{}, e);
  EXPECT_TRUE(created.ok()) << created.error().ToText();
  return created.ok() ? *created : e;
}

// A valid position `iupd` of debtor Mario Rossi (RSSMRA85T10A562S) for company "Comune": one
// option of `cents` ("Mensa", due `due`) with one transfer of `cents` to
// IT67V0542404200000000123456 (remittance "Mensa", category 9/0201133SE/). Tests change the fields
// they care about.
inline DebtPosition TestPosition(const std::string& iupd, TimePoint due,
                                 std::int64_t cents = 2500) {
  DebtPosition p;
  p.iupd = iupd;
  p.debtor.fiscal_code = "RSSMRA85T10A562S";
  p.debtor.full_name = "Mario Rossi";
  p.company_name = "Comune";
  PaymentOption o;
  o.amount = cents;
  o.description = "Mensa";
  o.due_date = due;
  Transfer t;
  t.amount = cents;
  t.iban = "IT67V0542404200000000123456";
  t.remittance_information = "Mensa";
  t.category = "9/0201133SE/";
  o.transfers.push_back(t);
  p.options.push_back(o);
  return p;
}

}  // namespace incasso::testing
