#include "meta/value.h"

#include <cmath>
#include <cstdio>

namespace rapport {

std::string ValueToString(const Value& v) {
  if (auto* s = std::get_if<std::string>(&v)) return *s;
  if (auto* i = std::get_if<int64_t>(&v)) return std::to_string(*i);
  if (auto* d = std::get_if<double>(&v)) {
    char buf[32];
    snprintf(buf, sizeof buf, "%.15g", *d);
    return buf;
  }
  return {};
}

}  // namespace rapport
