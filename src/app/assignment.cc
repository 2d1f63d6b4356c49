#include "app/assignment.h"

#include <unicode/timezone.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <memory>
#include <mutex>

#include "app/scoring.h"
#include "app/settings.h"
#include "base/ids.h"
#include "base/log.h"
#include "base/time.h"
#include "domain/business_hours.h"

namespace rapport {

using nlohmann::json;

namespace {

constexpr int kMaxReassignments = 3;

double Num(const Value& v, double dflt = 0) {
  if (auto* d = std::get_if<double>(&v)) return *d;
  if (auto* i = std::get_if<int64_t>(&v)) return static_cast<double>(*i);
  if (auto* s = std::get_if<std::string>(&v)) return s->empty() ? dflt : std::atof(s->c_str());
  return dflt;
}

bool Truthy(const Value& v, bool dflt) {
  if (IsNull(v)) return dflt;
  return Num(v, dflt ? 1 : 0) != 0;
}

int64_t Millis(const std::string& iso) {
  int64_t ms = 0;
  return ParseDateTime(iso, &ms) ? ms : 0;
}

Value Text(const std::string& s) { return s.empty() ? Value{} : Value{s}; }

}  // namespace

json PrepareAssignmentRuleBody(const json& body) {
  if (!body.is_object() || !body.contains("conditions")) return body;
  const json& c = body["conditions"];
  if (!c.is_object() && !c.is_array()) return body;
  json out = body;
  out["conditions"] = c.dump();
  return out;
}

Status ValidateAssignmentRule(Conn* c, const TenantScope& s, const Catalog& cat, const ObjectDef& def, FieldValues* v,
                              const Record* current) {
  auto get = [&](const std::string& f) -> Value {
    auto it = v->find(f);
    if (it != v->end()) return it->second;
    return current ? current->Get(def, f) : Value{};
  };
  const ObjectDef* leads = cat.Find("leads");
  if (!leads) return Status::Internal("no leads object");
  std::string strategy = ValueToString(get("strategy"));
  AssignStrategy st;
  if (!ParseAssignStrategy(strategy, &st))
    return Status::InvalidArgument("strategy: round_robin, least_loaded or owner", "strategy");
  if (st == AssignStrategy::kOwner) {
    if (IsNull(get("user_id"))) return Status::InvalidArgument("user_id: the owner strategy names a user", "user_id");
  } else if (IsNull(get("team_id"))) {
    return Status::InvalidArgument("team_id: " + strategy + " shares leads among the members of a team", "team_id");
  }
  Value conditions = get("conditions");
  if (!IsNull(conditions)) {
    json j = json::parse(ValueToString(conditions), nullptr, false);
    if (j.is_discarded())
      return Status::InvalidArgument("conditions: malformed JSON; expected the list API's JSON filter, e.g. "
                                     "{\"country\": {\"in\": [\"FR\", \"BE\"]}}",
                                     "conditions");
    RP_ASSIGN_OR_RETURN(auto conds, ParseConditionsJson(*leads, j, "conditions"));
    (void)conds;
  }
  if (!current) {
    if (!v->count("active") || IsNull((*v)["active"])) (*v)["active"] = Value{int64_t{1}};
    if (!v->count("position") || IsNull((*v)["position"])) {
      RP_ASSIGN_OR_RETURN(Rows r, c->Query("SELECT MAX(position) FROM assignment_rules WHERE org_id = ? AND "
                                           "deleted_at IS NULL",
                                           {Value{s.org_id()}}));
      (*v)["position"] = Value{r.empty() || IsNull(r.rows[0][0]) ? 10.0 : Num(r.rows[0][0]) + 10};
    }
  }
  return Status::Ok();
}

Result<int> TimeZoneOffsetMinutes(const std::string& tz, int64_t at_ms) {
  int fixed = 0;
  if (ParseFixedOffset(tz, &fixed)) return fixed;
  static std::mutex mu;
  static std::map<std::string, std::unique_ptr<icu::TimeZone>>* zones = new std::map<std::string, std::unique_ptr<icu::TimeZone>>();
  std::lock_guard<std::mutex> lock(mu);
  auto it = zones->find(tz);
  if (it == zones->end()) {
    std::unique_ptr<icu::TimeZone> z(icu::TimeZone::createTimeZone(icu::UnicodeString::fromUTF8(tz)));
    if (!z || *z == icu::TimeZone::getUnknown()) {
      return Status::InvalidArgument("time_zone: unknown time zone '" + tz +
                                         "' (an IANA name such as Europe/Paris, or an offset such as +02:00)",
                                     "time_zone");
    }
    it = zones->emplace(tz, std::move(z)).first;
  }
  int32_t raw = 0, dst = 0;
  UErrorCode err = U_ZERO_ERROR;
  it->second->getOffset(static_cast<UDate>(at_ms), false, raw, dst, err);
  if (U_FAILURE(err)) return Status::InvalidArgument("time_zone: cannot compute the offset of '" + tz + "'", "time_zone");
  return (raw + dst) / 60000;
}

Status ValidateUserSchedule(const ObjectDef& users, const FieldValues& v) {
  (void)users;
  auto tz = v.find("time_zone");
  if (tz != v.end() && !IsNull(tz->second)) {
    auto r = TimeZoneOffsetMinutes(ValueToString(tz->second), Clock::Get().NowMillis());
    if (!r.ok()) return r.status();
  }
  auto wh = v.find("working_hours");
  if (wh != v.end() && !IsNull(wh->second)) {
    auto r = ParseBusinessHours(ValueToString(wh->second), 0);
    if (!r.ok()) {
      std::string m = r.status().message();
      if (m.rfind("business_hours", 0) == 0) m = "working_hours" + m.substr(14);
      return Status::InvalidArgument(m, "working_hours");
    }
  }
  return Status::Ok();
}

Result<std::vector<AssignmentRuleDef>> LoadAssignmentRules(Conn* c, const std::string& org_id, const Catalog& cat) {
  std::vector<AssignmentRuleDef> out;
  const ObjectDef* leads = cat.Find("leads");
  if (!leads) return out;
  RP_ASSIGN_OR_RETURN(Rows rows, c->Query("SELECT id, name, conditions, strategy, team_id, user_id FROM "
                                          "assignment_rules WHERE org_id = ? AND deleted_at IS NULL AND "
                                          "(active IS NULL OR active <> 0) ORDER BY position, id",
                                          {Value{org_id}}));
  for (const auto& r : rows.rows) {
    AssignmentRuleDef d;
    d.id = ValueToString(r[0]);
    d.name = ValueToString(r[1]);
    if (!ParseAssignStrategy(ValueToString(r[3]), &d.strategy)) continue;
    if (!IsNull(r[2])) {
      json j = json::parse(ValueToString(r[2]), nullptr, false);
      auto conds = ParseConditionsJson(*leads, j, "conditions");
      if (!conds.ok()) continue;  // a field it names is gone: the rule no longer applies
      d.conditions = std::move(*conds);
    }
    d.team_id = ValueToString(r[4]);
    d.user_id = ValueToString(r[5]);
    out.push_back(std::move(d));
  }
  return out;
}

// --- reps ------------------------------------------------------------------------

Status RepRoster::Load(Conn* c) {
  if (loaded_) return Status::Ok();
  RP_ASSIGN_OR_RETURN(Rows rows, c->Query("SELECT id, team_id, active, deleted_at, time_zone, working_hours, "
                                          "out_of_office_from, out_of_office_to, capacity FROM users WHERE org_id = ?",
                                          {Value{org_id_}}));
  for (const auto& r : rows.rows) {
    Rep rep;
    rep.id = ValueToString(r[0]);
    rep.team_id = ValueToString(r[1]);
    rep.active = Truthy(r[2], true);
    rep.deleted = !IsNull(r[3]);
    rep.tz = ValueToString(r[4]);
    rep.hours = ValueToString(r[5]);
    rep.ooo_from = ValueToString(r[6]);
    rep.ooo_to = ValueToString(r[7]);
    rep.capacity = IsNull(r[8]) ? -1 : Num(r[8]);
    if (!rep.deleted && !rep.team_id.empty()) teams_[rep.team_id].push_back(rep.id);
    reps_[rep.id] = std::move(rep);
  }
  for (auto& [t, members] : teams_) std::sort(members.begin(), members.end());
  loaded_ = true;
  return Status::Ok();
}

Result<std::vector<std::string>> RepRoster::Team(Conn* c, const std::string& team_id) {
  RP_RETURN_IF_ERROR(Load(c));
  auto it = teams_.find(team_id);
  if (it == teams_.end()) return std::vector<std::string>{};
  return it->second;
}

Result<RepState> RepRoster::State(Conn* c, const std::string& user_id, int64_t now_ms) {
  RP_RETURN_IF_ERROR(Load(c));
  if (!loads_loaded_) {
    RP_ASSIGN_OR_RETURN(Rows rows, c->Query("SELECT owner_id, COUNT(*) FROM leads WHERE org_id = ? AND deleted_at IS "
                                            "NULL AND (status IS NULL OR status NOT IN ('converted', 'disqualified')) "
                                            "GROUP BY owner_id",
                                            {Value{org_id_}}));
    for (const auto& r : rows.rows) loads_[ValueToString(r[0])] += static_cast<int64_t>(Num(r[1]));
    loads_loaded_ = true;
  }
  RepState st;
  auto it = reps_.find(user_id);
  if (it == reps_.end()) {
    st.active = false;  // unknown or removed user: never picked
    st.id = user_id;
    return st;
  }
  const Rep& rep = it->second;
  st.id = rep.id;
  st.active = rep.active && !rep.deleted;
  st.capacity = rep.capacity;
  st.open_leads = loads_.count(rep.id) ? loads_[rep.id] : 0;
  RepCalendar cal;
  cal.working_hours = rep.hours;
  cal.out_of_office_from = rep.ooo_from;
  cal.out_of_office_to = rep.ooo_to;
  cal.utc_offset_minutes = default_offset_;
  if (!rep.tz.empty()) {
    auto off = TimeZoneOffsetMinutes(rep.tz, now_ms);
    if (off.ok()) cal.utc_offset_minutes = *off;
  }
  st.out_of_office = IsOutOfOffice(cal, now_ms);
  st.in_working_hours = InWorkingHours(cal, now_ms);
  return st;
}

Result<std::string> RepRoster::ManagerOf(Conn* c, const std::string& user_id) {
  RP_RETURN_IF_ERROR(Load(c));
  auto it = reps_.find(user_id);
  if (it == reps_.end() || it->second.team_id.empty()) return std::string();
  RP_ASSIGN_OR_RETURN(Rows r, c->Query("SELECT manager_id FROM teams WHERE org_id = ? AND id = ? AND deleted_at IS NULL",
                                       {Value{org_id_}, Value{it->second.team_id}}));
  if (r.empty() || IsNull(r.rows[0][0])) return std::string();
  std::string m = ValueToString(r.rows[0][0]);
  auto mi = reps_.find(m);
  if (mi == reps_.end() || !mi->second.active || mi->second.deleted || m == user_id) return std::string();
  return m;
}

Result<std::optional<AssignmentDecision>> DecideAssignment(Conn* c, const std::string& org_id,
                                                           const std::vector<AssignmentRuleDef>& rules,
                                                           RepRoster* roster, const FieldGetter& get, int64_t now_ms,
                                                           const std::string& exclude,
                                                           const std::string& only_rule_id) {
  for (const auto& rule : rules) {
    if (!only_rule_id.empty() && rule.id != only_rule_id) continue;
    if (!MatchesAll(rule.conditions, get)) continue;
    RepPick pick;
    if (rule.strategy == AssignStrategy::kOwner) {
      RP_ASSIGN_OR_RETURN(RepState st, roster->State(c, rule.user_id, now_ms));
      pick = PickOwner(st, exclude);
    } else {
      RP_ASSIGN_OR_RETURN(std::vector<std::string> members, roster->Team(c, rule.team_id));
      std::vector<RepState> reps;
      for (const auto& m : members) {
        RP_ASSIGN_OR_RETURN(RepState st, roster->State(c, m, now_ms));
        reps.push_back(st);
      }
      if (rule.strategy == AssignStrategy::kLeastLoaded) {
        pick = PickLeastLoaded(reps, exclude);
      } else {
        // The rule's turn: the first UPDATE locks the row (PostgreSQL) so
        // concurrent captures take turns one after the other.
        RP_ASSIGN_OR_RETURN(int64_t n, c->Exec("INSERT INTO assignment_state (org_id, rule_id, turns) VALUES (?, ?, 0) "
                                               "ON CONFLICT (org_id, rule_id) DO NOTHING",
                                               {Value{org_id}, Value{rule.id}}));
        RP_ASSIGN_OR_RETURN(n, c->Exec("UPDATE assignment_state SET turns = turns + 1 WHERE org_id = ? AND rule_id = ?",
                                       {Value{org_id}, Value{rule.id}}));
        (void)n;
        RP_ASSIGN_OR_RETURN(Rows last, c->Query("SELECT last_user_id FROM assignment_state WHERE org_id = ? AND rule_id = ?",
                                                {Value{org_id}, Value{rule.id}}));
        pick = PickRoundRobin(reps, last.empty() ? std::string() : ValueToString(last.rows[0][0]), exclude);
        if (!pick.user_id.empty()) {
          RP_ASSIGN_OR_RETURN(n, c->Exec("UPDATE assignment_state SET last_user_id = ? WHERE org_id = ? AND rule_id = ?",
                                         {Value{pick.user_id}, Value{org_id}, Value{rule.id}}));
        }
      }
    }
    if (pick.user_id.empty()) continue;  // matched, but nobody can take it: the next rule
    roster->CountAssigned(pick.user_id);
    return std::optional<AssignmentDecision>(AssignmentDecision{rule.id, rule.name, pick.user_id, pick.note});
  }
  return std::optional<AssignmentDecision>();
}

Status LogAssignment(Conn* c, const TenantScope& s, const std::string& lead_id, const std::string& rule_id,
                     const std::string& user_id, const std::string& previous_user_id, const std::string& reason,
                     const std::string& detail) {
  auto r = c->Exec("INSERT INTO assignment_log (org_id, id, lead_id, rule_id, user_id, previous_user_id, reason, "
                   "detail, at, by_user_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   {Value{s.org_id()}, Value{NewId()}, Value{lead_id}, Text(rule_id), Text(user_id),
                    Text(previous_user_id), Value{reason}, Text(detail), Value{NowIso()}, Text(s.user_id())});
  return r.ok() ? Status::Ok() : r.status();
}

