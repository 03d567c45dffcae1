// /api/v1 import jobs (src/api/import_routes.cpp, src/app/import_jobs.cpp) over a real database
// (SQLite and PostgreSQL), through the Router in memory with the real background worker. Every
// response is checked against openapi/incasso-v1.json.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "api/import_routes.hpp"
#include "app/api_keys.hpp"
#include "app/entities.hpp"
#include "app/imports.hpp"
#include "core/time.hpp"
#include "http/client.hpp"
#include "http/server.hpp"
#include "tests/support/api_client.hpp"
#include "tests/support/databases.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/openapi_check.hpp"

namespace incasso {
namespace {

namespace json = boost::json;

const TimePoint kNow = *ParseDateTime("2026-11-26T10:00:00Z");
constexpr const char* kCfA = "00123456782";
constexpr const char* kCfB = "80012345676";
const std::string kData = INCASSO_SOURCE_DIR "/tests/data/import";

const testing::OpenApiSpec& Spec() {
  static const testing::OpenApiSpec spec(INCASSO_V1_OPENAPI);
  return spec;
}

class ImportApiTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    store_ = testing::OpenFreshStore(GetParam(), tmp_.path());
    if (!store_) GTEST_SKIP() << "set INCASSO_TEST_POSTGRES_URL to run on PostgreSQL";
    ctx_.emplace(AppContext{*store_, clock_});
    entity_a_ = testing::AddTestEntity(*ctx_, testing::TestEntity(kCfA, "comune", "01"));
    entity_b_ = testing::AddTestEntity(*ctx_, testing::TestEntity(kCfB, "universita", "02"));
    key_a_ = testing::NewApiKey(*ctx_, kCfA);
    key_b_ = testing::NewApiKey(*ctx_, kCfB);
    runner_ = AddImportRoutes(router_, *ctx_, tmp_.path() / "imports");
    api_.check_requests = false;  // the checker reads request bodies as JSON; these are CSV
  }
  void TearDown() override {
    if (runner_) runner_->Stop();
  }

  static std::string Org(const std::string& cf = kCfA) { return "/api/v1/organizations/" + cf; }

  // Sends a CSV body; the response is checked against the OpenAPI file.
  http::Response Send(const std::string& method, const std::string& target, const std::string& key,
                      std::string body = {}) {
    return api_.Send(method, target, key, std::move(body), {{"content-type", "text/csv"}});
  }

