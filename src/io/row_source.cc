#include "io/row_source.h"

#include <fstream>

#include "io/csv.h"
#include "io/vcard.h"
#include "io/xlsx.h"

namespace rapport {

const char* FileFormatName(FileFormat f) {
  switch (f) {
    case FileFormat::kCsv: return "csv";
    case FileFormat::kXlsx: return "xlsx";
    case FileFormat::kVCard: return "vcard";
  }
  return "csv";
}

namespace {

int64_t FileSize(const std::string& path) {
  std::ifstream f(path, std::ios::binary | std::ios::ate);
  return f ? static_cast<int64_t>(f.tellg()) : 0;
}

class CsvSource : public RowSource {
 public:
  CsvSource(const std::string& path, char delimiter) : in_(path, std::ios::binary), size_(FileSize(path)) {
    CsvOptions o;
    o.delimiter = delimiter;
    reader_ = std::make_unique<CsvReader>(in_, o);
  }
  Status Init() {
    if (!in_.is_open()) return Status::InvalidArgument("cannot read the file");
    CsvRecord rec;
    Status err;
    while (reader_->Next(&rec, &err)) {
      if (!err.ok()) return Status::InvalidArgument("the header " + err.message());
      header_ = rec.fields;
      return Status::Ok();
    }
    return Status::InvalidArgument("the file is empty (no header line)");
  }
  FileFormat format() const override { return FileFormat::kCsv; }
  const std::vector<std::string>& header() const override { return header_; }
  bool Next(SourceRow* row, Status* error) override {
    CsvRecord rec;
    if (!reader_->Next(&rec, error)) return false;
    row->cells = std::move(rec.fields);
    row->line = rec.line;
    row->resume = reader_->position();
    row->resume_line = reader_->line();
    return true;
  }
  Status ResumeAfter(int64_t resume, int64_t line) override {
    if (!reader_->SeekTo(resume, line)) return Status::Internal("cannot seek in the file");
    return Status::Ok();
  }
  int64_t position() const override { return reader_->position(); }
  int64_t size() const override { return size_; }
  std::vector<std::string> notes() const override {
    std::vector<std::string> n;
    std::string d = reader_->delimiter() == '\t' ? "tab" : std::string("'") + reader_->delimiter() + "'";
    n.push_back("CSV, delimiter " + d + (reader_->had_bom() ? ", UTF-8 with BOM" : "") +
                (reader_->encoding() == CsvEncoding::kWindows1252 ? ", read as Windows-1252 (not UTF-8)" : ""));
    if (reader_->recoded_fields() > 0)
      n.push_back(std::to_string(reader_->recoded_fields()) +
                  " field(s) were not UTF-8 and were read as Windows-1252");
    return n;
  }
 private:
  std::ifstream in_;
  int64_t size_;
  std::unique_ptr<CsvReader> reader_;
  std::vector<std::string> header_;
};

class VCardSource : public RowSource {
 public:
  explicit VCardSource(const std::string& path) : in_(path, std::ios::binary), size_(FileSize(path)), reader_(in_) {}
  FileFormat format() const override { return FileFormat::kVCard; }
  const std::vector<std::string>& header() const override { return kVCardColumns; }
  bool Next(SourceRow* row, Status* error) override {
    VCard card;
    if (!reader_.Next(&card, error)) return false;
    row->line = card.line;
    row->resume = reader_.resume_offset();
    row->resume_line = reader_.resume_line();
    row->cells = error->ok() ? VCardToRow(card) : std::vector<std::string>{};
    ++cards_;
    return true;
  }
  Status ResumeAfter(int64_t resume, int64_t line) override {
    if (!reader_.SeekTo(resume, line)) return Status::Internal("cannot seek in the file");
    return Status::Ok();
  }
  int64_t position() const override { return reader_.position(); }
  int64_t size() const override { return size_; }
  std::vector<std::string> notes() const override { return {"vCard"}; }

