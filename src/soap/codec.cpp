#include "soap/codec.hpp"

#include <fmt/format.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <utility>
#include <vector>

#include "core/money.hpp"
#include "core/time.hpp"

namespace incasso::soap {
namespace {

// --- operations ----------------------------------------------------------------------------------

struct OpInfo {
  Operation op;
  std::string_view name;      // WSDL operation = SOAPAction
  std::string_view request;   // Body element of the request
  std::string_view response;  // Body element of the response
};

// Indexed by Operation (pagopa-notes.md §1.1 table).
constexpr std::array<OpInfo, 6> kOps = {{
    {Operation::kVerifyPaymentNotice, "paVerifyPaymentNotice", "paVerifyPaymentNoticeReq",
     "paVerifyPaymentNoticeRes"},
    {Operation::kGetPayment, "paGetPayment", "paGetPaymentReq", "paGetPaymentRes"},
    {Operation::kGetPaymentV2, "paGetPaymentV2", "paGetPaymentV2Request", "paGetPaymentV2Response"},
    {Operation::kSendRT, "paSendRT", "paSendRTReq", "paSendRTRes"},
    {Operation::kSendRTV2, "paSendRTV2", "paSendRTV2Request", "paSendRTV2Response"},
    {Operation::kDemandPaymentNotice, "paDemandPaymentNotice", "paDemandPaymentNoticeRequest",
     "paDemandPaymentNoticeResponse"},
}};

const OpInfo& Info(Operation op) { return kOps[static_cast<std::size_t>(op)]; }

std::optional<Operation> OpFromRequestElement(std::string_view local_name) {
  for (const OpInfo& i : kOps) {
    if (i.request == local_name) return i.op;
  }
  return std::nullopt;
}

// SOAPAction as the node sends it ("paVerifyPaymentNotice"), quoted or not; a URI form
// ("http://.../paVerifyPaymentNotice") is reduced to its last segment.
std::optional<Operation> OpFromSoapAction(std::string_view action) {
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!action.empty() && is_space(action.front())) action.remove_prefix(1);
  while (!action.empty() && is_space(action.back())) action.remove_suffix(1);
  if (action.size() >= 2 && action.front() == '"' && action.back() == '"') {
    action = action.substr(1, action.size() - 2);
  }
  const std::size_t cut = action.find_last_of("/#");
  if (cut != std::string_view::npos) action = action.substr(cut + 1);
  for (const OpInfo& i : kOps) {
    if (i.name == action) return i.op;
  }
  return std::nullopt;
}

// Only for a body that could not be parsed and came without a usable SOAPAction: the first
// request element name in the first 64 KiB, as "<name" or ":name" followed by a delimiter. It only
// chooses which response element carries the syntax fault.
std::optional<Operation> ScanForOperation(std::string_view body) {
  body = body.substr(0, 64 * 1024);
  std::optional<Operation> best;
  std::size_t best_pos = std::string_view::npos;
  for (const OpInfo& i : kOps) {
    for (std::size_t pos = body.find(i.request); pos != std::string_view::npos && pos < best_pos;
         pos = body.find(i.request, pos + 1)) {
      const std::size_t end = pos + i.request.size();
      const bool opened = pos > 0 && (body[pos - 1] == '<' || body[pos - 1] == ':');
      const bool closed = end < body.size() &&
                          std::string_view(" \t\r\n/>").find(body[end]) != std::string_view::npos;
      if (opened && closed) {
        best = i.op;
        best_pos = pos;
        break;
      }
    }
  }
  return best;
}

// --- text helpers --------------------------------------------------------------------------------

bool IsXmlSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool IsBlank(std::string_view s) {
  for (char c : s) {
    if (!IsXmlSpace(c)) return false;
  }
  return true;
}

// xsd whiteSpace="collapse" for the types that use it (decimal, boolean, int, date, dateTime,
// base64Binary): leading and trailing whitespace does not count.
std::string_view Collapse(std::string_view s) {
  while (!s.empty() && IsXmlSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsXmlSpace(s.back())) s.remove_suffix(1);
  return s;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool AllDigits(std::string_view s, std::size_t n) {
  if (s.size() != n) return false;
  for (char c : s) {
    if (!IsDigit(c)) return false;
  }
  return true;
}

// Decodes one code point at s[i]; false (and i advanced by one) on an invalid sequence.
bool NextCodePoint(std::string_view s, std::size_t& i, std::uint32_t& cp) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) {
    cp = c;
    ++i;
    return true;
  }
  int n = 0;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 1;
    cp = c & 0x1Fu;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 2;
    cp = c & 0x0Fu;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 3;
    cp = c & 0x07u;
  } else {
    ++i;
    return false;
  }
  if (i + static_cast<std::size_t>(n) >= s.size()) {
    ++i;
    return false;
  }
  for (int k = 1; k <= n; ++k) {
    const auto b = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
    if ((b & 0xC0) != 0x80) {
      ++i;
      return false;
    }
    cp = (cp << 6) | (b & 0x3Fu);
  }
  if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
      (cp >= 0xD800 && cp <= 0xDFFF)) {
    ++i;
    return false;
  }
  i += static_cast<std::size_t>(n) + 1;
  return true;
}

bool IsXmlChar(std::uint32_t cp) {
  if (cp < 0x20) return cp == 0x9 || cp == 0xA || cp == 0xD;
  return cp != 0xFFFE && cp != 0xFFFF;
}

void AppendUtf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Text an XML document can carry, cut to `max_chars` characters: invalid UTF-8 becomes U+FFFD,
// characters XML 1.0 forbids become a space.
std::string CleanText(std::string_view s, std::size_t max_chars) {
  std::string out;
  out.reserve(s.size() < 256 ? s.size() : 256);
  std::size_t chars = 0;
  for (std::size_t i = 0; i < s.size() && chars < max_chars; ++chars) {
    std::uint32_t cp = 0;
    if (!NextCodePoint(s, i, cp)) cp = 0xFFFD;
    if (!IsXmlChar(cp)) cp = cp < 0x20 ? 0x20 : 0xFFFD;
    AppendUtf8(out, cp);
  }
  return out;
}

