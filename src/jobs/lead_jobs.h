// The background jobs of lead management (issue 4,
// docs/decisions/012-enrichment-scoring-assignment.md):
//
// - "escalation" (every minute): leads assigned by a rule that have had no
//   first response within first_response_target_minutes business minutes are
//   escalated (app/assignment.h EscalateOverdueLeads);
// - "retrain" (every predictive_retrain_hours, 24 by default; 0 = never):
//   retrains the predictive models of opportunities and leads from the
//   organisation's history (app/predictive.h), skipping an object that does
//   not have enough closed examples yet.
#pragma once

#include "jobs/scheduler.h"

namespace rapport {

Job EscalationJob();
Job RetrainJob();
// Both, for `rapport serve` and `rapport jobs`.
void AddLeadJobs(JobScheduler* scheduler);

}  // namespace rapport
