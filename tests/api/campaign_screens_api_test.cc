// What the campaign screens need from the call list (issue 4; see
// docs/decisions/020-campaign-screens.md): the next member comes with the
// person's last logged calls (newest first, at most three, only those the
// rep may see, planned calls left out), so a rep dialling a retry reads
// what was said last time; and what the call screen shows (phone, attempts,
// last outcome) is in the answer.
#include <gtest/gtest.h>

#include "harness.h"

namespace rapport::test {
namespace {

using nlohmann::json;

class CampaignScreensApi : public ServerSuite<CampaignScreensApi> {
 protected:
  std::string Create(const std::string& object, const json& body, Api* as = nullptr) {
    auto r = (as ? as : api_.get())->Post("/api/v1/" + object, body);
    EXPECT_EQ(r.status, 201) << object << ": " << r.body;
    return r.status == 201 ? r.json()["id"].get<std::string>() : "";
  }
  std::unique_ptr<Api> User(const std::string& email, const std::string& role, const std::string& team_id) {
    json body = {{"email", email}, {"name", email.substr(0, email.find('@'))}, {"role", role}};
    if (!team_id.empty()) body["team_id"] = team_id;
    auto u = api_->Post("/api/v1/users", body);
    EXPECT_EQ(u.status, 201) << u.body;
    std::string t = server_->Cli("token create --email " + email);
    return std::make_unique<Api>(server_->port(), t.substr(0, t.find('\n')));
  }
};

TEST_F(CampaignScreensApi, NextCallCarriesThePersonsRecentVisibleCallsNewestFirst) {
  std::string team = Create("teams", {{"name", "Dialers"}});
  auto rep = User("dialer@example.com", "rep", team);
  std::string campaign =
      Create("campaigns", {{"name", "Retry blitz"}, {"channel", "telemarketing"}, {"team_id", team}});
  std::string lead = Create("leads", {{"first_name", "Rita"}, {"last_name", "Retry"}, {"company", "Retry Ltd"},
                                      {"phone", "+44 20 7946 0101"}, {"team_id", team}});
  // Four calls the team may see, one private call of the admin's, one planned call.
  auto call = [&](const std::string& done_at, const std::string& desc, const std::string& team_id) {
    json b = {{"type", "call"}, {"subject", "Call " + done_at.substr(0, 10)}, {"related_object", "leads"},
              {"related_id", lead}, {"description", desc}};
    if (!done_at.empty()) b["done_at"] = done_at;
    if (!team_id.empty()) b["team_id"] = team_id;
    return Create("activities", b);
  };
  call("2026-01-05T09:00:00Z", "oldest", team);
  call("2026-02-05T09:00:00Z", "second", team);
  std::string newest = call("2026-04-05T09:00:00Z", "Asked to ring after Easter", team);
  call("2026-03-05T09:00:00Z", "third", team);
  std::string secret = call("2026-05-05T09:00:00Z", "admin only", "");
  call("", "planned, not made", team);
  ASSERT_EQ(api_->Post("/api/v1/campaigns/" + campaign + "/members", {{"lead_ids", {lead}}}).status, 200);

  auto next = rep->Get("/api/v1/campaigns/" + campaign + "/call_list/next");
  ASSERT_EQ(next.status, 200) << next.body;
  json j = next.json();
  ASSERT_FALSE(j["member"].is_null()) << j.dump();
  EXPECT_EQ(j["person"]["phone"].get<std::string>().substr(0, 3), "+44");
  EXPECT_EQ(j["person"]["company"], "Retry Ltd");
  EXPECT_TRUE(j["member"]["call_count"].is_null() || j["member"]["call_count"] == 0);
  ASSERT_TRUE(j["recent_calls"].is_array()) << j.dump();
  ASSERT_EQ(j["recent_calls"].size(), 3u) << j["recent_calls"].dump();
  EXPECT_EQ(j["recent_calls"][0]["id"], newest) << "newest first; the admin's private call is not the rep's to see";
  EXPECT_EQ(j["recent_calls"][0]["description"], "Asked to ring after Easter");
  EXPECT_EQ(j["recent_calls"][1]["description"], "third");
  EXPECT_EQ(j["recent_calls"][2]["description"], "second");
  for (const auto& c : j["recent_calls"]) {
    EXPECT_NE(c["id"], secret);
    EXPECT_FALSE(c["done_at"].is_null()) << "planned calls are not history";
  }

  std::string member = j["member"]["id"];
  auto logged = rep->Post("/api/v1/campaigns/" + campaign + "/call_list/" + member + "/outcome",
                          {{"outcome", "no_answer"}, {"notes", "Rang 6 times"}});
  ASSERT_EQ(logged.status, 200) << logged.body;
  // No answer: back after call_retry_hours (4 by default), so nobody is
  // callable now and the answer says when the retry comes.
  json empty = rep->Get("/api/v1/campaigns/" + campaign + "/call_list/next").json();
  EXPECT_TRUE(empty["member"].is_null());
  EXPECT_TRUE(empty["recent_calls"].is_array());
  EXPECT_EQ(empty["recent_calls"].size(), 0u);
  EXPECT_EQ(empty["retry_later"], 1);
  EXPECT_FALSE(empty["next_retry_at"].is_null());
}

TEST_F(CampaignScreensApi, RecentCallsOfAContactAndAPersonNeverCalled) {
  std::string campaign = Create("campaigns", {{"name", "Contacts ring-round"}, {"channel", "telemarketing"}});
  std::string acc = Create("accounts", {{"name", "Ring Corp"}});
  std::string fresh = Create("contacts", {{"first_name", "Nora"}, {"last_name", "New"}, {"account_id", acc},
                                          {"mobile", "+33 6 12 34 56 78"}});
  auto add = api_->Post("/api/v1/campaigns/" + campaign + "/members", {{"contact_ids", {fresh}}});
  ASSERT_EQ(add.status, 200) << add.body;
  json j = api_->Get("/api/v1/campaigns/" + campaign + "/call_list/next").json();
  ASSERT_FALSE(j["member"].is_null()) << j.dump();
  EXPECT_EQ(j["person"]["object"], "contacts");
  EXPECT_EQ(j["person"]["company"], "Ring Corp");
  EXPECT_FALSE(j["person"]["mobile"].is_null()) << "a contact with only a mobile is callable on it";
  EXPECT_EQ(j["recent_calls"], json::array());
  // A logged call then shows up for the next member that is this person in
  // another campaign.
  std::string member = j["member"]["id"];
  ASSERT_EQ(api_->Post("/api/v1/campaigns/" + campaign + "/call_list/" + member + "/outcome",
                       {{"outcome", "reached"}, {"notes", "Interested in the spring offer"}})
                .status,
            200);
  std::string other = Create("campaigns", {{"name", "Spring follow-up"}, {"channel", "telemarketing"}});
  ASSERT_EQ(api_->Post("/api/v1/campaigns/" + other + "/members", {{"contact_ids", {fresh}}}).status, 200);
  json k = api_->Get("/api/v1/campaigns/" + other + "/call_list/next").json();
  ASSERT_EQ(k["recent_calls"].size(), 1u) << k.dump();
  EXPECT_EQ(k["recent_calls"][0]["subject"], "Call: reached");
  EXPECT_EQ(k["recent_calls"][0]["description"], "Interested in the spring offer");
}

TEST_F(CampaignScreensApi, TheCampaignsListCanHaveSavedViews) {
  auto view = api_->Post("/api/v1/views", {{"name", "Telemarketing"},
                                           {"object", "campaigns"},
                                           {"filters", "[\"channel:eq:telemarketing\"]"}});
  ASSERT_EQ(view.status, 201) << view.body;
  auto list = api_->Get("/api/v1/views?filter=object:eq:campaigns");
  ASSERT_EQ(list.status, 200) << list.body;
  ASSERT_EQ(list.json()["data"].size(), 1u);
  EXPECT_EQ(list.json()["data"][0]["name"], "Telemarketing");
  EXPECT_EQ(api_->Post("/api/v1/views", {{"name", "Bad"}, {"object", "campaign_members"}}).status, 400)
      << "views are for lists the app shows";
}

}  // namespace
}  // namespace rapport::test
