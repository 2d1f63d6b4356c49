// Global search: a full-text index over the searchable objects (those whose
// ObjectDef has title_fields), SQLite FTS5 or a PostgreSQL tsvector + GIN.
//
// The index is kept in the same transaction as the record change (RecordStore
// calls Index/Unindex). Results respect the caller's visibility. Thread-safe
// given one Conn per thread.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "meta/object.h"
#include "store/conn.h"
#include "store/records.h"
#include "store/scope.h"

namespace rapport {

struct SearchHit {
  std::string object;
  std::string id;
  std::string title;
  std::string subtitle;
};

class SearchIndex {
 public:
  // Adds or replaces the entry of `rec` (no-op for objects that are not searchable).
  static Status Index(Conn* c, const TenantScope& scope, const ObjectDef& def, const Record& rec);
  // Removes the entry of record `id` (soft delete).
  static Status Unindex(Conn* c, const TenantScope& scope, const ObjectDef& def, const std::string& id);
  // True if a change to `field` alters the entry.
  static bool Affects(const ObjectDef& def, const std::string& field);

  // Up to `limit` (1..50) visible records whose words start with every word of
  // `query`, best first. Queries shorter than 2 characters find nothing.
  static Result<std::vector<SearchHit>> Search(Conn* c, const TenantScope& scope, const Catalog& cat,
                                               const std::string& query, int limit);

  // Re-indexes every live row of the searchable objects of `org_id`.
  static Result<int64_t> Rebuild(Conn* c, const TenantScope& scope, const Catalog& cat);
};

}  // namespace rapport
