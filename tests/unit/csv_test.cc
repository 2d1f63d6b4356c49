// CsvReader: delimiters, quoting, encodings, line numbers, limits and resume.
#include "io/csv.h"

#include <gtest/gtest.h>

#include <sys/resource.h>

#include <fstream>
#include <sstream>
#include <streambuf>

namespace rapport {
namespace {

std::vector<CsvRecord> ReadAll(const std::string& text, CsvOptions opts = {}, std::vector<Status>* errors = nullptr,
                               CsvReader** keep = nullptr) {
  static std::istringstream* in = nullptr;
  delete in;
  in = new std::istringstream(text);
  static CsvReader* r = nullptr;
  delete r;
  r = new CsvReader(*in, opts);
  if (keep) *keep = r;
  std::vector<CsvRecord> out;
  CsvRecord rec;
  Status st;
  while (r->Next(&rec, &st)) {
    if (!st.ok()) {
      if (errors) errors->push_back(st);
      continue;
    }
    out.push_back(rec);
  }
  return out;
}

TEST(CsvReaderTest, QuotedFieldsWithDelimitersQuotesAndLineBreaks) {
  auto rows = ReadAll("name,notes\r\n\"Smith, John\",\"said \"\"hi\"\"\nthen left\"\r\nAda,plain\r\n");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1].fields[0], "Smith, John");
  EXPECT_EQ(rows[1].fields[1], "said \"hi\"\nthen left");
  EXPECT_EQ(rows[1].line, 2);
  EXPECT_EQ(rows[2].line, 4) << "line numbers count the line break inside the quoted field";
  EXPECT_EQ(rows[2].fields[1], "plain");
}

TEST(CsvReaderTest, DetectsSemicolonTabAndPipeDelimiters) {
  CsvReader* r = nullptr;
  auto rows = ReadAll("a;b;c\n1;\"x;y\";3\n", {}, nullptr, &r);
  EXPECT_EQ(r->delimiter(), ';');
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].fields, (std::vector<std::string>{"1", "x;y", "3"}));
  rows = ReadAll("a\tb\n1\t2\n", {}, nullptr, &r);
  EXPECT_EQ(r->delimiter(), '\t');
  rows = ReadAll("a|b|c\n", {}, nullptr, &r);
  EXPECT_EQ(r->delimiter(), '|');
}

TEST(CsvReaderTest, BomIsSkippedAndLatin1IsConverted) {
  CsvReader* r = nullptr;
  auto rows = ReadAll("\xEF\xBB\xBFname\nJos\xC3\xA9\n", {}, nullptr, &r);
  EXPECT_TRUE(r->had_bom());
  EXPECT_EQ(r->encoding(), CsvEncoding::kUtf8);
  EXPECT_EQ(rows[0].fields[0], "name");
  EXPECT_EQ(rows[1].fields[0], "Jos\xC3\xA9");
  rows = ReadAll("name\nJos\xE9 M\xFCller \x80\n", {}, nullptr, &r);  // Windows-1252
  EXPECT_EQ(r->encoding(), CsvEncoding::kWindows1252);
  EXPECT_EQ(rows[1].fields[0], "Jos\xC3\xA9 M\xC3\xBCller \xE2\x82\xAC");
}

TEST(CsvReaderTest, MalformedRecordsAreReportedWithTheirLineAndSkipped) {
  std::vector<Status> errors;
  CsvOptions opts;
  opts.max_field_bytes = 10;
  opts.max_fields = 3;
  auto rows = ReadAll("a,b\n1,2\nthis field is far too long,x\n1,2,3,4\n5,6\n\"unterminated,7\n", opts, &errors);
  ASSERT_EQ(rows.size(), 3u);  // header, 1,2 and 5,6
  EXPECT_EQ(rows[2].fields[0], "5");
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_NE(errors[0].message().find("line 3"), std::string::npos) << errors[0].message();
  EXPECT_NE(errors[1].message().find("line 4"), std::string::npos);
  EXPECT_NE(errors[2].message().find("not closed"), std::string::npos);
}

// A stream of `prefix`, then `fill` repeated for `bytes`, then `suffix`,
// produced as it is read (nothing of it is held in memory), seekable.
class GeneratedStream : public std::streambuf {
 public:
  GeneratedStream(std::string prefix, char fill, int64_t bytes, std::string suffix)
      : prefix_(std::move(prefix)), suffix_(std::move(suffix)), fill_(fill), bytes_(bytes) {}
  int64_t size() const { return static_cast<int64_t>(prefix_.size()) + bytes_ + static_cast<int64_t>(suffix_.size()); }

