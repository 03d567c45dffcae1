#include "domain/payment.hpp"

#include <gtest/gtest.h>

#include "core/time.hpp"

namespace incasso {
namespace {

const TimePoint kNow = *ParseDateTime("2026-11-26T10:00:00Z");
constexpr const char* kBankIban = "IT67V0542404200000000123456";
constexpr const char* kPostalIban = "IT30O0760103200000012345678";

PaymentOption Option(std::string nav, bool instalment, std::int64_t amount = 10000) {
  PaymentOption o;
  o.nav = std::move(nav);
  o.iuv = o.nav.substr(1);
  o.amount = amount;
  o.description = instalment ? "Rata" : "Unica soluzione";
  o.is_partial_payment = instalment;
  o.due_date = kNow + std::chrono::days{30};
  Transfer t;
  t.amount = amount;
  t.iban = kBankIban;
  o.transfers.push_back(t);
  return o;
}

// A position with a single payment "S" (300.00) and three instalments "I1".."I3" (100.00 each).
DebtPosition Plan() {
  DebtPosition p;
  p.iupd = "PLAN-1";
  p.status = PositionStatus::kValid;
  p.options.push_back(Option("S", false, 30000));
  for (int i = 1; i <= 3; ++i) {
    p.options.push_back(Option("I" + std::to_string(i), true));
    p.options.back().due_date = kNow + std::chrono::days{30 * i};
  }
  return p;
}

DebtPosition Single() {
  DebtPosition p;
  p.iupd = "ONE-1";
  p.status = PositionStatus::kValid;
  p.options.push_back(Option("N", false));
  return p;
}

std::string CodeOf(const std::optional<PayabilityFault>& f) {
  return f ? std::string(f->code) : "payable";
}

DebtPosition Paid(const DebtPosition& p, std::string_view nav, TimePoint at = kNow) {
  auto e = ComputePayment(p, nav, at);
  EXPECT_TRUE(e.ok()) << nav << ": " << e.error().ToText();
  return e.ok() ? ApplyPayment(p, *e) : p;
}

TEST(AllCcp, EveryTransferNeedsAPostalAccount) {
  PaymentOption o = Option("N", false);
  EXPECT_FALSE(AllCcp(o));
  o.transfers[0].iban = kPostalIban;
  EXPECT_TRUE(AllCcp(o));
  Transfer bank;
  bank.iban = kBankIban;
  o.transfers.push_back(bank);
  EXPECT_FALSE(AllCcp(o)) << "a bank transfer without a postal IBAN";
  o.transfers[1].postal_iban = kPostalIban;
  EXPECT_TRUE(AllCcp(o)) << "the postal IBAN next to the bank one is enough";
  Transfer stamp;
  stamp.stamp = Stamp{"aGFzaA==", "01", "RM"};
  o.transfers.push_back(stamp);
  EXPECT_FALSE(AllCcp(o)) << "a stamp cannot be collected on a postal account";
  EXPECT_FALSE(AllCcp(PaymentOption{}));
}

TEST(CheckPayable, UnknownDraftAndNotYetValidAreUnknown) {
  EXPECT_EQ(CodeOf(CheckPayable(nullptr, "N", kNow)), kPaaPagamentoSconosciuto);
  DebtPosition p = Single();
  EXPECT_EQ(CodeOf(CheckPayable(&p, "OTHER", kNow)), kPaaPagamentoSconosciuto);
  EXPECT_EQ(CodeOf(CheckPayable(&p, "N", kNow)), "payable");
  p.status = PositionStatus::kDraft;
  EXPECT_EQ(CodeOf(CheckPayable(&p, "N", kNow)), kPaaPagamentoSconosciuto);
  p.status = PositionStatus::kPublished;
  p.validity_date = kNow + std::chrono::hours{1};
  auto fault = CheckPayable(&p, "N", kNow);
  EXPECT_EQ(CodeOf(fault), kPaaPagamentoSconosciuto);
  EXPECT_NE(fault->reason.find("2026-11-26T11:00:00Z"), std::string::npos) << fault->reason;
  EXPECT_EQ(CodeOf(CheckPayable(&p, "N", kNow + std::chrono::hours{1})), "payable")
      << "from its validity date a published position is payable";
  p.validity_date.reset();
  EXPECT_EQ(CodeOf(CheckPayable(&p, "N", kNow)), "payable");
}

TEST(CheckPayable, CancelledExpiredAndPaidPositions) {
  DebtPosition p = Single();
  p.status = PositionStatus::kInvalid;
  EXPECT_EQ(CodeOf(CheckPayable(&p, "N", kNow)), kPaaPagamentoAnnullato);
  p.status = PositionStatus::kExpired;
  EXPECT_EQ(CodeOf(CheckPayable(&p, "N", kNow)), kPaaPagamentoScaduto);
  p.status = PositionStatus::kPaid;
  EXPECT_EQ(CodeOf(CheckPayable(&p, "N", kNow)), kPaaPagamentoDuplicato);
  p.status = PositionStatus::kReported;
  EXPECT_EQ(CodeOf(CheckPayable(&p, "N", kNow)), kPaaPagamentoDuplicato);
  p.status = PositionStatus::kValid;
  for (OptionStatus s :
       {OptionStatus::kPaid, OptionStatus::kPartiallyReported, OptionStatus::kReported}) {
    p.options[0].status = s;
    EXPECT_EQ(CodeOf(CheckPayable(&p, "N", kNow)), kPaaPagamentoDuplicato) << ToString(s);
  }
}

TEST(CheckPayable, SwitchToExpiredAfterTheDueDate) {
  DebtPosition p = Single();
  TimePoint after = p.options[0].due_date + std::chrono::seconds{1};
  EXPECT_EQ(CodeOf(CheckPayable(&p, "N", after)), "payable") << "late payment allowed by default";
  p.switch_to_expired = true;
  EXPECT_EQ(CodeOf(CheckPayable(&p, "N", p.options[0].due_date)), "payable");
  EXPECT_EQ(CodeOf(CheckPayable(&p, "N", after)), kPaaPagamentoScaduto);
  p.options[0].status = OptionStatus::kPaid;
  EXPECT_EQ(CodeOf(CheckPayable(&p, "N", after)), kPaaPagamentoDuplicato)
      << "paid takes precedence over expired";
}

TEST(CheckPayable, SinglePaymentAndInstalmentsExcludeEachOther) {
  DebtPosition plan = Plan();
  for (const char* nav : {"S", "I1", "I2", "I3"}) {
    EXPECT_EQ(CodeOf(CheckPayable(&plan, nav, kNow)), "payable") << nav;
  }
  DebtPosition after_instalment = Paid(plan, "I2");
  EXPECT_EQ(after_instalment.status, PositionStatus::kPartiallyPaid);
  EXPECT_EQ(CodeOf(CheckPayable(&after_instalment, "S", kNow)), kPaaPagamentoDuplicato);
  EXPECT_EQ(CodeOf(CheckPayable(&after_instalment, "I2", kNow)), kPaaPagamentoDuplicato);
  EXPECT_EQ(CodeOf(CheckPayable(&after_instalment, "I1", kNow)), "payable");
  EXPECT_EQ(CodeOf(CheckPayable(&after_instalment, "I3", kNow)), "payable");

  // The single payment paid while the position is still marked VALID (e.g. data imported): the
  // instalments are refused on the option state alone.
  DebtPosition single_paid = plan;
  single_paid.options[0].status = OptionStatus::kPaid;
  EXPECT_EQ(CodeOf(CheckPayable(&single_paid, "I1", kNow)), kPaaPagamentoDuplicato);
}

TEST(ComputePayment, SinglePaymentPaysThePosition) {
  DebtPosition p = Single();
  TimePoint at = kNow + std::chrono::minutes{5};
  auto e = ComputePayment(p, "N", at);
  ASSERT_TRUE(e.ok()) << e.error().ToText();
  EXPECT_EQ(e->nav, "N");
  EXPECT_EQ(e->option_status, OptionStatus::kPaid);
  EXPECT_EQ(e->position_status, PositionStatus::kPaid);
  EXPECT_EQ(e->payment_date, at);
  DebtPosition paid = ApplyPayment(p, *e);
  EXPECT_EQ(paid.status, PositionStatus::kPaid);
  EXPECT_EQ(paid.payment_date, at);
  EXPECT_EQ(paid.options[0].status, OptionStatus::kPaid);
  EXPECT_EQ(paid.options[0].payment_date, at);
  EXPECT_EQ(paid.version, p.version);
}

TEST(ComputePayment, TheSinglePaymentOfAPlanPaysTheWholePosition) {
  DebtPosition paid = Paid(Plan(), "S");
  EXPECT_EQ(paid.status, PositionStatus::kPaid);
  for (const char* nav : {"I1", "I2", "I3"}) {
    EXPECT_EQ(FindOptionByNav(paid, nav)->status, OptionStatus::kUnpaid) << nav;
    EXPECT_EQ(CodeOf(CheckPayable(&paid, nav, kNow)), kPaaPagamentoDuplicato) << nav;
  }
}

TEST(ComputePayment, InstalmentsPayPartiallyThenFully) {
  DebtPosition p = Plan();
  p = Paid(p, "I3", kNow);
  EXPECT_EQ(p.status, PositionStatus::kPartiallyPaid);
  EXPECT_FALSE(p.payment_date.has_value()) << "the position is not paid yet";
  p = Paid(p, "I1", kNow + std::chrono::hours{1});
  EXPECT_EQ(p.status, PositionStatus::kPartiallyPaid);
  // A reported instalment counts as paid.
  p.options[1].status = OptionStatus::kReported;
  TimePoint last = kNow + std::chrono::hours{2};
  auto e = ComputePayment(p, "I2", last);
  ASSERT_TRUE(e.ok()) << e.error().ToText();
  EXPECT_EQ(e->position_status, PositionStatus::kPaid);
  p = ApplyPayment(p, *e);
  EXPECT_EQ(p.payment_date, last);
  EXPECT_EQ(FindOptionByNav(p, "S")->status, OptionStatus::kUnpaid);
}

TEST(ComputePayment, RefusesWhatCannotBePaid) {
  DebtPosition p = Plan();
  auto missing = ComputePayment(p, "NOPE", kNow);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);

  DebtPosition partly = Paid(p, "I1");
  auto twice = ComputePayment(partly, "I1", kNow);
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().code, ErrorCode::kConflict);
  EXPECT_EQ(twice.error().detail, kPaaPagamentoDuplicato);
  auto single = ComputePayment(partly, "S", kNow);
  ASSERT_FALSE(single.ok());
  EXPECT_EQ(single.error().detail, kPaaPagamentoDuplicato);

  p.status = PositionStatus::kInvalid;
  auto cancelled = ComputePayment(p, "S", kNow);
  ASSERT_FALSE(cancelled.ok());
  EXPECT_EQ(cancelled.error().detail, kPaaPagamentoAnnullato);
}

}  // namespace
}  // namespace incasso
