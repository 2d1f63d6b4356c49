// Store and app behaviour against every backend (SQLite and PostgreSQL, see
// backend_fixture.h): migrations, organisation set-up, RecordStore with audit
// and outbox, visibility, listing (filters, sorts, keyset paging), custom
// fields, and authentication (tokens, sessions, login throttling).
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "app/auth.h"
#include "app/org.h"
#include "base/ids.h"
#include "base/time.h"
#include "meta/object.h"
#include "meta/validate.h"
#include "store/metadata.h"
#include "store/records.h"
#include "store/schema.h"
#include "backend_fixture.h"

namespace rapport {
namespace {

using namespace testsupport;  // NOLINT
using nlohmann::json;
using Code = Status::Code;

Value S(const std::string& s) { return Value{s}; }
Value D(double d) { return Value{d}; }
Value I(int64_t i) { return Value{i}; }
const Value kNull{};

const ObjectDef& Std(const std::string& object) { return *StandardCatalog().Find(object); }
std::string Text(const Value& v) { return ValueToString(v); }
std::string IdOf(const ObjectDef& def, const Record& r) { return Text(r.Get(def, "id")); }

std::vector<std::string> Sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

// Numeric value of a number column (SQLite may hand back integers for REAL).
double Num(const Value& v) {
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* i = std::get_if<int64_t>(&v)) return static_cast<double>(*i);
  return 0;
}

// ------------------------------------------------------------------ fixture

class RecordsTest : public BackendFixture {
 protected:
  void SetUp() override {
    BackendFixture::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_TRUE(InitCrypto());
    RP_ASSERT_OK(Migrate(conn()));
  }
  void TearDown() override {
    Clock::Set(nullptr);
    BackendFixture::TearDown();
  }

  // An organisation row, made directly (InitOrganisation hashes a password).
  std::string NewOrg(const std::string& name = "Org") {
    std::string id = NewId();
    RP_EXPECT_OK(conn()->Exec("INSERT INTO organisations (id, name, meta_version, created_at) VALUES (?, ?, 0, ?)",
                              {S(id), S(name), S(NowIso())}));
    return id;
  }

  std::string NewTeam(const std::string& org, const std::string& name, const std::string& manager = "") {
    FieldValues v{{"name", S(name)}};
    if (!manager.empty()) v["manager_id"] = S(manager);
    return InsertId(TenantScope::ForOperator(org), Std("teams"), v);
  }

  // A user without a password.
  std::string NewUser(const std::string& org, const std::string& email, Role role, const std::string& team = "") {
    FieldValues v{{"email", S(email)}, {"name", S(email)}, {"role", S(RoleName(role))}, {"active", I(1)}};
    if (!team.empty()) v["team_id"] = S(team);
    return InsertId(TenantScope::ForOperator(org), Std("users"), v);
  }

  std::string InsertId(const TenantScope& scope, const ObjectDef& def, const FieldValues& v) {
    auto r = RecordStore::Insert(conn(), scope, def, v);
    EXPECT_TRUE(r.ok()) << def.name << ": " << r.status().ToString();
    return r.ok() ? IdOf(def, *r) : std::string();
  }

  // Ids of one page.
  std::vector<std::string> ListIds(const TenantScope& scope, const ObjectDef& def, ListQuery q = {}) {
    std::vector<std::string> out;
    auto page = RecordStore::List(conn(), scope, def, q);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    if (!page.ok()) return out;
    for (const auto& r : page->records) out.push_back(IdOf(def, r));
    return out;
  }

  // Ids of every page, `between` called after each page but the last.
  std::vector<std::string> PageIds(const TenantScope& scope, const ObjectDef& def, ListQuery q, int limit,
                                   const std::function<void()>& between = {}) {
    std::vector<std::string> out;
    q.limit = limit;
    q.cursor.clear();
    for (int pages = 0; pages < 5000; ++pages) {
      auto page = RecordStore::List(conn(), scope, def, q);
      EXPECT_TRUE(page.ok()) << "page " << pages << ": " << page.status().ToString();
      if (!page.ok()) break;
      EXPECT_LE(page->records.size(), static_cast<size_t>(limit));
      for (const auto& r : page->records) out.push_back(IdOf(def, r));
      if (page->next_cursor.empty()) break;
      EXPECT_EQ(page->records.size(), static_cast<size_t>(limit)) << "only the last page may be short";
      q.cursor = page->next_cursor;
      if (between) between();
    }
    return out;
  }

  int64_t AuditCount(const std::string& org, const std::string& record_id) {
    return QueryInt("SELECT count(*) FROM audit_log WHERE org_id = ? AND record_id = ?", {S(org), S(record_id)});
  }
  int64_t OutboxCount(const std::string& org, const std::string& record_id) {
    return QueryInt("SELECT count(*) FROM outbox WHERE org_id = ? AND record_id = ?", {S(org), S(record_id)});
  }

  // Names (through `name_of`) of every page of `q` with one row per page.
  std::vector<std::string> NamesFromPages(const TenantScope& s, const ObjectDef& def, const ListQuery& q,
                                          std::map<std::string, std::string>& name_of) {
    std::vector<std::string> out;
    for (const auto& id : PageIds(s, def, q, 1)) out.push_back(name_of[id]);
    return out;
  }

  bool IndexExists(const std::string& name) {
    std::string sql = pg() ? "SELECT count(*) FROM pg_indexes WHERE schemaname = current_schema() AND indexname = ?"
                           : "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = ?";
    return QueryInt(sql, {S(name)}) == 1;
  }
};

// --------------------------------------------------------------- migrations

TEST_P(RecordsTest, MigrateIsIdempotentAndKeepsData) {
  std::string org = NewOrg("Keep me");
  RP_ASSERT_OK(Migrate(conn()));
  RP_ASSERT_OK(Migrate(conn()));
  auto other = Open();
  ASSERT_NE(other, nullptr);
  RP_ASSERT_OK(Migrate(other.get()));

  EXPECT_EQ(QueryInt("SELECT count(*) FROM schema_migrations"), SchemaMigrationCount());
  EXPECT_EQ(QueryInt("SELECT max(version) FROM schema_migrations"), LatestSchemaVersion());
  EXPECT_EQ(QueryInt("SELECT count(*) FROM organisations WHERE id = ?", {S(org)}), 1);

  // Every standard object has its table with a column per field.
  for (const auto& [name, def] : StandardCatalog().objects()) {
    auto cols = conn()->TableColumns(def.table);
    ASSERT_TRUE(cols.ok()) << cols.status().ToString();
    std::set<std::string> have(cols->begin(), cols->end());
    EXPECT_TRUE(have.count("org_id")) << name;
    for (const auto& f : def.fields) EXPECT_TRUE(have.count(f.column)) << name << "." << f.column;
    for (const auto& f : def.fields) {
      if (f.indexed) {
        EXPECT_TRUE(IndexExists(FieldIndexName(def, f))) << FieldIndexName(def, f);
      }
    }
  }
  auto users = conn()->TableColumns("users");
  ASSERT_TRUE(users.ok());
  EXPECT_NE(std::find(users->begin(), users->end(), "password_hash"), users->end());
}

// ------------------------------------------------------------- organisation

TEST_P(RecordsTest, InitOrganisationCreatesOrgAdminAndDefaultPipelineOnce) {
  auto first = InitOrganisation(conn(), "Acme", "  Admin@Example.COM ");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_TRUE(first->created);
  EXPECT_EQ(first->org_id.size(), 26u);
  EXPECT_EQ(first->admin_email, "admin@example.com");
  EXPECT_GE(first->password.size(), 12u);
  EXPECT_EQ(*CountOrganisations(conn()), 1);
  EXPECT_EQ(*LoadMetaVersion(conn(), first->org_id), 0);

  TenantScope admin = TenantScope::ForOperator(first->org_id, first->admin_id);
  const ObjectDef& users = Std("users");
  auto u = RecordStore::Get(conn(), admin, users, first->admin_id);
  ASSERT_TRUE(u.ok()) << u.status().ToString();
  EXPECT_EQ(Text(u->Get(users, "email")), "admin@example.com");
  EXPECT_EQ(Text(u->Get(users, "role")), "admin");
  EXPECT_EQ(u->Get(users, "active"), I(1));
  // The one-time password is stored hashed, never in clear.
  auto hash = conn()->Query("SELECT password_hash FROM users WHERE org_id = ? AND id = ?",
                            {S(first->org_id), S(first->admin_id)});
  ASSERT_TRUE(hash.ok());
  std::string h = Text(hash->rows.at(0).at(0));
  EXPECT_EQ(h.rfind("$argon2id$", 0), 0u) << h;
  EXPECT_EQ(h.find(first->password), std::string::npos);

  const ObjectDef& pipelines = Std("pipelines");
  const ObjectDef& stages = Std("stages");
  auto p = RecordStore::List(conn(), admin, pipelines, {});
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ASSERT_EQ(p->records.size(), 1u);
  EXPECT_EQ(Text(p->records[0].Get(pipelines, "name")), "Sales");
  EXPECT_EQ(p->records[0].Get(pipelines, "is_default"), I(1));
  std::string pipeline_id = IdOf(pipelines, p->records[0]);

  ListQuery by_position;
  by_position.sort = {{"position", false}};
  auto s = RecordStore::List(conn(), admin, stages, by_position);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ASSERT_EQ(s->records.size(), 7u);
  const char* names[] = {"Prospecting", "Qualification", "Needs analysis", "Proposal",
                         "Negotiation", "Closed won",    "Closed lost"};
  const double probs[] = {10, 20, 40, 60, 80, 100, 0};
  const char* kinds[] = {"open", "open", "open", "open", "open", "won", "lost"};
  for (size_t i = 0; i < 7; ++i) {
    const Record& r = s->records[i];
    EXPECT_EQ(Text(r.Get(stages, "name")), names[i]);
    EXPECT_EQ(Num(r.Get(stages, "position")), static_cast<double>(i + 1));
    EXPECT_EQ(Num(r.Get(stages, "probability")), probs[i]) << names[i];
    EXPECT_EQ(Text(r.Get(stages, "kind")), kinds[i]);
    EXPECT_EQ(Text(r.Get(stages, "pipeline_id")), pipeline_id);
  }
  int64_t audit_rows = QueryInt("SELECT count(*) FROM audit_log WHERE org_id = ?", {S(first->org_id)});
  EXPECT_EQ(audit_rows, 9) << "admin, pipeline and 7 stages are created with audit rows";

  // Same administrator email (any case): nothing new.
  auto again = InitOrganisation(conn(), "Acme again", "admin@example.com");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_FALSE(again->created);
  EXPECT_EQ(again->org_id, first->org_id);
  EXPECT_EQ(again->admin_id, first->admin_id);
  EXPECT_TRUE(again->password.empty());
  EXPECT_EQ(*CountOrganisations(conn()), 1);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM stages"), 7);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM pipelines"), 1);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM users"), 1);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM audit_log"), audit_rows);

  // Bad input changes nothing.
  auto bad_email = InitOrganisation(conn(), "X", "not-an-email");
  EXPECT_EQ(bad_email.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(bad_email.status().field(), "email");
  EXPECT_EQ(InitOrganisation(conn(), "X", "").status().field(), "admin_email");
  EXPECT_EQ(InitOrganisation(conn(), "", "x@example.com").status().field(), "org");
  EXPECT_EQ(InitOrganisation(conn(), std::string(201, 'n'), "x@example.com").status().field(), "org");
  EXPECT_EQ(*CountOrganisations(conn()), 1);
}

