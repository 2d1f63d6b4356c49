// Web-to-lead form rules (issue 4): which lead fields a public form may ask
// for, the honeypot, and the token bucket that limits submissions per IP.
// Pure functions and plain values, no I/O; thread-compatible (a TokenBucket
// is guarded by its owner).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "meta/object.h"

namespace rapport {

// One field of a form: a lead field, the label shown, and whether the form
// requires it (a field the lead metadata requires is always required).
struct FormField {
  std::string field;
  std::string label;
  bool required = false;
};

// The name of the honeypot input: hidden from people by CSS, so a value in
// it means a bot filled the form. Never a lead field a form may ask for.
constexpr const char* kHoneypotField = "website_url";

// At most this many fields on one form.
constexpr size_t kMaxFormFields = 50;

// Public form bodies larger than this are refused (413).
constexpr size_t kMaxFormBodyBytes = 64 * 1024;

// Default submissions per minute per IP address and form.
constexpr int kDefaultFormRatePerMinute = 10;

// OK if a public form may ask for lead field `f`; InvalidArgument (field
// "fields") otherwise: system and read-only fields, ownership and
// qualification fields (owner_id, team_id, status, source, score, campaign_id,
// disqualified_*), import keys, references, multi-picklists and date-times.
Status CheckFormField(const FieldDef& f);

// OK if the fields make a usable form: 1..kMaxFormFields, no field twice, and
// at least one of last_name, company or email (a lead needs one of them).
// `double_opt_in` additionally needs a required email field.
Status CheckFormFields(const std::vector<FormField>& fields, bool double_opt_in);

// A token bucket: `capacity` tokens, refilled continuously at
// capacity per `period_ms`. Starts full.
struct TokenBucket {
  double tokens = -1;  // < 0: not used yet (full)
  int64_t last_ms = 0;
};

// Takes one token at `now_ms`. True if there was one; otherwise false and
// *retry_after_ms is how long until one is available (at least 1 ms).
bool TakeToken(TokenBucket* b, double capacity, int64_t period_ms, int64_t now_ms, int64_t* retry_after_ms);

// True when the bucket has refilled completely by `now_ms` (it may be forgotten).
bool BucketIsFull(const TokenBucket& b, double capacity, int64_t period_ms, int64_t now_ms);

}  // namespace rapport