  // Uploads and waits for the job's end; returns the final job document.
  json::object Import(const std::string& file, const std::string& query = "") {
    auto r = Send("POST", Org() + "/imports" + query, key_a_, testing::ReadFile(kData + file));
    EXPECT_EQ(r.status, 202) << r.body;
    if (r.status != 202) return {};
    json::object job = json::parse(r.body).as_object();
    EXPECT_EQ(testing::Header(r, "Location"),
              Org() + "/imports/" + std::string(job.at("id").as_string()));
    const std::string id(job.at("id").as_string());
    for (int i = 0; i < 1000; ++i) {
      auto g = Send("GET", Org() + "/imports/" + id, key_a_);
      EXPECT_EQ(g.status, 200);
      job = json::parse(g.body).as_object();
      const auto& s = job.at("status").as_string();
      if (s == "succeeded" || s == "failed") return job;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ADD_FAILURE() << "the import did not finish";
    return job;
  }

  int ImportCompletedMessages() {
    auto out = store_->ListOutbox(entity_a_.id, 1000);
    EXPECT_TRUE(out.ok());
    int n = 0;
    if (out.ok()) {
      for (const auto& m : *out) {
        if (m.kind == "import.completed") {
          ++n;
          last_payload_ = m.payload;
        }
      }
    }
    return n;
  }

  testing::TempDir tmp_;
  FakeClock clock_{kNow};
  std::unique_ptr<Store> store_;
  std::optional<AppContext> ctx_;
  Entity entity_a_, entity_b_;
  std::string key_a_, key_b_;
  http::Router router_;
  testing::ApiClient api_{router_, Spec(), "/api/v1"};
  std::unique_ptr<ImportJobRunner> runner_;
  std::string last_payload_;
};

TEST_P(ImportApiTest, UploadRunsTheImportAndQueuesImportCompleted) {
  json::object job = Import("/incasso/positions_en.csv");
  EXPECT_EQ(job.at("status"), "succeeded") << json::serialize(job);
  EXPECT_EQ(job.at("format"), "incasso-csv");
  EXPECT_EQ(job.at("created"), 3);
  EXPECT_EQ(job.at("rowsDone"), 4);
  EXPECT_EQ(job.at("rowsFailed"), 0);
  EXPECT_EQ(job.at("committed"), true);
  EXPECT_EQ(job.at("progress").as_int64(), 100);
  EXPECT_EQ(*store_->CountPositions(entity_a_.id), 3);
  EXPECT_EQ(*store_->CountPositions(entity_b_.id), 0);
  auto plan = store_->GetPosition(entity_a_.id, "TARI-2027-002");
  ASSERT_TRUE(plan.ok() && plan->has_value());
  EXPECT_EQ((*plan)->options.size(), 2U);

  ASSERT_EQ(ImportCompletedMessages(), 1);
  json::object payload = json::parse(last_payload_).as_object();
  EXPECT_EQ(payload.at("type"), "import.completed");
  EXPECT_EQ(payload.at("importId"), job.at("id"));
  EXPECT_EQ(payload.at("created"), 3);
  EXPECT_EQ(last_payload_.find("Rossi"), std::string::npos);  // no personal data
  EXPECT_EQ(last_payload_.find("RSSMRA"), std::string::npos);

  // The same file again: nothing new, still a committed import.
  json::object again = Import("/incasso/positions_en.csv");
  EXPECT_EQ(again.at("created"), 0);
  EXPECT_EQ(again.at("unchanged"), 3);
  EXPECT_EQ(*store_->CountPositions(entity_a_.id), 3);
}

TEST_P(ImportApiTest, BadRowsAreReportedAndAllOrNothingWritesNothing) {
  json::object job = Import("/incasso/positions_bad.csv");
  EXPECT_EQ(job.at("status"), "succeeded");
  EXPECT_EQ(job.at("rowsFailed"), 5);
  EXPECT_EQ(job.at("committed"), false);
  EXPECT_EQ(*store_->CountPositions(entity_a_.id), 0);
  EXPECT_EQ(ImportCompletedMessages(), 0);  // nothing committed, no event

  auto r = Send("GET", Org() + "/imports/" + std::string(job.at("id").as_string()) + "/report.csv",
                key_a_);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type.rfind("text/csv", 0), 0U);
  EXPECT_EQ(r.body.rfind("row;field;message\n", 0), 0U) << r.body;
  for (const char* line :
       {"2;debtor_fiscal_code;", "3;iban;", "4;amount;", "5;due_date;", "6;entity_fiscal_code;"}) {
    EXPECT_NE(r.body.find(line), std::string::npos) << line << "\n" << r.body;
  }

  json::object valid = Import("/incasso/positions_bad.csv", "?mode=valid-rows");
  EXPECT_EQ(valid.at("created"), 2);
  EXPECT_EQ(valid.at("mode"), "valid-rows");
  EXPECT_EQ(*store_->CountPositions(entity_a_.id), 2);
  EXPECT_EQ(ImportCompletedMessages(), 1);
}

TEST_P(ImportApiTest, DryRunWritesNothingAndQueuesNoEvent) {
  json::object job = Import("/incasso/positions_en.csv", "?dryRun=true&format=incasso-csv");
  EXPECT_EQ(job.at("status"), "succeeded");
  EXPECT_EQ(job.at("dryRun"), true);
  EXPECT_EQ(job.at("created"), 3);
  EXPECT_EQ(job.at("committed"), false);
  EXPECT_EQ(*store_->CountPositions(entity_a_.id), 0);
  EXPECT_EQ(ImportCompletedMessages(), 0);
}

