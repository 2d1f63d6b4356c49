#include "jobs/renewal_jobs.h"

#include "app/renewals.h"
#include "store/metadata.h"

namespace rapport {

Job RenewalJob() {
  Job j;
  j.name = "renewals";
  j.next_after = [](Conn*, const std::string&, int64_t now_ms) -> Result<int64_t> { return now_ms + 3600 * 1000; };
  j.run = [](Conn* c, const std::string& org_id, int64_t now_ms) -> Result<std::string> {
    RP_ASSIGN_OR_RETURN(auto cat, LoadCatalog(c, org_id));
    RP_ASSIGN_OR_RETURN(Renewals::RenewalRun r, Renewals::CreateDue(c, org_id, *cat, now_ms));
    return std::to_string(r.created) + " renewal deals created";
  };
  return j;
}

}  // namespace rapport
