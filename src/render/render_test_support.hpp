// Reads rendered PDFs back the way a person or a cashier's scanner would: poppler-utils
// (pdftoppm, pdftotext, pdfinfo, pdffonts), zbarimg (QR codes) and dmtxread (DataMatrix).
// Test-only.
#pragma once

#include <string>
#include <vector>

namespace incasso::render::testing {

// True if every tool is on PATH; otherwise `missing` names the first absent one.
bool HaveTools(const std::vector<std::string>& tools, std::string* missing);

// A PDF written to a fresh temporary folder (removed by the destructor).
class PdfFile {
 public:
  explicit PdfFile(const std::string& bytes);
  ~PdfFile();
  PdfFile(const PdfFile&) = delete;
  PdfFile& operator=(const PdfFile&) = delete;

  const std::string& path() const { return path_; }
  int Pages() const;                  // pdfinfo
  std::string Text() const;           // pdftotext, whitespace collapsed to single spaces
  std::string Fonts() const;          // pdffonts output
  std::string BoundingBoxes() const;  // pdftotext -bbox (XHTML with word boxes, in points)
  // Every QR code on every page (pdftoppm at `dpi`, zbarimg), in page order.
  std::vector<std::string> QrCodes(int dpi = 150) const;
  // Every DataMatrix symbol on page `page` (1-based), at most `max` (dmtxread).
  std::vector<std::string> DataMatrices(int page, int max, int dpi = 300) const;
  // Rasterizes page `page` to `png_path` (pdftoppm).
  void WritePng(int page, const std::string& png_path, int dpi = 110) const;

 private:
  std::string dir_;
  std::string path_;
};

// Runs a shell command; returns its standard output. `status` gets the exit status.
std::string Run(const std::string& command, int* status = nullptr);

// A word and its box from pdftotext -bbox, in points from the top-left corner.
struct WordBox {
  std::string word;
  double x_min, y_min, x_max, y_max;
};
std::vector<WordBox> ParseBoxes(const std::string& bbox_xhtml);

}  // namespace incasso::render::testing
