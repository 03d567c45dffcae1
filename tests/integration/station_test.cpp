// The station use cases (what the node asks through paForNode) over a real database, SQLite and
// PostgreSQL: header and state faults, the answers, receipts and their kinds, idempotency and
// concurrency (performance-and-security-notes.md §3.1 test list).
#include "app/station.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <map>
#include <thread>
#include <tuple>

#include "app/entities.hpp"
#include "app/positions.hpp"
#include "core/time.hpp"
#include "storage/open_store.hpp"
#include "tests/support/databases.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/hooked_store.hpp"

namespace incasso {
namespace {

const TimePoint kNow = *ParseDateTime("2026-11-26T10:00:00Z");
constexpr const char* kBroker = "80012345678";
constexpr const char* kStation = "80012345678_01";
constexpr const char* kComune = "00123456782";      // segregation code 01
constexpr const char* kUniversita = "80012345676";  // segregation code 02
constexpr const char* kSospeso = "01987654322";     // suspended
constexpr const char* kBankIban = "IT67V0542404200000000123456";
constexpr const char* kOtherBankIban = "IT84P0103004200000001234567";
constexpr const char* kPostalIban = "IT30O0760103200000012345678";

using testing::HookedStore;

// ---- Fixture --------------------------------------------------------------------------------

template <typename T>
std::string CodeOf(const StationResult<T>& r) {
  if (const auto* f = std::get_if<PaaFault>(&r)) return f->code;
  return "OK";
}

template <typename T>
const PaaFault& FaultOf(const StationResult<T>& r) {
  static const PaaFault kNone{"OK", "", ""};
  const auto* f = std::get_if<PaaFault>(&r);
  return f ? *f : kNone;
}

class StationTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::string url = testing::FreshDatabaseUrl(GetParam(), tmp_.path());
    if (url.empty()) GTEST_SKIP() << "set INCASSO_TEST_POSTGRES_URL to run on PostgreSQL";
    StoreOptions options{url, 8, 10000};
    auto migrated = MigrateStore(options);
    ASSERT_TRUE(migrated.ok()) << migrated.error().ToText() << " | " << migrated.error().detail;
    auto store = OpenStore(options);
    ASSERT_TRUE(store.ok()) << store.error().ToText();
    store_ = std::move(*store);
    hooked_ = std::make_unique<HookedStore>(*store_);
    config_.broker_fiscal_code = kBroker;
    config_.station_ids = {kStation};
    comune_ = AddTestEntity(kComune, "comune", "01", EntityStatus::kActive);
    universita_ = AddTestEntity(kUniversita, "universita", "02", EntityStatus::kActive);
    AddTestEntity(kSospeso, "sospeso", "03", EntityStatus::kSuspended);
  }

  AppContext Ctx() { return AppContext{*hooked_, clock_}; }

  Entity AddTestEntity(const std::string& cf, const std::string& slug, const std::string& seg,
                       EntityStatus status) {
    Entity e = testing::TestEntity(cf, slug, seg);
    e.department = "Ufficio " + slug;
    e.station_id = kStation;
    e.status = status;
    auto ctx = Ctx();
    return testing::AddTestEntity(ctx, e);
  }

  static Transfer MakeTransfer(int id, std::int64_t cents, std::string iban = kBankIban) {
    Transfer t;
    t.id_transfer = id;
    t.amount = cents;
    t.iban = std::move(iban);
    t.remittance_information = "Mensa scolastica";
    t.category = "9/0201133SE/";
    return t;
  }

  static PaymentOption MakeOption(std::int64_t cents, bool instalment, int days = 10) {
    PaymentOption o;
    o.amount = cents;
    o.description = instalment ? "Rata mensa" : "Mensa scolastica";
    o.is_partial_payment = instalment;
    o.due_date = kNow + std::chrono::days{days};
    o.transfers.push_back(MakeTransfer(1, cents));
    return o;
  }

  static DebtPosition MakePosition(const std::string& iupd, std::int64_t cents = 2500) {
    DebtPosition p;
    p.iupd = iupd;
    p.debtor.fiscal_code = "RSSMRA85T10A562S";
    p.debtor.full_name = "Mario Rossi";
    p.company_name = "Comune di Valdimonte";
    p.options.push_back(MakeOption(cents, false));
    return p;
  }

  // A single payment of 300.00 and three instalments of 100.00.
  static DebtPosition MakePlan(const std::string& iupd) {
    DebtPosition p = MakePosition(iupd, 30000);
    for (int i = 1; i <= 3; ++i) p.options.push_back(MakeOption(10000, true, 30 * i));
    return p;
  }

  DebtPosition Create(DebtPosition p, bool publish = true, const char* entity = kComune) {
    auto ctx = Ctx();
    auto created = CreatePosition(ctx, Caller{}, {entity, std::move(p), publish});
    EXPECT_TRUE(created.ok()) << created.error().ToText();
    return created.ok() ? *created : DebtPosition{};
  }

  DebtPosition Reload(const DebtPosition& p, const char* entity = kComune) {
    auto ctx = Ctx();
    auto got = GetPosition(ctx, entity, p.iupd);
    EXPECT_TRUE(got.ok()) << got.error().ToText();
    return got.ok() ? *got : DebtPosition{};
  }

  static StationHeader Header(std::string id_pa = kComune) {
    return StationHeader{std::move(id_pa), kBroker, kStation};
  }

  StationResult<VerifyNoticeAnswer> Verify(const std::string& nav, StationHeader h = Header()) {
    auto ctx = Ctx();
    std::string fc = h.id_pa;
    return VerifyNotice(ctx, config_, VerifyNoticeQuery{std::move(h), fc, nav});
  }

  StationResult<PaymentData> Get(const std::string& nav, int version = 2,
                                 std::string transfer_type = "", StationHeader h = Header()) {
    auto ctx = Ctx();
    GetPaymentQuery q;
    q.fiscal_code = h.id_pa;
    q.header = std::move(h);
    q.notice_number = nav;
    q.transfer_type = std::move(transfer_type);
    q.version = version;
    return GetPayment(ctx, config_, q);
  }

