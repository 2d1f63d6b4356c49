// Authentication and permissions: session login with CSRF, API tokens and
// their revocation, login throttling, role-based visibility (rep, manager,
// admin) and organisation isolation.
#include <chrono>
#include <thread>
#include <gtest/gtest.h>

#include "harness.h"

namespace rapport::test {
namespace {

using nlohmann::json;

class AuthApi : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new Server(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override { admin_ = std::make_unique<Api>(server_->port(), server_->admin_token()); }

  // Creates a user and returns {id, token}.
  std::pair<std::string, std::string> MakeUser(const std::string& email, const std::string& role,
                                               const std::string& team_id = "") {
    json body = {{"email", email}, {"name", email.substr(0, email.find('@'))}, {"role", role}};
    if (!team_id.empty()) body["team_id"] = team_id;
    auto r = admin_->Post("/api/v1/users", body);
    EXPECT_EQ(r.status, 201) << r.body;
    std::string token = server_->Cli("token create --email " + email);
    return {r.json()["id"], token.substr(0, token.find('\n'))};
  }
  static std::string SessionCookie(const Response& r) {
    for (auto& c : r.set_cookies) {
      if (c.rfind("rapport_session=", 0) == 0) return c.substr(0, c.find(';'));
    }
    return {};
  }
  static Server* server_;
  std::unique_ptr<Api> admin_;
};
Server* AuthApi::server_ = nullptr;

TEST_F(AuthApi, SessionLoginNeedsCsrfForUnsafeRequests) {
  Client c(server_->port());
  auto bad = c.Request("POST", "/api/v1/auth/login",
                       json{{"email", server_->admin_email()}, {"password", "wrong password"}}.dump());
  EXPECT_EQ(bad.status, 401);
  EXPECT_EQ(bad.json()["error"]["message"], "wrong email or password");

  auto ok = c.Request("POST", "/api/v1/auth/login",
                      json{{"email", "ADMIN@example.com"}, {"password", server_->admin_password()}}.dump());
  ASSERT_EQ(ok.status, 200) << ok.body;
  std::string cookie = SessionCookie(ok);
  ASSERT_FALSE(cookie.empty());
  bool http_only = false, same_site = false;
  for (auto& sc : ok.set_cookies) {
    http_only |= sc.find("HttpOnly") != std::string::npos;
    same_site |= sc.find("SameSite=Strict") != std::string::npos;
  }
  EXPECT_TRUE(http_only);
  EXPECT_TRUE(same_site);
  std::string csrf = ok.json()["csrf_token"];
  EXPECT_EQ(ok.json()["user"]["role"], "admin");

  // Signed in with the one-time password: only a password change is allowed.
  EXPECT_EQ(ok.json()["must_change_password"], true);
  EXPECT_EQ(c.Request("GET", "/api/v1/leads", "", {{"Cookie", cookie}}).status, 403);
  auto weak = c.Request("POST", "/api/v1/auth/password",
                        json{{"current_password", server_->admin_password()}, {"new_password", "short"}}.dump(),
                        {{"Cookie", cookie}, {"X-CSRF-Token", csrf}});
  EXPECT_EQ(weak.status, 400);
  EXPECT_EQ(weak.json()["error"]["field"], "new_password");
  auto wrong_current = c.Request("POST", "/api/v1/auth/password",
                                 json{{"current_password", "nope"}, {"new_password", "a much better passphrase"}}.dump(),
                                 {{"Cookie", cookie}, {"X-CSRF-Token", csrf}});
  EXPECT_EQ(wrong_current.status, 400);
  EXPECT_EQ(wrong_current.json()["error"]["field"], "current_password");
  auto changed = c.Request("POST", "/api/v1/auth/password",
                           json{{"current_password", server_->admin_password()},
                                {"new_password", "a much better passphrase"}}.dump(),
                           {{"Cookie", cookie}, {"X-CSRF-Token", csrf}});
  EXPECT_EQ(changed.status, 204) << changed.body;

  auto me = c.Request("GET", "/api/v1/auth/me", "", {{"Cookie", cookie}});
  ASSERT_EQ(me.status, 200);
  EXPECT_EQ(me.json()["csrf_token"], csrf);
  EXPECT_EQ(c.Request("GET", "/api/v1/leads", "", {{"Cookie", cookie}}).status, 200);

  json lead = {{"last_name", "Csrf"}};
  auto no_csrf = c.Request("POST", "/api/v1/leads", lead.dump(), {{"Cookie", cookie}});
  EXPECT_EQ(no_csrf.status, 403);
  auto wrong_csrf = c.Request("POST", "/api/v1/leads", lead.dump(), {{"Cookie", cookie}, {"X-CSRF-Token", "nope"}});
  EXPECT_EQ(wrong_csrf.status, 403);
  auto with_csrf = c.Request("POST", "/api/v1/leads", lead.dump(), {{"Cookie", cookie}, {"X-CSRF-Token", csrf}});
  EXPECT_EQ(with_csrf.status, 201) << with_csrf.body;

  auto out = c.Request("POST", "/api/v1/auth/logout", "", {{"Cookie", cookie}, {"X-CSRF-Token", csrf}});
  EXPECT_EQ(out.status, 204);
  EXPECT_EQ(c.Request("GET", "/api/v1/leads", "", {{"Cookie", cookie}}).status, 401);
}

TEST_F(AuthApi, RepeatedFailedLoginsAreSlowedThenRefused) {
  auto created = admin_->Post("/api/v1/users", {{"email", "victim@example.com"}, {"name", "Victim"}, {"role", "rep"}});
  ASSERT_EQ(created.status, 201);
  std::string right = created.json()["one_time_password"];
  Client c(server_->port());
  json wrong = {{"email", "victim@example.com"}, {"password", "not the password"}};
  for (int i = 0; i < 4; ++i) EXPECT_EQ(c.Request("POST", "/api/v1/auth/login", wrong.dump()).status, 401);
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(c.Request("POST", "/api/v1/auth/login", wrong.dump()).status, 401);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  EXPECT_GE(ms, 1000) << "the fifth failure should be answered slowly";
  auto locked = c.Request("POST", "/api/v1/auth/login", wrong.dump());
  EXPECT_EQ(locked.status, 429) << locked.body;
  EXPECT_FALSE(locked.Header("retry-after").empty());
  // Even the right password is refused while locked; an operator reset unlocks.
  json right_body = {{"email", "victim@example.com"}, {"password", right}};
  EXPECT_EQ(c.Request("POST", "/api/v1/auth/login", right_body.dump()).status, 429);
  std::string out = server_->Cli("user reset-password --email victim@example.com");
  std::string fresh = out.substr(out.rfind(' ') + 1);
  fresh = fresh.substr(0, fresh.find('\n'));
  auto ok = c.Request("POST", "/api/v1/auth/login", json{{"email", "victim@example.com"}, {"password", fresh}}.dump());
  EXPECT_EQ(ok.status, 200) << ok.body;
}

TEST_F(AuthApi, CreatedUserCanSignInWithTheOneTimePassword) {
  auto r = admin_->Post("/api/v1/users", {{"email", "new.rep@example.com"}, {"name", "New Rep"}, {"role", "rep"}});
  ASSERT_EQ(r.status, 201) << r.body;
  std::string pw = r.json()["one_time_password"];
  EXPECT_FALSE(r.json().contains("password_hash"));
  Client c(server_->port());
  auto ok = c.Request("POST", "/api/v1/auth/login", json{{"email", "new.rep@example.com"}, {"password", pw}}.dump());
  EXPECT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.json()["user"]["role"], "rep");
  EXPECT_EQ(ok.json()["must_change_password"], true);
  // Duplicate email, bad role.
  EXPECT_EQ(admin_->Post("/api/v1/users", {{"email", "new.rep@example.com"}, {"name", "X"}, {"role", "rep"}}).status, 409);
  auto bad_role = admin_->Post("/api/v1/users", {{"email", "x@example.com"}, {"name", "X"}, {"role", "emperor"}});
  EXPECT_EQ(bad_role.status, 400);
  EXPECT_EQ(bad_role.json()["error"]["field"], "role");
}

TEST_F(AuthApi, RevokedTokenIsRefused) {
  std::string token = server_->Cli("token create --email " + server_->admin_email() + " --name revoke-me");
  token = token.substr(0, token.find('\n'));
  Api api(server_->port(), token);
  EXPECT_EQ(api.Get("/api/v1/leads").status, 200);
  std::string list = server_->Cli("token list");
  auto pos = list.find("revoke-me");
  ASSERT_NE(pos, std::string::npos);
  std::string line = list.substr(list.rfind('\n', pos) + 1);
  std::string id = line.substr(0, line.find(' '));
  server_->Cli("token revoke --id " + id);
  // Revoked by another process (the CLI): the server's principal cache keeps
  // a credential for at most one second (docs/decisions/013).
  auto revoked_at = std::chrono::steady_clock::now();
  int status = 0;
  while ((status = api.Get("/api/v1/leads").status) == 200 &&
         std::chrono::steady_clock::now() - revoked_at < std::chrono::seconds(3)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(status, 401);
  EXPECT_LT(std::chrono::steady_clock::now() - revoked_at, std::chrono::milliseconds(1500));
}

TEST_F(AuthApi, ARoleChangeThroughTheApiAppliesToTheNextRequest) {
  auto [rep_id, rep_tok] = MakeUser("promote-me@example.com", "rep", "");
  Api rep(server_->port(), rep_tok);
  EXPECT_EQ(rep.Post("/api/v1/teams", {{"name", "Not yet"}}).status, 403);
  auto up = admin_->Patch("/api/v1/users/" + rep_id, {{"role", "admin"}});
  ASSERT_EQ(up.status, 200) << up.body;
  EXPECT_EQ(rep.Post("/api/v1/teams", {{"name", "Now allowed"}}).status, 201);
  auto down = admin_->Patch("/api/v1/users/" + rep_id, {{"role", "rep"}});
  ASSERT_EQ(down.status, 200) << down.body;
  EXPECT_EQ(rep.Post("/api/v1/teams", {{"name", "No longer"}}).status, 403);
}

TEST_F(AuthApi, RepsSeeTheirOwnAndTeamSharedRecordsManagersTheirTeamsAdminsAll) {
  auto team = admin_->Post("/api/v1/teams", {{"name", "North"}});
  ASSERT_EQ(team.status, 201) << team.body;
  std::string team_id = team.json()["id"];
  auto [rep1_id, rep1_tok] = MakeUser("rep1@example.com", "rep", team_id);
  auto [rep2_id, rep2_tok] = MakeUser("rep2@example.com", "rep", team_id);
  auto [rep3_id, rep3_tok] = MakeUser("rep3@example.com", "rep");  // no team
  auto [mgr_id, mgr_tok] = MakeUser("mgr@example.com", "manager");
  ASSERT_EQ(admin_->Patch("/api/v1/teams/" + team_id, {{"manager_id", mgr_id}}).status, 200);
  (void)rep2_id;
  (void)rep3_id;

  Api rep1(server_->port(), rep1_tok), rep2(server_->port(), rep2_tok), rep3(server_->port(), rep3_tok),
      mgr(server_->port(), mgr_tok);
  auto priv = rep1.Post("/api/v1/leads", {{"last_name", "Private"}});
  ASSERT_EQ(priv.status, 201) << priv.body;
  EXPECT_EQ(priv.json()["owner_id"], rep1_id);
  std::string priv_id = priv.json()["id"];
  auto shared = rep1.Post("/api/v1/leads", {{"last_name", "Shared"}, {"team_id", team_id}});
  ASSERT_EQ(shared.status, 201);
  std::string shared_id = shared.json()["id"];

  // rep2 (same team): the shared lead only; cannot read or change the private one.
  EXPECT_EQ(rep2.Get("/api/v1/leads/" + priv_id).status, 404);
  EXPECT_EQ(rep2.Patch("/api/v1/leads/" + priv_id, {{"title", "x"}}).status, 404);
  EXPECT_EQ(rep2.Delete("/api/v1/leads/" + priv_id).status, 404);
  EXPECT_EQ(rep2.Get("/api/v1/leads/" + shared_id).status, 200);
  auto list2 = rep2.Get("/api/v1/leads?limit=1000").json()["data"];
  for (auto& r : list2) EXPECT_NE(r["id"], priv_id);
  // rep3 (no team): neither.
  EXPECT_EQ(rep3.Get("/api/v1/leads/" + shared_id).status, 404);
  EXPECT_EQ(rep3.Get("/api/v1/leads/" + priv_id + "/history").status, 404);
  // The team's manager and the admin: both.
  EXPECT_EQ(mgr.Get("/api/v1/leads/" + priv_id).status, 200);
  EXPECT_EQ(admin_->Get("/api/v1/leads/" + priv_id).status, 200);
  // Reps cannot change configuration or users.
  auto cfg = rep1.Post("/api/v1/pipelines", {{"name", "Mine"}});
  EXPECT_EQ(cfg.status, 403);
  EXPECT_EQ(rep1.Post("/api/v1/users", {{"email", "z@example.com"}, {"name", "Z"}, {"role", "admin"}}).status, 403);
  EXPECT_EQ(rep1.Post("/api/v1/metadata/leads/fields", {{"name", "x"}, {"type", "text"}}).status, 403);
}

TEST_F(AuthApi, NoRequestReachesAnotherOrganisation) {
  auto mine = admin_->Post("/api/v1/accounts", {{"name", "Org One Secret Ltd"}});
  ASSERT_EQ(mine.status, 201);
  std::string id = mine.json()["id"];
  std::string out = server_->Cli("init --admin-email boss@other.example --org 'Other Org'");
  ASSERT_NE(out.find("one-time password"), std::string::npos) << out;
  std::string tok = server_->Cli("token create --email boss@other.example");
  Api other(server_->port(), tok.substr(0, tok.find('\n')));
  EXPECT_EQ(other.Get("/api/v1/accounts/" + id).status, 404);
  EXPECT_EQ(other.Patch("/api/v1/accounts/" + id, {{"name", "Stolen"}}).status, 404);
  EXPECT_EQ(other.Delete("/api/v1/accounts/" + id).status, 404);
  EXPECT_EQ(other.Get("/api/v1/accounts?limit=1000").json()["data"].size(), 0u);
  // References into another organisation do not resolve either.
  auto ref = other.Post("/api/v1/contacts", {{"last_name", "X"}, {"account_id", id}});
  EXPECT_EQ(ref.status, 400);
  EXPECT_EQ(ref.json()["error"]["field"], "account_id");
  EXPECT_EQ(admin_->Get("/api/v1/accounts/" + id).json()["name"], "Org One Secret Ltd");
}

}  // namespace
}  // namespace rapport::test
