#include "api/gpd_json.hpp"

#include <gtest/gtest.h>

#include <string>

namespace incasso {
namespace {

const std::string kValid = R"({
  "iupd": "TARI-2026-0001", "type": "F", "fiscalCode": "RSSMRA85T10A562S",
  "fullName": "Mario Rossi", "companyName": "Comune di Valdimonte", "switchToExpired": false,
  "email": "mario@example.org", "validityDate": "2026-12-01T00:00:00",
  "paymentOption": [{
    "iuv": "", "amount": 15050, "description": "TARI 2026", "isPartialPayment": false,
    "dueDate": "2027-01-31T23:59:59.999", "fee": 0,
    "transfer": [{"idTransfer": "1", "amount": 15050, "remittanceInformation": "TARI 2026",
                  "category": "9/0201102IM/", "iban": "IT67V0542404200000000123456",
                  "transferMetadata": [{"key": "anno", "value": "2026"}]}]
  }]
})";

TEST(GpdJson, ParsesAPaymentPositionModel) {
  auto p = ParsePositionJson(kValid);
  ASSERT_TRUE(p.ok()) << p.error().ToText();
  EXPECT_EQ(p->iupd, "TARI-2026-0001");
  EXPECT_EQ(p->debtor.type, DebtorType::kPerson);
  EXPECT_EQ(p->debtor.email, "mario@example.org");
  ASSERT_EQ(p->options.size(), 1u);
  EXPECT_EQ(p->options[0].amount, 15050);
  ASSERT_EQ(p->options[0].transfers.size(), 1u);
  EXPECT_EQ(p->options[0].transfers[0].id_transfer, 1);
  EXPECT_EQ(p->options[0].transfers[0].metadata[0].value, "2026");
  EXPECT_EQ(FormatDateTime(p->options[0].due_date), "2027-01-31T23:59:59Z");
}

TEST(GpdJson, AmountsMustBeIntegerCents) {
  std::string doc = kValid;
  doc.replace(doc.find("\"amount\": 15050"), 15, "\"amount\": 150.5");
  auto p = ParsePositionJson(doc);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().field, "paymentOption[0].amount");
  doc = kValid;
  doc.replace(doc.find("\"amount\": 15050"), 15, "\"amount\": \"150\"");
  EXPECT_EQ(ParsePositionJson(doc).error().field, "paymentOption[0].amount");
}

TEST(GpdJson, UnknownFieldIsNamed) {
  std::string doc = kValid;
  doc.replace(doc.find("\"paymentOption\""), 15, "\"paymentOptions\"");
  auto p = ParsePositionJson(doc);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().field, "paymentOptions");
}

TEST(GpdJson, MissingRequiredFieldIsNamed) {
  std::string doc = kValid;
  doc.replace(doc.find("\"fullName\": \"Mario Rossi\","), 26, "");
  auto p = ParsePositionJson(doc);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().field, "fullName");
  EXPECT_EQ(p.error().message, "is required");
}

TEST(GpdJson, HostileInput) {
  EXPECT_FALSE(ParsePositionJson("").ok());
  EXPECT_FALSE(ParsePositionJson("[]").ok());
  EXPECT_FALSE(ParsePositionJson("{\"iupd\": ").ok());
  EXPECT_FALSE(ParsePositionJson(std::string(1000, '[')).ok());  // nesting bomb
  EXPECT_FALSE(ParsePositionJson("{\"iupd\": 1e999}").ok());
  auto p = ParsePositionJson("\xff\xfe{}");
  EXPECT_FALSE(p.ok());
}

TEST(GpdJson, RoundTripKeepsTheData) {
  auto p = ParsePositionJson(kValid);
  ASSERT_TRUE(p.ok());
  p->options[0].iuv = "01000000000000152";
  p->options[0].nav = "301000000000000152";
  std::string out = PositionToJson(*p);
  EXPECT_NE(out.find("\"nav\":\"301000000000000152\""), std::string::npos) << out;
  EXPECT_NE(out.find("\"amount\":15050"), std::string::npos);
  EXPECT_NE(out.find("\"status\":\"DRAFT\""), std::string::npos);
  auto again = ParsePositionJson(out);
  ASSERT_TRUE(again.ok()) << again.error().ToText();
  EXPECT_EQ(again->options[0].transfers[0].iban, "IT67V0542404200000000123456");
  EXPECT_EQ(again->options[0].due_date, p->options[0].due_date);
}

}  // namespace
}  // namespace incasso