// True when `s` is valid UTF-8 made only of characters XML can carry.
bool IsCleanText(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    std::uint32_t cp = 0;
    if (!NextCodePoint(s, i, cp) || !IsXmlChar(cp)) return false;
  }
  return true;
}

// Characters (code points) of text that is already valid UTF-8 (ParseXml checked the document).
std::size_t CharCount(std::string_view s) {
  std::size_t n = 0;
  for (char c : s) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

// An element name fit to quote in a fault description.
std::string SafeName(std::string_view name) {
  std::string out;
  for (char c : name.substr(0, 40)) {
    const bool ok = IsDigit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' ||
                    c == '-' || c == '.';
    out += ok ? c : '?';
  }
  return out;
}

bool IsBase64(std::string_view s) {
  // xsd:base64Binary after whitespace collapse: whitespace between characters is allowed.
  std::size_t n = 0;
  std::size_t pad = 0;
  for (char c : s) {
    if (IsXmlSpace(c)) continue;
    const bool alpha =
        (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || IsDigit(c) || c == '+' || c == '/';
    if (c == '=') {
      ++pad;
    } else if (!alpha || pad > 0) {
      return false;
    }
    ++n;
  }
  return n % 4 == 0 && pad <= 2;
}

std::string WithoutSpaces(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (!IsXmlSpace(c)) out += c;
  }
  return out;
}

bool IsUpper2(std::string_view s) {
  return s.size() == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z';
}

// stEMail: [a-zA-Z0-9_\.\+\-]+@[a-zA-Z0-9\-]+(\.[a-zA-Z0-9\-]+)*, at most 256.
bool IsEmail(std::string_view s) {
  if (s.size() > 256) return false;
  const std::size_t at = s.find('@');
  if (at == std::string_view::npos || at == 0) return false;
  auto alnum = [](char c) {
    return IsDigit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-';
  };
  for (char c : s.substr(0, at)) {
    if (!alnum(c) && c != '_' && c != '.' && c != '+') return false;
  }
  const std::string_view domain = s.substr(at + 1);
  if (domain.empty() || domain.front() == '.' || domain.back() == '.') return false;
  char prev = '.';
  for (char c : domain) {
    if (c == '.') {
      if (prev == '.') return false;
    } else if (!alnum(c)) {
      return false;
    }
    prev = c;
  }
  return true;
}

// stAmount: pattern \d+\.\d{2}, at most 999999999.99 (sac-common-types-1.0.xsd).
std::optional<std::int64_t> ParseXsdAmount(std::string_view raw) {
  const std::string_view v = Collapse(raw);
  const std::size_t dot = v.find('.');
  if (dot == std::string_view::npos || dot == 0 || v.size() - dot != 3) return std::nullopt;
  std::int64_t euros = 0;
  for (char c : v.substr(0, dot)) {
    if (!IsDigit(c)) return std::nullopt;
    euros = euros * 10 + (c - '0');
    if (euros > kMaxAmountCents / 100) return -1;  // numeric, but too large
  }
  if (!IsDigit(v[dot + 1]) || !IsDigit(v[dot + 2])) return std::nullopt;
  return euros * 100 + (v[dot + 1] - '0') * 10 + (v[dot + 2] - '0');
}

// --- request checking ----------------------------------------------------------------------------

// The first problem found; later checks become no-ops once one is recorded.
class Check {
 public:
  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }
  void Fail(std::string_view path, std::string_view reason) {
    if (!error_.empty()) return;
    error_ = path.empty() ? std::string(reason) : fmt::format("{}: {}", path, reason);
  }

 private:
  std::string error_;
};

// An element found by Seq with its path for messages; absent when e is not valid().
struct Field {
  XmlElement e;
  std::string path;
  bool present() const { return e.valid(); }
};

// Walks the children of a complex element in XSD sequence order: each call consumes the next
// child if it has the asked name. Children must be unqualified; kPaForNodeNs is tolerated.
class Seq {
 public:
  Seq(Check& check, XmlElement parent, std::string path) : check_(check), path_(std::move(path)) {
    if (check_.failed() || !parent.valid()) return;
    children_ = parent.Children();
    if (!IsBlank(parent.Text())) {
      check_.Fail(path_.empty() ? SafeName(parent.LocalName()) : path_, "must not contain text");
    }
  }

  std::string PathOf(std::string_view name) const {
    return path_.empty() ? std::string(name) : fmt::format("{}/{}", path_, name);
  }

  Field Optional(std::string_view name) {
    if (check_.failed() || next_ >= children_.size()) return {};
    XmlElement e = children_[next_];
    if (e.LocalName() != name) return {};
    const std::string_view ns = e.NamespaceUri();
    if (!ns.empty() && ns != kPaForNodeNs) {
      check_.Fail(PathOf(name), "must have no namespace");
      return {};
    }
    ++next_;
    seen_.push_back(name);
    return Field{e, PathOf(name)};
  }

  Field Required(std::string_view name) { return Required(name, name); }

  // `what` names the alternatives in the message, e.g. "IBAN or MBDAttachment".
  Field Required(std::string_view name, std::string_view what) {
    Field f = Optional(name);
    if (!f.present()) Missing(what);
    return f;
  }

  std::vector<Field> Repeated(std::string_view name, int min, int max) {
    std::vector<Field> out;
    while (static_cast<int>(out.size()) < max) {
      Field f = Optional(name);
      if (!f.present()) break;
      f.path = fmt::format("{}[{}]", f.path, out.size() + 1);
      out.push_back(std::move(f));
      seen_.pop_back();
    }
    if (!out.empty()) seen_.push_back(name);
    if (check_.failed()) return out;
    if (static_cast<int>(out.size()) < min) {
      Missing(name);
    } else if (next_ < children_.size() && children_[next_].LocalName() == name) {
      check_.Fail(PathOf(name), fmt::format("occurs more than {} times", max));
    }
    return out;
  }

  // No child may be left over.
  void End() {
    if (check_.failed() || next_ >= children_.size()) return;
    const std::string_view found = children_[next_].LocalName();
    if (Seen(found)) {
      check_.Fail(PathOf(SafeName(found)), "occurs more than once");
    } else {
      check_.Fail(PathOf(SafeName(found)), "is not expected here");
    }
  }

