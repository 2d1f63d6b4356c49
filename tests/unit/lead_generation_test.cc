// Lead generation rules (issue 4): the lead status flow, convert matching
// keys, postal-address duplicates, call outcomes, web-form field rules and
// the submission token bucket (src/domain/leads.h, campaigns.h, web_forms.h).
// Pure functions, no database.
#include <gtest/gtest.h>

#include "domain/campaigns.h"
#include "domain/leads.h"
#include "domain/web_forms.h"
#include "meta/object.h"

namespace rapport {
namespace {

Status Move(const std::string& from, const std::string& to, const std::string& reason = "",
            const std::string& text = "") {
  return ValidateLeadTransition(LeadStatusChange{from, to, reason, text});
}

TEST(LeadStatusFlowTest, TheFlowAndItsPracticalShortcutsAreAllowed) {
  EXPECT_TRUE(Move("new", "working").ok());
  EXPECT_TRUE(Move("working", "qualified").ok());
  EXPECT_TRUE(Move("working", "nurturing").ok());
  EXPECT_TRUE(Move("working", "disqualified", "no_budget").ok());
  EXPECT_TRUE(Move("new", "qualified").ok()) << "auto-qualify from a score threshold";
  EXPECT_TRUE(Move("new", "disqualified", "spam").ok());
  EXPECT_TRUE(Move("nurturing", "working").ok());
  EXPECT_TRUE(Move("qualified", "working").ok());
  EXPECT_TRUE(Move("disqualified", "working").ok()) << "reopening";
  EXPECT_TRUE(Move("unconfirmed", "new").ok()) << "double opt-in confirmed";
  EXPECT_TRUE(Move("", "working").ok()) << "no status counts as new";
  EXPECT_TRUE(Move("working", "working").ok()) << "same status: other fields change";
}

TEST(LeadStatusFlowTest, InvalidMovesAreRefusedNamingTheStatusField) {
  for (auto [from, to] : std::vector<std::pair<std::string, std::string>>{{"new", "nurturing"},
                                                                          {"working", "new"},
                                                                          {"disqualified", "qualified"},
                                                                          {"qualified", "new"},
                                                                          {"unconfirmed", "working"}}) {
    Status st = Move(from, to);
    EXPECT_EQ(st.code(), Status::Code::kUnprocessable) << from << " -> " << to;
    EXPECT_EQ(st.field(), "status");
    EXPECT_NE(st.message().find("may go to"), std::string::npos) << st.message();
  }
  EXPECT_EQ(Move("qualified", "converted").field(), "status") << "only converting converts";
  EXPECT_NE(Move("qualified", "converted").message().find("/convert"), std::string::npos);
  EXPECT_EQ(Move("converted", "working").code(), Status::Code::kUnprocessable) << "converted is final";
  EXPECT_EQ(Move("new", "unconfirmed").code(), Status::Code::kUnprocessable);
  EXPECT_EQ(Move("new", "bogus").field(), "status");
  EXPECT_TRUE(AllowedLeadTransitions("converted").empty());
}

TEST(LeadStatusFlowTest, DisqualifyingNeedsAReasonAndDetailsForOther) {
  Status st = Move("working", "disqualified");
  EXPECT_EQ(st.code(), Status::Code::kUnprocessable);
  EXPECT_EQ(st.field(), "disqualified_reason");
  EXPECT_EQ(Move("working", "disqualified", "  ").field(), "disqualified_reason");
  EXPECT_EQ(Move("working", "disqualified", "other").field(), "disqualified_reason_text");
  EXPECT_TRUE(Move("working", "disqualified", "other", "bought from a reseller").ok());
  EXPECT_EQ(Move("disqualified", "disqualified", "").field(), "disqualified_reason")
      << "a disqualified lead keeps its reason";
}

TEST(LeadStatusFlowTest, ConvertibleStatuses) {
  for (const char* s : {"new", "working", "qualified", "nurturing", ""}) EXPECT_TRUE(CheckLeadConvertible(s).ok()) << s;
  EXPECT_EQ(CheckLeadConvertible("converted").code(), Status::Code::kConflict);
  EXPECT_EQ(CheckLeadConvertible("disqualified").code(), Status::Code::kUnprocessable);
  EXPECT_EQ(CheckLeadConvertible("unconfirmed").code(), Status::Code::kUnprocessable);
  EXPECT_EQ(CheckLeadConvertible("disqualified").field(), "status");
}

TEST(ConvertMatchingTest, EmailDomainsAndFreeMail) {
  EXPECT_EQ(EmailDomain("ada@Analytical.Engines.co.uk"), "analytical.engines.co.uk");
  EXPECT_EQ(EmailDomain("nobody"), "");
  EXPECT_EQ(EmailDomain("x@"), "");
  EXPECT_TRUE(IsFreeMailDomain("gmail.com"));
  EXPECT_TRUE(IsFreeMailDomain("web.de"));
  EXPECT_FALSE(IsFreeMailDomain("acme.com"));
}

TEST(ConvertMatchingTest, CompanyKeysIgnoreCaseAndLegalForms) {
  EXPECT_EQ(CompanyKey("Acme Corp."), "acme");
  EXPECT_EQ(CompanyKey("ACME Corporation"), "acme");
  EXPECT_EQ(CompanyKey("acme, inc"), "acme");
  EXPECT_EQ(CompanyKey("Müller GmbH & Co. KG"), "müller");
  EXPECT_EQ(CompanyKey("Johnson & Johnson"), "johnson and johnson");
  EXPECT_EQ(CompanyKey("MÜLLER GMBH"), "müller");
  EXPECT_EQ(CompanyKey("The Company"), "the company") << "nothing but legal words: kept whole";
  EXPECT_EQ(CompanyKey(""), "");
  EXPECT_DOUBLE_EQ(CompanyNameSimilarity("Acme Corp", "ACME Corporation"), 1.0);
  EXPECT_GE(CompanyNameSimilarity("Acme Rocket Works", "Acme Rocket Works Europe"), kCompanyMatchThreshold);
  EXPECT_LT(CompanyNameSimilarity("Acme", "Initech"), kCompanyMatchThreshold);
  EXPECT_EQ(CompanyNameSimilarity("", "Acme"), 0);
  EXPECT_EQ(FoldCase("Straße"), "strasse");
}

TEST(MailingAddressTest, SameAddressWrittenDifferentlyIsOneKey) {
  PostalAddress a{"221B Baker Street", "NW1 6XE", "London", "United Kingdom"};
  PostalAddress b{"221b baker st.", "nw16xe", "LONDON", "UK"};
  PostalAddress c{"221B Baker Street", "NW1 6XE", "Londres", "GB"};  // postcode wins over the city's spelling
  EXPECT_EQ(AddressKey(a), AddressKey(b));
  EXPECT_EQ(AddressKey(a), AddressKey(c));
  PostalAddress d{"Hauptstraße 5", "", "München", "Deutschland"};
  PostalAddress e{"Hauptstr. 5", "", "MÜNCHEN", "DE"};
  EXPECT_EQ(AddressKey(d), AddressKey(e));
  PostalAddress f{"223B Baker Street", "NW1 6XE", "London", "GB"};
  EXPECT_NE(AddressKey(a), AddressKey(f));
  EXPECT_TRUE(HasPostalAddress(a));
  EXPECT_FALSE(HasPostalAddress({"", "NW1", "London", ""}));
  EXPECT_FALSE(HasPostalAddress({"1 Main St", "", " ", ""}));
}

TEST(CallListTest, OutcomesAndResponseStatus) {
  EXPECT_EQ(CallOutcomes().size(), 6u);
  EXPECT_TRUE(IsCallOutcome("voicemail"));
  EXPECT_FALSE(IsCallOutcome("hung_up"));
  EXPECT_EQ(MemberStatusAfterCall("reached", "sent"), "responded");
  EXPECT_EQ(MemberStatusAfterCall("callback", "sent"), "responded");
  EXPECT_EQ(MemberStatusAfterCall("no_answer", "sent"), "sent");
  EXPECT_EQ(MemberStatusAfterCall("reached", "converted"), "converted");
  EXPECT_EQ(CallSubject("wrong_number"), "Call: wrong number");
  EXPECT_TRUE(ValidateCampaignDates("2026-01-01", "2026-01-31").ok());
  EXPECT_TRUE(ValidateCampaignDates("", "2026-01-31").ok());
  EXPECT_EQ(ValidateCampaignDates("2026-02-01", "2026-01-31").field(), "end_date");
}

TEST(WebFormRulesTest, WhichLeadFieldsAFormMayAskFor) {
  const ObjectDef& leads = *StandardCatalog().Find("leads");
  for (const char* ok : {"first_name", "last_name", "email", "phone", "company", "description", "country",
                         "email_opt_out"})
    EXPECT_TRUE(CheckFormField(*leads.Find(ok)).ok()) << ok;
  for (const char* no : {"id", "owner_id", "team_id", "status", "source", "score", "campaign_id", "form_id",
                         "converted_at", "source_ref", "disqualified_reason"}) {
    Status st = CheckFormField(*leads.Find(no));
    EXPECT_EQ(st.code(), Status::Code::kInvalidArgument) << no;
    EXPECT_EQ(st.field(), "fields");
  }
}

TEST(WebFormRulesTest, AFormIdentifiesItsLeadAndDoubleOptInNeedsARequiredEmail) {
  EXPECT_EQ(CheckFormFields({}, false).field(), "fields");
  EXPECT_EQ(CheckFormFields({{"first_name", "First", false}}, false).code(), Status::Code::kUnprocessable);
  EXPECT_TRUE(CheckFormFields({{"first_name", "First", false}, {"email", "E-mail", false}}, false).ok());
  EXPECT_EQ(CheckFormFields({{"email", "E-mail", false}, {"email", "Again", false}}, false).field(), "fields");
  EXPECT_EQ(CheckFormFields({{"email", "E-mail", false}}, true).field(), "double_opt_in");
  EXPECT_TRUE(CheckFormFields({{"email", "E-mail", true}}, true).ok());
  std::vector<FormField> many;
  for (size_t i = 0; i <= kMaxFormFields; ++i) many.push_back({"f" + std::to_string(i), "x", false});
  EXPECT_EQ(CheckFormFields(many, false).field(), "fields");
}

TEST(WebFormRulesTest, TokenBucketAllowsABurstThenRefillsAtItsRate) {
  TokenBucket b;
  int64_t retry = 0;
  const int64_t t0 = 1'000'000;
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(TakeToken(&b, 10, 60000, t0, &retry)) << i;
  EXPECT_FALSE(TakeToken(&b, 10, 60000, t0, &retry));
  EXPECT_EQ(retry, 6000) << "one token every 6 s at 10 per minute";
  EXPECT_FALSE(TakeToken(&b, 10, 60000, t0 + 5999, &retry));
  EXPECT_GE(retry, 1);
  EXPECT_LE(retry, 2);
  EXPECT_TRUE(TakeToken(&b, 10, 60000, t0 + 6000, &retry));
  EXPECT_FALSE(TakeToken(&b, 10, 60000, t0 + 6000, &retry));
  EXPECT_FALSE(BucketIsFull(b, 10, 60000, t0 + 6000));
  EXPECT_TRUE(BucketIsFull(b, 10, 60000, t0 + 6000 + 60000));
  // After a long quiet spell the bucket is full again, never more.
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(TakeToken(&b, 10, 60000, t0 + 3'600'000, &retry)) << i;
  EXPECT_FALSE(TakeToken(&b, 10, 60000, t0 + 3'600'000, &retry));
  // A clock that steps back does not mint tokens.
  EXPECT_FALSE(TakeToken(&b, 10, 60000, t0, &retry));
}

}  // namespace
}  // namespace rapport
