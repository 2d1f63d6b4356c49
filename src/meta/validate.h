// Value validation against field metadata.
//
// Turns one JSON value from a request body into the stored Value for a field,
// or an InvalidArgument Status naming the field and the problem. Pure
// functions; thread-safe.
#pragma once

#include <nlohmann/json_fwd.hpp>

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

}  // namespace rapport
