// REST handlers of imports and the vCard export (issue 4):
//
//   POST /api/v1/imports              upload a file (raw body, options in the query
//                                     string; or multipart/form-data with a `file`
//                                     part and an `options` JSON part) -> 202 + id;
//                                     the import runs in the background
//   GET  /api/v1/imports              the caller's imports (admins: all), newest first
//   GET  /api/v1/imports/{id}         status, progress, counts, mapping, every failed row
//   POST /api/v1/imports/{id}/undo    undo the whole import
//   POST /api/v1/imports/{id}/resume  continue an import stopped by a crash or shutdown
//   GET  /api/v1/contacts/export.vcf  the visible contacts as vCard 3.0
//
// and the web app's import wizard (uploads once, imports from an upload,
// saved mappings): see the block before Api::Imports (docs/decisions/021).
//
// The server spools upload bodies to a file (ServerOptions::upload_paths), so
// a file of any size costs constant memory here too.
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

#include "app/import.h"
#include "app/import_wizard.h"
#include "base/ids.h"
#include "base/log.h"
#include "http/api.h"
#include "io/multipart.h"

namespace rapport {

using nlohmann::json;

struct ImportJobs {
  std::mutex mu;
  std::condition_variable cv;
  std::set<std::string> running;
  std::atomic<bool> stop{false};
};

std::shared_ptr<ImportJobs> MakeImportJobs() {
  return std::shared_ptr<ImportJobs>(new ImportJobs(), [](ImportJobs* j) {
    // Stop the running imports after their current batch (they are
    // resumable) and wait for their threads before the store goes away.
    j->stop.store(true);
    std::unique_lock<std::mutex> lock(j->mu);
    j->cv.wait(lock, [j] { return j->running.empty(); });
    lock.unlock();
    delete j;
  });
}

namespace {

// Deletes a spooled upload unless it was moved.
struct FileGuard {
  std::string path;
  ~FileGuard() {
    if (!path.empty()) {
      std::error_code ec;
      std::filesystem::remove(path, ec);
    }
  }
};

// Moves `from` to `to` (a copy when they are on different file systems).
Status MoveFile(const std::string& from, const std::string& to) {
  std::error_code ec;
  std::filesystem::rename(from, to, ec);
  if (!ec) return Status::Ok();
  std::filesystem::copy_file(from, to, std::filesystem::copy_options::overwrite_existing, ec);
  if (ec) return Status::Unavailable("cannot store the uploaded file: " + ec.message());
  std::filesystem::remove(from, ec);
  return Status::Ok();
}

std::string UploadDir(const ApiOptions& opts, Store* store) {
  if (!opts.upload_dir.empty()) return opts.upload_dir;
  const std::string& url = store->url();
  if (store->backend() == Backend::kSqlite) {
    std::string path = url.rfind("sqlite:", 0) == 0 ? url.substr(7) : url;
    std::filesystem::path p(path);
    return (p.has_parent_path() ? p.parent_path() : std::filesystem::path(".")).string() + "/uploads";
  }
  return "data/uploads";
}

bool TruthyText(const std::string& v) { return v == "true" || v == "1" || v == "yes"; }

// ImportOptions from the JSON options of a request; unknown keys are errors.
Result<ImportOptions> OptionsFromJson(const json& j) {
  if (!j.is_object()) return Status::InvalidArgument("options: must be a JSON object", "options");
  ImportOptions o;
  o.object.clear();
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& k = it.key();
    const json& v = it.value();
    auto str = [&](std::string* out) -> Status {
      if (v.is_null()) return Status::Ok();
      if (!v.is_string()) return Status::InvalidArgument(k + ": must be a string", k);
      *out = v.get<std::string>();
      return Status::Ok();
    };
    if (k == "object") RP_RETURN_IF_ERROR(str(&o.object));
    else if (k == "source_ref_column") RP_RETURN_IF_ERROR(str(&o.source_ref_column));
    else if (k == "upsert_key") RP_RETURN_IF_ERROR(str(&o.upsert_key));
    else if (k == "region") RP_RETURN_IF_ERROR(str(&o.region));
    else if (k == "format") RP_RETURN_IF_ERROR(str(&o.format));
    else if (k == "file_name") RP_RETURN_IF_ERROR(str(&o.file_name));
    else if (k == "dry_run" || k == "again") {
      if (!v.is_boolean()) return Status::InvalidArgument(k + ": must be true or false", k);
      (k == "dry_run" ? o.dry_run : o.again) = v.get<bool>();
    } else if (k == "batch_rows") {
      if (!v.is_number_integer()) return Status::InvalidArgument("batch_rows: must be an integer", k);
      o.batch_rows = static_cast<int>(v.get<int64_t>());
    } else if (k == "mapping" || k == "map") {
      if (!v.is_object()) return Status::InvalidArgument(k + ": must be an object {\"column\": \"field\"}", k);
      for (auto m = v.begin(); m != v.end(); ++m) {
        if (m.value().is_null()) o.mapping[m.key()] = "";
        else if (m.value().is_string()) o.mapping[m.key()] = m.value().get<std::string>();
        else return Status::InvalidArgument(k + ": '" + m.key() + "' must map to a field name or null", k);
      }
    } else {
      return Status::InvalidArgument("options: unknown option '" + k +
                                         "' (object, mapping, source_ref_column, upsert_key, dry_run, region, "
                                         "format, file_name, again, batch_rows)",
                                     k);
    }
  }
  if (o.object.empty()) return Status::InvalidArgument("object: is required (contacts, leads or accounts)", "object");
  for (auto& ch : o.region) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return o;
}

// Options given in the query string of a raw upload: each option by name
// (mapping as JSON), or all of them as JSON in `options`.
Result<json> OptionsFromQuery(const std::vector<std::pair<std::string, std::string>>& query) {
  json j = json::object();
  for (const auto& [k, v] : query) {
    if (k == "options") {
      json o = json::parse(v, nullptr, false);
      if (!o.is_object()) return Status::InvalidArgument("options: malformed JSON", "options");
      for (auto it = o.begin(); it != o.end(); ++it) j[it.key()] = it.value();
    } else if (k == "dry_run" || k == "again") {
      j[k] = TruthyText(v);
    } else if (k == "batch_rows") {
      j[k] = std::atoll(v.c_str());
    } else if (k == "mapping" || k == "map") {
      json m = json::parse(v, nullptr, false);
      if (!m.is_object()) return Status::InvalidArgument(k + ": malformed JSON", k);
      j["mapping"] = m;
    } else {
      j[k] = v;
    }
  }
  return j;
}

// Runs an import in a thread with its own connection.
void StartImportThread(ImportJobs* jobs, Store* store, const TenantScope& scope, std::shared_ptr<const Catalog> cat,
                       ImportOptions opts, const std::string& id) {
  {
    std::lock_guard<std::mutex> lock(jobs->mu);
    jobs->running.insert(id);
  }
  std::thread([jobs, store, scope, cat, opts, id]() {
    auto conn = store->Connect();
    if (!conn.ok()) {
      spdlog::error("import {}: no database connection: {}", id, conn.status().ToString());
    } else {
      Conn* c = conn->get();
      if (c->backend() == Backend::kSqlite) {
        // A bulk writer, like `rapport import`: a 64 MiB page cache for the
        // indexes and a WAL checkpointed every 64 MiB (docs/decisions/019).
        Status st = c->ExecScript("PRAGMA cache_size=-65536; PRAGMA wal_autocheckpoint=16384");
        if (!st.ok()) spdlog::warn("import {}: {}", id, st.ToString());
      }
      auto r = Importer::Run(c, scope, *cat, opts, nullptr, &jobs->stop, id);
      if (!r.ok() && r.status().code() == Status::Code::kConflict) {
        // Another process holds it (or it finished meanwhile): not a failure of the import.
        spdlog::info("import {}: not run here: {}", id, r.status().message());
      } else if (!r.ok()) {
        spdlog::warn("import {}: {}", id, r.status().ToString());
        auto u = c->Exec("UPDATE imports SET status = 'failed', error = ?, lease_owner = NULL WHERE org_id = ? AND "
                         "id = ? AND status IN ('queued', 'dry_run_queued', 'running')",
                         {Value{r.status().message()}, Value{scope.org_id()}, Value{id}});
        (void)u;
      } else if (r->status == "done" || r->status == "dry_run") {
        std::error_code ec;
        std::filesystem::remove(opts.file, ec);  // kept only while the import may resume
      }
    }
    std::lock_guard<std::mutex> lock(jobs->mu);
    jobs->running.erase(id);
    jobs->cv.notify_all();
  }).detach();
}

}  // namespace

