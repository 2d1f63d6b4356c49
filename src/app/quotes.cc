#include "app/quotes.h"

#include "app/settings.h"
#include "base/time.h"
#include "domain/quotes.h"

namespace rapport {

namespace {

bool Same(const Value& a, const Value& b) { return IsNull(a) == IsNull(b) && ValueToString(a) == ValueToString(b); }

}  // namespace

Status Quotes::ApplyQuoteRules(Conn* c, const TenantScope& s, const Catalog& cat, const ObjectDef& def,
                               FieldValues* v, const Record* current) {
  auto get = [&](const std::string& f) -> Value {
    auto it = v->find(f);
    if (it != v->end()) return it->second;
    return current ? current->Get(def, f) : Value{};
  };
  const ObjectDef& opps = *cat.Find("opportunities");
  const ObjectDef& books = *cat.Find("price_books");
  if (!current) {
    auto opp = RecordStore::Get(c, s, opps, ValueToString(get("opportunity_id")));
    if (!opp.ok()) return Status::InvalidArgument("opportunity_id: no opportunity with this id", "opportunity_id");
    if (IsNull(get("account_id"))) (*v)["account_id"] = opp->Get(opps, "account_id");
    if (IsNull(get("currency"))) {
      Value cur = opp->Get(opps, "currency");
      (*v)["currency"] = IsNull(cur) ? Value{std::string("EUR")} : cur;
    }
    (*v)["version_number"] = Value{1.0};
    (*v)["status"] = Value{std::string("draft")};
    if (IsNull(get("price_book_id"))) {
      RP_ASSIGN_OR_RETURN(Rows rows, c->Query("SELECT id FROM price_books WHERE org_id = ? AND deleted_at IS NULL AND "
                                              "currency = ? AND (active IS NULL OR active = 1) "
                                              "ORDER BY is_default DESC, name LIMIT 1",
                                              {Value{s.org_id()}, get("currency")}));
      if (rows.empty())
        return Status::Unprocessable("price_book_id: there is no active price book in " + ValueToString(get("currency")),
                                     "price_book_id");
      (*v)["price_book_id"] = rows.rows[0][0];
    }
  } else {
    if (v->count("opportunity_id") && !Same((*v)["opportunity_id"], current->Get(def, "opportunity_id")))
      return Status::InvalidArgument("opportunity_id: a quote stays with its opportunity", "opportunity_id");
    bool priced_fields = v->count("price_book_id") || v->count("currency");
    if (priced_fields && !QuoteLinesEditable(ValueToString(current->Get(def, "status"))))
      return Status::Conflict("currency: a " + ValueToString(current->Get(def, "status")) +
                              " quote cannot change its pricing; revise it", "currency");
  }
  // The price book's currency is the quote's currency.
  if (v->count("price_book_id") || v->count("currency") || !current) {
    auto book = RecordStore::Get(c, s, books, ValueToString(get("price_book_id")));
    if (!book.ok()) return Status::InvalidArgument("price_book_id: no price book with this id", "price_book_id");
    if (!Same(book->Get(books, "currency"), get("currency")))
      return Status::InvalidArgument("currency: " + ValueToString(get("currency")) + " does not match the price book's " +
                                         ValueToString(book->Get(books, "currency")),
                                     "currency");
    if (current) {
      RP_ASSIGN_OR_RETURN(Rows n, c->Query("SELECT COUNT(*) FROM quote_lines WHERE org_id = ? AND quote_id = ? AND "
                                           "deleted_at IS NULL",
                                           {Value{s.org_id()}, current->Get(def, "id")}));
      if (ValueToNumber(n.rows[0][0]) > 0 && !Same(get("price_book_id"), current->Get(def, "price_book_id")))
        return Status::Conflict("price_book_id: remove the lines before changing the price book", "price_book_id");
    }
  }
  // Status flow.
  if (current && v->count("status")) {
    std::string from = ValueToString(current->Get(def, "status")), to = ValueToString((*v)["status"]);
    RP_ASSIGN_OR_RETURN(OrgSettings settings, LoadSettings(c, s.org_id()));
    bool needs_approval = ValueToNumber(current->Get(def, "max_discount_pct")) > settings.quote_approval_discount_pct;
    bool approver = s.role() != Role::kRep;
    std::string why = CheckQuoteTransition(from, to, approver, needs_approval);
    if (!why.empty()) return Status::Unprocessable("status: " + why, "status");
    if (to == "approved" || to == "rejected") (*v)["approved_by"] = Value{s.user_id()};
    if (to == "rejected" && IsNull(get("approval_comment")))
      return Status::Unprocessable("approval_comment: say why the quote is rejected", "approval_comment");
  } else if (!current && v->count("status") && ValueToString((*v)["status"]) != "draft") {
    return Status::InvalidArgument("status: a new quote is a draft", "status");
  }
  return Status::Ok();
}

Status Quotes::ApplyLineRules(Conn* c, const TenantScope& s, const Catalog& cat, const ObjectDef& def,
                              FieldValues* v, const Record* current) {
  auto get = [&](const std::string& f) -> Value {
    auto it = v->find(f);
    if (it != v->end()) return it->second;
    return current ? current->Get(def, f) : Value{};
  };
  const ObjectDef& quotes = *cat.Find("quotes");
  const ObjectDef& products = *cat.Find("products");
  if (current && v->count("quote_id") && !Same((*v)["quote_id"], current->Get(def, "quote_id")))
    return Status::InvalidArgument("quote_id: a line stays on its quote", "quote_id");
  auto quote = RecordStore::Get(c, s, quotes, ValueToString(get("quote_id")));
  if (!quote.ok()) return Status::InvalidArgument("quote_id: no quote with this id", "quote_id");
  std::string status = ValueToString(quote->Get(quotes, "status"));
  if (!QuoteLinesEditable(status))
    return Status::Conflict("quote_id: the quote is " + status + "; revise it to change its lines", "quote_id");
  auto product = RecordStore::Get(c, s, products, ValueToString(get("product_id")));
  if (!product.ok()) return Status::InvalidArgument("product_id: no product with this id", "product_id");
  if (const Value& a = product->Get(products, "active"); std::get_if<int64_t>(&a) && std::get<int64_t>(a) == 0)
    return Status::InvalidArgument("product_id: the product is inactive", "product_id");
  RP_ASSIGN_OR_RETURN(Rows entry, c->Query("SELECT unit_price FROM price_book_entries WHERE org_id = ? AND "
                                           "price_book_id = ? AND product_id = ? AND deleted_at IS NULL LIMIT 1",
                                           {Value{s.org_id()}, quote->Get(quotes, "price_book_id"), get("product_id")}));
  if (entry.empty())
    return Status::InvalidArgument("product_id: the product has no price in the quote's price book", "product_id");
  double list = ValueToNumber(entry.rows[0][0]);
  (*v)["list_price"] = Value{list};
  QuoteLineAmounts a{ValueToNumber(get("quantity")), list, ValueToNumber(get("discount_pct")), ValueToNumber(get("tax_pct"))};
  (*v)["line_total"] = Value{LineTotal(a)};
  return Status::Ok();
}

Status Quotes::Recalculate(Conn* c, const TenantScope& s, const Catalog& cat, const std::string& quote_id) {
  RP_ASSIGN_OR_RETURN(Rows rows, c->Query("SELECT quantity, list_price, discount_pct, tax_pct FROM quote_lines "
                                          "WHERE org_id = ? AND quote_id = ? AND deleted_at IS NULL",
                                          {Value{s.org_id()}, Value{quote_id}}));
  std::vector<QuoteLineAmounts> lines;
  for (auto& r : rows.rows) lines.push_back({ValueToNumber(r[0]), ValueToNumber(r[1]), ValueToNumber(r[2]), ValueToNumber(r[3])});
  QuoteTotals t = SumQuote(lines);
  const ObjectDef& quotes = *cat.Find("quotes");
  auto r = RecordStore::Update(c, s, quotes, quote_id,
                               {{"subtotal", Value{t.subtotal}},
                                {"discount_total", Value{t.discount_total}},
                                {"tax_total", Value{t.tax_total}},
                                {"total", Value{t.total}},
                                {"max_discount_pct", Value{t.max_discount_pct}}},
                               std::nullopt);
  return r.ok() ? Status::Ok() : r.status();
}

Status Quotes::AfterQuoteWrite(Conn* c, const TenantScope& s, const Catalog& cat, const Record* before,
                               const Record& after) {
  const ObjectDef& quotes = *cat.Find("quotes");
  if (!before || ValueToString(after.Get(quotes, "status")) != "accepted" ||
      ValueToString(before->Get(quotes, "status")) == "accepted")
    return Status::Ok();
  // The customer accepted: the deal is won at the quote's total, and fulfilment starts.
  const ObjectDef& opps = *cat.Find("opportunities");
  std::string opp_id = ValueToString(after.Get(quotes, "opportunity_id"));
  RP_ASSIGN_OR_RETURN(Record opp, RecordStore::Get(c, s, opps, opp_id));
  RP_ASSIGN_OR_RETURN(Rows won, c->Query("SELECT id, probability FROM stages WHERE org_id = ? AND pipeline_id = ? AND "
                                         "kind = 'won' AND deleted_at IS NULL ORDER BY position LIMIT 1",
                                         {Value{s.org_id()}, opp.Get(opps, "pipeline_id")}));
  if (won.empty()) return Status::Unprocessable("status: the deal's pipeline has no won stage", "status");
  FieldValues change = {{"stage_id", won.rows[0][0]},
                        {"probability", Value{100.0}},
                        {"forecast_category", Value{std::string("closed")}},
                        {"close_reason", Value{std::string("quote_accepted")}},
                        {"amount", after.Get(quotes, "total")},
                        {"currency", after.Get(quotes, "currency")}};
  if (IsNull(opp.Get(opps, "closed_at"))) change["closed_at"] = Value{NowIso()};
  RP_ASSIGN_OR_RETURN(Record updated, RecordStore::Update(c, s, opps, opp_id, change, std::nullopt));
  RP_RETURN_IF_ERROR(RecordStageMove(c, s, opps, &opp, updated));
  const ObjectDef& orders = *cat.Find("orders");
  auto order = RecordStore::Insert(c, s, orders,
                                   {{"name", Value{"Order for " + ValueToString(after.Get(quotes, "name"))}},
                                    {"quote_id", after.Get(quotes, "id")},
                                    {"opportunity_id", Value{opp_id}},
                                    {"account_id", after.Get(quotes, "account_id")},
                                    {"amount", after.Get(quotes, "total")},
                                    {"currency", after.Get(quotes, "currency")},
                                    {"status", Value{std::string("pending")}},
                                    {"ordered_at", Value{NowIso()}}});
  return order.ok() ? Status::Ok() : order.status();
}

Status Quotes::CheckProductDelete(Conn* c, const TenantScope& s, const std::string& product_id) {
  RP_ASSIGN_OR_RETURN(Rows n, c->Query("SELECT COUNT(*) FROM quote_lines WHERE org_id = ? AND product_id = ? AND "
                                       "deleted_at IS NULL",
                                       {Value{s.org_id()}, Value{product_id}}));
  if (ValueToNumber(n.rows[0][0]) > 0)
    return Status::Conflict("the product is on " + ValueToString(n.rows[0][0]) +
                            " quote line(s); deactivate it instead (active: false)");
  return Status::Ok();
}

Status Quotes::CheckLineDelete(Conn* c, const TenantScope& s, const Catalog& cat, const Record& line) {
  const ObjectDef& lines = *cat.Find("quote_lines");
  const ObjectDef& quotes = *cat.Find("quotes");
  auto quote = RecordStore::Get(c, s, quotes, ValueToString(line.Get(lines, "quote_id")));
  if (!quote.ok()) return Status::Ok();
  std::string status = ValueToString(quote->Get(quotes, "status"));
  if (!QuoteLinesEditable(status))
    return Status::Conflict("the quote is " + status + "; revise it to change its lines");
  return Status::Ok();
}

Result<Record> Quotes::Revise(Conn* c, const TenantScope& s, const Catalog& cat, const std::string& quote_id) {
  const ObjectDef& quotes = *cat.Find("quotes");
  const ObjectDef& lines = *cat.Find("quote_lines");
  Record out;
  Status st = InTransaction(c, TxMode::kWrite, [&]() -> Status {
    RP_ASSIGN_OR_RETURN(Record old, RecordStore::Get(c, s, quotes, quote_id));
    std::string status = ValueToString(old.Get(quotes, "status"));
    if (status == "accepted" || status == "superseded")
      return Status::Conflict("a " + status + " quote cannot be revised");
    FieldValues copy;
    for (const char* f : {"name", "opportunity_id", "account_id", "contact_id", "price_book_id", "currency",
                          "valid_until", "terms", "subtotal", "discount_total", "tax_total", "total",
                          "max_discount_pct", "owner_id", "team_id"}) {
      copy[f] = old.Get(quotes, f);
    }
    copy["status"] = Value{std::string("draft")};
    copy["version_number"] = Value{ValueToNumber(old.Get(quotes, "version_number")) + 1};
    copy["previous_quote_id"] = Value{quote_id};
    RP_ASSIGN_OR_RETURN(out, RecordStore::Insert(c, s, quotes, copy));
    std::string new_id = ValueToString(out.Get(quotes, "id"));
    ListQuery q;
    q.filters.push_back(Filter{"quote_id", FilterOp::kEq, {Value{quote_id}}});
    q.limit = 1000;
    RP_ASSIGN_OR_RETURN(Page page, RecordStore::List(c, s, lines, q));
    for (const auto& l : page.records) {
      FieldValues lc;
      for (const char* f : {"product_id", "description", "quantity", "list_price", "discount_pct", "tax_pct",
                            "line_total", "position"}) {
        lc[f] = l.Get(lines, f);
      }
      lc["quote_id"] = Value{new_id};
      RP_ASSIGN_OR_RETURN(Record nl, RecordStore::Insert(c, s, lines, lc));
      (void)nl;
    }
    RP_ASSIGN_OR_RETURN(Record sup, RecordStore::Update(c, s, quotes, quote_id,
                                                        {{"status", Value{std::string("superseded")}}}, std::nullopt));
    (void)sup;
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

}  // namespace rapport
