// Calendar and contacts sync (issue 5): a real CalDAV/CardDAV client from
// Debian's packages (vdirsyncer) syncing both ways against `rapport serve`
// (create, edit, conflict, delete on each side), the DAV protocol answers a
// phone relies on (discovery, preconditions, errors, isolation between
// users), and the iCalendar feed parsed by Debian's python3-icalendar.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <regex>
#include <sstream>

#include "harness.h"

namespace rapport::test {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

std::string Base64(const std::string& in) {
  static const char* k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    out += {k[n >> 18], k[(n >> 12) & 63], k[(n >> 6) & 63], k[n & 63]};
  }
  if (i + 1 == in.size()) {
    uint32_t n = uint8_t(in[i]) << 16;
    out += {k[n >> 18], k[(n >> 12) & 63], '=', '='};
  } else if (i + 2 == in.size()) {
    uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
    out += {k[n >> 18], k[(n >> 12) & 63], k[(n >> 6) & 63], '='};
  }
  return out;
}

// Runs a shell command; returns its stdout and stderr, sets *status to the exit code.
std::string Shell(const std::string& cmd, int* status) {
  std::string out;
  FILE* p = popen(("(" + cmd + ") 2>&1").c_str(), "r");
  if (!p) throw std::runtime_error("popen failed");
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  int st = pclose(p);
  *status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return out;
}

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFile(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << text;
}

