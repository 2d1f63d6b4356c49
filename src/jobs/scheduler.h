// Background jobs (issue 4): a small scheduler that `rapport serve` runs in
// one thread, and `rapport jobs run NAME` runs by hand.
//
// A job has a name, a function that says when it should run next after a run
// (per organisation), and the work itself. The schedule lives in the
// job_runs table (organisation, job, next_run_at, last run's status and
// message), so it survives restarts, and several server processes on one
// database do not run the same job twice: a run is claimed by moving
// next_run_at with a conditional UPDATE, and only the process whose UPDATE
// changed the row runs it. A job seen for the first time is scheduled, not
// run at once. Thread-safe: Start/Stop from one thread; RunDue and RunNow
// take the caller's connection.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/status.h"
#include "store/conn.h"

namespace rapport {

struct Job {
  std::string name;
  // When to run next (epoch ms) after a run ending at `now_ms`; a negative
  // value leaves the job unscheduled (checked again at the next tick).
  std::function<Result<int64_t>(Conn* c, const std::string& org_id, int64_t now_ms)> next_after;
  // The work for one organisation; returns a one-line summary.
  std::function<Result<std::string>(Conn* c, const std::string& org_id, int64_t now_ms)> run;
};

struct JobRun {
  std::string org_id, job, message;
  bool ok = true;
};

class JobScheduler {
 public:
  explicit JobScheduler(Store* store, int tick_ms = 30000) : store_(store), tick_ms_(tick_ms) {}
  ~JobScheduler() { Stop(); }
  void Add(Job job) { jobs_.push_back(std::move(job)); }
  const std::vector<Job>& jobs() const { return jobs_; }

  // Every job of every organisation that is due at `now_ms`.
  Result<std::vector<JobRun>> RunDue(Conn* c, int64_t now_ms);
  // One job now, for every organisation (or one), whatever its schedule
  // (which it leaves as it is).
  Result<std::vector<JobRun>> RunNow(Conn* c, const std::string& name, int64_t now_ms, const std::string& org_id = {});

  // A thread that calls RunDue every tick until Stop().
  void Start();
  void Stop();

 private:
  Result<JobRun> RunOne(Conn* c, const Job& job, const std::string& org_id, int64_t now_ms, bool reschedule);
  Store* store_;
  int tick_ms_;
  std::vector<Job> jobs_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
};

}  // namespace rapport