 private:
  bool Seen(std::string_view name) const {
    for (std::string_view s : seen_) {
      if (s == name) return true;
    }
    return false;
  }

  void Missing(std::string_view what) {
    if (check_.failed()) return;
    if (next_ >= children_.size()) {
      check_.Fail(PathOf(what), "is missing");
      return;
    }
    const std::string_view found = children_[next_].LocalName();
    if (Seen(found)) {
      check_.Fail(PathOf(SafeName(found)), "occurs more than once");
    } else {
      check_.Fail(PathOf(what), fmt::format("is missing (found {} in its place)", SafeName(found)));
    }
  }

  Check& check_;
  std::string path_;
  std::vector<XmlElement> children_;
  std::size_t next_ = 0;
  std::vector<std::string_view> seen_;  // names of consumed children (string literals)
};

// The text of a simple-typed element; fails if it has child elements.
bool SimpleText(Check& c, const Field& f, std::string& out) {
  if (c.failed() || !f.present()) return false;
  if (!f.e.Children().empty()) {
    c.Fail(f.path, "must not contain elements");
    return false;
  }
  out = f.e.Text();
  return true;
}

// xsd:string with minLength/maxLength (stText*, stIBAN, ...), counted in characters.
std::string Text(Check& c, const Field& f, std::size_t min, std::size_t max) {
  std::string v;
  if (!SimpleText(c, f, v)) return {};
  const std::size_t n = CharCount(v);
  if (n == 0 && min > 0) {
    c.Fail(f.path, "is empty");
  } else if (min == max && n != min) {
    c.Fail(f.path, fmt::format("must be {} characters long", min));
  } else if (n < min) {
    c.Fail(f.path, fmt::format("is shorter than {} characters", min));
  } else if (n > max) {
    c.Fail(f.path, fmt::format("is longer than {} characters", max));
  }
  return v;
}

std::string FiscalCodePA(Check& c, const Field& f) {
  std::string v;
  if (!SimpleText(c, f, v)) return {};
  if (!AllDigits(v, 11)) c.Fail(f.path, "must be 11 digits");
  return v;
}

std::string NoticeNumber(Check& c, const Field& f) {
  std::string v;
  if (!SimpleText(c, f, v)) return {};
  if (!AllDigits(v, 18)) c.Fail(f.path, "must be 18 digits");
  return v;
}

std::string Enumerated(Check& c, const Field& f, std::initializer_list<std::string_view> values) {
  std::string v;
  if (!SimpleText(c, f, v)) return {};
  for (std::string_view allowed : values) {
    if (v == allowed) return v;
  }
  std::string list;
  for (std::string_view allowed : values) {
    if (!list.empty()) list += ", ";
    list += allowed;
  }
  c.Fail(f.path, fmt::format("must be one of {}", list));
  return {};
}

std::int64_t Amount(Check& c, const Field& f, bool not_zero) {
  std::string v;
  if (!SimpleText(c, f, v)) return 0;
  const auto cents = ParseXsdAmount(v);
  if (!cents) {
    c.Fail(f.path, "must be an amount with two decimals, like 12.34");
  } else if (*cents < 0) {
    c.Fail(f.path, "is more than 999999999.99");
  } else if (not_zero && *cents == 0) {
    c.Fail(f.path, "must not be zero");
  } else {
    return *cents;
  }
  return 0;
}

bool Boolean(Check& c, const Field& f) {
  std::string v;
  if (!SimpleText(c, f, v)) return false;
  const std::string_view b = Collapse(v);
  if (b == "true" || b == "1") return true;
  if (b == "false" || b == "0") return false;
  c.Fail(f.path, "must be true or false");
  return false;
}

// stIdTransfer: xsd:int restricted to 1..5.
int IdTransfer(Check& c, const Field& f) {
  std::string v;
  if (!SimpleText(c, f, v)) return 0;
  std::string_view s = Collapse(v);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  int value = 0;
  bool ok = !s.empty() && s.size() <= 10;
  for (char ch : s) {
    if (!IsDigit(ch)) ok = false;
    if (ok) value = value * 10 + (ch - '0');
    if (value > 5) ok = false;
  }
  if (!ok || value < 1) {
    c.Fail(f.path, "must be a number from 1 to 5");
    return 0;
  }
  return value;
}

// stISODate (xsd:date): YYYY-MM-DD with an optional time zone, which does not change the day.
Date DateValue(Check& c, const Field& f) {
  std::string v;
  if (!SimpleText(c, f, v)) return {};
  const std::string_view s = Collapse(v);
  const std::string_view zone = s.size() > 10 ? s.substr(10) : std::string_view{};
  const bool zone_ok =
      zone.empty() || zone == "Z" ||
      (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && IsDigit(zone[1]) &&
       IsDigit(zone[2]) && zone[3] == ':' && IsDigit(zone[4]) && IsDigit(zone[5]) &&
       (zone[1] - '0') * 10 + (zone[2] - '0') <= 14 && zone[4] <= '5');
  auto d = ParseDate(s.substr(0, 10), f.path);
  if (!zone_ok || !d.ok()) {
    c.Fail(f.path, "must be a date as YYYY-MM-DD");
    return {};
  }
  return *d;
}

// stISODateTime (xsd:dateTime): YYYY-MM-DDThh:mm:ss[.fff][zone]; without a zone it is read as UTC
// (core/time.hpp contract).
TimePoint DateTimeValue(Check& c, const Field& f) {
  std::string v;
  if (!SimpleText(c, f, v)) return {};
  const std::string_view s = Collapse(v);
  if (s.size() < 19 || s[10] != 'T' || s[16] != ':') {
    c.Fail(f.path, "must be a date-time as YYYY-MM-DDThh:mm:ss");
    return {};
  }
  auto t = ParseDateTime(s, f.path);
  if (!t.ok()) {
    c.Fail(f.path, "must be a date-time as YYYY-MM-DDThh:mm:ss");
    return {};
  }
  return *t;
}

