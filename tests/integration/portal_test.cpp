// The citizen portal's use cases (app/portal.hpp) over a real database, SQLite and PostgreSQL:
// the notice look-up by the institution's or the debtor's fiscal code gives a citizen the same
// answer the node would get (payable, paid, expired, cancelled, unknown), never another
// institution's or another debtor's notice; spontaneous payments follow each amount rule of the
// catalogue (fixed, range, options, quantity x tariff) and refuse bad input naming the field;
// hostile text is stored verbatim and escaped by the portal's pages.
#include "app/portal.hpp"

#include <gtest/gtest.h>

#include <regex>

#include "app/entities.hpp"
#include "app/positions.hpp"
#include "core/time.hpp"
#include "http/router.hpp"
#include "tests/support/databases.hpp"
#include "tests/support/fixtures.hpp"
#include "web/portal.hpp"

namespace incasso {
namespace {

const TimePoint kNow = *ParseDateTime("2026-11-26T10:00:00Z");
constexpr const char* kBroker = "80012345678";
constexpr const char* kStation = "80012345678_01";
constexpr const char* kComune = "00123456782";      // segregation code 01
constexpr const char* kUniversita = "80012345676";  // segregation code 02
constexpr const char* kIban = "IT67V0542404200000000123456";
constexpr const char* kMario = "RSSMRA85T10A562S";
constexpr const char* kLaura = "BNCLRA90A41G942V";

class PortalTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    store_ = testing::OpenFreshStore(GetParam(), tmp_.path());
    if (!store_) GTEST_SKIP() << "set INCASSO_TEST_POSTGRES_URL to run on PostgreSQL";
    ASSERT_TRUE(store_->SaveIntermediary({kBroker, "Regione", 3}).ok());
    ASSERT_TRUE(store_->SaveStation({kStation, "Stazione 1", true}).ok());
    config_.broker_fiscal_code = kBroker;
    config_.station_ids = {kStation};
    comune_ = Add(kComune, "comune", "01");
    universita_ = Add(kUniversita, "universita", "02");
    auto ctx = Ctx();
    IbanAccount account;
    account.iban = kIban;
    ASSERT_TRUE(AddIbanAccount(ctx, Caller{}, comune_.id, account).ok());
  }

  AppContext Ctx() { return AppContext{*store_, clock_}; }

  Entity Add(const std::string& cf, const std::string& slug, const std::string& seg) {
    Entity e = testing::TestEntity(cf, slug, seg);
    e.station_id = kStation;
    auto ctx = Ctx();
    return testing::AddTestEntity(ctx, e);
  }

  // A published single-payment position of `debtor`, due in `days`, moved on to `status`.
  std::string Notice(const Entity& e, const std::string& iupd, const std::string& debtor,
                     int days = 30, PositionStatus status = PositionStatus::kValid) {
    DebtPosition p;
    p.iupd = iupd;
    p.debtor.fiscal_code = debtor;
    p.debtor.full_name = "Mario Rossi";
    p.company_name = e.name;
    p.switch_to_expired = status == PositionStatus::kExpired;
    PaymentOption o;
    o.amount = 2500;
    o.description = "Mensa scolastica";
    o.due_date = kNow + std::chrono::days{days};
    Transfer t;
    t.id_transfer = 1;
    t.amount = 2500;
    t.iban = kIban;
    t.remittance_information = "Mensa scolastica";
    t.category = "9/0201133SE/";
    o.transfers.push_back(t);
    p.options.push_back(o);
    auto ctx = Ctx();
    auto created = CreatePosition(ctx, Caller{}, {e.fiscal_code, p, true});
    EXPECT_TRUE(created.ok()) << created.error().ToText();
    if (!created.ok()) return {};
    if (status != PositionStatus::kValid) {
      auto moved = ChangePositionStatus(ctx, Caller{}, e.fiscal_code, iupd, status);
      EXPECT_TRUE(moved.ok()) << moved.error().ToText();
    }
    return created->options.front().nav;
  }

  NoticeState State(const std::string& fc, const std::string& nav) {
    auto ctx = Ctx();
    auto got = LookUpNotice(ctx, config_, fc, nav);
    EXPECT_TRUE(got.ok()) << got.error().ToText();
    return got.ok() ? got->state : NoticeState::kPayable;
  }

  NoticeLookup ByDebtor(const std::string& debtor, const std::string& nav) {
    auto ctx = Ctx();
    auto got = LookUpNoticeByDebtor(ctx, config_, debtor, nav);
    EXPECT_TRUE(got.ok()) << got.error().ToText();
    return got.ok() ? *got : NoticeLookup{};
  }

