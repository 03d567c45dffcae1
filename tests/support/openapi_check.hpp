// Test support: checks JSON responses against the response schemas of an OpenAPI 3 document
// (e.g. pagoPA's gpd.json). Hand-rolled and deliberately partial: $ref, type (string, integer,
// number, boolean, array, object), required, properties, items, enum, maxLength, minimum, maximum,
// and format date-time. Unknown keywords are ignored; extra properties are allowed unless the
// schema says additionalProperties: false.
#pragma once

#include <boost/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace incasso::testing {

class OpenApiSpec {
 public:
  // Loads the document; throws std::runtime_error if it cannot be read or parsed.
  explicit OpenApiSpec(const std::string& path);

  // Problems found in `body` (empty when it conforms) against the application/json schema of the
  // `status` response of `method` (lower or upper case) on `path_template`, a key of "paths" such
  // as "/organizations/{organizationfiscalcode}/debtpositions". An undocumented operation or
  // status is itself a problem.
  std::vector<std::string> CheckResponse(std::string_view method, std::string_view path_template,
                                         int status, std::string_view body) const;

 private:
  const boost::json::value& Resolve(const boost::json::value& schema) const;
  void Check(const boost::json::value& schema, const boost::json::value& value,
             const std::string& where, std::vector<std::string>& problems, int depth) const;

  boost::json::value doc_;
};

}  // namespace incasso::testing