TEST_P(RecordsTest, InitOrganisationWithAnotherAdminMakesASecondOrganisation) {
  auto a = InitOrganisation(conn(), "A", "a@example.com");
  auto b = InitOrganisation(conn(), "B", "b@example.com");
  ASSERT_TRUE(a.ok() && b.ok()) << a.status().ToString() << " " << b.status().ToString();
  EXPECT_TRUE(b->created);
  EXPECT_NE(a->org_id, b->org_id);
  EXPECT_EQ(*CountOrganisations(conn()), 2);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM stages WHERE org_id = ?", {S(b->org_id)}), 7);
  // Each organisation sees only its own pipeline.
  auto pa = RecordStore::List(conn(), TenantScope::ForOperator(a->org_id), Std("pipelines"), {});
  ASSERT_TRUE(pa.ok());
  ASSERT_EQ(pa->records.size(), 1u);
  EXPECT_EQ(Text(pa->records[0].Get(Std("pipelines"), "id")),
            Text(conn()->Query("SELECT id FROM pipelines WHERE org_id = ?", {S(a->org_id)})->rows.at(0).at(0)));
}

// ------------------------------------------------------------------- writes

TEST_P(RecordsTest, InsertStoresValuesWithSystemFieldsAndDefaults) {
  std::string org = NewOrg();
  std::string user = NewUser(org, "rep@example.com", Role::kRep);
  TenantScope rep = TenantScope::Make(org, user, Role::kRep, {});
  const ObjectDef& acc = Std("accounts");
  auto r = RecordStore::Insert(conn(), rep, acc,
                               {{"name", S("Acme")},
                                {"employees", D(250)},
                                {"annual_revenue", D(1234567.89)},
                                {"website", S("https://acme.example")},
                                {"description", S("line 1\nline 2 — ünïcödé")}});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  std::string id = IdOf(acc, *r);
  EXPECT_EQ(id.size(), 26u);
  EXPECT_EQ(r->version(acc), 1);
  EXPECT_EQ(Text(r->Get(acc, "owner_id")), user) << "owner defaults to the caller";
  EXPECT_EQ(Text(r->Get(acc, "created_by")), user);
  EXPECT_EQ(Text(r->Get(acc, "updated_by")), user);
  EXPECT_EQ(r->Get(acc, "created_at"), r->Get(acc, "updated_at"));
  int64_t ms = 0;
  EXPECT_TRUE(ParseDateTime(Text(r->Get(acc, "created_at")), &ms)) << Text(r->Get(acc, "created_at"));
  EXPECT_TRUE(IsNull(r->Get(acc, "deleted_at")));
  EXPECT_TRUE(IsNull(r->Get(acc, "team_id")));

  auto got = RecordStore::Get(conn(), rep, acc, id);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_EQ(got->values.size(), acc.fields.size());
  for (size_t i = 0; i < acc.fields.size(); ++i) {
    const FieldDef& f = acc.fields[i];
    if (StorageOf(f.kind) == StorageClass::kReal && f.name != "version") {
      EXPECT_EQ(IsNull(got->values[i]), IsNull(r->values[i])) << f.name;
      if (!IsNull(r->values[i])) {
        EXPECT_EQ(Num(got->values[i]), Num(r->values[i])) << f.name;
      }
    } else if (f.name == "version") {
      EXPECT_EQ(got->version(acc), 1);
    } else {
      EXPECT_EQ(got->values[i], r->values[i]) << f.name;
    }
  }
  EXPECT_EQ(Num(got->Get(acc, "annual_revenue")), 1234567.89);
  EXPECT_EQ(Text(got->Get(acc, "description")), "line 1\nline 2 — ünïcödé");

  // Picklist defaults apply when the field is not given, not when it is given as null.
  const ObjectDef& leads = Std("leads");
  auto l1 = RecordStore::Insert(conn(), rep, leads, {{"last_name", S("Doe")}});
  ASSERT_TRUE(l1.ok()) << l1.status().ToString();
  EXPECT_EQ(Text(l1->Get(leads, "status")), "new");
  auto l2 = RecordStore::Insert(conn(), rep, leads, {{"last_name", S("Roe")}, {"status", kNull}});
  ASSERT_TRUE(l2.ok()) << l2.status().ToString();
  EXPECT_TRUE(IsNull(l2->Get(leads, "status")));
  // An explicit owner wins over the default.
  auto other_owner = RecordStore::Insert(conn(), TenantScope::ForOperator(org, "op"), acc,
                                         {{"name", S("Owned")}, {"owner_id", S(user)}});
  ASSERT_TRUE(other_owner.ok());
  EXPECT_EQ(Text(other_owner->Get(acc, "owner_id")), user);
  EXPECT_EQ(Text(other_owner->Get(acc, "created_by")), "op");
}

TEST_P(RecordsTest, InsertWithTakenIdIsConflictAndWritesNothing) {
  std::string org = NewOrg();
  TenantScope admin = TenantScope::ForOperator(org, "admin");
  const ObjectDef& acc = Std("accounts");
  std::string id = NewId();
  RP_ASSERT_OK(RecordStore::Insert(conn(), admin, acc, {{"name", S("First")}}, id));
  auto dup = RecordStore::Insert(conn(), admin, acc, {{"name", S("Second")}}, id);
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.status().code(), Code::kConflict) << dup.status().ToString();
  EXPECT_EQ(dup.status().field(), "id");
  EXPECT_EQ(Text(RecordStore::Get(conn(), admin, acc, id)->Get(acc, "name")), "First");
  EXPECT_EQ(AuditCount(org, id), 1);
  EXPECT_EQ(OutboxCount(org, id), 1);
  // The same id in another organisation is a different row.
  std::string org2 = NewOrg();
  RP_EXPECT_OK(RecordStore::Insert(conn(), TenantScope::ForOperator(org2), acc, {{"name", S("Elsewhere")}}, id));
}

TEST_P(RecordsTest, InsertWritesAuditAndOutboxInItsTransaction) {
  std::string org = NewOrg();
  TenantScope admin = TenantScope::ForOperator(org, "u1");
  const ObjectDef& acc = Std("accounts");
  auto r = RecordStore::Insert(conn(), admin, acc, {{"name", S("Acme")}, {"employees", D(12)}});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  std::string id = IdOf(acc, *r);
  auto h = RecordStore::History(conn(), admin, acc, id);
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  ASSERT_EQ(h->size(), 1u);
  EXPECT_EQ((*h)[0].action, "create");
  EXPECT_EQ((*h)[0].user_id, "u1");
  EXPECT_EQ((*h)[0].at, Text(r->Get(acc, "created_at")));
  EXPECT_FALSE((*h)[0].has_old);
  ASSERT_TRUE((*h)[0].has_new);
  json created = json::parse((*h)[0].new_value);
  EXPECT_EQ(created["name"], "Acme");
  EXPECT_EQ(created["employees"], 12);
  EXPECT_EQ(created["owner_id"], "u1");
  auto out = conn()->Query("SELECT action, payload, processed_at FROM outbox WHERE org_id = ? AND record_id = ?",
                           {S(org), S(id)});
  ASSERT_TRUE(out.ok());
  ASSERT_EQ(out->size(), 1u);
  EXPECT_EQ(Text(out->rows[0][0]), "created");
  EXPECT_EQ(json::parse(Text(out->rows[0][1])), json({{"id", id}}));
  EXPECT_TRUE(IsNull(out->rows[0][2]));

  // Inside a transaction that is rolled back: no row, no audit, no outbox.
  std::string rolled_back;
  Status st = InTransaction(conn(), TxMode::kWrite, [&]() -> Status {
    RP_ASSIGN_OR_RETURN(Record rec, RecordStore::Insert(conn(), admin, acc, {{"name", S("Ghost")}}));
    rolled_back = IdOf(acc, rec);
    return Status::Unprocessable("changed my mind");
  });
  EXPECT_EQ(st.code(), Code::kUnprocessable);
  ASSERT_FALSE(rolled_back.empty());
  EXPECT_EQ(RecordStore::Get(conn(), admin, acc, rolled_back, true).status().code(), Code::kNotFound);
  EXPECT_EQ(AuditCount(org, rolled_back), 0);
  EXPECT_EQ(OutboxCount(org, rolled_back), 0);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM accounts WHERE org_id = ?", {S(org)}), 1);
}

