#include "render/codes.hpp"

#include <dmtx.h>
#include <fmt/format.h>
#include <qrencode.h>

#include <memory>

#include "core/money.hpp"

namespace incasso::render {
namespace {

bool AllDigits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::string LeftPad(std::string_view s, std::size_t width, char fill) {
  std::string out;
  if (s.size() < width) out.assign(width - s.size(), fill);
  out.append(s);
  return out;
}

// Cut or space-pad to exactly `width` characters.
std::string Fixed(std::string_view s, std::size_t width) {
  std::string out(s.substr(0, width));
  out.resize(width, ' ');
  return out;
}

// Base letter of a Latin-1 Supplement / Latin Extended-A code point, or 0.
char BaseLetter(char32_t cp) {
  // Generated from Unicode NFD decompositions; ' ' = no ASCII base letter.
  static constexpr std::string_view kLatin1 =  // U+00C0 .. U+00FF
      "AAAAAA CEEEEIIII NOOOOO  UUUUY  aaaaaa ceeeeiiii nooooo  uuuuy y";
  static constexpr std::string_view kExtA =  // U+0100 .. U+017F
      "AaAaAaCcCcCcCcDd  EeEeEeEeEeGgGgGgGgHh  IiIiIiIiI   JjKk LlLlLl    NnNnNn   OoOoOo  "
      "RrRrRrSsSsSs"
      "SsTtTt  UuUuUuUuUuUuWwYyYZzZzZz ";
  static_assert(kLatin1.size() == 64 && kExtA.size() == 128);
  char c = 0;
  if (cp >= 0xC0 && cp <= 0xFF) c = kLatin1[cp - 0xC0];
  if (cp >= 0x100 && cp <= 0x17F) c = kExtA[cp - 0x100];
  return c == ' ' ? 0 : c;
}

}  // namespace

std::string FoldToAscii(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      out.push_back(c >= 0x20 && c != 0x7F ? static_cast<char>(c) : ' ');
      ++i;
      continue;
    }
    int len = (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
    char32_t cp = len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
    bool valid = len > 1 && i + static_cast<std::size_t>(len) <= s.size();
    for (int k = 1; valid && k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
      if ((cc & 0xC0) != 0x80) valid = false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    const char base = valid ? BaseLetter(cp) : 0;
    out.push_back(base != 0 ? base : ' ');
    i += valid ? static_cast<std::size_t>(len) : 1;
  }
  return out;
}

Result<std::string> PagoPaQrPayload(std::string_view notice_number,
                                    std::string_view creditor_fiscal_code,
                                    std::int64_t amount_cents) {
  if (notice_number.size() != 18 || !AllDigits(notice_number)) {
    return InvalidArgument("noticeNumber", "must be 18 digits");
  }
  if (creditor_fiscal_code.size() != 11 || !AllDigits(creditor_fiscal_code)) {
    return InvalidArgument("creditorFiscalCode", "must be 11 digits");
  }
  INCASSO_TRY(CheckAmountCents(amount_cents, "amount"));
  return fmt::format("PAGOPA|002|{}|{}|{}", notice_number, creditor_fiscal_code, amount_cents);
}

Result<std::string> PosteDataMatrixPayload(const PosteDataMatrixFields& f) {
  if (f.notice_number.size() != 18 || !AllDigits(f.notice_number)) {
    return InvalidArgument("noticeNumber", "must be 18 digits");
  }
  if (f.postal_account.empty() || f.postal_account.size() > 12 || !AllDigits(f.postal_account)) {
    return InvalidArgument("postalAccount", "must be 1 to 12 digits");
  }
  // The DataMatrix has 10 digits for the amount: the Bollettino Postale PA takes at most
  // 99.999.999,99 euro.
  if (f.amount_cents < 1 || f.amount_cents > 9'999'999'999) {
    return InvalidArgument(
        "amount", "must be between 0,01 and 99.999.999,99 euro on a Bollettino Postale PA");
  }
  if (f.creditor_fiscal_code.empty() || f.creditor_fiscal_code.size() > 11) {
    return InvalidArgument("creditorFiscalCode", "must be 1 to 11 characters");
  }
  std::string out;
  out.reserve(256);
  out += "codfase=NBPA;";
  out += "18" + f.notice_number;
  out += "12" + LeftPad(f.postal_account, 12, '0');
  out += "10" + LeftPad(std::to_string(f.amount_cents), 10, '0');
  out += "3896";
  out += "1P1";
  out += Fixed(FoldToAscii(f.creditor_fiscal_code), 11);
  out += Fixed(FoldToAscii(f.debtor_fiscal_code), 16);
  out += Fixed(FoldToAscii(f.debtor_full_name), 40);
  out += Fixed(FoldToAscii(f.subject), 110);
  out += std::string(12, ' ');
  out += "A";
  return out;
}

Result<ModuleMatrix> EncodeQr(std::string_view payload) {
  const std::string text(payload);
  std::unique_ptr<QRcode, decltype(&QRcode_free)> qr(
      QRcode_encodeString8bit(text.c_str(), 4, QR_ECLEVEL_M), &QRcode_free);
  if (!qr) return Internal("cannot encode the QR code", "QRcode_encodeString8bit failed");
  if (qr->version != 4) {
    return InvalidArgument("qrCode", "the payload does not fit a version 4 QR code");
  }
  ModuleMatrix m;
  m.width = m.height = qr->width;
  m.dark.resize(static_cast<std::size_t>(qr->width * qr->width));
  for (int i = 0; i < qr->width * qr->width; ++i) {
    m.dark[static_cast<std::size_t>(i)] = (qr->data[i] & 1) != 0;
  }
  return m;
}

Result<ModuleMatrix> EncodeDataMatrix(std::string_view payload) {
  std::unique_ptr<DmtxEncode, void (*)(DmtxEncode*)> enc(dmtxEncodeCreate(), [](DmtxEncode* e) {
    if (e != nullptr) dmtxEncodeDestroy(&e);
  });
  if (!enc) return Internal("cannot encode the DataMatrix", "dmtxEncodeCreate failed");
  dmtxEncodeSetProp(enc.get(), DmtxPropScheme, DmtxSchemeAscii);
  dmtxEncodeSetProp(enc.get(), DmtxPropSizeRequest, DmtxSymbolSquareAuto);
  dmtxEncodeSetProp(enc.get(), DmtxPropMarginSize, 0);
  dmtxEncodeSetProp(enc.get(), DmtxPropModuleSize, 1);
  std::string data(payload);
  if (dmtxEncodeDataMatrix(enc.get(), static_cast<int>(data.size()),
                           reinterpret_cast<unsigned char*>(data.data())) != DmtxPass) {
    return InvalidArgument("dataMatrix", "the payload does not fit a DataMatrix symbol");
  }
  const int size_idx = enc->region.sizeIdx;
  const int rows = dmtxGetSymbolAttribute(DmtxSymAttribSymbolRows, size_idx);
  const int cols = dmtxGetSymbolAttribute(DmtxSymAttribSymbolCols, size_idx);
  ModuleMatrix m;
  m.width = cols;
  m.height = rows;
  m.dark.resize(static_cast<std::size_t>(rows * cols));
  // libdmtx counts symbol rows from the bottom.
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < cols; ++c) {
      const bool on = (dmtxSymbolModuleStatus(enc->message, size_idx, r, c) & DmtxModuleOnRGB) != 0;
      m.dark[static_cast<std::size_t>((rows - 1 - r) * cols + c)] = on;
    }
  }
  return m;
}

std::string GroupNoticeNumber(std::string_view n) {
  std::string out;
  for (std::size_t i = 0; i < n.size(); ++i) {
    if (i > 0 && i % 4 == 0) out.push_back(' ');
    out.push_back(n[i]);
  }
  return out;
}

}  // namespace incasso::render
