#include "import/source.hpp"

#include <fmt/format.h>
#include <libxml/xmlreader.h>

#include <cstring>

#include "core/time.hpp"
#include "domain/fiscal_code.hpp"
#include "domain/iban.hpp"
#include "import/csv_reader.hpp"
#include "import/govpay_csv.hpp"
#include "import/incasso_csv.hpp"
#include "import/mypay_csv.hpp"

namespace incasso::import {
namespace {

constexpr std::size_t kMaxJsonElementBytes = 1 << 20;

// ---- CSV -----------------------------------------------------------------------------------

class CsvSource final : public PositionSource {
 public:
  CsvSource(FileInput in, AdapterContext ctx) : in_(std::move(in)), ctx_(std::move(ctx)) {
    reader_ = std::make_unique<CsvReader>(in_.Reader());
  }

  // Reads the header and picks the adapter (`format` "auto" or a CSV format name).
  Status Start(std::string_view format) {
    auto header = reader_->ReadHeader();
    if (!header.ok()) return header.error();
    header_ = std::move(*header);
    for (const CsvFormat& f : CsvFormats()) {
      if ((format == "auto" && f.detect(header_)) || format == f.name) {
        name_ = f.name;
        adapter_ = f.make(header_);
        return Ok();
      }
    }
    if (format != "auto")
      return InvalidArgument("format", fmt::format("unknown format '{}'", format));
    return InvalidArgument("format",
                           "the CSV header matches no known layout (incasso's needs an iupd or "
                           "codice_posizione column); name the format with --format");
  }

  Step Next(SourceItem& out) override {
    for (;;) {
      CsvOutcome o = reader_->Next(rec_);
      out = SourceItem{};
      out.row = rec_.row;
      switch (o) {
        case CsvOutcome::kEnd:
          return Step::kEnd;
        case CsvOutcome::kFatal:
          out.mapped.errors.push_back(rec_.error);
          return Step::kFatal;
        case CsvOutcome::kRowError:
          out.mapped.errors.push_back(rec_.error);
          return Step::kItem;
        case CsvOutcome::kRecord: {
          Record r(&header_, std::move(rec_.cells), rec_.row);
          out.mapped = adapter_(r, ctx_);
          rec_.cells = std::vector<std::string>();
          return Step::kItem;
        }
      }
    }
  }
  std::uint64_t bytes_read() const override { return reader_->bytes_read(); }
  std::uint64_t bytes_total() const override { return in_.size; }
  std::string format() const override { return name_; }

 private:
  FileInput in_;
  AdapterContext ctx_;
  std::unique_ptr<CsvReader> reader_;
  std::vector<std::string> header_;
  std::string name_;
  std::function<MappedRow(const Record&, const AdapterContext&)> adapter_;
  CsvRecord rec_;
};

// ---- JSON array / NDJSON -------------------------------------------------------------------

// Splits a JSON array (or a sequence of top-level values) into element texts without parsing
// them: tracks strings, escapes and nesting depth only.
class JsonSource final : public PositionSource {
 public:
  JsonSource(FileInput in, bool array, JsonPositionParser parser)
      : in_(std::move(in)),
        read_(in_.Reader()),
        array_(array),
        parser_(std::move(parser)),
        buf_(1 << 20) {}

