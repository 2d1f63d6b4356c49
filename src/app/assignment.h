// Lead assignment, first-response tracking and escalation (issue 4,
// docs/decisions/012-enrichment-scoring-assignment.md).
//
// Assignment rules are records of the `assignment_rules` object (organisation
// configuration, /api/v1/assignment_rules): ordered by `position`, the first
// active rule whose `conditions` (the list API's JSON filter over lead fields:
// territory by country/region/postcode ranges, industry, employees or
// employee_band, source, ...) all hold and that can name a rep wins. The
// strategy picks the rep (domain/assignment.h): round_robin or least_loaded
// among the members of `team_id`, or the named `user_id` ("owner"). Reps are
// users; their `active`, `out_of_office_from/to`, `working_hours`,
// `time_zone` (IANA name or UTC offset) and `capacity` (open leads) fields say
// who can take a lead now.
//
// Assignment runs when a lead is captured without an explicit owner (API
// create, web form, import) and on demand (POST /api/v1/leads/{id}/assign).
// The lead records the rule (`assignment_rule_id`, `assigned_by_rule`) and
// `assigned_at`; assignment_log keeps every assignment with its reason, and
// the lead's audit history shows the owner change.
//
// First response: the first activity on a lead after its assignment sets
// `first_response_at` and `response_minutes` (business minutes of the
// organisation's business_hours). The escalation job finds rule-assigned
// leads still new or working without a response after
// first_response_target_minutes business minutes and, as the setting
// first_response_escalation says, notifies the owner's manager (a
// notifications row; the organisation's administrators when the team has no
// manager) or reassigns the lead to the next rep of its rule (or of the rules)
// and notifies them; each escalation is recorded on the lead (escalated_at,
// escalation_count), in assignment_log and in the audit history.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "domain/assignment.h"
#include "domain/lead_rules.h"
#include "meta/object.h"
#include "store/conn.h"
#include "store/records.h"
#include "store/scope.h"

namespace rapport {

struct AssignmentRuleDef {
  std::string id, name;
  std::vector<Condition> conditions;
  AssignStrategy strategy = AssignStrategy::kRoundRobin;
  std::string team_id, user_id;
};

// A request body for assignment_rules may give `conditions` as a JSON object;
// it is stored as its text.
nlohmann::json PrepareAssignmentRuleBody(const nlohmann::json& body);

// Checks and completes an assignment rule about to be written.
Status ValidateAssignmentRule(Conn* c, const TenantScope& s, const Catalog& cat, const ObjectDef& def, FieldValues* v,
                              const Record* current);

// Checks a user's time_zone and working_hours as they are written.
Status ValidateUserSchedule(const ObjectDef& users, const FieldValues& v);

// The UTC offset (minutes) of a time zone at an instant: an IANA name
// ("Europe/Paris", through ICU) or a fixed offset ("+02:00", "UTC").
// InvalidArgument for an unknown zone.
Result<int> TimeZoneOffsetMinutes(const std::string& tz, int64_t at_ms);

Result<std::vector<AssignmentRuleDef>> LoadAssignmentRules(Conn* c, const std::string& org_id, const Catalog& cat);

struct AssignmentDecision {
  std::string rule_id, rule_name, user_id, note;
};

// Reps and their open leads, loaded once and reused (an import keeps one for
// all its rows and counts the leads it assigns).
class RepRoster {
 public:
  explicit RepRoster(std::string org_id) : org_id_(std::move(org_id)) {}
  // The UTC offset of reps without a time zone (the organisation's).
  void set_default_offset(int minutes) { default_offset_ = minutes; }
  // The state of a rep at `now_ms` (NotFound-like empty id when unknown).
  Result<RepState> State(Conn* c, const std::string& user_id, int64_t now_ms);
  // Members of a team, sorted by id.
  Result<std::vector<std::string>> Team(Conn* c, const std::string& team_id);
  void CountAssigned(const std::string& user_id) { ++loads_[user_id]; }
  // The manager of a rep's team, or "" when none (or inactive).
  Result<std::string> ManagerOf(Conn* c, const std::string& user_id);

 private:
  struct Rep {
    std::string id, team_id, tz, hours, ooo_from, ooo_to;
    bool active = true, deleted = false;
    double capacity = -1;
  };
  Status Load(Conn* c);
  std::string org_id_;
  int default_offset_ = 0;
  bool loaded_ = false, loads_loaded_ = false;
  std::map<std::string, Rep> reps_;
  std::map<std::string, int64_t> loads_;
  std::map<std::string, std::vector<std::string>> teams_;
};

// Runs the rules over a lead (`get`: its values) and picks a rep; nullopt when
// no rule matches or none can name a rep. `exclude`: never pick this user (the
// current owner, on escalation). Round-robin turns are taken (and stored) as
// part of the decision, in the caller's transaction.
Result<std::optional<AssignmentDecision>> DecideAssignment(Conn* c, const std::string& org_id,
                                                           const std::vector<AssignmentRuleDef>& rules,
                                                           RepRoster* roster, const FieldGetter& get, int64_t now_ms,
                                                           const std::string& exclude = {},
                                                           const std::string& only_rule_id = {});

// Appends an assignment_log row.
Status LogAssignment(Conn* c, const TenantScope& s, const std::string& lead_id, const std::string& rule_id,
                     const std::string& user_id, const std::string& previous_user_id, const std::string& reason,
                     const std::string& detail);

// Writes a notification for a user.
Status Notify(Conn* c, const std::string& org_id, const std::string& user_id, const std::string& kind,
              const std::string& object, const std::string& record_id, const std::string& message);

// On demand: runs the rules for one visible lead and gives it to the chosen
// rep. Unprocessable when no rule applies.
struct AssignOutcome {
  Record lead;
  AssignmentDecision decision;
};
Result<AssignOutcome> AssignLead(Conn* c, const TenantScope& s, const Catalog& cat, const std::string& id);

// After an activity is created: the first response of its lead.
Status RecordFirstResponse(Conn* c, const TenantScope& s, const Catalog& cat, const ObjectDef& activities,
                           const Record& activity);

struct EscalationResult {
  int64_t checked = 0, notified = 0, reassigned = 0;
  nlohmann::json ToJson() const;
};
// The escalation job's work for one organisation at `now_ms`.
Result<EscalationResult> EscalateOverdueLeads(Conn* c, const std::string& org_id, const Catalog& cat, int64_t now_ms);

// First-response figures per rep for leads assigned in [from, to) (ISO
// times; empty = the last 30 days), within what the caller may see.
Result<nlohmann::json> FirstResponseReport(Conn* c, const TenantScope& s, const Catalog& cat, const std::string& from,
                                           const std::string& to);

// The caller's notifications, newest first, with "unread_count"; marking one read.
Result<nlohmann::json> ListNotifications(Conn* c, const TenantScope& s, bool unread_only, int limit);
Status MarkNotificationRead(Conn* c, const TenantScope& s, const std::string& id);

}  // namespace rapport