 protected:
  int_type underflow() override {
    if (at_ >= size()) return traits_type::eof();
    size_t n = 0;
    while (n < sizeof buf_ && at_ + static_cast<int64_t>(n) < size()) {
      int64_t i = at_ + static_cast<int64_t>(n);
      int64_t p = static_cast<int64_t>(prefix_.size());
      buf_[n++] = i < p ? prefix_[static_cast<size_t>(i)] : i < p + bytes_ ? fill_ : suffix_[static_cast<size_t>(i - p - bytes_)];
    }
    at_ += static_cast<int64_t>(n);
    setg(buf_, buf_, buf_ + n);
    return traits_type::to_int_type(buf_[0]);
  }
  pos_type seekoff(off_type off, std::ios_base::seekdir dir, std::ios_base::openmode) override {
    int64_t base = dir == std::ios_base::beg ? 0 : dir == std::ios_base::end ? size() : at_ - (egptr() - gptr());
    return seekpos(base + off, std::ios_base::in);
  }
  pos_type seekpos(pos_type pos, std::ios_base::openmode) override {
    if (pos < 0 || pos > size()) return pos_type(off_type(-1));
    at_ = pos;
    setg(buf_, buf_, buf_);
    return pos;
  }

 private:
  std::string prefix_, suffix_;
  char fill_;
  int64_t bytes_, at_ = 0;
  char buf_[1 << 16];
};

long PeakRssKb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

// Issue 4's "a 2 GB file": a record of 2 GiB with no line break (an unquoted
// field, then a quoted one that is never closed) is one bad record, reported
// with its line, in constant memory, and the rows after it are read.
TEST(CsvReaderTest, ATwoGibibyteRecordIsOneBadRecordInConstantMemory) {
#if defined(__SANITIZE_ADDRESS__)
  const int64_t kBytes = int64_t{256} << 20;  // the sanitizer build reads ten times slower
#else
  const int64_t kBytes = int64_t{2} << 30;
#endif
  for (const char* opening : {"", "\""}) {
    GeneratedStream gen(std::string("email,name\na@example.com,A\n") + opening, 'x', kBytes,
                        "\nb@example.com,B\n");
    std::istream in(&gen);
    long rss_before = PeakRssKb();
    CsvReader r(in);
    CsvRecord rec;
    Status st;
    std::vector<std::string> good;
    std::vector<std::string> errors;
    while (r.Next(&rec, &st)) {
      if (!st.ok()) errors.push_back(st.message());
      else good.push_back(rec.fields[0]);
    }
    ASSERT_EQ(errors.size(), 1u) << opening;
    EXPECT_NE(errors[0].find("line 3"), std::string::npos) << errors[0];
    EXPECT_NE(errors[0].find(*opening ? "not closed" : "larger than"), std::string::npos) << errors[0];
    EXPECT_EQ(good, (std::vector<std::string>{"email", "a@example.com", "b@example.com"})) << opening;
    EXPECT_LT(PeakRssKb() - rss_before, 64 * 1024) << "peak RSS grew by more than 64 MiB reading " << opening;
  }
}

TEST(CsvReaderTest, ResumesFromARecordOffset) {
  std::string text = "h1,h2\nr1,a\nr2,\"b\nb\"\nr3,c\n";
  std::istringstream in(text);
  CsvReader r(in);
  CsvRecord rec;
  Status st;
  ASSERT_TRUE(r.Next(&rec, &st));
  ASSERT_TRUE(r.Next(&rec, &st));
  ASSERT_TRUE(r.Next(&rec, &st));  // r2 (two lines)
  int64_t offset = rec.offset, line = rec.line;
  EXPECT_EQ(rec.fields[0], "r2");
  std::istringstream again(text);
  CsvReader r2(again);
  ASSERT_TRUE(r2.SeekTo(offset, line));
  ASSERT_TRUE(r2.Next(&rec, &st));
  EXPECT_EQ(rec.fields[0], "r2");
  EXPECT_EQ(rec.fields[1], "b\nb");
  ASSERT_TRUE(r2.Next(&rec, &st));
  EXPECT_EQ(rec.fields[0], "r3");
  EXPECT_EQ(rec.line, 5);
}

TEST(CsvReaderTest, ReadsTheSalesPipelineDataSet) {
  std::ifstream f(RAPPORT_SHARED_DATA "/crm-sales-opportunities/sales_pipeline.csv");
  ASSERT_TRUE(f) << "shared data set not found under " RAPPORT_SHARED_DATA;
  CsvReader r(f);
  CsvRecord rec;
  Status st;
  size_t n = 0, bad = 0;
  while (r.Next(&rec, &st)) {
    if (!st.ok()) {
      ++bad;
      continue;
    }
    if (++n == 1) {
      EXPECT_EQ(rec.fields[0], "opportunity_id");
    }
    EXPECT_EQ(rec.fields.size(), 8u) << "line " << rec.line;
  }
  EXPECT_EQ(bad, 0u);
  EXPECT_EQ(n, 8801u);  // header + 8,800 opportunities
}

}  // namespace
}  // namespace rapport