  Step Next(SourceItem& out) override {
    out = SourceItem{};
    if (done_) return Step::kEnd;
    int c = SkipSpace();
    if (array_ && !opened_) {
      if (c != '[') return Fatal(out, "a JSON array must start with '['");
      Take();
      opened_ = true;
      c = SkipSpace();
      if (c == ']') {
        Take();
        return End(out);
      }
    } else if (array_) {
      if (c == ']') {
        Take();
        return End(out);
      }
      if (c != ',') return Fatal(out, "expected ',' or ']' between array elements");
      Take();
      c = SkipSpace();
    }
    if (c == -1) {
      if (array_) return Fatal(out, "the JSON array is not closed with ']'");
      done_ = true;
      return Step::kEnd;
    }
    if (c == -2) return Fatal(out, "the file cannot be read further");
    out.row = ++row_;
    std::string element;
    bool oversize = false;
    int depth = 0;
    bool in_string = false, escaped = false;
    for (;;) {
      int ch = Take();
      if (ch < 0) return Fatal(out, "the JSON text ends inside an element");
      if (element.size() < kMaxJsonElementBytes) {
        element.push_back(static_cast<char>(ch));
      } else {
        oversize = true;
      }
      if (in_string) {
        if (escaped) {
          escaped = false;
        } else if (ch == '\\') {
          escaped = true;
        } else if (ch == '"') {
          in_string = false;
        }
        continue;
      }
      if (ch == '"') {
        in_string = true;
      } else if (ch == '{' || ch == '[') {
        ++depth;
      } else if (ch == '}' || ch == ']') {
        if (--depth < 0) return Fatal(out, "unbalanced brackets");
      }
      if (depth == 0) {
        int next = Peek();
        bool boundary = next < 0 || next == ',' || next == ']' || next == ' ' || next == '\n' ||
                        next == '\r' || next == '\t';
        if (ch == '}' || ch == ']' || ch == '"' || boundary) break;
      }
    }
    if (oversize) {
      out.mapped.errors.push_back(
          {out.row, "", fmt::format("the element is larger than {} bytes", kMaxJsonElementBytes)});
      return Step::kItem;
    }
    auto p = parser_(element);
    if (!p.ok()) {
      out.mapped.errors.push_back({out.row, p.error().field, p.error().message});
      // Keep the iupd if we can spot it, so the position is reported as one.
      return Step::kItem;
    }
    out.mapped.position = std::move(*p);
    return Step::kItem;
  }
  std::uint64_t bytes_read() const override { return consumed_; }
  std::uint64_t bytes_total() const override { return in_.size; }
  std::string format() const override { return array_ ? "json" : "ndjson"; }

 private:
  Step Fatal(SourceItem& out, std::string message) {
    done_ = true;
    out.mapped.errors.push_back({row_ + 1, "", std::move(message)});
    return Step::kFatal;
  }
  Step End(SourceItem& out) {
    done_ = true;
    if (SkipSpace() != -1) return Fatal(out, "text after the end of the JSON array");
    return Step::kEnd;
  }
  int Peek() {
    if (pos_ == len_) {
      std::int64_t n = read_(buf_.data(), buf_.size());
      if (n < 0) return -2;
      if (n == 0) return -1;
      pos_ = 0;
      len_ = static_cast<std::size_t>(n);
    }
    return static_cast<unsigned char>(buf_[pos_]);
  }
  int Take() {
    int c = Peek();
    if (c >= 0) {
      ++pos_;
      ++consumed_;
    }
    return c;
  }
  int SkipSpace() {
    for (;;) {
      int c = Peek();
      if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
        Take();
        continue;
      }
      if (c == 0xEF && consumed_ == 0) {  // UTF-8 BOM
        Take();
        Take();
        Take();
        continue;
      }
      return c;
    }
  }

  FileInput in_;
  ReadFn read_;
  bool array_;
  JsonPositionParser parser_;
  std::vector<char> buf_;
  std::size_t pos_ = 0, len_ = 0;
  std::uint64_t consumed_ = 0;
  bool opened_ = false, done_ = false;
  std::int64_t row_ = 0;
};

// ---- XML -----------------------------------------------------------------------------------

// incasso XML (docs/import.md): <positions><position iupd=".."><debtor .../><option ...>
// <transfer .../></option></position></positions>, values in attributes. Read with libxml2's
// streaming xmlTextReader: no DTD (refused), no entity substitution, no network.
class XmlSource final : public PositionSource {
 public:
  XmlSource(FileInput in, AdapterContext ctx) : in_(std::move(in)), ctx_(std::move(ctx)) {}
  ~XmlSource() override {
    if (reader_) xmlFreeTextReader(reader_);
  }

  Status Start() {
    reader_ = xmlReaderForIO(
        &XmlSource::ReadCb, nullptr, this, nullptr, nullptr,
        XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA);
    if (!reader_) return Internal("cannot start the XML reader");
    xmlTextReaderSetErrorHandler(reader_, &XmlSource::OnError, this);
    return Ok();
  }

