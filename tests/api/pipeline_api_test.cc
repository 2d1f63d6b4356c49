// The sales process on a deal: exit criteria, won/lost reasons, reopening,
// forecast categories and stage history with time in stage.
#include <gtest/gtest.h>

#include "harness.h"

namespace rapport::test {
namespace {

using nlohmann::json;

class PipelineApi : public ServerSuite<PipelineApi> {
 protected:
  void SetUp() override {
    ServerSuite::SetUp();
    json st = api_->Get("/api/v1/stages?sort=position").json()["data"];
    for (auto& s : st) stage_[s["name"].get<std::string>()] = s["id"];
  }
  json Move(const std::string& id, const std::string& stage, json extra = json::object()) {
    json cur = api_->Get("/api/v1/opportunities/" + id).json();
    extra["stage_id"] = stage_[stage];
    auto r = api_->Patch("/api/v1/opportunities/" + id, extra, "\"" + std::to_string(cur["version"].get<int>()) + "\"");
    last_status_ = r.status;
    return r.json();
  }
  std::map<std::string, std::string> stage_;
  int last_status_ = 0;
};

TEST_F(PipelineApi, ExitCriteriaBlockForwardMovesAndNameWhatIsMissing) {
  auto c = api_->Post("/api/v1/opportunities", {{"name", "Criteria deal"}, {"stage_id", stage_["Needs analysis"]}});
  ASSERT_EQ(c.status, 201) << c.body;
  std::string id = c.json()["id"];
  EXPECT_EQ(c.json()["forecast_category"], "pipeline");

  json e = Move(id, "Proposal");
  EXPECT_EQ(last_status_, 422) << e.dump();
  EXPECT_EQ(e["error"]["field"], "amount");
  std::string msg = e["error"]["message"];
  EXPECT_NE(msg.find("amount"), std::string::npos) << msg;
  EXPECT_NE(msg.find("contact_id"), std::string::npos) << msg;
  EXPECT_EQ(api_->Get("/api/v1/opportunities/" + id).json()["stage_id"], stage_["Needs analysis"]);

  // Moving back is always allowed; so is losing the deal (with a reason).
  Move(id, "Qualification");
  EXPECT_EQ(last_status_, 200);
  Move(id, "Needs analysis");
  EXPECT_EQ(last_status_, 200);

  auto contact = api_->Post("/api/v1/contacts", {{"last_name", "Decider"}});
  json ok = Move(id, "Proposal", {{"amount", 25000}, {"contact_id", contact.json()["id"]}});
  ASSERT_EQ(last_status_, 200) << ok.dump();
  EXPECT_EQ(ok["probability"], 60);
  EXPECT_EQ(ok["forecast_category"], "best_case");

  // Proposal needs a held meeting and a close date.
  e = Move(id, "Negotiation");
  EXPECT_EQ(last_status_, 422);
  EXPECT_NE(e["error"]["message"].get<std::string>().find("meeting"), std::string::npos);
  ASSERT_EQ(api_->Post("/api/v1/activities", {{"type", "meeting"}, {"subject", "Demo"}, {"related_object", "opportunities"},
                                              {"related_id", id}, {"done_at", "2026-11-20T10:00:00Z"}}).status, 201);
  ok = Move(id, "Negotiation", {{"close_date", "2026-12-31"}});
  ASSERT_EQ(last_status_, 200) << ok.dump();
  EXPECT_EQ(ok["forecast_category"], "commit");
}

TEST_F(PipelineApi, BlockedMovesCarryMachineReadableDetails) {
  auto c = api_->Post("/api/v1/opportunities", {{"name", "Details deal"}, {"stage_id", stage_["Needs analysis"]}});
  ASSERT_EQ(c.status, 201) << c.body;
  std::string id = c.json()["id"];
  json e = Move(id, "Proposal");
  ASSERT_EQ(last_status_, 422) << e.dump();
  // The message stays for people; details list what is missing for programs.
  EXPECT_EQ(e["error"]["code"], "unprocessable");
  EXPECT_NE(e["error"]["message"].get<std::string>().find("cannot leave 'Needs analysis'"), std::string::npos);
  json d = e["error"]["details"];
  ASSERT_TRUE(d.is_object()) << e.dump();
  EXPECT_EQ(d["missing_fields"], json({"amount", "contact_id"})) << e.dump();
  EXPECT_EQ(d["missing_activities"], json::array()) << e.dump();
  EXPECT_EQ(d["from_stage"], json({"Needs analysis"}));

  auto contact = api_->Post("/api/v1/contacts", {{"last_name", "Details"}});
  ASSERT_EQ(Move(id, "Proposal", {{"amount", 10}, {"contact_id", contact.json()["id"]}})["stage_id"], stage_["Proposal"]);
  e = Move(id, "Negotiation");
  ASSERT_EQ(last_status_, 422);
  EXPECT_EQ(e["error"]["details"]["missing_fields"], json({"close_date"})) << e.dump();
  EXPECT_EQ(e["error"]["details"]["missing_activities"], json({"meeting"})) << e.dump();

  // Won and lost without a reason: the reason is what is missing.
  e = Move(id, "Closed lost");
  ASSERT_EQ(last_status_, 422);
  EXPECT_EQ(e["error"]["field"], "close_reason");
  EXPECT_EQ(e["error"]["details"]["missing_fields"], json({"close_reason"}));
  EXPECT_EQ(e["error"]["details"]["to_kind"], json({"lost"}));
  EXPECT_EQ(api_->Get("/api/v1/opportunities/" + id).json()["stage_id"], stage_["Proposal"]);

  // Other errors keep the plain shape.
  auto bad = api_->Patch("/api/v1/opportunities/" + id, {{"amount", "lots"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_FALSE(bad.json()["error"].contains("details")) << bad.body;
}

TEST_F(PipelineApi, WonAndLostNeedAReasonAndLostDealsReopen) {
  auto c = api_->Post("/api/v1/opportunities", {{"name", "Closing deal"}, {"amount", 900}});
  ASSERT_EQ(c.status, 201);
  std::string id = c.json()["id"];
  json e = Move(id, "Closed lost");
  EXPECT_EQ(last_status_, 422);
  EXPECT_EQ(e["error"]["field"], "close_reason");
  json lost = Move(id, "Closed lost", {{"close_reason", "competitor"}, {"close_reason_text", "Went with Initech"}});
  ASSERT_EQ(last_status_, 200) << lost.dump();
  EXPECT_FALSE(lost["closed_at"].is_null());
  EXPECT_EQ(lost["probability"], 0);
  EXPECT_EQ(lost["forecast_category"], "omitted");
  EXPECT_EQ(api_->Patch("/api/v1/opportunities/" + id, {{"closed_at", "2020-01-01T00:00:00Z"}}).status, 400);

  json reopened = Move(id, "Qualification");
  ASSERT_EQ(last_status_, 200) << reopened.dump();
  EXPECT_TRUE(reopened["closed_at"].is_null());
  EXPECT_TRUE(reopened["close_reason"].is_null());
  EXPECT_EQ(reopened["forecast_category"], "pipeline");

  // The owner may override the forecast category.
  json cur = api_->Get("/api/v1/opportunities/" + id).json();
  auto over = api_->Patch("/api/v1/opportunities/" + id, {{"forecast_category", "commit"}},
                          "\"" + std::to_string(cur["version"].get<int>()) + "\"");
  EXPECT_EQ(over.status, 200);
  EXPECT_EQ(over.json()["forecast_category"], "commit");
}

TEST_F(PipelineApi, StageHistoryRecordsEveryMoveWithAmountAndTimeInStage) {
  auto c = api_->Post("/api/v1/opportunities", {{"name", "History deal"}, {"amount", 100}});
  ASSERT_EQ(c.status, 201);
  std::string id = c.json()["id"];
  Move(id, "Qualification", {{"amount", 200}});
  ASSERT_EQ(last_status_, 200);
  Move(id, "Closed won", {{"close_reason", "price"}});
  ASSERT_EQ(last_status_, 200);
  auto h = api_->Get("/api/v1/opportunities/" + id + "/stage_history");
  ASSERT_EQ(h.status, 200) << h.body;
  json j = h.json();
  json d = j["data"];
  ASSERT_EQ(d.size(), 3u) << d.dump();
  EXPECT_TRUE(d[0]["from_stage_id"].is_null());
  EXPECT_EQ(d[0]["to_stage_id"], stage_["Prospecting"]);
  EXPECT_EQ(d[0]["amount"], 100);
  EXPECT_EQ(d[1]["from_stage_id"], stage_["Prospecting"]);
  EXPECT_EQ(d[1]["amount"], 200);
  EXPECT_EQ(d[1]["probability"], 20);
  EXPECT_EQ(d[2]["to_stage_id"], stage_["Closed won"]);
  EXPECT_FALSE(d[2]["user_id"].is_null());
  for (auto& e : d) EXPECT_GE(e["seconds_in_stage"].get<int64_t>(), 0);
  EXPECT_TRUE(j["closed"].get<bool>());
  EXPECT_GE(j["cycle_seconds"].get<int64_t>(), 0);
  EXPECT_EQ(api_->Get("/api/v1/opportunities/NOPE/stage_history").status, 404);
}

TEST_F(PipelineApi, TwoUsersMovingTheSameDealTheStaleOneGets412) {
  auto c = api_->Post("/api/v1/opportunities", {{"name", "Race"}});
  ASSERT_EQ(c.status, 201);
  std::string id = c.json()["id"];
  auto a = api_->Patch("/api/v1/opportunities/" + id, {{"stage_id", stage_["Qualification"]}}, "\"1\"");
  auto b = api_->Patch("/api/v1/opportunities/" + id, {{"stage_id", stage_["Closed lost"]}, {"close_reason", "timing"}}, "\"1\"");
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(b.status, 412);
  EXPECT_EQ(api_->Get("/api/v1/opportunities/" + id).json()["stage_id"], stage_["Qualification"]);
}

TEST_F(PipelineApi, StageSettingsValidateTheirExitCriteria) {
  auto bad = api_->Patch("/api/v1/stages/" + stage_["Qualification"], {{"required_fields", "amount, shoe_size"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.json()["error"]["field"], "required_fields");
  auto ok = api_->Patch("/api/v1/stages/" + stage_["Qualification"],
                        {{"required_fields", "amount"}, {"required_activities", {"call"}}});
  EXPECT_EQ(ok.status, 200) << ok.body;
  auto undo = api_->Patch("/api/v1/stages/" + stage_["Qualification"], {{"required_fields", nullptr}, {"required_activities", nullptr}});
  EXPECT_EQ(undo.status, 200);
}

}  // namespace
}  // namespace rapport::test