  // A spontaneous service of the comune.
  Service AddSpontaneous(const std::string& code, AmountRule rule, std::int64_t cents,
                         std::string form_json = {}, std::int64_t min = 0, std::int64_t max = 0) {
    Service s;
    s.code = code;
    s.name = "Servizio " + code;
    s.taxonomy_code = "9/0201133SE/";
    s.iban = kIban;
    s.amount_rule = rule;
    s.amount_cents = cents;
    s.min_cents = min;
    s.max_cents = max;
    s.spontaneous = true;
    s.form_json = std::move(form_json);
    auto ctx = Ctx();
    auto added = AddService(ctx, Caller{}, comune_.id, s);
    EXPECT_TRUE(added.ok()) << added.error().ToText();
    return s;
  }

  SpontaneousPaymentCommand Command(const std::string& service) {
    SpontaneousPaymentCommand cmd;
    cmd.entity_slug = "comune";
    cmd.service_code = service;
    cmd.debtor.fiscal_code = kMario;
    cmd.debtor.full_name = "Mario Rossi";
    cmd.iupd = "WEB-" + std::to_string(++serial_);
    return cmd;
  }

  Result<DebtPosition> Pay(const SpontaneousPaymentCommand& cmd) {
    auto ctx = Ctx();
    return CreateSpontaneousPayment(ctx, Caller{"web", {}}, cmd);
  }

  void ExpectRefused(const SpontaneousPaymentCommand& cmd, const std::string& field) {
    auto got = Pay(cmd);
    ASSERT_FALSE(got.ok()) << "accepted, expected a refusal of " << field;
    EXPECT_EQ(got.error().code, ErrorCode::kInvalidArgument) << got.error().ToText();
    EXPECT_EQ(got.error().field, field) << got.error().ToText();
    // Nothing half-written: the refused command left no position behind.
    auto stored = store_->GetPosition(comune_.id, cmd.iupd);
    ASSERT_TRUE(stored.ok());
    EXPECT_FALSE(stored->has_value());
  }

  testing::TempDir tmp_;
  std::unique_ptr<Store> store_;
  FakeClock clock_{kNow};
  StationConfig config_;
  Entity comune_, universita_;
  int serial_ = 0;
};

TEST_P(PortalTest, LookUpAnswersEachStateOfANotice) {
  const std::string payable = Notice(comune_, "P-1", kMario);
  const std::string paid = Notice(comune_, "P-2", kMario, 30, PositionStatus::kPaid);
  const std::string expired = Notice(comune_, "P-3", kMario, 30, PositionStatus::kExpired);
  const std::string cancelled = Notice(comune_, "P-4", kMario, 30, PositionStatus::kInvalid);
  auto ctx = Ctx();
  auto found =
      LookUpNotice(ctx, config_, " 00123456782 ", payable.substr(0, 9) + " " + payable.substr(9));
  ASSERT_TRUE(found.ok()) << found.error().ToText();
  EXPECT_EQ(found->state, NoticeState::kPayable);
  EXPECT_EQ(found->answer.amount, 2500);
  EXPECT_EQ(found->answer.payment_description, "Mensa scolastica");
  EXPECT_EQ(found->entity_fiscal_code, kComune);
  ASSERT_TRUE(found->entity.has_value());
  EXPECT_EQ(found->entity->slug, "comune");
  EXPECT_EQ(State(kComune, paid), NoticeState::kPaid);
  EXPECT_EQ(State(kComune, expired), NoticeState::kExpired);
  EXPECT_EQ(State(kComune, cancelled), NoticeState::kCancelled);
  // Unknown: a number never issued, an institution that is not ours.
  EXPECT_EQ(State(kComune, "301000000000999947"), NoticeState::kUnknown);
  EXPECT_EQ(State("01987654322", payable), NoticeState::kUnknown);
}

TEST_P(PortalTest, AnotherInstitutionsNoticeIsUnknown) {
  const std::string comune_notice = Notice(comune_, "P-1", kMario);
  // The comune's notice asked under the university's fiscal code: not the university's.
  EXPECT_EQ(State(kUniversita, comune_notice), NoticeState::kUnknown);
  EXPECT_EQ(State(kComune, comune_notice), NoticeState::kPayable);
}

