// The OpenAPI document against the routes the server really answers:
//  - every $ref resolves and operationIds are unique (anonymous and signed-in
//    documents);
//  - every route of the dispatcher (the table below, read from api.cc, the
//    api_*.cc handlers and dav.cc) is documented;
//  - every documented operation, and every table route, is served: a request
//    with placeholder ids gets the handler's own answer, never the routers'
//    404 "no route for ..." (or "use GET ...", "unknown object ...", "no DAV
//    resource ...").
#include <gtest/gtest.h>

#include <functional>
#include <set>

#include "harness.h"

namespace rapport::test {
namespace {

using nlohmann::json;

class OpenApiCoverage : public ServerSuite<OpenApiCoverage> {};

struct Route {
  std::string method;  // lower case, as in the document
  std::string path;    // a path template of the document
};

// Objects of the standard catalogue, and which have owners (follows, feeds).
const std::set<std::string> kOwned = {"accounts",     "contacts",    "leads",  "opportunities", "activities",
                                      "quotes",       "quote_lines", "orders", "cases",         "views",
                                      "campaigns",    "campaign_members",      "cadence_enrollments"};
const std::set<std::string> kConfig = {"pipelines", "stages",        "teams",           "users",
                                       "products",  "price_books",   "price_book_entries", "scoring_rules",
                                       "assignment_rules", "forms",  "cadences"};

// The dispatcher's routes (src/http/api.cc Route and the handlers it calls).
std::vector<Route> DispatcherRoutes() {
  std::vector<Route> r = {
      // outside /api (api.cc, dav.cc, api_forms.cc)
      {"get", "/healthz"},
      {"get", "/metrics"},
      {"options", "/dav/"},
      {"options", "/dav/principals/{user_id}/"},
      {"options", "/dav/home/{user_id}/"},
      {"options", "/dav/home/{user_id}/calendar/"},
      {"options", "/dav/home/{user_id}/contacts/"},
      {"options", "/dav/home/{user_id}/calendar/{name}"},
      {"options", "/dav/home/{user_id}/contacts/{name}"},
      {"get", "/dav/home/{user_id}/calendar/{name}"},
      {"put", "/dav/home/{user_id}/calendar/{name}"},
      {"delete", "/dav/home/{user_id}/calendar/{name}"},
      {"get", "/dav/home/{user_id}/contacts/{name}"},
      {"put", "/dav/home/{user_id}/contacts/{name}"},
      {"delete", "/dav/home/{user_id}/contacts/{name}"},
      {"get", "/.well-known/caldav"},
      {"get", "/.well-known/carddav"},
      {"get", "/ical/{secret}.ics"},
      {"get", "/f/{key}"},
      {"post", "/f/{key}"},
      {"get", "/f/confirm/{token}"},
      {"post", "/f/confirm/{token}"},
      // api.cc
      {"post", "/api/v1/auth/login"},
      {"post", "/api/v1/auth/logout"},
      {"get", "/api/v1/auth/me"},
      {"post", "/api/v1/auth/password"},
      {"get", "/api/v1/openapi.json"},
      {"get", "/api/v1/metadata"},
      {"get", "/api/v1/metadata/{object}/fields"},
      {"post", "/api/v1/metadata/{object}/fields"},
      {"post", "/api/v1/me/ical"},
      {"delete", "/api/v1/me/ical"},
      {"get", "/api/v1/search"},
      {"get", "/api/v1/settings"},
      {"patch", "/api/v1/settings"},
      {"get", "/api/v1/contacts/export.vcf"},
      {"post", "/api/v1/quotes/{id}/revise"},
      {"get", "/api/v1/quotes/{id}/document.html"},
      {"get", "/api/v1/quotes/{id}/document.pdf"},
      {"get", "/api/v1/accounts/{id}/health"},
      {"get", "/api/v1/opportunities/{id}/stage_history"},
      // api_leads_admin.cc
      {"post", "/api/v1/leads/rescore"},
      {"post", "/api/v1/leads/{id}/enrich"},
      {"post", "/api/v1/leads/{id}/assign"},
      {"get", "/api/v1/leads/{id}/assignments"},
      {"get", "/api/v1/enrichment/companies"},
      {"post", "/api/v1/enrichment/companies"},
      {"get", "/api/v1/score_models"},
      {"post", "/api/v1/score_models/train"},
      {"get", "/api/v1/reports/first_response"},
      {"get", "/api/v1/notifications"},
      {"post", "/api/v1/notifications/{id}/read"},
      // api_commitments.cc
      {"get", "/api/v1/reports/overdue_tasks"},
      // api_cadences.cc (cadences' own CRUD comes from the object loop below)
      {"get", "/api/v1/cadences/{id}/enrollments"},
      {"post", "/api/v1/cadences/{id}/enrollments"},
      {"post", "/api/v1/cadences/{id}/enrollments/{enrollment_id}/skip"},
      {"post", "/api/v1/cadences/{id}/enrollments/{enrollment_id}/stop"},
      // api_team.cc (follow and feed of owned objects below)
      {"get", "/api/v1/team_roles"},
      {"put", "/api/v1/team_roles"},
      {"get", "/api/v1/me/feed"},
      // api_import.cc
      {"get", "/api/v1/imports"},
      {"post", "/api/v1/imports"},
      {"get", "/api/v1/imports/{id}"},
      {"post", "/api/v1/imports/{id}/undo"},
      {"post", "/api/v1/imports/{id}/resume"},
      {"post", "/api/v1/imports/uploads"},  // the web app's import wizard
      {"get", "/api/v1/imports/mappings"},
      {"delete", "/api/v1/imports/mappings/{id}"},
      {"post", "/api/v1/imports/uploads"},  // the import wizard (api_import.cc, docs/decisions/021)
      {"get", "/api/v1/imports/mappings"},
      {"delete", "/api/v1/imports/mappings/{id}"},
      // api_forms.cc
      {"get", "/api/v1/email_outbox"},
      // api_leads.cc
      {"get", "/api/v1/leads/status_flow"},
      {"get", "/api/v1/leads/{id}/convert"},
      {"post", "/api/v1/leads/{id}/convert"},
      {"get", "/api/v1/leads/{id}/matches"},
      {"get", "/api/v1/campaigns/{id}/members"},
      {"post", "/api/v1/campaigns/{id}/members"},
      {"post", "/api/v1/campaigns/{id}/members/remove"},
      {"delete", "/api/v1/campaigns/{id}/members/{member_id}"},
      {"get", "/api/v1/campaigns/{id}/mailing.csv"},
      {"get", "/api/v1/campaigns/{id}/call_list/next"},
      {"post", "/api/v1/campaigns/{id}/call_list/{member_id}/outcome"},
  };
  for (const char* team : {"accounts", "opportunities"}) {
    std::string b = std::string("/api/v1/") + team + "/{id}/team";
    r.push_back({"get", b});
    r.push_back({"post", b});
    r.push_back({"patch", b + "/{member_id}"});
    r.push_back({"delete", b + "/{member_id}"});
  }
  std::set<std::string> all = kOwned;
  all.insert(kConfig.begin(), kConfig.end());
  for (const auto& o : all) {
    std::string b = "/api/v1/" + o;
    r.push_back({"get", b});
    r.push_back({"get", b + "/{id}"});
    r.push_back({"get", b + "/{id}/history"});
    if (o != "cadence_enrollments") {  // enrollments change only through /cadences/{id}/enrollments
      r.push_back({"post", b});
      r.push_back({"patch", b + "/{id}"});
      r.push_back({"delete", b + "/{id}"});
      r.push_back({"post", b + "/{id}/restore"});
    }
    r.push_back({"get", b + "/aggregate"});
    r.push_back({"get", b + "/export.csv"});
    if (kOwned.count(o)) {
      r.push_back({"get", b + "/{id}/follow"});
      r.push_back({"get", b + "/{id}/feed"});
      r.push_back({"post", b + "/{id}/follow"});
      r.push_back({"delete", b + "/{id}/follow"});
    }
  }
  return r;
}

// The path with its placeholders filled in.
std::string Fill(std::string path, const std::string& user_id) {
  auto put = [&](const std::string& name, const std::string& value) {
    for (size_t p; (p = path.find("{" + name + "}")) != std::string::npos;) path.replace(p, name.size() + 2, value);
  };
  put("object", "accounts");
  put("user_id", user_id);
  put("name", path.find("/calendar/") != std::string::npos ? "0PLACEHOLDER.ics" : "0PLACEHOLDER.vcf");
  for (size_t open; (open = path.find('{')) != std::string::npos;) {
    size_t close = path.find('}', open);
    path.replace(open, close - open + 1, "0PLACEHOLDER0000000000000");
  }
  return path;
}

// Why a response says the route does not exist ("" when it does).
std::string NoRouteReason(const std::string& method, const std::string& path, const Response& r) {
  std::string message;
  if (r.status == 404 || r.status == 405) {
    json j = json::parse(r.body, nullptr, false);
    if (j.is_object() && j.contains("error") && j["error"].contains("message")) message = j["error"]["message"];
    for (const char* prefix : {"no route for", "use ", "unknown object", "no DAV resource", "enrollments change through"}) {
      if (message.rfind(prefix, 0) == 0) return std::to_string(r.status) + " " + message;
    }
    if (r.status == 405) return "405 " + r.body.substr(0, 200);
  }
  // GET outside the API's prefixes falls through to the web app's index page.
  bool routed = path.rfind("/api/", 0) == 0 || path.rfind("/dav", 0) == 0 || path.rfind("/ical/", 0) == 0 ||
                path.rfind("/f/", 0) == 0 || path.rfind("/.well-known/", 0) == 0 || path == "/healthz" ||
                path == "/metrics";
  if (!routed && method == "get" && r.Header("content-type").rfind("text/html", 0) == 0) return "the web app's page";
  return "";
}

std::string Upper(std::string s) {
  for (auto& ch : s) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return s;
}

const std::set<std::string> kMethods = {"get", "put", "post", "delete", "options", "head", "patch", "trace"};

TEST_F(OpenApiCoverage, RefsResolveAndOperationIdsAreUnique) {
  Client anon(server_->port());
  auto a = anon.Request("GET", "/api/v1/openapi.json");
  ASSERT_EQ(a.status, 200);
  auto s = api_->Get("/api/v1/openapi.json");  // signed in: the organisation's catalogue
  ASSERT_EQ(s.status, 200);
  for (const json& doc : {a.json(), s.json()}) {
    int refs = 0;
    std::function<void(const json&, const std::string&)> walk = [&](const json& j, const std::string& where) {
      if (j.is_object()) {
        if (j.contains("$ref") && j["$ref"].is_string()) {
          std::string ref = j["$ref"];
          ASSERT_EQ(ref.rfind("#/", 0), 0u) << where;
          EXPECT_TRUE(doc.contains(json::json_pointer(ref.substr(1)))) << "dangling " << ref << " at " << where;
          ++refs;
        }
        for (auto it = j.begin(); it != j.end(); ++it) walk(it.value(), where + "/" + it.key());
      } else if (j.is_array()) {
        for (size_t i = 0; i < j.size(); ++i) walk(j[i], where + "/" + std::to_string(i));
      }
    };
    walk(doc, "");
    EXPECT_GT(refs, 100);
    std::map<std::string, std::string> ids;
    for (auto p = doc["paths"].begin(); p != doc["paths"].end(); ++p) {
      // Every {placeholder} of the path is declared (on the path or the operation).
      auto declare = [&](const json& params, std::set<std::string>* into) {
        for (const auto& prm : params) {
          json q = prm;
          if (prm.contains("$ref")) q = doc[json::json_pointer(prm["$ref"].get<std::string>().substr(1))];
          if (q.value("in", "") == "path") into->insert(q["name"].get<std::string>());
        }
      };
      std::set<std::string> on_path;
      if (p.value().contains("parameters")) declare(p.value()["parameters"], &on_path);
      for (auto op = p.value().begin(); op != p.value().end(); ++op) {
        if (!kMethods.count(op.key())) continue;
        std::set<std::string> declared = on_path;
        if (op.value().contains("parameters")) declare(op.value()["parameters"], &declared);
        for (size_t o = 0; (o = p.key().find('{', o)) != std::string::npos; ++o) {
          std::string name = p.key().substr(o + 1, p.key().find('}', o) - o - 1);
          EXPECT_TRUE(declared.count(name)) << op.key() << " " << p.key() << " does not declare {" << name << "}";
        }
        ASSERT_TRUE(op.value().contains("operationId")) << op.key() << " " << p.key();
        std::string id = op.value()["operationId"];
        auto [it, fresh] = ids.emplace(id, Upper(op.key()) + " " + p.key());
        EXPECT_TRUE(fresh) << "operationId " << id << " is used by " << it->second << " and " << Upper(op.key()) << " "
                           << p.key();
        ASSERT_TRUE(op.value().contains("responses") && !op.value()["responses"].empty()) << op.key() << " " << p.key();
        bool success = false;
        for (auto rc = op.value()["responses"].begin(); rc != op.value()["responses"].end(); ++rc)
          success = success || rc.key()[0] == '2' || rc.key()[0] == '3';
        EXPECT_TRUE(success) << op.key() << " " << p.key() << " has no success response";
      }
    }
  }
}

TEST_F(OpenApiCoverage, EveryDispatcherRouteIsDocumentedAndServed) {
  auto doc_r = api_->Get("/api/v1/openapi.json");
  ASSERT_EQ(doc_r.status, 200);
  json doc = doc_r.json();
  const json& paths = doc["paths"];
  auto me = api_->Get("/api/v1/auth/me");
  ASSERT_EQ(me.status, 200);
  std::string user_id = me.json()["user"]["id"];

  // The table names exactly the catalogue's objects (a new object must be added to it).
  auto meta = api_->Get("/api/v1/metadata");
  ASSERT_EQ(meta.status, 200);
  std::set<std::string> objects, table = kOwned;
  table.insert(kConfig.begin(), kConfig.end());
  json meta_data = meta.json()["data"];
  for (auto it = meta_data.begin(); it != meta_data.end(); ++it) objects.insert(it.key());
  EXPECT_EQ(objects, table);

  std::vector<Route> routes = DispatcherRoutes();
  ASSERT_GT(routes.size(), 300u);
  int served = 0;
  for (const auto& rt : routes) {
    SCOPED_TRACE(Upper(rt.method) + " " + rt.path);
    EXPECT_TRUE(paths.contains(rt.path) && paths[rt.path].contains(rt.method))
        << "undocumented: " << Upper(rt.method) << " " << rt.path;
    Api api(server_->port(), server_->admin_token());  // a fresh connection: streamed answers end with it
    std::string body = rt.method == "post" || rt.method == "patch" || rt.method == "put" ? "{}" : "";
    Response r = api.Do(Upper(rt.method), Fill(rt.path, user_id), body);
    std::string why = NoRouteReason(rt.method, rt.path, r);
    EXPECT_EQ(why, "") << "not served: " << Upper(rt.method) << " " << rt.path;
    EXPECT_LT(r.status, 500) << Upper(rt.method) << " " << rt.path << ": " << r.body.substr(0, 300);
    if (why.empty()) ++served;
  }
  EXPECT_EQ(served, static_cast<int>(routes.size()));
}

TEST_F(OpenApiCoverage, EveryDocumentedOperationIsServed) {
  auto doc_r = api_->Get("/api/v1/openapi.json");
  ASSERT_EQ(doc_r.status, 200);
  json doc = doc_r.json();
  auto me = api_->Get("/api/v1/auth/me");
  ASSERT_EQ(me.status, 200);
  std::string user_id = me.json()["user"]["id"];
  std::set<std::pair<std::string, std::string>> in_table;
  for (const auto& rt : DispatcherRoutes()) in_table.insert({rt.method, rt.path});
  int checked = 0;
  std::vector<std::string> beyond_table;
  for (auto p = doc["paths"].begin(); p != doc["paths"].end(); ++p) {
    for (auto op = p.value().begin(); op != p.value().end(); ++op) {
      const std::string& m = op.key();
      if (!kMethods.count(m) || m == "head" || m == "trace") continue;  // the test client reads no HEAD bodies
      SCOPED_TRACE(Upper(m) + " " + p.key());
      if (!in_table.count({m, p.key()})) beyond_table.push_back(Upper(m) + " " + p.key());
      Api api(server_->port(), server_->admin_token());
      std::string body = m == "post" || m == "patch" || m == "put" ? "{}" : "";
      Response r = api.Do(Upper(m), Fill(p.key(), user_id), body);
      EXPECT_EQ(NoRouteReason(m, p.key(), r), "") << "documented but not served: " << Upper(m) << " " << p.key();
      EXPECT_LT(r.status, 500) << Upper(m) << " " << p.key() << ": " << r.body.substr(0, 300);
      ++checked;
    }
  }
  EXPECT_GT(checked, 300);
  // Documented routes the table does not list: the table (read from the
  // dispatcher) is behind the handlers. Listed so that they are added.
  for (const auto& b : beyond_table) ADD_FAILURE() << "documented, served, but missing from the test's table: " << b;
}

TEST_F(OpenApiCoverage, RefusedStageMoveAnswersTheDocumentedDetails) {
  // The 422 of a won stage without close_reason has the shape of StageMoveError.
  auto doc = api_->Get("/api/v1/openapi.json").json();
  const json& schema = doc["components"]["schemas"]["StageMoveError"];
  ASSERT_TRUE(schema.is_object());
  EXPECT_EQ(doc["paths"]["/api/v1/opportunities/{id}"]["patch"]["responses"]["422"]["content"]["application/json"]
               ["schema"]["$ref"],
            "#/components/schemas/StageMoveError");
  auto stages = api_->Get("/api/v1/stages?limit=100");
  ASSERT_EQ(stages.status, 200);
  std::string won, needs, proposal;
  const json stage_list = stages.json()["data"];
  for (const auto& s : stage_list) {
    if (s.value("kind", "") == "won") won = s["id"];
    if (s.value("name", "") == "Needs analysis") needs = s["id"];
    if (s.value("name", "") == "Proposal") proposal = s["id"];
  }
  ASSERT_FALSE(won.empty() || needs.empty() || proposal.empty()) << stages.body.substr(0, 300);
  auto acc = api_->Post("/api/v1/accounts", {{"name", "OpenAPI Stage Co"}});
  ASSERT_EQ(acc.status, 201) << acc.body;
  auto opp = api_->Post("/api/v1/opportunities", {{"name", "OpenAPI deal"}, {"account_id", acc.json()["id"]},
                                                  {"amount", 1000}, {"close_date", "2031-01-31"}});
  ASSERT_EQ(opp.status, 201) << opp.body;
  std::string id = opp.json()["id"];
  auto r = api_->Patch("/api/v1/opportunities/" + id, {{"stage_id", won}});
  ASSERT_EQ(r.status, 422) << r.body;
  json e = r.json()["error"];
  const json& props = schema["properties"]["error"]["properties"];
  for (const auto& req : schema["properties"]["error"]["required"]) EXPECT_TRUE(e.contains(req)) << req;
  EXPECT_EQ(e["code"], props["code"]["enum"][0]);
  for (auto it = e["details"].begin(); it != e["details"].end(); ++it) {
    EXPECT_TRUE(props["details"]["properties"].contains(it.key())) << "undocumented detail " << it.key();
    EXPECT_TRUE(it.value().is_array()) << it.key();
  }
  EXPECT_EQ(e["details"]["missing_fields"], json::array({"close_reason"}));
  EXPECT_EQ(e["details"]["to_kind"], json::array({"won"}));

  // Exit criteria: "Needs analysis" wants contact_id before a proposal.
  ASSERT_EQ(api_->Patch("/api/v1/opportunities/" + id, {{"stage_id", needs}}).status, 200);
  r = api_->Patch("/api/v1/opportunities/" + id, {{"stage_id", proposal}});
  ASSERT_EQ(r.status, 422) << r.body;
  e = r.json()["error"];
  for (auto it = e["details"].begin(); it != e["details"].end(); ++it)
    EXPECT_TRUE(props["details"]["properties"].contains(it.key())) << "undocumented detail " << it.key();
  EXPECT_EQ(e["field"], "contact_id");
  EXPECT_EQ(e["details"]["missing_fields"], json::array({"contact_id"}));
  EXPECT_EQ(e["details"]["missing_activities"], json::array());
  EXPECT_EQ(e["details"]["from_stage"], json::array({"Needs analysis"}));
}

}  // namespace
}  // namespace rapport::test
