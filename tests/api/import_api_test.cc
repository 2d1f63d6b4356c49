// Imports through a real `rapport serve` and the real CLI (issue 4): raw and
// multipart uploads, progress and per-row errors, dry run, undo, upload size
// limits (per route), files that are not CSV/XLSX/vCard, vCard export, and
// `rapport import` killed with SIGKILL midway then run again: no row lost,
// none duplicated. Runs over SQLite and PostgreSQL (RAPPORT_TEST_BACKEND).
#include <gtest/gtest.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "harness.h"
#include "store/conn.h"

namespace rapport::test {
namespace {

using nlohmann::json;

class ImportApi : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<Server>();
    api_ = std::make_unique<Api>(server_->port(), server_->admin_token());
    dir_ = (std::filesystem::temp_directory_path() / ("rapport-import-api-" + std::to_string(getpid()) + "-" +
                                                       std::to_string(counter_++)))
               .string();
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  // Waits until an import is no longer queued or running.
  json WaitDone(const std::string& id, int seconds = 120) {
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    json j;
    while (std::chrono::steady_clock::now() < until) {
      auto r = api_->Get("/api/v1/imports/" + id);
      EXPECT_EQ(r.status, 200) << r.body;
      j = r.json();
      std::string st = j.value("status", "");
      if (st != "queued" && st != "running" && st != "dry_run_queued" && !j.value("active", false)) return j;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ADD_FAILURE() << "import " << id << " did not finish: " << j.dump();
    return j;
  }

  Response Upload(const std::string& query, const std::string& body, const std::string& type = "text/csv") {
    return api_->Do("POST", "/api/v1/imports" + query, body, {{"Content-Type", type}});
  }

  // A count from the database itself (both backends).
  int64_t DbCount(const std::string& sql) {
    auto store = OpenStore(server_->db_url());
    EXPECT_TRUE(store.ok());
    auto conn = (*store)->Connect();
    EXPECT_TRUE(conn.ok());
    auto r = (*conn)->Query(sql);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (!r.ok() || r->empty()) return -1;
    const Value& v = r->rows[0][0];
    if (auto* i = std::get_if<int64_t>(&v)) return *i;
    if (auto* d = std::get_if<double>(&v)) return static_cast<int64_t>(*d);
    return std::atoll(ValueToString(v).c_str());
  }

  // A GET read to the end of the connection (the harness client does not
  // decode chunked bodies): the raw response, headers and chunks included.
  std::string GetStreamed(const std::string& target) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(server_->port()));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    std::string req = "GET " + target + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\nAuthorization: Bearer " +
                      server_->admin_token() + "\r\n\r\n";
    EXPECT_EQ(send(fd, req.data(), req.size(), 0), static_cast<ssize_t>(req.size()));
    std::string out;
    char buf[65536];
    ssize_t n;
    while ((n = recv(fd, buf, sizeof buf, 0)) > 0) out.append(buf, static_cast<size_t>(n));
    close(fd);
    return out;
  }

  std::unique_ptr<Server> server_;
  std::unique_ptr<Api> api_;
  std::string dir_;
  static inline int counter_ = 0;
};

TEST_F(ImportApi, RawCsvUploadRunsInTheBackgroundAndReportsEveryFailedRow) {
  std::string csv = "Ref,First Name,Last Name,Email,Phone,Shoe size\n"
                    "L1,Ada,Lovelace,ada@example.com,(650) 253-0000,38\n"
                    "L2,Bob,,bob-at-example,,\n"
                    "L3,,Hopper,grace@example.com,,41\n";
  auto r = Upload("?object=leads&source_ref_column=Ref&file_name=people.csv", csv);
  ASSERT_EQ(r.status, 202) << r.body;
  std::string id = r.json()["id"];
  EXPECT_EQ(r.Header("location"), "/api/v1/imports/" + id);
  json j = WaitDone(id);
  EXPECT_EQ(j["status"], "done") << j.dump();
  EXPECT_EQ(j["rows_read"], 3);
  EXPECT_EQ(j["created"], 2);
  EXPECT_EQ(j["failed"], 1);
  ASSERT_EQ(j["errors"].size(), 1u);
  EXPECT_EQ(j["errors"][0]["line"], 3);
  EXPECT_EQ(j["errors"][0]["field"], "email");
  EXPECT_EQ(j["file_name"], "people.csv");
  EXPECT_EQ(j["progress"]["percent"], 100);
  ASSERT_EQ(j["unmapped_columns"].size(), 1u);
  EXPECT_EQ(j["unmapped_columns"][0]["column"], "Shoe size");
  auto leads = api_->Get("/api/v1/leads?filter=source:eq:import&sort=source_ref");
  ASSERT_EQ(leads.status, 200);
  ASSERT_EQ(leads.json()["data"].size(), 2u);
  EXPECT_EQ(leads.json()["data"][0]["source_ref"], "L1");
  EXPECT_EQ(leads.json()["data"][0]["phone"], "+16502530000");
  auto list = api_->Get("/api/v1/imports");
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.json()["data"][0]["id"], id);
  // The same file again is refused: nothing is duplicated.
  auto again = Upload("?object=leads&source_ref_column=Ref", csv);
  EXPECT_EQ(again.status, 409) << again.body;
}