Result<bool> Api::ResumeImport(Conn* c, const Principal& p, std::shared_ptr<const Catalog> cat, const std::string& id) {
  RP_ASSIGN_OR_RETURN(ImportSummary s, Importer::Get(c, p.scope, id, 0));
  if (s.status == "done" || s.status == "undone" || s.status == "dry_run")
    return Status::Conflict("import " + id + " is " + s.status + "; nothing to resume");
  {
    std::lock_guard<std::mutex> lock(import_jobs_->mu);
    if (import_jobs_->running.count(id)) return false;
  }
  json stored = s.options.is_object() ? s.options : json::object();
  RP_ASSIGN_OR_RETURN(ImportOptions o, OptionsFromJson([&] {
                        json j = stored;
                        for (const char* k : {"path", "region", "server_upload"}) j.erase(k);
                        return j;
                      }()));
  std::string path = stored.value("path", "");
  if (path.empty() || !std::filesystem::exists(path))
    return Status::Unprocessable("the uploaded file of import " + id + " is gone; upload it again");
  o.file = path;
  o.region = stored.value("region", "");
  o.server_upload = stored.value("server_upload", false);
  StartImportThread(import_jobs_.get(), pool_->store(), p.scope, std::move(cat), o, id);
  return true;
}

Result<std::string> Api::ResumeInterruptedImports(Conn* c, const std::string& org_id) {
  RP_ASSIGN_OR_RETURN(std::vector<Importer::Resumable> list, Importer::ResumableUploads(c, org_id));
  int started = 0, failed = 0;
  for (const auto& r : list) {
    Status why;
    auto p = Auth::LoadPrincipal(c, r.org_id, r.user_id);
    if (!p.ok()) {
      why = Status::Unprocessable("cannot resume it as the user who started it (" + p.status().message() +
                                  "); resume it as another user");
    } else {
      auto cat = CatalogFor(c, *p);
      auto go = cat.ok() ? ResumeImport(c, *p, *cat, r.id) : Result<bool>(cat.status());
      if (go.ok()) {
        if (*go) spdlog::info("imports: resuming {} by itself (it was stopped or its server died)", r.id);
        started += *go ? 1 : 0;
        continue;
      }
      why = go.status();
      // Its file may be on another host of this PostgreSQL database: leave it to that host.
      if (why.code() == Status::Code::kUnprocessable && pool_->store()->backend() == Backend::kPostgres) continue;
    }
    if (why.code() == Status::Code::kConflict) continue;  // done meanwhile, or taken by another process
    spdlog::warn("imports: cannot resume {}: {}", r.id, why.message());
    RP_ASSIGN_OR_RETURN(int64_t n,
                        c->Exec("UPDATE imports SET status = 'failed', error = ? WHERE org_id = ? AND id = ? AND "
                                "status IN ('queued', 'dry_run_queued', 'running', 'interrupted')",
                                {Value{why.message()}, Value{r.org_id}, Value{r.id}}));
    failed += static_cast<int>(n);
  }
  return std::to_string(started) + " resumed, " + std::to_string(failed) + " could not be";
}

