// Wall-clock time as the rest of the system sees it.
//
// Clock is the seam tests use to set time. Timestamps are ISO 8601 UTC strings
// with millisecond precision ("2026-11-29T18:49:10.123Z"), which sort
// lexicographically in time order in both databases.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace rapport {

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch.
  virtual int64_t NowMillis() const;
  // The process-wide clock (a real one unless a test replaced it).
  static const Clock& Get();
  // Replaces the process-wide clock; `c` must outlive its use. nullptr restores.
  static void Set(const Clock* c);
};

// Formats epoch milliseconds as "YYYY-MM-DDTHH:MM:SS.mmmZ".
std::string FormatIsoMillis(int64_t ms);
inline std::string NowIso() { return FormatIsoMillis(Clock::Get().NowMillis()); }

// Parses "YYYY-MM-DD" strictly (real calendar dates). Returns false if invalid.
bool ParseDate(std::string_view s, int* y, int* m, int* d);
// Parses an RFC 3339 date-time ("2026-01-02T03:04:05Z", optional fraction,
// "Z" or "+hh:mm" offset) into epoch milliseconds.
bool ParseDateTime(std::string_view s, int64_t* ms);

}  // namespace rapport