TEST_P(PortalTest, LookUpRefusesMalformedInputNamingTheField) {
  auto ctx = Ctx();
  struct Case {
    const char* cf;
    const char* nav;
    const char* field;
  };
  for (const Case& c :
       {Case{kComune, "", "avviso"}, Case{kComune, "30100000000000012", "avviso"},
        Case{kComune, "30100000000000012X", "avviso"},
        Case{kComune, "401000000000000123", "avviso"}, Case{"", "301000000000000123", "cf"},
        Case{"00123456783", "301000000000000123", "cf"},
        Case{"'; DROP TABLE entity; --", "301000000000000123", "cf"}}) {
    auto got = LookUpNotice(ctx, config_, c.cf, c.nav);
    ASSERT_FALSE(got.ok()) << c.cf << " " << c.nav;
    EXPECT_EQ(got.error().field, c.field) << c.cf << " " << c.nav;
  }
  auto by_debtor = LookUpNoticeByDebtor(ctx, config_, "<b>RSSMRA</b>", "301000000000000123");
  ASSERT_FALSE(by_debtor.ok());
  EXPECT_EQ(by_debtor.error().field, "cf");
  auto anonymous = LookUpNoticeByDebtor(ctx, config_, "ANONIMO", "301000000000000123");
  ASSERT_FALSE(anonymous.ok());
  EXPECT_EQ(anonymous.error().field, "cf");
}

TEST_P(PortalTest, ByDebtorFindsTheDebtorsOwnNoticeAcrossInstitutions) {
  const std::string comune_notice = Notice(comune_, "P-1", kMario);
  const std::string uni_notice = Notice(universita_, "U-1", kLaura);
  const std::string paid = Notice(comune_, "P-2", kMario, 30, PositionStatus::kPaid);
  // The segregation code names the institution: no institution fiscal code is needed.
  NoticeLookup mine = ByDebtor("rssmra85t10a562s", comune_notice);  // case and spaces ignored
  EXPECT_EQ(mine.state, NoticeState::kPayable);
  EXPECT_EQ(mine.entity_fiscal_code, kComune);
  EXPECT_EQ(mine.answer.amount, 2500);
  NoticeLookup laura = ByDebtor(" BNCLRA90A41G942V", uni_notice);
  EXPECT_EQ(laura.state, NoticeState::kPayable);
  EXPECT_EQ(laura.entity_fiscal_code, kUniversita);
  EXPECT_EQ(ByDebtor(kMario, paid).state, NoticeState::kPaid);
}

TEST_P(PortalTest, ByDebtorNeverRevealsAnotherDebtorsNotice) {
  const std::string marios = Notice(comune_, "P-1", kMario);
  const std::string marios_paid = Notice(comune_, "P-2", kMario, 30, PositionStatus::kPaid);
  // Laura asks for Mario's notices: the very answer of a number that does not exist.
  NoticeLookup other = ByDebtor(kLaura, marios);
  NoticeLookup other_paid = ByDebtor(kLaura, marios_paid);
  NoticeLookup missing = ByDebtor(kLaura, "301000000000999947");
  for (const NoticeLookup* n : {&other, &other_paid, &missing}) {
    EXPECT_EQ(n->state, NoticeState::kUnknown);
    EXPECT_TRUE(n->entity_fiscal_code.empty());
    EXPECT_FALSE(n->entity.has_value());
    EXPECT_EQ(n->answer.amount, 0);
    EXPECT_TRUE(n->answer.payment_description.empty());
  }
  // A segregation code no institution has, a bad check digit, another aux digit: unknown too.
  std::string no_owner = marios;
  no_owner.replace(1, 2, "77");
  EXPECT_EQ(ByDebtor(kMario, no_owner).state, NoticeState::kUnknown);
  std::string bad_check = marios;
  bad_check[17] = bad_check[17] == '0' ? '1' : '0';
  EXPECT_EQ(ByDebtor(kMario, bad_check).state, NoticeState::kUnknown);
  std::string aux0 = marios;
  aux0[0] = '0';
  EXPECT_EQ(ByDebtor(kMario, aux0).state, NoticeState::kUnknown);
}

TEST_P(PortalTest, ByDebtorIgnoresSuspendedInstitutions) {
  const std::string nav = Notice(comune_, "P-1", kMario);
  Entity suspended = comune_;
  suspended.status = EntityStatus::kSuspended;
  auto ctx = Ctx();
  ASSERT_TRUE(UpdateEntity(ctx, Caller{}, suspended).ok());
  EXPECT_EQ(ByDebtor(kMario, nav).state, NoticeState::kUnknown);
}

