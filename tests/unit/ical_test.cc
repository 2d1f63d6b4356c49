// iCalendar (RFC 5545) parser and writer: folding, escaping, UTC times, time
// zones, durations, one item per CalDAV resource, and errors that name the line.
#include "io/ical.h"

#include <gtest/gtest.h>

#include "base/time.h"

namespace rapport {
namespace {

int64_t Ms(const char* iso) {
  int64_t ms = 0;
  EXPECT_TRUE(ParseDateTime(iso, &ms)) << iso;
  return ms;
}

std::string Cal(const std::string& body) {
  return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" + body + "END:VCALENDAR\r\n";
}

TEST(ICal, EscapeAndUnescapeText) {
  EXPECT_EQ(ICalEscape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
  EXPECT_EQ(ICalEscape("x\r\ny"), "x\\ny");
  EXPECT_EQ(ICalUnescape("a\\,b\\;c\\\\d\\ne\\Nf"), "a,b;c\\d\ne\nf");
  EXPECT_EQ(ICalUnescape(ICalEscape("round, trip; \\ \n done")), "round, trip; \\ \n done");
}

TEST(ICal, FoldsAt75OctetsWithoutSplittingUtf8) {
  std::string out;
  std::string line = "SUMMARY:";
  for (int i = 0; i < 60; ++i) line += "\xC3\xA9";  // é, two octets each
  AppendICalLine(&out, line);
  size_t start = 0;
  std::string unfolded;
  while (start < out.size()) {
    size_t e = out.find("\r\n", start);
    ASSERT_NE(e, std::string::npos);
    std::string phys = out.substr(start, e - start);
    EXPECT_LE(phys.size(), 75u);
    // Never starts a continuation on a UTF-8 continuation byte.
    if (start > 0) {
      ASSERT_EQ(phys[0], ' ');
      EXPECT_NE(static_cast<unsigned char>(phys[1]) & 0xC0, 0x80);
      unfolded += phys.substr(1);
    } else {
      unfolded += phys;
    }
    start = e + 2;
  }
  EXPECT_EQ(unfolded, line);
}

TEST(ICal, WritesEventsAndTodosInUtc) {
  ICalItem ev;
  ev.kind = ICalItem::Kind::kEvent;
  ev.uid = "01ABC";
  ev.summary = "Demo, with; specials";
  ev.description = "line 1\nline 2";
  ev.has_start = ev.has_end = true;
  ev.start_ms = Ms("2026-03-02T09:30:00Z");
  ev.end_ms = Ms("2026-03-02T10:30:00Z");
  ev.created_ms = Ms("2026-01-01T00:00:00Z");
  ev.modified_ms = Ms("2026-01-02T00:00:00Z");
  ev.sequence = 3;
  ev.categories = {"MEETING"};
  ICalItem todo;
  todo.kind = ICalItem::Kind::kTodo;
  todo.uid = "01DEF";
  todo.summary = "Send the quote";
  todo.has_start = true;
  todo.start_ms = Ms("2026-03-03T12:00:00Z");
  todo.completed = true;
  todo.completed_ms = Ms("2026-03-03T11:00:00Z");
  std::string text = WriteICalendar({ev, todo}, "Ada's calendar");
  EXPECT_NE(text.find("DTSTART:20260302T093000Z\r\n"), std::string::npos) << text;
  EXPECT_NE(text.find("DTEND:20260302T103000Z\r\n"), std::string::npos);
  EXPECT_NE(text.find("SUMMARY:Demo\\, with\\; specials\r\n"), std::string::npos);
  EXPECT_NE(text.find("DESCRIPTION:line 1\\nline 2\r\n"), std::string::npos);
  EXPECT_NE(text.find("SEQUENCE:3\r\n"), std::string::npos);
  EXPECT_NE(text.find("DTSTAMP:20260102T000000Z\r\n"), std::string::npos);
  EXPECT_NE(text.find("LAST-MODIFIED:20260102T000000Z\r\n"), std::string::npos);
  EXPECT_NE(text.find("DUE:20260303T120000Z\r\n"), std::string::npos);
  EXPECT_NE(text.find("STATUS:COMPLETED\r\n"), std::string::npos);
  EXPECT_NE(text.find("X-WR-CALNAME:Ada's calendar\r\n"), std::string::npos);
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') {
      EXPECT_EQ(text[i - 1], '\r');
    }
  }
  // What it writes, it reads back.
  auto cal = ParseICalendar(text);
  ASSERT_TRUE(cal.ok()) << cal.status().ToString();
  ASSERT_EQ(cal->children.size(), 2u);
  ICalComponent only_event = *cal;
  only_event.children.pop_back();
  auto back = ICalItemFromCalendar(only_event);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->uid, "01ABC");
  EXPECT_EQ(back->summary, "Demo, with; specials");
  EXPECT_EQ(back->description, "line 1\nline 2");
  EXPECT_EQ(back->start_ms, ev.start_ms);
  EXPECT_EQ(back->end_ms, ev.end_ms);
  EXPECT_EQ(back->categories, std::vector<std::string>{"MEETING"});
}

