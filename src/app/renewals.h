// Renewals (issue 5, docs/decisions/015-cadences-and-renewals.md).
//
// A won deal with a `contract_end_date` gets, once, a renewal deal
// `renewal_lead_days` (org setting, default 90) before the contract ends: in
// the organisation's renewals pipeline (the `renewal_pipeline_id` setting;
// else the pipeline named "Renewals"; else one is created with the stages
// Upcoming / Negotiation / Renewed / Churned and remembered in the setting),
// first stage, same account, primary contact, amount and currency, close date
// = the contract end date, owner = the account's owner (the deal's owner when
// it has no account), linked both ways (`renewal_of_id` on the new deal,
// `renewal_opportunity_id` on the won one). Exactly once per contract: the
// won deal is updated under its version in the same transaction, and a
// unique index on renewal_of_id refuses a second renewal even from another
// server. Lost and reopened deals, and contracts that already ended, get
// none. Written as the system (audit user empty) through RecordService.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "base/status.h"
#include "meta/object.h"
#include "store/conn.h"
#include "store/scope.h"

namespace rapport {

namespace Renewals {

struct RenewalRun {
  int created = 0;          // renewal deals created by this run
  std::string pipeline_id;  // the renewals pipeline (empty if nothing was due)
};

// The "renewals" job's work for one organisation at `now_ms`.
Result<RenewalRun> CreateDue(Conn* c, const std::string& org_id, const Catalog& cat, int64_t now_ms);

// The renewals pipeline of the organisation, created (with its stages) when
// missing. Runs in the caller's transaction when there is one.
Result<std::string> EnsurePipeline(Conn* c, const std::string& org_id, const Catalog& cat);

// The account's next renewal for account health, within what the caller may
// see: {"date", "amount", "currency", "opportunity_id" (the won deal),
// "renewal_opportunity_id" (null until created)} for the won deal of the
// account whose contract ends first on or after today; amount and currency
// are the renewal deal's once it exists. Null when there is none.
Result<nlohmann::json> NextRenewal(Conn* c, const TenantScope& s, const Catalog& cat, const std::string& account_id,
                                   int64_t now_ms);

}  // namespace Renewals

}  // namespace rapport
