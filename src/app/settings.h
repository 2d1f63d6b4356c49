// Organisation settings: small typed values with defaults, stored as
// key/value rows in org_settings (quote approval threshold, business hours,
// SLA targets, ...).
#pragma once

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
};

Result<OrgSettings> LoadSettings(Conn* c, const std::string& org_id);
// Sets one known setting (admin only); InvalidArgument for unknown keys or values.
Status SetSetting(Conn* c, const TenantScope& s, const std::string& key, const std::string& value);

}  // namespace rapport
