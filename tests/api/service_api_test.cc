// After the sale: service cases with business-hours targets, organisation
// settings, and the account's health.
#include <gtest/gtest.h>

#include "base/time.h"
#include "harness.h"

namespace rapport::test {
namespace {

using nlohmann::json;

class ServiceApi : public ServerSuite<ServiceApi> {};

TEST_F(ServiceApi, CasesGetDueTimesFirstResponseAndBreachFlags) {
  // Around the clock, so the due times are plain offsets from now.
  auto set = api_->Patch("/api/v1/settings", {{"business_hours", "mon-sun 00:00-24:00"}});
  ASSERT_EQ(set.status, 200) << set.body;
  EXPECT_EQ(set.json()["business_hours"], "mon-sun 00:00-24:00");
  auto acc = api_->Post("/api/v1/accounts", {{"name", "Serviced Ltd"}});
  std::string acc_id = acc.json()["id"];
  auto c = api_->Post("/api/v1/cases", {{"subject", "Cannot sign in"}, {"priority", "urgent"}, {"account_id", acc_id}});
  ASSERT_EQ(c.status, 201) << c.body;
  json k = c.json();
  EXPECT_EQ(k["status"], "new");
  int64_t created = 0, first = 0, resolve = 0;
  auto ms = [](const json& j) {  // minutes since the epoch
    int64_t v = 0;
    EXPECT_TRUE(ParseDateTime(j.get<std::string>(), &v));
    return v / 60000;
  };
  created = ms(k["created_at"]);
  first = ms(k["first_response_due"]);
  resolve = ms(k["resolution_due"]);
  EXPECT_EQ(first - created, 60);
  EXPECT_EQ(resolve - created, 240);
  EXPECT_TRUE(k["first_responded_at"].is_null());

  std::string id = k["id"];
  auto open = api_->Patch("/api/v1/cases/" + id, {{"status", "open"}});
  ASSERT_EQ(open.status, 200);
  EXPECT_FALSE(open.json()["first_responded_at"].is_null());
  auto low = api_->Patch("/api/v1/cases/" + id, {{"priority", "low"}});
  EXPECT_EQ(ms(low.json()["resolution_due"]) - created, 40 * 60);
  auto solved = api_->Patch("/api/v1/cases/" + id, {{"status", "resolved"}});
  ASSERT_EQ(solved.status, 200);
  EXPECT_FALSE(solved.json()["resolved_at"].is_null());
  EXPECT_EQ(solved.json()["sla_breached"], false);
  EXPECT_EQ(api_->Patch("/api/v1/cases/" + id, {{"sla_breached", true}}).status, 400);
  auto reopened = api_->Patch("/api/v1/cases/" + id, {{"status", "open"}});
  EXPECT_TRUE(reopened.json()["resolved_at"].is_null());

  auto bad = api_->Patch("/api/v1/settings", {{"business_hours", "weekdays 9 to 5"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.json()["error"]["field"], "business_hours");
  EXPECT_EQ(api_->Patch("/api/v1/settings", {{"colour", "blue"}}).status, 400);
}

TEST_F(ServiceApi, AccountHealthSummarisesCasesDealsAndContact) {
  auto acc = api_->Post("/api/v1/accounts", {{"name", "Healthy Co"}});
  std::string id = acc.json()["id"];
  ASSERT_EQ(api_->Post("/api/v1/cases", {{"subject", "A"}, {"account_id", id}}).status, 201);
  ASSERT_EQ(api_->Post("/api/v1/opportunities", {{"name", "Open"}, {"account_id", id}, {"amount", 700}, {"close_date", "2027-01-15"}}).status, 201);
  auto contact = api_->Post("/api/v1/contacts", {{"last_name", "Buyer"}, {"account_id", id}});
  ASSERT_EQ(api_->Post("/api/v1/activities", {{"type", "call"}, {"subject", "Check-in"}, {"related_object", "contacts"},
                                              {"related_id", contact.json()["id"]}, {"done_at", "2026-11-02T10:00:00Z"}}).status, 201);
  auto h = api_->Get("/api/v1/accounts/" + id + "/health");
  ASSERT_EQ(h.status, 200) << h.body;
  json j = h.json();
  EXPECT_EQ(j["open_cases"], 1);
  ASSERT_EQ(j["open_pipeline"].size(), 1u) << j.dump();
  EXPECT_EQ(j["open_pipeline"][0]["amount"], 700);
  EXPECT_EQ(j["won_revenue"].size(), 0u) << j.dump();
  EXPECT_EQ(j["next_close_date"], "2027-01-15");
  EXPECT_EQ(j["last_contact_at"], "2026-11-02T10:00:00.000Z");
  EXPECT_EQ(api_->Get("/api/v1/accounts/NOPE/health").status, 404);
}

}  // namespace
}  // namespace rapport::test
