// Custom fields at run time, and the OpenAPI document generated from metadata.
#include <gtest/gtest.h>

#include <functional>
#include <set>

#include "harness.h"

namespace rapport::test {
namespace {

using nlohmann::json;

class MetadataApi : public ServerSuite<MetadataApi> {};

TEST_F(MetadataApi, CustomFieldIsValidatedFilteredSortedReturnedAndDocumented) {
  auto f = api_->Post("/api/v1/metadata/leads/fields",
                      {{"name", "budget_band"}, {"label", "Budget band"}, {"type", "picklist"},
                       {"options", {"small", "medium", "large"}}, {"indexed", true}});
  ASSERT_EQ(f.status, 201) << f.body;
  auto g = api_->Post("/api/v1/metadata/leads/fields", {{"name", "seats"}, {"type", "number"}});
  ASSERT_EQ(g.status, 201) << g.body;
  EXPECT_EQ(api_->Post("/api/v1/metadata/leads/fields", {{"name", "seats"}, {"type", "number"}}).status, 409);
  EXPECT_EQ(api_->Post("/api/v1/metadata/leads/fields", {{"name", "email"}, {"type", "text"}}).status, 409);

  auto fields = api_->Get("/api/v1/metadata/leads/fields");
  ASSERT_EQ(fields.status, 200);
  bool listed = false;
  json fl = fields.json()["data"];
  for (auto& x : fl) listed |= x["name"] == "budget_band" && x["custom"] == true;
  EXPECT_TRUE(listed);

  for (int i = 0; i < 6; ++i) {
    auto r = api_->Post("/api/v1/leads", {{"last_name", "L" + std::to_string(i)},
                                          {"budget_band", i % 2 ? "large" : "small"}, {"seats", 10 * (6 - i)}});
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.json()["budget_band"], i % 2 ? "large" : "small");
    EXPECT_EQ(r.json()["seats"], 10 * (6 - i));
  }
  auto bad = api_->Post("/api/v1/leads", {{"last_name", "X"}, {"budget_band", "enormous"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.json()["error"]["field"], "budget_band");
  auto bad_type = api_->Post("/api/v1/leads", {{"last_name", "X"}, {"seats", "many"}});
  EXPECT_EQ(bad_type.status, 400);
  EXPECT_EQ(bad_type.json()["error"]["field"], "seats");

  auto large = api_->Get("/api/v1/leads?filter=budget_band:eq:large&sort=seats");
  ASSERT_EQ(large.status, 200) << large.body;
  json rows = large.json()["data"];
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0]["seats"], 10);
  EXPECT_EQ(rows[2]["seats"], 50);
  auto sorted = api_->Get("/api/v1/leads?sort=-seats&limit=1");
  EXPECT_EQ(sorted.json()["data"][0]["last_name"], "L0");

