// Lead use cases (issue 4): the status flow applied to every lead write,
// converting a lead into an account, a contact and optionally an opportunity
// in one transaction, and the existing records offered before converting.
// Domain rules live in domain/leads.h; stateless, thread-safe given one Conn
// per thread.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "store/records.h"

namespace rapport {

// What POST /api/v1/leads/{id}/convert asks for.
struct ConvertRequest {
  // The account: link an existing one (account_id), or create one from the
  // lead (company, address, e-mail domain unless free mail) with `account`
  // overriding any field. create_account false: no account (also the default
  // when the lead has no company and `account` names none).
  std::string account_id;
  nlohmann::json account = nullptr;  // object of account fields, or null
  std::optional<bool> create_account;
  // The contact: link an existing one (contact_id; it gets the account if it
  // has none), or create one from the lead with `contact` overriding fields.
  std::string contact_id;
  nlohmann::json contact = nullptr;
  // An opportunity to create (name, amount, close_date, pipeline_id,
  // stage_id, currency, ...), or null for none.
  nlohmann::json create_opportunity = nullptr;
  // Owner of what is created; default the lead's owner.
  std::string owner_id;
};

// Decodes the request body (unknown keys and wrong types: InvalidArgument
// naming the key).
Result<ConvertRequest> ParseConvertRequest(const nlohmann::json& body);

class Leads {
 public:
  // Called by RecordService inside every lead write. On updates, a status
  // change must follow the flow (domain ValidateLeadTransition: 422 naming
  // the field); leaving `disqualified` clears the reason fields unless the
  // change sets them. Creating (API, import) takes any status as given.
  static Status ApplyStatusRules(const ObjectDef& def, FieldValues* v, const Record* current);

  // The flow for a UI: {"statuses": [...], "transitions": {"new": [...], ...},
  // "disqualified_reasons": [...]}.
  static nlohmann::json StatusFlow(const Catalog& cat);

  // Existing records a convert could link instead of creating duplicates:
  // visible contacts with the lead's e-mail, visible accounts with its e-mail
  // domain (unless free mail) or a similar company name, a suggestion, the
  // defaults a convert would use, and whether the lead may be converted.
  // NotFound when the caller may not see the lead.
  static Result<nlohmann::json> ConvertMatches(Conn* c, const TenantScope& s, const Catalog& cat,
                                               const std::string& lead_id);

  // Converts in one write transaction: creates or links the account and the
  // contact, creates the opportunity if asked, moves the lead's activities to
  // the contact, marks its campaign memberships converted, and sets the lead
  // converted with links to what it became (every change audited). On any
  // failure nothing is written. NotFound for a lead the caller may not see;
  // Conflict if already converted; Unprocessable if disqualified or
  // unconfirmed; InvalidArgument naming the field ("create_opportunity.amount",
  // "contact.last_name", "account_id", ...) for bad input.
  // Returns {"lead", "account" (or null), "contact", "opportunity" (or null),
  // "created": {"account", "contact", "opportunity"}, "activities_moved"}.
  static Result<nlohmann::json> Convert(Conn* c, const TenantScope& s, const Catalog& cat, const std::string& lead_id,
                                        const ConvertRequest& req);
};

}  // namespace rapport
