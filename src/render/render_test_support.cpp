#include "render/render_test_support.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

namespace incasso::render::testing {
namespace {

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out.push_back(c);
    }
  }
  return out + "'";
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

}  // namespace

std::string Run(const std::string& command, int* status) {
  std::FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) throw std::runtime_error("popen failed: " + command);
  std::string out;
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), n);
  const int rc = ::pclose(pipe);
  if (status != nullptr) *status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  return out;
}

bool HaveTools(const std::vector<std::string>& tools, std::string* missing) {
  for (const auto& t : tools) {
    int status = 0;
    Run("command -v " + Quote(t) + " >/dev/null 2>&1", &status);
    if (status != 0) {
      if (missing != nullptr) *missing = t;
      return false;
    }
  }
  return true;
}

PdfFile::PdfFile(const std::string& bytes) {
  std::string pattern = (std::filesystem::temp_directory_path() / "incasso-pdf-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = pattern;
  path_ = dir_ + "/doc.pdf";
  std::ofstream(path_, std::ios::binary) << bytes;
}

PdfFile::~PdfFile() {
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

int PdfFile::Pages() const {
  const std::string info = Run("pdfinfo " + Quote(path_) + " 2>/dev/null");
  std::smatch m;
  if (std::regex_search(info, m, std::regex(R"(Pages:\s+(\d+))"))) return std::stoi(m[1]);
  return -1;
}

std::string PdfFile::Text() const {
  const std::string raw = Run("pdftotext -enc UTF-8 " + Quote(path_) + " - 2>/dev/null");
  std::string out;
  bool space = false;
  for (char c : raw) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

std::string PdfFile::Fonts() const { return Run("pdffonts " + Quote(path_) + " 2>/dev/null"); }

std::string PdfFile::BoundingBoxes() const {
  return Run("pdftotext -enc UTF-8 -bbox " + Quote(path_) + " - 2>/dev/null");
}

std::vector<std::string> PdfFile::QrCodes(int dpi) const {
  const std::string prefix = dir_ + "/qr";
  Run("pdftoppm -r " + std::to_string(dpi) + " -gray -png " + Quote(path_) + " " + Quote(prefix));
  std::vector<std::string> pages;
  for (const auto& e : std::filesystem::directory_iterator(dir_)) {
    const std::string name = e.path().filename().string();
    if (name.rfind("qr", 0) == 0 && e.path().extension() == ".png") {
      pages.push_back(e.path().string());
    }
  }
  std::sort(pages.begin(), pages.end());
  std::vector<std::string> codes;
  for (const auto& page : pages) {
    // zbarimg --raw prints one decoded symbol per line (our payloads hold no newline).
    for (auto& line :
         Lines(Run("zbarimg --raw -q -Sdisable -Sqrcode.enable " + Quote(page) + " 2>/dev/null"))) {
      codes.push_back(line);
    }
    std::filesystem::remove(page);
  }
  return codes;
}

std::vector<std::string> PdfFile::DataMatrices(int page, int max, int dpi) const {
  const std::string prefix = dir_ + "/dm";
  Run("pdftoppm -r " + std::to_string(dpi) + " -gray -png -singlefile -f " + std::to_string(page) +
      " -l " + std::to_string(page) + " " + Quote(path_) + " " + Quote(prefix));
  const std::string png = prefix + ".png";
  // -N: stop after `max` symbols; -m: give up after 60 s on a page that holds fewer.
  const std::string out =
      Run("dmtxread -n -N " + std::to_string(max) + " -m 60000 " + Quote(png) + " 2>/dev/null");
  std::filesystem::remove(png);
  // dmtxread separates symbols with newlines; a Poste payload holds none.
  return Lines(out);
}

void PdfFile::WritePng(int page, const std::string& png_path, int dpi) const {
  const std::string prefix = dir_ + "/shot";
  Run("pdftoppm -r " + std::to_string(dpi) + " -png -singlefile -f " + std::to_string(page) +
      " -l " + std::to_string(page) + " " + Quote(path_) + " " + Quote(prefix));
  std::filesystem::copy_file(prefix + ".png", png_path,
                             std::filesystem::copy_options::overwrite_existing);
}

std::vector<WordBox> ParseBoxes(const std::string& xhtml) {
  std::vector<WordBox> out;
  static const std::regex word(
      R"re(<word xMin="([0-9.]+)" yMin="([0-9.]+)" xMax="([0-9.]+)" yMax="([0-9.]+)">([^<]*)</word>)re");
  for (auto it = std::sregex_iterator(xhtml.begin(), xhtml.end(), word);
       it != std::sregex_iterator(); ++it) {
    const auto& m = *it;
    std::string text = m[5];
    for (const auto& [entity, c] : {std::pair<std::string, std::string>{"&apos;", "'"},
                                    {"&quot;", "\""},
                                    {"&lt;", "<"},
                                    {"&gt;", ">"},
                                    {"&amp;", "&"}}) {
      for (std::size_t pos = 0; (pos = text.find(entity, pos)) != std::string::npos;) {
        text.replace(pos, entity.size(), c);
        pos += c.size();
      }
    }
    out.push_back(
        WordBox{text, std::stod(m[1]), std::stod(m[2]), std::stod(m[3]), std::stod(m[4])});
  }
  return out;
}

}  // namespace incasso::render::testing
