// The web app's import wizard through a real `rapport serve` (issue 4,
// docs/decisions/021): a file uploaded once and previewed (columns, sample
// values, suggested mapping, importable fields), refused with 422 when it is
// not a readable file (nothing kept), a dry run and then the import from the
// same upload (the file stays for the dry run and goes after the import),
// the mapping saved and offered again for the same headers, uploads private
// to their user, saved mappings listed and deleted. Runs over SQLite and
// PostgreSQL (RAPPORT_TEST_BACKEND).
#include <gtest/gtest.h>
#include <minizip/zip.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <filesystem>
#include <thread>

#include "harness.h"
#include "store/conn.h"

namespace rapport::test {
namespace {

using nlohmann::json;

class ImportWizardApi : public ServerSuite<ImportWizardApi> {
 protected:
  // A file sent as the `file` part of a multipart body, options as fields.
  Response UploadMultipart(Api& api, const std::string& file_name, const std::string& content,
                           const std::map<std::string, std::string>& fields) {
    std::string b = "----wizardTEST7";
    std::string body;
    for (const auto& [k, v] : fields) body += "--" + b + "\r\nContent-Disposition: form-data; name=\"" + k + "\"\r\n\r\n" + v + "\r\n";
    body += "--" + b + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + file_name +
            "\"\r\nContent-Type: text/csv\r\n\r\n" + content + "\r\n--" + b + "--\r\n";
    return api.Do("POST", "/api/v1/imports/uploads", body, {{"Content-Type", "multipart/form-data; boundary=" + b}});
  }

