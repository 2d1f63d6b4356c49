#include "domain/lead_rules.h"

#include <cmath>

namespace rapport {

namespace {

struct OpName {
  MatchOp op;
  const char* name;
};
constexpr OpName kOps[] = {{MatchOp::kEq, "eq"},         {MatchOp::kNe, "ne"},
                           {MatchOp::kLt, "lt"},         {MatchOp::kLte, "lte"},
                           {MatchOp::kGt, "gt"},         {MatchOp::kGte, "gte"},
                           {MatchOp::kIn, "in"},         {MatchOp::kNotIn, "not_in"},
                           {MatchOp::kContains, "contains"}, {MatchOp::kStartsWith, "starts_with"},
                           {MatchOp::kIsNull, "is_null"}};

bool Numeric(const Value& v, double* out) {
  if (auto* i = std::get_if<int64_t>(&v)) {
    *out = static_cast<double>(*i);
    return true;
  }
  if (auto* d = std::get_if<double>(&v)) {
    *out = *d;
    return true;
  }
  return false;
}

std::string Lower(const std::string& s) {
  std::string out = s;
  for (auto& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// <0, 0, >0 like strcmp; numbers numerically when both are numbers.
int Compare(const Value& a, const Value& b) {
  double x = 0, y = 0;
  if (Numeric(a, &x) && Numeric(b, &y)) return x < y ? -1 : x > y ? 1 : 0;
  std::string s = ValueToString(a), t = ValueToString(b);
  return s < t ? -1 : s > t ? 1 : 0;
}

bool IsEmpty(const Value& v) {
  if (IsNull(v)) return true;
  const std::string* s = AsText(v);
  return s && s->empty();
}

std::string FormatPoints(double p) {
  char buf[32];
  if (std::floor(p) == p && std::fabs(p) < 1e15) std::snprintf(buf, sizeof buf, "%+.0f", p);
  else std::snprintf(buf, sizeof buf, "%+.2f", p);
  return buf;
}

}  // namespace

bool ParseMatchOp(const std::string& name, MatchOp* out) {
  for (const auto& o : kOps) {
    if (name == o.name) {
      *out = o.op;
      return true;
    }
  }
  return false;
}

const char* MatchOpName(MatchOp op) {
  for (const auto& o : kOps) {
    if (o.op == op) return o.name;
  }
  return "eq";
}

const char* MatchOpList() { return "eq, ne, lt, lte, gt, gte, in, not_in, contains, starts_with, is_null"; }

std::string Condition::Describe() const {
  std::string out = field + " " + MatchOpName(op);
  if (op == MatchOp::kIsNull) return field + (values.empty() || Compare(values[0], Value{int64_t{1}}) == 0 ? " is empty" : " is set");
  out += " ";
  for (size_t i = 0; i < values.size(); ++i) out += (i ? "," : "") + ValueToString(values[i]);
  return out;
}

bool Matches(const Condition& c, const Value& actual) {
  if (c.op == MatchOp::kIsNull) {
    bool want_null = c.values.empty() || Compare(c.values[0], Value{int64_t{0}}) != 0;
    return IsEmpty(actual) == want_null;
  }
  if (IsNull(actual)) return false;
  switch (c.op) {
    case MatchOp::kEq: return !c.values.empty() && Compare(actual, c.values[0]) == 0;
    case MatchOp::kNe: return !c.values.empty() && Compare(actual, c.values[0]) != 0;
    case MatchOp::kLt: return !c.values.empty() && Compare(actual, c.values[0]) < 0;
    case MatchOp::kLte: return !c.values.empty() && Compare(actual, c.values[0]) <= 0;
    case MatchOp::kGt: return !c.values.empty() && Compare(actual, c.values[0]) > 0;
    case MatchOp::kGte: return !c.values.empty() && Compare(actual, c.values[0]) >= 0;
    case MatchOp::kIn:
    case MatchOp::kNotIn: {
      bool found = false;
      for (const auto& v : c.values) found = found || Compare(actual, v) == 0;
      return c.op == MatchOp::kIn ? found : !found;
    }
    case MatchOp::kContains:
    case MatchOp::kStartsWith: {
      if (c.values.empty()) return false;
      std::string hay = Lower(ValueToString(actual)), needle = Lower(ValueToString(c.values[0]));
      return c.op == MatchOp::kContains ? hay.find(needle) != std::string::npos : hay.rfind(needle, 0) == 0;
    }
    case MatchOp::kIsNull: break;
  }
  return false;
}

bool MatchesAll(const std::vector<Condition>& conditions, const FieldGetter& get) {
  for (const auto& c : conditions) {
    if (!Matches(c, get(c.field))) return false;
  }
  return true;
}

std::string ScoringRule::Describe() const {
  if (condition) return condition->Describe();
  return (activity_type.empty() ? std::string("an activity") : "a " + activity_type) + " in the last " +
         std::to_string(activity_within_days) + (activity_within_days == 1 ? " day" : " days");
}

ScoreResult ScoreRecord(const std::vector<ScoringRule>& rules, const FieldGetter& get, const ActivityFacts& acts,
                        int64_t now_ms) {
  ScoreResult out;
  for (const auto& r : rules) {
    bool fired = false;
    if (r.condition) {
      fired = Matches(*r.condition, get(r.condition->field));
    } else if (r.activity_within_days > 0) {
      int64_t last = acts.last_any;
      if (!r.activity_type.empty()) {
        auto it = acts.last_by_type.find(r.activity_type);
        last = it == acts.last_by_type.end() ? 0 : it->second;
      }
      fired = last > 0 && now_ms - last <= int64_t{r.activity_within_days} * 86400000;
    }
    if (!fired) continue;
    out.total += r.points;
    out.fired.push_back(FiredRule{r.id, r.name, r.Describe(), r.points});
  }
  return out;
}

nlohmann::json ScoreResult::Explanation(const std::string& scored_at) const {
  nlohmann::json rules = nlohmann::json::array();
  for (const auto& f : fired) {
    rules.push_back({{"id", f.id}, {"name", f.name}, {"points", f.points}, {"why", f.why},
                     {"text", f.name + " (" + f.why + "): " + FormatPoints(f.points)}});
  }
  (void)scored_at;  // kept in the record's scored_at, so an unchanged score explains itself identically
  return {{"total", total}, {"rules", rules}};
}

bool ShouldAutoQualify(double score, std::optional<double> threshold, const std::string& status) {
  if (!threshold) return false;
  return (status == "new" || status == "working" || status.empty()) && score >= *threshold;
}

}  // namespace rapport
