// What src/web/CMakeLists.txt embeds into the binary at build time.
#pragma once

#include <string_view>
#include <vector>

namespace incasso::web {

struct EmbeddedText {
  std::string_view name;  // file stem: "layout" for web/templates/layout.html, "it" for it.txt
  std::string_view text;
};

struct EmbeddedAsset {
  std::string_view name;          // "bootstrap-italia.min.css"
  std::string_view content_type;  // "text/css; charset=utf-8"
  bool hashed;                    // served under a content-hashed name ("name.<hash>.css")
  std::string_view hash;          // first 16 hex digits of the SHA-256 of the content
  std::string_view data;
  std::string_view gzip;  // gzip -9 of data, or empty
};

const std::vector<EmbeddedText>& EmbeddedTemplates();
const std::vector<EmbeddedText>& EmbeddedCatalogs();
const std::vector<EmbeddedAsset>& EmbeddedAssets();

}  // namespace incasso::web