TEST_P(RecordsTest, UpdateBumpsVersionAndAuditsEachChangedField) {
  std::string org = NewOrg();
  TenantScope alice = TenantScope::ForOperator(org, "alice");
  TenantScope bob = TenantScope::ForOperator(org, "bob");
  const ObjectDef& acc = Std("accounts");
  auto r = RecordStore::Insert(conn(), alice, acc, {{"name", S("Acme")}, {"industry", S("Tools")}});
  ASSERT_TRUE(r.ok());
  std::string id = IdOf(acc, *r);

  auto u = RecordStore::Update(conn(), bob, acc, id, {{"name", S("Acme Ltd")}, {"city", S("Paris")}}, 1);
  ASSERT_TRUE(u.ok()) << u.status().ToString();
  EXPECT_EQ(u->version(acc), 2);
  EXPECT_EQ(Text(u->Get(acc, "name")), "Acme Ltd");
  EXPECT_EQ(Text(u->Get(acc, "updated_by")), "bob");
  EXPECT_EQ(Text(u->Get(acc, "created_by")), "alice");
  EXPECT_GE(Text(u->Get(acc, "updated_at")), Text(u->Get(acc, "created_at")));
  auto got = RecordStore::Get(conn(), alice, acc, id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->version(acc), 2);
  EXPECT_EQ(Text(got->Get(acc, "city")), "Paris");
  EXPECT_EQ(Text(got->Get(acc, "updated_at")), Text(u->Get(acc, "updated_at")));

  // No change: no new version, no audit, no outbox.
  auto same = RecordStore::Update(conn(), bob, acc, id, {{"name", S("Acme Ltd")}, {"industry", S("Tools")}}, 2);
  ASSERT_TRUE(same.ok()) << same.status().ToString();
  EXPECT_EQ(same->version(acc), 2);
  // Only the changed field of a mixed update is audited; null clears.
  auto mixed = RecordStore::Update(conn(), alice, acc, id, {{"name", S("Acme Ltd")}, {"industry", kNull}}, std::nullopt);
  ASSERT_TRUE(mixed.ok()) << mixed.status().ToString();
  EXPECT_EQ(mixed->version(acc), 3);
  EXPECT_TRUE(IsNull(RecordStore::Get(conn(), alice, acc, id)->Get(acc, "industry")));

  auto h = RecordStore::History(conn(), alice, acc, id);
  ASSERT_TRUE(h.ok());
  ASSERT_EQ(h->size(), 4u);
  EXPECT_EQ((*h)[0].action, "create");
  std::map<std::string, AuditEntry> by_field;
  for (size_t i = 1; i < 3; ++i) {
    EXPECT_EQ((*h)[i].action, "update");
    EXPECT_EQ((*h)[i].user_id, "bob");
    EXPECT_EQ((*h)[i].at, Text(u->Get(acc, "updated_at")));
    by_field[(*h)[i].field] = (*h)[i];
  }
  ASSERT_EQ(by_field.count("name"), 1u);
  EXPECT_TRUE(by_field["name"].has_old);
  EXPECT_EQ(by_field["name"].old_value, "Acme");
  EXPECT_EQ(by_field["name"].new_value, "Acme Ltd");
  ASSERT_EQ(by_field.count("city"), 1u);
  EXPECT_FALSE(by_field["city"].has_old);
  EXPECT_EQ(by_field["city"].new_value, "Paris");
  EXPECT_EQ((*h)[3].field, "industry");
  EXPECT_EQ((*h)[3].user_id, "alice");
  EXPECT_EQ((*h)[3].old_value, "Tools");
  EXPECT_FALSE((*h)[3].has_new);
  for (size_t i = 1; i < h->size(); ++i) EXPECT_LT((*h)[i - 1].id, (*h)[i].id);

  auto out = conn()->Query("SELECT action, payload FROM outbox WHERE org_id = ? AND record_id = ? ORDER BY id",
                           {S(org), S(id)});
  ASSERT_TRUE(out.ok());
  ASSERT_EQ(out->size(), 3u);
  EXPECT_EQ(Text(out->rows[1][0]), "updated");
  json fields = json::parse(Text(out->rows[1][1]))["fields"];
  EXPECT_EQ(Sorted(fields.get<std::vector<std::string>>()), (std::vector<std::string>{"city", "name"}));

  // Unknown fields are refused before anything is written.
  auto unknown = RecordStore::Update(conn(), alice, acc, id, {{"nope", S("x")}}, std::nullopt);
  EXPECT_EQ(unknown.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(unknown.status().field(), "nope");
  EXPECT_EQ(RecordStore::Get(conn(), alice, acc, id)->version(acc), 3);
}

TEST_P(RecordsTest, RolledBackUpdateLeavesNeitherChangeNorAudit) {
  std::string org = NewOrg();
  TenantScope admin = TenantScope::ForOperator(org, "admin");
  const ObjectDef& acc = Std("accounts");
  std::string id = InsertId(admin, acc, {{"name", S("Before")}});
  ASSERT_FALSE(id.empty());

  Status st = InTransaction(conn(), TxMode::kWrite, [&]() -> Status {
    RP_ASSIGN_OR_RETURN(Record r, RecordStore::Update(conn(), admin, acc, id, {{"name", S("After")}}, 1));
    EXPECT_EQ(r.version(acc), 2);
    // Inside the transaction the change and its audit row are there.
    EXPECT_EQ(Text(RecordStore::Get(conn(), admin, acc, id)->Get(acc, "name")), "After");
    EXPECT_EQ(AuditCount(org, id), 2);
    return Status::Conflict("business rule says no");
  });
  EXPECT_EQ(st.code(), Code::kConflict);
  EXPECT_FALSE(conn()->InTransaction());
  auto got = RecordStore::Get(conn(), admin, acc, id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(Text(got->Get(acc, "name")), "Before");
  EXPECT_EQ(got->version(acc), 1);
  EXPECT_EQ(AuditCount(org, id), 1);
  EXPECT_EQ(OutboxCount(org, id), 1);
  auto h = RecordStore::History(conn(), admin, acc, id);
  ASSERT_TRUE(h.ok());
  ASSERT_EQ(h->size(), 1u);
  EXPECT_EQ((*h)[0].action, "create");

  // Two updates in one committed transaction both land, each audited.
  RP_ASSERT_OK(InTransaction(conn(), TxMode::kWrite, [&]() -> Status {
    RP_RETURN_IF_ERROR(RecordStore::Update(conn(), admin, acc, id, {{"name", S("One")}}, 1).status());
    return RecordStore::Update(conn(), admin, acc, id, {{"name", S("Two")}}, 2).status();
  }));
  EXPECT_EQ(RecordStore::Get(conn(), admin, acc, id)->version(acc), 3);
  EXPECT_EQ(AuditCount(org, id), 3);
  EXPECT_EQ(OutboxCount(org, id), 3);
}

TEST_P(RecordsTest, StaleVersionIsPreconditionFailedAndWritesNothing) {
  std::string org = NewOrg();
  TenantScope admin = TenantScope::ForOperator(org, "admin");
  const ObjectDef& acc = Std("accounts");
  std::string id = InsertId(admin, acc, {{"name", S("v1")}});
  RP_ASSERT_OK(RecordStore::Update(conn(), admin, acc, id, {{"name", S("v2")}}, 1));

  // A second connection read version 1 before; its change now fails.
  auto other = Open();
  ASSERT_NE(other, nullptr);
  auto stale = RecordStore::Update(other.get(), admin, acc, id, {{"name", S("lost update")}}, 1);
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.status().code(), Code::kPreconditionFailed) << stale.status().ToString();
  auto future = RecordStore::Update(conn(), admin, acc, id, {{"name", S("from the future")}}, 7);
  EXPECT_EQ(future.status().code(), Code::kPreconditionFailed);
  auto del = RecordStore::SetDeleted(conn(), admin, acc, id, true, 1);
  EXPECT_EQ(del.status().code(), Code::kPreconditionFailed);

  auto got = RecordStore::Get(conn(), admin, acc, id);
  ASSERT_TRUE(got.ok()) << "a refused delete must not delete";
  EXPECT_EQ(Text(got->Get(acc, "name")), "v2");
  EXPECT_EQ(got->version(acc), 2);
  EXPECT_EQ(AuditCount(org, id), 2);
  EXPECT_EQ(OutboxCount(org, id), 2);
  // The right version still works.
  auto ok = RecordStore::Update(other.get(), admin, acc, id, {{"name", S("v3")}}, 2);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->version(acc), 3);
}

TEST_P(RecordsTest, SoftDeleteHidesAndRestoreBringsBack) {
  std::string org = NewOrg();
  TenantScope admin = TenantScope::ForOperator(org, "admin");
  const ObjectDef& acc = Std("accounts");
  std::string keep = InsertId(admin, acc, {{"name", S("Keep")}});
  std::string id = InsertId(admin, acc, {{"name", S("Gone")}});

  auto d = RecordStore::SetDeleted(conn(), admin, acc, id, true, 1);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->version(acc), 2);
  EXPECT_FALSE(IsNull(d->Get(acc, "deleted_at")));
  EXPECT_EQ(RecordStore::Get(conn(), admin, acc, id).status().code(), Code::kNotFound);
  auto with_deleted = RecordStore::Get(conn(), admin, acc, id, /*include_deleted=*/true);
  ASSERT_TRUE(with_deleted.ok());
  EXPECT_EQ(with_deleted->Get(acc, "deleted_at"), d->Get(acc, "deleted_at"));
  EXPECT_FALSE(*RecordStore::Exists(conn(), admin, acc, id));
  EXPECT_TRUE(*RecordStore::Exists(conn(), admin, acc, keep));

  EXPECT_EQ(ListIds(admin, acc), std::vector<std::string>{keep});
  ListQuery only;
  only.deleted = DeletedFilter::kOnly;
  EXPECT_EQ(ListIds(admin, acc, only), std::vector<std::string>{id});
  ListQuery all;
  all.deleted = DeletedFilter::kInclude;
  EXPECT_EQ(Sorted(ListIds(admin, acc, all)), Sorted({keep, id}));

  EXPECT_EQ(RecordStore::SetDeleted(conn(), admin, acc, id, true, std::nullopt).status().code(), Code::kNotFound);
  EXPECT_EQ(RecordStore::Update(conn(), admin, acc, id, {{"name", S("x")}}, std::nullopt).status().code(),
            Code::kConflict);
  EXPECT_EQ(RecordStore::SetDeleted(conn(), admin, acc, keep, false, std::nullopt).status().code(), Code::kConflict);

  auto r = RecordStore::SetDeleted(conn(), admin, acc, id, false, 2);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->version(acc), 3);
  EXPECT_TRUE(IsNull(r->Get(acc, "deleted_at")));
  EXPECT_TRUE(*RecordStore::Exists(conn(), admin, acc, id));
  EXPECT_EQ(Text(RecordStore::Get(conn(), admin, acc, id)->Get(acc, "name")), "Gone");

  auto h = RecordStore::History(conn(), admin, acc, id);
  ASSERT_TRUE(h.ok());
  std::vector<std::string> actions;
  for (const auto& e : *h) actions.push_back(e.action);
  EXPECT_EQ(actions, (std::vector<std::string>{"create", "delete", "restore"}));
  EXPECT_EQ((*h)[1].field, "deleted_at");
  EXPECT_FALSE((*h)[1].has_old);
  EXPECT_TRUE((*h)[1].has_new);
  EXPECT_TRUE((*h)[2].has_old);
  EXPECT_FALSE((*h)[2].has_new);
  auto out = conn()->Query("SELECT action FROM outbox WHERE org_id = ? AND record_id = ? ORDER BY id", {S(org), S(id)});
  ASSERT_TRUE(out.ok());
  ASSERT_EQ(out->size(), 3u);
  EXPECT_EQ(Text(out->rows[1][0]), "deleted");
  EXPECT_EQ(Text(out->rows[2][0]), "restored");
}

