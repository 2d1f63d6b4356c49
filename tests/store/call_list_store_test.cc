// The telemarketing call list against every backend (issue 4): members whose
// call found nobody come back after the organisation's retry delay, until
// they have had the maximum number of attempts; then they drop out.
#include <gtest/gtest.h>

#include "app/campaigns.h"
#include "app/org.h"
#include "app/records_service.h"
#include "app/settings.h"
#include "base/ids.h"
#include "base/time.h"
#include "org_fixture.h"
#include "store/metadata.h"
#include "store/schema.h"

namespace rapport {
namespace {

using namespace testsupport;  // NOLINT
using nlohmann::json;

constexpr int64_t kHour = 3600000;

class CallListStoreTest : public OrgFixture {
 protected:
  void SetUp() override {
    OrgFixture::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    Clock::Set(&clock_);
  }
  void TearDown() override {
    Clock::Set(nullptr);
    BackendFixture::TearDown();
  }
  std::string Create(const std::string& object, const json& body) {
    auto r = RecordService::Create(conn(), *scope_, *cat_, *cat_->Find(object), body);
    EXPECT_TRUE(r.ok()) << object << " " << body.dump() << ": " << r.status().ToString();
    return r.ok() ? ValueToString(r->Get(*cat_->Find(object), "id")) : "";
  }
  json Next(const std::string& campaign) {
    auto r = Campaigns::NextCall(conn(), *scope_, *cat_, campaign);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : json();
  }
  // Takes the next member, checks it is `lead`, logs `outcome`.
  void Call(const std::string& campaign, const std::string& lead, const std::string& outcome) {
    json n = Next(campaign);
    ASSERT_FALSE(n["member"].is_null()) << "expected " << lead << ", got nobody: " << n.dump();
    ASSERT_EQ(n["person"]["id"], lead) << n.dump();
    CallOutcomeRequest req;
    req.outcome = outcome;
    auto r = Campaigns::LogCall(conn(), *scope_, *cat_, campaign, n["member"]["id"], req);
    RP_ASSERT_OK(r);
  }

  FixedClock clock_{1798761600000};  // 2027-01-01T00:00:00Z
};

TEST_P(CallListStoreTest, NoAnswerComesBackAfterTheRetryDelayUntilTheAttemptsRunOut) {
  std::string campaign = Create("campaigns", {{"name", "Blitz"}, {"channel", "telemarketing"}});
  std::string a = Create("leads", {{"last_name", "Absent"}, {"phone", "+44 20 7946 0101"}});
  std::string b = Create("leads", {{"last_name", "Busy"}, {"phone", "+44 20 7946 0102"}});
  std::string c = Create("leads", {{"last_name", "Cheerful"}, {"phone", "+44 20 7946 0103"}});
  RP_ASSERT_OK(Campaigns::AddMembers(conn(), *scope_, *cat_, campaign, {a, b, c}, {}, ""));

  // Defaults: retry after 4 hours, 3 attempts.
  auto settings = LoadSettings(conn(), scope_->org_id());
  RP_ASSERT_OK(settings);
  EXPECT_EQ(settings->call_retry_hours, 4);
  EXPECT_EQ(settings->call_max_attempts, 3);

  Call(campaign, a, "no_answer");
  Call(campaign, b, "voicemail");
  Call(campaign, c, "reached");
  json none = Next(campaign);
  EXPECT_TRUE(none["member"].is_null()) << none.dump();
  EXPECT_EQ(none["remaining"], 0);
  EXPECT_EQ(none["retry_later"], 2) << "the no-answer and the voicemail wait for their retry";
  EXPECT_EQ(none["next_retry_at"], "2027-01-01T04:00:00.000Z");

  clock_.Advance(4 * kHour - 1);
  EXPECT_TRUE(Next(campaign)["member"].is_null()) << "not before the delay";
  clock_.Advance(1);
  // The oldest try first; the reached lead never comes back.
  Call(campaign, a, "no_answer");
  Call(campaign, b, "no_answer");
  EXPECT_TRUE(Next(campaign)["member"].is_null());

  clock_.Advance(4 * kHour);
  Call(campaign, a, "no_answer");  // a's third and last attempt
  Call(campaign, b, "not_interested");
  json out = Next(campaign);
  EXPECT_TRUE(out["member"].is_null());
  EXPECT_EQ(out["retry_later"], 0) << "three attempts: dropped out";
  clock_.Advance(48 * kHour);
  out = Next(campaign);
  EXPECT_TRUE(out["member"].is_null()) << out.dump();
  EXPECT_EQ(out["remaining"], 0);
  auto m = conn()->Query("SELECT call_count FROM campaign_members WHERE org_id = ? AND member_id = ?",
                         {Value{scope_->org_id()}, Value{a}});
  RP_ASSERT_OK(m);
  ASSERT_FALSE(m->empty());
  EXPECT_EQ(ValueToString(m->rows[0][0]).substr(0, 1), "3");
}

TEST_P(CallListStoreTest, RetryDelayAndAttemptsAreOrganisationSettings) {
  RP_ASSERT_OK(SetSetting(conn(), *scope_, "call_retry_hours", "1"));
  RP_ASSERT_OK(SetSetting(conn(), *scope_, "call_max_attempts", "2"));
  EXPECT_EQ(SetSetting(conn(), *scope_, "call_retry_hours", "0").field(), "call_retry_hours");
  EXPECT_EQ(SetSetting(conn(), *scope_, "call_max_attempts", "lots").field(), "call_max_attempts");
  TenantScope rep = TenantScope::Make(scope_->org_id(), "someone", Role::kRep, {});
  EXPECT_EQ(SetSetting(conn(), rep, "call_retry_hours", "2").code(), Status::Code::kPermissionDenied);
  auto settings = LoadSettings(conn(), scope_->org_id());
  RP_ASSERT_OK(settings);
  EXPECT_EQ(settings->call_retry_hours, 1);
  EXPECT_EQ(settings->call_max_attempts, 2);

  std::string campaign = Create("campaigns", {{"name", "Quick"}, {"channel", "telemarketing"}});
  std::string a = Create("leads", {{"last_name", "Again"}, {"phone", "+44 20 7946 0201"}});
  RP_ASSERT_OK(Campaigns::AddMembers(conn(), *scope_, *cat_, campaign, {a}, {}, ""));
  Call(campaign, a, "no_answer");
  EXPECT_TRUE(Next(campaign)["member"].is_null());
  clock_.Advance(kHour);
  Call(campaign, a, "no_answer");
  clock_.Advance(10 * kHour);
  EXPECT_TRUE(Next(campaign)["member"].is_null()) << "two attempts with max 2";
}

INSTANTIATE_TEST_SUITE_P(Backends, CallListStoreTest, testing::Values(Backend::kSqlite, Backend::kPostgres),
                         BackendParamName);

}  // namespace
}  // namespace rapport
