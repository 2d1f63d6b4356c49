#include "jobs/lead_jobs.h"

#include "app/assignment.h"
#include "app/predictive.h"
#include "app/settings.h"
#include "store/metadata.h"

namespace rapport {

Job EscalationJob() {
  Job j;
  j.name = "escalation";
  j.next_after = [](Conn*, const std::string&, int64_t now_ms) -> Result<int64_t> { return now_ms + 60 * 1000; };
  j.run = [](Conn* c, const std::string& org_id, int64_t now_ms) -> Result<std::string> {
    RP_ASSIGN_OR_RETURN(auto cat, LoadCatalog(c, org_id));
    RP_ASSIGN_OR_RETURN(EscalationResult r, EscalateOverdueLeads(c, org_id, *cat, now_ms));
    return std::to_string(r.checked) + " overdue, " + std::to_string(r.notified) + " notified, " +
           std::to_string(r.reassigned) + " reassigned";
  };
  return j;
}

Job RetrainJob() {
  Job j;
  j.name = "retrain";
  j.next_after = [](Conn* c, const std::string& org_id, int64_t now_ms) -> Result<int64_t> {
    RP_ASSIGN_OR_RETURN(OrgSettings s, LoadSettings(c, org_id));
    if (s.predictive_retrain_hours <= 0) return int64_t{-1};
    return now_ms + int64_t{s.predictive_retrain_hours} * 3600 * 1000;
  };
  j.run = [](Conn* c, const std::string& org_id, int64_t) -> Result<std::string> {
    RP_ASSIGN_OR_RETURN(auto cat, LoadCatalog(c, org_id));
    std::string out;
    for (const char* object : {"opportunities", "leads"}) {
      TrainOptions o;
      o.object = object;
      auto r = TrainScoreModel(c, TenantScope::ForOperator(org_id), *cat, o);
      std::string line;
      if (r.ok()) {
        char buf[200];
        std::snprintf(buf, sizeof buf, "%s: AUC %.3f [%.3f, %.3f]%s", object, r->auc, r->auc_ci.lo, r->auc_ci.hi,
                      r->active ? " (active)" : " (no signal)");
        line = buf;
      } else if (r.status().code() == Status::Code::kUnprocessable) {
        line = std::string(object) + ": skipped (" + r.status().message() + ")";
      } else {
        return r.status();
      }
      out += (out.empty() ? "" : "; ") + line;
    }
    return out;
  };
  return j;
}

void AddLeadJobs(JobScheduler* scheduler) {
  scheduler->Add(EscalationJob());
  scheduler->Add(RetrainJob());
}

}  // namespace rapport
