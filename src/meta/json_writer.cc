#include "meta/json_writer.h"

#include <charconv>
#include <cmath>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "meta/validate.h"

namespace rapport {

namespace {

constexpr char kHex[] = "0123456789abcdef";
constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Length of the valid UTF-8 sequence at s[i], or 0 if it is not valid
// (overlong forms, surrogates and code points above U+10FFFF are invalid).
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = byte(i);
  auto cont = [&](size_t k) { return k < s.size() && (byte(k) & 0xC0) == 0x80; };
  if (c >= 0xC2 && c <= 0xDF) return cont(i + 1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(i + 1) || !cont(i + 2)) return 0;
    unsigned char c1 = byte(i + 1);
    if (c == 0xE0 && c1 < 0xA0) return 0;  // overlong
    if (c == 0xED && c1 > 0x9F) return 0;  // surrogates
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(i + 1) || !cont(i + 2) || !cont(i + 3)) return 0;
    unsigned char c1 = byte(i + 1);
    if (c == 0xF0 && c1 < 0x90) return 0;  // overlong
    if (c == 0xF4 && c1 > 0x8F) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

void AppendDouble(double d, std::string* out) {
  if (!std::isfinite(d)) {
    out->append("null");
    return;
  }
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
  if (ec != std::errc()) {
    out->append(nlohmann::json(d).dump());
    return;
  }
  out->append(buf, end);
}

void AppendInt(int64_t i, std::string* out) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, i);
  (void)ec;
  out->append(buf, end);
}

}  // namespace

void AppendJsonString(std::string_view s, std::string* out) {
  out->push_back('"');
  size_t run = 0;  // start of the pending run of bytes copied as they are
  size_t i = 0;
  auto flush = [&](size_t upto) {
    if (upto > run) out->append(s.data() + run, upto - run);
  };
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      size_t n = Utf8SequenceLength(s, i);
      if (n > 0) {
        i += n;
        continue;
      }
      flush(i);
      out->append(kReplacement);
      run = ++i;
      continue;
    }
    flush(i);
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\b': out->append("\\b"); break;
      case '\f': out->append("\\f"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      default:
        out->append("\\u00");
        out->push_back(kHex[c >> 4]);
        out->push_back(kHex[c & 0xF]);
    }
    run = ++i;
  }
  flush(i);
  out->push_back('"');
}

void AppendValueJson(const FieldDef& f, const Value& v, std::string* out) {
  if (IsNull(v)) {
    out->append("null");
    return;
  }
  switch (f.kind) {
    case FieldKind::kBool:
      if (auto* i = std::get_if<int64_t>(&v)) out->append(*i != 0 ? "true" : "false");
      else out->append("null");
      return;
    case FieldKind::kNumber:
    case FieldKind::kMoney: {
      if (auto* i = std::get_if<int64_t>(&v)) {
        AppendInt(*i, out);
        return;
      }
      double d = 0;
      if (auto* p = std::get_if<double>(&v)) d = *p;
      else if (auto* s = std::get_if<std::string>(&v)) d = std::strtod(s->c_str(), nullptr);
      if (std::floor(d) == d && std::fabs(d) < 9007199254740992.0) AppendInt(static_cast<int64_t>(d), out);
      else AppendDouble(d, out);
      return;
    }
    case FieldKind::kMultiPicklist:
      // Stored as JSON text; parsed so that a damaged value still gives valid JSON.
      out->append(ValueToJson(f, v).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
      return;
    default:
      if (auto* s = std::get_if<std::string>(&v)) AppendJsonString(*s, out);
      else AppendJsonString(ValueToString(v), out);
      return;
  }
}

void AppendRecordJson(const ObjectDef& def, const std::vector<Value>& values, std::string* out) {
  out->push_back('{');
  for (size_t i = 0; i < def.fields.size() && i < values.size(); ++i) {
    if (i) out->push_back(',');
    AppendJsonString(def.fields[i].name, out);
    out->push_back(':');
    AppendValueJson(def.fields[i], values[i], out);
  }
  out->push_back('}');
}

}  // namespace rapport
