#include "cli/lead_commands.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>

#include "app/enrichment.h"
#include "app/predictive.h"
#include "app/scoring.h"
#include "base/log.h"
#include "base/time.h"
#include "jobs/commitment_jobs.h"  // issue 5
#include "jobs/lead_jobs.h"
#include "store/metadata.h"
#include "store/schema.h"

namespace rapport {

struct LeadCommands {
  CLI::App* enrich_load = nullptr;
  CLI::App* enrich_info = nullptr;
  CLI::App* score_train = nullptr;
  CLI::App* score_rescore = nullptr;
  CLI::App* score_models = nullptr;
  CLI::App* jobs_run = nullptr;
  CLI::App* jobs_list = nullptr;
  std::string file, mode = "replace", user, object = "opportunities", models_object, job, now, org;
  uint64_t seed = 42;
  double test_fraction = 0.25;
  int resamples = 1000;
  bool json = false, progress = false, quiet = false, no_score_open = false;
};

namespace {

int Fail(const Status& st) {
  std::fprintf(stderr, "rapport: %s\n", st.ToString().c_str());
  switch (st.code()) {
    case Status::Code::kInvalidArgument: return 2;
    case Status::Code::kNotFound: return 3;
    case Status::Code::kUnavailable: return 4;
    case Status::Code::kConflict: return 5;
    case Status::Code::kUnprocessable: return 6;
    default: return 1;
  }
}

// The administrator the command acts as: --user, or the only organisation's first administrator.
Result<TenantScope> AdminScope(Conn* c, const std::string& email) {
  Rows r;
  if (!email.empty()) {
    std::string e = email;
    for (auto& ch : e) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    RP_ASSIGN_OR_RETURN(r, c->Query("SELECT org_id, id, role FROM users WHERE email = ? AND deleted_at IS NULL", {Value{e}}));
    if (r.empty()) return Status::NotFound("no user with email " + e);
    if (r.size() > 1) return Status::InvalidArgument("several organisations have a user " + e, "user");
    if (ValueToString(r.rows[0][2]) != "admin") return Status::PermissionDenied(e + " is not an administrator");
  } else {
    RP_ASSIGN_OR_RETURN(Rows orgs, c->Query("SELECT id FROM organisations"));
    if (orgs.empty()) return Status::NotFound("the database has no organisation yet: run rapport init first");
    if (orgs.size() > 1)
      return Status::InvalidArgument("the database has several organisations: name an administrator with --user EMAIL",
                                     "user");
    RP_ASSIGN_OR_RETURN(r, c->Query("SELECT org_id, id FROM users WHERE org_id = ? AND role = 'admin' AND deleted_at IS "
                                    "NULL ORDER BY created_at, id LIMIT 1",
                                    {orgs.rows[0][0]}));
    if (r.empty()) return Status::NotFound("the organisation has no administrator; use --user EMAIL");
  }
  return TenantScope::ForOperator(ValueToString(r.rows[0][0]), ValueToString(r.rows[0][1]));
}

// A progress line on stderr, shown once the work has taken more than a second.
class PhaseBar {
 public:
  explicit PhaseBar(bool enabled) : enabled_(enabled), start_(std::chrono::steady_clock::now()) {}
  void Update(const std::string& phase, double done) {
    if (!enabled_) return;
    auto now = std::chrono::steady_clock::now();
    double secs = std::chrono::duration<double>(now - start_).count();
    if (secs < 1.0 || (now - last_ < std::chrono::milliseconds(150) && phase == phase_)) return;
    last_ = now;
    phase_ = phase;
    if (done < 0) done = 0;
    if (done > 1) done = 1;
    int width = 30, fill = static_cast<int>(done * width);
    std::string bar(static_cast<size_t>(fill), '#');
    bar.append(static_cast<size_t>(width - fill), '.');
    std::fprintf(stderr, "\r[%s] %3d%%  %-24s %5.1fs", bar.c_str(), static_cast<int>(done * 100), phase.c_str(), secs);
    std::fflush(stderr);
    shown_ = true;
  }
  void Done() {
    if (shown_) std::fprintf(stderr, "\r%-80s\r", "");
  }

 private:
  bool enabled_, shown_ = false;
  std::chrono::steady_clock::time_point start_, last_;
  std::string phase_;
};

// A clock fixed at one instant (jobs run --now).
class FixedClock : public Clock {
 public:
  explicit FixedClock(int64_t ms) : ms_(ms) {}
  int64_t NowMillis() const override { return ms_; }

