// Team selling against every backend (issue 5, docs/decisions/016): account
// and opportunity team membership is real access (get, list, search, the
// activities attached; edit only with "edit"; never delete or re-own), and
// removing a member removes it; only the owner, the owner's manager or an
// administrator changes a team; changes are audited; the team predicate
// stays off other objects and uses its index; @mentions notify only users
// who can see the record, and only newly; followers get one notification
// per unread record; the feeds group changes and re-check visibility.
#include <gtest/gtest.h>

#include "app/org.h"
#include "app/records_service.h"
#include "app/team_selling.h"
#include "base/ids.h"
#include "base/time.h"
#include "org_fixture.h"
#include "store/metadata.h"
#include "store/schema.h"
#include "store/search.h"

namespace rapport {
namespace {

using namespace testsupport;  // NOLINT
using nlohmann::json;
using Code = Status::Code;

class TeamStoreTest : public OrgFixture {
 protected:
  void SetUp() override {
    OrgFixture::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    TenantScope op = TenantScope::ForOperator(org_, admin_);
    t1_ = Id("teams", Create(op, "teams", {{"name", "East"}}));
    t2_ = Id("teams", Create(op, "teams", {{"name", "West"}}));
    mgr_ = User("mgr@example.com", "Mona Manager", "manager", "");
    RP_ASSERT_OK(RecordService::Update(conn(), op, *cat_, Def("teams"), t1_, {{"manager_id", mgr_}}, std::nullopt));
    rep1_ = User("rep1@example.com", "Rita Rep", "rep", t1_);
    rep2_ = User("rep2@example.com", "Sam Engineer", "rep", t2_);
    rep3_ = User("rep3@example.com", "Olive Outsider", "rep", t2_);
    account_ = Id("accounts", Create(Scope(rep1_), "accounts", {{"name", "Globex Corporation"}}));
  }

  const ObjectDef& Def(const std::string& o) { return *cat_->Find(o); }
  Record Create(const TenantScope& s, const std::string& object, const json& body) {
    auto r = RecordService::Create(conn(), s, *cat_, Def(object), body);
    EXPECT_TRUE(r.ok()) << object << " " << body.dump() << ": " << r.status().ToString();
    return r.ok() ? *r : Record{};
  }
  std::string Id(const std::string& object, const Record& r) { return ValueToString(r.Get(Def(object), "id")); }
  std::string User(const std::string& email, const std::string& name, const std::string& role,
                   const std::string& team) {
    json b = {{"email", email}, {"name", name}, {"role", role}};
    if (!team.empty()) b["team_id"] = team;
    return Id("users", Create(TenantScope::ForOperator(org_, admin_), "users", b));
  }
  // The scope the user signs in with (role, own team, managed teams).
  TenantScope Scope(const std::string& user) {
    auto p = Auth::LoadPrincipal(conn(), org_, user);
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    return p.ok() ? p->scope : TenantScope::ForOperator(org_);
  }
  bool Sees(const std::string& user, const std::string& object, const std::string& id) {
    TenantScope s = Scope(user);
    bool got = RecordStore::Get(conn(), s, Def(object), id).ok();
    ListQuery q;
    q.limit = 1000;
    auto page = RecordStore::List(conn(), s, Def(object), q);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    bool listed = false;
    for (const auto& r : page->records) listed = listed || Id(object, r) == id;
    EXPECT_EQ(got, listed) << "Get and List disagree on " << object << " " << id;
    return got;
  }
  bool Finds(const std::string& user, const std::string& words, const std::string& id) {
    auto hits = SearchIndex::Search(conn(), Scope(user), *cat_, words, 20);
    EXPECT_TRUE(hits.ok()) << hits.status().ToString();
    for (const auto& h : *hits) {
      if (h.id == id) return true;
    }
    return false;
  }
  Result<json> Add(const std::string& by, const std::string& user, const std::string& role = "sales_engineer",
                   const std::string& access = "read", const std::string& object = "accounts",
                   const std::string& id = "") {
    return TeamSelling::AddMember(conn(), Scope(by), Def(object), id.empty() ? account_ : id,
                                  {{"user_id", user}, {"role", role}, {"access", access}});
  }
  int64_t Notifications(const std::string& user, const std::string& kind) {
    return QueryInt("SELECT count(*) FROM notifications WHERE org_id = ? AND user_id = ? AND kind = ?",
                    {Value{org_}, Value{user}, Value{kind}});
  }
  int64_t Members() {
    return QueryInt("SELECT count(*) FROM record_team_members WHERE org_id = ?", {Value{org_}});
  }

