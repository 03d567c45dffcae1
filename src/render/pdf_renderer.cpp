#include "render/pdf_renderer.hpp"

#include <cairo-pdf.h>
#include <cairo.h>
#include <fmt/format.h>
#include <glib.h>
#include <pango/pangocairo.h>
#include <pango/pangofc-fontmap.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <mutex>
#include <vector>

#include "core/money.hpp"
#include "core/time.hpp"
#include "render/codes.hpp"
#include "render/fonts.hpp"
#include "render/labels.hpp"

namespace incasso::render {
namespace {

// A4 portrait in millimetres; the drawing works in millimetres (kPtPerMm scales to PDF points).
constexpr double kPtPerMm = 72.0 / 25.4;
constexpr double kPageW = 210.0;
constexpr double kPageH = 297.0;
constexpr double kMargin = 10.0;
constexpr double kContentW = kPageW - 2 * kMargin;
constexpr double kCodeSize = 25.0;  // QR code and DataMatrix: 25x25 mm (notice guide)

struct Rgb {
  double r, g, b;
};
constexpr Rgb kBlue{0.0, 0.4, 0.8};     // #0066CC, pagoPA blue
constexpr Rgb kInk{0.09, 0.2, 0.3};     // #17324D
constexpr Rgb kGrey{0.36, 0.44, 0.5};   // #5C6F82
constexpr Rgb kBand{0.92, 0.95, 0.98};  // light band behind the payment parts
constexpr Rgb kRule{0.78, 0.82, 0.86};  // separators
constexpr Rgb kAuth{0.3, 0.3, 0.3};     // Poste authorization: 70% black (notice guide)
constexpr Rgb kBlack{0.0, 0.0, 0.0};

struct Style {
  double pt = 9;
  int weight = PANGO_WEIGHT_NORMAL;
  bool italic = false;
  Rgb color = kInk;
  PangoAlignment align = PANGO_ALIGN_LEFT;
};

Style Caption(double pt = 6.5) { return Style{pt, PANGO_WEIGHT_NORMAL, false, kGrey}; }
Style Value(double pt = 9) { return Style{pt, PANGO_WEIGHT_SEMIBOLD, false, kInk}; }
Style Heading(double pt = 9) { return Style{pt, PANGO_WEIGHT_BOLD, false, kBlue}; }
Style Body(double pt = 7.5) { return Style{pt, PANGO_WEIGHT_NORMAL, false, kInk}; }
Style Second(Style s) {
  s.italic = true;
  s.color = kGrey;
  return s;
}

std::string DateText(Date d) {
  const std::chrono::year_month_day ymd{d};
  return fmt::format("{:02d}/{:02d}/{:04d}", static_cast<unsigned>(ymd.day()),
                     static_cast<unsigned>(ymd.month()), static_cast<int>(ymd.year()));
}

std::string DateTimeText(TimePoint t) {
  const auto day = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::hh_mm_ss hms{t - day};
  return fmt::format("{} {:02d}:{:02d} UTC", DateText(day), hms.hours().count(),
                     hms.minutes().count());
}

// Pango text must be valid UTF-8: anything else from the database is repaired, never rejected.
std::string ValidUtf8(std::string_view s) {
  if (g_utf8_validate(s.data(), static_cast<gssize>(s.size()), nullptr)) return std::string(s);
  gchar* fixed = g_utf8_make_valid(s.data(), static_cast<gssize>(s.size()));
  std::string out(fixed);
  g_free(fixed);
  return out;
}

// Drawing on one page: text boxes laid out by pango, rules, bands, 2D codes and images.
class Canvas {
 public:
  Canvas(cairo_t* cr, PangoContext* pc, const std::string& family)
      : cr_(cr), pc_(pc), family_(family) {}

  // The height `text` takes in a box `w` wide.
  double Measure(std::string_view text, double w, const Style& s) {
    PangoLayout* layout = Layout(text, w, s);
    const double h = Height(layout);
    g_object_unref(layout);
    return h;
  }

  // Draws `text` wrapped in a box `w` wide at (x, y); returns its height.
  double Text(double x, double y, double w, std::string_view text, const Style& s) {
    if (text.empty()) return 0;
    PangoLayout* layout = Layout(text, w, s);
    cairo_set_source_rgb(cr_, s.color.r, s.color.g, s.color.b);
    cairo_move_to(cr_, x, y);
    pango_cairo_show_layout(cr_, layout);
    const double h = Height(layout);
    g_object_unref(layout);
    return h;
  }

  // Like Text, shrinking the type (down to min_pt) until the text fits `max_h`: field values at
  // their maximum length stay whole and inside their box.
  double Fit(double x, double y, double w, double max_h, std::string_view text, Style s,
             double min_pt = 5.0) {
    while (s.pt > min_pt && Measure(text, w, s) > max_h) s.pt -= 0.5;
    return Text(x, y, w, text, s);
  }

  void Band(double x, double y, double w, double h, Rgb c) {
    cairo_set_source_rgb(cr_, c.r, c.g, c.b);
    cairo_rectangle(cr_, x, y, w, h);
    cairo_fill(cr_);
  }

  void Rule(double x1, double y1, double x2, double y2, Rgb c = kRule, double width = 0.3) {
    cairo_set_source_rgb(cr_, c.r, c.g, c.b);
    cairo_set_line_width(cr_, width);
    cairo_move_to(cr_, x1, y1);
    cairo_line_to(cr_, x2, y2);
    cairo_stroke(cr_);
  }

  void Frame(double x, double y, double w, double h, Rgb c = kRule) {
    cairo_set_source_rgb(cr_, c.r, c.g, c.b);
    cairo_set_line_width(cr_, 0.3);
    cairo_rectangle(cr_, x, y, w, h);
    cairo_stroke(cr_);
  }