TEST_P(ImportApiTest, AnUnreadableFileFailsTheJob) {
  auto r = Send("POST", Org() + "/imports", key_a_, "this is not, a known; layout\n1;2\n");
  ASSERT_EQ(r.status, 202);
  const std::string id(json::parse(r.body).at("id").as_string());
  json::object job;
  for (int i = 0; i < 500; ++i) {
    job = json::parse(Send("GET", Org() + "/imports/" + id, key_a_).body).as_object();
    if (job.at("status") == "failed" || job.at("status") == "succeeded") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(job.at("status"), "failed");
  EXPECT_FALSE(job.at("error").as_string().empty());
  EXPECT_EQ(ImportCompletedMessages(), 0);
}

TEST_P(ImportApiTest, BadParametersAre400) {
  const std::string body = testing::ReadFile(kData + "/incasso/positions_en.csv");
  for (const char* q : {"?mode=some", "?dryRun=yes", "?format=exe", "?drop=1"}) {
    auto r = Send("POST", Org() + "/imports" + q, key_a_, body);
    EXPECT_EQ(r.status, 400) << q;
  }
  EXPECT_EQ(Send("POST", Org() + "/imports", key_a_, "").status, 400);
  EXPECT_EQ(*store_->CountPositions(entity_a_.id), 0);
}

TEST_P(ImportApiTest, KeysAndOtherEntitiesJobs) {
  json::object job = Import("/incasso/positions_bad.csv");
  const std::string id(job.at("id").as_string());
  const std::string body = testing::ReadFile(kData + "/incasso/positions_en.csv");
  EXPECT_EQ(Send("POST", Org() + "/imports", "", body).status, 401);
  EXPECT_EQ(Send("POST", Org() + "/imports", key_b_, body).status, 403);
  EXPECT_EQ(Send("GET", Org() + "/imports/" + id, "").status, 401);
  EXPECT_EQ(Send("GET", Org() + "/imports/" + id, key_b_).status, 403);
  EXPECT_EQ(Send("GET", Org() + "/imports/" + id + "/report.csv", key_b_).status, 403);
  // B asks for A's job under its own organization: not found.
  EXPECT_EQ(Send("GET", Org(kCfB) + "/imports/" + id, key_b_).status, 404);
  EXPECT_EQ(Send("GET", Org(kCfB) + "/imports/" + id + "/report.csv", key_b_).status, 404);
  EXPECT_EQ(Send("GET", Org() + "/imports/999999", key_a_).status, 404);
  EXPECT_EQ(Send("GET", Org() + "/imports/1%20OR%201=1", key_a_).status, 404);
  EXPECT_EQ(*store_->CountPositions(entity_a_.id), 0);
  EXPECT_EQ(*store_->CountPositions(entity_b_.id), 0);
}

TEST_P(ImportApiTest, CliImportsQueueImportCompletedEachTime) {
  for (int i = 0; i < 2; ++i) {
    ImportCommand c;
    c.entity_fiscal_code = kCfA;
    c.path = kData + "/incasso/positions_en.csv";
    c.json_parser = [](std::string_view) -> Result<DebtPosition> { return NotFound("no json"); };
    auto out = ImportFile(*ctx_, Caller{"cli", {}}, c);
    ASSERT_TRUE(out.ok()) << out.error().ToText();
  }
  ASSERT_EQ(ImportCompletedMessages(), 2);  // same file twice: two events, no key clash
  json::object payload = json::parse(last_payload_).as_object();
  EXPECT_EQ(payload.at("fileName"), "positions_en.csv");
  EXPECT_TRUE(payload.at("importId").is_null());
  EXPECT_EQ(payload.at("unchanged"), 3);
}

TEST_P(ImportApiTest, ListIsNewestFirstPagedAndOwnOnly) {
  std::vector<std::string> ids;
  for (const char* f :
       {"/incasso/positions_en.csv", "/incasso/positions_bad.csv", "/incasso/posizioni_it.csv"}) {
    ids.emplace_back(Import(f).at("id").as_string());
  }
  auto r = Send("GET", Org() + "/imports?limit=2", key_a_);
  ASSERT_EQ(r.status, 200) << r.body;
  json::object page = json::parse(r.body).as_object();
  const auto& items = page.at("items").as_array();
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].at("id").as_string(), ids[2]);  // newest first
  EXPECT_EQ(items[1].at("id").as_string(), ids[1]);
  EXPECT_EQ(items[1].at("rowsFailed").as_int64(), 5);
  EXPECT_EQ(page.at("page").at("hasMore").as_bool(), true);
  r = Send("GET", Org() + "/imports?limit=2&offset=2", key_a_);
  ASSERT_EQ(r.status, 200) << r.body;
  page = json::parse(r.body).as_object();
  ASSERT_EQ(page.at("items").as_array().size(), 1u);
  EXPECT_EQ(page.at("items").as_array()[0].at("id").as_string(), ids[0]);
  EXPECT_EQ(page.at("page").at("hasMore").as_bool(), false);

  // B sees none of A's jobs; keys are checked; bad paging is 400 naming the parameter.
  r = Send("GET", Org(kCfB) + "/imports", key_b_);
  ASSERT_EQ(r.status, 200);
  EXPECT_TRUE(json::parse(r.body).at("items").as_array().empty());
  EXPECT_EQ(Send("GET", Org() + "/imports", "").status, 401);
  EXPECT_EQ(Send("GET", Org() + "/imports", key_b_).status, 403);
  for (const char* q : {"?limit=0", "?limit=101", "?offset=-1", "?limit=1;DROP", "?page=2"}) {
    r = Send("GET", Org() + "/imports" + q, key_a_);
    EXPECT_EQ(r.status, 400) << q;
    EXPECT_EQ(json::parse(r.body).at("errors").as_array().size(), 1u) << q << r.body;
  }
}

