#include "tests/support/openapi_check.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "core/time.hpp"

namespace incasso::testing {
namespace {

namespace json = boost::json;

const json::value* Member(const json::value& v, std::string_view key) {
  if (!v.is_object()) return nullptr;
  return v.as_object().if_contains(key);
}

std::string Describe(const json::value& v) { return json::serialize(v).substr(0, 80); }

// Counts UTF-8 code points, as JSON Schema's maxLength does.
std::size_t CodePoints(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

}  // namespace

OpenApiSpec::OpenApiSpec(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read OpenAPI document " + path);
  std::stringstream text;
  text << in.rdbuf();
  boost::system::error_code ec;
  doc_ = json::parse(text.str(), ec);
  if (ec) throw std::runtime_error("OpenAPI document " + path + " is not JSON: " + ec.message());
}

const json::value& OpenApiSpec::Resolve(const json::value& schema) const {
  const json::value* current = &schema;
  for (int hops = 0; hops < 16; ++hops) {
    const json::value* ref = Member(*current, "$ref");
    if (ref == nullptr || !ref->is_string()) return *current;
    std::string_view pointer = ref->as_string();
    if (pointer.empty() || pointer.front() != '#') {
      throw std::runtime_error("only local $ref are supported: " + std::string(pointer));
    }
    pointer.remove_prefix(1);
    current = &doc_.at_pointer(pointer);  // throws for a dangling reference
  }
  throw std::runtime_error("$ref chain too long");
}

std::vector<std::string> OpenApiSpec::CheckResponse(std::string_view method,
                                                    std::string_view path_template, int status,
                                                    std::string_view body) const {
  std::vector<std::string> problems;
  std::string verb(method);
  std::transform(verb.begin(), verb.end(), verb.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const json::value* paths = Member(doc_, "paths");
  const json::value* item = paths ? Member(*paths, path_template) : nullptr;
  const json::value* op = item ? Member(*item, verb) : nullptr;
  if (op == nullptr) {
    problems.push_back(verb + " " + std::string(path_template) + " is not documented");
    return problems;
  }
  const json::value* responses = Member(*op, "responses");
  const json::value* response = responses ? Member(*responses, std::to_string(status)) : nullptr;
  if (response == nullptr) {
    problems.push_back("status " + std::to_string(status) + " is not documented for " + verb + " " +
                       std::string(path_template));
    return problems;
  }
  const json::value* content = Member(Resolve(*response), "content");
  const json::value* media = content ? Member(*content, "application/json") : nullptr;
  const json::value* schema = media ? Member(*media, "schema") : nullptr;
  if (schema == nullptr) return problems;  // no documented body
  boost::system::error_code ec;
  json::value value = json::parse(body, ec);
  if (ec) {
    problems.push_back("body is not JSON: " + ec.message());
    return problems;
  }
  Check(*schema, value, "$", problems, 0);
  return problems;
}

void OpenApiSpec::Check(const json::value& raw_schema, const json::value& value,
                        const std::string& where, std::vector<std::string>& problems,
                        int depth) const {
  if (depth > 32) {
    problems.push_back(where + ": schema nesting too deep");
    return;
  }
  const json::value& schema = Resolve(raw_schema);
  if (const json::value* all = Member(schema, "allOf"); all && all->is_array()) {
    for (const auto& part : all->as_array()) Check(part, value, where, problems, depth + 1);
  }
  if (const json::value* e = Member(schema, "enum"); e && e->is_array()) {
    const auto& options = e->as_array();
    if (std::find(options.begin(), options.end(), value) == options.end()) {
      problems.push_back(where + ": " + Describe(value) + " is not one of " + Describe(*e));
    }
  }
  const json::value* type = Member(schema, "type");
  std::string_view t = (type && type->is_string()) ? std::string_view(type->as_string()) : "";
  if (t == "string") {
    if (!value.is_string()) {
      problems.push_back(where + ": expected a string, got " + Describe(value));
      return;
    }
    std::string_view s = value.as_string();
    if (const json::value* max = Member(schema, "maxLength"); max && max->is_number()) {
      if (CodePoints(s) > max->to_number<std::size_t>()) {
        problems.push_back(where + ": longer than maxLength " + Describe(*max));
      }
    }
    if (const json::value* format = Member(schema, "format");
        format && format->is_string() && format->as_string() == "date-time") {
      if (!ParseDateTime(s).ok())
        problems.push_back(where + ": not a date-time: " + Describe(value));
    }
  } else if (t == "integer" || t == "number") {
    if (t == "integer" ? !(value.is_int64() || value.is_uint64()) : !value.is_number()) {
      problems.push_back(where + ": expected " + std::string(t) + ", got " + Describe(value));
      return;
    }
    const double n = value.to_number<double>();
    if (const json::value* min = Member(schema, "minimum"); min && min->is_number()) {
      if (n < min->to_number<double>()) problems.push_back(where + ": below minimum");
    }
    if (const json::value* max = Member(schema, "maximum"); max && max->is_number()) {
      if (n > max->to_number<double>()) problems.push_back(where + ": above maximum");
    }
  } else if (t == "boolean") {
    if (!value.is_bool())
      problems.push_back(where + ": expected a boolean, got " + Describe(value));
  } else if (t == "array") {
    if (!value.is_array()) {
      problems.push_back(where + ": expected an array, got " + Describe(value));
      return;
    }
    if (const json::value* items = Member(schema, "items")) {
      const auto& arr = value.as_array();
      for (std::size_t i = 0; i < arr.size(); ++i) {
        Check(*items, arr[i], where + "[" + std::to_string(i) + "]", problems, depth + 1);
      }
    }
  } else if (t == "object" || Member(schema, "properties") != nullptr) {
    if (!value.is_object()) {
      problems.push_back(where + ": expected an object, got " + Describe(value));
      return;
    }
    const auto& obj = value.as_object();
    if (const json::value* required = Member(schema, "required");
        required && required->is_array()) {
      for (const auto& name : required->as_array()) {
        if (name.is_string() && !obj.contains(name.as_string())) {
          problems.push_back(where + ": missing required property " + Describe(name));
        }
      }
    }
    const json::value* props = Member(schema, "properties");
    const json::value* additional = Member(schema, "additionalProperties");
    for (const auto& kv : obj) {
      const json::value* prop = props ? Member(*props, kv.key()) : nullptr;
      std::string at = where + "." + std::string(kv.key());
      if (prop != nullptr) {
        Check(*prop, kv.value(), at, problems, depth + 1);
      } else if (additional && additional->is_bool() && !additional->as_bool()) {
        problems.push_back(at + ": property not allowed");
      } else if (additional && additional->is_object()) {
        Check(*additional, kv.value(), at, problems, depth + 1);
      }
    }
  }
}

}  // namespace incasso::testing
