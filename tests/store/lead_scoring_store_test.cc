// Enrichment, scoring and assignment against every backend: the retrain job
// runs and stores a model that scores open deals; the scheduler schedules
// before it runs; an import enriches, scores and assigns with data loaded
// once; an overdue first response is escalated by reassignment.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "app/assignment.h"
#include "app/enrichment.h"
#include "app/import.h"
#include "app/org.h"
#include "app/predictive.h"
#include "app/records_service.h"
#include "app/settings.h"
#include "base/ids.h"
#include "base/time.h"
#include "domain/predictive.h"
#include "jobs/lead_jobs.h"
#include "org_fixture.h"
#include "store/metadata.h"
#include "store/schema.h"

namespace rapport {
namespace {

using namespace testsupport;  // NOLINT
using nlohmann::json;

class LeadScoringStoreTest : public OrgFixture {
 protected:
  void SetUp() override {
    OrgFixture::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
  }
  void TearDown() override {
    for (const auto& f : files_) std::filesystem::remove(f);
    BackendFixture::TearDown();
  }
  std::string File(const std::string& content) {
    std::string path = ::testing::TempDir() + "rapport_leadscore_" + std::to_string(getpid()) + "_" + RandomHex(8) + ".csv";
    std::ofstream(path, std::ios::binary) << content;
    files_.push_back(path);
    return path;
  }
  Record Create(const std::string& object, const json& body) {
    auto r = RecordService::Create(conn(), *scope_, *cat_, *cat_->Find(object), body);
    EXPECT_TRUE(r.ok()) << object << " " << body.dump() << ": " << r.status().ToString();
    return r.ok() ? *r : Record{};
  }
  std::string Id(const std::string& object, const Record& r) { return ValueToString(r.Get(*cat_->Find(object), "id")); }
  std::string StageOfKind(const std::string& kind) {
    auto r = conn()->Query("SELECT id FROM stages WHERE org_id = ? AND kind = ? ORDER BY position LIMIT 1",
                           {Value{org_}, Value{kind}});
    EXPECT_TRUE(r.ok() && !r->empty());
    return r.ok() && !r->empty() ? ValueToString(r->rows[0][0]) : "";
  }

  std::vector<std::string> files_;
};

TEST_P(LeadScoringStoreTest, RetrainJobStoresAModelThatScoresOpenDeals) {
  std::string won = StageOfKind("won"), lost = StageOfKind("lost");
  std::string big = Id("accounts", Create("accounts", {{"name", "Big"}, {"industry", "finance"}, {"employees", 5000}}));
  std::string small = Id("accounts", Create("accounts", {{"name", "Small"}, {"industry", "retail"}, {"employees", 12}}));
  SplitMix64 rng(9);
  for (int i = 0; i < 160; ++i) {
    bool enterprise = i % 2 == 0;
    bool win = enterprise ? rng.Unit() < 0.85 : rng.Unit() < 0.15;
    Create("opportunities", {{"name", "Deal " + std::to_string(i)},
                             {"account_id", enterprise ? big : small},
                             {"amount", enterprise ? 40000 + 100 * i : 300 + i},
                             {"stage_id", win ? won : lost},
                             {"close_reason", win ? "product_fit" : "price"}});
  }
  std::string open = Id("opportunities", Create("opportunities", {{"name", "Open"}, {"account_id", big}, {"amount", 50000}}));

  JobScheduler jobs(store_.get());
  AddLeadJobs(&jobs);
  auto runs = jobs.RunNow(conn(), "retrain", Clock::Get().NowMillis());
  RP_ASSERT_OK(runs);
  ASSERT_EQ(runs->size(), 1u);
  EXPECT_TRUE((*runs)[0].ok) << (*runs)[0].message;
  EXPECT_NE((*runs)[0].message.find("opportunities: AUC"), std::string::npos) << (*runs)[0].message;
  EXPECT_NE((*runs)[0].message.find("leads: skipped"), std::string::npos) << (*runs)[0].message;
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM score_models WHERE object = 'opportunities' AND active = 1"), 1);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM job_runs WHERE job = 'retrain' AND status = 'ok'"), 1);
  auto deal = RecordStore::Get(conn(), *scope_, *cat_->Find("opportunities"), open);
  RP_ASSERT_OK(deal);
  const Value& p = deal->Get(*cat_->Find("opportunities"), "predicted_score");
  ASSERT_FALSE(IsNull(p));
  EXPECT_GT(std::get<double>(p), 50);
  json factors = json::parse(ValueToString(deal->Get(*cat_->Find("opportunities"), "predicted_factors")));
  EXPECT_EQ(factors["factors"].size(), 3u);
  // A new deal is scored as it is created.
  Record fresh = Create("opportunities", {{"name", "Fresh"}, {"account_id", small}, {"amount", 400}});
  const Value& q = fresh.Get(*cat_->Find("opportunities"), "predicted_score");
  ASSERT_FALSE(IsNull(q));
  EXPECT_LT(std::get<double>(q), 50);
}