// xsd:base64Binary (optionally with a length bound on the collapsed text, for stBase64Binary72);
// returned without whitespace.
std::string Base64(Check& c, const Field& f, std::size_t min = 0,
                   std::size_t max = static_cast<std::size_t>(-1)) {
  std::string v;
  if (!SimpleText(c, f, v)) return {};
  const std::size_t n = CharCount(Collapse(v));
  if (!IsBase64(v)) {
    c.Fail(f.path, "must be base64");
  } else if (n < min || n > max) {
    c.Fail(f.path, fmt::format("must be {} to {} characters long", min, max));
  }
  return WithoutSpaces(v);
}

std::vector<Metadata> ParseMetadata(Check& c, const Field& f) {
  std::vector<Metadata> out;
  if (c.failed() || !f.present()) return out;
  Seq s(c, f.e, f.path);
  for (const Field& entry : s.Repeated("mapEntry", 1, kMaxMetadata)) {
    Seq m(c, entry.e, entry.path);
    Metadata md;
    md.key = Text(c, m.Required("key"), 1, 140);
    md.value = Text(c, m.Required("value"), 1, 140);
    m.End();
    out.push_back(std::move(md));
  }
  s.End();
  return out;
}

// ctSubject (debtor, payer).
Debtor ParseSubject(Check& c, const Field& f) {
  Debtor d;
  if (c.failed() || !f.present()) return d;
  Seq s(c, f.e, f.path);
  Field uid = s.Required("uniqueIdentifier");
  if (uid.present()) {
    Seq u(c, uid.e, uid.path);
    const std::string type = Enumerated(c, u.Required("entityUniqueIdentifierType"), {"F", "G"});
    d.type = type == "G" ? DebtorType::kLegal : DebtorType::kPerson;
    d.fiscal_code = Text(c, u.Required("entityUniqueIdentifierValue"), 2, 16);
    u.End();
  }
  d.full_name = Text(c, s.Required("fullName"), 1, 70);
  if (Field x = s.Optional("streetName"); x.present()) d.street_name = Text(c, x, 1, 70);
  if (Field x = s.Optional("civicNumber"); x.present()) d.civic_number = Text(c, x, 1, 16);
  if (Field x = s.Optional("postalCode"); x.present()) d.postal_code = Text(c, x, 1, 16);
  if (Field x = s.Optional("city"); x.present()) d.city = Text(c, x, 1, 35);
  // GPD maps its debtor province to stateProvinceRegion (pagopa-gpd-payments PartnerService).
  if (Field x = s.Optional("stateProvinceRegion"); x.present()) d.province = Text(c, x, 1, 35);
  if (Field x = s.Optional("country"); x.present()) {
    std::string v;
    if (SimpleText(c, x, v) && !IsUpper2(v)) c.Fail(x.path, "must be two capital letters");
    d.country = v;
  }
  if (Field x = s.Optional("e-mail"); x.present()) {
    std::string v;
    if (SimpleText(c, x, v) && !IsEmail(v)) c.Fail(x.path, "is not an e-mail address");
    d.email = v;
  }
  s.End();
  return d;
}

StationHeader ParseHeader(Check& c, Seq& s) {
  StationHeader h;
  h.id_pa = Text(c, s.Required("idPA"), 1, 35);
  h.id_broker_pa = Text(c, s.Required("idBrokerPA"), 1, 35);
  h.id_station = Text(c, s.Required("idStation"), 1, 35);
  return h;
}

void ParseQrCode(Check& c, const Field& f, std::string& fiscal_code, std::string& notice_number) {
  if (c.failed() || !f.present()) return;
  Seq q(c, f.e, f.path);
  fiscal_code = FiscalCodePA(c, q.Required("fiscalCode"));
  notice_number = NoticeNumber(c, q.Required("noticeNumber"));
  q.End();
}

VerifyNoticeQuery ParseVerify(Check& c, XmlElement payload) {
  VerifyNoticeQuery q;
  Seq s(c, payload, "");
  q.header = ParseHeader(c, s);
  ParseQrCode(c, s.Required("qrCode"), q.fiscal_code, q.notice_number);
  s.End();
  return q;
}

GetPaymentQuery ParseGetPayment(Check& c, XmlElement payload, int version) {
  GetPaymentQuery q;
  q.version = version;
  Seq s(c, payload, "");
  q.header = ParseHeader(c, s);
  ParseQrCode(c, s.Required("qrCode"), q.fiscal_code, q.notice_number);
  if (Field x = s.Optional("amount"); x.present()) q.amount = Amount(c, x, false);
  if (Field x = s.Optional("paymentNote"); x.present()) q.payment_note = Text(c, x, 1, 210);
  if (Field x = s.Optional("transferType"); x.present()) {
    q.transfer_type = Enumerated(c, x, {"POSTAL", "PAGOPA"});
  }
  if (Field x = s.Optional("dueDate"); x.present()) q.due_date = DateValue(c, x);
  s.End();
  return q;
}

// ctTransferListPA (V1) / ctTransferListPAReceiptV2 (V2).
std::vector<Transfer> ParseReceiptTransfers(Check& c, const Field& f, bool v2) {
  std::vector<Transfer> out;
  if (c.failed() || !f.present()) return out;
  Seq list(c, f.e, f.path);
  for (const Field& tf : list.Repeated("transfer", 1, kMaxTransfers)) {
    Seq s(c, tf.e, tf.path);
    Transfer t;
    t.id_transfer = IdTransfer(c, s.Required("idTransfer"));
    t.amount = Amount(c, s.Required("transferAmount"), true);
    t.entity_fiscal_code = FiscalCodePA(c, s.Required("fiscalCodePA"));
    if (v2) {
      if (Field x = s.Optional("companyName"); x.present()) t.company_name = Text(c, x, 1, 140);
      if (Field iban = s.Optional("IBAN"); iban.present()) {
        t.iban = Text(c, iban, 1, 35);
      } else {
        Field mbd = s.Required("MBDAttachment", "IBAN or MBDAttachment");
        Base64(c, mbd);
        t.stamp = Stamp{};  // a digital stamp; the attachment stays in original_xml
      }
    } else {
      t.iban = Text(c, s.Required("IBAN"), 1, 35);
    }
    t.remittance_information = Text(c, s.Required("remittanceInformation"), 1, 140);
    t.category = Text(c, s.Required("transferCategory"), 1, 140);
    t.metadata = ParseMetadata(c, s.Optional("metadata"));
    s.End();
    out.push_back(std::move(t));
  }
  list.End();
  return out;
}

