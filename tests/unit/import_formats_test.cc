// The file formats of imports (issue 4): vCard 2.1/3.0/4.0 against the real
// files in shared/data/vcard-samples, vCard export round trip, XLSX (a
// workbook written here with minizip), format detection of bad files,
// multipart bodies and CSV recovery from a stray quote.
#include <gtest/gtest.h>
#include <minizip/zip.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "io/csv.h"
#include "io/multipart.h"
#include "io/row_source.h"
#include "io/vcard.h"
#include "io/xlsx.h"

namespace rapport {
namespace {

const std::string kSamples = std::string(RAPPORT_SHARED_DATA) + "/vcard-samples";

std::vector<VCard> ReadCards(const std::string& path, std::vector<Status>* errors = nullptr) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path;
  VCardReader r(in);
  std::vector<VCard> out;
  VCard card;
  Status err;
  while (r.Next(&card, &err)) {
    if (!err.ok()) {
      if (errors) errors->push_back(err);
      continue;
    }
    out.push_back(card);
  }
  return out;
}

std::map<std::string, std::string> RowOf(const VCard& card) {
  std::vector<std::string> row = VCardToRow(card);
  std::map<std::string, std::string> m;
  for (size_t i = 0; i < kVCardColumns.size(); ++i) m[kVCardColumns[i]] = row[i];
  return m;
}

std::string TempPath(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("rapport_import_test_" + std::to_string(getpid()) + "_" + name))
      .string();
}

void WriteFile(const std::string& path, const std::string& data) {
  std::ofstream f(path, std::ios::binary);
  f << data;
}

TEST(VCardSamplesTest, EverySampleFileParsesWithoutErrors) {
  int files = 0;
  for (const auto& dir : {"ez-vcard", "vobject"}) {
    for (const auto& e : std::filesystem::directory_iterator(kSamples + "/" + dir)) {
      if (e.path().extension() != ".vcf") continue;
      ++files;
      std::vector<Status> errors;
      auto cards = ReadCards(e.path().string(), &errors);
      EXPECT_TRUE(errors.empty()) << e.path() << ": " << (errors.empty() ? "" : errors[0].ToString());
      EXPECT_FALSE(cards.empty()) << e.path();
      for (const auto& c : cards) {
        auto row = RowOf(c);
        bool named = !row["last_name"].empty() || !row["first_name"].empty() || !row["company"].empty() ||
                     !row["email"].empty() || !row["phone"].empty() || !row["mobile"].empty();
        EXPECT_TRUE(named || c.First("KIND")) << e.path() << " line " << c.line;
      }
    }
  }
  EXPECT_GE(files, 30);
}

TEST(VCardSamplesTest, AndroidQuotedPrintableUtf8AndSeveralPhones) {
  auto cards = ReadCards(kSamples + "/ez-vcard/John_Doe_ANDROID.vcf");
  ASSERT_EQ(cards.size(), 6u);
  EXPECT_EQ(RowOf(cards[0])["email"], "john.doe@company.com");
  auto r2 = RowOf(cards[2]);
  EXPECT_EQ(r2["full_name"], "\xC3\x91 \xC3\x91 \xC3\x91 \xC3\x91 \xC3\x91") << "QP with CHARSET=UTF-8";
  EXPECT_EQ(r2["mobile"], "123456789");
  auto r3 = RowOf(cards[3]);
  EXPECT_EQ(r3["full_name"], "\xC3\x91 \xC3\x91 \xC3\x91 \xC3\x91 \xC3\x91 \xC3\x91 \xC3\x91 \xC3\x91 \xC3\x91 \xC3\x91 \xC3\x91")
      << "QP soft line break joins the two lines";
  EXPECT_EQ(r3["mobile"], "123456") << "the preferred cell phone";
  EXPECT_EQ(r3["phone"], "234567");
  EXPECT_EQ(r3["other_phones"], "3456789; 45678901") << "no number is dropped";
  EXPECT_EQ(cards[3].line, 18) << "cards carry the line of BEGIN:VCARD";
}

