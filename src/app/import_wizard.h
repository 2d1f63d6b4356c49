// ImportWizard: what the web app's import wizard needs besides Importer
// (issue 4, docs/decisions/021-import-wizard.md).
//
// - Uploads: a file is sent once (POST /api/v1/imports/uploads), kept in the
//   upload directory and registered in `import_uploads` for its user (24 h);
//   the preview answers its columns with sample values, a suggested mapping
//   and the object's importable fields. Dry runs and the import then name the
//   upload instead of sending the file again.
// - Saved mappings: the mapping of a real import is kept per organisation,
//   object and header set (`import_mappings`, keyed by HeaderSignature), and
//   a later upload with the same headers is offered it.
//
// Everything is scoped by organisation; uploads also by user. Thread-safety:
// stateless functions; a Conn is used by one thread at a time.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/status.h"
#include "meta/object.h"
#include "store/conn.h"
#include "store/scope.h"

namespace rapport {

struct ImportUpload {
  std::string id, user_id, object, path, file_name, format, created_at;
  int64_t size = 0;
  std::vector<std::string> headers;
};

class ImportWizard {
 public:
  static constexpr int64_t kUploadLifetimeMillis = int64_t{24} * 3600 * 1000;
  static constexpr size_t kSampleValues = 5;   // per column
  static constexpr int64_t kSampleRows = 200;  // rows read at most for the samples

  // Reads the stored file at `path` (header and the first rows) and registers
  // it as an upload of `object` by the scope's user. Unprocessable (field
  // "file") naming the problem when it is not a readable CSV/XLSX/vCard file
  // with a header: nothing is registered and the caller deletes the file.
  // `upload_id` is the id to register (the file is usually named after it).
  // Answers the preview (see api_import.cc, POST /api/v1/imports/uploads).
  static Result<nlohmann::json> CreateUpload(Conn* c, const TenantScope& scope, const Catalog& cat,
                                             const std::string& upload_id, const std::string& object,
                                             const std::string& path, const std::string& file_name,
                                             const std::string& format = "");

  // The caller's upload; NotFound for an unknown id, another organisation's
  // or another user's upload, or one older than kUploadLifetimeMillis.
  static Result<ImportUpload> FindUpload(Conn* c, const TenantScope& scope, const std::string& id);
  // Removes the upload's row (claimed by an import, which now owns its
  // file). NotFound when it was already claimed.
  static Status ClaimUpload(Conn* c, const TenantScope& scope, const std::string& id);
  // Registers `u` again (the import that claimed it could not start).
  static Status RestoreUpload(Conn* c, const TenantScope& scope, const ImportUpload& u);
  // Deletes the organisation's uploads older than kUploadLifetimeMillis,
  // files and rows. Returns how many went.
  static Result<int> PruneExpiredUploads(Conn* c, const std::string& org_id);

  // SHA-256 (hex) of the sorted, trimmed, lower-cased column headers, one
  // per line: the same columns in any order give the same signature.
  static std::string HeaderSignature(const std::vector<std::string>& headers);

  // The importable fields of `def` as the wizard lists them: [{name, label,
  // type, required}] (not system or read-only; not a lead's `source`, which
  // an import always sets).
  static nlohmann::json ImportableFields(const ObjectDef& def);

  // Keeps `mapping` (column -> field, "" = not imported) for files of
  // `object` with these headers: created, or replaced for the same header set.
  static Status SaveMapping(Conn* c, const TenantScope& scope, const std::string& object,
                            const std::vector<std::string>& headers, const std::map<std::string, std::string>& mapping);
  // The same, reading the headers from the file at `path`.
  static Status SaveMappingForFile(Conn* c, const TenantScope& scope, const std::string& object,
                                   const std::string& path, const std::string& format,
                                   const std::map<std::string, std::string>& mapping);
  // The organisation's saved mappings of `object` ("" = all), newest first:
  // [{id, object, headers, mapping, updated_by, updated_at, can_delete}].
  static Result<nlohmann::json> ListMappings(Conn* c, const TenantScope& scope, const std::string& object);
  // Deletes a saved mapping: administrators, or the user who saved it.
  static Status DeleteMapping(Conn* c, const TenantScope& scope, const std::string& id);

  // The suggested mapping of `headers` into `def`: the saved mapping of the
  // same header set when there is one (*source = "saved"; fields that no
  // longer exist are dropped), else Importer::AutoField per column
  // (*source = "auto"). Every header is a key; "" = not imported.
  static Result<std::map<std::string, std::string>> SuggestMapping(Conn* c, const TenantScope& scope,
                                                                   const ObjectDef& def,
                                                                   const std::vector<std::string>& headers,
                                                                   std::string* source);
};

}  // namespace rapport
