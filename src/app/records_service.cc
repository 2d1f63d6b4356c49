#include "app/records_service.h"
#include "app/commitments.h"  // issue 5: reminders, recurring tasks
#include "app/cadences.h"     // issue 5: cadences (docs/decisions/015)
#include "app/renewals.h"     // issue 5: next renewal in account health

#include "app/quotes.h"
#include "app/campaigns.h"  // issue 4: campaign rules
#include "app/leads.h"      // issue 4: lead status flow
#include "app/assignment.h"     // issue 4: assignment rules, rep schedules
#include "app/lead_pipeline.h"  // issue 4: enrich, score, qualify, assign on capture
#include "app/scoring.h"        // issue 4: scoring rules
#include "app/team_selling.h"   // issue 5: follows, mentions, feed notifications

#include "base/ids.h"
#include "base/time.h"
#include "domain/business_hours.h"
#include "domain/stages.h"
#include "app/settings.h"
#include "meta/validate.h"
#include "store/metadata.h"

#include <set>

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

StageInfo StageFromRecord(const ObjectDef& def, const Record& r) {
  StageInfo st;
  st.id = ValueToString(r.Get(def, "id"));
  st.name = ValueToString(r.Get(def, "name"));
  st.kind = ValueToString(r.Get(def, "kind"));
  const Value& pos = r.Get(def, "position");
  st.position = std::get_if<double>(&pos) ? std::get<double>(pos) : std::get_if<int64_t>(&pos) ? double(std::get<int64_t>(pos)) : 0;
  const Value& pr = r.Get(def, "probability");
  st.probability = std::get_if<double>(&pr) ? std::get<double>(pr) : std::get_if<int64_t>(&pr) ? double(std::get<int64_t>(pr)) : 0;
  st.required_fields = SplitList(ValueToString(r.Get(def, "required_fields")));
  json acts = ValueToJson(*def.Find("required_activities"), r.Get(def, "required_activities"));
  for (const auto& a : acts) st.required_activities.push_back(a.get<std::string>());
  st.forecast_category = ValueToString(r.Get(def, "forecast_category"));
  return st;
}