  std::string t1_, t2_, mgr_, rep1_, rep2_, rep3_, account_;
};

TEST_P(TeamStoreTest, ReadMembershipIsRealAccessAndRemovingItRemovesIt) {
  std::string note = Id("activities", Create(Scope(rep1_), "activities",
                                               {{"type", "note"}, {"subject", "Budget is approved"},
                                                {"related_object", "accounts"}, {"related_id", account_}}));
  EXPECT_FALSE(Sees(rep2_, "accounts", account_));
  EXPECT_FALSE(Finds(rep2_, "Globex", account_));
  EXPECT_FALSE(Sees(rep2_, "activities", note));

  auto m = Add(rep1_, rep2_);
  RP_ASSERT_OK(m);
  EXPECT_EQ((*m)["role"], "sales_engineer");
  EXPECT_EQ((*m)["access"], "read");
  EXPECT_EQ((*m)["user_name"], "Sam Engineer");
  EXPECT_TRUE(Sees(rep2_, "accounts", account_));
  EXPECT_TRUE(Finds(rep2_, "Globex", account_));
  EXPECT_TRUE(Sees(rep2_, "activities", note)) << "the account's notes come with the membership";
  EXPECT_FALSE(Sees(rep3_, "accounts", account_)) << "only the member";

  // Read access: no change, no delete; nothing written.
  auto upd = RecordService::Update(conn(), Scope(rep2_), *cat_, Def("accounts"), account_, {{"industry", "Tech"}},
                                   std::nullopt);
  EXPECT_EQ(upd.status().code(), Code::kPermissionDenied) << upd.status().ToString();
  auto del = RecordService::Delete(conn(), Scope(rep2_), *cat_, Def("accounts"), account_, std::nullopt);
  EXPECT_EQ(del.status().code(), Code::kPermissionDenied) << del.status().ToString();
  auto note_upd = RecordService::Update(conn(), Scope(rep2_), *cat_, Def("activities"), note, {{"subject", "x"}},
                                        std::nullopt);
  EXPECT_EQ(note_upd.status().code(), Code::kPermissionDenied) << "notes are read, not written, by members";
  EXPECT_EQ(QueryInt("SELECT version FROM accounts WHERE org_id = ? AND id = ?", {Value{org_}, Value{account_}}), 1);

  RP_ASSERT_OK(TeamSelling::RemoveMember(conn(), Scope(rep1_), Def("accounts"), account_, (*m)["id"]));
  EXPECT_FALSE(Sees(rep2_, "accounts", account_));
  EXPECT_FALSE(Finds(rep2_, "Globex", account_));
  EXPECT_FALSE(Sees(rep2_, "activities", note));
}

TEST_P(TeamStoreTest, EditMembersChangeButNeitherDeleteNorReown) {
  std::string deal = Id("opportunities", Create(Scope(rep1_), "opportunities",
                                                 {{"name", "Globex renewal"}, {"account_id", account_}}));
  EXPECT_FALSE(Sees(rep2_, "opportunities", deal));
  RP_ASSERT_OK(Add(rep1_, rep2_, "sales_engineer", "edit", "opportunities", deal));
  EXPECT_TRUE(Sees(rep2_, "opportunities", deal));
  EXPECT_FALSE(Sees(rep2_, "accounts", account_)) << "a deal team does not open the account (decision 016)";
  auto upd = RecordService::Update(conn(), Scope(rep2_), *cat_, Def("opportunities"), deal, {{"amount", 5000}},
                                   std::nullopt);
  RP_ASSERT_OK(upd);
  EXPECT_EQ(ValueToString(upd->Get(Def("opportunities"), "updated_by")), rep2_);
  auto reown = RecordService::Update(conn(), Scope(rep2_), *cat_, Def("opportunities"), deal, {{"owner_id", rep2_}},
                                     std::nullopt);
  EXPECT_EQ(reown.status().code(), Code::kPermissionDenied) << reown.status().ToString();
  auto del = RecordService::Delete(conn(), Scope(rep2_), *cat_, Def("opportunities"), deal, std::nullopt);
  EXPECT_EQ(del.status().code(), Code::kPermissionDenied);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM opportunities WHERE org_id = ? AND owner_id = ? AND deleted_at IS NULL",
                     {Value{org_}, Value{rep1_}}),
            1);
}

