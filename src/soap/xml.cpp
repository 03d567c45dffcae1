#include "soap/xml.hpp"

#include <fmt/format.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include <limits>
#include <mutex>
#include <utility>

#include "core/text.hpp"

namespace incasso::soap {
namespace {

// --- process-wide set-up -------------------------------------------------------------------------

// Refuses every external resource: no DTD, entity or schema is ever loaded from a file or the
// network by this process (performance-and-security-notes.md §3.5). Only soap/ uses libxml2.
xmlParserInputPtr NoExternalLoad(const char* /*url*/, const char* /*id*/,
                                 xmlParserCtxtPtr /*ctxt*/) {
  return nullptr;
}

void SilentGeneric(void* /*ctx*/, const char* /*msg*/, ...) {}
void SilentStructured(void* /*ctx*/, xmlErrorPtr /*error*/) {}

void InitOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    xmlInitParser();
    xmlSetExternalEntityLoader(NoExternalLoad);
  });
  // libxml2's generic and structured error handlers are per thread: silence them in every thread
  // that parses, so nothing libxml2 reports outside a parser context reaches stderr.
  thread_local bool silenced = false;
  if (!silenced) {
    xmlSetGenericErrorFunc(nullptr, SilentGeneric);
    xmlSetStructuredErrorFunc(nullptr, SilentStructured);
    silenced = true;
  }
}

// --- pre-checks on the raw bytes -----------------------------------------------------------------

// Strict UTF-8 (no overlong forms, no surrogates, at most U+10FFFF) without NUL: a UTF-16 or
// UTF-32 document, with or without BOM, fails here and is never transcoded.
bool IsCleanUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    const unsigned char c = *p;
    if (c < 0x80) {
      if (c == 0) return false;
      ++p;
      continue;
    }
    int n = 0;
    std::uint32_t cp = 0;
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
      return false;
    }
    if (end - p <= n) return false;
    for (int i = 1; i <= n; ++i) {
      if ((p[i] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i] & 0x3Fu);
    }
    if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    p += n + 1;
  }
  return true;
}

// True when a start tag carries more than `max` attributes (namespace declarations included),
// counted on the raw text before libxml2 sees it: libxml2 2.9 checks duplicate attributes
// pairwise, so a single element with 50,000 attributes costs seconds of CPU. Linear; comments,
// CDATA sections and PIs are skipped; quoted values may contain '=' and '>'.
bool TooManyAttributes(std::string_view s, int max) {
  constexpr auto npos = std::string_view::npos;
  auto skip_to = [&](std::size_t from, std::string_view end) {
    const std::size_t e = s.find(end, from);
    return e == npos ? s.size() : e + end.size();
  };
  std::size_t i = 0;
  while (i < s.size()) {
    const std::size_t lt = s.find('<', i);
    if (lt == npos) return false;
    const std::string_view rest = s.substr(lt);
    if (rest.substr(0, 4) == "<!--") {
      i = skip_to(lt + 4, "-->");
    } else if (rest.substr(0, 9) == "<![CDATA[") {
      i = skip_to(lt + 9, "]]>");
    } else if (rest.substr(0, 2) == "<?") {
      i = skip_to(lt + 2, "?>");
    } else {
      int count = 0;
      char quote = 0;
      std::size_t j = lt + 1;
      for (; j < s.size(); ++j) {
        const char c = s[j];
        if (quote != 0) {
          if (c == quote) quote = 0;
        } else if (c == '"' || c == '\'') {
          quote = c;
        } else if (c == '=') {
          if (++count > max) return true;
        } else if (c == '>') {
          break;
        }
      }
      i = j + 1;
    }
  }
  return false;
}

// --- the guarded parse ---------------------------------------------------------------------------

// Per-parse state, reached from the SAX callbacks through ctxt->_private. One per ParseXml call,
// so concurrent parses in different threads share nothing.
struct ParseState {
  int max_depth = 0;
  int depth = 0;
  const char* refusal = nullptr;  // public message of the first refusal
  int first_error_line = 0;
  bool saw_error = false;
  startElementNsSAX2Func start_element = nullptr;
  endElementNsSAX2Func end_element = nullptr;
};

