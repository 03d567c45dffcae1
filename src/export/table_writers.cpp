#include "export/table_writers.hpp"

#include <fmt/format.h>
#include <xlsxwriter.h>

#include <cctype>
#include <cstdio>

#include "core/money.hpp"

namespace incasso::exporting {
namespace {

bool NeedsInjectionGuard(std::string_view text) {
  if (text.empty()) return false;
  const char c = text.front();
  return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

class CsvSink final : public TableSink {
 public:
  CsvSink(ByteSink& out, CsvOptions o) : out_(out), options_(o) {}

  Status Begin(const std::vector<ExportColumn>& columns) override {
    columns_ = columns;
    line_.clear();
    if (options_.bom) line_ = "\xEF\xBB\xBF";
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (i > 0) line_ += options_.separator;
      line_ += CsvField(columns[i].name, options_.separator);
    }
    line_ += "\r\n";
    return out_.Write(line_);
  }

  Status Row(const std::vector<ExportCell>& cells) override {
    line_.clear();
    for (std::size_t i = 0; i < cells.size(); ++i) {
      if (i > 0) line_ += options_.separator;
      const ExportCell& c = cells[i];
      if (c.empty) continue;
      const ExportKind kind = i < columns_.size() ? columns_[i].kind : ExportKind::kText;
      switch (kind) {
        case ExportKind::kMoney:
          line_ += FormatAmount(c.number);
          break;
        case ExportKind::kInteger:
          line_ += std::to_string(c.number);
          break;
        default:
          line_ += CsvField(c.text, options_.separator);
      }
    }
    line_ += "\r\n";
    return out_.Write(line_);
  }

  Status Finish() override { return Ok(); }

 private:
  ByteSink& out_;
  CsvOptions options_;
  std::vector<ExportColumn> columns_;
  std::string line_;
};

class XlsxSink final : public TableSink {
 public:
  XlsxSink(std::string path, std::string sheet)
      : path_(std::move(path)), sheet_(std::move(sheet)) {}
  ~XlsxSink() override {
    if (workbook_ != nullptr) workbook_close(workbook_);  // abandoned: the caller removes the file
  }

  Status Begin(const std::vector<ExportColumn>& columns) override {
    lxw_workbook_options options{};
    options.constant_memory = LXW_TRUE;
    options.tmpdir = nullptr;
    workbook_ = workbook_new_opt(path_.c_str(), &options);
    if (workbook_ == nullptr) {
      return Internal("cannot create the spreadsheet", fmt::format("workbook_new_opt {}", path_));
    }
    sheet_ptr_ = workbook_add_worksheet(workbook_, sheet_.c_str());
    header_ = workbook_add_format(workbook_);
    format_set_bold(header_);
    money_ = workbook_add_format(workbook_);
    format_set_num_format(money_, "#,##0.00 \xE2\x82\xAC");
    columns_ = columns;
    for (std::size_t i = 0; i < columns.size(); ++i) {
      INCASSO_TRY(Check(worksheet_write_string(sheet_ptr_, 0, static_cast<lxw_col_t>(i),
                                               columns[i].name.c_str(), header_)));
    }
    row_ = 1;
    return Ok();
  }

  Status Row(const std::vector<ExportCell>& cells) override {
    if (row_ >= LXW_ROW_MAX) {
      return InvalidArgument("format", "more rows than a spreadsheet holds (1048576); use CSV");
    }
    for (std::size_t i = 0; i < cells.size(); ++i) {
      const ExportCell& c = cells[i];
      if (c.empty) continue;
      const auto col = static_cast<lxw_col_t>(i);
      const ExportKind kind = i < columns_.size() ? columns_[i].kind : ExportKind::kText;
      lxw_error e = LXW_NO_ERROR;
      if (kind == ExportKind::kMoney) {
        // Cents to euros: exact for every amount below 2^53 cents, far above pagoPA's maximum.
        e = worksheet_write_number(sheet_ptr_, row_, col, static_cast<double>(c.number) / 100.0,
                                   money_);
      } else if (kind == ExportKind::kInteger) {
        e = worksheet_write_number(sheet_ptr_, row_, col, static_cast<double>(c.number), nullptr);
      } else if (!c.text.empty()) {
        // write_string never makes a formula: text starting with '=' stays text.
        e = worksheet_write_string(sheet_ptr_, row_, col, c.text.c_str(), nullptr);
      }
      INCASSO_TRY(Check(e));
    }
    ++row_;
    return Ok();
  }