TEST_P(TeamStoreTest, OnlyOwnerManagerOrAdminChangeTheTeamAndBadInputChangesNothing) {
  RP_ASSERT_OK(Add(rep1_, rep2_, "sales_engineer", "edit"));
  // A member (even with edit) and an outsider may not.
  EXPECT_EQ(Add(rep2_, rep3_).status().code(), Code::kPermissionDenied);
  EXPECT_EQ(Add(rep3_, rep3_).status().code(), Code::kNotFound) << "the outsider cannot see the account";
  // The manager of the owner's team and an administrator may.
  RP_EXPECT_OK(Add(mgr_, rep3_, "support"));
  RP_EXPECT_OK(Add(admin_, mgr_, "executive_sponsor"));
  EXPECT_EQ(Members(), 3);

  auto bad = [&](json body, const std::string& field, Code code = Code::kInvalidArgument) {
    auto r = TeamSelling::AddMember(conn(), Scope(rep1_), Def("accounts"), account_, body);
    EXPECT_EQ(r.status().code(), code) << body.dump() << ": " << r.status().ToString();
    EXPECT_EQ(r.status().field(), field) << body.dump();
  };
  std::string rep4 = User("rep4@example.com", "Pat Partner", "rep", "");
  bad({{"user_id", rep4}, {"role", "wizard"}}, "role");
  bad({{"user_id", rep4}}, "role");
  bad({{"user_id", rep4}, {"role", "support"}, {"access", "admin"}}, "access");
  bad({{"user_id", "nobody"}, {"role", "support"}}, "user_id");
  bad({{"role", "support"}}, "user_id");
  bad({{"user_id", rep4}, {"role", "support"}, {"colour", "red"}}, "colour");
  bad({{"user_id", rep2_}, {"role", "support"}}, "user_id", Code::kConflict);
  bad({{"user_id", rep1_}, {"role", "support"}}, "user_id", Code::kUnprocessable);
  EXPECT_EQ(Members(), 3);

  // Admins extend the roles; the new one can be given.
  RP_ASSERT_OK(TeamSelling::SetRoles(conn(), Scope(admin_), {{"roles", {"legal_counsel"}}}));
  EXPECT_EQ(TeamSelling::SetRoles(conn(), Scope(rep1_), {{"roles", {"x"}}}).status().code(), Code::kPermissionDenied);
  EXPECT_EQ(TeamSelling::SetRoles(conn(), Scope(admin_), {{"roles", {"Bad Name"}}}).status().field(), "roles");
  RP_EXPECT_OK(Add(rep1_, rep4, "legal_counsel"));
  EXPECT_EQ(TeamSelling::SetRoles(conn(), Scope(admin_), {{"roles", json::array()}}).status().code(), Code::kConflict)
      << "a role still held stays";
}

