// Record use cases: the one code path behind the REST API and the CLI for
// creating, reading, changing, deleting and listing records of any object.
//
// Each call validates the JSON input against the organisation's metadata
// (unknown fields, read-only fields, types, lengths, required fields,
// references), checks the caller's role may do it, and runs in one
// transaction. Thread-safe given one Conn per thread.
#pragma once

#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <unordered_map>

#include "app/auth.h"
#include "meta/object.h"
#include "store/records.h"

namespace rapport {

class LeadPipeline;  // issue 4: app/lead_pipeline.h

// Per-process cache of organisation catalogues keyed by metadata version.
class CatalogCache {
 public:
  // The catalogue of `org_id` at `version` (reloaded when the version moved).
  Result<std::shared_ptr<const Catalog>> Get(Conn* c, const std::string& org_id, int64_t version);
  void Invalidate(const std::string& org_id);

 private:
  std::mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<const Catalog>> by_org_;
};

class RecordService {
 public:
  // Resolves an object name to its definition or NotFound.
  static Result<const ObjectDef*> Object(const Catalog& cat, const std::string& name);

  // `pipeline` (issue 4, app/lead_pipeline.h): the lead capture pipeline to
  // use (an import passes one for all its rows); null makes one when needed.
  static Result<Record> Create(Conn* c, const TenantScope& s, const Catalog& cat, const ObjectDef& def,
                               const nlohmann::json& body, LeadPipeline* pipeline = nullptr);
  // Issue 4 (forms, convert): the validation of a JSON body that Create and
  // Update run (unknown and read-only fields refused, values checked against
  // metadata; `creating` checks required fields), for use cases that add
  // values of their own before writing.
  static Result<FieldValues> DecodeBody(const ObjectDef& def, const nlohmann::json& body, bool creating);
  // Create in two steps, for bulk callers (imports) that decode rows on
  // another thread: DecodeForCreate (pure: the JSON body to validated values,
  // the same checks as Create) then CreateDecoded (role check, lead capture,
  // object rules, reference checks, insert). `owner_given`: the body named an
  // owner, so assignment rules leave it.
  static Result<FieldValues> DecodeForCreate(const ObjectDef& def, const nlohmann::json& body);
  static Result<Record> CreateDecoded(Conn* c, const TenantScope& s, const Catalog& cat, const ObjectDef& def,
                                      FieldValues v, bool owner_given, LeadPipeline* pipeline = nullptr);
  // Creates a record from values already validated by the caller, which may
  // set read-only fields (a lead's form_id, a form's key). Object rules and
  // reference checks still apply; role checks are the caller's.
  static Result<Record> CreateTrusted(Conn* c, const TenantScope& s, const Catalog& cat, const ObjectDef& def,
                                      FieldValues values);
  static Result<Record> Update(Conn* c, const TenantScope& s, const Catalog& cat, const ObjectDef& def,
                               const std::string& id, const nlohmann::json& body,
                               std::optional<int64_t> expected_version);
  static Result<Record> Delete(Conn* c, const TenantScope& s, const Catalog& cat, const ObjectDef& def,
                               const std::string& id, std::optional<int64_t> expected_version);
  static Result<Record> Restore(Conn* c, const TenantScope& s, const Catalog& cat, const ObjectDef& def,
                                const std::string& id);

  // A deal's stage moves, oldest first, each with the time spent in the stage
  // it entered (until the next move, or until now for the current stage), and
  // the cycle time from creation to closing (or to now while open).
  static Result<nlohmann::json> StageHistory(Conn* c, const TenantScope& s, const Catalog& cat, const std::string& id);

  // Account health: open cases, last completed activity with the account or
  // its contacts, won revenue, open pipeline, the next expected close and the
  // next renewal (issue 5, app/renewals.h), all within what the caller may see.
  static Result<nlohmann::json> AccountHealth(Conn* c, const TenantScope& s, const Catalog& cat, const std::string& id);

  // The record as API JSON (every field, custom ones included).
  static nlohmann::json ToJson(const ObjectDef& def, const Record& r);
  static nlohmann::json HistoryToJson(const std::vector<AuditEntry>& entries);
};

}  // namespace rapport