// ctReceipt / ctReceiptV2.
Receipt ParseReceipt(Check& c, const Field& f, bool v2) {
  Receipt r;
  if (c.failed() || !f.present()) return r;
  Seq s(c, f.e, f.path);
  // xsd:string in the XSD; it is the paymentToken, stPaymentToken = 1..35 (extra-XSD check).
  r.receipt_id = Text(c, s.Required("receiptId"), 1, 35);
  r.notice_number = NoticeNumber(c, s.Required("noticeNumber"));
  r.fiscal_code = FiscalCodePA(c, s.Required("fiscalCode"));
  r.outcome = Enumerated(c, s.Required("outcome"), {"OK", "KO"});
  r.iuv = Text(c, s.Required("creditorReferenceId"), 1, 35);
  r.amount = Amount(c, s.Required("paymentAmount"), false);
  Text(c, s.Required("description"), 1, 140);
  Text(c, s.Required("companyName"), 1, 140);
  if (Field x = s.Optional("officeName"); x.present()) Text(c, x, 1, 140);
  r.debtor = ParseSubject(c, s.Required("debtor"));
  r.transfers = ParseReceiptTransfers(c, s.Required("transferList"), v2);
  r.psp_id = Text(c, s.Required("idPSP"), 1, 35);
  if (Field x = s.Optional("pspFiscalCode"); x.present()) r.psp_fiscal_code = Text(c, x, 1, 70);
  if (Field x = s.Optional("pspPartitaIVA"); x.present()) Text(c, x, 1, 20);
  r.psp_company_name = Text(c, s.Required("PSPCompanyName"), 1, 70);
  r.channel_id = Text(c, s.Required("idChannel"), 1, 35);
  r.channel_description = Text(c, s.Required("channelDescription"), 1, 35);
  if (Field x = s.Optional("payer"); x.present()) r.payer = ParseSubject(c, x);
  if (Field x = s.Optional("paymentMethod"); x.present()) r.payment_method = Text(c, x, 1, 35);
  if (v2) {
    if (Field x = s.Optional("paymentNote"); x.present()) r.payment_note = Text(c, x, 1, 210);
  }
  if (Field x = s.Optional("fee"); x.present()) r.fee = Amount(c, x, false);
  if (v2) {
    if (Field x = s.Optional("primaryCiIncurredFee"); x.present()) Amount(c, x, false);
    if (Field x = s.Optional("idBundle"); x.present()) Text(c, x, 1, 70);
    if (Field x = s.Optional("idCiBundle"); x.present()) Text(c, x, 1, 70);
  }
  if (Field x = s.Optional("paymentDateTime"); x.present()) {
    r.payment_date_time = DateTimeValue(c, x);
  }
  if (Field x = s.Optional("applicationDate"); x.present()) {
    r.application_date = FormatDate(DateValue(c, x));
  }
  if (Field x = s.Optional("transferDate"); x.present()) {
    r.transfer_date = FormatDate(DateValue(c, x));
  }
  r.metadata = ParseMetadata(c, s.Optional("metadata"));
  if (Field x = s.Optional("standIn"); x.present()) r.stand_in = Boolean(c, x);
  s.End();
  return r;
}

SendReceiptCommand ParseSendRT(Check& c, XmlElement payload, bool v2) {
  SendReceiptCommand cmd;
  Seq s(c, payload, "");
  cmd.header = ParseHeader(c, s);
  cmd.receipt = ParseReceipt(c, s.Required("receipt"), v2);
  s.End();
  cmd.receipt.source = v2 ? "paSendRTV2" : "paSendRT";
  return cmd;
}

DemandNoticeQuery ParseDemand(Check& c, XmlElement payload) {
  DemandNoticeQuery q;
  Seq s(c, payload, "");
  q.header = ParseHeader(c, s);
  q.service_id = Text(c, s.Required("idServizio"), 5, 5);
  q.subject_id = Text(c, s.Required("idSoggettoServizio"), 5, 5);
  q.service_data_base64 = Base64(c, s.Required("datiSpecificiServizioRequest"));
  s.End();
  return q;
}

// The header fields that are themselves valid, for the fault of a request refused later.
StationHeader BestEffortHeader(XmlElement payload) {
  StationHeader h;
  if (!payload.valid()) return h;
  auto read = [&](std::string_view name) -> std::string {
    for (const XmlElement& e : payload.Children()) {
      if (e.LocalName() != name) continue;
      const std::string_view ns = e.NamespaceUri();
      if ((!ns.empty() && ns != kPaForNodeNs) || !e.Children().empty()) return {};
      std::string v = e.Text();
      const std::size_t n = CharCount(v);
      return n >= 1 && n <= 35 ? v : std::string{};
    }
    return {};
  };
  h.id_pa = read("idPA");
  h.id_broker_pa = read("idBrokerPA");
  h.id_station = read("idStation");
  return h;
}

RequestError MakeRequestError(std::optional<Operation> op, StationHeader header,
                              std::string description) {
  RequestError err;
  err.operation = op;
  err.fault.code = std::string(SyntaxFaultCode(op));
  err.fault.description = std::move(description);
  err.fault.id = header.id_pa;
  err.header = std::move(header);
  return err;
}

// --- response writing ----------------------------------------------------------------------------

constexpr std::string_view kEnvelopeOpen =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" "
    "xmlns:pafn=\"http://pagopa-api.pagopa.gov.it/pa/paForNode.xsd\"><soapenv:Body>";
constexpr std::string_view kEnvelopeClose = "</soapenv:Body></soapenv:Envelope>";

std::string Envelope(Operation op, std::string_view inner) {
  const std::string_view name = Info(op).response;
  std::string out;
  out.reserve(kEnvelopeOpen.size() + kEnvelopeClose.size() + inner.size() + 2 * name.size() + 16);
  out += kEnvelopeOpen;
  out += "<pafn:";
  out += name;
  out += '>';
  out += inner;
  out += "</pafn:";
  out += name;
  out += '>';
  out += kEnvelopeClose;
  return out;
}

constexpr std::size_t kMaxFaultDescription = 1024;