  // What soap/ logs after answering paGetPaymentV2 OK.
  void LogActivation(const std::string& nav, std::int64_t entity_id) {
    Event e;
    e.at = clock_.Now();
    e.direction = "in";
    e.channel = "soap";
    e.operation = "paGetPaymentV2";
    e.entity_id = entity_id;
    e.entity_fiscal_code = kComune;
    e.notice_number = nav;
    e.outcome = "OK";
    ASSERT_TRUE(store_->AppendEvent(e).ok());
  }

  static Receipt MakeReceipt(const std::string& receipt_id, const std::string& nav,
                             std::int64_t cents, const std::string& fiscal_code = kComune) {
    Receipt r;
    r.receipt_id = receipt_id;
    r.notice_number = nav;
    r.fiscal_code = fiscal_code;
    r.iuv = nav.size() > 1 ? nav.substr(1) : nav;
    r.outcome = "OK";
    r.amount = cents;
    r.psp_id = "BCITITMM";
    r.psp_company_name = "Intesa Sanpaolo";
    r.channel_id = "00799960158_01";
    r.payment_method = "creditCard";
    r.payment_date_time = kNow - std::chrono::minutes{2};
    r.debtor.fiscal_code = "RSSMRA85T10A562S";
    r.debtor.full_name = "Mario Rossi";
    r.transfers.push_back(MakeTransfer(1, cents));
    r.original_xml = "<receipt/>";
    r.source = "paSendRTV2";
    return r;
  }

  StationResult<ReceiptAccepted> Send(Receipt r, StationHeader h = Header()) {
    auto ctx = Ctx();
    return AcceptReceipt(ctx, config_, SendReceiptCommand{std::move(h), std::move(r)});
  }

  ReceiptKind KindOf(const StationResult<ReceiptAccepted>& r) {
    const auto* a = std::get_if<ReceiptAccepted>(&r);
    EXPECT_NE(a, nullptr) << FaultOf(r).code << ": " << FaultOf(r).description;
    return a ? a->kind : ReceiptKind::kNormal;
  }

  std::vector<StoredReceipt> Receipts(std::int64_t entity_id) {
    auto r = store_->ListReceipts(entity_id, ReceiptFilter{});
    EXPECT_TRUE(r.ok()) << r.error().ToText();
    return r.ok() ? *r : std::vector<StoredReceipt>{};
  }

  // The entity's outbox messages announcing receipts (position.* messages left out).
  std::vector<OutboxMessage> ReceiptOutbox(std::int64_t entity_id) {
    auto r = store_->ListOutbox(entity_id, 1000);
    EXPECT_TRUE(r.ok()) << r.error().ToText();
    std::vector<OutboxMessage> out;
    if (r.ok()) {
      for (auto& m : *r) {
        if (m.kind == "receipt") out.push_back(std::move(m));
      }
    }
    return out;
  }
  std::size_t OutboxSize(std::int64_t entity_id) { return ReceiptOutbox(entity_id).size(); }

  testing::TempDir tmp_;
  FakeClock clock_{kNow};
  std::unique_ptr<Store> store_;
  std::unique_ptr<HookedStore> hooked_;
  StationConfig config_;
  Entity comune_;
  Entity universita_;
};

INSTANTIATE_TEST_SUITE_P(Backends, StationTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& param_info) { return param_info.param; });

// ---- Header checks ----------------------------------------------------------------------------

TEST_P(StationTest, HeaderFaultsComeFirstForEveryOperation) {
  DebtPosition p = Create(MakePosition("H-1"));
  const std::string nav = p.options[0].nav;
  struct Case {
    StationHeader header;
    std::string code;
  };
  const Case cases[] = {
      {{kComune, "99999999999", kStation}, "PAA_ID_INTERMEDIARIO_ERRATO"},
      {{kComune, kBroker, "80012345678_99"}, "PAA_STAZIONE_INT_ERRATA"},
      {{"00000000000", kBroker, kStation}, "PAA_ID_DOMINIO_ERRATO"},
      {{kSospeso, kBroker, kStation}, "PAA_ID_DOMINIO_ERRATO"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.code + " " + c.header.id_pa + " " + c.header.id_broker_pa + " " +
                 c.header.id_station);
    auto ctx = Ctx();
    auto verify = Verify(nav, c.header);
    EXPECT_EQ(CodeOf(verify), c.code);
    EXPECT_EQ(FaultOf(verify).id, kBroker) << "the broker emits header faults";
    EXPECT_EQ(CodeOf(Get(nav, 2, "", c.header)), c.code);
    if (c.header.id_pa != kSospeso) {
      EXPECT_EQ(CodeOf(Send(MakeReceipt("R-H", nav, 2500), c.header)), c.code);
    }
    EXPECT_EQ(CodeOf(DemandNotice(ctx, config_, {c.header, "PASSO", "", ""})), c.code);
  }
  EXPECT_TRUE(Receipts(comune_.id).empty());
  EXPECT_EQ(Reload(p).version, p.version);

  // A receipt addressed to a suspended institution is still accepted and kept: the payment
  // happened, and a refusal would only leave it in the node's retry queue.
  auto suspended = Send(MakeReceipt("R-SOSP", nav, 2500), {kSospeso, kBroker, kStation});
  EXPECT_EQ(CodeOf(suspended), "OK");

  // qrCode/fiscalCode must be the institution the request is addressed to.
  auto ctx = Ctx();
  auto verify = VerifyNotice(ctx, config_, {Header(), kUniversita, nav});
  EXPECT_EQ(CodeOf(verify), "PAA_ID_DOMINIO_ERRATO");
  GetPaymentQuery q;
  q.header = Header();
  q.fiscal_code = kUniversita;
  q.notice_number = nav;
  EXPECT_EQ(CodeOf(GetPayment(ctx, config_, q)), "PAA_ID_DOMINIO_ERRATO");
}

