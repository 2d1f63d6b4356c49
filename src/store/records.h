// RecordStore: create, read, update, soft-delete, restore and list the rows of
// any metadata-described object, with audit and outbox entries written in the
// same transaction as the change.
//
// Every function takes the caller's TenantScope: rows of other organisations
// are never read or written, and rows of owned objects the user may not see
// (ARCHITECTURE.md, roles) behave as if they did not exist (NotFound). Role
// checks that are not about visibility (who may write configuration) belong to
// the app layer. Functions are stateless; a Conn is used by one thread.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "meta/object.h"
#include "store/conn.h"
#include "store/scope.h"

namespace rapport {

// One row; `values` is aligned with ObjectDef::fields of the def it was read with.
struct Record {
  std::vector<Value> values;
  const Value& Get(const ObjectDef& def, const std::string& field) const;
  int64_t version(const ObjectDef& def) const;
};

// Field name -> validated value, as written by a client.
using FieldValues = std::map<std::string, Value>;

enum class FilterOp { kEq, kNe, kLt, kLte, kGt, kGte, kIn, kNotIn, kContains, kStartsWith, kIsNull };
bool ParseFilterOp(const std::string& s, FilterOp* out);
const char* FilterOpName(FilterOp op);

struct Filter {
  std::string field;
  FilterOp op = FilterOp::kEq;
  std::vector<Value> values;  // one for most ops, several for in/not_in; is_null: int 1/0
};

struct SortKey {
  std::string field;
  bool descending = false;
};

enum class DeletedFilter { kExclude, kOnly, kInclude };

struct ListQuery {
  std::vector<Filter> filters;  // combined with AND
  std::vector<SortKey> sort;    // id is appended as the final tie-break
  int limit = 50;               // 1..1000
  std::string cursor;           // opaque, from a previous page's next_cursor
  DeletedFilter deleted = DeletedFilter::kExclude;
};

struct Page {
  std::vector<Record> records;
  std::string next_cursor;  // empty when this is the last page
};

struct AuditEntry {
  std::string id, at, user_id, action, field, old_value, new_value;
  bool has_old = false, has_new = false;
};

// What a visibility predicate grants (issue 5, team selling,
// docs/decisions/016-team-selling.md). Owners, their team (team_id) and the
// managers of the owner's team have every right; a member of an account or
// opportunity team (record_team_members) reads the record (kRead), and
// changes it only with "edit" access (kWrite); deleting, restoring and
// changing the team need more than team membership (kOwner).
enum class Reach { kRead, kWrite, kOwner };

// True for the objects that have record teams: accounts and opportunities.
bool HasRecordTeams(const ObjectDef& def);

// Appends " AND (<visibility>)" for `scope` on rows of `def` whose columns
// are qualified by `alias` ("" or "t."); nothing for admins and shared objects.
// Team membership adds an indexed, uncorrelated subquery on
// record_team_members for accounts and opportunities (and, for reading, the
// activities attached to them); other objects' predicates are unchanged.
void AppendVisibility(const TenantScope& scope, const ObjectDef& def, const std::string& alias, std::string* sql,
                      std::vector<Value>* params, Reach reach = Reach::kRead);

struct AggregateRow {
  Value key;                 // the group's value (null for "none")
  int64_t count = 0;
  double sum = 0;            // of the sum field (0 if none given)
  double weighted_sum = 0;   // of sum field x weight field / 100
};

class RecordStore {
 public:
  // Reads one row visible to `scope`. NotFound if absent, invisible, or
  // soft-deleted (unless include_deleted).
  static Result<Record> Get(Conn* c, const TenantScope& scope, const ObjectDef& def, const std::string& id,
                            bool include_deleted = false);
  // Issue 5 (team selling): the row if `scope` has `reach` on it;
  // PermissionDenied if it may only read it, NotFound if it may not see it.
  static Result<Record> GetFor(Conn* c, const TenantScope& scope, const ObjectDef& def, const std::string& id,
                               bool include_deleted, Reach reach);

  // Inserts a row with a new id, version 1, timestamps and creator; owner_id
  // defaults to the caller for owned objects. Writes the audit and outbox
  // entries. Returns the stored row.
  static Result<Record> Insert(Conn* c, const TenantScope& scope, const ObjectDef& def, const FieldValues& values,
                               const std::string& id = {});

  // Applies `changes` to a visible row. If `expected_version` is set and the
  // row's version differs: PreconditionFailed, nothing written. Fields whose
  // value does not change are ignored; if nothing changes, no new version.
  static Result<Record> Update(Conn* c, const TenantScope& scope, const ObjectDef& def, const std::string& id,
                               const FieldValues& changes, std::optional<int64_t> expected_version);

  // Soft-deletes (sets deleted_at) or restores a row; both bump the version.
  static Result<Record> SetDeleted(Conn* c, const TenantScope& scope, const ObjectDef& def, const std::string& id,
                                   bool deleted, std::optional<int64_t> expected_version);

  // One page of visible rows. Unknown fields, bad cursors: InvalidArgument.
  static Result<Page> List(Conn* c, const TenantScope& scope, const ObjectDef& def, const ListQuery& q);

  // Counts and sums of visible rows matching `filters`, grouped by
  // `group_by` (at most 1000 groups, largest count first). `sum_field` and
  // `weight_field` may be empty.
  static Result<std::vector<AggregateRow>> Aggregate(Conn* c, const TenantScope& scope, const ObjectDef& def,
                                                     const std::vector<Filter>& filters, const std::string& group_by,
                                                     const std::string& sum_field, const std::string& weight_field);

  // The audit entries of one row, oldest first (the row must be visible).
  static Result<std::vector<AuditEntry>> History(Conn* c, const TenantScope& scope, const ObjectDef& def,
                                                 const std::string& id);

  // Issue 5 (team selling): an audit entry and an outbox event about record
  // `id` of `object` for changes that are not field writes (team members),
  // in the caller's transaction. `action` e.g. "team_add".
  static Status Audit(Conn* c, const TenantScope& scope, const std::string& object, const std::string& id,
                      const std::string& action, const std::string& field, const Value& old_value,
                      const Value& new_value);
  static Status Outbox(Conn* c, const TenantScope& scope, const std::string& object, const std::string& id,
                       const std::string& action, const std::string& payload_json);

  // True if a non-deleted row `id` of `def` exists in the organisation
  // (visibility not applied: used to validate references).
  static Result<bool> Exists(Conn* c, const TenantScope& scope, const ObjectDef& def, const std::string& id);
};

}  // namespace rapport
