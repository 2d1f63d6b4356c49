#include "jobs/commitment_jobs.h"

#include "app/commitments.h"
#include "base/log.h"
#include "jobs/renewal_jobs.h"
#include "store/metadata.h"

namespace rapport {

namespace {
constexpr int64_t kEveryMs = 30 * 1000;
}

Job ReminderJob() {
  Job j;
  j.name = "reminders";
  j.next_after = [](Conn*, const std::string&, int64_t now_ms) -> Result<int64_t> { return now_ms + kEveryMs; };
  j.run = [](Conn* c, const std::string& org_id, int64_t now_ms) -> Result<std::string> {
    RP_ASSIGN_OR_RETURN(auto cat, LoadCatalog(c, org_id));
    RP_ASSIGN_OR_RETURN(Commitments::ReminderResult r, Commitments::FireReminders(c, org_id, *cat, now_ms));
    return std::to_string(r.fired) + " reminders, " + std::to_string(r.emailed) + " e-mails queued";
  };
  return j;
}

Job EmailDeliveryJob(SmtpConfig cfg) {
  Job j;
  j.name = "email";
  j.next_after = [](Conn*, const std::string&, int64_t now_ms) -> Result<int64_t> { return now_ms + kEveryMs; };
  j.run = [cfg](Conn* c, const std::string& org_id, int64_t now_ms) -> Result<std::string> {
    RP_ASSIGN_OR_RETURN(DeliveryResult r, DeliverQueued(c, org_id, cfg, now_ms));
    return std::to_string(r.sent) + " sent, " + std::to_string(r.retried) + " to retry, " + std::to_string(r.failed) +
           " failed";
  };
  return j;
}

void AddCommitmentJobs(JobScheduler* scheduler) {
  scheduler->Add(ReminderJob());
  scheduler->Add(RenewalJob());  // docs/decisions/015: renewal deals ahead of contract ends
  if (auto cfg = SmtpConfigFromEnv()) {
    Status st = ValidateSmtpConfig(*cfg);
    if (!st.ok()) spdlog::error("e-mail delivery: {} (mail stays queued)", st.message());
    scheduler->Add(EmailDeliveryJob(*cfg));
  } else {
    spdlog::info("e-mail delivery is off (RAPPORT_SMTP_URL unset): mail stays queued");
  }
}

}  // namespace rapport
