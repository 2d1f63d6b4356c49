#include "domain/web_forms.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace rapport {

Status CheckFormField(const FieldDef& f) {
  static const std::set<std::string> kNotOnForms = {
      "owner_id",          "team_id",     "status",       "source",     "score",
      "campaign_id",       "form_id",     "source_ref",   "disqualified_reason",
      "disqualified_reason_text", "opt_in_confirmed_at", kHoneypotField};
  if (f.system || f.read_only || kNotOnForms.count(f.name))
    return Status::InvalidArgument("fields: '" + f.name + "' cannot be asked on a public form", "fields");
  if (f.kind == FieldKind::kReference || f.kind == FieldKind::kMultiPicklist || f.kind == FieldKind::kDateTime)
    return Status::InvalidArgument(std::string("fields: '") + f.name + "' is a " + FieldKindName(f.kind) +
                                       " field, which public forms do not offer",
                                   "fields");
  return Status::Ok();
}

Status CheckFormFields(const std::vector<FormField>& fields, bool double_opt_in) {
  if (fields.empty()) return Status::InvalidArgument("fields: a form needs at least one field", "fields");
  if (fields.size() > kMaxFormFields)
    return Status::InvalidArgument("fields: at most " + std::to_string(kMaxFormFields) + " fields", "fields");
  std::set<std::string> seen;
  bool identifies = false;
  const FormField* email = nullptr;
  for (const auto& f : fields) {
    if (!seen.insert(f.field).second)
      return Status::InvalidArgument("fields: '" + f.field + "' is listed twice", "fields");
    if (f.field == "last_name" || f.field == "company" || f.field == "email") identifies = true;
    if (f.field == "email") email = &f;
  }
  if (!identifies)
    return Status::Unprocessable("fields: a form must ask for at least one of last_name, company or email "
                                 "(a lead needs one of them)",
                                 "fields");
  if (double_opt_in && (!email || !email->required))
    return Status::Unprocessable("double_opt_in: needs a required email field to send the confirmation to",
                                 "double_opt_in");
  return Status::Ok();
}

bool TakeToken(TokenBucket* b, double capacity, int64_t period_ms, int64_t now_ms, int64_t* retry_after_ms) {
  if (capacity <= 0 || period_ms <= 0) {
    *retry_after_ms = period_ms > 0 ? period_ms : 1000;
    return false;
  }
  const double rate = capacity / static_cast<double>(period_ms);  // tokens per ms
  if (b->tokens < 0) {
    b->tokens = capacity;
  } else if (now_ms > b->last_ms) {
    b->tokens = std::min(capacity, b->tokens + static_cast<double>(now_ms - b->last_ms) * rate);
  }
  if (now_ms > b->last_ms || b->last_ms == 0) b->last_ms = now_ms;
  if (b->tokens >= 1.0) {
    b->tokens -= 1.0;
    return true;
  }
  *retry_after_ms = std::max<int64_t>(1, static_cast<int64_t>(std::ceil((1.0 - b->tokens) / rate)));
  return false;
}

bool BucketIsFull(const TokenBucket& b, double capacity, int64_t period_ms, int64_t now_ms) {
  if (b.tokens < 0) return true;
  if (period_ms <= 0) return true;
  double rate = capacity / static_cast<double>(period_ms);
  return b.tokens + static_cast<double>(now_ms - b.last_ms) * rate >= capacity;
}

}  // namespace rapport