xmlParserCtxtPtr Ctxt(void* ctx) { return static_cast<xmlParserCtxtPtr>(ctx); }
ParseState& State(void* ctx) { return *static_cast<ParseState*>(Ctxt(ctx)->_private); }

void Refuse(void* ctx, const char* why) {
  ParseState& s = State(ctx);
  if (s.refusal == nullptr) s.refusal = why;
  xmlStopParser(Ctxt(ctx));
}

constexpr const char* kDoctype = "DOCTYPE is not allowed";
constexpr const char* kEntity = "entity references are not allowed";
constexpr const char* kPi = "processing instructions are not allowed";
constexpr const char* kTooDeep = "document too deep";

// SAX overrides: anything DTD-, entity- or PI-related stops the parser at once.
void OnInternalSubset(void* ctx, const xmlChar*, const xmlChar*, const xmlChar*) {
  Refuse(ctx, kDoctype);
}
void OnExternalSubset(void* ctx, const xmlChar*, const xmlChar*, const xmlChar*) {
  Refuse(ctx, kDoctype);
}
void OnEntityDecl(void* ctx, const xmlChar*, int, const xmlChar*, const xmlChar*, xmlChar*) {
  Refuse(ctx, kDoctype);
}
void OnNotationDecl(void* ctx, const xmlChar*, const xmlChar*, const xmlChar*) {
  Refuse(ctx, kDoctype);
}
void OnAttributeDecl(void* ctx, const xmlChar*, const xmlChar*, int, int, const xmlChar*,
                     xmlEnumerationPtr tree) {
  xmlFreeEnumeration(tree);  // the callback owns it
  Refuse(ctx, kDoctype);
}
void OnElementDecl(void* ctx, const xmlChar*, int, xmlElementContentPtr) { Refuse(ctx, kDoctype); }
void OnUnparsedEntityDecl(void* ctx, const xmlChar*, const xmlChar*, const xmlChar*,
                          const xmlChar*) {
  Refuse(ctx, kDoctype);
}
xmlEntityPtr OnGetEntity(void* ctx, const xmlChar*) {
  Refuse(ctx, kEntity);
  return nullptr;
}
xmlParserInputPtr OnResolveEntity(void* ctx, const xmlChar*, const xmlChar*) {
  Refuse(ctx, kEntity);
  return nullptr;
}
void OnReference(void* ctx, const xmlChar*) { Refuse(ctx, kEntity); }
void OnProcessingInstruction(void* ctx, const xmlChar*, const xmlChar*) { Refuse(ctx, kPi); }

void OnStartElementNs(void* ctx, const xmlChar* localname, const xmlChar* prefix,
                      const xmlChar* uri, int nb_namespaces, const xmlChar** namespaces,
                      int nb_attributes, int nb_defaulted, const xmlChar** attributes) {
  ParseState& s = State(ctx);
  s.start_element(ctx, localname, prefix, uri, nb_namespaces, namespaces, nb_attributes,
                  nb_defaulted, attributes);
  if (++s.depth > s.max_depth) Refuse(ctx, kTooDeep);
}

void OnEndElementNs(void* ctx, const xmlChar* localname, const xmlChar* prefix,
                    const xmlChar* uri) {
  ParseState& s = State(ctx);
  s.end_element(ctx, localname, prefix, uri);
  --s.depth;
}

// Records where the first error happened; the message itself may quote the input and is dropped.
void OnStructuredError(void* ctx, xmlErrorPtr error) {
  if (ctx == nullptr || error == nullptr) return;
  auto* ctxt = Ctxt(ctx);
  if (ctxt->_private == nullptr) return;
  ParseState& s = State(ctx);
  if (error->level >= XML_ERR_ERROR && !s.saw_error) {
    s.saw_error = true;
    s.first_error_line = error->line;
  }
}

