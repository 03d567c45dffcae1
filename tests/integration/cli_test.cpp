// The incasso binary driven as an operator would: subcommands, exit codes, messages, and what
// ends up in the database. Runs on SQLite, and on PostgreSQL when INCASSO_TEST_POSTGRES_URL is set.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <regex>

#include "tests/support/databases.hpp"
#include "tests/support/process.hpp"

namespace incasso {
namespace {

using testing::HttpGet;
using testing::ProcessResult;
using testing::RunningProcess;
using testing::RunProcess;
namespace fs = std::filesystem;

const std::string kBinary = INCASSO_BINARY;

struct Backend {
  std::string name;
};

class CliTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    dir_ = tmp_.path();
    url_ = testing::FreshDatabaseUrl(GetParam().name, dir_);
    if (url_.empty()) {
      GTEST_SKIP() << "set INCASSO_TEST_POSTGRES_URL (scripts/test.sh does) to run on PostgreSQL";
    }
  }

  ProcessResult Run(std::vector<std::string> args, const std::string& input = {}) {
    args.insert(args.begin(), kBinary);
    return RunProcess(args, {{"INCASSO_DATABASE_URL", url_}}, dir_.string(), input);
  }

  std::string WriteFile(const std::string& name, const std::string& text) {
    fs::path p = dir_ / name;
    std::ofstream(p) << text;
    return p.string();
  }

  static int Lines(const std::string& s) {
    int n = 0;
    for (char c : s) n += c == '\n';
    return n;
  }

