// Team selling (issue 5; docs/decisions/016-team-selling.md): account and
// opportunity teams, @mentions in notes, follows and record feeds.
//
// Teams: a member is a user with a role (a picklist: the defaults below plus
// the organisation's own, GET/PUT /api/v1/team_roles) and an access level,
// "read" or "edit". Membership is real access: RecordStore's visibility
// predicate (store/records.h, Reach) lets members read the record, and the
// activities attached to it, and lets "edit" members change it. Only the
// record's owner, a manager of the owner's team or an administrator changes a
// team. Every team change writes an audit entry on the record
// (team_add/team_change/team_remove, field "team", old/new member as JSON)
// and an outbox event, in one transaction.
//
// Follows: a user follows records they can see; owners of accounts and
// opportunities follow them from creation (and when they become owner), team
// members when added. Followers get one in-app notification per change by
// someone else; while it is unread, further changes to that record add no
// more (the feed holds the details).
//
// Feeds: a record's audit entries plus those of the activities attached to
// it, grouped into one item per change (who, when, fields from -> to),
// newest first, cursor-paginated; /me/feed merges everything the caller
// follows, re-checking visibility of each record on every read.
//
// Mentions (domain/mentions.h): a note (activity of type "note") that names
// users notifies each of them once -- on an edit, only those newly named --
// if they can see the record the note is about (or the note itself when it
// is about none). Others get nothing.
//
// Stateless; every call runs in the caller's connection (one per thread).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/status.h"
#include "meta/object.h"
#include "store/conn.h"
#include "store/records.h"
#include "store/scope.h"

namespace rapport {

class TeamSelling {
 public:
  // The built-in team roles; organisations may add their own.
  static const std::vector<std::string>& DefaultRoles();

  // {"data": [role, ...], "defaults": [...]}: the roles members may have.
  static Result<nlohmann::json> Roles(Conn* c, const TenantScope& s);
  // Administrators: {"roles": ["account_executive", ..., "legal"]} replaces
  // the list (snake_case names, 1..50 of them); the defaults may not be
  // removed while members hold them. Audited.
  static Result<nlohmann::json> SetRoles(Conn* c, const TenantScope& s, const nlohmann::json& body);

  // The team of a visible account or opportunity:
  // {"data": [{id, user_id, user_name, user_email, role, access, created_at}],
  //  "can_manage": bool, "owner_id": ...}.
  static Result<nlohmann::json> ListTeam(Conn* c, const TenantScope& s, const ObjectDef& def, const std::string& id);
  // Body {"user_id", "role", "access": "read"|"edit" (default read)}. 201 data.
  static Result<nlohmann::json> AddMember(Conn* c, const TenantScope& s, const ObjectDef& def, const std::string& id,
                                          const nlohmann::json& body);
  // Body {"role"?, "access"?}.
  static Result<nlohmann::json> ChangeMember(Conn* c, const TenantScope& s, const ObjectDef& def,
                                             const std::string& id, const std::string& member_id,
                                             const nlohmann::json& body);
  static Status RemoveMember(Conn* c, const TenantScope& s, const ObjectDef& def, const std::string& id,
                             const std::string& member_id);

  // Follow state of a visible record: {"following": bool, "reason", "followers": n}.
  static Result<nlohmann::json> FollowState(Conn* c, const TenantScope& s, const ObjectDef& def, const std::string& id);
  static Result<nlohmann::json> SetFollow(Conn* c, const TenantScope& s, const ObjectDef& def, const std::string& id,
                                          bool follow);

  // {"data": [item...], "next_cursor": "..." | null}; limit 1..100.
  static Result<nlohmann::json> RecordFeed(Conn* c, const TenantScope& s, const Catalog& cat, const ObjectDef& def,
                                           const std::string& id, int limit, const std::string& cursor);
  static Result<nlohmann::json> MyFeed(Conn* c, const TenantScope& s, const Catalog& cat, int limit,
                                       const std::string& cursor);

  // Hooks RecordService calls inside a record change's transaction:
  // auto-follows, mention and follower notifications.
  static Status AfterCreate(Conn* c, const TenantScope& s, const Catalog& cat, const ObjectDef& def,
                            const Record& created);
  static Status AfterUpdate(Conn* c, const TenantScope& s, const Catalog& cat, const ObjectDef& def,
                            const Record& before, const Record& after);
  static Status AfterDelete(Conn* c, const TenantScope& s, const Catalog& cat, const ObjectDef& def,
                            const Record& after, bool deleted);
};

}  // namespace rapport
