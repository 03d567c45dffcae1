// A streaming reader of delimited text files (RFC 4180): UTF-8 with or without a BOM, ';' or ','
// detected from the header line, quoted fields with doubled quotes and line breaks inside, CRLF or
// LF line ends. Memory is bounded by the limits, whatever the file size.
//
// Problems are reported per record (row number = 1-based data row, the header is row 0; a blank
// line counts as a row so the numbers match a spreadsheet's when no field spans lines):
//  - row errors (wrong number of cells, invalid UTF-8, NUL byte, an oversize field or record): the
//    record is skipped and reading goes on with the next one;
//  - fatal errors (an unterminated quote at the end of the file, a read failure, no header): the
//    file cannot be read further.
// Not thread-safe; one reader per file.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "import/row.hpp"

namespace incasso::import {

struct CsvLimits {
  std::size_t max_field_bytes = 64 * 1024;
  std::size_t max_record_bytes = 1024 * 1024;
  std::size_t max_columns = 256;
};

// Reads up to n bytes into buf; returns how many (0 = end of input, -1 = read failure).
using ReadFn = std::function<std::int64_t(char* buf, std::size_t n)>;

struct CsvRecord {
  std::vector<std::string> cells;
  std::int64_t row = 0;
  RowError error;  // set for kRowError and kFatal
};

enum class CsvOutcome { kRecord, kEnd, kRowError, kFatal };

class CsvReader {
 public:
  explicit CsvReader(ReadFn read, CsvLimits limits = {});
  ~CsvReader();
  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  // Reads the header line (BOM stripped, separator detected, names trimmed). Must be called once,
  // before Next(). Fails (row 0) on an empty file or an unreadable header.
  Result<std::vector<std::string>> ReadHeader();
  char separator() const { return separator_; }

  // The next data record. Blank lines are skipped (but counted).
  CsvOutcome Next(CsvRecord& out);

  std::uint64_t bytes_read() const { return consumed_; }

 private:
  // -1 at end of input; -2 on read failure.
  int Peek();
  int Get();
  // Reads one physical record into out.cells; kRowError/kFatal with out.error.
  CsvOutcome ReadRecord(CsvRecord& out, bool header);

  ReadFn read_;
  CsvLimits limits_;
  std::vector<char> buf_;
  std::size_t pos_ = 0;
  std::size_t len_ = 0;
  bool eof_ = false;
  bool failed_ = false;
  std::uint64_t consumed_ = 0;
  char separator_ = ';';
  std::size_t columns_ = 0;
  std::int64_t row_ = 0;
};

// True if `s` is valid UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
bool IsValidUtf8(std::string_view s);

// A ReadFn over a file opened for reading; the returned object owns the FILE.
struct FileInput {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file{nullptr, &std::fclose};
  std::uint64_t size = 0;
  ReadFn Reader();
};
Result<FileInput> OpenFileInput(const std::string& path);

}  // namespace incasso::import