  // The symbol `size` mm wide on a white square with a quiet zone around it; dark modules as
  // filled rectangles (vector), one run per row.
  void Symbol(double x, double y, double size, const ModuleMatrix& m, double quiet_modules) {
    const double module = size / (m.width + 2 * quiet_modules);
    Band(x, y, size, module * (m.height + 2 * quiet_modules), Rgb{1, 1, 1});
    const double x0 = x + quiet_modules * module;
    const double y0 = y + quiet_modules * module;
    cairo_set_source_rgb(cr_, kBlack.r, kBlack.g, kBlack.b);
    for (int r = 0; r < m.height; ++r) {
      int c = 0;
      while (c < m.width) {
        if (!m.At(r, c)) {
          ++c;
          continue;
        }
        const int start = c;
        while (c < m.width && m.At(r, c)) ++c;
        // A hair of overlap with the next row, so rasterizers leave no seams between rows.
        cairo_rectangle(cr_, x0 + start * module, y0 + r * module, (c - start) * module,
                        module + (r + 1 < m.height ? module * 0.05 : 0.0));
      }
    }
    cairo_fill(cr_);
  }

  // A PNG scaled into the box, keeping its proportions, right-aligned; nothing if unreadable.
  void Png(double x, double y, double w, double h, const std::string& png) {
    if (png.empty()) return;
    struct Cursor {
      const std::string* data;
      std::size_t pos = 0;
    } cursor{&png};
    cairo_surface_t* image = cairo_image_surface_create_from_png_stream(
        [](void* closure, unsigned char* out, unsigned int length) {
          auto* c = static_cast<Cursor*>(closure);
          if (c->data->size() - c->pos < length) return CAIRO_STATUS_READ_ERROR;
          std::memcpy(out, c->data->data() + c->pos, length);
          c->pos += length;
          return CAIRO_STATUS_SUCCESS;
        },
        &cursor);
    if (cairo_surface_status(image) == CAIRO_STATUS_SUCCESS) {
      const double iw = cairo_image_surface_get_width(image);
      const double ih = cairo_image_surface_get_height(image);
      if (iw > 0 && ih > 0) {
        const double scale = std::min(w / iw, h / ih);
        cairo_save(cr_);
        cairo_translate(cr_, x + w - iw * scale, y);
        cairo_scale(cr_, scale, scale);
        cairo_set_source_surface(cr_, image, 0, 0);
        cairo_paint(cr_);
        cairo_restore(cr_);
      }
    }
    cairo_surface_destroy(image);
  }

 private:
  PangoLayout* Layout(std::string_view text, double w, const Style& s) {
    PangoLayout* layout = pango_layout_new(pc_);
    PangoFontDescription* font = pango_font_description_new();
    pango_font_description_set_family_static(font, family_.c_str());
    pango_font_description_set_weight(font, static_cast<PangoWeight>(s.weight));
    pango_font_description_set_style(font, s.italic ? PANGO_STYLE_ITALIC : PANGO_STYLE_NORMAL);
    // Sizes are in points; the page is drawn in millimetres.
    pango_font_description_set_absolute_size(font, s.pt / kPtPerMm * PANGO_SCALE);
    pango_layout_set_font_description(layout, font);
    pango_font_description_free(font);
    pango_layout_set_width(layout, static_cast<int>(w * PANGO_SCALE));
    pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_alignment(layout, s.align);
    const std::string valid = ValidUtf8(text);
    pango_layout_set_text(layout, valid.data(), static_cast<int>(valid.size()));
    return layout;
  }

  static double Height(PangoLayout* layout) {
    PangoRectangle logical;
    pango_layout_get_extents(layout, nullptr, &logical);
    return static_cast<double>(logical.height) / PANGO_SCALE;
  }