TEST(VCardSamplesTest, IphoneGroupsFoldingAndTypes) {
  auto cards = ReadCards(kSamples + "/ez-vcard/John_Doe_IPHONE.vcf");
  ASSERT_EQ(cards.size(), 1u);
  auto r = RowOf(cards[0]);
  EXPECT_EQ(r["last_name"], "Doe");
  EXPECT_EQ(r["first_name"], "John");
  EXPECT_EQ(r["middle_name"], "Richter,James");
  EXPECT_EQ(r["company"], "IBM");
  EXPECT_EQ(r["department"], "Accounting");
  EXPECT_EQ(r["title"], "Money Counter");
  EXPECT_EQ(r["email"], "john.doe@ibm.com");
  EXPECT_EQ(r["mobile"], "905-555-1234");
  EXPECT_EQ(r["fax"], "905-888-1234");
  EXPECT_EQ(r["street"], "Silicon Alley 5,") << "the preferred (home) address";
  EXPECT_EQ(r["city"], "New York");
  EXPECT_EQ(r["postcode"], "12345");
  EXPECT_EQ(r["country"], "United States of America");
  EXPECT_EQ(r["website"], "http://www.ibm.com") << "escaped colon";
}

TEST(VCardSamplesTest, Outlook21QuotedPrintableNote) {
  auto cards = ReadCards(kSamples + "/ez-vcard/outlook-2007.vcf");
  ASSERT_EQ(cards.size(), 1u);
  auto r = RowOf(cards[0]);
  EXPECT_FALSE(r["last_name"].empty());
  EXPECT_FALSE(r["description"].empty());
  EXPECT_EQ(r["description"].find("=0D"), std::string::npos) << r["description"];
}

TEST(VCardSamplesTest, Vcard40PreferencesUrisAndCaretEscapes) {
  auto cards = ReadCards(kSamples + "/vobject/vcard40_full.vcf");
  ASSERT_EQ(cards.size(), 1u);
  auto r = RowOf(cards[0]);
  EXPECT_EQ(r["email"], "johnny@personal.example.org") << "PREF=1 first";
  EXPECT_EQ(r["other_emails"], "john.public@example.com");
  EXPECT_EQ(r["phone"], "+1-555-555-5555") << "tel: URI";
  EXPECT_EQ(r["mobile"], "+1-555-123-4567");
  EXPECT_EQ(r["street"], "456 Oak Lane") << "preferred address";
  EXPECT_EQ(r["company"], "Example Corp.");
  EXPECT_EQ(r["description"], "This is a note about John.\nHe likes vCards.");

  cards = ReadCards(kSamples + "/ez-vcard/issue114.vcf");
  ASSERT_EQ(cards.size(), 1u);
  r = RowOf(cards[0]);
  EXPECT_EQ(r["full_name"], "Dummy, Dummy");
  EXPECT_EQ(r["city"], "Bad Homburg") << "folded ADR with a caret-escaped LABEL parameter";
  EXPECT_EQ(r["source_ref"], "8b574c60-fd7f-4e99-b584-c5db131ae687");
}

TEST(VCardSamplesTest, LowerCaseGroupedBeginAndChinese21Name) {
  auto cards = ReadCards(kSamples + "/vobject/vcard_with_groups.vcf");
  ASSERT_EQ(cards.size(), 1u);
  auto r = RowOf(cards[0]);
  EXPECT_EQ(r["last_name"], "Berger");
  EXPECT_EQ(r["email"], "mb@goerlitz.de");
  cards = ReadCards(kSamples + "/vobject/radicale-1238-1.vcf");
  ASSERT_EQ(cards.size(), 1u);
  r = RowOf(cards[0]);
  EXPECT_EQ(r["first_name"], "\xE6\xB5\x8B\xE8\xAF\x95\xE6\xB5\x8B\xE8\xAF\x95\xE6\xB5\x8B\xE8\xAF\x95\xE6\xB5\x8B\xE8\xAF\x95\xE6\xB5\x8B\xE8\xAF\x95\xE6\xB5\x8B");
  EXPECT_EQ(r["mobile"], "12 345 678 90");
}

TEST(VCardSamplesTest, OrganisationCards) {
  auto cards = ReadCards(kSamples + "/vobject/radicale-1238-0.vcf");
  ASSERT_EQ(cards.size(), 1u);
  auto r = RowOf(cards[0]);
  EXPECT_FALSE(r["company"].empty()) << "X-ABShowAs:COMPANY";
}

