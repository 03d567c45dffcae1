#include "web/service_form.hpp"

#include <gtest/gtest.h>

#include <string>

namespace incasso::web {
namespace {

TEST(ServiceFormTest, EmptyDefinitionIsAFormWithoutExtraFields) {
  auto f = ParseServiceForm("");
  ASSERT_TRUE(f.ok());
  EXPECT_TRUE(f->fields.empty());
  EXPECT_TRUE(f->amount_options.empty());
  EXPECT_FALSE(f->quantity.has_value());
}

// Definitions written before amount options and quantities existed keep working unchanged.
TEST(ServiceFormTest, OlderDefinitionsStillParse) {
  auto demo = ParseServiceForm(
      R"({"fields":[{"name":"causale","label":"Causale","type":"text","required":true,"maxLength":140}]})");
  ASSERT_TRUE(demo.ok()) << demo.error().message;
  ASSERT_EQ(demo->fields.size(), 1u);
  EXPECT_EQ(demo->fields[0].name, "causale");
  EXPECT_TRUE(demo->fields[0].required);
  EXPECT_EQ(demo->fields[0].max_length, 140);
  EXPECT_EQ(demo->fields[0].type, "text");
  auto minimal = ParseServiceForm(R"({"fields":[{"name":"targa","label":"Targa \"auto\""}]})");
  ASSERT_TRUE(minimal.ok()) << minimal.error().message;
  EXPECT_EQ(minimal->fields[0].label, "Targa \"auto\"");
  EXPECT_FALSE(minimal->fields[0].required);
  EXPECT_EQ(minimal->fields[0].type, "text");
  // Keys of a later version are ignored, not refused.
  auto later = ParseServiceForm(R"({"version":2,"fields":[{"name":"a","placeholder":"x"}]})");
  ASSERT_TRUE(later.ok()) << later.error().message;
  EXPECT_EQ(later->fields[0].label, "a");  // the name when there is no label
}

