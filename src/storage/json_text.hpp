// Internal to storage/: the minimal JSON needed for the small documents storage/ writes into TEXT
// columns (metadata lists, receipt debtor/payer/transfers). Not a general JSON library: numbers
// are int64 only.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.hpp"

namespace incasso::storage::json {

// The JSON string literal for `s` (UTF-8 passed through; quotes, backslashes and control
// characters escaped).
std::string Quote(std::string_view s);

struct Value {
  enum class Kind { kNull, kBool, kInt, kString, kArray, kObject };
  Kind kind = Kind::kNull;
  bool boolean = false;
  std::int64_t integer = 0;
  std::string string;
  std::vector<Value> items;                            // kArray
  std::vector<std::pair<std::string, Value>> members;  // kObject, in document order

  // The member named `key` of an object, or nullptr.
  const Value* Find(std::string_view key) const;
  // Member accessors with defaults for absent or mistyped members.
  std::string String(std::string_view key) const;
  std::int64_t Int(std::string_view key, std::int64_t fallback = 0) const;
  bool Bool(std::string_view key, bool fallback = false) const;
};

// Parses a whole document. kInternal on malformed text (it came from our own database).
Result<Value> Parse(std::string_view text);

}  // namespace incasso::storage::json
