// Enrichment use cases (issue 4, docs/decisions/012-enrichment-scoring-assignment.md).
//
// Providers implement domain/enrichment.h's EnrichmentProvider. The shipped
// ones: "email_domain" (company_domain from the email) and the offline
// "company_reference" provider, whose data an administrator loads from a CSV
// or XLSX file (`rapport enrich load FILE`, POST /api/v1/enrichment/companies)
// into enrichment_companies; every load bumps a version, and each process
// keeps one in-memory hash table per organisation and version
// (CompanyDirectoryFor), so a lookup during capture or an import is a hash
// lookup, never a query.
//
// Reference file columns (header names, any order, case and separators
// ignored): domain (or website) is required; name (company), industry
// (sector), employees, employee_band (size) and country are optional.
//
// Enrichment runs on lead capture (LeadPipeline::BeforeCreate) and on demand
// (EnrichLead: POST /api/v1/leads/{id}/enrich). It fills only empty fields and
// records field -> provider in the lead's `enrichment` field (a JSON object,
// merged with what earlier runs recorded) and the time in `enriched_at`.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/status.h"
#include "domain/enrichment.h"
#include "meta/object.h"
#include "store/conn.h"
#include "store/records.h"
#include "store/scope.h"

namespace rapport {

// The lead fields enrichment may fill.
const std::vector<std::string>& EnrichableLeadFields();

struct CompanyLoadResult {
  int64_t rows_read = 0, loaded = 0, skipped = 0;
  int64_t version = 0;
  std::vector<std::string> errors;  // "line 12: no domain" (the first 100)
  std::vector<std::string> notes;   // which column became which attribute
  nlohmann::json ToJson() const;
};

// Loads a company reference file (admins only). replace=true swaps the whole
// reference for the file's rows; false adds and updates rows by domain. One
// transaction: readers see the old or the new reference, never half.
Result<CompanyLoadResult> LoadCompanyReference(Conn* c, const TenantScope& s, const std::string& path,
                                               const std::string& file_name, bool replace);

// The reference's version, row count and last load ({"loaded": false} when none).
Result<nlohmann::json> CompanyReferenceInfo(Conn* c, const TenantScope& s);

// The organisation's reference as an in-memory directory (cached per version).
Result<std::shared_ptr<const CompanyDirectory>> CompanyDirectoryFor(Conn* c, const std::string& org_id);

// Runs the providers over a lead (`get`: its current values) and puts the
// values to fill into *out (with `enrichment` and `enriched_at` when anything
// was filled). Returns field -> provider of what it filled.
Result<std::map<std::string, std::string>> EnrichValues(const ObjectDef& leads,
                                                        const std::vector<const EnrichmentProvider*>& providers,
                                                        const std::function<Value(const std::string&)>& get,
                                                        FieldValues* out);

// On demand: enriches one visible lead (then rescores it); the stored lead and
// what was filled.
struct EnrichOutcome {
  Record lead;
  std::map<std::string, std::string> filled;
};
Result<EnrichOutcome> EnrichLead(Conn* c, const TenantScope& s, const Catalog& cat, const std::string& id);

}  // namespace rapport
