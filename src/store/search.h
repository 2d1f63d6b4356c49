// Global search: a full-text index over the searchable objects (those whose
// ObjectDef has title_fields), SQLite FTS5 or a PostgreSQL tsvector + GIN.
//
// The index is kept in the same transaction as the record change (RecordStore
// calls Index/Unindex). Results respect the caller's visibility. Thread-safe
// given one Conn per thread.
#pragma once

#include <string>
#include <unordered_map>
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
  // `is_new`: the record was just created, so it has no entry to replace.
  static Status Index(Conn* c, const TenantScope& scope, const ObjectDef& def, const Record& rec,
                      bool is_new = false);
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

  // Bulk writes (imports) on SQLite. FTS5 keeps new terms in memory only
  // until the next statement of the transaction that may need a statement
  // savepoint (any INSERT into a table with a key): then it writes them out as
  // a new segment. Indexed row by row inside a batch of creates, every row
  // became a segment, a flush and a merge. While a Batch is open on a
  // connection (on this thread), Index and Unindex on that connection keep the
  // entries in memory, and Flush writes them all, in ascending rowid order, in
  // a few multi-row statements at the end of the transaction. Flush must run
  // before the commit; entries not flushed are dropped (the transaction is
  // assumed rolled back). PostgreSQL writes through at once.
  class Batch {
   public:
    explicit Batch(Conn* c);
    ~Batch();
    Batch(const Batch&) = delete;
    Batch& operator=(const Batch&) = delete;
    Status Flush();

   private:
    friend class SearchIndex;
    struct Entry {
      int64_t key;
      std::vector<Value> values;  // org_id, object, record_id, title, subtitle, body
    };
    Conn* conn_;
    Batch* outer_;
    std::vector<Entry> entries_;
    std::unordered_map<int64_t, size_t> by_key_;
  };
};

}  // namespace rapport