  Step Next(SourceItem& out) override {
    out = SourceItem{};
    for (;;) {
      int rc = xmlTextReaderRead(reader_);
      if (rc == 0) {
        if (!seen_root_) return Fatal(out, "the file has no <positions> element");
        return Step::kEnd;
      }
      if (rc < 0 || !error_.empty()) {
        return Fatal(out, error_.empty() ? "the XML is not well formed" : error_);
      }
      int type = xmlTextReaderNodeType(reader_);
      if (type == XML_READER_TYPE_DOCUMENT_TYPE || type == XML_READER_TYPE_ENTITY_REFERENCE ||
          type == XML_READER_TYPE_ENTITY) {
        return Fatal(out, "DTDs and entities are not allowed");
      }
      if (type != XML_READER_TYPE_ELEMENT) continue;
      std::string name = Name();
      int depth = xmlTextReaderDepth(reader_);
      if (depth == 0) {
        if (name != "positions") return Fatal(out, "the root element must be <positions>");
        seen_root_ = true;
        continue;
      }
      if (depth == 1 && name == "position") return ReadPosition(out);
      if (depth == 1) return Fatal(out, fmt::format("unexpected element <{}>", name));
    }
  }
  std::uint64_t bytes_read() const override { return consumed_; }
  std::uint64_t bytes_total() const override { return in_.size; }
  std::string format() const override { return "xml"; }

 private:
  static int ReadCb(void* ctx, char* buf, int len) {
    auto* self = static_cast<XmlSource*>(ctx);
    std::size_t n = std::fread(buf, 1, static_cast<std::size_t>(len), self->in_.file.get());
    if (n == 0 && std::ferror(self->in_.file.get())) return -1;
    self->consumed_ += n;
    return static_cast<int>(n);
  }
  static void OnError(void* arg, const char* msg, xmlParserSeverities severity,
                      xmlTextReaderLocatorPtr locator) {
    auto* self = static_cast<XmlSource*>(arg);
    if (severity != XML_PARSER_SEVERITY_ERROR && severity != XML_PARSER_SEVERITY_VALIDITY_ERROR) {
      return;
    }
    if (self->error_.empty()) {
      std::string m = msg ? msg : "";
      while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
      self->error_ = fmt::format("line {}: {}", xmlTextReaderLocatorLineNumber(locator), m);
    }
  }
  Step Fatal(SourceItem& out, std::string message) {
    out.row = row_ + 1;
    out.mapped.errors.push_back({row_ + 1, "", std::move(message)});
    return Step::kFatal;
  }
  std::string Name() {
    const xmlChar* n = xmlTextReaderConstLocalName(reader_);
    return n ? reinterpret_cast<const char*>(n) : "";
  }
  std::string Attr(const char* name) {
    xmlChar* v = xmlTextReaderGetAttribute(reader_, BAD_CAST name);
    if (!v) return {};
    std::string s(reinterpret_cast<const char*>(v));
    xmlFree(v);
    return s;
  }
  void Fail(SourceItem& out, std::string field, std::string message) {
    out.mapped.errors.push_back({out.row, std::move(field), std::move(message)});
  }