 private:
  std::ifstream in_;
  int64_t size_;
  VCardReader reader_;
  int64_t cards_ = 0;
};

class XlsxSource : public RowSource {
 public:
  Status Init(const std::string& path) {
    RP_ASSIGN_OR_RETURN(reader_, XlsxReader::Open(path));
    XlsxRow r;
    Status err;
    if (!reader_->Next(&r, &err)) {
      if (!err.ok()) return err;
      return Status::InvalidArgument("the first sheet is empty (no header row)");
    }
    header_ = std::move(r.cells);
    return Status::Ok();
  }
  FileFormat format() const override { return FileFormat::kXlsx; }
  const std::vector<std::string>& header() const override { return header_; }
  bool Next(SourceRow* row, Status* error) override {
    XlsxRow r;
    for (;;) {
      if (!reader_->Next(&r, error)) return false;
      if (r.row > skip_through_) break;
    }
    row->cells = std::move(r.cells);
    row->line = r.row;
    row->resume = r.row;
    row->resume_line = r.row + 1;
    return true;
  }
  Status ResumeAfter(int64_t resume, int64_t /*line*/) override {
    skip_through_ = resume;  // rows up to this sheet row were done
    return Status::Ok();
  }
  int64_t position() const override { return reader_->position(); }
  int64_t size() const override { return reader_->size(); }
  std::vector<std::string> notes() const override { return {"XLSX, sheet '" + reader_->sheet_name() + "'"}; }

 private:
  std::unique_ptr<XlsxReader> reader_;
  std::vector<std::string> header_;
  int64_t skip_through_ = 0;
};

}  // namespace

Result<FileFormat> DetectFileFormat(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return Status::NotFound("cannot open " + path);
  std::string head(65536, '\0');
  f.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(f.gcount()));
  if (head.empty()) return Status::InvalidArgument("the file is empty");
  auto starts = [&](const char* magic, size_t n) { return head.size() >= n && head.compare(0, n, magic, n) == 0; };
  if (starts("PK\x03\x04", 4)) {
    if (head.find("xl/") != std::string::npos || head.find("[Content_Types].xml") != std::string::npos)
      return FileFormat::kXlsx;
    return Status::InvalidArgument("the file is a ZIP archive, not an XLSX workbook, CSV or vCard file; unpack it first");
  }
  if (starts("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8))
    return Status::InvalidArgument(
        "the file is an Excel 97-2003 workbook (.xls), which is not supported; save it as .xlsx or CSV");
  if (starts("%PDF", 4)) return Status::InvalidArgument("the file is a PDF document, not CSV, XLSX or vCard");
  if (starts("\x1F\x8B", 2)) return Status::InvalidArgument("the file is gzip-compressed; decompress it first");
  if (starts("\xFF\xFE", 2) || starts("\xFE\xFF", 2))
    return Status::InvalidArgument(
        "the file is UTF-16 text (Excel's \"Unicode Text\"); save it as \"CSV UTF-8\" and import that");
  if (head.find('\0') != std::string::npos)
    return Status::InvalidArgument("the file is binary data, not CSV, XLSX or vCard");
  // vCard: BEGIN:VCARD (any case, maybe a group prefix) as the first content line.
  size_t i = starts("\xEF\xBB\xBF", 3) ? 3 : 0;
  while (i < head.size() && std::isspace(static_cast<unsigned char>(head[i]))) ++i;
  std::string first = head.substr(i, head.find_first_of("\r\n", i) - i);
  for (auto& c : first) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  size_t dot = first.find('.');
  if (dot != std::string::npos && dot < first.find(':')) first = first.substr(dot + 1);
  if (first.rfind("BEGIN:VCARD", 0) == 0) return FileFormat::kVCard;
  return FileFormat::kCsv;
}

Result<std::unique_ptr<RowSource>> OpenRowSource(const std::string& path, const std::string& format, char delimiter) {
  FileFormat f;
  if (format.empty()) {
    RP_ASSIGN_OR_RETURN(f, DetectFileFormat(path));
  } else if (format == "csv") {
    f = FileFormat::kCsv;
  } else if (format == "xlsx") {
    f = FileFormat::kXlsx;
  } else if (format == "vcard" || format == "vcf") {
    f = FileFormat::kVCard;
  } else {
    return Status::InvalidArgument("format: must be csv, xlsx or vcard", "format");
  }
  switch (f) {
    case FileFormat::kCsv: {
      auto s = std::make_unique<CsvSource>(path, delimiter);
      RP_RETURN_IF_ERROR(s->Init());
      return std::unique_ptr<RowSource>(std::move(s));
    }
    case FileFormat::kXlsx: {
      auto s = std::make_unique<XlsxSource>();
      RP_RETURN_IF_ERROR(s->Init(path));
      return std::unique_ptr<RowSource>(std::move(s));
    }
    case FileFormat::kVCard: {
      std::ifstream probe(path, std::ios::binary);
      if (!probe) return Status::NotFound("cannot open " + path);
      return std::unique_ptr<RowSource>(std::make_unique<VCardSource>(path));
    }
  }
  return Status::Internal("unreachable");
}

}  // namespace rapport
