// Test support: institutions registered through the real use case, for the integration suites.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "app/context.hpp"
#include "app/entities.hpp"

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

}  // namespace incasso::testing
