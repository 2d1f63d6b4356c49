// Assignment rules through a real server (issue 4): round robin distributes
// evenly and skips out-of-office and inactive reps; least-loaded respects each
// rep's capacity; rules are ordered and the first that can assign wins; the
// rule is recorded on the lead, in its assignment log and its history; reps
// outside their working hours wait while a colleague is working; bad rule and
// rep definitions are a 400 naming the field; first responses are tracked and
// reported; an overdue lead escalates to the manager (jobs run escalation).
#include <gtest/gtest.h>

#include <ctime>
#include <map>

#include "harness.h"

namespace rapport::test {
namespace {

using nlohmann::json;

class AssignmentApi : public ServerSuite<AssignmentApi> {
 protected:
  std::string Team(const std::string& name, const std::string& manager = "") {
    json body = {{"name", name}};
    if (!manager.empty()) body["manager_id"] = manager;
    auto r = api_->Post("/api/v1/teams", body);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json()["id"];
  }
  std::string Rep(const std::string& email, const std::string& team, json extra = json::object()) {
    extra["email"] = email;
    extra["name"] = email.substr(0, email.find('@'));
    if (!team.empty()) extra["team_id"] = team;
    auto r = api_->Post("/api/v1/users", extra);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json()["id"];
  }
  json Rule(const json& body) {
    auto r = api_->Post("/api/v1/assignment_rules", body);
    EXPECT_EQ(r.status, 201) << body.dump() << " -> " << r.body;
    return r.json();
  }
  json Lead(const json& body) {
    auto r = api_->Post("/api/v1/leads", body);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json();
  }
  void ExpectBad(const std::string& path, const json& body, const std::string& field) {
    auto r = api_->Post(path, body);
    EXPECT_EQ(r.status, 400) << body.dump() << " -> " << r.body;
    EXPECT_EQ(r.json()["error"]["field"], field) << body.dump() << " -> " << r.body;
  }
  static std::string Today(int days_from_now = 0) {
    std::time_t t = std::time(nullptr) + days_from_now * 86400;
    char buf[16];
    std::strftime(buf, sizeof buf, "%Y-%m-%d", std::gmtime(&t));
    return buf;
  }
};

TEST_F(AssignmentApi, RoundRobinDistributesEvenlyAndSkipsAbsentReps) {
  std::string team = Team("Partners desk");
  std::string r1 = Rep("rr1@example.com", team), r2 = Rep("rr2@example.com", team), r3 = Rep("rr3@example.com", team);
  std::string off = Rep("rr4@example.com", team, {{"active", false}});
  std::string away = Rep("rr5@example.com", team, {{"out_of_office_from", Today(-2)}, {"out_of_office_to", Today(3)},
                                                   {"time_zone", "Europe/Paris"}});
  std::string back = Rep("rr6@example.com", team, {{"out_of_office_from", Today(-10)}, {"out_of_office_to", Today(-5)}});
  json rule = Rule({{"name", "Partner leads"}, {"strategy", "round_robin"}, {"team_id", team},
                    {"conditions", {{"source", {{"eq", "partner"}}}}}});
  EXPECT_EQ(rule["conditions"], "{\"source\":{\"eq\":\"partner\"}}");
  std::map<std::string, int> got;
  std::string some_lead;
  for (int i = 0; i < 40; ++i) {
    json l = Lead({{"last_name", "P" + std::to_string(i)}, {"source", "partner"}});
    got[l["owner_id"].get<std::string>()]++;
    EXPECT_EQ(l["assignment_rule_id"], rule["id"]);
    EXPECT_EQ(l["assigned_by_rule"], "Partner leads");
    EXPECT_FALSE(l["assigned_at"].is_null());
    some_lead = l["id"];
  }
  EXPECT_EQ(got[r1], 10);
  EXPECT_EQ(got[r2], 10);
  EXPECT_EQ(got[r3], 10);
  EXPECT_EQ(got[back], 10);
  EXPECT_EQ(got.count(off), 0u);
  EXPECT_EQ(got.count(away), 0u);
  // Recorded: the assignment log and the audit history.
  auto log = api_->Get("/api/v1/leads/" + some_lead + "/assignments");
  ASSERT_EQ(log.status, 200) << log.body;
  ASSERT_EQ(log.json()["data"].size(), 1u);
  EXPECT_EQ(log.json()["data"][0]["rule_id"], rule["id"]);
  EXPECT_EQ(log.json()["data"][0]["reason"], "capture");
  auto hist = api_->Get("/api/v1/leads/" + some_lead + "/history");
  ASSERT_EQ(hist.status, 200);
  EXPECT_EQ(hist.json()["data"][0]["new_value"]["assignment_rule_id"], rule["id"]) << hist.body;
  // A lead that names its owner is not assigned.
  json mine = Lead({{"last_name", "Mine"}, {"source", "partner"}, {"owner_id", r1}});
  EXPECT_EQ(mine["owner_id"], r1);
  EXPECT_TRUE(mine["assignment_rule_id"].is_null());
  // A lead no rule matches keeps its creator.
  json other = Lead({{"last_name", "Other"}, {"source", "event"}});
  EXPECT_TRUE(other["assignment_rule_id"].is_null());
  // The new owners were told.
  std::string token = server_->Cli("token create --email rr1@example.com");
  Api rep(server_->port(), token.substr(0, token.find('\n')));
  auto notes = rep.Get("/api/v1/notifications?unread=true");
  ASSERT_EQ(notes.status, 200) << notes.body;
  EXPECT_EQ(notes.json()["data"].size(), 10u);
  EXPECT_EQ(notes.json()["data"][0]["kind"], "lead_assigned");
  std::string nid = notes.json()["data"][0]["id"];
  EXPECT_EQ(rep.Do("POST", "/api/v1/notifications/" + nid + "/read", "").status, 204);
  EXPECT_EQ(rep.Get("/api/v1/notifications?unread=true").json()["data"].size(), 9u);
  ASSERT_EQ(api_->Patch("/api/v1/assignment_rules/" + rule["id"].get<std::string>(), {{"active", false}}).status, 200);
}

TEST_F(AssignmentApi, LeastLoadedRespectsCapacity) {
  std::string team = Team("Kiwi desk");
  std::string small = Rep("ll1@example.com", team, {{"capacity", 2}});
  std::string large = Rep("ll2@example.com", team, {{"capacity", 4}});
  json rule = Rule({{"name", "New Zealand"}, {"strategy", "least_loaded"}, {"team_id", team},
                    {"conditions", {{"country", {{"eq", "NZ"}}}}}});
  std::map<std::string, int> got;
  for (int i = 0; i < 6; ++i) got[Lead({{"last_name", "K" + std::to_string(i)}, {"country", "NZ"}})["owner_id"]]++;
  EXPECT_EQ(got[small], 2);
  EXPECT_EQ(got[large], 4);
  // Everyone is full: the rule cannot assign, the lead keeps its creator.
  json full = Lead({{"last_name", "K7"}, {"country", "NZ"}});
  EXPECT_TRUE(full["assignment_rule_id"].is_null());
  EXPECT_NE(full["owner_id"], small);
  EXPECT_NE(full["owner_id"], large);
  // Closing a lead frees a place.
  auto list = api_->Get("/api/v1/leads?filter=owner_id:eq:" + small);
  std::string one = list.json()["data"][0]["id"];
  auto dq = api_->Patch("/api/v1/leads/" + one, {{"status", "disqualified"}, {"disqualified_reason", "no_budget"}});
  ASSERT_EQ(dq.status, 200) << dq.body;
  EXPECT_EQ(Lead({{"last_name", "K8"}, {"country", "NZ"}})["owner_id"], small);
  ASSERT_EQ(api_->Patch("/api/v1/assignment_rules/" + rule["id"].get<std::string>(), {{"active", false}}).status, 200);
}

TEST_F(AssignmentApi, OrderedFirstMatchWinsAndAbsentOwnersAreSkipped) {
  std::string ice = Rep("ice@example.com", "");
  std::string nordic = Rep("nordic@example.com", "");
  json first = Rule({{"name", "Iceland"}, {"strategy", "owner"}, {"user_id", ice}, {"position", 1},
                     {"conditions", {{"country", {{"eq", "IS"}}}}}});
  json second = Rule({{"name", "Nordics"}, {"strategy", "owner"}, {"user_id", nordic}, {"position", 2},
                      {"conditions", {{"country", {{"in", {"IS", "NO", "SE"}}}}, {"employees", {{"gte", 10}}}}}});
  json l1 = Lead({{"last_name", "A"}, {"country", "IS"}, {"employees", 50}});
  EXPECT_EQ(l1["owner_id"], ice);
  EXPECT_EQ(l1["assignment_rule_id"], first["id"]);
  json l2 = Lead({{"last_name", "B"}, {"country", "NO"}, {"employees", 50}});
  EXPECT_EQ(l2["owner_id"], nordic);
  EXPECT_EQ(l2["assignment_rule_id"], second["id"]);
  json l3 = Lead({{"last_name", "C"}, {"country", "NO"}, {"employees", 5}});  // too small for the second rule
  EXPECT_TRUE(l3["assignment_rule_id"].is_null());
  // The Icelandic rep goes on holiday: the next rule takes their leads.
  ASSERT_EQ(api_->Patch("/api/v1/users/" + ice, {{"out_of_office_from", Today(-1)}, {"out_of_office_to", Today(1)}}).status, 200);
  json l4 = Lead({{"last_name", "D"}, {"country", "IS"}, {"employees", 50}});
  EXPECT_EQ(l4["owner_id"], nordic);
  EXPECT_EQ(l4["assignment_rule_id"], second["id"]);
  // Back: on demand, the first rule again.
  ASSERT_EQ(api_->Patch("/api/v1/users/" + ice, {{"out_of_office_to", Today(-1)}}).status, 200);
  auto re = api_->Post("/api/v1/leads/" + l4["id"].get<std::string>() + "/assign", json::object());
  ASSERT_EQ(re.status, 200) << re.body;
  EXPECT_EQ(re.json()["data"]["owner_id"], ice);
  EXPECT_EQ(re.json()["rule_id"], first["id"]);
  auto log = api_->Get("/api/v1/leads/" + l4["id"].get<std::string>() + "/assignments").json()["data"];
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[1]["reason"], "manual");
  EXPECT_EQ(log[1]["previous_user_id"], nordic);
  // No rule for this lead: 422.
  EXPECT_EQ(api_->Post("/api/v1/leads/" + l3["id"].get<std::string>() + "/assign", json::object()).status, 422);
  // An owner changed by hand is nobody's rule.
  auto hand = api_->Patch("/api/v1/leads/" + l1["id"].get<std::string>(), {{"owner_id", nordic}});
  ASSERT_EQ(hand.status, 200) << hand.body;
  EXPECT_TRUE(hand.json()["assignment_rule_id"].is_null());
  for (const json& r : {first, second})
    ASSERT_EQ(api_->Patch("/api/v1/assignment_rules/" + r["id"].get<std::string>(), {{"active", false}}).status, 200);
}

TEST_F(AssignmentApi, RepsOutsideTheirWorkingHoursWait) {
  std::string team = Team("Follow the sun");
  std::time_t now = std::time(nullptr);
  std::tm utc = *std::gmtime(&now);
  static const char* kDays[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
  std::string other_day = kDays[(utc.tm_wday + 3) % 7];
  std::string working = Rep("sun1@example.com", team, {{"working_hours", "mon-sun 00:00-24:00"}, {"time_zone", "UTC"}});
  std::string sleeping = Rep("sun2@example.com", team, {{"working_hours", other_day + " 09:00-17:00"}, {"time_zone", "+00:00"}});
  json rule = Rule({{"name", "Sun"}, {"strategy", "round_robin"}, {"team_id", team}, {"conditions", {{"region", {{"eq", "Sunland"}}}}}});
  for (int i = 0; i < 4; ++i) EXPECT_EQ(Lead({{"last_name", "S"}, {"region", "Sunland"}})["owner_id"], working);
  // Nobody working: the rotation goes on regardless.
  ASSERT_EQ(api_->Patch("/api/v1/users/" + working, {{"working_hours", other_day + " 09:00-10:00"}}).status, 200);
  std::map<std::string, int> got;
  for (int i = 0; i < 4; ++i) got[Lead({{"last_name", "T"}, {"region", "Sunland"}})["owner_id"]]++;
  EXPECT_EQ(got[working], 2);
  EXPECT_EQ(got[sleeping], 2);
  (void)sleeping;
  ASSERT_EQ(api_->Patch("/api/v1/assignment_rules/" + rule["id"].get<std::string>(), {{"active", false}}).status, 200);
}

TEST_F(AssignmentApi, BadDefinitionsNameTheField) {
  std::string team = Team("Validation");
  std::string rep = Rep("val@example.com", team);
  ExpectBad("/api/v1/assignment_rules", {{"name", "x"}, {"strategy", "round_robin"}, {"team_id", team},
                                         {"conditions", {{"countryy", {{"eq", "FR"}}}}}},
            "conditions");
  ExpectBad("/api/v1/assignment_rules", {{"name", "x"}, {"strategy", "round_robin"}, {"team_id", team},
                                         {"conditions", {{"country", {{"near", "FR"}}}}}},
            "conditions");
  ExpectBad("/api/v1/assignment_rules", {{"name", "x"}, {"strategy", "round_robin"}, {"team_id", team},
                                         {"conditions", {{"employees", {{"gte", "many"}}}}}},
            "conditions");
  ExpectBad("/api/v1/assignment_rules", {{"name", "x"}, {"strategy", "round_robin"}, {"team_id", team},
                                         {"conditions", "{not json"}},
            "conditions");
  ExpectBad("/api/v1/assignment_rules", {{"name", "x"}, {"strategy", "round_robin"}}, "team_id");
  ExpectBad("/api/v1/assignment_rules", {{"name", "x"}, {"strategy", "least_loaded"}}, "team_id");
  ExpectBad("/api/v1/assignment_rules", {{"name", "x"}, {"strategy", "owner"}, {"team_id", team}}, "user_id");
  ExpectBad("/api/v1/assignment_rules", {{"name", "x"}, {"strategy", "random"}, {"team_id", team}}, "strategy");
  ExpectBad("/api/v1/assignment_rules", {{"name", "x"}, {"strategy", "owner"}, {"user_id", "nobody"}}, "user_id");
  ExpectBad("/api/v1/assignment_rules", {{"name", "x"}, {"strategy", "owner"}, {"user_id", rep}, {"position", "first"}},
            "position");
  ExpectBad("/api/v1/users", {{"name", "tz"}, {"email", "tz@example.com"}, {"time_zone", "Mars/Olympus"}}, "time_zone");
  ExpectBad("/api/v1/users", {{"name", "wh"}, {"email", "wh@example.com"}, {"working_hours", "weekdays 9-5"}}, "working_hours");
  ExpectBad("/api/v1/users", {{"name", "cap"}, {"email", "cap@example.com"}, {"capacity", -1}}, "capacity");
  ExpectBad("/api/v1/users", {{"name", "ooo"}, {"email", "ooo@example.com"}, {"out_of_office_from", "next week"}},
            "out_of_office_from");
  // Only administrators write rules.
  std::string token = server_->Cli("token create --email val@example.com");
  Api as_rep(server_->port(), token.substr(0, token.find('\n')));
  EXPECT_EQ(as_rep.Post("/api/v1/assignment_rules", {{"name", "x"}, {"strategy", "owner"}, {"user_id", rep}}).status, 403);
  EXPECT_EQ(as_rep.Post("/api/v1/scoring_rules", {{"name", "x"}, {"activity_within_days", 1}, {"points", 1}}).status, 403);
  EXPECT_EQ(as_rep.Get("/api/v1/assignment_rules").status, 200);
}

TEST_F(AssignmentApi, FirstResponseIsTrackedReportedAndEscalated) {
  std::string manager = Rep("fr-boss@example.com", "", {{"role", "manager"}});
  std::string team = Team("Inbound", manager);
  std::string rep = Rep("fr1@example.com", team);
  json rule = Rule({{"name", "Inbound"}, {"strategy", "round_robin"}, {"team_id", team},
                    {"conditions", {{"source", {{"eq", "web_form"}}}}}});
  json answered = Lead({{"last_name", "Answered"}, {"source", "web_form"}});
  json waiting = Lead({{"last_name", "Waiting"}, {"source", "web_form"}});
  ASSERT_EQ(answered["owner_id"], rep);
  ASSERT_EQ(waiting["owner_id"], rep);
  // A planned task is not a response; a logged call is.
  ASSERT_EQ(api_->Post("/api/v1/activities", {{"type", "task"}, {"subject", "Call back"}, {"related_object", "leads"},
                                              {"related_id", answered["id"]}})
                .status,
            201);
  EXPECT_TRUE(api_->Get("/api/v1/leads/" + answered["id"].get<std::string>()).json()["first_response_at"].is_null());
  ASSERT_EQ(api_->Post("/api/v1/activities", {{"type", "call"}, {"subject", "Called"}, {"related_object", "leads"},
                                              {"related_id", answered["id"]}})
                .status,
            201);
  json done = api_->Get("/api/v1/leads/" + answered["id"].get<std::string>()).json();
  EXPECT_FALSE(done["first_response_at"].is_null());
  EXPECT_TRUE(done["response_minutes"].is_number());
  auto rep_report = api_->Get("/api/v1/reports/first_response");
  ASSERT_EQ(rep_report.status, 200) << rep_report.body;
  json mine;
  const json by_rep = rep_report.json()["by_rep"];
  for (const auto& r : by_rep) {
    if (r["user_id"] == rep) mine = r;
  }
  ASSERT_FALSE(mine.is_null()) << rep_report.body;
  EXPECT_EQ(mine["assigned"], 2);
  EXPECT_EQ(mine["responded"], 1);
  EXPECT_EQ(mine["pending"], 1);
  EXPECT_EQ(rep_report.json()["target_minutes"], 60);
  EXPECT_EQ(api_->Get("/api/v1/reports/first_response?from=yesterday").status, 400);
  // A week later, the unanswered lead escalates to the manager.
  std::string out = server_->Cli("jobs run escalation --now 2099-06-01T12:00:00Z");
  EXPECT_NE(out.find("notified"), std::string::npos) << out;
  std::string token = server_->Cli("token create --email fr-boss@example.com");
  Api boss(server_->port(), token.substr(0, token.find('\n')));
  auto notes = boss.Get("/api/v1/notifications");
  ASSERT_EQ(notes.status, 200);
  bool about_waiting = false, about_answered = false;
  const json note_list = notes.json()["data"];
  for (const auto& n : note_list) {
    about_waiting = about_waiting || (n["record_id"] == waiting["id"] && n["kind"] == "first_response_overdue");
    about_answered = about_answered || n["record_id"] == answered["id"];
  }
  EXPECT_TRUE(about_waiting) << notes.body;
  EXPECT_FALSE(about_answered);
  json esc = api_->Get("/api/v1/leads/" + waiting["id"].get<std::string>()).json();
  EXPECT_EQ(esc["escalation_count"], 1);
  EXPECT_FALSE(esc["escalated_at"].is_null());
  auto log = api_->Get("/api/v1/leads/" + waiting["id"].get<std::string>() + "/assignments").json()["data"];
  EXPECT_EQ(log.back()["reason"], "escalation_notify");
  // Settings of the escalation are validated.
  auto bad = api_->Patch("/api/v1/settings", {{"first_response_escalation", "shout"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.json()["error"]["field"], "first_response_escalation");
  ASSERT_EQ(api_->Patch("/api/v1/assignment_rules/" + rule["id"].get<std::string>(), {{"active", false}}).status, 200);
}

}  // namespace
}  // namespace rapport::test
