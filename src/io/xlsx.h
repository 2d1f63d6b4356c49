// XlsxReader: the rows of the first worksheet of an Office Open XML workbook
// (.xlsx), read with minizip (ZIP) and expat (XML).
//
// The shared-string table (xl/sharedStrings.xml) is loaded once into one
// compact pool (memory grows with the number of distinct strings, not with
// rows); the sheet itself is inflated and parsed in 64 KiB pieces, so a sheet
// of any length is read in constant memory. Cells are returned as text: shared
// and inline strings, numbers as Excel wrote them ("42", "3.5"), booleans as
// "true"/"false", the cached value of formulas (never the formula). Missing
// cells are empty strings; each row carries its sheet row number. expat's
// default protections (no external entities, amplification limits) apply.
// Not thread-safe; one reader per file.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"

namespace rapport {

struct XlsxRow {
  std::vector<std::string> cells;
  int64_t row = 0;  // 1-based sheet row number (the "line" of a report)
};

class XlsxReader {
 public:
  ~XlsxReader();
  // Opens `path`: reads the workbook, finds the first sheet and loads the
  // shared strings. InvalidArgument with a readable reason when the file is
  // not a ZIP or not a workbook.
  static Result<std::unique_ptr<XlsxReader>> Open(const std::string& path);

  // The next non-empty row; false at the end. A malformed sheet sets *error
  // and returns false.
  bool Next(XlsxRow* out, Status* error);
  // Bytes of sheet XML inflated so far and in total (progress).
  int64_t position() const;
  int64_t size() const;
  const std::string& sheet_name() const;

 private:
  XlsxReader();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Excel's serial day number (1900 date system) as "YYYY-MM-DD"; false when
// `text` is not a number in the range of real dates.
bool ExcelSerialToDate(const std::string& text, std::string* out);

}  // namespace rapport
