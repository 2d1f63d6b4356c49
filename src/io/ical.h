// iCalendar (RFC 5545): a parser of the objects CalDAV clients send and a
// writer of the events and to-dos Rapport serves (CalDAV, the per-user feed).
//
// The parser is generic (components, properties, parameters) and strict about
// structure: line unfolding (CRLF or LF followed by a space or tab), quoted
// parameter values, BEGIN/END nesting (at most 16 deep), exactly one
// VCALENDAR, valid UTF-8. Every error names the line. ICalItemFromCalendar
// then reads the one event or to-do of a CalDAV resource into an ICalItem,
// resolving times to UTC: "Z" times, TZID times (IANA names and Windows names
// through ICU, else the object's own VTIMEZONE offset), floating times (as
// UTC) and DATE values (all-day, midnight UTC).
//
// The writer folds lines at 75 octets (never inside a UTF-8 sequence),
// escapes TEXT (\\ \; \, \n), writes every DATE-TIME in UTC and CRLF line
// ends. Stateless; thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace rapport {

struct ICalProperty {
  std::string name;                               // upper case, e.g. "DTSTART"
  std::multimap<std::string, std::string> params; // upper-case names, values unquoted
  std::string value;                              // raw (TEXT escapes not undone)
  int64_t line = 0;                               // 1-based line of the property
  std::string Param(const std::string& name) const;  // first value or ""
};

struct ICalComponent {
  std::string name;  // upper case, e.g. "VEVENT"
  std::vector<ICalProperty> properties;
  std::vector<ICalComponent> children;
  int64_t line = 0;  // line of BEGIN
  const ICalProperty* First(const std::string& name) const;
  std::vector<const ICalProperty*> All(const std::string& name) const;
};

// Parses one iCalendar object (a VCALENDAR). InvalidArgument naming the line
// for malformed input.
Result<ICalComponent> ParseICalendar(std::string_view text);

// TEXT values: escaping for writing, unescaping of a parsed raw value.
std::string ICalEscape(std::string_view text);
std::string ICalUnescape(std::string_view raw);

// Appends one content line folded at 75 octets, then CRLF.
void AppendICalLine(std::string* out, std::string_view line);

// Epoch milliseconds <-> "YYYYMMDDTHHMMSSZ" / "YYYYMMDD".
std::string FormatICalDateTime(int64_t ms);
std::string FormatICalDate(int64_t ms);

// One event or to-do, in the terms Rapport stores (activities).
struct ICalItem {
  enum class Kind { kEvent, kTodo };
  Kind kind = Kind::kEvent;
  std::string uid;
  std::string summary;
  std::string description;
  std::vector<std::string> categories;
  bool all_day = false;   // DATE values (events: start and end)
  bool has_start = false; // events: DTSTART; to-dos: DUE (or DTSTART)
  int64_t start_ms = 0;
  bool has_end = false;   // events only: DTEND or DTSTART + DURATION
  int64_t end_ms = 0;
  bool completed = false; // to-dos: STATUS:COMPLETED or a COMPLETED time
  int64_t completed_ms = 0;  // 0 when completed without a time
  // Written only (the record's metadata).
  int64_t created_ms = 0, modified_ms = 0, stamp_ms = 0, sequence = 0;
  std::string url;
};

// Reads the single event or to-do of a CalDAV resource (RFC 4791 5.3.2.1:
// one UID per resource; overrides with RECURRENCE-ID are ignored, the master
// is read). InvalidArgument naming what is wrong (no VEVENT/VTODO, several
// UIDs, DTEND before DTSTART, unknown TZID, bad dates).
Result<ICalItem> ICalItemFromCalendar(const ICalComponent& cal);

// A VCALENDAR with `items` (PRODID Rapport). `name` adds X-WR-CALNAME (feeds).
std::string WriteICalendar(const std::vector<ICalItem>& items, const std::string& name = "");

}  // namespace rapport