// --------------------------------------------------------------- visibility

class VisibilityTest : public RecordsTest {
 protected:
  void SetUp() override {
    RecordsTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    org = NewOrg("A");
    t1 = NewTeam(org, "Team 1");
    t2 = NewTeam(org, "Team 2");
    admin = NewUser(org, "admin@a.example", Role::kAdmin);
    mgr = NewUser(org, "mgr@a.example", Role::kManager);
    rep1 = NewUser(org, "rep1@a.example", Role::kRep, t1);
    rep2 = NewUser(org, "rep2@a.example", Role::kRep, t2);
    rep3 = NewUser(org, "rep3@a.example", Role::kRep, t1);
    TenantScope op = TenantScope::ForOperator(org, admin);
    auto add = [&](const std::string& name, const std::string& owner, const std::string& team) {
      FieldValues v{{"name", S(name)}, {"owner_id", S(owner)}};
      if (!team.empty()) v["team_id"] = S(team);
      return InsertId(op, acc, v);
    };
    a1 = add("rep1 own", rep1, "");
    a2 = add("rep2 shared with team 1", rep2, t1);
    a3 = add("rep2 own", rep2, "");
    a4 = add("manager own", mgr, "");
    a5 = add("admin shared with team 2", admin, t2);
    a6 = add("rep3 own", rep3, "");
    all = {a1, a2, a3, a4, a5, a6};
  }

  // Ids visible to `s` through List, checked against Get for every row.
  std::vector<std::string> Visible(const TenantScope& s) {
    std::vector<std::string> listed = Sorted(ListIds(s, acc));
    std::vector<std::string> got;
    for (const auto& id : all) {
      auto r = RecordStore::Get(conn(), s, acc, id);
      if (r.ok()) {
        got.push_back(id);
      } else {
        EXPECT_EQ(r.status().code(), Code::kNotFound) << r.status().ToString();
      }
    }
    EXPECT_EQ(listed, Sorted(got)) << "List and Get disagree";
    return listed;
  }

  const ObjectDef& acc = Std("accounts");
  std::string org, t1, t2, admin, mgr, rep1, rep2, rep3;
  std::string a1, a2, a3, a4, a5, a6;
  std::vector<std::string> all;
};

TEST_P(VisibilityTest, RepSeesOwnRowsAndRowsSharedWithItsTeams) {
  EXPECT_EQ(Visible(TenantScope::Make(org, rep1, Role::kRep, {t1})), Sorted({a1, a2}));
  EXPECT_EQ(Visible(TenantScope::Make(org, rep2, Role::kRep, {t2})), Sorted({a2, a3, a5}));
  // A rep does not see rows owned by team mates unless shared with the team.
  EXPECT_EQ(Visible(TenantScope::Make(org, rep3, Role::kRep, {t1})), Sorted({a2, a6}));
  // Without teams: own rows only.
  EXPECT_EQ(Visible(TenantScope::Make(org, rep1, Role::kRep, {})), Sorted({a1}));
  EXPECT_EQ(Visible(TenantScope::Make(org, NewId(), Role::kRep, {})), std::vector<std::string>{});
}

TEST_P(VisibilityTest, ManagerSeesRowsOwnedByMembersOfManagedTeams) {
  // Team 1 members are rep1 and rep3.
  EXPECT_EQ(Visible(TenantScope::Make(org, mgr, Role::kManager, {t1})), Sorted({a1, a2, a4, a6}));
  // Team 2's member rep2 owns a2 (shared with team 1) and a3.
  EXPECT_EQ(Visible(TenantScope::Make(org, mgr, Role::kManager, {t2})), Sorted({a2, a3, a4, a5}));
  EXPECT_EQ(Visible(TenantScope::Make(org, mgr, Role::kManager, {t1, t2})), Sorted(all));
  EXPECT_EQ(Visible(TenantScope::Make(org, mgr, Role::kManager, {})), Sorted({a4}));
  // The same teams with the rep role do not include members' rows.
  EXPECT_EQ(Visible(TenantScope::Make(org, mgr, Role::kRep, {t1})), Sorted({a2, a4}));
}

TEST_P(VisibilityTest, AdminSeesEverythingAndOtherOrganisationsNothing) {
  EXPECT_EQ(Visible(TenantScope::Make(org, admin, Role::kAdmin, {})), Sorted(all));
  EXPECT_EQ(Visible(TenantScope::ForOperator(org)), Sorted(all));

  std::string other = NewOrg("B");
  std::string b_admin = NewUser(other, "admin@b.example", Role::kAdmin);
  TenantScope b = TenantScope::Make(other, b_admin, Role::kAdmin, {});
  EXPECT_EQ(Visible(b), std::vector<std::string>{});
  // Even a scope in B that names A's user and teams sees nothing of A.
  EXPECT_EQ(Visible(TenantScope::Make(other, rep1, Role::kManager, {t1, t2})), std::vector<std::string>{});
  for (const auto& id : all) {
    EXPECT_FALSE(*RecordStore::Exists(conn(), b, acc, id));
    EXPECT_EQ(RecordStore::Update(conn(), b, acc, id, {{"name", S("hijack")}}, std::nullopt).status().code(),
              Code::kNotFound);
    EXPECT_EQ(RecordStore::SetDeleted(conn(), b, acc, id, true, std::nullopt).status().code(), Code::kNotFound);
    EXPECT_EQ(RecordStore::History(conn(), b, acc, id).status().code(), Code::kNotFound);
  }
  EXPECT_EQ(QueryInt("SELECT count(*) FROM accounts WHERE name = 'hijack' OR deleted_at IS NOT NULL"), 0);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM audit_log WHERE org_id = ?", {S(other)}), 1) << "only B's admin row";
}

TEST_P(VisibilityTest, InvisibleRowsCannotBeChangedOrInspected) {
  TenantScope r1 = TenantScope::Make(org, rep1, Role::kRep, {t1});
  for (const std::string& id : {a3, a4, a5, a6}) {
    EXPECT_EQ(RecordStore::Update(conn(), r1, acc, id, {{"name", S("mine now")}}, std::nullopt).status().code(),
              Code::kNotFound);
    EXPECT_EQ(RecordStore::SetDeleted(conn(), r1, acc, id, true, std::nullopt).status().code(), Code::kNotFound);
    EXPECT_EQ(RecordStore::History(conn(), r1, acc, id).status().code(), Code::kNotFound);
    EXPECT_EQ(AuditCount(org, id), 1);
  }
  // Visible rows can be changed, including a team-shared row owned by someone else.
  RP_EXPECT_OK(RecordStore::Update(conn(), r1, acc, a2, {{"industry", S("Retail")}}, 1));
  RP_EXPECT_OK(RecordStore::History(conn(), r1, acc, a2));
  // Organisation configuration (teams) is visible to everyone in the organisation.
  EXPECT_EQ(Sorted(ListIds(r1, Std("teams"))), Sorted({t1, t2}));
  EXPECT_EQ(Sorted(ListIds(r1, Std("users"))).size(), 5u);
}

// ------------------------------------------------------------------ listing

class ListTest : public RecordsTest {
 protected:
  void SetUp() override {
    RecordsTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    org = NewOrg();
    scope = std::make_unique<TenantScope>(TenantScope::ForOperator(org, "admin"));
    struct L {
      const char* last;
      const char* company;
      Value status;
      Value score;
      Value city;
    };
    const L rows[] = {
        {"Adams", "ACME Corp", S("new"), D(10), S("Paris")},
        {"Baker", "Acme Labs", S("working"), D(20), kNull},
        {"Clark", "50% Off Ltd", S("qualified"), kNull, S("Berlin")},
        {"Davis", "500 Off", S("new"), D(-5), S("paris")},
        {"Evans", "a_b", S("nurturing"), D(20), S("Rome")},
        {"Fox", "axb", kNull, D(30), kNull},
    };
    for (const auto& r : rows) {
      std::string id = InsertId(*scope, leads, {{"last_name", S(r.last)},
                                                {"company", S(r.company)},
                                                {"status", r.status},
                                                {"score", r.score},
                                                {"city", r.city}});
      name_of[id] = r.last;
      id_of[r.last] = id;
    }
  }

  // Last names of the rows matching `filters`, in id order.
  std::vector<std::string> Match(std::vector<Filter> filters) {
    ListQuery q;
    q.filters = std::move(filters);
    std::vector<std::string> out;
    for (const auto& id : ListIds(*scope, leads, q)) out.push_back(name_of[id]);
    return out;
  }
  std::vector<std::string> NamesOfIds(const std::vector<std::string>& ids) {
    std::vector<std::string> out;
    for (const auto& id : ids) out.push_back(name_of[id]);
    return out;
  }
  Status ListStatus(const ListQuery& q) { return RecordStore::List(conn(), *scope, leads, q).status(); }

  const ObjectDef& leads = Std("leads");
  std::string org;
  std::unique_ptr<TenantScope> scope;
  std::map<std::string, std::string> name_of, id_of;
};

using Names = std::vector<std::string>;