TEST_P(StationTest, WithoutConfigurationTheStoredIntermediaryAndStationsAreServed) {
  DebtPosition p = Create(MakePosition("H-2"));
  config_ = StationConfig{};
  EXPECT_EQ(CodeOf(Verify(p.options[0].nav)), "PAA_ID_INTERMEDIARIO_ERRATO")
      << "no broker is known at all";
  ASSERT_TRUE(store_->SaveIntermediary({kBroker, "Regione", 3}).ok());
  EXPECT_EQ(CodeOf(Verify(p.options[0].nav)), "PAA_STAZIONE_INT_ERRATA");
  ASSERT_TRUE(store_->SaveStation({kStation, "Stazione 1", false}).ok());
  EXPECT_EQ(CodeOf(Verify(p.options[0].nav)), "PAA_STAZIONE_INT_ERRATA") << "inactive station";
  ASSERT_TRUE(store_->SaveStation({kStation, "Stazione 1", true}).ok());
  EXPECT_EQ(CodeOf(Verify(p.options[0].nav)), "OK");
}

// ---- paVerifyPaymentNotice and paGetPayment -------------------------------------------------

TEST_P(StationTest, VerifyAnswersTheAddressedOptionAndChangesNothing) {
  DebtPosition plan = Create(MakePlan("V-1"));
  const PaymentOption& instalment = plan.options[2];
  auto first = Verify(instalment.nav);
  ASSERT_EQ(CodeOf(first), "OK") << FaultOf(first).description;
  const auto& a = std::get<VerifyNoticeAnswer>(first);
  EXPECT_EQ(a.amount, 10000);
  EXPECT_EQ(a.due_date, std::chrono::floor<std::chrono::days>(kNow + std::chrono::days{60}));
  EXPECT_EQ(a.detail_description, "Rata mensa");
  EXPECT_EQ(a.payment_description, "Rata mensa");
  EXPECT_FALSE(a.all_ccp);
  EXPECT_EQ(a.fiscal_code_pa, kComune);
  EXPECT_EQ(a.company_name, "Comune di Valdimonte");
  EXPECT_EQ(a.office_name, "Ufficio comune")
      << "the institution's office when the position has none";

  clock_.Advance(std::chrono::minutes{5});
  auto second = Verify(instalment.nav);
  ASSERT_EQ(CodeOf(second), "OK");
  const auto& b = std::get<VerifyNoticeAnswer>(second);
  EXPECT_EQ(std::tie(b.amount, b.due_date, b.detail_description, b.all_ccp, b.payment_description,
                     b.fiscal_code_pa, b.company_name, b.office_name),
            std::tie(a.amount, a.due_date, a.detail_description, a.all_ccp, a.payment_description,
                     a.fiscal_code_pa, a.company_name, a.office_name));
  DebtPosition after = Reload(plan);
  EXPECT_EQ(after.version, plan.version);
  EXPECT_EQ(after.updated_at, plan.updated_at);
  EXPECT_EQ(after.status, PositionStatus::kValid);
}

TEST_P(StationTest, AllCcpWhenEveryTransferHasAPostalAccount) {
  DebtPosition p = MakePosition("CCP-1", 3000);
  p.office_name = "Servizi scolastici";
  p.options[0].transfers = {MakeTransfer(1, 1000, kPostalIban), MakeTransfer(2, 2000)};
  p.options[0].transfers[1].entity_fiscal_code = kUniversita;
  DebtPosition stored = Create(p);
  auto no = Verify(stored.options[0].nav);
  ASSERT_EQ(CodeOf(no), "OK");
  EXPECT_FALSE(std::get<VerifyNoticeAnswer>(no).all_ccp);
  EXPECT_EQ(std::get<VerifyNoticeAnswer>(no).office_name, "Servizi scolastici");

  p.iupd = "CCP-2";
  p.options[0].transfers[1].postal_iban = kPostalIban;
  stored = Create(p);
  auto yes = Verify(stored.options[0].nav);
  ASSERT_EQ(CodeOf(yes), "OK");
  EXPECT_TRUE(std::get<VerifyNoticeAnswer>(yes).all_ccp);
}

TEST_P(StationTest, PositionStatesAnswerTheirFaults) {
  auto both = [&](const std::string& nav) {
    std::string v = CodeOf(Verify(nav));
    std::string g = CodeOf(Get(nav));
    EXPECT_EQ(v, g) << nav;
    return v;
  };
  EXPECT_EQ(both("301999999999999999"), "PAA_PAGAMENTO_SCONOSCIUTO");
  auto unknown = Verify("301999999999999999");
  EXPECT_EQ(FaultOf(unknown).id, kComune) << "the institution emits state faults";
  EXPECT_EQ(FaultOf(unknown).description.find("Rossi"), std::string::npos);

  DebtPosition draft = Create(MakePosition("S-DRAFT"), false);
  EXPECT_EQ(both(draft.options[0].nav), "PAA_PAGAMENTO_SCONOSCIUTO");

  DebtPosition future = MakePosition("S-FUTURE");
  future.validity_date = kNow + std::chrono::days{1};
  future = Create(future);
  EXPECT_EQ(future.status, PositionStatus::kPublished);
  EXPECT_EQ(both(future.options[0].nav), "PAA_PAGAMENTO_SCONOSCIUTO");

  DebtPosition cancelled = Create(MakePosition("S-INVALID"));
  DebtPosition expired = Create(MakePosition("S-EXPIRED"));
  auto ctx = Ctx();
  ASSERT_TRUE(
      ChangePositionStatus(ctx, Caller{}, kComune, "S-INVALID", PositionStatus::kInvalid).ok());
  ASSERT_TRUE(
      ChangePositionStatus(ctx, Caller{}, kComune, "S-EXPIRED", PositionStatus::kExpired).ok());
  EXPECT_EQ(both(cancelled.options[0].nav), "PAA_PAGAMENTO_ANNULLATO");
  EXPECT_EQ(both(expired.options[0].nav), "PAA_PAGAMENTO_SCADUTO");

  DebtPosition switching = MakePosition("S-SWITCH");
  switching.switch_to_expired = true;
  switching = Create(switching);
  DebtPosition late_ok = Create(MakePosition("S-LATE"));
  EXPECT_EQ(both(switching.options[0].nav), "OK");

  DebtPosition paid = Create(MakePosition("S-PAID"));
  ASSERT_EQ(CodeOf(Send(MakeReceipt("R-PAID", paid.options[0].nav, 2500))), "OK");
  EXPECT_EQ(both(paid.options[0].nav), "PAA_PAGAMENTO_DUPLICATO");

  clock_.Advance(std::chrono::days{11});  // past every due date, past the validity date
  EXPECT_EQ(both(future.options[0].nav), "OK") << "valid from its validity date";
  EXPECT_EQ(both(switching.options[0].nav), "PAA_PAGAMENTO_SCADUTO");
  EXPECT_EQ(both(late_ok.options[0].nav), "OK") << "late payment allowed without switchToExpired";

  // Nothing above changed any position.
  for (const DebtPosition& p : {draft, future, switching, late_ok}) {
    EXPECT_EQ(Reload(p).version, p.version) << p.iupd;
  }
}

