#include "io/xlsx.h"

#include <expat.h>
#include <minizip/unzip.h>

#include <cmath>
#include <cstring>
#include <deque>

namespace rapport {

namespace {

// Local name of an expat namespaced name ("uri|local" -> "local").
const char* Local(const XML_Char* name) {
  const char* bar = std::strrchr(name, '|');
  return bar ? bar + 1 : name;
}

const char* Attr(const XML_Char** atts, const char* local) {
  for (int i = 0; atts[i]; i += 2) {
    if (std::strcmp(Local(atts[i]), local) == 0) return atts[i + 1];
  }
  return nullptr;
}

// Reads one whole (small) member of the archive. False if absent.
bool ReadMember(unzFile zf, const char* name, std::string* out, size_t limit) {
  if (unzLocateFile(zf, name, 2) != UNZ_OK) return false;  // 2: case-insensitive
  if (unzOpenCurrentFile(zf) != UNZ_OK) return false;
  out->clear();
  char buf[65536];
  int n;
  while ((n = unzReadCurrentFile(zf, buf, sizeof buf)) > 0) {
    out->append(buf, static_cast<size_t>(n));
    if (out->size() > limit) break;
  }
  unzCloseCurrentFile(zf);
  return n >= 0;
}

// Streams one member through an expat parser. False on a ZIP or XML error.
bool ParseMember(unzFile zf, XML_Parser p, std::string* error) {
  if (unzOpenCurrentFile(zf) != UNZ_OK) {
    *error = "cannot open a member of the workbook";
    return false;
  }
  char buf[65536];
  int n;
  bool ok = true;
  while ((n = unzReadCurrentFile(zf, buf, sizeof buf)) > 0) {
    if (XML_Parse(p, buf, n, 0) == XML_STATUS_ERROR) {
      ok = false;
      break;
    }
  }
  if (ok && n < 0) {
    *error = "the workbook is damaged (ZIP data error)";
    ok = false;
  } else if (ok && XML_Parse(p, buf, 0, 1) == XML_STATUS_ERROR) {
    ok = false;
  }
  if (!ok && error->empty()) *error = std::string("malformed XML: ") + XML_ErrorString(XML_GetErrorCode(p));
  unzCloseCurrentFile(zf);
  return ok;
}

// Column index from a cell reference ("C12" -> 2); -1 if none.
int ColumnOf(const char* ref) {
  if (!ref) return -1;
  int col = 0;
  const char* p = ref;
  while (*p >= 'A' && *p <= 'Z') {
    col = col * 26 + (*p - 'A' + 1);
    ++p;
  }
  return p == ref ? -1 : col - 1;
}

}  // namespace

struct XlsxReader::Impl {
  unzFile zf = nullptr;
  std::string sheet_path, sheet_name;
  // Shared strings: one pool, offsets[i]..offsets[i+1].
  std::string pool;
  std::vector<uint64_t> offsets{0};

  // Sheet streaming state.
  XML_Parser parser = nullptr;
  bool opened = false, done = false, failed = false;
  std::string error;
  int64_t inflated = 0, total = 0;
  std::deque<XlsxRow> ready;
  XlsxRow cur;
  bool in_row = false, in_value = false, in_inline_t = false;
  int cell_col = -1, next_col = 0;
  std::string cell_type, text;

  ~Impl() {
    if (parser) XML_ParserFree(parser);
    if (opened) unzCloseCurrentFile(zf);
    if (zf) unzClose(zf);
  }

