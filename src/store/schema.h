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
// How many migrations there are (versions may leave gaps).
int SchemaMigrationCount();

// The index name for a field's (org_id, column, id) index.
std::string IndexName(const ObjectDef& def, const FieldDef& f);

// True for the fields whose order and prefix search ignore ASCII case (text
// fields: names, titles, cities). Their indexes, ORDER BY, keyset cursors and
// starts_with / eq filters use SortExpression (docs/decisions/013).
bool FoldsCase(const FieldDef& f);
// lower(column) for FoldsCase fields, else the column. SQLite's lower() and
// PostgreSQL's lower() under COLLATE "C" both fold ASCII letters only, as
// AsciiLower does in C++ (cursor values).
std::string SortExpression(const FieldDef& f);
std::string AsciiLower(std::string s);
// The name of the index EnsureObjectTable makes for an indexed field:
// IndexName, plus "_ci" when it is on lower(column).
std::string FieldIndexName(const ObjectDef& def, const FieldDef& f);

}  // namespace rapport