// Appends elements to `out`, checking each value against its XSD type (see codec.hpp, writers).
class Emit {
 public:
  Emit(std::string& out, Check& check) : out_(out), check_(check) {}

  bool failed() const { return check_.failed(); }
  void Open(std::string_view name) {
    out_ += '<';
    out_ += name;
    out_ += '>';
  }
  void Close(std::string_view name) {
    out_ += "</";
    out_ += name;
    out_ += '>';
  }
  // `value` must be plain ASCII with nothing to escape.
  void Leaf(std::string_view name, std::string_view value) {
    Open(name);
    out_ += value;
    Close(name);
  }

  // Free text: cleaned, cut to `max` characters; left out when empty unless `required`.
  void Text(std::string_view name, std::string_view value, std::size_t max, bool required,
            std::string_view path) {
    if (value.empty()) {
      if (required) check_.Fail(path, "is empty");
      return;
    }
    Open(name);
    out_ += EscapeXml(CleanText(value, max));
    Close(name);
  }

  // An identifier or code, written as is: min..max characters of clean text.
  void Code(std::string_view name, std::string_view value, std::size_t min, std::size_t max,
            std::string_view path) {
    const std::size_t n = CharCount(value);
    if (!IsCleanText(value)) {
      check_.Fail(path, "contains characters XML cannot carry");
    } else if (n == 0) {
      check_.Fail(path, "is empty");
    } else if (n < min || n > max) {
      check_.Fail(path, fmt::format("must be {} to {} characters long", min, max));
    } else {
      Open(name);
      out_ += EscapeXml(value);
      Close(name);
    }
  }

  void Digits(std::string_view name, std::string_view value, std::size_t count,
              std::string_view path) {
    if (!AllDigits(value, count)) {
      check_.Fail(path, fmt::format("must be {} digits", count));
      return;
    }
    Leaf(name, value);
  }

  // stAmountNotZero.
  void Amount(std::string_view name, std::int64_t cents, std::string_view path) {
    if (cents < kMinAmountCents || cents > kMaxAmountCents) {
      check_.Fail(path, "must be from 0.01 to 999999999.99");
      return;
    }
    Leaf(name, FormatAmount(cents));
  }

  void DateLeaf(std::string_view name, Date d, std::string_view path) {
    if (!YearOk(std::chrono::year_month_day{d}.year(), path)) return;
    Leaf(name, FormatDate(d));
  }

  void DateTimeLeaf(std::string_view name, TimePoint t, std::string_view path) {
    const auto day = std::chrono::floor<std::chrono::days>(t);
    if (!YearOk(std::chrono::year_month_day{day}.year(), path)) return;
    Leaf(name, FormatDateTime(t));
  }

  void Fail(std::string_view path, std::string_view reason) { check_.Fail(path, reason); }

 private:
  bool YearOk(std::chrono::year y, std::string_view path) {
    const int year = static_cast<int>(y);
    if (year < 1900 || year > 9999) {
      check_.Fail(path, "is not a date between the years 1900 and 9999");
      return false;
    }
    return true;
  }

  std::string& out_;
  Check& check_;
};

std::string P(std::string_view base, std::string_view name) {
  return base.empty() ? std::string(name) : fmt::format("{}/{}", base, name);
}

void WriteMetadata(Emit& e, const std::vector<Metadata>& metadata, std::string_view path) {
  if (metadata.empty()) return;
  if (metadata.size() > static_cast<std::size_t>(kMaxMetadata)) {
    e.Fail(path, fmt::format("has more than {} entries", kMaxMetadata));
    return;
  }
  e.Open("metadata");
  for (std::size_t i = 0; i < metadata.size(); ++i) {
    const std::string entry = fmt::format("{}/mapEntry[{}]", path, i + 1);
    e.Open("mapEntry");
    e.Code("key", metadata[i].key, 1, 140, P(entry, "key"));
    e.Code("value", metadata[i].value, 1, 140, P(entry, "value"));
    e.Close("mapEntry");
  }
  e.Close("metadata");
}

// ctSubject.
void WriteSubject(Emit& e, std::string_view name, const Debtor& d, std::string_view path) {
  e.Open(name);
  e.Open("uniqueIdentifier");
  e.Leaf("entityUniqueIdentifierType", d.type == DebtorType::kLegal ? "G" : "F");
  e.Code("entityUniqueIdentifierValue", d.fiscal_code, 2, 16,
         P(path, "uniqueIdentifier/entityUniqueIdentifierValue"));
  e.Close("uniqueIdentifier");
  e.Text("fullName", d.full_name, 70, true, P(path, "fullName"));
  e.Text("streetName", d.street_name, 70, false, {});
  e.Text("civicNumber", d.civic_number, 16, false, {});
  e.Text("postalCode", d.postal_code, 16, false, {});
  e.Text("city", d.city, 35, false, {});
  e.Text("stateProvinceRegion", d.province.empty() ? d.region : d.province, 35, false, {});
  if (IsUpper2(d.country)) e.Leaf("country", d.country);
  if (IsEmail(d.email)) e.Leaf("e-mail", d.email);  // the pattern admits nothing to escape
  e.Close(name);
}

// ctPaymentOptionsDescriptionListPA and the fields after it, shared by paVerifyPaymentNoticeRes
// and paDemandPaymentNoticeResponse.
void WriteVerifyAnswerFields(Emit& e, const VerifyNoticeAnswer& a,
                             std::string_view fiscal_code_pa) {
  e.Open("paymentList");
  e.Open("paymentOptionDescription");
  e.Amount("amount", a.amount, "paymentList/paymentOptionDescription/amount");
  e.Leaf("options", "EQ");  // SANP best practice: a single option, options = EQ
  if (a.due_date)
    e.DateLeaf("dueDate", *a.due_date, "paymentList/paymentOptionDescription/dueDate");
  e.Text("detailDescription", a.detail_description, 140, false, {});
  e.Leaf("allCCP", a.all_ccp ? "true" : "false");
  e.Close("paymentOptionDescription");
  e.Close("paymentList");
  e.Text("paymentDescription", a.payment_description, 140, true, "paymentDescription");
  e.Digits("fiscalCodePA", fiscal_code_pa, 11, "fiscalCodePA");
  e.Text("companyName", a.company_name, 140, true, "companyName");
  e.Text("officeName", a.office_name, 140, false, {});
}

