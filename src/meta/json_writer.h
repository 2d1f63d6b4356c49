// Writes records as JSON text straight into a string, without building a
// nlohmann::json tree first (the GET and list paths: docs/decisions/013).
// The output is the same JSON value RecordService::ToJson + dump() produce
// (keys in field order instead of sorted); tests/unit/json_writer_test.cc
// checks that on every field kind and on invalid UTF-8.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "meta/object.h"
#include "meta/value.h"

namespace rapport {

// `s` as a JSON string literal: quotes, escapes, control characters as
// \u00XX, and each invalid UTF-8 byte replaced by U+FFFD (as
// nlohmann::json's error_handler_t::replace does).
void AppendJsonString(std::string_view s, std::string* out);

// One field's value, as ValueToJson(field, v).dump() would write it.
void AppendValueJson(const FieldDef& field, const Value& v, std::string* out);

// {"field": value, ...} for every field of `def` (values in def.fields order).
void AppendRecordJson(const ObjectDef& def, const std::vector<Value>& values, std::string* out);

}  // namespace rapport
