// Global search, aggregates for the pipeline board, saved views and CSV export.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness.h"

namespace rapport::test {
namespace {

using nlohmann::json;

class SearchApi : public ServerSuite<SearchApi> {};

TEST_F(SearchApi, FindsPeopleCompaniesAndDealsByPrefixAsYouType) {
  auto acc = api_->Post("/api/v1/accounts", {{"name", "Analytical Engines Ltd"}, {"domain", "engines.example"}});
  ASSERT_EQ(acc.status, 201);
  auto con = api_->Post("/api/v1/contacts", {{"first_name", "Ada"}, {"last_name", "Lovelace"},
                                             {"email", "ada@engines.example"}, {"account_id", acc.json()["id"]}});
  ASSERT_EQ(con.status, 201);
  ASSERT_EQ(api_->Post("/api/v1/leads", {{"first_name", "Charles"}, {"last_name", "Babbage"}, {"company", "Difference Co"}}).status, 201);
  ASSERT_EQ(api_->Post("/api/v1/opportunities", {{"name", "Engine No. 2"}, {"amount", 5000}}).status, 201);

  auto hits = [&](const std::string& q) {
    auto r = api_->Get("/api/v1/search?q=" + UrlEncode(q));
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json()["data"];
  };
  json lov = hits("lov");
  ASSERT_EQ(lov.size(), 1u) << lov.dump();
  EXPECT_EQ(lov[0]["object"], "contacts");
  EXPECT_EQ(lov[0]["title"], "Ada Lovelace");
  EXPECT_EQ(lov[0]["id"], con.json()["id"]);
  EXPECT_EQ(hits("ada lov").size(), 1u);
  EXPECT_EQ(hits("Babb")[0]["object"], "leads");
  json eng = hits("engine");
  EXPECT_EQ(eng.size(), 3u) << eng.dump();  // the account, the deal, and the contact's email domain
  EXPECT_EQ(hits("a").size(), 0u);           // too short
  EXPECT_EQ(hits("zzzz").size(), 0u);
  EXPECT_EQ(hits("\"); DROP TABLE search_index; --").size(), 0u);
  EXPECT_EQ(hits("lov*").size(), 1u);        // query syntax is not interpreted

  // Edits re-index; deletes remove; restores bring back.
  std::string id = con.json()["id"];
  ASSERT_EQ(api_->Patch("/api/v1/contacts/" + id, {{"last_name", "King"}}).status, 200);
  EXPECT_EQ(hits("lovelace").size(), 0u);
  EXPECT_EQ(hits("king").size(), 1u);
  ASSERT_EQ(api_->Delete("/api/v1/contacts/" + id).status, 200);
  EXPECT_EQ(hits("king").size(), 0u);
  ASSERT_EQ(api_->Post("/api/v1/contacts/" + id + "/restore", json::object()).status, 200);
  EXPECT_EQ(hits("king").size(), 1u);
}

TEST_F(SearchApi, ResultsRespectVisibility) {
  auto u = api_->Post("/api/v1/users", {{"email", "searcher@example.com"}, {"name", "S"}, {"role", "rep"}});
  ASSERT_EQ(u.status, 201);
  std::string tok = server_->Cli("token create --email searcher@example.com");
  Api rep(server_->port(), tok.substr(0, tok.find('\n')));
  ASSERT_EQ(api_->Post("/api/v1/contacts", {{"last_name", "Zebedee-Admin-Only"}}).status, 201);
  ASSERT_EQ(rep.Post("/api/v1/contacts", {{"last_name", "Zebedee-Rep-Own"}}).status, 201);
  auto r = rep.Get("/api/v1/search?q=zebedee");
  ASSERT_EQ(r.status, 200);
  json d = r.json()["data"];
  ASSERT_EQ(d.size(), 1u) << d.dump();
  EXPECT_EQ(d[0]["title"], "Zebedee-Rep-Own");
  EXPECT_EQ(api_->Get("/api/v1/search?q=zebedee").json()["data"].size(), 2u);
}

TEST_F(SearchApi, AggregatesGroupCountSumAndWeight) {
  auto stages = api_->Get("/api/v1/stages?sort=position").json()["data"];
  std::string s1 = stages[0]["id"], s4 = stages[3]["id"];
  ASSERT_EQ(api_->Post("/api/v1/opportunities", {{"name", "A"}, {"amount", 1000}, {"stage_id", s1}}).status, 201);
  ASSERT_EQ(api_->Post("/api/v1/opportunities", {{"name", "B"}, {"amount", 3000}, {"stage_id", s1}}).status, 201);
  ASSERT_EQ(api_->Post("/api/v1/opportunities", {{"name", "C"}, {"amount", 2000}, {"stage_id", s4}}).status, 201);
  auto r = api_->Get("/api/v1/opportunities/aggregate?group_by=stage_id&sum=amount&filter=" +
                     UrlEncode("name:in:A,B,C"));
  ASSERT_EQ(r.status, 200) << r.body;
  json d = r.json()["data"];
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0]["key"], s1);
  EXPECT_EQ(d[0]["count"], 2);
  EXPECT_EQ(d[0]["sum"], 4000.0);
  EXPECT_EQ(d[0]["weighted_sum"], 400.0);  // 10 %
  EXPECT_EQ(d[1]["weighted_sum"], 1200.0); // 60 %
  EXPECT_EQ(api_->Get("/api/v1/opportunities/aggregate?group_by=nope").status, 400);
  EXPECT_EQ(api_->Get("/api/v1/opportunities/aggregate?group_by=stage_id&sum=name").status, 400);
}

