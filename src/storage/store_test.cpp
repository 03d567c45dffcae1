// One suite for both backends: every TEST_P runs on SQLite (a temp file) and on PostgreSQL (a
// fresh schema on the server in INCASSO_TEST_POSTGRES_URL; skipped when unset).
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include "core/time.hpp"
#include "storage/db.hpp"
#include "storage/json_text.hpp"
#include "storage/migrations.hpp"
#include "storage/open_store.hpp"
#include "storage/test_database.hpp"

namespace incasso::storage {
namespace {

using testing::Backend;
using testing::TestDatabase;

TimePoint At(std::string_view iso) {
  auto t = ParseDateTime(iso);
  EXPECT_TRUE(t.ok()) << iso;
  return t.ok() ? *t : TimePoint{};
}

Date Day(std::string_view iso) {
  auto d = ParseDate(iso);
  EXPECT_TRUE(d.ok()) << iso;
  return d.ok() ? *d : Date{};
}

// Every field of a position, for whole-value comparisons with a readable diff.
std::string Dump(const Metadata& m) { return fmt::format("{}={};", m.key, m.value); }

std::string Dump(const std::optional<TimePoint>& t) { return t ? FormatDateTime(*t) : "-"; }

std::string Dump(const Transfer& t) {
  std::string s = fmt::format(
      "  transfer {} amount={} efc={} ri={} cat={} iban={} postal={} company={} stamp={}\n    md=",
      t.id_transfer, t.amount, t.entity_fiscal_code, t.remittance_information, t.category, t.iban,
      t.postal_iban, t.company_name,
      t.stamp ? fmt::format("{}/{}/{}", t.stamp->hash_document, t.stamp->stamp_type,
                            t.stamp->provincial_residence)
              : "-");
  for (const auto& m : t.metadata) s += Dump(m);
  return s + "\n";
}

std::string Dump(const Debtor& d) {
  return fmt::format("debtor {} {} {} {} {} {} {} {} {} {} {} {}\n", ToString(d.type),
                     d.fiscal_code, d.full_name, d.street_name, d.civic_number, d.postal_code,
                     d.city, d.province, d.region, d.country, d.email, d.phone);
}

std::string Dump(const DebtPosition& p) {
  std::string s = fmt::format(
      "position id={} entity={} iupd={} company={} office={} validity={} ste={} psi={} status={} "
      "version={} created={} updated={} publish={} payment={}\n",
      p.id, p.entity_id, p.iupd, p.company_name, p.office_name, Dump(p.validity_date),
      p.switch_to_expired, p.pay_stand_in, ToString(p.status), p.version,
      FormatDateTime(p.created_at), FormatDateTime(p.updated_at), Dump(p.publish_date),
      Dump(p.payment_date));
  s += Dump(p.debtor);
  for (const auto& o : p.options) {
    s += fmt::format(
        " option id={} iuv={} nav={} amount={} desc={} partial={} due={} retention={} fee={} "
        "status={} paid={}\n  md=",
        o.id, o.iuv, o.nav, o.amount, o.description, o.is_partial_payment,
        FormatDateTime(o.due_date), Dump(o.retention_date), o.fee, ToString(o.status),
        Dump(o.payment_date));
    for (const auto& m : o.metadata) s += Dump(m);
    s += "\n";
    for (const auto& t : o.transfers) s += Dump(t);
  }
  return s;
}

std::string Dump(const Receipt& r) {
  std::string s = fmt::format(
      "receipt id={} entity={} rid={} notice={} iuv={} outcome={} amount={} fee={} psp={}/{}/{} "
      "channel={}/{} method={} paid={} app={} tr={} xml={} source={} standin={} received={} "
      "fc={} note={}\n md=",
      r.id, r.entity_id, r.receipt_id, r.notice_number, r.iuv, r.outcome, r.amount,
      r.fee ? std::to_string(*r.fee) : "-", r.psp_id, r.psp_fiscal_code, r.psp_company_name,
      r.channel_id, r.channel_description, r.payment_method, Dump(r.payment_date_time),
      r.application_date, r.transfer_date, r.original_xml, r.source, r.stand_in,
      FormatDateTime(r.received_at), r.fiscal_code, r.payment_note);
  for (const auto& m : r.metadata) s += Dump(m);
  s += "\n";
  s += Dump(r.debtor);
  s += r.payer ? "payer " + Dump(*r.payer) : "payer -\n";
  for (const auto& t : r.transfers) s += Dump(t);
  return s;
}

Entity MakeEntity(int n) {
  Entity e;
  e.fiscal_code = fmt::format("{:011d}", 80000000000LL + n);
  e.name = fmt::format("Comune {}", n);
  e.department = "Ufficio tributi";
  e.address = "Piazza Municipio 1";
  e.postal_code = "85100";
  e.city = "Potenza";
  e.province = "PZ";
  e.email = "tributi@example.it";
  e.pec = "protocollo@pec.example.it";
  e.phone = "+39 0971 000000";
  e.website = "https://example.it";
  e.logo = "/logos/x.png";
  e.slug = fmt::format("comune-{}", n);
  e.segregation_code = fmt::format("{:02d}", n % 100);
  e.application_code = "";
  e.cbill_code = "A1B2C";
  e.postal_account = "123456";
  e.station_id = "80012345678_01";
  e.status = EntityStatus::kActive;
  e.onboarding_date = Day("2026-01-15");
  return e;
}

Transfer MakeTransfer(int id, std::int64_t amount) {
  Transfer t;
  t.id_transfer = id;
  t.amount = amount;
  t.remittance_information = "TARI 2026";
  t.category = "9/0101108TS/";
  t.iban = "IT60X0542811101000000123456";
  t.company_name = "Comune";
  return t;
}

// `n` makes iupd, iuv and nav distinct between positions.
DebtPosition MakePosition(int n, int options = 1) {
  DebtPosition p;
  p.iupd = fmt::format("IUPD-{}", n);
  p.debtor.type = DebtorType::kPerson;
  p.debtor.fiscal_code = "RSSMRA80A01H501U";
  p.debtor.full_name = "Mario Rossi";
  p.company_name = "Comune";
  p.status = PositionStatus::kValid;
  p.created_at = At("2026-11-26T09:30:00Z") + std::chrono::seconds(n);
  p.updated_at = p.created_at;
  for (int i = 0; i < options; ++i) {
    PaymentOption o;
    o.iuv = fmt::format("{:02d}{:013d}", 1, n * 100 + i);
    o.nav = "3" + o.iuv;
    o.amount = 10000;
    o.description = "Rata";
    o.due_date = At("2026-12-31T23:59:59Z") + std::chrono::hours(24 * i);
    o.transfers.push_back(MakeTransfer(1, 10000));
    p.options.push_back(o);
  }
  return p;
}

Receipt MakeReceipt(std::string_view id) {
  Receipt r;
  r.receipt_id = std::string(id);
  r.notice_number = "301000000000000100";
  r.fiscal_code = "80000000001";
  r.iuv = "01000000000000100";
  r.outcome = "OK";
  r.amount = 10000;
  r.psp_id = "BCITITMM";
  r.psp_fiscal_code = "00799960158";
  r.psp_company_name = "Intesa";
  r.channel_id = "00799960158_01";
  r.payment_method = "creditCard";
  r.application_date = "2026-11-26";
  r.transfer_date = "2026-11-27";
  r.debtor.fiscal_code = "RSSMRA80A01H501U";
  r.debtor.full_name = "Mario Rossi";
  r.transfers.push_back(MakeTransfer(1, 10000));
  r.original_xml = "<receipt/>";
  r.source = "paSendRTV2";
  r.received_at = At("2026-11-26T10:00:00Z");
  return r;
}

class StoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    auto t = TestDatabase::Create(GetParam());
    if (!t.ok() && GetParam() == Backend::kPostgres && t.error().code == ErrorCode::kUnavailable &&
        t.error().message.find(testing::kPostgresUrlEnv) != std::string::npos) {
      GTEST_SKIP() << t.error().message;
    }
    ASSERT_TRUE(t.ok()) << t.error().ToText() << " | " << t.error().detail;
    db_ = std::move(*t);
    auto migrated = MigrateStore(db_->options());
    ASSERT_TRUE(migrated.ok()) << migrated.error().ToText() << " | " << migrated.error().detail;
    ASSERT_EQ(*migrated, LatestSchemaVersion());
    auto s = OpenStore(db_->options());
    ASSERT_TRUE(s.ok()) << s.error().ToText();
    store_ = std::move(*s);
  }

  Store& store() { return *store_; }

  std::int64_t NewEntity(int n) {
    auto e = store().CreateEntity(MakeEntity(n));
    EXPECT_TRUE(e.ok()) << e.error().ToText() << " | " << e.error().detail;
    return e.ok() ? e->id : 0;
  }

  // Raw access for checks the Store interface does not offer.
  std::unique_ptr<Db> RawDb() {
    auto db = OpenDb(db_->options());
    EXPECT_TRUE(db.ok()) << db.error().ToText();
    return db.ok() ? std::move(*db) : nullptr;
  }

  std::int64_t CountRows(std::string_view table) {
    auto db = RawDb();
    auto rows = db->Query(fmt::format("SELECT COUNT(*) FROM {}", table));
    EXPECT_TRUE(rows.ok()) << rows.error().detail;
    return rows.ok() ? rows->front().Int(0) : -1;
  }

