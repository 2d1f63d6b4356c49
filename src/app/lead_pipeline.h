// LeadPipeline: what happens to a lead when it is captured or changed (issue 4,
// docs/decisions/012-enrichment-scoring-assignment.md), called by
// RecordService inside the record's write transaction:
//
//   create (API, web form, import):  enrich -> rule score + predicted score
//       -> auto-qualify -> assign (when no owner was given) ; after the insert:
//       assignment log + notification of the new owner
//   update:  rule score + predicted score -> auto-qualify ; an owner changed
//       by hand restarts the first-response clock and clears the rule
//   activity created on a lead:  first response ; rescore (recency rules)
//   opportunity created or updated:  predicted score (when a model is active)
//
// Everything it needs (settings, rules, the company directory, the active
// models, reps and their loads) is loaded on first use and kept for the
// pipeline's life: RecordService makes one per call, an import one for all its
// rows (bulk mode: no notification per row, reference data loaded whole), so
// per-row work is in-memory lookups plus the row's own writes. Not
// thread-safe; one per thread.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/assignment.h"
#include "app/predictive.h"
#include "app/settings.h"
#include "domain/enrichment.h"
#include "domain/lead_rules.h"
#include "meta/object.h"
#include "store/conn.h"
#include "store/records.h"
#include "store/scope.h"

namespace rapport {

class LeadPipeline {
 public:
  explicit LeadPipeline(std::string org_id, bool bulk = false);
  ~LeadPipeline();
  LeadPipeline(const LeadPipeline&) = delete;
  LeadPipeline& operator=(const LeadPipeline&) = delete;

  // The objects RecordService calls it for.
  static bool Handles(const ObjectDef& def);

  // RecordService hooks. `owner_given`: the request named an owner.
  Status BeforeCreate(Conn* c, const TenantScope& s, const Catalog& cat, const ObjectDef& def, FieldValues* v,
                      bool owner_given);
  Status AfterCreate(Conn* c, const TenantScope& s, const Catalog& cat, const ObjectDef& def, const Record& rec);
  Status BeforeUpdate(Conn* c, const TenantScope& s, const Catalog& cat, const ObjectDef& def, FieldValues* changes,
                      const Record& current);

  // The steps, for the on-demand use cases. `view`: the record's values.
  Result<std::map<std::string, std::string>> Enrich(Conn* c, const ObjectDef& leads, const FieldGetter& view,
                                                    FieldValues* out);
  // Rule score (leads, when the organisation has rules) and predicted score
  // (when a model is active) into *out.
  Status Score(Conn* c, const Catalog& cat, const ObjectDef& def, const FieldGetter& view, const std::string& record_id,
               FieldValues* out);
  // Would the lead (its values + `changes`) be auto-qualified now?
  Result<bool> ShouldQualify(Conn* c, const FieldValues& changes, const FieldGetter& view);

 private:
  Result<const OrgSettings*> Settings(Conn* c);
  Result<const std::vector<ScoringRule>*> Rules(Conn* c, const Catalog& cat, const std::string& object);
  Result<std::shared_ptr<const ActiveModel>> Model(Conn* c, const std::string& object);

  std::string org_id_;
  bool bulk_;
  std::optional<OrgSettings> settings_;
  std::map<std::string, std::vector<ScoringRule>> rules_;
  std::map<std::string, std::shared_ptr<const ActiveModel>> models_;
  std::map<std::string, bool> models_loaded_;
  std::shared_ptr<const CompanyDirectory> directory_;
  EmailDomainProvider email_provider_;
  std::optional<std::vector<AssignmentRuleDef>> assignment_rules_;
  std::unique_ptr<RepRoster> roster_;
  std::unique_ptr<FeatureContext> features_;
  std::optional<AssignmentDecision> pending_;  // made before the insert, logged after
};

}  // namespace rapport
