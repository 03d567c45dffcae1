#include "render/fonts.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace incasso::render {
namespace {

constexpr const char* kTitillium = "Titillium Web";
constexpr const char* kFallback = "DejaVu Sans";

bool WriteFile(const std::string& path, std::string_view bytes) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return false;
  const bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  return std::fclose(f) == 0 && ok;
}

// True if fontconfig resolves `family` to itself (not to a substitute).
bool HasFamily(FcConfig* config, const char* family) {
  FcPattern* pattern = FcPatternCreate();
  FcPatternAddString(pattern, FC_FAMILY, reinterpret_cast<const FcChar8*>(family));
  FcObjectSet* objects = FcObjectSetBuild(FC_FAMILY, nullptr);
  FcFontSet* set = FcFontList(config, pattern, objects);
  const bool found = set != nullptr && set->nfont > 0;
  if (set != nullptr) FcFontSetDestroy(set);
  FcObjectSetDestroy(objects);
  FcPatternDestroy(pattern);
  return found;
}

}  // namespace

FontSetup::FontSetup(bool use_embedded) : config_(FcInitLoadConfigAndFonts()), family_(kFallback) {
  if (config_ == nullptr || !use_embedded || EmbeddedFonts().empty()) return;
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern =
      std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/incasso-fonts-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) return;
  dir_ = pattern;
  bool all = true;
  for (const auto& font : EmbeddedFonts()) {
    std::string path = dir_ + "/" + std::string(font.file_name);
    if (!WriteFile(path, font.bytes)) {
      all = false;
      break;
    }
    files_.push_back(path);
    if (!FcConfigAppFontAddFile(config_, reinterpret_cast<const FcChar8*>(path.c_str()))) {
      all = false;
      break;
    }
  }
  if (all && HasFamily(config_, kTitillium)) family_ = kTitillium;
}

FontSetup::~FontSetup() {
  if (config_ != nullptr) FcConfigDestroy(config_);
  for (const auto& f : files_) ::unlink(f.c_str());
  if (!dir_.empty()) ::rmdir(dir_.c_str());
}

}  // namespace incasso::render