TEST_P(ListTest, FiltersWithEveryOperator) {
  EXPECT_EQ(Match({{"status", FilterOp::kEq, {S("new")}}}), (Names{"Adams", "Davis"}));
  EXPECT_EQ(Match({{"status", FilterOp::kEq, {kNull}}}), (Names{"Fox"}));
  EXPECT_EQ(Match({{"status", FilterOp::kNe, {S("new")}}}), (Names{"Baker", "Clark", "Evans", "Fox"}))
      << "ne keeps rows where the field is null";
  EXPECT_EQ(Match({{"status", FilterOp::kNe, {kNull}}}), (Names{"Adams", "Baker", "Clark", "Davis", "Evans"}));

  EXPECT_EQ(Match({{"score", FilterOp::kLt, {D(20)}}}), (Names{"Adams", "Davis"}));
  EXPECT_EQ(Match({{"score", FilterOp::kLte, {D(20)}}}), (Names{"Adams", "Baker", "Davis", "Evans"}));
  EXPECT_EQ(Match({{"score", FilterOp::kGt, {D(10)}}}), (Names{"Baker", "Evans", "Fox"}));
  EXPECT_EQ(Match({{"score", FilterOp::kGte, {D(10)}}}), (Names{"Adams", "Baker", "Evans", "Fox"}));
  EXPECT_EQ(Match({{"score", FilterOp::kGte, {I(10)}}}), (Names{"Adams", "Baker", "Evans", "Fox"}));
  EXPECT_EQ(Match({{"score", FilterOp::kEq, {D(-5)}}}), (Names{"Davis"}));
  EXPECT_EQ(Match({{"last_name", FilterOp::kLt, {S("C")}}}), (Names{"Adams", "Baker"}));
  EXPECT_EQ(Match({{"last_name", FilterOp::kGte, {S("Evans")}}}), (Names{"Evans", "Fox"}));

  EXPECT_EQ(Match({{"status", FilterOp::kIn, {S("new"), S("working")}}}), (Names{"Adams", "Baker", "Davis"}));
  EXPECT_EQ(Match({{"status", FilterOp::kNotIn, {S("new"), S("working")}}}), (Names{"Clark", "Evans", "Fox"}))
      << "not_in keeps rows where the field is null";
  EXPECT_EQ(Match({{"score", FilterOp::kIn, {D(20), D(30)}}}), (Names{"Baker", "Evans", "Fox"}));

  EXPECT_EQ(Match({{"company", FilterOp::kContains, {S("acme")}}}), (Names{"Adams", "Baker"}))
      << "contains ignores case";
  EXPECT_EQ(Match({{"company", FilterOp::kContains, {S("OFF")}}}), (Names{"Clark", "Davis"}));
  EXPECT_EQ(Match({{"company", FilterOp::kContains, {S("50%")}}}), (Names{"Clark"})) << "% is literal";
  EXPECT_EQ(Match({{"company", FilterOp::kContains, {S("a_b")}}}), (Names{"Evans"})) << "_ is literal";
  EXPECT_EQ(Match({{"company", FilterOp::kStartsWith, {S("ac")}}}), (Names{"Adams", "Baker"}));
  EXPECT_EQ(Match({{"company", FilterOp::kStartsWith, {S("AC")}}}), (Names{"Adams", "Baker"}));
  EXPECT_EQ(Match({{"company", FilterOp::kStartsWith, {S("Off")}}}), (Names{}));
  EXPECT_EQ(Match({{"company", FilterOp::kStartsWith, {S("50")}}}), (Names{"Clark", "Davis"}));
  // A prefix is literal text (no LIKE wildcards), ASCII case ignored.
  EXPECT_EQ(Match({{"company", FilterOp::kStartsWith, {S("50%")}}}), (Names{"Clark"}));
  EXPECT_EQ(Match({{"company", FilterOp::kStartsWith, {S("A_")}}}), (Names{"Evans"}));
  EXPECT_EQ(Match({{"company", FilterOp::kStartsWith, {S("acme c")}}}), (Names{"Adams"}));
  // eq and in stay exact on text (the lower(column) index only bounds them).
  EXPECT_EQ(Match({{"city", FilterOp::kEq, {S("Paris")}}}), (Names{"Adams"}));
  EXPECT_EQ(Match({{"city", FilterOp::kIn, {S("paris"), S("Rome")}}}), (Names{"Davis", "Evans"}));

  EXPECT_EQ(Match({{"city", FilterOp::kIsNull, {I(1)}}}), (Names{"Baker", "Fox"}));
  EXPECT_EQ(Match({{"city", FilterOp::kIsNull, {}}}), (Names{"Baker", "Fox"}));
  EXPECT_EQ(Match({{"city", FilterOp::kIsNull, {I(0)}}}), (Names{"Adams", "Clark", "Davis", "Evans"}));

  // Filters combine with AND.
  EXPECT_EQ(Match({{"status", FilterOp::kEq, {S("new")}}, {"city", FilterOp::kContains, {S("PAR")}}}),
            (Names{"Adams", "Davis"}));
  EXPECT_EQ(Match({{"status", FilterOp::kEq, {S("new")}}, {"score", FilterOp::kGt, {D(0)}}}), (Names{"Adams"}));
  // System fields filter too.
  std::string created = Text(RecordStore::Get(conn(), *scope, leads, id_of["Adams"])->Get(leads, "created_at"));
  EXPECT_EQ(Match({{"created_at", FilterOp::kGte, {S(created)}}}).size(), 6u);
  EXPECT_EQ(Match({{"id", FilterOp::kEq, {S(id_of["Clark"])}}}), (Names{"Clark"}));
}

TEST_P(ListTest, RefusesBadQueriesNamingTheProblem) {
  auto expect_bad = [&](const ListQuery& q, const std::string& field) {
    Status st = ListStatus(q);
    EXPECT_EQ(st.code(), Code::kInvalidArgument) << st.ToString();
    EXPECT_EQ(st.field(), field) << st.ToString();
  };
  ListQuery q;
  q.filters = {{"nope", FilterOp::kEq, {S("x")}}};
  expect_bad(q, "nope");
  q.filters = {{"score", FilterOp::kContains, {S("1")}}};
  expect_bad(q, "score");
  q.filters = {{"score", FilterOp::kLt, {kNull}}};
  expect_bad(q, "score");
  q.filters = {{"status", FilterOp::kEq, {S("a"), S("b")}}};
  expect_bad(q, "status");
  q.filters = {{"status", FilterOp::kIn, {}}};
  expect_bad(q, "status");
  q.filters = {{"status", FilterOp::kIn, std::vector<Value>(1001, S("new"))}};
  expect_bad(q, "status");
  q.filters.clear();
  q.sort = {{"nope", false}};
  expect_bad(q, "sort");
  q.sort.clear();
  q.limit = 0;
  expect_bad(q, "limit");
  q.limit = 1001;
  expect_bad(q, "limit");
  q.limit = 1000;
  RP_EXPECT_OK(ListStatus(q));
  q.limit = 2;
  q.cursor = "!!not base64!!";
  expect_bad(q, "cursor");
  q.cursor = Base64UrlEncode("{\"s\":\"id\"}");
  expect_bad(q, "cursor");
  q.cursor = Base64UrlEncode("[1,2]");
  expect_bad(q, "cursor");
  // A cursor is only valid for the sort order it came from.
  ListQuery by_score;
  by_score.sort = {{"score", false}};
  by_score.limit = 2;
  auto page = RecordStore::List(conn(), *scope, leads, by_score);
  ASSERT_TRUE(page.ok());
  ASSERT_FALSE(page->next_cursor.empty());
  ListQuery by_name;
  by_name.sort = {{"last_name", false}};
  by_name.cursor = page->next_cursor;
  expect_bad(by_name, "cursor");
  by_name.sort = {{"score", true}};
  expect_bad(by_name, "cursor");
}

TEST_P(ListTest, MultiKeySortsPutNullsFirstAscendingAndLastDescending) {
  struct Case {
    std::vector<SortKey> sort;
    Names want;
  };
  const Case cases[] = {
      {{}, {"Adams", "Baker", "Clark", "Davis", "Evans", "Fox"}},
      {{{"id", true}}, {"Fox", "Evans", "Davis", "Clark", "Baker", "Adams"}},
      {{{"score", false}, {"last_name", false}}, {"Clark", "Davis", "Adams", "Baker", "Evans", "Fox"}},
      {{{"score", true}, {"last_name", false}}, {"Fox", "Baker", "Evans", "Adams", "Davis", "Clark"}},
      {{{"score", true}, {"last_name", true}}, {"Fox", "Evans", "Baker", "Adams", "Davis", "Clark"}},
      // Text sorts ignoring ASCII case: "Berlin" < "Paris" = "paris" < "Rome".
      {{{"city", false}, {"score", true}}, {"Fox", "Baker", "Clark", "Adams", "Davis", "Evans"}},
      {{{"city", true}, {"score", false}}, {"Evans", "Davis", "Adams", "Clark", "Baker", "Fox"}},
      // Ties are broken by id in the direction of the last key.
      {{{"status", false}}, {"Fox", "Adams", "Davis", "Evans", "Clark", "Baker"}},
      {{{"status", true}}, {"Baker", "Clark", "Evans", "Davis", "Adams", "Fox"}},
      {{{"city", false}, {"status", true}}, {"Baker", "Fox", "Clark", "Davis", "Adams", "Evans"}},
  };
  for (const auto& c : cases) {
    std::string spec;
    for (const auto& k : c.sort) spec += (k.descending ? " -" : " ") + k.field;
    SCOPED_TRACE("sort" + spec);
    ListQuery q;
    q.sort = c.sort;
    EXPECT_EQ(NamesOfIds(ListIds(*scope, leads, q)), c.want);
    // Page boundaries on NULLs and ties give the same order.
    for (int limit : {1, 2, 4}) EXPECT_EQ(NamesOfIds(PageIds(*scope, leads, q, limit)), c.want) << "limit " << limit;
  }
}

// One row of the paging data set, with its values by field name.
struct Row {
  std::string id;
  std::map<std::string, Value> v;
};