  Step ReadPosition(SourceItem& out) {
    out.row = ++row_;
    DebtPosition p;
    p.iupd = Attr("iupd");
    p.company_name = Attr("companyName");
    p.office_name = Attr("officeName");
    if (std::string v = Attr("validityDate"); !v.empty()) {
      auto t = ParseDateTime(v, "validityDate");
      if (t.ok())
        p.validity_date = *t;
      else
        Fail(out, "position/@validityDate", "must be a date-time");
    }
    if (std::string e = Attr("entityFiscalCode"); !e.empty() && e != ctx_.entity_fiscal_code) {
      Fail(out, "position/@entityFiscalCode",
           fmt::format("names institution {}, but the file is imported for {}", e,
                       ctx_.entity_fiscal_code));
    }
    const bool empty = xmlTextReaderIsEmptyElement(reader_) == 1;
    const int depth = xmlTextReaderDepth(reader_);
    int options = 0;
    while (!empty) {
      int rc = xmlTextReaderRead(reader_);
      if (rc <= 0 || !error_.empty()) {
        return Fatal(out, error_.empty() ? "the XML ends inside a <position>" : error_);
      }
      int type = xmlTextReaderNodeType(reader_);
      if (type == XML_READER_TYPE_ENTITY_REFERENCE) return Fatal(out, "entities are not allowed");
      if (type == XML_READER_TYPE_END_ELEMENT && xmlTextReaderDepth(reader_) == depth) break;
      if (type != XML_READER_TYPE_ELEMENT) continue;
      std::string name = Name();
      if (name == "debtor") {
        Debtor& d = p.debtor;
        std::string type_attr = Attr("type");
        d.fiscal_code = NormalizeFiscalCode(Attr("fiscalCode"));
        d.type = type_attr == "G" || (type_attr.empty() && d.fiscal_code.size() == 11)
                     ? DebtorType::kLegal
                     : DebtorType::kPerson;
        if (!type_attr.empty() && type_attr != "F" && type_attr != "G") {
          Fail(out, "debtor/@type", "must be F or G");
        }
        d.full_name = Attr("fullName");
        d.street_name = Attr("streetName");
        d.civic_number = Attr("civicNumber");
        d.postal_code = Attr("postalCode");
        d.city = Attr("city");
        d.province = Attr("province");
        d.country = Attr("country");
        d.email = Attr("email");
        d.phone = Attr("phone");
      } else if (name == "option") {
        PaymentOption o;
        std::string f = fmt::format("option[{}]", ++options);
        o.iuv = Attr("iuv");
        o.description = Attr("description");
        if (auto a = ParseEuro(Attr("amount"), "amount"); a.ok())
          o.amount = *a;
        else
          Fail(out, f + "/@amount", a.error().message);
        if (auto d = ParseDueDate(Attr("dueDate"), "dueDate"); d.ok())
          o.due_date = *d;
        else
          Fail(out, f + "/@dueDate", d.error().message);
        o.is_partial_payment = !Attr("instalment").empty();
        p.options.push_back(std::move(o));
      } else if (name == "transfer") {
        if (p.options.empty()) {
          Fail(out, "transfer", "must be inside an <option>");
          continue;
        }
        PaymentOption& o = p.options.back();
        Transfer t;
        std::string f = fmt::format("option[{}]/transfer[{}]", options, o.transfers.size() + 1);
        std::string id = Attr("id");
        t.id_transfer =
            id.empty() ? static_cast<int>(o.transfers.size()) + 1 : std::atoi(id.c_str());
        if (auto a = ParseEuro(Attr("amount"), "amount"); a.ok())
          t.amount = *a;
        else
          Fail(out, f + "/@amount", a.error().message);
        t.iban = NormalizeIban(Attr("iban"));
        t.category = Attr("taxonomy");
        t.remittance_information = Attr("remittance");
        if (t.remittance_information.empty()) t.remittance_information = o.description;
        t.entity_fiscal_code = NormalizeFiscalCode(Attr("fiscalCode"));
        o.transfers.push_back(std::move(t));
      } else {
        Fail(out, name, fmt::format("unknown element <{}>", name));
      }
    }
    out.mapped.position = std::move(p);
    return Step::kItem;
  }

  FileInput in_;
  AdapterContext ctx_;
  xmlTextReaderPtr reader_ = nullptr;
  std::string error_;
  std::uint64_t consumed_ = 0;
  std::int64_t row_ = 0;
  bool seen_root_ = false;
};

// First non-space byte after an optional BOM.
int FirstByte(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return -1;
  unsigned char buf[4096];
  std::size_t n = std::fread(buf, 1, sizeof buf, f);
  std::fclose(f);
  std::size_t i = 0;
  if (n >= 3 && buf[0] == 0xEF && buf[1] == 0xBB && buf[2] == 0xBF) i = 3;
  while (i < n && (buf[i] == ' ' || buf[i] == '\n' || buf[i] == '\r' || buf[i] == '\t')) ++i;
  return i < n ? buf[i] : -1;
}

std::function<MappedRow(const Record&, const AdapterContext&)> MakeIncasso(
    const std::vector<std::string>& header) {
  auto adapter = std::make_shared<IncassoCsvAdapter>(header);
  return [adapter](const Record& r, const AdapterContext& ctx) { return adapter->Map(r, ctx); };
}

}  // namespace