TEST(ServiceFormTest, ReadsEveryPart) {
  auto f = ParseServiceForm(R"({
    "fields": [{"name": "sezione", "label": "Sezione", "label_en": "Section", "type": "select",
                "required": true, "options": ["A", "B"], "help": "Aiuto", "help_en": "Help"},
               {"name": "nato_il", "type": "date"}, {"name": "posta", "type": "email"},
               {"name": "n", "type": "number", "maxLength": 6}],
    "amountOptions": [{"label": "Intera", "label_en": "Full", "cents": 4500},
                      {"label": "Ridotta", "cents": 2000}]})");
  ASSERT_TRUE(f.ok()) << f.error().message;
  ASSERT_EQ(f->fields.size(), 4u);
  EXPECT_EQ(f->fields[0].Label(true), "Section");
  EXPECT_EQ(f->fields[0].Help(false), "Aiuto");
  EXPECT_EQ(f->fields[0].options, (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(f->fields[1].HtmlType(), "date");
  EXPECT_EQ(f->fields[2].HtmlType(), "email");
  EXPECT_EQ(f->fields[3].HtmlType(), "text");  // numbers are typed as text + inputmode
  EXPECT_EQ(f->fields[3].max_length, 6);
  ASSERT_EQ(f->amount_options.size(), 2u);
  EXPECT_EQ(f->amount_options[0].cents, 4500);
  EXPECT_EQ(f->amount_options[1].Label(true), "Ridotta");  // Italian when no English label
  auto q = ParseServiceForm(R"({"quantity": {"label": "Pasti", "min": 2, "max": 40}})");
  ASSERT_TRUE(q.ok()) << q.error().message;
  ASSERT_TRUE(q->quantity.has_value());
  EXPECT_EQ(q->quantity->min, 2);
  EXPECT_EQ(q->quantity->max, 40);
}

// Each malformed definition is refused with the JSON path of the problem.
TEST(ServiceFormTest, MalformedDefinitionsNameThePath) {
  struct Case {
    std::string json;
    std::string field;
  };
  const std::vector<Case> cases = {
      {"not json", "formJson"},
      {"[1,2]", "formJson"},
      {"\"text\"", "formJson"},
      {R"({"fields": {"name": "a"}})", "formJson.fields"},
      {R"({"fields": ["a"]})", "formJson.fields[0]"},
      {R"({"fields": [{"name": "A B"}]})", "formJson.fields[0].name"},
      {R"({"fields": [{"name": 7}]})", "formJson.fields[0].name"},
      {R"({"fields": [{"name": "a"}, {"name": "a"}]})", "formJson.fields[1].name"},
      {R"({"fields": [{"name": "a", "type": "file"}]})", "formJson.fields[0].type"},
      {R"({"fields": [{"name": "a", "type": ["text"]}]})", "formJson.fields[0].type"},
      {R"({"fields": [{"name": "a", "required": "yes"}]})", "formJson.fields[0].required"},
      {R"({"fields": [{"name": "a", "maxLength": 0}]})", "formJson.fields[0].maxLength"},
      {R"({"fields": [{"name": "a", "maxLength": 141}]})", "formJson.fields[0].maxLength"},
      {R"({"fields": [{"name": "a", "maxLength": "20"}]})", "formJson.fields[0].maxLength"},
      {R"({"fields": [{"name": "a", "maxLength": 1.5}]})", "formJson.fields[0].maxLength"},
      {R"({"fields": [{"name": "a", "type": "select"}]})", "formJson.fields[0].options"},
      {R"({"fields": [{"name": "a", "type": "select", "options": [1]}]})",
       "formJson.fields[0].options"},
      {R"({"fields": [{"name": "a", "type": "select", "options": "A,B"}]})",
       "formJson.fields[0].options"},
      {R"({"fields": [{"name": "a", "label": {"it": "x"}}]})", "formJson.fields[0].label"},
      {R"({"amountOptions": []})", "formJson.amountOptions"},
      {R"({"amountOptions": {"cents": 100}})", "formJson.amountOptions"},
      {R"({"amountOptions": [{"label": "x", "cents": 0}]})", "formJson.amountOptions[0].cents"},
      {R"({"amountOptions": [{"label": "x", "cents": -5}]})", "formJson.amountOptions[0].cents"},
      {R"({"amountOptions": [{"label": "x", "cents": "100"}]})", "formJson.amountOptions[0].cents"},
      {R"({"amountOptions": [{"label": "x", "cents": 12.5}]})", "formJson.amountOptions[0].cents"},
      {R"({"amountOptions": [{"label": "x", "cents": 1e30}]})", "formJson.amountOptions[0].cents"},
      {R"({"amountOptions": [{"cents": 100}]})", "formJson.amountOptions[0].label"},
      {R"({"quantity": 5})", "formJson.quantity"},
      {R"({"quantity": {"min": 0}})", "formJson.quantity"},
      {R"({"quantity": {"min": 5, "max": 4}})", "formJson.quantity"},
      {R"({"quantity": {"max": 1001}})", "formJson.quantity"},
      {R"({"quantity": {"max": "10"}})", "formJson.quantity.max"},
      {R"({"quantity": {}, "amountOptions": [{"label": "x", "cents": 1}]})", "formJson"},
  };
  for (const Case& c : cases) {
    auto f = ParseServiceForm(c.json);
    ASSERT_FALSE(f.ok()) << c.json;
    EXPECT_EQ(f.error().code, ErrorCode::kInvalidArgument) << c.json;
    EXPECT_EQ(f.error().field, c.field) << c.json << " -> " << f.error().ToText();
  }
}

TEST(ServiceFormTest, HostileDefinitionsAreRefusedCheaply) {
  // Nesting far past any stack: refused by the parser's depth limit, not by a crash.
  std::string deep = "{\"fields\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
  EXPECT_FALSE(ParseServiceForm(deep).ok());
  std::string deep_objects;
  for (int i = 0; i < 50000; ++i) deep_objects += "{\"a\":";
  deep_objects += "1" + std::string(50000, '}');
  EXPECT_FALSE(ParseServiceForm(deep_objects).ok());
  // Huge arrays: more fields, options or amounts than a form may have.
  std::string many_fields = "{\"fields\":[";
  for (int i = 0; i < 11; ++i)
    many_fields += (i ? "," : "") + ("{\"name\":\"f" + std::to_string(i) + "\"}");
  many_fields += "]}";
  auto f = ParseServiceForm(many_fields);
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.error().field, "formJson.fields");
  std::string many_options = R"({"fields":[{"name":"a","type":"select","options":[)";
  for (int i = 0; i < 51; ++i) many_options += (i ? ",\"o" : "\"o") + std::to_string(i) + "\"";
  many_options += "]}]}";
  EXPECT_FALSE(ParseServiceForm(many_options).ok());
  std::string many_amounts = "{\"amountOptions\":[";
  for (int i = 0; i < 21; ++i)
    many_amounts += (i ? "," : "") + std::string(R"({"label":"x","cents":100})");
  many_amounts += "]}";
  EXPECT_FALSE(ParseServiceForm(many_amounts).ok());
  std::string huge_array = "{\"fields\":[" + std::string(200000, '1');
  for (std::size_t i = 1; i < 200000; i += 2) huge_array[11 + i] = ',';
  huge_array += "]}";
  EXPECT_FALSE(ParseServiceForm(huge_array).ok());
  // A label far longer than a page can show.
  EXPECT_FALSE(
      ParseServiceForm(R"({"fields":[{"name":"a","label":")" + std::string(501, 'x') + "\"}]}")
          .ok());
  // Markup in labels is kept verbatim: the template escapes it on output.
  auto markup = ParseServiceForm(R"({"fields":[{"name":"a","label":"<script>x</script>"}]})");
  ASSERT_TRUE(markup.ok());
  EXPECT_EQ(markup->fields[0].label, "<script>x</script>");
}

}  // namespace
}  // namespace incasso::web
