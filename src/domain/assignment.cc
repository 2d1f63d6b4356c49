#include "domain/assignment.h"

#include <cctype>
#include <cstdio>

namespace rapport {

namespace {

bool Present(const RepState& r, const std::string& exclude) {
  return r.active && !r.out_of_office && r.id != exclude && !r.id.empty();
}

double Capacity(const RepState& r) { return r.capacity < 0 ? kDefaultRepCapacity : r.capacity; }

}  // namespace

bool ParseAssignStrategy(const std::string& name, AssignStrategy* out) {
  if (name == "round_robin") *out = AssignStrategy::kRoundRobin;
  else if (name == "least_loaded") *out = AssignStrategy::kLeastLoaded;
  else if (name == "owner") *out = AssignStrategy::kOwner;
  else return false;
  return true;
}

RepPick PickRoundRobin(const std::vector<RepState>& reps, const std::string& last_user_id, const std::string& exclude) {
  if (reps.empty()) return {"", "the rule has no reps"};
  size_t n = reps.size(), start = 0;
  for (size_t i = 0; i < n; ++i) {
    if (reps[i].id == last_user_id) {
      start = i + 1;
      break;
    }
  }
  for (int pass = 0; pass < 2; ++pass) {
    for (size_t k = 0; k < n; ++k) {
      const RepState& r = reps[(start + k) % n];
      if (!Present(r, exclude) || (pass == 0 && !r.in_working_hours)) continue;
      return {r.id, pass == 0 ? "round robin" : "round robin (nobody is in working hours now)"};
    }
  }
  return {"", "every rep of the rule is inactive or out of office"};
}

RepPick PickLeastLoaded(const std::vector<RepState>& reps, const std::string& exclude) {
  bool anyone_present = false;
  for (int pass = 0; pass < 2; ++pass) {
    const RepState* best = nullptr;
    double best_ratio = 0;
    for (const auto& r : reps) {
      if (!Present(r, exclude)) continue;
      anyone_present = true;
      if (pass == 0 && !r.in_working_hours) continue;
      double cap = Capacity(r);
      if (cap <= 0 || static_cast<double>(r.open_leads) >= cap) continue;
      double ratio = static_cast<double>(r.open_leads) / cap;
      if (!best || ratio < best_ratio || (ratio == best_ratio && r.open_leads < best->open_leads)) {
        best = &r;
        best_ratio = ratio;
      }
    }
    if (best) {
      char note[160];
      std::snprintf(note, sizeof note, "least loaded (%lld of %g open leads)%s",
                    static_cast<long long>(best->open_leads), Capacity(*best),
                    pass == 0 ? "" : " (nobody is in working hours now)");
      return {best->id, note};
    }
  }
  if (!anyone_present) return {"", "every rep of the rule is inactive or out of office"};
  return {"", "every rep of the rule is at capacity"};
}

RepPick PickOwner(const RepState& rep, const std::string& exclude) {
  if (rep.id.empty()) return {"", "the rule names no owner"};
  if (rep.id == exclude) return {"", "the named owner already has the lead"};
  if (!rep.active) return {"", "the named owner is inactive"};
  if (rep.out_of_office) return {"", "the named owner is out of office"};
  return {rep.id, rep.in_working_hours ? "named owner" : "named owner (outside working hours now)"};
}

std::string LocalDate(int64_t at_ms, int utc_offset_minutes) {
  int64_t local_s = at_ms / 1000 + int64_t{utc_offset_minutes} * 60;
  int64_t days = local_s >= 0 ? local_s / 86400 : (local_s - 86399) / 86400;
  // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
  int64_t z = days + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = yoe + era * 400;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int64_t d = doy - (153 * mp + 2) / 5 + 1;
  int64_t m = mp + (mp < 10 ? 3 : -9);
  if (m <= 2) ++y;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lld", static_cast<long long>(y), static_cast<long long>(m),
                static_cast<long long>(d));
  return buf;
}

bool IsOutOfOffice(const RepCalendar& cal, int64_t at_ms) {
  if (cal.out_of_office_from.empty() && cal.out_of_office_to.empty()) return false;
  std::string today = LocalDate(at_ms, cal.utc_offset_minutes);
  if (!cal.out_of_office_from.empty() && today < cal.out_of_office_from.substr(0, 10)) return false;
  if (!cal.out_of_office_to.empty() && today > cal.out_of_office_to.substr(0, 10)) return false;
  return true;
}

bool InWorkingHours(const RepCalendar& cal, int64_t at_ms) {
  if (cal.working_hours.empty()) return true;
  auto bh = ParseBusinessHours(cal.working_hours, cal.utc_offset_minutes);
  if (!bh.ok()) return true;  // validated on write; an old bad value does not block assignment
  return WithinBusinessHours(at_ms, *bh);
}

bool ParseFixedOffset(const std::string& tz_in, int* minutes) {
  std::string tz;
  for (char c : tz_in) {
    if (c != ' ') tz += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  if (tz == "UTC" || tz == "Z" || tz == "GMT" || tz == "ETC/UTC") {
    *minutes = 0;
    return true;
  }
  if (tz.rfind("UTC", 0) == 0 || tz.rfind("GMT", 0) == 0) tz = tz.substr(3);
  if (tz.empty() || (tz[0] != '+' && tz[0] != '-')) return false;
  int sign = tz[0] == '-' ? -1 : 1;
  std::string digits, rest = tz.substr(1);
  size_t colon = rest.find(':');
  if (colon != std::string::npos && (rest.find(':', colon + 1) != std::string::npos || rest.size() - colon - 1 != 2 ||
                                     colon == 0 || colon > 2))
    return false;  // +H:MM or +HH:MM only
  for (char ch : rest) {
    if (ch == ':') continue;
    if (!std::isdigit(static_cast<unsigned char>(ch))) return false;
    digits += ch;
  }
  int h = 0, m = 0;
  if (digits.size() == 1 || digits.size() == 2) h = std::stoi(digits);
  else if (digits.size() == 3 || digits.size() == 4) {
    h = std::stoi(digits.substr(0, digits.size() - 2));
    m = std::stoi(digits.substr(digits.size() - 2));
  } else {
    return false;
  }
  if (h > 14 || m > 59 || h * 60 + m > 14 * 60) return false;
  *minutes = sign * (h * 60 + m);
  return true;
}

}  // namespace rapport
