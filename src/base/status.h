// Status and Result<T>: errors as values.
//
// A Status is either OK or carries a Code, a human message and, for validation
// errors, the name of the offending field. It is cheap to copy when OK. Result<T>
// holds either a T or a non-OK Status. Neither type is thread-safe for concurrent
// mutation; both are safe to copy between threads.
#pragma once

#include <cassert>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace rapport {

class Status {
 public:
  enum class Code {
    kOk = 0,
    kInvalidArgument,     // 400: malformed input, wrong type, unknown field
    kUnauthenticated,     // 401
    kPermissionDenied,    // 403
    kNotFound,            // 404
    kConflict,            // 409: unique key taken, state does not allow it
    kPreconditionFailed,  // 412: stale version (If-Match)
    kTooLarge,            // 413
    kUnprocessable,       // 422: well-formed but breaks a business rule
    kRateLimited,         // 429
    kUnavailable,         // 503: database busy, shutting down
    kInternal,            // 500
  };

  Status() = default;
  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string msg, std::string field = {}) {
    return Status(Code::kInvalidArgument, std::move(msg), std::move(field));
  }
  static Status Unauthenticated(std::string msg) { return Status(Code::kUnauthenticated, std::move(msg)); }
  static Status PermissionDenied(std::string msg) { return Status(Code::kPermissionDenied, std::move(msg)); }
  static Status NotFound(std::string msg) { return Status(Code::kNotFound, std::move(msg)); }
  static Status Conflict(std::string msg, std::string field = {}) {
    return Status(Code::kConflict, std::move(msg), std::move(field));
  }
  static Status PreconditionFailed(std::string msg) { return Status(Code::kPreconditionFailed, std::move(msg)); }
  static Status TooLarge(std::string msg) { return Status(Code::kTooLarge, std::move(msg)); }
  static Status Unprocessable(std::string msg, std::string field = {}) {
    return Status(Code::kUnprocessable, std::move(msg), std::move(field));
  }
  static Status RateLimited(std::string msg) { return Status(Code::kRateLimited, std::move(msg)); }
  static Status Unavailable(std::string msg) { return Status(Code::kUnavailable, std::move(msg)); }
  static Status Internal(std::string msg) { return Status(Code::kInternal, std::move(msg)); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::string& field() const { return field_; }
  // Machine-readable details of an error, e.g. {"missing_fields", {"amount"}}
  // for a blocked stage move; the API writes them as "details": {key: [...]}.
  using Details = std::vector<std::pair<std::string, std::vector<std::string>>>;
  const Details& details() const {
    static const Details kNone;
    return details_ ? *details_ : kNone;
  }
  // This status with one more detail list (an error, never OK).
  Status WithDetail(std::string key, std::vector<std::string> values) const {
    Status s = *this;
    auto d = std::make_shared<Details>(details());
    d->emplace_back(std::move(key), std::move(values));
    s.details_ = std::move(d);
    return s;
  }
  // Stable machine-readable name of the code, e.g. "invalid_argument".
  const char* code_name() const;
  std::string ToString() const;

 private:
  Status(Code c, std::string msg, std::string field = {})
      : code_(c), message_(std::move(msg)), field_(std::move(field)) {}
  Code code_ = Code::kOk;
  std::string message_;
  std::string field_;
  std::shared_ptr<const Details> details_;  // null when there are none (cheap copies)
};

// Result<T>: a value or a non-OK Status. Accessing value() of an error is a
// programmer error (asserted).
template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status s) : v_(std::move(s)) { assert(!std::get<Status>(v_).ok()); }  // NOLINT

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { assert(ok()); return std::get<T>(v_); }
  const T& value() const& { assert(ok()); return std::get<T>(v_); }
  T&& value() && { assert(ok()); return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace rapport

// Propagates a non-OK Status from an expression returning Status.
#define RP_RETURN_IF_ERROR(expr)              \
  do {                                        \
    ::rapport::Status rp_st_ = (expr);        \
    if (!rp_st_.ok()) return rp_st_;          \
  } while (0)

#define RP_CONCAT_INNER(a, b) a##b
#define RP_CONCAT(a, b) RP_CONCAT_INNER(a, b)
// Declares `lhs` from a Result<T> expression or returns its Status.
#define RP_ASSIGN_OR_RETURN(lhs, expr) RP_ASSIGN_OR_RETURN_IMPL(RP_CONCAT(rp_res_, __LINE__), lhs, expr)
#define RP_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                             \
  if (!tmp.ok()) return tmp.status();            \
  lhs = std::move(tmp).value()
