// Commitments and follow-up (issue 5, docs/decisions/014-reminders-and-smtp.md):
// activity reminders, recurring tasks and overdue tasks per rep.
//
// - Reminders: an open activity whose `remind_at` has passed gets, once, an
//   in-app notification for its owner (notifications table, kind "reminder")
//   and an e-mail to the owner queued in email_outbox (kind "reminder"), and
//   `reminded_at` is set — all in one transaction, through RecordStore (so the
//   change is audited, as the system), guarded by the version read so a
//   concurrent edit makes it wait for the next run. Changing remind_at on a
//   reminded activity re-arms it (reminded_at is cleared by RecordService).
// - Recurring tasks: completing (setting done_at on) an activity with a
//   `recurrence` creates the next occurrence, due at NextOccurrence (domain/
//   recurrence.h) of its due_at (or of done_at when it had none), keeping the
//   wall-clock time in the owner's time zone (TimeZoneOf); ends_at and
//   remind_at move by the same amount; in the caller's transaction.
// - Overdue: open tasks (type task, no done_at) with due_at before now, per
//   owner, within what the caller may see.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "base/status.h"
#include "meta/object.h"
#include "store/conn.h"
#include "store/records.h"
#include "store/scope.h"

namespace rapport {

namespace Commitments {

// Before an activity update is written: a new remind_at re-arms the reminder.
void BeforeActivityUpdate(const ObjectDef& def, FieldValues* v, const Record& current);
// After an activity update: the next occurrence of a completed recurring task.
Status AfterActivityUpdate(Conn* c, const TenantScope& s, const ObjectDef& def, const Record& before,
                           const Record& after);

// The time zone wall-clock dates of `user_id` are kept in (docs/decisions/015):
// the user's time_zone, else the organisation's time_zone setting, else its
// utc_offset_minutes as a fixed offset ("+02:00"), else "" (UTC). Stored
// zones were validated when written; an unknown one is skipped.
Result<std::string> TimeZoneOf(Conn* c, const std::string& org_id, const std::string& user_id);

struct ReminderResult {
  int64_t fired = 0, emailed = 0;
};
// The "reminders" job's work for one organisation at `now_ms`.
Result<ReminderResult> FireReminders(Conn* c, const std::string& org_id, const Catalog& cat, int64_t now_ms);

// {"as_of", "total", "by_owner": [{"user_id", "name", "overdue", "oldest_due_at"}]},
// most overdue first.
Result<nlohmann::json> OverdueTasksReport(Conn* c, const TenantScope& s, const Catalog& cat, int64_t now_ms);

}  // namespace Commitments

}  // namespace rapport
