#include "domain/entity.hpp"

#include <gtest/gtest.h>

namespace incasso {
namespace {

Entity ValidEntity() {
  Entity e;
  e.fiscal_code = "00123456782";
  e.name = "Comune di Valdimonte";
  e.slug = "comune-valdimonte";
  e.segregation_code = "01";
  e.province = "PZ";
  e.postal_code = "85010";
  e.email = "tributi@comune.valdimonte.example";
  return e;
}

std::string FieldOf(const Status& s) { return s.ok() ? "" : s.error().field; }

TEST(EntityValidation, AcceptsAValidEntity) {
  auto s = ValidateEntity(ValidEntity());
  EXPECT_TRUE(s.ok()) << s.error().ToText();
}

TEST(EntityValidation, FiscalCodeCheckDigit) {
  auto e = ValidEntity();
  e.fiscal_code = "00123456781";
  EXPECT_EQ(FieldOf(ValidateEntity(e)), "fiscalCode");
  e.fiscal_code = "0012345678";
  EXPECT_EQ(FieldOf(ValidateEntity(e)), "fiscalCode");
  e.fiscal_code = "RSSMRA85T10A562S";  // a person, not an institution
  EXPECT_EQ(FieldOf(ValidateEntity(e)), "fiscalCode");
}

TEST(EntityValidation, SlugAndCodes) {
  auto e = ValidEntity();
  e.slug = "Comune Valdimonte";
  EXPECT_EQ(FieldOf(ValidateEntity(e)), "slug");
  e = ValidEntity();
  e.slug = "-x";
  EXPECT_EQ(FieldOf(ValidateEntity(e)), "slug");
  e = ValidEntity();
  e.segregation_code = "1";
  EXPECT_EQ(FieldOf(ValidateEntity(e)), "segregationCode");
  e = ValidEntity();
  e.segregation_code = "";
  EXPECT_EQ(FieldOf(ValidateEntity(e)), "segregationCode");
  e = ValidEntity();
  e.cbill_code = "AB";
  EXPECT_EQ(FieldOf(ValidateEntity(e)), "cbillCode");
  e = ValidEntity();
  e.province = "pz";
  EXPECT_EQ(FieldOf(ValidateEntity(e)), "province");
  e = ValidEntity();
  e.email = "not-an-email";
  EXPECT_EQ(FieldOf(ValidateEntity(e)), "email");
  e = ValidEntity();
  e.name = "";
  EXPECT_EQ(FieldOf(ValidateEntity(e)), "name");
}

TEST(EntityValidation, IbanAccount) {
  IbanAccount a;
  a.iban = "IT67V0542404200000000123456";
  EXPECT_TRUE(ValidateIbanAccount(a).ok());
  a.iban = "IT67V0542404200000000123465";
  EXPECT_EQ(FieldOf(ValidateIbanAccount(a)), "iban");
}

TEST(EntityValidation, Service) {
  Service s;
  s.code = "TARI";
  s.name = "Tassa rifiuti";
  s.taxonomy_code = "9/0201102IM/";
  s.iban = "IT67V0542404200000000123456";
  s.amount_rule = AmountRule::kFixed;
  s.amount_cents = 2500;
  EXPECT_TRUE(ValidateService(s).ok());
  s.taxonomy_code = "0201102IM";
  EXPECT_TRUE(ValidateService(s).ok());
  s.taxonomy_code = "TARI";
  EXPECT_EQ(FieldOf(ValidateService(s)), "taxonomyCode");
  s.taxonomy_code = "0201102IM";
  s.amount_cents = 0;
  EXPECT_EQ(FieldOf(ValidateService(s)), "amount");
  s.amount_rule = AmountRule::kRange;
  s.min_cents = 500;
  s.max_cents = 100;
  EXPECT_EQ(FieldOf(ValidateService(s)), "maxAmount");
  s.amount_rule = AmountRule::kFree;
  EXPECT_TRUE(ValidateService(s).ok());
}

}  // namespace
}  // namespace incasso