TEST_P(StationTest, GetPaymentAnswersTheTransfersAndIsARead) {
  DebtPosition p = MakePosition("G-1", 5000);
  p.office_name = "Ufficio mense";
  PaymentOption& o = p.options[0];
  o.retention_date = kNow + std::chrono::days{60};
  o.metadata = {{"anno", "2026"}};
  o.transfers = {MakeTransfer(1, 3000), MakeTransfer(2, 2000, kOtherBankIban)};
  o.transfers[1].entity_fiscal_code = kUniversita;  // multi-beneficiary: credits another body
  o.transfers[1].remittance_information = "Quota universita";
  o.transfers[1].metadata = {{"capitolo", "42"}};
  DebtPosition stored = Create(p);
  const std::string nav = stored.options[0].nav;

  auto first = Get(nav, 2);
  ASSERT_EQ(CodeOf(first), "OK") << FaultOf(first).description;
  const PaymentData& d = std::get<PaymentData>(first);
  EXPECT_EQ(d.creditor_reference_id, stored.options[0].iuv);
  EXPECT_EQ(d.payment_amount, 5000);
  EXPECT_EQ(d.due_date, std::chrono::floor<std::chrono::days>(kNow + std::chrono::days{10}));
  EXPECT_EQ(d.retention_date, kNow + std::chrono::days{60});
  EXPECT_EQ(d.description, "Mensa scolastica");
  EXPECT_EQ(d.company_name, "Comune di Valdimonte");
  EXPECT_EQ(d.office_name, "Ufficio mense");
  EXPECT_EQ(d.debtor.fiscal_code, "RSSMRA85T10A562S");
  EXPECT_EQ(d.debtor.full_name, "Mario Rossi");
  ASSERT_EQ(d.metadata.size(), 1u);
  EXPECT_EQ(d.metadata[0].key, "anno");
  ASSERT_EQ(d.transfers.size(), 2u);
  EXPECT_EQ(d.transfers[0].entity_fiscal_code, kComune) << "filled for the institution itself";
  EXPECT_EQ(d.transfers[0].iban, kBankIban);
  EXPECT_EQ(d.transfers[0].amount, 3000);
  EXPECT_EQ(d.transfers[1].entity_fiscal_code, kUniversita);
  EXPECT_EQ(d.transfers[1].iban, kOtherBankIban);
  EXPECT_EQ(d.transfers[1].remittance_information, "Quota universita");
  ASSERT_EQ(d.transfers[1].metadata.size(), 1u);

  clock_.Advance(std::chrono::minutes{31});  // the token expired: the node activates again
  auto second = Get(nav, 2);
  ASSERT_EQ(CodeOf(second), "OK");
  const PaymentData& e = std::get<PaymentData>(second);
  EXPECT_EQ(e.creditor_reference_id, d.creditor_reference_id);
  EXPECT_EQ(e.payment_amount, d.payment_amount);
  EXPECT_EQ(e.transfers.size(), d.transfers.size());
  EXPECT_EQ(e.transfers[1].iban, d.transfers[1].iban);
  EXPECT_EQ(CodeOf(Get(nav, 1)), "OK");

  DebtPosition after = Reload(stored);
  EXPECT_EQ(after.version, stored.version);
  EXPECT_EQ(after.status, PositionStatus::kValid);
  EXPECT_EQ(after.options[0].status, OptionStatus::kUnpaid);
  EXPECT_TRUE(Receipts(comune_.id).empty());
  EXPECT_EQ(OutboxSize(comune_.id), 0u);
}

TEST_P(StationTest, PostalTransferTypeAnswersThePostalIban) {
  DebtPosition p = MakePosition("POST-1", 3000);
  p.options[0].transfers = {MakeTransfer(1, 1000), MakeTransfer(2, 2000)};
  p.options[0].transfers[0].postal_iban = kPostalIban;
  DebtPosition stored = Create(p);
  const std::string nav = stored.options[0].nav;
  for (const char* type : {"", "PAGOPA"}) {
    auto bank = Get(nav, 2, type);
    ASSERT_EQ(CodeOf(bank), "OK");
    EXPECT_EQ(std::get<PaymentData>(bank).transfers[0].iban, kBankIban) << type;
  }
  auto postal = Get(nav, 1, "POSTAL");
  ASSERT_EQ(CodeOf(postal), "OK");
  const PaymentData& d = std::get<PaymentData>(postal);
  EXPECT_EQ(d.transfers[0].iban, kPostalIban);
  EXPECT_EQ(d.transfers[1].iban, kBankIban) << "no postal IBAN to offer for this one";
}

