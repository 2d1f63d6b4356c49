// Value: one stored field value, as the databases hold it.
//
// null, a 64-bit integer (also bools as 0/1), a double (number and money), or
// text (everything else: ids, dates as ISO strings, multi-picklists as a JSON
// array). Plain value type; thread-compatible.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace rapport {

using Value = std::variant<std::monostate, int64_t, double, std::string>;

inline bool IsNull(const Value& v) { return std::holds_alternative<std::monostate>(v); }
inline const std::string* AsText(const Value& v) { return std::get_if<std::string>(&v); }
// Text of a value for messages and audit (null -> empty, numbers formatted).
std::string ValueToString(const Value& v);
// A number as a double (integers widened); `otherwise` for null and text.
inline double ValueToNumber(const Value& v, double otherwise = 0) {
  if (const double* d = std::get_if<double>(&v)) return *d;
  if (const int64_t* i = std::get_if<int64_t>(&v)) return static_cast<double>(*i);
  return otherwise;
}

}  // namespace rapport
