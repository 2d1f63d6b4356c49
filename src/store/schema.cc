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
    // Calendar and contacts sync (issue 5, src/http/dav.h): one iCalendar feed
    // secret per user (SHA-256 only), and the CalDAV/CardDAV name and UID a
    // client gave a record (plus its last uploaded text, served back verbatim
    // while the record is unchanged). Records created in Rapport have no row:
    // their resource is "<id>.ics" / "<id>.vcf" with UID = id.
    {6, "calendar feeds and DAV resources",
     R"(
CREATE TABLE IF NOT EXISTS ical_feeds (
  org_id {text} NOT NULL, user_id {text} NOT NULL, secret_hash {text} NOT NULL, created_at {text} NOT NULL,
  PRIMARY KEY (org_id, user_id));
CREATE UNIQUE INDEX IF NOT EXISTS ux_ical_feeds_hash ON ical_feeds (secret_hash);
CREATE TABLE IF NOT EXISTS dav_resources (
  org_id {text} NOT NULL, object {text} NOT NULL, record_id {text} NOT NULL, href {text} NOT NULL,
  uid {text} NOT NULL, raw {text}, raw_version {int}, updated_at {text} NOT NULL,
  PRIMARY KEY (org_id, object, record_id));
CREATE INDEX IF NOT EXISTS ix_dav_resources_href ON dav_resources (org_id, object, href);
CREATE INDEX IF NOT EXISTS ix_dav_resources_uid ON dav_resources (org_id, object, uid);
)"},
    // Web-to-lead forms (issue 4, src/app/forms.h; docs/decisions/011): the
    // double opt-in confirmations (the token is stored only as its SHA-256)
    // and the queue of e-mails to send. Rapport only queues mail here; SMTP
    // delivery (another component) takes rows with status 'queued', sends
    // them and sets status 'sent' + sent_at (or 'failed' + last_error).
    {7, "web form confirmations, e-mail outbox",
     R"(
CREATE TABLE IF NOT EXISTS form_confirmations (
  org_id {text} NOT NULL, token_hash {text} NOT NULL, form_id {text} NOT NULL, lead_id {text} NOT NULL,
  email {text}, created_at {text} NOT NULL, expires_at {text} NOT NULL, confirmed_at {text},
  PRIMARY KEY (org_id, token_hash));
CREATE INDEX IF NOT EXISTS ix_form_confirmations_lead ON form_confirmations (org_id, lead_id);
CREATE TABLE IF NOT EXISTS email_outbox (
  org_id {text} NOT NULL, id {text} NOT NULL, created_at {text} NOT NULL, kind {text} NOT NULL,
  to_address {text} NOT NULL, subject {text} NOT NULL, body_text {text} NOT NULL,
  related_object {text}, related_id {text}, status {text} NOT NULL, attempts {int} NOT NULL DEFAULT 0,
  sent_at {text}, last_error {text},
  PRIMARY KEY (org_id, id));
CREATE INDEX IF NOT EXISTS ix_email_outbox_status ON email_outbox (status, id);
)"},
    // Enrichment, scoring and assignment (issue 4, docs/decisions/012): the
    // company reference data of the offline provider and its load version;
    // round-robin turns and every assignment (rule, rep, reason); trained
    // predictive models (weights + feature map as JSON, with their held-out
    // AUC); notifications (first-response escalations); background job runs.
    {8, "enrichment reference, assignment state and log, score models, notifications, job runs",
     R"(
CREATE TABLE IF NOT EXISTS enrichment_companies (
  org_id {text} NOT NULL, domain {text} NOT NULL, name {text}, industry {text}, employees {real},
  employee_band {text}, country {text}, PRIMARY KEY (org_id, domain));
CREATE TABLE IF NOT EXISTS enrichment_sources (
  org_id {text} NOT NULL, provider {text} NOT NULL, version {int} NOT NULL, row_count {int} NOT NULL,
  file_name {text}, loaded_at {text} NOT NULL, loaded_by {text}, PRIMARY KEY (org_id, provider));
CREATE TABLE IF NOT EXISTS assignment_state (
  org_id {text} NOT NULL, rule_id {text} NOT NULL, last_user_id {text}, turns {int} NOT NULL DEFAULT 0,
  PRIMARY KEY (org_id, rule_id));
CREATE TABLE IF NOT EXISTS assignment_log (
  org_id {text} NOT NULL, id {text} NOT NULL, lead_id {text} NOT NULL, rule_id {text}, user_id {text},
  previous_user_id {text}, reason {text} NOT NULL, detail {text}, at {text} NOT NULL, by_user_id {text},
  PRIMARY KEY (org_id, id));
CREATE INDEX IF NOT EXISTS ix_assignment_log_lead ON assignment_log (org_id, lead_id, id);
CREATE TABLE IF NOT EXISTS score_models (
  org_id {text} NOT NULL, id {text} NOT NULL, object {text} NOT NULL, created_at {text} NOT NULL,
  created_by {text}, active {int} NOT NULL DEFAULT 0, has_signal {int} NOT NULL DEFAULT 0,
  n_train {int} NOT NULL, n_test {int} NOT NULL, auc {real}, auc_lo {real}, auc_hi {real},
  rule_auc {real}, rule_auc_lo {real}, rule_auc_hi {real}, seed {int}, model {text} NOT NULL, report {text},
  PRIMARY KEY (org_id, id));
CREATE INDEX IF NOT EXISTS ix_score_models_object ON score_models (org_id, object, id);
CREATE TABLE IF NOT EXISTS notifications (
  org_id {text} NOT NULL, id {text} NOT NULL, user_id {text} NOT NULL, kind {text} NOT NULL,
  object {text}, record_id {text}, message {text} NOT NULL, created_at {text} NOT NULL, read_at {text},
  PRIMARY KEY (org_id, id));
CREATE INDEX IF NOT EXISTS ix_notifications_user ON notifications (org_id, user_id, id);
CREATE TABLE IF NOT EXISTS job_runs (
  org_id {text} NOT NULL, job {text} NOT NULL, last_started_at {text}, last_finished_at {text},
  next_run_at {text}, status {text}, message {text}, PRIMARY KEY (org_id, job));
)"},
    // Reminders and SMTP delivery (issue 5, docs/decisions/014): when a queued
    // e-mail may be tried next (retry back-off; also a lease while sending).
    {9, "email_outbox retry schedule",
     R"(
ALTER TABLE email_outbox ADD COLUMN next_attempt_at {text};
)"},
    // Team selling (issue 5, docs/decisions/016, src/app/team_selling.h):
    // account and opportunity team members (role, read/edit access), read
    // by the visibility predicate through ix_record_team_user; who follows
    // which record (and why: manual, owner, team) for the feeds.
    {11, "record teams and follows",
     R"(
CREATE TABLE IF NOT EXISTS record_team_members (
  org_id {text} NOT NULL, id {text} NOT NULL, object {text} NOT NULL, record_id {text} NOT NULL,
  user_id {text} NOT NULL, role {text} NOT NULL, access {text} NOT NULL, created_at {text} NOT NULL,
  created_by {text}, updated_at {text} NOT NULL,
  PRIMARY KEY (org_id, id));
CREATE UNIQUE INDEX IF NOT EXISTS ux_record_team_member ON record_team_members (org_id, object, record_id, user_id);
CREATE INDEX IF NOT EXISTS ix_record_team_user ON record_team_members (org_id, user_id, object, record_id, access);
CREATE TABLE IF NOT EXISTS record_follows (
  org_id {text} NOT NULL, user_id {text} NOT NULL, object {text} NOT NULL, record_id {text} NOT NULL,
  reason {text} NOT NULL, created_at {text} NOT NULL,
  PRIMARY KEY (org_id, user_id, object, record_id));
CREATE INDEX IF NOT EXISTS ix_record_follows_record ON record_follows (org_id, object, record_id);
)"},
    // DAV sync-collection (issue 5, RFC 6578; src/http/dav.cc, docs/decisions/017):
    // the state of a user's calendar or address book when a sync-token was
    // handed out ("name<TAB>etag" lines), so a later REPORT can list what
    // changed and what left since. Keyed by the token; old states are pruned.
    {12, "DAV sync-collection states",
     R"(
CREATE TABLE IF NOT EXISTS dav_sync_states (
  org_id {text} NOT NULL, user_id {text} NOT NULL, object {text} NOT NULL, token {text} NOT NULL,
  members {text} NOT NULL, created_at {text} NOT NULL,
  PRIMARY KEY (org_id, user_id, object, token));
CREATE INDEX IF NOT EXISTS ix_dav_sync_states_age ON dav_sync_states (org_id, user_id, object, created_at);
)"},
    // Search entries numbered in order (SQLite, docs/decisions/019): FTS5
    // flushes its in-memory terms whenever a rowid goes down, so hashed rowids
    // made each insert a flush and a merge. search_entries maps the record's
    // key to an ascending rowid; existing entries are renumbered here.
    {14, "search entries numbered in order",
     R"(
CREATE TABLE search_entries (seq INTEGER PRIMARY KEY, key INTEGER NOT NULL UNIQUE);
INSERT INTO search_entries (key) SELECT rowid FROM search_index ORDER BY rowid;
CREATE VIRTUAL TABLE search_index_renumbered USING fts5(org_id UNINDEXED, object UNINDEXED,
  record_id UNINDEXED, title UNINDEXED, subtitle UNINDEXED, body, prefix='2 3',
  tokenize='unicode61 remove_diacritics 2');
INSERT INTO search_index_renumbered (rowid, org_id, object, record_id, title, subtitle, body)
  SELECT e.seq, s.org_id, s.object, s.record_id, s.title, s.subtitle, s.body
  FROM search_entries e JOIN search_index s ON s.rowid = e.key ORDER BY e.seq;
DROP TABLE search_index;
ALTER TABLE search_index_renumbered RENAME TO search_index;
)",
     "SELECT 1;"},
    // Which audit rows belong to one change (docs/decisions/016): the feed
    // shows one item per change, and two changes of a record by one user in
    // the same millisecond share their time. Older rows get their time and
    // user as the change, which is how the feed grouped them before.
    {15, "audit rows grouped by change",
     R"(
ALTER TABLE audit_log ADD COLUMN change_id {text};
UPDATE audit_log SET change_id = at || ' ' || COALESCE(user_id, '') WHERE action = 'update';
)"},
    // The web app's import wizard (issue 4, docs/decisions/021): files
    // uploaded once for a preview, dry runs and the import (per user, 24 h),
    // and column mappings saved per organisation, object and header set.
    {16, "import uploads and saved mappings",
     R"(
CREATE TABLE IF NOT EXISTS import_uploads (
  org_id {text} NOT NULL, id {text} NOT NULL, user_id {text} NOT NULL, object {text} NOT NULL,
  path {text} NOT NULL, file_name {text} NOT NULL, size {int} NOT NULL, format {text} NOT NULL,
  headers {text} NOT NULL, created_at {text} NOT NULL,
  PRIMARY KEY (org_id, id));
CREATE INDEX IF NOT EXISTS ix_import_uploads_age ON import_uploads (org_id, created_at);
CREATE TABLE IF NOT EXISTS import_mappings (
  org_id {text} NOT NULL, id {text} NOT NULL, object {text} NOT NULL, header_signature {text} NOT NULL,
  headers {text} NOT NULL, mapping {text} NOT NULL, updated_by {text}, updated_at {text} NOT NULL,
  PRIMARY KEY (org_id, id));
CREATE UNIQUE INDEX IF NOT EXISTS ux_import_mappings_headers ON import_mappings (org_id, object, header_signature);
)"},
};

}  // namespace

