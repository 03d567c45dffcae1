#include "domain/position.hpp"

#include <gtest/gtest.h>

#include "core/time.hpp"

namespace incasso {
namespace {

constexpr const char* kEntity = "00123456782";
const TimePoint kNow = *ParseDateTime("2026-11-26T10:00:00Z");

DebtPosition ValidPosition() {
  DebtPosition p;
  p.iupd = "TARI-2026-0001";
  p.debtor.type = DebtorType::kPerson;
  p.debtor.fiscal_code = "RSSMRA85T10A562S";
  p.debtor.full_name = "Mario Rossi";
  p.company_name = "Comune di Valdimonte";
  PaymentOption o;
  o.amount = 15000;
  o.description = "TARI 2026";
  o.due_date = kNow + std::chrono::days{30};
  Transfer t;
  t.id_transfer = 1;
  t.amount = 15000;
  t.iban = "IT67V0542404200000000123456";
  t.remittance_information = "TARI 2026";
  t.category = "9/0201102IM/";
  o.transfers.push_back(t);
  p.options.push_back(o);
  return p;
}

std::string FieldOf(const Status& s) { return s.ok() ? "" : s.error().field; }

TEST(PositionValidation, AcceptsAValidPosition) {
  auto s = ValidatePosition(ValidPosition(), kEntity, kNow);
  EXPECT_TRUE(s.ok()) << s.error().ToText();
}

TEST(PositionValidation, TransfersMustAddUpToTheOptionAmount) {
  auto p = ValidPosition();
  Transfer t2 = p.options[0].transfers[0];
  t2.id_transfer = 2;
  t2.amount = 100;
  p.options[0].transfers.push_back(t2);
  auto s = ValidatePosition(p, kEntity, kNow);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().field, "paymentOption[0].transfer");
  EXPECT_NE(s.error().message.find("151.00"), std::string::npos) << s.error().message;
  EXPECT_NE(s.error().message.find("150.00"), std::string::npos) << s.error().message;
}

TEST(PositionValidation, AtMostFiveTransfers) {
  auto p = ValidPosition();
  p.options[0].transfers.clear();
  for (int i = 1; i <= 6; ++i) {
    Transfer t;
    t.id_transfer = i;
    t.amount = 2500;
    t.iban = "IT67V0542404200000000123456";
    t.remittance_information = "quota";
    t.category = "9/0201102IM/";
    p.options[0].transfers.push_back(t);
  }
  auto s = ValidatePosition(p, kEntity, kNow);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().field, "paymentOption[0].transfer");
  EXPECT_NE(s.error().message.find("at most 5"), std::string::npos);
}

TEST(PositionValidation, DuplicateTransferIdIsNamed) {
  auto p = ValidPosition();
  p.options[0].amount = 30000;
  p.options[0].transfers.push_back(p.options[0].transfers[0]);
  EXPECT_EQ(FieldOf(ValidatePosition(p, kEntity, kNow)), "paymentOption[0].transfer[1].idTransfer");
}

TEST(PositionValidation, BadIbanIsNamed) {
  auto p = ValidPosition();
  p.options[0].transfers[0].iban = "IT67V0542404200000000123457";
  EXPECT_EQ(FieldOf(ValidatePosition(p, kEntity, kNow)), "paymentOption[0].transfer[0].iban");
}

TEST(PositionValidation, BadDebtorFiscalCodeIsNamed) {
  auto p = ValidPosition();
  p.debtor.fiscal_code = "RSSMRA85T10A562X";
  EXPECT_EQ(FieldOf(ValidatePosition(p, kEntity, kNow)), "fiscalCode");
  p.debtor.type = DebtorType::kLegal;
  p.debtor.fiscal_code = "00123456781";
  EXPECT_EQ(FieldOf(ValidatePosition(p, kEntity, kNow)), "fiscalCode");
  p.debtor.fiscal_code = "00123456782";
  EXPECT_TRUE(ValidatePosition(p, kEntity, kNow).ok());
}

TEST(PositionValidation, AmountLimits) {
  auto p = ValidPosition();
  p.options[0].amount = 0;
  p.options[0].transfers[0].amount = 0;
  EXPECT_EQ(FieldOf(ValidatePosition(p, kEntity, kNow)), "paymentOption[0].amount");
  p.options[0].amount = 100000000000;  // 1,000,000,000.00 EUR
  p.options[0].transfers[0].amount = 100000000000;
  EXPECT_EQ(FieldOf(ValidatePosition(p, kEntity, kNow)), "paymentOption[0].amount");
  p.options[0].amount = -5;
  EXPECT_EQ(FieldOf(ValidatePosition(p, kEntity, kNow)), "paymentOption[0].amount");
}

TEST(PositionValidation, DueDateInThePastIsRejected) {
  auto p = ValidPosition();
  p.options[0].due_date = kNow - std::chrono::hours{1};
  EXPECT_EQ(FieldOf(ValidatePosition(p, kEntity, kNow)), "paymentOption[0].dueDate");
}