void WriteTransfer(Emit& e, const Transfer& t, int version, std::string_view path) {
  e.Open("transfer");
  if (t.id_transfer < 1 || t.id_transfer > kMaxTransfers) {
    e.Fail(P(path, "idTransfer"), "must be from 1 to 5");
  } else {
    e.Leaf("idTransfer", fmt::format("{}", t.id_transfer));
  }
  e.Amount("transferAmount", t.amount, P(path, "transferAmount"));
  e.Digits("fiscalCodePA", t.entity_fiscal_code, 11, P(path, "fiscalCodePA"));
  if (version == 2) {
    e.Text("companyName", t.company_name, 140, false, {});
    if (t.stamp) {
      const std::string stamp = P(path, "richiestaMarcaDaBollo");
      e.Open("richiestaMarcaDaBollo");
      const std::string& hash = t.stamp->hash_document;
      if (!IsBase64(hash) || hash.size() < 4 || hash.size() > 72 ||
          hash.find_first_of(" \t\r\n") != std::string::npos) {
        e.Fail(P(stamp, "hashDocumento"), "must be base64 of 4 to 72 characters");
      } else {
        e.Leaf("hashDocumento", hash);
      }
      if (t.stamp->stamp_type != "01") {
        e.Fail(P(stamp, "tipoBollo"), "must be 01");
      } else {
        e.Leaf("tipoBollo", "01");
      }
      if (!IsUpper2(t.stamp->provincial_residence)) {
        e.Fail(P(stamp, "provinciaResidenza"), "must be two capital letters");
      } else {
        e.Leaf("provinciaResidenza", t.stamp->provincial_residence);
      }
      e.Close("richiestaMarcaDaBollo");
    } else {
      e.Code("IBAN", t.iban, 1, 35, P(path, "IBAN"));
    }
  } else {
    if (t.stamp) e.Fail(path, "is a digital stamp, which paGetPayment (V1) cannot carry");
    e.Code("IBAN", t.iban, 1, 35, P(path, "IBAN"));
  }
  e.Text("remittanceInformation", t.remittance_information, 140, true,
         P(path, "remittanceInformation"));
  e.Code("transferCategory", t.category, 1, 140, P(path, "transferCategory"));
  WriteMetadata(e, t.metadata, P(path, "metadata"));
  e.Close("transfer");
}

// ctPaymentPA (V1) / ctPaymentPAV2 (V2).
void WritePaymentData(Emit& e, const PaymentData& d, int version) {
  e.Open("data");
  e.Code("creditorReferenceId", d.creditor_reference_id, 1, 35, "data/creditorReferenceId");
  e.Amount("paymentAmount", d.payment_amount, "data/paymentAmount");
  e.DateLeaf("dueDate", d.due_date, "data/dueDate");
  if (d.retention_date) e.DateTimeLeaf("retentionDate", *d.retention_date, "data/retentionDate");
  e.Leaf("lastPayment", d.last_payment ? "true" : "false");
  e.Text("description", d.description, 140, true, "data/description");
  e.Text("companyName", d.company_name, 140, version == 2, "data/companyName");
  e.Text("officeName", d.office_name, 140, false, {});
  WriteSubject(e, "debtor", d.debtor, "data/debtor");
  if (d.transfers.empty() || d.transfers.size() > static_cast<std::size_t>(kMaxTransfers)) {
    e.Fail("data/transferList", fmt::format("must have 1 to {} transfers", kMaxTransfers));
  }
  e.Open("transferList");
  for (std::size_t i = 0; i < d.transfers.size() && !e.failed(); ++i) {
    WriteTransfer(e, d.transfers[i], version, fmt::format("data/transferList/transfer[{}]", i + 1));
  }
  e.Close("transferList");
  WriteMetadata(e, d.metadata, "data/metadata");
  e.Close("data");
}

template <typename T, typename Body>
std::string WriteResult(Operation op, const StationResult<T>& result, std::string_view id_pa,
                        std::string* problem, Body&& body) {
  if (problem != nullptr) problem->clear();
  if (const auto* fault = std::get_if<PaaFault>(&result)) return WriteFault(op, *fault);
  std::string inner = "<outcome>OK</outcome>";
  Check check;
  Emit e(inner, check);
  body(e, std::get<T>(result));
  if (!check.failed()) return Envelope(op, inner);
  std::string description =
      fmt::format("the station could not write valid data: {}", check.error());
  if (problem != nullptr) *problem = description;
  return WriteFault(op, PaaFault{"PAA_SYSTEM_ERROR", std::move(description), std::string(id_pa)});
}

}  // namespace

std::string_view OperationName(Operation op) { return Info(op).name; }

std::string_view SyntaxFaultCode(std::optional<Operation> op) {
  return op == Operation::kDemandPaymentNotice ? "PAA_SINTASSI_XSD" : "PAA_SINTASSI_EXTRAXSD";
}

