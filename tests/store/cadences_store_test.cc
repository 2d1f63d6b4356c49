// Cadences and renewals against every backend (issue 5,
// docs/decisions/015-cadences-and-renewals.md): applying a cadence creates
// the first step's task for the record's owner; completing it (a normal
// activity update) or skipping schedules the next; one active enrollment per
// record; bad input changes nothing. The renewals job creates one renewal
// deal per won contract (not for lost deals, not twice) in a Renewals
// pipeline it creates once; account health shows the next renewal. A
// recurring task keeps 09:00 in its owner's zone across a DST change.
#include <gtest/gtest.h>

#include "app/cadences.h"
#include "app/org.h"
#include "app/records_service.h"
#include "app/renewals.h"
#include "app/settings.h"
#include "base/ids.h"
#include "base/time.h"
#include "jobs/commitment_jobs.h"
#include "jobs/scheduler.h"
#include "org_fixture.h"
#include "store/metadata.h"
#include "store/schema.h"

namespace rapport {
namespace {

using namespace testsupport;  // NOLINT
using nlohmann::json;

class CadencesStoreTest : public OrgFixture {
 protected:
  void SetUp() override {
    OrgFixture::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    rep_ = Id("users", Create("users", {{"email", "rep@example.com"}, {"name", "Rita Rep"}, {"role", "rep"},
                                       {"time_zone", "Europe/Paris"}}));
    rep_scope_ = std::make_unique<TenantScope>(TenantScope::Make(org_, rep_, Role::kRep, {}));
  }
  void TearDown() override {
    Clock::Set(nullptr);
    BackendFixture::TearDown();
  }
  const ObjectDef& Def(const std::string& o) { return *cat_->Find(o); }
  Record Create(const std::string& object, const json& body) {
    auto r = RecordService::Create(conn(), *scope_, *cat_, Def(object), body);
    EXPECT_TRUE(r.ok()) << object << " " << body.dump() << ": " << r.status().ToString();
    return r.ok() ? *r : Record{};
  }
  std::string Id(const std::string& object, const Record& r) { return ValueToString(r.Get(Def(object), "id")); }
  std::string Cadence(const json& steps, const std::string& name = "Inbound follow-up") {
    auto body = Cadences::PrepareCadenceBody({{"name", name}, {"steps", steps}}, true);
    EXPECT_TRUE(body.ok()) << body.status().ToString();
    return Id("cadences", Create("cadences", *body));
  }
  json Activity(const std::string& id) {
    auto r = RecordStore::Get(conn(), *scope_, Def("activities"), id, /*include_deleted=*/true);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? RecordService::ToJson(Def("activities"), *r) : json();
  }
  json Enrollment(const std::string& id) {
    auto r = RecordStore::Get(conn(), *scope_, Def("cadence_enrollments"), id);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? Cadences::EnrollmentToJson(Def("cadence_enrollments"), *r) : json();
  }
  void Complete(const std::string& activity_id, const TenantScope& s) {
    auto r = RecordService::Update(conn(), s, *cat_, Def("activities"), activity_id, {{"done_at", NowIso()}},
                                   std::nullopt);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  int64_t Count(const std::string& table, const std::string& where = "1 = 1") {
    return QueryInt("SELECT COUNT(*) FROM " + table + " WHERE org_id = ? AND " + where, {Value{org_}});
  }
  std::string StageOfKind(const std::string& kind) {
    auto r = conn()->Query("SELECT s.id FROM stages s JOIN pipelines p ON p.org_id = s.org_id AND p.id = s.pipeline_id "
                           "WHERE s.org_id = ? AND s.kind = ? AND p.is_default = 1 ORDER BY s.position LIMIT 1",
                           {Value{org_}, Value{kind}});
    EXPECT_TRUE(r.ok() && !r->empty());
    return r.ok() && !r->empty() ? ValueToString(r->rows[0][0]) : "";
  }

  std::string rep_;
  std::unique_ptr<TenantScope> rep_scope_;
};

const json kSteps = json::parse(R"([
  {"type": "call", "day": 0, "subject": "Call {{first_name}} at {{company}}", "notes": "Owner: {{owner_name}}"},
  {"type": "email", "day": 2, "subject": "Send the deck to {{name}}"},
  {"type": "meeting", "day": 7, "subject": "Demo"}])");

TEST_P(CadencesStoreTest, ApplyingCreatesFirstTaskAndEachStepSchedulesTheNext) {
  // Friday 2026-10-23 10:00 in Paris: the rep's zone changes to winter time on the 25th.
  int64_t start = 0;
  ParseDateTime("2026-10-23T08:00:00Z", &start);
  FixedClock clock(start);
  Clock::Set(&clock);
  std::string cadence = Cadence(kSteps);
  std::string lead = Id("leads", Create("leads", {{"first_name", "Ada"}, {"last_name", "Lovelace"},
                                                  {"company", "Engines Ltd"}, {"owner_id", rep_}}));
  // The rep applies it to their own lead.
  auto e = Cadences::Enroll(conn(), *rep_scope_, *cat_, cadence, {{"related_object", "leads"}, {"related_id", lead}});
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ((*e)["status"], "active");
  EXPECT_EQ((*e)["owner_id"], rep_);
  EXPECT_EQ((*e)["next_step"]["number"], 1);
  const json& act = (*e)["activity"];
  EXPECT_EQ(act["type"], "call");
  EXPECT_EQ(act["subject"], "Call Ada at Engines Ltd");
  EXPECT_NE(act["description"].get<std::string>().find("Owner: Rita Rep"), std::string::npos);
  EXPECT_EQ(act["owner_id"], rep_);
  EXPECT_EQ(act["related_object"], "leads");
  EXPECT_EQ(act["related_id"], lead);
  EXPECT_EQ(act["due_at"], "2026-10-23T08:00:00.000Z");
  const std::string eid = (*e)["id"];

  // Completing the call through the normal activity update schedules the
  // e-mail, due day 2 from the start at the same Paris time (now winter time).
  clock.Advance(3600 * 1000);
  Complete(act["id"], *rep_scope_);
  json en = Enrollment(eid);
  EXPECT_EQ(en["current_step"], 2);
  EXPECT_EQ(en["steps_completed"], 1);
  json email = Activity(en["current_activity_id"]);
  EXPECT_EQ(email["type"], "email");
  EXPECT_EQ(email["subject"], "Send the deck to Ada Lovelace");
  EXPECT_EQ(email["due_at"], "2026-10-25T09:00:00.000Z");
  EXPECT_EQ(en["next_step"]["due_at"], "2026-10-25T09:00:00.000Z");

  // Skipping the e-mail removes its task (restorable) and schedules the demo, day 7.
  auto sk = Cadences::Skip(conn(), *rep_scope_, *cat_, cadence, eid);
  ASSERT_TRUE(sk.ok()) << sk.status().ToString();
  EXPECT_FALSE(Activity(email["id"])["deleted_at"].is_null());
  EXPECT_EQ((*sk)["current_step"], 3);
  EXPECT_EQ((*sk)["steps_skipped"], 1);
  json demo = Activity((*sk)["current_activity_id"]);
  EXPECT_EQ(demo["type"], "meeting");
  EXPECT_EQ(demo["due_at"], "2026-10-30T09:00:00.000Z");

  // Completing the last step completes the enrollment.
  Complete(demo["id"], *scope_);
  en = Enrollment(eid);
  EXPECT_EQ(en["status"], "completed");
  EXPECT_TRUE(en["next_step"].is_null());
  EXPECT_TRUE(en["current_activity_id"].is_null());
  EXPECT_EQ(en["steps_completed"], 2);
  // Three tasks in all, one of them deleted; every change audited.
  EXPECT_EQ(Count("activities", "related_id = '" + lead + "'"), 3);
  auto h = RecordStore::History(conn(), *scope_, Def("cadence_enrollments"), eid);
  ASSERT_TRUE(h.ok());
  EXPECT_GE(h->size(), 4u);
  // A completed enrollment can no longer be skipped or stopped.
  auto again = Cadences::Stop(conn(), *rep_scope_, *cat_, cadence, eid, "");
  EXPECT_EQ(again.status().code(), Status::Code::kUnprocessable);
}

TEST_P(CadencesStoreTest, OneActiveEnrollmentPerRecordAndCadence) {
  std::string cadence = Cadence(kSteps);
  std::string other = Cadence(kSteps, "Second cadence");
  std::string deal = Id("opportunities", Create("opportunities", {{"name", "Big deal"}, {"owner_id", rep_}}));
  json body = {{"related_object", "opportunities"}, {"related_id", deal}};
  auto first = Cadences::Enroll(conn(), *scope_, *cat_, cadence, body);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ((*first)["activity"]["owner_id"], rep_);  // the deal's owner, not the admin who applied it
  const int64_t acts = Count("activities");
  auto dup = Cadences::Enroll(conn(), *scope_, *cat_, cadence, body);
  EXPECT_EQ(dup.status().code(), Status::Code::kConflict);
  EXPECT_EQ(dup.status().field(), "related_id");
  EXPECT_EQ(Count("activities"), acts);  // nothing created
  // Another cadence on the same deal is fine.
  RP_EXPECT_OK(Cadences::Enroll(conn(), *scope_, *cat_, other, body));
  // Stopped, it may be applied again; the open task went with it.
  auto stop = Cadences::Stop(conn(), *scope_, *cat_, cadence, (*first)["id"], "customer asked for a break");
  ASSERT_TRUE(stop.ok()) << stop.status().ToString();
  EXPECT_EQ((*stop)["status"], "stopped");
  EXPECT_EQ((*stop)["stop_reason"], "customer asked for a break");
  EXPECT_FALSE(Activity((*first)["activity"]["id"])["deleted_at"].is_null());
  RP_EXPECT_OK(Cadences::Enroll(conn(), *scope_, *cat_, cadence, body));
  // The unique index holds even without the check (two servers at once).
  auto raw = RecordStore::Insert(conn(), *scope_, Def("cadence_enrollments"),
                                 {{"cadence_id", Value{cadence}}, {"related_object", Value{std::string("opportunities")}},
                                  {"related_id", Value{deal}}, {"status", Value{std::string("active")}}});
  EXPECT_EQ(raw.status().code(), Status::Code::kConflict);
}

TEST_P(CadencesStoreTest, BadInputIsRefusedByFieldAndChangesNothing) {
  std::string cadence = Cadence(kSteps);
  const int64_t cadences = Count("cadences"), enrollments = Count("cadence_enrollments"), acts = Count("activities");
  auto bad_cadence = [&](const json& steps) {
    auto b = Cadences::PrepareCadenceBody({{"name", "x"}, {"steps", steps}}, true);
    return b.ok() ? std::string("ok") : b.status().field();
  };
  EXPECT_EQ(bad_cadence(json::array()), "steps");
  EXPECT_EQ(bad_cadence(json::parse(R"([{"type": "fax", "day": 0, "subject": "x"}])")), "steps[0].type");
  EXPECT_EQ(bad_cadence(json::parse(R"([{"type": "call", "day": -2, "subject": "x"}])")), "steps[0].day");
  auto no_steps = Cadences::PrepareCadenceBody({{"name", "x"}}, true);
  EXPECT_EQ(no_steps.status().field(), "steps");
  // Stored text that bypasses the API is checked by the object rules too.
  auto direct = RecordService::Create(conn(), *scope_, *cat_, Def("cadences"),
                                      {{"name", "x"}, {"steps", R"([{"type":"fax","day":0,"subject":"x"}])"}});
  EXPECT_EQ(direct.status().field(), "steps[0].type");
  // Reps may not write cadences.
  auto body = Cadences::PrepareCadenceBody({{"name", "mine"}, {"steps", kSteps}}, true);
  auto by_rep = RecordService::Create(conn(), *rep_scope_, *cat_, Def("cadences"), *body);
  EXPECT_EQ(by_rep.status().code(), Status::Code::kPermissionDenied);

  auto enroll = [&](const std::string& cad, const json& b) {
    auto r = Cadences::Enroll(conn(), *rep_scope_, *cat_, cad, b);
    EXPECT_FALSE(r.ok());
    return r.ok() ? std::string("ok") : r.status().field();
  };
  std::string lead = Id("leads", Create("leads", {{"last_name", "Mine"}, {"owner_id", rep_}}));
  std::string admins = Id("leads", Create("leads", {{"last_name", "Not the rep's"}}));
  std::string account = Id("accounts", Create("accounts", {{"name", "Acme"}}));
  EXPECT_EQ(enroll(cadence, {{"related_object", "leads"}, {"related_id", "01NOSUCHLEAD"}}), "related_id");
  EXPECT_EQ(enroll(cadence, {{"related_object", "leads"}, {"related_id", admins}}), "related_id");  // invisible
  EXPECT_EQ(enroll(cadence, {{"related_object", "accounts"}, {"related_id", account}}), "related_object");
  EXPECT_EQ(enroll(cadence, {{"related_id", lead}}), "related_object");
  EXPECT_EQ(enroll(cadence, {{"related_object", "leads"}}), "related_id");
  EXPECT_EQ(enroll(cadence, {{"related_object", "leads"}, {"related_id", lead}, {"day", 3}}), "day");
  auto unknown = Cadences::Enroll(conn(), *rep_scope_, *cat_, "01NOSUCHCADENCE", {{"related_object", "leads"}, {"related_id", lead}});
  EXPECT_EQ(unknown.status().code(), Status::Code::kNotFound);
  // An inactive cadence cannot be applied.
  auto off = RecordService::Update(conn(), *scope_, *cat_, Def("cadences"), cadence, {{"active", false}}, std::nullopt);
  ASSERT_TRUE(off.ok()) << off.status().ToString();
  auto inactive = Cadences::Enroll(conn(), *rep_scope_, *cat_, cadence, {{"related_object", "leads"}, {"related_id", lead}});
  EXPECT_EQ(inactive.status().code(), Status::Code::kUnprocessable);
  EXPECT_EQ(Count("cadences"), cadences);
  EXPECT_EQ(Count("cadence_enrollments"), enrollments);
  EXPECT_EQ(Count("activities"), acts);
}

TEST_P(CadencesStoreTest, DeletingACadenceStopsItsEnrollments) {
  std::string cadence = Cadence(kSteps);
  std::string contact = Id("contacts", Create("contacts", {{"first_name", "Grace"}, {"last_name", "Hopper"}, {"owner_id", rep_}}));
  auto e = Cadences::Enroll(conn(), *scope_, *cat_, cadence, {{"related_object", "contacts"}, {"related_id", contact}});
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  RP_ASSERT_OK(Cadences::DeleteCadence(conn(), *scope_, *cat_, cadence, std::nullopt));
  json en = Enrollment((*e)["id"]);
  EXPECT_EQ(en["status"], "stopped");
  EXPECT_EQ(en["stop_reason"], "cadence deleted");
  EXPECT_FALSE(Activity((*e)["activity"]["id"])["deleted_at"].is_null());
}

TEST_P(CadencesStoreTest, RecurringTaskKeepsNineOClockInTheOwnersZone) {
  // The rep is in Europe/Paris: a weekly 09:00 task before the October change.
  auto t = RecordService::Create(conn(), *scope_, *cat_, Def("activities"),
                                 {{"type", "task"}, {"subject", "Weekly pipeline review"}, {"recurrence", "weekly"},
                                  {"due_at", "2026-10-22T07:00:00Z"}, {"owner_id", rep_}});
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  Complete(Id("activities", *t), *scope_);
  auto next = conn()->Query("SELECT due_at FROM activities WHERE org_id = ? AND subject = ? AND done_at IS NULL",
                            {Value{org_}, Value{std::string("Weekly pipeline review")}});
  ASSERT_TRUE(next.ok() && next->size() == 1);
  EXPECT_EQ(ValueToString(next->rows[0][0]), "2026-10-29T08:00:00.000Z");
  // A user without a zone follows the organisation's time_zone setting.
  RP_ASSERT_OK(SetSetting(conn(), *scope_, "time_zone", "America/New_York"));
  auto u = RecordService::Create(conn(), *scope_, *cat_, Def("activities"),
                                 {{"type", "task"}, {"subject", "Daily stand-up"}, {"recurrence", "daily"},
                                  {"due_at", "2026-10-31T13:00:00Z"}});
  ASSERT_TRUE(u.ok());
  Complete(Id("activities", *u), *scope_);
  next = conn()->Query("SELECT due_at FROM activities WHERE org_id = ? AND subject = ? AND done_at IS NULL",
                       {Value{org_}, Value{std::string("Daily stand-up")}});
  ASSERT_TRUE(next.ok() && next->size() == 1);
  EXPECT_EQ(ValueToString(next->rows[0][0]), "2026-11-01T14:00:00.000Z");
  EXPECT_EQ(SetSetting(conn(), *scope_, "time_zone", "Mars/Base").field(), "time_zone");
}

TEST_P(CadencesStoreTest, RenewalJobCreatesOneRenewalPerWonContract) {
  int64_t now = 0;
  ParseDateTime("2026-11-30T10:00:00Z", &now);
  FixedClock clock(now);
  Clock::Set(&clock);
  std::string won = StageOfKind("won"), lost = StageOfKind("lost");
  std::string account = Id("accounts", Create("accounts", {{"name", "Acme"}, {"owner_id", rep_}}));
  // Won, contract ends in 60 days: due now (default lead time 90 days).
  std::string deal = Id("opportunities", Create("opportunities", {{"name", "Acme 2026"}, {"account_id", account},
                                                                  {"amount", 12000}, {"currency", "EUR"},
                                                                  {"stage_id", won}, {"close_reason", "price"},
                                                                  {"contract_end_date", "2027-01-29"}}));
  // Lost with an end date, won but ending in 200 days, won but already ended: none.
  Create("opportunities", {{"name", "Lost"}, {"account_id", account}, {"stage_id", lost}, {"close_reason", "price"},
                           {"contract_end_date", "2027-01-15"}});
  std::string later = Id("opportunities", Create("opportunities", {{"name", "Later"}, {"account_id", account},
                                                                   {"amount", 500}, {"stage_id", won},
                                                                   {"close_reason", "price"},
                                                                   {"contract_end_date", "2027-06-18"}}));
  Create("opportunities", {{"name", "Ended"}, {"account_id", account}, {"stage_id", won}, {"close_reason", "price"},
                           {"contract_end_date", "2026-11-01"}});
  // Open deal with an end date: not won, none.
  Create("opportunities", {{"name", "Open"}, {"account_id", account}, {"contract_end_date", "2027-01-10"}});
  const int64_t pipelines = Count("pipelines");

  JobScheduler jobs(store_.get());
  AddCommitmentJobs(&jobs);
  auto run = jobs.RunNow(conn(), "renewals", clock.NowMillis());
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  ASSERT_EQ(run->size(), 1u);
  EXPECT_TRUE((*run)[0].ok) << (*run)[0].message;
  EXPECT_EQ((*run)[0].message, "1 renewal deals created");
  EXPECT_EQ(Count("pipelines"), pipelines + 1);
  auto renewal = conn()->Query("SELECT id, name, owner_id, account_id, amount, close_date, pipeline_id, stage_id, "
                               "created_by FROM opportunities WHERE org_id = ? AND renewal_of_id = ?",
                               {Value{org_}, Value{deal}});
  ASSERT_TRUE(renewal.ok() && renewal->size() == 1);
  const auto& r = renewal->rows[0];
  EXPECT_EQ(ValueToString(r[1]), "Renewal: Acme 2026");
  EXPECT_EQ(ValueToString(r[2]), rep_);  // the account's owner
  EXPECT_EQ(ValueToString(r[3]), account);
  EXPECT_EQ(ValueToString(r[4]), "12000");
  EXPECT_EQ(ValueToString(r[5]), "2027-01-29");
  EXPECT_TRUE(IsNull(r[8]));  // created by the system
  auto pipeline = conn()->Query("SELECT name, is_default FROM pipelines WHERE org_id = ? AND id = ?", {Value{org_}, r[6]});
  ASSERT_TRUE(pipeline.ok() && pipeline->size() == 1);
  EXPECT_EQ(ValueToString(pipeline->rows[0][0]), "Renewals");
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM stages WHERE org_id = ? AND pipeline_id = ?", {Value{org_}, r[6]}), 4);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM stage_history WHERE org_id = ? AND opportunity_id = ?", {Value{org_}, r[0]}), 1);
  auto back = RecordStore::Get(conn(), *scope_, Def("opportunities"), deal);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(ValueToString(back->Get(Def("opportunities"), "renewal_opportunity_id")), ValueToString(r[0]));
  auto settings = LoadSettings(conn(), org_);
  ASSERT_TRUE(settings.ok());
  EXPECT_EQ(settings->renewal_pipeline_id, ValueToString(r[6]));

