// Sales stage rules: when a deal may leave a stage, what it still lacks, and
// the defaults a stage gives a deal. Pure functions, no I/O (ARCHITECTURE.md,
// domain/), so every rule is unit-testable in microseconds.
#pragma once

#include <functional>
#include <set>
#include <string>
#include <vector>

namespace rapport {

struct StageInfo {
  std::string id;
  std::string name;
  std::string kind = "open";  // open | won | lost
  double position = 0;
  double probability = 0;
  std::vector<std::string> required_fields;      // opportunity fields that must be filled to leave
  std::vector<std::string> required_activities;  // activity types that must exist (done) to leave
  std::string forecast_category;                 // empty: derived from kind and probability
};

// What a deal still lacks to leave a stage (empty lists: it may leave).
struct ExitGaps {
  std::vector<std::string> fields;
  std::vector<std::string> activities;
  bool empty() const { return fields.empty() && activities.empty(); }
  // "missing: amount, contact_id; activities: meeting" for the 422 message.
  std::string Describe() const;
};

// Exit criteria guard forward moves: to a later open stage or to a won stage.
// Moving back, or to a lost stage, is always allowed.
bool ExitCriteriaApply(const StageInfo& from, const StageInfo& to);

// The exit criteria of `from` that a deal does not meet. `filled` says if an
// opportunity field has a value (after the change being made); `done_types`
// are the types of its completed activities.
ExitGaps MissingToLeave(const StageInfo& from, const std::function<bool(const std::string&)>& filled,
                        const std::set<std::string>& done_types);

// Forecast category a stage gives a deal: the stage's own if set, else
// closed (won), omitted (lost), commit (>= 80 %), best_case (>= 50 %), pipeline.
std::string DefaultForecastCategory(const StageInfo& stage);

// Splits "a, b,c" into {"a","b","c"} (empty items dropped).
std::vector<std::string> SplitList(const std::string& s);

}  // namespace rapport
