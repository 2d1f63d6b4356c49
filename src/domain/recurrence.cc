#include "domain/recurrence.h"

namespace rapport {

namespace {

constexpr int64_t kDayMs = 86400000;

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// Howard Hinnant's civil-date algorithms (proleptic Gregorian).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = FloorDiv(y, 400);
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = FloorDiv(z, 146097);
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int64_t>(yoe) + era * 400 + (*m <= 2);
}

unsigned DaysInMonth(int64_t y, unsigned m) {
  static const unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

// 0 = Monday .. 6 = Sunday (1970-01-01 was a Thursday).
int Weekday(int64_t days) { return static_cast<int>(((days % 7) + 7 + 3) % 7); }

}  // namespace

std::optional<Recurrence> ParseRecurrence(const std::string& s) {
  if (s == "daily") return Recurrence::kDaily;
  if (s == "weekdays") return Recurrence::kWeekdays;
  if (s == "weekly") return Recurrence::kWeekly;
  if (s == "monthly") return Recurrence::kMonthly;
  return std::nullopt;
}

int64_t NextOccurrence(Recurrence r, int64_t due_ms) {
  const int64_t days = FloorDiv(due_ms, kDayMs);
  const int64_t time_of_day = due_ms - days * kDayMs;
  int64_t next = days + 1;
  switch (r) {
    case Recurrence::kDaily:
      break;
    case Recurrence::kWeekdays:
      while (Weekday(next) >= 5) ++next;
      break;
    case Recurrence::kWeekly:
      next = days + 7;
      break;
    case Recurrence::kMonthly: {
      int64_t y;
      unsigned m, d;
      CivilFromDays(days, &y, &m, &d);
      if (++m > 12) {
        m = 1;
        ++y;
      }
      unsigned last = DaysInMonth(y, m);
      next = DaysFromCivil(y, m, d > last ? last : d);
      break;
    }
  }
  return next * kDayMs + time_of_day;
}

}  // namespace rapport
