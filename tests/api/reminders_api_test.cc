// Reminders, SMTP delivery, recurring tasks and overdue tasks through a real
// server (issue 5, docs/decisions/014-reminders-and-smtp.md). A real SMTP
// server (Python 3.11's smtpd module) listens on 127.0.0.1 and writes every
// message it receives to a directory; `rapport jobs run reminders|email` runs
// the same jobs `rapport serve` runs every 30 seconds.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <map>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "harness.h"

namespace rapport::test {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const char kSmtpServer[] = R"PY(
import asyncore, os, smtpd, sys, warnings
warnings.simplefilter("ignore")
class Sink(smtpd.SMTPServer):
    count = 0
    def process_message(self, peer, mailfrom, rcpttos, data, **kw):
        Sink.count += 1
        path = os.path.join(sys.argv[2], "msg%03d.eml" % Sink.count)
        with open(path + ".tmp", "wb") as f:
            f.write(("X-Envelope-From: %s\r\nX-Envelope-To: %s\r\n" % (mailfrom, ",".join(rcpttos))).encode())
            f.write(data)
        os.rename(path + ".tmp", path)
Sink(("127.0.0.1", int(sys.argv[1])), None, decode_data=False)
asyncore.loop()
)PY";

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  int port = ntohs(a.sin_port);
  close(fd);
  return port;
}

bool CanConnect(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  close(fd);
  return ok;
}

