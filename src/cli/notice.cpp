// incasso notice | receipt | notices: payment notices and receipts as PDF files, one at a time or
// in bulk (a ZIP of PDFs, or one merged PDF for a print shop), streamed with a progress bar.
// Also the composition of the document port: render/ behind app/documents.hpp.
#include "cli/notice.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <array>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "app/documents.hpp"
#include "app/notice_batches.hpp"
#include "cli/runtime.hpp"
#include "render/pdf_renderer.hpp"

namespace incasso::cli {
namespace {

class RenderAdapter final : public DocumentRenderer {
  class Book final : public NoticeBookWriter {
   public:
    explicit Book(std::unique_ptr<render::NoticeBook> book) : book_(std::move(book)) {}
    Status Add(const NoticeDocument& doc) override { return book_->Add(doc); }
    Status Finish() override { return book_->Finish(); }

   private:
    std::unique_ptr<render::NoticeBook> book_;
  };

 public:
  RenderAdapter() : renderer_(render::NewPdfRenderer()) {}
  Result<std::string> RenderNotice(const NoticeDocument& doc) const override {
    return renderer_->RenderNotice(doc);
  }
  Result<std::string> RenderReceipt(const ReceiptDocument& doc) const override {
    return renderer_->RenderReceipt(doc);
  }
  Result<std::unique_ptr<NoticeBookWriter>> StartBook(std::function<Status(std::string_view)> sink,
                                                      TimePoint created_at) const override {
    auto book = renderer_->StartBook(std::move(sink), created_at);
    if (!book.ok()) return book.error();
    return std::unique_ptr<NoticeBookWriter>(std::make_unique<Book>(std::move(*book)));
  }

 private:
  std::unique_ptr<render::PdfRenderer> renderer_;
};

// A file written under a temporary name and renamed into place once complete, so an interrupted
// run never leaves a half-written PDF or ZIP under the requested name.
class OutputFile {
 public:
  explicit OutputFile(std::string path) : path_(std::move(path)), tmp_(path_ + ".part") {
    file_ = std::fopen(tmp_.c_str(), "wb");
  }
  ~OutputFile() {
    if (file_ != nullptr) {
      std::fclose(file_);
      std::remove(tmp_.c_str());
    }
  }
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  Status Open() const {
    if (file_ == nullptr) return InvalidArgument("output", "cannot create " + tmp_);
    return Ok();
  }
  Status Write(std::string_view bytes) {
    if (std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size()) {
      return Unavailable("cannot write " + tmp_ + " (disk full?)");
    }
    written_ += bytes.size();
    return Ok();
  }
  std::uint64_t written() const { return written_; }
  Status Commit() {
    const bool closed = std::fclose(file_) == 0;
    file_ = nullptr;
    if (!closed || std::rename(tmp_.c_str(), path_.c_str()) != 0) {
      std::remove(tmp_.c_str());
      return Unavailable("cannot write " + path_);
    }
    return Ok();
  }