TEST(PositionValidation, StampExcludesIban) {
  auto p = ValidPosition();
  p.options[0].transfers[0].stamp = Stamp{"cXVlc3RhIOggdW5hIHByb3Zh", "01", "RM"};
  EXPECT_EQ(FieldOf(ValidatePosition(p, kEntity, kNow)), "paymentOption[0].transfer[0].stamp");
  p.options[0].transfers[0].iban.clear();
  EXPECT_TRUE(ValidatePosition(p, kEntity, kNow).ok());
  p.options[0].transfers[0].stamp->provincial_residence = "rm";
  EXPECT_EQ(FieldOf(ValidatePosition(p, kEntity, kNow)),
            "paymentOption[0].transfer[0].stamp.provincialResidence");
}

TEST(PositionValidation, FirstTransferCreditsTheEntityItself) {
  auto p = ValidPosition();
  p.options[0].transfers[0].entity_fiscal_code = "80012345676";
  EXPECT_EQ(FieldOf(ValidatePosition(p, kEntity, kNow)),
            "paymentOption[0].transfer[0].organizationFiscalCode");
}

TEST(PositionValidation, MetadataLimit) {
  auto p = ValidPosition();
  for (int i = 0; i < 16; ++i) p.options[0].transfers[0].metadata.push_back({"k", "v"});
  EXPECT_EQ(FieldOf(ValidatePosition(p, kEntity, kNow)),
            "paymentOption[0].transfer[0].transferMetadata");
}

TEST(PositionValidation, OnlyOneSinglePaymentOption) {
  auto p = ValidPosition();
  p.options.push_back(p.options[0]);
  EXPECT_EQ(FieldOf(ValidatePosition(p, kEntity, kNow)), "paymentOption");
  p.options[1].is_partial_payment = true;
  EXPECT_TRUE(ValidatePosition(p, kEntity, kNow).ok());
}

TEST(PositionValidation, IupdCharset) {
  auto p = ValidPosition();
  p.iupd = "a'; DROP TABLE debt_position; --";
  EXPECT_EQ(FieldOf(ValidatePosition(p, kEntity, kNow)), "iupd");
  p.iupd = "";
  EXPECT_EQ(FieldOf(ValidatePosition(p, kEntity, kNow)), "iupd");
}

TEST(PositionStates, Transitions) {
  using S = PositionStatus;
  EXPECT_TRUE(CanTransition(S::kDraft, S::kPublished));
  EXPECT_TRUE(CanTransition(S::kPublished, S::kValid));
  EXPECT_TRUE(CanTransition(S::kValid, S::kPaid));
  EXPECT_TRUE(CanTransition(S::kValid, S::kPartiallyPaid));
  EXPECT_TRUE(CanTransition(S::kPartiallyPaid, S::kPaid));
  EXPECT_TRUE(CanTransition(S::kPaid, S::kReported));
  EXPECT_TRUE(CanTransition(S::kValid, S::kInvalid));
  EXPECT_FALSE(CanTransition(S::kPaid, S::kInvalid));
  EXPECT_FALSE(CanTransition(S::kInvalid, S::kValid));
  EXPECT_FALSE(CanTransition(S::kExpired, S::kPaid));
  EXPECT_FALSE(CanTransition(S::kReported, S::kPaid));
  EXPECT_FALSE(CanTransition(S::kDraft, S::kPaid));
  EXPECT_TRUE(IsPayable(S::kValid));
  EXPECT_TRUE(IsPayable(S::kPartiallyPaid));
  EXPECT_FALSE(IsPayable(S::kDraft));
  EXPECT_FALSE(IsPayable(S::kPaid));
}

TEST(PositionStates, NamesRoundTrip) {
  for (int i = 0; i <= static_cast<int>(PositionStatus::kReported); ++i) {
    auto s = static_cast<PositionStatus>(i);
    EXPECT_EQ(*ParsePositionStatus(ToString(s)), s);
  }
  EXPECT_FALSE(ParsePositionStatus("paid").ok());
  for (int i = 0; i <= static_cast<int>(OptionStatus::kReported); ++i) {
    auto s = static_cast<OptionStatus>(i);
    EXPECT_EQ(*ParseOptionStatus(ToString(s)), s);
  }
}

TEST(PositionStates, InitialStatus) {
  auto p = ValidPosition();
  EXPECT_EQ(InitialStatus(p, false, kNow), PositionStatus::kDraft);
  EXPECT_EQ(InitialStatus(p, true, kNow), PositionStatus::kValid);
  p.validity_date = kNow + std::chrono::days{2};
  EXPECT_EQ(InitialStatus(p, true, kNow), PositionStatus::kPublished);
}

}  // namespace
}  // namespace incasso
