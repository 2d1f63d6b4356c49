#include "io/csv.h"

#include "meta/validate.h"

namespace rapport {

namespace {
// Windows-1252 0x80..0x9F; 0 marks the five undefined bytes (kept as U+FFFD).
const char16_t kCp1252High[32] = {0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                  0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,
                                  0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                  0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

void AppendUtf8(std::string* out, char32_t cp) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}
}  // namespace

std::string Windows1252ToUtf8(const std::string& s) {
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  for (unsigned char c : s) {
    if (c < 0x80) out.push_back(static_cast<char>(c));
    else if (c < 0xA0) AppendUtf8(&out, kCp1252High[c - 0x80] ? kCp1252High[c - 0x80] : 0xFFFD);
    else AppendUtf8(&out, c);
  }
  return out;
}

CsvReader::CsvReader(std::istream& in, CsvOptions opts) : in_(in), opts_(opts) { Sniff(); }

bool CsvReader::Fill() {
  if (eof_) return false;
  if (pos_ > 0) {
    buf_offset_ += static_cast<int64_t>(pos_);
    buf_.erase(0, pos_);
    pos_ = 0;
  }
  char tmp[65536];
  in_.read(tmp, sizeof tmp);
  std::streamsize n = in_.gcount();
  if (n <= 0) {
    eof_ = true;
    return false;
  }
  buf_.append(tmp, static_cast<size_t>(n));
  return true;
}

int CsvReader::Peek() {
  if (pos_ >= buf_.size() && !Fill()) return -1;
  return static_cast<unsigned char>(buf_[pos_]);
}

int CsvReader::Get() {
  int c = Peek();
  if (c >= 0) ++pos_;
  return c;
}

void CsvReader::Sniff() {
  while (buf_.size() < opts_.sniff_bytes && Fill()) {
  }
  if (buf_.size() >= 3 && static_cast<unsigned char>(buf_[0]) == 0xEF &&
      static_cast<unsigned char>(buf_[1]) == 0xBB && static_cast<unsigned char>(buf_[2]) == 0xBF) {
    bom_ = true;
    pos_ = 3;
  }
  // Encoding: valid UTF-8 in the sample (ignoring a sequence cut at its end).
  std::string sample = buf_.substr(pos_, opts_.sniff_bytes);
  size_t cut = sample.size();
  for (size_t back = 0; back < 4 && back < sample.size(); ++back) {
    unsigned char c = static_cast<unsigned char>(sample[sample.size() - 1 - back]);
    if ((c & 0xC0) == 0xC0) {
      cut = sample.size() - 1 - back;
      break;
    }
    if ((c & 0x80) == 0) break;
  }
  if (!eof_) sample.resize(cut);
  enc_ = Utf8Length(sample) < 0 ? CsvEncoding::kWindows1252 : CsvEncoding::kUtf8;
  // Delimiter: the most frequent candidate on the first line, outside quotes.
  delim_ = opts_.delimiter;
  if (!delim_) {
    const char cands[] = {',', ';', '\t', '|'};
    size_t counts[4] = {0, 0, 0, 0};
    bool quoted = false;
    for (size_t i = pos_; i < buf_.size(); ++i) {
      char c = buf_[i];
      if (c == '"') quoted = !quoted;
      if (!quoted && (c == '\n' || c == '\r')) break;
      if (quoted) continue;
      for (int k = 0; k < 4; ++k) counts[k] += c == cands[k];
    }
    delim_ = ',';
    size_t best = 0;
    for (int k = 0; k < 4; ++k) {
      if (counts[k] > best) {
        best = counts[k];
        delim_ = cands[k];
      }
    }
  }
}

bool CsvReader::SeekTo(int64_t offset, int64_t line) {
  in_.clear();
  in_.seekg(offset);
  if (!in_) return false;
  buf_.clear();
  pos_ = 0;
  buf_offset_ = offset;
  eof_ = false;
  line_ = line;
  return true;
}

bool CsvReader::Next(CsvRecord* out, Status* error) {
  *error = Status::Ok();
  out->fields.clear();
  // Skip blank lines between records.
  for (;;) {
    int c = Peek();
    if (c < 0) return false;
    if (c == '\r' || c == '\n') {
      Get();
      if (c == '\r' && Peek() == '\n') Get();
      ++line_;
      continue;
    }
    break;
  }
  out->line = line_;
  out->offset = buf_offset_ + static_cast<int64_t>(pos_);
  std::string field;
  bool quoted = false, was_quoted = false, bad = false;
  std::string problem;
  // Where to go on when a quoted field turns out unclosed: the record's second line.
  int64_t resync_offset = -1, resync_line = 0;
  bool resync = false;
  auto finish_field = [&]() {
    if (!bad) {
      if (out->fields.size() >= opts_.max_fields) {
        bad = true;
        problem = "more than " + std::to_string(opts_.max_fields) + " columns";
      } else {
        if (enc_ == CsvEncoding::kWindows1252) {
          out->fields.push_back(Windows1252ToUtf8(field));
        } else if (!field.empty() && Utf8Length(field) < 0) {
          ++recoded_;  // a Windows-1252 field in a UTF-8 file
          out->fields.push_back(Windows1252ToUtf8(field));
        } else {
          out->fields.push_back(field);
        }
      }
    }
    field.clear();
    was_quoted = false;
  };
  for (;;) {
    int c = Get();
    if (c < 0) {
      if (quoted) {
        bad = true;
        resync = resync_offset >= 0;
        problem = "a quoted field is not closed before the end of the file";
      }
      finish_field();
      break;
    }
    if (quoted) {
      if (c == '"') {
        if (Peek() == '"') {
          Get();
          field.push_back('"');
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++line_;
        if (c == '\r') {
          ++line_;
          if (Peek() == '\n') {
            field.push_back('\r');
            c = Get();
          }
        }
        if ((c == '\n' || c == '\r') && resync_offset < 0) {
          resync_offset = buf_offset_ + static_cast<int64_t>(pos_);
          resync_line = line_;
        }
        field.push_back(static_cast<char>(c));
        if (field.size() > opts_.max_field_bytes && resync_offset >= 0) {
          bad = resync = true;
          problem = "a quoted field is not closed (or is larger than " + std::to_string(opts_.max_field_bytes) +
                    " bytes); the record is skipped";
          break;
        }
      }
    } else if (c == delim_) {
      finish_field();
    } else if (c == '\r' || c == '\n') {
      if (c == '\r' && Peek() == '\n') Get();
      ++line_;
      finish_field();
      break;
    } else if (c == '"' && field.empty() && !was_quoted) {
      quoted = true;
      was_quoted = true;
    } else {
      // A quote inside an unquoted field is kept as data (common in exports).
      field.push_back(static_cast<char>(c));
    }
    if (field.size() > opts_.max_field_bytes && !bad) {
      bad = true;
      problem = "a field is larger than " + std::to_string(opts_.max_field_bytes) + " bytes";
    }
    if (bad) field.clear();
  }
  if (bad) {
    *error = Status::InvalidArgument("line " + std::to_string(out->line) + ": " + problem);
    out->fields.clear();
    // Go on with the record's second line, read afresh as a new record.
    if (resync && !SeekTo(resync_offset, resync_line)) eof_ = true;
  }
  return true;
}

}  // namespace rapport
