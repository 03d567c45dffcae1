#include "api/export_routes.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "api/v1_auth.hpp"
#include "api/v1_routes.hpp"
#include "app/exports.hpp"
#include "core/time.hpp"
#include "export/table_writers.hpp"

namespace incasso {
namespace {

std::string Query(const http::Request& req, const std::string& key) {
  auto it = req.query.find(key);
  return it == req.query.end() ? std::string() : it->second;
}

Result<std::optional<TimePoint>> Bound(const http::Request& req, const char* key, bool to) {
  const std::string v = Query(req, key);
  if (v.empty()) return std::optional<TimePoint>();
  auto t = ParseDateTime(v, key);
  if (!t.ok()) return t.error();
  if (to && v.size() == 10) return std::optional<TimePoint>(*t + std::chrono::seconds(86399));
  return std::optional<TimePoint>(*t);
}

// A private temporary file name, unique within and across processes.
std::filesystem::path TempPath(std::string_view ext) {
  static std::atomic<std::uint64_t> counter{0};
  return std::filesystem::temp_directory_path() /
         fmt::format("incasso-export-{}-{}.{}", ::getpid(), counter.fetch_add(1), ext);
}

Result<http::Response> Export(AppContext& ctx, const http::Request& req, const Entity& entity,
                              const std::string& what, exporting::ExportFormat format) {
  // A misspelt filter ("dueFrom") must not silently export everything.
  const bool csv_format = format == exporting::ExportFormat::kCsv;
  for (const auto& [name, value] : req.query) {
    const bool known = name == "status" || name == "from" || name == "to" ||
                       (csv_format && (name == "separator" || name == "bom"));
    if (!known) {
      return InvalidArgument(name.substr(0, 64),
                             csv_format ? "unknown parameter (known: status, from, to, "
                                          "separator, bom)"
                                        : "unknown parameter (known: status, from, to)");
    }
  }
  ExportQuery q;
  const std::string status = Query(req, "status");
  if (!status.empty()) {
    if (what == "receipts") {
      if (status.size() > 64) return InvalidArgument("status", "at most 64 characters");
      q.receipt_kind = status;
    } else {
      auto s = ParsePositionStatus(status);
      if (!s.ok()) return InvalidArgument("status", s.error().message);
      q.status = *s;
    }
  }
  auto from = Bound(req, "from", false);
  if (!from.ok()) return from.error();
  auto to = Bound(req, "to", true);
  if (!to.ok()) return to.error();
  q.from = *from;
  q.to = *to;
  exporting::CsvOptions csv;
  const std::string sep = Query(req, "separator");
  if (sep == ",") {
    csv.separator = ',';
  } else if (!sep.empty() && sep != ";") {
    return InvalidArgument("separator", "must be ; or ,");
  }
  const std::string bom = Query(req, "bom");
  if (bom == "false") {
    csv.bom = false;
  } else if (!bom.empty() && bom != "true") {
    return InvalidArgument("bom", "must be true or false");
  }

  const std::string ext = format == exporting::ExportFormat::kCsv ? "csv" : "xlsx";
  const std::filesystem::path path = TempPath(ext);
  auto rows = exporting::ExportToFile(ctx, what, entity.fiscal_code, q, format, path.string(), csv);
  if (!rows.ok()) return rows.error();
  http::Response res;
  {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream body;
    body << in.rdbuf();
    res.body = std::move(body).str();
  }
  std::error_code ignored;
  std::filesystem::remove(path, ignored);
  res.status = 200;
  res.content_type = exporting::ContentType(format);
  res.headers.emplace_back("Content-Disposition", fmt::format("attachment; filename=\"{}-{}.{}\"",
                                                              entity.fiscal_code, what, ext));
  res.headers.emplace_back("Cache-Control", "no-store");
  res.headers.emplace_back("X-Export-Rows", std::to_string(*rows));
  return res;
}

}  // namespace

void AddExportRoutes(http::Router& router, AppContext& ctx) {
  const std::string org = kApiV1OrganizationPath;
  for (const char* what : {"positions", "options", "receipts"}) {
    for (exporting::ExportFormat format :
         {exporting::ExportFormat::kCsv, exporting::ExportFormat::kXlsx}) {
      const std::string ext = format == exporting::ExportFormat::kCsv ? "csv" : "xlsx";
      EntityRouteOptions options;
      options.style = ApiErrorStyle::kV1;
      options.fiscal_code_param = "fiscalCode";
      std::string name = what;
      router.Add("GET", fmt::format("{}/exports/{}.{}", org, what, ext),
                 EntityRoute(ctx, options,
                             [&ctx, name, format](const http::Request& req, const Entity& entity,
                                                  const Caller&) {
                               return Export(ctx, req, entity, name, format);
                             }));
    }
  }
}

}  // namespace incasso
