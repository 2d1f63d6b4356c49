#include "domain/stages.h"

namespace rapport {

std::string ExitGaps::Describe() const {
  std::string out;
  if (!fields.empty()) {
    out += "missing fields: ";
    for (size_t i = 0; i < fields.size(); ++i) out += (i ? ", " : "") + fields[i];
  }
  if (!activities.empty()) {
    if (!out.empty()) out += "; ";
    out += "missing activities: ";
    for (size_t i = 0; i < activities.size(); ++i) out += (i ? ", " : "") + activities[i];
  }
  return out;
}

bool ExitCriteriaApply(const StageInfo& from, const StageInfo& to) {
  if (from.id == to.id) return false;
  if (to.kind == "won") return true;
  if (to.kind == "lost") return false;
  return from.kind == "open" && to.position > from.position;
}

ExitGaps MissingToLeave(const StageInfo& from, const std::function<bool(const std::string&)>& filled,
                        const std::set<std::string>& done_types) {
  ExitGaps gaps;
  for (const auto& f : from.required_fields) {
    if (!filled(f)) gaps.fields.push_back(f);
  }
  for (const auto& a : from.required_activities) {
    if (!done_types.count(a)) gaps.activities.push_back(a);
  }
  return gaps;
}

std::string DefaultForecastCategory(const StageInfo& stage) {
  if (!stage.forecast_category.empty()) return stage.forecast_category;
  if (stage.kind == "won") return "closed";
  if (stage.kind == "lost") return "omitted";
  if (stage.probability >= 80) return "commit";
  if (stage.probability >= 50) return "best_case";
  return "pipeline";
}

std::vector<std::string> SplitList(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    size_t b = cur.find_first_not_of(" \t");
    size_t e = cur.find_last_not_of(" \t");
    if (b != std::string::npos) out.push_back(cur.substr(b, e - b + 1));
    cur.clear();
  };
  for (char c : s) {
    if (c == ',' || c == ';') flush();
    else cur += c;
  }
  flush();
  return out;
}

}  // namespace rapport
