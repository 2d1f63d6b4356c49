// TenantScope: who is asking, inside which organisation.
//
// Every store function that touches organisation data takes one, so a query
// without a tenant cannot be written. Scopes are made by the authentication
// layer (app/auth) from a verified session or token, and by trusted operator
// paths (CLI, init) through ForOperator(). Plain value; thread-compatible.
#pragma once

#include <string>
#include <vector>

namespace rapport {

enum class Role { kAdmin, kManager, kRep };
const char* RoleName(Role r);
bool ParseRole(const std::string& s, Role* out);

class TenantScope {
 public:
  const std::string& org_id() const { return org_id_; }
  const std::string& user_id() const { return user_id_; }
  Role role() const { return role_; }
  // Teams whose shared records this user sees: their own team, plus for a
  // manager every team they manage.
  const std::vector<std::string>& team_ids() const { return team_ids_; }
  bool is_admin() const { return role_ == Role::kAdmin; }

  // For authentication code and operator commands only.
  static TenantScope Make(std::string org_id, std::string user_id, Role role, std::vector<std::string> team_ids) {
    TenantScope s;
    s.org_id_ = std::move(org_id);
    s.user_id_ = std::move(user_id);
    s.role_ = role;
    s.team_ids_ = std::move(team_ids);
    return s;
  }
  // An administrator-level scope for operator commands (CLI) in `org_id`.
  static TenantScope ForOperator(std::string org_id, std::string user_id = {}) {
    return Make(std::move(org_id), std::move(user_id), Role::kAdmin, {});
  }

 private:
  TenantScope() = default;
  std::string org_id_;
  std::string user_id_;
  Role role_ = Role::kRep;
  std::vector<std::string> team_ids_;
};

}  // namespace rapport