TEST_P(ImportApiTest, StartUpFailsJobsOfADeadProcessAndCleansItsFiles) {
  // What a killed server leaves: a running and a queued job (two entities), their upload files,
  // an old and a recent report, and a file that is not ours.
  auto job = [&](const Entity& e, const char* status) {
    ImportJob j;
    j.status = status;
    j.format = "auto";
    j.mode = "all-or-nothing";
    j.report_path = (tmp_.path() / "imports" / "x.report.csv").string();
    j.created_at = kNow;
    auto created = store_->CreateImportJob(e.id, j);
    EXPECT_TRUE(created.ok());
    return created.ok() ? created->id : 0;
  };
  const std::int64_t running = job(entity_a_, "running");
  const std::int64_t queued = job(entity_b_, "queued");
  json::object done = Import("/incasso/positions_en.csv");
  runner_->Stop();

  const auto dir = tmp_.path() / "imports";
  const auto write = [&](const std::string& name) {
    std::ofstream(dir / name) << "x";
    return dir / name;
  };
  const auto upload = write("incasso-import-999-1.upload");
  const auto old_report = write("incasso-import-999-2.report.csv");
  const auto new_report = write("incasso-import-999-3.report.csv");
  const auto other = write("notes.upload");
  std::filesystem::last_write_time(
      old_report, std::filesystem::file_time_type::clock::now() - std::chrono::hours(24 * 31));

  http::Router router;
  auto runner = AddImportRoutes(router, *ctx_, dir);  // the restarted server
  runner->Stop();

  auto a = store_->GetImportJob(entity_a_.id, running);
  ASSERT_TRUE(a.ok() && *a);
  EXPECT_EQ((*a)->status, "failed");
  EXPECT_EQ((*a)->error, std::string(kImportInterruptedError));
  EXPECT_EQ((*a)->finished_at, std::optional<TimePoint>(kNow));
  auto b = store_->GetImportJob(entity_b_.id, queued);
  ASSERT_TRUE(b.ok() && *b);
  EXPECT_EQ((*b)->status, "failed");
  auto d = store_->GetImportJob(entity_a_.id, std::stoll(std::string(done.at("id").as_string())));
  ASSERT_TRUE(d.ok() && *d);
  EXPECT_EQ((*d)->status, "succeeded");  // finished jobs are left alone
  EXPECT_TRUE((*d)->error.empty());
  // Through the API the client sees why.
  auto g = Send("GET", Org() + "/imports/" + std::to_string(running), key_a_);
  EXPECT_EQ(json::parse(g.body).at("error").as_string(), kImportInterruptedError);

  EXPECT_FALSE(std::filesystem::exists(upload));
  EXPECT_FALSE(std::filesystem::exists(old_report));
  EXPECT_TRUE(std::filesystem::exists(new_report));
  EXPECT_TRUE(std::filesystem::exists(other));
  EXPECT_TRUE(std::filesystem::exists((*d)->report_path));  // a recent job's report stays
}