int CompareValues(const Value& a, const Value& b) {
  bool an = IsNull(a), bn = IsNull(b);
  if (an || bn) return an == bn ? 0 : (an ? -1 : 1);  // NULL is the smallest value
  if (const auto* sa = AsText(a)) {
    int c = sa->compare(std::get<std::string>(b));
    return c < 0 ? -1 : c > 0 ? 1 : 0;
  }
  double x = Num(a), y = Num(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

// The documented order: keys in turn (text fields compared with ASCII case
// folded, as lower() does in both databases), then id in the direction of
// the last key.
std::vector<std::string> ExpectedOrder(std::vector<Row> rows, const std::vector<SortKey>& sort,
                                       const ObjectDef& def = StandardCatalog().objects().at("leads")) {
  std::vector<SortKey> keys;
  for (const auto& k : sort) {
    if (k.field == "id") break;
    keys.push_back(k);
  }
  bool last_desc = keys.empty() ? (!sort.empty() && sort.back().field == "id" && sort.back().descending)
                                : keys.back().descending;
  std::sort(rows.begin(), rows.end(), [&](const Row& a, const Row& b) {
    for (const auto& k : keys) {
      const Value& x = a.v.at(k.field);
      const Value& y = b.v.at(k.field);
      int c = FoldsCase(*def.Find(k.field)) && std::holds_alternative<std::string>(x) &&
                      std::holds_alternative<std::string>(y)
                  ? CompareValues(Value{AsciiLower(std::get<std::string>(x))}, Value{AsciiLower(std::get<std::string>(y))})
                  : CompareValues(x, y);
      if (c != 0) return k.descending ? c > 0 : c < 0;
    }
    return last_desc ? a.id > b.id : a.id < b.id;
  });
  std::vector<std::string> out;
  for (const auto& r : rows) out.push_back(r.id);
  return out;
}

class PagingTest : public RecordsTest {
 protected:
  void SetUp() override {
    RecordsTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    org = NewOrg();
    scope = std::make_unique<TenantScope>(TenantScope::ForOperator(org, "admin"));
    RP_ASSERT_OK(InTransaction(conn(), TxMode::kWrite, [&]() -> Status {
      for (int i = 0; i < 1000; ++i) RP_RETURN_IF_ERROR(AddRow(i));
      return Status::Ok();
    }));
    ASSERT_EQ(rows.size(), 1000u);
  }

  // Values with many ties and NULLs, non-ASCII text included.
  Status AddRow(int i) {
    static const char* kCities[] = {"Paris", "paris", "Berlin", "Zürich", "Ålesund", "rome", "Zurich"};
    static const char* kStatus[] = {"new", "working", "qualified", "disqualified", "nurturing", "converted"};
    FieldValues v;
    v["score"] = i % 7 == 0 ? kNull : D(((i * 37) % 50) - 10 + (i % 4 == 0 ? 0.5 : 0));
    v["last_name"] = i % 11 == 0 ? kNull : S("N" + std::to_string((i * 13) % 40));
    v["city"] = i % 3 == 0 ? kNull : S(kCities[i % 7]);
    v["status"] = i % 5 == 0 ? kNull : S(kStatus[i % 6]);
    RP_ASSIGN_OR_RETURN(Record r, RecordStore::Insert(conn(), *scope, leads, v));
    Row row;
    row.id = IdOf(leads, r);
    for (size_t f = 0; f < leads.fields.size(); ++f) row.v[leads.fields[f].name] = r.values[f];
    rows.push_back(std::move(row));
    return Status::Ok();
  }

  const ObjectDef& leads = Std("leads");
  std::string org;
  std::unique_ptr<TenantScope> scope;
  std::vector<Row> rows;
};

const std::vector<std::vector<SortKey>> kSortOrders = {
    {},
    {{"id", true}},
    {{"score", false}},
    {{"score", true}},
    {{"last_name", false}, {"score", true}},
    {{"city", true}, {"score", false}, {"last_name", false}},
    {{"status", false}, {"created_at", true}},
    {{"score", true}, {"city", false}},
    {{"city", false}, {"status", true}, {"last_name", true}},
};

std::string SortName(const std::vector<SortKey>& sort) {
  std::string s;
  for (const auto& k : sort) s += std::string(s.empty() ? "" : ",") + (k.descending ? "-" : "") + k.field;
  return s.empty() ? "(default)" : s;
}

TEST_P(PagingTest, KeysetPagingVisitsEveryRowOnceInEverySortOrder) {
  for (const auto& sort : kSortOrders) {
    SCOPED_TRACE("sort " + SortName(sort));
    std::vector<std::string> want = ExpectedOrder(rows, sort);
    ListQuery q;
    q.sort = sort;
    q.limit = 1000;
    auto whole = RecordStore::List(conn(), *scope, leads, q);
    ASSERT_TRUE(whole.ok()) << whole.status().ToString();
    EXPECT_TRUE(whole->next_cursor.empty());
    std::vector<std::string> one_page;
    for (const auto& r : whole->records) one_page.push_back(IdOf(leads, r));
    EXPECT_EQ(one_page, want) << "the database order differs from the documented one";

    std::vector<std::string> paged = PageIds(*scope, leads, q, 37);
    EXPECT_EQ(paged.size(), 1000u);
    EXPECT_EQ(std::set<std::string>(paged.begin(), paged.end()).size(), paged.size()) << "a row appeared twice";
    EXPECT_EQ(paged, want);
  }
}

TEST_P(PagingTest, KeysetPagingIsStableWhenRowsAreInsertedBetweenPages) {
  int next = 1000;
  std::set<std::string> originals;
  for (const auto& r : rows) originals.insert(r.id);
  for (size_t order : {0, 1, 2, 4, 5, 6}) {
    const std::vector<SortKey>& sort = kSortOrders[order];
    SCOPED_TRACE("sort " + SortName(sort));
    ListQuery q;
    q.sort = sort;
    std::vector<std::string> paged = PageIds(*scope, leads, q, 37, [&] {
      RP_EXPECT_OK(InTransaction(conn(), TxMode::kWrite, [&]() -> Status {
        for (int k = 0; k < 3; ++k) RP_RETURN_IF_ERROR(AddRow(next++));
        return Status::Ok();
      }));
    });
    std::map<std::string, int> seen;
    for (const auto& id : paged) ++seen[id];
    for (const auto& [id, n] : seen) EXPECT_EQ(n, 1) << id << " appeared " << n << " times";
    for (const auto& id : originals) EXPECT_EQ(seen.count(id), 1u) << "row " << id << " was skipped";
    // What was returned is in order, new rows included.
    std::vector<std::string> want = ExpectedOrder(rows, sort);
    std::vector<std::string> in_order;
    std::set<std::string> paged_set(paged.begin(), paged.end());
    for (const auto& id : want) {
      if (paged_set.count(id)) in_order.push_back(id);
    }
    EXPECT_EQ(paged, in_order);
    if (!sort.empty() && sort[0].field == "id" && sort[0].descending) {
      // New ids are larger, so they are always behind a descending id cursor.
      EXPECT_EQ(paged.size(), originals.size());
    } else {
      EXPECT_GT(paged.size(), originals.size()) << "rows inserted ahead of the cursor show up";
    }
    originals.clear();
    for (const auto& r : rows) originals.insert(r.id);
  }
}

TEST_P(RecordsTest, TextAcceptedByValidationIsStorable) {
  std::string org = NewOrg();
  TenantScope admin = TenantScope::ForOperator(org, "admin");
  const ObjectDef& acc = Std("accounts");
  for (const std::string& text : {std::string("ok \xe2\x82\xac"), std::string("surrogate \xed\xa0\x80"),
                                  std::string("overlong \xe0\x80\xaf"), std::string("too big \xf4\x90\x80\x80")}) {
    auto v = ValidateValue(*acc.Find("name"), json(text));
    if (!v.ok()) continue;  // refused with 400: fine
    auto r = RecordStore::Insert(conn(), admin, acc, {{"name", *v}});
    EXPECT_TRUE(r.ok()) << r.status().ToString();
  }
}

// ------------------------------------------------------------ custom fields

FieldDef Custom(const std::string& name, FieldKind kind, std::vector<std::string> options = {}, bool indexed = false) {
  FieldDef f;
  f.name = name;
  f.label = name;
  f.kind = kind;
  f.options = std::move(options);
  f.indexed = indexed;
  return f;
}

TEST_P(RecordsTest, CustomFieldsAreLoadedStoredFilteredAndSorted) {
  std::string org = NewOrg();
  TenantScope admin = TenantScope::ForOperator(org, "admin");
  RP_ASSERT_OK(AddCustomField(conn(), admin, "accounts",
                              Custom("tier", FieldKind::kPicklist, {"gold", "silver", "bronze"}, true)));
  RP_ASSERT_OK(AddCustomField(conn(), admin, "accounts", Custom("seats", FieldKind::kNumber)));
  RP_ASSERT_OK(AddCustomField(conn(), admin, "accounts", Custom("vip", FieldKind::kBool)));
  RP_ASSERT_OK(AddCustomField(conn(), admin, "accounts", Custom("tags", FieldKind::kMultiPicklist, {"a", "b", "c"})));
  EXPECT_EQ(*LoadMetaVersion(conn(), org), 4);

  auto cat = LoadCatalog(conn(), org);
  ASSERT_TRUE(cat.ok()) << cat.status().ToString();
  EXPECT_EQ((*cat)->version(), 4);
  const ObjectDef& acc = *(*cat)->Find("accounts");
  ASSERT_EQ(acc.fields.size(), Std("accounts").fields.size() + 4);
  const FieldDef* tier = acc.Find("tier");
  ASSERT_NE(tier, nullptr);
  EXPECT_TRUE(tier->custom);
  EXPECT_EQ(tier->kind, FieldKind::kPicklist);
  EXPECT_EQ(tier->column, "cf_tier");
  EXPECT_EQ(tier->options, (std::vector<std::string>{"gold", "silver", "bronze"}));
  EXPECT_TRUE(tier->indexed);
  EXPECT_EQ(acc.Find("seats")->column, CustomFieldColumn("seats", FieldKind::kNumber));
  EXPECT_EQ(acc.Find("vip")->column, CustomFieldColumn("vip", FieldKind::kBool));
  EXPECT_EQ(acc.Find("tags")->column, "cf_tags");
  // Custom fields follow the standard ones, in the order they were added.
  const size_t n = acc.fields.size();
  EXPECT_EQ(acc.fields[n - 4].name, "tier");
  EXPECT_EQ(acc.fields[n - 1].name, "tags");
  EXPECT_EQ((*cat)->Find("contacts")->Find("tier"), nullptr);
  EXPECT_EQ(StandardCatalog().Find("accounts")->Find("tier"), nullptr) << "the standard catalogue is untouched";

  auto cols = conn()->TableColumns("accounts");
  ASSERT_TRUE(cols.ok());
  for (const char* f : {"tier", "seats", "vip", "tags"}) {
    EXPECT_NE(std::find(cols->begin(), cols->end(), acc.Find(f)->column), cols->end()) << f;
  }
  EXPECT_TRUE(IndexExists(IndexName(acc, *tier)));
  EXPECT_FALSE(IndexExists(IndexName(acc, *acc.Find("seats"))));

  struct A {
    const char* name;
    Value tier, seats, vip, tags;
  };
  const A accounts[] = {
      {"One", S("gold"), D(10), I(1), S(R"(["a","b"])")},
      {"Two", S("silver"), D(250.5), I(0), S(R"(["c"])")},
      {"Three", kNull, kNull, kNull, kNull},
      {"Four", S("gold"), D(3), I(1), S(R"(["b"])")},
  };
  std::map<std::string, std::string> name_of;
  for (const auto& a : accounts) {
    auto r = RecordStore::Insert(conn(), admin, acc,
                                 {{"name", S(a.name)}, {"tier", a.tier}, {"seats", a.seats}, {"vip", a.vip}, {"tags", a.tags}});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    name_of[IdOf(acc, *r)] = a.name;
    auto got = RecordStore::Get(conn(), admin, acc, IdOf(acc, *r));
    ASSERT_TRUE(got.ok());
    EXPECT_EQ(got->Get(acc, "tier"), a.tier);
    EXPECT_EQ(IsNull(got->Get(acc, "seats")), IsNull(a.seats));
    EXPECT_EQ(Num(got->Get(acc, "seats")), Num(a.seats));
    EXPECT_EQ(got->Get(acc, "vip"), a.vip);
    EXPECT_EQ(got->Get(acc, "tags"), a.tags);
  }
  auto names = [&](ListQuery q) {
    Names out;
    auto page = RecordStore::List(conn(), admin, acc, q);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    if (page.ok()) {
      for (const auto& r : page->records) out.push_back(name_of[IdOf(acc, r)]);
    }
    return out;
  };
  ListQuery q;
  q.filters = {{"tier", FilterOp::kEq, {S("gold")}}};
  EXPECT_EQ(names(q), (Names{"One", "Four"}));
  q.filters = {{"seats", FilterOp::kGt, {D(5)}}};
  EXPECT_EQ(names(q), (Names{"One", "Two"}));
  q.filters = {{"vip", FilterOp::kEq, {I(1)}}};
  EXPECT_EQ(names(q), (Names{"One", "Four"}));
  q.filters = {{"tags", FilterOp::kContains, {S("b")}}};
  EXPECT_EQ(names(q), (Names{"One", "Four"})) << "multi-picklist contains matches whole options";
  q.filters = {{"tier", FilterOp::kIsNull, {I(1)}}};
  EXPECT_EQ(names(q), (Names{"Three"}));
  q.filters.clear();
  q.sort = {{"seats", true}};
  EXPECT_EQ(names(q), (Names{"Two", "One", "Four", "Three"}));
  EXPECT_EQ(NamesFromPages(admin, acc, q, name_of), (Names{"Two", "One", "Four", "Three"}));
  q.sort = {{"tier", false}, {"seats", false}};
  EXPECT_EQ(names(q), (Names{"Three", "Four", "One", "Two"}));
  EXPECT_EQ(NamesFromPages(admin, acc, q, name_of), (Names{"Three", "Four", "One", "Two"}));

  // Updates of custom fields are audited like any other field.
  std::string three;
  for (const auto& [id, name] : name_of) {
    if (name == "Three") three = id;
  }
  RP_ASSERT_OK(RecordStore::Update(conn(), admin, acc, three, {{"tier", S("bronze")}, {"seats", D(1)}}, 1));
  auto h = RecordStore::History(conn(), admin, acc, three);
  ASSERT_TRUE(h.ok());
  ASSERT_EQ(h->size(), 3u);
  EXPECT_EQ((*h)[1].field, "seats");
  EXPECT_EQ((*h)[1].new_value, "1");
  EXPECT_EQ((*h)[2].field, "tier");
  // The standard definition still reads the table after columns were added.
  EXPECT_EQ(ListIds(admin, Std("accounts")).size(), 4u);
}

TEST_P(RecordsTest, DuplicateCustomFieldNameIsConflict) {
  std::string org = NewOrg();
  TenantScope admin = TenantScope::ForOperator(org, "admin");
  RP_ASSERT_OK(AddCustomField(conn(), admin, "contacts", Custom("nickname", FieldKind::kText)));
  Status dup = AddCustomField(conn(), admin, "contacts", Custom("nickname", FieldKind::kNumber));
  EXPECT_EQ(dup.code(), Code::kConflict) << dup.ToString();
  EXPECT_EQ(dup.field(), "name");
  Status standard = AddCustomField(conn(), admin, "contacts", Custom("email", FieldKind::kText));
  EXPECT_EQ(standard.code(), Code::kConflict) << "a standard field's name is taken too: " << standard.ToString();
  Status system = AddCustomField(conn(), admin, "contacts", Custom("owner_id", FieldKind::kText));
  EXPECT_EQ(system.code(), Code::kConflict) << system.ToString();
  EXPECT_EQ(AddCustomField(conn(), admin, "widgets", Custom("x", FieldKind::kText)).code(), Code::kNotFound);
  EXPECT_EQ(*LoadMetaVersion(conn(), org), 1) << "refused additions do not bump the metadata version";
  EXPECT_EQ(QueryInt("SELECT count(*) FROM metadata_fields WHERE org_id = ?", {S(org)}), 1);
  // The same name on another object is fine.
  RP_EXPECT_OK(AddCustomField(conn(), admin, "leads", Custom("nickname", FieldKind::kText)));
  auto cat = LoadCatalog(conn(), org);
  ASSERT_TRUE(cat.ok());
  EXPECT_EQ((*cat)->Find("contacts")->Find("nickname")->kind, FieldKind::kText);
  EXPECT_NE((*cat)->Find("leads")->Find("nickname"), nullptr);
}

TEST_P(RecordsTest, OrganisationsMayGiveTheSameCustomFieldNameDifferentKinds) {
  std::string a = NewOrg("A"), b = NewOrg("B");
  TenantScope sa = TenantScope::ForOperator(a, "admin-a"), sb = TenantScope::ForOperator(b, "admin-b");
  RP_ASSERT_OK(AddCustomField(conn(), sa, "contacts", Custom("size", FieldKind::kText, {}, true)));
  RP_ASSERT_OK(AddCustomField(conn(), sb, "contacts", Custom("size", FieldKind::kNumber, {}, true)));
  auto ca = LoadCatalog(conn(), a);
  auto cb = LoadCatalog(conn(), b);
  ASSERT_TRUE(ca.ok() && cb.ok());
  const ObjectDef& da = *(*ca)->Find("contacts");
  const ObjectDef& db = *(*cb)->Find("contacts");
  ASSERT_NE(da.Find("size"), nullptr);
  ASSERT_NE(db.Find("size"), nullptr);
  EXPECT_EQ(da.Find("size")->kind, FieldKind::kText);
  EXPECT_EQ(db.Find("size")->kind, FieldKind::kNumber);
  EXPECT_NE(da.Find("size")->column, db.Find("size")->column);
  EXPECT_EQ(*LoadMetaVersion(conn(), a), 1);
  EXPECT_EQ(*LoadMetaVersion(conn(), b), 1);

  std::string ra = InsertId(sa, da, {{"last_name", S("A")}, {"size", S("large")}});
  std::string rb = InsertId(sb, db, {{"last_name", S("B")}, {"size", D(42)}});
  ASSERT_FALSE(ra.empty());
  ASSERT_FALSE(rb.empty());
  EXPECT_EQ(Text(RecordStore::Get(conn(), sa, da, ra)->Get(da, "size")), "large");
  EXPECT_EQ(Num(RecordStore::Get(conn(), sb, db, rb)->Get(db, "size")), 42.0);
  ListQuery qa;
  qa.filters = {{"size", FilterOp::kEq, {S("large")}}};
  EXPECT_EQ(ListIds(sa, da, qa), std::vector<std::string>{ra});
  ListQuery qb;
  qb.filters = {{"size", FilterOp::kGt, {D(40)}}};
  qb.sort = {{"size", true}};
  EXPECT_EQ(ListIds(sb, db, qb), std::vector<std::string>{rb});
  // Each organisation's rows leave the other's column empty.
  const std::string text_col = da.Find("size")->column, num_col = db.Find("size")->column;
  auto raw = conn()->Query("SELECT id, " + text_col + ", " + num_col + " FROM contacts WHERE id IN (?, ?) ORDER BY id",
                           {S(ra), S(rb)});
  ASSERT_TRUE(raw.ok()) << raw.status().ToString();
  ASSERT_EQ(raw->size(), 2u);
  for (const auto& row : raw->rows) {
    if (Text(row[0]) == ra) {
      EXPECT_EQ(row[1], S("large"));
      EXPECT_TRUE(IsNull(row[2]));
    } else {
      EXPECT_TRUE(IsNull(row[1]));
      EXPECT_EQ(Num(row[2]), 42.0);
    }
  }
}

TEST_P(RecordsTest, CustomFieldColumnsOfDifferentKindsNeverCollide) {
  // "__" is reserved for the storage-class suffix, so names cannot collide.
  EXPECT_FALSE(IsValidFieldName("score__num"));
  EXPECT_FALSE(IsValidFieldName("flag__int"));
  EXPECT_FALSE(IsValidFieldName("trailing_"));
  std::string a = NewOrg("A"), b = NewOrg("B");
  TenantScope sa = TenantScope::ForOperator(a, "admin-a"), sb = TenantScope::ForOperator(b, "admin-b");
  RP_ASSERT_OK(AddCustomField(conn(), sa, "accounts", Custom("score", FieldKind::kNumber)));
  Status st = AddCustomField(conn(), sb, "accounts", Custom("score__num", FieldKind::kText));
  ASSERT_EQ(st.code(), Status::Code::kInvalidArgument) << st.ToString();
  // The same name with another kind in another organisation gets its own column.
  RP_ASSERT_OK(AddCustomField(conn(), sb, "accounts", Custom("score", FieldKind::kText)));
  auto cb = LoadCatalog(conn(), b);
  ASSERT_TRUE(cb.ok());
  const ObjectDef& db = *(*cb)->Find("accounts");
  EXPECT_NE(db.Find("score")->column, CustomFieldColumn("score", FieldKind::kNumber));
  auto r = RecordStore::Insert(conn(), sb, db, {{"name", S("B")}, {"score", S("0042")}});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto got = RecordStore::Get(conn(), sb, db, IdOf(db, *r));
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->Get(db, "score"), S("0042"));
  auto word = RecordStore::Insert(conn(), sb, db, {{"name", S("B2")}, {"score", S("gold")}});
  EXPECT_TRUE(word.ok()) << word.status().ToString();
}

// ----------------------------------------------------------- authentication

class AuthTest : public RecordsTest {
 protected:
  static int64_t WallMillis() { return Clock().NowMillis(); }
};

TEST_P(AuthTest, ApiTokenAuthenticatesItsUserUntilRevoked) {
  std::string org = NewOrg();
  std::string t1 = NewTeam(org, "T1");
  std::string boss = NewUser(org, "boss@example.com", Role::kManager, t1);
  std::string t2 = NewTeam(org, "T2", boss);
  TenantScope op = TenantScope::ForOperator(org, "op");
  RP_ASSERT_OK(RecordStore::Update(conn(), op, Std("teams"), t1, {{"manager_id", S(boss)}}, std::nullopt));

  auto token = Auth::CreateToken(conn(), "Boss@Example.COM", "ci");
  ASSERT_TRUE(token.ok()) << token.status().ToString();
  EXPECT_EQ(token->rfind("rpt_" + org + "_", 0), 0u) << *token;
  EXPECT_EQ(QueryInt("SELECT count(*) FROM api_tokens WHERE token_hash = ?", {S(Sha256Hex(*token))}), 1);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM api_tokens WHERE token_hash = ? OR name = ?", {S(*token), S(*token)}), 0)
      << "the token itself is never stored";

  auto p = Auth::AuthenticateToken(conn(), *token);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->scope.org_id(), org);
  EXPECT_EQ(p->scope.user_id(), boss);
  EXPECT_EQ(p->scope.role(), Role::kManager);
  EXPECT_EQ(p->scope.team_ids(), (std::vector<std::string>{t1, t2})) << "own team, then managed teams, once each";
  EXPECT_EQ(p->email, "boss@example.com");
  EXPECT_FALSE(p->via_session);
  EXPECT_EQ(p->meta_version, 0);

  std::string tampered = *token;
  tampered.back() = tampered.back() == 'A' ? 'B' : 'A';
  std::string secret = token->substr(4 + org.size() + 1);
  for (const std::string& bad : {std::string(), std::string("rpt_"), "rpt_" + org + "_", tampered, *token + "x",
                                 "rpt_" + NewId() + "_" + secret, "Bearer " + *token, "rpt_" + org + "!_" + secret,
                                 std::string(300, 'a')}) {
    auto r = Auth::AuthenticateToken(conn(), bad);
    EXPECT_EQ(r.status().code(), Code::kUnauthenticated) << bad;
  }

  auto ids = conn()->Query("SELECT id FROM api_tokens WHERE org_id = ?", {S(org)});
  ASSERT_TRUE(ids.ok());
  ASSERT_EQ(ids->size(), 1u);
  std::string token_id = Text(ids->rows[0][0]);
  RP_ASSERT_OK(Auth::RevokeToken(conn(), token_id));
  EXPECT_EQ(Auth::AuthenticateToken(conn(), *token).status().code(), Code::kUnauthenticated);
  EXPECT_EQ(Auth::RevokeToken(conn(), token_id).code(), Code::kNotFound);

  // A deactivated or deleted user's token stops working.
  auto second = Auth::CreateToken(conn(), "boss@example.com", "");
  ASSERT_TRUE(second.ok());
  RP_ASSERT_OK(Auth::AuthenticateToken(conn(), *second));
  RP_ASSERT_OK(RecordStore::Update(conn(), op, Std("users"), boss, {{"active", I(0)}}, std::nullopt));
  EXPECT_EQ(Auth::AuthenticateToken(conn(), *second).status().code(), Code::kUnauthenticated);
  RP_ASSERT_OK(RecordStore::Update(conn(), op, Std("users"), boss, {{"active", I(1)}}, std::nullopt));
  RP_ASSERT_OK(Auth::AuthenticateToken(conn(), *second));
  RP_ASSERT_OK(RecordStore::SetDeleted(conn(), op, Std("users"), boss, true, std::nullopt));
  EXPECT_EQ(Auth::AuthenticateToken(conn(), *second).status().code(), Code::kUnauthenticated);
  EXPECT_EQ(Auth::CreateToken(conn(), "boss@example.com", "").status().code(), Code::kNotFound);
  EXPECT_EQ(Auth::CreateToken(conn(), "nobody@example.com", "").status().code(), Code::kNotFound);
}

