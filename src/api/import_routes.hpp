// /api/v1 import jobs (app/import_jobs.hpp), authenticated like every /api/v1 route (401 without
// a valid key, 403 with another institution's key; another institution's job id is 404):
//   POST .../imports?mode=all-or-nothing|valid-rows&dryRun=true|false&format=auto|...
//        body = the file -> 202 with the job and a Location header
//   GET  .../imports?limit=1..100&offset=N  -> the jobs, newest first, paged
//   GET  .../imports/{importId}             -> the job: status, progress, counts
//   GET  .../imports/{importId}/report.csv  -> the report (row;field;message)
// The upload route has its own body limit (ImportRouteOptions::upload_limit_bytes, config
// http.upload_limit_bytes) through RouteOptions, so the server must be started with
// ServerOptions::body_limit_for = Router::BodyLimit for it to apply. The upload is held in
// memory while it arrives and is then written to a file in work_dir: memory per concurrent
// upload is bounded by that limit, not streamed. Before serving, the runner's Recover() fails
// the jobs a dead process left unfinished and cleans work_dir (logged). Returns the runner,
// already started: keep it alive while the router serves, and destroy (or Stop()) it on
// shutdown. `ctx` must outlive both.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>

#include "app/context.hpp"
#include "app/import_jobs.hpp"
#include "http/router.hpp"

namespace incasso {

struct ImportRouteOptions {
  std::filesystem::path work_dir = std::filesystem::temp_directory_path() / "incasso-imports";
  std::optional<std::size_t> upload_limit_bytes;  // nullopt = the server's default body limit
  std::chrono::hours report_retention = kImportReportRetention;
};

std::unique_ptr<ImportJobRunner> AddImportRoutes(http::Router& router, AppContext& ctx,
                                                 ImportRouteOptions options);
std::unique_ptr<ImportJobRunner> AddImportRoutes(
    http::Router& router, AppContext& ctx,
    std::filesystem::path work_dir = std::filesystem::temp_directory_path() / "incasso-imports");

}  // namespace incasso