  // Outbox rows of one kind ("receipt", "position.paid", ...).
  std::int64_t CountOutbox(std::string_view kind) {
    auto db = RawDb();
    auto rows = db->Query("SELECT COUNT(*) FROM outbox WHERE kind = $1", {std::string(kind)});
    EXPECT_TRUE(rows.ok()) << rows.error().detail;
    return rows.ok() ? rows->front().Int(0) : -1;
  }

  std::unique_ptr<TestDatabase> db_;
  std::unique_ptr<Store> store_;
};

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& param_info) {
                           return std::string(testing::BackendName(param_info.param));
                         });

// ---- Migrations and schema -----------------------------------------------------------------

TEST_P(StoreTest, MigrateIsIdempotentAndRecordsEveryVersion) {
  EXPECT_EQ(store().Backend(), testing::BackendName(GetParam()));
  EXPECT_TRUE(store().Ping().ok());
  auto again = MigrateStore(db_->options());
  ASSERT_TRUE(again.ok()) << again.error().ToText();
  EXPECT_EQ(*again, 0);
  auto rows =
      RawDb()->Query("SELECT version, name, applied_at FROM schema_migrations ORDER BY version");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), EmbeddedMigrations().size());
  for (std::size_t i = 0; i < rows->size(); ++i) {
    EXPECT_EQ((*rows)[i].Int(0), EmbeddedMigrations()[i].version);
    EXPECT_EQ((*rows)[i].Text(1), EmbeddedMigrations()[i].name);
    EXPECT_TRUE(ParseDateTime((*rows)[i].Text(2)).ok());
  }
}

TEST_P(StoreTest, OpenStoreRefusesAnUnmigratedDatabase) {
  auto fresh = TestDatabase::Create(GetParam());
  ASSERT_TRUE(fresh.ok());
  auto s = OpenStore((*fresh)->options());
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(s.error().message.find("incasso migrate"), std::string::npos) << s.error().message;
}

TEST_P(StoreTest, ConcurrentMigrationsFromTwoProcessesApplyEachVersionOnce) {
  auto fresh = TestDatabase::Create(GetParam());
  ASSERT_TRUE(fresh.ok());
  const StoreOptions options = (*fresh)->options();
  store_.reset();  // no open SQLite connection crosses fork()
  std::vector<pid_t> children;
  for (int c = 0; c < 2; ++c) {
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      auto applied = MigrateStore(options);
      if (!applied.ok()) {
        std::fprintf(stderr, "child: %s | %s\n", applied.error().ToText().c_str(),
                     applied.error().detail.c_str());
      }
      _exit(applied.ok() ? 10 + *applied : 99);  // exit code = 10 + number applied
    }
    children.push_back(pid);
  }
  int total = 0;
  for (pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status));
    ASSERT_NE(WEXITSTATUS(status), 99) << "a child failed to migrate";
    total += WEXITSTATUS(status) - 10;
  }
  EXPECT_EQ(total, LatestSchemaVersion());
  auto again = MigrateStore(options);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0);
}

using Columns = std::map<std::string, std::map<std::string, std::string>>;  // table -> col -> class

std::string TypeClass(std::string type) {
  std::transform(type.begin(), type.end(), type.begin(), ::toupper);
  if (type.find("INT") != std::string::npos) return "int";
  if (type.find("TEXT") != std::string::npos || type.find("CHAR") != std::string::npos) {
    return "text";
  }
  return type;
}

Columns Introspect(Db& db) {
  const char* sql =
      db.Dialect() == "sqlite"
          ? "SELECT m.name, p.name, p.type FROM sqlite_master m JOIN pragma_table_info(m.name) p "
            "WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY 1, 2"
          : "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = current_schema() ORDER BY 1, 2";
  auto rows = db.Query(sql);
  EXPECT_TRUE(rows.ok()) << rows.error().detail;
  Columns out;
  if (rows.ok()) {
    for (const Row& r : *rows) out[r.Text(0)][r.Text(1)] = TypeClass(r.Text(2));
  }
  return out;
}

TEST_P(StoreTest, SchemaHasEveryTable) {
  Columns cols = Introspect(*RawDb());
  std::set<std::string> tables;
  for (const auto& [t, c] : cols) tables.insert(t);
  EXPECT_EQ(tables, (std::set<std::string>{
                        "api_key", "debt_position", "entity", "entity_notice_logo", "event_log",
                        "iban_account", "idempotency_key", "import_job", "intermediary",
                        "iuv_sequence", "outbox", "payment_option", "receipt", "schema_migrations",
                        "service", "station", "transfer", "webhook_delivery", "webhook_endpoint"}));
  EXPECT_EQ(cols["webhook_delivery"]["next_attempt_at"], "text");
  EXPECT_EQ(cols["webhook_delivery"]["last_status"], "int");
  EXPECT_EQ(cols["webhook_endpoint"]["secret"], "text");
  EXPECT_EQ(cols["receipt"]["amount"], "int");
  EXPECT_EQ(cols["receipt"]["received_at"], "text");
  EXPECT_EQ(cols["receipt"]["option_id"], "int");
  EXPECT_EQ(cols["receipt"]["kind"], "text");
  EXPECT_EQ(cols["outbox"]["attempts"], "int");
  EXPECT_EQ(cols["event_log"]["request_body"], "text");
}

// Not parameterized: needs both databases at once.
TEST(SchemaParity, SameTablesColumnsAndTypeClassesOnBothBackends) {
  auto pg = TestDatabase::Create(Backend::kPostgres);
  if (!pg.ok() && pg.error().code == ErrorCode::kUnavailable &&
      pg.error().message.find(testing::kPostgresUrlEnv) != std::string::npos) {
    GTEST_SKIP() << pg.error().message;
  }
  ASSERT_TRUE(pg.ok()) << pg.error().ToText();
  auto lite = TestDatabase::Create(Backend::kSqlite);
  ASSERT_TRUE(lite.ok());
  ASSERT_TRUE(MigrateStore((*pg)->options()).ok());
  ASSERT_TRUE(MigrateStore((*lite)->options()).ok());
  auto pg_db = OpenDb((*pg)->options());
  auto lite_db = OpenDb((*lite)->options());
  ASSERT_TRUE(pg_db.ok() && lite_db.ok());
  Columns a = Introspect(**lite_db);
  Columns b = Introspect(**pg_db);
  EXPECT_FALSE(a.empty());
  for (const auto& [table, cols] : a) {
    ASSERT_TRUE(b.count(table)) << "missing on PostgreSQL: " << table;
    EXPECT_EQ(cols, b[table]) << "table " << table;
  }
  EXPECT_EQ(a.size(), b.size());
}

// ---- Entities, intermediary, stations, IBANs, services -------------------------------------

TEST_P(StoreTest, EntityCrudAndUniqueConflictsNameTheField) {
  auto created = store().CreateEntity(MakeEntity(1));
  ASSERT_TRUE(created.ok()) << created.error().detail;
  EXPECT_GT(created->id, 0);
  Entity e = *created;

  auto by_id = store().FindEntityById(e.id);
  ASSERT_TRUE(by_id.ok() && by_id->has_value());
  EXPECT_EQ((*by_id)->fiscal_code, e.fiscal_code);
  EXPECT_EQ((*by_id)->onboarding_date, e.onboarding_date);
  EXPECT_EQ((*by_id)->cbill_code, "A1B2C");
  auto by_fc = store().FindEntityByFiscalCode(e.fiscal_code);
  ASSERT_TRUE(by_fc.ok() && by_fc->has_value());
  EXPECT_EQ((*by_fc)->id, e.id);
  auto by_slug = store().FindEntityBySlug(e.slug);
  ASSERT_TRUE(by_slug.ok() && by_slug->has_value());
  EXPECT_EQ((*by_slug)->id, e.id);
  auto none = store().FindEntityBySlug("nope");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());

  struct Case {
    void (*mutate)(Entity&);
    const char* field;
  };
  const Case cases[] = {
      {[](Entity& x) {
         x.slug = "other";
         x.segregation_code = "77";
       },
       "fiscalCode"},
      {[](Entity& x) {
         x.fiscal_code = "80000000077";
         x.segregation_code = "77";
       },
       "slug"},
      {[](Entity& x) {
         x.fiscal_code = "80000000077";
         x.slug = "other";
       },
       "segregationCode"},
  };
  for (const Case& c : cases) {
    Entity dup = MakeEntity(1);
    c.mutate(dup);
    auto r = store().CreateEntity(dup);
    ASSERT_FALSE(r.ok()) << c.field;
    EXPECT_EQ(r.error().code, ErrorCode::kConflict);
    EXPECT_EQ(r.error().field, c.field);
  }

  auto second = store().CreateEntity(MakeEntity(2));
  ASSERT_TRUE(second.ok());
  Entity clash = *second;
  clash.slug = e.slug;
  Status upd = store().UpdateEntity(clash);
  ASSERT_FALSE(upd.ok());
  EXPECT_EQ(upd.error().code, ErrorCode::kConflict);
  EXPECT_EQ(upd.error().field, "slug");

  e.name = "Comune di Potenza";
  e.status = EntityStatus::kSuspended;
  e.onboarding_date = Day("2027-02-28");
  ASSERT_TRUE(store().UpdateEntity(e).ok());
  auto reread = store().FindEntityById(e.id);
  ASSERT_TRUE(reread.ok() && reread->has_value());
  EXPECT_EQ((*reread)->name, "Comune di Potenza");
  EXPECT_EQ((*reread)->status, EntityStatus::kSuspended);
  EXPECT_EQ(FormatDate((*reread)->onboarding_date), "2027-02-28");

  Entity ghost = MakeEntity(3);
  ghost.id = 987654;
  Status missing = store().UpdateEntity(ghost);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);

  auto all = store().ListEntities();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].id, e.id);
}