TEST_P(TeamStoreTest, TeamChangesAreAuditedWithTheRecordAndFeedGroupsChanges) {
  auto m = Add(rep1_, rep2_);
  RP_ASSERT_OK(m);
  RP_ASSERT_OK(TeamSelling::ChangeMember(conn(), Scope(rep1_), Def("accounts"), account_, (*m)["id"],
                                         {{"access", "edit"}}));
  EXPECT_EQ(TeamSelling::ChangeMember(conn(), Scope(rep1_), Def("accounts"), account_, (*m)["id"],
                                      {{"access", "owner"}})
                .status()
                .field(),
            "access");
  RP_ASSERT_OK(RecordService::Update(conn(), Scope(rep2_), *cat_, Def("accounts"), account_,
                                     {{"industry", "Energy"}, {"employees", 250}}, std::nullopt));
  RP_ASSERT_OK(TeamSelling::RemoveMember(conn(), Scope(rep1_), Def("accounts"), account_, (*m)["id"]));
  auto actions = conn()->Query("SELECT action, field FROM audit_log WHERE org_id = ? AND object = 'accounts' AND "
                               "record_id = ? ORDER BY id",
                               {Value{org_}, Value{account_}});
  RP_ASSERT_OK(actions);
  std::vector<std::string> got;
  for (auto& r : actions->rows) got.push_back(ValueToString(r[0]) + ":" + ValueToString(r[1]));
  EXPECT_EQ(got, (std::vector<std::string>{"create:", "team_add:team", "team_change:team", "update:employees",
                                           "update:industry", "team_remove:team"}));
  EXPECT_EQ(QueryInt("SELECT count(*) FROM outbox WHERE org_id = ? AND record_id = ? AND action = 'team_changed'",
                     {Value{org_}, Value{account_}}),
            3);

  auto feed = TeamSelling::RecordFeed(conn(), Scope(rep1_), *cat_, Def("accounts"), account_, 2, "");
  RP_ASSERT_OK(feed);
  const json& d = (*feed)["data"];
  ASSERT_EQ(d.size(), 2u) << feed->dump();
  EXPECT_EQ(d[0]["action"], "team_remove");
  EXPECT_EQ(d[0]["team_member"]["user_name"], "Sam Engineer");
  EXPECT_EQ(d[1]["action"], "update");
  EXPECT_EQ(d[1]["user_name"], "Sam Engineer");
  ASSERT_EQ(d[1]["changes"].size(), 2u) << "one item per change, not per field";
  std::set<std::string> fields{d[1]["changes"][0]["field"], d[1]["changes"][1]["field"]};
  EXPECT_EQ(fields, (std::set<std::string>{"industry", "employees"}));
  ASSERT_TRUE((*feed)["next_cursor"].is_string());
  auto rest = TeamSelling::RecordFeed(conn(), Scope(rep1_), *cat_, Def("accounts"), account_, 10,
                                      (*feed)["next_cursor"].get<std::string>());
  RP_ASSERT_OK(rest);
  ASSERT_EQ((*rest)["data"].size(), 3u) << rest->dump();
  EXPECT_EQ((*rest)["data"][0]["action"], "team_change");
  EXPECT_EQ((*rest)["data"][2]["action"], "create");
  EXPECT_TRUE((*rest)["next_cursor"].is_null());
  EXPECT_EQ(TeamSelling::RecordFeed(conn(), Scope(rep1_), *cat_, Def("accounts"), account_, 10, "x'--")
                .status()
                .field(),
            "cursor");
  EXPECT_EQ(TeamSelling::RecordFeed(conn(), Scope(rep3_), *cat_, Def("accounts"), account_, 10, "").status().code(),
            Code::kNotFound);
}

// Each update is one feed item, even when one user makes two in the same
// millisecond (a script, or an import updating a record twice).
TEST_P(TeamStoreTest, FeedKeepsTwoChangesInTheSameMillisecondApart) {
  FixedClock clock(Clock::Get().NowMillis());
  Clock::Set(&clock);
  Status first = RecordService::Update(conn(), Scope(rep1_), *cat_, Def("accounts"), account_,
                                       {{"industry", "Energy"}, {"employees", 250}}, std::nullopt)
                     .status();
  Status second = RecordService::Update(conn(), Scope(rep1_), *cat_, Def("accounts"), account_,
                                        {{"employees", 300}}, std::nullopt)
                      .status();
  Clock::Set(nullptr);
  RP_ASSERT_OK(first);
  RP_ASSERT_OK(second);
  auto feed = TeamSelling::RecordFeed(conn(), Scope(rep1_), *cat_, Def("accounts"), account_, 10, "");
  RP_ASSERT_OK(feed);
  const json& d = (*feed)["data"];
  ASSERT_EQ(d.size(), 3u) << feed->dump();  // the second update, the first, the create
  EXPECT_EQ(d[0]["at"], d[1]["at"]) << "both updates in the same millisecond";
  ASSERT_EQ(d[0]["changes"].size(), 1u) << feed->dump();
  EXPECT_EQ(d[0]["changes"][0]["field"], "employees");
  EXPECT_EQ(d[0]["changes"][0]["to"], "300");
  ASSERT_EQ(d[1]["changes"].size(), 2u) << feed->dump();
  EXPECT_EQ(d[2]["action"], "create");
}

