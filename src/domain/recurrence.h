// Recurring tasks (issue 5, docs/decisions/014-reminders-and-smtp.md): when a
// task with a `recurrence` is completed, the next occurrence is due at
// NextOccurrence(rule, due, zone).
//
// Wall-clock time is kept in a time zone (docs/decisions/015): a 09:00 weekly
// task in Europe/Paris stays at 09:00 Paris time across daylight-saving
// changes (its UTC instant moves by an hour). A zone is an IANA name
// ("Europe/Paris", resolved with ICU's copy of the tz database) or a fixed
// offset ("UTC", "+02:00", "UTC-5"); "" means UTC. Pure functions (ICU's
// zone rules are data, not I/O); thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace rapport {

enum class Recurrence { kDaily, kWeekdays, kWeekly, kMonthly };

// "daily", "weekdays", "weekly", "monthly"; nullopt otherwise.
std::optional<Recurrence> ParseRecurrence(const std::string& s);

// True if `zone` is "" , a fixed offset or an IANA name ICU knows.
bool IsKnownTimeZone(const std::string& zone);

// The next due instant after `due_ms` (epoch ms), keeping the local time of
// day in `zone`: daily +1 day; weekdays the next Monday..Friday (Friday ->
// Monday, Saturday and Sunday -> Monday); weekly +7 days; monthly the same day
// of the next month, clamped to that month's last day (Jan 31 -> Feb 28/29;
// the day is taken from `due_ms`, so Feb 28 -> Mar 28). Days and weekdays are
// those of the zone. A local time that does not exist on the new day (the
// hour skipped in spring) is moved forward by the gap (02:30 -> 03:30); one
// that happens twice (autumn) is the first of the two. An unknown zone is
// taken as UTC.
int64_t NextOccurrence(Recurrence r, int64_t due_ms, const std::string& zone = "");

// `at_ms` plus `days` calendar days in `zone`, at the same local time of day
// (same rules for skipped and repeated local times as NextOccurrence).
int64_t AddLocalDays(int64_t at_ms, int days, const std::string& zone = "");

}  // namespace rapport
