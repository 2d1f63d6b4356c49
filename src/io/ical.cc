#include "io/ical.h"

#include <unicode/timezone.h>
#include <unicode/unistr.h>

#include <memory>
#include <optional>

#include "base/time.h"
#include "meta/validate.h"

namespace rapport {

namespace {

constexpr int kMaxDepth = 16;

std::string Upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

Status LineError(int64_t line, const std::string& what) {
  return Status::InvalidArgument("iCalendar line " + std::to_string(line) + ": " + what);
}

bool IsNameChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

// Parses one unfolded content line: NAME *(;PARAM=VALUE[,VALUE]) : value.
Status ParseContentLine(const std::string& s, int64_t line, ICalProperty* p) {
  size_t i = 0;
  while (i < s.size() && IsNameChar(s[i])) ++i;
  if (i == 0) return LineError(line, "expected a property name, got '" + s.substr(0, 20) + "'");
  p->name = Upper(s.substr(0, i));
  p->line = line;
  while (i < s.size() && s[i] == ';') {
    ++i;
    size_t n0 = i;
    while (i < s.size() && IsNameChar(s[i])) ++i;
    if (i == n0 || i >= s.size() || s[i] != '=')
      return LineError(line, "malformed parameter in " + p->name + " (expected NAME=VALUE)");
    std::string pname = Upper(s.substr(n0, i - n0));
    ++i;  // '='
    for (;;) {
      std::string v;
      if (i < s.size() && s[i] == '"') {
        size_t close = s.find('"', i + 1);
        if (close == std::string::npos) return LineError(line, "unterminated quoted parameter value in " + p->name);
        v = s.substr(i + 1, close - i - 1);
        i = close + 1;
      } else {
        size_t b = i;
        while (i < s.size() && s[i] != ';' && s[i] != ':' && s[i] != ',' && s[i] != '"') ++i;
        v = s.substr(b, i - b);
      }
      p->params.emplace(pname, v);
      if (i < s.size() && s[i] == ',') {
        ++i;
        continue;
      }
      break;
    }
  }
  if (i >= s.size() || s[i] != ':') return LineError(line, "no ':' after the name of " + p->name);
  p->value = s.substr(i + 1);
  return Status::Ok();
}

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

struct TimeValue {
  bool date_only = false;
  bool utc = false;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  int64_t WallMs() const {
    return (DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 + h * 3600 + mi * 60 + s) *
           1000;
  }
};

bool Digits(std::string_view s, size_t at, size_t n, int* out) {
  if (at + n > s.size()) return false;
  int v = 0;
  for (size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

bool ParseTimeValue(std::string_view v, TimeValue* t) {
  if (!Digits(v, 0, 4, &t->y) || !Digits(v, 4, 2, &t->mo) || !Digits(v, 6, 2, &t->d)) return false;
  char date[11];
  snprintf(date, sizeof date, "%04d-%02d-%02d", t->y, t->mo, t->d);
  int yy, mm, dd;
  if (!ParseDate(date, &yy, &mm, &dd)) return false;
  if (v.size() == 8) {
    t->date_only = true;
    return true;
  }
  if (v.size() < 15 || v[8] != 'T') return false;
  if (!Digits(v, 9, 2, &t->h) || !Digits(v, 11, 2, &t->mi) || !Digits(v, 13, 2, &t->s)) return false;
  if (t->h > 23 || t->mi > 59 || t->s > 60) return false;
  if (t->s == 60) t->s = 59;  // leap second
  if (v.size() == 16 && (v[15] == 'Z' || v[15] == 'z')) t->utc = true;
  else if (v.size() != 15) return false;
  return true;
}

// "+0100", "-0530", "+013000" -> milliseconds east of UTC.
bool ParseUtcOffset(std::string_view v, int64_t* ms) {
  if (v.size() != 5 && v.size() != 7) return false;
  if (v[0] != '+' && v[0] != '-') return false;
  int h, m, s = 0;
  if (!Digits(v, 1, 2, &h) || !Digits(v, 3, 2, &m) || (v.size() == 7 && !Digits(v, 5, 2, &s))) return false;
  *ms = (h * 3600 + m * 60 + s) * 1000LL * (v[0] == '-' ? -1 : 1);
  return true;
}

// The UTC offset of `tzid` at wall time `wall_ms`: ICU (IANA or Windows
// names), else the object's VTIMEZONE (its STANDARD offset).
std::optional<int64_t> ZoneOffset(const ICalComponent& cal, const std::string& tzid, int64_t wall_ms) {
  auto try_icu = [&](const icu::UnicodeString& id) -> std::optional<int64_t> {
    std::unique_ptr<icu::TimeZone> tz(icu::TimeZone::createTimeZone(id));
    icu::UnicodeString got;
    if (!tz || tz->getID(got) == icu::UnicodeString("Etc/Unknown")) return std::nullopt;
    int32_t raw = 0, dst = 0;
    UErrorCode st = U_ZERO_ERROR;
    tz->getOffset(static_cast<UDate>(wall_ms), true, raw, dst, st);
    if (U_FAILURE(st)) return std::nullopt;
    return int64_t{raw} + dst;
  };
  icu::UnicodeString id = icu::UnicodeString::fromUTF8(tzid);
  if (auto o = try_icu(id)) return o;
  UErrorCode st = U_ZERO_ERROR;
  icu::UnicodeString iana;
  icu::TimeZone::getIDForWindowsID(id, nullptr, iana, st);
  if (U_SUCCESS(st) && iana.length() > 0) {
    if (auto o = try_icu(iana)) return o;
  }
  for (const auto& c : cal.children) {
    if (c.name != "VTIMEZONE") continue;
    const ICalProperty* p = c.First("TZID");
    if (!p || p->value != tzid) continue;
    const ICalComponent* pick = nullptr;
    for (const auto& sub : c.children) {
      if (sub.name == "STANDARD") pick = &sub;
    }
    if (!pick && !c.children.empty()) pick = &c.children[0];
    if (!pick) return std::nullopt;
    const ICalProperty* to = pick->First("TZOFFSETTO");
    int64_t off = 0;
    if (to && ParseUtcOffset(to->value, &off)) return off;
    return std::nullopt;
  }
  return std::nullopt;
}

// A DATE or DATE-TIME property in UTC milliseconds; *date_only for DATE values.
Result<int64_t> PropertyTime(const ICalComponent& cal, const ICalProperty& p, bool* date_only) {
  TimeValue t;
  if (!ParseTimeValue(p.value, &t))
    return LineError(p.line, p.name + " '" + p.value.substr(0, 40) + "' is not a DATE or DATE-TIME (e.g. 20260131T093000Z)");
  if (Upper(p.Param("VALUE")) == "DATE" && !t.date_only) return LineError(p.line, p.name + " says VALUE=DATE but has a time");
  *date_only = t.date_only;
  if (t.date_only || t.utc) return t.WallMs();
  std::string tzid = p.Param("TZID");
  if (tzid.empty()) return t.WallMs();  // floating time: read as UTC
  auto off = ZoneOffset(cal, tzid, t.WallMs());
  if (!off) return LineError(p.line, p.name + " names the unknown time zone '" + tzid + "' (no VTIMEZONE defines it)");
  return t.WallMs() - *off;
}

// RFC 5545 3.3.6: [+-]P(nW | nD[T[nH][nM][nS]] | T...)
bool ParseDuration(std::string_view v, int64_t* ms) {
  size_t i = 0;
  int sign = 1;
  if (i < v.size() && (v[i] == '+' || v[i] == '-')) sign = v[i++] == '-' ? -1 : 1;
  if (i >= v.size() || v[i] != 'P') return false;
  ++i;
  int64_t total = 0;
  bool in_time = false, any = false;
  while (i < v.size()) {
    if (v[i] == 'T') {
      if (in_time) return false;
      in_time = true;
      ++i;
      continue;
    }
    int64_t n = 0;
    size_t b = i;
    while (i < v.size() && v[i] >= '0' && v[i] <= '9' && i - b < 9) n = n * 10 + (v[i++] - '0');
    if (i == b || i >= v.size()) return false;
    char u = v[i++];
    if (!in_time && u == 'W') total += n * 7 * 86400;
    else if (!in_time && u == 'D') total += n * 86400;
    else if (in_time && u == 'H') total += n * 3600;
    else if (in_time && u == 'M') total += n * 60;
    else if (in_time && u == 'S') total += n;
    else return false;
    any = true;
  }
  if (!any) return false;
  *ms = sign * total * 1000;
  return true;
}

// Splits a TEXT list value at unescaped commas, each unescaped.
std::vector<std::string> SplitTextList(const std::string& raw) {
  std::vector<std::string> out;
  std::string cur;
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\\' && i + 1 < raw.size()) {
      cur.push_back(raw[i]);
      cur.push_back(raw[++i]);
    } else if (raw[i] == ',') {
      out.push_back(ICalUnescape(cur));
      cur.clear();
    } else {
      cur.push_back(raw[i]);
    }
  }
  out.push_back(ICalUnescape(cur));
  return out;
}

}  // namespace

std::string ICalProperty::Param(const std::string& n) const {
  auto it = params.find(n);
  return it == params.end() ? std::string() : it->second;
}

const ICalProperty* ICalComponent::First(const std::string& n) const {
  for (const auto& p : properties) {
    if (p.name == n) return &p;
  }
  return nullptr;
}

std::vector<const ICalProperty*> ICalComponent::All(const std::string& n) const {
  std::vector<const ICalProperty*> out;
  for (const auto& p : properties) {
    if (p.name == n) out.push_back(&p);
  }
  return out;
}

Result<ICalComponent> ParseICalendar(std::string_view input) {
  std::string text(input);
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);
  if (Utf8Length(text) < 0) return Status::InvalidArgument("iCalendar: the text is not valid UTF-8");
  // Physical lines -> logical (unfolded) lines with the number of their first line.
  std::vector<std::pair<std::string, int64_t>> lines;
  int64_t n = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t e = text.find('\n', pos);
    if (e == std::string::npos) e = text.size();
    std::string phys = text.substr(pos, e - pos);
    if (!phys.empty() && phys.back() == '\r') phys.pop_back();
    ++n;
    pos = e + 1;
    if (!phys.empty() && (phys[0] == ' ' || phys[0] == '\t')) {
      if (lines.empty()) return LineError(n, "a continuation line (starting with a space) before any property");
      lines.back().first.append(phys, 1, std::string::npos);
    } else {
      lines.emplace_back(std::move(phys), n);
    }
  }
  std::vector<ICalComponent> stack;
  std::optional<ICalComponent> root;
  for (auto& [s, line] : lines) {
    bool blank = true;
    for (char c : s) blank = blank && (c == ' ' || c == '\t');
    if (blank) continue;
    ICalProperty p;
    RP_RETURN_IF_ERROR(ParseContentLine(s, line, &p));
    if (p.name == "BEGIN") {
      std::string comp = Upper(p.value);
      if (comp.empty() || comp.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") != std::string::npos)
        return LineError(line, "BEGIN needs a component name");
      if (root) return LineError(line, "text after END:VCALENDAR");
      if (stack.empty() && comp != "VCALENDAR") return LineError(line, "expected BEGIN:VCALENDAR, got BEGIN:" + comp);
      if (static_cast<int>(stack.size()) >= kMaxDepth) return LineError(line, "components nested too deeply");
      ICalComponent c;
      c.name = comp;
      c.line = line;
      stack.push_back(std::move(c));
    } else if (p.name == "END") {
      std::string comp = Upper(p.value);
      if (stack.empty()) return LineError(line, "END:" + comp + " without BEGIN");
      if (stack.back().name != comp)
        return LineError(line, "END:" + comp + " does not close BEGIN:" + stack.back().name + " (line " +
                                   std::to_string(stack.back().line) + ")");
      ICalComponent done = std::move(stack.back());
      stack.pop_back();
      if (stack.empty()) root = std::move(done);
      else stack.back().children.push_back(std::move(done));
    } else {
      if (stack.empty()) {
        if (root) return LineError(line, "text after END:VCALENDAR");
        return LineError(line, "expected BEGIN:VCALENDAR, got " + p.name);
      }
      stack.back().properties.push_back(std::move(p));
    }
  }
  if (!stack.empty())
    return Status::InvalidArgument("iCalendar: BEGIN:" + stack.back().name + " on line " +
                                   std::to_string(stack.back().line) + " is never closed (no END:" +
                                   stack.back().name + ")");
  if (!root) return Status::InvalidArgument("iCalendar: no BEGIN:VCALENDAR found");
  return std::move(*root);
}

