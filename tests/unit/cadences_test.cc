// Cadence steps and templates (domain/cadences.h), and recurring tasks that
// keep their wall-clock time across daylight-saving changes
// (domain/recurrence.h; docs/decisions/015-cadences-and-renewals.md).
#include <gtest/gtest.h>

#include "base/time.h"
#include "domain/cadences.h"
#include "domain/recurrence.h"

namespace rapport {
namespace {

using nlohmann::json;

int64_t At(const char* iso) {
  int64_t ms = 0;
  EXPECT_TRUE(ParseDateTime(iso, &ms)) << iso;
  return ms;
}

std::string Next(Recurrence r, const char* iso, const char* zone) {
  return FormatIsoMillis(NextOccurrence(r, At(iso), zone));
}

std::string ErrorField(const json& steps) {
  auto r = ParseCadenceSteps(steps);
  EXPECT_FALSE(r.ok()) << steps.dump();
  return r.ok() ? "" : r.status().field();
}

TEST(CadenceSteps, ParsesAndKeepsOrder) {
  auto r = ParseCadenceSteps(json::parse(R"([
    {"type": "call", "day": 0, "subject": "Call {{first_name}}"},
    {"type": "email", "day": 2, "subject": "Follow-up for {{company}}", "notes": "Send the deck"},
    {"type": "meeting", "day": 7, "subject": "Demo"}])"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[1].type, "email");
  EXPECT_EQ((*r)[1].day, 2);
  EXPECT_EQ((*r)[1].notes, "Send the deck");
  EXPECT_EQ((*r)[2].day, 7);
  // The canonical JSON parses back to the same steps.
  auto again = ParseCadenceSteps(CadenceStepsToJson(*r));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(CadenceStepsToJson(*again), CadenceStepsToJson(*r));
}

TEST(CadenceSteps, BadInputNamesTheField) {
  EXPECT_EQ(ErrorField(json::array()), "steps");
  EXPECT_EQ(ErrorField(json("call")), "steps");
  EXPECT_EQ(ErrorField(json::parse(R"([{"type": "fax", "day": 0, "subject": "x"}])")), "steps[0].type");
  EXPECT_EQ(ErrorField(json::parse(R"([{"type": "note", "day": 0, "subject": "x"}])")), "steps[0].type");
  EXPECT_EQ(ErrorField(json::parse(R"([{"type": "call", "day": 0, "subject": "x"},
                                       {"type": "call", "day": -1, "subject": "y"}])")),
            "steps[1].day");
  EXPECT_EQ(ErrorField(json::parse(R"([{"type": "call", "day": 1.5, "subject": "x"}])")), "steps[0].day");
  EXPECT_EQ(ErrorField(json::parse(R"([{"type": "call", "day": "2", "subject": "x"}])")), "steps[0].day");
  EXPECT_EQ(ErrorField(json::parse(R"([{"type": "call", "day": 5, "subject": "x"},
                                       {"type": "call", "day": 3, "subject": "y"}])")),
            "steps[1].day");
  EXPECT_EQ(ErrorField(json::parse(R"([{"type": "call", "day": 0}])")), "steps[0].subject");
  EXPECT_EQ(ErrorField(json::parse(R"([{"type": "call", "day": 0, "subject": ""}])")), "steps[0].subject");
  EXPECT_EQ(ErrorField(json::parse(R"([{"day": 0, "subject": "x"}])")), "steps[0].type");
  EXPECT_EQ(ErrorField(json::parse(R"([{"type": "call", "subject": "x"}])")), "steps[0].day");
  EXPECT_EQ(ErrorField(json::parse(R"([{"type": "call", "day": 0, "subject": "x", "when": 1}])")), "steps[0].when");
  EXPECT_EQ(ErrorField(json::parse(R"([{"type": "call", "day": 0, "subject": "Hi {{nickname}}"}])")),
            "steps[0].subject");
  EXPECT_EQ(ErrorField(json::parse(R"([{"type": "call", "day": 0, "subject": "x", "notes": "{{name"}])")),
            "steps[0].notes");
  EXPECT_EQ(ErrorField(json::parse(R"([{"type": "call", "day": 4000, "subject": "x"}])")), "steps[0].day");
  json many = json::array();
  for (int i = 0; i < kMaxCadenceSteps + 1; ++i) many.push_back({{"type", "task"}, {"day", i}, {"subject", "s"}});
  EXPECT_EQ(ErrorField(many), "steps");
}

TEST(CadenceSteps, TemplatesFillKnownValues) {
  std::map<std::string, std::string> v{{"first_name", "Ada"}, {"company", "Analytical Engines"}};
  EXPECT_EQ(RenderCadenceTemplate("Call {{first_name}} at {{ company }}", v), "Call Ada at Analytical Engines");
  EXPECT_EQ(RenderCadenceTemplate("Hello {{last_name}}!", v), "Hello !");  // known placeholder, no value
  EXPECT_EQ(RenderCadenceTemplate("No placeholders", v), "No placeholders");
  EXPECT_EQ(RenderCadenceTemplate("{{first_name}}{{first_name}}", v), "AdaAda");
}

// Europe/Paris: summer time from 2026-03-29 02:00 (UTC+1 -> +2) until
// 2026-10-25 03:00 (back to +1).
TEST(RecurrenceDst, WeeklyKeepsNineOClockInParis) {
  // 09:00 CEST = 07:00Z; a week later, after the change, 09:00 CET = 08:00Z.
  EXPECT_EQ(Next(Recurrence::kWeekly, "2026-10-22T07:00:00Z", "Europe/Paris"), "2026-10-29T08:00:00.000Z");
  // Spring: 09:00 CET = 08:00Z -> 09:00 CEST = 07:00Z.
  EXPECT_EQ(Next(Recurrence::kWeekly, "2026-03-26T08:00:00Z", "Europe/Paris"), "2026-04-02T07:00:00.000Z");
  // Without a zone (UTC) the instant moves by exactly 7 days, as before.
  EXPECT_EQ(Next(Recurrence::kWeekly, "2026-10-22T07:00:00Z", ""), "2026-10-29T07:00:00.000Z");
  // Monthly and weekdays too.
  EXPECT_EQ(Next(Recurrence::kMonthly, "2026-10-15T07:00:00Z", "Europe/Paris"), "2026-11-15T08:00:00.000Z");
  EXPECT_EQ(Next(Recurrence::kWeekdays, "2026-10-23T07:00:00Z", "Europe/Paris"), "2026-10-26T08:00:00.000Z");
}

// America/New_York: daylight time from 2026-03-08 02:00 (UTC-5 -> -4) until
// 2026-11-01 02:00 (back to -5).
TEST(RecurrenceDst, DailyKeepsNineOClockInNewYork) {
  EXPECT_EQ(Next(Recurrence::kDaily, "2026-03-07T14:00:00Z", "America/New_York"), "2026-03-08T13:00:00.000Z");
  EXPECT_EQ(Next(Recurrence::kDaily, "2026-10-31T13:00:00Z", "America/New_York"), "2026-11-01T14:00:00.000Z");
  EXPECT_EQ(Next(Recurrence::kWeekly, "2026-10-29T13:00:00Z", "America/New_York"), "2026-11-05T14:00:00.000Z");
}

TEST(RecurrenceDst, DaysAndWeekdaysAreTheZones) {
  // Friday 2026-11-27 20:00 in New York is already Saturday in UTC: the next
  // weekday is Monday 20:00 New York time, not Monday in UTC terms.
  EXPECT_EQ(Next(Recurrence::kWeekdays, "2026-11-28T01:00:00Z", "America/New_York"), "2026-12-01T01:00:00.000Z");
  EXPECT_EQ(Next(Recurrence::kWeekdays, "2026-11-28T01:00:00Z", ""), "2026-11-30T01:00:00.000Z");
  // Monthly on the 31st, local: Jan 31 23:30 Paris (22:30Z) -> Feb 28 23:30 Paris.
  EXPECT_EQ(Next(Recurrence::kMonthly, "2027-01-31T22:30:00Z", "Europe/Paris"), "2027-02-28T22:30:00.000Z");
}

TEST(RecurrenceDst, SkippedAndRepeatedLocalTimes) {
  // 02:30 does not exist in Paris on 2026-03-29: moved forward by the gap (03:30 CEST = 01:30Z).
  EXPECT_EQ(Next(Recurrence::kDaily, "2026-03-28T01:30:00Z", "Europe/Paris"), "2026-03-29T01:30:00.000Z");
  // 01:30 happens twice in New York on 2026-11-01: the first (EDT, 05:30Z).
  EXPECT_EQ(Next(Recurrence::kDaily, "2026-10-31T05:30:00Z", "America/New_York"), "2026-11-01T05:30:00.000Z");
  // And the day after is 01:30 EST (06:30Z).
  EXPECT_EQ(Next(Recurrence::kDaily, "2026-11-01T05:30:00Z", "America/New_York"), "2026-11-02T06:30:00.000Z");
}

TEST(RecurrenceDst, FixedOffsetsAndUnknownZones) {
  EXPECT_EQ(Next(Recurrence::kDaily, "2026-10-24T07:00:00Z", "+02:00"), "2026-10-25T07:00:00.000Z");
  // Weekday of a fixed offset: Friday 23:00Z is Saturday 01:00 at +02:00 -> Monday 01:00 local.
  EXPECT_EQ(Next(Recurrence::kWeekdays, "2026-11-27T23:00:00Z", "UTC+2"), "2026-11-29T23:00:00.000Z");
  EXPECT_TRUE(IsKnownTimeZone("Europe/Paris"));
  EXPECT_TRUE(IsKnownTimeZone("America/New_York"));
  EXPECT_TRUE(IsKnownTimeZone("+05:30"));
  EXPECT_TRUE(IsKnownTimeZone(""));
  EXPECT_FALSE(IsKnownTimeZone("Mars/Olympus_Mons"));
  // An unknown zone counts as UTC.
  EXPECT_EQ(Next(Recurrence::kWeekly, "2026-10-22T07:00:00Z", "Mars/Olympus_Mons"), "2026-10-29T07:00:00.000Z");
}

TEST(RecurrenceDst, AddLocalDaysKeepsTheLocalTime) {
  // A cadence started Friday 2026-10-23 10:00 Paris (08:00Z): day 7 is 10:00 CET (09:00Z).
  EXPECT_EQ(FormatIsoMillis(AddLocalDays(At("2026-10-23T08:00:00Z"), 7, "Europe/Paris")), "2026-10-30T09:00:00.000Z");
  EXPECT_EQ(FormatIsoMillis(AddLocalDays(At("2026-10-23T08:00:00Z"), 0, "Europe/Paris")), "2026-10-23T08:00:00.000Z");
  EXPECT_EQ(FormatIsoMillis(AddLocalDays(At("2026-03-06T15:00:00Z"), 2, "America/New_York")), "2026-03-08T14:00:00.000Z");
  EXPECT_EQ(FormatIsoMillis(AddLocalDays(At("2026-03-06T15:00:00Z"), 2, "")), "2026-03-08T15:00:00.000Z");
}

}  // namespace
}  // namespace rapport