TEST_P(StoreTest, IntermediaryAndStationsAreReplacedInPlace) {
  auto none = store().GetIntermediary();
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  ASSERT_TRUE(store().SaveIntermediary({"80012345678", "Regione", 3}).ok());
  ASSERT_TRUE(store().SaveIntermediary({"80012345678", "Regione Basilicata", 3}).ok());
  auto i = store().GetIntermediary();
  ASSERT_TRUE(i.ok() && i->has_value());
  EXPECT_EQ((*i)->name, "Regione Basilicata");
  EXPECT_EQ((*i)->aux_digit, 3);

  ASSERT_TRUE(store().SaveStation({"80012345678_02", "B", true}).ok());
  ASSERT_TRUE(store().SaveStation({"80012345678_01", "A", true}).ok());
  ASSERT_TRUE(store().SaveStation({"80012345678_01", "A2", false}).ok());
  auto stations = store().ListStations();
  ASSERT_TRUE(stations.ok());
  ASSERT_EQ(stations->size(), 2u);
  EXPECT_EQ((*stations)[0].id, "80012345678_01");
  EXPECT_EQ((*stations)[0].description, "A2");
  EXPECT_FALSE((*stations)[0].active);
}

TEST_P(StoreTest, IbanAccountsAndServices) {
  std::int64_t a = NewEntity(1);
  IbanAccount acc;
  acc.iban = "IT60X0542811101000000123456";
  acc.kind = AccountKind::kPostal;
  acc.label = "Tesoreria";
  acc.valid_from = Day("2026-01-01");
  acc.active = false;
  auto added = store().AddIbanAccount(a, acc);
  ASSERT_TRUE(added.ok()) << added.error().detail;
  EXPECT_GT(added->id, 0);
  EXPECT_EQ(added->entity_id, a);
  auto dup = store().AddIbanAccount(a, acc);
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, ErrorCode::kConflict);
  EXPECT_EQ(dup.error().field, "iban");
  auto list = store().ListIbanAccounts(a);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].kind, AccountKind::kPostal);
  EXPECT_EQ((*list)[0].label, "Tesoreria");
  EXPECT_FALSE((*list)[0].active);
  EXPECT_EQ(FormatDate((*list)[0].valid_from), "2026-01-01");

  Service s;
  s.code = "TARI";
  s.name = "Tassa rifiuti";
  s.taxonomy_code = "9/0101108TS/";
  s.iban = acc.iban;
  s.amount_rule = AmountRule::kRange;
  s.min_cents = 100;
  s.max_cents = 99999;
  s.spontaneous = true;
  s.form_json = R"({"fields":[{"name":"targa","label":"Targa \"auto\""}]})";
  auto svc = store().AddService(a, s);
  ASSERT_TRUE(svc.ok()) << svc.error().detail;
  auto svc_dup = store().AddService(a, s);
  ASSERT_FALSE(svc_dup.ok());
  EXPECT_EQ(svc_dup.error().field, "code");
  auto services = store().ListServices(a);
  ASSERT_TRUE(services.ok());
  ASSERT_EQ(services->size(), 1u);
  const Service& got = (*services)[0];
  EXPECT_EQ(got.amount_rule, AmountRule::kRange);
  EXPECT_EQ(got.min_cents, 100);
  EXPECT_EQ(got.max_cents, 99999);
  EXPECT_TRUE(got.spontaneous);
  EXPECT_EQ(got.form_json, s.form_json);

  auto orphan = store().AddService(424242, s);
  ASSERT_FALSE(orphan.ok());
  EXPECT_EQ(orphan.error().code, ErrorCode::kNotFound);
}

// ---- Tenant isolation ----------------------------------------------------------------------

TEST_P(StoreTest, AnEntityNeverSeesOrChangesAnotherEntitysRows) {
  std::int64_t a = NewEntity(1);
  std::int64_t b = NewEntity(2);
  DebtPosition pb = MakePosition(7);
  auto stored = store().InsertPosition(b, pb);
  ASSERT_TRUE(stored.ok()) << stored.error().detail;
  ASSERT_TRUE(store().InsertReceipt(b, MakeReceipt("RB")).ok());
  IbanAccount acc;
  acc.iban = "IT60X0542811101000000123456";
  ASSERT_TRUE(store().AddIbanAccount(b, acc).ok());
  Service svc;
  svc.code = "TARI";
  ASSERT_TRUE(store().AddService(b, svc).ok());

  auto get = store().GetPosition(a, pb.iupd);
  ASSERT_TRUE(get.ok());
  EXPECT_FALSE(get->has_value());
  auto by_nav = store().FindPositionByNoticeNumber(a, pb.options[0].nav);
  ASSERT_TRUE(by_nav.ok());
  EXPECT_FALSE(by_nav->has_value());
  auto list = store().ListPositions(a, {});
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE(list->empty());
  auto count = store().CountPositions(a);
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 0);
  Status upd = store().UpdatePositionStatus(a, pb.iupd, 1, PositionStatus::kInvalid,
                                            At("2026-12-01T00:00:00Z"));
  ASSERT_FALSE(upd.ok());
  EXPECT_EQ(upd.error().code, ErrorCode::kNotFound);
  auto receipt = store().GetReceipt(a, "RB");
  ASSERT_TRUE(receipt.ok());
  EXPECT_FALSE(receipt->has_value());
  auto ibans = store().ListIbanAccounts(a);
  ASSERT_TRUE(ibans.ok());
  EXPECT_TRUE(ibans->empty());
  auto services = store().ListServices(a);
  ASSERT_TRUE(services.ok());
  EXPECT_TRUE(services->empty());

  // B's rows are untouched, and A may reuse B's keys (they are unique per entity).
  auto still = store().GetPosition(b, pb.iupd);
  ASSERT_TRUE(still.ok() && still->has_value());
  EXPECT_EQ((*still)->status, PositionStatus::kValid);
  EXPECT_EQ((*still)->version, 1);
  auto same_keys = store().InsertPosition(a, pb);
  ASSERT_TRUE(same_keys.ok()) << same_keys.error().ToText();
  auto mine = store().FindPositionByNoticeNumber(a, pb.options[0].nav);
  ASSERT_TRUE(mine.ok() && mine->has_value());
  EXPECT_EQ((*mine)->entity_id, a);
  EXPECT_EQ((*mine)->id, same_keys->id);
  auto receipt_a = store().InsertReceipt(a, MakeReceipt("RB"));
  ASSERT_TRUE(receipt_a.ok());
  EXPECT_TRUE(*receipt_a);
}

// ---- Positions -----------------------------------------------------------------------------

TEST_P(StoreTest, PositionRoundTripPreservesEveryField) {
  std::int64_t a = NewEntity(1);
  DebtPosition p = MakePosition(1, 2);
  p.debtor = Debtor{DebtorType::kLegal,
                    "01234567890",
                    "ACME S.r.l.",
                    "Via Roma",
                    "10",
                    "85100",
                    "Potenza",
                    "PZ",
                    "Basilicata",
                    "IT",
                    "acme@example.it",
                    "+39 1"};
  p.office_name = "Ufficio";
  p.validity_date = At("2026-11-27T00:00:00Z");
  p.switch_to_expired = true;
  p.pay_stand_in = false;
  p.status = PositionStatus::kPartiallyPaid;
  p.updated_at = p.created_at + std::chrono::seconds(5);
  p.publish_date = At("2026-11-26T09:31:00Z");
  p.payment_date = std::nullopt;
  PaymentOption& o0 = p.options[0];
  o0.is_partial_payment = true;
  o0.retention_date = At("2027-03-31T00:00:00Z");
  o0.fee = 150;
  o0.status = OptionStatus::kPaid;
  o0.payment_date = At("2026-11-28T12:00:00Z");
  o0.metadata = {{"anno", "2026"}, {"note", "a=b;c"}};
  o0.transfers.clear();
  Transfer t1 = MakeTransfer(1, 6000);
  t1.entity_fiscal_code = "80000000001";
  t1.postal_iban = "IT60X0760111101000000123456";
  t1.metadata = {{"capitolo", "1234"}};
  Transfer t2 = MakeTransfer(2, 4000);
  t2.iban.clear();
  t2.stamp = Stamp{"dGVzdA==", "01", "PZ"};
  o0.transfers = {t1, t2};
  p.options[1].description = "";  // empty strings survive as empty

  auto stored = store().InsertPosition(a, p);
  ASSERT_TRUE(stored.ok()) << stored.error().ToText() << " | " << stored.error().detail;
  EXPECT_GT(stored->id, 0);
  EXPECT_EQ(stored->entity_id, a);
  EXPECT_EQ(stored->version, 1);
  ASSERT_EQ(stored->options.size(), 2u);
  EXPECT_GT(stored->options[0].id, 0);
  EXPECT_NE(stored->options[0].id, stored->options[1].id);

  auto got = store().GetPosition(a, p.iupd);
  ASSERT_TRUE(got.ok()) << got.error().detail;
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ(Dump(**got), Dump(*stored));
  auto by_nav = store().FindPositionByNoticeNumber(a, p.options[1].nav);
  ASSERT_TRUE(by_nav.ok() && by_nav->has_value());
  EXPECT_EQ(Dump(**by_nav), Dump(*stored));

  // The stored value is the input plus ids, entity and version.
  DebtPosition expected = p;
  expected.id = stored->id;
  expected.entity_id = a;
  expected.version = 1;
  for (std::size_t i = 0; i < expected.options.size(); ++i) {
    expected.options[i].id = stored->options[i].id;
  }
  EXPECT_EQ(Dump(**got), Dump(expected));
}