  auto doc = api_->Get("/api/v1/openapi.json");
  ASSERT_EQ(doc.status, 200);
  json props = doc.json()["components"]["schemas"]["Leads"]["properties"];
  ASSERT_TRUE(props.contains("budget_band")) << props.dump();
  EXPECT_EQ(props["budget_band"]["enum"][2], "large");
  EXPECT_TRUE(props.contains("seats"));
}

TEST_F(MetadataApi, BadFieldDefinitionsAreRefused) {
  struct Case {
    json body;
    std::string field;
  } cases[] = {
      {{{"name", "Bad Name"}, {"type", "text"}}, "name"},
      {{{"name", "ok_name"}, {"type", "hologram"}}, "type"},
      {{{"name", "ok_name"}, {"type", "picklist"}}, "options"},
      {{{"name", "ok_name"}, {"type", "reference"}, {"reference", "spaceships"}}, "reference"},
      {{{"name", "ok_name"}, {"type", "text"}, {"colour", "red"}}, "colour"},
      {{{"name", "ok_name"}, {"type", "text"}, {"max_length", -1}}, "max_length"},
  };
  for (auto& c : cases) {
    auto r = api_->Post("/api/v1/metadata/contacts/fields", c.body);
    EXPECT_EQ(r.status, 400) << c.body.dump() << " -> " << r.body;
    EXPECT_EQ(r.json()["error"]["field"], c.field) << r.body;
  }
  EXPECT_EQ(api_->Post("/api/v1/metadata/spaceships/fields", {{"name", "x"}, {"type", "text"}}).status, 404);
}

// Walks the whole document: every operation has responses, every $ref
// resolves, every path parameter is declared.
TEST_F(MetadataApi, OpenApiDocumentIsWellFormed) {
  Client c(server_->port());
  auto r = c.Request("GET", "/api/v1/openapi.json");
  ASSERT_EQ(r.status, 200);
  json doc = r.json();
  EXPECT_EQ(doc["openapi"], "3.1.0");
  ASSERT_TRUE(doc["info"].contains("title"));
  ASSERT_TRUE(doc["paths"].is_object());
  std::function<void(const json&, const std::string&)> walk = [&](const json& j, const std::string& where) {
    if (j.is_object()) {
      if (j.contains("$ref")) {
        std::string ref = j["$ref"];
        ASSERT_EQ(ref.rfind("#/", 0), 0u) << where;
        json::json_pointer ptr(ref.substr(1));
        EXPECT_TRUE(doc.contains(ptr)) << "dangling " << ref << " at " << where;
      }
      for (auto it = j.begin(); it != j.end(); ++it) walk(it.value(), where + "/" + it.key());
    } else if (j.is_array()) {
      for (size_t i = 0; i < j.size(); ++i) walk(j[i], where + "/" + std::to_string(i));
    }
  };
  walk(doc, "");
  std::set<std::string> ops;
  const std::set<std::string> methods = {"get", "post", "patch", "put", "delete"};
  for (auto it = doc["paths"].begin(); it != doc["paths"].end(); ++it) {
    const std::string& path = it.key();
    ASSERT_EQ(path.rfind("/", 0), 0u);
    for (auto op = it.value().begin(); op != it.value().end(); ++op) {
      if (!methods.count(op.key())) continue;
      ASSERT_TRUE(op.value().contains("responses")) << path << " " << op.key();
      EXPECT_FALSE(op.value()["responses"].empty());
      std::string id = op.value()["operationId"];
      EXPECT_TRUE(ops.insert(id).second) << "duplicate operationId " << id;
      if (path.find("{id}") != std::string::npos) {
        EXPECT_TRUE(it.value().contains("parameters")) << path;
      }
    }
  }
  for (const char* object : {"leads", "contacts", "accounts", "opportunities", "activities", "users", "teams",
                             "pipelines", "stages"}) {
    EXPECT_TRUE(doc["paths"].contains(std::string("/api/v1/") + object)) << object;
  }
}

TEST_F(MetadataApi, DefaultPipelineAndOpportunityStageDefaults) {
  auto p = api_->Get("/api/v1/pipelines?filter=is_default:eq:true");
  ASSERT_EQ(p.status, 200);
  json pipes = p.json()["data"];
  ASSERT_EQ(pipes.size(), 1u);
  std::string pid = pipes[0]["id"];
  auto stages = api_->Get("/api/v1/stages?filter=pipeline_id:eq:" + pid + "&sort=position").json()["data"];
  ASSERT_EQ(stages.size(), 7u);
  EXPECT_EQ(stages[0]["kind"], "open");
  EXPECT_EQ(stages[5]["kind"], "won");
  EXPECT_EQ(stages[6]["kind"], "lost");
  auto opp = api_->Post("/api/v1/opportunities", {{"name", "Big deal"}, {"amount", 12000.5}, {"currency", "EUR"}});
  ASSERT_EQ(opp.status, 201) << opp.body;
  EXPECT_EQ(opp.json()["pipeline_id"], pid);
  EXPECT_EQ(opp.json()["stage_id"], stages[0]["id"]);
  EXPECT_EQ(opp.json()["probability"], 10);
  EXPECT_EQ(opp.json()["amount"], 12000.5);
  auto moved = api_->Patch("/api/v1/opportunities/" + opp.json()["id"].get<std::string>(),
                           {{"stage_id", stages[3]["id"]}}, "\"1\"");
  ASSERT_EQ(moved.status, 200) << moved.body;
  EXPECT_EQ(moved.json()["probability"], 60);
  auto act = api_->Post("/api/v1/activities", {{"type", "call"}, {"subject", "Intro call"},
                                               {"related_object", "opportunities"}, {"related_id", opp.json()["id"]},
                                               {"due_at", "2026-12-01T09:30:00+01:00"}});
  ASSERT_EQ(act.status, 201) << act.body;
  EXPECT_EQ(act.json()["due_at"], "2026-12-01T08:30:00.000Z");
  auto dangling = api_->Post("/api/v1/activities", {{"type", "call"}, {"subject", "x"},
                                                    {"related_object", "leads"}, {"related_id", "NOPE"}});
  EXPECT_EQ(dangling.status, 400);
  EXPECT_EQ(dangling.json()["error"]["field"], "related_id");
}

}  // namespace
}  // namespace rapport::test