TEST_P(LeadScoringStoreTest, SchedulerSchedulesFirstThenRunsWhenDue) {
  JobScheduler jobs(store_.get());
  AddLeadJobs(&jobs);
  int64_t now = Clock::Get().NowMillis();
  auto first = jobs.RunDue(conn(), now);
  RP_ASSERT_OK(first);
  EXPECT_TRUE(first->empty());  // scheduled, not run
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM job_runs WHERE next_run_at IS NOT NULL"), 2);
  auto later = jobs.RunDue(conn(), now + 2 * 60 * 1000);
  RP_ASSERT_OK(later);
  ASSERT_EQ(later->size(), 1u);  // escalation (every minute); retrain waits a day
  EXPECT_EQ((*later)[0].job, "escalation");
  auto next_day = jobs.RunDue(conn(), now + 25 * 3600 * 1000LL);
  RP_ASSERT_OK(next_day);
  ASSERT_EQ(next_day->size(), 2u);
  // Retraining can be switched off.
  RP_ASSERT_OK(SetSetting(conn(), *scope_, "predictive_retrain_hours", "0"));
  RP_ASSERT_OK(conn()->Exec("UPDATE job_runs SET next_run_at = NULL WHERE job = 'retrain'"));
  auto off = jobs.RunDue(conn(), now + 50 * 3600 * 1000LL);
  RP_ASSERT_OK(off);
  for (const auto& r : *off) EXPECT_NE(r.job, "retrain");
}

TEST_P(LeadScoringStoreTest, ImportEnrichesScoresAndAssigns) {
  std::string ref = File("domain,name,industry,employees,country\nacme.com,Acme Corporation,Manufacturing,2822,US\n"
                         "globex.com,Globex,Energy,120,DE\nnot a domain,Broken,X,1,FR\n");
  auto loaded = LoadCompanyReference(conn(), *scope_, ref, "ref.csv", true);
  RP_ASSERT_OK(loaded);
  EXPECT_EQ(loaded->loaded, 2);
  EXPECT_EQ(loaded->skipped, 1);
  std::string team = Id("teams", Create("teams", {{"name", "Inside sales"}}));
  std::string a = Id("users", Create("users", {{"name", "A"}, {"email", "a@x.com"}, {"team_id", team}}));
  std::string b = Id("users", Create("users", {{"name", "B"}, {"email", "b@x.com"}, {"team_id", team}}));
  Create("scoring_rules", {{"name", "Manufacturing"}, {"field", "industry"}, {"operator", "eq"}, {"value", "Manufacturing"},
                           {"points", 30}});
  Create("scoring_rules", {{"name", "Big"}, {"field", "employees"}, {"operator", "gte"}, {"value", "1000"}, {"points", 5}});
  Create("assignment_rules", {{"name", "Everyone"}, {"strategy", "round_robin"}, {"team_id", team}});
  std::string csv = "last_name,email,company\n";
  for (int i = 0; i < 10; ++i)
    csv += "L" + std::to_string(i) + ",p" + std::to_string(i) + (i % 2 ? "@globex.com" : "@acme.com") + "," +
           (i == 0 ? "Acme Europe" : "") + "\n";
  ImportOptions o;
  o.object = "leads";
  o.file = File(csv);
  auto sum = Importer::Run(conn(), *scope_, *cat_, o);
  RP_ASSERT_OK(sum);
  EXPECT_EQ(sum->counts.created, 10);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM leads WHERE owner_id = ?", {Value{a}}), 5);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM leads WHERE owner_id = ?", {Value{b}}), 5);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM leads WHERE score = 35"), 5);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM leads WHERE score = 0 AND industry = 'Energy'"), 5);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM leads WHERE company = 'Acme Europe'"), 1);  // kept
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM leads WHERE company = 'Acme Corporation'"), 4);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM assignment_log WHERE reason = 'capture'"), 10);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM notifications"), 0);  // no notification per imported row
  auto lead = conn()->Query("SELECT enrichment, employee_band FROM leads WHERE company = 'Acme Europe'");
  RP_ASSERT_OK(lead);
  json enr = json::parse(ValueToString(lead->rows[0][0]));
  EXPECT_EQ(enr["industry"], "company_reference");
  EXPECT_EQ(enr["company_domain"], "email_domain");
  EXPECT_FALSE(enr.contains("company"));
  EXPECT_EQ(ValueToString(lead->rows[0][1]), "1001-5000");
}

