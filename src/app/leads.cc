#include "app/leads.h"

#include <set>

#include "app/records_service.h"
#include "base/time.h"
#include "domain/leads.h"
#include "meta/validate.h"

namespace rapport {

using nlohmann::json;

namespace {

// `st` with its field (and message) put under `prefix`: "amount" of the
// opportunity becomes "create_opportunity.amount".
Status Prefixed(const Status& st, const std::string& prefix) {
  if (st.ok()) return st;
  std::string field = st.field().empty() ? prefix : prefix + "." + st.field();
  std::string msg = st.message();
  if (!st.field().empty() && msg.rfind(st.field() + ":", 0) == 0) msg = prefix + "." + msg;
  else msg = prefix + ": " + msg;
  switch (st.code()) {
    case Status::Code::kInvalidArgument: return Status::InvalidArgument(msg, field);
    case Status::Code::kUnprocessable: return Status::Unprocessable(msg, field);
    case Status::Code::kConflict: return Status::Conflict(msg, field);
    default: return st;
  }
}

std::string Text(const Record& r, const ObjectDef& def, const std::string& f) { return ValueToString(r.Get(def, f)); }

// Adds lead field `from` to `body` as `to` when it has a value.
void CopyField(const Record& lead, const ObjectDef& leads, const std::string& from, const std::string& to, json* body) {
  const FieldDef* f = leads.Find(from);
  if (!f) return;
  const Value& v = lead.Get(leads, from);
  if (IsNull(v)) return;
  (*body)[to] = ValueToJson(*f, v);
}

// `overrides` (an object, or null) merged over `body`.
void Merge(const json& overrides, json* body) {
  if (!overrides.is_object()) return;
  for (auto it = overrides.begin(); it != overrides.end(); ++it) (*body)[it.key()] = it.value();
}

json PersonName(const Record& r, const ObjectDef& def) {
  std::string first = Text(r, def, "first_name"), last = Text(r, def, "last_name");
  std::string n = first.empty() ? last : last.empty() ? first : first + " " + last;
  return n;
}

}  // namespace

Result<ConvertRequest> ParseConvertRequest(const json& b) {
  ConvertRequest r;
  if (b.is_null()) return r;
  if (!b.is_object()) return Status::InvalidArgument("request body must be a JSON object");
  for (auto it = b.begin(); it != b.end(); ++it) {
    const std::string& k = it.key();
    const json& v = it.value();
    auto id = [&](std::string* out) -> Status {
      if (v.is_null()) return Status::Ok();
      if (!v.is_string() || v.get<std::string>().empty() || v.get<std::string>().size() > 64)
        return Status::InvalidArgument(k + ": must be a record id", k);
      *out = v.get<std::string>();
      return Status::Ok();
    };
    auto obj = [&](json* out) -> Status {
      if (v.is_null() || (v.is_boolean() && !v.get<bool>())) return Status::Ok();
      if (v.is_boolean()) {  // "create_opportunity": true -> all defaults
        *out = json::object();
        return Status::Ok();
      }
      if (!v.is_object()) return Status::InvalidArgument(k + ": must be an object of fields", k);
      *out = v;
      return Status::Ok();
    };
    if (k == "account_id") RP_RETURN_IF_ERROR(id(&r.account_id));
    else if (k == "contact_id") RP_RETURN_IF_ERROR(id(&r.contact_id));
    else if (k == "owner_id") RP_RETURN_IF_ERROR(id(&r.owner_id));
    else if (k == "account") RP_RETURN_IF_ERROR(obj(&r.account));
    else if (k == "contact") RP_RETURN_IF_ERROR(obj(&r.contact));
    else if (k == "create_opportunity" || k == "opportunity") RP_RETURN_IF_ERROR(obj(&r.create_opportunity));
    else if (k == "create_account") {
      if (!v.is_boolean()) return Status::InvalidArgument("create_account: must be true or false", k);
      r.create_account = v.get<bool>();
    } else {
      return Status::InvalidArgument("unknown option '" + k +
                                         "' (account_id, account, create_account, contact_id, contact, "
                                         "create_opportunity, owner_id)",
                                     k);
    }
  }
  if (!r.account_id.empty() && !r.account.is_null())
    return Status::InvalidArgument("account: give account_id to link an account or account to create one, not both",
                                   "account");
  if (!r.account_id.empty() && r.create_account == true)
    return Status::InvalidArgument("create_account: account_id links an existing account", "create_account");
  if (!r.contact_id.empty() && !r.contact.is_null())
    return Status::InvalidArgument("contact: give contact_id to link a contact or contact to create one, not both",
                                   "contact");
  return r;
}

Status Leads::ApplyStatusRules(const ObjectDef& def, FieldValues* v, const Record* current) {
  if (!current) return Status::Ok();
  auto get = [&](const std::string& f) -> Value {
    auto it = v->find(f);
    if (it != v->end()) return it->second;
    return current->Get(def, f);
  };
  const std::string from = ValueToString(current->Get(def, "status"));
  auto st = v->find("status");
  bool status_given = st != v->end();
  if (status_given && IsNull(st->second)) return Status::Unprocessable("status: a lead always has a status", "status");
  const std::string to = status_given ? ValueToString(st->second) : from;
  bool reason_given = v->count("disqualified_reason") || v->count("disqualified_reason_text");
  if ((status_given && to != from) || (to == "disqualified" && reason_given)) {
    LeadStatusChange ch{from, to, ValueToString(get("disqualified_reason")),
                        ValueToString(get("disqualified_reason_text"))};
    RP_RETURN_IF_ERROR(ValidateLeadTransition(ch));
  }
  if (from == "disqualified" && to != "disqualified") {
    if (!v->count("disqualified_reason")) (*v)["disqualified_reason"] = Value{};
    if (!v->count("disqualified_reason_text")) (*v)["disqualified_reason_text"] = Value{};
  }
  return Status::Ok();
}

json Leads::StatusFlow(const Catalog& cat) {
  json transitions = json::object();
  for (const auto& s : LeadStatuses()) transitions[s] = AllowedLeadTransitions(s);
  json reasons = json::array();
  if (const ObjectDef* leads = cat.Find("leads")) {
    if (const FieldDef* f = leads->Find("disqualified_reason")) reasons = f->options;
  }
  return json{{"statuses", LeadStatuses()},
              {"transitions", transitions},
              {"disqualified_reasons", reasons},
              {"reason_text_required_for", json::array({"other"})},
              {"set_by_system", json::array({"converted", "unconfirmed"})}};
}

Result<json> Leads::ConvertMatches(Conn* c, const TenantScope& s, const Catalog& cat, const std::string& lead_id) {
  const ObjectDef& leads = *cat.Find("leads");
  const ObjectDef& contacts = *cat.Find("contacts");
  const ObjectDef& accounts = *cat.Find("accounts");
  RP_ASSIGN_OR_RETURN(Record lead, RecordStore::Get(c, s, leads, lead_id));
  const std::string email = Text(lead, leads, "email");
  const std::string company = Text(lead, leads, "company");
  const std::string domain = EmailDomain(email);
  const bool free_mail = !domain.empty() && IsFreeMailDomain(domain);

  json contact_matches = json::array();
  if (!email.empty()) {
    ListQuery q;
    q.filters.push_back(Filter{"email", FilterOp::kEq, {Value{email}}});
    q.limit = 20;
    RP_ASSIGN_OR_RETURN(Page pg, RecordStore::List(c, s, contacts, q));
    for (const auto& r : pg.records) {
      contact_matches.push_back({{"id", Text(r, contacts, "id")},
                                 {"name", PersonName(r, contacts)},
                                 {"first_name", ValueToJson(*contacts.Find("first_name"), r.Get(contacts, "first_name"))},
                                 {"last_name", Text(r, contacts, "last_name")},
                                 {"email", Text(r, contacts, "email")},
                                 {"account_id", ValueToJson(*contacts.Find("account_id"), r.Get(contacts, "account_id"))},
                                 {"reason", "same_email"}});
    }
  }

  json account_matches = json::array();
  std::set<std::string> seen;
  auto add_account = [&](const Record& r, const std::string& reason, double score) {
    std::string id = Text(r, accounts, "id");
    if (!seen.insert(id).second) return;
    account_matches.push_back({{"id", id},
                               {"name", Text(r, accounts, "name")},
                               {"domain", ValueToJson(*accounts.Find("domain"), r.Get(accounts, "domain"))},
                               {"city", ValueToJson(*accounts.Find("city"), r.Get(accounts, "city"))},
                               {"reason", reason},
                               {"score", score}});
  };
  if (!domain.empty() && !free_mail) {
    ListQuery q;
    q.filters.push_back(Filter{"domain", FilterOp::kIn, {Value{domain}, Value{"www." + domain}}});
    q.limit = 20;
    RP_ASSIGN_OR_RETURN(Page pg, RecordStore::List(c, s, accounts, q));
    for (const auto& r : pg.records) add_account(r, "same_domain", 1.0);
  }
  std::string key = CompanyKey(company);
  if (!key.empty()) {
    // Candidates: names starting with the first word of the company's key
    // (an index range on accounts.name), then scored by word overlap.
    std::string first = key.substr(0, key.find(' '));
    ListQuery q;
    q.filters.push_back(Filter{"name", FilterOp::kStartsWith, {Value{first}}});
    q.limit = 200;
    RP_ASSIGN_OR_RETURN(Page pg, RecordStore::List(c, s, accounts, q));
    std::vector<std::pair<double, const Record*>> scored;
    for (const auto& r : pg.records) {
      double sim = CompanyNameSimilarity(company, Text(r, accounts, "name"));
      if (sim >= kCompanyMatchThreshold) scored.emplace_back(sim, &r);
    }
    std::stable_sort(scored.begin(), scored.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    for (size_t i = 0; i < scored.size() && i < 20; ++i) add_account(*scored[i].second, "similar_name", scored[i].first);
  }

  json suggested = {{"account_id", nullptr}, {"contact_id", nullptr}};
  if (!account_matches.empty()) suggested["account_id"] = account_matches[0]["id"];
  for (const auto& m : contact_matches) {
    if (suggested["contact_id"].is_null() || (!suggested["account_id"].is_null() && m["account_id"] == suggested["account_id"]))
      suggested["contact_id"] = m["id"];
  }

  json account_defaults = json::object();
  CopyField(lead, leads, "company", "name", &account_defaults);
  if (!domain.empty() && !free_mail) account_defaults["domain"] = domain;
  json contact_defaults = json::object();
  for (const char* f : {"first_name", "last_name", "email", "phone", "title"}) CopyField(lead, leads, f, f, &contact_defaults);
  std::string who = company.empty() ? PersonName(lead, leads).get<std::string>() : company;
  json opp_defaults = {{"name", who.empty() ? "New opportunity" : who + " opportunity"}};

  Status convertible = CheckLeadConvertible(Text(lead, leads, "status"));
  return json{{"lead_id", lead_id},
              {"status", Text(lead, leads, "status")},
              {"convertible", convertible.ok()},
              {"not_convertible_reason", convertible.ok() ? json(nullptr) : json(convertible.message())},
              {"email_domain", domain.empty() ? json(nullptr) : json(domain)},
              {"free_mail", free_mail},
              {"contacts", contact_matches},
              {"accounts", account_matches},
              {"suggested", suggested},
              {"defaults", {{"account", account_defaults}, {"contact", contact_defaults}, {"opportunity", opp_defaults}}}};
}

Result<json> Leads::Convert(Conn* c, const TenantScope& s, const Catalog& cat, const std::string& lead_id,
                            const ConvertRequest& req) {
  const ObjectDef& leads = *cat.Find("leads");
  const ObjectDef& contacts = *cat.Find("contacts");
  const ObjectDef& accounts = *cat.Find("accounts");
  const ObjectDef& opps = *cat.Find("opportunities");
  const ObjectDef& activities = *cat.Find("activities");
  const ObjectDef* members = cat.Find("campaign_members");
  json out;
  Status st = InTransaction(c, TxMode::kWrite, [&]() -> Status {
    RP_ASSIGN_OR_RETURN(Record lead, RecordStore::Get(c, s, leads, lead_id));
    RP_RETURN_IF_ERROR(CheckLeadConvertible(Text(lead, leads, "status")));
    std::string owner = req.owner_id;
    if (owner.empty()) owner = Text(lead, leads, "owner_id");
    if (owner.empty()) owner = s.user_id();
    const std::string company = Text(lead, leads, "company");
    const std::string domain = EmailDomain(Text(lead, leads, "email"));

    // --- account: link or create
    std::optional<Record> account;
    bool created_account = false;
    if (!req.account_id.empty()) {
      auto a = RecordStore::Get(c, s, accounts, req.account_id);
      if (!a.ok())
        return a.status().code() == Status::Code::kNotFound
                   ? Status::InvalidArgument("account_id: no account " + req.account_id + " that you can see",
                                             "account_id")
                   : a.status();
      account = *a;
    } else {
      bool named = !company.empty() || (req.account.is_object() && req.account.contains("name"));
      bool want = req.create_account.value_or(named);
      if (want) {
        json body = json::object();
        CopyField(lead, leads, "company", "name", &body);
        if (!domain.empty() && !IsFreeMailDomain(domain)) body["domain"] = domain;
        for (const char* f : {"street", "city", "postcode", "country"}) CopyField(lead, leads, f, f, &body);
        if (!owner.empty()) body["owner_id"] = owner;
        Merge(req.account, &body);
        if (!body.contains("name") || body["name"].is_null())
          return Status::Unprocessable("account.name: the lead has no company; give account.name or create_account "
                                       "false",
                                       "account.name");
        auto a = RecordService::Create(c, s, cat, accounts, body);
        if (!a.ok()) return Prefixed(a.status(), "account");
        account = *a;
        created_account = true;
      }
    }
    const std::string account_id = account ? Text(*account, accounts, "id") : "";

    // --- contact: link or create
    Record contact;
    bool created_contact = false;
    if (!req.contact_id.empty()) {
      auto ct = RecordStore::Get(c, s, contacts, req.contact_id);
      if (!ct.ok())
        return ct.status().code() == Status::Code::kNotFound
                   ? Status::InvalidArgument("contact_id: no contact " + req.contact_id + " that you can see",
                                             "contact_id")
                   : ct.status();
      contact = *ct;
      if (!account_id.empty() && IsNull(contact.Get(contacts, "account_id"))) {
        auto upd = RecordService::Update(c, s, cat, contacts, req.contact_id, json{{"account_id", account_id}},
                                         std::nullopt);
        if (!upd.ok()) return Prefixed(upd.status(), "contact");
        contact = *upd;
      }
    } else {
      json body = json::object();
      for (const char* f : {"first_name", "last_name", "email", "phone", "title", "street", "city", "postcode",
                            "country", "description", "source", "email_opt_out", "do_not_mail", "do_not_call"})
        CopyField(lead, leads, f, f, &body);
      if (!account_id.empty()) body["account_id"] = account_id;
      if (!owner.empty()) body["owner_id"] = owner;
      Merge(req.contact, &body);
      if (!body.contains("last_name") || body["last_name"].is_null())
        return Status::Unprocessable("contact.last_name: the lead has no last name; give contact.last_name",
                                     "contact.last_name");
      auto ct = RecordService::Create(c, s, cat, contacts, body);
      if (!ct.ok()) return Prefixed(ct.status(), "contact");
      contact = *ct;
      created_contact = true;
    }
    const std::string contact_id = Text(contact, contacts, "id");

    // --- opportunity (optional)
    std::optional<Record> opp;
    if (req.create_opportunity.is_object()) {
      json body = json::object();
      std::string who = company.empty() ? PersonName(lead, leads).get<std::string>() : company;
      body["name"] = who.empty() ? "New opportunity" : who + " opportunity";
      if (!account_id.empty()) body["account_id"] = account_id;
      body["contact_id"] = contact_id;
      if (!owner.empty()) body["owner_id"] = owner;
      Merge(req.create_opportunity, &body);
      auto o = RecordService::Create(c, s, cat, opps, body);
      if (!o.ok()) return Prefixed(o.status(), "create_opportunity");
      opp = *o;
    }
    const std::string opp_id = opp ? Text(*opp, opps, "id") : "";

    // --- activities move to the contact. Every activity of the lead moves,
    // also those of other owners the caller may not see: they are the lead's
    // history, and converting it is authorised above (audited as the caller).
    TenantScope system = TenantScope::ForOperator(s.org_id(), s.user_id());
    RP_ASSIGN_OR_RETURN(Rows acts, c->Query("SELECT id FROM activities WHERE org_id = ? AND related_object = 'leads' "
                                            "AND related_id = ? AND deleted_at IS NULL ORDER BY id",
                                            {Value{s.org_id()}, Value{lead_id}}));
    int64_t moved = 0;
    for (const auto& r : acts.rows) {
      FieldValues ch{{"related_object", Value{std::string("contacts")}}, {"related_id", Value{contact_id}}};
      RP_ASSIGN_OR_RETURN(Record a, RecordStore::Update(c, system, activities, ValueToString(r[0]), ch, std::nullopt));
      (void)a;
      ++moved;
    }

    // --- campaign memberships of the lead count as converted
    if (members) {
      RP_ASSIGN_OR_RETURN(Rows ms, c->Query("SELECT id FROM campaign_members WHERE org_id = ? AND member_id = ? AND "
                                            "deleted_at IS NULL",
                                            {Value{s.org_id()}, Value{lead_id}}));
      for (const auto& r : ms.rows) {
        FieldValues ch{{"status", Value{std::string("converted")}}};
        RP_ASSIGN_OR_RETURN(Record m, RecordStore::Update(c, system, *members, ValueToString(r[0]), ch, std::nullopt));
        (void)m;
      }
    }

    // --- the lead keeps links to what it became
    FieldValues ch{{"status", Value{std::string("converted")}},
                   {"converted_account_id", account_id.empty() ? Value{} : Value{account_id}},
                   {"converted_contact_id", Value{contact_id}},
                   {"converted_opportunity_id", opp_id.empty() ? Value{} : Value{opp_id}},
                   {"converted_at", Value{NowIso()}}};
    RP_ASSIGN_OR_RETURN(Record updated, RecordStore::Update(c, s, leads, lead_id, ch, std::nullopt));

    out = {{"lead", RecordService::ToJson(leads, updated)},
           {"account", account ? RecordService::ToJson(accounts, *account) : json(nullptr)},
           {"contact", RecordService::ToJson(contacts, contact)},
           {"opportunity", opp ? RecordService::ToJson(opps, *opp) : json(nullptr)},
           {"created", {{"account", created_account}, {"contact", created_contact}, {"opportunity", opp.has_value()}}},
           {"activities_moved", moved}};
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

}  // namespace rapport
