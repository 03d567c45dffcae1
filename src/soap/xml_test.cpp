// ParseXml / XmlElement / EscapeXml.
#include "soap/xml.hpp"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace incasso::soap {
namespace {

TEST(ParseXml, ReadsElementsByNamespaceAndLocalName) {
  const std::string text =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<a:root xmlns:a=\"urn:a\" xmlns=\"urn:default\">\n"
      "  <item>one</item>\n"
      "  <b:item xmlns:b=\"urn:a\">two</b:item>\n"
      "  <plain xmlns=\"\"><inner>x<![CDATA[<y>]]>z</inner></plain>\n"
      "  <!-- a comment is fine -->\n"
      "  <item>three</item>\n"
      "</a:root>";
  auto doc = ParseXml(text);
  ASSERT_TRUE(doc.ok()) << doc.error().ToText();
  XmlElement root = doc->Root();
  ASSERT_TRUE(root.valid());
  EXPECT_EQ(root.LocalName(), "root");
  EXPECT_EQ(root.NamespaceUri(), "urn:a");
  EXPECT_EQ(root.Children().size(), 4u);
  EXPECT_EQ(root.ChildrenNamed("item", "urn:default").size(), 2u);
  EXPECT_EQ(root.ChildText("item", "urn:a"), "two");  // prefix b, same namespace as a
  EXPECT_EQ(root.ChildText("item", "urn:default"), "one");
  EXPECT_FALSE(root.Child("item").valid());  // "" = no namespace
  EXPECT_EQ(root.PathText("plain/inner"), "x<y>z");
  EXPECT_FALSE(root.PathText("plain/missing").has_value());
  EXPECT_EQ(root.Child("plain").Line(), 5);
}

TEST(ParseXml, PredefinedEntitiesAndCharacterReferencesAreText) {
  auto doc = ParseXml("<r>a &amp; b &lt;c&gt; &quot;d&apos; &#233;&#x41;</r>");
  ASSERT_TRUE(doc.ok()) << doc.error().ToText();
  EXPECT_EQ(doc->Root().Text(),
            "a & b <c> \"d' \xC3\xA9"
            "A");
}

TEST(ParseXml, AcceptsAUtf8ByteOrderMark) {
  auto doc = ParseXml("\xEF\xBB\xBF<r>x</r>");
  ASSERT_TRUE(doc.ok()) << doc.error().ToText();
  EXPECT_EQ(doc->Root().Text(), "x");
}

TEST(ParseXml, ReadsTheBytesAsUtf8WhateverTheDeclarationSays) {
  auto doc = ParseXml("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><r>caf\xC3\xA9</r>");
  ASSERT_TRUE(doc.ok()) << doc.error().ToText();
  EXPECT_EQ(doc->Root().Text(), "caf\xC3\xA9");
}

TEST(ParseXml, DepthLimitIsInclusive) {
  auto nested = [](int depth) {
    std::string s;
    for (int i = 0; i < depth; ++i) s += "<e>";
    for (int i = 0; i < depth; ++i) s += "</e>";
    return s;
  };
  XmlLimits limits;
  limits.max_depth = 8;
  EXPECT_TRUE(ParseXml(nested(8), limits).ok());
  auto deep = ParseXml(nested(9), limits);
  ASSERT_FALSE(deep.ok());
  EXPECT_EQ(deep.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(deep.error().message, "document too deep");
}

TEST(ParseXml, SizeLimitIsInclusive) {
  XmlLimits limits;
  limits.max_bytes = 12;  // "<r>12345</r>" is 12 bytes
  EXPECT_TRUE(ParseXml("<r>12345</r>", limits).ok());
  limits.max_bytes = 11;
  auto big = ParseXml("<r>12345</r>", limits);
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().message, "document too large");
}

TEST(ParseXml, AttributeLimitCountsNamespaceDeclarationsButNotText) {
  auto element = [](int attributes) {
    std::string s = "<r xmlns=\"urn:r\"";
    for (int i = 1; i < attributes; ++i) s += " a" + std::to_string(i) + "='x=1>2'";
    return s + "><!-- a=1 b=2 c=3 --><![CDATA[d=4 e=5 f=6]]>g=7 h=8</r>";
  };
  XmlLimits limits;
  limits.max_attributes = 3;
  auto ok = ParseXml(element(3), limits);
  ASSERT_TRUE(ok.ok()) << ok.error().ToText();
  EXPECT_EQ(ok->Root().Text(), "d=4 e=5 f=6g=7 h=8");
  auto many = ParseXml(element(4), limits);
  ASSERT_FALSE(many.ok());
  EXPECT_EQ(many.error().message, "too many attributes on one element");
  EXPECT_TRUE(ParseXml(element(64)).ok());
  EXPECT_FALSE(ParseXml(element(65)).ok());
}

TEST(ParseXml, ShortPublicMessages) {
  struct Case {
    std::string text;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"", "empty document"},
      {"<r>", "not well-formed XML at line 1"},
      {"<r>\n<a></b>\n</r>", "not well-formed XML at line 2"},
      {"just text", "not well-formed XML at line 1"},
      {"<!DOCTYPE r><r/>", "DOCTYPE is not allowed"},
      {"<r>&undeclared;</r>", "entity references are not allowed"},
      {"<?pi data?><r/>", "processing instructions are not allowed"},
      {"<r><?pi data?></r>", "processing instructions are not allowed"},
      {"<r>\xC3\x28</r>", "document is not valid UTF-8"},
      {"<r>\xED\xA0\x80</r>", "document is not valid UTF-8"},  // a UTF-16 surrogate
      {"<r>\xC0\xBC</r>", "document is not valid UTF-8"},      // overlong '<'
      {std::string("<r>\0</r>", 8), "document is not valid UTF-8"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    ::testing::internal::CaptureStderr();
    auto doc = ParseXml(c.text);
    const std::string err = ::testing::internal::GetCapturedStderr();
    ASSERT_FALSE(doc.ok());
    EXPECT_EQ(doc.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(doc.error().message, c.message);
    EXPECT_EQ(err, "") << "libxml2 printed to stderr";
  }
}

TEST(ParseXml, MoveKeepsTheDocument) {
  auto doc = ParseXml("<r><a>1</a></r>");
  ASSERT_TRUE(doc.ok());
  XmlDocument moved = std::move(doc.value());
  EXPECT_EQ(moved.Root().ChildText("a"), "1");
  XmlDocument other = std::move(moved);
  EXPECT_EQ(other.Root().ChildText("a"), "1");
}

TEST(ParseXml, ParsesConcurrently) {
  ::testing::internal::CaptureStderr();  // libxml2's handlers are per thread: all must be silent
  std::vector<std::thread> threads;
  std::vector<int> ok(8, 0);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([t, &ok] {
      for (int i = 0; i < 200; ++i) {
        const bool good = ParseXml("<r><a>" + std::to_string(i) + "</a></r>").ok();
        const bool refused = !ParseXml("<!DOCTYPE r [<!ENTITY e \"x\">]><r>&e;</r>").ok() &&
                             !ParseXml("<r><a></b></r>").ok();
        if (good && refused) ++ok[static_cast<std::size_t>(t)];
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
  for (int n : ok) EXPECT_EQ(n, 200);
}

TEST(EscapeXml, EscapesTheFiveSpecialCharacters) {
  EXPECT_EQ(EscapeXml("a&b<c>d\"e'f"), "a&amp;b&lt;c&gt;d&quot;e&#39;f");
  EXPECT_EQ(EscapeXml("caf\xC3\xA9"), "caf\xC3\xA9");
  EXPECT_EQ(EscapeXml(""), "");
}

}  // namespace
}  // namespace incasso::soap
