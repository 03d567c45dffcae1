#include "import/csv_reader.hpp"

#include <fmt/format.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace incasso::import {
namespace {

constexpr std::size_t kBufferBytes = 1 << 20;

std::string Trimmed(const std::string& s) {
  std::size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t')) --e;
  return s.substr(b, e - b);
}

}  // namespace

bool IsValidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    int n = 0;
    std::uint32_t cp = 0;
    if ((c & 0xE0) == 0xC0) {
      n = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (end - p <= n) return false;
    for (int i = 1; i <= n; ++i) {
      if ((p[i] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i] & 0x3F);
    }
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000)) return false;
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    p += n + 1;
  }
  return true;
}

CsvReader::CsvReader(ReadFn read, CsvLimits limits)
    : read_(std::move(read)), limits_(limits), buf_(kBufferBytes) {}

CsvReader::~CsvReader() = default;

int CsvReader::Peek() {
  if (pos_ == len_) {
    if (eof_) return -1;
    if (failed_) return -2;
    std::int64_t n = read_(buf_.data(), buf_.size());
    if (n < 0) {
      failed_ = true;
      return -2;
    }
    if (n == 0) {
      eof_ = true;
      return -1;
    }
    pos_ = 0;
    len_ = static_cast<std::size_t>(n);
  }
  return static_cast<unsigned char>(buf_[pos_]);
}

int CsvReader::Get() {
  int c = Peek();
  if (c >= 0) {
    ++pos_;
    ++consumed_;
  }
  return c;
}

Result<std::vector<std::string>> CsvReader::ReadHeader() {
  // The BOM, then the first line as raw bytes to count separators outside quotes.
  if (Peek() == 0xEF) {
    // Need three bytes; the buffer holds at least the first read's bytes.
    if (len_ - pos_ >= 3 && static_cast<unsigned char>(buf_[pos_ + 1]) == 0xBB &&
        static_cast<unsigned char>(buf_[pos_ + 2]) == 0xBF) {
      pos_ += 3;
      consumed_ += 3;
    }
  }
  if (Peek() == -2) return Unavailable("the file cannot be read");
  std::size_t semis = 0, commas = 0;
  bool quoted = false;
  for (std::size_t i = pos_; i < len_; ++i) {
    char c = buf_[i];
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    if (c == '\n' || c == '\r') break;
    if (c == ';') ++semis;
    if (c == ',') ++commas;
  }
  separator_ = commas > semis ? ',' : ';';
  CsvRecord rec;
  CsvOutcome outcome = ReadRecord(rec, /*header=*/true);
  if (outcome == CsvOutcome::kEnd) return InvalidArgument("row 0", "the file is empty");
  if (outcome != CsvOutcome::kRecord) {
    return InvalidArgument("row 0", fmt::format("header line: {}", rec.error.message));
  }
  std::vector<std::string> names;
  for (auto& c : rec.cells) names.push_back(Trimmed(c));
  bool any = false;
  for (auto& n : names) any = any || !n.empty();
  if (!any) return InvalidArgument("row 0", "the header line is blank");
  columns_ = names.size();
  row_ = 0;
  return names;
}

CsvOutcome CsvReader::Next(CsvRecord& out) {
  for (;;) {
    CsvOutcome o = ReadRecord(out, false);
    if (o != CsvOutcome::kRecord) return o;
    // A blank line: one empty cell.
    if (out.cells.size() == 1 && out.cells[0].empty() && columns_ != 1) continue;
    if (out.cells.size() != columns_) {
      out.error = {
          out.row, "",
          fmt::format("has {} cells but the header has {} columns", out.cells.size(), columns_)};
      return CsvOutcome::kRowError;
    }
    return CsvOutcome::kRecord;
  }
}