TEST_P(AuthTest, LoginOpensASessionAndWrongPasswordIsDelayed) {
  FixedClock clock(WallMillis());
  Clock::Set(&clock);
  auto init = InitOrganisation(conn(), "Acme", "admin@example.com");
  ASSERT_TRUE(init.ok()) << init.status().ToString();
  LoginOptions opts;
  opts.session_seconds = 60;

  int delay = -1;
  auto wrong = Auth::Login(conn(), "admin@example.com", init->password + "x", "198.51.100.1", "", &delay, opts);
  EXPECT_EQ(wrong.status().code(), Code::kUnauthenticated) << wrong.status().ToString();
  EXPECT_GT(delay, 0);

  auto ok = Auth::Login(conn(), "ADMIN@Example.com", init->password, "198.51.100.1", "", &delay, opts);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(delay, 0);
  EXPECT_EQ(ok->session_token.rfind(init->org_id + ".", 0), 0u);
  EXPECT_FALSE(ok->csrf_token.empty());
  EXPECT_EQ(ok->expires_in_s, 60);
  EXPECT_EQ(ok->principal.scope.org_id(), init->org_id);
  EXPECT_EQ(ok->principal.scope.user_id(), init->admin_id);
  EXPECT_TRUE(ok->principal.scope.is_admin());
  EXPECT_TRUE(ok->principal.via_session);
  EXPECT_EQ(ok->principal.csrf_token, ok->csrf_token);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM sessions WHERE token_hash = ?", {S(Sha256Hex(ok->session_token))}), 1);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM login_attempts WHERE attempt_key = ?", {S("email:admin@example.com")}), 0)
      << "a successful login forgets the email's failures";
  auto last_login = conn()->Query("SELECT last_login_at FROM users WHERE id = ?", {S(init->admin_id)});
  ASSERT_TRUE(last_login.ok());
  EXPECT_EQ(Text(last_login->rows.at(0).at(0)), NowIso());

  auto s = Auth::AuthenticateSession(conn(), ok->session_token);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_TRUE(s->via_session);
  EXPECT_EQ(s->session_id, ok->principal.session_id);
  EXPECT_EQ(s->csrf_token, ok->csrf_token);
  EXPECT_EQ(s->scope.user_id(), init->admin_id);
  std::string tampered = ok->session_token;
  tampered.back() = tampered.back() == 'A' ? 'B' : 'A';
  for (const std::string& bad : {tampered, std::string("garbage"), std::string("."), ok->csrf_token}) {
    EXPECT_EQ(Auth::AuthenticateSession(conn(), bad).status().code(), Code::kUnauthenticated) << bad;
  }

  // Sessions end when they expire...
  clock.Advance(59 * 1000);
  RP_EXPECT_OK(Auth::AuthenticateSession(conn(), ok->session_token));
  clock.Advance(2 * 1000);
  EXPECT_EQ(Auth::AuthenticateSession(conn(), ok->session_token).status().code(), Code::kUnauthenticated);
  // ...and on logout.
  RP_ASSERT_OK(Auth::Logout(conn(), *s));
  EXPECT_EQ(QueryInt("SELECT count(*) FROM sessions WHERE org_id = ?", {S(init->org_id)}), 0);
}

