// CsvReader: a streaming RFC 4180 reader for the files people actually have.
//
// - any delimiter: comma, semicolon, tab or pipe, detected from the header
//   line (outside quotes) unless given;
// - quoted fields with doubled quotes and embedded line breaks; CRLF, LF or CR;
// - UTF-8 with or without a BOM; input that is not valid UTF-8 is read as
//   Windows-1252 (a superset of Latin-1) and converted to UTF-8;
// - constant memory: reads in 64 KiB blocks; a field over max_field_bytes or
//   a record over max_fields is an error for that record, not a crash;
// - a quoted field that is never closed (or grows past max_field_bytes) is an
//   error for its record, and reading resumes on the record's second line
//   (seekable streams), so one stray quote does not swallow the rest of a file.
// Every record carries its first line number and the byte offset where it
// starts, so an import can report "line 1042: ..." and resume after a crash.
// Not thread-safe; one reader per stream.
#pragma once

#include <cstdint>
#include <istream>
#include <string>
#include <vector>

#include "base/status.h"

namespace rapport {

struct CsvOptions {
  char delimiter = 0;                    // 0: detect from the first line
  size_t max_field_bytes = 1 << 20;      // larger fields make the record fail
  size_t max_fields = 1000;              // more columns make the record fail
  size_t sniff_bytes = 64 << 10;         // bytes examined for encoding/delimiter
};

enum class CsvEncoding { kUtf8, kWindows1252 };

struct CsvRecord {
  std::vector<std::string> fields;
  int64_t line = 0;    // 1-based line number where the record starts
  int64_t offset = 0;  // byte offset of the record's first byte in the stream
};

class CsvReader {
 public:
  explicit CsvReader(std::istream& in, CsvOptions opts = {});

  // Reads the next record. Returns false at the end of input. A malformed
  // record (unterminated quote, field too large, too many fields) sets
  // *error (with its line) and returns true with the record skipped, so the
  // caller can report it and go on; *error is OK otherwise.
  bool Next(CsvRecord* out, Status* error);

  // Continues reading at byte `offset` of the stream (a record start returned
  // earlier), with line numbering from `line`. The stream must be seekable.
  bool SeekTo(int64_t offset, int64_t line);

  // The resume point after the last record returned: its byte offset and the
  // line number of the next line (for SeekTo after a crash).
  int64_t position() const { return buf_offset_ + static_cast<int64_t>(pos_); }
  int64_t line() const { return line_; }
  // Fields that were not valid UTF-8 in a file read as UTF-8, converted from
  // Windows-1252 one by one (files concatenated from two exports).
  int64_t recoded_fields() const { return recoded_; }

  char delimiter() const { return delim_; }
  CsvEncoding encoding() const { return enc_; }
  bool had_bom() const { return bom_; }

 private:
  bool Fill();
  int Peek();
  int Get();
  void Sniff();

  std::istream& in_;
  CsvOptions opts_;
  std::string buf_;
  size_t pos_ = 0;
  int64_t buf_offset_ = 0;  // stream offset of buf_[0]
  int64_t line_ = 1;
  bool eof_ = false;
  char delim_ = ',';
  CsvEncoding enc_ = CsvEncoding::kUtf8;
  bool bom_ = false;
  int64_t recoded_ = 0;
};

// Converts Windows-1252 bytes to UTF-8.
std::string Windows1252ToUtf8(const std::string& s);

}  // namespace rapport