TEST_P(StoreTest, DuplicateIupdIsAConflictNamingTheField) {
  std::int64_t a = NewEntity(1);
  ASSERT_TRUE(store().InsertPosition(a, MakePosition(1)).ok());
  DebtPosition again = MakePosition(2);
  again.iupd = MakePosition(1).iupd;
  auto r = store().InsertPosition(a, again);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kConflict);
  EXPECT_EQ(r.error().field, "iupd");
  EXPECT_EQ(CountRows("debt_position"), 1);
  EXPECT_EQ(CountRows("payment_option"), 1);
}

TEST_P(StoreTest, ACollidingOptionLeavesNothingHalfWritten) {
  std::int64_t a = NewEntity(1);
  DebtPosition first = MakePosition(1);
  ASSERT_TRUE(store().InsertPosition(a, first).ok());

  DebtPosition second = MakePosition(2, 2);
  second.options[1].iuv = first.options[0].iuv;  // the second option collides
  auto r = store().InsertPosition(a, second);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kConflict);
  EXPECT_EQ(r.error().field, "paymentOption[1].iuv");
  EXPECT_EQ(CountRows("debt_position"), 1);
  EXPECT_EQ(CountRows("payment_option"), 1);
  EXPECT_EQ(CountRows("transfer"), 1);
  auto gone = store().GetPosition(a, second.iupd);
  ASSERT_TRUE(gone.ok());
  EXPECT_FALSE(gone->has_value());

  DebtPosition third = MakePosition(3);
  third.options[0].nav = first.options[0].nav;
  auto n = store().InsertPosition(a, third);
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.error().field, "paymentOption[0].nav");

  DebtPosition twice = MakePosition(4, 2);
  twice.options[1].iuv = twice.options[0].iuv;  // within one position
  auto w = store().InsertPosition(a, twice);
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.error().field, "paymentOption[1].iuv");

  DebtPosition dup_transfer = MakePosition(5);
  dup_transfer.options[0].transfers.push_back(MakeTransfer(1, 1));
  auto t = store().InsertPosition(a, dup_transfer);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().field, "paymentOption[0].transfer[1].idTransfer");

  DebtPosition no_iuv = MakePosition(6);
  no_iuv.options[0].iuv.clear();
  auto missing = store().InsertPosition(a, no_iuv);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(missing.error().field, "paymentOption[0].iuv");

  auto orphan = store().InsertPosition(987654, MakePosition(7));
  ASSERT_FALSE(orphan.ok());
  EXPECT_EQ(orphan.error().code, ErrorCode::kNotFound);

  EXPECT_EQ(CountRows("debt_position"), 1);
  EXPECT_EQ(CountRows("payment_option"), 1);
  EXPECT_EQ(CountRows("transfer"), 1);
}

TEST_P(StoreTest, UpdatePositionStatusChecksTheVersion) {
  std::int64_t a = NewEntity(1);
  DebtPosition p = MakePosition(1);
  ASSERT_TRUE(store().InsertPosition(a, p).ok());
  TimePoint now = At("2026-12-01T08:00:00Z");
  ASSERT_TRUE(store().UpdatePositionStatus(a, p.iupd, 1, PositionStatus::kPaid, now).ok());
  auto got = store().GetPosition(a, p.iupd);
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->status, PositionStatus::kPaid);
  EXPECT_EQ((*got)->version, 2);
  EXPECT_EQ((*got)->updated_at, now);
  EXPECT_EQ((*got)->created_at, p.created_at);

  Status stale = store().UpdatePositionStatus(a, p.iupd, 1, PositionStatus::kInvalid, now);
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, ErrorCode::kConflict);
  EXPECT_EQ(stale.error().field, "version");
  auto unchanged = store().GetPosition(a, p.iupd);
  ASSERT_TRUE(unchanged.ok() && unchanged->has_value());
  EXPECT_EQ((*unchanged)->status, PositionStatus::kPaid);
  EXPECT_EQ((*unchanged)->version, 2);

  Status missing = store().UpdatePositionStatus(a, "NOPE", 1, PositionStatus::kPaid, now);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

TEST_P(StoreTest, ListPositionsFiltersAndPagesNewestFirst) {
  std::int64_t a = NewEntity(1);
  for (int n = 1; n <= 5; ++n) {
    DebtPosition p = MakePosition(n);
    p.status = n % 2 ? PositionStatus::kValid : PositionStatus::kDraft;
    if (n == 3) p.debtor.fiscal_code = "VRDLGU80A01H501X";
    p.options[0].due_date = At("2027-01-01T00:00:00Z") + std::chrono::hours(24 * 30 * n);
    ASSERT_TRUE(store().InsertPosition(a, p).ok());
  }
  auto iupds = [](const Result<std::vector<DebtPosition>>& r) {
    std::vector<std::string> out;
    if (r.ok()) {
      for (const auto& p : *r) out.push_back(p.iupd);
    }
    return out;
  };
  PositionFilter f;
  EXPECT_EQ(iupds(store().ListPositions(a, f)),
            (std::vector<std::string>{"IUPD-5", "IUPD-4", "IUPD-3", "IUPD-2", "IUPD-1"}));
  f.limit = 2;
  f.offset = 1;
  EXPECT_EQ(iupds(store().ListPositions(a, f)), (std::vector<std::string>{"IUPD-4", "IUPD-3"}));
  f = {};
  f.status = PositionStatus::kDraft;
  EXPECT_EQ(iupds(store().ListPositions(a, f)), (std::vector<std::string>{"IUPD-4", "IUPD-2"}));
  f = {};
  f.debtor_fiscal_code = "VRDLGU80A01H501X";
  EXPECT_EQ(iupds(store().ListPositions(a, f)), (std::vector<std::string>{"IUPD-3"}));
  f = {};
  f.due_from = At("2027-01-01T00:00:00Z") + std::chrono::hours(24 * 30 * 2);
  f.due_to = At("2027-01-01T00:00:00Z") + std::chrono::hours(24 * 30 * 4);
  EXPECT_EQ(iupds(store().ListPositions(a, f)),
            (std::vector<std::string>{"IUPD-4", "IUPD-3", "IUPD-2"}));
  auto listed = store().ListPositions(a, {});
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->front().options.size(), 1u);
  EXPECT_EQ(listed->front().options[0].transfers.size(), 1u);
  f = {};
  f.limit = 0;
  auto bad = store().ListPositions(a, f);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "limit");
  auto count = store().CountPositions(a);
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 5);
}

// ---- IUV sequence --------------------------------------------------------------------------

TEST_P(StoreTest, ReserveIuvBasesStartsAtOnePerEntity) {
  std::int64_t a = NewEntity(1);
  std::int64_t b = NewEntity(2);
  auto r1 = store().ReserveIuvBases(a, 10);
  ASSERT_TRUE(r1.ok()) << r1.error().detail;
  EXPECT_EQ(*r1, 1u);
  auto r2 = store().ReserveIuvBases(a, 1);
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(*r2, 11u);
  auto rb = store().ReserveIuvBases(b, 3);
  ASSERT_TRUE(rb.ok());
  EXPECT_EQ(*rb, 1u);
  auto bad = store().ReserveIuvBases(a, 0);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  auto ghost = store().ReserveIuvBases(987654, 1);
  ASSERT_FALSE(ghost.ok());
  EXPECT_EQ(ghost.error().code, ErrorCode::kNotFound);
}

TEST_P(StoreTest, ReserveIuvBasesFromEightThreadsNeverOverlaps) {
  std::int64_t a = NewEntity(1);
  constexpr int kThreads = 8;
  constexpr int kPerThread = 150;
  std::vector<std::vector<std::uint64_t>> got(kThreads);
  std::vector<std::string> errors(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        int count = 1 + (t + i) % 3;
        auto first = store().ReserveIuvBases(a, count);
        if (!first.ok()) {
          errors[t] = first.error().ToText() + " | " + first.error().detail;
          return;
        }
        for (int k = 0; k < count; ++k) got[t].push_back(*first + static_cast<std::uint64_t>(k));
      }
    });
  }
  for (auto& th : threads) th.join();
  std::set<std::uint64_t> all;
  std::size_t total = 0;
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(errors[t], "");
    total += got[t].size();
    all.insert(got[t].begin(), got[t].end());
  }
  EXPECT_EQ(all.size(), total) << "a number was handed out twice";
  ASSERT_FALSE(all.empty());
  EXPECT_EQ(*all.begin(), 1u);
  EXPECT_EQ(*all.rbegin(), total) << "no failure happened, so there is no gap either";
}