 private:
  int64_t ms_;
};

}  // namespace

std::shared_ptr<LeadCommands> AddLeadCommands(CLI::App* app, const std::function<void(CLI::App*)>& add_db) {
  auto c = std::make_shared<LeadCommands>();
  auto* enrich = app->add_subcommand("enrich", "Lead enrichment: the company reference of the offline provider");
  enrich->require_subcommand(1);
  c->enrich_load = enrich->add_subcommand(
      "load", "Load a company reference file (CSV or XLSX): a domain column (or website) and any of name, industry, "
              "employees, employee_band, country");
  add_db(c->enrich_load);
  c->enrich_load->add_option("FILE", c->file, "The reference file")->required();
  c->enrich_load->add_option("--mode", c->mode, "replace the whole reference, or merge rows by domain")
      ->check(CLI::IsMember({"replace", "merge"}))
      ->capture_default_str();
  c->enrich_load->add_option("--user", c->user, "The administrator loading it (default: the first administrator)");
  c->enrich_info = enrich->add_subcommand("info", "Show the loaded company reference (version, companies, file)");
  add_db(c->enrich_info);

  auto* score = app->add_subcommand("score", "Lead and deal scoring: rules and predictive models");
  score->require_subcommand(1);
  c->score_train = score->add_subcommand(
      "train", "Learn a predictive score from the organisation's history (won vs lost deals, or converted vs "
               "disqualified leads); reports the held-out AUC with a bootstrap 95% interval beside the rule score's");
  add_db(c->score_train);
  c->score_train->add_option("--object", c->object, "opportunities or leads")
      ->check(CLI::IsMember({"opportunities", "leads"}))
      ->capture_default_str();
  c->score_train->add_option("--seed", c->seed, "Seed of the split, folds and bootstrap")->capture_default_str();
  c->score_train->add_option("--test-fraction", c->test_fraction, "Share of the history held out")
      ->check(CLI::Range(0.05, 0.95))
      ->capture_default_str();
  c->score_train->add_option("--resamples", c->resamples, "Bootstrap resamples for the AUC interval")
      ->check(CLI::Range(100, 100000))
      ->capture_default_str();
  c->score_train->add_flag("--json", c->json, "Print the report as JSON");
  c->score_train->add_flag("--progress", c->progress, "Show the progress bar even when stderr is not a terminal");
  c->score_train->add_flag("--quiet", c->quiet, "No progress bar");
  c->score_train->add_flag("--no-score-open", c->no_score_open, "Do not score the open records with the new model");
  c->score_train->add_option("--user", c->user, "The administrator training it (default: the first administrator)");
  c->score_rescore = score->add_subcommand("rescore", "Recompute every lead's rule score (and predicted score)");
  add_db(c->score_rescore);
  c->score_rescore->add_option("--user", c->user, "The administrator (default: the first administrator)");
  c->score_models = score->add_subcommand("models", "List the trained models with their held-out AUC");
  add_db(c->score_models);
  c->score_models->add_option("--object", c->models_object, "Only models of opportunities or leads");

  auto* jobs = app->add_subcommand("jobs", "Background jobs (rapport serve runs them on their schedule)");
  jobs->require_subcommand(1);
  c->jobs_run = jobs->add_subcommand("run", "Run a job now for every organisation: escalation (overdue first "
                                            "responses), retrain (predictive models), reminders (activities' "
                                            "remind_at), email (deliver queued e-mail; needs RAPPORT_SMTP_URL) or renewals "
                                            "(renewal deals ahead of contract ends)");
  add_db(c->jobs_run);
  c->jobs_run->add_option("JOB", c->job, "escalation, retrain, reminders, email or renewals")
      ->required()
      ->check(CLI::IsMember({"escalation", "retrain", "reminders", "email", "renewals"}));  // issue 5: reminders, email, renewals
  c->jobs_run->add_option("--now", c->now, "Run as if it were this instant (ISO 8601), e.g. to replay an escalation");
  c->jobs_run->add_option("--org", c->org, "Only this organisation (id)");
  c->jobs_list = jobs->add_subcommand("list", "Each job's schedule and last run per organisation");
  add_db(c->jobs_list);
  return c;
}

int RunLeadCommands(const LeadCommands& cmd, const std::string& db) {
  bool any = cmd.enrich_load->parsed() || cmd.enrich_info->parsed() || cmd.score_train->parsed() ||
             cmd.score_rescore->parsed() || cmd.score_models->parsed() || cmd.jobs_run->parsed() ||
             cmd.jobs_list->parsed();
  if (!any) return -1;
  auto store = OpenStore(db);
  if (!store.ok()) return Fail(store.status());
  auto conn = (*store)->Connect();
  if (!conn.ok()) return Fail(conn.status());
  Conn* c = conn->get();
  Status mig = Migrate(c);
  if (!mig.ok()) return Fail(mig);

  if (cmd.jobs_run->parsed() || cmd.jobs_list->parsed()) {
    JobScheduler scheduler(store->get());
    AddLeadJobs(&scheduler);
    AddCommitmentJobs(&scheduler);  // issue 5: reminders, e-mail delivery
    if (cmd.jobs_list->parsed()) {
      auto rows = c->Query("SELECT org_id, job, next_run_at, last_started_at, last_finished_at, status, message FROM "
                           "job_runs ORDER BY org_id, job");
      if (!rows.ok()) return Fail(rows.status());
      std::printf("%-26s  %-10s  %-24s  %-24s  %-7s  %s\n", "ORG", "JOB", "NEXT RUN", "LAST FINISHED", "STATUS", "MESSAGE");
      for (auto& r : rows->rows) {
        std::printf("%-26s  %-10s  %-24s  %-24s  %-7s  %s\n", ValueToString(r[0]).c_str(), ValueToString(r[1]).c_str(),
                    ValueToString(r[2]).c_str(), ValueToString(r[4]).c_str(), ValueToString(r[5]).c_str(),
                    ValueToString(r[6]).c_str());
      }
      return 0;
    }
    std::unique_ptr<FixedClock> fixed;
    if (!cmd.now.empty()) {
      int64_t ms = 0;
      if (!ParseDateTime(cmd.now, &ms)) return Fail(Status::InvalidArgument("--now: an ISO 8601 date-time", "now"));
      fixed = std::make_unique<FixedClock>(ms);
      Clock::Set(fixed.get());
    }
    auto runs = scheduler.RunNow(c, cmd.job, Clock::Get().NowMillis(), cmd.org);
    if (fixed) Clock::Set(nullptr);
    if (!runs.ok()) return Fail(runs.status());
    int rc = 0;
    for (const auto& r : *runs) {
      std::printf("%s %s: %s%s\n", r.job.c_str(), r.org_id.c_str(), r.ok ? "" : "FAILED: ", r.message.c_str());
      if (!r.ok) rc = 1;
    }
    return rc;
  }

  auto scope = AdminScope(c, cmd.user);
  if (!scope.ok()) return Fail(scope.status());
  if (cmd.enrich_info->parsed()) {
    auto info = CompanyReferenceInfo(c, *scope);
    if (!info.ok()) return Fail(info.status());
    std::printf("%s\n", info->dump(2).c_str());
    return 0;
  }
  if (cmd.enrich_load->parsed()) {
    std::string name = cmd.file;
    size_t slash = name.find_last_of('/');
    if (slash != std::string::npos) name = name.substr(slash + 1);
    auto r = LoadCompanyReference(c, *scope, cmd.file, name, cmd.mode == "replace");
    if (!r.ok()) return Fail(r.status());
    for (const auto& n : r->notes) std::printf("%s\n", n.c_str());
    std::printf("read %lld rows: %lld companies loaded, %lld skipped (reference version %lld)\n",
                static_cast<long long>(r->rows_read), static_cast<long long>(r->loaded),
                static_cast<long long>(r->skipped), static_cast<long long>(r->version));
    for (const auto& e : r->errors) std::printf("  %s\n", e.c_str());
    return 0;
  }
  auto cat = LoadCatalog(c, scope->org_id());
  if (!cat.ok()) return Fail(cat.status());
  if (cmd.score_models->parsed()) {
    auto r = ListScoreModels(c, *scope, cmd.models_object);
    if (!r.ok()) return Fail(r.status());
    std::printf("%-26s  %-13s  %-24s  %-6s  %-22s  %-22s  %s\n", "ID", "OBJECT", "CREATED", "ACTIVE", "AUC [95% CI]",
                "RULE AUC [95% CI]", "TRAIN/TEST");
    for (const auto& m : (*r)["data"]) {
      auto f = [](const nlohmann::json& v) { return v.is_number() ? v.get<double>() : std::nan(""); };
      char auc[64], rule[64];
      std::snprintf(auc, sizeof auc, "%.3f [%.3f, %.3f]", f(m["auc"]), f(m["auc_ci95"][0]), f(m["auc_ci95"][1]));
      std::snprintf(rule, sizeof rule, "%.3f [%.3f, %.3f]", f(m["rule_auc"]), f(m["rule_auc_ci95"][0]),
                    f(m["rule_auc_ci95"][1]));
      std::printf("%-26s  %-13s  %-24s  %-6s  %-22s  %-22s  %.0f/%.0f\n", m["id"].get<std::string>().c_str(),
                  m["object"].get<std::string>().c_str(), m["created_at"].get<std::string>().c_str(),
                  m["active"].get<bool>() ? "yes" : "no", auc, rule, f(m["n_train"]), f(m["n_test"]));
    }
    return 0;
  }
  if (cmd.score_rescore->parsed()) {
    auto r = RescoreLeads(c, *scope, **cat, {});
    if (!r.ok()) return Fail(r.status());
    std::printf("%lld leads scored: %lld changed, %lld qualified\n", static_cast<long long>(r->scanned),
                static_cast<long long>(r->changed), static_cast<long long>(r->qualified));
    return 0;
  }
  // score train
  TrainOptions o;
  o.object = cmd.object;
  o.seed = cmd.seed;
  o.test_fraction = cmd.test_fraction;
  o.resamples = cmd.resamples;
  o.score_open = !cmd.no_score_open;
  PhaseBar bar(!cmd.quiet && !cmd.json && (cmd.progress || isatty(STDERR_FILENO)));
  o.progress = [&bar](const std::string& phase, double done) { bar.Update(phase, done); };
  auto r = TrainScoreModel(c, *scope, **cat, o);
  bar.Done();
  if (!r.ok()) return Fail(r.status());
  if (cmd.json) std::printf("%s\n", r->ToJson().dump(2).c_str());
  else std::printf("%s", r->ToText().c_str());
  return 0;
}

}  // namespace rapport
