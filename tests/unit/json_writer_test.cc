// The streaming record writer (meta/json_writer.h) against nlohmann::json:
// the same JSON value for every field kind, escapes, and invalid UTF-8.
#include "meta/json_writer.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "meta/validate.h"

namespace rapport {
namespace {

using nlohmann::json;

std::string Str(std::string_view s) {
  std::string out;
  AppendJsonString(s, &out);
  return out;
}

TEST(JsonWriter, StringsMatchNlohmannOnValidText) {
  for (std::string s : {std::string(""), std::string("plain"), std::string("quote \" and \\ backslash"),
                        std::string("tab\tnew\nline\rcr\bback\fform"), std::string("\x01\x1f ctrl"),
                        std::string("Zoë Ångström 東京 🚀"), std::string("<script>alert('x')</script>"),
                        std::string("nul\0inside", 10), std::string("\x7f del")}) {
    EXPECT_EQ(Str(s), json(s).dump(-1, ' ', false, json::error_handler_t::replace)) << s;
  }
}

TEST(JsonWriter, InvalidUtf8BecomesReplacementCharactersAndStaysValidJson) {
  for (std::string s : {std::string("\xff"), std::string("ab\xc3"), std::string("\xc3\x28"),
                        std::string("\xe2\x82"), std::string("\xed\xa0\x80 surrogate"),
                        std::string("\xc0\xaf overlong"), std::string("\xf4\x90\x80\x80 too big"),
                        std::string("Latin-1 caf\xe9 cr\xe8me")}) {
    std::string out = Str(s);
    json parsed = json::parse(out, nullptr, false);
    ASSERT_FALSE(parsed.is_discarded()) << out;
    std::string text = parsed.get<std::string>();
    EXPECT_NE(text.find("\xEF\xBF\xBD"), std::string::npos) << out;
    // Every valid character around the bad bytes survives.
    for (char ch : std::string("abLtinrmecov")) {
      if (s.find(ch) != std::string::npos) {
        EXPECT_NE(text.find(ch), std::string::npos) << ch;
      }
    }
  }
  EXPECT_EQ(json::parse(Str("caf\xe9")).get<std::string>(), "caf\xEF\xBF\xBD");
}

TEST(JsonWriter, RecordsMatchToJsonForEveryKind) {
  ObjectDef def;
  def.name = "things";
  auto add = [&](std::string name, FieldKind k) {
    FieldDef f;
    f.name = std::move(name);
    f.kind = k;
    f.column = f.name;
    def.fields.push_back(f);
  };
  add("id", FieldKind::kText);
  add("version", FieldKind::kNumber);
  add("email", FieldKind::kEmail);
  add("notes", FieldKind::kLongText);
  add("amount", FieldKind::kMoney);
  add("ratio", FieldKind::kNumber);
  add("big", FieldKind::kNumber);
  add("text_number", FieldKind::kMoney);
  add("active", FieldKind::kBool);
  add("off", FieldKind::kBool);
  add("tags", FieldKind::kMultiPicklist);
  add("broken_tags", FieldKind::kMultiPicklist);
  add("when", FieldKind::kDateTime);
  add("nothing", FieldKind::kReference);
  add("int_as_text", FieldKind::kText);
  def.Reindex();
  std::vector<Value> values{Value{std::string("01ABC")},
                            Value{int64_t{3}},
                            Value{std::string("ann@example.com")},
                            Value{std::string("line one\nline \"two\"")},
                            Value{1250.0},
                            Value{0.1},
                            Value{1e300},
                            Value{std::string("42.5")},
                            Value{int64_t{1}},
                            Value{int64_t{0}},
                            Value{std::string(R"(["a","b"])")},
                            Value{std::string("not json")},
                            Value{std::string("2026-11-29T10:00:00Z")},
                            Value{},
                            Value{int64_t{7}}};
  json expected = json::object();
  for (size_t i = 0; i < def.fields.size(); ++i) expected[def.fields[i].name] = ValueToJson(def.fields[i], values[i]);
  std::string out;
  AppendRecordJson(def, values, &out);
  json got = json::parse(out, nullptr, false);
  ASSERT_FALSE(got.is_discarded()) << out;
  EXPECT_EQ(got, expected) << out;
  // Keys come in field order, id first.
  EXPECT_EQ(out.rfind("{\"id\":\"01ABC\",\"version\":3,", 0), 0u) << out;
  EXPECT_NE(out.find("\"amount\":1250,"), std::string::npos) << out;
  EXPECT_NE(out.find("\"ratio\":0.1,"), std::string::npos) << out;
}

}  // namespace
}  // namespace rapport
