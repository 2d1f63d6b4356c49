#include "app/quote_document.h"

#include <algorithm>
#include <map>

#include "domain/quotes.h"

namespace rapport {

namespace {

std::string Text(const Value& v) { return IsNull(v) ? std::string() : ValueToString(v); }

// The record if `scope` may see it; nullopt when it is absent or invisible.
Result<std::optional<Record>> Visible(Conn* c, const TenantScope& s, const ObjectDef* def, const Value& id) {
  if (!def || IsNull(id)) return std::optional<Record>{};
  auto r = RecordStore::Get(c, s, *def, ValueToString(id));
  if (r.ok()) return std::optional<Record>(std::move(*r));
  if (r.status().code() == Status::Code::kNotFound) return std::optional<Record>{};
  return r.status();
}

}  // namespace

Result<QuoteDocument> LoadQuoteDocument(Conn* c, const TenantScope& s, const Catalog& cat, const std::string& quote_id) {
  const ObjectDef& quotes = *cat.Find("quotes");
  const ObjectDef& lines = *cat.Find("quote_lines");
  const ObjectDef& products = *cat.Find("products");
  RP_ASSIGN_OR_RETURN(Record quote, RecordStore::Get(c, s, quotes, quote_id));
  QuoteDocument d;
  d.quote_id = quote_id;
  d.name = Text(quote.Get(quotes, "name"));
  d.version = std::max(1, static_cast<int>(ValueToNumber(quote.Get(quotes, "version_number"))));
  d.status = Text(quote.Get(quotes, "status"));
  d.date = Text(quote.Get(quotes, "created_at")).substr(0, 10);
  d.valid_until = Text(quote.Get(quotes, "valid_until"));
  d.currency = Text(quote.Get(quotes, "currency"));
  if (d.currency.empty()) d.currency = "EUR";
  d.terms = Text(quote.Get(quotes, "terms"));

  RP_ASSIGN_OR_RETURN(Rows org, c->Query("SELECT name FROM organisations WHERE id = ?", {Value{s.org_id()}}));
  if (!org.empty()) d.org_name = ValueToString(org.rows[0][0]);
  const ObjectDef* accounts = cat.Find("accounts");
  RP_ASSIGN_OR_RETURN(std::optional<Record> account, Visible(c, s, accounts, quote.Get(quotes, "account_id")));
  if (account) d.account = Text(account->Get(*accounts, "name"));
  const ObjectDef* contacts = cat.Find("contacts");
  RP_ASSIGN_OR_RETURN(std::optional<Record> contact, Visible(c, s, contacts, quote.Get(quotes, "contact_id")));
  if (contact) {
    std::string first = Text(contact->Get(*contacts, "first_name")), last = Text(contact->Get(*contacts, "last_name"));
    d.contact = first.empty() ? last : last.empty() ? first : first + " " + last;
    d.contact_email = Text(contact->Get(*contacts, "email"));
  }
  const ObjectDef* users = cat.Find("users");
  RP_ASSIGN_OR_RETURN(std::optional<Record> owner, Visible(c, s, users, quote.Get(quotes, "owner_id")));
  if (owner) d.prepared_by = Text(owner->Get(*users, "name"));

  // Lines, through the visibility of the store, in the builder's order.
  ListQuery q;
  q.filters.push_back(Filter{"quote_id", FilterOp::kEq, {Value{quote_id}}});
  q.sort = {SortKey{"created_at", false}};  // the quote builder's order
  q.limit = 1000;
  std::vector<Record> rows;
  for (;;) {
    RP_ASSIGN_OR_RETURN(Page page, RecordStore::List(c, s, lines, q));
    for (auto& r : page.records) rows.push_back(std::move(r));
    if (page.next_cursor.empty()) break;
    q.cursor = page.next_cursor;
  }
  std::map<std::string, std::pair<std::string, std::string>> product_names;  // id -> name, sku
  std::vector<QuoteLineAmounts> amounts;
  for (const Record& r : rows) {
    QuoteDocumentLine l;
    std::string pid = Text(r.Get(lines, "product_id"));
    auto it = product_names.find(pid);
    if (it == product_names.end()) {
      RP_ASSIGN_OR_RETURN(std::optional<Record> p, Visible(c, s, &products, r.Get(lines, "product_id")));
      std::pair<std::string, std::string> ns = p ? std::make_pair(Text(p->Get(products, "name")), Text(p->Get(products, "sku")))
                                                 : std::make_pair(std::string("Product ") + pid, std::string());
      it = product_names.emplace(pid, ns).first;
    }
    l.product = it->second.first;
    l.sku = it->second.second;
    l.description = Text(r.Get(lines, "description"));
    QuoteLineAmounts a{ValueToNumber(r.Get(lines, "quantity")), ValueToNumber(r.Get(lines, "list_price")),
                       ValueToNumber(r.Get(lines, "discount_pct")), ValueToNumber(r.Get(lines, "tax_pct"))};
    l.quantity = a.quantity;
    l.list_price = a.list_price;
    l.discount_pct = a.discount_pct;
    l.tax_pct = a.tax_pct;
    l.line_total = LineTotal(a);
    amounts.push_back(a);
    d.lines.push_back(std::move(l));
  }
  QuoteTotals t = SumQuote(amounts);
  d.subtotal = t.subtotal;
  d.discount_total = t.discount_total;
  d.tax_total = t.tax_total;
  d.total = t.total;
  return d;
}

}  // namespace rapport
