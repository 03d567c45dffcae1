// A small, safe XML reader for messages from outside (SOAP from the node, responses in the node
// simulator), over libxml2, which only src/soap/*.cpp includes.
//
// Safety contract (performance-and-security-notes.md §3.5; SOAP 1.1 forbids DTDs and PIs):
// - A document with a DOCTYPE, an entity reference or a processing instruction is refused, before
//   any entity could be expanded; no network or file access ever happens (XML_PARSE_NONET, no
//   XML_PARSE_NOENT, no XML_PARSE_HUGE).
// - Size (max_bytes), depth (max_depth) and attributes per element (max_attributes, namespace
//   declarations included: libxml2 2.9 checks duplicates pairwise, so 50,000 attributes on one
//   element cost seconds) are bounded; invalid UTF-8 is refused.
// - Elements are matched by namespace URI and local name, never by prefix.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace incasso::soap {

inline constexpr std::string_view kSoapEnvelopeNs = "http://schemas.xmlsoap.org/soap/envelope/";
inline constexpr std::string_view kPaForNodeNs = "http://pagopa-api.pagopa.gov.it/pa/paForNode.xsd";

struct XmlLimits {
  std::size_t max_bytes = 512 * 1024;
  int max_depth = 32;
  int max_attributes = 64;
};

class XmlDocument;

// A read-only view of one element; valid while its XmlDocument lives. Cheap to copy.
class XmlElement {
 public:
  XmlElement() = default;
  bool valid() const { return node_ != nullptr; }
  std::string_view LocalName() const;
  std::string_view NamespaceUri() const;  // "" when the element has no namespace
  // The concatenated text content of this element (character data and CDATA), untrimmed.
  std::string Text() const;
  // Direct child elements, in document order.
  std::vector<XmlElement> Children() const;
  // The first direct child with this local name and namespace URI ("" = no namespace).
  XmlElement Child(std::string_view local_name, std::string_view ns = "") const;
  // All direct children with this local name and namespace URI.
  std::vector<XmlElement> ChildrenNamed(std::string_view local_name, std::string_view ns = "") const;
  // Text of Child(local_name, ns), if that child exists.
  std::optional<std::string> ChildText(std::string_view local_name, std::string_view ns = "") const;
  // An "/"-separated path of unqualified child names, e.g. "qrCode/noticeNumber".
  std::optional<std::string> PathText(std::string_view path) const;
  // Source line of the element, for error messages.
  int Line() const;

 private:
  friend class XmlDocument;
  explicit XmlElement(const void* node) : node_(node) {}
  const void* node_ = nullptr;  // xmlNode*
};

class XmlDocument {
 public:
  ~XmlDocument();
  XmlDocument(XmlDocument&&) noexcept;
  XmlDocument& operator=(XmlDocument&&) noexcept;
  XmlDocument(const XmlDocument&) = delete;
  XmlDocument& operator=(const XmlDocument&) = delete;

  XmlElement Root() const;

 private:
  friend Result<XmlDocument> ParseXml(std::string_view text, const XmlLimits& limits);
  explicit XmlDocument(void* doc) : doc_(doc) {}
  void* doc_ = nullptr;  // xmlDoc*
};

// Parses `text` under the safety contract. Errors are kInvalidArgument with a short public
// message ("DOCTYPE is not allowed", "not well-formed XML at line 3", "document too deep").
Result<XmlDocument> ParseXml(std::string_view text, const XmlLimits& limits = {});

// Escapes &, <, >, " and ' for element text and attribute values.
std::string EscapeXml(std::string_view text);

}  // namespace incasso::soap