Status Notify(Conn* c, const std::string& org_id, const std::string& user_id, const std::string& kind,
              const std::string& object, const std::string& record_id, const std::string& message) {
  auto r = c->Exec("INSERT INTO notifications (org_id, id, user_id, kind, object, record_id, message, created_at) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                   {Value{org_id}, Value{NewId()}, Value{user_id}, Value{kind}, Text(object), Text(record_id),
                    Value{message}, Value{NowIso()}});
  return r.ok() ? Status::Ok() : r.status();
}

namespace {

std::string LeadLabel(const ObjectDef& leads, const Record& r) {
  std::string name = ValueToString(r.Get(leads, "first_name"));
  std::string last = ValueToString(r.Get(leads, "last_name"));
  if (!last.empty()) name += (name.empty() ? "" : " ") + last;
  std::string company = ValueToString(r.Get(leads, "company"));
  if (name.empty()) name = company.empty() ? ValueToString(r.Get(leads, "email")) : company;
  else if (!company.empty()) name += " (" + company + ")";
  return name.empty() ? ValueToString(r.Get(leads, "id")) : name;
}

int DefaultOffset(Conn* c, const std::string& org_id) {
  auto s = LoadSettings(c, org_id);
  return s.ok() ? s->utc_offset_minutes : 0;
}

}  // namespace

