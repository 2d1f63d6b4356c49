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
// The server spools upload bodies to a file (ServerOptions::upload_paths), so
// a file of any size costs constant memory here too.
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

#include "app/import.h"
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
      auto r = Importer::Run(c, scope, *cat, opts, nullptr, &jobs->stop, id);
      if (!r.ok()) {
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

HttpResponse Api::Imports(const Principal& p, Conn* c, const std::vector<std::string>& seg, HttpRequest& req) {
  FileGuard upload{req.body_file};
  const std::string& m = req.method;
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
    auto s = Importer::Get(c, p.scope, seg[1], 0);
    if (!s.ok()) return Error(s.status());
    if (s->status == "done" || s->status == "undone" || s->status == "dry_run")
      return Error(Status::Conflict("import " + seg[1] + " is " + s->status + "; nothing to resume"));
    {
      std::lock_guard<std::mutex> lock(import_jobs_->mu);
      if (import_jobs_->running.count(seg[1])) return JsonResponse(202, {{"id", seg[1]}, {"status", "running"}});
    }
    auto o = OptionsFromJson([&] {
      json j = s->options.is_object() ? s->options : json::object();
      for (const char* k : {"path", "region"}) j.erase(k);
      return j;
    }());
    if (!o.ok()) return Error(o.status());
    std::string path = s->options.value("path", "");
    if (path.empty() || !std::filesystem::exists(path))
      return Error(Status::Unprocessable("the uploaded file of import " + seg[1] + " is gone; upload it again"));
    o->file = path;
    o->region = s->options.value("region", "");
    StartImportThread(import_jobs_.get(), pool_->store(), p.scope, *cat, *o, seg[1]);
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
  if (o->file_name.empty()) o->file_name = part_name.empty() ? "upload" : part_name;
  auto id = Importer::Queue(c, p.scope, **cat, *o);
  if (!id.ok()) return Error(id.status());
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
