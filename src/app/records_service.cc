#include "app/records_service.h"

#include "meta/validate.h"
#include "store/metadata.h"

namespace rapport {

using nlohmann::json;

Result<std::shared_ptr<const Catalog>> CatalogCache::Get(Conn* c, const std::string& org_id, int64_t version) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = by_org_.find(org_id);
    if (it != by_org_.end() && it->second->version() == version) return it->second;
  }
  RP_ASSIGN_OR_RETURN(auto cat, LoadCatalog(c, org_id));
  std::lock_guard<std::mutex> lock(mu_);
  by_org_[org_id] = cat;
  return cat;
}

void CatalogCache::Invalidate(const std::string& org_id) {
  std::lock_guard<std::mutex> lock(mu_);
  by_org_.erase(org_id);
}

namespace {

bool SameValueText(const Value& a, const Value& b) {
  return IsNull(a) == IsNull(b) && ValueToString(a) == ValueToString(b);
}

// Who may write rows of `def` at all (visibility narrows it further).
Status CheckWriteRole(const TenantScope& s, const ObjectDef& def) {
  if (def.access == Access::kOwned || s.is_admin()) return Status::Ok();
  return Status::PermissionDenied("only administrators may change " + def.name);
}

// Validates a JSON body into field values. `creating` applies required checks
// after defaults; updates check that required fields are not cleared.
Result<FieldValues> Decode(const ObjectDef& def, const json& body, bool creating) {
  if (!body.is_object()) return Status::InvalidArgument("request body must be a JSON object");
  FieldValues out;
  for (auto it = body.begin(); it != body.end(); ++it) {
    const FieldDef* f = def.Find(it.key());
    if (!f) {
      if (it.key() == "password" && def.name == "users") continue;  // handled by the caller
      return Status::InvalidArgument("unknown field '" + it.key() + "' on " + def.name, it.key());
    }
    if (f->system || f->read_only) {
      if (f->name == "version" || f->name == "id") continue;  // echoed back by clients; checked elsewhere
      return Status::InvalidArgument("field '" + f->name + "' is read-only", f->name);
    }
    RP_ASSIGN_OR_RETURN(Value v, ValidateValue(*f, it.value()));
    if (f->required && IsNull(v)) return Status::InvalidArgument(f->name + ": is required", f->name);
    out[f->name] = std::move(v);
  }
  if (creating) {
    for (const auto& f : def.fields) {
      if (!f.required || f.system) continue;
      auto it = out.find(f.name);
      if ((it == out.end() || IsNull(it->second)) && f.default_text.empty())
        return Status::InvalidArgument(f.name + ": is required", f.name);
    }
  }
  return out;
}

// Every reference must name a live row of its target in this organisation.
Status CheckReferences(Conn* c, const TenantScope& s, const Catalog& cat, const ObjectDef& def,
                       const FieldValues& values, const Record* current) {
  for (const auto& [name, v] : values) {
    const FieldDef* f = def.Find(name);
    if (!f || f->kind != FieldKind::kReference || IsNull(v)) continue;
    std::string target = f->ref_object;
    if (target.empty() && name == "related_id") {
      auto ro = values.find("related_object");
      Value obj = ro != values.end() ? ro->second : (current ? current->Get(def, "related_object") : Value{});
      if (IsNull(obj))
        return Status::InvalidArgument("related_id: needs related_object (leads, contacts, accounts, opportunities)",
                                       "related_object");
      target = ValueToString(obj);
    }
    if (target.empty()) continue;
    const ObjectDef* tdef = cat.Find(target);
    if (!tdef) continue;
    RP_ASSIGN_OR_RETURN(bool ok, RecordStore::Exists(c, s, *tdef, ValueToString(v)));
    if (!ok) return Status::InvalidArgument(name + ": no " + tdef->label + " with id " + ValueToString(v), name);
  }
  return Status::Ok();
}

// Object-specific rules that metadata alone cannot say.
Status ApplyObjectRules(Conn* c, const TenantScope& s, const Catalog& cat, const ObjectDef& def, FieldValues* v,
                        const Record* current) {
  auto get = [&](const std::string& f) -> Value {
    auto it = v->find(f);
    if (it != v->end()) return it->second;
    return current ? current->Get(def, f) : Value{};
  };
  if (def.name == "leads") {
    if (IsNull(get("last_name")) && IsNull(get("company")) && IsNull(get("email")))
      return Status::InvalidArgument("last_name: a lead needs at least a last name, a company or an email",
                                     "last_name");
  } else if (def.name == "activities") {
    bool has_obj = !IsNull(get("related_object")), has_id = !IsNull(get("related_id"));
    if (has_obj != has_id)
      return Status::InvalidArgument("related_id: related_object and related_id go together", "related_id");
  } else if (def.name == "opportunities") {
    const ObjectDef* stages = cat.Find("stages");
    const ObjectDef* pipelines = cat.Find("pipelines");
    if (!current && IsNull(get("pipeline_id"))) {
      ListQuery q;
      q.filters.push_back(Filter{"is_default", FilterOp::kEq, {Value{int64_t{1}}}});
      q.limit = 1;
      RP_ASSIGN_OR_RETURN(Page pg, RecordStore::List(c, s, *pipelines, q));
      if (!pg.records.empty()) (*v)["pipeline_id"] = pg.records[0].Get(*pipelines, "id");
    }
    Value pipeline = get("pipeline_id");
    bool stage_given = v->count("stage_id") && !IsNull((*v)["stage_id"]);
    if (!current && !stage_given && !IsNull(pipeline)) {
      ListQuery q;
      q.filters.push_back(Filter{"pipeline_id", FilterOp::kEq, {pipeline}});
      q.sort.push_back(SortKey{"position", false});
      q.limit = 1;
      RP_ASSIGN_OR_RETURN(Page pg, RecordStore::List(c, s, *stages, q));
      if (!pg.records.empty()) {
        (*v)["stage_id"] = pg.records[0].Get(*stages, "id");
        stage_given = true;
      }
    }
    if (stage_given) {
      RP_ASSIGN_OR_RETURN(Record st, RecordStore::Get(c, s, *stages, ValueToString((*v)["stage_id"])));
      if (!SameValueText(st.Get(*stages, "pipeline_id"), pipeline))
        return Status::InvalidArgument("stage_id: the stage belongs to another pipeline", "stage_id");
      // The stage's probability unless the client set one with this change.
      if (!v->count("probability")) (*v)["probability"] = st.Get(*stages, "probability");
    }
  } else if (def.name == "users") {
    if (current && current->Get(def, "id") == Value{s.user_id()}) {
      auto role = v->find("role");
      if (role != v->end() && role->second != current->Get(def, "role"))
        return Status::Unprocessable("role: you cannot change your own role", "role");
      auto act = v->find("active");
      if (act != v->end() && act->second == Value{int64_t{0}})
        return Status::Unprocessable("active: you cannot deactivate yourself", "active");
    }
  }
  if (def.access == Access::kOwned) {
    auto owner = v->find("owner_id");
    if (owner != v->end() && IsNull(owner->second))
      return Status::InvalidArgument("owner_id: a record must have an owner", "owner_id");
  }
  return CheckReferences(c, s, cat, def, *v, current);
}

}  // namespace

