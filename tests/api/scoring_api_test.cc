// Scoring and enrichment through a real server (issue 4): rules fire and the
// explanation is stored on the lead; bad rule definitions are a 400 naming the
// attribute; enrichment from a company reference (built from the shared S&P
// 500 list) fills only empty fields and records the provider; auto-qualify;
// rescore on demand; training refuses an organisation without history.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "harness.h"

namespace rapport::test {
namespace {

using nlohmann::json;

class ScoringApi : public ServerSuite<ScoringApi> {
 protected:
  json Lead(const json& body) {
    auto r = api_->Post("/api/v1/leads", body);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json();
  }
  json Rule(const json& body) {
    auto r = api_->Post("/api/v1/scoring_rules", body);
    EXPECT_EQ(r.status, 201) << body.dump() << " -> " << r.body;
    return r.json();
  }
  void ExpectBad(const std::string& path, const json& body, const std::string& field) {
    auto r = api_->Post(path, body);
    EXPECT_EQ(r.status, 400) << body.dump() << " -> " << r.body;
    EXPECT_EQ(r.json()["error"]["field"], field) << body.dump() << " -> " << r.body;
  }
  static std::set<std::string> FiredIds(const json& lead) {
    std::set<std::string> ids;
    json ex = json::parse(lead["score_explanation"].get<std::string>());
    for (const auto& r : ex["rules"]) ids.insert(r["id"].get<std::string>());
    return ids;
  }
};

// The S&P 500 list has no domains: derive one per company as a test reference.
std::string Sp500Reference(std::string* sample_domain, std::string* sample_name, std::string* sample_sector) {
  std::ifstream f(std::string(RAPPORT_SHARED_DATA) + "/sp500-companies/constituents.csv");
  EXPECT_TRUE(f.good());
  std::string line, out = "domain,name,industry,country\n";
  std::getline(f, line);  // header
  int n = 0;
  while (std::getline(f, line)) {
    // Symbol,Security,GICS Sector,... (Security has no commas in this file's first rows we use)
    std::vector<std::string> cells;
    std::string cell;
    bool q = false;
    for (char ch : line) {
      if (ch == '"') q = !q;
      else if (ch == ',' && !q) {
        cells.push_back(cell);
        cell.clear();
      } else if (ch != '\r') cell += ch;
    }
    cells.push_back(cell);
    if (cells.size() < 3) continue;
    std::string domain;
    for (char ch : cells[1]) {
      if (std::isalnum(static_cast<unsigned char>(ch))) domain += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    }
    if (domain.empty()) continue;
    domain += ".com";
    std::string name = cells[1];
    if (name.find(',') != std::string::npos) name = "\"" + name + "\"";
    out += domain + "," + name + "," + cells[2] + ",US\n";
    if (n++ == 0) {
      *sample_domain = domain;
      *sample_name = cells[1];
      *sample_sector = cells[2];
    }
  }
  EXPECT_GT(n, 500);
  return out;
}

TEST_F(ScoringApi, BadRuleDefinitionsNameTheField) {
  ExpectBad("/api/v1/scoring_rules", {{"name", "x"}, {"field", "budgett"}, {"operator", "gte"}, {"value", "1"}, {"points", 5}},
            "field");
  ExpectBad("/api/v1/scoring_rules", {{"name", "x"}, {"field", "employees"}, {"operator", "between"}, {"value", "1"}, {"points", 5}},
            "operator");
  ExpectBad("/api/v1/scoring_rules", {{"name", "x"}, {"field", "employees"}, {"operator", "gte"}, {"value", "1"}, {"points", "ten"}},
            "points");
  ExpectBad("/api/v1/scoring_rules", {{"name", "x"}, {"field", "employees"}, {"operator", "gte"}, {"value", "1"}}, "points");
  ExpectBad("/api/v1/scoring_rules", {{"name", "x"}, {"field", "employees"}, {"operator", "gte"}, {"value", "many"}, {"points", 1}},
            "value");
  ExpectBad("/api/v1/scoring_rules", {{"name", "x"}, {"field", "status"}, {"operator", "eq"}, {"value", "hot"}, {"points", 1}},
            "value");  // not a status
  ExpectBad("/api/v1/scoring_rules", {{"name", "x"}, {"field", "employees"}, {"value", "5"}, {"points", 1}}, "operator");
  ExpectBad("/api/v1/scoring_rules", {{"name", "x"}, {"points", 1}}, "field");
  ExpectBad("/api/v1/scoring_rules", {{"name", "x"}, {"field", "score"}, {"operator", "gt"}, {"value", "1"}, {"points", 1}},
            "field");  // scoring cannot score itself
  ExpectBad("/api/v1/scoring_rules",
            {{"name", "x"}, {"field", "employees"}, {"operator", "gt"}, {"value", "1"}, {"activity_within_days", 7}, {"points", 1}},
            "activity_within_days");
  ExpectBad("/api/v1/scoring_rules", {{"name", "x"}, {"activity_within_days", 0}, {"points", 1}}, "activity_within_days");
  ExpectBad("/api/v1/scoring_rules", {{"name", "x"}, {"activity_within_days", 7}, {"activity_type", "fax"}, {"points", 1}},
            "activity_type");
  ExpectBad("/api/v1/scoring_rules", {{"name", "x"}, {"object", "accounts"}, {"field", "name"}, {"operator", "eq"}, {"value", "a"}, {"points", 1}},
            "object");
  // An update is checked the same way.
  json ok = Rule({{"name", "Temporary"}, {"field", "country"}, {"operator", "eq"}, {"value", "ZZ"}, {"points", 1}, {"active", false}});
  auto r = api_->Patch("/api/v1/scoring_rules/" + ok["id"].get<std::string>(), {{"operator", "near"}});
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.json()["error"]["field"], "operator");
  r = api_->Patch("/api/v1/scoring_rules/" + ok["id"].get<std::string>(), {{"field", "nope"}});
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.json()["error"]["field"], "field");
}