TEST_P(PortalTest, FixedAmountIsTheTariff) {
  AddSpontaneous("CIE", AmountRule::kFixed, 2220);
  auto cmd = Command("CIE");
  cmd.amount = 1;  // ignored: the tariff is the amount
  auto p = Pay(cmd);
  ASSERT_TRUE(p.ok()) << p.error().ToText();
  EXPECT_EQ(p->options.front().amount, 2220);
  EXPECT_EQ(p->options.front().transfers.front().amount, 2220);
  EXPECT_EQ(p->options.front().transfers.front().iban, kIban);
  EXPECT_EQ(p->status, PositionStatus::kValid);
  EXPECT_EQ(p->options.front().due_date, kNow + std::chrono::days{30});
  // Payable at once through the station.
  EXPECT_EQ(State(kComune, p->options.front().nav), NoticeState::kPayable);
  auto bad = Command("CIE");
  bad.quantity = 0;
  ExpectRefused(bad, "quantity");
}

TEST_P(PortalTest, RangeAmountMustBeWithinLimits) {
  AddSpontaneous("OCCUPAZIONE", AmountRule::kRange, 0, {}, 1000, 50000);
  auto cmd = Command("OCCUPAZIONE");
  cmd.amount = 3550;
  auto p = Pay(cmd);
  ASSERT_TRUE(p.ok()) << p.error().ToText();
  EXPECT_EQ(p->options.front().amount, 3550);
  for (std::int64_t cents : {999, 50001, 0, -100}) {
    auto bad = Command("OCCUPAZIONE");
    bad.amount = cents;
    ExpectRefused(bad, "amount");
  }
  auto edge = Command("OCCUPAZIONE");
  edge.amount = 50000;
  EXPECT_TRUE(Pay(edge).ok());
}

TEST_P(PortalTest, FreeAmountNeedsAValidAmount) {
  AddSpontaneous("TICKET", AmountRule::kFree, 0);
  auto cmd = Command("TICKET");
  cmd.amount = 1234;
  auto p = Pay(cmd);
  ASSERT_TRUE(p.ok()) << p.error().ToText();
  EXPECT_EQ(p->options.front().amount, 1234);
  auto zero = Command("TICKET");
  ExpectRefused(zero, "amount");
}

TEST_P(PortalTest, OptionsAmountIsTheChosenOption) {
  AddSpontaneous("TRASPORTO", AmountRule::kFixed, 12000,
                 R"({"fields":[{"name":"causale"}],"amountOptions":[)"
                 R"({"label":"Intera","cents":12000},{"label":"Ridotta","cents":8000}]})");
  auto cmd = Command("TRASPORTO");
  cmd.amount_option = 1;
  cmd.amount = 1;  // a forged amount is ignored: the option decides
  auto p = Pay(cmd);
  ASSERT_TRUE(p.ok()) << p.error().ToText();
  EXPECT_EQ(p->options.front().amount, 8000);
  auto none = Command("TRASPORTO");
  ExpectRefused(none, "amountOption");
  auto past = Command("TRASPORTO");
  past.amount_option = 2;
  ExpectRefused(past, "amountOption");
}

TEST_P(PortalTest, QuantityTimesTariff) {
  AddSpontaneous("MENSA", AmountRule::kFixed, 450,
                 R"({"quantity":{"label":"Pasti","min":1,"max":60}})");
  auto cmd = Command("MENSA");
  cmd.quantity = 20;
  auto p = Pay(cmd);
  ASSERT_TRUE(p.ok()) << p.error().ToText();
  EXPECT_EQ(p->options.front().amount, 9000);
  for (std::int64_t n : {0, 61, -1}) {
    auto bad = Command("MENSA");
    bad.quantity = n;
    ExpectRefused(bad, "quantity");
  }
}

TEST_P(PortalTest, BadDebtorAndUnknownServicesAreRefused) {
  AddSpontaneous("CIE", AmountRule::kFixed, 2220);
  auto no_fc = Command("CIE");
  no_fc.debtor.fiscal_code.clear();
  EXPECT_FALSE(Pay(no_fc).ok());
  auto bad_fc = Command("CIE");
  bad_fc.debtor.fiscal_code = "RSSMRA85T10A562X";
  auto refused = Pay(bad_fc);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);
  auto many = Command("CIE");
  for (int i = 0; i < 11; ++i) many.metadata.push_back({"k" + std::to_string(i), "v"});
  ExpectRefused(many, "metadata");
  auto unknown = Command("NOPE");
  auto nf = Pay(unknown);
  ASSERT_FALSE(nf.ok());
  EXPECT_EQ(nf.error().code, ErrorCode::kNotFound);
  // Not spontaneous, or with a broken form definition: not offered.
  Service hidden;
  hidden.code = "HIDDEN";
  hidden.name = "Solo sportello";
  hidden.taxonomy_code = "9/0201133SE/";
  hidden.iban = kIban;
  hidden.amount_cents = 100;
  hidden.spontaneous = false;
  auto ctx = Ctx();
  ASSERT_TRUE(AddService(ctx, Caller{}, comune_.id, hidden).ok());
  EXPECT_EQ(Pay(Command("HIDDEN")).error().code, ErrorCode::kNotFound);
  AddSpontaneous("BROKEN", AmountRule::kFixed, 100, R"({"quantity":{"min":0}})");
  EXPECT_EQ(Pay(Command("BROKEN")).error().code, ErrorCode::kNotFound);
  auto other = Command("CIE");
  other.entity_slug = "universita";  // the comune's service asked of the university
  EXPECT_EQ(Pay(other).error().code, ErrorCode::kNotFound);
}