TEST_F(ImportApi, MultipartUploadWithJsonOptionsAndADryRun) {
  std::string boundary = "----rapportTEST42";
  std::string vcf =
      "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Lovelace;Ada\r\nEMAIL:ada@example.com\r\nTEL;TYPE=CELL:+44 20 7946 0958\r\n"
      "END:VCARD\r\nBEGIN:VCARD\r\nVERSION:3.0\r\nFN:\r\nEMAIL:nobody@example.com\r\nEND:VCARD\r\n";
  auto body = [&](bool dry) {
    return "--" + boundary + "\r\nContent-Disposition: form-data; name=\"options\"\r\n\r\n" +
           json{{"object", "contacts"}, {"dry_run", dry}}.dump() + "\r\n--" + boundary +
           "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"cards.vcf\"\r\nContent-Type: text/vcard\r\n\r\n" +
           vcf + "\r\n--" + boundary + "--\r\n";
  };
  auto r = Upload("", body(true), "multipart/form-data; boundary=" + boundary);
  ASSERT_EQ(r.status, 202) << r.body;
  json j = WaitDone(r.json()["id"]);
  EXPECT_EQ(j["status"], "dry_run") << j.dump();
  EXPECT_EQ(j["format"], "vcard");
  EXPECT_EQ(j["created"], 1);
  EXPECT_EQ(j["failed"], 1);
  EXPECT_EQ(j["errors"][0]["field"], "last_name");
  EXPECT_EQ(api_->Get("/api/v1/contacts").json()["data"].size(), 0u) << "a dry run writes nothing";
  r = Upload("", body(false), "multipart/form-data; boundary=" + boundary);
  ASSERT_EQ(r.status, 202) << r.body;
  j = WaitDone(r.json()["id"]);
  EXPECT_EQ(j["status"], "done") << j.dump();
  auto contacts = api_->Get("/api/v1/contacts").json()["data"];
  ASSERT_EQ(contacts.size(), 1u);
  EXPECT_EQ(contacts[0]["mobile"], "+442079460958");
  // The vCard export gives it back (streamed, chunked).
  std::string vcf_out = GetStreamed("/api/v1/contacts/export.vcf");
  EXPECT_NE(vcf_out.find("Content-Type: text/vcard"), std::string::npos) << vcf_out;
  EXPECT_NE(vcf_out.find("N:Lovelace;Ada;;;"), std::string::npos) << vcf_out;
  EXPECT_NE(vcf_out.find("TEL;TYPE=CELL:+442079460958"), std::string::npos);
}

TEST_F(ImportApi, UndoRemovesWhatTheImportCreated) {
  auto r = Upload("?object=contacts", "last_name,email\nA,a@example.com\nB,b@example.com\n");
  ASSERT_EQ(r.status, 202) << r.body;
  std::string id = r.json()["id"];
  ASSERT_EQ(WaitDone(id)["created"], 2);
  auto u = api_->Post("/api/v1/imports/" + id + "/undo", json::object());
  ASSERT_EQ(u.status, 200) << u.body;
  EXPECT_EQ(u.json()["deleted"], 2);
  EXPECT_EQ(api_->Get("/api/v1/contacts").json()["data"].size(), 0u);
  EXPECT_EQ(api_->Get("/api/v1/contacts?deleted=only").json()["data"].size(), 2u) << "soft-deleted, restorable";
  EXPECT_EQ(api_->Get("/api/v1/imports/" + id).json()["status"], "undone");
  EXPECT_EQ(api_->Get("/api/v1/imports/NOSUCHIMPORT").status, 404);
}

