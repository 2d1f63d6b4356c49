#include "app/lead_pipeline.h"

#include "app/enrichment.h"
#include "app/records_service.h"
#include "app/scoring.h"
#include "base/time.h"
#include "domain/leads.h"

namespace rapport {

using nlohmann::json;

LeadPipeline::LeadPipeline(std::string org_id, bool bulk) : org_id_(std::move(org_id)), bulk_(bulk) {}
LeadPipeline::~LeadPipeline() = default;

bool LeadPipeline::Handles(const ObjectDef& def) {
  return def.name == "leads" || def.name == "opportunities" || def.name == "activities";
}

Result<const OrgSettings*> LeadPipeline::Settings(Conn* c) {
  if (!settings_) {
    RP_ASSIGN_OR_RETURN(OrgSettings s, LoadSettings(c, org_id_));
    settings_ = std::move(s);
  }
  return &*settings_;
}

Result<const std::vector<ScoringRule>*> LeadPipeline::Rules(Conn* c, const Catalog& cat, const std::string& object) {
  auto it = rules_.find(object);
  if (it == rules_.end()) {
    RP_ASSIGN_OR_RETURN(auto rules, LoadScoringRules(c, org_id_, cat, object));
    it = rules_.emplace(object, std::move(rules)).first;
  }
  return &it->second;
}

Result<std::shared_ptr<const ActiveModel>> LeadPipeline::Model(Conn* c, const std::string& object) {
  if (!models_loaded_[object]) {
    RP_ASSIGN_OR_RETURN(models_[object], ActiveModelFor(c, org_id_, object));
    models_loaded_[object] = true;
  }
  return models_[object];
}

Result<std::map<std::string, std::string>> LeadPipeline::Enrich(Conn* c, const ObjectDef& leads, const FieldGetter& view,
                                                                FieldValues* out) {
  if (!directory_) {
    RP_ASSIGN_OR_RETURN(directory_, CompanyDirectoryFor(c, org_id_));
  }
  std::vector<const EnrichmentProvider*> providers = {&email_provider_};
  if (directory_->size() > 0) providers.push_back(directory_.get());
  return EnrichValues(leads, providers, view, out);
}

Status LeadPipeline::Score(Conn* c, const Catalog& cat, const ObjectDef& def, const FieldGetter& view_in,
                           const std::string& record_id, FieldValues* out) {
  auto view = [&](const std::string& f) -> Value {
    auto it = out->find(f);
    return it != out->end() ? it->second : view_in(f);
  };
  if (def.name == "leads") {
    RP_ASSIGN_OR_RETURN(const std::vector<ScoringRule>* rules, Rules(c, cat, "leads"));
    if (!rules->empty()) {
      ActivityFacts acts;
      bool recency = false;
      for (const auto& r : *rules) recency = recency || r.activity_within_days > 0;
      if (recency && !record_id.empty()) {
        RP_ASSIGN_OR_RETURN(acts, LoadActivityFacts(c, org_id_, "leads", record_id));
      }
      int64_t now = Clock::Get().NowMillis();
      ScoreResult sr = ScoreRecord(*rules, view, acts, now);
      (*out)["score"] = Value{sr.total};
      (*out)["score_explanation"] = Value{sr.Explanation(FormatIsoMillis(now)).dump()};
      (*out)["scored_at"] = Value{FormatIsoMillis(now)};
    }
  }
  RP_ASSIGN_OR_RETURN(auto model, Model(c, def.name));
  if (model) {
    if (!features_) features_ = std::make_unique<FeatureContext>(org_id_, bulk_);
    RP_ASSIGN_OR_RETURN(Example e, features_->ExampleOf(c, cat, def, view));
    PredictionValues(*model, e, out);
  }
  return Status::Ok();
}

Result<bool> LeadPipeline::ShouldQualify(Conn* c, const FieldValues& changes, const FieldGetter& view) {
  RP_ASSIGN_OR_RETURN(const OrgSettings* settings, Settings(c));
  if (!settings->auto_qualify_score) return false;
  auto get = [&](const std::string& f) -> Value {
    auto it = changes.find(f);
    return it != changes.end() ? it->second : view(f);
  };
  Value score = get("score");
  double d = 0;
  if (auto* x = std::get_if<double>(&score)) d = *x;
  else if (auto* i = std::get_if<int64_t>(&score)) d = static_cast<double>(*i);
  else return false;
  std::string status = IsNull(view("status")) ? "new" : ValueToString(view("status"));
  if (!ShouldAutoQualify(d, settings->auto_qualify_score, status)) return false;
  // The lead status flow (domain/leads.h) decides whether the move is allowed.
  return ValidateLeadTransition(LeadStatusChange{status, "qualified", "", ""}).ok();
}

Status LeadPipeline::BeforeCreate(Conn* c, const TenantScope& s, const Catalog& cat, const ObjectDef& def,
                                  FieldValues* v, bool owner_given) {
  pending_.reset();
  auto view = [&](const std::string& f) -> Value {
    auto it = v->find(f);
    if (it != v->end()) return it->second;
    const FieldDef* fd = def.Find(f);
    return fd && !fd->default_text.empty() ? Value{fd->default_text} : Value{};
  };
  if (def.name == "opportunities") return Score(c, cat, def, view, "", v);
  if (def.name != "leads") return Status::Ok();
  FieldValues filled;
  RP_ASSIGN_OR_RETURN(auto provided, Enrich(c, def, view, &filled));
  (void)provided;
  for (auto& [f, val] : filled) (*v)[f] = std::move(val);
  RP_RETURN_IF_ERROR(Score(c, cat, def, view, "", v));
  if (!v->count("status") || IsNull((*v)["status"]) || ValueToString((*v)["status"]) == "new" ||
      ValueToString((*v)["status"]) == "working") {
    RP_ASSIGN_OR_RETURN(bool qualify, ShouldQualify(c, FieldValues{}, view));
    if (qualify) {
      (*v)["status"] = Value{std::string("qualified")};
      json ex = json::parse(ValueToString((*v)["score_explanation"]), nullptr, false);
      if (ex.is_object()) {
        ex["auto_qualified"] = true;
        (*v)["score_explanation"] = Value{ex.dump()};
      }
    }
  }
  int64_t now = Clock::Get().NowMillis();
  if (!owner_given) {
    if (!assignment_rules_) {
      RP_ASSIGN_OR_RETURN(assignment_rules_, LoadAssignmentRules(c, org_id_, cat));
    }
    if (!assignment_rules_->empty()) {
      if (!roster_) {
        roster_ = std::make_unique<RepRoster>(org_id_);
        RP_ASSIGN_OR_RETURN(const OrgSettings* settings, Settings(c));
        roster_->set_default_offset(settings->utc_offset_minutes);
      }
      RP_ASSIGN_OR_RETURN(auto d, DecideAssignment(c, org_id_, *assignment_rules_, roster_.get(), view, now));
      if (d) {
        (*v)["owner_id"] = Value{d->user_id};
        (*v)["assignment_rule_id"] = Value{d->rule_id};
        (*v)["assigned_by_rule"] = Value{d->rule_name};
        pending_ = *d;
      }
    }
  }
  (void)s;
  (*v)["assigned_at"] = Value{FormatIsoMillis(now)};
  return Status::Ok();
}

Status LeadPipeline::AfterCreate(Conn* c, const TenantScope& s, const Catalog& cat, const ObjectDef& def,
                                 const Record& rec) {
  if (def.name == "activities") {
    RP_RETURN_IF_ERROR(RecordFirstResponse(c, s, cat, def, rec));
    if (ValueToString(rec.Get(def, "related_object")) != "leads") return Status::Ok();
    // Recency rules: the lead's score may have changed.
    RP_ASSIGN_OR_RETURN(const std::vector<ScoringRule>* rules, Rules(c, cat, "leads"));
    bool recency = false;
    for (const auto& r : *rules) recency = recency || r.activity_within_days > 0;
    if (!recency) return Status::Ok();
    const ObjectDef* leads = cat.Find("leads");
    TenantScope system = TenantScope::ForOperator(s.org_id(), s.user_id());
    std::string lead_id = ValueToString(rec.Get(def, "related_id"));
    auto lead = RecordStore::Get(c, system, *leads, lead_id);
    if (!lead.ok()) return Status::Ok();
    FieldValues ch;
    auto view = [&](const std::string& f) { return lead->Get(*leads, f); };
    RP_RETURN_IF_ERROR(Score(c, cat, *leads, view, lead_id, &ch));
    RP_ASSIGN_OR_RETURN(bool qualify, ShouldQualify(c, ch, view));
    RP_ASSIGN_OR_RETURN(Record u, RecordStore::Update(c, system, *leads, lead_id, ch, std::nullopt));
    (void)u;
    if (qualify) {
      auto q = RecordService::Update(c, system, cat, *leads, lead_id, json{{"status", "qualified"}}, std::nullopt);
      if (!q.ok() && q.status().code() != Status::Code::kUnprocessable) return q.status();
    }
    return Status::Ok();
  }
  if (def.name != "leads" || !pending_) return Status::Ok();
  AssignmentDecision d = *pending_;
  pending_.reset();
  std::string id = ValueToString(rec.Get(def, "id"));
  RP_RETURN_IF_ERROR(LogAssignment(c, s, id, d.rule_id, d.user_id, "", "capture", d.note));
  if (!bulk_ && d.user_id != s.user_id()) {
    std::string name = ValueToString(rec.Get(def, "first_name"));
    std::string last = ValueToString(rec.Get(def, "last_name"));
    if (!last.empty()) name += (name.empty() ? "" : " ") + last;
    if (name.empty()) name = ValueToString(rec.Get(def, "company"));
    if (name.empty()) name = ValueToString(rec.Get(def, "email"));
    RP_RETURN_IF_ERROR(Notify(c, s.org_id(), d.user_id, "lead_assigned", "leads", id,
                              "New lead " + name + " was assigned to you (rule '" + d.rule_name + "')"));
  }
  return Status::Ok();
}

Status LeadPipeline::BeforeUpdate(Conn* c, const TenantScope& s, const Catalog& cat, const ObjectDef& def,
                                  FieldValues* changes, const Record& current) {
  (void)s;
  auto view = [&](const std::string& f) -> Value {
    auto it = changes->find(f);
    return it != changes->end() ? it->second : current.Get(def, f);
  };
  std::string id = ValueToString(current.Get(def, "id"));
  if (def.name == "opportunities") return Score(c, cat, def, view, id, changes);
  if (def.name != "leads") return Status::Ok();
  auto owner = changes->find("owner_id");
  if (owner != changes->end() && ValueToString(owner->second) != ValueToString(current.Get(def, "owner_id"))) {
    // Given by hand: a new first-response clock, and no rule to credit.
    (*changes)["assigned_at"] = Value{NowIso()};
    (*changes)["assignment_rule_id"] = Value{};
    (*changes)["assigned_by_rule"] = Value{};
  }
  FieldValues scored;
  RP_RETURN_IF_ERROR(Score(c, cat, def, view, id, &scored));
  bool score_changed = false;
  for (const auto& [f, val] : scored) {
    if (f == "scored_at") continue;
    const Value& cur = current.Get(def, f);
    if (IsNull(cur) != IsNull(val) || ValueToString(cur) != ValueToString(val)) score_changed = true;
  }
  if (score_changed) {
    for (auto& [f, val] : scored) (*changes)[f] = std::move(val);
  }
  if (!changes->count("status")) {
    RP_ASSIGN_OR_RETURN(bool qualify, ShouldQualify(c, *changes, [&](const std::string& f) { return current.Get(def, f); }));
    if (qualify) (*changes)["status"] = Value{std::string("qualified")};
  }
  return Status::Ok();
}

}  // namespace rapport
