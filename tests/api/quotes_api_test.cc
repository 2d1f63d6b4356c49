// Products, price books, quotes with lines, approval, versions, and an
// accepted quote winning its deal and creating an order.
#include <gtest/gtest.h>

#include "harness.h"

namespace rapport::test {
namespace {

using nlohmann::json;

class QuotesApi : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new Server();
    Api admin(server_->port(), server_->admin_token());
    auto book = admin.Post("/api/v1/price_books", {{"name", "Standard EUR"}, {"currency", "EUR"}, {"is_default", true}});
    ASSERT_EQ(book.status, 201) << book.body;
    book_ = book.json()["id"];
    auto usd = admin.Post("/api/v1/price_books", {{"name", "US list"}, {"currency", "USD"}});
    ASSERT_EQ(usd.status, 201);
    usd_book_ = usd.json()["id"];
    auto p = admin.Post("/api/v1/products", {{"name", "Rapport Seat"}, {"sku", "RP-SEAT"}, {"family", "Licences"}});
    ASSERT_EQ(p.status, 201) << p.body;
    product_ = p.json()["id"];
    auto p2 = admin.Post("/api/v1/products", {{"name", "Onboarding"}, {"sku", "RP-ONB"}});
    ASSERT_EQ(p2.status, 201);
    unpriced_ = p2.json()["id"];
    ASSERT_EQ(admin.Post("/api/v1/price_book_entries", {{"price_book_id", book_}, {"product_id", product_}, {"unit_price", 100}}).status, 201);
    // A rep and their manager.
    auto team = admin.Post("/api/v1/teams", {{"name", "Sales"}});
    std::string team_id = team.json()["id"];
    auto mgr = admin.Post("/api/v1/users", {{"email", "boss@example.com"}, {"name", "Boss"}, {"role", "manager"}, {"team_id", team_id}});
    ASSERT_EQ(mgr.status, 201);
    ASSERT_EQ(admin.Patch("/api/v1/teams/" + team_id, {{"manager_id", mgr.json()["id"]}}).status, 200);
    ASSERT_EQ(admin.Post("/api/v1/users", {{"email", "rep@example.com"}, {"name", "Rep"}, {"role", "rep"}, {"team_id", team_id}}).status, 201);
    rep_token_ = Token("rep@example.com");
    mgr_token_ = Token("boss@example.com");
  }
  static std::string Token(const std::string& email) {
    std::string t = server_->Cli("token create --email " + email);
    return t.substr(0, t.find('\n'));
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static Server* server_;
  static std::string book_, usd_book_, product_, unpriced_, rep_token_, mgr_token_;
};
Server* QuotesApi::server_ = nullptr;
std::string QuotesApi::book_, QuotesApi::usd_book_, QuotesApi::product_, QuotesApi::unpriced_, QuotesApi::rep_token_,
    QuotesApi::mgr_token_;

TEST_F(QuotesApi, QuoteLifecycleFromDraftToOrder) {
  Api rep(server_->port(), rep_token_), mgr(server_->port(), mgr_token_);
  auto opp = rep.Post("/api/v1/opportunities", {{"name", "Seats for Initech"}, {"amount", 1}});
  ASSERT_EQ(opp.status, 201) << opp.body;
  std::string opp_id = opp.json()["id"];
  auto q = rep.Post("/api/v1/quotes", {{"name", "Initech Q1"}, {"opportunity_id", opp_id}});
  ASSERT_EQ(q.status, 201) << q.body;
  json quote = q.json();
  std::string qid = quote["id"];
  EXPECT_EQ(quote["price_book_id"], book_);
  EXPECT_EQ(quote["currency"], "EUR");
  EXPECT_EQ(quote["status"], "draft");
  EXPECT_EQ(quote["version_number"], 1);

  auto l1 = rep.Post("/api/v1/quote_lines", {{"quote_id", qid}, {"product_id", product_}, {"quantity", 10}, {"tax_pct", 20}});
  ASSERT_EQ(l1.status, 201) << l1.body;
  EXPECT_EQ(l1.json()["list_price"], 100);
  EXPECT_EQ(l1.json()["line_total"], 1200);
  auto l2 = rep.Post("/api/v1/quote_lines", {{"quote_id", qid}, {"product_id", product_}, {"quantity", 5},
                                             {"discount_pct", 30}});
  ASSERT_EQ(l2.status, 201);
  json totals = rep.Get("/api/v1/quotes/" + qid).json();
  EXPECT_EQ(totals["subtotal"], 1500);
  EXPECT_EQ(totals["discount_total"], 150);
  EXPECT_EQ(totals["tax_total"], 200);
  EXPECT_EQ(totals["total"], 1550);
  EXPECT_EQ(totals["max_discount_pct"], 30);

  // 30 % is above the 20 % threshold: the rep cannot send it or approve it.
  auto send = rep.Patch("/api/v1/quotes/" + qid, {{"status", "sent"}});
  EXPECT_EQ(send.status, 422) << send.body;
  EXPECT_EQ(send.json()["error"]["field"], "status");
  ASSERT_EQ(rep.Patch("/api/v1/quotes/" + qid, {{"status", "pending_approval"}}).status, 200);
  EXPECT_EQ(rep.Patch("/api/v1/quotes/" + qid, {{"status", "approved"}}).status, 422);
  auto no_comment = mgr.Patch("/api/v1/quotes/" + qid, {{"status", "rejected"}});
  EXPECT_EQ(no_comment.status, 422);
  EXPECT_EQ(no_comment.json()["error"]["field"], "approval_comment");
  auto approved = mgr.Patch("/api/v1/quotes/" + qid, {{"status", "approved"}, {"approval_comment", "Strategic account"}});
  ASSERT_EQ(approved.status, 200) << approved.body;
  EXPECT_FALSE(approved.json()["approved_by"].is_null());
  ASSERT_EQ(rep.Patch("/api/v1/quotes/" + qid, {{"status", "sent"}}).status, 200);

  // Sent quotes are frozen.
  auto frozen = rep.Post("/api/v1/quote_lines", {{"quote_id", qid}, {"product_id", product_}, {"quantity", 1}});
  EXPECT_EQ(frozen.status, 409);
  EXPECT_EQ(rep.Delete("/api/v1/quote_lines/" + l1.json()["id"].get<std::string>()).status, 409);

  auto accepted = rep.Patch("/api/v1/quotes/" + qid, {{"status", "accepted"}});
  ASSERT_EQ(accepted.status, 200) << accepted.body;
  json won = rep.Get("/api/v1/opportunities/" + opp_id).json();
  EXPECT_EQ(won["amount"], 1550);
  EXPECT_EQ(won["close_reason"], "quote_accepted");
  EXPECT_EQ(won["probability"], 100);
  EXPECT_FALSE(won["closed_at"].is_null());
  auto orders = rep.Get("/api/v1/orders?filter=quote_id:eq:" + qid).json()["data"];
  ASSERT_EQ(orders.size(), 1u);
  EXPECT_EQ(orders[0]["amount"], 1550);
  EXPECT_EQ(orders[0]["status"], "pending");
  auto history = rep.Get("/api/v1/opportunities/" + opp_id + "/stage_history").json()["data"];
  EXPECT_EQ(history.size(), 2u);
}

TEST_F(QuotesApi, BadQuoteInputIsRefusedWithTheFieldNamed) {
  Api rep(server_->port(), rep_token_);
  auto opp = rep.Post("/api/v1/opportunities", {{"name", "Bad input deal"}});
  std::string opp_id = opp.json()["id"];
  auto mismatch = rep.Post("/api/v1/quotes", {{"name", "X"}, {"opportunity_id", opp_id}, {"currency", "EUR"},
                                              {"price_book_id", usd_book_}});
  EXPECT_EQ(mismatch.status, 400);
  EXPECT_EQ(mismatch.json()["error"]["field"], "currency");
  auto q = rep.Post("/api/v1/quotes", {{"name", "Y"}, {"opportunity_id", opp_id}});
  ASSERT_EQ(q.status, 201);
  std::string qid = q.json()["id"];
  struct Case {
    json body;
    std::string field;
  } cases[] = {
      {{{"quote_id", qid}, {"product_id", product_}, {"quantity", -3}}, "quantity"},
      {{{"quote_id", qid}, {"product_id", "NOPE"}, {"quantity", 1}}, "product_id"},
      {{{"quote_id", qid}, {"product_id", unpriced_}, {"quantity", 1}}, "product_id"},
      {{{"quote_id", qid}, {"product_id", product_}, {"quantity", 1}, {"discount_pct", 120}}, "discount_pct"},
      {{{"quote_id", qid}, {"product_id", product_}, {"quantity", 1}, {"list_price", 1}}, "list_price"},
  };
  for (auto& c : cases) {
    auto r = rep.Post("/api/v1/quote_lines", c.body);
    EXPECT_EQ(r.status, 400) << c.body.dump() << " -> " << r.body;
    EXPECT_EQ(r.json()["error"]["field"], c.field) << r.body;
  }
  EXPECT_EQ(rep.Get("/api/v1/quotes/" + qid).json()["total"], nullptr);
}

TEST_F(QuotesApi, RevisingMakesANewVersionAndProductsInUseCannotBeDeleted) {
  Api rep(server_->port(), rep_token_), admin(server_->port(), server_->admin_token());
  auto opp = rep.Post("/api/v1/opportunities", {{"name", "Revision deal"}});
  auto q = rep.Post("/api/v1/quotes", {{"name", "Rev"}, {"opportunity_id", opp.json()["id"]}});
  std::string qid = q.json()["id"];
  ASSERT_EQ(rep.Post("/api/v1/quote_lines", {{"quote_id", qid}, {"product_id", product_}, {"quantity", 2}}).status, 201);
  ASSERT_EQ(rep.Patch("/api/v1/quotes/" + qid, {{"status", "sent"}}).status, 200);
  auto v2 = rep.Post("/api/v1/quotes/" + qid + "/revise", json::object());
  ASSERT_EQ(v2.status, 201) << v2.body;
  EXPECT_EQ(v2.json()["version_number"], 2);
  EXPECT_EQ(v2.json()["previous_quote_id"], qid);
  EXPECT_EQ(v2.json()["status"], "draft");
  EXPECT_EQ(v2.json()["total"], 200);
  EXPECT_EQ(rep.Get("/api/v1/quotes/" + qid).json()["status"], "superseded");
  std::string v2id = v2.json()["id"];
  EXPECT_EQ(rep.Get("/api/v1/quote_lines?filter=quote_id:eq:" + v2id).json()["data"].size(), 1u);

  auto del = admin.Delete("/api/v1/products/" + product_);
  EXPECT_EQ(del.status, 409) << del.body;
  EXPECT_EQ(admin.Get("/api/v1/products/" + product_).status, 200);
  EXPECT_EQ(rep.Delete("/api/v1/products/" + unpriced_).status, 403);
  EXPECT_EQ(admin.Delete("/api/v1/products/" + unpriced_).status, 200);
  EXPECT_EQ(admin.Post("/api/v1/products", {{"name", "Dup"}, {"sku", "RP-SEAT"}}).status, 409);
}

}  // namespace
}  // namespace rapport::test