Result<AssignOutcome> AssignLead(Conn* c, const TenantScope& s, const Catalog& cat, const std::string& id) {
  const ObjectDef* leads = cat.Find("leads");
  if (!leads) return Status::NotFound("unknown object 'leads'");
  AssignOutcome out;
  Status st = InTransaction(c, TxMode::kWrite, [&]() -> Status {
    RP_ASSIGN_OR_RETURN(Record cur, RecordStore::Get(c, s, *leads, id));
    RP_ASSIGN_OR_RETURN(auto rules, LoadAssignmentRules(c, s.org_id(), cat));
    RepRoster roster(s.org_id());
    roster.set_default_offset(DefaultOffset(c, s.org_id()));
    auto get = [&](const std::string& f) { return cur.Get(*leads, f); };
    int64_t now = Clock::Get().NowMillis();
    RP_ASSIGN_OR_RETURN(auto d, DecideAssignment(c, s.org_id(), rules, &roster, get, now));
    if (!d) return Status::Unprocessable("no active assignment rule applies to this lead (or none can name a rep)");
    out.decision = *d;
    std::string previous = ValueToString(cur.Get(*leads, "owner_id"));
    FieldValues ch = {{"owner_id", Value{d->user_id}},
                      {"assignment_rule_id", Value{d->rule_id}},
                      {"assigned_by_rule", Value{d->rule_name}}};
    if (previous != d->user_id) ch["assigned_at"] = Value{FormatIsoMillis(now)};
    RP_ASSIGN_OR_RETURN(out.lead, RecordStore::Update(c, TenantScope::ForOperator(s.org_id(), s.user_id()), *leads, id,
                                                      ch, std::nullopt));
    RP_RETURN_IF_ERROR(LogAssignment(c, s, id, d->rule_id, d->user_id, previous, "manual", d->note));
    if (previous != d->user_id && d->user_id != s.user_id())
      RP_RETURN_IF_ERROR(Notify(c, s.org_id(), d->user_id, "lead_assigned", "leads", id,
                                "Lead " + LeadLabel(*leads, out.lead) + " was assigned to you (rule '" + d->rule_name + "')"));
    return Status::Ok();
  });
  RP_RETURN_IF_ERROR(st);
  return out;
}