 private:
  std::string path_;
  std::string tmp_;
  std::FILE* file_ = nullptr;
  std::uint64_t written_ = 0;
};

// "[#####.....]  1200/10000  412 rows/s  ETA 0:21" on stderr, redrawn at most 10 times a second,
// only when stderr is a terminal.
class ProgressBar {
 public:
  ProgressBar() : tty_(::isatty(STDERR_FILENO) != 0), start_(Clock::now()) {}
  void Update(const BulkProgress& p) {
    if (!tty_) return;
    const auto now = Clock::now();
    if (p.done != p.total && now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    const double secs = std::chrono::duration<double>(now - start_).count();
    const double rate = secs > 0 ? static_cast<double>(p.done) / secs : 0;
    const std::int64_t total = std::max<std::int64_t>(p.total, p.done);
    const int width = 30;
    const int filled = total > 0 ? static_cast<int>(width * p.done / total) : width;
    const auto eta =
        rate > 0 ? static_cast<std::int64_t>(static_cast<double>(total - p.done) / rate) : 0;
    std::fprintf(stderr, "\r[%s%s] %lld/%lld  %.0f rows/s  ETA %lld:%02lld ",
                 std::string(static_cast<std::size_t>(filled), '#').c_str(),
                 std::string(static_cast<std::size_t>(width - filled), '.').c_str(),
                 static_cast<long long>(p.done), static_cast<long long>(total), rate,
                 static_cast<long long>(eta / 60), static_cast<long long>(eta % 60));
  }
  void Done() {
    if (tty_) std::fprintf(stderr, "\n");
  }

 private:
  using Clock = std::chrono::steady_clock;
  bool tty_;
  Clock::time_point start_;
  Clock::time_point last_{};
};

struct CommonArgs {
  std::string entity;
  std::string lang;  // empty: the entity's notice language
  std::string logo;
  std::string postal_auth;
  std::string output;
};

Result<NoticeOptions> Options(const CommonArgs& a) {
  NoticeOptions o;
  if (!a.lang.empty()) {
    auto lang = ParseNoticeLanguage(a.lang);
    if (!lang) return InvalidArgument("--lang", "must be it, de, en, fr or sl");
    o.language = *lang;
  }
  if (!a.logo.empty()) {
    std::ifstream in(a.logo, std::ios::binary);
    if (!in) return InvalidArgument("--logo", "cannot read " + a.logo);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    o.logo_png = bytes.str();
    INCASSO_TRY(ValidateNoticeLogo(o.logo_png, "--logo"));
  }
  o.postal_authorization = a.postal_auth;
  return o;
}

void AddCommonOptions(CLI::App* cmd, CommonArgs& a, bool notice_options) {
  cmd->add_option("--entity", a.entity, "fiscal code of the creditor institution")->required();
  cmd->add_option("-o,--output", a.output, "file to write");
  if (notice_options) {
    cmd->add_option("--lang", a.lang,
                    "second language: it (Italian only), de, en, fr, sl (default: the "
                    "institution's, see entity update --notice-language)");
    cmd->add_option("--logo", a.logo,
                    "logo PNG for this run (default: the institution's, entity update "
                    "--notice-logo)");
    cmd->add_option("--postal-auth", a.postal_auth,
                    "Poste authorization printed on the postal slip (AUT. DB/...; default: the "
                    "institution's)");
  }
}

int WriteWhole(const std::string& path, const std::string& bytes) {
  OutputFile out(path);
  if (auto st = out.Open(); !st.ok()) return Fail(st.error());
  if (auto st = out.Write(bytes); !st.ok()) return Fail(st.error());
  if (auto st = out.Commit(); !st.ok()) return Fail(st.error());
  std::printf("%s (%zu bytes)\n", path.c_str(), bytes.size());
  return 0;
}

}  // namespace

std::shared_ptr<DocumentRenderer> NewDocumentRenderer() {
  return std::make_shared<RenderAdapter>();
}

void AddNoticeCommands(CLI::App& app, Globals& g, int& exit_code) {
  struct NoticeArgs {
    CommonArgs common;
    std::string notice;
  };
  auto na = std::make_shared<NoticeArgs>();
  auto* notice =
      app.add_subcommand("notice", "Write the payment notice (avviso) of a notice as PDF");
  AddCommonOptions(notice, na->common, true);
  notice->add_option("--notice", na->notice, "notice number (18 digits)")->required();
  notice->callback([na, &g, &exit_code] {
    auto options = Options(na->common);
    if (!options.ok()) {
      exit_code = Fail(options.error());
      return;
    }
    RunWithContext(g, exit_code, [&](AppContext& ctx) {
      RenderAdapter renderer;
      auto pdf = RenderNoticePdf(ctx, renderer, na->common.entity, na->notice, *options);
      if (!pdf.ok()) return Fail(pdf.error());
      return WriteWhole(na->common.output.empty() ? na->notice + ".pdf" : na->common.output, *pdf);
    });
  });

  struct ReceiptArgs {
    CommonArgs common;
    std::string receipt;
  };
  auto ra = std::make_shared<ReceiptArgs>();
  auto* receipt = app.add_subcommand("receipt", "Write a stored payment receipt as PDF");
  AddCommonOptions(receipt, ra->common, false);
  receipt->add_option("--receipt", ra->receipt, "receipt id (the paymentToken)")->required();
  receipt->callback([ra, &g, &exit_code] {
    RunWithContext(g, exit_code, [&](AppContext& ctx) {
      RenderAdapter renderer;
      auto pdf = RenderReceiptPdf(ctx, renderer, ra->common.entity, ra->receipt);
      if (!pdf.ok()) return Fail(pdf.error());
      return WriteWhole(ra->common.output.empty() ? "receipt.pdf" : ra->common.output, *pdf);
    });
  });

  struct BulkArgs {
    CommonArgs common;
    std::string status;
    std::string merged;
  };
  auto ba = std::make_shared<BulkArgs>();
  auto* bulk = app.add_subcommand(
      "notices", "Write the notices of many positions: a ZIP of PDFs (-o) or one PDF (--merged)");
  AddCommonOptions(bulk, ba->common, true);
  bulk->add_option("--status", ba->status, "only positions in this state (e.g. VALID)");
  bulk->add_option("--merged", ba->merged, "one PDF with every notice, for a print shop");
  bulk->callback([ba, &g, &exit_code] {
    if (ba->common.output.empty() == ba->merged.empty()) {
      exit_code = Fail(InvalidArgument("output", "give either -o FILE.zip or --merged FILE.pdf"));
      return;
    }
    auto options = Options(ba->common);
    if (!options.ok()) {
      exit_code = Fail(options.error());
      return;
    }
    PositionFilter filter;
    if (!ba->status.empty()) {
      auto s = ParsePositionStatus(ba->status);
      if (!s.ok()) {
        exit_code = Fail(InvalidArgument("--status", "must be a position state such as VALID"));
        return;
      }
      filter.status = *s;
    }
    filter.limit = 200;
    RunWithContext(g, exit_code, [&](AppContext& ctx) {
      RenderAdapter renderer;
      OutputFile out(ba->merged.empty() ? ba->common.output : ba->merged);
      if (auto st = out.Open(); !st.ok()) return Fail(st.error());
      ProgressBar bar;
      std::int64_t written = 0;
      BulkProgress last;
      auto progress = [&](const BulkProgress& p) {
        last = p;
        bar.Update(p);
      };
      Status run;
      if (ba->merged.empty()) {
        ZipStreamWriter zip([&out](std::string_view bytes) { return out.Write(bytes); });
        run = ForEachNoticeDocument(
            ctx, ba->common.entity, filter, *options,
            [&](const DebtPosition& p, const NoticeDocument& doc) -> Status {
              auto pdf = renderer.RenderNotice(doc);
              if (!pdf.ok()) return pdf.error();
              const std::string& nav =
                  doc.single ? doc.single->notice_number : doc.instalments.front().notice_number;
              ++written;
              (void)p;
              return zip.Add(nav + ".pdf", *pdf);
            },
            progress);
        if (run.ok()) run = zip.Finish();
      } else {
        auto book = renderer.StartBook([&out](std::string_view bytes) { return out.Write(bytes); },
                                       ctx.clock.Now());
        if (!book.ok()) return Fail(book.error());
        run = ForEachNoticeDocument(
            ctx, ba->common.entity, filter, *options,
            [&](const DebtPosition&, const NoticeDocument& doc) -> Status {
              ++written;
              return (*book)->Add(doc);
            },
            progress);
        if (run.ok()) run = (*book)->Finish();
      }
      bar.Done();
      if (!run.ok()) return Fail(run.error());
      if (written == 0) {
        return Fail(
            NotFound("no printable positions match (paid, invalid or draft ones are "
                     "skipped)"));
      }
      if (auto st = out.Commit(); !st.ok()) return Fail(st.error());
      std::printf("%s: %lld notices, %lld positions skipped (not payable)\n",
                  (ba->merged.empty() ? ba->common.output : ba->merged).c_str(),
                  static_cast<long long>(written), static_cast<long long>(last.skipped));
      return 0;
    });
  });
}

}  // namespace incasso::cli
