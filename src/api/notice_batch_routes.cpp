#include "api/notice_batch_routes.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <fstream>
#include <sstream>

#include "api/v1_auth.hpp"
#include "api/v1_routes.hpp"
#include "core/time.hpp"

namespace incasso {
namespace {

namespace json = boost::json;

constexpr std::size_t kMaxBodyBytes = 512 * 1024;  // 10000 notice numbers fit

json::object BatchJson(const NoticeBatch& b) {
  json::object o;
  o["id"] = b.id;
  o["status"] = b.status;
  o["format"] = b.format == NoticeBatchFormat::kZip ? "zip" : "pdf";
  o["total"] = b.total;
  o["done"] = b.done;
  // Whole per cent (0..100), as import jobs.
  o["progress"] = b.finished_at ? std::int64_t{100}
                  : b.total > 0 ? std::min<std::int64_t>(100, b.done * 100 / b.total)
                                : std::int64_t{0};
  o["notices"] = b.notices;
  o["skipped"] = b.skipped;
  o["bytes"] = static_cast<std::int64_t>(b.bytes);
  if (b.error.empty()) {
    o["error"] = nullptr;
  } else {
    o["error"] = b.error;
  }
  o["createdAt"] = FormatDateTime(b.created_at);
  if (b.finished_at) {
    o["finishedAt"] = FormatDateTime(*b.finished_at);
  } else {
    o["finishedAt"] = nullptr;
  }
  if (b.expires_at) {
    o["expiresAt"] = FormatDateTime(*b.expires_at);
  } else {
    o["expiresAt"] = nullptr;
  }
  return o;
}

std::string BatchPath(const Entity& e, const std::string& id) {
  return fmt::format("/api/v1/organizations/{}/notice-batches/{}", e.fiscal_code, id);
}

std::optional<std::string> Text(const json::value& v) {
  if (!v.is_string()) return std::nullopt;
  return std::string(v.as_string());
}

// The request body; every problem collected in `errors`.
NoticeBatchRequest ParseRequest(const json::object& body, std::vector<FieldError>& errors) {
  NoticeBatchRequest r;
  std::optional<Date> due_from, due_to;
  for (const auto& kv : body) {
    const std::string key(kv.key());
    const json::value& v = kv.value();
    if (key == "format") {
      auto f = Text(v);
      if (f == "zip") {
        r.format = NoticeBatchFormat::kZip;
      } else if (f == "pdf") {
        r.format = NoticeBatchFormat::kPdf;
      } else {
        errors.push_back({"format", "must be zip or pdf"});
      }
    } else if (key == "status") {
      auto s = Text(v);
      auto parsed = s ? ParsePositionStatus(*s) : Result<PositionStatus>(InvalidArgument("", ""));
      if (parsed.ok()) {
        r.filter.status = *parsed;
      } else {
        errors.push_back({"status",
                          "must be a position status: PUBLISHED, VALID, PARTIALLY_PAID, "
                          "..."});
      }
    } else if (key == "dueFrom" || key == "dueTo") {
      auto s = Text(v);
      auto d = s ? ParseDate(*s, key) : Result<Date>(InvalidArgument(key, ""));
      if (!d.ok()) {
        errors.push_back({key, "must be a date YYYY-MM-DD"});
      } else {
        (key == "dueFrom" ? due_from : due_to) = *d;
      }
    } else if (key == "noticeNumbers") {
      if (!v.is_array() || v.as_array().empty()) {
        errors.push_back({"noticeNumbers", "must be a non-empty array of notice numbers"});
        continue;
      }
      if (v.as_array().size() > kNoticeBatchMaxNumbers) {
        errors.push_back(
            {"noticeNumbers", fmt::format("at most {} notice numbers", kNoticeBatchMaxNumbers)});
        continue;
      }
      std::size_t i = 0;
      for (const auto& item : v.as_array()) {
        auto n = Text(item);
        if (!n || n->size() != 18 || n->find_first_not_of("0123456789") != std::string::npos) {
          errors.push_back({fmt::format("noticeNumbers[{}]", i), "must be 18 digits"});
          if (errors.size() > 20) break;
        } else {
          r.notice_numbers.push_back(*n);
        }
        ++i;
      }
    } else if (key == "lang") {
      auto s = Text(v);
      auto lang = s ? ParseNoticeLanguage(*s) : std::nullopt;
      if (!lang) {
        errors.push_back({"lang", "must be it, de, en, fr or sl"});
      } else {
        r.options.language = *lang;
      }
    } else {
      errors.push_back({key.substr(0, 64), "unknown field"});
    }
  }
  if (due_from && due_to && *due_to < *due_from) errors.push_back({"dueTo", "is before dueFrom"});
  if (due_from) r.filter.due_from = TimePoint(*due_from);
  // Inclusive: anything due during the last day.
  if (due_to) r.filter.due_to = TimePoint(*due_to + std::chrono::days{1}) - std::chrono::seconds{1};
  if (!r.notice_numbers.empty() && (r.filter.status || due_from || due_to)) {
    errors.push_back({"noticeNumbers", "give either noticeNumbers or filters, not both"});
  }
  return r;
}

Result<http::Response> Create(NoticeBatchRunner& runner, const http::Request& req,
                              const Entity& entity) {
  if (req.body.size() > kMaxBodyBytes) {
    return InvalidArgument("body", fmt::format("at most {} bytes", kMaxBodyBytes));
  }
  json::object empty;
  const json::object* body = &empty;
  json::value parsed;
  if (!req.body.empty()) {
    boost::system::error_code ec;
    parsed = json::parse(req.body, ec);
    if (ec || !parsed.is_object()) return InvalidArgument("body", "must be a JSON object");
    body = &parsed.as_object();
  }
  std::vector<FieldError> errors;
  NoticeBatchRequest r = ParseRequest(*body, errors);
  if (!errors.empty()) {
    return ApiProblem(ApiErrorStyle::kV1, 400,
                      errors.size() == 1 ? fmt::format("{}: {}", errors[0].field, errors[0].message)
                                         : fmt::format("{} fields are invalid", errors.size()),
                      req, errors);
  }
  auto batch = runner.Submit(entity, std::move(r));
  if (!batch.ok()) return batch.error();
  http::Response res = http::JsonResponse(202, json::serialize(BatchJson(*batch)));
  res.headers.emplace_back("Location", BatchPath(entity, batch->id));
  return res;
}

Result<NoticeBatch> Find(NoticeBatchRunner& runner, const http::Request& req, const Entity& e) {
  auto it = req.path_params.find("batchId");
  if (it == req.path_params.end() || it->second.size() != 32 ||
      it->second.find_first_not_of("0123456789abcdef") != std::string::npos) {
    return NotFound("notice batch not found");
  }
  auto batch = runner.Get(e.id, it->second);
  if (!batch) return NotFound("notice batch not found");
  return *batch;
}

}  // namespace

std::unique_ptr<NoticeBatchRunner> AddNoticeBatchRoutes(
    http::Router& router, AppContext& ctx, std::shared_ptr<const DocumentRenderer> renderer,
    std::filesystem::path work_dir) {
  auto runner = std::make_unique<NoticeBatchRunner>(ctx, std::move(renderer), std::move(work_dir));
  runner->Start();
  NoticeBatchRunner* batches = runner.get();
  const std::string org = std::string(kApiV1OrganizationPath) + "/notice-batches";
  EntityRouteOptions post;
  post.idempotent = true;
  router.Add(
      "POST", org,
      EntityRoute(ctx, post, [batches](const http::Request& req, const Entity& e, const Caller&) {
        return Create(*batches, req, e);
      }));
  router.Add("GET", org + "/{batchId}",
             EntityRoute(ctx, EntityRouteOptions{},
                         [batches](const http::Request& req, const Entity& e,
                                   const Caller&) -> Result<http::Response> {
                           auto batch = Find(*batches, req, e);
                           if (!batch.ok()) return batch.error();
                           http::Response res =
                               http::JsonResponse(200, json::serialize(BatchJson(*batch)));
                           res.headers.emplace_back("Cache-Control", "no-store");
                           return res;
                         }));
  router.Add("GET", org + "/{batchId}/download",
             EntityRoute(ctx, EntityRouteOptions{},
                         [batches](const http::Request& req, const Entity& e,
                                   const Caller&) -> Result<http::Response> {
                           auto batch = Find(*batches, req, e);
                           if (!batch.ok()) return batch.error();
                           if (batch->status == "queued" || batch->status == "running") {
                             return Conflict("status", "the notice batch has not finished yet");
                           }
                           if (batch->status != "succeeded") {
                             return Conflict("status", "the notice batch failed: " + batch->error);
                           }
                           std::ifstream in(batch->file_path, std::ios::binary);
                           if (!in) return NotFound("the notice batch file is gone");
                           std::ostringstream body;
                           body << in.rdbuf();
                           const bool zip = batch->format == NoticeBatchFormat::kZip;
                           http::Response res;
                           res.status = 200;
                           res.content_type = zip ? "application/zip" : "application/pdf";
                           res.body = std::move(body).str();
                           res.headers.emplace_back(
                               "Content-Disposition",
                               fmt::format("attachment; filename=\"avvisi-{}.{}\"", batch->id,
                                           zip ? "zip" : "pdf"));
                           res.headers.emplace_back("Cache-Control", "private, no-store");
                           return res;
                         }));
  return runner;
}

}  // namespace incasso
