#include "app/import_wizard.h"

#include <algorithm>
#include <filesystem>

#include "app/import.h"
#include "base/ids.h"
#include "base/log.h"
#include "base/time.h"
#include "io/row_source.h"

namespace rapport {

using nlohmann::json;

namespace {

std::string Trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

std::string Lower(std::string s) {
  for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

bool Importable(const ObjectDef& def, const FieldDef& f) {
  if (f.system || f.read_only) return false;
  return !(def.name == "leads" && f.name == "source");  // every imported lead gets source=import
}

Result<const ObjectDef*> ImportObject(const Catalog& cat, const std::string& name) {
  if (name.empty()) return Status::InvalidArgument("object: is required (contacts, leads or accounts)", "object");
  if (name != "contacts" && name != "leads" && name != "accounts")
    return Status::InvalidArgument("object: imports go into contacts, leads or accounts, not '" + name + "'", "object");
  const ObjectDef* d = cat.Find(name);
  if (!d) return Status::NotFound("unknown object '" + name + "'");
  return d;
}

std::vector<std::string> TrimmedHeaders(const std::vector<std::string>& header) {
  std::vector<std::string> out;
  out.reserve(header.size());
  for (const auto& h : header) out.push_back(Trim(h));
  return out;
}

std::string Cutoff() { return FormatIsoMillis(Clock::Get().NowMillis() - ImportWizard::kUploadLifetimeMillis); }

void RemoveFile(const std::string& path) {
  std::error_code ec;
  if (!path.empty()) std::filesystem::remove(path, ec);
}

}  // namespace

std::string ImportWizard::HeaderSignature(const std::vector<std::string>& headers) {
  std::vector<std::string> keys;
  for (const auto& h : headers) {
    keys.push_back(Lower(Trim(h)));
  }
  std::sort(keys.begin(), keys.end());
  std::string text;
  for (const auto& k : keys) text += k + "\n";
  return Sha256Hex(text);
}

json ImportWizard::ImportableFields(const ObjectDef& def) {
  json out = json::array();
  for (const auto& f : def.fields) {
    if (!Importable(def, f)) continue;
    out.push_back({{"name", f.name},
                   {"label", f.label},
                   {"type", FieldKindName(f.kind)},
                   {"required", f.required && f.default_text.empty()}});
  }
  return out;
}

Result<std::map<std::string, std::string>> ImportWizard::SuggestMapping(Conn* c, const TenantScope& scope,
                                                                        const ObjectDef& def,
                                                                        const std::vector<std::string>& headers,
                                                                        std::string* source) {
  std::map<std::string, std::string> out;
  RP_ASSIGN_OR_RETURN(Rows saved, c->Query("SELECT mapping FROM import_mappings WHERE org_id = ? AND object = ? AND "
                                           "header_signature = ?",
                                           {Value{scope.org_id()}, Value{def.name}, Value{HeaderSignature(headers)}}));
  if (!saved.empty()) {
    json m = json::parse(ValueToString(saved.rows[0][0]), nullptr, false);
    if (m.is_object()) {
      // The signature ignores case, so the lookup does too.
      std::map<std::string, std::string> by_key;
      for (auto it = m.begin(); it != m.end(); ++it) {
        if (it.value().is_string()) by_key[Lower(Trim(it.key()))] = it.value().get<std::string>();
      }
      for (const auto& h : headers) {
        std::string field;
        auto it = by_key.find(Lower(Trim(h)));
        if (it != by_key.end()) {
          field = it->second;
          const FieldDef* f = def.Find(field);
          if (!f || !Importable(def, *f)) field.clear();  // the field went since
        } else {
          field = Importer::AutoField(def, h);
        }
        out[h] = field;
      }
      *source = "saved";
      return out;
    }
  }
  for (const auto& h : headers) {
    std::string f = Importer::AutoField(def, h);
    if (def.name == "leads" && f == "source") f.clear();
    out[h] = f;
  }
  *source = "auto";
  return out;
}

Result<json> ImportWizard::CreateUpload(Conn* c, const TenantScope& scope, const Catalog& cat,
                                        const std::string& upload_id, const std::string& object,
                                        const std::string& path, const std::string& file_name,
                                        const std::string& format) {
  RP_ASSIGN_OR_RETURN(const ObjectDef* def, ImportObject(cat, object));
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return Status::Unprocessable("the uploaded file cannot be read: " + ec.message(), "file");
  if (size == 0) return Status::Unprocessable("the uploaded file is empty", "file");
  auto src = OpenRowSource(path, format);
  if (!src.ok()) return Status::Unprocessable(src.status().message(), "file");
  std::vector<std::string> headers = TrimmedHeaders((*src)->header());
  bool any = false;
  for (const auto& h : headers) any = any || !h.empty();
  if (!any) return Status::Unprocessable("the file's first row has no column names", "file");

  // The first values of each column, and whether the file reads at all.
  std::vector<std::vector<std::string>> samples(headers.size());
  int64_t rows = 0;
  SourceRow row;
  Status row_err;
  while (rows < kSampleRows && (*src)->Next(&row, &row_err)) {
    if (!row_err.ok()) continue;  // a malformed row: the dry run reports it with its line
    ++rows;
    for (size_t i = 0; i < headers.size() && i < row.cells.size(); ++i) {
      std::string v = Trim(row.cells[i]);
      if (v.empty() || samples[i].size() >= kSampleValues) continue;
      if (v.size() > 200) v = v.substr(0, 200) + "…";
      samples[i].push_back(std::move(v));
    }
  }
  if (!row_err.ok() && rows == 0) return Status::Unprocessable(row_err.message(), "file");

  std::string source;
  RP_ASSIGN_OR_RETURN(auto suggested, SuggestMapping(c, scope, *def, headers, &source));

  ImportUpload u;
  u.id = upload_id;
  u.user_id = scope.user_id();
  u.object = def->name;
  u.path = path;
  u.file_name = file_name.empty() ? "upload" : file_name;
  u.format = FileFormatName((*src)->format());
  u.size = static_cast<int64_t>(size);
  u.created_at = NowIso();
  u.headers = headers;
  RP_RETURN_IF_ERROR(RestoreUpload(c, scope, u));

  json columns = json::array(), mapping = json::object();
  for (size_t i = 0; i < headers.size(); ++i) {
    columns.push_back({{"header", headers[i]}, {"samples", samples[i]}});
    mapping[headers[i]] = suggested[headers[i]];
  }
  return json{{"upload_id", u.id},
              {"object", u.object},
              {"file_name", u.file_name},
              {"size", u.size},
              {"format", u.format},
              {"notes", (*src)->notes()},
              {"columns", columns},
              {"suggested_mapping", mapping},
              {"mapping_source", source},
              {"fields", ImportableFields(*def)},
              {"rows_sampled", rows},
              {"expires_at", FormatIsoMillis(Clock::Get().NowMillis() + kUploadLifetimeMillis)}};
}

Result<ImportUpload> ImportWizard::FindUpload(Conn* c, const TenantScope& scope, const std::string& id) {
  RP_ASSIGN_OR_RETURN(Rows r, c->Query("SELECT id, user_id, object, path, file_name, format, size, headers, created_at "
                                       "FROM import_uploads WHERE org_id = ? AND id = ? AND user_id = ?",
                                       {Value{scope.org_id()}, Value{id}, Value{scope.user_id()}}));
  if (r.empty()) return Status::NotFound("no upload " + id + "; upload the file again");
  auto& row = r.rows[0];
  ImportUpload u;
  u.id = ValueToString(row[0]);
  u.user_id = ValueToString(row[1]);
  u.object = ValueToString(row[2]);
  u.path = ValueToString(row[3]);
  u.file_name = ValueToString(row[4]);
  u.format = ValueToString(row[5]);
  u.size = std::atoll(ValueToString(row[6]).c_str());
  json h = json::parse(ValueToString(row[7]), nullptr, false);
  if (h.is_array())
    for (const auto& x : h)
      if (x.is_string()) u.headers.push_back(x.get<std::string>());
  u.created_at = ValueToString(row[8]);
  if (u.created_at < Cutoff()) return Status::NotFound("upload " + id + " has expired; upload the file again");
  // Files live on the server that received them (several servers may share
  // one PostgreSQL database).
  if (!std::filesystem::exists(u.path))
    return Status::NotFound("the file of upload " + id + " is not on this server; upload it again");
  return u;
}

Status ImportWizard::ClaimUpload(Conn* c, const TenantScope& scope, const std::string& id) {
  RP_ASSIGN_OR_RETURN(int64_t n, c->Exec("DELETE FROM import_uploads WHERE org_id = ? AND id = ? AND user_id = ?",
                                         {Value{scope.org_id()}, Value{id}, Value{scope.user_id()}}));
  if (n != 1) return Status::NotFound("no upload " + id + "; it was imported already");
  return Status::Ok();
}

Status ImportWizard::RestoreUpload(Conn* c, const TenantScope& scope, const ImportUpload& u) {
  json headers = u.headers;
  auto r = c->Exec("INSERT INTO import_uploads (org_id, id, user_id, object, path, file_name, size, format, headers, "
                   "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   {Value{scope.org_id()}, Value{u.id}, Value{scope.user_id()}, Value{u.object}, Value{u.path},
                    Value{u.file_name}, Value{u.size}, Value{u.format}, Value{headers.dump()},
                    Value{u.created_at.empty() ? NowIso() : u.created_at}});
  return r.ok() ? Status::Ok() : r.status();
}

Result<int> ImportWizard::PruneExpiredUploads(Conn* c, const std::string& org_id) {
  RP_ASSIGN_OR_RETURN(Rows r, c->Query("SELECT id, path FROM import_uploads WHERE org_id = ? AND created_at < ? "
                                       "ORDER BY created_at LIMIT 500",
                                       {Value{org_id}, Value{Cutoff()}}));
  int n = 0;
  for (auto& row : r.rows) {
    RP_ASSIGN_OR_RETURN(int64_t gone, c->Exec("DELETE FROM import_uploads WHERE org_id = ? AND id = ?",
                                              {Value{org_id}, row[0]}));
    if (gone == 1) {
      RemoveFile(ValueToString(row[1]));
      ++n;
    }
  }
  if (n > 0) spdlog::info("imports: {} expired uploads of {} deleted", n, org_id);
  return n;
}

Status ImportWizard::SaveMapping(Conn* c, const TenantScope& scope, const std::string& object,
                                 const std::vector<std::string>& headers,
                                 const std::map<std::string, std::string>& mapping) {
  if (mapping.empty() || headers.empty()) return Status::Ok();
  std::vector<std::string> trimmed = TrimmedHeaders(headers);
  json m = json::object();
  for (const auto& [col, field] : mapping) m[Trim(col)] = field;
  json h = trimmed;
  std::string now = NowIso();
  auto r = c->Exec(
      "INSERT INTO import_mappings (org_id, id, object, header_signature, headers, mapping, updated_by, updated_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (org_id, object, header_signature) DO UPDATE SET "
      "mapping = excluded.mapping, headers = excluded.headers, updated_by = excluded.updated_by, "
      "updated_at = excluded.updated_at",
      {Value{scope.org_id()}, Value{NewId()}, Value{object}, Value{HeaderSignature(trimmed)}, Value{h.dump()},
       Value{m.dump()}, scope.user_id().empty() ? Value{} : Value{scope.user_id()}, Value{now}});
  return r.ok() ? Status::Ok() : r.status();
}

Status ImportWizard::SaveMappingForFile(Conn* c, const TenantScope& scope, const std::string& object,
                                        const std::string& path, const std::string& format,
                                        const std::map<std::string, std::string>& mapping) {
  if (mapping.empty()) return Status::Ok();
  RP_ASSIGN_OR_RETURN(auto src, OpenRowSource(path, format));
  return SaveMapping(c, scope, object, src->header(), mapping);
}

Result<json> ImportWizard::ListMappings(Conn* c, const TenantScope& scope, const std::string& object) {
  std::string sql = "SELECT id, object, headers, mapping, updated_by, updated_at FROM import_mappings WHERE org_id = ?";
  std::vector<Value> p{Value{scope.org_id()}};
  if (!object.empty()) {
    sql += " AND object = ?";
    p.emplace_back(object);
  }
  sql += " ORDER BY updated_at DESC, id DESC LIMIT 500";
  RP_ASSIGN_OR_RETURN(Rows r, c->Query(sql, p));
  json out = json::array();
  for (auto& row : r.rows) {
    std::string by = ValueToString(row[4]);
    out.push_back({{"id", ValueToString(row[0])},
                   {"object", ValueToString(row[1])},
                   {"headers", json::parse(ValueToString(row[2]), nullptr, false)},
                   {"mapping", json::parse(ValueToString(row[3]), nullptr, false)},
                   {"updated_by", by.empty() ? json(nullptr) : json(by)},
                   {"updated_at", ValueToString(row[5])},
                   {"can_delete", scope.is_admin() || (!by.empty() && by == scope.user_id())}});
  }
  return out;
}

Status ImportWizard::DeleteMapping(Conn* c, const TenantScope& scope, const std::string& id) {
  RP_ASSIGN_OR_RETURN(Rows r, c->Query("SELECT updated_by FROM import_mappings WHERE org_id = ? AND id = ?",
                                       {Value{scope.org_id()}, Value{id}}));
  if (r.empty()) return Status::NotFound("no saved mapping " + id);
  if (!scope.is_admin() && ValueToString(r.rows[0][0]) != scope.user_id())
    return Status::PermissionDenied("only an administrator or the user who saved a mapping may delete it");
  RP_ASSIGN_OR_RETURN(int64_t n, c->Exec("DELETE FROM import_mappings WHERE org_id = ? AND id = ?",
                                         {Value{scope.org_id()}, Value{id}}));
  (void)n;
  return Status::Ok();
}

}  // namespace rapport