TEST_F(ImportApi, UploadsHaveTheirOwnSizeLimitAndOtherRoutesKeepOneMebibyte) {
  // Larger than the 1 MiB JSON limit: accepted on the upload route.
  std::string csv = "source_ref,last_name,email\n";
  for (int i = 0; csv.size() < (3u << 19); ++i)
    csv += "S" + std::to_string(i) + ",Name" + std::to_string(i) + ",p" + std::to_string(i) + "@example.com\n";
  auto r = Upload("?object=leads", csv);
  ASSERT_EQ(r.status, 202) << r.body;
  json j = WaitDone(r.json()["id"]);
  EXPECT_EQ(j["status"], "done");
  EXPECT_GT(j["created"].get<int64_t>(), 30000);
  // Still 413 for JSON bodies over 1 MiB elsewhere.
  std::string big = json{{"last_name", std::string(1100000, 'x')}}.dump();
  EXPECT_EQ(api_->Do("POST", "/api/v1/leads", big).status, 413);
  // An upload whose Content-Length is over the upload limit is refused before its body is read.
  Client raw(server_->port());
  auto resp = raw.Raw("POST /api/v1/imports?object=leads HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " +
                      server_->admin_token() + "\r\nContent-Type: text/csv\r\nContent-Length: 99999999999\r\n\r\nabc");
  EXPECT_EQ(resp.status, 413) << resp.body;
  EXPECT_NE(resp.body.find("larger than"), std::string::npos);
}

TEST_F(ImportApi, FilesThatAreNotCsvXlsxOrVCardGetAClearError) {
  auto pdf = Upload("?object=leads", "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj", "application/pdf");
  EXPECT_EQ(pdf.status, 400) << pdf.body;
  EXPECT_NE(pdf.body.find("PDF"), std::string::npos);
  auto empty = Upload("?object=leads", "");
  EXPECT_EQ(empty.status, 400) << empty.body;
  auto no_object = Upload("", "last_name\nX\n");
  EXPECT_EQ(no_object.status, 400);
  EXPECT_NE(no_object.body.find("object"), std::string::npos);
  auto bad_option = Upload("?object=leads&colour=blue", "last_name\nX\n");
  EXPECT_EQ(bad_option.status, 400);
  EXPECT_NE(bad_option.body.find("colour"), std::string::npos);
  auto bad_multipart = Upload("", "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\nx",
                              "multipart/form-data; boundary=b");
  EXPECT_EQ(bad_multipart.status, 400) << bad_multipart.body;
  EXPECT_EQ(api_->Get("/api/v1/leads").json()["data"].size(), 0u);
  // Uploads need authentication like everything else.
  Client anon(server_->port());
  EXPECT_EQ(anon.Request("POST", "/api/v1/imports?object=leads", "last_name\nX\n").status, 401);
}

// The server killed with SIGKILL, or stopped cleanly, during an API import:
// after a restart the import continues by itself from its last checkpoint
// (nobody has to POST .../resume), and every row lands exactly once.
class ImportRestart : public ImportApi, public ::testing::WithParamInterface<int> {};