// Walks the finished tree once more, as a second line of defence: no DTD, entity or PI node may
// have reached it. Iterative, so a deep tree cannot exhaust the stack.
const char* ForbiddenNode(xmlDocPtr doc) {
  if (doc->intSubset != nullptr || doc->extSubset != nullptr) return kDoctype;
  for (xmlNodePtr n = doc->children; n != nullptr;) {
    switch (n->type) {
      case XML_DTD_NODE:
      case XML_ENTITY_DECL:
      case XML_ELEMENT_DECL:
      case XML_ATTRIBUTE_DECL:
        return kDoctype;
      case XML_ENTITY_REF_NODE:
      case XML_ENTITY_NODE:
        return kEntity;
      case XML_PI_NODE:
        return kPi;
      default:
        break;
    }
    if (n->type == XML_ELEMENT_NODE && n->children != nullptr) {
      n = n->children;
      continue;
    }
    while (n != nullptr && n->next == nullptr) {
      n = n->parent;
      if (n == nullptr || n->type == XML_DOCUMENT_NODE) return nullptr;
    }
    if (n != nullptr) n = n->next;
  }
  return nullptr;
}

const xmlNode* Node(const void* p) { return static_cast<const xmlNode*>(p); }
std::string_view View(const xmlChar* s) {
  return s == nullptr ? std::string_view{} : std::string_view(reinterpret_cast<const char*>(s));
}

}  // namespace

// --- XmlElement ----------------------------------------------------------------------------------

std::string_view XmlElement::LocalName() const { return View(Node(node_)->name); }

std::string_view XmlElement::NamespaceUri() const {
  const xmlNs* ns = Node(node_)->ns;
  return ns == nullptr ? std::string_view{} : View(ns->href);
}

std::string XmlElement::Text() const {
  std::string out;
  for (const xmlNode* c = Node(node_)->children; c != nullptr; c = c->next) {
    if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) out += View(c->content);
  }
  return out;
}

std::vector<XmlElement> XmlElement::Children() const {
  std::vector<XmlElement> out;
  for (const xmlNode* c = Node(node_)->children; c != nullptr; c = c->next) {
    if (c->type == XML_ELEMENT_NODE) out.push_back(XmlElement(c));
  }
  return out;
}

XmlElement XmlElement::Child(std::string_view local_name, std::string_view ns) const {
  for (const xmlNode* c = Node(node_)->children; c != nullptr; c = c->next) {
    if (c->type != XML_ELEMENT_NODE) continue;
    XmlElement e(c);
    if (e.LocalName() == local_name && e.NamespaceUri() == ns) return e;
  }
  return XmlElement();
}

std::vector<XmlElement> XmlElement::ChildrenNamed(std::string_view local_name,
                                                  std::string_view ns) const {
  std::vector<XmlElement> out;
  for (const xmlNode* c = Node(node_)->children; c != nullptr; c = c->next) {
    if (c->type != XML_ELEMENT_NODE) continue;
    XmlElement e(c);
    if (e.LocalName() == local_name && e.NamespaceUri() == ns) out.push_back(e);
  }
  return out;
}

std::optional<std::string> XmlElement::ChildText(std::string_view local_name,
                                                 std::string_view ns) const {
  XmlElement c = Child(local_name, ns);
  if (!c.valid()) return std::nullopt;
  return c.Text();
}

std::optional<std::string> XmlElement::PathText(std::string_view path) const {
  XmlElement e = *this;
  while (!path.empty()) {
    const size_t slash = path.find('/');
    e = e.Child(path.substr(0, slash));
    if (!e.valid()) return std::nullopt;
    path = slash == std::string_view::npos ? std::string_view{} : path.substr(slash + 1);
  }
  return e.Text();
}

int XmlElement::Line() const {
  const long line = xmlGetLineNo(Node(node_));
  if (line < 0) return 0;
  return line > std::numeric_limits<int>::max() ? std::numeric_limits<int>::max()
                                                : static_cast<int>(line);
}

// --- XmlDocument ---------------------------------------------------------------------------------

XmlDocument::~XmlDocument() {
  if (doc_ != nullptr) xmlFreeDoc(static_cast<xmlDocPtr>(doc_));
}

XmlDocument::XmlDocument(XmlDocument&& other) noexcept : doc_(std::exchange(other.doc_, nullptr)) {}