TEST_P(ImportApiTest, UploadLimitIsPerRouteOverARealServer) {
  runner_->Stop();
  http::Router router;
  ImportRouteOptions options;
  options.work_dir = tmp_.path() / "imports2";
  options.upload_limit_bytes = 4096;
  auto runner = AddImportRoutes(router, *ctx_, options);
  router.Add("POST", Org() + "/echo", [](const http::Request& r) {
    return http::TextResponse(200, std::to_string(r.body.size()));
  });
  http::ServerOptions server_options;
  server_options.port = 0;
  server_options.threads = 2;
  server_options.body_limit_bytes = 1024;
  server_options.body_limit_for = [&router](std::string_view m, std::string_view p) {
    return router.BodyLimit(m, p);
  };
  server_options.body_too_large = [&router](const http::Request& head, std::size_t limit) {
    return router.BodyTooLarge(head, limit);
  };
  auto server = http::StartServer(server_options,
                                  [&router](const http::Request& r) { return router.Handle(r); });
  ASSERT_TRUE(server.ok()) << server.error().ToText();
  const std::string base = "http://127.0.0.1:" + std::to_string((*server)->port());
  auto post = [&](const std::string& path, std::string body) {
    http::ClientRequest req;
    req.method = "POST";
    req.url = base + path;
    req.headers = {{"Ocp-Apim-Subscription-Key", key_a_}, {"Content-Type", "text/csv"}};
    req.body = std::move(body);
    auto res = http::HttpCall(req);
    EXPECT_TRUE(res.ok()) << res.error().ToText();
    return res.ok() ? *res : http::ClientResponse{};
  };
  // A file over the default body limit but within the upload limit is accepted.
  std::string file = testing::ReadFile(kData + "/incasso/positions_en.csv");
  while (file.size() < 2048) file += "\r\n";
  ASSERT_LE(file.size(), 4096u);
  auto ok = post(Org() + "/imports?dryRun=true", file);
  EXPECT_EQ(ok.status, 202) << ok.body;

  // Over the upload limit: 413 in the /api/v1 shape, naming the limit, documented.
  auto big = post(Org() + "/imports", std::string(4097, 'x'));
  EXPECT_EQ(big.status, 413);
  EXPECT_EQ(big.Header("content-type"), "application/problem+json");
  EXPECT_NE(big.body.find("4096 bytes"), std::string::npos) << big.body;
  EXPECT_EQ(json::parse(big.body).at("errors").at(0).at("field").as_string(), "body");
  for (const auto& problem : Spec().CheckResponse("POST", "/organizations/{fiscalCode}/imports",
                                                  413, big.body, big.Header("content-type"))) {
    ADD_FAILURE() << problem << "\n" << big.body;
  }
  // Other routes keep the default limit.
  auto other = post(Org() + "/echo", std::string(2048, 'x'));
  EXPECT_EQ(other.status, 413);
  EXPECT_NE(other.body.find("1024 bytes"), std::string::npos) << other.body;
  EXPECT_EQ(post(Org() + "/echo", std::string(1024, 'x')).body, "1024");
  (*server)->Stop();
  (*server)->Wait();
  runner->Stop();
}

INSTANTIATE_TEST_SUITE_P(Backends, ImportApiTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace incasso
