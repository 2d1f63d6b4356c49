#include "app/scoring.h"

#include "app/lead_pipeline.h"
#include "app/records_service.h"
#include "base/time.h"
#include "meta/validate.h"

namespace rapport {

using nlohmann::json;

namespace {

// Fields a rule may not look at: what scoring itself writes.
bool ScoringOutput(const std::string& f) {
  return f == "score" || f == "score_explanation" || f == "scored_at" || f == "predicted_score" ||
         f == "predicted_factors";
}

Result<Value> ParseConditionValue(const FieldDef& f, MatchOp op, const std::string& text, const std::string& attr) {
  if (op == MatchOp::kContains || op == MatchOp::kStartsWith) {
    if (text.empty()) return Status::InvalidArgument(attr + ": " + f.name + " " + MatchOpName(op) + " needs a value", attr);
    if (text.size() > 1000) return Status::InvalidArgument(attr + ": value too long", attr);
    return Value{text};
  }
  if (f.kind == FieldKind::kDateTime && text.size() == 10) {
    int y, m, d;
    if (ParseDate(text, &y, &m, &d)) return Value{text + "T00:00:00.000Z"};
  }
  if (f.kind == FieldKind::kMultiPicklist) return Value{text};
  FieldDef loose = f;  // a condition may name any value the field could hold
  loose.max_length = 0;
  loose.min.reset();
  loose.max.reset();
  if (loose.kind == FieldKind::kText) loose.max_length = 1000;
  if (text.empty()) return Status::InvalidArgument(attr + ": " + f.name + " " + MatchOpName(op) + " needs a value", attr);
  auto r = ParseTextValue(loose, text);
  if (!r.ok()) return Status::InvalidArgument(attr + ": " + r.status().message(), attr);
  if (IsNull(*r)) return Status::InvalidArgument(attr + ": " + f.name + " " + MatchOpName(op) + " needs a value", attr);
  return r;
}

Value Col(const Record& r, const ObjectDef& def, const char* f) { return r.Get(def, f); }

}  // namespace

Result<Condition> ParseCondition(const ObjectDef& def, const std::string& field, const std::string& op_name,
                                 const std::string& text, const std::string& attr_field, const std::string& attr_op,
                                 const std::string& attr_value) {
  if (field.empty()) return Status::InvalidArgument(attr_field + ": is required (a field of " + def.name + ")", attr_field);
  const FieldDef* f = def.Find(field);
  if (!f) return Status::InvalidArgument(attr_field + ": unknown field '" + field + "' on " + def.name, attr_field);
  Condition c;
  c.field = field;
  if (op_name.empty()) return Status::InvalidArgument(attr_op + ": is required (" + MatchOpList() + ")", attr_op);
  if (!ParseMatchOp(op_name, &c.op))
    return Status::InvalidArgument(attr_op + ": unknown operator '" + op_name + "' (" + MatchOpList() + ")", attr_op);
  if (c.op == MatchOp::kIsNull) {
    if (text.empty() || text == "true" || text == "1") c.values.emplace_back(int64_t{1});
    else if (text == "false" || text == "0") c.values.emplace_back(int64_t{0});
    else return Status::InvalidArgument(attr_value + ": is_null takes true or false", attr_value);
    return c;
  }
  if (c.op == MatchOp::kIn || c.op == MatchOp::kNotIn) {
    size_t start = 0;
    while (start <= text.size()) {
      size_t end = text.find(',', start);
      if (end == std::string::npos) end = text.size();
      std::string item = text.substr(start, end - start);
      start = end + 1;
      RP_ASSIGN_OR_RETURN(Value v, ParseConditionValue(*f, c.op, item, attr_value));
      c.values.push_back(std::move(v));
    }
    if (c.values.size() > 1000) return Status::InvalidArgument(attr_value + ": at most 1000 values", attr_value);
    return c;
  }
  RP_ASSIGN_OR_RETURN(Value v, ParseConditionValue(*f, c.op, text, attr_value));
  c.values.push_back(std::move(v));
  return c;
}

Result<std::vector<Condition>> ParseConditionsJson(const ObjectDef& def, const json& filter, const std::string& attr) {
  std::vector<Condition> out;
  if (filter.is_null()) return out;
  if (!filter.is_object())
    return Status::InvalidArgument(attr + ": expected the list API's JSON filter, e.g. {\"country\": {\"in\": [\"FR\", \"BE\"]}}",
                                   attr);
  for (auto it = filter.begin(); it != filter.end(); ++it) {
    if (!it.value().is_object())
      return Status::InvalidArgument(attr + ": expected {\"" + it.key() + "\": {\"operator\": value}}", attr);
    if (!def.Find(it.key())) return Status::InvalidArgument(attr + ": unknown field '" + it.key() + "' on " + def.name, attr);
    for (auto op = it.value().begin(); op != it.value().end(); ++op) {
      const json& jv = op.value();
      std::string text;
      if (op.key() == "in" || op.key() == "not_in") {
        if (!jv.is_array()) return Status::InvalidArgument(attr + ": " + it.key() + " " + op.key() + " takes an array", attr);
        for (const auto& e : jv) {
          std::string item = e.is_string() ? e.get<std::string>() : e.dump();
          if (item.find(',') != std::string::npos)
            return Status::InvalidArgument(attr + ": " + it.key() + " " + op.key() + ": values may not contain commas", attr);
          text += (text.empty() ? "" : ",") + item;
        }
      } else if (op.key() == "is_null") {
        if (!jv.is_boolean()) return Status::InvalidArgument(attr + ": is_null takes true or false", attr);
        text = jv.get<bool>() ? "true" : "false";
      } else {
        text = jv.is_null() ? "" : jv.is_string() ? jv.get<std::string>() : jv.dump();
      }
      RP_ASSIGN_OR_RETURN(Condition c, ParseCondition(def, it.key(), op.key(), text, attr, attr, attr));
      out.push_back(std::move(c));
    }
  }
  if (out.size() > 32) return Status::InvalidArgument(attr + ": at most 32 conditions", attr);
  return out;
}

Status ValidateScoringRule(Conn* c, const TenantScope& s, const Catalog& cat, const ObjectDef& def, FieldValues* v,
                           const Record* current) {
  auto get = [&](const std::string& f) -> Value {
    auto it = v->find(f);
    if (it != v->end()) return it->second;
    return current ? current->Get(def, f) : Value{};
  };
  std::string object = IsNull(get("object")) ? "leads" : ValueToString(get("object"));
  const ObjectDef* target = cat.Find(object);
  if (!target) return Status::InvalidArgument("object: unknown object '" + object + "'", "object");
  bool activity = !IsNull(get("activity_within_days"));
  bool field_rule = !IsNull(get("field")) || !IsNull(get("operator")) || !IsNull(get("value"));
  if (activity && field_rule)
    return Status::InvalidArgument(
        "activity_within_days: a rule is either a field condition (field, operator, value) or an activity rule "
        "(activity_within_days, activity_type), not both",
        "activity_within_days");
  if (!activity && !field_rule)
    return Status::InvalidArgument("field: a rule needs a field condition (field, operator, value) or "
                                   "activity_within_days",
                                   "field");
  if (!activity && !IsNull(get("activity_type")))
    return Status::InvalidArgument("activity_type: only with activity_within_days", "activity_type");
  if (field_rule) {
    std::string field = ValueToString(get("field"));
    if (ScoringOutput(field))
      return Status::InvalidArgument("field: a scoring rule cannot look at '" + field + "', which scoring writes", "field");
    RP_ASSIGN_OR_RETURN(Condition cond, ParseCondition(*target, field, ValueToString(get("operator")),
                                                       ValueToString(get("value"))));
    (void)cond;
  }
  if (!current) {
    if (!v->count("active") || IsNull((*v)["active"])) (*v)["active"] = Value{int64_t{1}};
    if (!v->count("position") || IsNull((*v)["position"])) {
      RP_ASSIGN_OR_RETURN(Rows r, c->Query("SELECT MAX(position) FROM scoring_rules WHERE org_id = ? AND deleted_at IS NULL",
                                           {Value{s.org_id()}}));
      double next = r.empty() || IsNull(r.rows[0][0]) ? 10 : ValueToNumber(r.rows[0][0]) + 10;
      (*v)["position"] = Value{next};
    }
  }
  return Status::Ok();
}

Result<std::vector<ScoringRule>> LoadScoringRules(Conn* c, const std::string& org_id, const Catalog& cat,
                                                  const std::string& object) {
  std::vector<ScoringRule> out;
  const ObjectDef* target = cat.Find(object);
  if (!target) return out;
  RP_ASSIGN_OR_RETURN(Rows rows,
                      c->Query("SELECT id, name, field, operator, value, activity_within_days, activity_type, points "
                               "FROM scoring_rules WHERE org_id = ? AND deleted_at IS NULL AND object = ? AND "
                               "(active IS NULL OR active <> 0) ORDER BY position, id",
                               {Value{org_id}, Value{object}}));
  for (const auto& r : rows.rows) {
    ScoringRule rule;
    rule.id = ValueToString(r[0]);
    rule.name = ValueToString(r[1]);
    rule.points = ValueToNumber(r[7]);
    if (!IsNull(r[5])) {
      rule.activity_within_days = static_cast<int>(ValueToNumber(r[5]));
      rule.activity_type = ValueToString(r[6]);
    } else {
      auto cond = ParseCondition(*target, ValueToString(r[2]), ValueToString(r[3]), ValueToString(r[4]));
      if (!cond.ok()) continue;  // e.g. a custom field was removed since: the rule no longer applies
      rule.condition = std::move(*cond);
    }
    out.push_back(std::move(rule));
  }
  return out;
}

Result<ActivityFacts> LoadActivityFacts(Conn* c, const std::string& org_id, const std::string& object,
                                        const std::string& record_id) {
  ActivityFacts facts;
  RP_ASSIGN_OR_RETURN(Rows rows, c->Query("SELECT type, MAX(COALESCE(done_at, created_at)) FROM activities WHERE "
                                          "org_id = ? AND related_object = ? AND related_id = ? AND deleted_at IS NULL "
                                          "GROUP BY type",
                                          {Value{org_id}, Value{object}, Value{record_id}}));
  for (const auto& r : rows.rows) {
    int64_t ms = 0;
    if (!ParseDateTime(ValueToString(r[1]), &ms)) continue;
    facts.last_by_type[ValueToString(r[0])] = ms;
    facts.last_any = std::max(facts.last_any, ms);
  }
  return facts;
}

json RescoreResult::ToJson() const { return {{"scanned", scanned}, {"changed", changed}, {"qualified", qualified}}; }

Result<RescoreResult> RescoreLeads(Conn* c, const TenantScope& s, const Catalog& cat, const std::vector<Filter>& filters) {
  const ObjectDef* leads = cat.Find("leads");
  if (!leads) return Status::NotFound("unknown object 'leads'");
  RescoreResult out;
  LeadPipeline pipeline(s.org_id());
  ListQuery q;
  q.filters = filters;
  q.limit = 500;
  while (true) {
    RP_ASSIGN_OR_RETURN(Page page, RecordStore::List(c, s, *leads, q));
    Status st = InTransaction(c, TxMode::kWrite, [&]() -> Status {
      for (const Record& r : page.records) {
        ++out.scanned;
        std::string id = ValueToString(Col(r, *leads, "id"));
        FieldValues changes;
        auto view = [&](const std::string& f) { return r.Get(*leads, f); };
        RP_RETURN_IF_ERROR(pipeline.Score(c, cat, *leads, view, id, &changes));
        bool qualify = false;
        RP_ASSIGN_OR_RETURN(qualify, pipeline.ShouldQualify(c, changes, view));
        bool changed = false;
        for (const auto& [f, val] : changes) {
          if (f == "scored_at") continue;
          if (ValueToString(val) != ValueToString(r.Get(*leads, f)) || IsNull(val) != IsNull(r.Get(*leads, f))) changed = true;
        }
        if (changed) {
          TenantScope system = TenantScope::ForOperator(s.org_id(), s.user_id());
          RP_ASSIGN_OR_RETURN(Record u, RecordStore::Update(c, system, *leads, id, changes, std::nullopt));
          (void)u;
          ++out.changed;
        }
        if (qualify) {
          // The status moves through RecordService (the lead status flow validates it).
          auto u = RecordService::Update(c, TenantScope::ForOperator(s.org_id(), s.user_id()), cat, *leads, id,
                                         json{{"status", "qualified"}}, std::nullopt);
          if (u.ok()) ++out.qualified;
          else if (u.status().code() != Status::Code::kUnprocessable) return u.status();
        }
      }
      return Status::Ok();
    });
    RP_RETURN_IF_ERROR(st);
    if (page.next_cursor.empty()) break;
    q.cursor = page.next_cursor;
  }
  return out;
}

}  // namespace rapport