XmlDocument& XmlDocument::operator=(XmlDocument&& other) noexcept {
  if (this != &other) {
    if (doc_ != nullptr) xmlFreeDoc(static_cast<xmlDocPtr>(doc_));
    doc_ = std::exchange(other.doc_, nullptr);
  }
  return *this;
}

XmlElement XmlDocument::Root() const {
  if (doc_ == nullptr) return XmlElement();
  return XmlElement(xmlDocGetRootElement(static_cast<xmlDocPtr>(doc_)));
}

// --- ParseXml ------------------------------------------------------------------------------------

Result<XmlDocument> ParseXml(std::string_view text, const XmlLimits& limits) {
  if (text.size() > limits.max_bytes) return InvalidArgument("", "document too large");
  if (text.empty()) return InvalidArgument("", "empty document");
  if (text.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    return InvalidArgument("", "document too large");
  }
  if (!IsCleanUtf8(text)) return InvalidArgument("", "document is not valid UTF-8");
  if (TooManyAttributes(text, limits.max_attributes)) {
    return InvalidArgument("", "too many attributes on one element");
  }
  InitOnce();

  xmlParserCtxtPtr ctxt = xmlCreateMemoryParserCtxt(text.data(), static_cast<int>(text.size()));
  if (ctxt == nullptr)
    return Internal("XML parser unavailable", "xmlCreateMemoryParserCtxt failed");

  // No NOENT (entities stay unexpanded), no DTDLOAD/DTDATTR/DTDVALID, no XINCLUDE, no HUGE (keeps
  // libxml2's own limits). IGNORE_ENC: the bytes were checked as UTF-8 above and are read as such,
  // whatever the declaration says.
  xmlCtxtUseOptions(ctxt, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                              XML_PARSE_IGNORE_ENC | XML_PARSE_BIG_LINES);
  ctxt->replaceEntities = 0;
  ctxt->loadsubset = 0;
  ctxt->validate = 0;

  ParseState state;
  state.max_depth = limits.max_depth;
  ctxt->_private = &state;
  xmlSAXHandler* sax = ctxt->sax;
  state.start_element = sax->startElementNs;
  state.end_element = sax->endElementNs;
  sax->internalSubset = OnInternalSubset;
  sax->externalSubset = OnExternalSubset;
  sax->entityDecl = OnEntityDecl;
  sax->notationDecl = OnNotationDecl;
  sax->attributeDecl = OnAttributeDecl;
  sax->elementDecl = OnElementDecl;
  sax->unparsedEntityDecl = OnUnparsedEntityDecl;
  sax->getEntity = OnGetEntity;
  sax->getParameterEntity = OnGetEntity;
  sax->resolveEntity = OnResolveEntity;
  sax->reference = OnReference;
  sax->processingInstruction = OnProcessingInstruction;
  sax->startElementNs = OnStartElementNs;
  sax->endElementNs = OnEndElementNs;
  sax->warning = nullptr;
  sax->error = nullptr;
  sax->fatalError = nullptr;
  sax->serror = OnStructuredError;

  xmlParseDocument(ctxt);
  xmlDocPtr doc = ctxt->myDoc;
  ctxt->myDoc = nullptr;
  const bool well_formed = ctxt->wellFormed != 0;
  ctxt->_private = nullptr;
  xmlFreeParserCtxt(ctxt);

  const char* refusal = state.refusal;
  if (refusal == nullptr && doc != nullptr) refusal = ForbiddenNode(doc);
  if (refusal != nullptr || !well_formed || doc == nullptr ||
      xmlDocGetRootElement(doc) == nullptr) {
    if (doc != nullptr) xmlFreeDoc(doc);
    if (refusal != nullptr) return InvalidArgument("", refusal);
    if (state.first_error_line > 0) {
      return InvalidArgument("",
                             fmt::format("not well-formed XML at line {}", state.first_error_line));
    }
    return InvalidArgument("", "not well-formed XML");
  }
  return XmlDocument(doc);
}

std::string EscapeXml(std::string_view text) { return EscapeMarkup(text); }

}  // namespace incasso::soap