TEST_P(ImportRestart, AnUploadedImportContinuesByItselfAfterTheServerRestarts) {
  std::string csv = "source_ref,last_name,email,phone\n";
  const int kRows = 30000;
  for (int i = 0; i < kRows; ++i)
    csv += "S" + std::to_string(i) + ",Name" + std::to_string(i) + ",s" + std::to_string(i) + "@example.com,(650) 253-" +
           std::to_string(1000 + i % 9000) + "\n";
  auto r = Upload("?object=leads&batch_rows=500", csv);
  ASSERT_EQ(r.status, 202) << r.body;
  std::string id = r.json()["id"];
  int64_t seen = 0;
  for (int i = 0; i < 3000 && seen < 2000; ++i) {
    auto g = api_->Get("/api/v1/imports/" + id);
    if (g.status == 200) seen = g.json()["rows_read"].get<int64_t>();
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  server_->Restart(GetParam());
  api_ = std::make_unique<Api>(server_->port(), server_->admin_token());
  json j = WaitDone(id);
  EXPECT_EQ(j["status"], "done") << j.dump();
  EXPECT_GT(j.value("resumed_from_line", 0), 1000) << "continued from its checkpoint, not from the start: " << j.dump();
  EXPECT_EQ(j["rows_read"], kRows);
  EXPECT_EQ(j["created"], kRows);
  EXPECT_EQ(DbCount("SELECT COUNT(*) FROM leads"), kRows);
  EXPECT_EQ(DbCount("SELECT COUNT(DISTINCT source_ref) FROM leads"), kRows);
  EXPECT_EQ(DbCount("SELECT COUNT(*) FROM import_records"), kRows);
  EXPECT_EQ(api_->Post("/api/v1/imports/" + id + "/resume", json::object()).status, 409) << "done: nothing to resume";
}

INSTANTIATE_TEST_SUITE_P(Signals, ImportRestart, ::testing::Values(SIGKILL, SIGTERM),
                         [](const ::testing::TestParamInfo<int>& i) {
                           return std::string(i.param == SIGKILL ? "Killed" : "StoppedCleanly");
                         });

// `rapport import` killed with SIGKILL after some batches, then run again:
// every row lands exactly once.
TEST_F(ImportApi, CliImportKilledMidwayResumesWithoutMissingOrDuplicateRows) {
  const int kRows = 60000;
  std::string path = dir_ + "/big.csv";
  {
    std::ofstream f(path);
    f << "source_ref,first_name,last_name,email,phone,company,city\n";
    for (int i = 0; i < kRows; ++i) {
      f << "K" << i << ",First" << i << ",Last" << i << ",";
      if (i % 10000 == 3) f << "not-an-email";
      else f << "k" << i << "@example.com";
      f << ",(650) 253-" << (1000 + i % 9000) << ",Company " << (i % 977) << ",City\n";
    }
  }
  const int kBad = kRows / 10000;  // rows 3, 10003, ...
  pid_t pid = fork();
  if (pid == 0) {
    int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, 1);
    dup2(devnull, 2);
    execl(RAPPORT_BINARY, RAPPORT_BINARY, "import", "leads", path.c_str(), "--db", server_->db_url().c_str(),
          "--batch", "1000", "--quiet", static_cast<char*>(nullptr));
    _exit(127);
  }
  ASSERT_GT(pid, 0);
  // Kill it once a few batches are committed.
  int64_t seen = 0;
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (std::chrono::steady_clock::now() < until) {
    auto l = api_->Get("/api/v1/imports");
    if (l.status == 200 && !l.json()["data"].empty()) seen = l.json()["data"][0]["rows_read"].get<int64_t>();
    if (seen >= 5000) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill(pid, SIGKILL);
  int st = 0;
  waitpid(pid, &st, 0);
  ASSERT_TRUE(WIFSIGNALED(st)) << "the import finished before it could be killed (" << seen << " rows)";
  int64_t before = DbCount("SELECT COUNT(*) FROM leads");
  ASSERT_GE(before, 4000);
  ASSERT_LT(before, kRows - kBad) << "killed midway";
  auto list = api_->Get("/api/v1/imports").json()["data"];
  ASSERT_EQ(list.size(), 1u);
  std::string id = list[0]["id"];
  EXPECT_EQ(list[0]["status"], "running") << "left as it was by the kill";
  // The same command again resumes the same import.
  std::string out = server_->Cli("import leads " + path + " --batch 1000 --quiet");
  EXPECT_NE(out.find("resumed at line"), std::string::npos) << out;
  EXPECT_NE(out.find(id), std::string::npos) << out;
  json j = api_->Get("/api/v1/imports/" + id).json();
  EXPECT_EQ(j["status"], "done") << j.dump();
  EXPECT_EQ(j["rows_read"], kRows);
  EXPECT_EQ(j["created"], kRows - kBad);
  EXPECT_EQ(j["failed"], kBad);
  EXPECT_EQ(j["errors"].size(), static_cast<size_t>(kBad));
  EXPECT_EQ(DbCount("SELECT COUNT(*) FROM leads"), kRows - kBad) << "no row missing";
  EXPECT_EQ(DbCount("SELECT COUNT(DISTINCT source_ref) FROM leads"), kRows - kBad) << "no row duplicated";
  EXPECT_EQ(DbCount("SELECT COUNT(*) FROM import_records"), kRows - kBad);
  EXPECT_EQ(DbCount("SELECT COUNT(*) FROM leads WHERE phone LIKE '+1650253%'"), kRows - kBad) << "normalised";
  EXPECT_EQ(api_->Get("/api/v1/imports").json()["data"].size(), 1u) << "one import, not two";
}

}  // namespace
}  // namespace rapport::test