// Pipelines and stages of a deal: defaults on create, exit criteria and
// won/lost reasons on a move, probability and forecast category from the new
// stage, closed_at on closing and reopening.
Status ApplyOpportunityRules(Conn* c, const TenantScope& s, const Catalog& cat, const ObjectDef& def, FieldValues* v,
                             const Record* current) {
  auto get = [&](const std::string& f) -> Value {
    auto it = v->find(f);
    if (it != v->end()) return it->second;
    return current ? current->Get(def, f) : Value{};
  };
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
  bool pipeline_changed = current && v->count("pipeline_id") && !SameValueText((*v)["pipeline_id"], current->Get(def, "pipeline_id"));
  bool stage_given = v->count("stage_id") && !IsNull((*v)["stage_id"]);
  if ((!current || pipeline_changed) && !stage_given && !IsNull(pipeline)) {
    ListQuery q;
    q.filters.push_back(Filter{"pipeline_id", FilterOp::kEq, {pipeline}});
    q.sort.push_back(SortKey{"position", false});
    q.limit = 1;
    RP_ASSIGN_OR_RETURN(Page pg, RecordStore::List(c, s, *stages, q));
    if (pg.records.empty()) return Status::Unprocessable("pipeline_id: the pipeline has no stages", "pipeline_id");
    (*v)["stage_id"] = pg.records[0].Get(*stages, "id");
    stage_given = true;
  }
  if (!stage_given) return Status::Ok();
  bool moved = !current || !SameValueText((*v)["stage_id"], current->Get(def, "stage_id"));
  if (!moved) return Status::Ok();
  auto to_rec = RecordStore::Get(c, s, *stages, ValueToString((*v)["stage_id"]));
  if (!to_rec.ok()) return Status::InvalidArgument("stage_id: no stage with id " + ValueToString((*v)["stage_id"]), "stage_id");
  if (!SameValueText(to_rec->Get(*stages, "pipeline_id"), pipeline))
    return Status::InvalidArgument("stage_id: the stage belongs to another pipeline", "stage_id");
  StageInfo to = StageFromRecord(*stages, *to_rec);
  if (current && !IsNull(current->Get(def, "stage_id")) && !pipeline_changed) {
    auto from_rec = RecordStore::Get(c, s, *stages, ValueToString(current->Get(def, "stage_id")), true);
    if (from_rec.ok()) {
      StageInfo from = StageFromRecord(*stages, *from_rec);
      if (ExitCriteriaApply(from, to)) {
        std::set<std::string> done;
        RP_ASSIGN_OR_RETURN(Rows acts, c->Query("SELECT DISTINCT type FROM activities WHERE org_id = ? AND "
                                                "related_object = 'opportunities' AND related_id = ? AND "
                                                "deleted_at IS NULL AND (done_at IS NOT NULL OR type IN ('note', 'email'))",
                                                {Value{s.org_id()}, current->Get(def, "id")}));
        for (auto& r : acts.rows) done.insert(ValueToString(r[0]));
        ExitGaps gaps = MissingToLeave(from, [&](const std::string& f) { return !IsNull(get(f)); }, done);
        if (!gaps.empty()) {
          // details: what the web app's board lists (issue 5), the message for people.
          return Status::Unprocessable("stage_id: cannot leave '" + from.name + "' yet: " + gaps.Describe(),
                                       gaps.fields.empty() ? "stage_id" : gaps.fields[0])
              .WithDetail("missing_fields", gaps.fields)
              .WithDetail("missing_activities", gaps.activities)
              .WithDetail("from_stage", {from.name});
        }
      }
    }
  }
  if (to.kind == "won" || to.kind == "lost") {
    if (IsNull(get("close_reason")))
      return Status::Unprocessable("close_reason: a " + to.kind + " deal needs a reason", "close_reason")
          .WithDetail("missing_fields", {"close_reason"})
          .WithDetail("missing_activities", {})
          .WithDetail("to_kind", {to.kind});
    if (!current || IsNull(current->Get(def, "closed_at"))) (*v)["closed_at"] = Value{NowIso()};
  } else if (current && !IsNull(current->Get(def, "closed_at"))) {
    (*v)["closed_at"] = Value{};  // reopened
    if (!v->count("close_reason")) (*v)["close_reason"] = Value{};
    if (!v->count("close_reason_text")) (*v)["close_reason_text"] = Value{};
  }
  if (!v->count("probability")) (*v)["probability"] = Value{to.probability};
  if (!v->count("forecast_category")) (*v)["forecast_category"] = Value{DefaultForecastCategory(to)};
  return Status::Ok();
}

