#include "app/auth.h"

#include <algorithm>

#include "base/ids.h"
#include "base/log.h"
#include "base/time.h"

namespace rapport {

namespace {

// Splits "<prefix><org><sep><secret>" into org and secret.
bool SplitToken(const std::string& token, const std::string& prefix, char sep, std::string* org, std::string* secret) {
  if (token.size() > 200 || token.rfind(prefix, 0) != 0) return false;
  size_t pos = token.find(sep, prefix.size());
  if (pos == std::string::npos || pos == prefix.size() || pos + 1 >= token.size()) return false;
  *org = token.substr(prefix.size(), pos - prefix.size());
  *secret = token.substr(pos + 1);
  for (char ch : *org) {
    if (!std::isalnum(static_cast<unsigned char>(ch))) return false;
  }
  return true;
}

int64_t NowMs() { return Clock::Get().NowMillis(); }

// A valid argon2id hash of a random string, verified against unknown emails
// so that "no such user" and "wrong password" take the same time.
const std::string& DummyHash() {
  static const std::string h = HashPassword(RandomToken(16));
  return h;
}

}  // namespace

// The user columns a Principal is built from (PrincipalFromRow reads them in
// this order), joined to the organisation for its metadata version.
#define RP_PRINCIPAL_COLUMNS \
  "u.email, u.name, u.role, u.team_id, u.active, o.meta_version, u.must_change_password, u.id "

Result<Principal> Auth::LoadPrincipal(Conn* c, const std::string& org_id, const std::string& user_id) {
  RP_ASSIGN_OR_RETURN(Rows r, c->Query("SELECT " RP_PRINCIPAL_COLUMNS
                                       "FROM users u JOIN organisations o ON o.id = u.org_id "
                                       "WHERE u.org_id = ? AND u.id = ? AND u.deleted_at IS NULL",
                                       {Value{org_id}, Value{user_id}}));
  if (r.empty()) return Status::Unauthenticated("user no longer exists");
  return PrincipalFromRow(c, org_id, r.rows[0], 0);
}

Result<Principal> Auth::PrincipalFromRow(Conn* c, const std::string& org_id, const std::vector<Value>& all, size_t at) {
  std::vector<Value> row(all.begin() + static_cast<long>(at), all.end());
  std::string user_id = ValueToString(row[7]);
  if (auto* a = std::get_if<int64_t>(&row[4]); a && *a == 0) return Status::Unauthenticated("user is deactivated");
  Role role = Role::kRep;
  ParseRole(ValueToString(row[2]), &role);
  std::vector<std::string> teams;
  if (!IsNull(row[3])) teams.push_back(ValueToString(row[3]));
  if (role == Role::kManager) {
    RP_ASSIGN_OR_RETURN(Rows m, c->Query("SELECT id FROM teams WHERE org_id = ? AND manager_id = ? AND deleted_at IS NULL",
                                         {Value{org_id}, Value{user_id}}));
    for (auto& t : m.rows) {
      std::string id = ValueToString(t[0]);
      if (std::find(teams.begin(), teams.end(), id) == teams.end()) teams.push_back(id);
    }
  }
  Principal p;
  p.scope = TenantScope::Make(org_id, user_id, role, std::move(teams));
  p.email = ValueToString(row[0]);
  p.name = ValueToString(row[1]);
  p.meta_version = std::get<int64_t>(row[5]);
  p.must_change_password = std::get_if<int64_t>(&row[6]) && std::get<int64_t>(row[6]) != 0;
  return p;
}

Result<Principal> Auth::AuthenticateToken(Conn* c, const std::string& token) {
  std::string org, secret;
  if (!SplitToken(token, "rpt_", '_', &org, &secret)) return Status::Unauthenticated("malformed API token");
  // One statement: the token, its user and the organisation.
  RP_ASSIGN_OR_RETURN(Rows r, c->Query("SELECT t.revoked_at, " RP_PRINCIPAL_COLUMNS
                                       "FROM api_tokens t JOIN users u ON u.org_id = t.org_id AND u.id = t.user_id "
                                       "AND u.deleted_at IS NULL JOIN organisations o ON o.id = t.org_id "
                                       "WHERE t.org_id = ? AND t.token_hash = ?",
                                       {Value{org}, Value{Sha256Hex(token)}}));
  if (r.empty() || !IsNull(r.rows[0][0])) return Status::Unauthenticated("invalid or revoked API token");
  return PrincipalFromRow(c, org, r.rows[0], 1);
}

Result<Principal> Auth::AuthenticateSession(Conn* c, const std::string& cookie) {
  std::string org, secret;
  if (!SplitToken(cookie, "", '.', &org, &secret)) return Status::Unauthenticated("malformed session");
  RP_ASSIGN_OR_RETURN(Rows r, c->Query("SELECT id, user_id, csrf_token, expires_at FROM sessions "
                                       "WHERE org_id = ? AND token_hash = ?",
                                       {Value{org}, Value{Sha256Hex(cookie)}}));
  if (r.empty()) return Status::Unauthenticated("session expired or signed out");
  if (ValueToString(r.rows[0][3]) < NowIso()) return Status::Unauthenticated("session expired");
  RP_ASSIGN_OR_RETURN(Principal p, LoadPrincipal(c, org, ValueToString(r.rows[0][1])));
  p.via_session = true;
  p.session_id = ValueToString(r.rows[0][0]);
  p.csrf_token = ValueToString(r.rows[0][2]);
  return p;
}

Result<LoginResult> Auth::Login(Conn* c, const std::string& email_in, const std::string& password,
                                const std::string& client_ip, const std::string& org_hint, int* delay_ms,
                                const LoginOptions& opts) {
  *delay_ms = 0;
  std::string email = email_in;
  std::transform(email.begin(), email.end(), email.begin(), [](unsigned char ch) { return std::tolower(ch); });
  const std::string email_key = "email:" + email;
  const std::string ip_key = "ip:" + client_ip;
  const int64_t now = NowMs();

  // 1. Refuse while locked.
  for (const auto& key : {email_key, ip_key}) {
    RP_ASSIGN_OR_RETURN(Rows r, c->Query("SELECT locked_until_ms FROM login_attempts WHERE attempt_key = ?",
                                         {Value{key}}));
    if (!r.empty() && std::get<int64_t>(r.rows[0][0]) > now) {
      int64_t secs = (std::get<int64_t>(r.rows[0][0]) - now + 999) / 1000;
      return Status::RateLimited("too many failed sign-in attempts; try again in " + std::to_string(secs) +
                                 " seconds");
    }
  }

  // 2. Find the user and verify the password (always spending the hash time).
  std::string sql = "SELECT org_id, id, password_hash, active FROM users WHERE email = ? AND deleted_at IS NULL";
  std::vector<Value> params{Value{email}};
  if (!org_hint.empty()) {
    sql += " AND org_id = ?";
    params.emplace_back(org_hint);
  }
  RP_ASSIGN_OR_RETURN(Rows users, c->Query(sql, params));
  if (users.size() > 1) return Status::InvalidArgument("this email exists in several organisations: give \"org\"", "org");
  bool ok = false;
  std::string org_id, user_id;
  if (users.size() == 1) {
    const auto& row = users.rows[0];
    org_id = ValueToString(row[0]);
    user_id = ValueToString(row[1]);
    bool active = !std::get_if<int64_t>(&row[3]) || std::get<int64_t>(row[3]) != 0;
    std::string hash = ValueToString(row[2]);
    ok = VerifyPassword(hash.empty() ? DummyHash() : hash, password) && !hash.empty() && active;
  } else {
    VerifyPassword(DummyHash(), password);
  }

  if (!ok) {
    // 3. Count the failure against the email and the client address.
    int failures = 0;
    Status st = InTransaction(c, TxMode::kWrite, [&]() -> Status {
      for (const auto& [key, max] : {std::pair<std::string, int>{email_key, opts.max_failures_per_email},
                                     std::pair<std::string, int>{ip_key, opts.max_failures_per_ip}}) {
        RP_ASSIGN_OR_RETURN(Rows r, c->Query("SELECT failures, window_start_ms FROM login_attempts WHERE attempt_key = ?",
                                             {Value{key}}));
        int64_t n = 1, start = now;
        if (!r.empty() && now - std::get<int64_t>(r.rows[0][1]) < opts.window_seconds * 1000LL) {
          n = std::get<int64_t>(r.rows[0][0]) + 1;
          start = std::get<int64_t>(r.rows[0][1]);
        }
        int64_t locked = n >= max ? now + opts.lock_seconds * 1000LL : 0;
        auto up = c->Exec(
            "INSERT INTO login_attempts (attempt_key, failures, window_start_ms, locked_until_ms) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (attempt_key) DO UPDATE SET failures = excluded.failures, "
            "window_start_ms = excluded.window_start_ms, locked_until_ms = excluded.locked_until_ms",
            {Value{key}, Value{n}, Value{start}, Value{locked}});
        if (!up.ok()) return up.status();
        if (key == email_key) failures = static_cast<int>(n);
      }
      return Status::Ok();
    });
    RP_RETURN_IF_ERROR(st);
    *delay_ms = std::min(250 * failures, 2000);
    spdlog::warn("login failed for {} from {} ({} recent failures)", email, client_ip, failures);
    return Status::Unauthenticated("wrong email or password");
  }

  // 4. Success: forget the email's failures, open a session.
  LoginResult out;
  out.session_token = org_id + "." + RandomToken(32);
  out.csrf_token = RandomToken(24);
  out.expires_in_s = opts.session_seconds;
  const std::string session_id = NewId();
  Status st = InTransaction(c, TxMode::kWrite, [&]() -> Status {
    auto d = c->Exec("DELETE FROM login_attempts WHERE attempt_key = ?", {Value{email_key}});
    if (!d.ok()) return d.status();
    auto ins = c->Exec(
        "INSERT INTO sessions (org_id, id, user_id, token_hash, csrf_token, created_at, expires_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        {Value{org_id}, Value{session_id}, Value{user_id}, Value{Sha256Hex(out.session_token)}, Value{out.csrf_token},
         Value{NowIso()}, Value{FormatIsoMillis(now + opts.session_seconds * 1000)}});
    if (!ins.ok()) return ins.status();
    auto up = c->Exec("UPDATE users SET last_login_at = ? WHERE org_id = ? AND id = ?",
                      {Value{NowIso()}, Value{org_id}, Value{user_id}});
    return up.ok() ? Status::Ok() : up.status();
  });
  RP_RETURN_IF_ERROR(st);
  RP_ASSIGN_OR_RETURN(out.principal, LoadPrincipal(c, org_id, user_id));
  out.principal.via_session = true;
  out.principal.session_id = session_id;
  out.principal.csrf_token = out.csrf_token;
  spdlog::info("login: {} signed in from {}", email, client_ip);
  return out;
}

