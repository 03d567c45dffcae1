#include "tests/support/openapi_check.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <regex>
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

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::vector<std::string_view> Segments(std::string_view path) {
  std::vector<std::string_view> out;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  for (;;) {
    const std::size_t slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

bool IsInteger(std::string_view s) {
  if (!s.empty() && s.front() == '-') s.remove_prefix(1);
  return !s.empty() && s.size() <= 18 &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
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

OpenApiSpec OpenApiSpec::FromText(std::string_view text) {
  OpenApiSpec spec;
  boost::system::error_code ec;
  spec.doc_ = json::parse(json::string_view(text.data(), text.size()), ec);
  if (ec) throw std::runtime_error("OpenAPI document is not JSON: " + ec.message());
  return spec;
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

std::optional<std::string> OpenApiSpec::MatchPath(std::string_view path) const {
  const json::value* paths = Member(doc_, "paths");
  if (paths == nullptr || !paths->is_object()) return std::nullopt;
  const auto given = Segments(path);
  std::optional<std::string> best;
  int best_score = -1;
  for (const auto& kv : paths->as_object()) {
    const auto pattern = Segments(kv.key());
    if (pattern.size() != given.size()) continue;
    int score = 0;
    bool match = true;
    for (std::size_t i = 0; i < given.size() && match; ++i) {
      std::string_view p = pattern[i];
      if (!p.empty() && p.front() == '{') {
        const std::size_t close = p.find('}');
        std::string_view suffix = p.substr(close + 1);
        match = given[i].size() > suffix.size() &&
                given[i].substr(given[i].size() - suffix.size()) == suffix;
        score += suffix.empty() ? 0 : 1;
      } else {
        match = p == given[i];
        score += 2;
      }
    }
    if (match && score > best_score) {
      best_score = score;
      best = std::string(kv.key());
    }
  }
  return best;
}

const json::value* OpenApiSpec::Operation(std::string_view method, std::string_view path_template,
                                          std::vector<std::string>& problems) const {
  const std::string verb = Lower(method);
  const json::value* paths = Member(doc_, "paths");
  const json::value* item = paths ? Member(*paths, path_template) : nullptr;
  const json::value* op = item ? Member(*item, verb) : nullptr;
  if (op == nullptr) {
    problems.push_back(verb + " " + std::string(path_template) + " is not documented");
  }
  return op;
}

std::vector<std::string> OpenApiSpec::CheckResponse(std::string_view method,
                                                    std::string_view path_template, int status,
                                                    std::string_view body,
                                                    std::string_view content_type) const {
  std::vector<std::string> problems;
  const json::value* op = Operation(method, path_template, problems);
  if (op == nullptr) return problems;
  const std::string verb = Lower(method);
  const json::value* responses = Member(*op, "responses");
  const json::value* response = responses ? Member(*responses, std::to_string(status)) : nullptr;
  if (response == nullptr && responses) response = Member(*responses, "default");
  if (response == nullptr) {
    problems.push_back("status " + std::to_string(status) + " is not documented for " + verb + " " +
                       std::string(path_template));
    return problems;
  }
  const json::value* content = Member(Resolve(*response), "content");
  if (content == nullptr) return problems;  // no documented body
  std::string media = Lower(content_type.substr(0, content_type.find(';')));
  while (!media.empty() && media.back() == ' ') media.pop_back();
  if (media.empty()) media = "application/json";
  const json::value* entry = Member(*content, media);
  if (entry == nullptr && media == "application/problem+json") {
    entry = Member(*content, "application/json");
  }
  if (entry == nullptr) {
    problems.push_back("content type " + media + " is not documented for status " +
                       std::to_string(status) + " of " + verb + " " + std::string(path_template));
    return problems;
  }
  const json::value* schema = Member(*entry, "schema");
  const bool is_json = media == "application/json" || media == "application/problem+json";
  if (schema == nullptr || !is_json) return problems;
  boost::system::error_code ec;
  json::value value = json::parse(json::string_view(body.data(), body.size()), ec);
  if (ec) {
    problems.push_back("body is not JSON: " + ec.message());
    return problems;
  }
  Check(*schema, value, "$", problems, 0);
  return problems;
}

std::vector<std::string> OpenApiSpec::CheckRequest(std::string_view method,
                                                   std::string_view path_template,
                                                   const RequestParts& request) const {
  std::vector<std::string> problems;
  const json::value* op = Operation(method, path_template, problems);
  if (op == nullptr) return problems;
  // Path-item parameters, then the operation's (which override by name and location).
  std::map<std::pair<std::string, std::string>, const json::value*> params;
  auto collect = [&](const json::value* list) {
    if (list == nullptr || !list->is_array()) return;
    for (const auto& raw : list->as_array()) {
      const json::value& p = Resolve(raw);
      const json::value* name = Member(p, "name");
      const json::value* in = Member(p, "in");
      if (name && in && name->is_string() && in->is_string()) {
        params[{std::string(in->as_string()), Lower(name->as_string())}] = &p;
      }
    }
  };
  const json::value* item = Member(*Member(doc_, "paths"), path_template);
  collect(Member(*item, "parameters"));
  collect(Member(*op, "parameters"));

  for (const auto& [where, p] : params) {
    const auto& [in, lower_name] = where;
    const std::string name(Member(*p, "name")->as_string());
    std::optional<std::string> given;
    if (in == "path") {
      for (const auto& [k, v] : request.path_params) {
        if (Lower(k) == lower_name) given = v;
      }
    } else if (in == "query") {
      auto it = request.query.find(name);
      if (it != request.query.end()) given = it->second;
    } else if (in == "header") {
      for (const auto& [k, v] : request.headers) {
        if (Lower(k) == lower_name) given = v;
      }
    } else {
      continue;
    }
    const json::value* required = Member(*p, "required");
    if (!given) {
      if (required && required->is_bool() && required->as_bool()) {
        problems.push_back(in + " parameter " + name + " is required");
      }
      continue;
    }
    if (const json::value* schema = Member(*p, "schema")) {
      CheckParameter(*schema, *given, in + " parameter " + name, problems);
    }
  }
  for (const auto& [k, v] : request.query) {
    if (!params.count({"query", Lower(k)})) {
      problems.push_back("query parameter " + k + " is not documented");
    }
  }

  const json::value* body = Member(*op, "requestBody");
  if (body == nullptr) {
    if (!request.body.empty()) problems.push_back("the operation takes no request body");
    return problems;
  }
  const json::value& resolved = Resolve(*body);
  const json::value* required = Member(resolved, "required");
  if (request.body.empty()) {
    if (required && required->is_bool() && required->as_bool()) {
      problems.push_back("the request body is required");
    }
    return problems;
  }
  const json::value* content = Member(resolved, "content");
  std::string media = Lower(request.content_type.substr(0, request.content_type.find(';')));
  const json::value* entry = content ? Member(*content, media) : nullptr;
  if (entry == nullptr) {
    problems.push_back("request content type " + media + " is not documented");
    return problems;
  }
  const json::value* schema = Member(*entry, "schema");
  if (schema == nullptr || media != "application/json") return problems;
  boost::system::error_code ec;
  json::value value = json::parse(request.body, ec);
  if (ec) {
    problems.push_back("request body is not JSON: " + ec.message());
    return problems;
  }
  Check(*schema, value, "request$", problems, 0);
  return problems;
}

std::vector<std::string> OpenApiSpec::CheckValue(const json::value& schema,
                                                 const json::value& value) const {
  std::vector<std::string> problems;
  Check(schema, value, "$", problems, 0);
  return problems;
}

// A parameter arrives as text: read it as the schema's type, then check the value.
void OpenApiSpec::CheckParameter(const json::value& raw_schema, std::string_view text,
                                 const std::string& where,
                                 std::vector<std::string>& problems) const {
  const json::value& schema = Resolve(raw_schema);
  const json::value* type = Member(schema, "type");
  std::string_view t = (type && type->is_string()) ? std::string_view(type->as_string()) : "";
  json::value value;
  if (t == "integer") {
    if (!IsInteger(text)) {
      problems.push_back(where + ": not an integer: " + std::string(text.substr(0, 40)));
      return;
    }
    value = std::stoll(std::string(text));
  } else if (t == "number") {
    boost::system::error_code ec;
    value = json::parse(json::string_view(text.data(), text.size()), ec);
    if (ec || !value.is_number()) {
      problems.push_back(where + ": not a number");
      return;
    }
  } else if (t == "boolean") {
    if (text != "true" && text != "false") {
      problems.push_back(where + ": not true or false");
      return;
    }
    value = text == "true";
  } else {
    value = json::string(text.data(), text.size());
  }
  Check(schema, value, where, problems, 0);
}

void OpenApiSpec::Check(const json::value& raw_schema, const json::value& value,
                        const std::string& where, std::vector<std::string>& problems,
                        int depth) const {
  if (depth > 32) {
    problems.push_back(where + ": schema nesting too deep");
    return;
  }
  const json::value& schema = Resolve(raw_schema);
  if (value.is_null()) {
    const json::value* nullable = Member(schema, "nullable");
    if (nullable && nullable->is_bool() && nullable->as_bool()) return;
  }
  if (const json::value* all = Member(schema, "allOf"); all && all->is_array()) {
    for (const auto& part : all->as_array()) Check(part, value, where, problems, depth + 1);
  }
  if (const json::value* one = Member(schema, "oneOf"); one && one->is_array()) {
    int matches = 0;
    for (const auto& part : one->as_array()) {
      std::vector<std::string> sub;
      Check(part, value, where, sub, depth + 1);
      matches += sub.empty() ? 1 : 0;
    }
    if (matches != 1) {
      problems.push_back(where + ": matches " + std::to_string(matches) +
                         " of the oneOf schemas, not exactly one");
    }
  }
  if (const json::value* any = Member(schema, "anyOf"); any && any->is_array()) {
    bool matched = false;
    for (const auto& part : any->as_array()) {
      std::vector<std::string> sub;
      Check(part, value, where, sub, depth + 1);
      matched = matched || sub.empty();
    }
    if (!matched) problems.push_back(where + ": matches none of the anyOf schemas");
  }
  if (const json::value* e = Member(schema, "enum"); e && e->is_array()) {
    const auto& options = e->as_array();
    if (std::find(options.begin(), options.end(), value) == options.end()) {
      problems.push_back(where + ": " + Describe(value) + " is not one of " + Describe(*e));
    }
  }
  const json::value* type = Member(schema, "type");
  std::string_view t = (type && type->is_string()) ? std::string_view(type->as_string()) : "";
  const json::value* format = Member(schema, "format");
  std::string_view f = (format && format->is_string()) ? std::string_view(format->as_string()) : "";
  if (value.is_null() && !t.empty()) {
    problems.push_back(where + ": null where " + std::string(t) + " is expected (not nullable)");
    return;
  }
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
    if (const json::value* min = Member(schema, "minLength"); min && min->is_number()) {
      if (CodePoints(s) < min->to_number<std::size_t>()) {
        problems.push_back(where + ": shorter than minLength " + Describe(*min));
      }
    }
    if (const json::value* pattern = Member(schema, "pattern"); pattern && pattern->is_string()) {
      // OpenAPI patterns are ECMA-262 and unanchored.
      const std::regex re(std::string(pattern->as_string()), std::regex::ECMAScript);
      if (!std::regex_search(std::string(s), re)) {
        problems.push_back(where + ": does not match pattern " + Describe(*pattern));
      }
    }
    if (f == "date-time" && !ParseDateTime(s).ok()) {
      problems.push_back(where + ": not a date-time: " + Describe(value));
    }
    if (f == "date" && (s.size() != 10 || !ParseDate(s).ok())) {
      problems.push_back(where + ": not a date: " + Describe(value));
    }
  } else if (t == "integer" || t == "number") {
    if (t == "integer" ? !(value.is_int64() || value.is_uint64()) : !value.is_number()) {
      problems.push_back(where + ": expected " + std::string(t) + ", got " + Describe(value));
      return;
    }
    const double n = value.to_number<double>();
    if (f == "int32" && (n < -2147483648.0 || n > 2147483647.0)) {
      problems.push_back(where + ": outside int32");
    }
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
    const auto& arr = value.as_array();
    if (const json::value* min = Member(schema, "minItems"); min && min->is_number()) {
      if (arr.size() < min->to_number<std::size_t>()) problems.push_back(where + ": too few items");
    }
    if (const json::value* max = Member(schema, "maxItems"); max && max->is_number()) {
      if (arr.size() > max->to_number<std::size_t>())
        problems.push_back(where + ": too many items");
    }
    if (const json::value* items = Member(schema, "items")) {
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
