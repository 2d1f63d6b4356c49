// CsvReader: delimiters, quoting, encodings, line numbers, limits and resume.
#include "io/csv.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

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
