// The portal's languages: Italian (default) and English message catalogs (web/i18n/*.txt, "key =
// text" lines, '#' comments), embedded at build time.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "web/template.hpp"

namespace incasso::web {

inline constexpr std::string_view kDefaultLanguage = "it";

// Parsed catalogs, one per language, each a template Value (an object: key -> text) so pages can
// say {{t.key}}. Every language has every key of the Italian catalog (missing keys fall back to
// Italian). Thread-safe after construction.
class Catalogs {
 public:
  Catalogs();  // parses the embedded catalogs; throws std::runtime_error on a malformed line
  bool Has(std::string_view lang) const;
  const Value& Messages(std::string_view lang) const;  // the default language's when unknown
  // The text of `key` in `lang`; the key itself if absent everywhere.
  std::string Text(std::string_view lang, std::string_view key) const;

 private:
  std::map<std::string, Value, std::less<>> by_lang_;
};

// The language to answer in: the `lang` cookie when it names a catalog, else the first language
// of Accept-Language (by q, then order) that has a catalog, else Italian.
std::string ChooseLanguage(const Catalogs& catalogs, std::string_view cookie_lang,
                           std::string_view accept_language);

}  // namespace incasso::web