// A local SMTP server for one test.
class SmtpSink {
 public:
  SmtpSink() {
    dir_ = (fs::temp_directory_path() / ("rapport-smtp-" + std::to_string(getpid()) + "-" +
                                         std::to_string(std::chrono::steady_clock::now().time_since_epoch().count())))
               .string();
    fs::create_directories(dir_ + "/mail");
    std::ofstream(dir_ + "/sink.py") << kSmtpServer;
    port_ = FreePort();
    pid_ = fork();
    if (pid_ == 0) {
      std::string port = std::to_string(port_), script = dir_ + "/sink.py", out = dir_ + "/mail";
      execl("/usr/bin/python3", "python3", "-W", "ignore", script.c_str(), port.c_str(), out.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    for (int i = 0; i < 100 && !CanConnect(port_); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ~SmtpSink() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  int port() const { return port_; }
  std::vector<std::string> Messages() const {
    std::vector<std::string> paths;
    for (const auto& e : fs::directory_iterator(dir_ + "/mail")) {
      if (e.path().extension() == ".eml") paths.push_back(e.path().string());
    }
    std::sort(paths.begin(), paths.end());
    std::vector<std::string> out;
    for (const auto& p : paths) {
      std::ifstream in(p, std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      out.push_back(ss.str());
    }
    return out;
  }

 private:
  std::string dir_;
  int port_ = 0;
  pid_t pid_ = -1;
};

std::string IsoAt(int64_t seconds_from_now) {
  std::time_t t = std::time(nullptr) + seconds_from_now;
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

class RemindersApi : public ServerSuite<RemindersApi> {
 protected:
  std::string User(const std::string& email, const std::string& role, const std::string& team = "") {
    json body = {{"email", email}, {"name", email.substr(0, email.find('@'))}, {"role", role}};
    if (!team.empty()) body["team_id"] = team;
    auto r = api_->Post("/api/v1/users", body);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json()["id"];
  }
  std::string Token(const std::string& email) {
    std::string t = server_->Cli("token create --email " + email);
    return t.substr(0, t.find('\n'));
  }
  json Activity(const json& body) {
    auto r = api_->Post("/api/v1/activities", body);
    EXPECT_EQ(r.status, 201) << body.dump() << " -> " << r.body;
    return r.json();
  }
  json Activities() {
    auto r = api_->Get("/api/v1/activities?limit=500");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json()["data"];
  }
};

TEST_F(RemindersApi, ReminderNotifiesOwnerAndIsMailedOverSmtpOnce) {
  SmtpSink smtp;
  ASSERT_TRUE(CanConnect(smtp.port())) << "the local SMTP server did not start";
  std::string rep = User("rem-rep@example.com", "rep");
  std::string rep_token = Token("rem-rep@example.com");
  json a = Activity({{"type", "task"}, {"subject", "Call Acme back – Müller"}, {"owner_id", rep},
                     {"due_at", IsoAt(3600)}, {"remind_at", IsoAt(-1)}});
  EXPECT_TRUE(a["reminded_at"].is_null());
  // A reminder in the future does not fire yet.
  json later = Activity({{"type", "task"}, {"subject", "Later"}, {"owner_id", rep}, {"remind_at", IsoAt(86400)}});

  std::string out = server_->Cli("jobs run reminders");
  EXPECT_NE(out.find("1 reminders"), std::string::npos) << out;
  Api rep_api(server_->port(), rep_token);
  auto n = rep_api.Get("/api/v1/notifications");
  ASSERT_EQ(n.status, 200) << n.body;
  ASSERT_EQ(n.json()["data"].size(), 1u) << n.body;
  EXPECT_EQ(n.json()["data"][0]["kind"], "reminder");
  EXPECT_EQ(n.json()["data"][0]["record_id"], a["id"]);
  EXPECT_NE(n.json()["data"][0]["message"].get<std::string>().find("Call Acme back"), std::string::npos);
  EXPECT_EQ(n.json()["unread_count"], 1);
  auto got = api_->Get("/api/v1/activities/" + a["id"].get<std::string>());
  EXPECT_FALSE(got.json()["reminded_at"].is_null()) << got.body;
  EXPECT_TRUE(api_->Get("/api/v1/activities/" + later["id"].get<std::string>()).json()["reminded_at"].is_null());
  // Each reminder fires once.
  out = server_->Cli("jobs run reminders");
  EXPECT_NE(out.find("0 reminders"), std::string::npos) << out;
  EXPECT_EQ(rep_api.Get("/api/v1/notifications").json()["data"].size(), 1u);
  // Marking it read.
  auto rd = rep_api.Post("/api/v1/notifications/" + n.json()["data"][0]["id"].get<std::string>() + "/read", json::object());
  EXPECT_EQ(rd.status, 204) << rd.body;
  EXPECT_EQ(rep_api.Get("/api/v1/notifications").json()["unread_count"], 0);

  // The queued e-mail is delivered to the real SMTP server.
  auto q = api_->Get("/api/v1/email_outbox?status=queued");
  ASSERT_EQ(q.status, 200) << q.body;
  ASSERT_EQ(q.json()["data"].size(), 1u) << q.body;
  EXPECT_EQ(q.json()["data"][0]["to"], "rem-rep@example.com");
  setenv("RAPPORT_SMTP_URL", ("smtp://127.0.0.1:" + std::to_string(smtp.port())).c_str(), 1);
  setenv("RAPPORT_SMTP_FROM", "Rapport CRM <crm@example.com>", 1);
  out = server_->Cli("jobs run email");
  EXPECT_NE(out.find("1 sent"), std::string::npos) << out;
  std::vector<std::string> msgs;
  for (int i = 0; i < 50 && msgs.empty(); ++i) {
    msgs = smtp.Messages();
    if (msgs.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(msgs.size(), 1u);
  const std::string& m = msgs[0];
  EXPECT_NE(m.find("X-Envelope-To: rem-rep@example.com"), std::string::npos) << m;
  EXPECT_NE(m.find("X-Envelope-From: crm@example.com"), std::string::npos) << m;
  EXPECT_NE(m.find("To: <rem-rep@example.com>"), std::string::npos) << m;
  // "Reminder: Call Acme back – Müller", RFC 2047 encoded (UTF-8, base64).
  EXPECT_NE(m.find("Subject: =?UTF-8?B?UmVtaW5kZXI6IENhbGwgQWNtZSBiYWNrIOKAkyBNw7xsbGVy?="), std::string::npos) << m;
  EXPECT_NE(m.find("Content-Type: text/plain; charset=UTF-8"), std::string::npos) << m;
  EXPECT_NE(m.find("Message-ID: <"), std::string::npos) << m;
  EXPECT_NE(m.find("Date: "), std::string::npos) << m;
  auto sent = api_->Get("/api/v1/email_outbox?status=sent");
  ASSERT_EQ(sent.json()["data"].size(), 1u) << sent.body;
  EXPECT_FALSE(sent.json()["data"][0]["sent_at"].is_null());
  EXPECT_EQ(sent.json()["data"][0]["body_text"], "") << "the body is blanked once sent";
  // Nothing is sent twice.
  out = server_->Cli("jobs run email");
  EXPECT_NE(out.find("0 sent"), std::string::npos) << out;
  EXPECT_EQ(smtp.Messages().size(), 1u);

  // A server that is down: the attempt is counted and retried later.
  Activity({{"type", "call"}, {"subject", "Ring Beta"}, {"owner_id", rep}, {"remind_at", IsoAt(-5)}});
  server_->Cli("jobs run reminders");
  setenv("RAPPORT_SMTP_URL", ("smtp://127.0.0.1:" + std::to_string(FreePort())).c_str(), 1);
  out = server_->Cli("jobs run email");
  EXPECT_NE(out.find("1 to retry"), std::string::npos) << out;
  auto retry = api_->Get("/api/v1/email_outbox?status=queued");
  ASSERT_EQ(retry.json()["data"].size(), 1u) << retry.body;
  EXPECT_EQ(retry.json()["data"][0]["attempts"], 1);
  EXPECT_FALSE(retry.json()["data"][0]["last_error"].is_null());
  EXPECT_FALSE(retry.json()["data"][0]["body_text"].is_null());
  // Back-off: not tried again at once.
  out = server_->Cli("jobs run email");
  EXPECT_NE(out.find("0 sent, 0 to retry"), std::string::npos) << out;
  unsetenv("RAPPORT_SMTP_URL");
  unsetenv("RAPPORT_SMTP_FROM");

  // Bad values are refused with the field named.
  auto bad = api_->Post("/api/v1/activities", {{"type", "task"}, {"subject", "x"}, {"recurrence", "yearly"}});
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(bad.json()["error"]["field"], "recurrence");
  bad = api_->Post("/api/v1/activities", {{"type", "task"}, {"subject", "x"}, {"remind_at", "tomorrow"}});
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(bad.json()["error"]["field"], "remind_at");
}

TEST_F(RemindersApi, CompletingAWeeklyTaskCreatesTheNextOne) {
  json t = Activity({{"type", "task"}, {"subject", "Weekly pipeline review"}, {"recurrence", "weekly"},
                     {"due_at", "2026-12-04T16:00:00Z"}, {"remind_at", "2026-12-04T15:30:00Z"}});
  auto done = api_->Patch("/api/v1/activities/" + t["id"].get<std::string>(), {{"done_at", "2026-12-04T15:55:00Z"}});
  ASSERT_EQ(done.status, 200) << done.body;
  std::vector<json> next;
  for (const auto& a : Activities()) {
    if (a["subject"] == "Weekly pipeline review" && a["id"] != t["id"]) next.push_back(a);
  }
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0]["due_at"], "2026-12-11T16:00:00.000Z");
  EXPECT_EQ(next[0]["remind_at"], "2026-12-11T15:30:00.000Z");
  EXPECT_EQ(next[0]["recurrence"], "weekly");
  EXPECT_TRUE(next[0]["done_at"].is_null());
  EXPECT_EQ(next[0]["owner_id"], t["owner_id"]);
  // Editing a completed task again does not create another one.
  auto again = api_->Patch("/api/v1/activities/" + t["id"].get<std::string>(), {{"description", "notes"}});
  ASSERT_EQ(again.status, 200) << again.body;
  int count = 0;
  for (const auto& a : Activities()) count += a["subject"] == "Weekly pipeline review";
  EXPECT_EQ(count, 2);
  // A task without recurrence does not repeat.
  json once = Activity({{"type", "task"}, {"subject", "One-off"}, {"due_at", "2026-12-04T16:00:00Z"}});
  api_->Patch("/api/v1/activities/" + once["id"].get<std::string>(), {{"done_at", "2026-12-04T16:00:00Z"}});
  count = 0;
  for (const auto& a : Activities()) count += a["subject"] == "One-off";
  EXPECT_EQ(count, 1);
}

TEST_F(RemindersApi, OverdueTasksPerRepFollowVisibility) {
  std::string boss = User("od-boss@example.com", "manager");
  auto team = api_->Post("/api/v1/teams", {{"name", "Overdue team"}, {"manager_id", boss}});
  ASSERT_EQ(team.status, 201) << team.body;
  std::string team_id = team.json()["id"];
  std::string a = User("od-a@example.com", "rep", team_id);
  std::string b = User("od-b@example.com", "rep");
  for (int i = 0; i < 3; ++i)
    Activity({{"type", "task"}, {"subject", "A late " + std::to_string(i)}, {"owner_id", a}, {"due_at", IsoAt(-7200)}});
  Activity({{"type", "task"}, {"subject", "A future"}, {"owner_id", a}, {"due_at", IsoAt(7200)}});
  Activity({{"type", "task"}, {"subject", "A done"}, {"owner_id", a}, {"due_at", IsoAt(-7200)}, {"done_at", IsoAt(-60)}});
  Activity({{"type", "meeting"}, {"subject", "A meeting"}, {"owner_id", a}, {"due_at", IsoAt(-7200)}});
  Activity({{"type", "task"}, {"subject", "B late"}, {"owner_id", b}, {"due_at", IsoAt(-3600)}});
  auto all = api_->Get("/api/v1/reports/overdue_tasks");
  ASSERT_EQ(all.status, 200) << all.body;
  std::map<std::string, int64_t> by;
  const json report = all.json();
  for (const auto& r : report["by_owner"]) by[r["user_id"].get<std::string>()] = r["overdue"].get<int64_t>();
  EXPECT_EQ(by[a], 3) << all.body;
  EXPECT_EQ(by[b], 1) << all.body;
  // A rep sees only their own.
  Api rep_b(server_->port(), Token("od-b@example.com"));
  auto mine = rep_b.Get("/api/v1/reports/overdue_tasks");
  ASSERT_EQ(mine.status, 200) << mine.body;
  ASSERT_EQ(mine.json()["by_owner"].size(), 1u) << mine.body;
  EXPECT_EQ(mine.json()["by_owner"][0]["user_id"], b);
  EXPECT_EQ(mine.json()["total"], 1);
  // A manager sees their team's reps, not the others.
  auto patch = api_->Patch("/api/v1/users/" + boss, {{"team_id", team_id}});
  ASSERT_EQ(patch.status, 200) << patch.body;
  Api manager(server_->port(), Token("od-boss@example.com"));
  auto team_view = manager.Get("/api/v1/reports/overdue_tasks");
  ASSERT_EQ(team_view.status, 200) << team_view.body;
  const json tv = team_view.json();
  ASSERT_EQ(tv["by_owner"].size(), 1u) << team_view.body;
  EXPECT_EQ(tv["by_owner"][0]["user_id"], a);
  EXPECT_EQ(tv["by_owner"][0]["overdue"], 3);
  auto unknown = api_->Get("/api/v1/reports/overdue_tasks?owner=x");
  EXPECT_EQ(unknown.status, 400) << unknown.body;
}

}  // namespace
}  // namespace rapport::test
