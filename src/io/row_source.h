// RowSource: a file read as a header and rows of text cells, whatever its
// format (CSV, XLSX or vCard), for the importer.
//
// OpenRowSource looks at the file's first bytes, not its name: XLSX is a ZIP
// with xl/workbook.xml, vCard starts with BEGIN:VCARD, anything else that is
// text is CSV. Files that are none of these (legacy .xls, PDF, gzip, UTF-16
// text, other binary data) are refused with a message saying what the file
// seems to be and what to do. Every row carries a line (CSV line, sheet row,
// line of BEGIN:VCARD) for error reports and a resume point: after a crash,
// ResumeAfter(checkpoint) continues with the first row after it (CSV and
// vCard seek to a byte offset; XLSX re-reads and skips, as a deflate stream
// cannot seek). Memory is constant in the file's length (XLSX: plus its
// shared strings). Not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"

namespace rapport {

enum class FileFormat { kCsv, kXlsx, kVCard };
const char* FileFormatName(FileFormat f);

struct SourceRow {
  std::vector<std::string> cells;
  int64_t line = 0;    // where the row starts (1-based)
  int64_t resume = 0;       // opaque resume point of the row AFTER this one
  int64_t resume_line = 0;  // and the line number that row starts at
};

class RowSource {
 public:
  virtual ~RowSource() = default;
  virtual FileFormat format() const = 0;
  // Column names (the CSV or sheet's first row; fixed names for vCard).
  virtual const std::vector<std::string>& header() const = 0;
  // The next row. False at the end. A row that cannot be read (malformed CSV
  // record, unclosed vCard) comes back with *error set (naming its line) so
  // the caller reports it and goes on; a damaged file ends the rows with
  // *error set and false.
  virtual bool Next(SourceRow* row, Status* error) = 0;
  // Positions the source so the next row is the one after the row whose
  // `resume` and `resume_line` were checkpointed.
  virtual Status ResumeAfter(int64_t resume, int64_t resume_line) = 0;
  // Progress: bytes read so far and in total (same unit).
  virtual int64_t position() const = 0;
  virtual int64_t size() const = 0;
  // Things the user should know ("read as Windows-1252", sheet name, ...).
  virtual std::vector<std::string> notes() const = 0;
};

// Opens `path`. `format` "" detects; "csv", "xlsx" or "vcard" forces one.
// `delimiter` 0 detects (CSV only).
Result<std::unique_ptr<RowSource>> OpenRowSource(const std::string& path, const std::string& format = "",
                                                 char delimiter = 0);

// What the first bytes of a file say it is: "csv", "xlsx", "vcard", or an
// error naming what it is instead.
Result<FileFormat> DetectFileFormat(const std::string& path);

}  // namespace rapport
