// The standard objects and their fields (ARCHITECTURE.md, "Public interface").
#include <cmath>

#include "meta/object.h"

namespace rapport {

const char* FieldKindName(FieldKind k) {
  switch (k) {
    case FieldKind::kText: return "text";
    case FieldKind::kLongText: return "long_text";
    case FieldKind::kEmail: return "email";
    case FieldKind::kPhone: return "phone";
    case FieldKind::kUrl: return "url";
    case FieldKind::kNumber: return "number";
    case FieldKind::kMoney: return "money";
    case FieldKind::kDate: return "date";
    case FieldKind::kDateTime: return "datetime";
    case FieldKind::kBool: return "bool";
    case FieldKind::kPicklist: return "picklist";
    case FieldKind::kMultiPicklist: return "multi_picklist";
    case FieldKind::kReference: return "reference";
  }
  return "text";
}

bool ParseFieldKind(const std::string& name, FieldKind* out) {
  static const FieldKind kAll[] = {FieldKind::kText,     FieldKind::kLongText, FieldKind::kEmail,
                                   FieldKind::kPhone,    FieldKind::kUrl,      FieldKind::kNumber,
                                   FieldKind::kMoney,    FieldKind::kDate,     FieldKind::kDateTime,
                                   FieldKind::kBool,     FieldKind::kPicklist, FieldKind::kMultiPicklist,
                                   FieldKind::kReference};
  for (FieldKind k : kAll) {
    if (name == FieldKindName(k)) { *out = k; return true; }
  }
  if (name == "multi-picklist") { *out = FieldKind::kMultiPicklist; return true; }
  return false;
}

StorageClass StorageOf(FieldKind k) {
  switch (k) {
    case FieldKind::kNumber:
    case FieldKind::kMoney: return StorageClass::kReal;
    case FieldKind::kBool: return StorageClass::kInteger;
    default: return StorageClass::kText;
  }
}

int FieldDef::EffectiveMaxLength() const {
  if (max_length > 0) return max_length;
  switch (kind) {
    case FieldKind::kLongText: return 100000;
    case FieldKind::kUrl: return 2048;
    case FieldKind::kEmail: return 254;
    case FieldKind::kPhone: return 40;
    case FieldKind::kReference: return 64;
    case FieldKind::kMultiPicklist: return 4000;
    default: return 255;
  }
}

const FieldDef* ObjectDef::Find(const std::string& field) const {
  auto it = by_name_.find(field);
  return it == by_name_.end() ? nullptr : &fields[it->second];
}
int ObjectDef::IndexOf(const std::string& field) const {
  auto it = by_name_.find(field);
  return it == by_name_.end() ? -1 : it->second;
}
void ObjectDef::Reindex() {
  by_name_.clear();
  column_list_.clear();
  for (size_t i = 0; i < fields.size(); ++i) {
    by_name_[fields[i].name] = static_cast<int>(i);
    if (i) column_list_ += ", ";
    column_list_ += fields[i].column;
  }
}

const ObjectDef* Catalog::Find(const std::string& object) const {
  auto it = objects_.find(object);
  return it == objects_.end() ? nullptr : &it->second;
}

bool IsValidFieldName(const std::string& n) {
  if (n.empty() || n.size() > 63 || n[0] < 'a' || n[0] > 'z') return false;
  // "__" is reserved: custom-field columns append "__num"/"__int" to the name.
  if (n.find("__") != std::string::npos || n.back() == '_') return false;
  for (char c : n) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

namespace {

// Small builder so the catalogue below reads like a table.
struct F {
  FieldDef d;
  F(std::string name, std::string label, FieldKind kind) {
    d.name = name;
    d.column = name;
    d.label = std::move(label);
    d.kind = kind;
  }
  F& req() { d.required = true; return *this; }
  F& idx() { d.indexed = true; return *this; }
  F& ro() { d.read_only = true; return *this; }
  F& sys() { d.system = true; d.read_only = true; return *this; }
  F& len(int n) { d.max_length = n; return *this; }
  F& range(double lo, double hi) { d.min = lo; d.max = hi; return *this; }
  F& ref(std::string o) { d.ref_object = std::move(o); return *this; }
  F& opts(std::vector<std::string> o) { d.options = std::move(o); return *this; }
  F& def(std::string v) { d.default_text = std::move(v); return *this; }
  operator FieldDef() const { return d; }  // NOLINT
};

using K = FieldKind;

const std::vector<std::string> kChannels = {"web_form",         "direct_mail", "telemarketing", "field_sales",
                                            "customer_service", "supplier",    "retailer",      "partner",
                                            "import",           "api",         "email",         "event",
                                            "other"};
// Why a lead was disqualified (issue 4: status flow).
const std::vector<std::string> kDisqualifiedReasons = {"no_budget",   "no_need",     "no_authority", "bad_timing",
                                                       "competitor",  "unreachable", "duplicate",    "spam",
                                                       "other"};
const std::vector<std::string> kCurrencies = {"EUR", "USD", "GBP", "CHF", "JPY", "CAD", "AUD", "SEK",
                                              "NOK", "DKK", "PLN", "CZK", "INR", "CNY", "BRL", "MXN",
                                              "ZAR", "SGD", "HKD", "NZD"};

ObjectDef MakeObject(std::string name, std::string label, Access access, std::vector<FieldDef> own) {
  ObjectDef o;
  o.name = name;
  o.table = name;
  o.label = std::move(label);
  o.access = access;
  o.fields.push_back(F("id", "ID", K::kText).sys().len(64));
  o.fields.push_back(F("version", "Version", K::kNumber).sys());
  o.fields.push_back(F("created_at", "Created", K::kDateTime).sys().idx());
  o.fields.push_back(F("updated_at", "Updated", K::kDateTime).sys().idx());
  o.fields.push_back(F("created_by", "Created by", K::kReference).sys().ref("users"));
  o.fields.push_back(F("updated_by", "Updated by", K::kReference).sys().ref("users"));
  o.fields.push_back(F("deleted_at", "Deleted", K::kDateTime).sys());
  if (access == Access::kOwned) {
    o.fields.push_back(F("owner_id", "Owner", K::kReference).ref("users").idx());
    o.fields.push_back(F("team_id", "Shared with team", K::kReference).ref("teams").idx());
  }
  for (auto& f : own) o.fields.push_back(std::move(f));
  o.Reindex();
  return o;
}

Catalog BuildStandard() {
  Catalog c;
  auto add = [&c](ObjectDef o) { c.mutable_objects().emplace(o.name, std::move(o)); };

  auto searchable = [](ObjectDef o, std::vector<std::string> title, std::vector<std::string> subtitle,
                       std::vector<std::string> words) {
    o.title_fields = std::move(title);
    o.subtitle_fields = std::move(subtitle);
    o.search_fields = std::move(words);
    return o;
  };

  add(searchable(MakeObject("accounts", "Account", Access::kOwned,
                 {F("name", "Name", K::kText).req().idx(), F("domain", "Domain", K::kText).idx(),
                  F("industry", "Industry", K::kText), F("employees", "Employees", K::kNumber).range(0, 1e9),
                  F("annual_revenue", "Annual revenue", K::kMoney).range(0, 1e15),
                  F("phone", "Phone", K::kPhone), F("website", "Website", K::kUrl),
                  F("street", "Street", K::kText), F("city", "City", K::kText),
                  F("postcode", "Postcode", K::kText).len(20), F("country", "Country", K::kText).len(64),
                  F("description", "Description", K::kLongText), F("source_ref", "Source reference", K::kText).idx()}),
                 {"name"}, {"domain", "city", "country"}, {"name", "domain", "website", "phone", "city", "industry"}));

  add(searchable(MakeObject("contacts", "Contact", Access::kOwned,
                 {F("first_name", "First name", K::kText).len(100),
                  F("last_name", "Last name", K::kText).len(100).req().idx(),
                  F("email", "Email", K::kEmail).idx(), F("phone", "Phone", K::kPhone),
                  F("mobile", "Mobile", K::kPhone), F("title", "Title", K::kText),
                  F("account_id", "Account", K::kReference).ref("accounts").idx(),
                  F("source", "Source", K::kPicklist).opts(kChannels), F("street", "Street", K::kText),
                  F("city", "City", K::kText), F("postcode", "Postcode", K::kText).len(20),
                  F("country", "Country", K::kText).len(64).idx(), F("description", "Description", K::kLongText),
                  F("source_ref", "Source reference", K::kText).idx(),
                  // opt-outs (issue 4): mailing lists and call lists respect them
                  F("email_opt_out", "Email opt-out", K::kBool), F("do_not_mail", "Do not mail", K::kBool),
                  F("do_not_call", "Do not call", K::kBool)}),
                 {"first_name", "last_name"}, {"email", "title", "city"},
                 {"first_name", "last_name", "email", "phone", "mobile", "title", "city"}));

  add(searchable(MakeObject(
      "leads", "Lead", Access::kOwned,
      {F("first_name", "First name", K::kText).len(100), F("last_name", "Last name", K::kText).len(100).idx(),
       F("email", "Email", K::kEmail).idx(), F("phone", "Phone", K::kPhone), F("company", "Company", K::kText).idx(),
       F("title", "Title", K::kText),
       // Status flow (issue 4, src/domain/leads.h): new -> working -> qualified |
       // disqualified (with a reason) | nurturing; converted only through
       // POST /api/v1/leads/{id}/convert; unconfirmed only for web-form leads
       // awaiting their double opt-in.
       F("status", "Status", K::kPicklist)
           .opts({"new", "working", "qualified", "disqualified", "nurturing", "converted", "unconfirmed"})
           .def("new")
           .idx(),
       F("source", "Source", K::kPicklist).opts(kChannels).idx(),
       F("score", "Score", K::kNumber).range(-1e6, 1e6).idx(), F("street", "Street", K::kText),
       F("city", "City", K::kText), F("postcode", "Postcode", K::kText).len(20),
       F("country", "Country", K::kText).len(64).idx(), F("description", "Description", K::kLongText),
       F("source_ref", "Source reference", K::kText).idx(),
       // --- lead capture, campaigns and convert (issue 4; docs/decisions/011-web-forms-and-convert.md)
       F("disqualified_reason", "Disqualified reason", K::kPicklist).opts(kDisqualifiedReasons),
       F("disqualified_reason_text", "Disqualified details", K::kLongText).len(2000),
       F("campaign_id", "Campaign", K::kReference).ref("campaigns").idx(),
       F("form_id", "Web form", K::kReference).ref("forms").ro().idx(),
       F("email_opt_out", "Email opt-out", K::kBool), F("do_not_mail", "Do not mail", K::kBool),
       F("do_not_call", "Do not call", K::kBool),
       F("opt_in_confirmed_at", "Opt-in confirmed", K::kDateTime).ro(),
       F("converted_account_id", "Converted to account", K::kReference).ref("accounts").ro(),
       F("converted_contact_id", "Converted to contact", K::kReference).ref("contacts").ro(),
       F("converted_opportunity_id", "Converted to opportunity", K::kReference).ref("opportunities").ro(),
       F("converted_at", "Converted", K::kDateTime).ro()}),
      {"first_name", "last_name"}, {"company", "email"},
      {"first_name", "last_name", "email", "phone", "company", "title", "city"}));

  add(searchable(MakeObject("opportunities", "Opportunity", Access::kOwned,
                 {F("name", "Name", K::kText).req().idx(),
                  F("account_id", "Account", K::kReference).ref("accounts").idx(),
                  F("contact_id", "Primary contact", K::kReference).ref("contacts"),
                  F("amount", "Amount", K::kMoney).range(0, 1e15).idx(),
                  F("currency", "Currency", K::kPicklist).opts(kCurrencies).def("EUR"),
                  F("close_date", "Close date", K::kDate).idx(),
                  F("pipeline_id", "Pipeline", K::kReference).ref("pipelines").idx(),
                  F("stage_id", "Stage", K::kReference).ref("stages").idx(),
                  F("probability", "Probability (%)", K::kNumber).range(0, 100),
                  F("forecast_category", "Forecast category", K::kPicklist)
                      .opts({"pipeline", "best_case", "commit", "closed", "omitted"}),
                  F("close_reason", "Won/lost reason", K::kPicklist)
                      .opts({"quote_accepted", "price", "product_fit", "relationship", "competitor", "no_budget", "no_decision",
                             "timing", "other"}),
                  F("close_reason_text", "Won/lost details", K::kLongText).len(5000),
                  F("closed_at", "Closed", K::kDateTime).ro().idx(),
                  F("description", "Description", K::kLongText),
                  F("source_ref", "Source reference", K::kText).idx()}),
                 {"name"}, {"currency", "amount", "close_date"}, {"name"}));

  add(MakeObject("activities", "Activity", Access::kOwned,
                 {F("type", "Type", K::kPicklist).req().opts({"task", "call", "meeting", "visit", "email", "note"}),
                  F("subject", "Subject", K::kText).req().idx(), F("description", "Description", K::kLongText),
                  F("due_at", "Due", K::kDateTime).idx(), F("done_at", "Done", K::kDateTime),
                  F("ends_at", "Ends", K::kDateTime),  // meetings, calls, visits: DTEND in CalDAV (issue 5)
                  // issue 5: reminders (fired once by the "reminders" job) and recurring tasks
                  F("remind_at", "Remind at", K::kDateTime).idx(), F("reminded_at", "Reminded", K::kDateTime).ro(),
                  F("recurrence", "Repeats", K::kPicklist).opts({"daily", "weekdays", "weekly", "monthly"}),
                  F("related_object", "Related to (object)", K::kPicklist)
                      .opts({"leads", "contacts", "accounts", "opportunities", "cases"}),
                  F("related_id", "Related to", K::kReference).idx(),
                  F("source_ref", "Source reference", K::kText)}));

  add(MakeObject("pipelines", "Pipeline", Access::kOrgConfig,
                 {F("name", "Name", K::kText).req(), F("is_default", "Default", K::kBool)}));

  add(MakeObject("stages", "Stage", Access::kOrgConfig,
                 {F("pipeline_id", "Pipeline", K::kReference).ref("pipelines").req().idx(),
                  F("name", "Name", K::kText).req(), F("position", "Position", K::kNumber).req().range(0, 1e6),
                  F("probability", "Probability (%)", K::kNumber).range(0, 100).req(),
                  F("kind", "Kind", K::kPicklist).opts({"open", "won", "lost"}).def("open").req(),
                  F("expected_days", "Expected days in stage", K::kNumber).range(0, 3650),
                  F("required_fields", "Exit criteria: fields (comma-separated)", K::kText).len(1000),
                  F("required_activities", "Exit criteria: activities", K::kMultiPicklist)
                      .opts({"task", "call", "meeting", "visit", "email", "note"}),
                  F("forecast_category", "Forecast category", K::kPicklist)
                      .opts({"pipeline", "best_case", "commit", "closed", "omitted"})}));

  add(MakeObject("teams", "Team", Access::kOrgConfig,
                 {F("name", "Name", K::kText).req(), F("manager_id", "Manager", K::kReference).ref("users")}));

  add(MakeObject("users", "User", Access::kUsers,
                 {F("email", "Email", K::kEmail).req().idx(), F("name", "Name", K::kText).req(),
                  F("role", "Role", K::kPicklist).opts({"admin", "manager", "rep"}).def("rep").req(),
                  F("team_id", "Team", K::kReference).ref("teams").idx(), F("active", "Active", K::kBool),
                  F("last_login_at", "Last login", K::kDateTime).ro()}));

  // Products and price books: the catalogue quotes are built from.
  add(searchable(MakeObject("products", "Product", Access::kOrgConfig,
                            {F("name", "Name", K::kText).req().idx(), F("sku", "SKU", K::kText).len(64).idx(),
                             F("family", "Family", K::kText), F("unit", "Unit", K::kText).len(32),
                             F("description", "Description", K::kLongText), F("active", "Active", K::kBool)}),
                 {"name"}, {"sku", "family"}, {"name", "sku", "family"}));
  add(MakeObject("price_books", "Price book", Access::kOrgConfig,
                 {F("name", "Name", K::kText).req(), F("currency", "Currency", K::kPicklist).opts(kCurrencies).req(),
                  F("segment", "Segment", K::kText), F("is_default", "Default", K::kBool),
                  F("active", "Active", K::kBool)}));
  add(MakeObject("price_book_entries", "Price book entry", Access::kOrgConfig,
                 {F("price_book_id", "Price book", K::kReference).ref("price_books").req().idx(),
                  F("product_id", "Product", K::kReference).ref("products").req().idx(),
                  F("unit_price", "Unit price", K::kMoney).req().range(0, 1e12)}));

  // Quotes with lines; an accepted quote wins its deal and creates an order.
  add(searchable(
      MakeObject("quotes", "Quote", Access::kOwned,
                 {F("name", "Name", K::kText).req(),
                  F("opportunity_id", "Opportunity", K::kReference).ref("opportunities").req().idx(),
                  F("account_id", "Account", K::kReference).ref("accounts").idx(),
                  F("contact_id", "Contact", K::kReference).ref("contacts"),
                  F("price_book_id", "Price book", K::kReference).ref("price_books"),
                  F("currency", "Currency", K::kPicklist).opts(kCurrencies),
                  F("status", "Status", K::kPicklist)
                      .opts({"draft", "pending_approval", "approved", "rejected", "sent", "accepted", "declined",
                             "superseded"})
                      .def("draft")
                      .idx(),
                  F("version_number", "Version", K::kNumber).ro(),
                  F("previous_quote_id", "Previous version", K::kReference).ref("quotes").ro(),
                  F("valid_until", "Valid until", K::kDate), F("subtotal", "Subtotal", K::kMoney).ro(),
                  F("discount_total", "Discount", K::kMoney).ro(), F("tax_total", "Tax", K::kMoney).ro(),
                  F("total", "Total", K::kMoney).ro(), F("max_discount_pct", "Largest line discount (%)", K::kNumber).ro(),
                  F("approval_comment", "Approval comment", K::kLongText).len(5000),
                  F("approved_by", "Approved by", K::kReference).ref("users").ro(),
                  F("terms", "Terms", K::kLongText)}),
      {"name"}, {"status", "total", "currency"}, {"name"}));
  add(MakeObject("quote_lines", "Quote line", Access::kOwned,
                 {F("quote_id", "Quote", K::kReference).ref("quotes").req().idx(),
                  F("product_id", "Product", K::kReference).ref("products").req().idx(),
                  F("description", "Description", K::kText).len(1000),
                  F("quantity", "Quantity", K::kNumber).req().range(0.0001, 1e9),
                  F("list_price", "List price", K::kMoney).ro(),
                  F("discount_pct", "Discount (%)", K::kNumber).range(0, 100),
                  F("tax_pct", "Tax (%)", K::kNumber).range(0, 100),
                  F("line_total", "Line total", K::kMoney).ro(),
                  F("position", "Position", K::kNumber).range(0, 1e6)}));
  add(MakeObject("orders", "Order", Access::kOwned,
                 {F("name", "Name", K::kText).req(), F("quote_id", "Quote", K::kReference).ref("quotes").idx(),
                  F("opportunity_id", "Opportunity", K::kReference).ref("opportunities").idx(),
                  F("account_id", "Account", K::kReference).ref("accounts").idx(),
                  F("amount", "Amount", K::kMoney).range(0, 1e15), F("currency", "Currency", K::kPicklist).opts(kCurrencies),
                  F("status", "Fulfilment", K::kPicklist)
                      .opts({"pending", "shipped", "delivered", "invoiced", "cancelled"})
                      .def("pending")
                      .idx(),
                  F("ordered_at", "Ordered", K::kDateTime), F("shipped_at", "Shipped", K::kDateTime),
                  F("delivered_at", "Delivered", K::kDateTime), F("invoiced_at", "Invoiced", K::kDateTime)}));

  // Service cases with first-response and resolution targets in business hours.
  add(searchable(
      MakeObject("cases", "Case", Access::kOwned,
                 {F("subject", "Subject", K::kText).req().idx(), F("description", "Description", K::kLongText),
                  F("account_id", "Account", K::kReference).ref("accounts").idx(),
                  F("contact_id", "Contact", K::kReference).ref("contacts").idx(),
                  F("priority", "Priority", K::kPicklist).opts({"low", "normal", "high", "urgent"}).def("normal").idx(),
                  F("status", "Status", K::kPicklist)
                      .opts({"new", "open", "pending", "resolved", "closed"})
                      .def("new")
                      .idx(),
                  F("channel", "Channel", K::kPicklist).opts({"email", "phone", "web", "chat", "visit", "other"}),
                  F("first_response_due", "First response due", K::kDateTime).ro().idx(),
                  F("resolution_due", "Resolution due", K::kDateTime).ro().idx(),
                  F("first_responded_at", "First responded", K::kDateTime).ro(),
                  F("resolved_at", "Resolved", K::kDateTime).ro(),
                  F("sla_breached", "SLA breached", K::kBool).ro()}),
      {"subject"}, {"status", "priority"}, {"subject"}));

  // Saved list views, one user's each (shared with a team through team_id).
  add(MakeObject("views", "Saved view", Access::kOwned,
                 {F("name", "Name", K::kText).req().len(100),
                  F("object", "Object", K::kPicklist)
                      .opts({"leads", "contacts", "accounts", "opportunities", "activities", "cases", "campaigns"})
                      .req(),
                  F("filters", "Filters (JSON array of field:op:value)", K::kLongText).len(10000),
                  F("sort", "Sort", K::kText).len(500),
                  F("columns", "Columns (JSON array of field names)", K::kLongText).len(10000)}));
  // --- issue 4: enrichment, scoring, assignment (docs/decisions/012-enrichment-scoring-assignment.md)
  {
    auto& o = c.mutable_objects();
    auto more = [](ObjectDef& def, std::vector<FieldDef> fields) {
      for (auto& f : fields) def.fields.push_back(std::move(f));
      def.Reindex();
    };
    const std::vector<std::string> kOps = {"eq", "ne",       "lt",       "lte",         "gt",     "gte",
                                           "in", "not_in",   "contains", "starts_with", "is_null"};
    const std::vector<std::string> kActivityTypes = {"task", "call", "meeting", "visit", "email", "note"};
    more(o.at("leads"),
         {F("company_domain", "Company domain", K::kText).idx(), F("industry", "Industry", K::kText),
          F("employees", "Employees", K::kNumber).range(0, 1e9),
          F("employee_band", "Company size", K::kPicklist)
              .opts({"1-10", "11-50", "51-200", "201-500", "501-1000", "1001-5000", "5001-10000", "10001+"}),
          F("region", "Region", K::kText).len(100),
          F("score_explanation", "Score explanation", K::kLongText).ro(),
          F("scored_at", "Scored", K::kDateTime).ro(),
          F("predicted_score", "Predicted score", K::kNumber).ro().range(0, 100),
          F("predicted_factors", "Predicted score factors", K::kLongText).ro(),
          F("enrichment", "Enriched fields (field: provider)", K::kLongText).ro(),
          F("enriched_at", "Enriched", K::kDateTime).ro(),
          F("assignment_rule_id", "Assigned by rule", K::kReference).ref("assignment_rules").ro(),
          F("assigned_by_rule", "Assignment rule name", K::kText).ro(),
          F("assigned_at", "Assigned", K::kDateTime).ro().idx(),
          F("first_response_at", "First response", K::kDateTime).ro(),
          F("response_minutes", "First response time (business minutes)", K::kNumber).ro(),
          F("escalated_at", "Escalated", K::kDateTime).ro(),
          F("escalation_count", "Escalations", K::kNumber).ro()});
    more(o.at("opportunities"), {F("predicted_score", "Predicted win score", K::kNumber).ro().range(0, 100),
                                 F("predicted_factors", "Predicted score factors", K::kLongText).ro()});
    more(o.at("users"), {F("time_zone", "Time zone", K::kText).len(64),
                         F("working_hours", "Working hours", K::kText).len(200),
                         F("out_of_office_from", "Out of office from", K::kDate),
                         F("out_of_office_to", "Out of office until", K::kDate),
                         F("capacity", "Capacity (open leads)", K::kNumber).range(0, 1e6)});
    add(MakeObject("scoring_rules", "Scoring rule", Access::kOrgConfig,
                   {F("name", "Name", K::kText).req().len(200),
                    F("object", "Scores", K::kPicklist).opts({"leads", "opportunities"}).def("leads").req(),
                    F("field", "Field", K::kText).len(63), F("operator", "Operator", K::kPicklist).opts(kOps),
                    F("value", "Value", K::kText).len(1000),
                    F("activity_within_days", "Activity within (days)", K::kNumber).range(1, 3650),
                    F("activity_type", "Activity type", K::kPicklist).opts(kActivityTypes),
                    F("points", "Points", K::kNumber).req().range(-1e6, 1e6), F("active", "Active", K::kBool),
                    F("position", "Position", K::kNumber).range(0, 1e6)}));
    add(MakeObject("assignment_rules", "Assignment rule", Access::kOrgConfig,
                   {F("name", "Name", K::kText).req().len(200), F("position", "Position", K::kNumber).range(0, 1e6),
                    F("active", "Active", K::kBool),
                    F("conditions", "Conditions (list filter JSON)", K::kLongText).len(10000),
                    F("strategy", "Strategy", K::kPicklist).opts({"round_robin", "least_loaded", "owner"}).req(),
                    F("team_id", "Team", K::kReference).ref("teams"),
                    F("user_id", "Owner", K::kReference).ref("users"),
                    F("description", "Description", K::kLongText).len(5000)}));
  }
  // --- end issue 4 (enrichment, scoring, assignment)

  // --- lead capture and campaigns (issue 4; docs/decisions/011-web-forms-and-convert.md)
  // Web-to-lead forms: organisation configuration (admins write). `fields` is
  // a JSON array [{"field", "label", "required"}] checked by src/app/forms.cc;
  // `key` is the public key of /f/{key} ("<org_id>.<random>").
  add(MakeObject("forms", "Web form", Access::kOrgConfig,
                 {F("name", "Name", K::kText).req().len(200), F("key", "Public key", K::kText).ro().len(80).idx(),
                  F("fields", "Fields (JSON array)", K::kLongText).len(20000),
                  F("thank_you_text", "Thank-you text", K::kLongText).len(5000),
                  F("redirect_url", "Redirect after submit", K::kUrl),
                  F("double_opt_in", "Double opt-in by e-mail", K::kBool),
                  F("campaign_id", "Campaign", K::kReference).ref("campaigns"),
                  F("lead_owner_id", "Owner of new leads", K::kReference).ref("users"),
                  F("submit_label", "Submit button", K::kText).len(100),
                  F("rate_limit_per_minute", "Submissions per minute per IP", K::kNumber).range(1, 10000),
                  F("public_url", "Public base URL", K::kUrl), F("active", "Active", K::kBool),
                  F("description", "Description", K::kLongText).len(5000)}));
  add(searchable(MakeObject("campaigns", "Campaign", Access::kOwned,
                            {F("name", "Name", K::kText).req().idx(),
                             F("channel", "Channel", K::kPicklist)
                                 .opts({"direct_mail", "telemarketing", "web", "email", "event", "trade_show",
                                        "partner"})
                                 .req()
                                 .idx(),
                             F("status", "Status", K::kPicklist)
                                 .opts({"planned", "active", "completed", "aborted"})
                                 .def("planned")
                                 .idx(),
                             F("start_date", "Start", K::kDate).idx(), F("end_date", "End", K::kDate),
                             F("budget", "Budget", K::kMoney).range(0, 1e15),
                             F("actual_cost", "Actual cost", K::kMoney).range(0, 1e15),
                             F("currency", "Currency", K::kPicklist).opts(kCurrencies).def("EUR"),
                             F("call_lock_minutes", "Call list lock (minutes)", K::kNumber).range(1, 1440),
                             F("description", "Description", K::kLongText)}),
                 {"name"}, {"channel", "status"}, {"name"}));
  // Members: written through POST /api/v1/campaigns/{id}/members (one row per
  // campaign and person, unique); status and call fields change through the
  // campaign endpoints. Owner and team follow the campaign's.
  add(MakeObject("campaign_members", "Campaign member", Access::kOwned,
                 {F("campaign_id", "Campaign", K::kReference).ref("campaigns").ro().idx(),
                  F("member_object", "Member type", K::kPicklist).opts({"leads", "contacts"}).ro(),
                  F("member_id", "Member", K::kReference).ro().idx(),
                  F("status", "Response", K::kPicklist).opts({"sent", "responded", "converted"}).def("sent").idx(),
                  F("call_outcome", "Last call outcome", K::kPicklist)
                      .opts({"reached", "no_answer", "voicemail", "wrong_number", "not_interested", "callback"})
                      .ro(),
                  F("last_called_at", "Last called", K::kDateTime).ro(),
                  F("called_by", "Called by", K::kReference).ref("users").ro(),
                  F("call_count", "Calls", K::kNumber).ro(), F("callback_at", "Call back at", K::kDateTime).ro(),
                  F("locked_by", "Being called by", K::kReference).ref("users").ro(),
                  F("locked_at", "Locked at", K::kDateTime).ro()}));
  // --- end lead capture and campaigns

  // --- issue 5: cadences and renewals (docs/decisions/015-cadences-and-renewals.md)
  // Cadences: organisation configuration (admins write; src/app/cadences.h).
  // `steps` is the JSON array of steps (src/domain/cadences.h), written
  // through /api/v1/cadences, which shows it as an array.
  add(MakeObject("cadences", "Cadence", Access::kOrgConfig,
                 {F("name", "Name", K::kText).req().len(200).idx(),
                  F("description", "Description", K::kLongText).len(5000), F("active", "Active", K::kBool),
                  F("steps", "Steps (JSON array)", K::kLongText).req().len(300000)}));
  // One cadence applied to one lead, contact or deal: owned like the record
  // (same owner and team); every field is written by the cadence endpoints.
  add(MakeObject("cadence_enrollments", "Cadence enrollment", Access::kOwned,
                 {F("cadence_id", "Cadence", K::kReference).ref("cadences").ro().idx(),
                  F("cadence_name", "Cadence name", K::kText).ro().len(200),
                  F("related_object", "Related to (object)", K::kPicklist)
                      .opts({"leads", "contacts", "opportunities"})
                      .ro(),
                  F("related_id", "Related to", K::kReference).ro().idx(),
                  F("status", "Status", K::kPicklist).opts({"active", "completed", "stopped"}).ro().idx(),
                  F("started_at", "Started", K::kDateTime).ro(),
                  F("time_zone", "Time zone of the due dates", K::kText).ro().len(64),
                  F("steps", "Steps when enrolled (JSON array)", K::kLongText).ro().len(300000),
                  F("current_step", "Current step (1 = first)", K::kNumber).ro(),
                  F("current_activity_id", "Current step's activity", K::kReference).ref("activities").ro().idx(),
                  F("next_due_at", "Next step due", K::kDateTime).ro(),
                  F("steps_completed", "Steps completed", K::kNumber).ro(),
                  F("steps_skipped", "Steps skipped", K::kNumber).ro(),
                  F("ended_at", "Ended", K::kDateTime).ro(),
                  F("stop_reason", "Stop reason", K::kText).ro().len(500)}));
  {
    auto& o = c.mutable_objects().at("opportunities");
    // Renewals (src/app/renewals.h): a won deal's contract end date; the
    // "renewals" job creates one renewal deal per contract, linked both ways.
    for (FieldDef f : {FieldDef(F("contract_end_date", "Contract end date", K::kDate).idx()),
                       FieldDef(F("renewal_of_id", "Renewal of", K::kReference).ref("opportunities").ro().idx()),
                       FieldDef(F("renewal_opportunity_id", "Renewal deal", K::kReference).ref("opportunities").ro())})
      o.fields.push_back(std::move(f));
    o.Reindex();
  }
  // --- end issue 5 (cadences and renewals)

  // Indexes for the list shapes views use most (filter field, sort field).
  auto& objs = c.mutable_objects();
  objs.at("contacts").list_indexes = {{"country", "last_name"}, {"account_id", "last_name"}};
  objs.at("leads").list_indexes = {{"status", "created_at"}, {"owner_id", "status"}};
  objs.at("opportunities").list_indexes = {{"pipeline_id", "stage_id"}, {"owner_id", "close_date"}};
  objs.at("activities").list_indexes = {{"owner_id", "due_at"}, {"related_id", "due_at"}};
  return c;
}

}  // namespace

const Catalog& StandardCatalog() {
  static const Catalog* c = new Catalog(BuildStandard());
  return *c;
}

}  // namespace rapport