int SchemaMigrationCount() { return static_cast<int>(std::size(kMigrations)); }

int LatestSchemaVersion() {
  int v = 0;  // the highest number: migrations of parallel work may be listed out of order
  for (const auto& m : kMigrations) v = std::max(v, m.version);
  return v;
}

std::string IndexName(const ObjectDef& def, const FieldDef& f) { return "ix_" + def.table + "_" + f.column; }

bool FoldsCase(const FieldDef& f) { return f.kind == FieldKind::kText && f.name != "id"; }

std::string SortExpression(const FieldDef& f) { return FoldsCase(f) ? "lower(" + f.column + ")" : f.column; }

std::string FieldIndexName(const ObjectDef& def, const FieldDef& f) {
  return FoldsCase(f) ? IndexName(def, f) + "_ci" : IndexName(def, f);
}

std::string AsciiLower(std::string s) {
  for (auto& ch : s) {
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  }
  return s;
}

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
  // Text fields are indexed on lower(column) (case-insensitive order and
  // prefix search); such an index is named with "_ci", and the plain index an
  // older version made under the other name is dropped.
  for (const auto& f : def.fields) {
    if (!f.indexed) continue;
    if (FoldsCase(f)) RP_RETURN_IF_ERROR(conn->ExecScript("DROP INDEX IF EXISTS " + IndexName(def, f)));
    const std::string name = FieldIndexName(def, f);
    RP_RETURN_IF_ERROR(conn->ExecScript("CREATE INDEX IF NOT EXISTS " + name + " ON " + def.table + " (org_id, " +
                                        SortExpression(f) + d.IndexSuffix() + ", id)"));
  }
  for (const auto& cols : def.list_indexes) {
    std::string name = "ix_" + def.table, list;
    bool folded = false;
    for (const auto& f : cols) {
      const FieldDef* fd = def.Find(f);
      if (!fd) return Status::Internal("list index on unknown field " + def.name + "." + f);
      name += "_" + fd->column;
      list += SortExpression(*fd) + d.IndexSuffix() + ", ";
      folded = folded || FoldsCase(*fd);
    }
    if (folded) {
      RP_RETURN_IF_ERROR(conn->ExecScript("DROP INDEX IF EXISTS " + name));
      name += "_ci";
    }
    RP_RETURN_IF_ERROR(conn->ExecScript("CREATE INDEX IF NOT EXISTS " + name + " ON " + def.table + " (org_id, " +
                                        list + "id)"));
  }
  if (def.name == "users") {
    RP_RETURN_IF_ERROR(conn->ExecScript("CREATE UNIQUE INDEX IF NOT EXISTS ux_users_email ON users (email, org_id)"));
  }
  // Issue 4: a person is a member of a campaign once (adding is idempotent);
  // a form's public key is unique.
  if (def.name == "campaign_members") {
    RP_RETURN_IF_ERROR(conn->ExecScript(
        "CREATE UNIQUE INDEX IF NOT EXISTS ux_campaign_members_member ON campaign_members (org_id, campaign_id, member_id)"));
  }
  if (def.name == "forms") {
    RP_RETURN_IF_ERROR(conn->ExecScript("CREATE UNIQUE INDEX IF NOT EXISTS ux_forms_key ON forms (org_id, key)"));
  }
  // Issue 5 (docs/decisions/015): one active enrollment per record and
  // cadence; one renewal deal per won deal (also under two servers).
  if (def.name == "cadence_enrollments") {
    RP_RETURN_IF_ERROR(conn->ExecScript(
        "CREATE UNIQUE INDEX IF NOT EXISTS ux_cadence_enrollments_active ON cadence_enrollments "
        "(org_id, cadence_id, related_id) WHERE status = 'active'"));
  }
  if (def.name == "opportunities") {
    RP_RETURN_IF_ERROR(conn->ExecScript(
        "CREATE UNIQUE INDEX IF NOT EXISTS ux_opportunities_renewal_of ON opportunities (org_id, renewal_of_id) "
        "WHERE renewal_of_id IS NOT NULL"));
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