TEST(ICal, ParsesFoldedLinesQuotedParamsAndLowerCase) {
  auto cal = ParseICalendar(
      "begin:vcalendar\nversion:2.0\nBEGIN:VEVENT\nUID:u1\nSUMMARY:A long\n  summary\n"
      "DTSTART;TZID=\"Europe/Berlin\":20260704T100000\nDTEND;TZID=Europe/Berlin:20260704T113000\n"
      "ATTENDEE;CN=\"Doe, Jane\";ROLE=REQ-PARTICIPANT:mailto:jane@example.com\nEND:VEVENT\nend:vcalendar\n");
  ASSERT_TRUE(cal.ok()) << cal.status().ToString();
  ASSERT_EQ(cal->children.size(), 1u);
  EXPECT_EQ(cal->children[0].First("ATTENDEE")->Param("CN"), "Doe, Jane");
  auto item = ICalItemFromCalendar(*cal);
  ASSERT_TRUE(item.ok()) << item.status().ToString();
  EXPECT_EQ(item->summary, "A long summary");
  // Berlin is UTC+2 in July.
  EXPECT_EQ(item->start_ms, Ms("2026-07-04T08:00:00Z"));
  EXPECT_EQ(item->end_ms, Ms("2026-07-04T09:30:00Z"));
  EXPECT_FALSE(item->all_day);
}

TEST(ICal, TimeZonesWindowsNamesVtimezoneAndFloating) {
  auto read = [](const std::string& props, const std::string& extra = "") {
    auto cal = ParseICalendar(Cal(extra + "BEGIN:VEVENT\r\nUID:x\r\n" + props + "END:VEVENT\r\n"));
    EXPECT_TRUE(cal.ok()) << cal.status().ToString();
    return ICalItemFromCalendar(*cal);
  };
  // Winter in New York: UTC-5.
  auto ny = read("DTSTART;TZID=America/New_York:20260115T090000\r\n");
  ASSERT_TRUE(ny.ok());
  EXPECT_EQ(ny->start_ms, Ms("2026-01-15T14:00:00Z"));
  // Outlook's Windows zone names.
  auto win = read("DTSTART;TZID=W. Europe Standard Time:20260115T090000\r\n");
  ASSERT_TRUE(win.ok()) << win.status().ToString();
  EXPECT_EQ(win->start_ms, Ms("2026-01-15T08:00:00Z"));
  // A private TZID defined by the object's VTIMEZONE.
  auto own = read("DTSTART;TZID=My Zone:20260115T090000\r\n",
                  "BEGIN:VTIMEZONE\r\nTZID:My Zone\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\n"
                  "TZOFFSETFROM:+0530\r\nTZOFFSETTO:+0530\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n");
  ASSERT_TRUE(own.ok()) << own.status().ToString();
  EXPECT_EQ(own->start_ms, Ms("2026-01-15T03:30:00Z"));
  // Floating times read as UTC; DURATION gives the end.
  auto fl = read("DTSTART:20260115T090000\r\nDURATION:PT1H30M\r\n");
  ASSERT_TRUE(fl.ok());
  EXPECT_EQ(fl->start_ms, Ms("2026-01-15T09:00:00Z"));
  EXPECT_EQ(fl->end_ms, Ms("2026-01-15T10:30:00Z"));
  // All-day: DATE values, one day by default.
  auto day = read("DTSTART;VALUE=DATE:20260115\r\n");
  ASSERT_TRUE(day.ok());
  EXPECT_TRUE(day->all_day);
  EXPECT_EQ(day->end_ms - day->start_ms, 86400000);
  // Unknown zone without a VTIMEZONE: refused, naming it.
  auto bad = read("DTSTART;TZID=Mars/Olympus:20260115T090000\r\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("Mars/Olympus"), std::string::npos);
}

TEST(ICal, TodosWithDueAndCompletion) {
  auto cal = ParseICalendar(Cal("BEGIN:VTODO\r\nUID:t1\r\nSUMMARY:Call back\r\nDUE:20260201T100000Z\r\n"
                                "STATUS:COMPLETED\r\nCOMPLETED:20260201T090000Z\r\nEND:VTODO\r\n"));
  ASSERT_TRUE(cal.ok());
  auto t = ICalItemFromCalendar(*cal);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->kind, ICalItem::Kind::kTodo);
  EXPECT_TRUE(t->completed);
  EXPECT_EQ(t->completed_ms, Ms("2026-02-01T09:00:00Z"));
  EXPECT_EQ(t->start_ms, Ms("2026-02-01T10:00:00Z"));
}