  void AddComune() {
    auto r = Run({"entity", "add", "--fiscal-code", "00123456782", "--name", "Comune di Valdimonte",
                  "--slug", "comune-valdimonte", "--segregation-code", "01"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  testing::TempDir tmp_;
  fs::path dir_;
  std::string url_;
};

std::string PositionJson(const std::string& iupd, const std::string& transfers,
                         long amount = 15000) {
  return R"({"iupd": ")" + iupd + R"(", "type": "F", "fiscalCode": "RSSMRA85T10A562S",
    "fullName": "Mario Rossi", "companyName": "Comune di Valdimonte", "switchToExpired": false,
    "paymentOption": [{"amount": )" +
         std::to_string(amount) + R"(, "description": "TARI 2099",
      "isPartialPayment": false, "dueDate": "2099-01-31T23:59:59", "transfer": [)" +
         transfers + "]}]}";
}

std::string TransferJson(int id, long amount,
                         const std::string& iban = "IT67V0542404200000000123456") {
  return R"({"idTransfer": ")" + std::to_string(id) + R"(", "amount": )" + std::to_string(amount) +
         R"(, "remittanceInformation": "TARI", "category": "9/0201102IM/", "iban": ")" + iban +
         "\"}";
}

TEST_P(CliTest, VersionAndHelp) {
  auto r = Run({"version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("incasso 0."), std::string::npos);
  EXPECT_NE(Run({}).exit_code, 0);
  EXPECT_NE(Run({"no-such-command"}).exit_code, 0);
}

TEST_P(CliTest, MigrateIsIdempotent) {
  auto first = Run({"migrate"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.out.find("up to date"), std::string::npos);
  auto second = Run({"migrate"});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_NE(second.out.find("applied 0 migration"), std::string::npos) << second.out;
}

TEST_P(CliTest, EntityLifecycle) {
  AddComune();
  auto list = Run({"entity", "list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_EQ(Lines(list.out), 1);
  EXPECT_NE(list.out.find("\"segregationCode\":\"01\""), std::string::npos);
  auto upd = Run({"entity", "update", "--fiscal-code", "00123456782", "--city", "Valdimonte",
                  "--status", "suspended"});
  ASSERT_EQ(upd.exit_code, 0) << upd.err;
  auto show = Run({"entity", "show", "00123456782"});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  EXPECT_NE(show.out.find("\"city\":\"Valdimonte\""), std::string::npos) << show.out;
  EXPECT_NE(show.out.find("\"status\":\"suspended\""), std::string::npos);
  auto missing = Run({"entity", "show", "80012345676"});
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.err.find("80012345676"), std::string::npos);
}

TEST_P(CliTest, BadEntityInputWritesNothing) {
  struct Case {
    std::vector<std::string> args;
    std::string expect;
  };
  std::vector<Case> cases = {
      {{"--fiscal-code", "00123456781", "--name", "X", "--slug", "x-y", "--segregation-code", "01"},
       "fiscalCode"},
      {{"--fiscal-code", "00123456782", "--name", "X", "--slug", "X Y", "--segregation-code", "01"},
       "slug"},
      {{"--fiscal-code", "00123456782", "--name", "X", "--slug", "x-y", "--segregation-code", "1"},
       "segregationCode"},
      {{"--fiscal-code", "00123456782", "--name", "'); DROP TABLE entity; --", "--slug", "x-y",
        "--segregation-code", "01", "--email", "nope"},
       "email"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args = {"entity", "add"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    auto r = Run(args);
    EXPECT_NE(r.exit_code, 0) << c.expect;
    EXPECT_NE(r.err.find(c.expect), std::string::npos) << r.err;
  }
  auto list = Run({"entity", "list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_EQ(list.out, "");
  AddComune();
  auto dup = Run({"entity", "add", "--fiscal-code", "00123456782", "--name", "Altro", "--slug",
                  "altro", "--segregation-code", "02"});
  EXPECT_NE(dup.exit_code, 0);
  EXPECT_NE(dup.err.find("fiscal"), std::string::npos) << dup.err;
  auto seg = Run({"entity", "add", "--fiscal-code", "80012345676", "--name", "Altro", "--slug",
                  "altro", "--segregation-code", "01"});
  EXPECT_NE(seg.exit_code, 0);
  EXPECT_NE(seg.err.find("segregation"), std::string::npos) << seg.err;
  EXPECT_EQ(Lines(Run({"entity", "list"}).out), 1);
}

TEST_P(CliTest, PositionAddAllocatesANoticeNumber) {
  AddComune();
  auto file =
      WriteFile("p.json", PositionJson("P1", TransferJson(1, 10000) + "," + TransferJson(2, 5000)));
  auto r = Run({"position", "add", "--entity", "00123456782", "--file", file, "--publish"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.out, m, std::regex("\"nav\":\"(3\\d{17})\""))) << r.out;
  std::string nav = m[1];
  EXPECT_EQ(nav.substr(1, 2), "01");  // the entity's segregation code
  std::uint64_t first16 = std::stoull(nav.substr(0, 16));
  EXPECT_EQ(std::stoi(nav.substr(16)), static_cast<int>(first16 % 93));
  EXPECT_NE(r.out.find("\"status\":\"VALID\""), std::string::npos);
  auto show = Run({"position", "show", "--entity", "00123456782", "P1"});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  EXPECT_NE(show.out.find(nav), std::string::npos);
  auto stdin_add = Run({"position", "add", "--entity", "00123456782", "--file", "-"},
                       PositionJson("P2", TransferJson(1, 15000)));
  ASSERT_EQ(stdin_add.exit_code, 0) << stdin_add.err;
  EXPECT_EQ(stdin_add.out.find(nav), std::string::npos);  // a different number
  auto list = Run({"position", "list", "--entity", "00123456782"});
  EXPECT_EQ(Lines(list.out), 2);
  auto drafts = Run({"position", "list", "--entity", "00123456782", "--status", "DRAFT"});
  EXPECT_EQ(Lines(drafts.out), 1);
  auto dup = Run({"position", "add", "--entity", "00123456782", "--file", file});
  EXPECT_NE(dup.exit_code, 0);
  EXPECT_NE(dup.err.find("iupd"), std::string::npos) << dup.err;
}

TEST_P(CliTest, BadPositionInputWritesNothing) {
  AddComune();
  struct Case {
    std::string json;
    std::string expect;
  };
  std::vector<Case> cases = {
      {PositionJson("B1", TransferJson(1, 10000) + "," + TransferJson(2, 4000)),
       "paymentOption[0].transfer: transfers add up to 140.00 but the option amount is 150.00"},
      {PositionJson("B2", TransferJson(1, 15000, "IT67V0542404200000000123457")),
       "paymentOption[0].transfer[0].iban"},
      {PositionJson("B3", TransferJson(1, 0), 0), "paymentOption[0].amount"},
      {PositionJson("B4", TransferJson(1, 3000) + "," + TransferJson(2, 3000) + "," +
                              TransferJson(3, 3000) + "," + TransferJson(4, 3000) + "," +
                              TransferJson(5, 2000) + "," + TransferJson(5, 1000)),
       "paymentOption[0].transfer"},
      {[] {
         std::string j = PositionJson("B5", TransferJson(1, 15000));
         j.replace(j.find("RSSMRA85T10A562S"), 16, "RSSMRA85T10A562X");
         return j;
       }(),
       "fiscalCode"},
      {"{\"iupd\": \"B6\", \"type\": \"F\"", "not valid JSON"},
      {PositionJson("B7", TransferJson(1, 15000)).replace(0, 1, "{\"paymentOptions\": [], "),
       "paymentOptions: unknown field"},
  };
  for (const auto& c : cases) {
    auto file = WriteFile("bad.json", c.json);
    auto r = Run({"position", "add", "--entity", "00123456782", "--file", file});
    EXPECT_NE(r.exit_code, 0) << c.expect;
    EXPECT_NE(r.err.find(c.expect), std::string::npos)
        << "expected '" << c.expect << "' in: " << r.err;
  }
  auto other = Run({"position", "add", "--entity", "80012345676", "--file",
                    WriteFile("ok.json", PositionJson("B8", TransferJson(1, 15000)))});
  EXPECT_NE(other.exit_code, 0);
  EXPECT_NE(other.err.find("80012345676"), std::string::npos) << other.err;
  auto list = Run({"position", "list", "--entity", "00123456782"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_EQ(list.out, "");
}

TEST_P(CliTest, BadConfigurationStopsWithTheKeyNamed) {
  struct Case {
    std::string toml;
    std::string expect;
  };
  std::vector<Case> cases = {
      {"[http]\nprot = 8080\n", "http.prot"},
      {"[http]\nport = \"8080\"\n", "http.port"},
      {"[database]\nurl = \"mysql://localhost/x\"\n", "database.url"},
      {"[database]\nurl = \"postgresql://127.0.0.1:1/nothing\"\n", ""},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    auto file = WriteFile("bad" + std::to_string(i) + ".toml", cases[i].toml);
    if (!cases[i].expect.empty()) {
      // Without the test's INCASSO_DATABASE_URL: the environment would override the file.
      auto check = RunProcess({kBinary, "check-config", file}, {}, dir_.string());
      EXPECT_NE(check.exit_code, 0);
      EXPECT_NE(check.err.find(cases[i].expect), std::string::npos) << check.err;
    }
    // serve must refuse to start; the config file is given explicitly and wins over nothing
    // but the environment, so run without the test database URL.
    auto serve = RunProcess({kBinary, "--config", file, "serve"}, {}, dir_.string());
    EXPECT_NE(serve.exit_code, 0) << cases[i].toml;
    EXPECT_NE(serve.err.find("error:"), std::string::npos) << serve.err;
  }
  // The documented example configuration is itself valid.
  auto example = RunProcess(
      {kBinary, "check-config", std::string(INCASSO_SOURCE_DIR) + "/config/incasso.example.toml"});
  EXPECT_EQ(example.exit_code, 0) << example.err;
  auto good = WriteFile("good.toml", "[http]\nport = 0\n[log]\nlevel = \"warn\"\n");
  auto check = Run({"check-config", good});
  EXPECT_EQ(check.exit_code, 0) << check.err;
}

TEST_P(CliTest, ServeDemoAnswersProbesAndStopsOnSigterm) {
  if (GetParam().name != "sqlite") GTEST_SKIP() << "--demo runs on SQLite";
  RunningProcess server(
      {kBinary, "serve", "--demo"},
      {{"INCASSO_HTTP_PORT", "0"}, {"INCASSO_DATABASE_URL", url_}, {"INCASSO_LOG_LEVEL", "warn"}},
      dir_.string());
  std::string line = server.WaitForLine("listening on", std::chrono::seconds(60));
  ASSERT_FALSE(line.empty()) << server.ReadAllStderr();
  std::smatch m;
  ASSERT_TRUE(std::regex_search(line, m, std::regex(":(\\d+)/"))) << line;
  int port = std::stoi(m[1]);
  std::string health = HttpGet(port, "/healthz");
  EXPECT_NE(health.find("200 OK"), std::string::npos) << health;
  std::string ready = HttpGet(port, "/readyz");
  EXPECT_NE(ready.find("200 OK"), std::string::npos) << ready;
  EXPECT_NE(ready.find("sqlite"), std::string::npos);
  std::string home = HttpGet(port, "/");
  EXPECT_NE(home.find("Comune di Valdimonte"), std::string::npos);
  EXPECT_NE(home.find("X-Request-Id"), std::string::npos);
  // The demo prints how to pay a notice through the node simulator; doing it pays the notice.
  std::string pay_line = server.WaitForLine("pay a demo notice:", std::chrono::seconds(10));
  ASSERT_TRUE(std::regex_search(pay_line, m, std::regex("--notice (\\d{18})"))) << pay_line;
  std::string notice = m[1];
  auto pay = RunProcess({kBinary, "node-sim", "pay", "--station",
                         "http://127.0.0.1:" + std::to_string(port) + "/pagopa/paForNode", "--ec",
                         "00123456782", "--notice", notice},
                        {}, dir_.string());
  EXPECT_EQ(pay.exit_code, 0) << pay.out << pay.err;
  EXPECT_NE(pay.out.find("paSendRTV2"), std::string::npos) << pay.out;
  auto again = RunProcess({kBinary, "node-sim", "pay", "--station",
                           "http://127.0.0.1:" + std::to_string(port) + "/pagopa/paForNode", "--ec",
                           "00123456782", "--notice", notice},
                          {}, dir_.string());
  EXPECT_NE(again.exit_code, 0);
  EXPECT_NE(again.out.find("PAA_PAGAMENTO_DUPLICATO"), std::string::npos) << again.out;
  auto start = std::chrono::steady_clock::now();
  server.Signal(SIGTERM);
  int code = server.WaitExit(std::chrono::seconds(5));
  EXPECT_EQ(code, 0) << "did not stop cleanly within 5 s";
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  // The demo region is there, about 50 positions in several states.
  auto positions = Run({"position", "list", "--entity", "00123456782", "--limit", "1000"});
  ASSERT_EQ(positions.exit_code, 0) << positions.err;
  EXPECT_GE(Lines(positions.out), 15);
  for (const char* s : {"VALID", "DRAFT", "PAID", "EXPIRED", "INVALID", "PARTIALLY_PAID"}) {
    EXPECT_NE(positions.out.find(std::string("\"status\":\"") + s + "\""), std::string::npos) << s;
  }
  EXPECT_EQ(Lines(Run({"entity", "list"}).out), 3);
  // Every station call is in the event log, bodies included on request.
  auto events = Run({"events", "--notice", notice, "--bodies"});
  ASSERT_EQ(events.exit_code, 0) << events.err;
  for (const char* op : {"paVerifyPaymentNotice", "paGetPaymentV2", "paSendRTV2"}) {
    EXPECT_NE(events.out.find(std::string("\"operation\":\"") + op + "\""), std::string::npos)
        << op;
  }
  EXPECT_NE(events.out.find("\"faultCode\":\"PAA_PAGAMENTO_DUPLICATO\""), std::string::npos);
  // The receipt followed an activation moments before: a normal payment, not "not activated".
  EXPECT_NE(events.out.find("\"detail\":\"NORMAL\""), std::string::npos) << events.out;
  EXPECT_NE(events.out.find("requestBody"), std::string::npos);
  auto paid =
      Run({"position", "list", "--entity", "00123456782", "--status", "PAID", "--limit", "1000"});
  EXPECT_NE(paid.out.find(notice), std::string::npos);
}

TEST_P(CliTest, ApiKeyCreateListRevoke) {
  AddComune();
  auto created = Run({"apikey", "create", "--entity", "00123456782", "--label", "ERP \"tributi\""});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  std::smatch m;
  ASSERT_TRUE(std::regex_match(created.out, m, std::regex("(ik_[A-Za-z0-9_-]{43})\n")))
      << created.out;
  std::string key = m[1];
  EXPECT_NE(created.err.find("cannot be shown again"), std::string::npos) << created.err;
  auto second = Run({"apikey", "create", "--entity", "00123456782"});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(second.out.find(key), std::string::npos);

  auto list = Run({"apikey", "list", "--entity", "00123456782"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_EQ(Lines(list.out), 2);
  EXPECT_NE(list.out.find("\"prefix\":\"" + key.substr(0, 10) + "\""), std::string::npos)
      << list.out;
  EXPECT_NE(list.out.find("\"label\":\"ERP \\\"tributi\\\"\""), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("\"revokedAt\":null"), std::string::npos);
  EXPECT_NE(list.out.find("\"lastUsedAt\":null"), std::string::npos);
  EXPECT_EQ(list.out.find(key.substr(10)), std::string::npos) << "the key is shown only once";
  EXPECT_EQ(list.out.find("hash"), std::string::npos);
  ASSERT_TRUE(std::regex_search(list.out, m, std::regex("\\{\"id\":(\\d+),"))) << list.out;
  std::string id = m[1];

  auto revoke = Run({"apikey", "revoke", "--entity", "00123456782", "--id", id});
  ASSERT_EQ(revoke.exit_code, 0) << revoke.err;
  auto after = Run({"apikey", "list", "--entity", "00123456782"});
  EXPECT_EQ(Lines(after.out), 2);
  EXPECT_NE(after.out.find("\"revokedAt\":\"20"), std::string::npos) << after.out;
  auto missing = Run({"apikey", "revoke", "--entity", "00123456782", "--id", "999999"});
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.err.find("999999"), std::string::npos) << missing.err;

  // An unknown institution: non-zero, and the message names the fiscal code.
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"apikey", "create", "--entity", "80012345676"},
        std::vector<std::string>{"apikey", "list", "--entity", "80012345676"},
        std::vector<std::string>{"apikey", "revoke", "--entity", "80012345676", "--id", id}}) {
    auto r = Run(args);
    EXPECT_NE(r.exit_code, 0) << args[1];
    EXPECT_NE(r.err.find("80012345676"), std::string::npos) << args[1] << ": " << r.err;
    EXPECT_EQ(r.out, "") << args[1];
  }
  EXPECT_NE(Run({"apikey", "create"}).exit_code, 0);  // --entity is required
  EXPECT_NE(Run({"apikey"}).exit_code, 0);
  // The plaintext key never reaches the event log.
  auto events = Run({"events", "--entity", "00123456782", "--bodies"});
  ASSERT_EQ(events.exit_code, 0) << events.err;
  EXPECT_NE(events.out.find("apikey.create"), std::string::npos) << events.out;
  EXPECT_NE(events.out.find("apikey.revoke"), std::string::npos) << events.out;
  EXPECT_EQ(events.out.find(key.substr(10)), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, CliTest,
                         ::testing::Values(Backend{"sqlite"}, Backend{"postgresql"}),
                         [](const auto& param_info) { return param_info.param.name; });

}  // namespace
}  // namespace incasso
