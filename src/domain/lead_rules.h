// Field conditions and rule-based scoring of leads (and opportunities).
//
// A condition is one filter of the list API (`field:op:value`, the same
// operators with the same meaning: eq ne lt lte gt gte in not_in contains
// starts_with is_null) evaluated in memory against a record's values instead
// of in SQL. Scoring rules add points when their condition holds, or when the
// record had an activity (of a type) within the last N days; the score is the
// sum and the explanation lists every rule that fired with its points.
//
// Semantics follow the SQL the list API runs: a null value matches nothing but
// is_null (so `country:ne:US` does not match a lead without a country); eq,
// ne, in and not_in compare text exactly and numbers numerically; lt..gte
// compare numbers numerically and text (dates, postcodes) by bytes; contains
// and starts_with ignore ASCII case. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "meta/value.h"

namespace rapport {

enum class MatchOp { kEq, kNe, kLt, kLte, kGt, kGte, kIn, kNotIn, kContains, kStartsWith, kIsNull };
bool ParseMatchOp(const std::string& name, MatchOp* out);
const char* MatchOpName(MatchOp op);
// "eq, ne, lt, lte, gt, gte, in, not_in, contains, starts_with, is_null" (for messages).
const char* MatchOpList();

struct Condition {
  std::string field;
  MatchOp op = MatchOp::kEq;
  std::vector<Value> values;  // typed like the field; several for in/not_in; is_null: int 1 (null) / 0 (set)
  std::string Describe() const;  // "country in FR,BE"
};

// A record's stored value of a field (null when absent).
using FieldGetter = std::function<Value(const std::string& field)>;

bool Matches(const Condition& c, const Value& actual);
bool MatchesAll(const std::vector<Condition>& conditions, const FieldGetter& get);

struct ScoringRule {
  std::string id, name;
  std::optional<Condition> condition;  // a field rule
  int activity_within_days = 0;        // > 0: an activity rule
  std::string activity_type;           // "" = any type
  double points = 0;
  std::string Describe() const;  // what it checks, for explanations
};

// When the record's activities last happened (epoch ms; absent = never).
struct ActivityFacts {
  std::map<std::string, int64_t> last_by_type;
  int64_t last_any = 0;  // 0 = no activity
};

struct FiredRule {
  std::string id, name, why;
  double points = 0;
};

struct ScoreResult {
  double total = 0;
  std::vector<FiredRule> fired;  // in rule order
  // {"total": 30, "rules": [{"id", "name", "points", "why", "text"}]}
  nlohmann::json Explanation(const std::string& scored_at) const;
};

ScoreResult ScoreRecord(const std::vector<ScoringRule>& rules, const FieldGetter& get, const ActivityFacts& acts,
                        int64_t now_ms);

// Auto-qualification: a lead in status new or working whose score reaches
// the threshold (when one is set) becomes qualified.
bool ShouldAutoQualify(double score, std::optional<double> threshold, const std::string& status);

}  // namespace rapport