  // Again, and a day later: nothing new. Renamed, the pipeline is still the one used.
  auto again = jobs.RunNow(conn(), "renewals", clock.NowMillis() + 86400000);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)[0].message, "0 renewal deals created");
  EXPECT_EQ(Count("opportunities", "renewal_of_id IS NOT NULL"), 1);
  // The unique index refuses a second renewal of the same deal outright.
  auto second = RecordStore::Insert(conn(), *scope_, Def("opportunities"),
                                    {{"name", Value{std::string("dup")}}, {"renewal_of_id", Value{deal}}});
  EXPECT_EQ(second.status().code(), Status::Code::kConflict);

  // Account health: the next contract to end, with its renewal's amount.
  auto health = RecordService::AccountHealth(conn(), *scope_, *cat_, account);
  ASSERT_TRUE(health.ok()) << health.status().ToString();
  const json& nr = (*health)["next_renewal"];
  EXPECT_EQ(nr["date"], "2027-01-29");
  EXPECT_EQ(nr["amount"], 12000);
  EXPECT_EQ(nr["currency"], "EUR");
  EXPECT_EQ(nr["opportunity_id"], deal);
  EXPECT_EQ(nr["renewal_opportunity_id"], ValueToString(r[0]));

  // With a 200-day lead time the later contract is due too, in the same pipeline.
  RP_ASSERT_OK(SetSetting(conn(), *scope_, "renewal_lead_days", "200"));
  EXPECT_EQ(SetSetting(conn(), *scope_, "renewal_lead_days", "0").field(), "renewal_lead_days");
  auto third = jobs.RunNow(conn(), "renewals", clock.NowMillis());
  ASSERT_TRUE(third.ok());
  EXPECT_EQ((*third)[0].message, "1 renewal deals created");
  EXPECT_EQ(Count("pipelines"), pipelines + 1);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM opportunities WHERE org_id = ? AND renewal_of_id = ?", {Value{org_}, Value{later}}), 1);
}

TEST_P(CadencesStoreTest, AnExistingRenewalsPipelineIsUsed) {
  std::string mine = Id("pipelines", Create("pipelines", {{"name", "renewals"}}));
  Create("stages", {{"pipeline_id", mine}, {"name", "Due"}, {"position", 1}, {"probability", 50}});
  auto p = Renewals::EnsurePipeline(conn(), org_, *cat_);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(*p, mine);
  EXPECT_EQ(Count("pipelines", "lower(name) = 'renewals'"), 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, CadencesStoreTest, testing::Values(Backend::kSqlite, Backend::kPostgres),
                         BackendParamName);

}  // namespace
}  // namespace rapport
