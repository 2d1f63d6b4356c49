// Campaign use cases (issue 4): members (leads and contacts) with their
// response status, the direct-mail list, and the telemarketing call list.
//
// Who may do what: whoever may see a campaign (owner, team, manager, admin:
// the usual visibility of owned records) may manage its members and work its
// call list; member rows carry the campaign's owner and team. People are
// always read with the caller's own visibility: a member the caller may not
// see is shown without details, left out of mailings and call lists.
// Stateless; thread-safe given one Conn per thread.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "store/records.h"

namespace rapport {

// Minutes a member handed out by the call list stays reserved for the rep who
// got it, unless the campaign's call_lock_minutes says otherwise.
constexpr int kDefaultCallLockMinutes = 15;
// Logged calls of the person NextCall hands out with it (newest first).
constexpr int kRecentCalls = 3;

// One row of a direct-mail list; columns as in Campaigns::kMailingColumns.
struct MailingList {
  std::vector<std::string> columns;           // header
  std::vector<std::vector<Value>> rows;       // one per letter
  int64_t members = 0;                        // members looked at
  int64_t suppressed_opt_out = 0;             // do_not_mail set
  int64_t suppressed_duplicate = 0;           // same address as an earlier row
  int64_t suppressed_no_address = 0;          // no street, or neither postcode nor city
  int64_t suppressed_hidden = 0;              // person deleted or not visible to the caller
};

struct CallOutcomeRequest {
  std::string outcome;      // reached, no_answer, voicemail, wrong_number, not_interested, callback
  std::string notes;        // the call activity's description
  nlohmann::json callback_at = nullptr;  // RFC 3339; required for "callback"
};

class Campaigns {
 public:
  // Called by RecordService inside campaign writes: a campaign's end date may
  // not be before its start; members are only created through AddMembers.
  static Status ApplyRules(const ObjectDef& def, FieldValues* v, const Record* current);

  // Adds leads and contacts (at most 1000 ids per call) to a campaign the
  // caller may see, with response status `status` ("sent" by default).
  // Idempotent: people already members are left as they are, removed members
  // come back. Every id must name a person the caller may see
  // (InvalidArgument naming lead_ids/contact_ids). One transaction.
  // Returns {"added", "restored", "already_members", "member_ids"}.
  static Result<nlohmann::json> AddMembers(Conn* c, const TenantScope& s, const Catalog& cat,
                                           const std::string& campaign_id, const std::vector<std::string>& lead_ids,
                                           const std::vector<std::string>& contact_ids, const std::string& status);

  // Adds one person as a member from a trusted path (a web form naming the
  // campaign) inside the caller's transaction; no visibility checks. A member
  // already there keeps its row (its status moves to `status` unless converted).
  static Status AddMemberTrusted(Conn* c, const TenantScope& s, const Catalog& cat, const std::string& campaign_id,
                                 const std::string& object, const std::string& person_id, const std::string& status);

  // Removes people (by lead/contact id) from a campaign: soft delete, so the
  // history stays. Returns {"removed", "not_members"}.
  static Result<nlohmann::json> RemoveMembers(Conn* c, const TenantScope& s, const Catalog& cat,
                                              const std::string& campaign_id, const std::vector<std::string>& lead_ids,
                                              const std::vector<std::string>& contact_ids);
  // Removes one member row by its id (NotFound if not a member of this campaign).
  static Status RemoveMember(Conn* c, const TenantScope& s, const Catalog& cat, const std::string& campaign_id,
                             const std::string& member_id);

  // One page of members (the caller's filters, sort, cursor on
  // campaign_members, restricted to the campaign), each with a "person"
  // summary (null when the caller may not see the person), and counts by
  // response status over the whole campaign.
  static Result<nlohmann::json> ListMembers(Conn* c, const TenantScope& s, const Catalog& cat,
                                            const std::string& campaign_id, ListQuery q);

  // The direct-mail list: members with a postal address, in the order they
  // were added, without people who opted out of mail (do_not_mail) and
  // without a second letter to an address already on the list (domain
  // AddressKey). Text values are raw: the caller escapes them for CSV.
  static Result<MailingList> Mailing(Conn* c, const TenantScope& s, const Catalog& cat, const std::string& campaign_id);

  // The next member for the caller to call: not called yet, or last called
  // without reaching anybody (no_answer, voicemail) at least the
  // organisation's call_retry_hours ago (default 4) with fewer than
  // call_max_attempts calls (default 3; then it drops out); a phone number
  // present, not do_not_call, a lead not converted/disqualified/unconfirmed,
  // and not reserved by another rep within the lock window. Never-called
  // members come before retries (oldest try first). The member is reserved
  // for the caller (a rep who asks again gets the same member until they log
  // an outcome). Returns {"member", "person", "recent_calls" (the person's
  // last kRecentCalls done calls the caller may see: id, subject,
  // description, done_at, owner_id; newest first), "locked_until",
  // "remaining", "retry_later" (members waiting for their retry time),
  // "next_retry_at"};
  // "member" is null when nobody is callable now. Runs its own write
  // transactions (the caller must not hold one).
  static Result<nlohmann::json> NextCall(Conn* c, const TenantScope& s, const Catalog& cat,
                                         const std::string& campaign_id);

  // Logs a call's outcome for a member: a done call activity on the person,
  // for "callback" a task due at callback_at, the member's outcome, call
  // count and response status, the reservation released, and a lead in status
  // new moved to working. One transaction. Conflict when another rep holds
  // the member; NotFound when it is not a member of this campaign.
  // Returns {"member", "activity", "task" (or null)}.
  static Result<nlohmann::json> LogCall(Conn* c, const TenantScope& s, const Catalog& cat,
                                        const std::string& campaign_id, const std::string& member_id,
                                        const CallOutcomeRequest& req);
};

}  // namespace rapport