TEST_P(LeadScoringStoreTest, OverdueFirstResponseIsReassignedThenNotified) {
  std::string team = Id("teams", Create("teams", {{"name", "Inbound"}, {"manager_id", admin_}}));
  std::string a = Id("users", Create("users", {{"name", "A"}, {"email", "a@x.com"}, {"team_id", team}}));
  std::string b = Id("users", Create("users", {{"name", "B"}, {"email", "b@x.com"}, {"team_id", team}}));
  Create("assignment_rules", {{"name", "Inbound"}, {"strategy", "round_robin"}, {"team_id", team}});
  RP_ASSERT_OK(SetSetting(conn(), *scope_, "first_response_escalation", "reassign"));
  RP_ASSERT_OK(SetSetting(conn(), *scope_, "business_hours", "mon-sun 00:00-24:00"));
  std::string lead = Id("leads", Create("leads", {{"last_name", "Waiting"}}));
  const ObjectDef& leads = *cat_->Find("leads");
  auto got = RecordStore::Get(conn(), *scope_, leads, lead);
  RP_ASSERT_OK(got);
  std::string first_owner = ValueToString(got->Get(leads, "owner_id"));
  EXPECT_EQ(first_owner, a);
  int64_t now = Clock::Get().NowMillis();
  // Not yet due.
  auto early = EscalateOverdueLeads(conn(), org_, *cat_, now + 30 * 60000);
  RP_ASSERT_OK(early);
  EXPECT_EQ(early->reassigned + early->notified, 0);
  auto r = EscalateOverdueLeads(conn(), org_, *cat_, now + 61 * 60000);
  RP_ASSERT_OK(r);
  EXPECT_EQ(r->reassigned, 1);
  got = RecordStore::Get(conn(), *scope_, leads, lead);
  EXPECT_EQ(ValueToString(got->Get(leads, "owner_id")), b);
  EXPECT_EQ(ValueToString(got->Get(leads, "escalation_count")), "1");
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM assignment_log WHERE reason = 'escalation' AND previous_user_id = ?", {Value{a}}), 1);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM notifications WHERE user_id = ? AND kind = 'lead_escalated'", {Value{b}}), 1);
  // Running again at once does nothing: B's clock has just started.
  auto again = EscalateOverdueLeads(conn(), org_, *cat_, now + 62 * 60000);
  RP_ASSERT_OK(again);
  EXPECT_EQ(again->reassigned + again->notified, 0);
  // A first response stops the clock.
  Create("activities", {{"type", "call"}, {"subject", "Called"}, {"related_object", "leads"}, {"related_id", lead}});
  got = RecordStore::Get(conn(), *scope_, leads, lead);
  EXPECT_FALSE(IsNull(got->Get(leads, "first_response_at")));
  auto after = EscalateOverdueLeads(conn(), org_, *cat_, now + 10 * 3600000LL);
  RP_ASSERT_OK(after);
  EXPECT_EQ(after->reassigned + after->notified, 0);
  // Notify mode: the manager hears about an unanswered lead.
  RP_ASSERT_OK(SetSetting(conn(), *scope_, "first_response_escalation", "notify"));
  std::string other = Id("leads", Create("leads", {{"last_name", "Ignored"}}));
  auto n = EscalateOverdueLeads(conn(), org_, *cat_, now + 3 * 3600000LL);
  RP_ASSERT_OK(n);
  EXPECT_EQ(n->notified, 1);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM notifications WHERE user_id = ? AND record_id = ? AND kind = "
                     "'first_response_overdue'",
                     {Value{admin_}, Value{other}}),
            1);
}

INSTANTIATE_TEST_SUITE_P(Backends, LeadScoringStoreTest, testing::Values(Backend::kSqlite, Backend::kPostgres),
                         BackendParamName);

}  // namespace
}  // namespace rapport