TEST_P(StationTest, AStampNeedsPaGetPaymentV2) {
  DebtPosition p = MakePosition("STAMP-1", 3600);
  p.options[0].transfers = {MakeTransfer(1, 2000), MakeTransfer(2, 1600)};
  p.options[0].transfers[1].iban.clear();
  p.options[0].transfers[1].stamp = Stamp{"aGFzaGRvY3VtZW50bw==", "01", "PZ"};
  DebtPosition stored = Create(p);
  const std::string nav = stored.options[0].nav;
  auto v1 = Get(nav, 1);
  EXPECT_EQ(CodeOf(v1), "PAA_SEMANTICA");
  EXPECT_EQ(FaultOf(v1).id, kComune);
  EXPECT_NE(FaultOf(v1).description.find("paGetPaymentV2"), std::string::npos);
  auto v2 = Get(nav, 2, "POSTAL");
  ASSERT_EQ(CodeOf(v2), "OK") << FaultOf(v2).description;
  const PaymentData& d = std::get<PaymentData>(v2);
  ASSERT_EQ(d.transfers.size(), 2u);
  ASSERT_TRUE(d.transfers[1].stamp.has_value());
  EXPECT_EQ(d.transfers[1].stamp->provincial_residence, "PZ");
  EXPECT_TRUE(d.transfers[1].iban.empty());
  EXPECT_EQ(d.payment_amount, 3600);
  auto verify = Verify(nav);
  ASSERT_EQ(CodeOf(verify), "OK");
  EXPECT_FALSE(std::get<VerifyNoticeAnswer>(verify).all_ccp);
}

// ---- paSendRT ---------------------------------------------------------------------------------

TEST_P(StationTest, AReceiptPaysTheOptionOnceAndIsAnnounced) {
  DebtPosition p = Create(MakePosition("RT-1"));
  const std::string nav = p.options[0].nav;
  LogActivation(nav, comune_.id);
  Receipt r = MakeReceipt("TOKEN-1", nav, 2500);
  r.payment_note = "cart-7";
  auto accepted = Send(r);
  ASSERT_EQ(CodeOf(accepted), "OK") << FaultOf(accepted).description;
  EXPECT_EQ(std::get<ReceiptAccepted>(accepted).kind, ReceiptKind::kNormal);
  EXPECT_EQ(std::get<ReceiptAccepted>(accepted).new_status, PositionStatus::kPaid);

  DebtPosition paid = Reload(p);
  EXPECT_EQ(paid.status, PositionStatus::kPaid);
  EXPECT_EQ(paid.version, p.version + 1);
  EXPECT_EQ(paid.payment_date, r.payment_date_time);
  EXPECT_EQ(paid.options[0].status, OptionStatus::kPaid);
  EXPECT_EQ(paid.options[0].payment_date, r.payment_date_time);
  auto receipts = Receipts(comune_.id);
  ASSERT_EQ(receipts.size(), 1u);
  EXPECT_EQ(receipts[0].kind, "NORMAL");
  EXPECT_EQ(receipts[0].id_pa, kComune);
  EXPECT_EQ(receipts[0].station_id, kStation);
  EXPECT_EQ(receipts[0].option_id, p.options[0].id);
  EXPECT_EQ(receipts[0].receipt.received_at, kNow);
  EXPECT_EQ(receipts[0].receipt.payment_note, "cart-7");
  auto outbox = ReceiptOutbox(comune_.id);
  ASSERT_EQ(outbox.size(), 1u);
  EXPECT_EQ(outbox.front().reference, "TOKEN-1");

  // The node re-sends it (its answer was lost): nothing changes.
  clock_.Advance(std::chrono::seconds{15});
  Receipt again = r;
  again.amount = 1;
  auto duplicate = Send(again);
  EXPECT_EQ(CodeOf(duplicate), "PAA_RECEIPT_DUPLICATA");
  EXPECT_EQ(FaultOf(duplicate).id, kComune);
  EXPECT_EQ(OfficialFaultString(FaultOf(duplicate).code), "La receipt è già stata ricevuta");
  EXPECT_EQ(Reload(p).version, p.version + 1);
  EXPECT_EQ(Receipts(comune_.id).size(), 1u);
  EXPECT_EQ(Receipts(comune_.id)[0].receipt.amount, 2500);
  EXPECT_EQ(OutboxSize(comune_.id), 1u);

  // Another payment of the same notice (another token): a double payment, kept, changes nothing.
  auto second_payment = Send(MakeReceipt("TOKEN-2", nav, 2500));
  EXPECT_EQ(KindOf(second_payment), ReceiptKind::kAlreadyPaid);
  EXPECT_FALSE(std::get<ReceiptAccepted>(second_payment).new_status.has_value());
  EXPECT_EQ(Reload(p).version, p.version + 1);
  EXPECT_EQ(Receipts(comune_.id).size(), 2u);
}

TEST_P(StationTest, InstalmentsPayPartiallyThenFullyAndExcludeTheSinglePayment) {
  DebtPosition plan = Create(MakePlan("PLAN-1"));
  const std::string single = plan.options[0].nav;
  auto first = Send(MakeReceipt("I-1", plan.options[1].nav, 10000));
  EXPECT_EQ(KindOf(first), ReceiptKind::kNotActivated);
  EXPECT_EQ(std::get<ReceiptAccepted>(first).new_status, PositionStatus::kPartiallyPaid);
  DebtPosition partly = Reload(plan);
  EXPECT_EQ(partly.status, PositionStatus::kPartiallyPaid);
  EXPECT_FALSE(partly.payment_date.has_value());

  EXPECT_EQ(CodeOf(Verify(single)), "PAA_PAGAMENTO_DUPLICATO");
  EXPECT_EQ(CodeOf(Get(single)), "PAA_PAGAMENTO_DUPLICATO");
  EXPECT_EQ(CodeOf(Verify(plan.options[1].nav)), "PAA_PAGAMENTO_DUPLICATO");
  EXPECT_EQ(CodeOf(Verify(plan.options[2].nav)), "OK");

  auto second = Send(MakeReceipt("I-2", plan.options[2].nav, 10000));
  EXPECT_EQ(KindOf(second), ReceiptKind::kNotActivated);
  EXPECT_FALSE(std::get<ReceiptAccepted>(second).new_status.has_value()) << "still partially paid";

  // The single payment, collected anyway (e.g. Stand-In): kept as a double payment.
  auto full = Send(MakeReceipt("S-1", single, 30000));
  EXPECT_EQ(KindOf(full), ReceiptKind::kAlreadyPaid);
  EXPECT_EQ(Reload(plan).status, PositionStatus::kPartiallyPaid);

  auto last = Send(MakeReceipt("I-3", plan.options[3].nav, 10000));
  EXPECT_EQ(std::get<ReceiptAccepted>(last).new_status, PositionStatus::kPaid);
  DebtPosition paid = Reload(plan);
  EXPECT_EQ(paid.status, PositionStatus::kPaid);
  EXPECT_EQ(paid.payment_date, kNow - std::chrono::minutes{2});
  EXPECT_EQ(paid.version, plan.version + 3);
  EXPECT_EQ(paid.options[0].status, OptionStatus::kUnpaid);
  EXPECT_EQ(Receipts(comune_.id).size(), 4u);
  EXPECT_EQ(OutboxSize(comune_.id), 4u);
}