Result<const ObjectDef*> RecordService::Object(const Catalog& cat, const std::string& name) {
  const ObjectDef* d = cat.Find(name);
  if (!d) return Status::NotFound("unknown object '" + name + "'");
  return d;
}

Result<Record> RecordService::Create(Conn* c, const TenantScope& s, const Catalog& cat, const ObjectDef& def,
                                     const json& body) {
  RP_RETURN_IF_ERROR(CheckWriteRole(s, def));
  RP_ASSIGN_OR_RETURN(FieldValues v, Decode(def, body, /*creating=*/true));
  Record out;
  Status st = InTransaction(c, TxMode::kWrite, [&]() -> Status {
    RP_RETURN_IF_ERROR(ApplyObjectRules(c, s, cat, def, &v, nullptr));
    if (def.name == "users") {
      RP_ASSIGN_OR_RETURN(Rows dup, c->Query("SELECT 1 FROM users WHERE email = ? AND org_id = ?",
                                             {v["email"], Value{s.org_id()}}));
      if (!dup.empty()) return Status::Conflict("email: a user with this email already exists", "email");
      if (!v.count("active")) v["active"] = Value{int64_t{1}};
    }
    RP_ASSIGN_OR_RETURN(out, RecordStore::Insert(c, s, def, v));
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

Result<Record> RecordService::Update(Conn* c, const TenantScope& s, const Catalog& cat, const ObjectDef& def,
                                     const std::string& id, const json& body, std::optional<int64_t> expected) {
  RP_RETURN_IF_ERROR(CheckWriteRole(s, def));
  RP_ASSIGN_OR_RETURN(FieldValues v, Decode(def, body, /*creating=*/false));
  if (body.is_object() && body.contains("version") && !expected) {
    if (!body["version"].is_number_integer()) return Status::InvalidArgument("version: must be an integer", "version");
    expected = body["version"].get<int64_t>();
  }
  Record out;
  Status st = InTransaction(c, TxMode::kWrite, [&]() -> Status {
    RP_ASSIGN_OR_RETURN(Record cur, RecordStore::Get(c, s, def, id));
    if (expected && *expected != cur.version(def)) {
      return Status::PreconditionFailed(def.label + " " + id + " was changed by someone else (now version " +
                                        std::to_string(cur.version(def)) + ", you sent " + std::to_string(*expected) +
                                        "); reload it and apply your change again");
    }
    RP_RETURN_IF_ERROR(ApplyObjectRules(c, s, cat, def, &v, &cur));
    if (def.name == "users" && v.count("email")) {
      RP_ASSIGN_OR_RETURN(Rows dup, c->Query("SELECT 1 FROM users WHERE email = ? AND org_id = ? AND id <> ?",
                                             {v["email"], Value{s.org_id()}, Value{id}}));
      if (!dup.empty()) return Status::Conflict("email: a user with this email already exists", "email");
    }
    RP_ASSIGN_OR_RETURN(out, RecordStore::Update(c, s, def, id, v, expected));
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

Result<Record> RecordService::Delete(Conn* c, const TenantScope& s, const ObjectDef& def, const std::string& id,
                                     std::optional<int64_t> expected) {
  RP_RETURN_IF_ERROR(CheckWriteRole(s, def));
  if (def.name == "users" && id == s.user_id()) return Status::Unprocessable("you cannot delete yourself");
  return RecordStore::SetDeleted(c, s, def, id, true, expected);
}

Result<Record> RecordService::Restore(Conn* c, const TenantScope& s, const ObjectDef& def, const std::string& id) {
  RP_RETURN_IF_ERROR(CheckWriteRole(s, def));
  return RecordStore::SetDeleted(c, s, def, id, false, std::nullopt);
}

json RecordService::ToJson(const ObjectDef& def, const Record& r) {
  json j = json::object();
  for (size_t i = 0; i < def.fields.size() && i < r.values.size(); ++i) {
    j[def.fields[i].name] = ValueToJson(def.fields[i], r.values[i]);
  }
  return j;
}

json RecordService::HistoryToJson(const std::vector<AuditEntry>& entries) {
  json arr = json::array();
  for (const auto& e : entries) {
    json j = {{"id", e.id}, {"at", e.at}, {"action", e.action}};
    j["user_id"] = e.user_id.empty() ? json(nullptr) : json(e.user_id);
    j["field"] = e.field.empty() ? json(nullptr) : json(e.field);
    j["old_value"] = e.has_old ? json(e.old_value) : json(nullptr);
    j["new_value"] = e.has_new ? json(e.new_value) : json(nullptr);
    if (e.action == "create" && e.has_new) {
      json parsed = json::parse(e.new_value, nullptr, false);
      if (!parsed.is_discarded()) j["new_value"] = parsed;
    }
    arr.push_back(std::move(j));
  }
  return arr;
}

}  // namespace rapport
