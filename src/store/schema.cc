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
  const char* sql;
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
      RP_RETURN_IF_ERROR(conn->ExecScript(Typed(d, m.sql)));
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
  return InTransaction(conn, TxMode::kWrite, [&]() -> Status {
    for (const auto& [name, def] : StandardCatalog().objects()) RP_RETURN_IF_ERROR(EnsureObjectTable(conn, def));
    return Status::Ok();
  });
}

}  // namespace rapport
