// PDF payment notices (avviso di pagamento, pagoPA notice guide) and receipts: a document model
// in (domain/notice_document.hpp), PDF bytes out. No database, no HTTP.
//
// Contracts:
// - Deterministic: the same document gives the same bytes (the creation date is the document's
//   created_at, never the wall clock).
// - Vector output; the QR codes and DataMatrix symbols are vector drawings; the fonts used are
//   embedded as subsets.
// - A renderer is thread-safe: many threads may render at once.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "domain/notice_document.hpp"

namespace incasso::render {

// One PDF holding many notices, written to a sink page by page (a print shop's merged file): the
// memory used does not grow with the number of notices.
class NoticeBook {
 public:
  virtual ~NoticeBook() = default;
  // Appends the notice's pages. On error nothing of this notice is added.
  virtual Status Add(const NoticeDocument& doc) = 0;
  // Writes the rest of the PDF to the sink. Call once; no Add afterwards.
  virtual Status Finish() = 0;
};

// Receives PDF bytes as they are produced; an error stops the rendering.
using PdfSink = std::function<Status(std::string_view bytes)>;

class PdfRenderer {
 public:
  virtual ~PdfRenderer() = default;

  // The notice: the first page (header, creditor, recipient, amount and due date, where to pay,
  // the single payment with QR code and, with a postal account, the Bollettino Postale PA), then
  // the instalments, 2 or 3 per page. InvalidArgument naming the field for data the notice cannot
  // carry (notice numbers not 18 digits, creditor fiscal code not 11 digits, amounts outside
  // 0,01 .. 999.999.999,99, one instalment alone, nothing to pay).
  virtual Result<std::string> RenderNotice(const NoticeDocument& doc) const = 0;
  virtual Result<std::string> RenderReceipt(const ReceiptDocument& doc) const = 0;
  // `sink` must stay valid until Finish() returns or the book is destroyed.
  virtual Result<std::unique_ptr<NoticeBook>> StartBook(PdfSink sink,
                                                        TimePoint created_at) const = 0;
  // The typeface used: "Titillium Web" (embedded) or "DejaVu Sans" (fallback).
  virtual std::string FontFamily() const = 0;
};

struct RendererOptions {
  // False: ignore the embedded Titillium Web and use DejaVu Sans (to test the fallback).
  bool use_embedded_fonts = true;
};

std::unique_ptr<PdfRenderer> NewPdfRenderer(const RendererOptions& options = {});

}  // namespace incasso::render