TEST_P(AuthTest, LoginLocksAfterMaxFailuresEvenWithTheRightPassword) {
  FixedClock clock(WallMillis());
  Clock::Set(&clock);
  auto init = InitOrganisation(conn(), "Acme", "admin@example.com");
  ASSERT_TRUE(init.ok()) << init.status().ToString();
  LoginOptions opts;
  opts.max_failures_per_email = 3;
  opts.max_failures_per_ip = 100;
  opts.window_seconds = 600;
  opts.lock_seconds = 60;
  const std::string email = "admin@example.com";
  auto fail = [&](int want_delay) {
    int delay = -1;
    auto r = Auth::Login(conn(), email, "wrong password", "203.0.113.5", "", &delay, opts);
    EXPECT_EQ(r.status().code(), Code::kUnauthenticated) << r.status().ToString();
    EXPECT_EQ(delay, want_delay) << "the delay grows with each failure";
  };

  // Failures older than the window are forgotten.
  fail(250);
  fail(500);
  clock.Advance(601 * 1000);
  fail(250);
  fail(500);
  fail(750);  // the third failure in the window locks the email

  int delay = -1;
  auto locked = Auth::Login(conn(), email, init->password, "203.0.113.5", "", &delay, opts);
  EXPECT_EQ(locked.status().code(), Code::kRateLimited) << locked.status().ToString();
  EXPECT_NE(locked.status().message().find("60 seconds"), std::string::npos) << locked.status().message();
  auto elsewhere = Auth::Login(conn(), email, init->password, "192.0.2.99", "", &delay, opts);
  EXPECT_EQ(elsewhere.status().code(), Code::kRateLimited) << "the lock is on the email, from any address";
  clock.Advance(59 * 1000);
  EXPECT_EQ(Auth::Login(conn(), email, init->password, "203.0.113.5", "", &delay, opts).status().code(),
            Code::kRateLimited);

  clock.Advance(2 * 1000);
  auto ok = Auth::Login(conn(), email, init->password, "203.0.113.5", "", &delay, opts);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(delay, 0);
}

TEST_P(AuthTest, LoginLocksAClientAddressAfterMaxFailures) {
  auto init = InitOrganisation(conn(), "Acme", "admin@example.com");
  ASSERT_TRUE(init.ok()) << init.status().ToString();
  LoginOptions opts;
  opts.max_failures_per_email = 100;
  opts.max_failures_per_ip = 2;
  int delay = -1;
  // Unknown emails count against the address (and take the same path).
  for (const char* who : {"nobody1@example.com", "nobody2@example.com"}) {
    auto r = Auth::Login(conn(), who, "whatever", "192.0.2.7", "", &delay, opts);
    EXPECT_EQ(r.status().code(), Code::kUnauthenticated) << r.status().ToString();
    EXPECT_GT(delay, 0);
  }
  auto locked = Auth::Login(conn(), "admin@example.com", init->password, "192.0.2.7", "", &delay, opts);
  EXPECT_EQ(locked.status().code(), Code::kRateLimited) << locked.status().ToString();
  auto other = Auth::Login(conn(), "admin@example.com", init->password, "192.0.2.8", "", &delay, opts);
  EXPECT_TRUE(other.ok()) << other.status().ToString();
}

INSTANTIATE_TEST_SUITE_P(Backends, RecordsTest, testing::Values(Backend::kSqlite, Backend::kPostgres),
                         BackendParamName);
INSTANTIATE_TEST_SUITE_P(Backends, VisibilityTest, testing::Values(Backend::kSqlite, Backend::kPostgres),
                         BackendParamName);
INSTANTIATE_TEST_SUITE_P(Backends, ListTest, testing::Values(Backend::kSqlite, Backend::kPostgres), BackendParamName);
INSTANTIATE_TEST_SUITE_P(Backends, PagingTest, testing::Values(Backend::kSqlite, Backend::kPostgres),
                         BackendParamName);
INSTANTIATE_TEST_SUITE_P(Backends, AuthTest, testing::Values(Backend::kSqlite, Backend::kPostgres), BackendParamName);

}  // namespace
}  // namespace rapport