TEST(VCardReaderTest, CharsetsUnclosedCardsAndResume) {
  std::string text =
      "BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=ISO-8859-1:M\xFCller;J\xFCrgen\r\nEND:VCARD\r\n"
      "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Doe;Jane\r\nEMAIL:a@x.com\r\nEMAIL;TYPE=PREF:b@x.com\r\nEND:VCARD\r\n"
      "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Unclosed;Card\r\n";
  std::istringstream in(text);
  VCardReader r(in);
  VCard c;
  Status err;
  ASSERT_TRUE(r.Next(&c, &err));
  ASSERT_TRUE(err.ok());
  EXPECT_EQ(RowOf(c)["last_name"], "M\xC3\xBCller") << "ISO-8859-1 converted with ICU";
  int64_t resume = r.resume_offset(), resume_line = r.resume_line();
  ASSERT_TRUE(r.Next(&c, &err));
  EXPECT_EQ(RowOf(c)["email"], "b@x.com");
  EXPECT_EQ(RowOf(c)["other_emails"], "a@x.com");
  ASSERT_TRUE(r.Next(&c, &err));
  EXPECT_FALSE(err.ok());
  EXPECT_NE(err.message().find("line 11"), std::string::npos) << err.message();
  EXPECT_FALSE(r.Next(&c, &err));
  // Resume after the first card.
  ASSERT_TRUE(r.SeekTo(resume, resume_line));
  ASSERT_TRUE(r.Next(&c, &err));
  EXPECT_EQ(c.line, 5);
  EXPECT_EQ(RowOf(c)["last_name"], "Doe");
}

TEST(VCardWriterTest, RoundTripsThroughTheReaderWithFoldingAndEscapes) {
  VCardContact v;
  v.uid = "01J0000000000000000000000";
  v.first_name = "J\xC3\xBCrgen";
  v.last_name = "M\xC3\xBCller; Sohn";
  v.organisation = "Acme, Inc.";
  v.email = "juergen@example.com";
  v.phone = "+442079460958";
  v.mobile = "+16502530000";
  v.street = "1 Long Road";
  v.city = "London";
  v.postcode = "N1 9GU";
  v.country = "GB";
  v.note = std::string(200, 'x') + "\n\xE2\x82\xAC second line";
  std::string card = WriteVCard(v);
  for (size_t pos = 0; pos < card.size();) {
    size_t eol = card.find("\r\n", pos);
    ASSERT_NE(eol, std::string::npos);
    EXPECT_LE(eol - pos, 75u) << "lines are folded at 75 octets";
    pos = eol + 2;
  }
  std::istringstream in(card);
  VCardReader r(in);
  VCard c;
  Status err;
  ASSERT_TRUE(r.Next(&c, &err));
  ASSERT_TRUE(err.ok());
  auto row = RowOf(c);
  EXPECT_EQ(row["last_name"], v.last_name);
  EXPECT_EQ(row["first_name"], v.first_name);
  EXPECT_EQ(row["company"], v.organisation);
  EXPECT_EQ(row["email"], v.email);
  EXPECT_EQ(row["phone"], v.phone);
  EXPECT_EQ(row["mobile"], v.mobile);
  EXPECT_EQ(row["other_phones"], "");
  EXPECT_EQ(row["postcode"], v.postcode);
  EXPECT_EQ(row["description"], v.note);
  EXPECT_EQ(row["source_ref"], v.uid);
}