TEST_F(ScoringApi, RulesFireAndTheExplanationIsStored) {
  ASSERT_EQ(api_->Post("/api/v1/metadata/leads/fields", {{"name", "budget"}, {"label", "Budget"}, {"type", "money"}}).status, 201);
  json budget = Rule({{"name", "Budget over 10k"}, {"field", "budget"}, {"operator", "gte"}, {"value", "10000"}, {"points", 20}});
  json authority = Rule({{"name", "Decision maker"}, {"field", "title"}, {"operator", "contains"}, {"value", "director"}, {"points", 15}});
  json region = Rule({{"name", "Benelux"}, {"field", "country"}, {"operator", "in"}, {"value", "NL,BE,LU"}, {"points", 5}});
  json nophone = Rule({{"name", "No phone"}, {"field", "phone"}, {"operator", "is_null"}, {"value", "true"}, {"points", -3}});
  json recent = Rule({{"name", "Called this week"}, {"activity_within_days", 7}, {"activity_type", "call"}, {"points", 10}});

  json hot = Lead({{"last_name", "Hot"}, {"budget", 25000}, {"title", "Sales Director"}, {"country", "BE"}, {"phone", "+3225551234"}});
  EXPECT_EQ(hot["score"], 40);
  EXPECT_EQ(FiredIds(hot), (std::set<std::string>{budget["id"], authority["id"], region["id"]}));
  json ex = json::parse(hot["score_explanation"].get<std::string>());
  EXPECT_EQ(ex["total"], 40);
  ASSERT_EQ(ex["rules"].size(), 3u);
  EXPECT_EQ(ex["rules"][0]["name"], "Budget over 10k");
  EXPECT_EQ(ex["rules"][0]["points"], 20);
  EXPECT_EQ(ex["rules"][0]["text"], "Budget over 10k (budget gte 10000): +20");
  EXPECT_FALSE(hot["scored_at"].is_null());
  // Stored: a GET shows the same.
  auto got = api_->Get("/api/v1/leads/" + hot["id"].get<std::string>());
  EXPECT_EQ(got.json()["score_explanation"], hot["score_explanation"]);

  json cold = Lead({{"last_name", "Cold"}, {"country", "FR"}});
  EXPECT_EQ(cold["score"], -3);
  EXPECT_EQ(FiredIds(cold), (std::set<std::string>{nophone["id"]}));

  // An update rescores.
  auto upd = api_->Patch("/api/v1/leads/" + cold["id"].get<std::string>(), {{"title", "IT Director"}, {"budget", 12000}});
  ASSERT_EQ(upd.status, 200) << upd.body;
  EXPECT_EQ(upd.json()["score"], 32);
  // A call on the lead: the recency rule fires.
  auto act = api_->Post("/api/v1/activities", {{"type", "call"}, {"subject", "Intro call"}, {"related_object", "leads"},
                                               {"related_id", cold["id"]}, {"done_at", "2020-01-01T10:00:00Z"}});
  ASSERT_EQ(act.status, 201) << act.body;
  // done_at in the past: too old to count.
  EXPECT_EQ(api_->Get("/api/v1/leads/" + cold["id"].get<std::string>()).json()["score"], 32);
  act = api_->Post("/api/v1/activities", {{"type", "call"}, {"subject", "Follow-up"}, {"related_object", "leads"},
                                          {"related_id", cold["id"]}});
  ASSERT_EQ(act.status, 201) << act.body;
  json after = api_->Get("/api/v1/leads/" + cold["id"].get<std::string>()).json();
  EXPECT_EQ(after["score"], 42);
  EXPECT_TRUE(FiredIds(after).count(recent["id"]));

  // Deactivating a rule and rescoring on demand.
  ASSERT_EQ(api_->Patch("/api/v1/scoring_rules/" + region["id"].get<std::string>(), {{"active", false}}).status, 200);
  auto rs = api_->Post("/api/v1/leads/rescore", json::object());
  ASSERT_EQ(rs.status, 200) << rs.body;
  EXPECT_GE(rs.json()["scanned"].get<int>(), 2);
  EXPECT_GE(rs.json()["changed"].get<int>(), 1);
  EXPECT_EQ(api_->Get("/api/v1/leads/" + hot["id"].get<std::string>()).json()["score"], 35);
  // Rescoring again changes nothing.
  rs = api_->Post("/api/v1/leads/rescore", {{"filter", {{"last_name", {{"eq", "Hot"}}}}}});
  ASSERT_EQ(rs.status, 200) << rs.body;
  EXPECT_EQ(rs.json()["scanned"], 1);
  EXPECT_EQ(rs.json()["changed"], 0);
  auto bad = api_->Post("/api/v1/leads/rescore", {{"filter", {{"nope", {{"eq", "x"}}}}}});
  EXPECT_EQ(bad.status, 400);
  // The lead's history shows the score changing.
  auto hist = api_->Get("/api/v1/leads/" + hot["id"].get<std::string>() + "/history");
  bool score_change = false;
  const json entries = hist.json()["data"];
  for (const auto& e : entries) score_change = score_change || e["field"] == "score";
  EXPECT_TRUE(score_change) << hist.body;
}

