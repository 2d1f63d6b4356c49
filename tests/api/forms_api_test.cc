// Web-to-lead forms (issue 4): an administrator creates a form and gets its
// public key and embed snippets; the public HTML form escapes everything;
// submissions in JSON and urlencoded create leads with channel and form;
// the honeypot, the per-IP rate limit, the body limit and double opt-in.
#include <gtest/gtest.h>

#include "harness.h"

namespace rapport::test {
namespace {

using nlohmann::json;

class FormsApi : public ServerSuite<FormsApi> {
 protected:
  // One request on its own connection, with the given content type.
  Response Send(const std::string& method, const std::string& target, const std::string& content_type,
                const std::string& body, const std::map<std::string, std::string>& headers = {}) {
    Client c(server_->port());
    std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    if (!content_type.empty()) req += "Content-Type: " + content_type + "\r\n";
    for (const auto& [k, v] : headers) req += k + ": " + v + "\r\n";
    req += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    return c.Raw(req);
  }
  Response PostJson(const std::string& key, const json& body) {
    return Send("POST", "/f/" + key, "application/json", body.dump());
  }
  Response PostForm(const std::string& key, const std::vector<std::pair<std::string, std::string>>& fields) {
    std::string body;
    for (const auto& [k, v] : fields) body += (body.empty() ? "" : "&") + UrlEncode(k) + "=" + UrlEncode(v);
    return Send("POST", "/f/" + key, "application/x-www-form-urlencoded", body);
  }
  json CreateForm(json body) {
    if (!body.contains("fields"))
      body["fields"] = json::array({{{"field", "first_name"}},
                                    {{"field", "last_name"}, {"required", true}},
                                    {{"field", "email"}, {"label", "Work e-mail"}, {"required", true}},
                                    {{"field", "company"}}});
    auto r = api_->Post("/api/v1/forms", body);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json();
  }
  std::vector<json> LeadsOfForm(const std::string& form_id) {
    auto r = api_->Get("/api/v1/leads?limit=1000&filter=form_id:eq:" + form_id);
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<json> out;
    json page = r.json();
    for (const auto& l : page["data"]) out.push_back(l);
    return out;
  }
  static bool Contains(const std::string& hay, const std::string& needle) {
    return hay.find(needle) != std::string::npos;
  }
};

TEST_F(FormsApi, AdminCreatesAFormAndGetsItsKeyAndEmbedSnippets) {
  json f = CreateForm({{"name", "Contact us"}, {"thank_you_text", "Thanks, we call you back."}});
  std::string key = f["key"];
  EXPECT_NE(key.find('.'), std::string::npos) << "<org>.<secret>";
  EXPECT_GE(key.size(), 30u);
  EXPECT_EQ(f["url"], "http://127.0.0.1/f/" + key);
  EXPECT_TRUE(Contains(f["embed"]["iframe"], "src=\"http://127.0.0.1/f/" + key + "\""));
  EXPECT_TRUE(Contains(f["embed"]["html"], "action=\"http://127.0.0.1/f/" + key + "\""));
  EXPECT_TRUE(Contains(f["embed"]["html"], "name=\"website_url\"")) << "the honeypot";
  ASSERT_EQ(f["fields"].size(), 4u);
  EXPECT_EQ(f["fields"][0], json({{"field", "first_name"}, {"label", "First name"}, {"required", false}}));
  EXPECT_EQ(f["fields"][2]["label"], "Work e-mail");
  EXPECT_EQ(f["active"], true);
  EXPECT_EQ(f["rate_limit_per_minute"], 10);
  // Read back, listed.
  EXPECT_EQ(api_->Get("/api/v1/forms/" + f["id"].get<std::string>()).json()["key"], key);
  EXPECT_GE(api_->Get("/api/v1/forms").json()["data"].size(), 1u);

  // Bad definitions name the field.
  auto owner = api_->Post("/api/v1/forms", {{"name", "x"}, {"fields", json::array({"email", "owner_id"})}});
  EXPECT_EQ(owner.status, 400);
  EXPECT_EQ(owner.json()["error"]["field"], "fields");
  auto unknown = api_->Post("/api/v1/forms", {{"name", "x"}, {"fields", json::array({"email", "shoe_size"})}});
  EXPECT_EQ(unknown.status, 400);
  auto anonymous = api_->Post("/api/v1/forms", {{"name", "x"}, {"fields", json::array({"first_name", "title"})}});
  EXPECT_EQ(anonymous.status, 422) << "a lead needs a last name, company or email";
  auto no_name = api_->Post("/api/v1/forms", {{"fields", json::array({"email"})}});
  EXPECT_EQ(no_name.status, 400);
  EXPECT_EQ(no_name.json()["error"]["field"], "name");
  auto key_given = api_->Post("/api/v1/forms", {{"name", "x"}, {"key", "mine"}, {"fields", json::array({"email"})}});
  EXPECT_EQ(key_given.status, 400) << "the key is made by Rapport";

  // Only administrators manage forms.
  auto user = api_->Post("/api/v1/users", {{"email", "formrep@example.com"}, {"name", "Rep"}, {"role", "rep"}});
  ASSERT_EQ(user.status, 201) << user.body;
  std::string token = server_->Cli("token create --email formrep@example.com");
  Api rep(server_->port(), token.substr(0, token.find('\n')));
  EXPECT_EQ(rep.Post("/api/v1/forms", {{"name", "x"}, {"fields", json::array({"email"})}}).status, 403);

  // PATCH replaces the fields (If-Match honoured).
  std::string id = f["id"];
  auto stale = api_->Patch("/api/v1/forms/" + id, {{"fields", json::array({"email"})}}, "\"99\"");
  EXPECT_EQ(stale.status, 412);
  auto patched = api_->Patch("/api/v1/forms/" + id, {{"fields", json::array({"email", "company"})}});
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(patched.json()["fields"].size(), 2u);
  EXPECT_EQ(patched.json()["key"], key) << "the key stays";
}

TEST_F(FormsApi, ThePublicFormIsPlainHtmlWithEveryValueEscaped) {
  json f = CreateForm({{"name", "<script>alert('name')</script>"},
                       {"thank_you_text", "<b>bold</b> & \"quoted\""},
                       {"submit_label", "\"><img src=x onerror=alert(1)>"},
                       {"fields", json::array({{{"field", "last_name"},
                                                {"label", "\"><script>alert('label')</script>"},
                                                {"required", true}},
                                               {{"field", "email"}}})}});
  std::string key = f["key"];
  Client anon(server_->port());
  auto page = anon.Request("GET", "/f/" + key);
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(page.Header("content-type"), "text/html; charset=utf-8");
  EXPECT_TRUE(Contains(page.Header("content-security-policy"), "default-src 'none'"));
  EXPECT_FALSE(Contains(page.body, "<script")) << page.body;
  EXPECT_FALSE(Contains(page.body, "<img")) << page.body;
  EXPECT_TRUE(Contains(page.body, "&lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt;"));
  EXPECT_TRUE(Contains(page.body, "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));
  EXPECT_TRUE(Contains(page.body, "<form class=\"rapport-form\" method=\"post\" action=\"/f/" + key + "\""));
  EXPECT_TRUE(Contains(page.body, "name=\"last_name\""));
  EXPECT_TRUE(Contains(page.body, "type=\"email\""));
  EXPECT_TRUE(Contains(page.body, "maxlength=\"100\"")) << "lengths from metadata";

  // Sent back with an error, the form keeps what was typed, escaped.
  auto bad = PostForm(key, {{"last_name", "\"><script>alert('typed')</script>"}, {"email", "not-an-address"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_FALSE(Contains(bad.body, "<script")) << bad.body;
  EXPECT_TRUE(Contains(bad.body, "value=\"&quot;&gt;&lt;script&gt;alert(&#39;typed&#39;)&lt;/script&gt;\""));
  EXPECT_TRUE(Contains(bad.body, "value=\"not-an-address\""));
  EXPECT_TRUE(Contains(bad.body, "is not a valid email address"));
  EXPECT_TRUE(Contains(bad.body, "aria-invalid=\"true\""));
  EXPECT_TRUE(LeadsOfForm(f["id"]).empty());

  // The thank-you page escapes the admin's text too.
  auto ok = PostForm(key, {{"last_name", "Lovelace"}, {"email", "ada@example.com"}});
  EXPECT_EQ(ok.status, 200) << ok.body;
  EXPECT_TRUE(Contains(ok.body, "&lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot;"));

  // Unknown and closed forms are not found.
  EXPECT_EQ(anon.Request("GET", "/f/nope").status, 404);
  EXPECT_EQ(anon.Request("GET", "/f/" + key.substr(0, key.find('.')) + ".wrongsecret").status, 404);
  ASSERT_EQ(api_->Patch("/api/v1/forms/" + f["id"].get<std::string>(), {{"active", false}}).status, 200);
  EXPECT_EQ(anon.Request("GET", "/f/" + key).status, 404);
  EXPECT_EQ(PostForm(key, {{"last_name", "Late"}}).status, 404);
}

TEST_F(FormsApi, SubmissionsInJsonAndUrlencodedCreateLeadsWithChannelFormAndCampaign) {
  auto campaign = api_->Post("/api/v1/campaigns", {{"name", "Spring webinar"}, {"channel", "web"}});
  ASSERT_EQ(campaign.status, 201) << campaign.body;
  std::string campaign_id = campaign.json()["id"];
  json f = CreateForm({{"name", "Webinar sign-up"}, {"campaign_id", campaign_id}, {"thank_you_text", "See you there."}});
  std::string key = f["key"], form_id = f["id"];

  auto j = PostJson(key, {{"first_name", "Ada"}, {"last_name", "Lovelace"}, {"email", "ADA@Example.com"},
                          {"company", "Analytical Engines"}});
  ASSERT_EQ(j.status, 201) << j.body;
  EXPECT_EQ(j.json()["status"], "received");
  EXPECT_EQ(j.json()["message"], "See you there.");
  EXPECT_EQ(j.json()["confirmation_required"], false);

  auto u = PostForm(key, {{"first_name", "Grace"}, {"last_name", "Hopper"}, {"email", "grace@example.com"},
                          {"company", "Navy & Co"}, {"submit", "Send"}});
  ASSERT_EQ(u.status, 200) << u.body;
  EXPECT_TRUE(Contains(u.body, "See you there."));

  auto leads = LeadsOfForm(form_id);
  ASSERT_EQ(leads.size(), 2u);
  for (const auto& l : leads) {
    EXPECT_EQ(l["source"], "web_form");
    EXPECT_EQ(l["form_id"], form_id);
    EXPECT_EQ(l["campaign_id"], campaign_id);
    EXPECT_EQ(l["status"], "new");
    EXPECT_FALSE(l["owner_id"].is_null()) << "owned by the form's creator";
  }
  EXPECT_EQ(leads[0]["email"], "ada@example.com") << "normalised like any lead";
  EXPECT_EQ(leads[1]["company"], "Navy & Co") << "urlencoded & decoded";
  // Both answered the campaign.
  auto members = api_->Get("/api/v1/campaigns/" + campaign_id + "/members");
  ASSERT_EQ(members.status, 200) << members.body;
  ASSERT_EQ(members.json()["data"].size(), 2u);
  EXPECT_EQ(members.json()["data"][0]["status"], "responded");

  // Validation: the standard error shape with every field listed (JSON) ...
  auto missing = PostJson(key, {{"first_name", "No"}, {"email", "bad"}});
  ASSERT_EQ(missing.status, 400) << missing.body;
  json e = missing.json();
  EXPECT_EQ(e["error"]["code"], "invalid_argument");
  EXPECT_EQ(e["error"]["field"], "last_name");
  ASSERT_EQ(e["errors"].size(), 2u);
  EXPECT_EQ(e["errors"][1]["field"], "email");
  auto extra = PostJson(key, {{"last_name", "X"}, {"email", "x@example.com"}, {"shoe_size", 44}});
  EXPECT_EQ(extra.status, 400);
  EXPECT_EQ(extra.json()["error"]["field"], "shoe_size");
  auto too_long = PostJson(key, {{"last_name", std::string(101, 'x')}, {"email", "x@example.com"}});
  EXPECT_EQ(too_long.status, 400);
  EXPECT_EQ(too_long.json()["error"]["field"], "last_name");
  EXPECT_EQ(Send("POST", "/f/" + key, "application/json", "{\"last_name\":").status, 400);
  EXPECT_EQ(Send("POST", "/f/" + key, "text/plain", "last_name=X").status, 400);
  EXPECT_EQ(LeadsOfForm(form_id).size(), 2u) << "failed submissions create nothing";

  // A redirect instead of the thank-you page.
  json r = CreateForm({{"name", "Redirecting"}, {"redirect_url", "https://example.com/thanks"}});
  auto redirected = PostForm(r["key"], {{"last_name", "Turing"}, {"email", "alan@example.com"}});
  EXPECT_EQ(redirected.status, 303);
  EXPECT_EQ(redirected.Header("location"), "https://example.com/thanks");
  auto as_json = PostJson(r["key"], {{"last_name", "Turing"}, {"email", "alan2@example.com"}});
  EXPECT_EQ(as_json.status, 201);
  EXPECT_EQ(as_json.json()["redirect_url"], "https://example.com/thanks");
}

TEST_F(FormsApi, AFilledHoneypotLooksLikeSuccessButCreatesNothing) {
  json f = CreateForm({{"name", "Honeypot"}});
  std::string key = f["key"];
  auto j = PostJson(key, {{"last_name", "Bot"}, {"email", "bot@example.com"}, {"website_url", "http://spam.example"}});
  EXPECT_EQ(j.status, 201) << j.body;
  EXPECT_EQ(j.json()["status"], "received");
  auto u = PostForm(key, {{"last_name", "Bot"}, {"email", "bot@example.com"}, {"website_url", "buy now"}});
  EXPECT_EQ(u.status, 200);
  auto invalid = PostForm(key, {{"email", "not valid"}, {"website_url", "x"}});
  EXPECT_EQ(invalid.status, 200) << "bots learn nothing from validation either";
  EXPECT_TRUE(LeadsOfForm(f["id"]).empty());
  // An empty honeypot (as browsers send it) is fine.
  EXPECT_EQ(PostForm(key, {{"last_name", "Human"}, {"email", "human@example.com"}, {"website_url", ""}}).status, 200);
  EXPECT_EQ(LeadsOfForm(f["id"]).size(), 1u);
}

TEST_F(FormsApi, ASpamBurstGets429WithRetryAfterAndOnlyTheAllowedLeadsExist) {
  json f = CreateForm({{"name", "Burst"}});
  std::string key = f["key"];
  int accepted = 0, limited = 0;
  std::string retry_after;
  for (int i = 0; i < 25; ++i) {
    auto r = PostForm(key, {{"last_name", "Spam " + std::to_string(i)}, {"email", "s" + std::to_string(i) + "@example.com"}});
    if (r.status == 200) ++accepted;
    else if (r.status == 429) {
      ++limited;
      retry_after = r.Header("retry-after");
    } else {
      ADD_FAILURE() << r.status << " " << r.body;
    }
  }
  EXPECT_EQ(accepted, 10) << "10 per minute per IP by default";
  EXPECT_EQ(limited, 15);
  ASSERT_FALSE(retry_after.empty());
  EXPECT_GE(std::stoi(retry_after), 1);
  EXPECT_LE(std::stoi(retry_after), 60);
  EXPECT_EQ(LeadsOfForm(f["id"]).size(), 10u);
  // JSON callers get the standard error body.
  auto j = PostJson(key, {{"last_name", "More"}, {"email", "more@example.com"}});
  EXPECT_EQ(j.status, 429);
  EXPECT_EQ(j.json()["error"]["code"], "rate_limited");
  EXPECT_FALSE(j.Header("retry-after").empty());
  // The limit is per form: another form still takes submissions.
  json other = CreateForm({{"name", "Other"}, {"rate_limit_per_minute", 2}});
  EXPECT_EQ(PostJson(other["key"], {{"last_name", "A"}, {"email", "a@example.com"}}).status, 201);
  EXPECT_EQ(PostJson(other["key"], {{"last_name", "B"}, {"email", "b@example.com"}}).status, 201);
  EXPECT_EQ(PostJson(other["key"], {{"last_name", "C"}, {"email", "c@example.com"}}).status, 429);
}

TEST_F(FormsApi, AnOversizedPostIs413AndCreatesNothing) {
  json f = CreateForm({{"name", "Big"}});
  std::string big = "last_name=Big&email=big%40example.com&description=" + std::string(70 * 1024, 'x');
  auto r = Send("POST", "/f/" + f["key"].get<std::string>(), "application/x-www-form-urlencoded", big);
  EXPECT_EQ(r.status, 413);
  json j = {{"last_name", "Big"}, {"email", "big@example.com"}, {"padding", std::string(70 * 1024, 'y')}};
  auto rj = PostJson(f["key"], j);
  EXPECT_EQ(rj.status, 413);
  EXPECT_EQ(rj.json()["error"]["code"], "too_large");
  EXPECT_TRUE(LeadsOfForm(f["id"]).empty());
}

TEST_F(FormsApi, DoubleOptInKeepsTheLeadUnconfirmedUntilTheEmailedLinkIsOpened) {
  auto weak = api_->Post("/api/v1/forms", {{"name", "DOI"}, {"double_opt_in", true},
                                           {"fields", json::array({"last_name", "email"})}});
  EXPECT_EQ(weak.status, 422) << "the email must be required";
  EXPECT_EQ(weak.json()["error"]["field"], "double_opt_in");
  json f = CreateForm({{"name", "Newsletter"}, {"double_opt_in", true}});
  auto r = PostJson(f["key"], {{"first_name", "Edsger"}, {"last_name", "Dijkstra"}, {"email", "edsger@example.com"}});
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json()["confirmation_required"], true);
  auto leads = LeadsOfForm(f["id"]);
  ASSERT_EQ(leads.size(), 1u);
  std::string lead_id = leads[0]["id"];
  EXPECT_EQ(leads[0]["status"], "unconfirmed");
  EXPECT_TRUE(leads[0]["opt_in_confirmed_at"].is_null());
  // A converted-only-by-confirmation status: people cannot skip it by hand.
  EXPECT_EQ(api_->Patch("/api/v1/leads/" + lead_id, {{"status", "working"}}).status, 422);

  // The confirmation e-mail waits in the outbox for the delivery component.
  auto outbox = api_->Get("/api/v1/email_outbox?status=queued");
  ASSERT_EQ(outbox.status, 200) << outbox.body;
  std::string body;
  json queued = outbox.json();
  for (const auto& m : queued["data"]) {
    if (m["to"] == "edsger@example.com") {
      EXPECT_EQ(m["kind"], "form_confirmation");
      EXPECT_EQ(m["related_id"], lead_id);
      body = m["body_text"];
    }
  }
  size_t at = body.find("http://127.0.0.1/f/confirm/");
  ASSERT_NE(at, std::string::npos) << body;
  std::string link = body.substr(at + std::string("http://127.0.0.1").size());
  link = link.substr(0, link.find_first_of(" \n"));

  // Opening the link (what a mail scanner does too) only shows a button
  // that posts back to the same link; the lead stays unconfirmed.
  Client anon(server_->port());
  for (int i = 0; i < 2; ++i) {
    auto page = anon.Request("GET", link);
    EXPECT_EQ(page.status, 200) << page.body;
    EXPECT_TRUE(Contains(page.body, "<form method=\"post\" action=\"" + link + "\">")) << page.body;
    EXPECT_TRUE(Contains(page.body, "Confirm my e-mail address"));
  }
  EXPECT_EQ(Send("GET", link, "", "", {{"Accept", "application/json"}}).json()["status"], "pending");
  json waiting = api_->Get("/api/v1/leads/" + lead_id).json();
  EXPECT_EQ(waiting["status"], "unconfirmed") << "a GET must not confirm";
  EXPECT_TRUE(waiting["opt_in_confirmed_at"].is_null());
  EXPECT_EQ(Send("PUT", link, "", "").status, 404);

  // The button's POST confirms: no session, no CSRF token, only the link's secret.
  auto ok = Send("POST", link, "application/x-www-form-urlencoded", "");
  EXPECT_EQ(ok.status, 200) << ok.body;
  EXPECT_TRUE(Contains(ok.body, "is confirmed"));
  json lead = api_->Get("/api/v1/leads/" + lead_id).json();
  EXPECT_EQ(lead["status"], "new");
  EXPECT_FALSE(lead["opt_in_confirmed_at"].is_null());
  auto again = Send("POST", link, "", "");
  EXPECT_EQ(again.status, 200);
  EXPECT_TRUE(Contains(again.body, "already"));
  auto after = anon.Request("GET", link);
  EXPECT_EQ(after.status, 200);
  EXPECT_TRUE(Contains(after.body, "already"));
  EXPECT_FALSE(Contains(after.body, "<form")) << "no button once confirmed";
  std::string forged = link.substr(0, link.rfind('.') + 1) + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
  EXPECT_EQ(anon.Request("GET", forged).status, 404);
  EXPECT_EQ(Send("POST", forged, "", "").status, 404);
  EXPECT_EQ(anon.Request("GET", "/f/confirm/garbage").status, 404);
  EXPECT_EQ(Send("POST", "/f/confirm/garbage", "", "").status, 404);

  // Only administrators read the outbox.
  auto user = api_->Post("/api/v1/users", {{"email", "doirep@example.com"}, {"name", "Rep"}, {"role", "rep"}});
  ASSERT_EQ(user.status, 201);
  std::string token = server_->Cli("token create --email doirep@example.com");
  Api rep(server_->port(), token.substr(0, token.find('\n')));
  EXPECT_EQ(rep.Get("/api/v1/email_outbox").status, 403);
}

// Every $ref of `j` names something `doc` defines.
void ExpectRefsResolve(const json& doc, const json& j, const std::string& where) {
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (it.key() == "$ref" && it.value().is_string()) {
        std::string ref = it.value();
        ASSERT_EQ(ref.rfind("#/components/", 0), 0u) << where << ": " << ref;
        std::string rest = ref.substr(std::string("#/components/").size());
        std::string kind = rest.substr(0, rest.find('/')), name = rest.substr(rest.find('/') + 1);
        EXPECT_TRUE(doc["components"][kind].contains(name)) << where << " refers to missing " << ref;
      } else {
        ExpectRefsResolve(doc, it.value(), where + "/" + it.key());
      }
    }
  } else if (j.is_array()) {
    for (const auto& e : j) ExpectRefsResolve(doc, e, where);
  }
}

TEST_F(FormsApi, OpenApiDescribesTheLeadGenerationEndpoints) {
  Client anon(server_->port());
  auto r = anon.Request("GET", "/api/v1/openapi.json");
  ASSERT_EQ(r.status, 200);
  json doc = r.json();
  const json& paths = doc["paths"];
  // path -> methods that must be described, each with a success response
  const std::vector<std::pair<std::string, std::vector<std::string>>> expected = {
      {"/api/v1/forms", {"get", "post"}},
      {"/api/v1/forms/{id}", {"get", "patch", "delete"}},
      {"/api/v1/email_outbox", {"get"}},
      {"/f/{key}", {"get", "post"}},
      {"/f/confirm/{token}", {"get", "post"}},
      {"/api/v1/leads/status_flow", {"get"}},
      {"/api/v1/leads/{id}/convert", {"get", "post"}},
      {"/api/v1/leads/{id}/matches", {"get"}},
      {"/api/v1/leads/rescore", {"post"}},
      {"/api/v1/leads/{id}/enrich", {"post"}},
      {"/api/v1/leads/{id}/assign", {"post"}},
      {"/api/v1/leads/{id}/assignments", {"get"}},
      {"/api/v1/campaigns/{id}/members", {"get", "post"}},
      {"/api/v1/campaigns/{id}/members/remove", {"post"}},
      {"/api/v1/campaigns/{id}/members/{member_id}", {"delete"}},
      {"/api/v1/campaigns/{id}/mailing.csv", {"get"}},
      {"/api/v1/campaigns/{id}/call_list/next", {"get"}},
      {"/api/v1/campaigns/{id}/call_list/{member_id}/outcome", {"post"}},
      {"/api/v1/enrichment/companies", {"get", "post"}},
      {"/api/v1/score_models", {"get"}},
      {"/api/v1/score_models/train", {"post"}},
      {"/api/v1/reports/first_response", {"get"}},
      {"/api/v1/notifications", {"get"}},
      {"/api/v1/notifications/{id}/read", {"post"}},
      {"/api/v1/imports", {"get", "post"}},
      {"/api/v1/imports/{id}", {"get"}},
      {"/api/v1/imports/{id}/undo", {"post"}},
      {"/api/v1/imports/{id}/resume", {"post"}},
      {"/api/v1/settings", {"get", "patch"}},
      {"/api/v1/scoring_rules", {"get", "post"}},
      {"/api/v1/assignment_rules", {"get", "post"}},
  };
  for (const auto& [path, methods] : expected) {
    ASSERT_TRUE(paths.contains(path)) << "missing path " << path;
    for (const auto& m : methods) {
      ASSERT_TRUE(paths[path].contains(m)) << "missing " << m << " " << path;
      const json& responses = paths[path][m]["responses"];
      bool success = false;
      for (auto it = responses.begin(); it != responses.end(); ++it) success = success || it.key()[0] == '2' || it.key()[0] == '3';
      EXPECT_TRUE(success) << m << " " << path << " has no success response";
    }
  }
  // Request and response schemas of the custom operations.
  auto body_schema = [&](const std::string& path, const std::string& m) {
    return paths[path][m]["requestBody"]["content"]["application/json"]["schema"];
  };
  EXPECT_EQ(body_schema("/api/v1/leads/{id}/convert", "post")["$ref"], "#/components/schemas/ConvertRequest");
  EXPECT_EQ(body_schema("/api/v1/campaigns/{id}/call_list/{member_id}/outcome", "post")["$ref"],
            "#/components/schemas/CallOutcomeRequest");
  EXPECT_EQ(body_schema("/api/v1/forms", "post")["$ref"], "#/components/schemas/WebFormCreate");
  const json& schemas = doc["components"]["schemas"];
  EXPECT_EQ(schemas["CallOutcomeRequest"]["properties"]["outcome"]["enum"].size(), 6u);
  EXPECT_TRUE(schemas["ConvertRequest"]["properties"].contains("create_opportunity"));
  EXPECT_TRUE(schemas["ConvertMatches"]["properties"].contains("accounts"));
  EXPECT_TRUE(schemas["NextCall"]["properties"].contains("retry_later"));
  EXPECT_TRUE(schemas["WebForm"]["properties"].contains("embed"));
  EXPECT_TRUE(schemas["Settings"]["properties"].contains("call_retry_hours"));
  EXPECT_EQ(paths["/f/{key}"]["post"]["security"], json::array()) << "public forms need no sign-in";
  EXPECT_TRUE(paths["/f/confirm/{token}"]["get"]["summary"].get<std::string>().find("changes nothing") != std::string::npos);
  ExpectRefsResolve(doc, doc["paths"], "paths");
  ExpectRefsResolve(doc, doc["components"], "components");
}

}  // namespace
}  // namespace rapport::test
