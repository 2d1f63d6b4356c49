// Recurring task dates and the SMTP message (issue 5,
// docs/decisions/014-reminders-and-smtp.md).
#include <gtest/gtest.h>

#include "app/smtp.h"
#include "base/time.h"
#include "domain/recurrence.h"

namespace rapport {
namespace {

int64_t At(const char* iso) {
  int64_t ms = 0;
  EXPECT_TRUE(ParseDateTime(iso, &ms)) << iso;
  return ms;
}

std::string Next(Recurrence r, const char* iso) { return FormatIsoMillis(NextOccurrence(r, At(iso))); }

TEST(Recurrence, Parse) {
  EXPECT_EQ(ParseRecurrence("weekly"), Recurrence::kWeekly);
  EXPECT_EQ(ParseRecurrence("weekdays"), Recurrence::kWeekdays);
  EXPECT_FALSE(ParseRecurrence("yearly").has_value());
  EXPECT_FALSE(ParseRecurrence("").has_value());
}

TEST(Recurrence, DailyAndWeeklyKeepTimeOfDay) {
  EXPECT_EQ(Next(Recurrence::kDaily, "2026-12-31T09:30:00Z"), "2027-01-01T09:30:00.000Z");
  EXPECT_EQ(Next(Recurrence::kWeekly, "2026-11-27T16:00:00Z"), "2026-12-04T16:00:00.000Z");
  EXPECT_EQ(Next(Recurrence::kWeekly, "2028-02-26T08:00:00Z"), "2028-03-04T08:00:00.000Z");  // across Feb 29
}

TEST(Recurrence, WeekdaysSkipSaturdayAndSunday) {
  // 2026-11-23 is a Monday.
  EXPECT_EQ(Next(Recurrence::kWeekdays, "2026-11-23T09:00:00Z"), "2026-11-24T09:00:00.000Z");  // Mon -> Tue
  EXPECT_EQ(Next(Recurrence::kWeekdays, "2026-11-26T09:00:00Z"), "2026-11-27T09:00:00.000Z");  // Thu -> Fri
  EXPECT_EQ(Next(Recurrence::kWeekdays, "2026-11-27T09:00:00Z"), "2026-11-30T09:00:00.000Z");  // Fri -> Mon
  EXPECT_EQ(Next(Recurrence::kWeekdays, "2026-11-28T09:00:00Z"), "2026-11-30T09:00:00.000Z");  // Sat -> Mon
  EXPECT_EQ(Next(Recurrence::kWeekdays, "2026-11-29T09:00:00Z"), "2026-11-30T09:00:00.000Z");  // Sun -> Mon
}

TEST(Recurrence, MonthlyClampsToLastDay) {
  EXPECT_EQ(Next(Recurrence::kMonthly, "2026-01-31T10:00:00Z"), "2026-02-28T10:00:00.000Z");
  EXPECT_EQ(Next(Recurrence::kMonthly, "2028-01-31T10:00:00Z"), "2028-02-29T10:00:00.000Z");  // leap year
  EXPECT_EQ(Next(Recurrence::kMonthly, "2026-03-31T10:00:00Z"), "2026-04-30T10:00:00.000Z");
  EXPECT_EQ(Next(Recurrence::kMonthly, "2026-12-31T23:59:00Z"), "2027-01-31T23:59:00.000Z");
  EXPECT_EQ(Next(Recurrence::kMonthly, "2026-05-15T07:00:00Z"), "2026-06-15T07:00:00.000Z");
  EXPECT_EQ(Next(Recurrence::kMonthly, "2100-01-29T00:00:00Z"), "2100-02-28T00:00:00.000Z");  // 2100: no leap
}

MailMessage Sample() {
  MailMessage m;
  m.from = "Rapport CRM <crm@example.com>";
  m.to = "rep@example.org";
  m.subject = "Reminder: call Acme";
  m.body = "Line one\nLine two\n.\nend";
  m.date_ms = At("2026-11-29T18:49:10Z");
  m.message_id = "01ABC.x1";
  return m;
}

TEST(SmtpMessage, HeadersAndCrlf) {
  auto r = BuildMessage(Sample());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const std::string& t = *r;
  EXPECT_NE(t.find("Date: Sun, 29 Nov 2026 18:49:10 +0000\r\n"), std::string::npos) << t;
  EXPECT_NE(t.find("Message-ID: <01ABC.x1@example.com>\r\n"), std::string::npos);
  EXPECT_NE(t.find("From: \"Rapport CRM\" <crm@example.com>\r\n"), std::string::npos);
  EXPECT_NE(t.find("To: <rep@example.org>\r\n"), std::string::npos);
  EXPECT_NE(t.find("Subject: Reminder: call Acme\r\n"), std::string::npos);
  EXPECT_NE(t.find("Content-Type: text/plain; charset=UTF-8\r\n"), std::string::npos);
  EXPECT_NE(t.find("Content-Transfer-Encoding: 7bit\r\n"), std::string::npos);
  // Headers end with an empty line; the body's line ends are CRLF (the lone
  // dot is left to libcurl's dot-stuffing).
  size_t sep = t.find("\r\n\r\n");
  ASSERT_NE(sep, std::string::npos);
  EXPECT_EQ(t.substr(sep + 4), "Line one\r\nLine two\r\n.\r\nend\r\n");
  for (size_t i = 0; i < t.size(); ++i) {
    if (t[i] == '\n') {
      ASSERT_TRUE(i > 0 && t[i - 1] == '\r') << "bare LF at " << i;
    }
  }
}

TEST(SmtpMessage, NonAsciiSubjectAndBodyAreEncoded) {
  MailMessage m = Sample();
  m.subject = "Rückruf bei Müller – Angebot";
  m.body = "Grüße\n";
  auto r = BuildMessage(m);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  // "Rückruf bei Müller – Angebot" in UTF-8, base64.
  EXPECT_NE(r->find("Subject: =?UTF-8?B?UsO8Y2tydWYgYmVpIE3DvGxsZXIg4oCTIEFuZ2Vib3Q=?=\r\n"), std::string::npos) << *r;
  EXPECT_NE(r->find("Content-Transfer-Encoding: base64\r\n"), std::string::npos);
  EXPECT_NE(r->find("\r\n\r\nR3LDvMOfZQ0K\r\n"), std::string::npos) << *r;  // "Grüße\r\n"
  // A long subject is split into encoded-words of at most 75 characters,
  // never inside a UTF-8 sequence.
  std::string longsub;
  for (int i = 0; i < 40; ++i) longsub += "ä";
  EXPECT_EQ(EncodeHeaderText(longsub),
            "=?UTF-8?B?w6TDpMOkw6TDpMOkw6TDpMOkw6TDpMOkw6TDpMOkw6TDpMOkw6TDpMOkw6Q=?=\r\n "
            "=?UTF-8?B?w6TDpMOkw6TDpMOkw6TDpMOkw6TDpMOkw6TDpMOkw6TDpMOk?=");
  EXPECT_EQ(EncodeHeaderText("plain"), "plain");
  EXPECT_NE(EncodeHeaderText("looks =?like?= a word"), "looks =?like?= a word");
}

TEST(SmtpMessage, HeaderInjectionIsRefused) {
  MailMessage m = Sample();
  m.subject = "Hi\r\nBcc: victim@example.net";
  auto r = BuildMessage(m);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().field(), "subject");
  m = Sample();
  m.subject = "Hi\nBcc: victim@example.net";
  EXPECT_FALSE(BuildMessage(m).ok());
  m = Sample();
  m.to = "rep@example.org\r\nBcc: victim@example.net";
  r = BuildMessage(m);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().field(), "to");
  m = Sample();
  m.to = "a@b.example, c@d.example";
  EXPECT_FALSE(BuildMessage(m).ok());
  m = Sample();
  m.from = "Evil\r\nBcc: x@y.example <crm@example.com>";
  r = BuildMessage(m);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().field(), "from");
  m = Sample();
  m.subject = std::string("bad \xC3", 5);  // truncated UTF-8
  EXPECT_FALSE(BuildMessage(m).ok());
}

TEST(SmtpMessage, AddressesAndConfig) {
  EXPECT_TRUE(CheckAddress("a.b+c@example.com", "to").ok());
  EXPECT_FALSE(CheckAddress("no-at-sign", "to").ok());
  EXPECT_FALSE(CheckAddress("a@b@c", "to").ok());
  EXPECT_FALSE(CheckAddress("a b@c.example", "to").ok());
  EXPECT_FALSE(CheckAddress("<a@c.example>", "to").ok());
  SmtpConfig c{"smtp://127.0.0.1:2525", "", "", "crm@example.com"};
  EXPECT_TRUE(ValidateSmtpConfig(c).ok());
  c.url = "http://example.com";
  EXPECT_FALSE(ValidateSmtpConfig(c).ok());
  c.url = "smtps://mail.example.com";
  c.from = "";
  EXPECT_EQ(ValidateSmtpConfig(c).field(), "smtp_from");
}

}  // namespace
}  // namespace rapport