std::vector<fs::path> FilesIn(const fs::path& dir) {
  std::vector<fs::path> out;
  if (!fs::exists(dir)) return out;
  for (auto& e : fs::directory_iterator(dir)) {
    if (e.is_regular_file()) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The one file of `dir` whose text contains `needle` ("" if none or several).
fs::path FileWith(const fs::path& dir, const std::string& needle) {
  fs::path found;
  int n = 0;
  for (auto& f : FilesIn(dir)) {
    if (ReadFile(f).find(needle) != std::string::npos) {
      found = f;
      ++n;
    }
  }
  return n == 1 ? found : fs::path();
}

// Replaces the first line starting with `prefix` (or adds `line` before END:).
std::string SetLine(std::string text, const std::string& prefix, const std::string& line, const std::string& end) {
  size_t pos = text.find("\n" + prefix);
  if (pos != std::string::npos) {
    size_t e = text.find('\n', pos + 1);
    text.replace(pos + 1, e - pos - 1, line + "\r");
  } else {
    pos = text.find(end);
    text.insert(pos, line + "\r\n");
  }
  return text;
}

class DavApi : public ServerSuite<DavApi> {
 protected:
  struct User {
    std::string id, email, token;
  };

  static User MakeUser(const std::string& email, const std::string& role = "rep") {
    Api admin(server_->port(), server_->admin_token());
    auto r = admin.Post("/api/v1/users", {{"email", email}, {"name", email.substr(0, email.find('@'))}, {"role", role}});
    EXPECT_EQ(r.status, 201) << r.body;
    std::string token = server_->Cli("token create --email " + email + " --name phone");
    return {r.json()["id"], email, token.substr(0, token.find('\n'))};
  }

  // A DAV request with Basic credentials (email + API token).
  Response Dav(const User& u, const std::string& method, const std::string& path, const std::string& body = "",
               std::map<std::string, std::string> headers = {}) {
    Client c(server_->port());
    headers["Authorization"] = "Basic " + Base64(u.email + ":" + u.token);
    if (!body.empty() && !headers.count("Content-Type")) headers["Content-Type"] = "application/xml; charset=utf-8";
    return c.Request(method, path, body, headers);
  }

  static std::string TempDir() {
    std::random_device rd;
    fs::path d = fs::temp_directory_path() / ("rapport-dav-" + std::to_string(rd()));
    fs::create_directories(d);
    return d.string();
  }
};

const char* kPropfindEtags =
    "<?xml version=\"1.0\"?><d:propfind xmlns:d=\"DAV:\"><d:prop><d:resourcetype/><d:getetag/>"
    "<d:getcontenttype/></d:prop></d:propfind>";

TEST_F(DavApi, DiscoveryAsPhonesAndVdirsyncerDoIt) {
  User u = MakeUser("discover@example.com");
  Client anon(server_->port());
  auto opt = anon.Request("OPTIONS", "/dav/");
  EXPECT_EQ(opt.status, 200);
  EXPECT_NE(opt.Header("dav").find("calendar-access"), std::string::npos);
  EXPECT_NE(opt.Header("dav").find("addressbook"), std::string::npos);
  EXPECT_NE(opt.Header("allow").find("PROPFIND"), std::string::npos);

  auto noauth = anon.Request("PROPFIND", "/dav/", kPropfindEtags, {{"Depth", "0"}});
  EXPECT_EQ(noauth.status, 401);
  EXPECT_NE(noauth.Header("www-authenticate").find("Basic"), std::string::npos);
  // The sign-in password is refused: an API token is the DAV password.
  auto pw = anon.Request("PROPFIND", "/dav/", kPropfindEtags,
                         {{"Depth", "0"}, {"Authorization", "Basic " + Base64(server_->admin_email() + ":" +
                                                                              server_->admin_password())}});
  EXPECT_EQ(pw.status, 401);
  EXPECT_NE(pw.json()["error"]["message"].get<std::string>().find("API token"), std::string::npos);
  // Someone else's token under this user's name.
  User other = MakeUser("discover2@example.com");
  User mixed{u.id, u.email, other.token};
  EXPECT_EQ(Dav(mixed, "PROPFIND", "/dav/", kPropfindEtags, {{"Depth", "0"}}).status, 401);

  auto root = Dav(u, "PROPFIND", "/dav/",
                  "<propfind xmlns=\"DAV:\"><prop><current-user-principal/></prop></propfind>", {{"Depth", "0"}});
  ASSERT_EQ(root.status, 207) << root.body;
  std::string principal = "/dav/principals/" + u.id + "/";
  EXPECT_NE(root.body.find("<d:href>" + principal + "</d:href>"), std::string::npos) << root.body;

  auto homes = Dav(u, "PROPFIND", principal,
                   "<propfind xmlns=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:caldav\" "
                   "xmlns:A=\"urn:ietf:params:xml:ns:carddav\"><prop><C:calendar-home-set/><A:addressbook-home-set/>"
                   "<C:calendar-user-address-set/><displayname/><x:unknown xmlns:x=\"urn:example\"/></prop></propfind>",
                   {{"Depth", "0"}});
  ASSERT_EQ(homes.status, 207);
  std::string home = "/dav/home/" + u.id + "/";
  EXPECT_NE(homes.body.find("<c:calendar-home-set><d:href>" + home), std::string::npos) << homes.body;
  EXPECT_NE(homes.body.find("<card:addressbook-home-set><d:href>" + home), std::string::npos);
  EXPECT_NE(homes.body.find("mailto:discover@example.com"), std::string::npos);
  EXPECT_NE(homes.body.find("404 Not Found"), std::string::npos);  // the unknown property

  auto colls = Dav(u, "PROPFIND", home,
                   "<propfind xmlns=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:caldav\" xmlns:CS=\"http://calendarserver.org/ns/\">"
                   "<prop><resourcetype/><displayname/><C:supported-calendar-component-set/><CS:getctag/></prop></propfind>",
                   {{"Depth", "1"}});
  ASSERT_EQ(colls.status, 207);
  EXPECT_NE(colls.body.find(home + "calendar/"), std::string::npos);
  EXPECT_NE(colls.body.find("<c:calendar/>"), std::string::npos);
  EXPECT_NE(colls.body.find(home + "contacts/"), std::string::npos);
  EXPECT_NE(colls.body.find("<card:addressbook/>"), std::string::npos);
  EXPECT_NE(colls.body.find("<c:comp name=\"VTODO\"/>"), std::string::npos);
  EXPECT_NE(colls.body.find("<cs:getctag>"), std::string::npos);

  // Well-known URIs (RFC 6764) lead to the root.
  auto wk = anon.Request("GET", "/.well-known/caldav");
  EXPECT_EQ(wk.status, 301);
  EXPECT_EQ(wk.Header("location"), "/dav/");
}

TEST_F(DavApi, VdirsyncerSyncsBothWays) {
  int st = 0;
  std::string version = Shell("vdirsyncer --version", &st);
  ASSERT_EQ(st, 0) << "vdirsyncer is missing: scripts/install-deps installs it\n" << version;

  User u = MakeUser("sync.rep@example.com");
  User admin_user{"", server_->admin_email(), server_->admin_token()};
  Api rep(server_->port(), u.token);
  Api admin(server_->port(), server_->admin_token());

  // Server side: two contacts, a meeting, a call, a task, a note (not a
  // calendar item) and another user's contact (never synced to this rep).
  auto ada = rep.Post("/api/v1/contacts", {{"first_name", "Ada"}, {"last_name", "Lovelace"}, {"email", "ada@example.com"}});
  ASSERT_EQ(ada.status, 201) << ada.body;
  std::string ada_id = ada.json()["id"];
  ASSERT_EQ(rep.Post("/api/v1/contacts", {{"first_name", "Charles"}, {"last_name", "Babbage"}}).status, 201);
  ASSERT_EQ(rep.Post("/api/v1/activities", {{"type", "meeting"}, {"subject", "Quarterly review"},
                                            {"due_at", "2026-05-04T09:00:00Z"}, {"ends_at", "2026-05-04T10:30:00Z"}})
                .status,
            201);
  ASSERT_EQ(rep.Post("/api/v1/activities", {{"type", "call"}, {"subject", "Intro call"}, {"due_at", "2026-05-05T14:00:00Z"}})
                .status,
            201);
  ASSERT_EQ(rep.Post("/api/v1/activities", {{"type", "task"}, {"subject", "Send the proposal"},
                                            {"due_at", "2026-05-06T12:00:00Z"}})
                .status,
            201);
  ASSERT_EQ(rep.Post("/api/v1/activities", {{"type", "note"}, {"subject", "Likes tea"}}).status, 201);
  ASSERT_EQ(admin.Post("/api/v1/contacts", {{"last_name", "Secret"}, {"email", "secret@example.com"}}).status, 201);

  const std::string dir = TempDir();
  const fs::path contacts_dir = fs::path(dir) / "contacts" / "contacts";
  const fs::path calendar_dir = fs::path(dir) / "calendar" / "calendar";
  const std::string config = dir + "/config";
  auto write_config = [&](const std::string& resolution) {
    std::string url = "http://127.0.0.1:" + std::to_string(server_->port()) + "/dav/";
    std::string conflict = resolution.empty() ? "" : "conflict_resolution = \"" + resolution + "\"\n";
    WriteFile(config, "[general]\nstatus_path = \"" + dir + "/status/\"\n\n"
                      "[pair contacts]\na = \"contacts_local\"\nb = \"contacts_remote\"\ncollections = [\"from b\"]\n" +
                          conflict +
                          "\n[storage contacts_local]\ntype = \"filesystem\"\npath = \"" + dir +
                          "/contacts/\"\nfileext = \".vcf\"\n\n"
                          "[storage contacts_remote]\ntype = \"carddav\"\nurl = \"" + url + "\"\nusername = \"" + u.email +
                          "\"\npassword = \"" + u.token + "\"\n\n"
                          "[pair calendar]\na = \"calendar_local\"\nb = \"calendar_remote\"\ncollections = [\"from b\"]\n" +
                          conflict +
                          "\n[storage calendar_local]\ntype = \"filesystem\"\npath = \"" + dir +
                          "/calendar/\"\nfileext = \".ics\"\n\n"
                          "[storage calendar_remote]\ntype = \"caldav\"\nurl = \"" + url + "\"\nusername = \"" + u.email +
                          "\"\npassword = \"" + u.token + "\"\n");
  };
  auto vdirsyncer = [&](const std::string& args, int* status) {
    return Shell("yes | LC_ALL=C.UTF-8 LANG=C.UTF-8 vdirsyncer -c '" + config + "' " + args, status);
  };
  write_config("");
  std::string out = vdirsyncer("discover", &st);
  ASSERT_EQ(st, 0) << out;
  out = vdirsyncer("sync", &st);
  ASSERT_EQ(st, 0) << out;

  // 1. Server records appear as files: the rep's two contacts, the meeting,
  // the call and the task; not the note, not the admin's contact.
  ASSERT_EQ(FilesIn(contacts_dir).size(), 2u) << out;
  EXPECT_FALSE(FileWith(contacts_dir, "Lovelace").empty());
  EXPECT_TRUE(FileWith(contacts_dir, "Secret").empty());
  ASSERT_EQ(FilesIn(calendar_dir).size(), 3u) << out;
  fs::path meeting = FileWith(calendar_dir, "Quarterly review");
  ASSERT_FALSE(meeting.empty());
  std::string meeting_text = ReadFile(meeting);
  EXPECT_NE(meeting_text.find("DTSTART:20260504T090000Z"), std::string::npos) << meeting_text;
  EXPECT_NE(meeting_text.find("DTEND:20260504T103000Z"), std::string::npos);
  EXPECT_NE(ReadFile(FileWith(calendar_dir, "Send the proposal")).find("BEGIN:VTODO"), std::string::npos);
  EXPECT_TRUE(FileWith(calendar_dir, "Likes tea").empty());

  // 2. Created locally -> on the server, with the client's UID and name kept.
  WriteFile(contacts_dir / "grace-uid-1.vcf",
            "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:grace-uid-1\r\nN:Hopper;Grace;;;\r\nFN:Grace Hopper\r\n"
            "EMAIL;TYPE=INTERNET:grace@example.com\r\nBDAY:1906-12-09\r\nEND:VCARD\r\n");
  WriteFile(calendar_dir / "local-call-1.ics",
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:local-call-1\r\n"
            "DTSTAMP:20260401T000000Z\r\nDTSTART;TZID=Europe/Paris:20260507T100000\r\nDURATION:PT45M\r\n"
            "SUMMARY:Follow-up call\\, pricing\r\nCATEGORIES:Call\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n");
  out = vdirsyncer("sync", &st);
  ASSERT_EQ(st, 0) << out;
  auto grace = rep.Get("/api/v1/contacts?filter=last_name:eq:Hopper");
  ASSERT_EQ(grace.json()["data"].size(), 1u) << grace.body;
  std::string grace_id = grace.json()["data"][0]["id"];
  EXPECT_EQ(grace.json()["data"][0]["email"], "grace@example.com");
  EXPECT_EQ(grace.json()["data"][0]["owner_id"], u.id);
  auto call = rep.Get("/api/v1/activities?filter=subject:eq:" + UrlEncode("Follow-up call, pricing"));
  ASSERT_EQ(call.json()["data"].size(), 1u) << call.body;
  EXPECT_EQ(call.json()["data"][0]["type"], "call");
  EXPECT_EQ(call.json()["data"][0]["due_at"], "2026-05-07T08:00:00.000Z");  // Paris is UTC+2 in May
  EXPECT_EQ(call.json()["data"][0]["ends_at"], "2026-05-07T08:45:00.000Z");
  // The resource is found again under the client's name, with its own text.
  auto got = Dav(u, "GET", "/dav/home/" + u.id + "/contacts/grace-uid-1.vcf");
  ASSERT_EQ(got.status, 200);
  EXPECT_NE(got.body.find("BDAY:1906-12-09"), std::string::npos);
  EXPECT_EQ(got.Header("etag"), "\"1\"");

  // 3. Edited on the server -> the local file follows.
  auto ada_v = rep.Get("/api/v1/contacts/" + ada_id).json()["version"].get<int64_t>();
  ASSERT_EQ(rep.Patch("/api/v1/contacts/" + ada_id, {{"title", "Countess"}}, "\"" + std::to_string(ada_v) + "\"").status,
            200);
  out = vdirsyncer("sync", &st);
  ASSERT_EQ(st, 0) << out;
  fs::path ada_file = FileWith(contacts_dir, "Lovelace");
  ASSERT_FALSE(ada_file.empty());
  EXPECT_NE(ReadFile(ada_file).find("TITLE:Countess"), std::string::npos) << ReadFile(ada_file);

  // Edited locally -> the server follows (through RecordService: audited).
  fs::path grace_file = contacts_dir / "grace-uid-1.vcf";
  WriteFile(grace_file, SetLine(ReadFile(grace_file), "TITLE", "TITLE:Rear Admiral", "END:VCARD"));
  out = vdirsyncer("sync", &st);
  ASSERT_EQ(st, 0) << out;
  auto grace2 = rep.Get("/api/v1/contacts/" + grace_id);
  EXPECT_EQ(grace2.json()["title"], "Rear Admiral") << grace2.body;
  EXPECT_EQ(grace2.json()["version"], 2);
  auto hist = rep.Get("/api/v1/contacts/" + grace_id + "/history");
  EXPECT_NE(hist.body.find("Rear Admiral"), std::string::npos);

  // 4. Conflict: both sides edit Ada between syncs. Without a resolution
  // vdirsyncer reports it and neither side is overwritten.
  ada_v = rep.Get("/api/v1/contacts/" + ada_id).json()["version"].get<int64_t>();
  ASSERT_EQ(rep.Patch("/api/v1/contacts/" + ada_id, {{"city", "London"}}, "\"" + std::to_string(ada_v) + "\"").status, 200);
  WriteFile(ada_file, SetLine(ReadFile(ada_file), "TITLE", "TITLE:Analyst", "END:VCARD"));
  out = vdirsyncer("sync", &st);
  EXPECT_NE(st, 0) << out;
  std::string lower = out;
  std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
  EXPECT_NE(lower.find("conflict"), std::string::npos) << out;
  auto ada_now = rep.Get("/api/v1/contacts/" + ada_id).json();
  EXPECT_EQ(ada_now["title"], "Countess");  // the server's record was not overwritten
  EXPECT_EQ(ada_now["city"], "London");
  EXPECT_NE(ReadFile(ada_file).find("TITLE:Analyst"), std::string::npos);  // nor the local file
  // The user chooses: the local side wins. The server takes the local
  // version as a new version; the overwritten one stays in the history.
  write_config("a wins");
  out = vdirsyncer("sync", &st);
  ASSERT_EQ(st, 0) << out;
  ada_now = rep.Get("/api/v1/contacts/" + ada_id).json();
  EXPECT_EQ(ada_now["title"], "Analyst");
  auto ada_hist = rep.Get("/api/v1/contacts/" + ada_id + "/history").body;
  EXPECT_NE(ada_hist.find("London"), std::string::npos);
  EXPECT_NE(ada_hist.find("Countess"), std::string::npos);

  // 5. Deleted on the server -> the file goes; deleted locally -> the record
  // goes (soft delete, restorable).
  auto grace_etag = Dav(u, "GET", "/dav/home/" + u.id + "/contacts/grace-uid-1.vcf").Header("etag");
  ASSERT_EQ(rep.Delete("/api/v1/contacts/" + grace_id).status, 200);
  out = vdirsyncer("sync", &st);
  ASSERT_EQ(st, 0) << out;
  EXPECT_FALSE(fs::exists(grace_file));
  fs::path call_file = calendar_dir / "local-call-1.ics";
  ASSERT_TRUE(fs::exists(call_file));
  std::string call_id = call.json()["data"][0]["id"];
  fs::remove(ada_file);
  fs::remove(call_file);
  out = vdirsyncer("sync", &st);
  ASSERT_EQ(st, 0) << out;
  EXPECT_EQ(rep.Get("/api/v1/contacts/" + ada_id).status, 404);
  EXPECT_EQ(rep.Get("/api/v1/activities/" + call_id).status, 404);
  EXPECT_EQ(rep.Get("/api/v1/contacts?filter=last_name:eq:Lovelace&deleted=only").json()["data"].size(), 1u);
  EXPECT_EQ(FilesIn(contacts_dir).size(), 1u);  // Babbage
  EXPECT_EQ(FilesIn(calendar_dir).size(), 3u);  // meeting, call, task
  // A later sync is quiet: nothing moves.
  out = vdirsyncer("sync", &st);
  ASSERT_EQ(st, 0) << out;
  EXPECT_EQ(out.find("Copying"), std::string::npos) << out;
  EXPECT_EQ(out.find("Deleting"), std::string::npos) << out;
  (void)grace_etag;
  (void)admin_user;
  std::error_code ec;
  if (!getenv("RAPPORT_KEEP_TEST_DIRS")) fs::remove_all(dir, ec);
}

TEST_F(DavApi, PreconditionsNeverOverwriteSilently) {
  User u = MakeUser("precond@example.com");
  Api rep(server_->port(), u.token);
  auto c = rep.Post("/api/v1/contacts", {{"last_name", "Turing"}, {"email", "alan@example.com"}});
  ASSERT_EQ(c.status, 201);
  std::string id = c.json()["id"];
  std::string href = "/dav/home/" + u.id + "/contacts/" + id + ".vcf";
  auto got = Dav(u, "GET", href);
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.Header("etag"), "\"1\"");
  EXPECT_NE(got.body.find("UID:" + id), std::string::npos);
  std::string card = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:" + id + "\r\nN:Turing;Alan;;;\r\nTITLE:Mathematician\r\nEND:VCARD\r\n";
  std::map<std::string, std::string> vcard = {{"Content-Type", "text/vcard; charset=utf-8"}};

  // Creating over an existing resource: 412.
  auto h = vcard;
  h["If-None-Match"] = "*";
  EXPECT_EQ(Dav(u, "PUT", href, card, h).status, 412);
  // Someone changes the record; the phone's copy (version 1) is now stale.
  ASSERT_EQ(rep.Patch("/api/v1/contacts/" + id, {{"title", "Codebreaker"}}).status, 200);
  h = vcard;
  h["If-Match"] = "\"1\"";
  auto stale = Dav(u, "PUT", href, card, h);
  EXPECT_EQ(stale.status, 412) << stale.body;
  EXPECT_EQ(rep.Get("/api/v1/contacts/" + id).json()["title"], "Codebreaker");
  EXPECT_EQ(Dav(u, "DELETE", href, "", {{"If-Match", "\"1\""}}).status, 412);
  EXPECT_EQ(rep.Get("/api/v1/contacts/" + id).status, 200);
  // With the current ETag the change goes through.
  h["If-Match"] = "\"2\"";
  auto ok = Dav(u, "PUT", href, card, h);
  EXPECT_EQ(ok.status, 204) << ok.body;
  EXPECT_EQ(ok.Header("etag"), "\"3\"");
  EXPECT_EQ(rep.Get("/api/v1/contacts/" + id).json()["title"], "Mathematician");
  // If-Match on a resource that does not exist: 412, nothing created.
  h["If-Match"] = "\"1\"";
  EXPECT_EQ(Dav(u, "PUT", "/dav/home/" + u.id + "/contacts/nobody.vcf", card, h).status, 412);
  // A second resource with the same UID: 409 (RFC 6352 no-uid-conflict).
  auto dup = Dav(u, "PUT", "/dav/home/" + u.id + "/contacts/other-name.vcf", card, vcard);
  EXPECT_EQ(dup.status, 409) << dup.body;
  EXPECT_NE(dup.body.find("no-uid-conflict"), std::string::npos);

  // Multiget: found and missing hrefs, ETag and data.
  auto mg = Dav(u, "REPORT", "/dav/home/" + u.id + "/contacts/",
                "<C:addressbook-multiget xmlns=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:carddav\"><prop><getetag/>"
                "<C:address-data/></prop><href>" + href + "</href><href>/dav/home/" + u.id +
                    "/contacts/missing.vcf</href></C:addressbook-multiget>",
                {{"Depth", "1"}});
  ASSERT_EQ(mg.status, 207) << mg.body;
  EXPECT_NE(mg.body.find("<d:getetag>&quot;3&quot;</d:getetag>"), std::string::npos) << mg.body;
  EXPECT_NE(mg.body.find("TITLE:Mathematician"), std::string::npos);
  EXPECT_NE(mg.body.find("404 Not Found"), std::string::npos);
  // Deleting with the right ETag works; the resource is gone after.
  EXPECT_EQ(Dav(u, "DELETE", href, "", {{"If-Match", "\"3\""}}).status, 204);
  EXPECT_EQ(Dav(u, "GET", href).status, 404);
}

TEST_F(DavApi, BadInputIsRefusedAndChangesNothing) {
  User u = MakeUser("badinput@example.com");
  Api rep(server_->port(), u.token);
  const std::string home = "/dav/home/" + u.id + "/";
  auto count = [&](const std::string& object) { return rep.Get("/api/v1/" + object).json()["data"].size(); };
  size_t contacts = count("contacts"), activities = count("activities");

  auto bad_xml = Dav(u, "PROPFIND", home, "<propfind xmlns=\"DAV:\"><prop><getetag></propfind>", {{"Depth", "1"}});
  EXPECT_EQ(bad_xml.status, 400);
  EXPECT_NE(bad_xml.json()["error"]["message"].get<std::string>().find("malformed XML"), std::string::npos);
  auto dtd = Dav(u, "PROPFIND", home,
                 "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"aaaa\">]><propfind xmlns=\"DAV:\"><allprop/></propfind>",
                 {{"Depth", "0"}});
  EXPECT_EQ(dtd.status, 400);
  EXPECT_NE(dtd.body.find("DTD"), std::string::npos);
  EXPECT_EQ(Dav(u, "PROPFIND", home, "<other xmlns=\"DAV:\"/>", {{"Depth", "0"}}).status, 400);
  EXPECT_EQ(Dav(u, "PROPFIND", home, kPropfindEtags, {{"Depth", "2"}}).status, 400);
  auto bad_report = Dav(u, "REPORT", home + "calendar/", "<C:calendar-query xmlns:C=\"urn:ietf:params:xml:ns:caldav\">");
  EXPECT_EQ(bad_report.status, 400);
  auto unsupported = Dav(u, "REPORT", home + "calendar/", "<D:expand-property xmlns:D=\"DAV:\"/>");
  EXPECT_EQ(unsupported.status, 403);
  // sync-collection (RFC 6578) is supported, but needs its sync-token element.
  auto no_token = Dav(u, "REPORT", home + "calendar/", "<D:sync-collection xmlns:D=\"DAV:\"/>");
  EXPECT_EQ(no_token.status, 400);
  EXPECT_NE(no_token.body.find("sync-token"), std::string::npos) << no_token.body;
  EXPECT_NE(unsupported.body.find("supported-report"), std::string::npos);

  std::map<std::string, std::string> vcard = {{"Content-Type", "text/vcard"}};
  std::map<std::string, std::string> ical = {{"Content-Type", "text/calendar"}};
  auto no_end = Dav(u, "PUT", home + "contacts/x.vcf", "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:x\r\nN:X;;;;\r\n", vcard);
  EXPECT_EQ(no_end.status, 400);
  EXPECT_NE(no_end.body.find("not closed"), std::string::npos) << no_end.body;
  auto no_uid = Dav(u, "PUT", home + "contacts/x.vcf", "BEGIN:VCARD\r\nVERSION:3.0\r\nN:X;;;;\r\nEND:VCARD\r\n", vcard);
  EXPECT_EQ(no_uid.status, 400);
  EXPECT_NE(no_uid.body.find("UID"), std::string::npos);
  auto bad_email = Dav(u, "PUT", home + "contacts/x.vcf",
                       "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:x\r\nN:X;;;;\r\nEMAIL:not-an-email\r\nEND:VCARD\r\n", vcard);
  EXPECT_EQ(bad_email.status, 400);
  EXPECT_EQ(bad_email.json()["error"]["field"], "email");
  auto two = Dav(u, "PUT", home + "contacts/x.vcf",
                 "BEGIN:VCARD\r\nUID:a\r\nN:A;;;;\r\nEND:VCARD\r\nBEGIN:VCARD\r\nUID:b\r\nN:B;;;;\r\nEND:VCARD\r\n", vcard);
  EXPECT_EQ(two.status, 400);
  auto wrong_type = Dav(u, "PUT", home + "contacts/x.vcf", "{\"last_name\": \"X\"}", {{"Content-Type", "application/json"}});
  EXPECT_EQ(wrong_type.status, 415);
  auto bad_ics = Dav(u, "PUT", home + "calendar/e.ics",
                     "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:e\r\nDTSTART:2026-05-01\r\nEND:VEVENT\r\n"
                     "END:VCALENDAR\r\n",
                     ical);
  EXPECT_EQ(bad_ics.status, 400);
  EXPECT_NE(bad_ics.body.find("DTSTART"), std::string::npos) << bad_ics.body;
  auto unclosed = Dav(u, "PUT", home + "calendar/e.ics", "BEGIN:VCALENDAR\r\nBEGIN:VTODO\r\nUID:t\r\n", ical);
  EXPECT_EQ(unclosed.status, 400);
  EXPECT_NE(unclosed.body.find("never closed"), std::string::npos);
  auto backwards = Dav(u, "PUT", home + "calendar/e.ics",
                       "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:e\r\nDTSTART:20260502T100000Z\r\n"
                       "DTEND:20260502T090000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
                       ical);
  EXPECT_EQ(backwards.status, 400);
  EXPECT_NE(backwards.body.find("ends before it starts"), std::string::npos);
  // Bodies over the API's 1 MiB limit: 413.
  std::string huge = "BEGIN:VCARD\r\nUID:h\r\nN:H;;;;\r\nNOTE:" + std::string(1100000, 'x') + "\r\nEND:VCARD\r\n";
  EXPECT_EQ(Dav(u, "PUT", home + "contacts/h.vcf", huge, vcard).status, 413);
  // Collections cannot be created, written or deleted.
  EXPECT_EQ(Dav(u, "MKCOL", home + "more/").status, 403);
  EXPECT_EQ(Dav(u, "DELETE", home + "contacts/").status, 403);
  EXPECT_EQ(count("contacts"), contacts);
  EXPECT_EQ(count("activities"), activities);
}

TEST_F(DavApi, AnotherUsersRecordsAreNeverVisible) {
  User a = MakeUser("owner.a@example.com");
  User b = MakeUser("owner.b@example.com");
  Api api_b(server_->port(), b.token);
  auto theirs = api_b.Post("/api/v1/contacts", {{"last_name", "Private"}});
  ASSERT_EQ(theirs.status, 201);
  std::string id = theirs.json()["id"];
  // b's home: refused to a.
  EXPECT_EQ(Dav(a, "PROPFIND", "/dav/home/" + b.id + "/contacts/", kPropfindEtags, {{"Depth", "1"}}).status, 403);
  EXPECT_EQ(Dav(a, "GET", "/dav/home/" + b.id + "/contacts/" + id + ".vcf").status, 403);
  // b's record under a's home: not there.
  EXPECT_EQ(Dav(a, "GET", "/dav/home/" + a.id + "/contacts/" + id + ".vcf").status, 404);
  auto list = Dav(a, "PROPFIND", "/dav/home/" + a.id + "/contacts/", kPropfindEtags, {{"Depth", "1"}});
  ASSERT_EQ(list.status, 207);
  EXPECT_EQ(list.body.find(id), std::string::npos);
  // Even an administrator's address book holds only their own contacts.
  User admin{"", server_->admin_email(), server_->admin_token()};
  auto me = api_->Get("/api/v1/auth/me").json();
  admin.id = me["user"]["id"];
  auto adm = Dav(admin, "PROPFIND", "/dav/home/" + admin.id + "/contacts/", kPropfindEtags, {{"Depth", "1"}});
  ASSERT_EQ(adm.status, 207);
  EXPECT_EQ(adm.body.find(id), std::string::npos);
  // A PUT by a over b's record id makes a new record of a's; b's is untouched.
  auto put = Dav(a, "PUT", "/dav/home/" + a.id + "/contacts/" + id + ".vcf",
                 "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:mine-1\r\nN:Mine;;;;\r\nEND:VCARD\r\n",
                 {{"Content-Type", "text/vcard"}, {"If-None-Match", "*"}});
  EXPECT_EQ(put.status, 201) << put.body;
  EXPECT_EQ(api_b.Get("/api/v1/contacts/" + id).json()["last_name"], "Private");
  EXPECT_EQ(api_b.Get("/api/v1/contacts/" + id).json()["version"], 1);
}

TEST_F(DavApi, ICalendarFeedParsedByPythonIcalendar) {
  User u = MakeUser("feed@example.com");
  User other = MakeUser("feed.other@example.com");
  Api rep(server_->port(), u.token);
  Api api_other(server_->port(), other.token);
  ASSERT_EQ(rep.Post("/api/v1/activities", {{"type", "meeting"}, {"subject", "Board, budget; Q3"},
                                            {"description", "Agenda:\n1. numbers\n2. hiring"},
                                            {"due_at", "2026-06-01T08:00:00Z"}, {"ends_at", "2026-06-01T09:00:00Z"}})
                .status,
            201);
  ASSERT_EQ(rep.Post("/api/v1/activities", {{"type", "visit"}, {"subject", "Site visit"}, {"due_at", "2026-06-02T13:00:00Z"}})
                .status,
            201);
  ASSERT_EQ(rep.Post("/api/v1/activities", {{"type", "task"}, {"subject", "Prepare the deck"},
                                            {"due_at", "2026-05-31T17:00:00Z"}, {"done_at", "2026-05-30T10:00:00Z"}})
                .status,
            201);
  ASSERT_EQ(rep.Post("/api/v1/activities", {{"type", "task"}, {"subject", "Call the lawyer"}}).status, 201);
  ASSERT_EQ(rep.Post("/api/v1/activities", {{"type", "email"}, {"subject", "Sent the contract"}}).status, 201);
  ASSERT_EQ(api_other.Post("/api/v1/activities", {{"type", "meeting"}, {"subject", "Not yours"},
                                                  {"due_at", "2026-06-01T08:00:00Z"}})
                .status,
            201);

  Client anon(server_->port());
  EXPECT_EQ(anon.Request("POST", "/api/v1/me/ical").status, 401);
  auto made = rep.Post("/api/v1/me/ical", json::object());
  ASSERT_EQ(made.status, 201) << made.body;
  std::string path = made.json()["path"];
  EXPECT_EQ(made.json()["url"], "http://127.0.0.1" + path);
  auto feed = anon.Request("GET", path);  // no session, no token: the secret is the credential
  ASSERT_EQ(feed.status, 200) << feed.body;
  EXPECT_EQ(feed.Header("content-type").rfind("text/calendar", 0), 0u);

  const std::string dir = TempDir();
  WriteFile(dir + "/feed.ics", feed.body);
  const char* script =
      "import sys, icalendar\n"
      "cal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())\n"
      "ev = sorted(cal.walk('VEVENT'), key=lambda c: str(c['SUMMARY']))\n"
      "td = sorted(cal.walk('VTODO'), key=lambda c: str(c['SUMMARY']))\n"
      "print('events', len(ev), 'todos', len(td))\n"
      "for c in ev: print('E|%s|%s|%s|%s' % (c['SUMMARY'], c['DTSTART'].dt.isoformat(), c['DTEND'].dt.isoformat(),"
      " str(c.get('DESCRIPTION', '')).replace('\\n', '/')))\n"
      "for c in td: print('T|%s|%s|%s' % (c['SUMMARY'], c['STATUS'], c['DUE'].dt.isoformat() if 'DUE' in c else '-'))\n"
      "for c in ev + td: assert c['UID'] and c['DTSTAMP'] and 'SEQUENCE' in c\n";
  WriteFile(dir + "/check.py", script);
  int st = 0;
  // Debian's python3 (where python3-icalendar lives), whatever python3 is first on PATH.
  std::string out = Shell("/usr/bin/python3 " + dir + "/check.py " + dir + "/feed.ics", &st);
  ASSERT_EQ(st, 0) << out << "\n" << feed.body;
  EXPECT_NE(out.find("events 2 todos 2"), std::string::npos) << out;
  EXPECT_NE(out.find("E|Board, budget; Q3|2026-06-01T08:00:00+00:00|2026-06-01T09:00:00+00:00|Agenda:/1. numbers/2. hiring"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("E|Site visit|2026-06-02T13:00:00+00:00|2026-06-02T14:00:00+00:00|"), std::string::npos) << out;
  EXPECT_NE(out.find("T|Call the lawyer|NEEDS-ACTION|-"), std::string::npos) << out;
  EXPECT_NE(out.find("T|Prepare the deck|COMPLETED|2026-05-31T17:00:00+00:00"), std::string::npos) << out;
  EXPECT_EQ(out.find("Not yours"), std::string::npos);
  EXPECT_EQ(feed.body.find("Sent the contract"), std::string::npos);

  // Rotating gives a new URL; the old one is dead. Revoking kills the new one.
  auto rotated = rep.Post("/api/v1/me/ical", json::object());
  ASSERT_EQ(rotated.status, 201);
  std::string path2 = rotated.json()["path"];
  EXPECT_NE(path2, path);
  EXPECT_EQ(anon.Request("GET", path).status, 404);
  EXPECT_EQ(anon.Request("GET", path2).status, 200);
  EXPECT_EQ(rep.Delete("/api/v1/me/ical").status, 204);
  EXPECT_EQ(anon.Request("GET", path2).status, 404);
  EXPECT_EQ(anon.Request("GET", "/ical/not-a-secret.ics").status, 404);
  std::error_code ec;
  fs::remove_all(dir, ec);
}

// RFC 6578 sync-collection: the token from PROPFIND or an earlier REPORT
// lists what changed and what left since; unknown tokens get 403
// valid-sync-token; a limit below the number of changes gets 507.
TEST_F(DavApi, SyncCollectionReportsChangesAndDeletionsSinceAToken) {
  User u = MakeUser("sync@example.com");
  User other = MakeUser("sync.other@example.com");
  Api rep(server_->port(), u.token);
  const std::string coll = "/dav/home/" + u.id + "/contacts/";
  std::string a = rep.Post("/api/v1/contacts", {{"last_name", "Lovelace"}}).json()["id"];
  std::string b = rep.Post("/api/v1/contacts", {{"last_name", "Babbage"}}).json()["id"];
  std::regex token_re("<d:sync-token>([^<]+)</d:sync-token>");
  auto token_of = [&](const std::string& body) {
    std::smatch m;
    return std::regex_search(body, m, token_re) ? m[1].str() : std::string();
  };
  auto sync = [&](const User& who, const std::string& path, const std::string& token, const std::string& extra = "") {
    return Dav(who, "REPORT", path,
               "<?xml version=\"1.0\"?><d:sync-collection xmlns:d=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:carddav\">"
               "<d:sync-token>" + token + "</d:sync-token><d:sync-level>1</d:sync-level>" + extra +
                   "<d:prop><d:getetag/><C:address-data/></d:prop></d:sync-collection>");
  };

  // The collection advertises the report and hands out a token by PROPFIND.
  auto pf = Dav(u, "PROPFIND", coll,
                "<d:propfind xmlns:d=\"DAV:\"><d:prop><d:sync-token/><d:supported-report-set/></d:prop></d:propfind>",
                {{"Depth", "0"}});
  ASSERT_EQ(pf.status, 207) << pf.body;
  EXPECT_NE(pf.body.find("<d:sync-collection/>"), std::string::npos) << pf.body;
  std::string t0 = token_of(pf.body);
  ASSERT_EQ(t0.rfind("https://rapport.invalid/ns/sync/", 0), 0u) << pf.body;
  // allprop does not carry it (RFC 6578 4).
  EXPECT_EQ(Dav(u, "PROPFIND", coll, "", {{"Depth", "0"}}).body.find("sync-token"), std::string::npos);

  // Initial sync: every member, and the same token for the same state.
  auto first = sync(u, coll, "");
  ASSERT_EQ(first.status, 207) << first.body;
  EXPECT_NE(first.body.find(coll + a + ".vcf"), std::string::npos);
  EXPECT_NE(first.body.find(coll + b + ".vcf"), std::string::npos);
  EXPECT_NE(first.body.find("FN:Lovelace"), std::string::npos) << first.body;
  EXPECT_EQ(token_of(first.body), t0);

  // Changes on the server: one edited, one deleted, one created.
  ASSERT_EQ(rep.Patch("/api/v1/contacts/" + a, {{"title", "Analyst"}}).status, 200);
  ASSERT_EQ(rep.Delete("/api/v1/contacts/" + b).status, 200);
  std::string c = rep.Post("/api/v1/contacts", {{"last_name", "Hopper"}}).json()["id"];
  auto delta = sync(u, coll, t0);
  ASSERT_EQ(delta.status, 207) << delta.body;
  std::string t1 = token_of(delta.body);
  EXPECT_NE(t1, t0);
  EXPECT_NE(delta.body.find("<d:href>" + coll + a + ".vcf</d:href><d:propstat><d:prop><d:getetag>&quot;2&quot;"),
            std::string::npos)
      << delta.body;
  EXPECT_NE(delta.body.find("TITLE:Analyst"), std::string::npos);
  EXPECT_NE(delta.body.find(coll + c + ".vcf"), std::string::npos);
  EXPECT_NE(delta.body.find("<d:href>" + coll + b + ".vcf</d:href><d:status>HTTP/1.1 404 Not Found</d:status>"),
            std::string::npos)
      << delta.body;
  // Nothing since: no responses, the same token.
  auto none = sync(u, coll, t1);
  ASSERT_EQ(none.status, 207);
  EXPECT_EQ(none.body.find("<d:response>"), std::string::npos) << none.body;
  EXPECT_EQ(token_of(none.body), t1);
  // The old token still works (states are kept) and still sees the same delta.
  EXPECT_NE(sync(u, coll, t0).body.find(coll + b + ".vcf</d:href><d:status>HTTP/1.1 404"), std::string::npos);

  // A record given to someone else leaves the collection too.
  std::string other_id = other.id;
  ASSERT_EQ(api_->Patch("/api/v1/contacts/" + c, {{"owner_id", other_id}}).status, 200);
  auto moved = sync(u, coll, t1);
  EXPECT_NE(moved.body.find("<d:href>" + coll + c + ".vcf</d:href><d:status>HTTP/1.1 404"), std::string::npos)
      << moved.body;

  // Calendar collection: an event enters, then leaves when deleted.
  const std::string cal = "/dav/home/" + u.id + "/calendar/";
  auto cal0 = Dav(u, "REPORT", cal,
                  "<d:sync-collection xmlns:d=\"DAV:\"><d:sync-token/><d:sync-level>1</d:sync-level><d:prop><d:getetag/>"
                  "</d:prop></d:sync-collection>");
  ASSERT_EQ(cal0.status, 207) << cal0.body;
  std::string ct = token_of(cal0.body);
  std::string ev = rep.Post("/api/v1/activities", {{"type", "meeting"}, {"subject", "Demo"},
                                                   {"due_at", "2026-12-01T10:00:00Z"}})
                       .json()["id"];
  auto cal1 = Dav(u, "REPORT", cal,
                  "<d:sync-collection xmlns:d=\"DAV:\"><d:sync-token>" + ct +
                      "</d:sync-token><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>");
  EXPECT_NE(cal1.body.find(cal + ev + ".ics</d:href><d:propstat>"), std::string::npos) << cal1.body;
  // A contacts token means nothing to the calendar.
  EXPECT_EQ(sync(u, cal, t1).status, 403);

  // Unknown, foreign and malformed tokens: 403 valid-sync-token.
  auto unknown = sync(u, coll, "https://rapport.invalid/ns/sync/00000000000000000000000000000000");
  EXPECT_EQ(unknown.status, 403);
  EXPECT_NE(unknown.body.find("<d:valid-sync-token/>"), std::string::npos) << unknown.body;
  EXPECT_EQ(sync(u, coll, "not-a-token").status, 403);
  std::string others = token_of(sync(other, "/dav/home/" + other.id + "/contacts/", "").body);
  ASSERT_FALSE(others.empty());
  EXPECT_EQ(sync(u, coll, others).status, 403);  // tokens are per user
  // Bad sync-level: 400; a limit below the number of changes: 507.
  EXPECT_EQ(Dav(u, "REPORT", coll,
                "<d:sync-collection xmlns:d=\"DAV:\"><d:sync-token/><d:sync-level>2</d:sync-level><d:prop><d:getetag/>"
                "</d:prop></d:sync-collection>")
                .status,
            400);
  auto limited = sync(u, coll, t0, "<d:limit><d:nresults>1</d:nresults></d:limit>");
  EXPECT_EQ(limited.status, 507) << limited.body;
  EXPECT_NE(limited.body.find("number-of-matches-within-limits"), std::string::npos);
  EXPECT_EQ(sync(u, coll, t0, "<d:limit><d:nresults>10</d:nresults></d:limit>").status, 207);
}

}  // namespace
}  // namespace rapport::test