TEST_P(TeamStoreTest, TeamPredicateOnlyOnTeamObjectsAndIndexed) {
  TenantScope rep = Scope(rep1_);
  for (const char* object : {"contacts", "leads", "cases"}) {
    std::string sql;
    std::vector<Value> p;
    AppendVisibility(rep, Def(object), "", &sql, &p);
    EXPECT_EQ(sql.find("record_team_members"), std::string::npos) << object << ": " << sql;
  }
  std::string sql = "SELECT id FROM accounts WHERE org_id = ? AND deleted_at IS NULL";
  std::vector<Value> p{Value{org_}};
  AppendVisibility(rep, Def("accounts"), "", &sql, &p);
  ASSERT_NE(sql.find("record_team_members"), std::string::npos);
  sql += " ORDER BY lower(name), id LIMIT 51";
  if (!pg()) {
    auto plan = conn()->Query("EXPLAIN QUERY PLAN " + sql, p);
    RP_ASSERT_OK(plan);
    std::string text;
    for (auto& r : plan->rows) text += ValueToString(r.back()) + "\n";
    EXPECT_NE(text.find("ix_record_team_user"), std::string::npos) << text;
    EXPECT_EQ(text.find("SCAN m"), std::string::npos) << text;
  }
  auto rows = conn()->Query(sql, p);
  RP_ASSERT_OK(rows);
  EXPECT_EQ(rows->size(), 1u);
}

TEST_P(TeamStoreTest, MentionsNotifyOnlyThoseWhoSeeTheRecordAndOnlyNewly) {
  RP_ASSERT_OK(Add(rep1_, rep2_));
  // rep2 (member) and the manager see the account; rep3 does not.
  auto note = Create(Scope(rep1_), "activities",
                     {{"type", "note"},
                      {"subject", "Call notes"},
                      {"description", "@[Sam](user:" + rep2_ + ") and @Olive Outsider: pricing next week"},
                      {"related_object", "accounts"},
                      {"related_id", account_}});
  std::string note_id = Id("activities", note);
  EXPECT_EQ(Notifications(rep2_, "mention"), 1);
  EXPECT_EQ(Notifications(rep3_, "mention"), 0) << "cannot see the account: not told";
  auto n = conn()->Query("SELECT object, record_id, message FROM notifications WHERE org_id = ? AND user_id = ? AND "
                         "kind = 'mention'",
                         {Value{org_}, Value{rep2_}});
  RP_ASSERT_OK(n);
  EXPECT_EQ(ValueToString(n->rows[0][0]), "accounts");
  EXPECT_EQ(ValueToString(n->rows[0][1]), account_);
  EXPECT_NE(ValueToString(n->rows[0][2]).find("Rita Rep mentioned you"), std::string::npos);
  // An edit that adds the manager tells only the manager.
  RP_ASSERT_OK(RecordService::Update(conn(), Scope(rep1_), *cat_, Def("activities"), note_id,
                                     {{"description", "@[Sam](user:" + rep2_ + ") @mgr@example.com"}}, std::nullopt));
  EXPECT_EQ(Notifications(rep2_, "mention"), 1);
  EXPECT_EQ(Notifications(mgr_, "mention"), 1);
  // Mentioning yourself, or in a task, notifies nobody.
  Create(Scope(rep1_), "activities",
         {{"type", "task"}, {"subject", "@Mona Manager check"}, {"related_object", "accounts"},
          {"related_id", account_}});
  Create(Scope(rep1_), "activities", {{"type", "note"}, {"subject", "@Rita Rep reminder"}});
  EXPECT_EQ(Notifications(mgr_, "mention"), 1);
  EXPECT_EQ(Notifications(rep1_, "mention"), 0);
}