  json WaitDone(Api& api, const std::string& id) {
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    json j;
    while (std::chrono::steady_clock::now() < until) {
      auto r = api.Get("/api/v1/imports/" + id);
      EXPECT_EQ(r.status, 200) << r.body;
      j = r.json();
      std::string st = j.value("status", "");
      if (st != "queued" && st != "running" && st != "dry_run_queued" && !j.value("active", false)) return j;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ADD_FAILURE() << "import " << id << " did not finish: " << j.dump();
    return j;
  }

  // The first cell of a query on the server's own database (both backends).
  std::string DbText(const std::string& sql, const std::vector<Value>& params = {}) {
    auto store = OpenStore(server_->db_url());
    EXPECT_TRUE(store.ok());
    auto conn = (*store)->Connect();
    EXPECT_TRUE(conn.ok());
    auto r = (*conn)->Query(sql, params);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (!r.ok() || r->empty()) return "";
    return ValueToString(r->rows[0][0]);
  }
  int64_t UploadRows(const std::string& id) {
    return std::atoll(DbText("SELECT COUNT(*) FROM import_uploads WHERE id = ?", {Value{id}}).c_str());
  }
  int64_t AllUploadRows() { return std::atoll(DbText("SELECT COUNT(*) FROM import_uploads").c_str()); }

  std::string MakeRep(const std::string& email) {
    auto r = api_->Post("/api/v1/users", {{"email", email}, {"name", email.substr(0, email.find('@'))}, {"role", "rep"}});
    EXPECT_EQ(r.status, 201) << r.body;
    std::string token = server_->Cli("token create --email " + email);
    return token.substr(0, token.find('\n'));
  }
};

TEST_F(ImportWizardApi, UploadPreviewsColumnsSamplesAndTheSuggestedMapping) {
  std::string csv = "First Name,Surname,E-mail,Shoe size\n"
                    "Ada,Lovelace,ada@wizard.example,38\n"
                    "Bob,,bob@wizard.example,\n"
                    "Cy,Young,cy@wizard.example,44\n";
  auto r = UploadMultipart(*api_, "people.csv", csv, {{"object", "leads"}});
  ASSERT_EQ(r.status, 201) << r.body;
  json j = r.json();
  EXPECT_FALSE(j["upload_id"].get<std::string>().empty());
  EXPECT_EQ(j["file_name"], "people.csv");
  EXPECT_EQ(j["format"], "csv");
  EXPECT_EQ(j["size"], static_cast<int64_t>(csv.size()));
  EXPECT_EQ(j["rows_sampled"], 3);
  ASSERT_EQ(j["columns"].size(), 4u);
  EXPECT_EQ(j["columns"][0]["header"], "First Name");
  EXPECT_EQ(j["columns"][0]["samples"], json({"Ada", "Bob", "Cy"}));
  EXPECT_EQ(j["columns"][1]["samples"], json({"Lovelace", "Young"}));  // empty cells are no samples
  EXPECT_EQ(j["mapping_source"], "auto");
  EXPECT_EQ(j["suggested_mapping"]["First Name"], "first_name");
  EXPECT_EQ(j["suggested_mapping"]["E-mail"], "email");
  EXPECT_EQ(j["suggested_mapping"]["Surname"], "");  // no field is named so
  EXPECT_EQ(j["suggested_mapping"]["Shoe size"], "");
  // The importable fields: writable ones, with their type; no system fields
  // and not `source` (every imported lead gets source=import).
  bool has_email = false;
  for (const auto& f : j["fields"]) {
    EXPECT_NE(f["name"], "id");
    EXPECT_NE(f["name"], "created_at");
    EXPECT_NE(f["name"], "source");
    if (f["name"] == "email") {
      has_email = true;
      EXPECT_EQ(f["type"], "email");
      EXPECT_EQ(f["label"], "Email");
    }
  }
  EXPECT_TRUE(has_email) << j["fields"].dump();
  EXPECT_EQ(UploadRows(j["upload_id"]), 1);
  std::string path = DbText("SELECT path FROM import_uploads WHERE id = ?", {Value{j["upload_id"].get<std::string>()}});
  EXPECT_TRUE(std::filesystem::exists(path)) << path;

  // A raw body works too, options in the query string.
  auto raw = api_->Do("POST", "/api/v1/imports/uploads?object=contacts&file_name=c.csv", "email,last_name\na@b.example,B\n",
                      {{"Content-Type", "text/csv"}});
  ASSERT_EQ(raw.status, 201) << raw.body;
  EXPECT_EQ(raw.json()["suggested_mapping"]["last_name"], "last_name");
  EXPECT_EQ(raw.json()["file_name"], "c.csv");
}

// A one-sheet .xlsx (shared strings, an inline string, a number) as bytes.
std::string XlsxBytes() {
  std::string path = (std::filesystem::temp_directory_path() / ("wizard-" + std::to_string(getpid()) + ".xlsx")).string();
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
      "<sheet name=\"Prospects\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>");
  add("xl/_rels/workbook.xml.rels",
      "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
      "<Relationship Id=\"rId1\" Target=\"worksheets/sheet1.xml\" Type=\"x\"/></Relationships>");
  add("xl/sharedStrings.xml",
      "<?xml version=\"1.0\"?><sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"3\">"
      "<si><t>Company</t></si><si><t>Employees</t></si><si><t>Globex</t></si></sst>");
  add("xl/worksheets/sheet1.xml",
      "<?xml version=\"1.0\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
      "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c></row>"
      "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>2</v></c><c r=\"B2\"><v>250</v></c></row>"
      "<row r=\"3\"><c r=\"A3\" t=\"inlineStr\"><is><t>Initech</t></is></c></row>"
      "</sheetData></worksheet>");
  zipClose(z, nullptr);
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  std::filesystem::remove(path);
  return ss.str();
}

TEST_F(ImportWizardApi, AnXlsxWorkbookIsPreviewedFromItsFirstSheet) {
  auto r = UploadMultipart(*api_, "prospects.xlsx", XlsxBytes(), {{"object", "accounts"}});
  ASSERT_EQ(r.status, 201) << r.body;
  json j = r.json();
  EXPECT_EQ(j["format"], "xlsx");
  ASSERT_EQ(j["columns"].size(), 2u);
  EXPECT_EQ(j["columns"][0]["samples"], json({"Globex", "Initech"}));
  EXPECT_EQ(j["columns"][1]["samples"], json({"250"}));
  EXPECT_EQ(j["rows_sampled"], 2);
  EXPECT_EQ(j["suggested_mapping"]["Employees"], "employees");
  bool name_required = false;
  for (const auto& f : j["fields"]) name_required = name_required || (f["name"] == "name" && f["required"] == true);
  EXPECT_TRUE(name_required) << j["fields"].dump();
  // The account name is required: the import names it through the mapping.
  auto go = api_->Post("/api/v1/imports", {{"upload_id", j["upload_id"]}, {"mapping", {{"Company", "name"}}}});
  ASSERT_EQ(go.status, 202) << go.body;
  json done = WaitDone(*api_, go.json()["id"]);
  EXPECT_EQ(done["status"], "done") << done.dump();
  EXPECT_EQ(done["created"], 2);
  auto initech = api_->Get("/api/v1/accounts?filter=name:eq:Initech");
  EXPECT_EQ(initech.json()["data"].size(), 1u) << initech.body;
}

TEST_F(ImportWizardApi, BadFilesGet422AndNothingIsKept) {
  int64_t before = AllUploadRows();
  struct Case {
    std::string name, content, expect;
  };
  std::vector<Case> cases = {
      {"empty.csv", "", "empty"},
      {"old.xls", std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) + std::string(600, '\0'), "xls"},
      {"utf16.csv", std::string("\xFF\xFE" "a\0,\0b\0\n\0", 10), "UTF-16"},
      {"x.pdf", "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<<>>\nendobj\n", "PDF"},
  };
  for (const auto& c : cases) {
    auto r = UploadMultipart(*api_, c.name, c.content, {{"object", "leads"}});
    EXPECT_EQ(r.status, 422) << c.name << ": " << r.body;
    EXPECT_NE(r.json()["error"]["message"].get<std::string>().find(c.expect), std::string::npos) << c.name << ": " << r.body;
    EXPECT_EQ(r.json()["error"]["field"], "file") << r.body;
  }
  EXPECT_EQ(AllUploadRows(), before);
  // No object, or one that takes no imports: 400 naming the field.
  auto none = UploadMultipart(*api_, "a.csv", "email\na@b.example\n", {});
  EXPECT_EQ(none.status, 400) << none.body;
  EXPECT_EQ(none.json()["error"]["field"], "object");
  auto opp = UploadMultipart(*api_, "a.csv", "email\na@b.example\n", {{"object", "opportunities"}});
  EXPECT_EQ(opp.status, 400) << opp.body;
  EXPECT_EQ(AllUploadRows(), before);
}

TEST_F(ImportWizardApi, DryRunThenImportFromOneUploadAndTheMappingIsOfferedAgain) {
  std::string csv = "Given,Family,Mail,Notes\n"
                    "Ann,Archer,ann@dry.example,x\n"
                    "Ben,Baker,not-an-email,y\n"
                    "Cat,Cole,cat@dry.example,z\n";
  auto up = UploadMultipart(*api_, "dry.csv", csv, {{"object", "leads"}});
  ASSERT_EQ(up.status, 201) << up.body;
  std::string upload_id = up.json()["upload_id"];
  std::string path = DbText("SELECT path FROM import_uploads WHERE id = ?", {Value{upload_id}});
  json mapping = {{"Given", "first_name"}, {"Family", "last_name"}, {"Mail", "email"}, {"Notes", ""}};

  // The dry run: counts and the bad row with its line, nothing written, the upload kept.
  auto dry = api_->Post("/api/v1/imports", {{"upload_id", upload_id}, {"mapping", mapping}, {"dry_run", true}});
  ASSERT_EQ(dry.status, 202) << dry.body;
  json d = WaitDone(*api_, dry.json()["id"]);
  EXPECT_EQ(d["status"], "dry_run") << d.dump();
  EXPECT_EQ(d["created"], 2);
  EXPECT_EQ(d["failed"], 1);
  ASSERT_EQ(d["errors"].size(), 1u);
  EXPECT_EQ(d["errors"][0]["line"], 3);
  EXPECT_EQ(d["errors"][0]["field"], "email");
  EXPECT_EQ(api_->Get("/api/v1/leads?filter=email:eq:ann@dry.example").json()["data"].size(), 0u);
  EXPECT_TRUE(std::filesystem::exists(path)) << "a dry run must not delete the upload";
  EXPECT_EQ(UploadRows(upload_id), 1);

  // The import itself from the same upload: good rows land, the bad one is reported.
  auto real = api_->Post("/api/v1/imports", {{"upload_id", upload_id}, {"mapping", mapping}, {"upsert_key", "email"}});
  ASSERT_EQ(real.status, 202) << real.body;
  std::string import_id = real.json()["id"];
  json i = WaitDone(*api_, import_id);
  EXPECT_EQ(i["status"], "done") << i.dump();
  EXPECT_EQ(i["created"], 2);
  EXPECT_EQ(i["failed"], 1);
  EXPECT_EQ(i["file_name"], "dry.csv");
  auto ann = api_->Get("/api/v1/leads?filter=email:eq:ann@dry.example");
  ASSERT_EQ(ann.json()["data"].size(), 1u) << ann.body;
  EXPECT_EQ(ann.json()["data"][0]["first_name"], "Ann");
  EXPECT_EQ(ann.json()["data"][0]["source"], "import");
  EXPECT_FALSE(std::filesystem::exists(path)) << "the file goes once its import is done";
  EXPECT_EQ(UploadRows(upload_id), 0);
  // The upload was used up: importing it again is a 404.
  auto twice = api_->Post("/api/v1/imports", {{"upload_id", upload_id}, {"mapping", mapping}});
  EXPECT_EQ(twice.status, 404) << twice.body;

  // The mapping was saved: a file with the same headers (other order, other
  // case) is offered it; other headers get the automatic one.
  auto again = UploadMultipart(*api_, "more.csv", "mail,GIVEN,Family,notes\nd@dry.example,Dee,Dunn,\n",
                               {{"object", "leads"}});
  ASSERT_EQ(again.status, 201) << again.body;
  EXPECT_EQ(again.json()["mapping_source"], "saved");
  EXPECT_EQ(again.json()["suggested_mapping"]["mail"], "email");
  EXPECT_EQ(again.json()["suggested_mapping"]["GIVEN"], "first_name");
  EXPECT_EQ(again.json()["suggested_mapping"]["Family"], "last_name");
  EXPECT_EQ(again.json()["suggested_mapping"]["notes"], "");
  auto contacts = UploadMultipart(*api_, "c.csv", "Given,Family,Mail,Notes\nE,F,e@f.example,\n", {{"object", "contacts"}});
  ASSERT_EQ(contacts.status, 201);
  EXPECT_EQ(contacts.json()["mapping_source"], "auto");  // saved per object

  // Listed, and deleted by its owner (an admin here).
  auto list = api_->Get("/api/v1/imports/mappings?object=leads");
  ASSERT_EQ(list.status, 200) << list.body;
  std::string mapping_id;
  const json listed = list.json();
  for (const auto& mj : listed["data"]) {
    if (mj["mapping"].value("Given", "") == "first_name") mapping_id = mj["id"];
  }
  ASSERT_FALSE(mapping_id.empty()) << list.body;
  EXPECT_EQ(api_->Delete("/api/v1/imports/mappings/" + mapping_id).status, 204);
  EXPECT_EQ(api_->Delete("/api/v1/imports/mappings/" + mapping_id).status, 404);
  auto after = UploadMultipart(*api_, "more.csv", "mail,GIVEN,Family,notes\nd@dry.example,Dee,Dunn,\n", {{"object", "leads"}});
  EXPECT_EQ(after.json()["mapping_source"], "auto") << after.body;
}

TEST_F(ImportWizardApi, UploadsBelongToTheirUserAndMappingsToWhoSavedThem) {
  auto up = UploadMultipart(*api_, "mine.csv", "email,last_name\nmine@own.example,Own\n", {{"object", "leads"}});
  ASSERT_EQ(up.status, 201) << up.body;
  std::string upload_id = up.json()["upload_id"];
  Api rep(server_->port(), MakeRep("wizard-rep@example.com"));
  auto r = rep.Post("/api/v1/imports", {{"upload_id", upload_id}, {"dry_run", true}});
  EXPECT_EQ(r.status, 404) << r.body;
  r = rep.Post("/api/v1/imports", {{"upload_id", upload_id}});
  EXPECT_EQ(r.status, 404) << r.body;
  EXPECT_EQ(UploadRows(upload_id), 1);  // still the admin's
  auto unknown = api_->Post("/api/v1/imports", {{"upload_id", "nope"}});
  EXPECT_EQ(unknown.status, 404);
  auto missing = api_->Post("/api/v1/imports", {{"mapping", json::object()}});
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(missing.json()["error"]["field"], "upload_id");

  // The rep's own upload and import save a mapping the rep may delete, and
  // the admin's mapping the rep may not.
  auto rep_up = UploadMultipart(rep, "rep.csv", "Mail Address,Name\nrep1@own.example,Rep One\n", {{"object", "leads"}});
  ASSERT_EQ(rep_up.status, 201) << rep_up.body;
  auto go = rep.Post("/api/v1/imports", {{"upload_id", rep_up.json()["upload_id"]},
                                         {"mapping", {{"Mail Address", "email"}, {"Name", "last_name"}}}});
  ASSERT_EQ(go.status, 202) << go.body;
  EXPECT_EQ(WaitDone(rep, go.json()["id"])["created"], 1);
  auto admin_go = api_->Post("/api/v1/imports", {{"upload_id", upload_id}, {"mapping", {{"email", "email"}, {"last_name", "last_name"}}}});
  ASSERT_EQ(admin_go.status, 202) << admin_go.body;
  WaitDone(*api_, admin_go.json()["id"]);
  auto list = rep.Get("/api/v1/imports/mappings?object=leads");
  ASSERT_EQ(list.status, 200);
  std::string rep_mapping, admin_mapping;
  const json listed = list.json();
  for (const auto& mj : listed["data"]) {
    if (mj["mapping"].contains("Mail Address")) rep_mapping = mj["id"];
    if (mj["mapping"].contains("last_name") && mj["mapping"].size() == 2) admin_mapping = mj["id"];
  }
  ASSERT_FALSE(rep_mapping.empty()) << list.body;
  ASSERT_FALSE(admin_mapping.empty()) << list.body;
  EXPECT_EQ(rep.Delete("/api/v1/imports/mappings/" + admin_mapping).status, 403);
  EXPECT_EQ(rep.Delete("/api/v1/imports/mappings/" + rep_mapping).status, 204);
}

TEST_F(ImportWizardApi, AnUploadExpiresAfterADay) {
  auto up = UploadMultipart(*api_, "old.csv", "email,last_name\nold@exp.example,Old\n", {{"object", "leads"}});
  ASSERT_EQ(up.status, 201) << up.body;
  std::string id = up.json()["upload_id"];
  std::string path = DbText("SELECT path FROM import_uploads WHERE id = ?", {Value{id}});
  {
    auto store = OpenStore(server_->db_url());
    ASSERT_TRUE(store.ok());
    auto conn = (*store)->Connect();
    ASSERT_TRUE(conn.ok());
    ASSERT_TRUE((*conn)->Exec("UPDATE import_uploads SET created_at = '2020-01-01T00:00:00.000Z' WHERE id = ?",
                              {Value{id}}).ok());
  }
  EXPECT_EQ(api_->Post("/api/v1/imports", {{"upload_id", id}, {"dry_run", true}}).status, 404);
  // The next upload deletes the stale one, file and row.
  auto next = UploadMultipart(*api_, "new.csv", "email,last_name\nnew@exp.example,New\n", {{"object", "leads"}});
  ASSERT_EQ(next.status, 201);
  EXPECT_EQ(UploadRows(id), 0);
  EXPECT_FALSE(std::filesystem::exists(path));
}

}  // namespace
}  // namespace rapport::test
