// Writes every notice variant and a receipt as PDF and PNG (pdftoppm, 110 dpi) into a folder:
// the screenshots in docs/notices/. Build target `notice_screenshots` runs it on docs/notices.
//   render_screenshots OUT_DIR
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "render/pdf_renderer.hpp"
#include "render/samples.hpp"

namespace {

using namespace incasso;
using namespace incasso::render;

bool Write(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
  return static_cast<bool>(out);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: render_screenshots OUT_DIR\n");
    return 2;
  }
  const std::string dir = argv[1];
  auto renderer = NewPdfRenderer();
  std::printf("font: %s\n", renderer->FontFamily().c_str());
  NoticeDocument bilingual = samples::WithPostal(samples::Single());
  bilingual.language = NoticeLanguage::kGerman;
  bilingual.subject = "Tassa sui rifiuti 2026 / Müllgebühr 2026";
  struct Variant {
    std::string name;
    NoticeDocument doc;
  };
  const std::vector<Variant> variants = {
      {"single", samples::Single()},
      {"postal", samples::WithPostal(samples::Single())},
      {"instalments-3", samples::Instalments(3, true)},
      {"instalments-12", samples::Instalments(12, false)},
      {"instalments-2-postal", samples::WithPostal(samples::Instalments(2, false))},
      {"bilingual-de", bilingual},
  };
  int failures = 0;
  auto emit = [&](const std::string& name, const Result<std::string>& pdf) {
    if (!pdf.ok()) {
      std::fprintf(stderr, "%s: %s\n", name.c_str(), pdf.error().ToText().c_str());
      ++failures;
      return;
    }
    const std::string path = dir + "/" + name + ".pdf";
    if (!Write(path, *pdf)) {
      std::fprintf(stderr, "cannot write %s\n", path.c_str());
      ++failures;
      return;
    }
    const std::string cmd = "pdftoppm -r 110 -png '" + path + "' '" + dir + "/" + name + "'";
    if (std::system(cmd.c_str()) != 0) {
      std::fprintf(stderr, "pdftoppm failed for %s (install poppler-utils)\n", path.c_str());
      ++failures;
    }
    std::printf("%s\n", path.c_str());
  };
  for (const auto& v : variants) emit(v.name, renderer->RenderNotice(v.doc));
  emit("receipt", renderer->RenderReceipt(samples::Receipt()));
  return failures == 0 ? 0 : 1;
}