Status RecordFirstResponse(Conn* c, const TenantScope& s, const Catalog& cat, const ObjectDef& activities,
                           const Record& activity) {
  if (ValueToString(activity.Get(activities, "related_object")) != "leads") return Status::Ok();
  // A planned task is not a response; anything done or logged is.
  if (ValueToString(activity.Get(activities, "type")) == "task" && IsNull(activity.Get(activities, "done_at")))
    return Status::Ok();
  const ObjectDef* leads = cat.Find("leads");
  if (!leads) return Status::Ok();
  TenantScope system = TenantScope::ForOperator(s.org_id(), s.user_id());
  auto lead = RecordStore::Get(c, system, *leads, ValueToString(activity.Get(activities, "related_id")));
  if (!lead.ok()) return Status::Ok();
  if (!IsNull(lead->Get(*leads, "first_response_at")) || IsNull(lead->Get(*leads, "assigned_at"))) return Status::Ok();
  std::string at = ValueToString(activity.Get(activities, "created_at"));
  RP_ASSIGN_OR_RETURN(OrgSettings settings, LoadSettings(c, s.org_id()));
  RP_ASSIGN_OR_RETURN(BusinessHours bh, ParseBusinessHours(settings.business_hours, settings.utc_offset_minutes));
  int64_t minutes = BusinessMinutesBetween(Millis(ValueToString(lead->Get(*leads, "assigned_at"))), Millis(at), bh);
  FieldValues ch = {{"first_response_at", Value{at}}, {"response_minutes", Value{static_cast<double>(minutes)}}};
  auto u = RecordStore::Update(c, system, *leads, ValueToString(lead->Get(*leads, "id")), ch, std::nullopt);
  return u.ok() ? Status::Ok() : u.status();
}

