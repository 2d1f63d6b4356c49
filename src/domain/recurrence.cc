#include "domain/recurrence.h"

#include <unicode/gregocal.h>
#include <unicode/timezone.h>

#include <map>
#include <memory>
#include <mutex>

#include "domain/assignment.h"  // ParseFixedOffset

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

// An IANA zone from ICU, created once per name (TimeZone::createTimeZone is
// thread-safe, but the cache is ours); nullptr if ICU does not know it.
std::unique_ptr<icu::TimeZone> CloneZone(const std::string& name) {
  static std::mutex mu;
  static auto* zones = new std::map<std::string, std::unique_ptr<icu::TimeZone>>();
  std::lock_guard<std::mutex> lock(mu);
  auto it = zones->find(name);
  if (it == zones->end()) {
    std::unique_ptr<icu::TimeZone> z(icu::TimeZone::createTimeZone(icu::UnicodeString::fromUTF8(name)));
    if (!z || *z == icu::TimeZone::getUnknown()) z.reset();
    if (zones->size() > 1000) zones->clear();  // bounded: names come from user data
    it = zones->emplace(name, std::move(z)).first;
  }
  return it->second ? std::unique_ptr<icu::TimeZone>(it->second->clone()) : nullptr;
}

// A zone resolved for local <-> UTC conversion: a fixed offset or an ICU
// calendar in the zone.
class LocalTime {
 public:
  explicit LocalTime(const std::string& zone) {
    if (zone.empty() || ParseFixedOffset(zone, &fixed_minutes_)) return;
    std::unique_ptr<icu::TimeZone> z = CloneZone(zone);
    if (!z) return;  // unknown: UTC
    UErrorCode st = U_ZERO_ERROR;
    auto cal = std::make_unique<icu::GregorianCalendar>(z.release(), st);  // adopts the zone
    if (U_FAILURE(st)) return;
    // Never-seen local times move forward by the gap; doubled ones are the first.
    cal->setSkippedWallTimeOption(UCAL_WALLTIME_LAST);
    cal->setRepeatedWallTimeOption(UCAL_WALLTIME_FIRST);
    cal_ = std::move(cal);
  }

  // The local calendar day (days since 1970-01-01) and time of day of `ms`.
  void Split(int64_t ms, int64_t* days, int64_t* ms_of_day) {
    if (!cal_) {
      const int64_t local = ms + int64_t{fixed_minutes_} * 60000;
      *days = FloorDiv(local, kDayMs);
      *ms_of_day = local - *days * kDayMs;
      return;
    }
    UErrorCode st = U_ZERO_ERROR;
    int32_t raw = 0, dst = 0;
    cal_->getTimeZone().getOffset(static_cast<UDate>(ms), false, raw, dst, st);
    const int64_t local = ms + raw + dst;
    *days = FloorDiv(local, kDayMs);
    *ms_of_day = local - *days * kDayMs;
  }

  // The instant at local day `days`, time of day `ms_of_day`.
  int64_t Join(int64_t days, int64_t ms_of_day) {
    if (!cal_) return days * kDayMs + ms_of_day - int64_t{fixed_minutes_} * 60000;
    int64_t y;
    unsigned m, d;
    CivilFromDays(days, &y, &m, &d);
    UErrorCode st = U_ZERO_ERROR;
    cal_->clear();
    cal_->set(UCAL_EXTENDED_YEAR, static_cast<int32_t>(y));
    cal_->set(UCAL_MONTH, static_cast<int32_t>(m - 1));
    cal_->set(UCAL_DATE, static_cast<int32_t>(d));
    cal_->set(UCAL_HOUR_OF_DAY, static_cast<int32_t>(ms_of_day / 3600000));
    cal_->set(UCAL_MINUTE, static_cast<int32_t>(ms_of_day / 60000 % 60));
    cal_->set(UCAL_SECOND, static_cast<int32_t>(ms_of_day / 1000 % 60));
    cal_->set(UCAL_MILLISECOND, static_cast<int32_t>(ms_of_day % 1000));
    UDate at = cal_->getTime(st);
    if (U_FAILURE(st)) return days * kDayMs + ms_of_day;
    return static_cast<int64_t>(at);
  }

 private:
  int fixed_minutes_ = 0;
  std::unique_ptr<icu::Calendar> cal_;
};

}  // namespace

std::optional<Recurrence> ParseRecurrence(const std::string& s) {
  if (s == "daily") return Recurrence::kDaily;
  if (s == "weekdays") return Recurrence::kWeekdays;
  if (s == "weekly") return Recurrence::kWeekly;
  if (s == "monthly") return Recurrence::kMonthly;
  return std::nullopt;
}

bool IsKnownTimeZone(const std::string& zone) {
  int minutes = 0;
  return zone.empty() || ParseFixedOffset(zone, &minutes) || CloneZone(zone) != nullptr;
}

int64_t NextOccurrence(Recurrence r, int64_t due_ms, const std::string& zone) {
  LocalTime lt(zone);
  int64_t days = 0, time_of_day = 0;
  lt.Split(due_ms, &days, &time_of_day);
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
  return lt.Join(next, time_of_day);
}

int64_t AddLocalDays(int64_t at_ms, int days, const std::string& zone) {
  LocalTime lt(zone);
  int64_t d = 0, time_of_day = 0;
  lt.Split(at_ms, &d, &time_of_day);
  return lt.Join(d + days, time_of_day);
}

}  // namespace rapport
