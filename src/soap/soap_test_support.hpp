// Helpers shared by the soap tests: golden files and schema validation with xmllint.
#pragma once

#include <gtest/gtest.h>

#include <string>

namespace incasso::soap::testing {

// Contents of tests/golden/soap/<name>; fails the test if it cannot be read.
std::string Golden(const std::string& name);
std::string GoldenDir();

// Validates `xml` with `xmllint --noout --schema <spec>/pagopa-api/soap-paForNode.xsd`. Fails
// (never skips) when xmllint or the spec directory is missing.
::testing::AssertionResult SchemaValid(const std::string& xml);

}  // namespace incasso::soap::testing
