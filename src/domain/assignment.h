// Lead assignment: which rep of a rule gets a lead. Pure functions, no I/O.
//
// A rule's strategy picks among reps the app layer describes (RepState):
// - round robin: the rep after the one who got the rule's previous lead, in a
//   stable order (the caller sorts by user id), so a team shares leads evenly;
// - least loaded: the lowest open leads / capacity ratio (ties: fewer open
//   leads, then the order given); a rep at capacity gets nothing;
// - owner: the named rep.
// Inactive and out-of-office reps are always skipped. Reps outside their
// working hours are skipped while someone of the rule is inside theirs; when
// nobody is, the pick ignores working hours (the lead still gets an owner, who
// sees it when their day starts) and says so in `note`. An empty pick means
// the rule cannot assign anyone: the caller tries the next rule.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "domain/business_hours.h"

namespace rapport {

// A rep without a capacity counts as this many open leads.
constexpr double kDefaultRepCapacity = 100;

struct RepState {
  std::string id;
  bool active = true;
  bool out_of_office = false;
  bool in_working_hours = true;
  int64_t open_leads = 0;
  double capacity = -1;  // < 0: not set (kDefaultRepCapacity)
};

enum class AssignStrategy { kRoundRobin, kLeastLoaded, kOwner };
bool ParseAssignStrategy(const std::string& name, AssignStrategy* out);

struct RepPick {
  std::string user_id;  // "" = nobody eligible
  std::string note;     // why this rep (or why nobody)
};

// `reps` in a stable order; `last_user_id` got the rule's previous lead ("" =
// none); `exclude` is never picked (the current owner on an escalation).
RepPick PickRoundRobin(const std::vector<RepState>& reps, const std::string& last_user_id,
                       const std::string& exclude = {});
RepPick PickLeastLoaded(const std::vector<RepState>& reps, const std::string& exclude = {});
RepPick PickOwner(const RepState& rep, const std::string& exclude = {});

// --- a rep's calendar ------------------------------------------------------
// Their working hours ("mon-fri 09:00-17:00"; empty = always), time zone
// offset at the instant in question, and out-of-office dates (YYYY-MM-DD,
// inclusive, in their local date; either end may be open).
struct RepCalendar {
  std::string working_hours;
  int utc_offset_minutes = 0;
  std::string out_of_office_from, out_of_office_to;
};
// The local calendar date (YYYY-MM-DD) of an instant at a UTC offset.
std::string LocalDate(int64_t at_ms, int utc_offset_minutes);
bool IsOutOfOffice(const RepCalendar& cal, int64_t at_ms);
bool InWorkingHours(const RepCalendar& cal, int64_t at_ms);

// Parses a fixed UTC offset time zone: "UTC", "Z", "+02:00", "-0530",
// "UTC+1", "GMT-03:30". False for anything else (named zones are resolved by
// the app layer with ICU).
bool ParseFixedOffset(const std::string& tz, int* minutes);

}  // namespace rapport
