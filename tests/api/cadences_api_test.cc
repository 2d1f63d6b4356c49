// Follow-up cadences and renewals through a real server (issue 5,
// docs/decisions/015-cadences-and-renewals.md): the REST resource with steps
// as an array, bad input named by field, applying a cadence, completing the
// task through the normal activities PATCH, skip and stop, one active
// enrollment per record (409), enrollments not writable through the generic
// routes, and `rapport jobs run renewals` creating one renewal deal that the
// account health shows.
#include "harness.h"

namespace rapport::test {
namespace {

using nlohmann::json;

class CadencesApi : public ServerSuite<CadencesApi> {};

json Steps() {
  return json::parse(R"([
    {"type": "call", "day": 0, "subject": "Call {{first_name}}"},
    {"type": "email", "day": 2, "subject": "Deck for {{company}}", "notes": "Attach the deck"},
    {"type": "meeting", "day": 7, "subject": "Demo with {{name}}"}])");
}

TEST_F(CadencesApi, CreateApplyCompleteSkipAndStop) {
  auto bad = api_->Post("/api/v1/cadences", {{"name", "Bad"}, {"steps", json::array()}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.json()["error"]["field"], "steps");
  bad = api_->Post("/api/v1/cadences",
                   {{"name", "Bad"}, {"steps", json::parse(R"([{"type":"fax","day":0,"subject":"x"}])")}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.json()["error"]["field"], "steps[0].type");
  bad = api_->Post("/api/v1/cadences",
                   {{"name", "Bad"}, {"steps", json::parse(R"([{"type":"call","day":-1,"subject":"x"}])")}});
  EXPECT_EQ(bad.json()["error"]["field"], "steps[0].day");
  EXPECT_EQ(api_->Get("/api/v1/cadences").json()["data"].size(), 0u);  // nothing created

  auto created = api_->Post("/api/v1/cadences", {{"name", "Inbound lead"}, {"steps", Steps()}});
  ASSERT_EQ(created.status, 201) << created.body;
  json cad = created.json();
  EXPECT_TRUE(cad["steps"].is_array());
  EXPECT_EQ(cad["steps"][1]["day"], 2);
  EXPECT_EQ(cad["active"], true);
  const std::string cid = cad["id"];
  EXPECT_EQ(api_->Get("/api/v1/cadences/" + cid).json()["steps"].size(), 3u);
  // Stale edits are refused.
  auto stale = api_->Patch("/api/v1/cadences/" + cid, {{"name", "Renamed"}}, "\"99\"");
  EXPECT_EQ(stale.status, 412);
  auto renamed = api_->Patch("/api/v1/cadences/" + cid, {{"name", "Inbound lead (EU)"}}, "\"1\"");
  ASSERT_EQ(renamed.status, 200) << renamed.body;
  EXPECT_EQ(renamed.json()["steps"].size(), 3u);

  auto lead = api_->Post("/api/v1/leads", {{"first_name", "Ada"}, {"last_name", "Lovelace"}, {"company", "Engines"}});
  ASSERT_EQ(lead.status, 201);
  const std::string lid = lead.json()["id"];
  bad = api_->Post("/api/v1/cadences/" + cid + "/enrollments", {{"related_object", "leads"}, {"related_id", "nope"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.json()["error"]["field"], "related_id");
  bad = api_->Post("/api/v1/cadences/" + cid + "/enrollments", {{"related_object", "cases"}, {"related_id", lid}});
  EXPECT_EQ(bad.json()["error"]["field"], "related_object");
  EXPECT_EQ(api_->Post("/api/v1/cadences/nope/enrollments", {{"related_object", "leads"}, {"related_id", lid}}).status,
            404);

  auto en = api_->Post("/api/v1/cadences/" + cid + "/enrollments", {{"related_object", "leads"}, {"related_id", lid}});
  ASSERT_EQ(en.status, 201) << en.body;
  json e = en.json();
  EXPECT_EQ(e["status"], "active");
  EXPECT_EQ(e["next_step"]["type"], "call");
  EXPECT_EQ(e["activity"]["subject"], "Call Ada");
  const std::string eid = e["id"];
  auto dup = api_->Post("/api/v1/cadences/" + cid + "/enrollments", {{"related_object", "leads"}, {"related_id", lid}});
  EXPECT_EQ(dup.status, 409);
  EXPECT_EQ(dup.json()["error"]["field"], "related_id");

  // Completing the call through the normal activities PATCH schedules the e-mail.
  auto done = api_->Patch("/api/v1/activities/" + e["activity"]["id"].get<std::string>(),
                          {{"done_at", "2026-11-30T10:00:00Z"}});
  ASSERT_EQ(done.status, 200) << done.body;
  auto active = api_->Get("/api/v1/cadence_enrollments?filter=related_id:eq:" + lid + "&filter=status:eq:active");
  ASSERT_EQ(active.status, 200) << active.body;
  ASSERT_EQ(active.json()["data"].size(), 1u);
  json now = active.json()["data"][0];
  EXPECT_EQ(now["next_step"]["number"], 2);
  EXPECT_EQ(now["next_step"]["type"], "email");
  auto email = api_->Get("/api/v1/activities/" + now["current_activity_id"].get<std::string>());
  EXPECT_EQ(email.json()["subject"], "Deck for Engines");

  auto skipped = api_->Post("/api/v1/cadences/" + cid + "/enrollments/" + eid + "/skip", json::object());
  ASSERT_EQ(skipped.status, 200) << skipped.body;
  EXPECT_EQ(skipped.json()["next_step"]["type"], "meeting");
  EXPECT_EQ(api_->Get("/api/v1/activities/" + now["current_activity_id"].get<std::string>()).status, 404);

  auto stopped = api_->Post("/api/v1/cadences/" + cid + "/enrollments/" + eid + "/stop", {{"reason", "replied"}});
  ASSERT_EQ(stopped.status, 200) << stopped.body;
  EXPECT_EQ(stopped.json()["status"], "stopped");
  EXPECT_EQ(api_->Post("/api/v1/cadences/" + cid + "/enrollments/" + eid + "/skip", json::object()).status, 422);
  EXPECT_EQ(api_->Get("/api/v1/cadences/" + cid + "/enrollments").json()["data"].size(), 1u);
  // Enrollments are not written through the generic routes; their history is read there.
  EXPECT_EQ(api_->Post("/api/v1/cadence_enrollments", {{"status", "active"}}).status, 404);
  EXPECT_EQ(api_->Patch("/api/v1/cadence_enrollments/" + eid, {{"status", "active"}}).status, 404);
  auto hist = api_->Get("/api/v1/cadence_enrollments/" + eid + "/history");
  ASSERT_EQ(hist.status, 200) << hist.body;
  EXPECT_GE(hist.json()["data"].size(), 3u);
  // Applied again after the stop: allowed.
  EXPECT_EQ(api_->Post("/api/v1/cadences/" + cid + "/enrollments", {{"related_object", "leads"}, {"related_id", lid}})
                .status,
            201);
}

TEST_F(CadencesApi, RepsReadCadencesButOnlyAdminsWriteThem) {
  auto u = api_->Post("/api/v1/users", {{"email", "cadence-rep@example.com"}, {"name", "Rep"}, {"role", "rep"}});
  ASSERT_EQ(u.status, 201) << u.body;
  std::string token = server_->Cli("token create --email cadence-rep@example.com");
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
  Api rep(server_->port(), token);
  EXPECT_EQ(rep.Post("/api/v1/cadences", {{"name", "Mine"}, {"steps", Steps()}}).status, 403);
  auto c = api_->Post("/api/v1/cadences", {{"name", "Team cadence"}, {"steps", Steps()}});
  ASSERT_EQ(c.status, 201);
  EXPECT_EQ(rep.Get("/api/v1/cadences/" + c.json()["id"].get<std::string>()).status, 200);
  auto lead = rep.Post("/api/v1/leads", {{"last_name", "Rep's lead"}});
  ASSERT_EQ(lead.status, 201);
  auto en = rep.Post("/api/v1/cadences/" + c.json()["id"].get<std::string>() + "/enrollments",
                     {{"related_object", "leads"}, {"related_id", lead.json()["id"]}});
  EXPECT_EQ(en.status, 201) << en.body;
  // The admin's lead is invisible to the rep: named as an unknown record.
  auto other = api_->Post("/api/v1/leads", {{"last_name", "Admin's lead"}});
  auto hidden = rep.Post("/api/v1/cadences/" + c.json()["id"].get<std::string>() + "/enrollments",
                         {{"related_object", "leads"}, {"related_id", other.json()["id"]}});
  EXPECT_EQ(hidden.status, 400);
  EXPECT_EQ(hidden.json()["error"]["field"], "related_id");
}

TEST_F(CadencesApi, RenewalsJobCreatesOneRenewalAndHealthShowsIt) {
  auto stages = api_->Get("/api/v1/stages?filter=kind:eq:won");
  ASSERT_EQ(stages.status, 200);
  const std::string won = stages.json()["data"][0]["id"];
  auto acc = api_->Post("/api/v1/accounts", {{"name", "Renewco"}});
  const std::string aid = acc.json()["id"];
  auto deal = api_->Post("/api/v1/opportunities", {{"name", "Renewco 2026"}, {"account_id", aid}, {"amount", 9000},
                                                   {"stage_id", won}, {"close_reason", "price"},
                                                   {"contract_end_date", "2027-02-01"}});
  ASSERT_EQ(deal.status, 201) << deal.body;
  const std::string did = deal.json()["id"];
  EXPECT_EQ(api_->Patch("/api/v1/settings", {{"renewal_lead_days", 0}}).json()["error"]["field"], "renewal_lead_days");
  std::string out = server_->Cli("jobs run renewals --now 2026-12-01T09:00:00Z");
  EXPECT_NE(out.find("1 renewal deals created"), std::string::npos) << out;
  out = server_->Cli("jobs run renewals --now 2026-12-02T09:00:00Z");
  EXPECT_NE(out.find("0 renewal deals created"), std::string::npos) << out;
  auto renewals = api_->Get("/api/v1/opportunities?filter=renewal_of_id:eq:" + did);
  ASSERT_EQ(renewals.json()["data"].size(), 1u);
  json r = renewals.json()["data"][0];
  EXPECT_EQ(r["account_id"], aid);
  EXPECT_EQ(r["close_date"], "2027-02-01");
  auto settings = api_->Get("/api/v1/settings").json();
  EXPECT_EQ(settings["renewal_pipeline_id"], r["pipeline_id"]);
  EXPECT_EQ(settings["renewal_lead_days"], 90);
  auto health = api_->Get("/api/v1/accounts/" + aid + "/health");
  ASSERT_EQ(health.status, 200);
  EXPECT_EQ(health.json()["next_renewal"]["date"], "2027-02-01");
  EXPECT_EQ(health.json()["next_renewal"]["amount"], 9000);
  EXPECT_EQ(health.json()["next_renewal"]["opportunity_id"], did);
  EXPECT_EQ(health.json()["next_renewal"]["renewal_opportunity_id"], r["id"]);
}

}  // namespace
}  // namespace rapport::test