std::variant<ParsedRequest, RequestError> ParseStationRequest(std::string_view body,
                                                              std::string_view soap_action,
                                                              const XmlLimits& limits) {
  auto doc = ParseXml(body, limits);
  if (!doc.ok()) {
    std::optional<Operation> op = OpFromSoapAction(soap_action);
    if (!op) op = ScanForOperation(body);
    RequestError err = MakeRequestError(op, {}, doc.error().message);
    // Only the parser's own trouble (out of memory) is not the sender's fault.
    if (doc.error().code != ErrorCode::kInvalidArgument) err.fault.code = "PAA_SYSTEM_ERROR";
    return err;
  }

  // Find the operation leniently first, so that even a malformed envelope gets its fault in the
  // right response element; then check the envelope strictly.
  const XmlElement root = doc->Root();
  const std::vector<XmlElement> top = root.Children();
  XmlElement body_element;
  for (const XmlElement& e : top) {
    if (e.LocalName() == "Body") {
      body_element = e;
      break;
    }
  }
  std::vector<XmlElement> payloads;
  if (body_element.valid()) payloads = body_element.Children();
  const XmlElement payload = payloads.empty() ? XmlElement() : payloads.front();
  std::optional<Operation> op;
  if (payload.valid()) op = OpFromRequestElement(payload.LocalName());
  const bool body_tells = op.has_value();
  if (!op) op = OpFromSoapAction(soap_action);
  auto fail = [&](std::string description) -> RequestError {
    return MakeRequestError(op, BestEffortHeader(payload), std::move(description));
  };

  if (root.LocalName() != "Envelope" || root.NamespaceUri() != kSoapEnvelopeNs) {
    if (root.NamespaceUri() == "http://www.w3.org/2003/05/soap-envelope") {
      return fail("Envelope: SOAP 1.2 is not supported, use SOAP 1.1");
    }
    return fail("Envelope: the root element must be a SOAP 1.1 Envelope");
  }
  if (!IsBlank(root.Text())) return fail("Envelope: must not contain text");
  std::size_t i = 0;
  if (i < top.size() && top[i].LocalName() == "Header" &&
      top[i].NamespaceUri() == kSoapEnvelopeNs) {
    ++i;
  }
  if (i >= top.size() || top[i].LocalName() != "Body" || top[i].NamespaceUri() != kSoapEnvelopeNs) {
    return fail("Body: is missing");
  }
  if (i + 1 < top.size()) return fail("Envelope: unexpected element after Body");
  if (!IsBlank(body_element.Text())) return fail("Body: must not contain text");
  if (payloads.empty()) return fail("Body: is empty");
  // WS-I Basic Profile R2201: a document-literal Body has one child element.
  if (payloads.size() > 1) return fail("Body: must contain exactly one element");
  if (!body_tells) {
    return fail(fmt::format("Body: {} is not a paForNode request", SafeName(payload.LocalName())));
  }
  if (payload.NamespaceUri() != kPaForNodeNs) {
    return fail(
        fmt::format("{}: namespace must be {}", SafeName(payload.LocalName()), kPaForNodeNs));
  }

  Check check;
  ParsedRequest parsed{*op, VerifyNoticeQuery{}};
  switch (*op) {
    case Operation::kVerifyPaymentNotice:
      parsed.request = ParseVerify(check, payload);
      break;
    case Operation::kGetPayment:
      parsed.request = ParseGetPayment(check, payload, 1);
      break;
    case Operation::kGetPaymentV2:
      parsed.request = ParseGetPayment(check, payload, 2);
      break;
    case Operation::kSendRT:
    case Operation::kSendRTV2: {
      SendReceiptCommand cmd = ParseSendRT(check, payload, *op == Operation::kSendRTV2);
      cmd.receipt.original_xml = std::string(body);
      parsed.request = std::move(cmd);
      break;
    }
    case Operation::kDemandPaymentNotice:
      parsed.request = ParseDemand(check, payload);
      break;
  }
  if (check.failed()) return fail(check.error());
  return parsed;
}

std::string WriteVerifyPaymentNoticeRes(const StationResult<VerifyNoticeAnswer>& result,
                                        std::string_view id_pa, std::string* problem) {
  return WriteResult(Operation::kVerifyPaymentNotice, result, id_pa, problem,
                     [](Emit& e, const VerifyNoticeAnswer& a) {
                       WriteVerifyAnswerFields(e, a, a.fiscal_code_pa);
                     });
}

std::string WriteGetPaymentRes(const StationResult<PaymentData>& result, std::string_view id_pa,
                               std::string* problem) {
  return WriteResult(Operation::kGetPayment, result, id_pa, problem,
                     [](Emit& e, const PaymentData& d) { WritePaymentData(e, d, 1); });
}

std::string WriteGetPaymentV2Response(const StationResult<PaymentData>& result,
                                      std::string_view id_pa, std::string* problem) {
  return WriteResult(Operation::kGetPaymentV2, result, id_pa, problem,
                     [](Emit& e, const PaymentData& d) { WritePaymentData(e, d, 2); });
}

std::string WriteSendRTRes(const StationResult<ReceiptAccepted>& result) {
  return WriteResult(Operation::kSendRT, result, {}, nullptr, [](Emit&, const ReceiptAccepted&) {});
}

std::string WriteSendRTV2Response(const StationResult<ReceiptAccepted>& result) {
  return WriteResult(Operation::kSendRTV2, result, {}, nullptr,
                     [](Emit&, const ReceiptAccepted&) {});
}

std::string WriteDemandPaymentNoticeResponse(const StationResult<DemandNoticeAnswer>& result,
                                             std::string_view id_pa, std::string* problem) {
  return WriteResult(Operation::kDemandPaymentNotice, result, id_pa, problem,
                     [](Emit& e, const DemandNoticeAnswer& a) {
                       e.Open("qrCode");
                       e.Digits("fiscalCode", a.fiscal_code_pa, 11, "qrCode/fiscalCode");
                       e.Digits("noticeNumber", a.notice_number, 18, "qrCode/noticeNumber");
                       e.Close("qrCode");
                       WriteVerifyAnswerFields(e, a.option,
                                               a.option.fiscal_code_pa.empty()
                                                   ? a.fiscal_code_pa
                                                   : a.option.fiscal_code_pa);
                     });
}

std::string WriteFault(Operation op, const PaaFault& f) {
  const std::string code = f.code.empty() ? "PAA_SYSTEM_ERROR" : CleanText(f.code, 64);
  std::string inner = "<outcome>KO</outcome><fault><faultCode>";
  inner += EscapeXml(code);
  inner += "</faultCode><faultString>";
  inner += EscapeXml(CleanText(OfficialFaultString(code), 256));
  inner += "</faultString><id>";
  inner += EscapeXml(CleanText(f.id, 64));
  inner += "</id>";
  if (!f.description.empty()) {
    inner += "<description>";
    inner += EscapeXml(CleanText(f.description, kMaxFaultDescription));
    inner += "</description>";
  }
  inner += "</fault>";
  return Envelope(op, inner);
}

std::string WriteSoapFault(std::string_view reason) {
  std::string out(kEnvelopeOpen);
  out += "<soapenv:Fault><faultcode>soapenv:Client</faultcode><faultstring>";
  out += EscapeXml(CleanText(reason, 512));
  out += "</faultstring></soapenv:Fault>";
  out += kEnvelopeClose;
  return out;
}

}  // namespace incasso::soap