TEST_P(StationTest, TheSinglePaymentOfAPlanPaysThePosition) {
  DebtPosition plan = Create(MakePlan("PLAN-2"));
  auto full = Send(MakeReceipt("S-1", plan.options[0].nav, 30000));
  ASSERT_EQ(CodeOf(full), "OK");
  EXPECT_EQ(std::get<ReceiptAccepted>(full).new_status, PositionStatus::kPaid);
  EXPECT_EQ(CodeOf(Verify(plan.options[1].nav)), "PAA_PAGAMENTO_DUPLICATO");
  auto instalment = Send(MakeReceipt("I-1", plan.options[1].nav, 10000));
  EXPECT_EQ(KindOf(instalment), ReceiptKind::kAlreadyPaid);
}

TEST_P(StationTest, ReceiptsThatMatchNoOpenOptionAreKeptWithTheirKind) {
  DebtPosition p = Create(MakePosition("K-1"));
  const std::string nav = p.options[0].nav;

  // No option has this notice number: kept for the institution it was addressed to.
  auto unknown = Send(MakeReceipt("K-UNKNOWN", "301999999999999999", 2500));
  EXPECT_EQ(KindOf(unknown), ReceiptKind::kUnknownNotice);

  // A broadcast copy for the secondary institution of a multi-beneficiary payment.
  auto secondary = Send(MakeReceipt("K-SECONDARY", nav, 2500, kComune), Header(kUniversita));
  EXPECT_EQ(KindOf(secondary), ReceiptKind::kSecondary);
  EXPECT_EQ(Reload(p).version, p.version) << "the owner's own receipt pays it, not the copy";

  // A KO receipt is kept and changes nothing.
  Receipt ko = MakeReceipt("K-KO", nav, 2500);
  ko.outcome = "KO";
  auto ko_accepted = Send(ko);
  ASSERT_EQ(CodeOf(ko_accepted), "OK");
  EXPECT_FALSE(std::get<ReceiptAccepted>(ko_accepted).new_status.has_value());
  EXPECT_EQ(Reload(p).version, p.version);

  auto comune_receipts = Receipts(comune_.id);
  ASSERT_EQ(comune_receipts.size(), 2u);
  std::map<std::string, StoredReceipt> by_id;
  for (const auto& s : comune_receipts) by_id[s.receipt.receipt_id] = s;
  EXPECT_EQ(by_id["K-UNKNOWN"].kind, "UNKNOWN_NOTICE");
  EXPECT_FALSE(by_id["K-UNKNOWN"].option_id.has_value());
  EXPECT_EQ(by_id["K-UNKNOWN"].id_pa, kComune);
  EXPECT_EQ(by_id["K-KO"].receipt.outcome, "KO");
  auto universita_receipts = Receipts(universita_.id);
  ASSERT_EQ(universita_receipts.size(), 1u);
  EXPECT_EQ(universita_receipts[0].kind, "SECONDARY");
  EXPECT_EQ(universita_receipts[0].id_pa, kUniversita);
  EXPECT_EQ(universita_receipts[0].receipt.fiscal_code, kComune);
  EXPECT_EQ(OutboxSize(comune_.id), 1u) << "the unknown notice is announced, the KO is not";
  EXPECT_EQ(OutboxSize(universita_.id), 1u);

  // A cancelled position: the receipt is kept, the position left alone.
  DebtPosition cancelled = Create(MakePosition("K-INVALID"));
  auto ctx = Ctx();
  ASSERT_TRUE(
      ChangePositionStatus(ctx, Caller{}, kComune, "K-INVALID", PositionStatus::kInvalid).ok());
  auto not_payable = Send(MakeReceipt("K-CANCELLED", cancelled.options[0].nav, 2500));
  EXPECT_EQ(KindOf(not_payable), ReceiptKind::kNotPayable);
  EXPECT_EQ(Reload(cancelled).status, PositionStatus::kInvalid);
}

TEST_P(StationTest, StandInAndUnactivatedReceiptsStillPay) {
  DebtPosition activated = Create(MakePosition("A-1"));
  DebtPosition silent = Create(MakePosition("A-2"));
  DebtPosition old_amount = Create(MakePosition("A-3"));
  LogActivation(activated.options[0].nav, comune_.id);
  // An activation logged for another institution does not count.
  LogActivation(silent.options[0].nav, universita_.id);

  EXPECT_EQ(KindOf(Send(MakeReceipt("A-1", activated.options[0].nav, 2500))), ReceiptKind::kNormal);
  EXPECT_EQ(KindOf(Send(MakeReceipt("A-2", silent.options[0].nav, 2500))),
            ReceiptKind::kNotActivated);
  Receipt stand_in = MakeReceipt("A-3", old_amount.options[0].nav, 2000);
  stand_in.stand_in = true;
  EXPECT_EQ(KindOf(Send(stand_in)), ReceiptKind::kAmountMismatch);
  for (const DebtPosition& p : {activated, silent, old_amount}) {
    EXPECT_EQ(Reload(p).status, PositionStatus::kPaid) << p.iupd;
  }
}