// Acceptance: two processes on one database never receive the same number.
TEST_P(StoreTest, ReserveIuvBasesFromTwoProcessesNeverOverlaps) {
  std::int64_t a = NewEntity(1);
  const StoreOptions options = db_->options();
  store_.reset();  // no open SQLite connection crosses fork()
  constexpr int kChildren = 2;
  constexpr int kPerChild = 2000;
  std::vector<pid_t> children;
  for (int c = 0; c < kChildren; ++c) {
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      int code = 0;
      {
        auto store = OpenStore(options);
        std::ofstream out(fmt::format("{}/child{}.txt", db_->dir(), c));
        if (!store.ok()) code = 2;
        for (int i = 0; code == 0 && i < kPerChild; ++i) {
          auto first = (*store)->ReserveIuvBases(a, 1);
          if (!first.ok()) {
            out << "error " << first.error().ToText() << " " << first.error().detail << "\n";
            code = 3;
            break;
          }
          out << *first << "\n";
        }
      }
      _exit(code);  // skip gtest's and the parent's destructors
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
  }
  std::set<std::uint64_t> all;
  for (int c = 0; c < kChildren; ++c) {
    std::ifstream in(fmt::format("{}/child{}.txt", db_->dir(), c));
    std::string line;
    int lines = 0;
    while (std::getline(in, line)) {
      ASSERT_EQ(line.find("error"), std::string::npos) << line;
      EXPECT_TRUE(all.insert(std::stoull(line)).second) << "duplicate " << line;
      ++lines;
    }
    EXPECT_EQ(lines, kPerChild);
  }
  EXPECT_EQ(all.size(), static_cast<std::size_t>(kChildren * kPerChild));
  EXPECT_EQ(*all.rbegin(), static_cast<std::uint64_t>(kChildren * kPerChild));
}

// ---- Receipts and events -------------------------------------------------------------------

TEST_P(StoreTest, ReceiptInsertedTwiceIsStoredOnce) {
  std::int64_t a = NewEntity(1);
  Receipt r = MakeReceipt("TOKEN-1");
  r.fee = 120;
  r.payment_date_time = At("2026-11-26T09:59:00Z");
  r.payer =
      Debtor{DebtorType::kLegal, "01234567890", "Pagatore", "", "", "", "", "", "", "IT", "", ""};
  r.transfers[0].stamp = Stamp{"aGFzaA==", "01", "RM"};
  r.transfers[0].metadata = {{"k", "v \"quoted\""}};
  r.transfers.push_back(MakeTransfer(2, 1));
  r.stand_in = true;
  r.payment_note = "idCart-42";
  r.metadata = {{"chiave", "valore \"1\""}, {"k2", ""}};
  r.original_xml = "<pafn:paSendRTV2Req xmlns:pafn=\"x\"><a>&amp;'</a></pafn:paSendRTV2Req>";
  auto first = store().InsertReceipt(a, r);
  ASSERT_TRUE(first.ok()) << first.error().detail;
  EXPECT_TRUE(*first);
  Receipt other = r;
  other.amount = 1;
  other.original_xml = "<changed/>";
  auto second = store().InsertReceipt(a, other);
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(*second);
  EXPECT_EQ(CountRows("receipt"), 1);

  auto got = store().GetReceipt(a, "TOKEN-1");
  ASSERT_TRUE(got.ok()) << got.error().detail;
  ASSERT_TRUE(got->has_value());
  Receipt expected = r;
  expected.id = (*got)->id;
  expected.entity_id = a;
  EXPECT_EQ(Dump(**got), Dump(expected));

  Receipt bare = MakeReceipt("TOKEN-2");  // no fee, payer or payment time
  ASSERT_TRUE(store().InsertReceipt(a, bare).ok());
  auto got2 = store().GetReceipt(a, "TOKEN-2");
  ASSERT_TRUE(got2.ok() && got2->has_value());
  EXPECT_FALSE((*got2)->fee.has_value());
  EXPECT_FALSE((*got2)->payer.has_value());
  EXPECT_FALSE((*got2)->payment_date_time.has_value());
}

TEST_P(StoreTest, EventsAreListedNewestFirstWithFilters) {
  std::int64_t a = NewEntity(1);
  auto event = [&](int second, std::string op, std::optional<std::int64_t> entity,
                   std::string notice) {
    Event e;
    e.at = At("2026-11-26T09:00:00Z") + std::chrono::seconds(second);
    e.direction = "in";
    e.channel = "soap";
    e.operation = std::move(op);
    e.entity_id = entity;
    e.notice_number = std::move(notice);
    e.outcome = "OK";
    e.duration_ms = 12;
    e.request_id = fmt::format("req-{}", second);
    e.detail = "{\"x\":1}";
    return e;
  };
  ASSERT_TRUE(store().AppendEvent(event(1, "paVerifyPaymentNotice", a, "301")).ok());
  ASSERT_TRUE(store().AppendEvent(event(2, "paGetPaymentV2", a, "301")).ok());
  ASSERT_TRUE(store().AppendEvent(event(3, "paVerifyPaymentNotice", std::nullopt, "302")).ok());
  auto ids = [](const Result<std::vector<Event>>& r) {
    std::vector<std::string> out;
    if (r.ok()) {
      for (const auto& e : *r) out.push_back(e.request_id);
    }
    return out;
  };
  EventFilter f;
  EXPECT_EQ(ids(store().ListEvents(f)), (std::vector<std::string>{"req-3", "req-2", "req-1"}));
  f.entity_id = a;
  EXPECT_EQ(ids(store().ListEvents(f)), (std::vector<std::string>{"req-2", "req-1"}));
  f = {};
  f.operation = "paVerifyPaymentNotice";
  EXPECT_EQ(ids(store().ListEvents(f)), (std::vector<std::string>{"req-3", "req-1"}));
  f = {};
  f.notice_number = "301";
  f.limit = 1;
  EXPECT_EQ(ids(store().ListEvents(f)), (std::vector<std::string>{"req-2"}));
  auto all = store().ListEvents({});
  ASSERT_TRUE(all.ok());
  const Event& e = all->back();
  EXPECT_EQ(e.at, At("2026-11-26T09:00:01Z"));
  EXPECT_EQ(e.entity_id, a);
  EXPECT_EQ(e.duration_ms, 12);
  EXPECT_EQ(e.detail, "{\"x\":1}");
  EXPECT_FALSE(all->front().entity_id.has_value());
}

TEST_P(StoreTest, EventBodiesAreKeptUntilPurged) {
  std::int64_t a = NewEntity(1);
  auto event = [&](std::string at, std::string op, std::string outcome, std::string notice) {
    Event e;
    e.at = At(at);
    e.direction = "in";
    e.channel = "soap";
    e.operation = std::move(op);
    e.entity_id = a;
    e.notice_number = std::move(notice);
    e.outcome = std::move(outcome);
    e.request_body = "<req>" + e.operation + "</req>";
    e.response_body = "<res/>";
    return e;
  };
  ASSERT_TRUE(store().AppendEvent(event("2026-01-01T00:00:00Z", "paGetPayment", "KO", "301")).ok());
  ASSERT_TRUE(
      store().AppendEvent(event("2026-06-01T00:00:00Z", "paGetPaymentV2", "OK", "302")).ok());
  Event bare = event("2026-06-02T00:00:00Z", "paVerifyPaymentNotice", "OK", "301");
  bare.request_body.clear();
  bare.response_body.clear();
  ASSERT_TRUE(store().AppendEvent(bare).ok());

  auto all = store().ListEvents({});
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[1].request_body, "<req>paGetPaymentV2</req>");
  EXPECT_EQ((*all)[1].response_body, "<res/>");
  EXPECT_EQ((*all)[0].request_body, "");

  const std::vector<std::string> activations = {"paGetPayment", "paGetPaymentV2"};
  auto has = [&](std::int64_t entity, std::string_view notice) {
    auto r = store().HasEvent(entity, notice, activations, "OK");
    EXPECT_TRUE(r.ok()) << r.error().detail;
    return r.ok() && *r;
  };
  EXPECT_TRUE(has(a, "302"));
  EXPECT_FALSE(has(a, "301")) << "a KO activation and an OK verify do not count";
  EXPECT_FALSE(has(a + 1, "302")) << "another entity's events do not count";
  auto none = store().HasEvent(a, "302", {}, "OK");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(*none);

  auto purged = store().PurgeEventBodies(At("2026-06-01T00:00:00Z"));
  ASSERT_TRUE(purged.ok()) << purged.error().detail;
  EXPECT_EQ(*purged, 1);
  purged = store().PurgeEventBodies(At("2026-07-01T00:00:00Z"));
  ASSERT_TRUE(purged.ok());
  EXPECT_EQ(*purged, 1) << "rows without bodies are not counted";
  all = store().ListEvents({});
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 3u) << "purging keeps the rows";
  for (const Event& e : *all) {
    EXPECT_EQ(e.request_body, "") << e.operation;
    EXPECT_EQ(e.response_body, "") << e.operation;
    EXPECT_FALSE(e.operation.empty());
  }
  EXPECT_TRUE(has(a, "302")) << "the event itself is still there";
}

// ---- API keys ------------------------------------------------------------------------------