// A minimal .xlsx written with minizip: shared strings, inline strings,
// numbers, booleans, a gap in the columns and a date serial.
std::string WriteXlsx(const std::string& name) {
  std::string path = TempPath(name);
  zipFile z = zipOpen64(path.c_str(), 0);
  EXPECT_NE(z, nullptr);
  auto add = [&](const char* member, const std::string& data) {
    zip_fileinfo zi{};
    EXPECT_EQ(zipOpenNewFileInZip(z, member, &zi, nullptr, 0, nullptr, 0, nullptr, Z_DEFLATED, Z_DEFAULT_COMPRESSION),
              ZIP_OK);
    zipWriteInFileInZip(z, data.data(), static_cast<unsigned>(data.size()));
    zipCloseFileInZip(z);
  };
  add("[Content_Types].xml", "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>");
  add("xl/workbook.xml",
      "<?xml version=\"1.0\"?><workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
      "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets>"
      "<sheet name=\"People\" sheetId=\"1\" r:id=\"rId7\"/><sheet name=\"Other\" sheetId=\"2\" r:id=\"rId8\"/>"
      "</sheets></workbook>");
  add("xl/_rels/workbook.xml.rels",
      "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
      "<Relationship Id=\"rId8\" Target=\"worksheets/sheet2.xml\" Type=\"x\"/>"
      "<Relationship Id=\"rId7\" Target=\"worksheets/sheet1.xml\" Type=\"x\"/></Relationships>");
  add("xl/sharedStrings.xml",
      "<?xml version=\"1.0\"?><sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"5\">"
      "<si><t>First Name</t></si><si><t>Last Name</t></si><si><t>Email</t></si>"
      "<si><r><t>Ad</t></r><r><rPr><b/></rPr><t>a</t></r><rPh><t>PHONETIC</t></rPh></si>"
      "<si><t xml:space=\"preserve\">=cmd|' /C calc'!A0</t></si></sst>");
  add("xl/worksheets/sheet1.xml",
      "<?xml version=\"1.0\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
      "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c><c r=\"C1\" t=\"s\"><v>2</v></c>"
      "<c r=\"D1\" t=\"inlineStr\"><is><t>Score</t></is></c><c r=\"E1\" t=\"inlineStr\"><is><t>Since</t></is></c></row>"
      "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>3</v></c><c r=\"B2\" t=\"inlineStr\"><is><t>Lovelace</t></is></c>"
      "<c r=\"D2\"><v>42.5</v></c><c r=\"E2\"><v>45292</v></c></row>"
      "<row r=\"3\"/>"
      "<row r=\"5\"><c r=\"B5\" t=\"s\"><v>4</v></c><c r=\"C5\" t=\"str\"><f>A1</f><v>x@example.com</v></c>"
      "<c r=\"D5\" t=\"b\"><v>1</v></c></row>"
      "</sheetData></worksheet>");
  add("xl/worksheets/sheet2.xml", "<worksheet><sheetData/></worksheet>");
  zipClose(z, nullptr);
  return path;
}

TEST(XlsxReaderTest, ReadsTheFirstSheetWithSharedAndInlineStrings) {
  std::string path = WriteXlsx("people.xlsx");
  auto fmt = DetectFileFormat(path);
  ASSERT_TRUE(fmt.ok()) << fmt.status().ToString();
  EXPECT_EQ(*fmt, FileFormat::kXlsx);
  auto src = OpenRowSource(path);
  ASSERT_TRUE(src.ok()) << src.status().ToString();
  EXPECT_EQ((*src)->header(), (std::vector<std::string>{"First Name", "Last Name", "Email", "Score", "Since"}));
  SourceRow row;
  Status err;
  ASSERT_TRUE((*src)->Next(&row, &err));
  EXPECT_EQ(row.line, 2);
  EXPECT_EQ(row.cells[0], "Ada") << "rich text runs joined, phonetic runs left out";
  EXPECT_EQ(row.cells[1], "Lovelace");
  EXPECT_EQ(row.cells[2], "") << "a missing cell is empty";
  EXPECT_EQ(row.cells[3], "42.5");
  std::string date;
  ASSERT_TRUE(ExcelSerialToDate(row.cells[4], &date));
  EXPECT_EQ(date, "2024-01-01");
  ASSERT_TRUE((*src)->Next(&row, &err));
  EXPECT_EQ(row.line, 5) << "empty rows are skipped; the sheet row number is kept";
  EXPECT_EQ(row.cells[1], "=cmd|' /C calc'!A0") << "formula-looking text is data";
  EXPECT_EQ(row.cells[2], "x@example.com") << "a formula's cached value, not the formula";
  EXPECT_EQ(row.cells[3], "true");
  EXPECT_FALSE((*src)->Next(&row, &err));
  EXPECT_TRUE(err.ok());
  // Resume after row 2.
  auto again = OpenRowSource(path);
  ASSERT_TRUE(again.ok());
  ASSERT_TRUE((*again)->ResumeAfter(2, 3).ok());
  ASSERT_TRUE((*again)->Next(&row, &err));
  EXPECT_EQ(row.line, 5);
  std::filesystem::remove(path);
}

TEST(ExcelDatesTest, Serials) {
  std::string d;
  ASSERT_TRUE(ExcelSerialToDate("1", &d));
  EXPECT_EQ(d, "1900-01-01");
  ASSERT_TRUE(ExcelSerialToDate("61", &d));
  EXPECT_EQ(d, "1900-03-01");
  ASSERT_TRUE(ExcelSerialToDate("44197.75", &d));
  EXPECT_EQ(d, "2021-01-01");
  EXPECT_FALSE(ExcelSerialToDate("abc", &d));
  EXPECT_FALSE(ExcelSerialToDate("-3", &d));
}

