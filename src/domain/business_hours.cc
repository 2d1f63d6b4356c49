#include "domain/business_hours.h"

#include <algorithm>
#include <cctype>

namespace rapport {

namespace {
constexpr int64_t kMinuteMs = 60 * 1000;
constexpr int64_t kDayMinutes = 24 * 60;

int DayIndex(const std::string& d) {
  static const char* kDays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
  for (int i = 0; i < 7; ++i) {
    if (d == kDays[i]) return i;
  }
  return -1;
}

bool ParseClock(const std::string& s, int* minutes) {
  if (s.size() != 5 || s[2] != ':' || !std::isdigit(static_cast<unsigned char>(s[0])) ||
      !std::isdigit(static_cast<unsigned char>(s[1])) || !std::isdigit(static_cast<unsigned char>(s[3])) ||
      !std::isdigit(static_cast<unsigned char>(s[4])))
    return false;
  int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
  if (h > 24 || m > 59 || (h == 24 && m != 0)) return false;
  *minutes = h * 60 + m;
  return true;
}
}  // namespace

Result<BusinessHours> ParseBusinessHours(const std::string& spec_in, int utc_offset_minutes) {
  std::string spec;
  for (char c : spec_in) spec += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto space = spec.find(' ');
  if (space == std::string::npos) return Status::InvalidArgument("business_hours: expected e.g. 'mon-fri 09:00-17:00'", "business_hours");
  std::string days = spec.substr(0, space), hours = spec.substr(space + 1);
  BusinessHours bh;
  bh.weekdays = 0;
  size_t pos = 0;
  while (pos <= days.size()) {
    size_t comma = days.find(',', pos);
    if (comma == std::string::npos) comma = days.size();
    std::string part = days.substr(pos, comma - pos);
    pos = comma + 1;
    auto dash = part.find('-');
    int a = DayIndex(part.substr(0, dash)), b = dash == std::string::npos ? a : DayIndex(part.substr(dash + 1));
    if (a < 0 || b < 0 || b < a) return Status::InvalidArgument("business_hours: bad days '" + part + "'", "business_hours");
    for (int d = a; d <= b; ++d) bh.weekdays |= static_cast<uint8_t>(1 << d);
  }
  auto dash = hours.find('-');
  if (dash == std::string::npos || !ParseClock(hours.substr(0, dash), &bh.start_minute) ||
      !ParseClock(hours.substr(dash + 1), &bh.end_minute) || bh.end_minute <= bh.start_minute)
    return Status::InvalidArgument("business_hours: bad hours '" + hours + "'", "business_hours");
  if (utc_offset_minutes < -14 * 60 || utc_offset_minutes > 14 * 60)
    return Status::InvalidArgument("utc_offset_minutes: out of range", "utc_offset_minutes");
  bh.utc_offset_minutes = utc_offset_minutes;
  return bh;
}

int64_t AddBusinessMinutes(int64_t start_ms, int64_t minutes, const BusinessHours& bh) {
  if (bh.weekdays == 0 || bh.end_minute <= bh.start_minute) return start_ms + minutes * kMinuteMs;
  // Work in local minutes since the epoch; 1970-01-01 was a Thursday (index 3).
  int64_t local = start_ms + bh.utc_offset_minutes * kMinuteMs;
  int64_t t = local / kMinuteMs;  // whole local minutes
  int64_t sub_ms = local % kMinuteMs;
  if (sub_ms < 0) {
    sub_ms += kMinuteMs;
    --t;
  }
  int64_t remaining = minutes;
  for (int guard = 0; guard < 100000; ++guard) {
    int64_t day = t >= 0 ? t / kDayMinutes : (t - kDayMinutes + 1) / kDayMinutes;
    int64_t minute_of_day = t - day * kDayMinutes;
    int weekday = static_cast<int>(((day % 7) + 7 + 3) % 7);
    bool working = bh.weekdays & (1 << weekday);
    if (!working || minute_of_day >= bh.end_minute) {
      t = (day + 1) * kDayMinutes + bh.start_minute;
      sub_ms = 0;
      continue;
    }
    if (minute_of_day < bh.start_minute) {
      t = day * kDayMinutes + bh.start_minute;
      sub_ms = 0;
    }
    minute_of_day = t - day * kDayMinutes;
    int64_t left_today = bh.end_minute - minute_of_day;
    if (remaining <= left_today) {
      t += remaining;
      break;
    }
    remaining -= left_today;
    t = (day + 1) * kDayMinutes + bh.start_minute;
    sub_ms = 0;
  }
  return t * kMinuteMs + sub_ms - bh.utc_offset_minutes * kMinuteMs;
}

namespace {
// Local (day index since the epoch, minute of day) of an instant.
void LocalDayMinute(int64_t at_ms, const BusinessHours& bh, int64_t* day, int64_t* minute_of_day) {
  int64_t local = at_ms + bh.utc_offset_minutes * kMinuteMs;
  int64_t t = local >= 0 ? local / kMinuteMs : (local - kMinuteMs + 1) / kMinuteMs;
  *day = t >= 0 ? t / kDayMinutes : (t - kDayMinutes + 1) / kDayMinutes;
  *minute_of_day = t - *day * kDayMinutes;
}
bool WorkingDay(int64_t day, const BusinessHours& bh) {
  int weekday = static_cast<int>(((day % 7) + 7 + 3) % 7);
  return bh.weekdays & (1 << weekday);
}
}  // namespace

bool WithinBusinessHours(int64_t at_ms, const BusinessHours& bh) {
  if (bh.weekdays == 0 || bh.end_minute <= bh.start_minute) return true;
  int64_t day = 0, m = 0;
  LocalDayMinute(at_ms, bh, &day, &m);
  return WorkingDay(day, bh) && m >= bh.start_minute && m < bh.end_minute;
}

int64_t BusinessMinutesBetween(int64_t from_ms, int64_t to_ms, const BusinessHours& bh) {
  if (to_ms <= from_ms) return 0;
  if (bh.weekdays == 0 || bh.end_minute <= bh.start_minute) return (to_ms - from_ms) / kMinuteMs;
  int64_t d0 = 0, m0 = 0, d1 = 0, m1 = 0;
  LocalDayMinute(from_ms, bh, &d0, &m0);
  LocalDayMinute(to_ms, bh, &d1, &m1);
  auto clamp = [&](int64_t m) { return std::min<int64_t>(std::max<int64_t>(m, bh.start_minute), bh.end_minute); };
  int64_t per_day = bh.end_minute - bh.start_minute;
  if (d0 == d1) return WorkingDay(d0, bh) ? std::max<int64_t>(0, clamp(m1) - clamp(m0)) : 0;
  int64_t total = WorkingDay(d0, bh) ? bh.end_minute - clamp(m0) : 0;
  total += WorkingDay(d1, bh) ? clamp(m1) - bh.start_minute : 0;
  // Whole days in between: full weeks, then the remainder day by day.
  int64_t first = d0 + 1, count = d1 - d0 - 1;
  int64_t weeks = count / 7;
  int working_per_week = 0;
  for (int i = 0; i < 7; ++i) working_per_week += (bh.weekdays >> i) & 1;
  total += weeks * working_per_week * per_day;
  for (int64_t d = first + weeks * 7; d < d1; ++d) total += WorkingDay(d, bh) ? per_day : 0;
  return total;
}

SlaTargets SlaForPriority(const std::string& p) {
  if (p == "urgent") return {60, 4 * 60};
  if (p == "high") return {4 * 60, 8 * 60};
  if (p == "low") return {16 * 60, 40 * 60};
  return {8 * 60, 24 * 60};  // normal
}

}  // namespace rapport