  cairo_t* cr_;
  PangoContext* pc_;
  const std::string& family_;
};

// --- Validation: what the notice cannot carry is an error naming the field ---------------------

Status ValidatePayment(const NoticePayment& p, const std::string& field) {
  if (p.notice_number.size() != 18 || !std::all_of(p.notice_number.begin(), p.notice_number.end(),
                                                   [](char c) { return c >= '0' && c <= '9'; })) {
    return InvalidArgument(field + ".noticeNumber", "must be 18 digits");
  }
  INCASSO_TRY(CheckAmountCents(p.amount_cents, field + ".amount"));
  return Ok();
}

Status ValidateNotice(const NoticeDocument& d) {
  const auto& fc = d.creditor.fiscal_code;
  if (fc.size() != 11 ||
      !std::all_of(fc.begin(), fc.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return InvalidArgument("creditor.fiscalCode", "must be 11 digits");
  }
  if (!d.single && d.instalments.empty()) {
    return InvalidArgument("payments", "the notice has nothing to pay");
  }
  if (d.instalments.size() == 1) {
    return InvalidArgument("instalments", "a plan has at least 2 instalments");
  }
  if (d.single) INCASSO_TRY(ValidatePayment(*d.single, "single"));
  for (std::size_t i = 0; i < d.instalments.size(); ++i) {
    INCASSO_TRY(ValidatePayment(d.instalments[i], fmt::format("instalments[{}]", i)));
  }
  return Ok();
}

// --- The codes of one payment, encoded before any drawing ---------------------------------------

struct PaymentCodes {
  ModuleMatrix qr;
  std::optional<ModuleMatrix> data_matrix;  // with a postal account
};

Result<PaymentCodes> EncodePayment(const NoticeDocument& d, const NoticePayment& p,
                                   const std::string& field) {
  PaymentCodes codes;
  auto payload = PagoPaQrPayload(p.notice_number, d.creditor.fiscal_code, p.amount_cents);
  if (!payload.ok()) return payload.error();
  auto qr = EncodeQr(*payload);
  if (!qr.ok()) return qr.error();
  codes.qr = std::move(*qr);
  if (!d.creditor.postal_account.empty()) {
    PosteDataMatrixFields f{
        p.notice_number,         d.creditor.postal_account, p.amount_cents, d.creditor.fiscal_code,
        d.recipient.fiscal_code, d.recipient.full_name,     d.subject};
    auto dm_payload = PosteDataMatrixPayload(f);
    if (!dm_payload.ok()) {
      Error e = dm_payload.error();
      e.field = field + "." + e.field;
      return e;
    }
    auto dm = EncodeDataMatrix(*dm_payload);
    if (!dm.ok()) return dm.error();
    codes.data_matrix = std::move(*dm);
  }
  return codes;
}

// --- Page drawing ------------------------------------------------------------------------------

class NoticePainter {
 public:
  NoticePainter(Canvas& c, const NoticeDocument& d) : c_(c), d_(d), lang_(d.language) {}

  bool bilingual() const { return lang_ != NoticeLanguage::kItalianOnly; }

  std::string DueText(const std::optional<Date>& due) const {
    if (!due) return Both(Label::kNoDueDate, lang_);
    std::string it = Text(Label::kDueBy, NoticeLanguage::kItalianOnly) + " " + DateText(*due);
    if (!bilingual()) return it;
    return it + " / " + Text(Label::kDueBy, lang_) + " " + DateText(*due);
  }

  // Italian paragraph, then the second language's in italics; returns the height used.
  double Paragraph(double x, double y, double w, double max_h, Label label, Style s,
                   const std::string& arg = {}) {
    auto text = [&](NoticeLanguage l) {
      std::string t = Text(label, l);
      if (!arg.empty()) t = fmt::format(fmt::runtime(t), arg);
      return t;
    };
    if (!bilingual()) return c_.Fit(x, y, w, max_h, text(NoticeLanguage::kItalianOnly), s);
    while (s.pt > 5 && c_.Measure(text(NoticeLanguage::kItalianOnly), w, s) +
                               c_.Measure(text(lang_), w, Second(s)) + 0.8 >
                           max_h) {
      s.pt -= 0.5;
    }
    double h = c_.Text(x, y, w, text(NoticeLanguage::kItalianOnly), s);
    h += 0.8;
    h += c_.Text(x, y + h, w, text(lang_), Second(s));
    return h;
  }

  // A small grey label over a value; returns the height used.
  double Field(double x, double y, double w, double max_value_h, Label label,
               std::string_view value, Style value_style = Value(8.5)) {
    double h = c_.Text(x, y, w, Both(label, lang_), Caption(bilingual() ? 5.5 : 6.5));
    h += c_.Fit(x, y + h, w, max_value_h, value, value_style);
    return h + 1.2;
  }

  void Header(double y, const std::string& kind) {
    c_.Text(kMargin, y, 140, Both(Label::kNoticeTitle, lang_) + kind, Heading(8));
    c_.Fit(kMargin, y + 4.5, 140, 16, d_.subject, Style{16, PANGO_WEIGHT_BOLD, false, kInk});
    c_.Png(150, y, 50, 20, d_.creditor.logo_png);
    c_.Text(150, y + 21, 50, "pagoPA",
            Style{10, PANGO_WEIGHT_BOLD, false, kBlue, PANGO_ALIGN_RIGHT});
    c_.Rule(kMargin, y + 27, kPageW - kMargin, y + 27, kBlue, 0.5);
  }

  void Parties(double y) {
    const double w = 92;
    const double x2 = kMargin + w + 6;
    // Creditor.
    double h = c_.Text(kMargin, y, w, Both(Label::kCreditor, lang_), Heading(8));
    h += c_.Fit(
        kMargin, y + h + 0.5, w, 4,
        Text(Label::kFiscalCode, NoticeLanguage::kItalianOnly) + " " + d_.creditor.fiscal_code,
        Body(7.5));
    h += 0.5;
    h += c_.Fit(kMargin, y + h + 0.5, w, 10, d_.creditor.name, Value(11));
    h += 0.5;
    h += c_.Fit(kMargin, y + h + 0.5, w, 8, d_.creditor.sector, Body(8.5));
    c_.Fit(kMargin, y + h + 1, w, 10, d_.creditor.info, Body(7.5));
    // Recipient.
    h = c_.Text(x2, y, w, Both(Label::kRecipient, lang_), Heading(8));
    if (!d_.recipient.fiscal_code.empty()) {
      h += c_.Fit(
          x2, y + h + 0.5, w, 4,
          Text(Label::kFiscalCode, NoticeLanguage::kItalianOnly) + " " + d_.recipient.fiscal_code,
          Body(7.5));
    }
    h += 0.5;
    h += c_.Fit(x2, y + h + 0.5, w, 10, d_.recipient.full_name, Value(11));
    c_.Fit(x2, y + h + 1.5, w, 18, d_.recipient.address, Body(8.5));
  }

  void AmountAndWhere(double y, double height) {
    const double w = 92;
    const double x2 = kMargin + w + 6;
    std::int64_t total = 0;
    if (d_.single) {
      total = d_.single->amount_cents;
    } else {
      for (const auto& p : d_.instalments) total += p.amount_cents;
    }
    double h = c_.Text(kMargin, y, w, Both(Label::kHowMuchWhen, lang_), Heading(8));
    h += c_.Fit(kMargin, y + h + 1, w, 10, FormatAmountItalian(total) + " Euro",
                Style{18, PANGO_WEIGHT_BOLD, false, kInk});
    if (d_.single) {
      h += c_.Fit(kMargin, y + h + 1, w, 9, DueText(d_.single->due_date), Value(10));
    }
    if (!d_.instalments.empty()) {
      h += 1 + Paragraph(kMargin, y + h + 1, w, 9,
                         d_.single ? Label::kInstalmentsOrSingle : Label::kInstalmentsOnly,
                         Value(8.5), std::to_string(d_.instalments.size()));
    }
    h += 2;
    Paragraph(kMargin, y + h, w, height - h, Label::kAmountNote, Body(bilingual() ? 6 : 7));

    h = c_.Text(x2, y, w, Both(Label::kWhere, lang_), Heading(8));
    h += Paragraph(x2, y + h + 0.5, w, 8, Label::kChannelsList, Value(7.5));
    const double rest = height - h - 3;
    h += 2.5;
    h += c_.Text(x2, y + h, w, Both(Label::kPayOnline, lang_), Value(8));
    h += Paragraph(x2, y + h + 0.3, w, rest / 2 - 5, Label::kPayOnlineText, Body(7));
    h += 2;
    h += c_.Text(x2, y + h, w, Both(Label::kPayInPerson, lang_), Value(8));
    Paragraph(x2, y + h + 0.3, w, rest / 2 - 5, Label::kPayInPersonText, Body(7));
  }

  // BANCHE E ALTRI CANALI for the single payment: QR code, codes and parties. Height 56.
  void BankSingle(double y, const NoticePayment& p, const PaymentCodes& codes) {
    const double h = 56;
    c_.Band(kMargin, y, kContentW, h, kBand);
    c_.Text(kMargin + 3, y + 2.5, 60, Both(Label::kBanks, lang_), Heading(bilingual() ? 7 : 9));
    c_.Fit(kMargin + 66, y + 2.5, 74, 7.5, Both(Label::kSingle, lang_) + "  " + DueText(p.due_date),
           Value(bilingual() ? 7 : 8.5));
    c_.Fit(150, y + 2, kPageW - kMargin - 3 - 150, 7, "Euro " + FormatAmountItalian(p.amount_cents),
           Style{12, PANGO_WEIGHT_BOLD, false, kInk, PANGO_ALIGN_RIGHT});
    c_.Symbol(kMargin + 3, y + 12, kCodeSize + 4, codes.qr, 2);
    const double x = kMargin + 36;
    const double w = kPageW - kMargin - 3 - x;
    double fy = y + 11;
    fy += Paragraph(x, fy, w, 7, Label::kBankText, Body(6.5)) + 1.5;
    const double half = (w - 4) / 2;
    Field(x, fy, half, 4.5, Label::kRecipientShort, d_.recipient.full_name);
    fy += Field(x + half + 4, fy, half, 4.5, Label::kCreditorShort, d_.creditor.name);
    fy += Field(x, fy, w, 7.5, Label::kSubject, d_.subject);
    const double third = (w - 8) / 3;
    Field(x, fy, third, 5, Label::kCbill, d_.creditor.cbill.empty() ? "-" : d_.creditor.cbill,
          Value(10));
    Field(x + third + 4, fy, third + 8, 5, Label::kNoticeCode, GroupNoticeNumber(p.notice_number),
          Value(10));
    Field(x + 2 * third + 16, fy, third - 8, 5, Label::kCreditorFiscalCode, d_.creditor.fiscal_code,
          Value(10));
  }

  // BOLLETTINO POSTALE PA for the single payment: DataMatrix and slip data. Height 62.
  void PostalSingle(double y, const NoticePayment& p, const PaymentCodes& codes) {
    const double h = 62;
    c_.Frame(kMargin, y, kContentW, h);
    c_.Text(kMargin + 3, y + 2.5, 60, Both(Label::kPostal, lang_), Heading(bilingual() ? 7 : 9));
    Paragraph(70, y + 2.3, 127, 7.5, Label::kPostalText, Body(6.2));
    c_.Symbol(kMargin + 3, y + 12, kCodeSize + 4, *codes.data_matrix, 2);
    const double x = kMargin + 36;
    const double w = kPageW - kMargin - 3 - x;
    double fy = y + 12;
    const double third = (w - 8) / 3;
    Field(x, fy, third, 5, Label::kOnAccount, d_.creditor.postal_account, Value(10));
    Field(x + third + 4, fy, third + 8, 5, Label::kHolder, Holder(), Value(8));
    fy += Field(x + 2 * third + 16, fy, third - 8, 5, Label::kAmount,
                "Euro " + FormatAmountItalian(p.amount_cents), Value(10));
    const double half = (w - 4) / 2;
    Field(x, fy, half, 4.5, Label::kRecipientShort, d_.recipient.full_name);
    fy += Field(x + half + 4, fy, half, 4.5, Label::kSubject, d_.subject);
    Field(x, fy, third, 5, Label::kType, "P1", Value(10));
    Field(x + third + 4, fy, third + 8, 5, Label::kNoticeCode, GroupNoticeNumber(p.notice_number),
          Value(10));
    Field(x + 2 * third + 16, fy, third - 8, 5, Label::kCreditorFiscalCode, d_.creditor.fiscal_code,
          Value(10));
    c_.Fit(kMargin + 3, y + h - 5, 100, 4, d_.creditor.postal_authorization,
           Style{6, PANGO_WEIGHT_NORMAL, false, kAuth});
  }

  // Page 1 of a plan without a single payment: the instalments at a glance.
  void PlanSummary(double y) {
    c_.Band(kMargin, y, kContentW, 8, kBand);
    c_.Text(kMargin + 3, y + 2, 120, Both(Label::kInstalmentsTitle, lang_), Heading(9));
    double ry = y + 10;
    ry += Paragraph(kMargin + 3, ry, kContentW - 6, 8, Label::kInstalmentPlan, Body(7.5)) + 2;
    const double row =
        std::min(6.0, (kPageH - 18 - ry) / static_cast<double>(d_.instalments.size()));
    for (std::size_t i = 0; i < d_.instalments.size(); ++i) {
      const auto& p = d_.instalments[i];
      const double yy = ry + static_cast<double>(i) * row;
      const Style s = Body(std::min(8.5, row * 1.6));
      c_.Text(kMargin + 3, yy, 30,
              fmt::format("{} {}", Text(Label::kInstalment, NoticeLanguage::kItalianOnly), i + 1),
              s);
      c_.Text(kMargin + 30, yy, 60, GroupNoticeNumber(p.notice_number), s);
      c_.Text(kMargin + 90, yy, 40, "Euro " + FormatAmountItalian(p.amount_cents),
              Style{s.pt, PANGO_WEIGHT_SEMIBOLD, false, kInk, PANGO_ALIGN_RIGHT});
      c_.Text(kMargin + 135, yy, 55, DueText(p.due_date), s);
      c_.Rule(kMargin + 3, yy + row - 0.3, kPageW - kMargin - 3, yy + row - 0.3);
    }
  }

  void InstalmentHeader(int page, int pages) {
    c_.Text(kMargin, kMargin, 130,
            Both(Label::kNoticeTitle, lang_) + " · " + Both(Label::kInstalmentsTitle, lang_),
            Heading(7.5));
    c_.Fit(kMargin, kMargin + 4.5, 130, 11, d_.subject, Style{12, PANGO_WEIGHT_BOLD, false, kInk});
    c_.Fit(145, kMargin, 55, 9, d_.creditor.name,
           Style{9, PANGO_WEIGHT_SEMIBOLD, false, kInk, PANGO_ALIGN_RIGHT});
    c_.Text(145, kMargin + 10, 55,
            Text(Label::kFiscalCode, NoticeLanguage::kItalianOnly) + " " + d_.creditor.fiscal_code,
            Style{7, PANGO_WEIGHT_NORMAL, false, kGrey, PANGO_ALIGN_RIGHT});
    c_.Rule(kMargin, kMargin + 17, kPageW - kMargin, kMargin + 17, kBlue, 0.5);
    PageNumber(page, pages);
  }

  void PageNumber(int page, int pages) {
    c_.Text(kPageW - kMargin - 40, kPageH - 8, 40,
            fmt::format("{} {}/{}", Text(Label::kPage, lang_), page, pages),
            Style{6.5, PANGO_WEIGHT_NORMAL, false, kGrey, PANGO_ALIGN_RIGHT});
  }

  // One instalment's bank module in a column `w` wide; `columns` is 2 or 3.
  void BankModule(double x, double y, double w, double h, int n, const NoticePayment& p,
                  const PaymentCodes& codes, int columns) {
    c_.Frame(x, y, w, h);
    c_.Band(x, y, w, 13, kBand);
    c_.Text(x + 2.5, y + 1.5, w - 5, Both(Label::kBanks, lang_), Heading(6.5));
    c_.Text(x + 2.5, y + 5, w - 5, fmt::format("{} {}", Both(Label::kInstalment, lang_), n),
            Heading(9));
    c_.Fit(x + 2.5, y + 9, w - 5, 4, DueText(p.due_date), Value(7));
    c_.Fit(x + 2.5, y + 14.5, w - 5, 6.5, "Euro " + FormatAmountItalian(p.amount_cents),
           Style{12, PANGO_WEIGHT_BOLD, false, kInk});
    c_.Symbol(x + 1.5, y + 21, kCodeSize + 4, codes.qr, 2);
    const double fw = w - 5;
    double fy = y + 21 + kCodeSize + 5;
    fy += Field(x + 2.5, fy, fw, 4.5, Label::kNoticeCode, GroupNoticeNumber(p.notice_number),
                Value(9));
    fy +=
        Field(x + 2.5, fy, fw, 4.5, Label::kCreditorFiscalCode, d_.creditor.fiscal_code, Value(9));
    if (!d_.creditor.cbill.empty()) {
      fy += Field(x + 2.5, fy, fw, 4.5, Label::kCbill, d_.creditor.cbill, Value(9));
    }
    // Notice guide, 3-instalment layout: "se necessario per motivi di spazio, puoi omettere la
    // voce Destinatario".
    if (columns == 2) {
      fy += Field(x + 2.5, fy, fw, 4.5, Label::kRecipientShort, d_.recipient.full_name);
    }
    fy += Field(x + 2.5, fy, fw, 4.5, Label::kCreditorShort, d_.creditor.name);
    Field(x + 2.5, fy, fw, std::max(4.0, y + h - fy - 5), Label::kSubject, d_.subject, Value(7.5));
  }

  void PostalModule(double x, double y, double w, double h, const NoticePayment& p,
                    const PaymentCodes& codes, int columns) {
    c_.Frame(x, y, w, h);
    c_.Band(x, y, w, 9, kBand);
    c_.Text(x + 2.5, y + 1.5, w - 5, Both(Label::kPostal, lang_), Heading(bilingual() ? 6.5 : 8));
    c_.Fit(x + 2.5, y + 5, w - 5, 3.8, Text(Label::kPostalText, NoticeLanguage::kItalianOnly),
           Body(5));
    const double fw = w - 5;
    double fy = y + 10.5;
    fy += Field(x + 2.5, fy, fw, 4.5, Label::kOnAccount, d_.creditor.postal_account, Value(9));
    fy += Field(x + 2.5, fy, fw, 5, Label::kHolder, Holder(), Value(7.5));
    fy += Field(x + 2.5, fy, fw, 5, Label::kAmount, "Euro " + FormatAmountItalian(p.amount_cents),
                Value(10));
    c_.Symbol(x + 1.5, fy, kCodeSize + 4, *codes.data_matrix, 2);
    fy += kCodeSize + 5;
    fy += Field(x + 2.5, fy, fw, 4.5, Label::kNoticeCode, GroupNoticeNumber(p.notice_number),
                Value(9));
    const double half = (fw - 3) / 2;
    Field(x + 2.5, fy, half, 4.5, Label::kType, "P1", Value(9));
    fy += Field(x + 2.5 + half + 3, fy, half, 4.5, Label::kCreditorFiscalCode,
                d_.creditor.fiscal_code, Value(columns == 3 ? 8 : 9));
    if (columns == 2) {
      fy += Field(x + 2.5, fy, fw, 4.5, Label::kRecipientShort, d_.recipient.full_name);
    }
    Field(x + 2.5, fy, fw, std::max(4.0, y + h - fy - 9), Label::kSubject, d_.subject, Value(7.5));
    c_.Fit(x + 2.5, y + h - 5, fw, 4, d_.creditor.postal_authorization,
           Style{5.5, PANGO_WEIGHT_NORMAL, false, kAuth});
  }

 private:
  std::string Holder() const {
    return d_.creditor.postal_holder.empty() ? d_.creditor.name : d_.creditor.postal_holder;
  }

  Canvas& c_;
  const NoticeDocument& d_;
  NoticeLanguage lang_;
};

// 3 per page when the plan divides by 3, else 2 when it divides by 2, else 3 (notice guide,
// "Rate multiple": groups of 2 or 3, the same module repeated on a page, never mixed).
int InstalmentColumns(std::size_t n) {
  if (n % 3 == 0) return 3;
  if (n % 2 == 0) return 2;
  return 3;
}

// --- PDF surface over a sink --------------------------------------------------------------------

class PdfStream {
 public:
  PdfStream(PdfSink sink, TimePoint created_at, const std::string& title) : sink_(std::move(sink)) {
    surface_ = cairo_pdf_surface_create_for_stream(&PdfStream::Write, this, kPageW * kPtPerMm,
                                                   kPageH * kPtPerMm);
    cairo_pdf_surface_restrict_to_version(surface_, CAIRO_PDF_VERSION_1_5);
    const std::string date = FormatDateTime(created_at);
    cairo_pdf_surface_set_metadata(surface_, CAIRO_PDF_METADATA_CREATE_DATE, date.c_str());
    cairo_pdf_surface_set_metadata(surface_, CAIRO_PDF_METADATA_MOD_DATE, date.c_str());
    cairo_pdf_surface_set_metadata(surface_, CAIRO_PDF_METADATA_CREATOR, "incasso");
    cairo_pdf_surface_set_metadata(surface_, CAIRO_PDF_METADATA_TITLE, ValidUtf8(title).c_str());
    cr_ = cairo_create(surface_);
    cairo_scale(cr_, kPtPerMm, kPtPerMm);
  }
  ~PdfStream() {
    if (cr_ != nullptr) cairo_destroy(cr_);
    if (surface_ != nullptr) cairo_surface_destroy(surface_);
  }
  PdfStream(const PdfStream&) = delete;
  PdfStream& operator=(const PdfStream&) = delete;

  cairo_t* cr() { return cr_; }

  Status ShowPage() {
    cairo_show_page(cr_);
    return Check();
  }

  Status Finish() {
    cairo_destroy(cr_);
    cr_ = nullptr;
    cairo_surface_finish(surface_);
    return Check();
  }

 private:
  static cairo_status_t Write(void* closure, const unsigned char* data, unsigned int length) {
    auto* self = static_cast<PdfStream*>(closure);
    if (!self->error_) {
      Status st = self->sink_(std::string_view(reinterpret_cast<const char*>(data), length));
      if (!st.ok()) self->error_ = st.error();
    }
    return self->error_ ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
  }

  Status Check() {
    if (error_) return *error_;
    const cairo_status_t status =
        cr_ != nullptr ? cairo_status(cr_) : cairo_surface_status(surface_);
    if (status != CAIRO_STATUS_SUCCESS) {
      return Internal("cannot write the PDF", cairo_status_to_string(status));
    }
    return Ok();
  }

  PdfSink sink_;
  std::optional<Error> error_;
  cairo_surface_t* surface_ = nullptr;
  cairo_t* cr_ = nullptr;
};

// --- Font maps: pango objects are not shared between threads; a small pool reuses them --------

class FontMapPool {
 public:
  explicit FontMapPool(FcConfig* config) : config_(config) {}
  ~FontMapPool() {
    for (PangoFontMap* m : free_) g_object_unref(m);
  }
  PangoFontMap* Acquire() {
    {
      std::lock_guard lock(mu_);
      if (!free_.empty()) {
        PangoFontMap* m = free_.back();
        free_.pop_back();
        return m;
      }
    }
    PangoFontMap* m = pango_cairo_font_map_new_for_font_type(CAIRO_FONT_TYPE_FT);
    pango_fc_font_map_set_config(PANGO_FC_FONT_MAP(m), config_);
    return m;
  }
  void Release(PangoFontMap* m) {
    std::lock_guard lock(mu_);
    free_.push_back(m);
  }

 private:
  FcConfig* config_;
  std::mutex mu_;
  std::vector<PangoFontMap*> free_;
};

// A pango context for one cairo context, unhinted so glyph positions do not depend on the device.
class TextContext {
 public:
  TextContext(FontMapPool& pool, cairo_t* cr) : pool_(pool), map_(pool.Acquire()) {
    pc_ = pango_font_map_create_context(map_);
    cairo_font_options_t* options = cairo_font_options_create();
    cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF);
    pango_cairo_context_set_font_options(pc_, options);
    cairo_font_options_destroy(options);
    pango_cairo_context_set_resolution(pc_, 72);
    pango_context_set_round_glyph_positions(pc_, FALSE);
    pango_cairo_update_context(cr, pc_);
  }
  ~TextContext() {
    g_object_unref(pc_);
    pool_.Release(map_);
  }
  TextContext(const TextContext&) = delete;
  TextContext& operator=(const TextContext&) = delete;
  PangoContext* get() { return pc_; }

 private:
  FontMapPool& pool_;
  PangoFontMap* map_;
  PangoContext* pc_ = nullptr;
};

// Draws every page of one notice onto the stream.
Status DrawNotice(PdfStream& pdf, FontMapPool& pool, const std::string& family,
                  const NoticeDocument& d) {
  INCASSO_TRY(ValidateNotice(d));
  // Encode every code first: a payload error leaves no half-drawn page behind.
  std::optional<PaymentCodes> single_codes;
  if (d.single) {
    auto codes = EncodePayment(d, *d.single, "single");
    if (!codes.ok()) return codes.error();
    single_codes = std::move(*codes);
  }
  std::vector<PaymentCodes> codes;
  codes.reserve(d.instalments.size());
  for (std::size_t i = 0; i < d.instalments.size(); ++i) {
    auto c = EncodePayment(d, d.instalments[i], fmt::format("instalments[{}]", i));
    if (!c.ok()) return c.error();
    codes.push_back(std::move(*c));
  }
  const bool postal = !d.creditor.postal_account.empty();
  const int columns = InstalmentColumns(d.instalments.size());
  const int instalment_pages =
      static_cast<int>((d.instalments.size() + static_cast<std::size_t>(columns) - 1) /
                       static_cast<std::size_t>(columns));
  const int pages = 1 + instalment_pages;

  TextContext text(pool, pdf.cr());
  Canvas canvas(pdf.cr(), text.get(), family);
  NoticePainter painter(canvas, d);

  // Page 1.
  painter.Header(kMargin, "");
  painter.Parties(kMargin + 31);
  painter.AmountAndWhere(kMargin + 78, 62);
  double y = kMargin + 142;
  canvas.Fit(kMargin, y, kContentW, 7,
             painter.bilingual() ? Text(Label::kUsePortion, NoticeLanguage::kItalianOnly) + " " +
                                       Text(Label::kUsePortion, d.language)
                                 : Text(Label::kUsePortion, NoticeLanguage::kItalianOnly),
             Value(8));
  y += 8;
  if (d.single) {
    painter.BankSingle(y, *d.single, *single_codes);
    if (postal) painter.PostalSingle(y + 60, *d.single, *single_codes);
  } else {
    painter.PlanSummary(y);
  }
  if (pages > 1) painter.PageNumber(1, pages);
  INCASSO_TRY(pdf.ShowPage());

  // Instalment pages: one group of `columns` per page, the postal slips under their bank modules.
  const double gap = 4;
  const double w = (kContentW - gap * (columns - 1)) / columns;
  for (int page = 0; page < instalment_pages; ++page) {
    painter.InstalmentHeader(page + 2, pages);
    const double bank_y = kMargin + 21;
    const double bank_h = 112;
    for (int col = 0; col < columns; ++col) {
      const std::size_t i = static_cast<std::size_t>(page * columns + col);
      if (i >= d.instalments.size()) break;
      const double x = kMargin + col * (w + gap);
      painter.BankModule(x, bank_y, w, bank_h, static_cast<int>(i) + 1, d.instalments[i], codes[i],
                         columns);
      if (postal) {
        painter.PostalModule(x, bank_y + bank_h + 4, w, kPageH - 14 - (bank_y + bank_h + 4),
                             d.instalments[i], codes[i], columns);
      }
    }
    INCASSO_TRY(pdf.ShowPage());
  }
  return Ok();
}

Status DrawReceipt(PdfStream& pdf, FontMapPool& pool, const std::string& family,
                   const ReceiptDocument& d) {
  const Receipt& r = d.receipt;
  TextContext text(pool, pdf.cr());
  Canvas c(pdf.cr(), text.get(), family);
  c.Text(kMargin, kMargin, 140, "RICEVUTA DI PAGAMENTO", Heading(9));
  c.Fit(kMargin, kMargin + 5, 140, 16, d.subject.empty() ? d.creditor_name : d.subject,
        Style{15, PANGO_WEIGHT_BOLD, false, kInk});
  c.Text(150, kMargin + 1, 50, "pagoPA",
         Style{10, PANGO_WEIGHT_BOLD, false, kBlue, PANGO_ALIGN_RIGHT});
  c.Rule(kMargin, kMargin + 24, kPageW - kMargin, kMargin + 24, kBlue, 0.5);

  double y = kMargin + 28;
  auto row = [&](const std::string& label, const std::string& value, Style s = Value(9.5)) {
    if (value.empty()) return;
    c.Text(kMargin, y + 0.6, 60, label, Caption(7.5));
    const double h = c.Fit(kMargin + 62, y, kContentW - 62, 12, value, s);
    y += std::max(h, 4.5) + 1.8;
    c.Rule(kMargin, y - 0.9, kPageW - kMargin, y - 0.9);
  };
  auto party = [](const Debtor& p) {
    std::string s = p.full_name;
    if (!p.fiscal_code.empty() && p.fiscal_code != "ANONIMO") s += " (" + p.fiscal_code + ")";
    return s;
  };
  row("Esito", r.outcome == "OK" ? "Pagamento eseguito" : "Esito " + r.outcome);
  row("Importo pagato", "Euro " + FormatAmountItalian(r.amount),
      Style{13, PANGO_WEIGHT_BOLD, false, kInk});
  if (r.fee) row("Commissione", "Euro " + FormatAmountItalian(*r.fee));
  if (r.payment_date_time) row("Data e ora del pagamento", DateTimeText(*r.payment_date_time));
  row("Ente creditore", d.creditor_name + " (Cod. Fiscale " + d.creditor_fiscal_code + ")");
  row("Oggetto del pagamento", d.subject);
  row("Codice avviso", GroupNoticeNumber(r.notice_number));
  row("Codice IUV", r.iuv);
  row("Debitore", party(r.debtor));
  if (r.payer) row("Pagatore", party(*r.payer));
  std::string psp = r.psp_company_name;
  if (!r.psp_id.empty()) psp += " (" + r.psp_id + ")";
  row("Prestatore di servizi di pagamento", psp);
  row("Canale", r.channel_description.empty() ? r.channel_id : r.channel_description);
  row("Metodo di pagamento", r.payment_method);
  row("Identificativo ricevuta", r.receipt_id);
  if (!r.application_date.empty()) row("Data applicativa", r.application_date);

  y += 4;
  c.Text(kMargin, y, kContentW, "DESTINATARI DEL PAGAMENTO", Heading(8.5));
  y += 6;
  c.Band(kMargin, y, kContentW, 6, kBand);
  const Style head = Caption(7);
  c.Text(kMargin + 2, y + 1.2, 10, "#", head);
  c.Text(kMargin + 10, y + 1.2, 35, "Ente (Cod. Fiscale)", head);
  c.Text(kMargin + 47, y + 1.2, 58, "IBAN", head);
  c.Text(kMargin + 107, y + 1.2, 55, "Causale", head);
  c.Text(kMargin + 160, y + 1.2, 28, "Importo", Style{7, 400, false, kGrey, PANGO_ALIGN_RIGHT});
  y += 7;
  for (const auto& t : r.transfers) {
    if (y > kPageH - 25) break;  // at most 5 transfers (paForNode): never reached
    const Style s = Body(7.5);
    const std::string fc = t.entity_fiscal_code.empty() ? r.fiscal_code : t.entity_fiscal_code;
    double h = c.Text(kMargin + 2, y, 8, std::to_string(t.id_transfer), s);
    h = std::max(h, c.Fit(kMargin + 10, y, 35, 8, fc, s));
    h = std::max(h,
                 c.Fit(kMargin + 47, y, 58, 8,
                       t.iban.empty() ? (t.stamp ? "marca da bollo digitale" : "-") : t.iban, s));
    h = std::max(h, c.Fit(kMargin + 107, y, 52, 12, t.remittance_information, s));
    c.Text(kMargin + 160, y, 28, "Euro " + FormatAmountItalian(t.amount),
           Style{7.5, PANGO_WEIGHT_SEMIBOLD, false, kInk, PANGO_ALIGN_RIGHT});
    y += h + 1.5;
    c.Rule(kMargin, y - 0.7, kPageW - kMargin, y - 0.7);
  }
  c.Fit(kMargin, kPageH - 18, kContentW, 8,
        "Ricevuta telematica del sistema pagoPA ricevuta dall'ente creditore il " +
            DateTimeText(r.received_at) + "; documento generato il " + DateTimeText(d.created_at) +
            ".",
        Body(6.5));
  return pdf.ShowPage();
}

class Book final : public NoticeBook {
 public:
  Book(PdfSink sink, TimePoint created_at, FontMapPool& pool, const std::string& family)
      : pdf_(std::move(sink), created_at, "Avvisi di pagamento"), pool_(pool), family_(family) {}