json EscalationResult::ToJson() const {
  return {{"checked", checked}, {"notified", notified}, {"reassigned", reassigned}};
}

Result<EscalationResult> EscalateOverdueLeads(Conn* c, const std::string& org_id, const Catalog& cat, int64_t now_ms) {
  EscalationResult out;
  const ObjectDef* leads = cat.Find("leads");
  if (!leads) return out;
  RP_ASSIGN_OR_RETURN(OrgSettings settings, LoadSettings(c, org_id));
  RP_ASSIGN_OR_RETURN(BusinessHours bh, ParseBusinessHours(settings.business_hours, settings.utc_offset_minutes));
  const int64_t target = settings.first_response_target_minutes;
  // Business minutes never run faster than the clock: nothing assigned after
  // the cutoff can be overdue yet.
  std::string cutoff = FormatIsoMillis(now_ms - target * 60000);
  RP_ASSIGN_OR_RETURN(Rows rows,
                      c->Query("SELECT id FROM leads WHERE org_id = ? AND deleted_at IS NULL AND assignment_rule_id IS "
                               "NOT NULL AND first_response_at IS NULL AND assigned_at IS NOT NULL AND assigned_at <= ? "
                               "AND status IN ('new', 'working') AND (escalated_at IS NULL OR escalated_at <= "
                               "assigned_at) ORDER BY assigned_at LIMIT 1000",
                               {Value{org_id}, Value{cutoff}}));
  if (rows.empty()) return out;
  RP_ASSIGN_OR_RETURN(auto rules, LoadAssignmentRules(c, org_id, cat));
  RepRoster roster(org_id);
  roster.set_default_offset(settings.utc_offset_minutes);
  TenantScope system = TenantScope::ForOperator(org_id);
  const std::string now = FormatIsoMillis(now_ms);
  for (const auto& row : rows.rows) {
    std::string id = ValueToString(row[0]);
    Status st = InTransaction(c, TxMode::kWrite, [&]() -> Status {
      auto got = RecordStore::Get(c, system, *leads, id);
      if (!got.ok()) return Status::Ok();
      const Record& lead = *got;
      int64_t assigned = Millis(ValueToString(lead.Get(*leads, "assigned_at")));
      if (AddBusinessMinutes(assigned, target, bh) > now_ms) return Status::Ok();
      ++out.checked;
      std::string owner = ValueToString(lead.Get(*leads, "owner_id"));
      double count = Num(lead.Get(*leads, "escalation_count"));
      std::string label = LeadLabel(*leads, lead);
      if (settings.first_response_escalation == "reassign" && count < kMaxReassignments) {
        auto get = [&](const std::string& f) { return lead.Get(*leads, f); };
        std::string rule_id = ValueToString(lead.Get(*leads, "assignment_rule_id"));
        RP_ASSIGN_OR_RETURN(auto d, DecideAssignment(c, org_id, rules, &roster, get, now_ms, owner, rule_id));
        if (!d) {
          RP_ASSIGN_OR_RETURN(d, DecideAssignment(c, org_id, rules, &roster, get, now_ms, owner));
        }
        if (d) {
          FieldValues ch = {{"owner_id", Value{d->user_id}},          {"assignment_rule_id", Value{d->rule_id}},
                            {"assigned_by_rule", Value{d->rule_name}}, {"assigned_at", Value{now}},
                            {"escalated_at", Value{now}},              {"escalation_count", Value{count + 1}}};
          RP_ASSIGN_OR_RETURN(Record u, RecordStore::Update(c, system, *leads, id, ch, std::nullopt));
          (void)u;
          std::string why = "no first response within " + std::to_string(target) + " business minutes";
          RP_RETURN_IF_ERROR(LogAssignment(c, system, id, d->rule_id, d->user_id, owner, "escalation", why + "; " + d->note));
          RP_RETURN_IF_ERROR(Notify(c, org_id, d->user_id, "lead_escalated", "leads", id,
                                    "Lead " + label + " was reassigned to you: " + why + " by its previous owner"));
          ++out.reassigned;
          return Status::Ok();
        }
      }
      // Notify the owner's manager (the administrators when there is none).
      RP_ASSIGN_OR_RETURN(std::string manager, roster.ManagerOf(c, owner));
      std::vector<std::string> to;
      if (!manager.empty()) {
        to.push_back(manager);
      } else {
        RP_ASSIGN_OR_RETURN(Rows admins, c->Query("SELECT id FROM users WHERE org_id = ? AND role = 'admin' AND "
                                                  "deleted_at IS NULL AND (active IS NULL OR active <> 0) ORDER BY id",
                                                  {Value{org_id}}));
        for (const auto& a : admins.rows) to.push_back(ValueToString(a[0]));
      }
      std::string why = "no first response within " + std::to_string(target) + " business minutes of its assignment";
      for (const auto& u : to)
        RP_RETURN_IF_ERROR(Notify(c, org_id, u, "first_response_overdue", "leads", id, "Lead " + label + ": " + why));
      FieldValues ch = {{"escalated_at", Value{now}}, {"escalation_count", Value{count + 1}}};
      RP_ASSIGN_OR_RETURN(Record u, RecordStore::Update(c, system, *leads, id, ch, std::nullopt));
      (void)u;
      RP_RETURN_IF_ERROR(LogAssignment(c, system, id, ValueToString(lead.Get(*leads, "assignment_rule_id")), owner,
                                       owner, "escalation_notify", why));
      ++out.notified;
      return Status::Ok();
    });
    RP_RETURN_IF_ERROR(st);
  }
  return out;
}

