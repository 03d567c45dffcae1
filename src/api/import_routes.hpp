// /api/v1 import jobs (app/import_jobs.hpp), authenticated like every /api/v1 route (401 without
// a valid key, 403 with another institution's key; another institution's job id is 404):
//   POST .../imports?mode=all-or-nothing|valid-rows&dryRun=true|false&format=auto|...
//        body = the file -> 202 with the job and a Location header
//   GET  .../imports/{importId}             -> the job: status, progress, counts
//   GET  .../imports/{importId}/report.csv  -> the report (row;field;message)
// The upload is bounded by the server's body limit, config http.body_limit_bytes (413 beyond
// it; raise it for large files). Returns the runner, already started: keep it alive while the
// router serves, and destroy (or Stop()) it on shutdown. `ctx` must outlive both.
#pragma once

#include <filesystem>
#include <memory>

#include "app/context.hpp"
#include "app/import_jobs.hpp"
#include "http/router.hpp"

namespace incasso {

std::unique_ptr<ImportJobRunner> AddImportRoutes(
    http::Router& router, AppContext& ctx,
    std::filesystem::path work_dir = std::filesystem::temp_directory_path() / "incasso-imports");

}  // namespace incasso