TEST_P(StationTest, AReceiptSentLateForAPaymentMadeInTimeStillPays) {
  DebtPosition p = MakePosition("LATE-1");
  p.switch_to_expired = true;
  p = Create(p);
  DebtPosition q = MakePosition("LATE-2");
  q.switch_to_expired = true;
  q = Create(q);
  clock_.Advance(std::chrono::days{11});  // the node's retries went on past the due date
  Receipt r = MakeReceipt("LATE-1", p.options[0].nav, 2500);
  r.payment_date_time = kNow + std::chrono::days{9};
  EXPECT_EQ(KindOf(Send(r)), ReceiptKind::kNotActivated);
  EXPECT_EQ(Reload(p).status, PositionStatus::kPaid);

  // Paid after the due date of a position that expires: kept, position left alone.
  Receipt after_due = MakeReceipt("LATE-2", q.options[0].nav, 2500);
  after_due.payment_date_time = clock_.Now();
  EXPECT_EQ(KindOf(Send(after_due)), ReceiptKind::kNotPayable);
  EXPECT_EQ(Reload(q).status, PositionStatus::kValid);
}

// Acceptance: the node's retry queue delivers one receipt 16 times at once.
TEST_P(StationTest, SixteenConcurrentCopiesOfAReceiptAreStoredOnce) {
  DebtPosition p = Create(MakePosition("RACE-1"));
  const Receipt r = MakeReceipt("TOKEN-RACE", p.options[0].nav, 2500);
  constexpr int kThreads = 16;
  std::vector<std::string> codes(kThreads);
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      ++ready;
      while (ready < kThreads) std::this_thread::yield();
      codes[t] = CodeOf(Send(r));
    });
  }
  for (auto& th : threads) th.join();
  std::map<std::string, int> counts;
  for (const auto& c : codes) ++counts[c];
  EXPECT_EQ(counts["OK"], 1);
  EXPECT_EQ(counts["PAA_RECEIPT_DUPLICATA"], kThreads - 1);
  EXPECT_EQ(counts.size(), 2u) << "no other answer (e.g. PAA_SYSTEM_ERROR)";
  DebtPosition paid = Reload(p);
  EXPECT_EQ(paid.status, PositionStatus::kPaid);
  EXPECT_EQ(paid.version, p.version + 1) << "paid once";
  EXPECT_EQ(Receipts(comune_.id).size(), 1u);
  EXPECT_EQ(OutboxSize(comune_.id), 1u);
}

