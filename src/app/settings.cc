#include "app/settings.h"

#include <cstdlib>

#include "base/time.h"
#include "domain/business_hours.h"

namespace rapport {

Result<OrgSettings> LoadSettings(Conn* c, const std::string& org_id) {
  OrgSettings out;
  RP_ASSIGN_OR_RETURN(Rows rows, c->Query("SELECT key, value FROM org_settings WHERE org_id = ?", {Value{org_id}}));
  for (auto& r : rows.rows) {
    std::string key = ValueToString(r[0]), value = ValueToString(r[1]);
    if (key == "quote_approval_discount_pct") out.quote_approval_discount_pct = std::strtod(value.c_str(), nullptr);
    if (key == "business_hours") out.business_hours = value;
    if (key == "utc_offset_minutes") out.utc_offset_minutes = std::atoi(value.c_str());
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
  } else {
    return Status::InvalidArgument("unknown setting '" + key + "'", key);
  }
  auto r = c->Exec(
      "INSERT INTO org_settings (org_id, key, value, updated_at) VALUES (?, ?, ?, ?) "
      "ON CONFLICT (org_id, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
      {Value{s.org_id()}, Value{key}, Value{value}, Value{NowIso()}});
  return r.ok() ? Status::Ok() : r.status();
}

}  // namespace rapport
