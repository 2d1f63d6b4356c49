// Records through the REST API: create, read, update with If-Match, soft
// delete and restore, history, and the errors for bad input.
#include <gtest/gtest.h>

#include "harness.h"

namespace rapport::test {
namespace {

using nlohmann::json;

class RecordsApi : public ServerSuite<RecordsApi> {};

TEST_F(RecordsApi, HealthzAndMetrics) {
  Client c(server_->port());
  auto h = c.Request("GET", "/healthz");
  EXPECT_EQ(h.status, 200);
  EXPECT_EQ(h.json()["status"], "ok");
  auto m = c.Request("GET", "/metrics");
  EXPECT_EQ(m.status, 200);
  EXPECT_NE(m.body.find("rapport_http_requests_total{code=\"2xx\"}"), std::string::npos);
  EXPECT_NE(m.body.find("process_resident_memory_bytes"), std::string::npos);
}

TEST_F(RecordsApi, CreateGetUpdateDeleteRestoreHistory) {
  auto created = api_->Post("/api/v1/contacts", {{"first_name", "Ada"}, {"last_name", "Lovelace"},
                                                 {"email", " Ada@Example.COM "}, {"country", "GB"}});
  ASSERT_EQ(created.status, 201) << created.body;
  json c = created.json();
  std::string id = c["id"];
  EXPECT_EQ(c["email"], "ada@example.com");
  EXPECT_EQ(c["version"], 1);
  EXPECT_FALSE(c["owner_id"].is_null());
  EXPECT_EQ(created.Header("etag"), "\"1\"");
  EXPECT_EQ(created.Header("location"), "/api/v1/contacts/" + id);

  auto got = api_->Get("/api/v1/contacts/" + id);
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.json()["last_name"], "Lovelace");

  auto upd = api_->Patch("/api/v1/contacts/" + id, {{"title", "Analyst"}}, "\"1\"");
  ASSERT_EQ(upd.status, 200) << upd.body;
  EXPECT_EQ(upd.json()["version"], 2);
  EXPECT_EQ(upd.json()["title"], "Analyst");

  // A stale version is refused and changes nothing.
  auto stale = api_->Patch("/api/v1/contacts/" + id, {{"title", "Countess"}}, "\"1\"");
  EXPECT_EQ(stale.status, 412) << stale.body;
  EXPECT_EQ(stale.json()["error"]["code"], "precondition_failed");
  EXPECT_EQ(api_->Get("/api/v1/contacts/" + id).json()["title"], "Analyst");

  auto del = api_->Delete("/api/v1/contacts/" + id);
  ASSERT_EQ(del.status, 200) << del.body;
  EXPECT_EQ(api_->Get("/api/v1/contacts/" + id).status, 404);
  auto trash = api_->Get("/api/v1/contacts?deleted=only");
  ASSERT_EQ(trash.status, 200);
  bool found = false;
  json trash_rows = trash.json()["data"];
  for (auto& r : trash_rows) found = found || r["id"] == id;
  EXPECT_TRUE(found) << trash.body;

  auto res = api_->Post("/api/v1/contacts/" + id + "/restore", json::object());
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(api_->Get("/api/v1/contacts/" + id).status, 200);

  auto hist = api_->Get("/api/v1/contacts/" + id + "/history");
  ASSERT_EQ(hist.status, 200);
  json h = hist.json()["data"];
  ASSERT_EQ(h.size(), 4u) << h.dump();
  EXPECT_EQ(h[0]["action"], "create");
  EXPECT_EQ(h[0]["new_value"]["last_name"], "Lovelace");
  EXPECT_EQ(h[1]["action"], "update");
  EXPECT_EQ(h[1]["field"], "title");
  EXPECT_TRUE(h[1]["old_value"].is_null());
  EXPECT_EQ(h[1]["new_value"], "Analyst");
  EXPECT_FALSE(h[1]["user_id"].is_null());
  EXPECT_EQ(h[2]["action"], "delete");
  EXPECT_EQ(h[3]["action"], "restore");
}

TEST_F(RecordsApi, BadInputIsRefusedWithTheFieldNamed) {
  struct Case {
    std::string body;
    int status;
    std::string field;
  } cases[] = {
      {"{\"last_name\": ", 400, ""},                                  // malformed JSON
      {"[1,2]", 400, ""},                                             // not an object
      {R"({"last_name": 42})", 400, "last_name"},                     // wrong type
      {R"({"last_name": "X", "shoe_size": 9})", 400, "shoe_size"},    // unknown field
      {R"({"last_name": "X", "email": "not-an-email"})", 400, "email"},
      {"{\"last_name\": \"" + std::string(300, 'a') + "\"}", 400, "last_name"},  // too long
      {R"({"first_name": "Only"})", 400, "last_name"},                // required missing
      {R"({"last_name": "X", "created_at": "2020-01-01T00:00:00Z"})", 400, "created_at"},  // read-only
      {R"({"last_name": "X", "account_id": "NOPE"})", 400, "account_id"},  // dangling reference
      {R"({"last_name": "X", "source": "carrier_pigeon"})", 400, "source"},  // not an option
      {R"({"last_name": "a\u0001b"})", 400, "last_name"},              // control character
      {std::string(100, '[') + std::string(100, ']'), 400, ""},        // nesting bomb
  };
  auto before = api_->Get("/api/v1/contacts?limit=1000").json()["data"].size();
  for (const auto& c : cases) {
    auto r = api_->Do("POST", "/api/v1/contacts", c.body);
    EXPECT_EQ(r.status, c.status) << c.body.substr(0, 80) << " -> " << r.body;
    json e = r.json()["error"];
    EXPECT_FALSE(e["message"].get<std::string>().empty());
    if (!c.field.empty()) {
      EXPECT_EQ(e["field"], c.field) << r.body;
    }
  }
  EXPECT_EQ(api_->Get("/api/v1/contacts?limit=1000").json()["data"].size(), before);
}

TEST_F(RecordsApi, OversizedBodyGets413) {
  std::string big = "{\"last_name\": \"" + std::string(1100 * 1024, 'x') + "\"}";
  Client c(server_->port());
  auto r = c.Request("POST", "/api/v1/contacts", big, {{"Authorization", "Bearer " + server_->admin_token()}});
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.json()["error"]["code"], "too_large");
}

TEST_F(RecordsApi, UnknownObjectAndRouteAre404) {
  auto r = api_->Get("/api/v1/spaceships");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.json()["error"]["code"], "not_found");
  EXPECT_EQ(api_->Get("/api/v1/contacts/DOESNOTEXIST").status, 404);
}

TEST_F(RecordsApi, UnauthenticatedIs401) {
  Client c(server_->port());
  EXPECT_EQ(c.Request("GET", "/api/v1/contacts").status, 401);
  EXPECT_EQ(c.Request("GET", "/api/v1/contacts", "", {{"Authorization", "Bearer rpt_x_y"}}).status, 401);
  EXPECT_EQ(c.Request("GET", "/api/v1/contacts", "", {{"Authorization", "Basic abc"}}).status, 401);
}

}  // namespace
}  // namespace rapport::test
