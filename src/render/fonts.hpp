// The typefaces of the documents: Titillium Web (pagoPA's typeface), embedded into the binary at
// build time when scripts/fetch-fonts.sh fetched it, and DejaVu Sans as the fallback. Internal to
// render/.
#pragma once

#include <fontconfig/fontconfig.h>

#include <string>
#include <string_view>
#include <vector>

namespace incasso::render {

struct EmbeddedFont {
  std::string_view file_name;  // e.g. "TitilliumWeb_400Regular.ttf"
  std::string_view bytes;
};

// The fonts compiled into this binary; empty when the build found none.
const std::vector<EmbeddedFont>& EmbeddedFonts();

// A fontconfig configuration: the system's fonts plus the embedded ones, which are written once
// to a private temporary folder (fontconfig and FreeType read fonts from files) removed again by
// the destructor. Not copyable.
class FontSetup {
 public:
  // use_embedded = false: the system fonts only (DejaVu Sans).
  explicit FontSetup(bool use_embedded);
  ~FontSetup();
  FontSetup(const FontSetup&) = delete;
  FontSetup& operator=(const FontSetup&) = delete;

  FcConfig* config() const { return config_; }
  // The family the documents ask for first: "Titillium Web" when it was registered, else
  // "DejaVu Sans".
  const std::string& family() const { return family_; }

 private:
  FcConfig* config_ = nullptr;
  std::string dir_;
  std::vector<std::string> files_;
  std::string family_;
};

}  // namespace incasso::render