TEST_P(TeamStoreTest, FollowersAreNotifiedOncePerUnreadRecordAndMyFeedRechecksVisibility) {
  // The owner follows from creation; a member when added.
  auto st = TeamSelling::FollowState(conn(), Scope(rep1_), Def("accounts"), account_);
  RP_ASSERT_OK(st);
  EXPECT_EQ((*st)["following"], true);
  EXPECT_EQ((*st)["reason"], "owner");
  auto m = Add(rep1_, rep2_, "sales_engineer", "edit");
  RP_ASSERT_OK(m);
  EXPECT_EQ(Notifications(rep2_, "team_added"), 1);
  // A change by the member notifies the owner once, whatever the fields.
  RP_ASSERT_OK(RecordService::Update(conn(), Scope(rep2_), *cat_, Def("accounts"), account_,
                                     {{"industry", "Energy"}, {"city", "Springfield"}}, std::nullopt));
  RP_ASSERT_OK(RecordService::Update(conn(), Scope(rep2_), *cat_, Def("accounts"), account_, {{"employees", 10}},
                                     std::nullopt));
  EXPECT_EQ(Notifications(rep1_, "record_changed"), 1) << "debounced while unread";
  EXPECT_EQ(Notifications(rep2_, "record_changed"), 0) << "not for one's own changes";
  RP_ASSERT_OK(conn()->Exec("UPDATE notifications SET read_at = ? WHERE org_id = ? AND user_id = ?",
                            {Value{NowIso()}, Value{org_}, Value{rep1_}}));
  Create(Scope(rep2_), "activities",
         {{"type", "note"}, {"subject", "Met the CFO"}, {"related_object", "accounts"}, {"related_id", account_}});
  EXPECT_EQ(Notifications(rep1_, "record_changed"), 2) << "read, so the next change notifies again";

  auto feed = TeamSelling::MyFeed(conn(), Scope(rep2_), *cat_, 20, "");
  RP_ASSERT_OK(feed);
  ASSERT_GE((*feed)["data"].size(), 3u) << feed->dump();
  EXPECT_EQ((*feed)["data"][0]["activity"]["subject"], "Met the CFO");
  EXPECT_EQ((*feed)["data"][0]["about"]["title"], "Globex Corporation");

  // A manual follow survives removal from the team, but the feed and the
  // notifications no longer show what the user cannot see.
  RP_ASSERT_OK(TeamSelling::SetFollow(conn(), Scope(rep2_), Def("accounts"), account_, false));
  RP_ASSERT_OK(TeamSelling::SetFollow(conn(), Scope(rep2_), Def("accounts"), account_, true));
  RP_ASSERT_OK(TeamSelling::RemoveMember(conn(), Scope(rep1_), Def("accounts"), account_, (*m)["id"]));
  auto after = TeamSelling::MyFeed(conn(), Scope(rep2_), *cat_, 20, "");
  RP_ASSERT_OK(after);
  EXPECT_EQ((*after)["data"].size(), 0u) << after->dump();
  RP_ASSERT_OK(RecordService::Update(conn(), Scope(rep1_), *cat_, Def("accounts"), account_, {{"industry", "Oil"}},
                                     std::nullopt));
  EXPECT_EQ(Notifications(rep2_, "record_changed"), 0);
  EXPECT_EQ(TeamSelling::SetFollow(conn(), Scope(rep3_), Def("accounts"), account_, true).status().code(),
            Code::kNotFound);
}

INSTANTIATE_TEST_SUITE_P(Backends, TeamStoreTest, testing::Values(Backend::kSqlite, Backend::kPostgres),
                         BackendParamName);

}  // namespace
}  // namespace rapport
