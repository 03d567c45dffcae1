// Test support: checks HTTP requests and responses against an OpenAPI 3.0 document (pagoPA's
// gpd.json, incasso's openapi/incasso-v1.json). Hand-rolled and deliberately partial. Schemas:
// $ref (local), type, nullable, enum, required, properties, additionalProperties (false or a
// schema), items, minItems/maxItems, minLength/maxLength, pattern, minimum/maximum, allOf,
// oneOf (exactly one), anyOf, and formats date-time, date, int32. Unknown keywords are ignored.
// Parameters: path, query and header ones, required or not, checked against their schemas from
// the text a client sends; a query parameter the operation does not document is a problem.
#pragma once

#include <boost/json.hpp>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace incasso::testing {

class OpenApiSpec {
 public:
  // Loads the document; throws std::runtime_error if it cannot be read or parsed.
  explicit OpenApiSpec(const std::string& path);
  // Parses the document from text (e.g. the copy a server embeds).
  static OpenApiSpec FromText(std::string_view text);

  // The key of "paths" that `path` (without the server's base path, e.g. "/organizations/1/x")
  // matches, preferring literal segments; nullopt when none does. Segments may be "{p}" or
  // "{p}.ext".
  std::optional<std::string> MatchPath(std::string_view path) const;

  // Problems found in a response (empty when it conforms): the `status` response of `method`
  // (any case) on `path_template` must be documented, and `body` must match the schema of its
  // `content_type` (parameters ignored; "" = application/json). A problem+json body is checked
  // against application/json when only that is documented (as gpd.json does).
  std::vector<std::string> CheckResponse(std::string_view method, std::string_view path_template,
                                         int status, std::string_view body,
                                         std::string_view content_type = "") const;

  struct RequestParts {
    std::map<std::string, std::string> path_params;
    std::map<std::string, std::string> query;  // decoded
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    std::string content_type = "application/json";
  };
  // Problems found in a request to `method` on `path_template`: every required parameter present,
  // every given path/query/header parameter valid, no undocumented query parameter, and the body
  // (required or not, JSON schema) as documented.
  std::vector<std::string> CheckRequest(std::string_view method, std::string_view path_template,
                                        const RequestParts& request) const;

  // Problems of `value` against `schema` (for tests of the checker itself).
  std::vector<std::string> CheckValue(const boost::json::value& schema,
                                      const boost::json::value& value) const;

 private:
  OpenApiSpec() = default;
  const boost::json::value& Resolve(const boost::json::value& schema) const;
  const boost::json::value* Operation(std::string_view method, std::string_view path_template,
                                      std::vector<std::string>& problems) const;
  void Check(const boost::json::value& schema, const boost::json::value& value,
             const std::string& where, std::vector<std::string>& problems, int depth) const;
  void CheckParameter(const boost::json::value& schema, std::string_view text,
                      const std::string& where, std::vector<std::string>& problems) const;

  boost::json::value doc_;
};

}  // namespace incasso::testing
