// ValidateValue / ParseTextValue / ValueToJson for every FieldKind, and
// Utf8Length. Pure functions: no database.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "meta/object.h"
#include "meta/validate.h"
#include "meta/value.h"

namespace rapport {
namespace {

using nlohmann::json;
using Code = Status::Code;

FieldDef Field(FieldKind kind, const std::string& name = "f") {
  FieldDef f;
  f.name = name;
  f.column = name;
  f.label = name;
  f.kind = kind;
  return f;
}

FieldDef Picklist(FieldKind kind, std::vector<std::string> options, const std::string& name = "f") {
  FieldDef f = Field(kind, name);
  f.options = std::move(options);
  return f;
}

std::string Repeat(const std::string& s, int n) {
  std::string out;
  out.reserve(s.size() * n);
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

// Expects `r` to hold the text `want`.
::testing::AssertionResult IsText(const Result<Value>& r, const std::string& want) {
  if (!r.ok()) return ::testing::AssertionFailure() << "error: " << r.status().ToString();
  const std::string* s = AsText(*r);
  if (!s) return ::testing::AssertionFailure() << "not text (variant index " << r->index() << ")";
  if (*s != want) return ::testing::AssertionFailure() << "got '" << *s << "', want '" << want << "'";
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult IsReal(const Result<Value>& r, double want) {
  if (!r.ok()) return ::testing::AssertionFailure() << "error: " << r.status().ToString();
  const double* d = std::get_if<double>(&*r);
  if (!d) return ::testing::AssertionFailure() << "not a double (variant index " << r->index() << ")";
  if (*d != want) return ::testing::AssertionFailure() << "got " << *d << ", want " << want;
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult IsInt(const Result<Value>& r, int64_t want) {
  if (!r.ok()) return ::testing::AssertionFailure() << "error: " << r.status().ToString();
  const int64_t* i = std::get_if<int64_t>(&*r);
  if (!i) return ::testing::AssertionFailure() << "not an integer (variant index " << r->index() << ")";
  if (*i != want) return ::testing::AssertionFailure() << "got " << *i << ", want " << want;
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult IsNullValue(const Result<Value>& r) {
  if (!r.ok()) return ::testing::AssertionFailure() << "error: " << r.status().ToString();
  if (!IsNull(*r)) return ::testing::AssertionFailure() << "not null: '" << ValueToString(*r) << "'";
  return ::testing::AssertionSuccess();
}

// Expects an InvalidArgument that names `field` (in field() and the message).
::testing::AssertionResult Refused(const Result<Value>& r, const std::string& field = "f") {
  if (r.ok()) return ::testing::AssertionFailure() << "accepted as '" << ValueToString(*r) << "'";
  const Status& st = r.status();
  if (st.code() != Code::kInvalidArgument) return ::testing::AssertionFailure() << "wrong code: " << st.ToString();
  if (st.field() != field) return ::testing::AssertionFailure() << "field() is '" << st.field() << "', want '" << field << "'";
  if (st.message().find(field) == std::string::npos)
    return ::testing::AssertionFailure() << "message does not name the field: " << st.message();
  return ::testing::AssertionSuccess();
}

const FieldKind kStringKinds[] = {FieldKind::kText,     FieldKind::kLongText, FieldKind::kEmail,
                                  FieldKind::kPhone,    FieldKind::kUrl,      FieldKind::kDate,
                                  FieldKind::kDateTime, FieldKind::kPicklist, FieldKind::kReference};

// ---------------------------------------------------------------- all kinds

TEST(ValidateValue, NullIsNullForEveryKind) {
  for (FieldKind k : kStringKinds) {
    SCOPED_TRACE(FieldKindName(k));
    EXPECT_TRUE(IsNullValue(ValidateValue(Picklist(k, {"a"}), json(nullptr))));
  }
  for (FieldKind k : {FieldKind::kNumber, FieldKind::kMoney, FieldKind::kBool, FieldKind::kMultiPicklist}) {
    SCOPED_TRACE(FieldKindName(k));
    EXPECT_TRUE(IsNullValue(ValidateValue(Picklist(k, {"a"}), json(nullptr))));
  }
}

TEST(ValidateValue, EmptyAndBlankStringsAreNullForStringKinds) {
  for (FieldKind k : kStringKinds) {
    SCOPED_TRACE(FieldKindName(k));
    FieldDef f = Picklist(k, {"a"});
    EXPECT_TRUE(IsNullValue(ValidateValue(f, json(""))));
    EXPECT_TRUE(IsNullValue(ValidateValue(f, json("  \t\r\n "))));
  }
}

TEST(ValidateValue, StringKindsRefuseOtherJsonTypesNamingTheField) {
  const json wrong[] = {json(42), json(1.5), json(true), json::array({"a"}), json::object({{"a", 1}})};
  for (FieldKind k : kStringKinds) {
    SCOPED_TRACE(FieldKindName(k));
    FieldDef f = Picklist(k, {"a"}, "some_field");
    for (const json& j : wrong) EXPECT_TRUE(Refused(ValidateValue(f, j), "some_field")) << j.dump();
  }
}

// --------------------------------------------------------------------- text

TEST(ValidateValue, TextIsTrimmed) {
  FieldDef f = Field(FieldKind::kText);
  EXPECT_TRUE(IsText(ValidateValue(f, json("  hello world \t\n")), "hello world"));
  EXPECT_TRUE(IsText(ValidateValue(f, json("ünïcödé ✓")), "ünïcödé ✓"));
}

TEST(ValidateValue, TextLengthIsCountedInCodePoints) {
  FieldDef f = Field(FieldKind::kText);
  ASSERT_EQ(f.EffectiveMaxLength(), 255);
  // 'é' is two bytes: 255 of them are 510 bytes but 255 characters.
  EXPECT_TRUE(IsText(ValidateValue(f, json(Repeat("é", 255))), Repeat("é", 255)));
  EXPECT_TRUE(Refused(ValidateValue(f, json(Repeat("é", 256)))));
  EXPECT_TRUE(IsText(ValidateValue(f, json(Repeat("😀", 255))), Repeat("😀", 255)));
  EXPECT_TRUE(Refused(ValidateValue(f, json(Repeat("😀", 256)))));
  EXPECT_TRUE(IsText(ValidateValue(f, json(Repeat("a", 255))), Repeat("a", 255)));
  EXPECT_TRUE(Refused(ValidateValue(f, json(Repeat("a", 256)))));
  // Surrounding blanks do not count.
  EXPECT_TRUE(IsText(ValidateValue(f, json("  " + Repeat("a", 255) + "  ")), Repeat("a", 255)));
}

TEST(ValidateValue, TextHonoursFieldMaxLength) {
  FieldDef f = Field(FieldKind::kText);
  f.max_length = 3;
  EXPECT_TRUE(IsText(ValidateValue(f, json("abc")), "abc"));
  EXPECT_TRUE(IsText(ValidateValue(f, json("äöü")), "äöü"));
  EXPECT_TRUE(Refused(ValidateValue(f, json("abcd"))));
}

TEST(ValidateValue, TextRefusesInvalidUtf8) {
  FieldDef f = Field(FieldKind::kText);
  for (const std::string& bad : {std::string("\xff"), std::string("abc\xc3"), std::string("\xc0\xaf"),
                                 std::string("a\x80z"), std::string("\xe2\x82"), std::string("\xf8\x88\x80\x80\x80")}) {
    EXPECT_TRUE(Refused(ValidateValue(f, json(bad))));
    EXPECT_TRUE(Refused(ParseTextValue(f, bad)));
  }
}

TEST(ValidateValue, TextRefusesControlCharacters) {
  FieldDef f = Field(FieldKind::kText);
  for (const std::string& bad : {std::string("a\x01z"), std::string("a\nz"), std::string("a\tz"),
                                 std::string("a\rz"), std::string("a\x7fz"), std::string("a\x1bz"),
                                 std::string("a\0z", 3)}) {
    EXPECT_TRUE(Refused(ValidateValue(f, json(bad)))) << json(bad).dump();
  }
}

TEST(ValidateValue, LongTextAllowsNewlinesAndTabsButNotOtherControls) {
  FieldDef f = Field(FieldKind::kLongText, "notes");
  EXPECT_TRUE(IsText(ValidateValue(f, json("\nline one\r\n\tline two\n")), "line one\r\n\tline two"));
  EXPECT_TRUE(Refused(ValidateValue(f, json("bell\x07")), "notes"));
  EXPECT_TRUE(Refused(ValidateValue(f, json("del\x7f")), "notes"));
  EXPECT_TRUE(Refused(ValidateValue(f, json(std::string("nul\0x", 5))), "notes"));
  ASSERT_EQ(f.EffectiveMaxLength(), 100000);
  EXPECT_TRUE(ValidateValue(f, json(Repeat("é", 100000))).ok());
  EXPECT_TRUE(Refused(ValidateValue(f, json(Repeat("é", 100001))), "notes"));
}

TEST(ValidateValue, TextRefusesC1ControlCharacters) {
  FieldDef f = Field(FieldKind::kText);
  EXPECT_TRUE(Refused(ValidateValue(f, json("a\xc2\x85z"))));           // U+0085 NEXT LINE
  EXPECT_TRUE(Refused(ValidateValue(f, json("a\xc2\x9b" "31mred"))));  // U+009B CSI
}

// -------------------------------------------------------------------- email

TEST(ValidateValue, EmailIsTrimmedAndLowerCased) {
  FieldDef f = Field(FieldKind::kEmail, "email");
  EXPECT_TRUE(IsText(ValidateValue(f, json("  John.Doe+CRM@Example.COM \n")), "john.doe+crm@example.com"));
  EXPECT_TRUE(IsText(ValidateValue(f, json("a@b.co")), "a@b.co"));
  EXPECT_TRUE(IsText(ParseTextValue(f, " X@Y.ORG "), "x@y.org"));
}

TEST(ValidateValue, EmailRefusesMalformedAddresses) {
  FieldDef f = Field(FieldKind::kEmail, "email");
  for (const char* bad : {"plainaddress", "@example.com", "a@@example.com", "a@b@example.com", "a@example",
                          "a@.example.com", "a@example.com.", "a@exa..mple.com", "a b@example.com",
                          "a@exa mple.com", "a@ex_ample.com", "<a@example.com>", "a,b@example.com", "a@b.c\x01"}) {
    EXPECT_TRUE(Refused(ValidateValue(f, json(bad)), "email")) << bad;
  }
  // Local part of at most 64 characters; whole address of at most 254.
  EXPECT_TRUE(ValidateValue(f, json(Repeat("a", 64) + "@example.com")).ok());
  EXPECT_TRUE(Refused(ValidateValue(f, json(Repeat("a", 65) + "@example.com")), "email"));
  auto domain = [](int last_label) { return Repeat("d", 63) + "." + Repeat("d", 63) + "." + Repeat("d", last_label) + ".com"; };
  std::string at_limit = Repeat("a", 64) + "@" + domain(57);
  ASSERT_EQ(at_limit.size(), 254u);
  EXPECT_TRUE(IsText(ValidateValue(f, json(at_limit)), at_limit));
  EXPECT_TRUE(Refused(ValidateValue(f, json(Repeat("a", 64) + "@" + domain(58))), "email"));
}

// -------------------------------------------------------------------- phone

TEST(ValidateValue, PhoneAcceptsPunctuatedNumbers) {
  FieldDef f = Field(FieldKind::kPhone, "phone");
  // Valid numbers are stored in E.164 (domain/normalize, issue 4); others as written.
  EXPECT_TRUE(IsText(ValidateValue(f, json(" +44 (20) 7946-0958 ")), "+442079460958"));
  EXPECT_TRUE(IsText(ValidateValue(f, json("030/123.456")), "030/123.456"));
  EXPECT_TRUE(IsText(ValidateValue(f, json("12345")), "12345"));
  EXPECT_TRUE(IsText(ValidateValue(f, json(Repeat("1", 20))), Repeat("1", 20)));
}

TEST(ValidateValue, PhoneRefusesLettersAndWrongDigitCounts) {
  FieldDef f = Field(FieldKind::kPhone, "phone");
  for (const std::string& bad : {std::string("call me"), std::string("12ab34"), std::string("1234"),
                                 std::string(Repeat("1", 21)), std::string("+1#2345678"), std::string("+-()")}) {
    EXPECT_TRUE(Refused(ValidateValue(f, json(bad)), "phone")) << bad;
  }
}

// ---------------------------------------------------------------------- url

TEST(ValidateValue, UrlWithoutSchemeGetsHttps) {
  FieldDef f = Field(FieldKind::kUrl, "website");
  EXPECT_TRUE(IsText(ValidateValue(f, json("example.com")), "https://example.com"));
  EXPECT_TRUE(IsText(ValidateValue(f, json(" www.example.com/path?q=1 ")), "https://www.example.com/path?q=1"));
  EXPECT_TRUE(IsText(ValidateValue(f, json("http://example.com")), "http://example.com"));
  EXPECT_TRUE(IsText(ValidateValue(f, json("https://example.com/a")), "https://example.com/a"));
  EXPECT_TRUE(IsText(ValidateValue(f, json("HTTPS://Example.com")), "HTTPS://Example.com"));
  EXPECT_TRUE(IsText(ParseTextValue(f, "example.org"), "https://example.org"));
}

TEST(ValidateValue, UrlRefusesOtherSchemesAndMalformedValues) {
  FieldDef f = Field(FieldKind::kUrl, "website");
  for (const char* bad : {"ftp://example.com", "javascript://example.com", "localhost", "http://", "https://a",
                          "exa mple.com", "http://exa mple.com", "mailto://x.y"}) {
    EXPECT_TRUE(Refused(ValidateValue(f, json(bad)), "website")) << bad;
  }
  EXPECT_TRUE(Refused(ValidateValue(f, json("https://" + Repeat("a", 2040) + ".com")), "website"));
}

// ----------------------------------------------------------- number / money

TEST(ValidateValue, NumbersAreStoredAsDoubles) {
  for (FieldKind k : {FieldKind::kNumber, FieldKind::kMoney}) {
    SCOPED_TRACE(FieldKindName(k));
    FieldDef f = Field(k, "amount");
    EXPECT_TRUE(IsReal(ValidateValue(f, json(42)), 42.0));
    EXPECT_TRUE(IsReal(ValidateValue(f, json(-7)), -7.0));
    EXPECT_TRUE(IsReal(ValidateValue(f, json(1.25)), 1.25));
    EXPECT_TRUE(IsReal(ValidateValue(f, json(uint64_t{1} << 53)), 9007199254740992.0));
    EXPECT_TRUE(IsReal(ValidateValue(f, json(1e300)), 1e300));
  }
}

TEST(ValidateValue, NumbersRefuseOtherJsonTypes) {
  for (FieldKind k : {FieldKind::kNumber, FieldKind::kMoney}) {
    SCOPED_TRACE(FieldKindName(k));
    FieldDef f = Field(k, "amount");
    for (const json& j : {json("42"), json(true), json::array({1}), json::object({{"v", 1}})}) {
      EXPECT_TRUE(Refused(ValidateValue(f, j), "amount")) << j.dump();
    }
  }
}

TEST(ValidateValue, NumbersRefuseNonFiniteValues) {
  FieldDef f = Field(FieldKind::kNumber, "score");
  EXPECT_TRUE(Refused(ValidateValue(f, json(std::numeric_limits<double>::quiet_NaN())), "score"));
  EXPECT_TRUE(Refused(ValidateValue(f, json(std::numeric_limits<double>::infinity())), "score"));
  EXPECT_TRUE(Refused(ValidateValue(f, json(-std::numeric_limits<double>::infinity())), "score"));
}

TEST(ValidateValue, NumbersRespectMinAndMax) {
  FieldDef f = Field(FieldKind::kNumber, "probability");
  f.min = 0;
  f.max = 100;
  EXPECT_TRUE(IsReal(ValidateValue(f, json(0)), 0));
  EXPECT_TRUE(IsReal(ValidateValue(f, json(100)), 100));
  EXPECT_TRUE(IsReal(ValidateValue(f, json(99.999)), 99.999));
  EXPECT_TRUE(Refused(ValidateValue(f, json(-0.001)), "probability"));
  EXPECT_TRUE(Refused(ValidateValue(f, json(100.5)), "probability"));
  EXPECT_TRUE(Refused(ValidateValue(f, json(1e308)), "probability"));
  EXPECT_TRUE(Refused(ParseTextValue(f, "101"), "probability"));
  EXPECT_TRUE(Refused(ParseTextValue(f, "-1"), "probability"));
  // The standard catalogue's limits apply the same way.
  const FieldDef* amount = StandardCatalog().Find("opportunities")->Find("amount");
  ASSERT_NE(amount, nullptr);
  EXPECT_TRUE(ValidateValue(*amount, json(1e15)).ok());
  EXPECT_TRUE(Refused(ValidateValue(*amount, json(1.5e15)), "amount"));
  EXPECT_TRUE(Refused(ValidateValue(*amount, json(-1)), "amount"));
}

TEST(ParseTextValue, NumbersParseTrimmedDecimalText) {
  FieldDef f = Field(FieldKind::kMoney, "amount");
  EXPECT_TRUE(IsReal(ParseTextValue(f, " 12.5 "), 12.5));
  EXPECT_TRUE(IsReal(ParseTextValue(f, "-3"), -3));
  EXPECT_TRUE(IsReal(ParseTextValue(f, "1e3"), 1000));
  EXPECT_TRUE(IsNullValue(ParseTextValue(f, "")));
  EXPECT_TRUE(IsNullValue(ParseTextValue(f, "   ")));
}

TEST(ParseTextValue, NumbersRefuseGarbageAndNonFiniteText) {
  FieldDef f = Field(FieldKind::kNumber, "score");
  for (const char* bad : {"abc", "12abc", "1,5", "1 2", "--1", "nan", "NaN", "-nan", "inf", "-inf", "Infinity",
                          "INF", "1e400", "-1e400"}) {
    EXPECT_TRUE(Refused(ParseTextValue(f, bad), "score")) << bad;
  }
}

// --------------------------------------------------------------------- date

TEST(ValidateValue, DateAcceptsRealCalendarDates) {
  FieldDef f = Field(FieldKind::kDate, "close_date");
  for (const char* ok : {"2026-02-28", "2024-02-29", "2000-02-29", "2026-12-31", "0001-01-01", "9999-12-31"}) {
    EXPECT_TRUE(IsText(ValidateValue(f, json(ok)), ok));
  }
  EXPECT_TRUE(IsText(ValidateValue(f, json(" 2026-01-31 ")), "2026-01-31"));
  EXPECT_TRUE(IsText(ParseTextValue(f, "2026-03-01"), "2026-03-01"));
}

TEST(ValidateValue, DateRefusesInvalidDates) {
  FieldDef f = Field(FieldKind::kDate, "close_date");
  for (const char* bad : {"2026-02-30", "2023-02-29", "1900-02-29", "2026-04-31", "2026-13-01", "2026-00-10",
                          "2026-01-00", "0000-01-01", "2026-1-01", "2026-01-1", "26-01-01", "2026/01/01",
                          "2026-01-01T00:00:00Z", "20260101", "tomorrow", "2026-0a-01"}) {
    EXPECT_TRUE(Refused(ValidateValue(f, json(bad)), "close_date")) << bad;
  }
}

// ----------------------------------------------------------------- datetime

TEST(ValidateValue, DateTimeIsNormalisedToUtcMillis) {
  FieldDef f = Field(FieldKind::kDateTime, "due_at");
  struct Case {
    const char* in;
    const char* out;
  };
  const Case cases[] = {
      {"2026-01-02T03:04:05Z", "2026-01-02T03:04:05.000Z"},
      {"2026-01-02T03:04:05.1Z", "2026-01-02T03:04:05.100Z"},
      {"2026-01-02T03:04:05.123Z", "2026-01-02T03:04:05.123Z"},
      {"2026-01-02T03:04:05.123999999Z", "2026-01-02T03:04:05.123Z"},  // truncated, not rounded
      {"2026-01-02T03:04:05.123456+02:00", "2026-01-02T01:04:05.123Z"},
      {"2026-01-01T00:30:00+01:00", "2025-12-31T23:30:00.000Z"},   // crosses the year backwards
      {"2025-12-31T23:30:00-01:00", "2026-01-01T00:30:00.000Z"},   // and forwards
      {"2026-01-02T03:04:05-05:30", "2026-01-02T08:34:05.000Z"},
      {"2024-02-28T23:00:00-02:00", "2024-02-29T01:00:00.000Z"},   // into a leap day
      {"2026-01-02t03:04:05z", "2026-01-02T03:04:05.000Z"},
      {"2026-01-02 03:04:05+00:00", "2026-01-02T03:04:05.000Z"},
      {"2026-01-02T03:04:05-00:00", "2026-01-02T03:04:05.000Z"},
      {"  2026-01-02T03:04:05Z ", "2026-01-02T03:04:05.000Z"},
  };
  for (const auto& c : cases) {
    EXPECT_TRUE(IsText(ValidateValue(f, json(c.in)), c.out)) << c.in;
    EXPECT_TRUE(IsText(ParseTextValue(f, c.in), c.out)) << c.in;
  }
}

TEST(ValidateValue, DateTimeRefusesMalformedValues) {
  FieldDef f = Field(FieldKind::kDateTime, "due_at");
  for (const char* bad : {"2026-01-02", "2026-01-02T03:04:05", "2026-01-02T03:04Z", "2026-02-30T00:00:00Z",
                          "2026-01-02T24:00:00Z", "2026-01-02T23:60:00Z", "2026-01-02T23:59:61Z",
                          "2026-01-02T3:04:05Z", "2026-01-02X03:04:05Z", "2026-01-02T03:04:05.Z",
                          "2026-01-02T03:04:05.1234567890Z", "2026-01-02T03:04:05+0200", "2026-01-02T03:04:05+2:00",
                          "2026-01-02T03:04:05+02", "2026-01-02T03:04:05+24:00", "2026-01-02T03:04:05+01:60",
                          "2026-01-02T03:04:05ZZ", "2026-01-02T03:04:05Z junk", "2026-01-02T03:04:05 UTC",
                          "1767323045"}) {
    EXPECT_TRUE(Refused(ValidateValue(f, json(bad)), "due_at")) << bad;
  }
}

// --------------------------------------------------------------------- bool

TEST(ValidateValue, BoolTakesJsonBooleansOnly) {
  FieldDef f = Field(FieldKind::kBool, "active");
  EXPECT_TRUE(IsInt(ValidateValue(f, json(true)), 1));
  EXPECT_TRUE(IsInt(ValidateValue(f, json(false)), 0));
  for (const json& j : {json("true"), json(1), json(0), json::array(), json::object()}) {
    EXPECT_TRUE(Refused(ValidateValue(f, j), "active")) << j.dump();
  }
}

TEST(ParseTextValue, BoolAcceptsCommonSpellings) {
  FieldDef f = Field(FieldKind::kBool, "active");
  for (const char* t : {"true", "TRUE", " True ", "1", "yes", "YES"}) EXPECT_TRUE(IsInt(ParseTextValue(f, t), 1)) << t;
  for (const char* t : {"false", "False", "0", "no", " NO "}) EXPECT_TRUE(IsInt(ParseTextValue(f, t), 0)) << t;
  EXPECT_TRUE(IsNullValue(ParseTextValue(f, "")));
  for (const char* t : {"maybe", "2", "y", "on", "t"}) EXPECT_TRUE(Refused(ParseTextValue(f, t), "active")) << t;
}

// ----------------------------------------------------------------- picklist

TEST(ValidateValue, PicklistAcceptsOnlyItsOptions) {
  FieldDef f = Picklist(FieldKind::kPicklist, {"new", "working", "qualified"}, "status");
  EXPECT_TRUE(IsText(ValidateValue(f, json("working")), "working"));
  EXPECT_TRUE(IsText(ValidateValue(f, json(" new ")), "new"));
  EXPECT_TRUE(IsText(ParseTextValue(f, "qualified"), "qualified"));
  for (const char* bad : {"New", "NEW", "other", "new,working", "ne"}) {
    auto r = ValidateValue(f, json(bad));
    EXPECT_TRUE(Refused(r, "status")) << bad;
    if (!r.ok()) {
      EXPECT_NE(r.status().message().find(bad), std::string::npos) << r.status().message();
    }
  }
}

TEST(ValidateValue, MultiPicklistIsDeduplicatedJsonArrayText) {
  FieldDef f = Picklist(FieldKind::kMultiPicklist, {"red", "green", "blue"}, "colours");
  EXPECT_TRUE(IsText(ValidateValue(f, json::array({"red", "blue", "red", "red"})), R"(["red","blue"])"));
  EXPECT_TRUE(IsText(ValidateValue(f, json::array({"green"})), R"(["green"])"));
  EXPECT_TRUE(IsNullValue(ValidateValue(f, json::array())));
  EXPECT_TRUE(IsText(ParseTextValue(f, "blue; red;;blue ; "), R"(["blue","red"])"));
  EXPECT_TRUE(IsNullValue(ParseTextValue(f, "")));
  EXPECT_TRUE(IsNullValue(ParseTextValue(f, " ; ")));
}

TEST(ValidateValue, MultiPicklistRefusesUnknownOptionsAndWrongTypes) {
  FieldDef f = Picklist(FieldKind::kMultiPicklist, {"red", "green", "blue"}, "colours");
  for (const json& j : {json("red"), json(1), json(true), json::object({{"red", true}}), json::array({"red", 1}),
                        json::array({"red", nullptr}), json::array({json::array({"red"})}),
                        json::array({"purple"}), json::array({"red", "Red"})}) {
    EXPECT_TRUE(Refused(ValidateValue(f, j), "colours")) << j.dump();
  }
  EXPECT_TRUE(Refused(ParseTextValue(f, "red;purple"), "colours"));
}

// ---------------------------------------------------------------- reference

TEST(ValidateValue, ReferenceTakesIdCharactersOnly) {
  FieldDef f = Field(FieldKind::kReference, "account_id");
  EXPECT_TRUE(IsText(ValidateValue(f, json(" 01HZY3K5N7Q8R9S0T1V2W3X4Y5 ")), "01HZY3K5N7Q8R9S0T1V2W3X4Y5"));
  EXPECT_TRUE(IsText(ValidateValue(f, json("legacy_id-42")), "legacy_id-42"));
  EXPECT_TRUE(IsText(ValidateValue(f, json(Repeat("a", 64))), Repeat("a", 64)));
  for (const std::string& bad : {std::string("a b"), std::string("a/b"), std::string("1;DROP"),
                                 std::string("'x'"), std::string("é"), Repeat("a", 65)}) {
    EXPECT_TRUE(Refused(ValidateValue(f, json(bad)), "account_id")) << bad;
  }
}

// -------------------------------------------------------------- ValueToJson

TEST(ValueToJson, ConvertsStoredValuesBackToApiTypes) {
  EXPECT_TRUE(ValueToJson(Field(FieldKind::kText), Value{}).is_null());
  EXPECT_TRUE(ValueToJson(Field(FieldKind::kMultiPicklist), Value{}).is_null());

  FieldDef b = Field(FieldKind::kBool);
  EXPECT_EQ(ValueToJson(b, Value{int64_t{1}}), json(true));
  EXPECT_EQ(ValueToJson(b, Value{int64_t{0}}), json(false));

  for (FieldKind k : {FieldKind::kNumber, FieldKind::kMoney}) {
    FieldDef n = Field(k);
    json whole = ValueToJson(n, Value{42.0});
    EXPECT_TRUE(whole.is_number_integer()) << whole.dump();
    EXPECT_EQ(whole.dump(), "42");
    EXPECT_EQ(ValueToJson(n, Value{-3.0}).dump(), "-3");
    EXPECT_EQ(ValueToJson(n, Value{1.25}).get<double>(), 1.25);
    EXPECT_EQ(ValueToJson(n, Value{int64_t{7}}).dump(), "7");
    EXPECT_EQ(ValueToJson(n, Value{std::string("2.5")}).get<double>(), 2.5);
    json big = ValueToJson(n, Value{1e20});
    EXPECT_TRUE(big.is_number_float()) << big.dump();
    EXPECT_EQ(big.get<double>(), 1e20);
  }

  FieldDef m = Picklist(FieldKind::kMultiPicklist, {"a", "b"});
  EXPECT_EQ(ValueToJson(m, Value{std::string(R"(["a","b"])")}), json::array({"a", "b"}));
  EXPECT_EQ(ValueToJson(m, Value{std::string("not json")}), json::array());

  EXPECT_EQ(ValueToJson(Field(FieldKind::kDate), Value{std::string("2026-01-31")}), json("2026-01-31"));
  EXPECT_EQ(ValueToJson(Field(FieldKind::kDateTime), Value{std::string("2026-01-31T00:00:00.000Z")}),
            json("2026-01-31T00:00:00.000Z"));
  EXPECT_EQ(ValueToJson(Field(FieldKind::kText), Value{std::string("héllo")}), json("héllo"));
}

TEST(ValueToJson, RoundTripsEveryKindThroughValidateValue) {
  struct Case {
    FieldDef f;
    json in;
  };
  const Case cases[] = {
      {Field(FieldKind::kText), json("plain")},
      {Field(FieldKind::kLongText), json("two\nlines")},
      {Field(FieldKind::kEmail), json("a@example.com")},
      {Field(FieldKind::kPhone), json("+1 555 0100")},
      {Field(FieldKind::kUrl), json("https://example.com")},
      {Field(FieldKind::kNumber), json(12)},
      {Field(FieldKind::kNumber), json(-0.5)},
      {Field(FieldKind::kMoney), json(1999.99)},
      {Field(FieldKind::kDate), json("2026-07-04")},
      {Field(FieldKind::kDateTime), json("2026-07-04T12:00:00.250Z")},
      {Field(FieldKind::kBool), json(true)},
      {Field(FieldKind::kBool), json(false)},
      {Picklist(FieldKind::kPicklist, {"x", "y"}), json("y")},
      {Picklist(FieldKind::kMultiPicklist, {"x", "y"}), json::array({"y", "x"})},
      {Field(FieldKind::kReference), json("01HZY3K5N7Q8R9S0T1V2W3X4Y5")},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(FieldKindName(c.f.kind)) + " " + c.in.dump());
    auto v = ValidateValue(c.f, c.in);
    ASSERT_TRUE(v.ok()) << v.status().ToString();
    EXPECT_EQ(ValueToJson(c.f, *v), c.in);
  }
}

// --------------------------------------------------------------- Utf8Length

TEST(Utf8Length, CountsCodePoints) {
  EXPECT_EQ(Utf8Length(""), 0);
  EXPECT_EQ(Utf8Length("abc"), 3);
  EXPECT_EQ(Utf8Length(std::string("a\0b", 3)), 3);  // NUL is a code point
  EXPECT_EQ(Utf8Length("\x7f"), 1);
  EXPECT_EQ(Utf8Length("é"), 1);             // 2 bytes
  EXPECT_EQ(Utf8Length("\xc2\x80"), 1);      // U+0080, smallest 2-byte
  EXPECT_EQ(Utf8Length("\xdf\xbf"), 1);      // U+07FF
  EXPECT_EQ(Utf8Length("€"), 1);             // 3 bytes
  EXPECT_EQ(Utf8Length("\xe0\xa0\x80"), 1);  // U+0800, smallest 3-byte
  EXPECT_EQ(Utf8Length("\xef\xbf\xbf"), 1);  // U+FFFF
  EXPECT_EQ(Utf8Length("😀"), 1);             // 4 bytes
  EXPECT_EQ(Utf8Length("\xf0\x90\x80\x80"), 1);  // U+10000
  EXPECT_EQ(Utf8Length("\xf4\x8f\xbf\xbf"), 1);  // U+10FFFF, the largest
  EXPECT_EQ(Utf8Length("aé€😀z"), 5);
}

TEST(Utf8Length, RejectsMalformedSequences) {
  EXPECT_EQ(Utf8Length("\x80"), -1);               // lone continuation byte
  EXPECT_EQ(Utf8Length("a\xbf"), -1);
  EXPECT_EQ(Utf8Length("\xc3"), -1);               // truncated 2-byte
  EXPECT_EQ(Utf8Length("\xe2\x82"), -1);           // truncated 3-byte
  EXPECT_EQ(Utf8Length("\xf0\x9f\x98"), -1);       // truncated 4-byte
  EXPECT_EQ(Utf8Length("\xc3(x"), -1);             // bad continuation
  EXPECT_EQ(Utf8Length("\xe2(\xa1"), -1);
  EXPECT_EQ(Utf8Length("\xc0\x80"), -1);           // overlong NUL
  EXPECT_EQ(Utf8Length("\xc1\xbf"), -1);           // overlong 2-byte
  EXPECT_EQ(Utf8Length("\xf8\x88\x80\x80\x80"), -1);  // 5-byte form
  EXPECT_EQ(Utf8Length("\xfc\x84\x80\x80\x80\x80"), -1);
  EXPECT_EQ(Utf8Length("\xfe"), -1);
  EXPECT_EQ(Utf8Length("\xff"), -1);
}

TEST(Utf8Length, RejectsOverlongSurrogateAndOutOfRangeSequences) {
  EXPECT_EQ(Utf8Length("\xe0\x80\x80"), -1);          // overlong U+0000
  EXPECT_EQ(Utf8Length("\xe0\x9f\xbf"), -1);          // overlong U+07FF
  EXPECT_EQ(Utf8Length("\xed\xa0\x80"), -1);          // U+D800 high surrogate
  EXPECT_EQ(Utf8Length("\xed\xbf\xbf"), -1);          // U+DFFF low surrogate
  EXPECT_EQ(Utf8Length("\xf0\x80\x80\x80"), -1);      // overlong U+0000
  EXPECT_EQ(Utf8Length("\xf0\x8f\xbf\xbf"), -1);      // overlong U+FFFF
  EXPECT_EQ(Utf8Length("\xf4\x90\x80\x80"), -1);      // U+110000
  EXPECT_EQ(Utf8Length("\xf5\x80\x80\x80"), -1);      // lead byte F5 never appears in UTF-8
  EXPECT_EQ(Utf8Length("\xf7\xbf\xbf\xbf"), -1);
  EXPECT_TRUE(Refused(ValidateValue(Field(FieldKind::kText), json(std::string("\xed\xa0\x80")))));
}

}  // namespace
}  // namespace rapport