TEST_F(SearchApi, SavedViewsBelongToTheirUser) {
  auto v = api_->Post("/api/v1/views", {{"name", "My German leads"}, {"object", "leads"},
                                        {"filters", R"(["country:eq:DE"])"}, {"sort", "-created_at"},
                                        {"columns", R"(["first_name","last_name","company"])"}});
  ASSERT_EQ(v.status, 201) << v.body;
  auto u = api_->Post("/api/v1/users", {{"email", "viewer@example.com"}, {"name", "V"}, {"role", "rep"}});
  ASSERT_EQ(u.status, 201);
  std::string tok = server_->Cli("token create --email viewer@example.com");
  Api rep(server_->port(), tok.substr(0, tok.find('\n')));
  EXPECT_EQ(rep.Get("/api/v1/views").json()["data"].size(), 0u);
  EXPECT_EQ(api_->Get("/api/v1/views?filter=object:eq:leads").json()["data"].size(), 1u);
  EXPECT_EQ(api_->Post("/api/v1/views", {{"name", "x"}, {"object", "spaceships"}}).status, 400);
}

TEST_F(SearchApi, CsvExportStreamsEveryRowAndDefusesFormulas) {
  for (int i = 0; i < 2500; ++i) {
    json body = {{"name", "Export " + std::to_string(i)}, {"industry", "Exports"}};
    if (i == 7) body["name"] = "=HYPERLINK(\"http://evil.example\",\"click\")";
    if (i == 8) body["description"] = "line one\nline \"two\", with comma";
    ASSERT_EQ(api_->Post("/api/v1/accounts", body).status, 201);
  }
  Client c(server_->port());
  std::string auth = "Bearer " + server_->admin_token();
  // The test client reads Content-Length bodies only; ask via HTTP/1.0 semantics
  // by reading the raw chunked stream instead.
  std::string req = "GET /api/v1/accounts/export.csv?filter=" + UrlEncode("industry:eq:Exports") +
                    "&sort=name&columns=name,industry,description HTTP/1.1\r\nHost: x\r\nAuthorization: " + auth +
                    "\r\nConnection: close\r\n\r\n";
  // Read everything until close.
  std::string raw;
  {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(server_->port()));
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    ASSERT_EQ(send(fd, req.data(), req.size(), 0), static_cast<ssize_t>(req.size()));
    char buf[65536];
    ssize_t n;
    while ((n = recv(fd, buf, sizeof buf, 0)) > 0) raw.append(buf, static_cast<size_t>(n));
    close(fd);
  }
  ASSERT_EQ(raw.rfind("HTTP/1.1 200", 0), 0u) << raw.substr(0, 300);
  EXPECT_NE(raw.find("Transfer-Encoding: chunked"), std::string::npos);
  EXPECT_NE(raw.find("text/csv"), std::string::npos);
  // De-chunk.
  std::string body;
  size_t pos = raw.find("\r\n\r\n") + 4;
  for (;;) {
    size_t eol = raw.find("\r\n", pos);
    ASSERT_NE(eol, std::string::npos);
    size_t len = std::stoul(raw.substr(pos, eol - pos), nullptr, 16);
    if (len == 0) break;
    body += raw.substr(eol + 2, len);
    pos = eol + 2 + len + 2;
  }
  ASSERT_EQ(body.rfind("\xEF\xBB\xBFname,industry,description\r\n", 0), 0u) << body.substr(0, 80);
  size_t lines = 0;
  for (size_t i = 0; i + 1 < body.size(); ++i) lines += body[i] == '\r' && body[i + 1] == '\n';
  EXPECT_EQ(lines, 2501u);  // header + 2500 rows (the quoted line break inside a field is a bare LF)
  EXPECT_NE(body.find("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\""), std::string::npos);
  EXPECT_NE(body.find("\"line one\nline \"\"two\"\", with comma\""), std::string::npos);
  EXPECT_EQ(api_->Get("/api/v1/accounts/export.csv?columns=nope").status, 400);
}

}  // namespace
}  // namespace rapport::test