std::string ICalEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '\\' || c == ',' || c == ';') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\r') {
      if (i + 1 < s.size() && s[i + 1] == '\n') continue;
      out += "\\n";
    } else if (c == '\n') {
      out += "\\n";
    } else if (static_cast<unsigned char>(c) < 0x20 && c != '\t') {
      continue;  // control characters are not allowed in TEXT
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string ICalUnescape(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\\' && i + 1 < raw.size()) {
      char n = raw[++i];
      if (n == 'n' || n == 'N') out.push_back('\n');
      else out.push_back(n);
    } else {
      out.push_back(raw[i]);
    }
  }
  return out;
}

void AppendICalLine(std::string* out, std::string_view line) {
  size_t pos = 0, width = 75;
  while (line.size() - pos > width) {
    size_t cut = pos + width;
    while (cut > pos && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
    out->append(line.substr(pos, cut - pos));
    out->append("\r\n ");
    pos = cut;
    width = 74;  // the leading space counts
  }
  out->append(line.substr(pos));
  out->append("\r\n");
}

std::string FormatICalDateTime(int64_t ms) {
  std::string iso = FormatIsoMillis(ms);  // YYYY-MM-DDTHH:MM:SS.mmmZ
  return iso.substr(0, 4) + iso.substr(5, 2) + iso.substr(8, 2) + "T" + iso.substr(11, 2) + iso.substr(14, 2) +
         iso.substr(17, 2) + "Z";
}

std::string FormatICalDate(int64_t ms) { return FormatICalDateTime(ms).substr(0, 8); }

Result<ICalItem> ICalItemFromCalendar(const ICalComponent& cal) {
  std::vector<const ICalComponent*> found;
  for (const auto& c : cal.children) {
    if (c.name == "VEVENT" || c.name == "VTODO") found.push_back(&c);
  }
  if (found.empty()) return Status::InvalidArgument("iCalendar: the object holds no VEVENT or VTODO");
  const ICalComponent* master = nullptr;
  std::string uid;
  for (const ICalComponent* c : found) {
    if (c->name != found[0]->name)
      return Status::InvalidArgument("iCalendar: one resource may hold events or to-dos, not both (RFC 4791 4.1)");
    const ICalProperty* u = c->First("UID");
    if (!u || ICalUnescape(u->value).empty())
      return LineError(c->line, c->name + " has no UID");
    std::string this_uid = ICalUnescape(u->value);
    if (uid.empty()) uid = this_uid;
    else if (uid != this_uid)
      return Status::InvalidArgument("iCalendar: several UIDs in one resource ('" + uid + "', '" + this_uid +
                                     "'); put each event in its own resource");
    if (!c->First("RECURRENCE-ID")) {
      if (master) return LineError(c->line, "a second " + c->name + " with the same UID and no RECURRENCE-ID");
      master = c;
    }
  }
  if (!master) master = found[0];
  const ICalComponent& c = *master;
  ICalItem item;
  item.kind = c.name == "VTODO" ? ICalItem::Kind::kTodo : ICalItem::Kind::kEvent;
  item.uid = uid;
  if (uid.size() > 255) return LineError(c.First("UID")->line, "UID is longer than 255 characters");
  if (auto* p = c.First("SUMMARY")) item.summary = ICalUnescape(p->value);
  if (auto* p = c.First("DESCRIPTION")) item.description = ICalUnescape(p->value);
  for (const ICalProperty* p : c.All("CATEGORIES")) {
    for (auto& cat : SplitTextList(p->value)) {
      if (!cat.empty()) item.categories.push_back(cat);
    }
  }
  if (auto* p = c.First("URL")) item.url = p->value;
  if (item.kind == ICalItem::Kind::kEvent) {
    const ICalProperty* start = c.First("DTSTART");
    if (!start) return LineError(c.line, "VEVENT has no DTSTART");
    bool date_only = false;
    RP_ASSIGN_OR_RETURN(item.start_ms, PropertyTime(cal, *start, &date_only));
    item.has_start = true;
    item.all_day = date_only;
    const ICalProperty* end = c.First("DTEND");
    const ICalProperty* dur = c.First("DURATION");
    if (end && dur) return LineError(dur->line, "VEVENT has both DTEND and DURATION");
    if (end) {
      bool end_date = false;
      RP_ASSIGN_OR_RETURN(item.end_ms, PropertyTime(cal, *end, &end_date));
      if (end_date != date_only) return LineError(end->line, "DTEND and DTSTART must both be dates or both date-times");
      item.has_end = true;
    } else if (dur) {
      int64_t d = 0;
      if (!ParseDuration(dur->value, &d)) return LineError(dur->line, "DURATION '" + dur->value + "' is malformed (e.g. PT1H30M)");
      item.end_ms = item.start_ms + d;
      item.has_end = true;
    } else if (date_only) {
      item.end_ms = item.start_ms + 86400000;  // an all-day event lasts its day
      item.has_end = true;
    }
    if (item.has_end && item.end_ms < item.start_ms)
      return LineError(end ? end->line : dur->line, "the event ends before it starts");
  } else {
    const ICalProperty* due = c.First("DUE");
    if (!due) due = c.First("DTSTART");
    if (due) {
      bool date_only = false;
      RP_ASSIGN_OR_RETURN(item.start_ms, PropertyTime(cal, *due, &date_only));
      item.has_start = true;
      item.all_day = date_only;
    }
    if (auto* p = c.First("COMPLETED")) {
      bool date_only = false;
      RP_ASSIGN_OR_RETURN(item.completed_ms, PropertyTime(cal, *p, &date_only));
      item.completed = true;
    }
    if (auto* p = c.First("STATUS"); p && Upper(p->value) == "COMPLETED") item.completed = true;
  }
  return item;
}

std::string WriteICalendar(const std::vector<ICalItem>& items, const std::string& name) {
  std::string out;
  AppendICalLine(&out, "BEGIN:VCALENDAR");
  AppendICalLine(&out, "VERSION:2.0");
  AppendICalLine(&out, "PRODID:-//Rapport//Rapport CRM//EN");
  AppendICalLine(&out, "CALSCALE:GREGORIAN");
  if (!name.empty()) {
    AppendICalLine(&out, "METHOD:PUBLISH");
    AppendICalLine(&out, "X-WR-CALNAME:" + ICalEscape(name));
  }
  for (const ICalItem& it : items) {
    bool event = it.kind == ICalItem::Kind::kEvent;
    const char* comp = event ? "VEVENT" : "VTODO";
    AppendICalLine(&out, std::string("BEGIN:") + comp);
    AppendICalLine(&out, "UID:" + ICalEscape(it.uid));
    AppendICalLine(&out, "DTSTAMP:" + FormatICalDateTime(it.stamp_ms ? it.stamp_ms : it.modified_ms));
    if (it.created_ms) AppendICalLine(&out, "CREATED:" + FormatICalDateTime(it.created_ms));
    if (it.modified_ms) AppendICalLine(&out, "LAST-MODIFIED:" + FormatICalDateTime(it.modified_ms));
    AppendICalLine(&out, "SEQUENCE:" + std::to_string(it.sequence));
    auto when = [&](const char* prop, int64_t ms) {
      if (it.all_day) AppendICalLine(&out, std::string(prop) + ";VALUE=DATE:" + FormatICalDate(ms));
      else AppendICalLine(&out, std::string(prop) + ":" + FormatICalDateTime(ms));
    };
    if (event) {
      if (it.has_start) when("DTSTART", it.start_ms);
      if (it.has_start && it.has_end && it.end_ms >= it.start_ms) when("DTEND", it.end_ms);
    } else if (it.has_start) {
      when("DUE", it.start_ms);
    }
    AppendICalLine(&out, "SUMMARY:" + ICalEscape(it.summary));
    if (!it.description.empty()) AppendICalLine(&out, "DESCRIPTION:" + ICalEscape(it.description));
    if (!it.categories.empty()) {
      std::string line = "CATEGORIES:";
      for (size_t i = 0; i < it.categories.size(); ++i) line += (i ? "," : "") + ICalEscape(it.categories[i]);
      AppendICalLine(&out, line);
    }
    if (!it.url.empty()) AppendICalLine(&out, "URL:" + it.url);
    if (!event) {
      if (it.completed) {
        AppendICalLine(&out, "STATUS:COMPLETED");
        if (it.completed_ms) AppendICalLine(&out, "COMPLETED:" + FormatICalDateTime(it.completed_ms));
        AppendICalLine(&out, "PERCENT-COMPLETE:100");
      } else {
        AppendICalLine(&out, "STATUS:NEEDS-ACTION");
      }
    }
    AppendICalLine(&out, std::string("END:") + comp);
  }
  AppendICalLine(&out, "END:VCALENDAR");
  return out;
}

}  // namespace rapport
