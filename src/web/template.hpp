// A small mustache-like template engine for the portal's server-rendered pages.
//
// Syntax (a subset of mustache, https://mustache.github.io/mustache.5.html):
//   {{name}}       the value, HTML-escaped (& < > " ')   {{{name}}} / {{&name}}  unescaped
//   {{#name}}..{{/name}}  section: once per list item, once for a truthy value (true, a non-empty
//                         string or object), never for false/empty/missing
//   {{^name}}..{{/name}}  inverted section: only when the value is falsy or missing
//   {{>partial}}          another template of the same TemplateSet, in the current context
//   {{!comment}}          nothing
// Names are looked up from the innermost context outwards; "a.b" walks objects; "." is the
// current item. A missing name renders as nothing (mustache's rule), never as an error.
// Templates are compiled once (syntax errors are values naming the template and line); rendering
// is then a pure, thread-safe function of the data.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace incasso::web {

// The data a template is rendered with: a string, a boolean, a list or an object.
class Value {
 public:
  enum class Kind { kNull, kString, kBool, kList, kObject };
  using Object = std::map<std::string, Value, std::less<>>;
  using List = std::vector<Value>;

  Value() = default;
  Value(std::string s) : kind_(Kind::kString), str_(std::move(s)) {}  // NOLINT
  Value(const char* s) : kind_(Kind::kString), str_(s) {}             // NOLINT
  Value(bool b) : kind_(Kind::kBool), bool_(b) {}                     // NOLINT
  Value(List l) : kind_(Kind::kList), list_(std::move(l)) {}          // NOLINT
  Value(Object o) : kind_(Kind::kObject), obj_(std::move(o)) {}       // NOLINT

  Kind kind() const { return kind_; }
  const std::string& str() const { return str_; }
  bool boolean() const { return bool_; }
  const List& list() const { return list_; }
  const Object& object() const { return obj_; }
  // Object member access for building data; turns a null Value into an object.
  Value& operator[](std::string_view key);
  // Appends to a list; turns a null Value into a list.
  void push_back(Value v);
  // Falsy: null, false, "", an empty list.
  bool Truthy() const;
  // Member `key` of an object, or nullptr.
  const Value* Find(std::string_view key) const;

 private:
  Kind kind_ = Kind::kNull;
  std::string str_;
  bool bool_ = false;
  List list_;
  Object obj_;
};

class TemplateSet {
 public:
  TemplateSet();
  ~TemplateSet();
  TemplateSet(TemplateSet&&) noexcept;
  TemplateSet& operator=(TemplateSet&&) noexcept;

  // Compiles `source` as template `name` (replacing one of that name). InvalidArgument naming the
  // template and line for an unclosed or mismatched section or an unterminated tag. Partials are
  // resolved at render time, so templates may be added in any order.
  Status Add(std::string name, std::string_view source);

  // Renders template `name` with `data`. NotFound for an unknown template; a missing partial
  // renders as nothing. Partials nest at most 32 deep (a recursive partial stops there).
  Result<std::string> Render(std::string_view name, const Value& data) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace incasso::web
