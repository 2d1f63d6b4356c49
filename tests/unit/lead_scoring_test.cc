// Rule conditions and scoring (domain/lead_rules.h), enrichment providers
// (domain/enrichment.h) and business-minute arithmetic for first responses.
#include <gtest/gtest.h>

#include <map>

#include "base/time.h"
#include "domain/business_hours.h"
#include "domain/enrichment.h"
#include "domain/lead_rules.h"

namespace rapport {
namespace {

Condition Cond(const std::string& field, const std::string& op, std::vector<Value> values) {
  Condition c;
  c.field = field;
  EXPECT_TRUE(ParseMatchOp(op, &c.op)) << op;
  c.values = std::move(values);
  return c;
}

FieldGetter Getter(const std::map<std::string, Value>& m) {
  return [m](const std::string& f) {
    auto it = m.find(f);
    return it == m.end() ? Value{} : it->second;
  };
}

TEST(Conditions, OperatorsFollowTheListApi) {
  EXPECT_TRUE(Matches(Cond("country", "eq", {Value{"FR"}}), Value{"FR"}));
  EXPECT_FALSE(Matches(Cond("country", "eq", {Value{"FR"}}), Value{"fr"}));  // eq is exact, like SQL
  EXPECT_TRUE(Matches(Cond("country", "ne", {Value{"FR"}}), Value{"DE"}));
  EXPECT_FALSE(Matches(Cond("country", "ne", {Value{"FR"}}), Value{}));  // null matches nothing but is_null
  EXPECT_TRUE(Matches(Cond("employees", "gt", {Value{100.0}}), Value{250.0}));
  EXPECT_FALSE(Matches(Cond("employees", "gt", {Value{100.0}}), Value{100.0}));
  EXPECT_TRUE(Matches(Cond("employees", "gte", {Value{100.0}}), Value{int64_t{100}}));  // numbers numerically
  EXPECT_TRUE(Matches(Cond("employees", "lt", {Value{100.0}}), Value{9.0}));  // not "9" > "100" as text
  EXPECT_TRUE(Matches(Cond("postcode", "gte", {Value{"75000"}}), Value{"75011"}));
  EXPECT_TRUE(Matches(Cond("postcode", "lte", {Value{"75999"}}), Value{"75011"}));
  EXPECT_FALSE(Matches(Cond("postcode", "lte", {Value{"75999"}}), Value{"76000"}));
  EXPECT_TRUE(Matches(Cond("country", "in", {Value{"FR"}, Value{"BE"}}), Value{"BE"}));
  EXPECT_FALSE(Matches(Cond("country", "in", {Value{"FR"}, Value{"BE"}}), Value{"DE"}));
  EXPECT_TRUE(Matches(Cond("country", "not_in", {Value{"FR"}, Value{"BE"}}), Value{"DE"}));
  EXPECT_TRUE(Matches(Cond("title", "contains", {Value{"chief"}}), Value{"Chief Executive"}));  // ASCII case ignored
  EXPECT_TRUE(Matches(Cond("title", "starts_with", {Value{"vp"}}), Value{"VP Sales"}));
  EXPECT_FALSE(Matches(Cond("title", "starts_with", {Value{"sales"}}), Value{"VP Sales"}));
  EXPECT_TRUE(Matches(Cond("phone", "is_null", {Value{int64_t{1}}}), Value{}));
  EXPECT_TRUE(Matches(Cond("phone", "is_null", {Value{int64_t{1}}}), Value{""}));
  EXPECT_TRUE(Matches(Cond("phone", "is_null", {Value{int64_t{0}}}), Value{"+331"}));
  EXPECT_FALSE(Matches(Cond("phone", "is_null", {Value{int64_t{0}}}), Value{}));
  MatchOp op;
  EXPECT_FALSE(ParseMatchOp("between", &op));
}

TEST(Conditions, AllMustHold) {
  std::vector<Condition> cs = {Cond("country", "eq", {Value{"FR"}}), Cond("employees", "gte", {Value{50.0}})};
  EXPECT_TRUE(MatchesAll(cs, Getter({{"country", Value{"FR"}}, {"employees", Value{60.0}}})));
  EXPECT_FALSE(MatchesAll(cs, Getter({{"country", Value{"FR"}}, {"employees", Value{10.0}}})));
  EXPECT_TRUE(MatchesAll({}, Getter({})));  // no conditions: everything
}

TEST(Scoring, SumsFiredRulesAndExplainsThem) {
  ScoringRule budget{"r1", "Budget", Cond("budget", "gte", {Value{10000.0}}), 0, "", 20};
  ScoringRule title{"r2", "Decision maker", Cond("title", "contains", {Value{"director"}}), 0, "", 15};
  ScoringRule gmail{"r3", "Free mail", Cond("email", "contains", {Value{"@gmail."}}), 0, "", -10};
  ScoringRule recent{"r4", "Recent call", std::nullopt, 7, "call", 10};
  int64_t now = 1'800'000'000'000;
  ActivityFacts acts;
  acts.last_by_type["call"] = now - 3 * 86400000LL;
  acts.last_any = acts.last_by_type["call"];
  ScoreResult r = ScoreRecord({budget, title, gmail, recent},
                              Getter({{"budget", Value{12000.0}}, {"title", Value{"Sales Director"}},
                                      {"email", Value{"a@acme.com"}}}),
                              acts, now);
  EXPECT_DOUBLE_EQ(r.total, 45);
  ASSERT_EQ(r.fired.size(), 3u);
  EXPECT_EQ(r.fired[0].id, "r1");
  EXPECT_EQ(r.fired[2].why, "a call in the last 7 days");
  auto j = r.Explanation("2030-01-01T00:00:00.000Z");
  EXPECT_EQ(j["total"], 45);
  EXPECT_EQ(j["rules"].size(), 3u);
  EXPECT_EQ(j["rules"][0]["text"], "Budget (budget gte 10000): +20");
  // The call ages out after 7 days.
  ScoreResult later = ScoreRecord({recent}, Getter({}), acts, now + 5 * 86400000LL);
  EXPECT_DOUBLE_EQ(later.total, 0);
  // An activity rule without a type counts any activity.
  ScoringRule any{"r5", "Any activity", std::nullopt, 30, "", 5};
  EXPECT_DOUBLE_EQ(ScoreRecord({any}, Getter({}), acts, now).total, 5);
  EXPECT_DOUBLE_EQ(ScoreRecord({any}, Getter({}), ActivityFacts{}, now).total, 0);
}

TEST(Scoring, AutoQualifiesOnlyNewOrWorkingLeadsAtTheThreshold) {
  EXPECT_TRUE(ShouldAutoQualify(50, 50.0, "new"));
  EXPECT_TRUE(ShouldAutoQualify(70, 50.0, "working"));
  EXPECT_FALSE(ShouldAutoQualify(49.5, 50.0, "new"));
  EXPECT_FALSE(ShouldAutoQualify(90, 50.0, "nurturing"));
  EXPECT_FALSE(ShouldAutoQualify(90, 50.0, "disqualified"));
  EXPECT_FALSE(ShouldAutoQualify(90, std::nullopt, "new"));
}

TEST(Enrichment, DomainsAndBands) {
  EXPECT_EQ(NormalizeDomain("https://www.Example.COM/about?x=1"), "example.com");
  EXPECT_EQ(NormalizeDomain("shop.example.co.uk."), "shop.example.co.uk");
  EXPECT_EQ(NormalizeDomain("localhost"), "");
  EXPECT_EQ(NormalizeDomain("not a domain.com"), "");
  EXPECT_EQ(CompanyDomainOfEmail("Ada@Sales.Acme.com"), "sales.acme.com");
  EXPECT_EQ(CompanyDomainOfEmail("someone@gmail.com"), "");
  EXPECT_EQ(EmployeeBand(8), "1-10");
  EXPECT_EQ(EmployeeBand(200), "51-200");
  EXPECT_EQ(EmployeeBand(4500), "1001-5000");
  EXPECT_EQ(EmployeeBand(250000), "10001+");
  EXPECT_EQ(EmployeeBand(0), "");
  EXPECT_EQ(CanonicalEmployeeBand("51 - 200"), "51-200");
  EXPECT_EQ(CanonicalEmployeeBand("10,001+"), "10001+");
  EXPECT_EQ(CanonicalEmployeeBand("huge"), "");
}

TEST(Enrichment, FillsOnlyEmptyFieldsAndRecordsTheProvider) {
  CompanyDirectory dir(1);
  CompanyFacts acme;
  acme.name = "Acme Corporation";
  acme.industry = "Manufacturing";
  acme.country = "US";
  acme.employees = 2822;
  dir.Add("acme.com", acme);
  EmailDomainProvider email;
  LeadFacts lead = {{"email", "ada@eu.acme.com"}, {"company", "ACME Europe"}, {"country", ""}};
  auto filled = RunEnrichment({&email, &dir}, {"company_domain", "company", "industry", "employees", "employee_band",
                                               "country"},
                              &lead);
  EXPECT_EQ(lead["company"], "ACME Europe");  // what the lead said stays
  EXPECT_EQ(lead["company_domain"], "eu.acme.com");
  EXPECT_EQ(lead["industry"], "Manufacturing");  // eu.acme.com falls back to acme.com
  EXPECT_EQ(lead["country"], "US");
  EXPECT_EQ(lead["employees"], "2822");
  EXPECT_EQ(lead["employee_band"], "1001-5000");
  EXPECT_EQ(filled.count("company"), 0u);
  EXPECT_EQ(filled["company_domain"], "email_domain");
  EXPECT_EQ(filled["industry"], "company_reference");
  // Free mail: no domain, nothing to look up.
  LeadFacts free = {{"email", "bob@gmail.com"}};
  EXPECT_TRUE(RunEnrichment({&email, &dir}, {"company_domain", "company"}, &free).empty());
  // Not fillable: untouched.
  LeadFacts only = {{"email", "x@acme.com"}};
  auto f2 = RunEnrichment({&email, &dir}, {"industry"}, &only);
  EXPECT_EQ(f2.size(), 1u);
  EXPECT_EQ(only.count("company"), 0u);
}

TEST(BusinessMinutes, BetweenTwoInstants) {
  auto bh = ParseBusinessHours("mon-fri 09:00-17:00", 0);
  ASSERT_TRUE(bh.ok());
  int64_t mon_0900 = 0, mon_1000 = 0, fri_1630 = 0, mon2_0930 = 0, sat = 0;
  ASSERT_TRUE(ParseDateTime("2030-01-07T09:00:00Z", &mon_0900));  // a Monday
  ASSERT_TRUE(ParseDateTime("2030-01-07T10:00:00Z", &mon_1000));
  ASSERT_TRUE(ParseDateTime("2030-01-11T16:30:00Z", &fri_1630));
  ASSERT_TRUE(ParseDateTime("2030-01-14T09:30:00Z", &mon2_0930));
  ASSERT_TRUE(ParseDateTime("2030-01-12T12:00:00Z", &sat));
  EXPECT_EQ(BusinessMinutesBetween(mon_0900, mon_1000, *bh), 60);
  EXPECT_EQ(BusinessMinutesBetween(fri_1630, mon2_0930, *bh), 60);  // 30 on Friday + 30 on Monday
  EXPECT_EQ(BusinessMinutesBetween(mon_0900, mon2_0930, *bh), 5 * 480 + 30);
  EXPECT_EQ(BusinessMinutesBetween(mon_1000, mon_0900, *bh), 0);
  EXPECT_FALSE(WithinBusinessHours(sat, *bh));
  EXPECT_TRUE(WithinBusinessHours(mon_0900, *bh));
  // Consistent with AddBusinessMinutes.
  for (int64_t m : {1, 59, 60, 479, 480, 481, 2500, 10000}) {
    int64_t end = AddBusinessMinutes(fri_1630, m, *bh);
    EXPECT_EQ(BusinessMinutesBetween(fri_1630, end, *bh), m) << m;
  }
}

}  // namespace
}  // namespace rapport