Result<json> FirstResponseReport(Conn* c, const TenantScope& s, const Catalog& cat, const std::string& from_in,
                                 const std::string& to_in) {
  const ObjectDef* leads = cat.Find("leads");
  if (!leads) return Status::NotFound("unknown object 'leads'");
  int64_t now = Clock::Get().NowMillis();
  std::string from = from_in, to = to_in;
  int64_t ms = 0;
  auto day = [](const std::string& v) { return v.size() == 10 ? v + "T00:00:00.000Z" : v; };
  from = day(from);
  to = day(to);
  if (!from.empty() && !ParseDateTime(from, &ms)) return Status::InvalidArgument("from: an ISO date or date-time", "from");
  if (!to.empty() && !ParseDateTime(to, &ms)) return Status::InvalidArgument("to: an ISO date or date-time", "to");
  if (!from.empty()) from = FormatIsoMillis((ParseDateTime(from, &ms), ms));
  if (!to.empty()) to = FormatIsoMillis((ParseDateTime(to, &ms), ms));
  if (to.empty()) to = FormatIsoMillis(now + 1);
  if (from.empty()) from = FormatIsoMillis(now - int64_t{30} * 86400000);
  RP_ASSIGN_OR_RETURN(OrgSettings settings, LoadSettings(c, s.org_id()));
  RP_ASSIGN_OR_RETURN(BusinessHours bh, ParseBusinessHours(settings.business_hours, settings.utc_offset_minutes));
  const int64_t target = settings.first_response_target_minutes;
  std::string sql = "SELECT owner_id, assigned_at, first_response_at, response_minutes, escalation_count FROM leads "
                    "WHERE org_id = ? AND deleted_at IS NULL AND assigned_at >= ? AND assigned_at < ?";
  std::vector<Value> params = {Value{s.org_id()}, Value{from}, Value{to}};
  AppendVisibility(s, *leads, "", &sql, &params);
  RP_ASSIGN_OR_RETURN(Rows rows, c->Query(sql, params));
  struct Agg {
    int64_t assigned = 0, responded = 0, pending = 0, within = 0, breached = 0, escalated = 0;
    std::vector<double> minutes;
  };
  std::map<std::string, Agg> by;
  Agg all;
  for (const auto& r : rows.rows) {
    std::string owner = ValueToString(r[0]);
    for (Agg* a : {&by[owner], &all}) {
      ++a->assigned;
      if (Num(r[4]) > 0) ++a->escalated;
      if (!IsNull(r[2])) {
        ++a->responded;
        double m = Num(r[3]);
        a->minutes.push_back(m);
        (m <= static_cast<double>(target) ? a->within : a->breached)++;
      } else {
        ++a->pending;
        if (AddBusinessMinutes(Millis(ValueToString(r[1])), target, bh) < now) ++a->breached;
      }
    }
  }
  std::map<std::string, std::string> names;
  RP_ASSIGN_OR_RETURN(Rows users, c->Query("SELECT id, name FROM users WHERE org_id = ?", {Value{s.org_id()}}));
  for (const auto& u : users.rows) names[ValueToString(u[0])] = ValueToString(u[1]);
  auto to_json = [&](Agg& a) {
    json j = {{"assigned", a.assigned}, {"responded", a.responded}, {"pending", a.pending},
              {"within_target", a.within}, {"breached", a.breached}, {"escalated", a.escalated}};
    if (a.minutes.empty()) {
      j["median_minutes"] = nullptr;
      j["average_minutes"] = nullptr;
    } else {
      std::sort(a.minutes.begin(), a.minutes.end());
      size_t n = a.minutes.size();
      j["median_minutes"] = n % 2 ? a.minutes[n / 2] : (a.minutes[n / 2 - 1] + a.minutes[n / 2]) / 2;
      double sum = 0;
      for (double m : a.minutes) sum += m;
      j["average_minutes"] = sum / static_cast<double>(n);
    }
    return j;
  };
  json reps = json::array();
  for (auto& [owner, a] : by) {
    json j = to_json(a);
    j["user_id"] = owner;
    j["name"] = names.count(owner) ? json(names[owner]) : json(nullptr);
    reps.push_back(std::move(j));
  }
  return json{{"from", from}, {"to", to}, {"target_minutes", target}, {"business_hours", settings.business_hours},
              {"by_rep", reps}, {"overall", to_json(all)}};
}

