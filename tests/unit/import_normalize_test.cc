// Normalisation on create (issue 4): phone numbers to E.164 in the
// organisation's region, names to NFC with collapsed white space, through
// ValidateValue so every path (API, import) gets it.
#include "domain/normalize.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "meta/validate.h"

namespace rapport {
namespace {

using nlohmann::json;

FieldDef Field(FieldKind kind, const std::string& name) {
  FieldDef f;
  f.name = name;
  f.column = name;
  f.kind = kind;
  return f;
}

std::string Text(const Result<Value>& r) {
  if (!r.ok()) return "error: " + r.status().message();
  const std::string* s = AsText(*r);
  return s ? *s : "(not text)";
}

TEST(NormalizePhoneTest, NationalNumbersBecomeE164InTheRegion) {
  EXPECT_EQ(NormalizePhone("(650) 253-0000", "US"), "+16502530000");
  EXPECT_EQ(NormalizePhone("650.253.0000", "US"), "+16502530000");
  EXPECT_EQ(NormalizePhone("020 7946 0958", "GB"), "+442079460958");
  EXPECT_EQ(NormalizePhone("030 1234567", "DE"), "+49301234567");
  EXPECT_EQ(NormalizePhone("+44 20 7946 0958", "US"), "+442079460958") << "a country code wins over the region";
  EXPECT_EQ(NormalizePhone("0044 20 7946 0958", "DE"), "+442079460958") << "international prefix of the region";
}

TEST(NormalizePhoneTest, ExtensionsAreKept) {
  EXPECT_EQ(NormalizePhone("(650) 253-0000 x123", "US"), "+16502530000 x123");
  EXPECT_EQ(NormalizePhone("+16502530000 x123", "US"), "+16502530000 x123") << "idempotent";
}

TEST(NormalizePhoneTest, NumbersThatCannotBeReadAreKeptAsWritten) {
  EXPECT_EQ(NormalizePhone("12345", "US"), "12345");
  EXPECT_EQ(NormalizePhone("020 7946 0958", "US"), "020 7946 0958") << "not a valid US number";
  EXPECT_EQ(NormalizePhone("+1 555 0100", "US"), "+1 555 0100");
  EXPECT_EQ(NormalizePhone("+99912345678", "US"), "+99912345678") << "E.164 shape is returned as is";
}

TEST(NormalizePhoneTest, KnownRegions) {
  EXPECT_TRUE(IsKnownPhoneRegion("GB"));
  EXPECT_TRUE(IsKnownPhoneRegion("US"));
  EXPECT_FALSE(IsKnownPhoneRegion("XX"));
  EXPECT_FALSE(IsKnownPhoneRegion("gbr"));
}

TEST(NormalizeNameTest, NfcAndCollapsedWhiteSpace) {
  EXPECT_EQ(NormalizeName("Jose\xCC\x81"), "Jos\xC3\xA9") << "e + combining acute -> precomposed";
  EXPECT_EQ(NormalizeName("  Ada \t  Lovelace "), "Ada Lovelace");
  EXPECT_EQ(NormalizeName("Ada\xC2\xA0\xC2\xA0Lovelace"), "Ada Lovelace") << "no-break spaces";
  EXPECT_EQ(NormalizeName("Ada\xE2\x80\x83Lovelace"), "Ada Lovelace") << "em space";
  EXPECT_EQ(NormalizeName("M\xC3\xBCller"), "M\xC3\xBCller");
  EXPECT_EQ(NormalizeName("plain"), "plain");
}

TEST(NormalizeUnicodeTest, LeavesNfcAndAsciiAlone) {
  EXPECT_EQ(NormalizeUnicode("already NFC: \xC3\xA9"), "already NFC: \xC3\xA9");
  EXPECT_EQ(NormalizeUnicode("A\xCC\x8A"), "\xC3\x85");
  EXPECT_EQ(NormalizeUnicode("two  spaces stay"), "two  spaces stay") << "only names collapse spaces";
}

TEST(NormalizeOnValidateTest, PhoneFieldsUseTheThreadRegion) {
  FieldDef phone = Field(FieldKind::kPhone, "phone");
  EXPECT_EQ(Text(ValidateValue(phone, json("(650) 253-0000"))), "+16502530000") << "US by default";
  {
    PhoneRegionScope gb("GB");
    EXPECT_EQ(CurrentPhoneRegion(), "GB");
    EXPECT_EQ(Text(ValidateValue(phone, json("020 7946 0958"))), "+442079460958");
    {
      PhoneRegionScope de("DE");
      EXPECT_EQ(Text(ValidateValue(phone, json("030 1234567"))), "+49301234567");
    }
    EXPECT_EQ(CurrentPhoneRegion(), "GB") << "scopes nest";
  }
  EXPECT_EQ(CurrentPhoneRegion(), "US");
  EXPECT_EQ(Text(ParseTextValue(phone, " 020 7946 0958 ")), "020 7946 0958") << "not valid in US: kept";
  EXPECT_FALSE(ValidateValue(phone, json("call me")).ok()) << "validation still refuses letters";
}

TEST(NormalizeOnValidateTest, NameFieldsAreCollapsedOtherTextOnlyNfc) {
  EXPECT_EQ(Text(ValidateValue(Field(FieldKind::kText, "last_name"), json(" von  der\xC2\xA0Heide "))), "von der Heide");
  EXPECT_EQ(Text(ValidateValue(Field(FieldKind::kText, "company"), json("Acme   GmbH"))), "Acme GmbH");
  EXPECT_EQ(Text(ValidateValue(Field(FieldKind::kText, "title"), json("Head  of Sales"))), "Head  of Sales");
  EXPECT_EQ(Text(ValidateValue(Field(FieldKind::kText, "title"), json("Caf" "e\xCC\x81"))), "Caf\xC3\xA9");
  EXPECT_EQ(Text(ValidateValue(Field(FieldKind::kEmail, "email"), json("Ada@Example.COM"))), "ada@example.com");
}

TEST(NormalizeOnValidateTest, FormulaLookingTextIsData) {
  EXPECT_EQ(Text(ValidateValue(Field(FieldKind::kText, "last_name"), json("=cmd|' /C calc'!A0"))), "=cmd|' /C calc'!A0");
}

}  // namespace
}  // namespace rapport