TEST(ICal, RecurrenceOverridesKeepTheMaster) {
  auto cal = ParseICalendar(Cal("BEGIN:VEVENT\r\nUID:r\r\nRECURRENCE-ID:20260108T090000Z\r\nSUMMARY:moved\r\n"
                                "DTSTART:20260108T100000Z\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:r\r\nSUMMARY:weekly\r\n"
                                "DTSTART:20260101T090000Z\r\nRRULE:FREQ=WEEKLY\r\nEND:VEVENT\r\n"));
  ASSERT_TRUE(cal.ok());
  auto it = ICalItemFromCalendar(*cal);
  ASSERT_TRUE(it.ok());
  EXPECT_EQ(it->summary, "weekly");
}

TEST(ICal, MalformedInputNamesTheProblem) {
  auto err = [](const std::string& text) {
    auto cal = ParseICalendar(text);
    if (!cal.ok()) return cal.status().message();
    auto it = ICalItemFromCalendar(*cal);
    return it.ok() ? std::string("ok") : it.status().message();
  };
  EXPECT_NE(err("").find("no BEGIN:VCALENDAR"), std::string::npos);
  EXPECT_NE(err("BEGIN:VCARD\r\nEND:VCARD\r\n").find("expected BEGIN:VCALENDAR"), std::string::npos);
  EXPECT_NE(err("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\n").find("never closed"), std::string::npos);
  EXPECT_NE(err("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nEND:VTODO\r\nEND:VCALENDAR\r\n").find("line 3"), std::string::npos);
  EXPECT_NE(err(Cal("BEGIN:VEVENT\r\nUID:a\r\nno colon here\r\nEND:VEVENT\r\n")).find("line 6"), std::string::npos);
  EXPECT_NE(err(Cal("BEGIN:VEVENT\r\nUID:a\r\nSUMMARY;CN=\"open:x\r\nEND:VEVENT\r\n")).find("unterminated"),
            std::string::npos);
  EXPECT_NE(err(Cal("")).find("no VEVENT or VTODO"), std::string::npos);
  EXPECT_NE(err(Cal("BEGIN:VEVENT\r\nDTSTART:20260101T000000Z\r\nEND:VEVENT\r\n")).find("no UID"), std::string::npos);
  EXPECT_NE(err(Cal("BEGIN:VEVENT\r\nUID:a\r\nEND:VEVENT\r\n")).find("no DTSTART"), std::string::npos);
  EXPECT_NE(err(Cal("BEGIN:VEVENT\r\nUID:a\r\nDTSTART:2026-01-01\r\nEND:VEVENT\r\n")).find("not a DATE"),
            std::string::npos);
  EXPECT_NE(err(Cal("BEGIN:VEVENT\r\nUID:a\r\nDTSTART:20260231T000000Z\r\nEND:VEVENT\r\n")).find("not a DATE"),
            std::string::npos);
  EXPECT_NE(err(Cal("BEGIN:VEVENT\r\nUID:a\r\nDTSTART:20260102T000000Z\r\nDTEND:20260101T000000Z\r\nEND:VEVENT\r\n"))
                .find("ends before it starts"),
            std::string::npos);
  EXPECT_NE(err(Cal("BEGIN:VEVENT\r\nUID:a\r\nDTSTART:20260101T000000Z\r\nEND:VEVENT\r\n"
                    "BEGIN:VEVENT\r\nUID:b\r\nDTSTART:20260101T000000Z\r\nEND:VEVENT\r\n"))
                .find("several UIDs"),
            std::string::npos);
  EXPECT_NE(err(Cal("BEGIN:VEVENT\r\nUID:a\r\nDTSTART:20260101T000000Z\r\nDURATION:1 hour\r\nEND:VEVENT\r\n"))
                .find("DURATION"),
            std::string::npos);
  EXPECT_NE(err("BEGIN:VCALENDAR\r\nSUMMARY:\xFF\xFE\r\nEND:VCALENDAR\r\n").find("UTF-8"), std::string::npos);
  std::string deep = "BEGIN:VCALENDAR\r\n";
  for (int i = 0; i < 20; ++i) deep += "BEGIN:X\r\n";
  EXPECT_NE(err(deep).find("nested too deeply"), std::string::npos);
}

}  // namespace
}  // namespace rapport
