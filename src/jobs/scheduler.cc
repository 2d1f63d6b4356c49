#include "jobs/scheduler.h"

#include "base/log.h"
#include "base/time.h"

namespace rapport {

Result<JobRun> JobScheduler::RunOne(Conn* c, const Job& job, const std::string& org_id, int64_t now_ms,
                                    bool reschedule) {
  JobRun out{org_id, job.name, "", true};
  auto r = job.run(c, org_id, now_ms);
  if (c->InTransaction()) c->Rollback();
  if (r.ok()) {
    out.message = *r;
  } else {
    out.ok = false;
    out.message = r.status().ToString();
    spdlog::warn("job {} ({}): {}", job.name, org_id, out.message);
  }
  RP_ASSIGN_OR_RETURN(int64_t n, c->Exec("UPDATE job_runs SET last_finished_at = ?, status = ?, message = ? WHERE "
                                         "org_id = ? AND job = ?",
                                         {Value{NowIso()}, Value{std::string(out.ok ? "ok" : "failed")},
                                          Value{out.message.substr(0, 2000)}, Value{org_id}, Value{job.name}}));
  if (reschedule) {
    auto next = job.next_after(c, org_id, Clock::Get().NowMillis());
    int64_t at = next.ok() ? *next : -1;
    RP_ASSIGN_OR_RETURN(n, c->Exec("UPDATE job_runs SET next_run_at = ? WHERE org_id = ? AND job = ?",
                                   {at < 0 ? Value{} : Value{FormatIsoMillis(at)}, Value{org_id}, Value{job.name}}));
  }
  (void)n;
  return out;
}

Result<std::vector<JobRun>> JobScheduler::RunDue(Conn* c, int64_t now_ms) {
  std::vector<JobRun> out;
  RP_ASSIGN_OR_RETURN(Rows orgs, c->Query("SELECT id FROM organisations ORDER BY id"));
  const std::string now = FormatIsoMillis(now_ms);
  for (const auto& o : orgs.rows) {
    std::string org = ValueToString(o[0]);
    for (const Job& job : jobs_) {
      RP_ASSIGN_OR_RETURN(Rows st, c->Query("SELECT next_run_at FROM job_runs WHERE org_id = ? AND job = ?",
                                            {Value{org}, Value{job.name}}));
      if (st.empty() || IsNull(st.rows[0][0])) {
        // First sight (or unscheduled): schedule it.
        auto next = job.next_after(c, org, now_ms);
        if (!next.ok() || *next < 0) continue;
        if (st.empty()) {
          RP_ASSIGN_OR_RETURN(int64_t n, c->Exec("INSERT INTO job_runs (org_id, job, next_run_at) VALUES (?, ?, ?) "
                                                 "ON CONFLICT (org_id, job) DO NOTHING",
                                                 {Value{org}, Value{job.name}, Value{FormatIsoMillis(*next)}}));
          (void)n;
        } else {
          RP_ASSIGN_OR_RETURN(int64_t n, c->Exec("UPDATE job_runs SET next_run_at = ? WHERE org_id = ? AND job = ? AND "
                                                 "next_run_at IS NULL",
                                                 {Value{FormatIsoMillis(*next)}, Value{org}, Value{job.name}}));
          (void)n;
        }
        continue;
      }
      std::string due = ValueToString(st.rows[0][0]);
      if (due > now) continue;
      // Claim the run: only one process moves next_run_at from what it read.
      RP_ASSIGN_OR_RETURN(int64_t n, c->Exec("UPDATE job_runs SET next_run_at = NULL, last_started_at = ?, status = "
                                             "'running' WHERE org_id = ? AND job = ? AND next_run_at = ?",
                                             {Value{now}, Value{org}, Value{job.name}, Value{due}}));
      if (n != 1) continue;
      RP_ASSIGN_OR_RETURN(JobRun r, RunOne(c, job, org, now_ms, /*reschedule=*/true));
      out.push_back(std::move(r));
    }
  }
  return out;
}

Result<std::vector<JobRun>> JobScheduler::RunNow(Conn* c, const std::string& name, int64_t now_ms,
                                                 const std::string& org_id) {
  const Job* job = nullptr;
  std::string names;
  for (const Job& j : jobs_) {
    if (j.name == name) job = &j;
    names += (names.empty() ? "" : ", ") + j.name;
  }
  if (!job) return Status::InvalidArgument("unknown job '" + name + "' (" + names + ")", "job");
  std::vector<JobRun> out;
  RP_ASSIGN_OR_RETURN(Rows orgs, c->Query("SELECT id FROM organisations ORDER BY id"));
  for (const auto& o : orgs.rows) {
    std::string org = ValueToString(o[0]);
    if (!org_id.empty() && org != org_id) continue;
    RP_ASSIGN_OR_RETURN(int64_t n, c->Exec("INSERT INTO job_runs (org_id, job) VALUES (?, ?) ON CONFLICT (org_id, job) "
                                           "DO NOTHING",
                                           {Value{org}, Value{job->name}}));
    RP_ASSIGN_OR_RETURN(n, c->Exec("UPDATE job_runs SET last_started_at = ?, status = 'running' WHERE org_id = ? AND "
                                   "job = ?",
                                   {Value{FormatIsoMillis(now_ms)}, Value{org}, Value{job->name}}));
    (void)n;
    RP_ASSIGN_OR_RETURN(JobRun r, RunOne(c, *job, org, now_ms, /*reschedule=*/false));
    out.push_back(std::move(r));
  }
  return out;
}

void JobScheduler::Start() {
  if (thread_.joinable() || jobs_.empty()) return;
  stop_ = false;
  thread_ = std::thread([this] {
    std::unique_ptr<Conn> conn;
    while (true) {
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait_for(lock, std::chrono::milliseconds(tick_ms_), [this] { return stop_; });
        if (stop_) return;
      }
      if (!conn) {
        auto c = store_->Connect();
        if (!c.ok()) {
          spdlog::warn("jobs: no database connection: {}", c.status().ToString());
          continue;
        }
        conn = std::move(*c);
      }
      auto r = RunDue(conn.get(), Clock::Get().NowMillis());
      if (!r.ok()) {
        spdlog::warn("jobs: {}", r.status().ToString());
        conn.reset();  // reconnect at the next tick
        continue;
      }
      for (const auto& run : *r) {
        if (run.ok) spdlog::info("job {} ({}): {}", run.job, run.org_id, run.message);
      }
    }
  });
}

void JobScheduler::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace rapport
