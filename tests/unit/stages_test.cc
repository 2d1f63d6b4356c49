// Stage rules (src/domain/stages.h): pure, no database.
#include "domain/stages.h"

#include <gtest/gtest.h>

namespace rapport {
namespace {

StageInfo Stage(std::string id, double pos, std::string kind = "open", double prob = 10) {
  StageInfo s;
  s.id = id;
  s.name = id;
  s.position = pos;
  s.kind = kind;
  s.probability = prob;
  return s;
}

TEST(StageRulesTest, ExitCriteriaGuardForwardMovesAndWinsOnly) {
  StageInfo a = Stage("a", 1), b = Stage("b", 2), won = Stage("won", 9, "won"), lost = Stage("lost", 10, "lost");
  EXPECT_TRUE(ExitCriteriaApply(a, b));
  EXPECT_FALSE(ExitCriteriaApply(b, a));
  EXPECT_TRUE(ExitCriteriaApply(a, won));
  EXPECT_FALSE(ExitCriteriaApply(a, lost));
  EXPECT_FALSE(ExitCriteriaApply(lost, b)) << "reopening a lost deal is not blocked";
  EXPECT_FALSE(ExitCriteriaApply(a, a));
}

TEST(StageRulesTest, MissingToLeaveListsFieldsAndActivities) {
  StageInfo a = Stage("a", 1);
  a.required_fields = {"amount", "contact_id"};
  a.required_activities = {"meeting", "call"};
  auto gaps = MissingToLeave(a, [](const std::string& f) { return f == "amount"; }, {"call"});
  EXPECT_EQ(gaps.fields, std::vector<std::string>{"contact_id"});
  EXPECT_EQ(gaps.activities, std::vector<std::string>{"meeting"});
  EXPECT_EQ(gaps.Describe(), "missing fields: contact_id; missing activities: meeting");
  EXPECT_TRUE(MissingToLeave(a, [](const std::string&) { return true; }, {"call", "meeting"}).empty());
}

TEST(StageRulesTest, ForecastCategoryDefaults) {
  EXPECT_EQ(DefaultForecastCategory(Stage("w", 1, "won", 100)), "closed");
  EXPECT_EQ(DefaultForecastCategory(Stage("l", 1, "lost", 0)), "omitted");
  EXPECT_EQ(DefaultForecastCategory(Stage("n", 1, "open", 80)), "commit");
  EXPECT_EQ(DefaultForecastCategory(Stage("p", 1, "open", 60)), "best_case");
  EXPECT_EQ(DefaultForecastCategory(Stage("q", 1, "open", 20)), "pipeline");
  StageInfo own = Stage("o", 1, "open", 20);
  own.forecast_category = "commit";
  EXPECT_EQ(DefaultForecastCategory(own), "commit");
}

TEST(StageRulesTest, SplitListTrimsAndDropsEmpties) {
  EXPECT_EQ(SplitList(" amount, contact_id;;close_date ,"), (std::vector<std::string>{"amount", "contact_id", "close_date"}));
  EXPECT_TRUE(SplitList("").empty());
}

}  // namespace
}  // namespace rapport
