// Business-hours arithmetic for SLA due dates (src/domain/business_hours.h).
#include "domain/business_hours.h"

#include <gtest/gtest.h>

#include "base/time.h"

namespace rapport {
namespace {

int64_t At(const char* iso) {
  int64_t ms = 0;
  EXPECT_TRUE(ParseDateTime(iso, &ms)) << iso;
  return ms;
}

TEST(BusinessHoursTest, WithinOneDayAndAcrossEveningsAndWeekends) {
  BusinessHours bh;  // mon-fri 09:00-17:00 UTC
  // 2026-11-27 is a Friday.
  EXPECT_EQ(FormatIsoMillis(AddBusinessMinutes(At("2026-11-27T10:00:00Z"), 60, bh)), "2026-11-27T11:00:00.000Z");
  EXPECT_EQ(FormatIsoMillis(AddBusinessMinutes(At("2026-11-27T16:30:00Z"), 60, bh)), "2026-11-30T09:30:00.000Z");
  EXPECT_EQ(FormatIsoMillis(AddBusinessMinutes(At("2026-11-28T12:00:00Z"), 30, bh)), "2026-11-30T09:30:00.000Z");
  EXPECT_EQ(FormatIsoMillis(AddBusinessMinutes(At("2026-11-27T07:00:00Z"), 8 * 60, bh)), "2026-11-27T17:00:00.000Z");
  EXPECT_EQ(FormatIsoMillis(AddBusinessMinutes(At("2026-11-27T09:00:00Z"), 24 * 60, bh)), "2026-12-01T17:00:00.000Z");
}

TEST(BusinessHoursTest, ParsesSpecsAndHonoursTheOffset) {
  auto bh = ParseBusinessHours("Mon-Thu,Sat 08:00-12:00", 60);
  ASSERT_TRUE(bh.ok());
  EXPECT_EQ(bh->weekdays, 0x0F | 0x20);
  // Friday 2026-11-27 10:00 UTC is 11:00 local, not a working day: Saturday 08:00 local = 07:00 UTC.
  EXPECT_EQ(FormatIsoMillis(AddBusinessMinutes(At("2026-11-27T10:00:00Z"), 30, *bh)), "2026-11-28T07:30:00.000Z");
  EXPECT_FALSE(ParseBusinessHours("weekdays 9-5", 0).ok());
  EXPECT_FALSE(ParseBusinessHours("mon-fri 17:00-09:00", 0).ok());
  EXPECT_FALSE(ParseBusinessHours("fri-mon 09:00-17:00", 0).ok());
}

TEST(BusinessHoursTest, SlaTargetsByPriority) {
  EXPECT_EQ(SlaForPriority("urgent").first_response, 60);
  EXPECT_EQ(SlaForPriority("normal").resolution, 24 * 60);
  EXPECT_EQ(SlaForPriority("nonsense").first_response, SlaForPriority("normal").first_response);
}

}  // namespace
}  // namespace rapport