// Service levels: due times from the priority's targets in business hours,
// first response when a case leaves "new", breach recorded on resolution.
Status ApplyCaseRules(Conn* c, const TenantScope& s, const ObjectDef& def, FieldValues* v, const Record* current) {
  auto get = [&](const std::string& f) -> Value {
    auto it = v->find(f);
    if (it != v->end()) return it->second;
    return current ? current->Get(def, f) : Value{};
  };
  const std::string now = NowIso();
  std::string priority = IsNull(get("priority")) ? "normal" : ValueToString(get("priority"));
  if (!current || (v->count("priority") && !SameValueText((*v)["priority"], current->Get(def, "priority")))) {
    RP_ASSIGN_OR_RETURN(OrgSettings settings, LoadSettings(c, s.org_id()));
    RP_ASSIGN_OR_RETURN(BusinessHours bh, ParseBusinessHours(settings.business_hours, settings.utc_offset_minutes));
    int64_t opened = 0;
    ParseDateTime(current ? ValueToString(current->Get(def, "created_at")) : now, &opened);
    SlaTargets t = SlaForPriority(priority);
    (*v)["first_response_due"] = Value{FormatIsoMillis(AddBusinessMinutes(opened, t.first_response, bh))};
    (*v)["resolution_due"] = Value{FormatIsoMillis(AddBusinessMinutes(opened, t.resolution, bh))};
  }
  std::string status = IsNull(get("status")) ? "new" : ValueToString(get("status"));
  if (status != "new" && IsNull(get("first_responded_at"))) (*v)["first_responded_at"] = Value{now};
  bool done = status == "resolved" || status == "closed";
  if (done && IsNull(get("resolved_at"))) {
    (*v)["resolved_at"] = Value{now};
    std::string responded = ValueToString(get("first_responded_at"));
    bool late = now > ValueToString(get("resolution_due")) || responded > ValueToString(get("first_response_due"));
    (*v)["sla_breached"] = Value{int64_t{late ? 1 : 0}};
  } else if (!done && current && !IsNull(current->Get(def, "resolved_at"))) {
    (*v)["resolved_at"] = Value{};  // reopened
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
    RP_RETURN_IF_ERROR(Leads::ApplyStatusRules(def, v, current));  // issue 4: status flow
  } else if (def.name == "campaigns" || def.name == "campaign_members") {
    RP_RETURN_IF_ERROR(Campaigns::ApplyRules(def, v, current));  // issue 4
  } else if (def.name == "activities") {
    bool has_obj = !IsNull(get("related_object")), has_id = !IsNull(get("related_id"));
    if (has_obj != has_id)
      return Status::InvalidArgument("related_id: related_object and related_id go together", "related_id");
  } else if (def.name == "opportunities") {
    RP_RETURN_IF_ERROR(ApplyOpportunityRules(c, s, cat, def, v, current));
  } else if (def.name == "quotes") {
    RP_RETURN_IF_ERROR(Quotes::ApplyQuoteRules(c, s, cat, def, v, current));
  } else if (def.name == "quote_lines") {
    RP_RETURN_IF_ERROR(Quotes::ApplyLineRules(c, s, cat, def, v, current));
  } else if (def.name == "products" || def.name == "price_books") {
    if (!current && IsNull(get("active"))) (*v)["active"] = Value{int64_t{1}};
    if (def.name == "products" && v->count("sku") && !IsNull((*v)["sku"])) {
      RP_ASSIGN_OR_RETURN(Rows dup, c->Query("SELECT id FROM products WHERE org_id = ? AND sku = ? AND deleted_at IS NULL",
                                             {Value{s.org_id()}, (*v)["sku"]}));
      for (auto& r : dup.rows) {
        if (!current || !SameValueText(r[0], current->Get(def, "id")))
          return Status::Conflict("sku: another product has this SKU", "sku");
      }
    }
  } else if (def.name == "price_book_entries" && !current) {
    RP_ASSIGN_OR_RETURN(Rows dup, c->Query("SELECT 1 FROM price_book_entries WHERE org_id = ? AND price_book_id = ? AND "
                                           "product_id = ? AND deleted_at IS NULL",
                                           {Value{s.org_id()}, get("price_book_id"), get("product_id")}));
    if (!dup.empty()) return Status::Conflict("product_id: the product already has a price in this book", "product_id");
  } else if (def.name == "cases") {
    RP_RETURN_IF_ERROR(ApplyCaseRules(c, s, def, v, current));
  } else if (def.name == "stages") {
    const ObjectDef* opps = cat.Find("opportunities");
    for (const auto& f : SplitList(ValueToString(get("required_fields")))) {
      const FieldDef* fd = opps->Find(f);
      if (!fd || fd->system || fd->read_only)
        return Status::InvalidArgument("required_fields: '" + f + "' is not an opportunity field", "required_fields");
    }
  } else if (def.name == "cadences") {
    RP_RETURN_IF_ERROR(Cadences::ApplyRules(def, v, current));  // issue 5: steps
  } else if (def.name == "scoring_rules") {
    RP_RETURN_IF_ERROR(ValidateScoringRule(c, s, cat, def, v, current));  // issue 4
  } else if (def.name == "assignment_rules") {
    RP_RETURN_IF_ERROR(ValidateAssignmentRule(c, s, cat, def, v, current));  // issue 4
  } else if (def.name == "users") {
    RP_RETURN_IF_ERROR(ValidateUserSchedule(def, *v));  // issue 4: time_zone, working_hours
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

// Appends the deal's move to stage history (same transaction as the change).
Status RecordStageMove(Conn* c, const TenantScope& s, const ObjectDef& def, const Record* before, const Record& after) {
  Value from = before ? before->Get(def, "stage_id") : Value{};
  Value to = after.Get(def, "stage_id");
  if (IsNull(to) || (before && SameValueText(from, to))) return Status::Ok();
  auto r = c->Exec(
      "INSERT INTO stage_history (org_id, id, opportunity_id, pipeline_id, from_stage_id, to_stage_id, at, user_id, "
      "amount, currency, probability) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {Value{s.org_id()}, Value{NewId()}, after.Get(def, "id"), after.Get(def, "pipeline_id"), from, to,
       after.Get(def, "updated_at"), s.user_id().empty() ? Value{} : Value{s.user_id()}, after.Get(def, "amount"),
       after.Get(def, "currency"), after.Get(def, "probability")});
  return r.ok() ? Status::Ok() : r.status();
}

// Issue 4 (app/lead_pipeline.h): the pipeline that enriches, scores, qualifies
// and assigns leads (and scores deals) in the record's transaction: the
// caller's (an import keeps one for all its rows) or a new one.
LeadPipeline* PipelineFor(const TenantScope& s, const ObjectDef& def, LeadPipeline* given,
                          std::unique_ptr<LeadPipeline>* own) {
  if (!LeadPipeline::Handles(def)) return nullptr;
  if (given) return given;
  *own = std::make_unique<LeadPipeline>(s.org_id());
  return own->get();
}

Result<const ObjectDef*> RecordService::Object(const Catalog& cat, const std::string& name) {
  const ObjectDef* d = cat.Find(name);
  if (!d) return Status::NotFound("unknown object '" + name + "'");
  return d;
}

Result<Record> RecordService::Create(Conn* c, const TenantScope& s, const Catalog& cat, const ObjectDef& def,
                                     const json& body_in, LeadPipeline* pipeline) {
  RP_RETURN_IF_ERROR(CheckWriteRole(s, def));
  RP_ASSIGN_OR_RETURN(FieldValues v, DecodeForCreate(def, body_in));
  const bool owner_given = body_in.is_object() && body_in.contains("owner_id") && !body_in["owner_id"].is_null();
  return CreateDecoded(c, s, cat, def, std::move(v), owner_given, pipeline);
}

Result<FieldValues> RecordService::DecodeForCreate(const ObjectDef& def, const json& body_in) {
  const json body = def.name == "assignment_rules" ? PrepareAssignmentRuleBody(body_in) : body_in;  // issue 4
  return Decode(def, body, /*creating=*/true);
}

Result<Record> RecordService::CreateDecoded(Conn* c, const TenantScope& s, const Catalog& cat, const ObjectDef& def,
                                            FieldValues v, bool owner_given, LeadPipeline* pipeline) {
  RP_RETURN_IF_ERROR(CheckWriteRole(s, def));
  Record out;
  Status st = InTransaction(c, TxMode::kWrite, [&]() -> Status {
    std::unique_ptr<LeadPipeline> own;  // issue 4: lead capture
    LeadPipeline* lp = PipelineFor(s, def, pipeline, &own);
    if (lp) RP_RETURN_IF_ERROR(lp->BeforeCreate(c, s, cat, def, &v, owner_given));
    RP_RETURN_IF_ERROR(ApplyObjectRules(c, s, cat, def, &v, nullptr));
    if (def.name == "users") {
      RP_ASSIGN_OR_RETURN(Rows dup, c->Query("SELECT 1 FROM users WHERE email = ? AND org_id = ?",
                                             {v["email"], Value{s.org_id()}}));
      if (!dup.empty()) return Status::Conflict("email: a user with this email already exists", "email");
      if (!v.count("active")) v["active"] = Value{int64_t{1}};
    }
    RP_ASSIGN_OR_RETURN(out, RecordStore::Insert(c, s, def, v));
    if (def.name == "opportunities") RP_RETURN_IF_ERROR(RecordStageMove(c, s, def, nullptr, out));
    if (def.name == "quote_lines") RP_RETURN_IF_ERROR(Quotes::Recalculate(c, s, cat, ValueToString(out.Get(def, "quote_id"))));
    if (lp) RP_RETURN_IF_ERROR(lp->AfterCreate(c, s, cat, def, out));  // issue 4
    RP_RETURN_IF_ERROR(TeamSelling::AfterCreate(c, s, cat, def, out));  // issue 5: team selling
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

Result<FieldValues> RecordService::DecodeBody(const ObjectDef& def, const json& body, bool creating) {
  return Decode(def, body, creating);
}

Result<Record> RecordService::CreateTrusted(Conn* c, const TenantScope& s, const Catalog& cat, const ObjectDef& def,
                                            FieldValues v) {
  Record out;
  Status st = InTransaction(c, TxMode::kWrite, [&]() -> Status {
    std::unique_ptr<LeadPipeline> own;  // issue 4: web-form leads are captured too
    LeadPipeline* lp = PipelineFor(s, def, nullptr, &own);
    // A web form's lead owner is the fallback: assignment rules route form leads first.
    bool owner_given = v.count("owner_id") && !IsNull(v["owner_id"]) && !(def.name == "leads" && v.count("form_id"));
    if (lp) RP_RETURN_IF_ERROR(lp->BeforeCreate(c, s, cat, def, &v, owner_given));
    RP_RETURN_IF_ERROR(ApplyObjectRules(c, s, cat, def, &v, nullptr));
    RP_ASSIGN_OR_RETURN(out, RecordStore::Insert(c, s, def, v));
    if (lp) RP_RETURN_IF_ERROR(lp->AfterCreate(c, s, cat, def, out));  // issue 4
    RP_RETURN_IF_ERROR(TeamSelling::AfterCreate(c, s, cat, def, out));  // issue 5: team selling
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

Result<Record> RecordService::Update(Conn* c, const TenantScope& s, const Catalog& cat, const ObjectDef& def,
                                     const std::string& id, const json& body_in, std::optional<int64_t> expected) {
  RP_RETURN_IF_ERROR(CheckWriteRole(s, def));
  const json body = def.name == "assignment_rules" ? PrepareAssignmentRuleBody(body_in) : body_in;  // issue 4
  RP_ASSIGN_OR_RETURN(FieldValues v, Decode(def, body, /*creating=*/false));
  if (body.is_object() && body.contains("version") && !expected) {
    if (!body["version"].is_number_integer()) return Status::InvalidArgument("version: must be an integer", "version");
    expected = body["version"].get<int64_t>();
  }
  Record out;
  Status st = InTransaction(c, TxMode::kWrite, [&]() -> Status {
    // Issue 5 (team selling): a team member needs "edit" access to change a
    // record, and ownership or sharing to hand it to someone else.
    RP_ASSIGN_OR_RETURN(Record cur, RecordStore::GetFor(c, s, def, id, false, Reach::kWrite));
    if (HasRecordTeams(def) && (v.count("owner_id") || v.count("team_id"))) {
      auto owner_reach = RecordStore::GetFor(c, s, def, id, false, Reach::kOwner);
      for (const char* f : {"owner_id", "team_id"}) {
        if (owner_reach.ok() || !v.count(f) || SameValueText(v[f], cur.Get(def, f))) continue;
        return Status::PermissionDenied(std::string(f) + ": team members may not change who owns or shares " +
                                        def.label + " " + id);
      }
    }
    if (expected && *expected != cur.version(def)) {
      return Status::PreconditionFailed(def.label + " " + id + " was changed by someone else (now version " +
                                        std::to_string(cur.version(def)) + ", you sent " + std::to_string(*expected) +
                                        "); reload it and apply your change again");
    }
    std::unique_ptr<LeadPipeline> own;  // issue 4: rescore, auto-qualify
    if (LeadPipeline* lp = PipelineFor(s, def, nullptr, &own)) RP_RETURN_IF_ERROR(lp->BeforeUpdate(c, s, cat, def, &v, cur));
    RP_RETURN_IF_ERROR(ApplyObjectRules(c, s, cat, def, &v, &cur));
    if (def.name == "activities") Commitments::BeforeActivityUpdate(def, &v, cur);  // issue 5: re-arm reminder
    if (def.name == "users" && v.count("email")) {
      RP_ASSIGN_OR_RETURN(Rows dup, c->Query("SELECT 1 FROM users WHERE email = ? AND org_id = ? AND id <> ?",
                                             {v["email"], Value{s.org_id()}, Value{id}}));
      if (!dup.empty()) return Status::Conflict("email: a user with this email already exists", "email");
    }
    RP_ASSIGN_OR_RETURN(out, RecordStore::Update(c, s, def, id, v, expected));
    if (def.name == "opportunities") RP_RETURN_IF_ERROR(RecordStageMove(c, s, def, &cur, out));
    if (def.name == "quotes") RP_RETURN_IF_ERROR(Quotes::AfterQuoteWrite(c, s, cat, &cur, out));
    if (def.name == "activities") RP_RETURN_IF_ERROR(Commitments::AfterActivityUpdate(c, s, def, cur, out));  // issue 5
    if (def.name == "activities") RP_RETURN_IF_ERROR(Cadences::AfterActivityUpdate(c, s, cat, def, cur, out));  // issue 5
    if (def.name == "quote_lines") RP_RETURN_IF_ERROR(Quotes::Recalculate(c, s, cat, ValueToString(out.Get(def, "quote_id"))));
    RP_RETURN_IF_ERROR(TeamSelling::AfterUpdate(c, s, cat, def, cur, out));  // issue 5: team selling
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

Result<Record> RecordService::Delete(Conn* c, const TenantScope& s, const Catalog& cat, const ObjectDef& def,
                                     const std::string& id, std::optional<int64_t> expected) {
  RP_RETURN_IF_ERROR(CheckWriteRole(s, def));
  if (def.name == "users" && id == s.user_id()) return Status::Unprocessable("you cannot delete yourself");
  Record out;
  Status st = InTransaction(c, TxMode::kWrite, [&]() -> Status {
    if (def.name == "products") RP_RETURN_IF_ERROR(Quotes::CheckProductDelete(c, s, id));
    if (def.name == "quote_lines") {
      RP_ASSIGN_OR_RETURN(Record line, RecordStore::Get(c, s, def, id));
      RP_RETURN_IF_ERROR(Quotes::CheckLineDelete(c, s, cat, line));
    }
    RP_ASSIGN_OR_RETURN(out, RecordStore::SetDeleted(c, s, def, id, true, expected));
    if (def.name == "quote_lines") RP_RETURN_IF_ERROR(Quotes::Recalculate(c, s, cat, ValueToString(out.Get(def, "quote_id"))));
    RP_RETURN_IF_ERROR(TeamSelling::AfterDelete(c, s, cat, def, out, true));  // issue 5: team selling
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

Result<Record> RecordService::Restore(Conn* c, const TenantScope& s, const Catalog& cat, const ObjectDef& def,
                                      const std::string& id) {
  RP_RETURN_IF_ERROR(CheckWriteRole(s, def));
  Record out;
  Status st = InTransaction(c, TxMode::kWrite, [&]() -> Status {
    if (def.name == "quote_lines") {
      RP_ASSIGN_OR_RETURN(Record line, RecordStore::Get(c, s, def, id, true));
      RP_RETURN_IF_ERROR(Quotes::CheckLineDelete(c, s, cat, line));
    }
    RP_ASSIGN_OR_RETURN(out, RecordStore::SetDeleted(c, s, def, id, false, std::nullopt));
    if (def.name == "quote_lines") RP_RETURN_IF_ERROR(Quotes::Recalculate(c, s, cat, ValueToString(out.Get(def, "quote_id"))));
    RP_RETURN_IF_ERROR(TeamSelling::AfterDelete(c, s, cat, def, out, false));  // issue 5: team selling
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
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

Result<json> RecordService::StageHistory(Conn* c, const TenantScope& s, const Catalog& cat, const std::string& id) {
  const ObjectDef& def = *cat.Find("opportunities");
  RP_ASSIGN_OR_RETURN(Record deal, RecordStore::Get(c, s, def, id, /*include_deleted=*/true));
  RP_ASSIGN_OR_RETURN(Rows rows, c->Query("SELECT id, from_stage_id, to_stage_id, at, user_id, amount, currency, "
                                          "probability FROM stage_history WHERE org_id = ? AND opportunity_id = ? "
                                          "ORDER BY id",
                                          {Value{s.org_id()}, Value{id}}));
  const std::string now = NowIso();
  std::string closed = ValueToString(deal.Get(def, "closed_at"));
  auto millis = [](const std::string& iso) {
    int64_t ms = 0;
    ParseDateTime(iso, &ms);
    return ms;
  };
  auto opt = [](const Value& v) { return IsNull(v) ? json(nullptr) : json(ValueToJson(FieldDef{}, v)); };
  json data = json::array();
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto& r = rows.rows[i];
    std::string at = ValueToString(r[3]);
    std::string until = i + 1 < rows.size() ? ValueToString(rows.rows[i + 1][3]) : (closed.empty() ? now : closed);
    json e = {{"id", ValueToString(r[0])}, {"from_stage_id", opt(r[1])}, {"to_stage_id", ValueToString(r[2])},
              {"at", at}, {"user_id", opt(r[4])}, {"currency", opt(r[6])}};
    e["amount"] = IsNull(r[5]) ? json(nullptr) : ValueToJson(*def.Find("amount"), r[5]);
    e["probability"] = IsNull(r[7]) ? json(nullptr) : ValueToJson(*def.Find("probability"), r[7]);
    e["seconds_in_stage"] = std::max<int64_t>(0, (millis(until) - millis(at)) / 1000);
    e["current"] = i + 1 == rows.size() && closed.empty();
    data.push_back(std::move(e));
  }
  std::string created = ValueToString(deal.Get(def, "created_at"));
  json out = {{"data", data}};
  out["cycle_seconds"] = std::max<int64_t>(0, (millis(closed.empty() ? now : closed) - millis(created)) / 1000);
  out["closed"] = !closed.empty();
  return out;
}

Result<json> RecordService::AccountHealth(Conn* c, const TenantScope& s, const Catalog& cat, const std::string& id) {
  const ObjectDef& accounts = *cat.Find("accounts");
  RP_ASSIGN_OR_RETURN(Record acc, RecordStore::Get(c, s, accounts, id));
  (void)acc;
  auto scalar = [&](const ObjectDef& def, const std::string& select, const std::string& where,
                    std::vector<Value> params) -> Result<Value> {
    std::string sql = "SELECT " + select + " FROM " + def.table + " WHERE org_id = ? AND deleted_at IS NULL AND " + where;
    params.insert(params.begin(), Value{s.org_id()});
    AppendVisibility(s, def, "", &sql, &params);
    RP_ASSIGN_OR_RETURN(Rows r, c->Query(sql, params));
    return r.empty() ? Value{} : r.rows[0][0];
  };
  const ObjectDef& cases = *cat.Find("cases");
  const ObjectDef& opps = *cat.Find("opportunities");
  const ObjectDef& acts = *cat.Find("activities");
  RP_ASSIGN_OR_RETURN(Value open_cases, scalar(cases, "COUNT(*)", "account_id = ? AND status NOT IN ('resolved', 'closed')", {Value{id}}));
  RP_ASSIGN_OR_RETURN(Value breached, scalar(cases, "COUNT(*)", "account_id = ? AND sla_breached = 1", {Value{id}}));
  // Money per currency: amounts in different currencies are never added up.
  auto by_currency = [&](const std::string& where) -> Result<json> {
    std::string sql = "SELECT currency, SUM(amount) FROM " + opps.table +
                      " WHERE org_id = ? AND deleted_at IS NULL AND account_id = ? AND " + where;
    std::vector<Value> params{Value{s.org_id()}, Value{id}};
    AppendVisibility(s, opps, "", &sql, &params);
    sql += " GROUP BY currency ORDER BY currency";
    RP_ASSIGN_OR_RETURN(Rows r, c->Query(sql, params));
    json out = json::array();
    for (const auto& row : r.rows) {
      if (IsNull(row[1])) continue;
      out.push_back({{"currency", IsNull(row[0]) ? json(nullptr) : json(ValueToString(row[0]))},
                     {"amount", ValueToJson(*opps.Find("amount"), row[1])}});
    }
    return out;
  };
  RP_ASSIGN_OR_RETURN(json won, by_currency("close_reason IS NOT NULL AND closed_at IS NOT NULL AND probability >= 100"));
  RP_ASSIGN_OR_RETURN(json pipeline, by_currency("closed_at IS NULL"));
  RP_ASSIGN_OR_RETURN(Value next_close, scalar(opps, "MIN(close_date)", "account_id = ? AND closed_at IS NULL", {Value{id}}));
  RP_ASSIGN_OR_RETURN(Value last_contact,
                      scalar(acts, "MAX(done_at)",
                             "done_at IS NOT NULL AND ((related_object = 'accounts' AND related_id = ?) OR "
                             "(related_object = 'contacts' AND related_id IN (SELECT id FROM contacts WHERE org_id = ? "
                             "AND account_id = ? AND deleted_at IS NULL)))",
                             {Value{id}, Value{s.org_id()}, Value{id}}));
  auto num = [](const Value& v) -> json {
    if (auto* i = std::get_if<int64_t>(&v)) return *i;
    if (auto* d = std::get_if<double>(&v)) return *d;
    return 0;
  };
  auto text = [](const Value& v) -> json { return IsNull(v) ? json(nullptr) : json(ValueToString(v)); };
  // Issue 5 (app/renewals.h): the contract that ends next and its renewal.
  RP_ASSIGN_OR_RETURN(json next_renewal, Renewals::NextRenewal(c, s, cat, id, Clock::Get().NowMillis()));
  return json{{"account_id", id},          {"open_cases", num(open_cases)}, {"breached_cases", num(breached)},
              {"won_revenue", won},        {"open_pipeline", pipeline},     {"next_close_date", text(next_close)},
              {"last_contact_at", text(last_contact)}, {"next_renewal", next_renewal}};
}

}  // namespace rapport
