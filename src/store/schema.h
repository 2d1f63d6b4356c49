// Schema: versioned migrations of the system tables, then the object tables
// derived from metadata (create missing tables, add missing columns and
// indexes). Idempotent; run by `rapport migrate`, `init` and `serve`.
#pragma once

#include "base/status.h"
#include "meta/object.h"
#include "store/conn.h"

namespace rapport {

// Brings the database to the latest schema. Safe to run concurrently from
// several processes (each step is idempotent and runs in a transaction).
Status Migrate(Conn* conn);

// Creates the table of `def` if missing and adds missing columns and indexes.
// Must run inside a write transaction or on its own.
Status EnsureObjectTable(Conn* conn, const ObjectDef& def);

// The schema version this binary writes (the highest migration number).
int LatestSchemaVersion();

// The index name for a field's (org_id, column, id) index.
std::string IndexName(const ObjectDef& def, const FieldDef& f);

}  // namespace rapport