Status Auth::Logout(Conn* c, const Principal& p) {
  if (p.session_id.empty()) return Status::Ok();
  auto r = c->Exec("DELETE FROM sessions WHERE org_id = ? AND id = ?",
                   {Value{p.scope.org_id()}, Value{p.session_id}});
  return r.ok() ? Status::Ok() : r.status();
}

Result<std::string> Auth::CreateToken(Conn* c, const std::string& email_in, const std::string& name) {
  std::string email = email_in;
  std::transform(email.begin(), email.end(), email.begin(), [](unsigned char ch) { return std::tolower(ch); });
  RP_ASSIGN_OR_RETURN(Rows u, c->Query("SELECT org_id, id FROM users WHERE email = ? AND deleted_at IS NULL",
                                       {Value{email}}));
  if (u.empty()) return Status::NotFound("no user with email " + email);
  if (u.size() > 1) return Status::InvalidArgument("email exists in several organisations", "email");
  std::string org = ValueToString(u.rows[0][0]);
  std::string token = "rpt_" + org + "_" + RandomToken(32);
  auto r = c->Exec(
      "INSERT INTO api_tokens (org_id, id, user_id, name, token_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)",
      {Value{org}, Value{NewId()}, u.rows[0][1], name.empty() ? Value{} : Value{name}, Value{Sha256Hex(token)},
       Value{NowIso()}});
  if (!r.ok()) return r.status();
  return token;
}

