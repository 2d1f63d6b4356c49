#include "meta/validate.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "base/time.h"

namespace rapport {

using nlohmann::json;

long Utf8Length(const std::string& s) {
  long n = 0;
  size_t i = 0;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  while (i < s.size()) {
    unsigned char c = p[i];
    int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (len == 0 || i + len > s.size()) return -1;
    for (int k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return -1;
    }
    // Shortest form only, no UTF-16 surrogates, nothing above U+10FFFF.
    if (len == 2 && c < 0xC2) return -1;
    if (len == 3) {
      unsigned char c1 = p[i + 1];
      if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0)) return -1;
    }
    if (len == 4) {
      unsigned char c1 = p[i + 1];
      if ((c == 0xF0 && c1 < 0x90) || c > 0xF4 || (c == 0xF4 && c1 >= 0x90)) return -1;
    }
    i += len;
    ++n;
  }
  return n;
}

// --- Normalisation hooks (issue 4; see validate.h) -------------------------
namespace {
ValueNormalizers g_normalizers;  // constant-initialised; set at static initialisation
thread_local std::string t_phone_region = "US";

// Person and company name fields: white space collapsed as well as NFC.
bool IsNameField(const std::string& name) {
  return name == "first_name" || name == "last_name" || name == "middle_name" || name == "company" || name == "name";
}
}  // namespace

void SetValueNormalizers(const ValueNormalizers& n) { g_normalizers = n; }
PhoneRegionScope::PhoneRegionScope(std::string region) : previous_(t_phone_region) {
  if (!region.empty()) t_phone_region = std::move(region);
}
PhoneRegionScope::~PhoneRegionScope() { t_phone_region = previous_; }
const std::string& CurrentPhoneRegion() { return t_phone_region; }
// --- end normalisation hooks

namespace {

std::string Trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\n' || s[b] == '\r')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\n' || s[e - 1] == '\r')) --e;
  return s.substr(b, e - b);
}

Status Bad(const FieldDef& f, const std::string& msg) { return Status::InvalidArgument(f.name + ": " + msg, f.name); }

const char* JsonTypeName(const json& j) {
  switch (j.type()) {
    case json::value_t::string: return "a string";
    case json::value_t::boolean: return "a boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float: return "a number";
    case json::value_t::array: return "an array";
    case json::value_t::object: return "an object";
    default: return "null";
  }
}

bool ValidEmail(const std::string& e) {
  auto at = e.find('@');
  if (at == std::string::npos || at == 0 || at != e.rfind('@') || at > 64) return false;
  std::string domain = e.substr(at + 1);
  if (domain.size() < 3 || domain.find('.') == std::string::npos) return false;
  if (domain.front() == '.' || domain.back() == '.' || domain.find("..") != std::string::npos) return false;
  for (char c : e) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == '<' || c == '>' || c == '(' || c == ')' || c == ',' ||
        c == ';' || c == ':' || c == '\\' || c == '"' || c == '[' || c == ']')
      return false;
  }
  for (char c : domain) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || static_cast<unsigned char>(c) >= 0x80))
      return false;
  }
  return true;
}

Result<Value> ValidateString(const FieldDef& f, std::string s) {
  if (Utf8Length(s) < 0) return Bad(f, "is not valid UTF-8");
  s = Trim(s);
  if (s.empty()) return Value{};
  bool multiline = f.kind == FieldKind::kLongText;
  for (unsigned char c : s) {
    if (c < 0x20 && !(multiline && (c == '\n' || c == '\t' || c == '\r'))) {
      return Bad(f, "contains a control character");
    }
    if (c == 0x7f) return Bad(f, "contains a control character");
  }
  // C1 controls (U+0080..U+009F) are C2 80..C2 9F in UTF-8.
  for (size_t i = 0; i + 1 < s.size(); ++i) {
    if (static_cast<unsigned char>(s[i]) == 0xC2 && static_cast<unsigned char>(s[i + 1]) < 0xA0)
      return Bad(f, "contains a control character");
  }
  // Normalisation (issue 4): NFC for text kinds, collapsed spaces for names.
  if (f.kind == FieldKind::kText && IsNameField(f.name) && g_normalizers.name) s = g_normalizers.name(s);
  else if ((f.kind == FieldKind::kText || f.kind == FieldKind::kLongText) && g_normalizers.unicode)
    s = g_normalizers.unicode(s);
  long len = Utf8Length(s);
  if (len > f.EffectiveMaxLength()) {
    return Bad(f, "is too long (" + std::to_string(len) + " characters, at most " +
                      std::to_string(f.EffectiveMaxLength()) + ")");
  }
  switch (f.kind) {
    case FieldKind::kEmail: {
      std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
      if (!ValidEmail(s)) return Bad(f, "is not a valid email address");
      return Value{s};
    }
    case FieldKind::kPhone: {
      int digits = 0;
      for (char c : s) {
        if (c >= '0' && c <= '9') ++digits;
        else if (!(c == '+' || c == ' ' || c == '(' || c == ')' || c == '-' || c == '.' || c == '/' || c == 'x'))
          return Bad(f, "is not a valid phone number (digits, spaces and + ( ) - . / only)");
      }
      if (digits < 5 || digits > 20) return Bad(f, "is not a valid phone number (5 to 20 digits)");
      if (g_normalizers.phone) return Value{g_normalizers.phone(s, t_phone_region)};  // E.164 (issue 4)
      return Value{s};
    }
    case FieldKind::kUrl: {
      if (s.find(' ') != std::string::npos) return Bad(f, "is not a valid URL");
      std::string lower = s;
      std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
      if (lower.rfind("http://", 0) != 0 && lower.rfind("https://", 0) != 0) {
        if (lower.find("://") != std::string::npos || lower.find('.') == std::string::npos)
          return Bad(f, "is not a valid URL (http or https)");
        s = "https://" + s;
      } else if (s.size() <= 8 || s.find('.') == std::string::npos) {
        return Bad(f, "is not a valid URL");
      }
      return Value{s};
    }
    case FieldKind::kDate: {
      int y, m, d;
      if (!ParseDate(s, &y, &m, &d)) return Bad(f, "is not a valid date (YYYY-MM-DD)");
      return Value{s};
    }
    case FieldKind::kDateTime: {
      int64_t ms;
      if (!ParseDateTime(s, &ms)) return Bad(f, "is not a valid date-time (RFC 3339, e.g. 2026-01-31T09:00:00Z)");
      return Value{FormatIsoMillis(ms)};
    }
    case FieldKind::kPicklist: {
      if (std::find(f.options.begin(), f.options.end(), s) == f.options.end())
        return Bad(f, "'" + s + "' is not one of the allowed values");
      return Value{s};
    }
    case FieldKind::kReference: {
      for (char c : s) {
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'))
          return Bad(f, "is not a valid id");
      }
      return Value{s};
    }
    default:
      return Value{s};
  }
}