Result<json> ListNotifications(Conn* c, const TenantScope& s, bool unread_only, int limit) {
  std::string sql = "SELECT id, kind, object, record_id, message, created_at, read_at FROM notifications WHERE "
                    "org_id = ? AND user_id = ?";
  if (unread_only) sql += " AND read_at IS NULL";
  sql += " ORDER BY id DESC LIMIT " + std::to_string(std::clamp(limit, 1, 500));
  RP_ASSIGN_OR_RETURN(Rows rows, c->Query(sql, {Value{s.org_id()}, Value{s.user_id()}}));
  json data = json::array();
  for (const auto& r : rows.rows) {
    auto opt = [](const Value& v) { return IsNull(v) ? json(nullptr) : json(ValueToString(v)); };
    data.push_back({{"id", ValueToString(r[0])}, {"kind", ValueToString(r[1])}, {"object", opt(r[2])},
                    {"record_id", opt(r[3])}, {"message", ValueToString(r[4])}, {"created_at", ValueToString(r[5])},
                    {"read_at", opt(r[6])}});
  }
  // issue 5: the unread count a notification bell shows
  RP_ASSIGN_OR_RETURN(Rows unread, c->Query("SELECT COUNT(*) FROM notifications WHERE org_id = ? AND user_id = ? AND "
                                            "read_at IS NULL",
                                            {Value{s.org_id()}, Value{s.user_id()}}));
  int64_t n_unread = unread.empty() ? 0 : std::stoll(ValueToString(unread.rows[0][0]));
  return json{{"data", data}, {"unread_count", n_unread}};
}

Status MarkNotificationRead(Conn* c, const TenantScope& s, const std::string& id) {
  RP_ASSIGN_OR_RETURN(int64_t n, c->Exec("UPDATE notifications SET read_at = COALESCE(read_at, ?) WHERE org_id = ? AND "
                                         "user_id = ? AND id = ?",
                                         {Value{NowIso()}, Value{s.org_id()}, Value{s.user_id()}, Value{id}}));
  if (n == 0) return Status::NotFound("no notification " + id);
  return Status::Ok();
}

}  // namespace rapport
