// The background jobs of commitments (issue 5,
// docs/decisions/014-reminders-and-smtp.md):
//
// - "reminders" (every 30 seconds): activities whose remind_at has passed
//   notify their owner in the app and queue an e-mail (app/commitments.h);
// - "email" (every 30 seconds, only when RAPPORT_SMTP_URL is set): delivers
//   the organisation's queued e-mail over SMTP (app/smtp.h);
// - "renewals" (every hour, jobs/renewal_jobs.h): renewal deals ahead of
//   won contracts' end dates.
#pragma once

#include <optional>

#include "app/smtp.h"
#include "jobs/scheduler.h"

namespace rapport {

Job ReminderJob();
Job EmailDeliveryJob(SmtpConfig cfg);
// All three (the e-mail job when the environment configures SMTP), for `rapport
// serve` and `rapport jobs`.
void AddCommitmentJobs(JobScheduler* scheduler);

}  // namespace rapport