TEST_F(ScoringApi, AutoQualifiesAtTheThreshold) {
  json rule = Rule({{"name", "Enterprise"}, {"field", "employees"}, {"operator", "gte"}, {"value", "5000"}, {"points", 100}});
  ASSERT_EQ(api_->Patch("/api/v1/settings", {{"auto_qualify_score", 90}}).status, 200);
  json big = Lead({{"last_name", "Big"}, {"employees", 20000}, {"phone", "+3225550000"}});
  EXPECT_EQ(big["status"], "qualified");
  EXPECT_TRUE(json::parse(big["score_explanation"].get<std::string>()).value("auto_qualified", false));
  json nurturing = Lead({{"last_name", "Later"}, {"employees", 20000}, {"status", "nurturing"}, {"phone", "+3225550001"}});
  EXPECT_EQ(nurturing["status"], "nurturing");  // only new and working leads qualify
  json small = Lead({{"last_name", "Small"}, {"employees", 10}, {"phone", "+3225550002"}});
  EXPECT_EQ(small["status"], "new");
  auto upd = api_->Patch("/api/v1/leads/" + small["id"].get<std::string>(), {{"employees", 6000}});
  ASSERT_EQ(upd.status, 200) << upd.body;
  EXPECT_EQ(upd.json()["status"], "qualified");
  auto bad = api_->Patch("/api/v1/settings", {{"auto_qualify_score", "lots"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.json()["error"]["field"], "auto_qualify_score");
  ASSERT_EQ(api_->Patch("/api/v1/settings", {{"auto_qualify_score", nullptr}}).status, 200);
  EXPECT_TRUE(api_->Get("/api/v1/settings").json()["auto_qualify_score"].is_null());
  ASSERT_EQ(api_->Delete("/api/v1/scoring_rules/" + rule["id"].get<std::string>()).status, 200);
}

TEST_F(ScoringApi, EnrichmentFillsOnlyEmptyFieldsAndRecordsTheProvider) {
  std::string domain, name, sector;
  std::string csv = Sp500Reference(&domain, &name, &sector);
  auto up = api_->Do("POST", "/api/v1/enrichment/companies", csv, {{"Content-Type", "text/csv"}});
  ASSERT_EQ(up.status, 200) << up.body;
  EXPECT_GT(up.json()["loaded"].get<int>(), 500);
  EXPECT_EQ(up.json()["skipped"], 0);
  auto info = api_->Get("/api/v1/enrichment/companies?domain=www." + domain);
  ASSERT_EQ(info.status, 200) << info.body;
  EXPECT_EQ(info.json()["match"]["name"], name);

  // What the lead said stays; empty fields are filled; the provider is recorded.
  json lead = Lead({{"last_name", "Jones"}, {"email", "p.jones@" + domain}, {"company", "Our Own Name"}, {"country", "CA"}});
  EXPECT_EQ(lead["company"], "Our Own Name");
  EXPECT_EQ(lead["country"], "CA");
  EXPECT_EQ(lead["industry"], sector);
  EXPECT_EQ(lead["company_domain"], domain);
  json enr = json::parse(lead["enrichment"].get<std::string>());
  EXPECT_EQ(enr, (json{{"company_domain", "email_domain"}, {"industry", "company_reference"}}));
  EXPECT_FALSE(lead["enriched_at"].is_null());

  json empty = Lead({{"last_name", "Smith"}, {"email", "smith@" + domain}});
  EXPECT_EQ(empty["company"], name);
  EXPECT_EQ(empty["country"], "US");
  EXPECT_EQ(json::parse(empty["enrichment"].get<std::string>())["company"], "company_reference");

  // Free mail: nothing to look up.
  json gmail = Lead({{"last_name", "Free"}, {"email", "someone@gmail.com"}});
  EXPECT_TRUE(gmail["company_domain"].is_null());
  EXPECT_TRUE(gmail["enrichment"].is_null());

  // On demand, after the lead gained a domain; the earlier record is kept.
  std::string id = gmail["id"].get<std::string>();
  ASSERT_EQ(api_->Patch("/api/v1/leads/" + id, {{"company_domain", "https://www." + domain + "/about"}, {"industry", "Our view"}}).status, 200);
  auto en = api_->Post("/api/v1/leads/" + id + "/enrich", json::object());
  ASSERT_EQ(en.status, 200) << en.body;
  EXPECT_EQ(en.json()["filled"], (json{{"company", "company_reference"}, {"country", "company_reference"}}));
  EXPECT_EQ(en.json()["data"]["industry"], "Our view");
  EXPECT_EQ(en.json()["data"]["company"], name);
  // Nothing left to fill: nothing changes.
  auto again = api_->Post("/api/v1/leads/" + id + "/enrich", json::object());
  ASSERT_EQ(again.status, 200);
  EXPECT_TRUE(again.json()["filled"].empty());
  EXPECT_EQ(again.json()["data"]["version"], en.json()["data"]["version"]);
  EXPECT_EQ(api_->Post("/api/v1/leads/nope/enrich", json::object()).status, 404);

  // Multipart upload, merged: a new company joins, the others stay.
  std::string body = "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"extra.csv\"\r\n"
                     "Content-Type: text/csv\r\n\r\nwebsite,company,sector,employees\r\nhttps://initech.example,Initech,Software,150\r\n"
                     "--XyZ--\r\n";
  auto mp = api_->Do("POST", "/api/v1/enrichment/companies?mode=merge", body,
                     {{"Content-Type", "multipart/form-data; boundary=XyZ"}});
  ASSERT_EQ(mp.status, 200) << mp.body;
  EXPECT_EQ(mp.json()["loaded"], 1);
  json ini = Lead({{"last_name", "Lumbergh"}, {"email", "bill@initech.example"}});
  EXPECT_EQ(ini["company"], "Initech");
  EXPECT_EQ(ini["employees"], 150);
  EXPECT_EQ(ini["employee_band"], "51-200");
  EXPECT_EQ(Lead({{"last_name", "X"}, {"email", "x@" + domain}})["company"], name);
  // A file without a domain column is refused, naming it.
  auto nodomain = api_->Do("POST", "/api/v1/enrichment/companies", "name,industry\nA,B\n", {{"Content-Type", "text/csv"}});
  EXPECT_EQ(nodomain.status, 400);
  EXPECT_EQ(nodomain.json()["error"]["field"], "file");
}

TEST_F(ScoringApi, TrainingNeedsHistory) {
  auto r = api_->Post("/api/v1/score_models/train", {{"object", "leads"}});
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_NE(r.json()["error"]["message"].get<std::string>().find("not enough history"), std::string::npos);
  auto bad = api_->Post("/api/v1/score_models/train", {{"object", "accounts"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(api_->Get("/api/v1/score_models").status, 200);
}

}  // namespace
}  // namespace rapport::test
