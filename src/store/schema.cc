#include "store/schema.h"

#include <algorithm>
#include <set>

#include "base/log.h"
#include "base/time.h"

namespace rapport {

namespace {

// Replaces {text}, {int}, {real} by the dialect's column types.
std::string Typed(const Dialect& d, std::string sql) {
  auto replace = [&sql](const std::string& from, const std::string& to) {
    for (size_t pos = 0; (pos = sql.find(from, pos)) != std::string::npos; pos += to.size()) sql.replace(pos, from.size(), to);
  };
  replace("{text}", d.ColumnType(StorageClass::kText));
  replace("{int}", d.ColumnType(StorageClass::kInteger));
  replace("{real}", d.ColumnType(StorageClass::kReal));
  return sql;
}

struct Migration {
  int version;
  const char* description;
  const char* sql;                // both backends, or SQLite only if pg_sql is set
  const char* pg_sql = nullptr;   // PostgreSQL's own text, where they differ
};

// System tables. Object tables (accounts, contacts, users, ...) come from
// metadata in EnsureObjectTable, so a new standard field needs no migration.
const Migration kMigrations[] = {
    {1, "organisations, auth, metadata, audit, outbox",
     R"(
CREATE TABLE IF NOT EXISTS organisations (
  id {text} NOT NULL PRIMARY KEY,
  name {text} NOT NULL,
  meta_version {int} NOT NULL DEFAULT 0,
  default_region {text},
  created_at {text} NOT NULL);
CREATE TABLE IF NOT EXISTS api_tokens (
  org_id {text} NOT NULL, id {text} NOT NULL, user_id {text} NOT NULL, name {text},
  token_hash {text} NOT NULL, created_at {text} NOT NULL, last_used_at {text}, revoked_at {text},
  PRIMARY KEY (org_id, id));
CREATE UNIQUE INDEX IF NOT EXISTS ux_api_tokens_hash ON api_tokens (org_id, token_hash);
CREATE TABLE IF NOT EXISTS sessions (
  org_id {text} NOT NULL, id {text} NOT NULL, user_id {text} NOT NULL, token_hash {text} NOT NULL,
  csrf_token {text} NOT NULL, created_at {text} NOT NULL, expires_at {text} NOT NULL,
  PRIMARY KEY (org_id, id));
CREATE UNIQUE INDEX IF NOT EXISTS ux_sessions_hash ON sessions (org_id, token_hash);
CREATE TABLE IF NOT EXISTS login_attempts (
  attempt_key {text} NOT NULL PRIMARY KEY, failures {int} NOT NULL, window_start_ms {int} NOT NULL,
  locked_until_ms {int} NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS metadata_fields (
  org_id {text} NOT NULL, object {text} NOT NULL, name {text} NOT NULL, label {text} NOT NULL,
  kind {text} NOT NULL, required {int} NOT NULL DEFAULT 0, options {text}, max_length {int},
  ref_object {text}, indexed {int} NOT NULL DEFAULT 0, position {int} NOT NULL DEFAULT 0,
  created_at {text} NOT NULL, created_by {text},
  PRIMARY KEY (org_id, object, name));
CREATE TABLE IF NOT EXISTS audit_log (
  org_id {text} NOT NULL, id {text} NOT NULL, at {text} NOT NULL, user_id {text},
  object {text} NOT NULL, record_id {text} NOT NULL, action {text} NOT NULL,
  field {text}, old_value {text}, new_value {text},
  PRIMARY KEY (org_id, id));
CREATE INDEX IF NOT EXISTS ix_audit_record ON audit_log (org_id, object, record_id, id);
CREATE TABLE IF NOT EXISTS outbox (
  org_id {text} NOT NULL, id {text} NOT NULL, at {text} NOT NULL, object {text} NOT NULL,
  record_id {text} NOT NULL, action {text} NOT NULL, payload {text}, processed_at {text},
  PRIMARY KEY (org_id, id));
)"},
    {2, "global search index",
     "CREATE VIRTUAL TABLE IF NOT EXISTS search_index USING fts5(org_id UNINDEXED, object UNINDEXED, "
     "record_id UNINDEXED, title UNINDEXED, subtitle UNINDEXED, body, prefix='2 3', "
     "tokenize='unicode61 remove_diacritics 2');",
     R"(
CREATE TABLE IF NOT EXISTS search_index (
  org_id TEXT COLLATE "C" NOT NULL, key BIGINT NOT NULL, object TEXT NOT NULL, record_id TEXT NOT NULL,
  title TEXT, subtitle TEXT, body tsvector NOT NULL, PRIMARY KEY (org_id, key));
CREATE INDEX IF NOT EXISTS ix_search_body ON search_index USING GIN (body);
)"},
    {3, "opportunity stage history",
     R"(
CREATE TABLE IF NOT EXISTS stage_history (
  org_id {text} NOT NULL, id {text} NOT NULL, opportunity_id {text} NOT NULL,
  pipeline_id {text}, from_stage_id {text}, to_stage_id {text} NOT NULL, at {text} NOT NULL, user_id {text},
  amount {real}, currency {text}, probability {real},
  PRIMARY KEY (org_id, id));
CREATE INDEX IF NOT EXISTS ix_stage_history_opp ON stage_history (org_id, opportunity_id, id);
)"},
    // Imports (issue 4, src/app/import.h): one row per import with its options,
    // counts, status and resume checkpoint; the records each created or updated
    // (for undo) and the rows that failed, written in the same transaction as
    // each batch of records.
    {4, "imports, their records and row errors",
     R"(
CREATE TABLE IF NOT EXISTS imports (
  org_id {text} NOT NULL, id {text} NOT NULL, object {text} NOT NULL, file_name {text}, file_size {int} NOT NULL,
  file_hash {text} NOT NULL, format {text} NOT NULL, options {text}, status {text} NOT NULL, error {text},
  rows_read {int} NOT NULL DEFAULT 0, created {int} NOT NULL DEFAULT 0, updated {int} NOT NULL DEFAULT 0,
  unchanged {int} NOT NULL DEFAULT 0, failed {int} NOT NULL DEFAULT 0,
  checkpoint_resume {int} NOT NULL DEFAULT 0, checkpoint_line {int} NOT NULL DEFAULT 0,
  bytes_done {int} NOT NULL DEFAULT 0, bytes_total {int} NOT NULL DEFAULT 0, report {text},
  created_by {text}, created_at {text} NOT NULL, updated_at {text} NOT NULL, finished_at {text},
  undone_at {text}, undone_by {text}, lease_owner {text}, lease_until {text},
  PRIMARY KEY (org_id, id));
CREATE INDEX IF NOT EXISTS ix_imports_file ON imports (org_id, file_hash, file_size);
CREATE TABLE IF NOT EXISTS import_records (
  org_id {text} NOT NULL, import_id {text} NOT NULL, line {int} NOT NULL, object {text} NOT NULL,
  record_id {text} NOT NULL, action {text} NOT NULL, audit_from {text}, audit_to {text}, undone_at {text},
  PRIMARY KEY (org_id, import_id, line));
CREATE TABLE IF NOT EXISTS import_errors (
  org_id {text} NOT NULL, import_id {text} NOT NULL, line {int} NOT NULL, field {text}, message {text} NOT NULL,
  PRIMARY KEY (org_id, import_id, line));
)"},
    {5, "organisation settings",
     R"(
CREATE TABLE IF NOT EXISTS org_settings (
  org_id {text} NOT NULL, key {text} NOT NULL, value {text}, updated_at {text} NOT NULL,
  PRIMARY KEY (org_id, key));
)"},
};

}  // namespace

int LatestSchemaVersion() { return kMigrations[std::size(kMigrations) - 1].version; }

std::string IndexName(const ObjectDef& def, const FieldDef& f) { return "ix_" + def.table + "_" + f.column; }

Status EnsureObjectTable(Conn* conn, const ObjectDef& def) {
  Dialect d{conn->backend()};
  RP_ASSIGN_OR_RETURN(std::vector<std::string> existing, conn->TableColumns(def.table));
  std::vector<std::pair<std::string, std::string>> cols;  // column, type
  for (const auto& f : def.fields) {
    if (f.name == "id") continue;
    std::string type = f.name == "version" ? d.ColumnType(StorageClass::kInteger) : d.ColumnType(StorageOf(f.kind));
    cols.emplace_back(f.column, type);
  }
  if (def.name == "users") {  // credentials: never in metadata, never returned
    cols.emplace_back("password_hash", d.ColumnType(StorageClass::kText));
    cols.emplace_back("must_change_password", d.ColumnType(StorageClass::kInteger));
  }
  if (existing.empty()) {
    std::string sql = "CREATE TABLE IF NOT EXISTS " + def.table + " (org_id " + d.ColumnType(StorageClass::kText) +
                      " NOT NULL, id " + d.ColumnType(StorageClass::kText) + " NOT NULL";
    for (auto& [c, t] : cols) {
      sql += ", " + c + " " + t;
      if (c == "version" || c == "created_at" || c == "updated_at") sql += " NOT NULL";
    }
    sql += ", PRIMARY KEY (org_id, id))";
    if (d.backend == Backend::kSqlite) sql += " WITHOUT ROWID";
    RP_RETURN_IF_ERROR(conn->ExecScript(sql));
  } else {
    std::set<std::string> have(existing.begin(), existing.end());
    for (auto& [c, t] : cols) {
      if (have.count(c)) continue;
      RP_RETURN_IF_ERROR(conn->ExecScript("ALTER TABLE " + def.table + " ADD COLUMN " + c + " " + t));
    }
  }
  for (const auto& f : def.fields) {
    if (!f.indexed) continue;
    RP_RETURN_IF_ERROR(conn->ExecScript("CREATE INDEX IF NOT EXISTS " + IndexName(def, f) + " ON " + def.table +
                                        " (org_id, " + f.column + d.IndexSuffix() + ", id)"));
  }
  for (const auto& cols : def.list_indexes) {
    std::string name = "ix_" + def.table, list;
    for (const auto& f : cols) {
      const FieldDef* fd = def.Find(f);
      if (!fd) return Status::Internal("list index on unknown field " + def.name + "." + f);
      name += "_" + fd->column;
      list += fd->column + d.IndexSuffix() + ", ";
    }
    RP_RETURN_IF_ERROR(conn->ExecScript("CREATE INDEX IF NOT EXISTS " + name + " ON " + def.table + " (org_id, " +
                                        list + "id)"));
  }
  if (def.name == "users") {
    RP_RETURN_IF_ERROR(conn->ExecScript("CREATE UNIQUE INDEX IF NOT EXISTS ux_users_email ON users (email, org_id)"));
  }
  return Status::Ok();
}

Status Migrate(Conn* conn) {
  Dialect d{conn->backend()};
  RP_RETURN_IF_ERROR(conn->ExecScript(
      Typed(d, "CREATE TABLE IF NOT EXISTS schema_migrations (version {int} NOT NULL PRIMARY KEY, "
               "description {text}, applied_at {text} NOT NULL)")));
  for (const auto& m : kMigrations) {
    Status st = InTransaction(conn, TxMode::kWrite, [&]() -> Status {
      RP_ASSIGN_OR_RETURN(Rows r, conn->Query("SELECT version FROM schema_migrations WHERE version = ?",
                                              {Value{int64_t{m.version}}}));
      if (!r.empty()) return Status::Ok();
      const char* text = d.backend == Backend::kPostgres && m.pg_sql ? m.pg_sql : m.sql;
      RP_RETURN_IF_ERROR(conn->ExecScript(Typed(d, text)));
      auto ins = conn->Exec("INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)",
                            {Value{int64_t{m.version}}, Value{std::string(m.description)}, Value{NowIso()}});
      if (!ins.ok()) return ins.status();
      spdlog::info("migrate: applied {} ({})", m.version, m.description);
      return Status::Ok();
    });
    RP_RETURN_IF_ERROR(st);
  }
  // Object tables from the standard catalogue; custom-field columns were added
  // with their metadata rows, so they already exist.
  RP_RETURN_IF_ERROR(InTransaction(conn, TxMode::kWrite, [&]() -> Status {
    for (const auto& [name, def] : StandardCatalog().objects()) RP_RETURN_IF_ERROR(EnsureObjectTable(conn, def));
    return Status::Ok();
  }));
  // Planner statistics: without them SQLite assumes org_id (first in every
  // index) is selective and walks the primary key instead of, say, the email
  // index (340 ms instead of < 1 ms over 1M contacts). analysis_limit bounds
  // the work (about 2 s on a 3 GB database). PostgreSQL's autovacuum does this.
  if (d.backend == Backend::kSqlite) RP_RETURN_IF_ERROR(conn->ExecScript("PRAGMA analysis_limit=1000; ANALYZE;"));
  return Status::Ok();
}

}  // namespace rapport
