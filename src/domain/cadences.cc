#include "domain/cadences.h"

#include <cmath>
#include <set>

namespace rapport {

using nlohmann::json;

namespace {

const std::set<std::string>& StepTypes() {
  static const std::set<std::string> k = {"call", "email", "meeting", "task"};
  return k;
}

const std::set<std::string>& Placeholders() {
  static const std::set<std::string> k = {"name", "first_name", "last_name", "company", "email", "owner_name"};
  return k;
}

// Calls fn(name) for each {{name}} in text (spaces inside braces ignored);
// false with an explanation when a "{{" is not closed.
template <typename Fn>
bool EachPlaceholder(const std::string& text, Fn fn, std::string* error) {
  size_t pos = 0;
  while ((pos = text.find("{{", pos)) != std::string::npos) {
    size_t end = text.find("}}", pos + 2);
    if (end == std::string::npos) {
      *error = "'{{' without a closing '}}'";
      return false;
    }
    std::string name;
    for (size_t i = pos + 2; i < end; ++i) {
      if (text[i] != ' ') name += text[i];
    }
    if (!fn(name, pos, end + 2)) return false;
    pos = end + 2;
  }
  return true;
}

Status CheckTemplate(const std::string& text, const std::string& field) {
  std::string error;
  std::string unknown;
  bool ok = EachPlaceholder(
      text,
      [&](const std::string& name, size_t, size_t) {
        if (Placeholders().count(name)) return true;
        unknown = name;
        return false;
      },
      &error);
  if (ok) return Status::Ok();
  if (!unknown.empty() || error.empty()) {
    return Status::InvalidArgument(field + ": unknown placeholder '{{" + unknown +
                                       "}}' (name, first_name, last_name, company, email, owner_name)",
                                   field);
  }
  return Status::InvalidArgument(field + ": " + error, field);
}

size_t Utf8Length(const std::string& s) {
  size_t n = 0;
  for (unsigned char ch : s) n += (ch & 0xC0) != 0x80;
  return n;
}

}  // namespace

Result<std::vector<CadenceStep>> ParseCadenceSteps(const json& steps) {
  if (!steps.is_array()) {
    return Status::InvalidArgument("steps: must be an array of {\"type\", \"day\", \"subject\", \"notes\"}", "steps");
  }
  if (steps.empty()) return Status::InvalidArgument("steps: a cadence needs at least one step", "steps");
  if (steps.size() > static_cast<size_t>(kMaxCadenceSteps))
    return Status::InvalidArgument("steps: at most " + std::to_string(kMaxCadenceSteps) + " steps", "steps");
  std::vector<CadenceStep> out;
  for (size_t i = 0; i < steps.size(); ++i) {
    const json& s = steps[i];
    const std::string at = "steps[" + std::to_string(i) + "]";
    if (!s.is_object()) return Status::InvalidArgument(at + ": must be an object", at);
    CadenceStep step;
    bool has_type = false, has_day = false, has_subject = false;
    for (auto it = s.begin(); it != s.end(); ++it) {
      const std::string f = at + "." + it.key();
      const json& v = it.value();
      if (it.key() == "type") {
        if (!v.is_string() || !StepTypes().count(v.get<std::string>())) {
          std::string got = v.is_string() ? v.get<std::string>() : v.dump();
          return Status::InvalidArgument(f + ": unknown activity type '" + got + "' (call, email, meeting, task)", f);
        }
        step.type = v.get<std::string>();
        has_type = true;
      } else if (it.key() == "day") {
        if (!v.is_number() || (v.is_number_float() && std::floor(v.get<double>()) != v.get<double>()))
          return Status::InvalidArgument(f + ": must be a whole number of days", f);
        double d = v.get<double>();
        if (d < 0) return Status::InvalidArgument(f + ": must not be negative", f);
        if (d > kMaxCadenceDay)
          return Status::InvalidArgument(f + ": at most " + std::to_string(kMaxCadenceDay) + " days", f);
        step.day = static_cast<int>(d);
        has_day = true;
      } else if (it.key() == "subject") {
        if (!v.is_string()) return Status::InvalidArgument(f + ": must be text", f);
        step.subject = v.get<std::string>();
        size_t n = Utf8Length(step.subject);
        if (n == 0 || n > 255) return Status::InvalidArgument(f + ": must be 1 to 255 characters", f);
        if (step.subject.find_first_of("\r\n") != std::string::npos)
          return Status::InvalidArgument(f + ": must be one line", f);
        RP_RETURN_IF_ERROR(CheckTemplate(step.subject, f));
        has_subject = true;
      } else if (it.key() == "notes") {
        if (v.is_null()) continue;
        if (!v.is_string()) return Status::InvalidArgument(f + ": must be text", f);
        step.notes = v.get<std::string>();
        if (Utf8Length(step.notes) > 5000) return Status::InvalidArgument(f + ": at most 5000 characters", f);
        RP_RETURN_IF_ERROR(CheckTemplate(step.notes, f));
      } else {
        return Status::InvalidArgument(f + ": unknown key (type, day, subject, notes)", f);
      }
    }
    if (!has_type) return Status::InvalidArgument(at + ".type: is required", at + ".type");
    if (!has_day) return Status::InvalidArgument(at + ".day: is required", at + ".day");
    if (!has_subject) return Status::InvalidArgument(at + ".subject: is required", at + ".subject");
    if (!out.empty() && step.day < out.back().day) {
      return Status::InvalidArgument(at + ".day: day " + std::to_string(step.day) + " comes before the previous step's day " +
                                         std::to_string(out.back().day) + " (steps are in order)",
                                     at + ".day");
    }
    out.push_back(std::move(step));
  }
  return out;
}

json CadenceStepsToJson(const std::vector<CadenceStep>& steps) {
  json out = json::array();
  for (const auto& s : steps) {
    out.push_back({{"type", s.type}, {"day", s.day}, {"subject", s.subject}, {"notes", s.notes}});
  }
  return out;
}

std::string RenderCadenceTemplate(const std::string& text, const std::map<std::string, std::string>& values) {
  std::string out;
  size_t last = 0;
  std::string error;
  bool ok = EachPlaceholder(
      text,
      [&](const std::string& name, size_t begin, size_t end) {
        out += text.substr(last, begin - last);
        auto it = values.find(name);
        if (it != values.end()) out += it->second;
        last = end;
        return true;
      },
      &error);
  if (!ok) return text;
  out += text.substr(last);
  return out;
}

}  // namespace rapport