TEST_P(StoreTest, ApiKeysAreStoredByHashAndScopedToTheEntity) {
  std::int64_t a = NewEntity(1);
  std::int64_t b = NewEntity(2);
  const TimePoint t0 = At("2026-11-26T10:00:00Z");
  auto ka = store().InsertApiKey(a, "ik_AAAAAAA", std::string(64, 'a'), "gestionale", t0);
  ASSERT_TRUE(ka.ok()) << ka.error().ToText() << " | " << ka.error().detail;
  EXPECT_GT(ka->id, 0);
  EXPECT_EQ(ka->entity_id, a);
  EXPECT_FALSE(ka->revoked_at.has_value());
  auto kb = store().InsertApiKey(b, "ik_BBBBBBB", std::string(64, 'b'), "", t0);
  ASSERT_TRUE(kb.ok()) << kb.error().detail;

  // A hash is unique across entities; an unknown entity is NotFound.
  auto dup = store().InsertApiKey(b, "ik_AAAAAAA", std::string(64, 'a'), "", t0);
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, ErrorCode::kConflict);
  auto orphan = store().InsertApiKey(424242, "ik_CCCCCCC", std::string(64, 'c'), "", t0);
  ASSERT_FALSE(orphan.ok());
  EXPECT_EQ(orphan.error().code, ErrorCode::kNotFound);

  auto list_a = store().ListApiKeys(a);
  ASSERT_TRUE(list_a.ok()) << list_a.error().detail;
  ASSERT_EQ(list_a->size(), 1u);
  EXPECT_EQ((*list_a)[0].id, ka->id);
  EXPECT_EQ((*list_a)[0].prefix, "ik_AAAAAAA");
  EXPECT_EQ((*list_a)[0].label, "gestionale");
  EXPECT_EQ((*list_a)[0].created_at, t0);
  EXPECT_FALSE((*list_a)[0].last_used_at.has_value());

  // A cannot revoke B's key: NotFound, and B's key stays active.
  Status cross = store().RevokeApiKey(a, kb->id, t0);
  ASSERT_FALSE(cross.ok());
  EXPECT_EQ(cross.error().code, ErrorCode::kNotFound);
  auto found_b = store().FindApiKeyByHash(std::string(64, 'b'));
  ASSERT_TRUE(found_b.ok() && found_b->has_value());
  EXPECT_EQ((*found_b)->entity_id, b);
  EXPECT_FALSE((*found_b)->revoked_at.has_value());
  EXPECT_FALSE(store().RevokeApiKey(a, 987654, t0).ok());

  // Touch sets last_used_at and never moves it backwards.
  const TimePoint t1 = At("2026-11-26T10:05:00Z");
  ASSERT_TRUE(store().TouchApiKey(ka->id, t1).ok());
  ASSERT_TRUE(store().TouchApiKey(ka->id, t0).ok());
  auto touched = store().FindApiKeyByHash(std::string(64, 'a'));
  ASSERT_TRUE(touched.ok() && touched->has_value());
  EXPECT_EQ((*touched)->last_used_at, std::optional<TimePoint>(t1));

  // Revoking keeps the first revocation instant.
  const TimePoint t2 = At("2026-11-26T11:00:00Z");
  ASSERT_TRUE(store().RevokeApiKey(a, ka->id, t2).ok());
  ASSERT_TRUE(store().RevokeApiKey(a, ka->id, At("2026-11-27T11:00:00Z")).ok());
  auto revoked = store().FindApiKeyByHash(std::string(64, 'a'));
  ASSERT_TRUE(revoked.ok() && revoked->has_value());
  EXPECT_EQ((*revoked)->revoked_at, std::optional<TimePoint>(t2));

  auto missing = store().FindApiKeyByHash("' OR 1=1 --");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
  auto list_b = store().ListApiKeys(b);
  ASSERT_TRUE(list_b.ok());
  ASSERT_EQ(list_b->size(), 1u);
  EXPECT_EQ((*list_b)[0].id, kb->id);
}

TEST_P(StoreTest, FindServiceByCodeIsScopedToTheEntity) {
  std::int64_t a = NewEntity(1);
  std::int64_t b = NewEntity(2);
  Service s;
  s.code = "PASSO";
  s.name = "Passo carrabile";
  s.amount_cents = 2500;
  ASSERT_TRUE(store().AddService(a, s).ok());
  auto found = store().FindServiceByCode(a, "PASSO");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->name, "Passo carrabile");
  EXPECT_EQ((*found)->amount_cents, 2500);
  for (auto [entity, code] :
       {std::pair<std::int64_t, const char*>{b, "PASSO"}, {a, "passo"}, {a, "PASS"}}) {
    auto missing = store().FindServiceByCode(entity, code);
    ASSERT_TRUE(missing.ok());
    EXPECT_FALSE(missing->has_value()) << entity << " " << code;
  }
}

// A position with one single payment (amount 100.00) stored for `entity`.
DebtPosition StoreSinglePosition(Store& store, std::int64_t entity) {
  DebtPosition p = MakePosition(1);
  auto stored = store.InsertPosition(entity, p);
  EXPECT_TRUE(stored.ok()) << stored.error().detail;
  return stored.ok() ? *stored : p;
}

StoredReceipt Classified(Receipt r, std::optional<std::int64_t> option_id) {
  StoredReceipt s;
  s.receipt = std::move(r);
  s.kind = "NORMAL";
  s.id_pa = "80000000001";
  s.station_id = "80012345678_01";
  s.option_id = option_id;
  return s;
}

PaymentUpdate PayAll(const DebtPosition& p, std::int64_t expected_version) {
  PaymentUpdate u;
  u.iupd = p.iupd;
  u.expected_version = expected_version;
  u.nav = p.options[0].nav;
  u.option_status = OptionStatus::kPaid;
  u.position_status = PositionStatus::kPaid;
  u.payment_date = At("2026-11-26T09:59:00Z");
  u.updated_at = At("2026-11-26T10:00:00Z");
  return u;
}

// RecordReceipt promises a receipt is durable once it returns: every connection syncs at commit.
TEST_P(StoreTest, CommitsAreDurableOnBothBackends) {
  auto db = RawDb();
  ASSERT_TRUE(db);
  if (GetParam() == Backend::kSqlite) {
    auto sync = db->Query("PRAGMA synchronous");
    ASSERT_TRUE(sync.ok()) << sync.error().detail;
    EXPECT_EQ(sync->front().Int(0), 2) << "2 = FULL";
    auto journal = db->Query("PRAGMA journal_mode");
    ASSERT_TRUE(journal.ok());
    EXPECT_EQ(journal->front().Text(0), "wal");
  } else {
    auto sync = db->Query("SHOW synchronous_commit");
    ASSERT_TRUE(sync.ok()) << sync.error().detail;
    EXPECT_EQ(sync->front().Text(0), "on");
    auto fsync = db->Query("SHOW fsync");
    ASSERT_TRUE(fsync.ok());
    EXPECT_EQ(fsync->front().Text(0), "on");
  }
}

TEST_P(StoreTest, RecordReceiptStoresReceiptPaymentAndNotificationTogether) {
  std::int64_t a = NewEntity(1);
  DebtPosition p = StoreSinglePosition(store(), a);
  Receipt r = MakeReceipt("TOKEN-1");
  r.payment_date_time = At("2026-11-26T09:59:00Z");
  r.payment_note = "cart-1";
  auto outcome =
      store().RecordReceipt(a, Classified(r, p.options[0].id), PayAll(p, p.version), true);
  ASSERT_TRUE(outcome.ok()) << outcome.error().ToText() << " | " << outcome.error().detail;
  EXPECT_FALSE(outcome->duplicate);
  EXPECT_GT(outcome->receipt_row, 0);

  auto paid = store().GetPosition(a, p.iupd);
  ASSERT_TRUE(paid.ok() && paid->has_value());
  EXPECT_EQ((*paid)->status, PositionStatus::kPaid);
  EXPECT_EQ((*paid)->version, p.version + 1);
  EXPECT_EQ((*paid)->updated_at, At("2026-11-26T10:00:00Z"));
  EXPECT_EQ((*paid)->payment_date, At("2026-11-26T09:59:00Z"));
  EXPECT_EQ((*paid)->options[0].status, OptionStatus::kPaid);
  EXPECT_EQ((*paid)->options[0].payment_date, At("2026-11-26T09:59:00Z"));

  auto receipts = store().ListReceipts(a, {});
  ASSERT_TRUE(receipts.ok()) << receipts.error().detail;
  ASSERT_EQ(receipts->size(), 1u);
  const StoredReceipt& got = receipts->front();
  EXPECT_EQ(got.receipt.id, outcome->receipt_row);
  EXPECT_EQ(got.kind, "NORMAL");
  EXPECT_EQ(got.id_pa, "80000000001");
  EXPECT_EQ(got.station_id, "80012345678_01");
  EXPECT_EQ(got.option_id, p.options[0].id);
  Receipt expected = r;
  expected.id = got.receipt.id;
  expected.entity_id = a;
  EXPECT_EQ(Dump(got.receipt), Dump(expected));

  auto all = store().ListOutbox(a, 10);
  ASSERT_TRUE(all.ok()) << all.error().detail;
  // position.created (the insert), then position.paid and receipt in the receipt's transaction.
  std::vector<OutboxMessage> outbox;
  std::vector<std::string> kinds;
  for (const auto& m : *all) {
    kinds.push_back(m.kind);
    if (m.kind == "receipt") outbox.push_back(m);
  }
  EXPECT_EQ(kinds, (std::vector<std::string>{"position.created", "position.paid", "receipt"}));
  ASSERT_EQ(outbox.size(), 1u);
  const OutboxMessage& m = outbox.front();
  EXPECT_EQ(m.entity_id, a);
  EXPECT_EQ(m.kind, "receipt");
  EXPECT_EQ(m.reference, "TOKEN-1");
  EXPECT_EQ(m.created_at, r.received_at);
  EXPECT_FALSE(m.delivered_at.has_value());
  EXPECT_EQ(m.attempts, 0);
  auto payload = json::Parse(m.payload);
  ASSERT_TRUE(payload.ok()) << m.payload;
  EXPECT_EQ(payload->String("receiptId"), "TOKEN-1");
  EXPECT_EQ(payload->String("noticeNumber"), "301000000000000100");
  EXPECT_EQ(payload->Int("amount"), 10000);
  EXPECT_EQ(payload->String("kind"), "NORMAL");
  EXPECT_EQ(payload->String("iupd"), p.iupd);
  EXPECT_EQ(payload->String("positionStatus"), "PAID");
  EXPECT_EQ(payload->String("paymentDateTime"), "2026-11-26T09:59:00Z");
  EXPECT_EQ(m.payload.find("RSSMRA80A01H501U"), std::string::npos) << "no personal data";
  EXPECT_EQ(m.payload.find("Mario"), std::string::npos) << "no personal data";
}