  Status Finish() override {
    if (workbook_ == nullptr) return Internal("spreadsheet not started");
    lxw_error e = workbook_close(workbook_);
    workbook_ = nullptr;
    return Check(e);
  }

 private:
  static Status Check(lxw_error e) {
    if (e == LXW_NO_ERROR) return Ok();
    return Internal("cannot write the spreadsheet", lxw_strerror(e));
  }

  std::string path_;
  std::string sheet_;
  lxw_workbook* workbook_ = nullptr;
  lxw_worksheet* sheet_ptr_ = nullptr;
  lxw_format* header_ = nullptr;
  lxw_format* money_ = nullptr;
  std::vector<ExportColumn> columns_;
  lxw_row_t row_ = 0;
};

class FileSink final : public ByteSink {
 public:
  FileSink(std::FILE* f, std::string path) : f_(f), path_(std::move(path)) {}
  ~FileSink() override {
    if (f_ != nullptr) std::fclose(f_);
  }
  Status Close() override {
    std::FILE* f = f_;
    f_ = nullptr;
    if (f == nullptr || std::fclose(f) != 0) {
      return Unavailable(fmt::format("cannot write {}", path_), "fclose");
    }
    return Ok();
  }
  Status Write(std::string_view bytes) override {
    if (std::fwrite(bytes.data(), 1, bytes.size(), f_) != bytes.size()) {
      return Unavailable(fmt::format("cannot write {}", path_), "fwrite");
    }
    return Ok();
  }

 private:
  std::FILE* f_;
  std::string path_;
};

}  // namespace

std::string CsvField(std::string_view text, char separator) {
  std::string v;
  v.reserve(text.size() + 3);
  if (NeedsInjectionGuard(text)) v += '\'';
  v.append(text);
  if (v.find_first_of(std::string{separator, '"', '\r', '\n'}) == std::string::npos) return v;
  std::string q = "\"";
  for (char c : v) {
    if (c == '"') q += '"';
    q += c;
  }
  q += '"';
  return q;
}

std::unique_ptr<TableSink> NewCsvTableSink(ByteSink& out, CsvOptions options) {
  return std::make_unique<CsvSink>(out, options);
}

std::unique_ptr<TableSink> NewXlsxTableSink(std::string path, std::string sheet_name) {
  return std::make_unique<XlsxSink>(std::move(path), std::move(sheet_name));
}

Result<std::unique_ptr<ByteSink>> OpenFileByteSink(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return InvalidArgument("output", fmt::format("cannot create {}", path));
  return std::unique_ptr<ByteSink>(std::make_unique<FileSink>(f, path));
}

Result<ExportFormat> ParseExportFormat(std::string_view text) {
  std::string t(text);
  for (char& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (t == "csv") return ExportFormat::kCsv;
  if (t == "xlsx") return ExportFormat::kXlsx;
  return InvalidArgument("format", "must be csv or xlsx");
}

const char* ContentType(ExportFormat f) {
  return f == ExportFormat::kCsv
             ? "text/csv; charset=utf-8"
             : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
}

Result<std::int64_t> ExportToFile(AppContext& ctx, std::string_view what,
                                  std::string_view entity_fiscal_code, const ExportQuery& query,
                                  ExportFormat format, const std::string& path, CsvOptions csv) {
  ExportFunction run = FindExport(what);
  if (run == nullptr) {
    return InvalidArgument("what", "must be positions, options or receipts");
  }
  Result<std::int64_t> rows = Internal("export not run");
  if (format == ExportFormat::kCsv) {
    auto file = OpenFileByteSink(path);
    if (!file.ok()) return file.error();
    auto sink = NewCsvTableSink(**file, csv);
    rows = run(ctx, entity_fiscal_code, query, *sink);
    Status closed = (*file)->Close();
    if (rows.ok() && !closed.ok()) rows = closed.error();
  } else {
    auto sink = NewXlsxTableSink(path, std::string(what));
    rows = run(ctx, entity_fiscal_code, query, *sink);
  }
  if (!rows.ok()) std::remove(path.c_str());
  return rows;
}

}  // namespace incasso::exporting