  // --- sheet callbacks
  static void XMLCALL Start(void* ud, const XML_Char* name, const XML_Char** atts) {
    auto* s = static_cast<Impl*>(ud);
    const char* n = Local(name);
    if (std::strcmp(n, "row") == 0) {
      s->in_row = true;
      s->cur.cells.clear();
      const char* r = Attr(atts, "r");
      s->cur.row = r ? std::atoll(r) : s->cur.row + 1;
      s->next_col = 0;
    } else if (std::strcmp(n, "c") == 0 && s->in_row) {
      int col = ColumnOf(Attr(atts, "r"));
      s->cell_col = col >= 0 ? col : s->next_col;
      const char* t = Attr(atts, "t");
      s->cell_type = t ? t : "n";
      s->text.clear();
    } else if (std::strcmp(n, "v") == 0) {
      s->in_value = true;
    } else if (std::strcmp(n, "t") == 0 && s->cell_type == "inlineStr") {
      s->in_inline_t = true;
    }
  }
  static void XMLCALL End(void* ud, const XML_Char* name) {
    auto* s = static_cast<Impl*>(ud);
    const char* n = Local(name);
    if (std::strcmp(n, "v") == 0) {
      s->in_value = false;
    } else if (std::strcmp(n, "t") == 0) {
      s->in_inline_t = false;
    } else if (std::strcmp(n, "c") == 0 && s->in_row) {
      std::string v;
      if (s->cell_type == "s") {
        size_t i = static_cast<size_t>(std::strtoull(s->text.c_str(), nullptr, 10));
        if (!s->text.empty() && i + 1 < s->offsets.size())
          v = s->pool.substr(s->offsets[i], s->offsets[i + 1] - s->offsets[i]);
      } else if (s->cell_type == "b") {
        v = s->text == "1" ? "true" : s->text == "0" ? "false" : s->text;
      } else {
        v = s->text;  // n, str (formula result), inlineStr, e (error text)
      }
      if (s->cell_col >= 0 && s->cell_col < 16384) {
        if (s->cur.cells.size() <= static_cast<size_t>(s->cell_col)) s->cur.cells.resize(s->cell_col + 1);
        s->cur.cells[s->cell_col] = std::move(v);
      }
      s->next_col = s->cell_col + 1;
    } else if (std::strcmp(n, "row") == 0) {
      s->in_row = false;
      bool any = false;
      for (const auto& c : s->cur.cells) any = any || !c.empty();
      if (any) s->ready.push_back(std::move(s->cur));
      s->cur.cells.clear();
    }
  }
  static void XMLCALL Chars(void* ud, const XML_Char* d, int len) {
    auto* s = static_cast<Impl*>(ud);
    if (s->in_value || s->in_inline_t) s->text.append(d, static_cast<size_t>(len));
  }
};

XlsxReader::XlsxReader() : impl_(std::make_unique<Impl>()) {}
XlsxReader::~XlsxReader() = default;

Result<std::unique_ptr<XlsxReader>> XlsxReader::Open(const std::string& path) {
  std::unique_ptr<XlsxReader> r(new XlsxReader());
  Impl& m = *r->impl_;
  m.zf = unzOpen64(path.c_str());
  if (!m.zf) return Status::InvalidArgument("the file is not a valid XLSX workbook (not a ZIP archive)");

  // Workbook: the first sheet's relationship id; rels: its path.
  std::string xml;
  if (!ReadMember(m.zf, "xl/workbook.xml", &xml, 64 << 20))
    return Status::InvalidArgument("the file is a ZIP archive but not an XLSX workbook (no xl/workbook.xml)");
  struct Wb {
    std::string rid, name;
  } wb;
  {
    XML_Parser p = XML_ParserCreateNS(nullptr, '|');
    XML_SetUserData(p, &wb);
    XML_SetStartElementHandler(p, [](void* ud, const XML_Char* name, const XML_Char** atts) {
      auto* w = static_cast<Wb*>(ud);
      if (std::strcmp(Local(name), "sheet") == 0 && w->rid.empty()) {
        const char* id = Attr(atts, "id");
        const char* nm = Attr(atts, "name");
        if (id) w->rid = id;
        if (nm) w->name = nm;
      }
    });
    bool ok = XML_Parse(p, xml.data(), static_cast<int>(xml.size()), 1) != XML_STATUS_ERROR;
    XML_ParserFree(p);
    if (!ok || wb.rid.empty()) return Status::InvalidArgument("the workbook has no worksheet");
  }
  m.sheet_name = wb.name;
  if (!ReadMember(m.zf, "xl/_rels/workbook.xml.rels", &xml, 64 << 20))
    return Status::InvalidArgument("the workbook is damaged (no xl/_rels/workbook.xml.rels)");
  struct Rels {
    std::string want, target;
  } rels{wb.rid, ""};
  {
    XML_Parser p = XML_ParserCreateNS(nullptr, '|');
    XML_SetUserData(p, &rels);
    XML_SetStartElementHandler(p, [](void* ud, const XML_Char* name, const XML_Char** atts) {
      auto* rl = static_cast<Rels*>(ud);
      if (std::strcmp(Local(name), "Relationship") == 0) {
        const char* id = Attr(atts, "Id");
        const char* t = Attr(atts, "Target");
        if (id && t && rl->want == id) rl->target = t;
      }
    });
    bool ok = XML_Parse(p, xml.data(), static_cast<int>(xml.size()), 1) != XML_STATUS_ERROR;
    XML_ParserFree(p);
    if (!ok || rels.target.empty()) return Status::InvalidArgument("the workbook is damaged (first sheet not found)");
  }
  m.sheet_path = rels.target[0] == '/' ? rels.target.substr(1) : "xl/" + rels.target;

  // Shared strings (optional: a sheet of numbers and inline strings has none).
  if (unzLocateFile(m.zf, "xl/sharedStrings.xml", 2) == UNZ_OK) {
    struct Sst {
      Impl* m;
      bool in_si = false, in_t = false;
      int skip = 0;  // inside <rPh> (phonetic runs): not part of the text
      std::string cur;
    } sst{&m, false, false, 0, {}};
    XML_Parser p = XML_ParserCreateNS(nullptr, '|');
    XML_SetUserData(p, &sst);
    XML_SetElementHandler(
        p,
        [](void* ud, const XML_Char* name, const XML_Char**) {
          auto* s = static_cast<Sst*>(ud);
          const char* n = Local(name);
          if (std::strcmp(n, "si") == 0) {
            s->in_si = true;
            s->cur.clear();
          } else if (std::strcmp(n, "rPh") == 0) {
            ++s->skip;
          } else if (std::strcmp(n, "t") == 0) {
            s->in_t = true;
          }
        },
        [](void* ud, const XML_Char* name) {
          auto* s = static_cast<Sst*>(ud);
          const char* n = Local(name);
          if (std::strcmp(n, "si") == 0) {
            s->in_si = false;
            s->m->pool += s->cur;
            s->m->offsets.push_back(s->m->pool.size());
          } else if (std::strcmp(n, "rPh") == 0) {
            --s->skip;
          } else if (std::strcmp(n, "t") == 0) {
            s->in_t = false;
          }
        });
    XML_SetCharacterDataHandler(p, [](void* ud, const XML_Char* d, int len) {
      auto* s = static_cast<Sst*>(ud);
      if (s->in_si && s->in_t && s->skip == 0) s->cur.append(d, static_cast<size_t>(len));
    });
    std::string err;
    bool ok = ParseMember(m.zf, p, &err);
    XML_ParserFree(p);
    if (!ok) return Status::InvalidArgument("the workbook's shared strings cannot be read: " + err);
  }

  // The sheet: opened now, parsed on demand by Next().
  if (unzLocateFile(m.zf, m.sheet_path.c_str(), 2) != UNZ_OK)
    return Status::InvalidArgument("the workbook is damaged (" + m.sheet_path + " missing)");
  unz_file_info64 info;
  if (unzGetCurrentFileInfo64(m.zf, &info, nullptr, 0, nullptr, 0, nullptr, 0) == UNZ_OK)
    m.total = static_cast<int64_t>(info.uncompressed_size);
  if (unzOpenCurrentFile(m.zf) != UNZ_OK) return Status::InvalidArgument("the workbook's sheet cannot be opened");
  m.opened = true;
  m.parser = XML_ParserCreateNS(nullptr, '|');
  XML_SetUserData(m.parser, &m);
  XML_SetElementHandler(m.parser, &Impl::Start, &Impl::End);
  XML_SetCharacterDataHandler(m.parser, &Impl::Chars);
  return r;
}

bool XlsxReader::Next(XlsxRow* out, Status* error) {
  *error = Status::Ok();
  Impl& m = *impl_;
  while (m.ready.empty() && !m.done) {
    char buf[65536];
    int n = unzReadCurrentFile(m.zf, buf, sizeof buf);
    if (n < 0) {
      m.done = true;
      m.failed = true;
      *error = Status::InvalidArgument("the workbook is damaged (ZIP data error in the sheet)");
      return false;
    }
    m.inflated += n;
    if (XML_Parse(m.parser, buf, n, n == 0) == XML_STATUS_ERROR) {
      m.done = true;
      m.failed = true;
      *error = Status::InvalidArgument("the sheet is malformed XML at line " +
                                       std::to_string(XML_GetCurrentLineNumber(m.parser)) + ": " +
                                       XML_ErrorString(XML_GetErrorCode(m.parser)));
      return false;
    }
    if (n == 0) m.done = true;
  }
  if (m.ready.empty()) return false;
  *out = std::move(m.ready.front());
  m.ready.pop_front();
  return true;
}

int64_t XlsxReader::position() const { return impl_->inflated; }
int64_t XlsxReader::size() const { return impl_->total; }
const std::string& XlsxReader::sheet_name() const { return impl_->sheet_name; }

bool ExcelSerialToDate(const std::string& text, std::string* out) {
  char* end = nullptr;
  double d = std::strtod(text.c_str(), &end);
  if (text.empty() || *end || !std::isfinite(d) || d < 1 || d > 2958465) return false;
  // Serial 1 = 1900-01-01; Excel's fictional 1900-02-29 (serial 60) shifts
  // later serials by one, so day 0 of the civil count is 1899-12-30.
  int64_t days = static_cast<int64_t>(std::floor(d));
  if (days < 61) days += 1;
  // Days since 1899-12-30 -> civil date (Howard Hinnant's algorithm).
  int64_t z = days - 25569 + 719468;  // 25569: 1899-12-30 .. 1970-01-01
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = yoe + era * 400;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int64_t dd = doy - (153 * mp + 2) / 5 + 1;
  int64_t mm = mp < 10 ? mp + 3 : mp - 9;
  if (mm <= 2) ++y;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lld", static_cast<long long>(y), static_cast<long long>(mm),
                static_cast<long long>(dd));
  *out = buf;
  return true;
}

}  // namespace rapport
