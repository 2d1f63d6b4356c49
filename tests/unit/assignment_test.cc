// Assignment strategies and rep calendars (domain/assignment.h).
#include <gtest/gtest.h>

#include <map>

#include "base/time.h"
#include "domain/assignment.h"

namespace rapport {
namespace {

RepState Rep(const std::string& id) {
  RepState r;
  r.id = id;
  return r;
}

TEST(RoundRobin, TakesTurnsEvenly) {
  std::vector<RepState> reps = {Rep("a"), Rep("b"), Rep("c")};
  std::map<std::string, int> got;
  std::string last;
  for (int i = 0; i < 30; ++i) {
    RepPick p = PickRoundRobin(reps, last);
    ASSERT_FALSE(p.user_id.empty());
    got[p.user_id]++;
    last = p.user_id;
  }
  EXPECT_EQ(got["a"], 10);
  EXPECT_EQ(got["b"], 10);
  EXPECT_EQ(got["c"], 10);
}

TEST(RoundRobin, SkipsInactiveAndOutOfOfficeReps) {
  std::vector<RepState> reps = {Rep("a"), Rep("b"), Rep("c"), Rep("d")};
  reps[1].active = false;
  reps[2].out_of_office = true;
  std::map<std::string, int> got;
  std::string last;
  for (int i = 0; i < 10; ++i) {
    RepPick p = PickRoundRobin(reps, last);
    got[p.user_id]++;
    last = p.user_id;
  }
  EXPECT_EQ(got["a"], 5);
  EXPECT_EQ(got["d"], 5);
  EXPECT_EQ(got.count("b") + got.count("c"), 0u);
  // The rep after a removed one: the order goes on.
  EXPECT_EQ(PickRoundRobin(reps, "gone").user_id, "a");
  EXPECT_EQ(PickRoundRobin(reps, "a", /*exclude=*/"d").user_id, "a");
  reps[0].active = false;
  reps[3].out_of_office = true;
  EXPECT_TRUE(PickRoundRobin(reps, "").user_id.empty());
}

TEST(RoundRobin, PrefersRepsInWorkingHoursButStillAssigns) {
  std::vector<RepState> reps = {Rep("a"), Rep("b")};
  reps[0].in_working_hours = false;
  EXPECT_EQ(PickRoundRobin(reps, "b").user_id, "b");  // a is off: b again
  reps[1].in_working_hours = false;
  RepPick p = PickRoundRobin(reps, "b");
  EXPECT_EQ(p.user_id, "a");  // nobody is working: the rotation goes on
  EXPECT_NE(p.note.find("nobody is in working hours"), std::string::npos);
}

TEST(LeastLoaded, LowestShareOfCapacityWins) {
  std::vector<RepState> reps = {Rep("a"), Rep("b"), Rep("c")};
  reps[0].open_leads = 5;
  reps[0].capacity = 10;  // 50%
  reps[1].open_leads = 8;
  reps[1].capacity = 40;  // 20%
  reps[2].open_leads = 3;
  reps[2].capacity = 5;  // 60%
  EXPECT_EQ(PickLeastLoaded(reps).user_id, "b");
  // At capacity: never.
  reps[1].open_leads = 40;
  EXPECT_EQ(PickLeastLoaded(reps).user_id, "a");
  reps[0].open_leads = 10;
  reps[2].open_leads = 5;
  RepPick none = PickLeastLoaded(reps);
  EXPECT_TRUE(none.user_id.empty());
  EXPECT_NE(none.note.find("capacity"), std::string::npos);
  // No capacity set: counts as kDefaultRepCapacity.
  std::vector<RepState> two = {Rep("x"), Rep("y")};
  two[0].open_leads = 10;
  two[1].open_leads = 3;
  two[1].capacity = 4;  // 75% vs 10%
  EXPECT_EQ(PickLeastLoaded(two).user_id, "x");
}

TEST(LeastLoaded, DistributesToCapacityOverManyLeads) {
  std::vector<RepState> reps = {Rep("a"), Rep("b")};
  reps[0].capacity = 10;
  reps[1].capacity = 30;
  for (int i = 0; i < 40; ++i) {
    RepPick p = PickLeastLoaded(reps);
    ASSERT_FALSE(p.user_id.empty()) << i;
    (p.user_id == "a" ? reps[0] : reps[1]).open_leads++;
  }
  EXPECT_EQ(reps[0].open_leads, 10);
  EXPECT_EQ(reps[1].open_leads, 30);
  EXPECT_TRUE(PickLeastLoaded(reps).user_id.empty());
}

TEST(NamedOwner, SkippedWhenAbsent) {
  RepState r = Rep("o");
  EXPECT_EQ(PickOwner(r).user_id, "o");
  r.out_of_office = true;
  EXPECT_TRUE(PickOwner(r).user_id.empty());
  r.out_of_office = false;
  r.active = false;
  EXPECT_TRUE(PickOwner(r).user_id.empty());
  EXPECT_TRUE(PickOwner(Rep("o"), "o").user_id.empty());
}

TEST(Calendar, OutOfOfficeAndWorkingHoursInTheRepsTimeZone) {
  int64_t t = 0;
  ASSERT_TRUE(ParseDateTime("2030-03-04T23:30:00Z", &t));  // Monday 23:30 UTC
  EXPECT_EQ(LocalDate(t, 0), "2030-03-04");
  EXPECT_EQ(LocalDate(t, 60), "2030-03-05");  // already Tuesday in Paris
  EXPECT_EQ(LocalDate(t, -300), "2030-03-04");
  RepCalendar cal;
  cal.out_of_office_from = "2030-03-05";
  cal.out_of_office_to = "2030-03-08";
  EXPECT_FALSE(IsOutOfOffice(cal, t));
  cal.utc_offset_minutes = 60;
  EXPECT_TRUE(IsOutOfOffice(cal, t));
  cal.out_of_office_from.clear();  // open start
  EXPECT_TRUE(IsOutOfOffice(cal, t));
  cal.out_of_office_to = "2030-03-01";
  EXPECT_FALSE(IsOutOfOffice(cal, t));

  RepCalendar hours;
  hours.working_hours = "mon-fri 09:00-17:00";
  hours.utc_offset_minutes = -300;  // New York in winter
  int64_t ny_morning = 0, ny_night = 0;
  ASSERT_TRUE(ParseDateTime("2030-03-04T15:00:00Z", &ny_morning));  // 10:00 in New York
  ASSERT_TRUE(ParseDateTime("2030-03-04T23:00:00Z", &ny_night));     // 18:00
  EXPECT_TRUE(InWorkingHours(hours, ny_morning));
  EXPECT_FALSE(InWorkingHours(hours, ny_night));
  EXPECT_TRUE(InWorkingHours(RepCalendar{}, ny_night));  // no hours set: always
}

TEST(Calendar, FixedOffsets) {
  int m = 99;
  EXPECT_TRUE(ParseFixedOffset("UTC", &m));
  EXPECT_EQ(m, 0);
  EXPECT_TRUE(ParseFixedOffset("+02:00", &m));
  EXPECT_EQ(m, 120);
  EXPECT_TRUE(ParseFixedOffset("-0530", &m));
  EXPECT_EQ(m, -330);
  EXPECT_TRUE(ParseFixedOffset("UTC+1", &m));
  EXPECT_EQ(m, 60);
  EXPECT_TRUE(ParseFixedOffset("GMT-03:30", &m));
  EXPECT_EQ(m, -210);
  EXPECT_FALSE(ParseFixedOffset("Europe/Paris", &m));
  EXPECT_FALSE(ParseFixedOffset("+15:00", &m));
  EXPECT_FALSE(ParseFixedOffset("+1:2:3", &m));
}

}  // namespace
}  // namespace rapport