CsvOutcome CsvReader::ReadRecord(CsvRecord& out, bool header) {
  out.cells.clear();
  out.error = {};
  if (Peek() == -1) return CsvOutcome::kEnd;
  out.row = header ? 0 : ++row_;
  std::size_t record_bytes = 0;
  std::string problem;  // the first row-level problem; the record is still read to its end
  std::string cell;
  bool in_quotes = false;
  bool was_quoted = false;
  auto finish_cell = [&] {
    if (problem.empty()) {
      if (cell.find('\0') != std::string::npos) {
        problem = fmt::format("column {} contains a NUL byte", out.cells.size() + 1);
      } else if (!IsValidUtf8(cell)) {
        problem = fmt::format("column {} is not valid UTF-8", out.cells.size() + 1);
      }
    }
    if (out.cells.size() >= limits_.max_columns) {
      if (problem.empty()) problem = fmt::format("has more than {} cells", limits_.max_columns);
    } else {
      out.cells.push_back(std::move(cell));
    }
    cell.clear();
    was_quoted = false;
  };
  for (;;) {
    int c = Get();
    if (c == -2) {
      out.error = {out.row, "", "the file cannot be read further"};
      return CsvOutcome::kFatal;
    }
    if (c == -1) {
      if (in_quotes) {
        out.error = {out.row, "",
                     "a quoted field is not closed: a '\"' is missing before the end of the file"};
        return CsvOutcome::kFatal;
      }
      finish_cell();
      break;
    }
    ++record_bytes;
    if (record_bytes > limits_.max_record_bytes && problem.empty()) {
      problem = fmt::format("the row is longer than {} bytes", limits_.max_record_bytes);
    }
    const char ch = static_cast<char>(c);
    if (in_quotes) {
      if (ch == '"') {
        if (Peek() == '"') {
          Get();
          ++record_bytes;
          if (cell.size() < limits_.max_field_bytes) cell.push_back('"');
        } else {
          in_quotes = false;
        }
        continue;
      }
    } else {
      if (ch == separator_) {
        finish_cell();
        continue;
      }
      if (ch == '\n') {
        finish_cell();
        break;
      }
      if (ch == '\r') {
        if (Peek() == '\n') Get();
        finish_cell();
        break;
      }
      if (ch == '"' && cell.empty() && !was_quoted) {
        in_quotes = true;
        was_quoted = true;
        continue;
      }
      if (ch == '"' && problem.empty()) {
        problem = fmt::format(
            "column {}: a '\"' inside an unquoted field (quote the whole field "
            "and double the quote)",
            out.cells.size() + 1);
      }
    }
    if (cell.size() >= limits_.max_field_bytes) {
      if (problem.empty()) {
        problem = fmt::format("column {} is longer than {} bytes", out.cells.size() + 1,
                              limits_.max_field_bytes);
      }
      continue;
    }
    cell.push_back(ch);
  }
  if (!problem.empty()) {
    out.error = {out.row, header || out.cells.size() > columns_ ? "" : "", std::move(problem)};
    return CsvOutcome::kRowError;
  }
  return CsvOutcome::kRecord;
}

ReadFn FileInput::Reader() {
  std::FILE* f = file.get();
  return [f](char* buf, std::size_t n) -> std::int64_t {
    std::size_t got = std::fread(buf, 1, n, f);
    if (got == 0 && std::ferror(f)) return -1;
    return static_cast<std::int64_t>(got);
  };
}

Result<FileInput> OpenFileInput(const std::string& path) {
  FileInput in;
  in.file.reset(std::fopen(path.c_str(), "rb"));
  if (!in.file) {
    return InvalidArgument("file", fmt::format("cannot open '{}': {}", path, std::strerror(errno)));
  }
  struct stat st {};
  if (fstat(fileno(in.file.get()), &st) == 0) {
    if (S_ISDIR(st.st_mode))
      return InvalidArgument("file", fmt::format("'{}' is a directory", path));
    in.size = static_cast<std::uint64_t>(st.st_size);
  }
  return in;
}

}  // namespace incasso::import
