// Business-hours arithmetic for service-level targets (case first response
// and resolution). Pure functions, no I/O.
#pragma once

#include <cstdint>
#include <string>

#include "base/status.h"

namespace rapport {

// Working hours: the same window on each working day, in a fixed UTC offset.
struct BusinessHours {
  int start_minute = 9 * 60;   // minutes after local midnight the day opens
  int end_minute = 17 * 60;    // ... and closes (exclusive)
  uint8_t weekdays = 0x1F;     // bit 0 = Monday ... bit 6 = Sunday
  int utc_offset_minutes = 0;  // local time = UTC + offset
};

// Parses "mon-fri 09:00-17:00" (days: mon..sun, ranges or comma lists).
Result<BusinessHours> ParseBusinessHours(const std::string& spec, int utc_offset_minutes);

// The instant `minutes` working minutes after `start_ms` (epoch ms). Time
// outside working hours does not count; a start outside them begins at the
// next opening.
int64_t AddBusinessMinutes(int64_t start_ms, int64_t minutes, const BusinessHours& bh);

// Working minutes between two instants (0 when `to_ms` <= `from_ms`); time
// outside working hours does not count. Used for first-response times.
int64_t BusinessMinutesBetween(int64_t from_ms, int64_t to_ms, const BusinessHours& bh);

// True if the instant falls inside working hours (start inclusive, end exclusive).
bool WithinBusinessHours(int64_t at_ms, const BusinessHours& bh);

// Service targets in working minutes by case priority (low, normal, high, urgent).
struct SlaTargets {
  int64_t first_response;
  int64_t resolution;
};
SlaTargets SlaForPriority(const std::string& priority);

}  // namespace rapport
