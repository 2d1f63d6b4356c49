// Organisation set-up: the first organisation, its administrator and the
// default pipeline.
#pragma once

#include <string>

#include "base/status.h"
#include "store/conn.h"

namespace rapport {

struct InitResult {
  std::string org_id;
  std::string admin_id;
  std::string admin_email;
  std::string password;  // one-time password, printed once, never stored
  bool created = false;  // false: the organisation already existed
};

// Creates an organisation named `org_name` with an administrator `admin_email`
// (random password) and a default sales pipeline, in one transaction. If an
// organisation with this administrator email already exists, returns it with
// created=false and changes nothing.
Result<InitResult> InitOrganisation(Conn* c, const std::string& org_name, const std::string& admin_email);

// Number of organisations in the database.
Result<int64_t> CountOrganisations(Conn* c);

}  // namespace rapport