TEST_P(PortalTest, HostileTextIsStoredVerbatim) {
  AddSpontaneous("CIE", AmountRule::kFixed, 2220);
  auto cmd = Command("CIE");
  cmd.debtor.full_name = "Robert'); DROP TABLE debt_position;--";
  cmd.remittance = "<script>alert(1)</script> & \"x\"";
  cmd.metadata.push_back({"targa", "' OR 1=1 --"});
  auto p = Pay(cmd);
  ASSERT_TRUE(p.ok()) << p.error().ToText();
  auto stored = store_->GetPosition(comune_.id, cmd.iupd);
  ASSERT_TRUE(stored.ok() && stored->has_value());
  const DebtPosition& s = **stored;
  EXPECT_EQ(s.debtor.full_name, "Robert'); DROP TABLE debt_position;--");
  EXPECT_EQ(s.options.front().description, "Servizio CIE - <script>alert(1)</script> & \"x\"");
  ASSERT_EQ(s.options.front().transfers.front().metadata.size(), 1u);
  EXPECT_EQ(s.options.front().transfers.front().metadata[0].value, "' OR 1=1 --");
  // Long remittances are cut at 140 characters on a code point boundary.
  auto longer = Command("CIE");
  longer.remittance = std::string(129, 'a') + "èèèè";
  auto cut = Pay(longer);
  ASSERT_TRUE(cut.ok()) << cut.error().ToText();
  EXPECT_LE(cut->options.front().description.size(), 140u);
  EXPECT_NE(static_cast<unsigned char>(cut->options.front().description.back()), 0xC3);
}

// The portal's pages escape what a citizen typed: the "created" page of a spontaneous payment
// shows the subject and the notice, never the markup as markup.
TEST_P(PortalTest, PortalPagesEscapeWhatWasTyped) {
  AddSpontaneous("CIE", AmountRule::kFixed, 2220,
                 R"({"fields":[{"name":"causale","label":"Causale <i>"}]})");
  http::Router router;
  auto ctx = Ctx();
  web::PortalOptions options;
  options.station = config_;
  options.secret = std::string(32, 's');
  auto portal = web::AddPortal(router, ctx, options);
  http::Request get;
  get.method = "GET";
  ASSERT_TRUE(http::SetTarget("/enti/comune/servizi/CIE", get).ok());
  get.remote_address = "127.0.0.1";
  http::Response page = router.Handle(get);
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_NE(page.body.find("Causale &lt;i&gt;"), std::string::npos);
  std::string cookie;
  for (const auto& [k, v] : page.headers) {
    if (k == "Set-Cookie") cookie = v.substr(0, v.find(';'));
  }
  std::smatch m;
  ASSERT_TRUE(std::regex_search(page.body, m, std::regex("name=\"csrf\" value=\"([0-9a-f]+)\"")));
  http::Request post;
  post.method = "POST";
  ASSERT_TRUE(http::SetTarget("/enti/comune/servizi/CIE", post).ok());
  post.remote_address = "127.0.0.1";
  post.headers = {{"cookie", cookie}, {"content-type", "application/x-www-form-urlencoded"}};
  post.body = "csrf=" + m[1].str() +
              "&cf_pagatore=RSSMRA85T10A562S&nome_pagatore=Mario+Rossi"
              "&x_causale=%3Cscript%3Ealert(1)%3C%2Fscript%3E&azione=avviso";
  http::Response created = router.Handle(post);
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.body.find("<script>alert(1)"), std::string::npos);
  EXPECT_NE(created.body.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  // The same request without the CSRF token is refused and creates nothing.
  post.body = "cf_pagatore=RSSMRA85T10A562S&nome_pagatore=Mario+Rossi&x_causale=x&azione=avviso";
  EXPECT_EQ(router.Handle(post).status, 403);
  auto positions = store_->ListPositions(comune_.id, PositionFilter{});
  ASSERT_TRUE(positions.ok());
  EXPECT_EQ(positions->size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Backends, PortalTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace incasso