TEST_P(StationTest, ConcurrentReceiptsForTwoInstalmentsAreBothApplied) {
  for (int round = 0; round < 4; ++round) {
    DebtPosition p = MakePosition("DUO-" + std::to_string(round), 20000);
    p.options[0] = MakeOption(10000, true, 10);
    p.options.push_back(MakeOption(10000, true, 40));
    p = Create(p);
    std::string codes[2];
    std::atomic<int> ready{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 2; ++t) {
      threads.emplace_back([&, t] {
        ++ready;
        while (ready < 2) std::this_thread::yield();
        codes[t] = CodeOf(Send(MakeReceipt("DUO-" + std::to_string(round) + "-" + std::to_string(t),
                                           p.options[static_cast<std::size_t>(t)].nav, 10000)));
      });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(codes[0], "OK");
    EXPECT_EQ(codes[1], "OK");
    DebtPosition paid = Reload(p);
    EXPECT_EQ(paid.status, PositionStatus::kPaid) << p.iupd;
    EXPECT_EQ(paid.version, p.version + 2) << p.iupd;
    EXPECT_EQ(paid.options[0].status, OptionStatus::kPaid);
    EXPECT_EQ(paid.options[1].status, OptionStatus::kPaid);
  }
}

// Deterministic version of the race above: the other instalment's receipt commits between our
// read of the position and our write, so our first write is stale and must be recomputed.
TEST_P(StationTest, AStaleReceiptIsRecomputedAgainstTheNewVersion) {
  DebtPosition p = MakePosition("STALE-1", 20000);
  p.options[0] = MakeOption(10000, true, 10);
  p.options.push_back(MakeOption(10000, true, 40));
  p = Create(p);
  hooked_->before_record = [&] {
    AppContext inner{*store_, clock_};
    auto other = AcceptReceipt(inner, config_,
                               {Header(), MakeReceipt("STALE-OTHER", p.options[1].nav, 10000)});
    EXPECT_EQ(CodeOf(other), "OK");
  };
  auto mine = Send(MakeReceipt("STALE-MINE", p.options[0].nav, 10000));
  ASSERT_EQ(CodeOf(mine), "OK") << FaultOf(mine).description;
  EXPECT_EQ(std::get<ReceiptAccepted>(mine).new_status, PositionStatus::kPaid)
      << "recomputed: the other instalment is paid now";
  EXPECT_EQ(hooked_->record_calls, 2) << "one stale attempt, one good";
  DebtPosition paid = Reload(p);
  EXPECT_EQ(paid.status, PositionStatus::kPaid);
  EXPECT_EQ(paid.version, p.version + 2);
  EXPECT_EQ(Receipts(comune_.id).size(), 2u);
  EXPECT_EQ(OutboxSize(comune_.id), 2u);
}

TEST_P(StationTest, DatabaseTroubleIsASystemErrorAndStoresNothing) {
  DebtPosition p = Create(MakePosition("DB-1"));
  const std::string nav = p.options[0].nav;
  hooked_->fail_record = true;
  auto rt = Send(MakeReceipt("DB-R", nav, 2500));
  EXPECT_EQ(CodeOf(rt), "PAA_SYSTEM_ERROR");
  EXPECT_EQ(FaultOf(rt).description.find("injected"), std::string::npos) << "no internal detail";
  hooked_->fail_record = false;
  hooked_->fail_reads = true;
  EXPECT_EQ(CodeOf(Verify(nav)), "PAA_SYSTEM_ERROR");
  EXPECT_EQ(CodeOf(Get(nav)), "PAA_SYSTEM_ERROR");
  EXPECT_EQ(CodeOf(Send(MakeReceipt("DB-R", nav, 2500))), "PAA_SYSTEM_ERROR");
  hooked_->fail_reads = false;
  EXPECT_TRUE(Receipts(comune_.id).empty());
  EXPECT_EQ(Reload(p).version, p.version);

  // A receipt addressed to a suspended institution is still accepted and kept: the payment
  // happened, and a refusal would only leave it in the node's retry queue.
  auto suspended = Send(MakeReceipt("R-SOSP", nav, 2500), {kSospeso, kBroker, kStation});
  EXPECT_EQ(CodeOf(suspended), "OK");
  // The node's retry then succeeds.
  EXPECT_EQ(CodeOf(Send(MakeReceipt("DB-R", nav, 2500))), "OK");
}

// ---- paDemandPaymentNotice -------------------------------------------------------------------

TEST_P(StationTest, DemandNoticeCreatesAPayableNoticeFromTheCatalogue) {
  auto ctx = Ctx();
  IbanAccount account;
  account.iban = kPostalIban;
  ASSERT_TRUE(AddIbanAccount(ctx, Caller{}, comune_.id, account).ok());
  auto add = [&](std::string code, bool spontaneous, AmountRule rule, bool active) {
    Service s;
    s.code = std::move(code);
    s.name = "Passo carrabile";
    s.taxonomy_code = "9/0101108TS/";
    s.iban = kPostalIban;
    s.amount_rule = rule;
    s.amount_cents = rule == AmountRule::kFixed ? 4550 : 0;
    s.min_cents = 100;
    s.max_cents = 10000;
    s.spontaneous = spontaneous;
    s.active = active;
    auto added = AddService(ctx, Caller{}, comune_.id, s);
    ASSERT_TRUE(added.ok()) << added.error().ToText();
  };
  add("PASSO", true, AmountRule::kFixed, true);
  add("CARTA", false, AmountRule::kFixed, true);
  add("LIBER", true, AmountRule::kFree, true);
  add("RANGE", true, AmountRule::kRange, true);
  add("SPENT", true, AmountRule::kFixed, false);

  auto demanded = DemandNotice(ctx, config_, {Header(), "PASSO", "XYZ12", "PGRhdGkvPg=="});
  ASSERT_EQ(CodeOf(demanded), "OK") << FaultOf(demanded).description;
  const DemandNoticeAnswer& a = std::get<DemandNoticeAnswer>(demanded);
  EXPECT_EQ(a.fiscal_code_pa, kComune);
  ASSERT_EQ(a.notice_number.size(), 18u);
  EXPECT_EQ(a.notice_number.substr(0, 3), "301");
  EXPECT_EQ(a.option.amount, 4550);
  EXPECT_EQ(a.option.due_date, std::chrono::floor<std::chrono::days>(kNow + std::chrono::days{30}));
  EXPECT_EQ(a.option.detail_description, "Passo carrabile");
  EXPECT_TRUE(a.option.all_ccp);
  EXPECT_EQ(a.option.company_name, "Ente comune");
  EXPECT_EQ(a.option.office_name, "Ufficio comune");

  auto verify = Verify(a.notice_number);
  ASSERT_EQ(CodeOf(verify), "OK") << "the new notice is payable at once";
  EXPECT_EQ(std::get<VerifyNoticeAnswer>(verify).amount, 4550);
  auto position = store_->FindPositionByNoticeNumber(comune_.id, a.notice_number);
  ASSERT_TRUE(position.ok() && position->has_value());
  const DebtPosition& p = **position;
  EXPECT_EQ(p.status, PositionStatus::kValid);
  EXPECT_EQ(p.debtor.fiscal_code, "ANONIMO");
  EXPECT_EQ(p.options[0].transfers[0].iban, kPostalIban);
  EXPECT_EQ(p.options[0].transfers[0].category, "9/0101108TS/");
  EXPECT_EQ(p.options[0].transfers[0].entity_fiscal_code, kComune);

  auto named = DemandNotice(ctx, config_, {Header(), "PASSO", "RSSMRA85T10A562S", ""});
  ASSERT_EQ(CodeOf(named), "OK");
  EXPECT_NE(std::get<DemandNoticeAnswer>(named).notice_number, a.notice_number);
  auto named_position = store_->FindPositionByNoticeNumber(
      comune_.id, std::get<DemandNoticeAnswer>(named).notice_number);
  ASSERT_TRUE(named_position.ok() && named_position->has_value());
  EXPECT_EQ((*named_position)->debtor.fiscal_code, "RSSMRA85T10A562S");

  for (const char* code : {"NOPE0", "CARTA", "LIBER", "RANGE", "SPENT"}) {
    auto refused = DemandNotice(ctx, config_, {Header(), code, "", ""});
    EXPECT_EQ(CodeOf(refused), "PAA_SEMANTICA") << code;
    EXPECT_EQ(FaultOf(refused).id, kComune) << code;
    EXPECT_NE(FaultOf(refused).description.find(code), std::string::npos)
        << FaultOf(refused).description;
  }
  auto count = store_->CountPositions(comune_.id);
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 2);
}

// ---- Fault strings ---------------------------------------------------------------------------

TEST(OfficialFaultString, OfficialTableOursForTheRestAndAFallback) {
  EXPECT_EQ(OfficialFaultString("PAA_PAGAMENTO_SCONOSCIUTO"),
            "Pagamento in attesa risulta sconosciuto all'Ente Creditore");
  EXPECT_EQ(OfficialFaultString("PAA_PAGAMENTO_DUPLICATO"),
            "Pagamento in attesa risulta concluso all'Ente Creditore");
  EXPECT_EQ(OfficialFaultString("PAA_ID_DOMINIO_ERRATO"),
            "La PAA non corrisponde al Dominio indicato");
  EXPECT_EQ(OfficialFaultString("PAA_SYSTEM_ERROR"), "Errore generico");
  EXPECT_EQ(OfficialFaultString("PAA_SEMANTICA"), "Errore semantico");
  EXPECT_EQ(OfficialFaultString("PAA_RECEIPT_DUPLICATA"), "La receipt è già stata ricevuta");
  EXPECT_EQ(OfficialFaultString("PAA_SINTASSI"), "Errore di sintassi");
  EXPECT_EQ(OfficialFaultString("PAA_WHATEVER"), "Errore generico");
  EXPECT_EQ(OfficialFaultString(""), "Errore generico");
  EXPECT_STREQ(ToString(ReceiptKind::kUnknownNotice), "UNKNOWN_NOTICE");
  EXPECT_STREQ(ToString(ReceiptKind::kNotPayable), "NOT_PAYABLE");
}

}  // namespace
}  // namespace incasso