// --- the web app's import wizard (issue 4, docs/decisions/021-import-wizard.md)
//
//   POST   /api/v1/imports/uploads        a file (raw body or multipart `file`
//                                         part; `object` required) -> 201 +
//                                         columns, samples, suggested mapping
//   POST   /api/v1/imports                JSON {"upload_id", options...}: a dry
//                                         run or the import of a stored upload
//   GET    /api/v1/imports/mappings       saved mappings (?object=)
//   DELETE /api/v1/imports/mappings/{id}  forget one (admins, or who saved it)
namespace {

struct WizardContext {
  const Principal& p;
  Conn* c;
  std::shared_ptr<const Catalog> cat;
  ImportJobs* jobs;
  Store* store;
  std::string dir;  // the upload directory
};

bool IsWizardRoute(const std::vector<std::string>& seg, const HttpRequest& req) {
  if (seg.size() >= 2 && (seg[1] == "uploads" || seg[1] == "mappings")) return true;
  const std::string& type = req.Header("content-type");
  return seg.size() == 1 && req.method == "POST" && type.rfind("application/json", 0) == 0;
}

// The request's JSON body (spooled to a file on upload routes), at most 1 MiB.
Result<json> WizardJsonBody(const HttpRequest& req) {
  std::string text = req.body;
  if (!req.body_file.empty()) {
    std::error_code ec;
    auto size = std::filesystem::file_size(req.body_file, ec);
    if (ec) return Status::InvalidArgument("the request body cannot be read");
    if (size > (1u << 20)) return Status::TooLarge("a JSON body may have at most 1 MiB; send files as uploads");
    std::ifstream f(req.body_file, std::ios::binary);
    text.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
  }
  return ParseJsonBody(text);
}

HttpResponse WizardUpload(const WizardContext& w, HttpRequest& req) {
  std::error_code ec;
  std::filesystem::create_directories(w.dir, ec);
  if (ec) return Api::Error(Status::Unavailable("cannot create the upload directory " + w.dir + ": " + ec.message()));
  auto pruned = ImportWizard::PruneExpiredUploads(w.c, w.p.scope.org_id());  // stale uploads go as new ones come
  if (!pruned.ok()) spdlog::warn("imports: cannot prune expired uploads: {}", pruned.status().ToString());
  const std::string upload_id = NewId();
  const std::string dest = w.dir + "/" + upload_id + ".upload";
  FileGuard stored{dest};
  FileGuard body_copy;
  std::string body_path = req.body_file;
  if (body_path.empty()) {  // not spooled: the body is in memory
    body_path = dest + ".body";
    body_copy.path = body_path;
    std::ofstream f(body_path, std::ios::binary);
    f.write(req.body.data(), static_cast<std::streamsize>(req.body.size()));
  }
  std::map<std::string, std::string> opts;  // object, file_name, format
  for (const auto& [k, v] : req.query) opts[k] = v;
  std::string boundary = MultipartBoundary(req.Header("content-type"));
  if (!boundary.empty()) {
    auto mp = ExtractMultipart(body_path, boundary, dest);
    if (!mp.ok()) return Api::Error(mp.status());
    if (!mp->has_file)
      return Api::Error(Status::InvalidArgument("the multipart body has no file part (name it \"file\")", "file"));
    if (!mp->file_name.empty() && !opts.count("file_name")) opts["file_name"] = mp->file_name;
    for (const auto& [k, v] : mp->fields) opts[k] = v;
  } else {
    Status mv = MoveFile(body_path, dest);
    if (!mv.ok()) return Api::Error(mv);
  }
  for (const auto& [k, v] : opts) {
    if (k != "object" && k != "file_name" && k != "format")
      return Api::Error(Status::InvalidArgument("unknown option '" + k + "' (object, file_name, format)", k));
  }
  if (opts["object"].empty())
    return Api::Error(Status::InvalidArgument("object: is required (contacts, leads or accounts)", "object"));
  auto preview = ImportWizard::CreateUpload(w.c, w.p.scope, *w.cat, upload_id, opts["object"], dest,
                                            opts["file_name"], opts["format"]);
  if (!preview.ok()) return Api::Error(preview.status());
  stored.path.clear();  // kept for the dry runs and the import (24 h)
  spdlog::info("imports: {} uploaded {} ({} bytes) as {}", w.p.email, (*preview)["file_name"].get<std::string>(),
               (*preview)["size"].get<int64_t>(), upload_id);
  return JsonResponse(201, *preview);
}

HttpResponse ImportFromUpload(const WizardContext& w, HttpRequest& req) {
  auto body = WizardJsonBody(req);
  if (!body.ok()) return Api::Error(body.status());
  if (!body->contains("upload_id") || !(*body)["upload_id"].is_string())
    return Api::Error(Status::InvalidArgument(
        "upload_id: is required with a JSON body (POST /api/v1/imports/uploads first), or send the file itself",
        "upload_id"));
  const std::string upload_id = (*body)["upload_id"].get<std::string>();
  json options = *body;
  options.erase("upload_id");
  for (const char* k : {"file_name", "format"}) {
    if (options.contains(k)) return Api::Error(Status::InvalidArgument(std::string(k) + ": comes from the upload", k));
  }
  auto up = ImportWizard::FindUpload(w.c, w.p.scope, upload_id);
  if (!up.ok()) return Api::Error(up.status());
  if (!options.contains("object") || options["object"].is_null()) options["object"] = up->object;
  auto o = OptionsFromJson(options);
  if (!o.ok()) return Api::Error(o.status());
  o->file_name = up->file_name;
  o->format = up->format;
  o->server_upload = true;
  Result<std::string> id = Status::Internal("not started");
  if (o->dry_run) {
    // The dry run reads a link to the upload's file (its thread removes the
    // link when done); the upload stays for more checks and the import.
    std::string link = w.dir + "/" + NewId() + ".dry-run";
    std::error_code ec;
    std::filesystem::create_hard_link(up->path, link, ec);
    if (ec) {
      ec.clear();
      std::filesystem::copy_file(up->path, link, ec);
      if (ec) return Api::Error(Status::Unavailable("cannot prepare the dry run: " + ec.message()));
    }
    FileGuard guard{link};
    o->file = link;
    id = Importer::Queue(w.c, w.p.scope, *w.cat, *o);
    if (!id.ok()) return Api::Error(id.status());
    guard.path.clear();
  } else {
    // The import takes the upload over: its file is kept until the import is
    // done (resumable meanwhile), and the upload cannot be imported twice.
    Status claim = ImportWizard::ClaimUpload(w.c, w.p.scope, upload_id);
    if (!claim.ok()) return Api::Error(claim);
    o->file = up->path;
    id = Importer::Queue(w.c, w.p.scope, *w.cat, *o);
    if (!id.ok()) {
      Status back = ImportWizard::RestoreUpload(w.c, w.p.scope, *up);
      if (!back.ok()) spdlog::warn("imports: cannot keep upload {}: {}", upload_id, back.ToString());
      return Api::Error(id.status());
    }
    Status saved = ImportWizard::SaveMapping(w.c, w.p.scope, o->object, up->headers, o->mapping);
    if (!saved.ok()) spdlog::warn("imports: cannot save the mapping of {}: {}", *id, saved.ToString());
  }
  StartImportThread(w.jobs, w.store, w.p.scope, w.cat, *o, *id);
  spdlog::info("imports: {} started {} from upload {} ({} into {}{})", w.p.email, *id, upload_id, o->file_name,
               o->object, o->dry_run ? ", dry run" : "");
  HttpResponse r = JsonResponse(202, {{"id", *id}, {"status", "queued"}, {"object", o->object},
                                      {"file_name", o->file_name}, {"dry_run", o->dry_run}, {"upload_id", upload_id}});
  r.headers.emplace_back("Location", "/api/v1/imports/" + *id);
  return r;
}

HttpResponse ImportWizardRoute(const WizardContext& w, const std::vector<std::string>& seg, HttpRequest& req) {
  const std::string& m = req.method;
  if (seg.size() == 2 && seg[1] == "uploads" && m == "POST") return WizardUpload(w, req);
  if (seg.size() == 1 && m == "POST") return ImportFromUpload(w, req);
  if (seg.size() == 2 && seg[1] == "mappings" && m == "GET") {
    std::string object;
    for (const auto& [k, v] : req.query) {
      if (k == "object") object = v;
    }
    auto l = ImportWizard::ListMappings(w.c, w.p.scope, object);
    if (!l.ok()) return Api::Error(l.status());
    return JsonResponse(200, {{"data", *l}});
  }
  if (seg.size() == 3 && seg[1] == "mappings" && m == "DELETE") {
    Status st = ImportWizard::DeleteMapping(w.c, w.p.scope, seg[2]);
    if (!st.ok()) return Api::Error(st);
    spdlog::info("imports: {} deleted saved mapping {}", w.p.email, seg[2]);
    HttpResponse r;
    r.status = 204;
    return r;
  }
  return Api::Error(Status::NotFound("no route for " + m + " " + req.path));
}

}  // namespace