  Status Add(const NoticeDocument& doc) override {
    if (finished_) return Internal("the book is finished");
    // Validate and encode before drawing so that a bad notice adds no page.
    INCASSO_TRY(ValidateNotice(doc));
    return DrawNotice(pdf_, pool_, family_, doc);
  }
  Status Finish() override {
    if (finished_) return Ok();
    finished_ = true;
    return pdf_.Finish();
  }

 private:
  PdfStream pdf_;
  FontMapPool& pool_;
  const std::string& family_;
  bool finished_ = false;
};

class CairoRenderer final : public PdfRenderer {
 public:
  explicit CairoRenderer(const RendererOptions& options)
      : fonts_(options.use_embedded_fonts), pool_(fonts_.config()) {}

  Result<std::string> RenderNotice(const NoticeDocument& doc) const override {
    std::string out;
    PdfStream pdf(
        [&out](std::string_view bytes) {
          out.append(bytes);
          return Ok();
        },
        doc.created_at, "Avviso di pagamento");
    INCASSO_TRY(DrawNotice(pdf, pool_, fonts_.family(), doc));
    INCASSO_TRY(pdf.Finish());
    return out;
  }

  Result<std::string> RenderReceipt(const ReceiptDocument& doc) const override {
    std::string out;
    PdfStream pdf(
        [&out](std::string_view bytes) {
          out.append(bytes);
          return Ok();
        },
        doc.created_at, "Ricevuta di pagamento");
    INCASSO_TRY(DrawReceipt(pdf, pool_, fonts_.family(), doc));
    INCASSO_TRY(pdf.Finish());
    return out;
  }

  Result<std::unique_ptr<NoticeBook>> StartBook(PdfSink sink, TimePoint created_at) const override {
    return std::unique_ptr<NoticeBook>(
        std::make_unique<Book>(std::move(sink), created_at, pool_, fonts_.family()));
  }

  std::string FontFamily() const override { return fonts_.family(); }

 private:
  FontSetup fonts_;
  mutable FontMapPool pool_;
};

}  // namespace

std::unique_ptr<PdfRenderer> NewPdfRenderer(const RendererOptions& options) {
  return std::make_unique<CairoRenderer>(options);
}

}  // namespace incasso::render
