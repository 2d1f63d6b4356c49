// Rule-based scoring (issue 4, docs/decisions/012-enrichment-scoring-assignment.md).
//
// Scoring rules are records of the `scoring_rules` object (organisation
// configuration: everyone reads, administrators write through the ordinary
// /api/v1/scoring_rules routes). A rule is either a field condition in the
// list API's terms (field, operator, value as in `filter=field:op:value`) or
// an activity-recency rule (activity_within_days, optional activity_type),
// with points. ValidateScoringRule runs on every write (bad definitions are a
// 400 naming the attribute: field, operator, value, points, ...).
//
// A lead's score is the sum of the points of the active rules that hold; the
// score and its explanation (the rules that fired, with points) are stored on
// the lead (`score`, `score_explanation`, `scored_at`). Scores are computed on
// create and update (LeadPipeline), after an activity on the lead, and on
// demand (RescoreLeads: POST /api/v1/leads/rescore, `rapport score rescore`).
// An organisation without rules keeps whatever score a lead was given.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/status.h"
#include "domain/lead_rules.h"
#include "meta/object.h"
#include "store/conn.h"
#include "store/records.h"
#include "store/scope.h"

namespace rapport {

// --- conditions in the list API's terms --------------------------------------

// One condition on `def`: `field` `op` `text` (in/not_in: comma list;
// is_null: true/false). Errors name `attr_field` / `attr_op` / `attr_value`
// (the attribute of the rule the client sent).
Result<Condition> ParseCondition(const ObjectDef& def, const std::string& field, const std::string& op,
                                 const std::string& text, const std::string& attr_field = "field",
                                 const std::string& attr_op = "operator", const std::string& attr_value = "value");

// The list API's JSON filter ({"country": {"in": ["FR","BE"]}, "employees":
// {"gte": 50}}) as conditions (AND). Errors name `attr`.
Result<std::vector<Condition>> ParseConditionsJson(const ObjectDef& def, const nlohmann::json& filter,
                                                   const std::string& attr = "conditions");

// --- rules -------------------------------------------------------------------

// Checks and completes a scoring rule about to be written (`v`: the changes;
// `current`: the stored rule on update). Sets active=true and position on create.
Status ValidateScoringRule(Conn* c, const TenantScope& s, const Catalog& cat, const ObjectDef& def, FieldValues* v,
                           const Record* current);

// The active rules for `object` (leads or opportunities), by position.
Result<std::vector<ScoringRule>> LoadScoringRules(Conn* c, const std::string& org_id, const Catalog& cat,
                                                  const std::string& object);

// When each kind of activity last happened on a record (done_at, else created_at).
Result<ActivityFacts> LoadActivityFacts(Conn* c, const std::string& org_id, const std::string& object,
                                        const std::string& record_id);

struct RescoreResult {
  int64_t scanned = 0, changed = 0, qualified = 0;
  nlohmann::json ToJson() const;
};
// Recomputes the rule score (and predicted score) of the visible leads
// matching `filters` (all when empty), in batches; leads reaching the
// auto-qualify threshold become qualified through RecordService.
Result<RescoreResult> RescoreLeads(Conn* c, const TenantScope& s, const Catalog& cat, const std::vector<Filter>& filters);

}  // namespace rapport