TEST(FileFormatTest, FilesThatAreNotCsvXlsxOrVCardAreRefusedWithAReason) {
  struct Case {
    std::string bytes, want;
  } cases[] = {
      {"%PDF-1.7\n...", "PDF"},
      {std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) + "xls", ".xls"},
      {std::string("\x1F\x8B\x08\x00", 4), "gzip"},
      {std::string("\xFF\xFEn\0a\0m\0e\0", 10), "UTF-16"},
      {std::string("\x7F" "ELF\x02\x01\x01\0\0\0", 10), "binary"},
      {std::string("PK\x03\x04", 4) + "word/document.xml", "ZIP"},
      {"", "empty"},
  };
  for (const auto& c : cases) {
    std::string path = TempPath("bad");
    WriteFile(path, c.bytes);
    auto r = OpenRowSource(path);
    ASSERT_FALSE(r.ok()) << c.want;
    EXPECT_NE(r.status().message().find(c.want), std::string::npos) << r.status().message();
    std::filesystem::remove(path);
  }
  std::string path = TempPath("card.txt");
  WriteFile(path, "\xEF\xBB\xBF\r\nitem.BEGIN:VCARD\r\nN:X\r\nEND:VCARD\r\n");
  auto f = DetectFileFormat(path);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(*f, FileFormat::kVCard) << "by content, not by name";
  std::filesystem::remove(path);
}

TEST(CsvRecoveryTest, AStrayQuoteCostsOneRecordNotTheRestOfTheFile) {
  std::string text = "name,email\nAda,a@x.com\n\"Broken,b@x.com\nCarl,c@x.com\nDora,d@x.com\n";
  std::istringstream in(text);
  CsvReader r(in);
  CsvRecord rec;
  Status err;
  std::vector<std::string> names;
  std::vector<std::string> errors;
  while (r.Next(&rec, &err)) {
    if (!err.ok()) {
      errors.push_back(err.message());
      continue;
    }
    names.push_back(rec.fields[0] + "@" + std::to_string(rec.line));
  }
  EXPECT_EQ(names, (std::vector<std::string>{"name@1", "Ada@2", "Carl@4", "Dora@5"}));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("line 3"), std::string::npos) << errors[0];
}

TEST(CsvRecoveryTest, MixedEncodingFieldsAreRecoded) {
  std::string text = "name\nJos\xC3\xA9\n" + std::string(70000, 'a') + "\nM\xFCller\n";
  std::istringstream in(text);
  CsvReader r(in);
  CsvRecord rec;
  Status err;
  std::vector<std::string> rows;
  while (r.Next(&rec, &err)) rows.push_back(rec.fields.empty() ? "" : rec.fields[0]);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[1], "Jos\xC3\xA9");
  EXPECT_EQ(rows[3], "M\xC3\xBCller") << "a Windows-1252 field after 64 KiB of UTF-8";
  EXPECT_EQ(r.recoded_fields(), 1);
}

TEST(MultipartTest, SplitsFieldsAndStreamsTheFilePart) {
  std::string body_path = TempPath("body"), out = TempPath("file");
  std::string file(200000, 'x');
  file += "\r\n--notquite\r\n";
  std::string body = "preamble\r\n--XyZ\r\nContent-Disposition: form-data; name=\"options\"\r\n\r\n{\"object\":\"leads\"}"
                     "\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"people.csv\"\r\n"
                     "Content-Type: text/csv\r\n\r\n" +
                     file + "\r\n--XyZ--\r\n";
  WriteFile(body_path, body);
  EXPECT_EQ(MultipartBoundary("multipart/form-data; boundary=XyZ"), "XyZ");
  EXPECT_EQ(MultipartBoundary("multipart/form-data; boundary=\"XyZ\""), "XyZ");
  EXPECT_EQ(MultipartBoundary("text/csv"), "");
  auto r = ExtractMultipart(body_path, "XyZ", out);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->fields["options"], "{\"object\":\"leads\"}");
  EXPECT_TRUE(r->has_file);
  EXPECT_EQ(r->file_name, "people.csv");
  std::ifstream f(out, std::ios::binary);
  std::string got((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  EXPECT_EQ(got, file);
  WriteFile(body_path, "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"\r\n\r\nno end");
  EXPECT_FALSE(ExtractMultipart(body_path, "XyZ", out).ok());
  std::filesystem::remove(body_path);
  std::filesystem::remove(out);
}

}  // namespace
}  // namespace rapport
