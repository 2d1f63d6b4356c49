// Follow-up cadences (issue 5, docs/decisions/015-cadences-and-renewals.md):
// the pure part — a cadence's steps, their validation, and the subject/notes
// templates filled in from the record a cadence is applied to. No I/O.
//
// A step is {"type": "call"|"email"|"meeting"|"task", "day": N, "subject":
// "...", "notes": "..."}: the step's task is due N days after the enrollment
// started (same local time of day in the owner's zone). Days never go down
// from one step to the next. Templates may name {{name}}, {{first_name}},
// {{last_name}}, {{company}}, {{email}} and {{owner_name}}.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/status.h"

namespace rapport {

struct CadenceStep {
  std::string type;     // call, email, meeting, task
  int day = 0;          // 0..3650, offset from the enrollment's start
  std::string subject;  // template, 1..255 characters
  std::string notes;    // template, may be empty (up to 5000 characters)
};

constexpr int kMaxCadenceSteps = 50;
constexpr int kMaxCadenceDay = 3650;

// Validates a JSON array of steps. Errors are InvalidArgument with the field
// named as "steps" or "steps[i].key" (i from 0): an empty list, an unknown
// type, a negative, fractional or decreasing day, a missing subject, an
// unknown key or an unknown template placeholder.
Result<std::vector<CadenceStep>> ParseCadenceSteps(const nlohmann::json& steps);

// The steps as the API shows them (and as they are stored, as JSON text).
nlohmann::json CadenceStepsToJson(const std::vector<CadenceStep>& steps);

// Replaces each {{placeholder}} by its value (missing values become "").
// Text outside placeholders is kept as it is.
std::string RenderCadenceTemplate(const std::string& text, const std::map<std::string, std::string>& values);

}  // namespace rapport
