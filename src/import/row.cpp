#include "import/row.hpp"

namespace incasso::import {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

}  // namespace

std::optional<std::string_view> Record::Find(std::string_view name) const {
  const std::string_view wanted = Trim(name);
  for (std::size_t i = 0; i < header_->size(); ++i) {
    if (EqualsIgnoreCase(Trim((*header_)[i]), wanted)) {
      if (i < cells_.size()) return std::string_view(cells_[i]);
      return std::string_view();
    }
  }
  return std::nullopt;
}

std::string_view Record::Get(std::string_view name) const { return Find(name).value_or(""); }

}  // namespace incasso::import
