// Value validation against field metadata.
//
// Turns one JSON value from a request body into the stored Value for a field,
// or an InvalidArgument Status naming the field and the problem. Pure
// functions; thread-safe.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

#include "base/status.h"
#include "meta/object.h"
#include "meta/value.h"

namespace rapport {

// Validates and normalises `in` for `field`:
// - JSON null and "" (after trimming) become null; required-ness is checked by
//   the caller, which knows whether this is a create or an update.
// - text kinds: strings only, trimmed, no control characters (long text allows
//   newlines and tabs), at most EffectiveMaxLength() code points;
// - email: lower-cased, one '@', a dotted domain; phone: digits and + ( ) - . /
//   space, 5..20 digits; url: http(s) scheme or a bare domain (https:// added);
// - number/money: JSON numbers, finite, within min/max;
// - date: "YYYY-MM-DD"; datetime: RFC 3339, stored as UTC with milliseconds;
// - bool: JSON true/false; picklist: one of options; multi-picklist: an array
//   of distinct options, stored as a JSON array text; reference: an id string.
Result<Value> ValidateValue(const FieldDef& field, const nlohmann::json& in);

// Parses a value given as text (query-string filters, CSV cells) for `field`.
Result<Value> ParseTextValue(const FieldDef& field, const std::string& text);

// The JSON form of a stored value for output.
nlohmann::json ValueToJson(const FieldDef& field, const Value& v);

// Number of Unicode code points in valid UTF-8 `s`; -1 if `s` is not UTF-8.
long Utf8Length(const std::string& s);

// --- Normalisation hooks (issue 4: imports and normalisation) ---------------
// ValidateValue and ParseTextValue normalise what they accept: phone numbers to
// E.164 (in the calling thread's PhoneRegionScope region, "US" when none),
// text to Unicode NFC, person and company names (first_name, last_name,
// middle_name, company, name) to NFC with white space collapsed. The functions
// live in domain/normalize.cc, which installs them when it is linked (meta
// cannot depend on domain); a null hook leaves values as validated.
struct ValueNormalizers {
  std::string (*phone)(std::string_view text, std::string_view region) = nullptr;
  std::string (*unicode)(std::string_view text) = nullptr;
  std::string (*name)(std::string_view text) = nullptr;
};
void SetValueNormalizers(const ValueNormalizers& n);

// Sets the default phone region (ISO 3166 alpha-2, e.g. "GB") for validation on
// this thread while the scope lives; scopes nest. The app layer opens one with
// the organisation's default_region around a request or an import.
class PhoneRegionScope {
 public:
  explicit PhoneRegionScope(std::string region);
  ~PhoneRegionScope();
  PhoneRegionScope(const PhoneRegionScope&) = delete;
  PhoneRegionScope& operator=(const PhoneRegionScope&) = delete;

 private:
  std::string previous_;
};
// The calling thread's default phone region ("US" when no scope set one).
const std::string& CurrentPhoneRegion();

}  // namespace rapport
