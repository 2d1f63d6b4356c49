// Importer: bulk import of contacts, leads (and accounts) from CSV, XLSX and
// vCard files, resumable and undoable; vCard export of contacts.
//
// One code path for `rapport import` and `POST /api/v1/imports`. A file is
// read as rows (io/row_source.h), each row's mapped cells become a JSON body
// and go through RecordService::Create / Update exactly like an API create
// (validation with field-naming messages, normalisation, object rules,
// reference checks, audit, outbox, search index). Rows are written in batches
// (ImportOptions::batch_rows per write transaction); the same transaction
// records which records each row created or updated (import_records), the rows
// that failed (import_errors) and the checkpoint (imports.checkpoint_*: the
// resume point after the batch, and the counts). So a crash or kill loses at
// most the batch in flight, and running the same import again (same object,
// file size and SHA-256 of its first 64 KiB) resumes after the last committed
// batch: no row is lost or written twice. A lease (owner process, renewed
// every batch) keeps two processes from running one import at once.
//
// Undo soft-deletes what an import created and reverts the fields it changed
// from the audit entries its updates wrote (a field changed again since is
// left as it is and counted as a conflict).
//
// Thread-safety: stateless functions; a Conn is used by one thread at a time.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/status.h"
#include "meta/object.h"
#include "io/vcard.h"
#include "store/conn.h"
#include "store/records.h"
#include "store/scope.h"

namespace rapport {

struct ImportOptions {
  std::string object = "leads";                // contacts, leads or accounts
  std::string file;                            // path of the file to read
  std::string file_name;                       // name for reports; default: the path's last component
  std::string format;                          // "" detects from the content; csv | xlsx | vcard
  std::map<std::string, std::string> mapping;  // column header -> field name ("" ignores the column)
  std::string source_ref_column;               // column that becomes source_ref; "" = one named source_ref
  bool dry_run = false;                        // validate everything, write no record (rolled back)
  std::string upsert_key;                      // "" always creates; email | source_ref | phone | a field name
  std::string region;                          // phone region when the organisation has no default_region ("" = US)
  int batch_rows = 1000;                       // rows per transaction and checkpoint (1..100000)
  bool again = false;                          // import a file again although it was imported (or is unfinished)
  // Where the records of an API upload come from, kept with the import.
  std::string created_by_email;
  // An upload the server keeps (POST /api/v1/imports): a server resumes it by
  // itself after a restart (Importer::ResumableUploads).
  bool server_upload = false;
};

struct ImportCounts {
  int64_t rows_read = 0;  // data rows read (the header is not a row)
  int64_t created = 0;
  int64_t updated = 0;    // upserts that changed at least one field
  int64_t unchanged = 0;  // upserts that matched a record and changed nothing
  int64_t failed = 0;     // rows not imported (each has an error)
};

struct RowError {
  int64_t line = 0;
  std::string field;    // "" when the row as a whole is wrong
  std::string message;  // "line 12: email: is not a valid email address"
};

struct ImportProgress {
  int64_t bytes_done = 0, bytes_total = 0;
  ImportCounts counts;
};
using ImportProgressFn = std::function<void(const ImportProgress&)>;

struct ImportSummary {
  std::string import_id;  // empty for a CLI dry run (nothing is stored)
  std::string object, file_name, format;
  std::string status;     // done | failed | dry_run | undone | running | interrupted (stopped; resumable)
  std::string error;      // why a failed import stopped
  std::vector<std::string> notes;                               // encoding, delimiter, sheet, ...
  std::vector<std::pair<std::string, std::string>> mapped;     // column -> field
  std::vector<std::pair<std::string, std::string>> unmapped;   // column -> why it is not imported
  ImportCounts counts;
  std::vector<RowError> errors;  // every failed row (at most kMaxReportedErrors kept)
  int64_t resumed_from_line = 0;  // > 0: this run continued an interrupted import
  double seconds = 0;
  int64_t bytes_done = 0, bytes_total = 0;  // progress (stored imports)
  std::string created_at, finished_at;
  nlohmann::json options;  // as stored (Get)
  nlohmann::json ToJson() const;
};

class Importer {
 public:
  static constexpr size_t kMaxReportedErrors = 100000;

  // Imports opts.file into opts.object for `scope`. Returns the summary; a
  // Status only for problems found before the first row (bad options, file
  // not readable or not CSV/XLSX/vCard, import already done or running).
  // Database failures during the run end it with status "failed" (resumable
  // by running it again). `cancel` (optional) stops it after the current
  // batch with status "interrupted", resumable. `import_id`: continue this import (API uploads).
  static Result<ImportSummary> Run(Conn* c, const TenantScope& scope, const Catalog& cat, const ImportOptions& opts,
                                   const ImportProgressFn& progress = nullptr, std::atomic<bool>* cancel = nullptr,
                                   const std::string& import_id = {});

  // Registers an import (status "queued") without reading rows, for the API,
  // which runs it in the background and answers with its id.
  static Result<std::string> Queue(Conn* c, const TenantScope& scope, const Catalog& cat, const ImportOptions& opts);

  // The stored state of an import: counts, status, checkpoint, report and up
  // to `max_errors` row errors. NotFound for another organisation's import.
  static Result<ImportSummary> Get(Conn* c, const TenantScope& scope, const std::string& import_id,
                                   size_t max_errors = kMaxReportedErrors);
  static Result<std::vector<ImportSummary>> List(Conn* c, const TenantScope& scope, int limit = 50);

  // Server uploads that should be running and are not: queued, running or
  // interrupted (stopped by a shutdown), with no live lease (none, expired,
  // or held by a process of this host that no longer exists). `org_id` ""
  // looks in every organisation (an operator query, for `rapport serve`).
  // Imports run by the CLI are not listed: their user runs the command again.
  struct Resumable {
    std::string org_id, id, user_id;
  };
  static Result<std::vector<Resumable>> ResumableUploads(Conn* c, const std::string& org_id = {});

  struct UndoResult {
    int64_t deleted = 0, reverted = 0, conflicts = 0, already = 0;
    nlohmann::json ToJson() const;
  };
  // Undoes a whole import (see the file comment). Admins or the user who ran
  // it. Resumable: records already undone are skipped.
  static Result<UndoResult> Undo(Conn* c, const TenantScope& scope, const Catalog& cat, const std::string& import_id);

  // The field a column header maps to automatically: its name or its label,
  // ignoring case, spaces, '_', '-' and '.'; "" if none. Read-only and system
  // fields never match.
  static std::string AutoField(const ObjectDef& def, const std::string& header);
};

// The organisation's default phone region (organisations.default_region), or
// "" when it has none. Cached for 30 s per organisation.
std::string OrgDefaultRegion(Conn* c, const std::string& org_id);

// One page (up to 500) of the visible, live contacts of `scope` as vCard 3.0
// cards appended to *out (organisation = the contact's account name). Start
// with an empty *cursor; returns true while more pages follow (*cursor
// advanced), false after the last page.
Result<bool> ExportContactsVCardPage(Conn* c, const TenantScope& scope, const Catalog& cat, std::string* cursor,
                                     std::string* out);

// A contact record as a vCard: uid = id, revision = updated_at, note =
// description; the organisation (the account's name) is the caller's.
VCardContact ContactToVCard(const ObjectDef& contacts, const Record& rec);

}  // namespace rapport
