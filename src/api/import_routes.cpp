#include "api/import_routes.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <fstream>
#include <set>
#include <sstream>

#include "api/gpd_json.hpp"
#include "api/v1_auth.hpp"
#include "api/v1_routes.hpp"
#include "core/time.hpp"
#include "import/source.hpp"
#include "log/log.hpp"

namespace incasso {
namespace {

namespace json = boost::json;

constexpr int kDefaultJobsPerPage = 20;
constexpr int kMaxJobsPerPage = 100;  // as the other /api/v1 lists

json::object JobJson(const ImportJob& j) {
  json::object o;
  o["id"] = std::to_string(j.id);
  o["status"] = j.status;
  o["format"] = j.format;
  o["mode"] = j.mode;
  o["dryRun"] = j.dry_run;
  o["bytesTotal"] = j.bytes_total;
  o["bytesDone"] = j.bytes_done;
  // Whole per cent (0..100): an integer reads the same in every JSON library (a double would be
  // written as 5E-1).
  o["progress"] = j.bytes_total > 0
                      ? std::min<std::int64_t>(100, j.bytes_done * 100 / j.bytes_total)
                      : (j.finished_at ? 100 : 0);
  o["rowsDone"] = j.rows;
  o["rowsFailed"] = j.rejected;
  o["created"] = j.created;
  o["updated"] = j.updated;
  o["unchanged"] = j.unchanged;
  o["committed"] = j.committed;
  if (!j.error.empty()) {
    o["error"] = j.error;
  } else {
    o["error"] = nullptr;
  }
  o["createdAt"] = FormatDateTime(j.created_at);
  if (j.finished_at) {
    o["finishedAt"] = FormatDateTime(*j.finished_at);
  } else {
    o["finishedAt"] = nullptr;
  }
  return o;
}

std::string JobPath(const Entity& e, std::int64_t id) {
  return fmt::format("/api/v1/organizations/{}/imports/{}", e.fiscal_code, id);
}

// The job id of the path, nullopt when it is not one (answered 404, like an unknown id).
std::optional<std::int64_t> JobId(const http::Request& req) {
  auto it = req.path_params.find("importId");
  if (it == req.path_params.end() || it->second.empty() || it->second.size() > 18) return {};
  if (!std::all_of(it->second.begin(), it->second.end(),
                   [](char c) { return c >= '0' && c <= '9'; })) {
    return {};
  }
  return std::stoll(it->second);
}

Result<ImportJob> FindJob(ImportJobRunner& runner, const http::Request& req, const Entity& e) {
  auto id = JobId(req);
  if (!id) return NotFound("import job not found");
  auto job = runner.Get(e.id, *id);
  if (!job.ok()) return job.error();
  if (!*job) return NotFound("import job not found");
  return **job;
}

Result<http::Response> Create(ImportJobRunner& runner, const http::Request& req,
                              const Entity& entity, const Caller& caller) {
  std::vector<FieldError> errors;
  ImportJobRequest r;
  static const std::set<std::string> kKnown = {"mode", "dryRun", "format"};
  for (const auto& [name, value] : req.query) {
    if (!kKnown.count(name)) errors.push_back({name.substr(0, 64), "unknown parameter"});
  }
  if (auto it = req.query.find("mode"); it != req.query.end()) {
    auto mode = ParseImportMode(it->second);
    if (mode.ok()) {
      r.mode = *mode;
    } else {
      errors.push_back({"mode", "must be all-or-nothing or valid-rows"});
    }
  }
  if (auto it = req.query.find("dryRun"); it != req.query.end()) {
    if (it->second == "true" || it->second == "false") {
      r.dry_run = it->second == "true";
    } else {
      errors.push_back({"dryRun", "must be true or false"});
    }
  }
  if (auto it = req.query.find("format"); it != req.query.end()) {
    const auto names = import::FormatNames();
    if (std::find(names.begin(), names.end(), it->second) != names.end()) {
      r.format = it->second;
    } else {
      std::string list;
      for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
      errors.push_back({"format", "must be one of " + list});
    }
  }
  if (req.body.empty()) errors.push_back({"body", "the file to import is empty"});
  if (!errors.empty()) {
    return ApiProblem(ApiErrorStyle::kV1, 400,
                      errors.size() == 1 ? fmt::format("{}: {}", errors[0].field, errors[0].message)
                                         : fmt::format("{} parameters are invalid", errors.size()),
                      req, errors);
  }
  auto job = runner.Submit(entity, caller, r, req.body);
  if (!job.ok()) return job.error();
  http::Response res = http::JsonResponse(202, json::serialize(JobJson(*job)));
  res.headers.emplace_back("Location", JobPath(entity, job->id));
  return res;
}

// A paging parameter: digits only, within [min, max].
std::optional<int> PageParam(const http::Request& req, const char* name, int min, int max,
                             int fallback, std::vector<FieldError>& errors) {
  auto it = req.query.find(name);
  if (it == req.query.end() || it->second.empty()) return fallback;
  const std::string& v = it->second;
  bool ok =
      v.size() <= 9 && std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
  const long long n = ok ? std::stoll(v) : 0;
  if (!ok || n < min || n > max) {
    errors.push_back({name, fmt::format("must be a whole number from {} to {}", min, max)});
    return std::nullopt;
  }
  return static_cast<int>(n);
}

Result<http::Response> List(ImportJobRunner& runner, const http::Request& req,
                            const Entity& entity) {
  std::vector<FieldError> errors;
  for (const auto& [name, value] : req.query) {
    if (name != "limit" && name != "offset")
      errors.push_back({name.substr(0, 64), "unknown parameter"});
  }
  auto limit = PageParam(req, "limit", 1, kMaxJobsPerPage, kDefaultJobsPerPage, errors);
  auto offset = PageParam(req, "offset", 0, 100000000, 0, errors);
  if (!errors.empty()) {
    return ApiProblem(ApiErrorStyle::kV1, 400,
                      errors.size() == 1 ? fmt::format("{}: {}", errors[0].field, errors[0].message)
                                         : fmt::format("{} parameters are invalid", errors.size()),
                      req, errors);
  }
  auto jobs = runner.List(entity.id, *limit + 1, *offset);  // one more tells whether more exist
  if (!jobs.ok()) return jobs.error();
  const bool more = static_cast<int>(jobs->size()) > *limit;
  if (more) jobs->pop_back();
  json::array items;
  for (const auto& j : *jobs) items.push_back(JobJson(j));
  json::object page{{"limit", *limit}, {"offset", *offset}, {"hasMore", more}};
  return http::JsonResponse(
      200, json::serialize(json::object{{"items", std::move(items)}, {"page", std::move(page)}}));
}

}  // namespace

std::unique_ptr<ImportJobRunner> AddImportRoutes(http::Router& router, AppContext& ctx,
                                                 std::filesystem::path work_dir) {
  ImportRouteOptions options;
  options.work_dir = std::move(work_dir);
  return AddImportRoutes(router, ctx, std::move(options));
}

std::unique_ptr<ImportJobRunner> AddImportRoutes(http::Router& router, AppContext& ctx,
                                                 ImportRouteOptions options) {
  auto runner = std::make_unique<ImportJobRunner>(
      ctx, options.work_dir, [](std::string_view text) { return ParsePositionJson(text); },
      options.report_retention);
  if (auto recovered = runner->Recover(); !recovered.ok()) {
    log::LogEvent(log::Level::kWarn, "import_recovery_failed",
                  {{"error", recovered.error().ToText()}});
  } else if (recovered->jobs_failed > 0 || recovered->uploads_removed > 0 ||
             recovered->reports_removed > 0) {
    log::LogEvent(log::Level::kWarn, "import_recovered",
                  {{"jobs_failed", recovered->jobs_failed},
                   {"uploads_removed", recovered->uploads_removed},
                   {"reports_removed", recovered->reports_removed}});
  }
  runner->Start();
  ImportJobRunner* jobs = runner.get();
  const std::string org = kApiV1OrganizationPath;
  EntityRouteOptions post;
  post.idempotent = true;
  http::RouteOptions upload;
  upload.body_limit_bytes = options.upload_limit_bytes;
  upload.too_large = [](const http::Request& head, std::size_t limit) {
    return ApiProblem(ApiErrorStyle::kV1, 413,
                      fmt::format("the file exceeds the upload limit of {} bytes", limit), head,
                      {{"body", fmt::format("larger than {} bytes", limit)}});
  };
  router.Add("POST", org + "/imports",
             EntityRoute(ctx, post,
                         [jobs](const http::Request& req, const Entity& e, const Caller& c) {
                           return Create(*jobs, req, e, c);
                         }),
             upload);
  router.Add("GET", org + "/imports",
             EntityRoute(ctx, EntityRouteOptions{},
                         [jobs](const http::Request& req, const Entity& e, const Caller&) {
                           return List(*jobs, req, e);
                         }));
  router.Add("GET", org + "/imports/{importId}",
             EntityRoute(ctx, EntityRouteOptions{},
                         [jobs](const http::Request& req, const Entity& e,
                                const Caller&) -> Result<http::Response> {
                           auto job = FindJob(*jobs, req, e);
                           if (!job.ok()) return job.error();
                           return http::JsonResponse(200, json::serialize(JobJson(*job)));
                         }));
  router.Add(
      "GET", org + "/imports/{importId}/report.csv",
      EntityRoute(ctx, EntityRouteOptions{},
                  [jobs](const http::Request& req, const Entity& e,
                         const Caller&) -> Result<http::Response> {
                    auto job = FindJob(*jobs, req, e);
                    if (!job.ok()) return job.error();
                    if (job->status == "queued" || job->status == "running") {
                      return Conflict("status", "the import has not finished yet");
                    }
                    std::ifstream in(job->report_path, std::ios::binary);
                    if (!in) return NotFound("the import has no report");
                    std::ostringstream body;
                    body << in.rdbuf();
                    http::Response res;
                    res.status = 200;
                    res.content_type = "text/csv; charset=utf-8";
                    res.body = std::move(body).str();
                    res.headers.emplace_back(
                        "Content-Disposition",
                        fmt::format("attachment; filename=\"import-{}-report.csv\"", job->id));
                    res.headers.emplace_back("Cache-Control", "no-store");
                    return res;
                  }));
  return runner;
}

}  // namespace incasso
