// /api/v1 notice batches (app/notice_batches.hpp): many payment notices as one ZIP of PDFs or one
// merged PDF, rendered in the background. Authenticated like every /api/v1 route (401 without a
// valid key, 403 with another institution's key; another institution's batch id is 404):
//   POST .../notice-batches  {"format": "zip"|"pdf", "status", "dueFrom", "dueTo",
//                             "noticeNumbers": [...], "lang"}         -> 202 with the batch
//   GET  .../notice-batches/{batchId}                                 -> status and progress
//   GET  .../notice-batches/{batchId}/download                        -> the file once succeeded
// Batches live in memory and their files in `work_dir`: a restart forgets them. Returns the
// runner, already started: keep it alive while the router serves. `ctx` must outlive both.
#pragma once

#include <filesystem>
#include <memory>

#include "app/context.hpp"
#include "app/notice_batches.hpp"
#include "http/router.hpp"

namespace incasso {

std::unique_ptr<NoticeBatchRunner> AddNoticeBatchRoutes(
    http::Router& router, AppContext& ctx, std::shared_ptr<const DocumentRenderer> renderer,
    std::filesystem::path work_dir = std::filesystem::temp_directory_path() /
                                     "incasso-notice-batches");

}  // namespace incasso
