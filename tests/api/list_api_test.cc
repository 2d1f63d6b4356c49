// Lists: filters (every operator), multi-key sort, keyset cursors that stay
// stable while rows are inserted, and errors for bad parameters.
#include <gtest/gtest.h>

#include <set>

#include "harness.h"

namespace rapport::test {
namespace {

using nlohmann::json;

class ListApi : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new Server();
    Api api(server_->port(), server_->admin_token());
    // 30 accounts: names A00..A29, employees 0..290, country cycling DE/FR/GB,
    // every fifth without an industry.
    for (int i = 0; i < 30; ++i) {
      char name[8];
      snprintf(name, sizeof name, "A%02d", i);
      json body = {{"name", name}, {"employees", i * 10}, {"country", std::string(i % 3 == 0 ? "DE" : i % 3 == 1 ? "FR" : "GB")}};
      if (i % 5 != 0) body["industry"] = i % 2 ? "Software" : "Retail";
      auto r = api.Post("/api/v1/accounts", body);
      ASSERT_EQ(r.status, 201) << r.body;
    }
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override { api_ = std::make_unique<Api>(server_->port(), server_->admin_token()); }

  std::vector<std::string> Names(const std::string& query) {
    auto r = api_->Get("/api/v1/accounts?" + query);
    EXPECT_EQ(r.status, 200) << query << " -> " << r.body;
    std::vector<std::string> out;
    if (r.status != 200) return out;
    json data = r.json()["data"];
    for (auto& row : data) out.push_back(row["name"]);
    return out;
  }
  static Server* server_;
  std::unique_ptr<Api> api_;
};
Server* ListApi::server_ = nullptr;

TEST_F(ListApi, EveryFilterOperator) {
  EXPECT_EQ(Names("filter=name:eq:A07&limit=100"), std::vector<std::string>{"A07"});
  EXPECT_EQ(Names("filter=country:ne:DE&limit=100").size(), 20u);
  EXPECT_EQ(Names("filter=employees:lt:30&sort=name").size(), 3u);
  EXPECT_EQ(Names("filter=employees:lte:30&sort=name").size(), 4u);
  EXPECT_EQ(Names("filter=employees:gt:250&sort=name"), (std::vector<std::string>{"A26", "A27", "A28", "A29"}));
  EXPECT_EQ(Names("filter=employees:gte:280&sort=name"), (std::vector<std::string>{"A28", "A29"}));
  EXPECT_EQ(Names("filter=name:in:A01,A02,A99&sort=name"), (std::vector<std::string>{"A01", "A02"}));
  EXPECT_EQ(Names("filter=name:contains:2&sort=name&limit=100").size(), 12u);  // A02,A12,A20..A29
  EXPECT_EQ(Names("filter=name:starts_with:A1&sort=name").size(), 10u);
  EXPECT_EQ(Names("filter=industry:is_null:true&limit=100").size(), 6u);
  EXPECT_EQ(Names("filter=industry:is_null:false&limit=100").size(), 24u);
  // Conditions combine with AND; the JSON form says the same.
  EXPECT_EQ(Names("filter=country:eq:DE&filter=employees:gte:150&sort=name"),
            (std::vector<std::string>{"A15", "A18", "A21", "A24", "A27"}));
  EXPECT_EQ(Names("filter=" + UrlEncode(R"({"country":{"eq":"DE"},"employees":{"gte":150}})") + "&sort=name"),
            (std::vector<std::string>{"A15", "A18", "A21", "A24", "A27"}));
}

TEST_F(ListApi, MultiKeySortBothDirections) {
  auto rows = Names("sort=country,-employees&limit=4");
  EXPECT_EQ(rows, (std::vector<std::string>{"A27", "A24", "A21", "A18"}));
  auto desc = Names("sort=-name&limit=2");
  EXPECT_EQ(desc, (std::vector<std::string>{"A29", "A28"}));
  // NULLs sort as the smallest value: first ascending, last descending.
  auto nulls_first = Names("sort=industry,name&limit=6");
  EXPECT_EQ(nulls_first, (std::vector<std::string>{"A00", "A05", "A10", "A15", "A20", "A25"}));
  auto nulls_last = Names("sort=-industry,name&limit=100");
  ASSERT_EQ(nulls_last.size(), 30u);
  EXPECT_EQ(nulls_last.back(), "A25");
}

TEST_F(ListApi, CursorPagesCoverEveryRowOnceEvenWithInsertsBetweenPages) {
  for (const std::string sort : {"name", "-employees", "industry,-name", "country,employees"}) {
    std::vector<std::string> seen;
    std::string cursor;
    int pages = 0;
    do {
      std::string q = "/api/v1/accounts?limit=7&sort=" + UrlEncode(sort) + "&filter=" + UrlEncode("name:starts_with:A");
      if (!cursor.empty()) q += "&cursor=" + UrlEncode(cursor);
      auto r = api_->Get(q);
      ASSERT_EQ(r.status, 200) << r.body;
      json j = r.json();
      for (auto& row : j["data"]) seen.push_back(row["name"]);
      cursor = j["next_cursor"].is_null() ? "" : j["next_cursor"].get<std::string>();
      // A concurrent insert that sorts before the cursor must not shift pages.
      if (pages == 0) {
        auto ins = api_->Post("/api/v1/accounts", {{"name", "A-ins-" + sort}, {"employees", 5}});
        ASSERT_EQ(ins.status, 201);
      }
      ++pages;
    } while (!cursor.empty() && pages < 20);
    std::set<std::string> uniq(seen.begin(), seen.end());
    EXPECT_EQ(uniq.size(), seen.size()) << sort << ": a row appeared twice";
    for (int i = 0; i < 30; ++i) {
      char name[8];
      snprintf(name, sizeof name, "A%02d", i);
      EXPECT_TRUE(uniq.count(name)) << sort << ": " << name << " was skipped";
    }
  }
}

TEST_F(ListApi, BadParametersAreRefusedWithTheFieldNamed) {
  struct Case {
    std::string query;
    std::string field;
  } cases[] = {
      {"filter=shoe_size:eq:9", "shoe_size"},
      {"filter=name:resembles:x", "name"},
      {"filter=employees:gt:many", "employees"},
      {"filter=nonsense", "filter"},
      {"sort=shoe_size", "sort"},
      {"limit=0", "limit"},
      {"limit=1001", "limit"},
      {"limit=ten", "limit"},
      {"cursor=garbage", "cursor"},
      {"colour=red", "colour"},
      {"filter=" + UrlEncode("{\"name\": 5}"), "name"},
  };
  for (const auto& c : cases) {
    auto r = api_->Get("/api/v1/accounts?" + c.query);
    EXPECT_EQ(r.status, 400) << c.query << " -> " << r.body;
    EXPECT_EQ(r.json()["error"]["field"], c.field) << c.query << " -> " << r.body;
  }
  // A cursor from another sort order is refused, not misapplied.
  auto first = api_->Get("/api/v1/accounts?limit=2&sort=name").json();
  auto r = api_->Get("/api/v1/accounts?limit=2&sort=-name&cursor=" + UrlEncode(first["next_cursor"].get<std::string>()));
  EXPECT_EQ(r.status, 400);
}

TEST_F(ListApi, HostileStringsAreDataNotSql) {
  std::string evil = "Robert'); DROP TABLE accounts;-- %_\\";
  auto c = api_->Post("/api/v1/accounts", {{"name", evil}});
  ASSERT_EQ(c.status, 201) << c.body;
  auto found = api_->Get("/api/v1/accounts?filter=" + UrlEncode("name:eq:" + evil));
  ASSERT_EQ(found.status, 200);
  EXPECT_EQ(found.json()["data"].size(), 1u);
  auto like = api_->Get("/api/v1/accounts?filter=" + UrlEncode("name:contains:%_"));
  ASSERT_EQ(like.status, 200);
  EXPECT_EQ(like.json()["data"].size(), 1u) << "LIKE wildcards in the value are literal";
  EXPECT_EQ(api_->Get("/api/v1/accounts?limit=1").status, 200);
}

}  // namespace
}  // namespace rapport::test