HttpResponse Api::Imports(const Principal& p, Conn* c, const std::vector<std::string>& seg, HttpRequest& req) {
  FileGuard upload{req.body_file};
  const std::string& m = req.method;
  if (IsWizardRoute(seg, req)) {  // the web app's import wizard (docs/decisions/021)
    auto wcat = CatalogFor(c, p);
    if (!wcat.ok()) return Error(wcat.status());
    return ImportWizardRoute(WizardContext{p, c, *wcat, import_jobs_.get(), pool_->store(), UploadDir(opts_, pool_->store())},
                             seg, req);
  }
  if (seg.size() == 1 && m == "GET") {
    auto l = Importer::List(c, p.scope, 100);
    if (!l.ok()) return Error(l.status());
    json data = json::array();
    for (const auto& s : *l) {
      json j = s.ToJson();
      j.erase("errors");
      data.push_back(std::move(j));
    }
    return JsonResponse(200, {{"data", data}});
  }
  if (seg.size() == 2 && m == "GET") {
    size_t max_errors = Importer::kMaxReportedErrors;
    auto s = Importer::Get(c, p.scope, seg[1], max_errors);
    if (!s.ok()) return Error(s.status());
    json j = s->ToJson();
    {
      std::lock_guard<std::mutex> lock(import_jobs_->mu);
      j["active"] = import_jobs_->running.count(seg[1]) > 0;
    }
    return JsonResponse(200, j);
  }
  auto cat = CatalogFor(c, p);
  if (!cat.ok()) return Error(cat.status());
  if (seg.size() == 3 && m == "POST" && seg[2] == "undo") {
    {
      std::lock_guard<std::mutex> lock(import_jobs_->mu);
      if (import_jobs_->running.count(seg[1]))
        return Error(Status::Conflict("import " + seg[1] + " is still running; undo it when it has finished"));
    }
    auto u = Importer::Undo(c, p.scope, **cat, seg[1]);
    if (!u.ok()) return Error(u.status());
    spdlog::info("imports: {} undid {}", p.email, seg[1]);
    json j = u->ToJson();
    j["id"] = seg[1];
    j["status"] = "undone";
    return JsonResponse(200, j);
  }
  if (seg.size() == 3 && m == "POST" && seg[2] == "resume") {
    auto started = ResumeImport(c, p, *cat, seg[1]);
    if (!started.ok()) return Error(started.status());
    HttpResponse r = JsonResponse(202, {{"id", seg[1]}, {"status", "running"}});
    r.headers.emplace_back("Location", "/api/v1/imports/" + seg[1]);
    return r;
  }
  if (seg.size() != 1 || m != "POST") return Error(Status::NotFound("no route for " + m + " " + req.path));

  // --- a new import: the file, then its options
  std::string dir = UploadDir(opts_, pool_->store());
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Error(Status::Unavailable("cannot create the upload directory " + dir + ": " + ec.message()));
  std::string dest = dir + "/" + NewId() + ".upload";
  FileGuard stored{dest};
  std::string body_path = req.body_file;
  if (body_path.empty()) {  // the route is not spooled: the body is in memory
    if (req.body.empty())
      return Error(Status::InvalidArgument(
          "send the file as the request body, or as the `file` part of a multipart/form-data body"));
    body_path = dest + ".body";
    std::ofstream f(body_path, std::ios::binary);
    f.write(req.body.data(), static_cast<std::streamsize>(req.body.size()));
    upload.path = body_path;
  }
  json options;
  std::string part_name;
  std::string boundary = MultipartBoundary(req.Header("content-type"));
  if (!boundary.empty()) {
    auto mp = ExtractMultipart(body_path, boundary, dest);
    if (!mp.ok()) return Error(mp.status());
    if (!mp->has_file) return Error(Status::InvalidArgument("the multipart body has no file part (name it \"file\")", "file"));
    if (mp->file_bytes == 0) return Error(Status::InvalidArgument("the uploaded file is empty", "file"));
    part_name = mp->file_name;
    options = json::object();
    for (const auto& [k, v] : mp->fields) {
      if (k == "options") {
        auto j = ParseJsonBody(v);
        if (!j.ok()) return Error(Status::InvalidArgument("options: " + j.status().message(), "options"));
        for (auto it = j->begin(); it != j->end(); ++it) options[it.key()] = it.value();
      } else if (k == "dry_run" || k == "again") {
        options[k] = TruthyText(v);
      } else if (k == "mapping" || k == "map") {
        json mj = json::parse(v, nullptr, false);
        if (!mj.is_object()) return Error(Status::InvalidArgument(k + ": malformed JSON", k));
        options["mapping"] = mj;
      } else {
        options[k] = v;
      }
    }
    auto q = OptionsFromQuery(req.query);  // the query string may add options too
    if (!q.ok()) return Error(q.status());
    for (auto it = q->begin(); it != q->end(); ++it) options[it.key()] = it.value();
  } else {
    std::error_code sz;
    if (std::filesystem::file_size(body_path, sz) == 0 || sz)
      return Error(Status::InvalidArgument("the request body is empty; send the file"));
    Status mv = MoveFile(body_path, dest);
    if (!mv.ok()) return Error(mv);
    upload.path.clear();
    auto q = OptionsFromQuery(req.query);
    if (!q.ok()) return Error(q.status());
    options = *q;
  }
  auto o = OptionsFromJson(options);
  if (!o.ok()) return Error(o.status());
  o->file = dest;
  o->server_upload = true;
  if (o->file_name.empty()) o->file_name = part_name.empty() ? "upload" : part_name;
  auto id = Importer::Queue(c, p.scope, **cat, *o);
  if (!id.ok()) return Error(id.status());
  if (!o->dry_run && !o->mapping.empty()) {  // saved for the wizard's next file with these columns
    Status saved = ImportWizard::SaveMappingForFile(c, p.scope, o->object, o->file, o->format, o->mapping);
    if (!saved.ok()) spdlog::warn("imports: cannot save the mapping of {}: {}", *id, saved.ToString());
  }
  stored.path.clear();  // kept until the import is done
  StartImportThread(import_jobs_.get(), pool_->store(), p.scope, *cat, *o, *id);
  spdlog::info("imports: {} started {} ({} into {}{})", p.email, *id, o->file_name, o->object,
               o->dry_run ? ", dry run" : "");
  HttpResponse r = JsonResponse(202, {{"id", *id}, {"status", "queued"}, {"object", o->object}, {"file_name", o->file_name},
                              {"dry_run", o->dry_run}});
  r.headers.emplace_back("Location", "/api/v1/imports/" + *id);
  return r;
}

HttpResponse Api::ExportVCard(const Principal& p, std::shared_ptr<const Catalog> cat) {
  HttpResponse res;
  res.content_type = "text/vcard; charset=utf-8";
  res.headers.emplace_back("Content-Disposition", "attachment; filename=\"contacts.vcf\"");
  res.headers.emplace_back("Cache-Control", "no-store");
  struct State {
    std::string cursor;
    bool done = false;
  };
  auto state = std::make_shared<State>();
  ConnPool* pool = pool_;
  TenantScope scope = p.scope;
  res.stream = [state, pool, scope, cat](std::string* out) -> bool {
    if (state->done) return false;
    auto conn = pool->Get();
    if (!conn.ok()) throw std::runtime_error(conn.status().ToString());
    auto more = ExportContactsVCardPage(*conn, scope, *cat, &state->cursor, out);
    if (!more.ok()) throw std::runtime_error(more.status().ToString());
    state->done = !*more;
    return *more;
  };
  return res;
}

}  // namespace rapport