const std::vector<CsvFormat>& CsvFormats() {
  static const std::vector<CsvFormat> formats = {
      {"incasso-csv", &IsIncassoCsvHeader, &MakeIncasso},
      {"govpay-csv", &LooksLikeGovPay,
       [](const std::vector<std::string>&)
           -> std::function<MappedRow(const Record&, const AdapterContext&)> {
         return &MapGovPayRow;
       }},
      {"mypay-csv", &LooksLikeMyPay,
       [](const std::vector<std::string>&)
           -> std::function<MappedRow(const Record&, const AdapterContext&)> {
         return &MapMyPayRow;
       }},
  };
  return formats;
}

std::vector<std::string> FormatNames() {
  std::vector<std::string> out{"auto"};
  for (const CsvFormat& f : CsvFormats()) out.emplace_back(f.name);
  out.insert(out.end(), {"json", "ndjson", "xml"});
  return out;
}

Result<std::unique_ptr<PositionSource>> OpenSource(const std::string& path, std::string_view format,
                                                   const AdapterContext& ctx,
                                                   JsonPositionParser json_parser) {
  bool known = false;
  for (const std::string& n : FormatNames()) known = known || n == format;
  if (!known) {
    return InvalidArgument("format", fmt::format("unknown format '{}'; use one of: {}", format,
                                                 fmt::join(FormatNames(), ", ")));
  }
  auto in = OpenFileInput(path);
  if (!in.ok()) return in.error();
  std::string fmt_name(format);
  if (fmt_name == "auto") {
    int first = FirstByte(path);
    if (first == -1) return InvalidArgument("file", "the file is empty");
    if (first == '[') fmt_name = "json";
    if (first == '{') fmt_name = "ndjson";
    if (first == '<') fmt_name = "xml";
  }
  if (fmt_name == "json" || fmt_name == "ndjson") {
    if (!json_parser) return InvalidArgument("format", "JSON import is not available here");
    return std::unique_ptr<PositionSource>(
        std::make_unique<JsonSource>(std::move(*in), fmt_name == "json", std::move(json_parser)));
  }
  if (fmt_name == "xml") {
    auto src = std::make_unique<XmlSource>(std::move(*in), ctx);
    INCASSO_TRY(src->Start());
    return std::unique_ptr<PositionSource>(std::move(src));
  }
  auto src = std::make_unique<CsvSource>(std::move(*in), ctx);
  INCASSO_TRY(src->Start(fmt_name));
  return std::unique_ptr<PositionSource>(std::move(src));
}

std::optional<AssembledPosition> Assembler::Add(SourceItem item) {
  std::string iupd = item.mapped.position ? item.mapped.position->iupd : std::string();
  std::optional<AssembledPosition> done;
  const bool same = current_ && !iupd.empty() && iupd == current_iupd_;
  if (!same) {
    done = std::move(current_);
    current_.reset();
    current_ = AssembledPosition{};
    current_->first_row = item.row;
    current_iupd_ = iupd;
  }
  AssembledPosition& a = *current_;
  a.last_row = item.row;
  ++a.rows;
  for (auto& e : item.mapped.errors) a.errors.push_back(std::move(e));
  if (item.mapped.position) {
    if (!a.position) {
      a.position = std::move(item.mapped.position);
    } else {
      for (auto& o : item.mapped.position->options) a.position->options.push_back(std::move(o));
    }
  }
  if (iupd.empty()) {  // an unidentifiable row stands alone
    done = done ? done : std::nullopt;
    auto alone = std::move(current_);
    current_.reset();
    current_iupd_.clear();
    if (done) {
      // Two finished at once: keep the unidentified one pending as current_ (returned next).
      current_ = std::move(alone);
      current_iupd_ = "\x01";  // never equals a real iupd
      return done;
    }
    return alone;
  }
  return done;
}

std::optional<AssembledPosition> Assembler::Finish() {
  auto done = std::move(current_);
  current_.reset();
  return done;
}

}  // namespace incasso::import
