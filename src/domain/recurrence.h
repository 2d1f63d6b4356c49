// Recurring tasks (issue 5, docs/decisions/014-reminders-and-smtp.md): when a
// task with a `recurrence` is completed, the next occurrence is due at
// NextOccurrence(rule, due). Pure functions on UTC instants.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace rapport {

enum class Recurrence { kDaily, kWeekdays, kWeekly, kMonthly };

// "daily", "weekdays", "weekly", "monthly"; nullopt otherwise.
std::optional<Recurrence> ParseRecurrence(const std::string& s);

// The next due instant after `due_ms` (epoch ms, UTC), keeping the time of day:
// daily +1 day; weekdays the next Monday..Friday (Friday -> Monday, Saturday
// and Sunday -> Monday); weekly +7 days; monthly the same day of the next
// month, clamped to that month's last day (Jan 31 -> Feb 28/29; the day is
// taken from `due_ms`, so Feb 28 -> Mar 28).
int64_t NextOccurrence(Recurrence r, int64_t due_ms);

}  // namespace rapport
