#include "app/forms.h"

#include <algorithm>

#include "app/campaigns.h"
#include "app/email_outbox.h"
#include "app/records_service.h"
#include "base/ids.h"
#include "base/time.h"
#include "meta/validate.h"

namespace rapport {

using nlohmann::json;

namespace {

std::string Text(const Record& r, const ObjectDef& def, const std::string& f) { return ValueToString(r.Get(def, f)); }

json FieldsJson(const std::vector<FormField>& fields) {
  json arr = json::array();
  for (const auto& f : fields) arr.push_back({{"field", f.field}, {"label", f.label}, {"required", f.required}});
  return arr;
}

// "email: is not valid" -> "is not valid".
std::string WithoutField(const Status& st, const std::string& field) {
  const std::string& m = st.message();
  if (m.rfind(field + ": ", 0) == 0) return m.substr(field.size() + 2);
  return m;
}

Status AdminOnly(const TenantScope& s) {
  if (!s.is_admin()) return Status::PermissionDenied("only administrators may manage web forms");
  return Status::Ok();
}

bool Truthy(const Value& v) {
  if (auto* i = std::get_if<int64_t>(&v)) return *i != 0;
  if (auto* d = std::get_if<double>(&v)) return *d != 0;
  return false;
}

}  // namespace

Result<std::vector<FormField>> Forms::ParseFields(const json& in, const ObjectDef& leads) {
  if (!in.is_array())
    return Status::InvalidArgument("fields: must be an array of {\"field\", \"label\", \"required\"}", "fields");
  std::vector<FormField> out;
  for (const auto& e : in) {
    FormField f;
    bool required = false;
    if (e.is_string()) {
      f.field = e.get<std::string>();
    } else if (e.is_object()) {
      for (auto it = e.begin(); it != e.end(); ++it) {
        if (it.key() == "field") {
          if (!it.value().is_string()) return Status::InvalidArgument("fields: field must be a lead field name", "fields");
          f.field = it.value().get<std::string>();
        } else if (it.key() == "label") {
          if (it.value().is_null()) continue;
          if (!it.value().is_string()) return Status::InvalidArgument("fields: label must be text", "fields");
          std::string label = it.value().get<std::string>();
          long n = Utf8Length(label);
          bool control = std::any_of(label.begin(), label.end(), [](unsigned char ch) { return ch < 0x20 || ch == 0x7f; });
          if (n < 1 || n > 200 || control)
            return Status::InvalidArgument("fields: label must be text of 1 to 200 characters on one line", "fields");
          f.label = label;
        } else if (it.key() == "required") {
          if (!it.value().is_boolean()) return Status::InvalidArgument("fields: required must be true or false", "fields");
          required = it.value().get<bool>();
        } else {
          return Status::InvalidArgument("fields: unknown key '" + it.key() + "' (field, label, required)", "fields");
        }
      }
    } else {
      return Status::InvalidArgument("fields: each entry is a field name or {\"field\", \"label\", \"required\"}",
                                     "fields");
    }
    const FieldDef* fd = leads.Find(f.field);
    if (!fd) return Status::InvalidArgument("fields: leads have no field '" + f.field + "'", "fields");
    RP_RETURN_IF_ERROR(CheckFormField(*fd));
    if (f.label.empty()) f.label = fd->label;
    f.required = required || fd->required;
    out.push_back(std::move(f));
  }
  return out;
}

WebForm Forms::FromRecord(const Catalog& cat, const std::string& org_id, const Record& r) {
  const ObjectDef& def = *cat.Find("forms");
  const ObjectDef& leads = *cat.Find("leads");
  WebForm f;
  f.rec = r;
  f.org_id = org_id;
  f.id = Text(r, def, "id");
  f.key = Text(r, def, "key");
  f.name = Text(r, def, "name");
  f.double_opt_in = Truthy(r.Get(def, "double_opt_in"));
  f.active = IsNull(r.Get(def, "active")) || Truthy(r.Get(def, "active"));
  const Value& rate = r.Get(def, "rate_limit_per_minute");
  if (auto* d = std::get_if<double>(&rate)) f.rate_per_minute = std::max(1, static_cast<int>(*d));
  if (auto* i = std::get_if<int64_t>(&rate)) f.rate_per_minute = std::max<int>(1, static_cast<int>(*i));
  f.thank_you_text = Text(r, def, "thank_you_text");
  f.redirect_url = Text(r, def, "redirect_url");
  f.submit_label = Text(r, def, "submit_label");
  f.public_url = Text(r, def, "public_url");
  while (!f.public_url.empty() && f.public_url.back() == '/') f.public_url.pop_back();
  f.campaign_id = Text(r, def, "campaign_id");
  json stored = json::parse(Text(r, def, "fields"), nullptr, false);
  if (stored.is_array()) {
    for (const auto& e : stored) {
      if (!e.is_object() || !e.contains("field") || !e["field"].is_string()) continue;
      FormField ff;
      ff.field = e["field"].get<std::string>();
      const FieldDef* fd = leads.Find(ff.field);
      if (!fd || !CheckFormField(*fd).ok()) continue;  // a field removed or changed since
      ff.label = e.value("label", std::string());
      if (ff.label.empty()) ff.label = fd->label;
      ff.required = e.value("required", false) || fd->required;
      f.fields.push_back(std::move(ff));
    }
  }
  return f;
}

Result<Record> Forms::Create(Conn* c, const TenantScope& s, const Catalog& cat, const json& body,
                             const std::string& default_public_url) {
  RP_RETURN_IF_ERROR(AdminOnly(s));
  const ObjectDef& def = *cat.Find("forms");
  if (!body.is_object()) return Status::InvalidArgument("request body must be a JSON object");
  if (!body.contains("fields")) return Status::InvalidArgument("fields: is required", "fields");
  RP_ASSIGN_OR_RETURN(std::vector<FormField> fields, ParseFields(body["fields"], *cat.Find("leads")));
  json rest = body;
  rest.erase("fields");
  RP_ASSIGN_OR_RETURN(FieldValues v, RecordService::DecodeBody(def, rest, /*creating=*/true));
  bool double_opt_in = v.count("double_opt_in") && Truthy(v["double_opt_in"]);
  RP_RETURN_IF_ERROR(CheckFormFields(fields, double_opt_in));
  if ((!v.count("public_url") || IsNull(v["public_url"])) && !default_public_url.empty()) {
    auto u = ValidateValue(*def.Find("public_url"), json(default_public_url));
    if (u.ok()) v["public_url"] = *u;
  }
  if (double_opt_in && (!v.count("public_url") || IsNull(v["public_url"])))
    return Status::Unprocessable("public_url: double opt-in needs the public base URL for the confirmation link",
                                 "public_url");
  v["fields"] = Value{FieldsJson(fields).dump()};
  v["key"] = Value{s.org_id() + "." + RandomToken(12)};
  if (!v.count("active") || IsNull(v["active"])) v["active"] = Value{int64_t{1}};
  if (!v.count("double_opt_in") || IsNull(v["double_opt_in"])) v["double_opt_in"] = Value{int64_t{0}};
  if (!v.count("rate_limit_per_minute") || IsNull(v["rate_limit_per_minute"]))
    v["rate_limit_per_minute"] = Value{double{kDefaultFormRatePerMinute}};
  return RecordService::CreateTrusted(c, s, cat, def, std::move(v));
}

Result<Record> Forms::Update(Conn* c, const TenantScope& s, const Catalog& cat, const std::string& id,
                             const json& body, std::optional<int64_t> expected_version) {
  RP_RETURN_IF_ERROR(AdminOnly(s));
  const ObjectDef& def = *cat.Find("forms");
  if (!body.is_object()) return Status::InvalidArgument("request body must be a JSON object");
  json patch = body;
  Record out;
  Status st = InTransaction(c, TxMode::kWrite, [&]() -> Status {
    RP_ASSIGN_OR_RETURN(Record cur, RecordStore::Get(c, s, def, id));
    WebForm now = FromRecord(cat, s.org_id(), cur);
    std::vector<FormField> fields = now.fields;
    if (body.contains("fields")) {
      RP_ASSIGN_OR_RETURN(fields, ParseFields(body["fields"], *cat.Find("leads")));
      patch["fields"] = FieldsJson(fields).dump();
    }
    bool double_opt_in = now.double_opt_in;
    if (body.contains("double_opt_in")) {
      if (!body["double_opt_in"].is_boolean() && !body["double_opt_in"].is_null())
        return Status::InvalidArgument("double_opt_in: must be true or false", "double_opt_in");
      double_opt_in = body["double_opt_in"].is_boolean() && body["double_opt_in"].get<bool>();
    }
    RP_RETURN_IF_ERROR(CheckFormFields(fields, double_opt_in));
    bool has_url = body.contains("public_url") ? !body["public_url"].is_null() : !now.public_url.empty();
    if (double_opt_in && !has_url)
      return Status::Unprocessable("public_url: double opt-in needs the public base URL for the confirmation link",
                                   "public_url");
    RP_ASSIGN_OR_RETURN(out, RecordService::Update(c, s, cat, def, id, patch, expected_version));
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

std::string Forms::OrgOfKey(const std::string& key) {
  size_t dot = key.find('.');
  if (dot == std::string::npos || dot == 0 || dot > 64 || dot + 1 >= key.size() || key.size() > 200) return {};
  std::string org = key.substr(0, dot);
  for (char ch : org) {
    if (!std::isalnum(static_cast<unsigned char>(ch))) return {};
  }
  return org;
}

Result<WebForm> Forms::FindByKey(Conn* c, const Catalog& cat, const std::string& key) {
  std::string org = OrgOfKey(key);
  if (org.empty()) return Status::NotFound("no such form");
  const ObjectDef& def = *cat.Find("forms");
  TenantScope sys = TenantScope::ForOperator(org);
  ListQuery q;
  q.filters.push_back(Filter{"key", FilterOp::kEq, {Value{key}}});
  q.limit = 1;
  RP_ASSIGN_OR_RETURN(Page pg, RecordStore::List(c, sys, def, q));
  if (pg.records.empty()) return Status::NotFound("no such form");
  WebForm f = FromRecord(cat, org, pg.records[0]);
  if (!f.active) return Status::NotFound("this form is closed");
  return f;
}

Result<SubmitResult> Forms::Submit(Conn* c, const Catalog& cat, const WebForm& form,
                                   const std::map<std::string, json>& values, bool strict) {
  const ObjectDef& leads = *cat.Find("leads");
  const ObjectDef& forms = *cat.Find("forms");
  SubmitResult res;
  // A bot filled the hidden field: answer as if all went well, keep nothing.
  auto hp = values.find(kHoneypotField);
  if (hp != values.end() && !hp->second.is_null() &&
      !(hp->second.is_string() && hp->second.get<std::string>().find_first_not_of(" \t\r\n") == std::string::npos)) {
    res.honeypot = true;
    res.needs_confirmation = form.double_opt_in;
    return res;
  }
  if (strict) {
    for (const auto& [k, v] : values) {
      if (k == kHoneypotField) continue;
      bool known = std::any_of(form.fields.begin(), form.fields.end(), [&](const FormField& f) { return f.field == k; });
      if (!known) res.errors.push_back({k, "is not a field of this form"});
    }
  }
  FieldValues v;
  for (const auto& f : form.fields) {
    const FieldDef* fd = leads.Find(f.field);
    if (!fd) continue;
    auto it = values.find(f.field);
    json raw = it == values.end() ? json(nullptr) : it->second;
    Result<Value> val = Value{};
    if (raw.is_string()) {
      std::string t = raw.get<std::string>();
      if (fd->kind == FieldKind::kBool) {
        std::string lower = t;
        std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char ch) { return std::tolower(ch); });
        if (lower == "on") t = "true";
      }
      val = ParseTextValue(*fd, t);
    } else if (raw.is_boolean() || raw.is_number()) {
      val = ValidateValue(*fd, raw);
    } else if (!raw.is_null()) {
      res.errors.push_back({f.field, "must be a single value"});
      continue;
    }
    if (!val.ok()) {
      res.errors.push_back({f.field, WithoutField(val.status(), f.field)});
      continue;
    }
    if (IsNull(*val)) {
      if (f.required) res.errors.push_back({f.field, "is required"});
      continue;
    }
    // A required checkbox (consent) must be ticked.
    if (f.required && fd->kind == FieldKind::kBool && !Truthy(*val)) {
      res.errors.push_back({f.field, "must be ticked"});
      continue;
    }
    v[f.field] = *val;
  }
  if (res.errors.empty() && !v.count("last_name") && !v.count("company") && !v.count("email")) {
    std::string first;
    std::string names;
    for (const auto& f : form.fields) {
      if (f.field != "last_name" && f.field != "company" && f.field != "email") continue;
      if (first.empty()) first = f.field;
      names += (names.empty() ? "" : ", ") + f.label;
    }
    res.errors.push_back({first.empty() ? "last_name" : first, "fill in at least one of: " + names});
  }
  if (!res.errors.empty()) return res;

  TenantScope sys = TenantScope::ForOperator(form.org_id);
  v["source"] = Value{std::string("web_form")};
  v["form_id"] = Value{form.id};
  if (form.double_opt_in) v["status"] = Value{std::string("unconfirmed")};
  Status st = InTransaction(c, TxMode::kWrite, [&]() -> Status {
    const ObjectDef& users = *cat.Find("users");
    std::string owner = Text(form.rec, forms, "lead_owner_id");
    if (!owner.empty()) {
      RP_ASSIGN_OR_RETURN(bool ok, RecordStore::Exists(c, sys, users, owner));
      if (!ok) owner.clear();
    }
    if (owner.empty()) owner = Text(form.rec, forms, "created_by");
    if (!owner.empty()) v["owner_id"] = Value{owner};
    bool campaign = false;
    if (!form.campaign_id.empty()) {
      RP_ASSIGN_OR_RETURN(campaign, RecordStore::Exists(c, sys, *cat.Find("campaigns"), form.campaign_id));
      if (campaign) v["campaign_id"] = Value{form.campaign_id};
    }
    RP_ASSIGN_OR_RETURN(Record lead, RecordService::CreateTrusted(c, sys, cat, leads, v));
    res.lead_id = Text(lead, leads, "id");
    if (campaign) RP_RETURN_IF_ERROR(Campaigns::AddMemberTrusted(c, sys, cat, form.campaign_id, "leads", res.lead_id, "responded"));
    if (form.double_opt_in) {
      const std::string secret = RandomToken(24);
      const std::string token = form.org_id + "." + secret;
      const int64_t now = Clock::Get().NowMillis();
      std::string email = ValueToString(v["email"]);
      RP_RETURN_IF_ERROR(c->Exec("INSERT INTO form_confirmations (org_id, token_hash, form_id, lead_id, email, "
                                 "created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                                 {Value{form.org_id}, Value{Sha256Hex(secret)}, Value{form.id}, Value{res.lead_id},
                                  Value{email}, Value{FormatIsoMillis(now)},
                                  Value{FormatIsoMillis(now + int64_t{kConfirmationDays} * 86400000)}})
                             .status());
      std::string first = ValueToString(v["first_name"]);
      OutgoingEmail m;
      m.kind = "form_confirmation";
      m.to = email;
      m.subject = "Please confirm: " + form.name;
      m.body_text = "Hello" + (first.empty() ? std::string() : " " + first) +
                    ",\n\nplease confirm your request by opening this link:\n\n" + form.public_url + "/f/confirm/" +
                    token + "\n\nThe link is valid for " + std::to_string(kConfirmationDays) +
                    " days. If you did not fill in the form \"" + form.name +
                    "\", ignore this e-mail: nothing more will be sent to you.\n";
      m.related_object = "leads";
      m.related_id = res.lead_id;
      RP_RETURN_IF_ERROR(QueueEmail(c, form.org_id, m).status());
      res.needs_confirmation = true;
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return res;
}

Result<ConfirmResult> Forms::PeekConfirmation(Conn* c, const std::string& token) {
  std::string org = OrgOfKey(token);
  if (org.empty()) return Status::NotFound("this confirmation link is not valid");
  const std::string hash = Sha256Hex(token.substr(org.size() + 1));
  RP_ASSIGN_OR_RETURN(Rows rows, c->Query("SELECT expires_at, confirmed_at FROM form_confirmations WHERE org_id = ? AND "
                                          "token_hash = ?",
                                          {Value{org}, Value{hash}}));
  if (rows.empty()) return Status::NotFound("this confirmation link is not valid");
  if (!IsNull(rows.rows[0][1])) return ConfirmResult::kAlreadyConfirmed;
  if (ValueToString(rows.rows[0][0]) < NowIso()) return ConfirmResult::kExpired;
  return ConfirmResult::kPending;
}

Result<ConfirmResult> Forms::Confirm(Conn* c, const Catalog& cat, const std::string& token) {
  std::string org = OrgOfKey(token);
  if (org.empty()) return Status::NotFound("this confirmation link is not valid");
  const std::string hash = Sha256Hex(token.substr(org.size() + 1));
  const ObjectDef& leads = *cat.Find("leads");
  TenantScope sys = TenantScope::ForOperator(org);
  ConfirmResult out = ConfirmResult::kConfirmed;
  Status st = InTransaction(c, TxMode::kWrite, [&]() -> Status {
    RP_ASSIGN_OR_RETURN(Rows rows, c->Query("SELECT lead_id, expires_at, confirmed_at FROM form_confirmations WHERE "
                                            "org_id = ? AND token_hash = ?",
                                            {Value{org}, Value{hash}}));
    if (rows.empty()) return Status::NotFound("this confirmation link is not valid");
    if (!IsNull(rows.rows[0][2])) {
      out = ConfirmResult::kAlreadyConfirmed;
      return Status::Ok();
    }
    const std::string now = NowIso();
    if (ValueToString(rows.rows[0][1]) < now) {
      out = ConfirmResult::kExpired;
      return Status::Ok();
    }
    std::string lead_id = ValueToString(rows.rows[0][0]);
    auto lead = RecordStore::Get(c, sys, leads, lead_id);
    if (!lead.ok()) return Status::NotFound("this confirmation link is not valid any more");
    RP_ASSIGN_OR_RETURN(int64_t n, c->Exec("UPDATE form_confirmations SET confirmed_at = ? WHERE org_id = ? AND "
                                           "token_hash = ? AND confirmed_at IS NULL",
                                           {Value{now}, Value{org}, Value{hash}}));
    if (n != 1) {
      out = ConfirmResult::kAlreadyConfirmed;
      return Status::Ok();
    }
    FieldValues ch{{"opt_in_confirmed_at", Value{now}}};
    if (Text(*lead, leads, "status") == "unconfirmed") ch["status"] = Value{std::string("new")};
    return RecordStore::Update(c, sys, leads, lead_id, ch, std::nullopt).status();
  });
  if (!st.ok()) return st;
  return out;
}

}  // namespace rapport