TEST_P(StoreTest, RecordReceiptTwiceChangesNothingTheSecondTime) {
  std::int64_t a = NewEntity(1);
  DebtPosition p = StoreSinglePosition(store(), a);
  StoredReceipt r = Classified(MakeReceipt("TOKEN-1"), p.options[0].id);
  ASSERT_TRUE(store().RecordReceipt(a, r, PayAll(p, p.version), true).ok());
  StoredReceipt again = r;
  again.receipt.amount = 1;
  again.kind = "ALREADY_PAID";
  // Even with an update that would apply (the version is current), a duplicate stops first.
  auto second = store().RecordReceipt(a, again, PayAll(p, p.version + 1), true);
  ASSERT_TRUE(second.ok()) << second.error().ToText();
  EXPECT_TRUE(second->duplicate);
  EXPECT_EQ(second->receipt_row, 0);
  auto pos = store().GetPosition(a, p.iupd);
  ASSERT_TRUE(pos.ok() && pos->has_value());
  EXPECT_EQ((*pos)->version, p.version + 1);
  EXPECT_EQ(CountRows("receipt"), 1);
  EXPECT_EQ(CountOutbox("receipt"), 1);
  EXPECT_EQ(CountOutbox("position.paid"), 1);
  auto got = store().GetReceipt(a, "TOKEN-1");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->amount, 10000);
}

TEST_P(StoreTest, RecordReceiptWithAStaleVersionStoresNothing) {
  std::int64_t a = NewEntity(1);
  DebtPosition p = StoreSinglePosition(store(), a);
  StoredReceipt r = Classified(MakeReceipt("TOKEN-1"), p.options[0].id);
  auto stale = store().RecordReceipt(a, r, PayAll(p, p.version + 7), true);
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, ErrorCode::kConflict);
  EXPECT_EQ(stale.error().field, "version");

  PaymentUpdate gone = PayAll(p, p.version);
  gone.iupd = "NO-SUCH-IUPD";
  auto missing = store().RecordReceipt(a, r, gone, true);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  PaymentUpdate no_option = PayAll(p, p.version);
  no_option.nav = "399999999999999999";
  missing = store().RecordReceipt(a, r, no_option, true);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);

  EXPECT_EQ(CountRows("receipt"), 0) << "the receipt is rolled back with the update";
  EXPECT_EQ(CountOutbox("receipt"), 0);
  EXPECT_EQ(CountOutbox("position.paid"), 0);
  auto pos = store().GetPosition(a, p.iupd);
  ASSERT_TRUE(pos.ok() && pos->has_value());
  EXPECT_EQ((*pos)->version, p.version);
  EXPECT_EQ((*pos)->status, PositionStatus::kValid);
  EXPECT_EQ((*pos)->options[0].status, OptionStatus::kUnpaid);

  // The same receipt, recomputed against the current version, goes through.
  auto retried = store().RecordReceipt(a, r, PayAll(p, p.version), true);
  ASSERT_TRUE(retried.ok()) << retried.error().ToText();
  EXPECT_FALSE(retried->duplicate);
}

TEST_P(StoreTest, RecordReceiptWithoutUpdateOrNotification) {
  std::int64_t a = NewEntity(1);
  StoredReceipt unknown = Classified(MakeReceipt("TOKEN-U"), std::nullopt);
  unknown.kind = "UNKNOWN_NOTICE";
  auto stored = store().RecordReceipt(a, unknown, std::nullopt, true);
  ASSERT_TRUE(stored.ok()) << stored.error().ToText();
  StoredReceipt ko = Classified(MakeReceipt("TOKEN-KO"), std::nullopt);
  ko.receipt.outcome = "KO";
  ASSERT_TRUE(store().RecordReceipt(a, ko, std::nullopt, false).ok());
  auto outbox = store().ListOutbox(a, 10);
  ASSERT_TRUE(outbox.ok());
  ASSERT_EQ(outbox->size(), 1u);
  EXPECT_EQ(outbox->front().reference, "TOKEN-U");
  auto payload = json::Parse(outbox->front().payload);
  ASSERT_TRUE(payload.ok());
  const json::Value* iupd = payload->Find("iupd");
  ASSERT_NE(iupd, nullptr);
  EXPECT_EQ(iupd->kind, json::Value::Kind::kNull);
  auto receipts = store().ListReceipts(a, {});
  ASSERT_TRUE(receipts.ok());
  ASSERT_EQ(receipts->size(), 2u);
  for (const StoredReceipt& s : *receipts) EXPECT_FALSE(s.option_id.has_value());
}

TEST_P(StoreTest, PartialPaymentLeavesThePositionPaymentDateEmpty) {
  std::int64_t a = NewEntity(1);
  DebtPosition p = MakePosition(1, 2);
  for (auto& o : p.options) o.is_partial_payment = true;
  auto stored = store().InsertPosition(a, p);
  ASSERT_TRUE(stored.ok());
  PaymentUpdate u = PayAll(*stored, 1);
  u.position_status = PositionStatus::kPartiallyPaid;
  u.nav = stored->options[1].nav;
  ASSERT_TRUE(store().RecordReceipt(a, Classified(MakeReceipt("T1"), std::nullopt), u, true).ok());
  auto pos = store().GetPosition(a, p.iupd);
  ASSERT_TRUE(pos.ok() && pos->has_value());
  EXPECT_EQ((*pos)->status, PositionStatus::kPartiallyPaid);
  EXPECT_FALSE((*pos)->payment_date.has_value());
  EXPECT_EQ((*pos)->options[0].status, OptionStatus::kUnpaid);
  EXPECT_EQ((*pos)->options[1].status, OptionStatus::kPaid);
  EXPECT_EQ((*pos)->options[1].payment_date, u.payment_date);
}

TEST_P(StoreTest, ReceiptsAndOutboxAreListedPerEntityWithFilters) {
  std::int64_t a = NewEntity(1);
  std::int64_t b = NewEntity(2);
  for (int i = 0; i < 4; ++i) {
    StoredReceipt r = Classified(MakeReceipt(fmt::format("T{}", i)), std::nullopt);
    r.receipt.received_at += std::chrono::seconds(i);
    r.receipt.notice_number = i % 2 ? "302000000000000001" : "301000000000000100";
    r.kind = i == 3 ? "SECONDARY" : "UNKNOWN_NOTICE";
    ASSERT_TRUE(store().RecordReceipt(a, r, std::nullopt, true).ok());
  }
  // The same receipt_id for another entity is another receipt (a broadcast copy).
  ASSERT_TRUE(store()
                  .RecordReceipt(b, Classified(MakeReceipt("T0"), std::nullopt), std::nullopt, true)
                  .ok());
  auto ids = [](const Result<std::vector<StoredReceipt>>& r) {
    std::vector<std::string> out;
    if (r.ok()) {
      for (const auto& s : *r) out.push_back(s.receipt.receipt_id);
    }
    return out;
  };
  EXPECT_EQ(ids(store().ListReceipts(a, {})), (std::vector<std::string>{"T3", "T2", "T1", "T0"}));
  ReceiptFilter f;
  f.notice_number = "302000000000000001";
  EXPECT_EQ(ids(store().ListReceipts(a, f)), (std::vector<std::string>{"T3", "T1"}));
  f.kind = "SECONDARY";
  EXPECT_EQ(ids(store().ListReceipts(a, f)), (std::vector<std::string>{"T3"}));
  f = {};
  f.limit = 2;
  f.offset = 1;
  EXPECT_EQ(ids(store().ListReceipts(a, f)), (std::vector<std::string>{"T2", "T1"}));
  EXPECT_EQ(ids(store().ListReceipts(b, {})), (std::vector<std::string>{"T0"}));
  f = {};
  f.limit = 0;
  auto bad = store().ListReceipts(a, f);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "limit");

  auto outbox_a = store().ListOutbox(a, 3);
  ASSERT_TRUE(outbox_a.ok());
  ASSERT_EQ(outbox_a->size(), 3u);
  EXPECT_EQ((*outbox_a)[0].reference, "T0");
  EXPECT_EQ((*outbox_a)[2].reference, "T2");
  auto outbox_b = store().ListOutbox(b, 10);
  ASSERT_TRUE(outbox_b.ok());
  ASSERT_EQ(outbox_b->size(), 1u);
  EXPECT_EQ(outbox_b->front().entity_id, b);
  EXPECT_FALSE(store().ListOutbox(a, 0).ok());
}