Result<Value> ValidateNumber(const FieldDef& f, double d) {
  if (!std::isfinite(d)) return Bad(f, "must be a finite number");
  if (f.min && d < *f.min) return Bad(f, "must be at least " + ValueToString(Value{*f.min}));
  if (f.max && d > *f.max) return Bad(f, "must be at most " + ValueToString(Value{*f.max}));
  return Value{d};
}

}  // namespace

Result<Value> ValidateValue(const FieldDef& f, const json& in) {
  if (in.is_null()) return Value{};
  switch (f.kind) {
    case FieldKind::kNumber:
    case FieldKind::kMoney:
      if (!in.is_number()) return Bad(f, std::string("must be a number, not ") + JsonTypeName(in));
      return ValidateNumber(f, in.get<double>());
    case FieldKind::kBool:
      if (!in.is_boolean()) return Bad(f, std::string("must be true or false, not ") + JsonTypeName(in));
      return Value{static_cast<int64_t>(in.get<bool>() ? 1 : 0)};
    case FieldKind::kMultiPicklist: {
      if (!in.is_array()) return Bad(f, std::string("must be an array of strings, not ") + JsonTypeName(in));
      json out = json::array();
      for (const auto& e : in) {
        if (!e.is_string()) return Bad(f, "must be an array of strings");
        std::string s = e.get<std::string>();
        if (std::find(f.options.begin(), f.options.end(), s) == f.options.end())
          return Bad(f, "'" + s + "' is not one of the allowed values");
        if (std::find(out.begin(), out.end(), json(s)) == out.end()) out.push_back(s);
      }
      if (out.empty()) return Value{};
      return Value{out.dump()};
    }
    default:
      if (!in.is_string()) return Bad(f, std::string("must be a string, not ") + JsonTypeName(in));
      return ValidateString(f, in.get<std::string>());
  }
}

Result<Value> ParseTextValue(const FieldDef& f, const std::string& text) {
  switch (f.kind) {
    case FieldKind::kNumber:
    case FieldKind::kMoney: {
      std::string t = Trim(text);
      if (t.empty()) return Value{};
      char* end = nullptr;
      double d = std::strtod(t.c_str(), &end);
      if (end == t.c_str() || *end != '\0') return Bad(f, "'" + t + "' is not a number");
      return ValidateNumber(f, d);
    }
    case FieldKind::kBool: {
      std::string t = Trim(text);
      std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return std::tolower(c); });
      if (t.empty()) return Value{};
      if (t == "true" || t == "1" || t == "yes") return Value{int64_t{1}};
      if (t == "false" || t == "0" || t == "no") return Value{int64_t{0}};
      return Bad(f, "'" + t + "' is not true or false");
    }
    case FieldKind::kMultiPicklist: {
      json arr = json::array();
      size_t start = 0;
      while (start <= text.size()) {
        size_t end = text.find(';', start);
        if (end == std::string::npos) end = text.size();
        std::string part = Trim(text.substr(start, end - start));
        if (!part.empty()) arr.push_back(part);
        start = end + 1;
      }
      return ValidateValue(f, arr);
    }
    default:
      return ValidateString(f, text);
  }
}

json ValueToJson(const FieldDef& f, const Value& v) {
  if (IsNull(v)) return nullptr;
  switch (f.kind) {
    case FieldKind::kBool:
      if (auto* i = std::get_if<int64_t>(&v)) return *i != 0;
      return nullptr;
    case FieldKind::kNumber:
    case FieldKind::kMoney: {
      double d = 0;
      if (auto* i = std::get_if<int64_t>(&v)) return *i;
      if (auto* p = std::get_if<double>(&v)) d = *p;
      else if (auto* s = std::get_if<std::string>(&v)) d = std::strtod(s->c_str(), nullptr);
      if (std::floor(d) == d && std::fabs(d) < 9007199254740992.0) return static_cast<int64_t>(d);
      return d;
    }
    case FieldKind::kMultiPicklist:
      if (auto* s = std::get_if<std::string>(&v)) {
        json j = json::parse(*s, nullptr, false);
        return j.is_discarded() ? json::array() : j;
      }
      return json::array();
    default:
      if (auto* s = std::get_if<std::string>(&v)) return *s;
      return ValueToString(v);
  }
}

}  // namespace rapport
