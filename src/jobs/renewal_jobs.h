// The "renewals" job (issue 5, docs/decisions/015-cadences-and-renewals.md):
// every hour, won deals whose contract ends within renewal_lead_days get
// their renewal deal (app/renewals.h). Registered with the commitment jobs.
#pragma once

#include "jobs/scheduler.h"

namespace rapport {

Job RenewalJob();

}  // namespace rapport
