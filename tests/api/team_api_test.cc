// Team selling through a real server (issue 5, docs/decisions/016): account
// and opportunity teams over REST (GET/POST .../team, PATCH/DELETE
// .../team/{member_id}) with 403/404/400 as the rules say; membership opens
// GET, list and search, edit access opens PATCH, removal closes them; team
// roles; @mentions reach the notifications API of members only; follow,
// the record feed and /me/feed with cursors.
#include <gtest/gtest.h>

#include <algorithm>

#include "harness.h"

namespace rapport::test {
namespace {

using nlohmann::json;

class TeamApi : public ServerSuite<TeamApi> {
 protected:
  // A user and an API client signed in as them.
  std::pair<std::string, std::unique_ptr<Api>> Person(const std::string& email, const std::string& name,
                                                      const std::string& role = "rep") {
    auto r = api_->Post("/api/v1/users", {{"email", email}, {"name", name}, {"role", role}});
    EXPECT_EQ(r.status, 201) << r.body;
    std::string token = server_->Cli("token create --email " + email);
    return {r.json()["id"], std::make_unique<Api>(server_->port(), token.substr(0, token.find('\n')))};
  }
  static bool Listed(Api& a, const std::string& path, const std::string& id) {
    auto r = a.Get(path);
    EXPECT_EQ(r.status, 200) << r.body;
    const json body = r.json();  // (ranging over a temporary's member would dangle)
    for (const auto& row : body["data"]) {
      if (row["id"] == id) return true;
    }
    return false;
  }
};

TEST_F(TeamApi, MembershipGivesRealAccessAndOnlyTheOwnerSideChangesIt) {
  auto [owner_id, owner] = Person("owner@team.example", "Olivia Owner");
  auto [se_id, se] = Person("se@team.example", "Sergei Engineer");
  auto [out_id, outsider] = Person("out@team.example", "Otto Outsider");
  auto acc = owner->Post("/api/v1/accounts", {{"name", "Initech Holdings"}});
  ASSERT_EQ(acc.status, 201) << acc.body;
  std::string id = acc.json()["id"];
  const std::string team = "/api/v1/accounts/" + id + "/team";

  EXPECT_EQ(se->Get("/api/v1/accounts/" + id).status, 404);
  EXPECT_FALSE(Listed(*se, "/api/v1/accounts", id));
  EXPECT_FALSE(Listed(*se, "/api/v1/search?q=Initech", id));
  EXPECT_EQ(se->Get(team).status, 404);

  // Bad input names the field and adds nobody.
  auto bad = owner->Post(team, {{"user_id", se_id}, {"role", "wizard"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.json()["error"]["field"], "role");
  bad = owner->Post(team, {{"user_id", se_id}, {"role", "sales_engineer"}, {"access", "all"}});
  EXPECT_EQ(bad.json()["error"]["field"], "access");
  EXPECT_EQ(owner->Do("POST", team, "[1]").status, 400);
  EXPECT_EQ(owner->Get(team).json()["data"].size(), 0u);
  // Someone who cannot see the account gets a 404, not a team.
  EXPECT_EQ(outsider->Post(team, {{"user_id", out_id}, {"role", "support"}}).status, 404);

  auto added = owner->Post(team, {{"user_id", se_id}, {"role", "sales_engineer"}, {"access", "read"}});
  ASSERT_EQ(added.status, 201) << added.body;
  std::string member = added.json()["id"];
  EXPECT_EQ(owner->Post(team, {{"user_id", se_id}, {"role", "support"}}).status, 409);

  EXPECT_EQ(se->Get("/api/v1/accounts/" + id).status, 200);
  EXPECT_TRUE(Listed(*se, "/api/v1/accounts", id));
  EXPECT_TRUE(Listed(*se, "/api/v1/search?q=Initech", id));
  auto list = se->Get(team);
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.json()["can_manage"], false);
  EXPECT_EQ(list.json()["data"][0]["user_name"], "Sergei Engineer");
  // Read access: no change; a member does not manage the team.
  EXPECT_EQ(se->Patch("/api/v1/accounts/" + id, {{"industry", "Software"}}).status, 403);
  EXPECT_EQ(se->Post(team, {{"user_id", out_id}, {"role", "support"}}).status, 403);
  EXPECT_EQ(se->Delete(team + "/" + member).status, 403);

  // Edit access: the member changes the account, but not its owner.
  auto up = owner->Patch(team + "/" + member, {{"access", "edit"}});
  ASSERT_EQ(up.status, 200) << up.body;
  EXPECT_EQ(up.json()["access"], "edit");
  auto patched = se->Patch("/api/v1/accounts/" + id, {{"industry", "Software"}});
  EXPECT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(se->Patch("/api/v1/accounts/" + id, {{"owner_id", se_id}}).status, 403);
  EXPECT_EQ(se->Delete("/api/v1/accounts/" + id).status, 403);

  // The history shows the team changes.
  auto hist = owner->Get("/api/v1/accounts/" + id + "/history");
  std::vector<std::string> actions;
  const json hist_json = hist.json();
  for (const auto& h : hist_json["data"]) actions.push_back(h["action"]);
  EXPECT_EQ(std::count(actions.begin(), actions.end(), "team_add"), 1);
  EXPECT_EQ(std::count(actions.begin(), actions.end(), "team_change"), 1);

  // Removal removes access.
  EXPECT_EQ(owner->Delete(team + "/" + member).status, 204);
  EXPECT_EQ(owner->Delete(team + "/" + member).status, 404);
  EXPECT_EQ(se->Get("/api/v1/accounts/" + id).status, 404);
  EXPECT_FALSE(Listed(*se, "/api/v1/accounts", id));
  EXPECT_FALSE(Listed(*se, "/api/v1/search?q=Initech", id));
  // Contacts have no teams.
  EXPECT_EQ(owner->Get("/api/v1/contacts/x/team").status, 404);
}

TEST_F(TeamApi, RolesMentionsFollowAndFeeds) {
  auto [ae_id, ae] = Person("ae@feed.example", "Alice Executive");
  auto [se_id, se] = Person("se@feed.example", "Bruno Engineer");
  auto [x_id, x] = Person("x@feed.example", "Xavier Elsewhere");
  (void)x_id;
  // Roles: admins extend the list; others read it.
  auto roles = api_->Do("PUT", "/api/v1/team_roles", json{{"roles", {"legal_counsel"}}}.dump());
  ASSERT_EQ(roles.status, 200) << roles.body;
  EXPECT_EQ(ae->Get("/api/v1/team_roles").json()["data"].size(), 5u);
  EXPECT_EQ(ae->Do("PUT", "/api/v1/team_roles", json{{"roles", json::array()}}.dump()).status, 403);

  auto deal = ae->Post("/api/v1/opportunities", {{"name", "Umbrella upgrade"}, {"amount", 1000}});
  ASSERT_EQ(deal.status, 201) << deal.body;
  std::string id = deal.json()["id"];
  const std::string base = "/api/v1/opportunities/" + id;
  EXPECT_EQ(ae->Get(base + "/follow").json()["following"], true);
  ASSERT_EQ(ae->Post(base + "/team", {{"user_id", se_id}, {"role", "legal_counsel"}, {"access", "edit"}}).status, 201);
  EXPECT_EQ(se->Get(base + "/follow").json()["reason"], "team");

  // A note mentioning the member and an outsider: only the member is told.
  auto note = ae->Post("/api/v1/activities", {{"type", "note"},
                                              {"subject", "Pricing call"},
                                              {"description", "@[Bruno](user:" + se_id + ") and @Xavier Elsewhere"},
                                              {"related_object", "opportunities"},
                                              {"related_id", id}});
  ASSERT_EQ(note.status, 201) << note.body;
  auto se_notes = se->Get("/api/v1/notifications");
  bool mentioned = false;
  const json se_json = se_notes.json();
  for (const auto& n : se_json["data"]) {
    if (n["kind"] == "mention") {
      mentioned = true;
      EXPECT_EQ(n["object"], "opportunities");
      EXPECT_EQ(n["record_id"], id);
    }
  }
  EXPECT_TRUE(mentioned) << se_notes.body;
  const json x_json = x->Get("/api/v1/notifications").json();
  for (const auto& n : x_json["data"]) EXPECT_NE(n["kind"], "mention") << n.dump();

  // The member changes the deal: the owner is told once.
  ASSERT_EQ(se->Patch(base, {{"amount", 2500}, {"description", "Needs SSO"}}).status, 200);
  ASSERT_EQ(se->Patch(base, {{"amount", 2600}}).status, 200);
  int changed = 0;
  const json ae_json = ae->Get("/api/v1/notifications").json();
  for (const auto& n : ae_json["data"]) changed += n["kind"] == "record_changed";
  EXPECT_EQ(changed, 1);

  // The record feed, newest first, one item per change, by cursor.
  auto f1 = ae->Get(base + "/feed?limit=1");
  ASSERT_EQ(f1.status, 200) << f1.body;
  ASSERT_EQ(f1.json()["data"].size(), 1u);
  ASSERT_EQ(f1.json()["data"][0]["changes"].size(), 1u) << f1.body;
  EXPECT_EQ(f1.json()["data"][0]["changes"][0]["field"], "amount");
  EXPECT_EQ(f1.json()["data"][0]["changes"][0]["to"], "2600");
  EXPECT_EQ(f1.json()["data"][0]["user_name"], "Bruno Engineer");
  std::string cursor = f1.json()["next_cursor"];
  auto f2 = ae->Get(base + "/feed?limit=1&cursor=" + cursor);
  ASSERT_EQ(f2.json()["data"][0]["changes"].size(), 2u) << f2.body;
  auto all = ae->Get(base + "/feed?limit=100");
  bool has_note = false;
  const json all_json = all.json();
  for (const auto& item : all_json["data"]) has_note = has_note || item.contains("activity");
  EXPECT_TRUE(has_note) << all.body;
  EXPECT_EQ(ae->Get(base + "/feed?limit=0").json()["error"]["field"], "limit");
  EXPECT_EQ(ae->Get(base + "/feed?colour=red").json()["error"]["field"], "colour");
  EXPECT_EQ(x->Get(base + "/feed").status, 404);

  // /me/feed merges what the user follows; unfollowing drops the record.
  auto mine = se->Get("/api/v1/me/feed?limit=50");
  ASSERT_EQ(mine.status, 200) << mine.body;
  ASSERT_GE(mine.json()["data"].size(), 3u);
  EXPECT_EQ(mine.json()["data"][0]["about"]["title"], "Umbrella upgrade");
  EXPECT_EQ(se->Delete(base + "/follow").json()["following"], false);
  EXPECT_EQ(se->Get("/api/v1/me/feed").json()["data"].size(), 0u);
  EXPECT_EQ(x->Post(base + "/follow", json::object()).status, 404);
}

}  // namespace
}  // namespace rapport::test
