#include "web/i18n.hpp"

#include <fmt/format.h>

#include <stdexcept>
#include <vector>

#include "web/embedded.hpp"

namespace incasso::web {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

Value Parse(std::string_view name, std::string_view text) {
  Value out;
  int line_no = 0;
  while (!text.empty()) {
    std::size_t nl = text.find('\n');
    std::string_view line = Trim(text.substr(0, nl));
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++line_no;
    if (line.empty() || line.front() == '#') continue;
    std::size_t eq = line.find('=');
    if (eq == std::string_view::npos || Trim(line.substr(0, eq)).empty()) {
      throw std::runtime_error(
          fmt::format("web/i18n/{}.txt line {}: expected key = text", name, line_no));
    }
    out[Trim(line.substr(0, eq))] = std::string(Trim(line.substr(eq + 1)));
  }
  return out;
}

}  // namespace

Catalogs::Catalogs() {
  for (const EmbeddedText& c : EmbeddedCatalogs())
    by_lang_[std::string(c.name)] = Parse(c.name, c.text);
  auto it = by_lang_.find(kDefaultLanguage);
  if (it == by_lang_.end()) throw std::runtime_error("web/i18n/it.txt is missing");
  for (auto& [lang, messages] : by_lang_) {
    if (lang == kDefaultLanguage) continue;
    for (const auto& [key, text] : it->second.object()) {
      if (messages.Find(key) == nullptr) messages[key] = text;
    }
  }
}

bool Catalogs::Has(std::string_view lang) const { return by_lang_.find(lang) != by_lang_.end(); }

const Value& Catalogs::Messages(std::string_view lang) const {
  auto it = by_lang_.find(lang);
  if (it == by_lang_.end()) it = by_lang_.find(kDefaultLanguage);
  return it->second;
}

std::string Catalogs::Text(std::string_view lang, std::string_view key) const {
  const Value* v = Messages(lang).Find(key);
  return v != nullptr ? v->str() : std::string(key);
}

std::string ChooseLanguage(const Catalogs& catalogs, std::string_view cookie_lang,
                           std::string_view accept_language) {
  if (!cookie_lang.empty() && catalogs.Has(cookie_lang)) return std::string(cookie_lang);
  // "en-GB,en;q=0.9,it;q=0.8": best q wins, ties by order.
  std::string best;
  int best_q = -1;
  while (!accept_language.empty()) {
    std::size_t comma = accept_language.find(',');
    std::string_view item = Trim(accept_language.substr(0, comma));
    accept_language =
        comma == std::string_view::npos ? std::string_view() : accept_language.substr(comma + 1);
    std::string_view tag = Trim(item.substr(0, item.find(';')));
    int q = 1000;
    if (std::size_t qpos = item.find(";q="); qpos != std::string_view::npos) {
      std::string_view qs = Trim(item.substr(qpos + 3));
      // "0.8" -> 800, "1" -> 1000; anything odd counts as 0.
      q = 0;
      if (!qs.empty() && qs.front() == '1') q = 1000;
      if (qs.size() >= 3 && qs[0] == '0' && qs[1] == '.') {
        int scale = 100;
        for (std::size_t i = 2; i < qs.size() && i < 5 && qs[i] >= '0' && qs[i] <= '9'; ++i) {
          q += (qs[i] - '0') * scale;
          scale /= 10;
        }
      }
    }
    std::string primary(tag.substr(0, tag.find('-')));
    for (char& c : primary) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (q > best_q && q > 0 && catalogs.Has(primary)) {
      best = primary;
      best_q = q;
    }
  }
  return best.empty() ? std::string(kDefaultLanguage) : best;
}

}  // namespace incasso::web
