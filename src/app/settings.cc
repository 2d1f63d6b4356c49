#include "app/settings.h"

#include <cmath>
#include <cstdlib>

#include "base/time.h"
#include "domain/business_hours.h"
#include "domain/recurrence.h"  // issue 5: IsKnownTimeZone

namespace rapport {

Result<OrgSettings> LoadSettings(Conn* c, const std::string& org_id) {
  OrgSettings out;
  RP_ASSIGN_OR_RETURN(Rows rows, c->Query("SELECT key, value FROM org_settings WHERE org_id = ?", {Value{org_id}}));
  for (auto& r : rows.rows) {
    std::string key = ValueToString(r[0]), value = ValueToString(r[1]);
    if (key == "quote_approval_discount_pct") out.quote_approval_discount_pct = std::strtod(value.c_str(), nullptr);
    if (key == "business_hours") out.business_hours = value;
    if (key == "utc_offset_minutes") out.utc_offset_minutes = std::atoi(value.c_str());
    // issue 4: leads (docs/decisions/012)
    if (key == "auto_qualify_score" && !value.empty()) out.auto_qualify_score = std::strtod(value.c_str(), nullptr);
    if (key == "first_response_target_minutes") out.first_response_target_minutes = std::atoi(value.c_str());
    if (key == "first_response_escalation") out.first_response_escalation = value;
    if (key == "predictive_retrain_hours") out.predictive_retrain_hours = std::atoi(value.c_str());
    // issue 5: renewals, time zone (docs/decisions/015)
    if (key == "renewal_lead_days") out.renewal_lead_days = std::atoi(value.c_str());
    if (key == "renewal_pipeline_id") out.renewal_pipeline_id = value;
    if (key == "time_zone") out.time_zone = value;
    if (key == "call_retry_hours") out.call_retry_hours = std::atoi(value.c_str());
    if (key == "call_max_attempts") out.call_max_attempts = std::atoi(value.c_str());
  }
  return out;
}

Status SetSetting(Conn* c, const TenantScope& s, const std::string& key, const std::string& value) {
  if (!s.is_admin()) return Status::PermissionDenied("only administrators may change settings");
  if (key == "quote_approval_discount_pct") {
    char* end = nullptr;
    double d = std::strtod(value.c_str(), &end);
    if (value.empty() || *end || d < 0 || d > 100)
      return Status::InvalidArgument(key + ": a percentage from 0 to 100", key);
  } else if (key == "business_hours") {
    auto bh = ParseBusinessHours(value, 0);
    if (!bh.ok()) return bh.status();
  } else if (key == "utc_offset_minutes") {
    char* end = nullptr;
    long m = std::strtol(value.c_str(), &end, 10);
    if (value.empty() || *end || m < -14 * 60 || m > 14 * 60)
      return Status::InvalidArgument(key + ": minutes from -840 to 840", key);
  } else if (key == "auto_qualify_score") {  // issue 4: leads
    if (value.empty() || value == "null") {
      auto r = c->Exec("DELETE FROM org_settings WHERE org_id = ? AND key = ?", {Value{s.org_id()}, Value{key}});
      return r.ok() ? Status::Ok() : r.status();
    }
    char* end = nullptr;
    double d = std::strtod(value.c_str(), &end);
    if (*end || !std::isfinite(d) || d < -1e6 || d > 1e6)
      return Status::InvalidArgument(key + ": a score from -1000000 to 1000000, or null for never", key);
  } else if (key == "first_response_target_minutes" || key == "predictive_retrain_hours") {
    char* end = nullptr;
    long m = std::strtol(value.c_str(), &end, 10);
    long hi = key == "predictive_retrain_hours" ? 24 * 366 : 60 * 24 * 30;
    long lo = key == "predictive_retrain_hours" ? 0 : 1;
    if (value.empty() || *end || m < lo || m > hi)
      return Status::InvalidArgument(key + ": a whole number from " + std::to_string(lo) + " to " + std::to_string(hi), key);
  } else if (key == "call_retry_hours" || key == "call_max_attempts") {  // issue 4: call lists
    char* end = nullptr;
    long n = std::strtol(value.c_str(), &end, 10);
    long hi = key == "call_retry_hours" ? 24 * 90 : 50;
    if (value.empty() || *end || n < 1 || n > hi)
      return Status::InvalidArgument(key + ": a whole number from 1 to " + std::to_string(hi), key);
  } else if (key == "first_response_escalation") {
    if (value != "notify" && value != "reassign")
      return Status::InvalidArgument(key + ": notify (the owner's manager) or reassign (to the next rep)", key);
  } else if (key == "renewal_lead_days") {  // issue 5: renewals
    char* end = nullptr;
    long d = std::strtol(value.c_str(), &end, 10);
    if (value.empty() || *end || d < 1 || d > 730)
      return Status::InvalidArgument(key + ": a whole number of days from 1 to 730", key);
  } else if (key == "renewal_pipeline_id" || key == "time_zone") {  // issue 5: renewals, time zone
    if (value.empty() || value == "null") {
      auto r = c->Exec("DELETE FROM org_settings WHERE org_id = ? AND key = ?", {Value{s.org_id()}, Value{key}});
      return r.ok() ? Status::Ok() : r.status();
    }
    if (key == "time_zone" && (value.size() > 64 || !IsKnownTimeZone(value))) {
      return Status::InvalidArgument(key + ": unknown time zone '" + value +
                                         "' (an IANA name such as Europe/Paris, or an offset such as +02:00)",
                                     key);
    }
    if (key == "renewal_pipeline_id") {
      RP_ASSIGN_OR_RETURN(Rows p, c->Query("SELECT 1 FROM pipelines WHERE org_id = ? AND id = ? AND deleted_at IS NULL",
                                           {Value{s.org_id()}, Value{value}}));
      if (p.empty()) return Status::InvalidArgument(key + ": no pipeline with id " + value, key);
    }
  } else {
    return Status::InvalidArgument("unknown setting '" + key + "'", key);
  }
  auto r = c->Exec(
      "INSERT INTO org_settings (org_id, key, value, updated_at) VALUES (?, ?, ?, ?) "
      "ON CONFLICT (org_id, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
      {Value{s.org_id()}, Value{key}, Value{value}, Value{NowIso()}});
  return r.ok() ? Status::Ok() : r.status();
}

nlohmann::json SettingsToJson(const OrgSettings& s) {
  return {{"quote_approval_discount_pct", s.quote_approval_discount_pct},
          {"business_hours", s.business_hours},
          {"utc_offset_minutes", s.utc_offset_minutes},
          {"auto_qualify_score", s.auto_qualify_score ? nlohmann::json(*s.auto_qualify_score) : nlohmann::json(nullptr)},
          {"first_response_target_minutes", s.first_response_target_minutes},
          {"first_response_escalation", s.first_response_escalation},
          {"predictive_retrain_hours", s.predictive_retrain_hours},
          // issue 5: renewals, time zone
          {"renewal_lead_days", s.renewal_lead_days},
          {"renewal_pipeline_id", s.renewal_pipeline_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.renewal_pipeline_id)},
          {"time_zone", s.time_zone.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.time_zone)},
          {"call_retry_hours", s.call_retry_hours},
          {"call_max_attempts", s.call_max_attempts}};
}

}  // namespace rapport
