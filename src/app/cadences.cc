#include "app/cadences.h"

#include <map>
#include <set>

#include "app/commitments.h"
#include "app/records_service.h"
#include "base/time.h"
#include "domain/cadences.h"
#include "domain/recurrence.h"

namespace rapport {

using nlohmann::json;

namespace Cadences {

namespace {

const std::set<std::string>& Enrollable() {
  static const std::set<std::string> k = {"leads", "contacts", "opportunities"};
  return k;
}

std::string Text(const ObjectDef& def, const Record& r, const std::string& f) {
  if (!def.Find(f)) return {};
  const Value& v = r.Get(def, f);
  return IsNull(v) ? std::string() : ValueToString(v);
}

int64_t Int(const ObjectDef& def, const Record& r, const std::string& f) {
  const Value& v = r.Get(def, f);
  if (auto* i = std::get_if<int64_t>(&v)) return *i;
  if (auto* d = std::get_if<double>(&v)) return static_cast<int64_t>(*d);
  return 0;
}

// The stored steps (validated when written).
Result<std::vector<CadenceStep>> StoredSteps(const std::string& text) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) return Status::InvalidArgument("steps: not valid JSON", "steps");
  return ParseCadenceSteps(j);
}

std::string Trimmed(std::string s) {
  while (!s.empty() && s.front() == ' ') s.erase(s.begin());
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

// The values templates may name, from the record a cadence is applied to
// (read under the caller's scope: what they cannot see stays empty).
Result<std::map<std::string, std::string>> TemplateValues(Conn* c, const TenantScope& s, const Catalog& cat,
                                                          const ObjectDef& def, const Record& rec) {
  std::map<std::string, std::string> v;
  auto account_name = [&](const std::string& id) -> std::string {
    const ObjectDef* acc = cat.Find("accounts");
    if (id.empty() || !acc) return {};
    auto a = RecordStore::Get(c, s, *acc, id);
    return a.ok() ? Text(*acc, *a, "name") : std::string();
  };
  auto person = [&](const ObjectDef& d, const Record& r) {
    v["first_name"] = Text(d, r, "first_name");
    v["last_name"] = Text(d, r, "last_name");
    v["email"] = Text(d, r, "email");
  };
  if (def.name == "leads") {
    person(def, rec);
    v["company"] = Text(def, rec, "company");
    v["name"] = Trimmed(v["first_name"] + " " + v["last_name"]);
    if (v["name"].empty()) v["name"] = v["company"];
  } else if (def.name == "contacts") {
    person(def, rec);
    v["company"] = account_name(Text(def, rec, "account_id"));
    v["name"] = Trimmed(v["first_name"] + " " + v["last_name"]);
  } else {
    v["name"] = Text(def, rec, "name");
    v["company"] = account_name(Text(def, rec, "account_id"));
    const ObjectDef* contacts = cat.Find("contacts");
    std::string cid = Text(def, rec, "contact_id");
    if (contacts && !cid.empty()) {
      auto ct = RecordStore::Get(c, s, *contacts, cid);
      if (ct.ok()) person(*contacts, *ct);
    }
  }
  std::string owner = Text(def, rec, "owner_id");
  if (!owner.empty()) {
    RP_ASSIGN_OR_RETURN(Rows u, c->Query("SELECT name FROM users WHERE org_id = ? AND id = ?",
                                         {Value{s.org_id()}, Value{owner}}));
    if (!u.empty() && !IsNull(u.rows[0][0])) v["owner_name"] = ValueToString(u.rows[0][0]);
  }
  return v;
}

struct EnrollmentTarget {
  std::string related_object, related_id, owner_id, team_id, zone, cadence_name;
  int64_t started_ms = 0;
};

// Creates the activity of step `index` (0-based) through RecordService.
Result<Record> CreateStepActivity(Conn* c, const TenantScope& s, const Catalog& cat, const EnrollmentTarget& t,
                                  const std::vector<CadenceStep>& steps, size_t index, int64_t* due_ms) {
  const ObjectDef* adef = cat.Find("activities");
  const ObjectDef* rdef = cat.Find(t.related_object);
  if (!adef || !rdef) return Status::Internal("activities or " + t.related_object + " not in the catalogue");
  std::map<std::string, std::string> values;
  auto rec = RecordStore::Get(c, s, *rdef, t.related_id);
  if (rec.ok()) {
    RP_ASSIGN_OR_RETURN(values, TemplateValues(c, s, cat, *rdef, *rec));
  }
  const CadenceStep& step = steps[index];
  *due_ms = AddLocalDays(t.started_ms, step.day, t.zone);
  std::string subject = RenderCadenceTemplate(step.subject, values);
  if (subject.size() > 255) subject.resize(255);  // a long name filled in; cut at a byte is fine for display
  while (!subject.empty() && (static_cast<unsigned char>(subject.back()) & 0xC0) == 0x80) subject.pop_back();
  if (!subject.empty() && (static_cast<unsigned char>(subject.back()) & 0x80)) subject.pop_back();
  if (Trimmed(subject).empty()) subject = step.type + " (" + t.cadence_name + ")";
  std::string notes = RenderCadenceTemplate(step.notes, values);
  if (!notes.empty()) notes += "\n\n";
  notes += "Cadence \"" + t.cadence_name + "\", step " + std::to_string(index + 1) + " of " +
           std::to_string(steps.size()) + " (day " + std::to_string(step.day) + ").";
  FieldValues v{{"type", Value{step.type}},
                {"subject", Value{subject}},
                {"description", Value{notes}},
                {"due_at", Value{FormatIsoMillis(*due_ms)}},
                {"related_object", Value{t.related_object}},
                {"related_id", Value{t.related_id}}};
  if (!t.owner_id.empty()) v["owner_id"] = Value{t.owner_id};
  if (!t.team_id.empty()) v["team_id"] = Value{t.team_id};
  return RecordService::CreateTrusted(c, s, cat, *adef, v);
}

EnrollmentTarget TargetOf(const ObjectDef& edef, const Record& e) {
  EnrollmentTarget t;
  t.related_object = Text(edef, e, "related_object");
  t.related_id = Text(edef, e, "related_id");
  t.owner_id = Text(edef, e, "owner_id");
  t.team_id = Text(edef, e, "team_id");
  t.zone = Text(edef, e, "time_zone");
  t.cadence_name = Text(edef, e, "cadence_name");
  ParseDateTime(Text(edef, e, "started_at"), &t.started_ms);
  return t;
}

// Moves an active enrollment past its current step (completed or skipped):
// the next step's activity, or the enrollment completed after the last.
Result<Record> Advance(Conn* c, const TenantScope& s, const Catalog& cat, const ObjectDef& edef, const Record& e,
                       bool skipped) {
  RP_ASSIGN_OR_RETURN(std::vector<CadenceStep> steps, StoredSteps(Text(edef, e, "steps")));
  const int64_t current = Int(edef, e, "current_step");
  FieldValues ch;
  if (skipped) ch["steps_skipped"] = Value{double(Int(edef, e, "steps_skipped") + 1)};
  else ch["steps_completed"] = Value{double(Int(edef, e, "steps_completed") + 1)};
  if (current >= 1 && static_cast<size_t>(current) < steps.size()) {
    int64_t due = 0;
    RP_ASSIGN_OR_RETURN(Record act, CreateStepActivity(c, s, cat, TargetOf(edef, e), steps, current, &due));
    const ObjectDef* adef = cat.Find("activities");
    ch["current_step"] = Value{double(current + 1)};
    ch["current_activity_id"] = act.Get(*adef, "id");
    ch["next_due_at"] = Value{FormatIsoMillis(due)};
  } else {
    ch["status"] = Value{std::string("completed")};
    ch["ended_at"] = Value{NowIso()};
    ch["current_activity_id"] = Value{};
    ch["next_due_at"] = Value{};
  }
  return RecordStore::Update(c, s, edef, Text(edef, e, "id"), ch, e.version(edef));
}

// The enrollment `id` of cadence `cadence_id` as the caller sees it; it must
// be active.
Result<Record> ActiveEnrollment(Conn* c, const TenantScope& s, const ObjectDef& edef, const std::string& cadence_id,
                                const std::string& id) {
  auto e = RecordStore::Get(c, s, edef, id);
  if (!e.ok() || Text(edef, *e, "cadence_id") != cadence_id) {
    if (!e.ok() && e.status().code() != Status::Code::kNotFound) return e.status();
    return Status::NotFound("no enrollment " + id + " in cadence " + cadence_id);
  }
  std::string status = Text(edef, *e, "status");
  if (status != "active")
    return Status::Unprocessable("status: the enrollment is already " + status, "status");
  return *e;
}

// Soft-deletes the open activity of the current step (skip, stop).
Status DropOpenActivity(Conn* c, const TenantScope& s, const Catalog& cat, const ObjectDef& edef, const Record& e) {
  std::string aid = Text(edef, e, "current_activity_id");
  const ObjectDef* adef = cat.Find("activities");
  if (aid.empty() || !adef) return Status::Ok();
  auto a = RecordStore::Get(c, s, *adef, aid);
  if (!a.ok()) return a.status().code() == Status::Code::kNotFound ? Status::Ok() : a.status();
  if (!IsNull(a->Get(*adef, "done_at"))) return Status::Ok();
  auto d = RecordStore::SetDeleted(c, s, *adef, aid, true, std::nullopt);
  return d.ok() ? Status::Ok() : d.status();
}

Result<const ObjectDef*> Def(const Catalog& cat, const char* name) {
  const ObjectDef* d = cat.Find(name);
  if (!d) return Status::Internal(std::string("no ") + name + " object in the catalogue");
  return d;
}

}  // namespace

json CadenceToJson(const ObjectDef& def, const Record& r) {
  json j = RecordService::ToJson(def, r);
  json steps = json::parse(Text(def, r, "steps"), nullptr, false);
  j["steps"] = steps.is_array() ? steps : json::array();
  return j;
}

json EnrollmentToJson(const ObjectDef& def, const Record& r) {
  json j = RecordService::ToJson(def, r);
  json steps = json::parse(Text(def, r, "steps"), nullptr, false);
  if (!steps.is_array()) steps = json::array();
  j["steps"] = steps;
  j["next_step"] = nullptr;
  const int64_t current = Int(def, r, "current_step");
  if (Text(def, r, "status") == "active" && current >= 1 && static_cast<size_t>(current) <= steps.size()) {
    const json& st = steps[current - 1];
    j["next_step"] = {{"number", current},
                      {"of", steps.size()},
                      {"type", st.value("type", "")},
                      {"day", st.value("day", 0)},
                      {"subject", st.value("subject", "")},
                      {"due_at", j["next_due_at"]},
                      {"activity_id", j["current_activity_id"]}};
  }
  return j;
}

Result<json> PrepareCadenceBody(const json& body, bool creating) {
  if (!body.is_object()) return Status::InvalidArgument("request body must be a JSON object");
  json out = body;
  if (body.contains("steps")) {
    RP_ASSIGN_OR_RETURN(std::vector<CadenceStep> steps, ParseCadenceSteps(body["steps"]));
    out["steps"] = CadenceStepsToJson(steps).dump();
  } else if (creating) {
    return Status::InvalidArgument("steps: a cadence needs at least one step", "steps");
  }
  return out;
}

Status ApplyRules(const ObjectDef& def, FieldValues* v, const Record* current) {
  (void)def;
  auto it = v->find("steps");
  if (it != v->end()) {
    if (IsNull(it->second)) return Status::InvalidArgument("steps: a cadence needs at least one step", "steps");
    auto steps = StoredSteps(ValueToString(it->second));
    if (!steps.ok()) return steps.status();
  }
  if (!current && (!v->count("active") || IsNull((*v)["active"]))) (*v)["active"] = Value{int64_t{1}};
  return Status::Ok();
}

Result<Record> DeleteCadence(Conn* c, const TenantScope& s, const Catalog& cat, const std::string& id,
                             std::optional<int64_t> expected) {
  RP_ASSIGN_OR_RETURN(const ObjectDef* cdef, Def(cat, "cadences"));
  RP_ASSIGN_OR_RETURN(const ObjectDef* edef, Def(cat, "cadence_enrollments"));
  Record out;
  Status st = InTransaction(c, TxMode::kWrite, [&]() -> Status {
    RP_ASSIGN_OR_RETURN(out, RecordService::Delete(c, s, cat, *cdef, id, expected));
    // Active enrollments end with their cadence (the admin may not see every
    // record: the system scope, acting as the admin, stops them all).
    const TenantScope system = TenantScope::ForOperator(s.org_id(), s.user_id());
    RP_ASSIGN_OR_RETURN(Rows rows, c->Query("SELECT id FROM cadence_enrollments WHERE org_id = ? AND cadence_id = ? "
                                            "AND status = 'active' AND deleted_at IS NULL",
                                            {Value{s.org_id()}, Value{id}}));
    for (const auto& r : rows.rows) {
      RP_ASSIGN_OR_RETURN(Record e, RecordStore::Get(c, system, *edef, ValueToString(r[0])));
      RP_RETURN_IF_ERROR(DropOpenActivity(c, system, cat, *edef, e));
      FieldValues ch{{"status", Value{std::string("stopped")}},   {"ended_at", Value{NowIso()}},
                     {"stop_reason", Value{std::string("cadence deleted")}}, {"current_activity_id", Value{}},
                     {"next_due_at", Value{}}};
      RP_ASSIGN_OR_RETURN(Record u, RecordStore::Update(c, system, *edef, ValueToString(r[0]), ch, e.version(*edef)));
      (void)u;
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

Result<json> Enroll(Conn* c, const TenantScope& s, const Catalog& cat, const std::string& cadence_id,
                    const json& body) {
  RP_ASSIGN_OR_RETURN(const ObjectDef* cdef, Def(cat, "cadences"));
  RP_ASSIGN_OR_RETURN(const ObjectDef* edef, Def(cat, "cadence_enrollments"));
  RP_ASSIGN_OR_RETURN(const ObjectDef* adef, Def(cat, "activities"));
  if (!body.is_object()) return Status::InvalidArgument("request body must be a JSON object");
  for (auto it = body.begin(); it != body.end(); ++it) {
    if (it.key() != "related_object" && it.key() != "related_id")
      return Status::InvalidArgument("unknown field '" + it.key() + "' (related_object, related_id)", it.key());
  }
  if (!body.contains("related_object") || !body["related_object"].is_string())
    return Status::InvalidArgument("related_object: is required (leads, contacts or opportunities)", "related_object");
  const std::string object = body["related_object"].get<std::string>();
  if (!Enrollable().count(object))
    return Status::InvalidArgument("related_object: cadences apply to leads, contacts and opportunities, not '" +
                                       object + "'",
                                   "related_object");
  if (!body.contains("related_id") || !body["related_id"].is_string() || body["related_id"].get<std::string>().empty())
    return Status::InvalidArgument("related_id: is required", "related_id");
  const std::string record_id = body["related_id"].get<std::string>();
  RP_ASSIGN_OR_RETURN(const ObjectDef* rdef, Def(cat, object.c_str()));
  json out;
  Status st = InTransaction(c, TxMode::kWrite, [&]() -> Status {
    auto cad = RecordStore::Get(c, s, *cdef, cadence_id);
    if (!cad.ok()) {
      if (cad.status().code() == Status::Code::kNotFound) return Status::NotFound("no cadence with id " + cadence_id);
      return cad.status();
    }
    const std::string name = Text(*cdef, *cad, "name");
    if (Int(*cdef, *cad, "active") == 0)
      return Status::Unprocessable("active: the cadence '" + name + "' is inactive", "active");
    RP_ASSIGN_OR_RETURN(std::vector<CadenceStep> steps, StoredSteps(Text(*cdef, *cad, "steps")));
    auto rec = RecordStore::Get(c, s, *rdef, record_id);
    if (!rec.ok()) {
      if (rec.status().code() == Status::Code::kNotFound)
        return Status::InvalidArgument("related_id: no " + rdef->label + " with id " + record_id, "related_id");
      return rec.status();
    }
    // One active enrollment per record and cadence (an existence check, like
    // a reference check: it does not depend on what the caller may see).
    RP_ASSIGN_OR_RETURN(Rows dup, c->Query("SELECT id FROM cadence_enrollments WHERE org_id = ? AND cadence_id = ? "
                                           "AND related_id = ? AND status = 'active'",
                                           {Value{s.org_id()}, Value{cadence_id}, Value{record_id}}));
    const std::string conflict = "related_id: this " + rdef->label + " already has an active enrollment in '" + name + "'";
    if (!dup.empty()) return Status::Conflict(conflict, "related_id");
    EnrollmentTarget t;
    t.related_object = object;
    t.related_id = record_id;
    t.owner_id = Text(*rdef, *rec, "owner_id");
    t.team_id = Text(*rdef, *rec, "team_id");
    t.cadence_name = name;
    t.started_ms = Clock::Get().NowMillis();
    RP_ASSIGN_OR_RETURN(t.zone, Commitments::TimeZoneOf(c, s.org_id(), t.owner_id));
    int64_t due = 0;
    RP_ASSIGN_OR_RETURN(Record act, CreateStepActivity(c, s, cat, t, steps, 0, &due));
    FieldValues ev{{"cadence_id", Value{cadence_id}},
                   {"cadence_name", Value{name}},
                   {"related_object", Value{object}},
                   {"related_id", Value{record_id}},
                   {"status", Value{std::string("active")}},
                   {"started_at", Value{FormatIsoMillis(t.started_ms)}},
                   {"steps", Value{CadenceStepsToJson(steps).dump()}},
                   {"current_step", Value{1.0}},
                   {"current_activity_id", act.Get(*adef, "id")},
                   {"next_due_at", Value{FormatIsoMillis(due)}},
                   {"steps_completed", Value{0.0}},
                   {"steps_skipped", Value{0.0}}};
    if (!t.zone.empty()) ev["time_zone"] = Value{t.zone};
    if (!t.owner_id.empty()) ev["owner_id"] = Value{t.owner_id};
    if (!t.team_id.empty()) ev["team_id"] = Value{t.team_id};
    auto e = RecordStore::Insert(c, s, *edef, ev);
    if (!e.ok()) {
      // Two requests at once: the unique index lets one through.
      if (e.status().code() == Status::Code::kConflict) return Status::Conflict(conflict, "related_id");
      return e.status();
    }
    out = EnrollmentToJson(*edef, *e);
    out["activity"] = RecordService::ToJson(*adef, act);
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

Result<json> Skip(Conn* c, const TenantScope& s, const Catalog& cat, const std::string& cadence_id,
                  const std::string& enrollment_id) {
  RP_ASSIGN_OR_RETURN(const ObjectDef* edef, Def(cat, "cadence_enrollments"));
  json out;
  Status st = InTransaction(c, TxMode::kWrite, [&]() -> Status {
    RP_ASSIGN_OR_RETURN(Record e, ActiveEnrollment(c, s, *edef, cadence_id, enrollment_id));
    RP_RETURN_IF_ERROR(DropOpenActivity(c, s, cat, *edef, e));
    RP_ASSIGN_OR_RETURN(Record u, Advance(c, s, cat, *edef, e, /*skipped=*/true));
    out = EnrollmentToJson(*edef, u);
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

Result<json> Stop(Conn* c, const TenantScope& s, const Catalog& cat, const std::string& cadence_id,
                  const std::string& enrollment_id, const std::string& reason) {
  RP_ASSIGN_OR_RETURN(const ObjectDef* edef, Def(cat, "cadence_enrollments"));
  if (reason.size() > 500) return Status::InvalidArgument("reason: at most 500 characters", "reason");
  json out;
  Status st = InTransaction(c, TxMode::kWrite, [&]() -> Status {
    RP_ASSIGN_OR_RETURN(Record e, ActiveEnrollment(c, s, *edef, cadence_id, enrollment_id));
    RP_RETURN_IF_ERROR(DropOpenActivity(c, s, cat, *edef, e));
    FieldValues ch{{"status", Value{std::string("stopped")}},
                   {"ended_at", Value{NowIso()}},
                   {"current_activity_id", Value{}},
                   {"next_due_at", Value{}}};
    if (!reason.empty()) ch["stop_reason"] = Value{reason};
    RP_ASSIGN_OR_RETURN(Record u, RecordStore::Update(c, s, *edef, enrollment_id, ch, e.version(*edef)));
    out = EnrollmentToJson(*edef, u);
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

Status AfterActivityUpdate(Conn* c, const TenantScope& s, const Catalog& cat, const ObjectDef& def,
                           const Record& before, const Record& after) {
  if (!IsNull(before.Get(def, "done_at")) || IsNull(after.Get(def, "done_at"))) return Status::Ok();
  const ObjectDef* edef = cat.Find("cadence_enrollments");
  if (!edef) return Status::Ok();
  const std::string aid = ValueToString(after.Get(def, "id"));
  RP_ASSIGN_OR_RETURN(Rows rows, c->Query("SELECT id FROM cadence_enrollments WHERE org_id = ? AND "
                                          "current_activity_id = ? AND status = 'active' AND deleted_at IS NULL",
                                          {Value{s.org_id()}, Value{aid}}));
  // Whoever may complete the activity moves its enrollment on (the
  // enrollment may be shared differently from the activity): the system
  // scope, acting as the caller, so the audit names them.
  const TenantScope system = TenantScope::ForOperator(s.org_id(), s.user_id());
  for (const auto& r : rows.rows) {
    RP_ASSIGN_OR_RETURN(Record e, RecordStore::Get(c, system, *edef, ValueToString(r[0])));
    RP_ASSIGN_OR_RETURN(Record u, Advance(c, system, cat, *edef, e, /*skipped=*/false));
    (void)u;
  }
  return Status::Ok();
}

}  // namespace Cadences

}  // namespace rapport
