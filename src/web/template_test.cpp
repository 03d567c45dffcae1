#include "web/template.hpp"

#include <gtest/gtest.h>

namespace incasso::web {
namespace {

std::string Render(std::string_view source, const Value& data) {
  TemplateSet set;
  auto added = set.Add("t", source);
  EXPECT_TRUE(added.ok()) << (added.ok() ? "" : added.error().message);
  auto out = set.Render("t", data);
  EXPECT_TRUE(out.ok());
  return out.ok() ? *out : std::string();
}

TEST(Template, EscapesVariablesByDefault) {
  Value d;
  d["x"] = "<script>alert(\"x\")</script> & 'y'";
  EXPECT_EQ(Render("<p>{{x}}</p>", d),
            "<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;</p>");
  // An attribute value cannot be broken out of either.
  d["u"] = "\" onmouseover=\"alert(1)";
  EXPECT_EQ(Render("<a title=\"{{u}}\">", d), "<a title=\"&quot; onmouseover=&quot;alert(1)\">");
}

TEST(Template, TripleBracesAndAmpersandAreRaw) {
  Value d;
  d["html"] = "<b>bold</b>";
  EXPECT_EQ(Render("{{{html}}}|{{& html}}", d), "<b>bold</b>|<b>bold</b>");
}

TEST(Template, MissingVariablesRenderAsNothing) {
  EXPECT_EQ(Render("a{{nope}}b{{nope.deeper}}c{{{raw}}}d", Value()), "abcd");
}

TEST(Template, SectionsIterateListsAndPushContext) {
  Value d;
  d["title"] = "T";
  Value a, b;
  a["name"] = "uno";
  b["name"] = "<due>";
  d["items"].push_back(a);
  d["items"].push_back(b);
  EXPECT_EQ(Render("{{#items}}[{{name}} {{title}}]{{/items}}", d), "[uno T][&lt;due&gt; T]");
}

TEST(Template, SectionsAndInvertedSectionsFollowTruthiness) {
  Value d;
  d["yes"] = true;
  d["no"] = false;
  d["empty"] = "";
  d["list"] = Value::List{};
  EXPECT_EQ(Render("{{#yes}}Y{{/yes}}{{#no}}N{{/no}}{{#empty}}E{{/empty}}{{#list}}L{{/list}}"
                   "{{#missing}}M{{/missing}}",
                   d),
            "Y");
  EXPECT_EQ(Render("{{^yes}}Y{{/yes}}{{^no}}N{{/no}}{{^empty}}E{{/empty}}{{^list}}L{{/list}}"
                   "{{^missing}}M{{/missing}}",
                   d),
            "NELM");
}

TEST(Template, DottedNamesAndObjectSections) {
  Value d;
  d["entity"]["name"] = "Comune";
  d["entity"]["city"] = "Valdimonte";
  EXPECT_EQ(Render("{{entity.name}} / {{#entity}}{{city}}{{/entity}}", d), "Comune / Valdimonte");
}

TEST(Template, StandaloneSectionTagsLeaveNoBlankLines) {
  Value d;
  d["items"].push_back("a");
  d["items"].push_back("b");
  EXPECT_EQ(Render("<ul>\n  {{#items}}\n  <li>{{.}}</li>\n  {{/items}}\n</ul>\n", d),
            "<ul>\n  <li>a</li>\n  <li>b</li>\n</ul>\n");
}

TEST(Template, PartialsRenderInTheCurrentContext) {
  TemplateSet set;
  ASSERT_TRUE(set.Add("page", "<main>{{#user}}{{>card}}{{/user}}</main>").ok());
  ASSERT_TRUE(set.Add("card", "<b>{{name}}</b>").ok());
  ASSERT_TRUE(set.Add("loop", "x{{>loop}}").ok());
  Value d;
  d["user"]["name"] = "A&B";
  EXPECT_EQ(*set.Render("page", d), "<main><b>A&amp;B</b></main>");
  // A recursive partial stops at the depth limit instead of overflowing the stack.
  EXPECT_EQ(set.Render("loop", d)->size(), 33u);
  EXPECT_EQ(set.Render("nope", d).error().code, ErrorCode::kNotFound);
}

TEST(Template, CommentsRenderNothing) { EXPECT_EQ(Render("a{{! a comment }}b", Value()), "ab"); }

TEST(Template, SyntaxErrorsNameTheTemplateAndLine) {
  TemplateSet set;
  auto unclosed = set.Add("broken", "line1\n{{#a}}x");
  ASSERT_FALSE(unclosed.ok());
  EXPECT_NE(unclosed.error().message.find("template broken line 2"), std::string::npos)
      << unclosed.error().message;
  auto mismatched = set.Add("m", "{{#a}}{{/b}}");
  ASSERT_FALSE(mismatched.ok());
  EXPECT_NE(mismatched.error().message.find("closes no open section"), std::string::npos);
  EXPECT_FALSE(set.Add("u", "{{a").ok());
  EXPECT_FALSE(set.Add("e", "{{}}").ok());
}

TEST(Template, ValueDataInTemplateIsNeverInterpreted) {
  Value d;
  d["x"] = "{{y}}";
  d["y"] = "secret";
  EXPECT_EQ(Render("{{x}}", d), "{{y}}");
}

}  // namespace
}  // namespace incasso::web
