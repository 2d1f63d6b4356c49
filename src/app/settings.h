// Organisation settings: small typed values with defaults, stored as
// key/value rows in org_settings (quote approval threshold, business hours,
// SLA targets, ...).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "base/status.h"
#include "store/conn.h"
#include "store/scope.h"

namespace rapport {

// Known settings and their defaults.
struct OrgSettings {
  double quote_approval_discount_pct = 20;  // a line discount above this needs a manager's approval
  std::string business_hours = "mon-fri 09:00-17:00";  // for service-level targets
  int utc_offset_minutes = 0;                          // of the business hours
  // Leads (issue 4, docs/decisions/012): a lead in status new or working whose
  // rule score reaches auto_qualify_score becomes qualified (unset = never);
  // a lead assigned by a rule should get its first activity within
  // first_response_target_minutes business minutes, or the escalation job
  // notifies the owner's manager ("notify") or gives it to the next rep
  // ("reassign"); predictive models retrain every predictive_retrain_hours
  // (0 = only by hand).
  std::optional<double> auto_qualify_score;
  int first_response_target_minutes = 60;
  std::string first_response_escalation = "notify";
  int predictive_retrain_hours = 24;
  // Issue 5 (docs/decisions/015): renewal deals are created this many days
  // before a won deal's contract ends, in renewal_pipeline_id (unset: the
  // pipeline named "Renewals", created when missing); time_zone (IANA name or
  // offset) is the zone of users who set none, for recurring tasks and
  // cadence due dates (unset: utc_offset_minutes).
  int renewal_lead_days = 90;
  std::string renewal_pipeline_id;
  std::string time_zone;
  // Call lists (issue 4): a member whose last call found nobody (no_answer,
  // voicemail) comes back call_retry_hours after that call, until it has
  // been called call_max_attempts times; then it drops out.
  int call_retry_hours = 4;
  int call_max_attempts = 3;
};

// Every setting as the API shows it (GET /api/v1/settings).
nlohmann::json SettingsToJson(const OrgSettings& s);

Result<OrgSettings> LoadSettings(Conn* c, const std::string& org_id);
// Sets one known setting (admin only); InvalidArgument for unknown keys or values.
Status SetSetting(Conn* c, const TenantScope& s, const std::string& key, const std::string& value);

}  // namespace rapport