Status Auth::RevokeToken(Conn* c, const std::string& token_id) {
  RP_ASSIGN_OR_RETURN(int64_t n, c->Exec("UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                                         {Value{NowIso()}, Value{token_id}}));
  if (n == 0) return Status::NotFound("no active token with id " + token_id);
  return Status::Ok();
}

Status Auth::SetPassword(Conn* c, const TenantScope& scope, const std::string& user_id, const std::string& password,
                         bool one_time) {
  if (password.size() < 10) return Status::InvalidArgument("password must have at least 10 characters", "password");
  if (password.size() > 1024) return Status::InvalidArgument("password is too long", "password");
  std::string hash = HashPassword(password);
  if (hash.empty()) return Status::Internal("cannot hash password (out of memory?)");
  RP_ASSIGN_OR_RETURN(int64_t n, c->Exec("UPDATE users SET password_hash = ?, must_change_password = ? "
                                         "WHERE org_id = ? AND id = ?",
                                         {Value{hash}, Value{int64_t{one_time ? 1 : 0}}, Value{scope.org_id()},
                                          Value{user_id}}));
  if (n == 0) return Status::NotFound("user " + user_id + " not found");
  return Status::Ok();
}

Status Auth::ChangePassword(Conn* c, const Principal& p, const std::string& current, const std::string& next) {
  RP_ASSIGN_OR_RETURN(Rows r, c->Query("SELECT password_hash FROM users WHERE org_id = ? AND id = ?",
                                       {Value{p.scope.org_id()}, Value{p.scope.user_id()}}));
  if (r.empty() || !VerifyPassword(ValueToString(r.rows[0][0]), current))
    return Status::InvalidArgument("current_password: is wrong", "current_password");
  if (next == current) return Status::InvalidArgument("new_password: must differ from the current one", "new_password");
  Status st = SetPassword(c, p.scope, p.scope.user_id(), next, false);
  if (!st.ok() && st.code() == Status::Code::kInvalidArgument)
    return Status::InvalidArgument("new_password: " + st.message(), "new_password");
  return st;
}

std::optional<Principal> PrincipalCache::Find(const std::string& credential) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(credential);
  if (it == entries_.end()) return std::nullopt;
  if (it->second.generation != generation() || it->second.expires < std::chrono::steady_clock::now()) {
    entries_.erase(it);
    return std::nullopt;
  }
  return it->second.principal;
}

void PrincipalCache::Put(const std::string& credential, uint64_t generation, const Principal& p) {
  std::lock_guard<std::mutex> lock(mu_);
  if (generation != this->generation()) return;  // loaded before an invalidation
  if (entries_.size() >= max_entries_) entries_.clear();
  entries_[credential] = Entry{p, generation, std::chrono::steady_clock::now() + ttl_};
}

void PrincipalCache::Invalidate() {
  std::lock_guard<std::mutex> lock(mu_);
  generation_.fetch_add(1, std::memory_order_acq_rel);
  entries_.clear();
}

}  // namespace rapport