TEST_P(StoreTest, SixteenThreadsRecordingOneReceiptStoreItOnce) {
  std::int64_t a = NewEntity(1);
  DebtPosition p = StoreSinglePosition(store(), a);
  StoredReceipt r = Classified(MakeReceipt("TOKEN-RACE"), p.options[0].id);
  constexpr int kThreads = 16;
  std::vector<std::string> results(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      // Every thread read version 1 before anyone wrote.
      auto outcome = store().RecordReceipt(a, r, PayAll(p, p.version), true);
      if (!outcome.ok()) {
        results[t] = outcome.error().ToText() + " | " + outcome.error().detail;
      } else {
        results[t] = outcome->duplicate ? "duplicate" : "stored";
      }
    });
  }
  for (auto& th : threads) th.join();
  std::map<std::string, int> counts;
  for (const auto& res : results) ++counts[res];
  EXPECT_EQ(counts["stored"], 1);
  EXPECT_EQ(counts["duplicate"], kThreads - 1);
  EXPECT_EQ(CountRows("receipt"), 1);
  EXPECT_EQ(CountOutbox("receipt"), 1);
  EXPECT_EQ(CountOutbox("position.paid"), 1);
  auto pos = store().GetPosition(a, p.iupd);
  ASSERT_TRUE(pos.ok() && pos->has_value());
  EXPECT_EQ((*pos)->version, p.version + 1);
}

// ---- Hostile input -------------------------------------------------------------------------

TEST_P(StoreTest, HostileTextIsStoredAndReturnedVerbatim) {
  const std::vector<std::string> nasty = {
      "'; DROP TABLE entity; --",
      "O'Brien \"the\" `quoted` \\ backslash $1 ?1 :name @x %s {{ID}}",
      "Città àèìòù € 日本語 🙂 \xd7\x90 \n\t\r end",
      "",
  };
  std::int64_t a = NewEntity(1);
  int n = 10;
  for (const std::string& s : nasty) {
    Entity e = MakeEntity(n++);
    e.name = s;
    e.address = s + s;
    auto created = store().CreateEntity(e);
    ASSERT_TRUE(created.ok()) << created.error().detail;
    auto got = store().FindEntityById(created->id);
    ASSERT_TRUE(got.ok() && got->has_value());
    EXPECT_EQ((*got)->name, s);
    EXPECT_EQ((*got)->address, s + s);
    auto none = store().FindEntityBySlug(s);
    ASSERT_TRUE(none.ok());
    EXPECT_FALSE(none->has_value());

    DebtPosition p = MakePosition(n);
    p.iupd = "X" + s;
    p.debtor.full_name = s;
    p.options[0].description = s;
    p.options[0].metadata = {{s, s}};
    p.options[0].transfers[0].remittance_information = s;
    ASSERT_TRUE(store().InsertPosition(a, p).ok());
    auto pos = store().GetPosition(a, p.iupd);
    ASSERT_TRUE(pos.ok() && pos->has_value());
    EXPECT_EQ((*pos)->debtor.full_name, s);
    EXPECT_EQ((*pos)->options[0].description, s);
    ASSERT_EQ((*pos)->options[0].metadata.size(), 1u);
    EXPECT_EQ((*pos)->options[0].metadata[0].key, s);
    EXPECT_EQ((*pos)->options[0].metadata[0].value, s);
    EXPECT_EQ((*pos)->options[0].transfers[0].remittance_information, s);

    Receipt r = MakeReceipt("R" + s);
    r.original_xml = s;
    r.debtor.full_name = s;
    ASSERT_TRUE(store().InsertReceipt(a, r).ok());
    auto rt = store().GetReceipt(a, "R" + s);
    ASSERT_TRUE(rt.ok() && rt->has_value());
    EXPECT_EQ((*rt)->original_xml, s);
    EXPECT_EQ((*rt)->debtor.full_name, s);
  }
  auto all = store().ListEntities();
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 1 + nasty.size());

  Entity nul = MakeEntity(99);
  nul.name = std::string("a\0b", 3);
  auto rejected = store().CreateEntity(nul);
  ASSERT_FALSE(rejected.ok());
  EXPECT_EQ(rejected.error().code, ErrorCode::kInvalidArgument);
}

// ---- Connection layer ----------------------------------------------------------------------

TEST_P(StoreTest, DbTransactionsCommitOrRollBackAsAWhole) {
  auto db = RawDb();
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->Execute("INSERT INTO station (id, description, active) VALUES ($1, $2, $3)",
                          {std::string("S1"), std::string("one"), std::int64_t{1}})
                  .ok());
  Status failed = db->InTransaction(TxMode::kWrite, [](Transaction& tx) -> Status {
    INCASSO_TRY(tx.Execute("INSERT INTO station (id, description, active) VALUES ($1, 'x', 1)",
                           {std::string("S2")}));
    return tx.Execute("INSERT INTO station (id, description, active) VALUES ($1, 'y', 1)",
                      {std::string("S1")})
                   .ok()
               ? Ok()
               : Status(Conflict("id", "taken"));
  });
  ASSERT_FALSE(failed.ok());
  {
    auto tx = db->Begin(TxMode::kWrite);
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE(
        tx->Execute("INSERT INTO station (id, description, active) VALUES ('S3', 'z', 1)").ok());
    // Destroyed without Commit: rolled back.
  }
  auto rows = db->Query("SELECT id FROM station ORDER BY id");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].Text(0), "S1");

  auto dup = db->Execute("INSERT INTO station (id, description, active) VALUES ($1, 'x', 1)",
                         {std::string("S1")});
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, ErrorCode::kConflict);
  EXPECT_EQ(UniqueKeyOf(dup.error()), "station(id)");

  auto syntax = db->Query("SELEKT 1");
  ASSERT_FALSE(syntax.ok());
  EXPECT_EQ(syntax.error().code, ErrorCode::kInternal);
  EXPECT_FALSE(syntax.error().detail.empty());

  auto typed = db->Query("SELECT NULL, 42, 'x'");
  ASSERT_TRUE(typed.ok());
  EXPECT_TRUE((*typed)[0].IsNull(0));
  EXPECT_FALSE((*typed)[0].OptInt(0).has_value());
  EXPECT_EQ((*typed)[0].Int(1), 42);
  EXPECT_EQ((*typed)[0].Text(2), "x");
}

TEST_P(StoreTest, PostgresReconnectsAfterTheServerDropsAnIdleConnection) {
  if (GetParam() != Backend::kPostgres) GTEST_SKIP() << "PostgreSQL only";
  StoreOptions one = db_->options();
  one.pool_size = 1;
  auto db = OpenDb(one);
  ASSERT_TRUE(db.ok());
  auto pid = (*db)->Query("SELECT pg_backend_pid()");
  ASSERT_TRUE(pid.ok());
  std::int64_t backend = (*pid)[0].Int(0);
  auto admin = RawDb();
  auto killed = admin->Query("SELECT pg_terminate_backend($1)", {backend});
  ASSERT_TRUE(killed.ok()) << killed.error().detail;
  // Wait (bounded) until the backend process is gone, so its socket is closed.
  for (int i = 0; i < 500; ++i) {
    auto alive = admin->Query("SELECT 1 FROM pg_stat_activity WHERE pid = $1", {backend});
    ASSERT_TRUE(alive.ok());
    if (alive->empty()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  auto tx = (*db)->Begin(TxMode::kRead);
  ASSERT_TRUE(tx.ok()) << tx.error().ToText() << " | " << tx.error().detail;
  tx->Rollback();
  auto after = (*db)->Query("SELECT pg_backend_pid()");
  ASSERT_TRUE(after.ok()) << after.error().detail;
  EXPECT_NE((*after)[0].Int(0), backend);
}

// ---- Bad URLs ------------------------------------------------------------------------------

TEST(OpenStore, BadUrlsGiveClearErrors) {
  auto expect = [](std::string url, ErrorCode code, std::string_view needle) {
    auto s = OpenStore(StoreOptions{url});
    ASSERT_FALSE(s.ok()) << url;
    EXPECT_EQ(s.error().code, code) << url << ": " << s.error().ToText();
    EXPECT_EQ(s.error().field, "database.url") << url;
    EXPECT_NE(s.error().ToText().find(needle), std::string::npos) << s.error().ToText();
    EXPECT_EQ(s.error().ToText().find("s3cret"), std::string::npos) << s.error().ToText();
    EXPECT_EQ(s.error().detail.find("s3cret"), std::string::npos) << s.error().detail;
  };
  expect("mysql://x", ErrorCode::kInvalidArgument, "unknown scheme 'mysql'");
  expect("sqlite:", ErrorCode::kInvalidArgument, "empty path");
  expect("", ErrorCode::kInvalidArgument, "empty");
  expect("incasso.db", ErrorCode::kInvalidArgument, "no scheme");
  expect("sqlite:/nonexistent-dir-for-incasso/x.db", ErrorCode::kUnavailable, "nonexistent");
  expect("postgresql://127.0.0.1:1/x", ErrorCode::kUnavailable, "cannot connect to PostgreSQL");
  expect("postgres://incasso:s3cret@127.0.0.1:1/x", ErrorCode::kUnavailable, "127.0.0.1");
  expect("postgresql://incasso:s3cret@127.0.0.1:1/x?bogus=1", ErrorCode::kInvalidArgument,
         "not a valid PostgreSQL URL");
  auto migrate = MigrateStore(StoreOptions{"mysql://x"});
  ASSERT_FALSE(migrate.ok());
  EXPECT_EQ(migrate.error().field, "database.url");
  auto pool = OpenStore(StoreOptions{"sqlite:x.db", 0});
  ASSERT_FALSE(pool.ok());
  EXPECT_EQ(pool.error().field, "database.pool_size");
}

}  // namespace
}  // namespace incasso::storage
