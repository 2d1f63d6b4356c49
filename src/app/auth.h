// Authentication: passwords (argon2id), sessions with CSRF tokens, API tokens,
// and login throttling. Produces the TenantScope every other call needs.
//
// Secrets are never stored: sessions and API tokens are kept as SHA-256
// hashes. Both carry the organisation id in clear ("rpt_<org>_<secret>" and
// "<org>.<secret>") so that lookups stay keyed by org_id first.
// Stateless functions; thread-safe given one Conn per thread.
#pragma once

#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "base/status.h"
#include "store/conn.h"
#include "store/scope.h"

namespace rapport {

struct Principal {
  TenantScope scope = TenantScope::ForOperator("");
  std::string email;
  std::string name;
  bool via_session = false;  // cookie auth: unsafe requests need the CSRF token
  std::string csrf_token;    // session's CSRF token
  std::string session_id;
  int64_t meta_version = 0;  // organisation metadata version (catalogue cache key)
  bool must_change_password = false;  // signed in with a one-time password
};

struct LoginResult {
  std::string session_token;  // goes in the HttpOnly cookie; never stored
  std::string csrf_token;
  Principal principal;
  int64_t expires_in_s = 0;
};

struct LoginOptions {
  int max_failures_per_email = 5;    // then locked for lock_seconds
  int max_failures_per_ip = 30;
  int window_seconds = 15 * 60;      // failures older than this are forgotten
  int lock_seconds = 15 * 60;
  int64_t session_seconds = 12 * 3600;
};

class Auth {
 public:
  // Verifies "rpt_..." bearer tokens. Unauthenticated on any failure.
  static Result<Principal> AuthenticateToken(Conn* c, const std::string& token);
  // Verifies the session cookie value. Unauthenticated on any failure.
  static Result<Principal> AuthenticateSession(Conn* c, const std::string& cookie);

  // Checks email + password. On failure sets *delay_ms to how long the caller
  // should wait before answering (grows with each failure) and returns
  // Unauthenticated; once locked, RateLimited until the lock ends. `org_id`
  // picks the organisation when the email exists in several.
  static Result<LoginResult> Login(Conn* c, const std::string& email, const std::string& password,
                                   const std::string& client_ip, const std::string& org_id, int* delay_ms,
                                   const LoginOptions& opts = {});
  static Status Logout(Conn* c, const Principal& p);

  // Creates an API token for the user with this email; returns the token
  // (shown once). NotFound if there is no such active user.
  static Result<std::string> CreateToken(Conn* c, const std::string& email, const std::string& name);
  static Status RevokeToken(Conn* c, const std::string& token_id);

  // Sets a user's password (argon2id). InvalidArgument if shorter than 10.
  // `one_time`: the user must choose a new password after signing in with it
  // (set for generated passwords).
  static Status SetPassword(Conn* c, const TenantScope& scope, const std::string& user_id, const std::string& password,
                            bool one_time = false);
  // Replaces the signed-in user's password after checking the current one.
  static Status ChangePassword(Conn* c, const Principal& p, const std::string& current, const std::string& next);

  // The principal of an active user (issue 5: whom a mention or a feed
  // notification may reach is checked with that user's own visibility).
  // Unauthenticated if the user is gone or deactivated.
  static Result<Principal> LoadPrincipal(Conn* c, const std::string& org_id, const std::string& user_id);

 private:
  // Builds a Principal from the principal columns of `row` starting at `at`.
  static Result<Principal> PrincipalFromRow(Conn* c, const std::string& org_id, const std::vector<Value>& row,
                                            size_t at);
};

// A short-lived cache of authenticated principals, keyed by the credential
// (token or session cookie). It saves the token/session query on repeated
// requests. Invalidate() drops every entry; the API calls it after every
// unsafe request, so changes made through this server (a revoked token, a
// new role, a logout, a custom field) apply to the very next request. Changes
// made by another process (the CLI) apply within `ttl`. Entries loaded
// before an invalidation are refused (generation check). Thread-safe.
class PrincipalCache {
 public:
  explicit PrincipalCache(std::chrono::milliseconds ttl = std::chrono::milliseconds{1000}, size_t max_entries = 10000)
      : ttl_(ttl), max_entries_(max_entries) {}
  // The generation to pass to Put for a principal loaded after this call.
  uint64_t generation() const { return generation_.load(std::memory_order_acquire); }
  std::optional<Principal> Find(const std::string& credential);
  void Put(const std::string& credential, uint64_t generation, const Principal& p);
  void Invalidate();

 private:
  struct Entry {
    Principal principal;
    uint64_t generation;
    std::chrono::steady_clock::time_point expires;
  };
  const std::chrono::milliseconds ttl_;
  const size_t max_entries_;
  std::atomic<uint64_t> generation_{1};
  std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace rapport
