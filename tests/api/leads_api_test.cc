// Leads and campaigns (issue 4): the lead status flow, converting a lead in
// one transaction (create or link, activities moved, nothing left behind on
// failure), campaign members, the direct-mail CSV with suppression and
// de-duplication, and the telemarketing call list worked by two reps.
#include <gtest/gtest.h>

#include "harness.h"

namespace rapport::test {
namespace {

using nlohmann::json;

class LeadsApi : public ServerSuite<LeadsApi> {
 protected:
  std::string Create(const std::string& object, const json& body) {
    auto r = api_->Post("/api/v1/" + object, body);
    EXPECT_EQ(r.status, 201) << object << ": " << r.body;
    return r.status == 201 ? r.json()["id"].get<std::string>() : "";
  }
  size_t Count(const std::string& object, const std::string& filter) {
    auto r = api_->Get("/api/v1/" + object + "?limit=1000&filter=" + UrlEncode(filter));
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json()["data"].size();
  }
  // A user with a token, in `team_id` (may be empty).
  std::unique_ptr<Api> User(const std::string& email, const std::string& role, const std::string& team_id) {
    json body = {{"email", email}, {"name", email.substr(0, email.find('@'))}, {"role", role}};
    if (!team_id.empty()) body["team_id"] = team_id;
    auto u = api_->Post("/api/v1/users", body);
    EXPECT_EQ(u.status, 201) << u.body;
    std::string t = server_->Cli("token create --email " + email);
    return std::make_unique<Api>(server_->port(), t.substr(0, t.find('\n')));
  }
};

TEST_F(LeadsApi, StatusFlowRefusesInvalidMovesNamingTheField) {
  std::string id = Create("leads", {{"last_name", "Flow"}, {"company", "Flow Ltd"}});
  auto path = "/api/v1/leads/" + id;
  auto skip = api_->Patch(path, {{"status", "nurturing"}});
  EXPECT_EQ(skip.status, 422) << skip.body;
  EXPECT_EQ(skip.json()["error"]["field"], "status");
  EXPECT_NE(skip.json()["error"]["message"].get<std::string>().find("working"), std::string::npos);
  ASSERT_EQ(api_->Patch(path, {{"status", "working"}}).status, 200);
  auto no_reason = api_->Patch(path, {{"status", "disqualified"}});
  EXPECT_EQ(no_reason.status, 422);
  EXPECT_EQ(no_reason.json()["error"]["field"], "disqualified_reason");
  auto other = api_->Patch(path, {{"status", "disqualified"}, {"disqualified_reason", "other"}});
  EXPECT_EQ(other.json()["error"]["field"], "disqualified_reason_text");
  auto bad_reason = api_->Patch(path, {{"status", "disqualified"}, {"disqualified_reason", "bored"}});
  EXPECT_EQ(bad_reason.status, 400) << "not one of the picklist's reasons";
  auto dq = api_->Patch(path, {{"status", "disqualified"}, {"disqualified_reason", "no_budget"},
                               {"disqualified_reason_text", "Budget frozen until 2027"}});
  ASSERT_EQ(dq.status, 200) << dq.body;
  EXPECT_EQ(dq.json()["disqualified_reason"], "no_budget");
  EXPECT_EQ(api_->Patch(path, {{"status", "qualified"}}).status, 422) << "reopen first";
  EXPECT_EQ(api_->Patch(path, {{"disqualified_reason", nullptr}}).status, 422) << "keeps its reason";
  EXPECT_EQ(api_->Patch(path, {{"title", "CFO"}}).status, 200) << "other edits are fine";
  auto reopened = api_->Patch(path, {{"status", "working"}});
  ASSERT_EQ(reopened.status, 200);
  EXPECT_TRUE(reopened.json()["disqualified_reason"].is_null()) << "reason cleared on reopening";
  EXPECT_EQ(api_->Patch(path, {{"status", "qualified"}}).status, 200);
  auto conv = api_->Patch(path, {{"status", "converted"}});
  EXPECT_EQ(conv.status, 422);
  EXPECT_EQ(conv.json()["error"]["field"], "status");
  EXPECT_EQ(api_->Patch(path, {{"converted_at", "2026-01-01T00:00:00Z"}}).status, 400) << "read-only";

  auto flow = api_->Get("/api/v1/leads/status_flow");
  ASSERT_EQ(flow.status, 200) << flow.body;
  EXPECT_EQ(flow.json()["transitions"]["new"], json::array({"working", "qualified", "disqualified"}));
  EXPECT_TRUE(flow.json()["transitions"]["converted"].empty());
  EXPECT_NE(flow.json()["disqualified_reasons"].size(), 0u);
}

TEST_F(LeadsApi, ConvertCreatesAccountContactAndOpportunityAndMovesActivities) {
  std::string lead = Create("leads", {{"first_name", "Katherine"}, {"last_name", "Johnson"},
                                      {"email", "kj@orbital-conv.example"}, {"company", "Orbital Mechanics Inc"},
                                      {"phone", "+1 415 555 0100"}, {"title", "Lead Engineer"},
                                      {"city", "Hampton"}, {"country", "US"}, {"source", "event"}});
  std::string a1 = Create("activities", {{"type", "call"}, {"subject", "Intro call"}, {"related_object", "leads"},
                                         {"related_id", lead}});
  std::string a2 = Create("activities", {{"type", "note"}, {"subject", "Met at the fair"},
                                         {"related_object", "leads"}, {"related_id", lead}});
  auto r = api_->Post("/api/v1/leads/" + lead + "/convert",
                      {{"create_opportunity", {{"name", "Trajectory software"}, {"amount", 48000},
                                               {"close_date", "2026-12-31"}}}});
  ASSERT_EQ(r.status, 200) << r.body;
  json out = r.json();
  EXPECT_EQ(out["created"], json({{"account", true}, {"contact", true}, {"opportunity", true}}));
  EXPECT_EQ(out["activities_moved"], 2);
  json account = out["account"], contact = out["contact"], opp = out["opportunity"], l = out["lead"];
  EXPECT_EQ(account["name"], "Orbital Mechanics Inc");
  EXPECT_EQ(account["domain"], "orbital-conv.example");
  EXPECT_EQ(contact["last_name"], "Johnson");
  EXPECT_EQ(contact["email"], "kj@orbital-conv.example");
  EXPECT_EQ(contact["account_id"], account["id"]);
  EXPECT_EQ(contact["source"], "event");
  EXPECT_EQ(opp["name"], "Trajectory software");
  EXPECT_EQ(opp["amount"], 48000);
  EXPECT_EQ(opp["account_id"], account["id"]);
  EXPECT_EQ(opp["contact_id"], contact["id"]);
  EXPECT_FALSE(opp["stage_id"].is_null()) << "default pipeline and its first stage";
  EXPECT_EQ(l["status"], "converted");
  EXPECT_EQ(l["converted_account_id"], account["id"]);
  EXPECT_EQ(l["converted_contact_id"], contact["id"]);
  EXPECT_EQ(l["converted_opportunity_id"], opp["id"]);
  EXPECT_FALSE(l["converted_at"].is_null());
  // The lead as stored says the same; its activities now belong to the contact.
  EXPECT_EQ(api_->Get("/api/v1/leads/" + lead).json()["converted_contact_id"], contact["id"]);
  for (const auto& a : {a1, a2}) {
    json act = api_->Get("/api/v1/activities/" + a).json();
    EXPECT_EQ(act["related_object"], "contacts");
    EXPECT_EQ(act["related_id"], contact["id"]);
  }
  // Audited: the lead's history shows the conversion, the activity's its move.
  json hist = api_->Get("/api/v1/leads/" + lead + "/history").json()["data"];
  bool saw = false;
  for (const auto& h : hist) saw = saw || (h["field"] == "status" && h["new_value"] == "converted");
  EXPECT_TRUE(saw) << hist.dump();
  json ahist = api_->Get("/api/v1/activities/" + a1 + "/history").json()["data"];
  EXPECT_EQ(ahist.back()["action"], "update");

  // Twice is a conflict; the lead still points at the same records.
  auto again = api_->Post("/api/v1/leads/" + lead + "/convert", json::object());
  EXPECT_EQ(again.status, 409) << again.body;
  EXPECT_EQ(again.json()["error"]["field"], "status");
  EXPECT_EQ(Count("contacts", "email:eq:kj@orbital-conv.example"), 1u);
}

TEST_F(LeadsApi, ConvertOffersExistingMatchesAndLinksThemInsteadOfDuplicating) {
  std::string account = Create("accounts", {{"name", "Babbage & Sons Ltd"}, {"domain", "babbage-match.example"}});
  std::string similar = Create("accounts", {{"name", "BABBAGE AND SONS"}});
  std::string contact = Create("contacts", {{"last_name", "Babbage"}, {"email", "charles@babbage-match.example"},
                                            {"account_id", account}});
  Create("accounts", {{"name", "Babbage Unrelated Holdings Bakery"}});
  std::string lead = Create("leads", {{"first_name", "Charles"}, {"last_name", "Babbage"},
                                      {"email", "Charles@Babbage-Match.example"}, {"company", "Babbage & Sons"}});
  auto m = api_->Get("/api/v1/leads/" + lead + "/convert");
  ASSERT_EQ(m.status, 200) << m.body;
  json j = m.json();
  ASSERT_EQ(j["contacts"].size(), 1u);
  EXPECT_EQ(j["contacts"][0]["id"], contact);
  EXPECT_EQ(j["contacts"][0]["reason"], "same_email");
  ASSERT_GE(j["accounts"].size(), 2u) << j.dump();
  EXPECT_EQ(j["accounts"][0]["id"], account);
  EXPECT_EQ(j["accounts"][0]["reason"], "same_domain");
  EXPECT_EQ(j["accounts"][1]["id"], similar);
  EXPECT_EQ(j["accounts"][1]["reason"], "similar_name");
  for (const auto& a : j["accounts"]) EXPECT_NE(a["name"], "Babbage Unrelated Holdings Bakery");
  EXPECT_EQ(j["suggested"]["account_id"], account);
  EXPECT_EQ(j["suggested"]["contact_id"], contact);
  EXPECT_EQ(j["convertible"], true);
  EXPECT_EQ(j["defaults"]["account"]["domain"], "babbage-match.example");
  EXPECT_EQ(api_->Get("/api/v1/leads/" + lead + "/matches").status, 200);

  auto r = api_->Post("/api/v1/leads/" + lead + "/convert", {{"account_id", account}, {"contact_id", contact}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["created"], json({{"account", false}, {"contact", false}, {"opportunity", false}}));
  EXPECT_EQ(r.json()["lead"]["converted_account_id"], account);
  EXPECT_EQ(r.json()["lead"]["converted_contact_id"], contact);
  EXPECT_TRUE(r.json()["lead"]["converted_opportunity_id"].is_null());
  EXPECT_EQ(Count("contacts", "email:eq:charles@babbage-match.example"), 1u) << "no duplicate";
  EXPECT_EQ(Count("accounts", "domain:eq:babbage-match.example"), 1u);

  // A free-mail address says nothing about the company.
  std::string gmail = Create("leads", {{"last_name", "Doe"}, {"email", "jane.doe@gmail.com"}});
  json g = api_->Get("/api/v1/leads/" + gmail + "/convert").json();
  EXPECT_EQ(g["free_mail"], true);
  EXPECT_TRUE(g["accounts"].empty());
  // No company: a contact only, unless told otherwise.
  auto solo = api_->Post("/api/v1/leads/" + gmail + "/convert", json::object());
  ASSERT_EQ(solo.status, 200) << solo.body;
  EXPECT_TRUE(solo.json()["account"].is_null());
  EXPECT_TRUE(solo.json()["contact"]["account_id"].is_null());
}

TEST_F(LeadsApi, AFailedConvertLeavesNothingBehind) {
  std::string lead = Create("leads", {{"last_name", "Rollback"}, {"email", "rb@atomic-conv.example"},
                                      {"company", "Atomic Conversions"}});
  std::string act = Create("activities", {{"type", "task"}, {"subject", "Follow up"}, {"related_object", "leads"},
                                          {"related_id", lead}});
  for (const json& amount : {json("lots"), json(-5)}) {
    auto r = api_->Post("/api/v1/leads/" + lead + "/convert",
                        {{"create_opportunity", {{"name", "Deal"}, {"amount", amount}}}});
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(r.json()["error"]["field"], "create_opportunity.amount");
  }
  auto bad_stage = api_->Post("/api/v1/leads/" + lead + "/convert",
                              {{"create_opportunity", {{"name", "Deal"}, {"stage_id", "nope"}}}});
  EXPECT_EQ(bad_stage.status, 400);
  EXPECT_EQ(bad_stage.json()["error"]["field"], "create_opportunity.stage_id");
  auto bad_contact = api_->Post("/api/v1/leads/" + lead + "/convert", {{"contact", {{"email", "not an email"}}}});
  EXPECT_EQ(bad_contact.status, 400);
  EXPECT_EQ(bad_contact.json()["error"]["field"], "contact.email");
  EXPECT_EQ(api_->Post("/api/v1/leads/" + lead + "/convert", {{"account_id", "nope"}}).json()["error"]["field"],
            "account_id");
  EXPECT_EQ(api_->Post("/api/v1/leads/" + lead + "/convert", {{"bogus", 1}}).status, 400);
  // Nothing was created, nothing moved, the lead is as it was.
  EXPECT_EQ(Count("accounts", "name:eq:Atomic Conversions"), 0u);
  EXPECT_EQ(Count("contacts", "email:eq:rb@atomic-conv.example"), 0u);
  EXPECT_EQ(Count("opportunities", "name:eq:Deal"), 0u);
  json l = api_->Get("/api/v1/leads/" + lead).json();
  EXPECT_EQ(l["status"], "new");
  EXPECT_TRUE(l["converted_contact_id"].is_null());
  EXPECT_EQ(api_->Get("/api/v1/activities/" + act).json()["related_object"], "leads");
  // And then it converts.
  EXPECT_EQ(api_->Post("/api/v1/leads/" + lead + "/convert", json::object()).status, 200);
}

TEST_F(LeadsApi, WhoMayConvertWhat) {
  std::string dq = Create("leads", {{"last_name", "Nope"}, {"company", "Nope Co"}});
  ASSERT_EQ(api_->Patch("/api/v1/leads/" + dq, {{"status", "disqualified"}, {"disqualified_reason", "spam"}}).status,
            200);
  auto r = api_->Post("/api/v1/leads/" + dq + "/convert", json::object());
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(r.json()["error"]["field"], "status");
  auto no_last = Create("leads", {{"company", "Nameless Inc"}});
  auto nl = api_->Post("/api/v1/leads/" + no_last + "/convert", json::object());
  EXPECT_EQ(nl.status, 422);
  EXPECT_EQ(nl.json()["error"]["field"], "contact.last_name");
  EXPECT_EQ(api_->Post("/api/v1/leads/" + no_last + "/convert", {{"contact", {{"last_name", "Named"}}}}).status, 200);

  // A rep may not see (so not convert, nor look up matches for) another rep's lead.
  auto rep1 = User("conv-rep1@example.com", "rep", "");
  auto rep2 = User("conv-rep2@example.com", "rep", "");
  auto mine = rep1->Post("/api/v1/leads", {{"last_name", "Mine"}, {"company", "Mine Ltd"}});
  ASSERT_EQ(mine.status, 201);
  std::string id = mine.json()["id"];
  EXPECT_EQ(rep2->Post("/api/v1/leads/" + id + "/convert", json::object()).status, 404);
  EXPECT_EQ(rep2->Get("/api/v1/leads/" + id + "/convert").status, 404);
  EXPECT_EQ(api_->Get("/api/v1/leads/no-such-lead/convert").status, 404);
  auto done = rep1->Post("/api/v1/leads/" + id + "/convert", json::object());
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(done.json()["contact"]["owner_id"], done.json()["lead"]["owner_id"]);
}

TEST_F(LeadsApi, CampaignMembersAreAddedIdempotentlyAndListedWithThePerson) {
  std::string campaign = Create("campaigns", {{"name", "Autumn mailing"}, {"channel", "direct_mail"},
                                              {"start_date", "2026-09-01"}, {"end_date", "2026-10-31"},
                                              {"budget", 5000}, {"actual_cost", 1200}});
  auto bad = api_->Post("/api/v1/campaigns", {{"name", "Backwards"}, {"channel", "event"},
                                              {"start_date", "2026-09-01"}, {"end_date", "2026-08-01"}});
  EXPECT_EQ(bad.status, 422);
  EXPECT_EQ(bad.json()["error"]["field"], "end_date");
  EXPECT_EQ(api_->Post("/api/v1/campaigns", {{"name", "No channel"}}).status, 400);
  std::string l1 = Create("leads", {{"first_name", "Ann"}, {"last_name", "One"}});
  std::string l2 = Create("leads", {{"first_name", "Bob"}, {"last_name", "Two"}});
  std::string acc = Create("accounts", {{"name", "Member Corp"}});
  std::string c1 = Create("contacts", {{"first_name", "Cy"}, {"last_name", "Three"}, {"account_id", acc}});
  std::string base = "/api/v1/campaigns/" + campaign + "/members";

  auto add = api_->Post(base, {{"lead_ids", {l1, l2, l1}}, {"contact_ids", {c1}}});
  ASSERT_EQ(add.status, 200) << add.body;
  EXPECT_EQ(add.json()["added"], 3);
  auto again = api_->Post(base, {{"lead_ids", {l1, l2}}, {"contact_ids", {c1}}});
  EXPECT_EQ(again.json()["added"], 0);
  EXPECT_EQ(again.json()["already_members"], 3);
  auto unknown = api_->Post(base, {{"lead_ids", {l1, "no-such-lead"}}});
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(unknown.json()["error"]["field"], "lead_ids");
  EXPECT_EQ(api_->Post(base, json::object()).status, 400);
  EXPECT_EQ(api_->Post("/api/v1/campaigns/nope/members", {{"lead_ids", {l1}}}).status, 404);
  EXPECT_EQ(api_->Post("/api/v1/campaign_members", {{"status", "sent"}}).status, 422) << "members come through the campaign";

  auto list = api_->Get(base);
  ASSERT_EQ(list.status, 200) << list.body;
  json data = list.json()["data"];
  ASSERT_EQ(data.size(), 3u);
  EXPECT_EQ(list.json()["counts"]["total"], 3);
  EXPECT_EQ(list.json()["counts"]["by_status"]["sent"], 3);
  EXPECT_EQ(data[0]["member_object"], "leads");
  EXPECT_EQ(data[0]["person"]["last_name"], "One");
  EXPECT_EQ(data[2]["person"]["company"], "Member Corp") << "a contact's company is its account";
  // Response status is changed on the member record.
  std::string m1 = data[0]["id"];
  auto resp = api_->Patch("/api/v1/campaign_members/" + m1, {{"status", "responded"}});
  ASSERT_EQ(resp.status, 200) << resp.body;
  EXPECT_EQ(api_->Get(base + "?filter=status:eq:responded").json()["data"].size(), 1u);

  auto removed = api_->Post(base + "/remove", {{"lead_ids", {l2}}});
  EXPECT_EQ(removed.json()["removed"], 1);
  EXPECT_EQ(api_->Get(base).json()["data"].size(), 2u);
  auto back = api_->Post(base, {{"lead_ids", {l2}}});
  EXPECT_EQ(back.json()["restored"], 1);
  EXPECT_EQ(api_->Delete(base + "/" + m1).status, 204);
  EXPECT_EQ(api_->Get(base).json()["data"].size(), 2u);
  EXPECT_EQ(api_->Delete(base + "/" + m1).status, 404);

  // Converting a member lead marks its membership converted.
  ASSERT_EQ(api_->Post(base, {{"lead_ids", {l1}}}).json()["restored"], 1);
  ASSERT_EQ(api_->Post("/api/v1/leads/" + l1 + "/convert", json::object()).status, 200);
  EXPECT_EQ(api_->Get(base + "?filter=status:eq:converted").json()["data"].size(), 1u);
}

TEST_F(LeadsApi, MailingCsvSuppressesOptedOutAndDuplicateAddressesAndEscapesFormulas) {
  std::string campaign = Create("campaigns", {{"name", "Catalogue 2026"}, {"channel", "direct_mail"}});
  auto lead = [&](json b) { return Create("leads", b); };
  std::string a = lead({{"first_name", "Ada"}, {"last_name", "Street"}, {"company", "A Ltd"},
                        {"street", "221B Baker Street"}, {"postcode", "NW1 6XE"}, {"city", "London"},
                        {"country", "United Kingdom"}});
  std::string dup = lead({{"first_name", "Also"}, {"last_name", "There"}, {"street", "221b baker st."},
                          {"postcode", "nw16xe"}, {"city", "LONDON"}, {"country", "UK"}});
  std::string opted = lead({{"last_name", "NoMail"}, {"street", "1 Quiet Lane"}, {"city", "Bath"},
                            {"do_not_mail", true}});
  std::string nowhere = lead({{"last_name", "Nowhere"}, {"email", "nowhere@example.com"}});
  std::string evil = Create("contacts", {{"first_name", "=cmd|' /C calc'!A0"}, {"last_name", "@SUM(1+1)"},
                                         {"street", "+1 Formula Road, \"Quoted\""}, {"city", "-Minus"}});
  auto add = api_->Post("/api/v1/campaigns/" + campaign + "/members",
                        {{"lead_ids", {a, dup, opted, nowhere}}, {"contact_ids", {evil}}});
  ASSERT_EQ(add.status, 200) << add.body;

  auto csv = api_->Get("/api/v1/campaigns/" + campaign + "/mailing.csv");
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_EQ(csv.Header("content-type"), "text/csv; charset=utf-8");
  EXPECT_EQ(csv.Header("x-rapport-rows"), "2");
  EXPECT_EQ(csv.Header("x-rapport-suppressed-opt-out"), "1");
  EXPECT_EQ(csv.Header("x-rapport-suppressed-duplicate"), "1");
  EXPECT_EQ(csv.Header("x-rapport-suppressed-no-address"), "1");
  std::string body = csv.body;
  ASSERT_EQ(body.rfind("\xEF\xBB\xBF", 0), 0u) << "BOM";
  EXPECT_NE(body.find("member_id,object,record_id,first_name,last_name,company,street,postcode,city,country\r\n"),
            std::string::npos);
  EXPECT_NE(body.find("leads," + a + ",Ada,Street,A Ltd,221B Baker Street,NW1 6XE,London,United Kingdom\r\n"),
            std::string::npos)
      << body;
  EXPECT_EQ(body.find(dup), std::string::npos) << "the second letter to the same address is dropped";
  EXPECT_EQ(body.find(opted), std::string::npos);
  EXPECT_EQ(body.find(nowhere), std::string::npos);
  EXPECT_NE(body.find(",'=cmd|' /C calc'!A0,'@SUM(1+1),,\"'+1 Formula Road, \"\"Quoted\"\"\",,'-Minus,\r\n"),
            std::string::npos)
      << body;
  EXPECT_EQ(api_->Get("/api/v1/campaigns/nope/mailing.csv").status, 404);
}

TEST_F(LeadsApi, TwoRepsWorkTheCallListOneMemberAtATime) {
  std::string team = Create("teams", {{"name", "Phones"}});
  auto rep1 = User("caller1@example.com", "rep", team);
  auto rep2 = User("caller2@example.com", "rep", team);
  std::string campaign = Create("campaigns", {{"name", "Call blitz"}, {"channel", "telemarketing"}, {"team_id", team}});
  auto lead = [&](json b) {
    b["team_id"] = team;
    return Create("leads", b);
  };
  std::string p1 = lead({{"first_name", "Pat"}, {"last_name", "First"}, {"phone", "+44 20 7946 0001"}});
  std::string p2 = lead({{"first_name", "Sam"}, {"last_name", "Second"}, {"phone", "+44 20 7946 0002"}});
  std::string no_phone = lead({{"last_name", "Silent"}});
  std::string dnc = lead({{"last_name", "DoNotCall"}, {"phone", "+44 20 7946 0003"}, {"do_not_call", true}});
  std::string hidden = Create("leads", {{"last_name", "Private"}, {"phone", "+44 20 7946 0004"}});  // admin's only
  auto add = api_->Post("/api/v1/campaigns/" + campaign + "/members", {{"lead_ids", {p1, p2, no_phone, dnc, hidden}}});
  ASSERT_EQ(add.status, 200) << add.body;
  std::string base = "/api/v1/campaigns/" + campaign + "/call_list";

  auto n1 = rep1->Get(base + "/next");
  ASSERT_EQ(n1.status, 200) << n1.body;
  json first = n1.json();
  ASSERT_FALSE(first["member"].is_null());
  EXPECT_EQ(first["person"]["id"], p1);
  EXPECT_NE(first["person"]["phone"].get<std::string>().find("7946"), std::string::npos);
  EXPECT_EQ(first["remaining"], 2) << "no phone, do-not-call and invisible people are not callable";
  EXPECT_FALSE(first["locked_until"].is_null());
  std::string m1 = first["member"]["id"];
  EXPECT_EQ(rep1->Get(base + "/next").json()["member"]["id"], m1) << "asking again gives the same member";
  json second = rep2->Get(base + "/next").json();
  ASSERT_FALSE(second["member"].is_null());
  EXPECT_EQ(second["person"]["id"], p2) << "skips the member rep 1 is calling";
  std::string m2 = second["member"]["id"];

  auto steal = rep2->Post(base + "/" + m1 + "/outcome", {{"outcome", "reached"}});
  EXPECT_EQ(steal.status, 409) << steal.body;
  auto no_time = rep1->Post(base + "/" + m1 + "/outcome", {{"outcome", "callback"}});
  EXPECT_EQ(no_time.status, 400);
  EXPECT_EQ(no_time.json()["error"]["field"], "callback_at");
  EXPECT_EQ(rep1->Post(base + "/" + m1 + "/outcome", {{"outcome", "hung_up"}}).json()["error"]["field"], "outcome");
  auto cb = rep1->Post(base + "/" + m1 + "/outcome",
                       {{"outcome", "callback"}, {"notes", "Busy, call Tuesday"}, {"callback_at", "2026-12-01T10:00:00Z"}});
  ASSERT_EQ(cb.status, 200) << cb.body;
  json logged = cb.json();
  EXPECT_EQ(logged["member"]["call_outcome"], "callback");
  EXPECT_EQ(logged["member"]["status"], "responded");
  EXPECT_EQ(logged["member"]["call_count"], 1);
  EXPECT_TRUE(logged["member"]["locked_by"].is_null());
  EXPECT_EQ(logged["activity"]["type"], "call");
  EXPECT_EQ(logged["activity"]["subject"], "Call: callback");
  EXPECT_EQ(logged["activity"]["related_id"], p1);
  EXPECT_FALSE(logged["activity"]["done_at"].is_null());
  EXPECT_EQ(logged["task"]["type"], "task");
  EXPECT_EQ(logged["task"]["due_at"], "2026-12-01T10:00:00.000Z");
  EXPECT_EQ(logged["task"]["subject"], "Call back Pat First");
  EXPECT_EQ(api_->Get("/api/v1/leads/" + p1).json()["status"], "working") << "first call moves a new lead on";

  json next = rep1->Get(base + "/next").json();
  EXPECT_TRUE(next["member"].is_null()) << "p1 called, p2 reserved by rep 2: " << next.dump();
  auto na = rep2->Post(base + "/" + m2 + "/outcome", {{"outcome", "no_answer"}});
  ASSERT_EQ(na.status, 200) << na.body;
  EXPECT_EQ(na.json()["member"]["status"], "sent");
  EXPECT_TRUE(na.json()["task"].is_null());
  json done = rep2->Get(base + "/next").json();
  EXPECT_TRUE(done["member"].is_null());
  EXPECT_EQ(done["remaining"], 0);
  // Someone outside the team does not see the campaign at all.
  auto outsider = User("outsider@example.com", "rep", "");
  EXPECT_EQ(outsider->Get(base + "/next").status, 404);
}

}  // namespace
}  // namespace rapport::test
