#include "app/import.h"

#include <signal.h>
#include <cerrno>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <fstream>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

#include "app/lead_pipeline.h"  // issue 4: enrich, score, assign on capture
#include "app/records_service.h"
#include "base/ids.h"
#include "base/log.h"
#include "base/time.h"
#include "domain/normalize.h"
#include "io/row_source.h"
#include "io/vcard.h"
#include "io/xlsx.h"
#include "meta/validate.h"
#include "store/records.h"
#include "store/schema.h"
#include "store/search.h"

namespace rapport {

using nlohmann::json;

namespace {

constexpr int64_t kLeaseMillis = 120 * 1000;  // a live importer renews it every batch

// Header/label comparison key: lower case without spaces, '_', '-', '.'.
std::string Squash(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (c == ' ' || c == '_' || c == '-' || c == '.' || c == '\t') continue;
    out.push_back(static_cast<char>(std::tolower(c)));
  }
  return out;
}

std::string TrimCopy(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

int64_t AsInt(const Value& v) {
  if (auto* i = std::get_if<int64_t>(&v)) return *i;
  if (auto* d = std::get_if<double>(&v)) return static_cast<int64_t>(*d);
  if (auto* s = std::get_if<std::string>(&v)) return std::atoll(s->c_str());
  return 0;
}

std::string HostName() {
  char buf[256] = {0};
  if (gethostname(buf, sizeof buf - 1) != 0) return "localhost";
  return buf;
}

// "host:pid:random": who holds an import's lease.
const std::string& LeaseOwner() {
  static const std::string owner = HostName() + ":" + std::to_string(getpid()) + ":" + RandomToken(6);
  return owner;
}

// True if `owner` is a process on this host that no longer exists.
bool OwnerIsDeadHere(const std::string& owner) {
  size_t a = owner.find(':');
  size_t b = a == std::string::npos ? std::string::npos : owner.find(':', a + 1);
  if (b == std::string::npos || owner.substr(0, a) != HostName()) return false;
  pid_t pid = static_cast<pid_t>(std::atol(owner.substr(a + 1, b - a - 1).c_str()));
  if (pid <= 0) return false;
  if (owner == LeaseOwner()) return false;
  return kill(pid, 0) != 0 && errno == ESRCH;
}

// Size and SHA-256 of the first 64 KiB: how a re-run recognises its file.
Status FileIdentity(const std::string& path, int64_t* size, std::string* hash) {
  std::ifstream f(path, std::ios::binary | std::ios::ate);
  if (!f) return Status::NotFound("cannot open " + path);
  *size = static_cast<int64_t>(f.tellg());
  f.seekg(0);
  std::string head(std::min<int64_t>(*size, 65536), '\0');
  f.read(head.data(), static_cast<std::streamsize>(head.size()));
  *hash = Sha256Hex(head);
  return Status::Ok();
}

Result<const ObjectDef*> ImportableObject(const Catalog& cat, const std::string& name) {
  if (name != "contacts" && name != "leads" && name != "accounts")
    return Status::InvalidArgument("object: imports go into contacts, leads or accounts, not '" + name + "'", "object");
  const ObjectDef* d = cat.Find(name);
  if (!d) return Status::NotFound("unknown object '" + name + "'");
  return d;
}

// How each column of the file is used.
struct ColumnUse {
  const FieldDef* field = nullptr;  // null: not imported
  bool ignored = false;             // the mapping said "" (not reported as unknown)
  std::string why;                  // for unmapped columns
  int64_t values = 0;               // non-empty cells seen in an unmapped column
};

struct Plan {
  std::vector<ColumnUse> cols;
  int key_col = -1;
  const FieldDef* key_field = nullptr;
  bool forced_source = false;  // leads: source=import on every create
};

bool Writable(const FieldDef& f) { return !f.system && !f.read_only; }

Result<Plan> PlanColumns(const ObjectDef& def, const std::vector<std::string>& header, const ImportOptions& o) {
  Plan plan;
  plan.cols.resize(header.size());
  std::map<std::string, std::string> taken;  // field -> column
  for (const auto& [col, field] : o.mapping) {
    if (std::find(header.begin(), header.end(), col) == header.end()) {
      bool trimmed_match = false;
      for (const auto& h : header) trimmed_match = trimmed_match || TrimCopy(h) == col;
      if (!trimmed_match)
        return Status::InvalidArgument("map: the file has no column '" + col + "'", "map");
    }
    if (!field.empty()) {
      const FieldDef* f = def.Find(field);
      if (!f) return Status::InvalidArgument("map: column '" + col + "' maps to unknown field '" + field + "' on " + def.name, "map");
      if (!Writable(*f)) return Status::InvalidArgument("map: field '" + field + "' is read-only", "map");
    }
  }
  if (!o.source_ref_column.empty()) {
    bool found = false;
    for (const auto& h : header) found = found || TrimCopy(h) == o.source_ref_column;
    if (!found)
      return Status::InvalidArgument("source-ref-column: the file has no column '" + o.source_ref_column + "'",
                                     "source_ref_column");
    if (!def.Find("source_ref"))
      return Status::InvalidArgument("source-ref-column: " + def.name + " have no source_ref field", "source_ref_column");
  }
  for (size_t i = 0; i < header.size(); ++i) {
    std::string h = TrimCopy(header[i]);
    ColumnUse& u = plan.cols[i];
    std::string field;
    auto m = o.mapping.find(h);
    if (m == o.mapping.end()) m = o.mapping.find(header[i]);
    if (m != o.mapping.end()) {
      field = m->second;
      if (field.empty()) {
        u.ignored = true;
        u.why = "ignored by the mapping";
        continue;
      }
    } else if (!o.source_ref_column.empty() && h == o.source_ref_column) {
      field = "source_ref";
    } else {
      field = Importer::AutoField(def, h);
    }
    if (field.empty()) {
      u.why = h.empty() ? "the column has no header" : "no field '" + h + "' on " + def.name;
      continue;
    }
    if (field == "source" && def.name == "leads") {
      u.why = "every imported lead gets source=import";
      plan.forced_source = true;
      continue;
    }
    auto t = taken.find(field);
    if (t != taken.end())
      return Status::InvalidArgument("map: columns '" + t->second + "' and '" + h + "' both map to field '" + field +
                                         "'; ignore one of them (map it to \"\")",
                                     "map");
    taken[field] = h;
    u.field = def.Find(field);
  }
  if (def.name == "leads") plan.forced_source = true;
  if (taken.empty()) {
    std::string cols;
    for (const auto& h : header) cols += (cols.empty() ? "" : ", ") + TrimCopy(h);
    return Status::InvalidArgument("no column of the file matches a field of " + def.name + " (columns: " + cols +
                                   "); name the columns after fields or map them with --map");
  }
  for (const auto& f : def.fields) {
    if (f.required && !f.system && f.default_text.empty() && !taken.count(f.name))
      return Status::InvalidArgument("no column maps to " + f.name + ", which every " + def.label +
                                         " needs; map one with --map",
                                     f.name);
  }
  if (!o.upsert_key.empty()) {
    const FieldDef* kf = def.Find(o.upsert_key);
    if (!kf) return Status::InvalidArgument("upsert-key: unknown field '" + o.upsert_key + "' on " + def.name, "upsert_key");
    if (!taken.count(o.upsert_key))
      return Status::InvalidArgument("upsert-key: no column maps to field '" + o.upsert_key + "'", "upsert_key");
    plan.key_field = kf;
    for (size_t i = 0; i < plan.cols.size(); ++i) {
      if (plan.cols[i].field == kf) plan.key_col = static_cast<int>(i);
    }
  }
  return plan;
}

// The options that must match for a re-run to resume an import.
json OptionsJson(const ImportOptions& o) {
  json m = json::object();
  for (const auto& [k, v] : o.mapping) m[k] = v;
  json j{{"object", o.object},           {"format", o.format},     {"mapping", m},
              {"source_ref_column", o.source_ref_column}, {"upsert_key", o.upsert_key}, {"region", o.region},
              {"batch_rows", o.batch_rows},   {"file_name", o.file_name}, {"path", o.file},
              {"dry_run", o.dry_run},         {"again", o.again}};
  if (o.server_upload) j["server_upload"] = true;
  return j;
}

bool SameResumeOptions(const json& a, const json& b) {
  for (const char* k : {"object", "mapping", "source_ref_column", "upsert_key", "format"}) {
    if (a.value(k, json()) != b.value(k, json())) return false;
  }
  return true;
}

struct PendingRow {
  int64_t line = 0;
  json body;
  // The body decoded for a create on the reader thread (validation and
  // normalisation are the CPU-heavy part of a row), or why it cannot be
  // created (an upsert may still update an existing record with it).
  std::optional<FieldValues> values;
  Status decode_error;
  Value key;
  std::string error, error_field;  // set: the row fails with this
  int64_t resume = 0, resume_line = 0;
};

bool RowLevelError(const Status& st) {
  switch (st.code()) {
    case Status::Code::kInvalidArgument:
    case Status::Code::kUnprocessable:
    case Status::Code::kNotFound:
    case Status::Code::kPermissionDenied:
    case Status::Code::kPreconditionFailed:
      return true;
    default:
      return false;
  }
}

// Writes imports.report: what the summary shows besides counts.
json ReportJson(const ImportSummary& s) {
  json mapped = json::array(), unmapped = json::array();
  for (const auto& [c, f] : s.mapped) mapped.push_back({{"column", c}, {"field", f}});
  for (const auto& [c, w] : s.unmapped) unmapped.push_back({{"column", c}, {"reason", w}});
  return json{{"notes", s.notes}, {"mapping", mapped}, {"unmapped", unmapped},
              {"resumed_from_line", s.resumed_from_line}};
}

}  // namespace

std::string Importer::AutoField(const ObjectDef& def, const std::string& header) {
  std::string key = Squash(header);
  if (key.empty()) return {};
  for (const auto& f : def.fields) {
    if (!Writable(f)) continue;
    if (Squash(f.name) == key || Squash(f.label) == key) return f.name;
  }
  return {};
}

json ImportSummary::ToJson() const {
  json errs = json::array();
  for (const auto& e : errors) {
    json j = {{"line", e.line}, {"message", e.message}};
    j["field"] = e.field.empty() ? json(nullptr) : json(e.field);
    errs.push_back(std::move(j));
  }
  json mapped_j = json::array(), unmapped_j = json::array();
  for (const auto& [c, f] : mapped) mapped_j.push_back({{"column", c}, {"field", f}});
  for (const auto& [c, w] : unmapped) unmapped_j.push_back({{"column", c}, {"reason", w}});
  json j = {{"id", import_id.empty() ? json(nullptr) : json(import_id)},
            {"object", object},
            {"file_name", file_name},
            {"format", format},
            {"status", status},
            {"rows_read", counts.rows_read},
            {"created", counts.created},
            {"updated", counts.updated},
            {"unchanged", counts.unchanged},
            {"failed", counts.failed},
            {"mapping", mapped_j},
            {"unmapped_columns", unmapped_j},
            {"notes", notes},
            {"errors", errs},
            {"seconds", seconds}};
  if (bytes_total > 0) {
    j["progress"] = {{"bytes_done", bytes_done},
                     {"bytes_total", bytes_total},
                     {"percent", static_cast<int>(100.0 * static_cast<double>(std::min(bytes_done, bytes_total)) /
                                                  static_cast<double>(bytes_total))}};
  }
  if (!created_at.empty()) j["created_at"] = created_at;
  if (!finished_at.empty()) j["finished_at"] = finished_at;
  j["error"] = error.empty() ? json(nullptr) : json(error);
  if (resumed_from_line > 0) j["resumed_from_line"] = resumed_from_line;
  return j;
}

json Importer::UndoResult::ToJson() const {
  return {{"deleted", deleted}, {"reverted", reverted}, {"conflicts", conflicts}, {"already_undone", already}};
}

std::string OrgDefaultRegion(Conn* c, const std::string& org_id) {
  struct Entry {
    std::string region;
    int64_t until;
  };
  static std::mutex mu;
  static std::unordered_map<std::string, Entry> cache;
  int64_t now = Clock::Get().NowMillis();
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = cache.find(org_id);
    if (it != cache.end() && it->second.until > now) return it->second.region;
  }
  auto r = c->Query("SELECT default_region FROM organisations WHERE id = ?", {Value{org_id}});
  std::string region;
  if (r.ok() && !r->empty()) region = ValueToString(r->rows[0][0]);
  for (auto& ch : region) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  if (!region.empty() && !IsKnownPhoneRegion(region)) region.clear();
  std::lock_guard<std::mutex> lock(mu);
  cache[org_id] = Entry{region, now + 30000};
  return region;
}

Result<std::string> Importer::Queue(Conn* c, const TenantScope& scope, const Catalog& cat, const ImportOptions& o) {
  RP_ASSIGN_OR_RETURN(const ObjectDef* def, ImportableObject(cat, o.object));
  RP_ASSIGN_OR_RETURN(auto src, OpenRowSource(o.file, o.format));
  RP_ASSIGN_OR_RETURN(Plan plan, PlanColumns(*def, src->header(), o));
  (void)plan;
  int64_t size = 0;
  std::string hash;
  RP_RETURN_IF_ERROR(FileIdentity(o.file, &size, &hash));
  if (!o.dry_run && !o.again) {
    // The same file into the same object: done already, or unfinished (resume that one).
    RP_ASSIGN_OR_RETURN(Rows prev, c->Query("SELECT id, status, created_at, created, updated FROM imports WHERE "
                                            "org_id = ? AND file_hash = ? AND file_size = ? AND object = ? AND "
                                            "status IN ('queued', 'running', 'interrupted', 'failed', 'done') ORDER BY id DESC LIMIT 1",
                                            {Value{scope.org_id()}, Value{hash}, Value{size}, Value{def->name}}));
    if (!prev.empty()) {
      std::string pid = ValueToString(prev.rows[0][0]), st = ValueToString(prev.rows[0][1]);
      if (st == "done")
        return Status::Conflict("this file was already imported into " + def->name + " by import " + pid + " (" +
                                ValueToString(prev.rows[0][2]) + ": " + std::to_string(AsInt(prev.rows[0][3])) +
                                " created, " + std::to_string(AsInt(prev.rows[0][4])) +
                                " updated); send again=true to import it again");
      return Status::Conflict("import " + pid + " of this file has not finished (" + st +
                              "); resume it with POST /api/v1/imports/" + pid +
                              "/resume, or send again=true to start a new import");
    }
  }
  std::string id = NewId(), now = NowIso();
  std::string status = o.dry_run ? "dry_run_queued" : "queued";
  auto r = c->Exec(
      "INSERT INTO imports (org_id, id, object, file_name, file_size, file_hash, format, options, status, "
      "created_by, created_at, updated_at, bytes_total) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {Value{scope.org_id()}, Value{id}, Value{o.object}, Value{o.file_name}, Value{size}, Value{hash},
       Value{std::string(FileFormatName(src->format()))}, Value{OptionsJson(o).dump()}, Value{status},
       scope.user_id().empty() ? Value{} : Value{scope.user_id()}, Value{now}, Value{now}, Value{size}});
  if (!r.ok()) return r.status();
  return id;
}

Result<std::vector<Importer::Resumable>> Importer::ResumableUploads(Conn* c, const std::string& org_id) {
  std::string sql =
      "SELECT org_id, id, created_by, options, lease_owner, lease_until FROM imports "
      "WHERE status IN ('queued', 'dry_run_queued', 'running', 'interrupted')";
  std::vector<Value> params;
  if (!org_id.empty()) {
    sql += " AND org_id = ?";
    params.push_back(Value{org_id});
  }
  RP_ASSIGN_OR_RETURN(Rows r, c->Query(sql + " ORDER BY created_at", params));
  std::vector<Resumable> out;
  const std::string now = NowIso();
  for (const auto& row : r.rows) {
    json o = json::parse(ValueToString(row[3]), nullptr, false);
    if (!o.is_object() || !o.value("server_upload", false)) continue;
    std::string owner = ValueToString(row[4]);
    bool leased = !owner.empty() && ValueToString(row[5]) > now && !OwnerIsDeadHere(owner);
    if (leased) continue;
    out.push_back(Resumable{ValueToString(row[0]), ValueToString(row[1]), ValueToString(row[2])});
  }
  return out;
}

Result<ImportSummary> Importer::Run(Conn* c, const TenantScope& scope, const Catalog& cat, const ImportOptions& opts,
                                    const ImportProgressFn& progress, std::atomic<bool>* cancel,
                                    const std::string& given_id) {
  auto t0 = std::chrono::steady_clock::now();
  InstallNormalizers();
  RP_ASSIGN_OR_RETURN(const ObjectDef* def, ImportableObject(cat, opts.object));
  if (opts.batch_rows < 1 || opts.batch_rows > 100000)
    return Status::InvalidArgument("batch: must be 1 to 100000 rows", "batch_rows");
  if (!opts.upsert_key.empty() && !def->Find(opts.upsert_key))
    return Status::InvalidArgument("upsert-key: unknown field '" + opts.upsert_key + "' on " + def->name, "upsert_key");
  RP_ASSIGN_OR_RETURN(auto src, OpenRowSource(opts.file, opts.format));
  RP_ASSIGN_OR_RETURN(Plan plan, PlanColumns(*def, src->header(), opts));

  // An upsert looks its key up once per row: index the key if metadata did not
  // (phone, custom fields), or every row would scan the table.
  if (plan.key_field && !plan.key_field->indexed && !opts.dry_run) {
    Dialect d{c->backend()};
    RP_RETURN_IF_ERROR(c->ExecScript("CREATE INDEX IF NOT EXISTS " + IndexName(*def, *plan.key_field) + " ON " +
                                     def->table + " (org_id, " + plan.key_field->column + d.IndexSuffix() + ", id)"));
  }

  std::string region = OrgDefaultRegion(c, scope.org_id());
  if (region.empty()) region = opts.region.empty() ? "US" : opts.region;
  PhoneRegionScope region_scope(region);

  ImportSummary sum;
  sum.object = def->name;
  sum.file_name = opts.file_name;
  if (sum.file_name.empty()) {
    size_t slash = opts.file.find_last_of('/');
    sum.file_name = slash == std::string::npos ? opts.file : opts.file.substr(slash + 1);
  }
  sum.format = FileFormatName(src->format());
  const auto& header = src->header();
  for (size_t i = 0; i < header.size(); ++i) {
    if (plan.cols[i].field) sum.mapped.emplace_back(TrimCopy(header[i]), plan.cols[i].field->name);
  }
  ImportOptions stored = opts;
  stored.file_name = sum.file_name;
  const json options_json = OptionsJson(stored);

  int64_t file_size = 0;
  std::string file_hash;
  RP_RETURN_IF_ERROR(FileIdentity(opts.file, &file_size, &file_hash));

  // --- find the import to continue, or start one
  ImportCounts counts;
  std::string id = given_id;
  const bool record = !opts.dry_run || !given_id.empty();  // API dry runs keep their report
  if (!opts.dry_run || !given_id.empty()) {
    Rows prev;
    if (!id.empty()) {
      RP_ASSIGN_OR_RETURN(prev, c->Query("SELECT id, status, options, checkpoint_resume, checkpoint_line, rows_read, "
                                         "created, updated, unchanged, failed, lease_owner, lease_until, created_at "
                                         "FROM imports WHERE org_id = ? AND id = ?",
                                         {Value{scope.org_id()}, Value{id}}));
      if (prev.empty()) return Status::NotFound("no import " + id);
    } else {
      RP_ASSIGN_OR_RETURN(prev, c->Query("SELECT id, status, options, checkpoint_resume, checkpoint_line, rows_read, "
                                         "created, updated, unchanged, failed, lease_owner, lease_until, created_at "
                                         "FROM imports WHERE org_id = ? AND file_hash = ? AND file_size = ? AND "
                                         "object = ? AND status IN ('queued', 'running', 'interrupted', 'failed', 'done') "
                                         "ORDER BY id DESC LIMIT 1",
                                         {Value{scope.org_id()}, Value{file_hash}, Value{file_size}, Value{def->name}}));
    }
    bool resume = false;
    if (!prev.empty()) {
      auto& r = prev.rows[0];
      std::string prev_id = ValueToString(r[0]), status = ValueToString(r[1]);
      std::string owner = ValueToString(r[10]), until = ValueToString(r[11]);
      bool live_lease = !owner.empty() && until > NowIso() && !OwnerIsDeadHere(owner) && owner != LeaseOwner();
      if (!given_id.empty()) {
        if (live_lease) return Status::Conflict("import " + prev_id + " is running in another process (" + owner + ")");
        if (status == "done" || status == "undone") return Status::Conflict("import " + prev_id + " is " + status);
        resume = status != "queued" && status != "dry_run_queued";
      } else if (!opts.again) {
        if (status == "done")
          return Status::Conflict("this file was already imported into " + def->name + " by import " + prev_id +
                                  " (" + ValueToString(r[12]) + ": " + std::to_string(AsInt(r[6])) + " created, " +
                                  std::to_string(AsInt(r[7])) + " updated); use --again to import it again");
        if (live_lease)
          return Status::Conflict("import " + prev_id + " of this file is running in another process (" + owner +
                                  "); wait for it to finish");
        json prev_opts = json::parse(ValueToString(r[2]), nullptr, false);
        if (!SameResumeOptions(prev_opts, options_json))
          return Status::Conflict("an interrupted import of this file (" + prev_id +
                                  ") used other options; run it with the same options to resume it, or use --again "
                                  "to start a new import");
        resume = true;
      }
      if (resume || !given_id.empty()) {
        id = prev_id;
        // Take the lease only if it is still what we read (two re-runs at once: one wins).
        RP_ASSIGN_OR_RETURN(int64_t n,
                            c->Exec("UPDATE imports SET status = 'running', lease_owner = ?, lease_until = ?, "
                                    "updated_at = ?, error = NULL WHERE org_id = ? AND id = ? AND "
                                    "(lease_owner IS NULL OR lease_owner = ?)",
                                    {Value{LeaseOwner()}, Value{FormatIsoMillis(Clock::Get().NowMillis() + kLeaseMillis)},
                                     Value{NowIso()}, Value{scope.org_id()}, Value{id},
                                     owner.empty() ? Value{} : Value{owner}}));
        if (n != 1) return Status::Conflict("import " + id + " was taken over by another process");
        if (resume) {
          counts.rows_read = AsInt(r[5]);
          counts.created = AsInt(r[6]);
          counts.updated = AsInt(r[7]);
          counts.unchanged = AsInt(r[8]);
          counts.failed = AsInt(r[9]);
          int64_t at = AsInt(r[3]), line = AsInt(r[4]);
          if (at > 0) {
            RP_RETURN_IF_ERROR(src->ResumeAfter(at, line));
            sum.resumed_from_line = line;
          }
        }
      }
    }
    if (id.empty()) {
      id = NewId();
      std::string now = NowIso();
      RP_ASSIGN_OR_RETURN(
          int64_t n,
          c->Exec("INSERT INTO imports (org_id, id, object, file_name, file_size, file_hash, format, options, status, "
                  "created_by, created_at, updated_at, bytes_total, lease_owner, lease_until) "
                  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'running', ?, ?, ?, ?, ?, ?)",
                  {Value{scope.org_id()}, Value{id}, Value{def->name}, Value{sum.file_name}, Value{file_size},
                   Value{file_hash}, Value{sum.format}, Value{options_json.dump()},
                   scope.user_id().empty() ? Value{} : Value{scope.user_id()}, Value{now}, Value{now},
                   Value{src->size()}, Value{LeaseOwner()},
                   Value{FormatIsoMillis(Clock::Get().NowMillis() + kLeaseMillis)}}));
      (void)n;
    }
  }
  sum.import_id = opts.dry_run && given_id.empty() ? "" : id;
  sum.counts = counts;

  // --- rows, in batches. A reader thread parses the file and prepares each
  // row (mapping, number parsing, phone normalisation: the CPU-heavy part)
  // while this thread writes the previous batch; at most two batches wait
  // between them, so memory stays constant.
  struct Batch {
    std::vector<PendingRow> rows;
    int64_t resume = 0, resume_line = 0, bytes_done = 0;
    bool last = false;
  };
  const int64_t bytes_total = src->size();
  int64_t stored_errors = counts.failed;
  const bool xlsx = src->format() == FileFormat::kXlsx, csv = src->format() == FileFormat::kCsv;

  auto add_error = [&](int64_t line, const std::string& field, const std::string& message) {
    if (sum.errors.size() < kMaxReportedErrors) sum.errors.push_back(RowError{line, field, message});
  };

  // Lead capture (issue 4, app/lead_pipeline.h): enrichment, scoring and
  // assignment with rules, reference data and reps loaded once for the import.
  std::unique_ptr<LeadPipeline> capture;
  if (def->name == "leads") capture = std::make_unique<LeadPipeline>(scope.org_id(), /*bulk=*/true);

  // Writes `batch` (rolled back in a dry run). Row-level failures become
  // errors; anything else fails the batch and ends the import.
  auto write_batch = [&](Batch& b) -> Status {
    std::vector<PendingRow>& batch = b.rows;
    const int64_t resume = b.resume, resume_line = b.resume_line;
    ImportCounts delta;
    std::vector<RowError> errs;
    Status st;
    auto body = [&]() -> Status {
      // Search entries are written together at the end of the batch
      // (store/search.h explains why row by row is slow on SQLite).
      SearchIndex::Batch search_batch(c);
      for (PendingRow& row : batch) {
        ++delta.rows_read;
        if (!row.error.empty()) {
          ++delta.failed;
          errs.push_back(RowError{row.line, row.error_field, row.error});
          continue;
        }
        std::string existing;
        int64_t old_version = 0;
        if (plan.key_field && !IsNull(row.key)) {
          ListQuery q;
          q.filters.push_back(Filter{plan.key_field->name, FilterOp::kEq, {row.key}});
          q.limit = 2;
          RP_ASSIGN_OR_RETURN(Page pg, RecordStore::List(c, scope, *def, q));
          if (pg.records.size() > 1) {
            ++delta.failed;
            errs.push_back(RowError{row.line, plan.key_field->name,
                                    plan.key_field->name + ": several existing " + def->name + " have the value '" +
                                        ValueToString(row.key) + "'; the row is not imported (choose a unique --upsert-key)"});
            continue;
          }
          if (pg.records.size() == 1) {
            existing = ValueToString(pg.records[0].Get(*def, "id"));
            old_version = pg.records[0].version(*def);
          }
        }
        if (existing.empty()) {
          const bool owner_given = row.body.contains("owner_id") && !row.body["owner_id"].is_null();
          auto r = row.values ? RecordService::CreateDecoded(c, scope, cat, *def, std::move(*row.values), owner_given,
                                                             capture.get())
                              : Result<Record>(row.decode_error);
          if (!r.ok()) {
            if (!RowLevelError(r.status())) return r.status();
            ++delta.failed;
            errs.push_back(RowError{row.line, r.status().field(), r.status().message()});
            continue;
          }
          ++delta.created;
          if (record && !opts.dry_run) {
            RP_ASSIGN_OR_RETURN(int64_t n, c->Exec("INSERT INTO import_records (org_id, import_id, line, object, "
                                                   "record_id, action) VALUES (?, ?, ?, ?, ?, 'created')",
                                                   {Value{scope.org_id()}, Value{id}, Value{row.line}, Value{def->name},
                                                    r->Get(*def, "id")}));
            (void)n;
          }
        } else {
          json upd = row.body;
          upd.erase("source");  // an existing record keeps the channel it came from
          std::string before = NewId();
          auto r = RecordService::Update(c, scope, cat, *def, existing, upd, std::nullopt);
          std::string after = NewId();
          if (!r.ok()) {
            if (!RowLevelError(r.status())) return r.status();
            ++delta.failed;
            errs.push_back(RowError{row.line, r.status().field(), r.status().message()});
            continue;
          }
          if (r->version(*def) == old_version) {
            ++delta.unchanged;
            continue;
          }
          ++delta.updated;
          if (record && !opts.dry_run) {
            RP_ASSIGN_OR_RETURN(int64_t n,
                                c->Exec("INSERT INTO import_records (org_id, import_id, line, object, record_id, "
                                        "action, audit_from, audit_to) VALUES (?, ?, ?, ?, ?, 'updated', ?, ?)",
                                        {Value{scope.org_id()}, Value{id}, Value{row.line}, Value{def->name},
                                         Value{existing}, Value{before}, Value{after}}));
            (void)n;
          }
        }
      }
      RP_RETURN_IF_ERROR(search_batch.Flush());
      if (!record || opts.dry_run) return Status::Ok();  // dry runs store their report below
      for (const RowError& e : errs) {
        if (stored_errors + 1 > static_cast<int64_t>(kMaxReportedErrors)) break;
        ++stored_errors;
        RP_ASSIGN_OR_RETURN(int64_t n, c->Exec("INSERT INTO import_errors (org_id, import_id, line, field, message) "
                                               "VALUES (?, ?, ?, ?, ?)",
                                               {Value{scope.org_id()}, Value{id}, Value{e.line},
                                                e.field.empty() ? Value{} : Value{e.field}, Value{e.message}}));
        (void)n;
      }
      // The checkpoint: counts and the resume point, in the batch's transaction.
      RP_ASSIGN_OR_RETURN(
          int64_t n,
          c->Exec("UPDATE imports SET rows_read = ?, created = ?, updated = ?, unchanged = ?, failed = ?, "
                  "checkpoint_resume = ?, checkpoint_line = ?, bytes_done = ?, updated_at = ?, lease_until = ? "
                  "WHERE org_id = ? AND id = ? AND lease_owner = ?",
                  {Value{counts.rows_read + delta.rows_read}, Value{counts.created + delta.created},
                   Value{counts.updated + delta.updated}, Value{counts.unchanged + delta.unchanged},
                   Value{counts.failed + delta.failed}, Value{resume}, Value{resume_line},
                   Value{b.bytes_done}, Value{NowIso()},
                   Value{FormatIsoMillis(Clock::Get().NowMillis() + kLeaseMillis)}, Value{scope.org_id()}, Value{id},
                   Value{LeaseOwner()}}));
      if (n != 1) return Status::Conflict("import " + id + " was taken over by another process; stopping");
      return Status::Ok();
    };
    if (opts.dry_run) {
      // Everything an import would do, then rolled back: references, object
      // rules and upsert matches are checked for real.
      RP_RETURN_IF_ERROR(c->Begin(TxMode::kWrite));
      st = body();
      if (st.ok() && record) {
        // Keep only the report rows of an API dry run: commit them alone.
        c->Rollback();
        st = InTransaction(c, TxMode::kWrite, [&]() -> Status {
          for (const RowError& e : errs) {
            if (stored_errors + 1 > static_cast<int64_t>(kMaxReportedErrors)) break;
            ++stored_errors;
            auto r = c->Exec("INSERT INTO import_errors (org_id, import_id, line, field, message) VALUES (?, ?, ?, ?, ?)",
                             {Value{scope.org_id()}, Value{id}, Value{e.line}, e.field.empty() ? Value{} : Value{e.field},
                              Value{e.message}});
            if (!r.ok()) return r.status();
          }
          auto r = c->Exec("UPDATE imports SET rows_read = ?, created = ?, updated = ?, unchanged = ?, failed = ?, "
                           "bytes_done = ?, updated_at = ? WHERE org_id = ? AND id = ?",
                           {Value{counts.rows_read + delta.rows_read}, Value{counts.created + delta.created},
                            Value{counts.updated + delta.updated}, Value{counts.unchanged + delta.unchanged},
                            Value{counts.failed + delta.failed}, Value{b.bytes_done},
                            Value{NowIso()}, Value{scope.org_id()}, Value{id}});
          return r.ok() ? Status::Ok() : r.status();
        });
      } else {
        c->Rollback();
      }
    } else {
      st = InTransaction(c, TxMode::kWrite, body);
    }
    if (!st.ok()) return st;
    counts.rows_read += delta.rows_read;
    counts.created += delta.created;
    counts.updated += delta.updated;
    counts.unchanged += delta.unchanged;
    counts.failed += delta.failed;
    for (auto& e : errs) add_error(e.line, e.field, e.message);
    batch.clear();
    if (progress) progress(ImportProgress{b.bytes_done, bytes_total, counts});
    return Status::Ok();
  };

  // One row of the file as the body of a create (or the row's error).
  auto make_row = [&](const SourceRow& row, const Status& row_err) -> PendingRow {
    PendingRow p;
    p.line = row.line;
    p.resume = row.resume;
    p.resume_line = row.resume_line;
    if (!row_err.ok()) {
      std::string m = row_err.message();
      std::string prefix = "line " + std::to_string(row.line) + ": ";
      if (m.rfind(prefix, 0) == 0) m = m.substr(prefix.size());
      p.error = m;
    } else {
      size_t n = row.cells.size();
      bool extra = false;
      for (size_t i = header.size(); i < n; ++i) extra = extra || !TrimCopy(row.cells[i]).empty();
      if (extra || (csv && n < header.size())) {
        p.error = "the row has " + std::to_string(n) + " fields but the header has " + std::to_string(header.size()) +
                  (n < header.size() ? " (a line break inside an unquoted field?)" : "");
      }
    }
    if (p.error.empty()) {
      json body = json::object();
      for (size_t i = 0; i < header.size() && p.error.empty(); ++i) {
        const std::string cell = i < row.cells.size() ? row.cells[i] : std::string();
        ColumnUse& u = plan.cols[i];
        bool empty = TrimCopy(cell).empty();
        if (!u.field) {
          if (!empty && !u.ignored) ++u.values;
          continue;
        }
        if (empty) continue;
        const FieldDef& f = *u.field;
        if (xlsx && (f.kind == FieldKind::kDate || f.kind == FieldKind::kDateTime)) {
          std::string d;
          if (ExcelSerialToDate(TrimCopy(cell), &d)) {
            body[f.name] = f.kind == FieldKind::kDate ? d : d + "T00:00:00Z";
            continue;
          }
        }
        switch (f.kind) {
          case FieldKind::kNumber:
          case FieldKind::kMoney:
          case FieldKind::kBool:
          case FieldKind::kMultiPicklist: {
            auto v = ParseTextValue(f, cell);
            if (!v.ok()) {
              p.error = v.status().message();
              p.error_field = f.name;
            } else {
              body[f.name] = ValueToJson(f, *v);
            }
            break;
          }
          default:
            body[f.name] = cell;
        }
      }
      if (p.error.empty() && plan.key_col >= 0) {
        const std::string cell =
            static_cast<size_t>(plan.key_col) < row.cells.size() ? row.cells[plan.key_col] : std::string();
        auto v = ParseTextValue(*plan.key_field, cell);
        if (!v.ok()) {
          p.error = v.status().message();
          p.error_field = plan.key_field->name;
        } else {
          p.key = *v;
        }
      }
      if (plan.forced_source && def->Find("source")) body["source"] = "import";
      else if (def->Find("source") && !body.contains("source")) body["source"] = "import";
      p.body = std::move(body);
      if (p.error.empty()) {
        auto v = RecordService::DecodeForCreate(*def, p.body);
        if (v.ok()) p.values = std::move(*v);
        else p.decode_error = v.status();
      }
    }
    return p;
  };

  std::mutex mu;
  std::condition_variable cv;
  std::deque<Batch> ready;
  bool reader_done = false, stop_reader = false;
  Status reader_error;  // a damaged file ends the rows with an error
  std::thread reader([&]() {
    PhoneRegionScope reader_region(region);
    Batch cur;
    cur.rows.reserve(static_cast<size_t>(opts.batch_rows));
    auto hand_over = [&](bool last) {
      cur.last = last;
      cur.bytes_done = last ? bytes_total : src->position();
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [&] { return ready.size() < 2 || stop_reader; });
      if (stop_reader) return false;
      ready.push_back(std::move(cur));
      cur = Batch{};
      cur.rows.reserve(static_cast<size_t>(opts.batch_rows));
      cv.notify_all();
      return true;
    };
    Status row_err;
    try {
      SourceRow row;
      bool more = true;
      while ((more = src->Next(&row, &row_err))) {
        cur.rows.push_back(make_row(row, row_err));
        cur.resume = row.resume;
        cur.resume_line = row.resume_line;
        if (static_cast<int>(cur.rows.size()) >= opts.batch_rows && !hand_over(false)) break;
      }
      if (!more) {
        if (!row_err.ok()) {
          std::lock_guard<std::mutex> lock(mu);
          reader_error = row_err;
        }
        if (!cur.rows.empty()) hand_over(row_err.ok());
      }
    } catch (const std::exception& e) {
      std::lock_guard<std::mutex> lock(mu);
      reader_error = Status::Internal(std::string("reading the file: ") + e.what());
    }
    std::lock_guard<std::mutex> lock(mu);
    reader_done = true;
    cv.notify_all();
  });

  Status run_status;
  bool cancelled = false;
  for (;;) {
    Batch b;
    {
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [&] { return !ready.empty() || reader_done; });
      if (ready.empty()) break;
      b = std::move(ready.front());
      ready.pop_front();
      cv.notify_all();
    }
    run_status = write_batch(b);
    if (!run_status.ok()) break;
    if (cancel && cancel->load() && !b.last) {
      cancelled = true;
      break;
    }
  }
  {
    std::lock_guard<std::mutex> lock(mu);
    stop_reader = true;
    cv.notify_all();
  }
  reader.join();
  // A damaged file (XLSX) ends the rows with an error: the import fails there.
  if (run_status.ok() && !cancelled && !reader_error.ok()) run_status = reader_error;

  for (size_t i = 0; i < header.size(); ++i) {
    const ColumnUse& u = plan.cols[i];
    if (u.field || u.ignored) continue;
    if (u.values == 0 && src->format() == FileFormat::kVCard) continue;  // vCard columns the cards did not use
    sum.unmapped.emplace_back(TrimCopy(header[i]).empty() ? "column " + std::to_string(i + 1) : TrimCopy(header[i]),
                              u.why + (u.values ? "; " + std::to_string(u.values) + " values not imported" : "") +
                                  (u.why.rfind("no field", 0) == 0 ? " (map the column to a field to import it)" : ""));
  }
  for (size_t i = 0; i < header.size(); ++i) {
    if (plan.cols[i].ignored) sum.unmapped.emplace_back(TrimCopy(header[i]), plan.cols[i].why);
  }
  sum.notes = src->notes();
  sum.counts = counts;
  sum.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!run_status.ok()) {
    sum.status = "failed";
    sum.error = run_status.message();
  } else if (cancelled) {
    sum.status = "interrupted";
    sum.error = "stopped; run it again to resume";
  } else {
    sum.status = opts.dry_run ? "dry_run" : "done";
  }
  if (record) {
    if (c->InTransaction()) c->Rollback();
    const std::string& final_status = sum.status;
    auto r = c->Exec(
        "UPDATE imports SET status = ?, error = ?, report = ?, updated_at = ?, finished_at = ?, lease_owner = NULL, "
        "lease_until = NULL, rows_read = ?, failed = ? WHERE org_id = ? AND id = ?",
        {Value{final_status}, sum.error.empty() ? Value{} : Value{sum.error}, Value{ReportJson(sum).dump()},
         Value{NowIso()}, final_status == "done" || final_status == "dry_run" ? Value{NowIso()} : Value{},
         Value{counts.rows_read}, Value{counts.failed}, Value{scope.org_id()}, Value{id}});
    if (!r.ok()) spdlog::warn("import {}: cannot record the final status: {}", id, r.status().ToString());
    if (!opts.dry_run || !given_id.empty())
      spdlog::info("import {}: {} {} rows of {} ({} created, {} updated, {} failed) in {:.1f}s", id, sum.status,
                   counts.rows_read, sum.file_name, counts.created, counts.updated, counts.failed, sum.seconds);
  }
  return sum;
}

Result<ImportSummary> Importer::Get(Conn* c, const TenantScope& scope, const std::string& id, size_t max_errors) {
  RP_ASSIGN_OR_RETURN(Rows r, c->Query("SELECT id, object, file_name, format, status, error, rows_read, created, "
                                       "updated, unchanged, failed, report, created_by, bytes_done, bytes_total, "
                                       "created_at, finished_at, options FROM imports WHERE org_id = ? AND id = ?",
                                       {Value{scope.org_id()}, Value{id}}));
  if (r.empty()) return Status::NotFound("no import " + id);
  auto& row = r.rows[0];
  if (!scope.is_admin() && ValueToString(row[12]) != scope.user_id()) return Status::NotFound("no import " + id);
  ImportSummary s;
  s.import_id = ValueToString(row[0]);
  s.object = ValueToString(row[1]);
  s.file_name = ValueToString(row[2]);
  s.format = ValueToString(row[3]);
  s.status = ValueToString(row[4]);
  s.error = ValueToString(row[5]);
  s.counts.rows_read = AsInt(row[6]);
  s.counts.created = AsInt(row[7]);
  s.counts.updated = AsInt(row[8]);
  s.counts.unchanged = AsInt(row[9]);
  s.counts.failed = AsInt(row[10]);
  s.bytes_done = AsInt(row[13]);
  s.bytes_total = AsInt(row[14]);
  s.created_at = ValueToString(row[15]);
  s.finished_at = ValueToString(row[16]);
  s.options = json::parse(ValueToString(row[17]), nullptr, false);
  json rep = json::parse(ValueToString(row[11]), nullptr, false);
  if (rep.is_object()) {
    for (const auto& n : rep.value("notes", json::array())) s.notes.push_back(n.get<std::string>());
    for (const auto& m : rep.value("mapping", json::array()))
      s.mapped.emplace_back(m.value("column", ""), m.value("field", ""));
    for (const auto& m : rep.value("unmapped", json::array()))
      s.unmapped.emplace_back(m.value("column", ""), m.value("reason", ""));
    s.resumed_from_line = rep.value("resumed_from_line", int64_t{0});
  }
  if (max_errors > 0) {
    RP_ASSIGN_OR_RETURN(Rows e, c->Query("SELECT line, field, message FROM import_errors WHERE org_id = ? AND "
                                         "import_id = ? ORDER BY line LIMIT " + std::to_string(max_errors),
                                         {Value{scope.org_id()}, Value{id}}));
    for (auto& er : e.rows) s.errors.push_back(RowError{AsInt(er[0]), ValueToString(er[1]), ValueToString(er[2])});
  }
  return s;
}

Result<std::vector<ImportSummary>> Importer::List(Conn* c, const TenantScope& scope, int limit) {
  std::string sql = "SELECT id FROM imports WHERE org_id = ?";
  std::vector<Value> p{Value{scope.org_id()}};
  if (!scope.is_admin()) {
    sql += " AND created_by = ?";
    p.emplace_back(scope.user_id());
  }
  sql += " ORDER BY id DESC LIMIT " + std::to_string(std::clamp(limit, 1, 1000));
  RP_ASSIGN_OR_RETURN(Rows r, c->Query(sql, p));
  std::vector<ImportSummary> out;
  for (auto& row : r.rows) {
    RP_ASSIGN_OR_RETURN(ImportSummary s, Get(c, scope, ValueToString(row[0]), 0));
    out.push_back(std::move(s));
  }
  return out;
}

namespace {
// A stored audit text back to the Value of `f` (the inverse of ValueToString).
Value FromAuditText(const FieldDef& f, bool has, const std::string& text) {
  if (!has) return Value{};
  switch (StorageOf(f.kind)) {
    case StorageClass::kReal: return Value{std::strtod(text.c_str(), nullptr)};
    case StorageClass::kInteger: return Value{static_cast<int64_t>(std::atoll(text.c_str()))};
    default: return Value{text};
  }
}
}  // namespace

Result<Importer::UndoResult> Importer::Undo(Conn* c, const TenantScope& scope, const Catalog& cat,
                                            const std::string& id) {
  RP_ASSIGN_OR_RETURN(Rows r, c->Query("SELECT object, status, created_by, lease_owner, lease_until FROM imports "
                                       "WHERE org_id = ? AND id = ?",
                                       {Value{scope.org_id()}, Value{id}}));
  if (r.empty()) return Status::NotFound("no import " + id);
  std::string object = ValueToString(r.rows[0][0]), status = ValueToString(r.rows[0][1]);
  if (!scope.is_admin() && ValueToString(r.rows[0][2]) != scope.user_id())
    return Status::PermissionDenied("only an administrator or the user who ran an import may undo it");
  if (status == "dry_run" || status == "dry_run_queued")
    return Status::Unprocessable("import " + id + " was a dry run: it wrote nothing to undo");
  std::string owner = ValueToString(r.rows[0][3]);
  if (!owner.empty() && ValueToString(r.rows[0][4]) > NowIso() && !OwnerIsDeadHere(owner) && owner != LeaseOwner())
    return Status::Conflict("import " + id + " is still running; undo it when it has finished");
  const ObjectDef* def = cat.Find(object);
  if (!def) return Status::NotFound("unknown object '" + object + "'");
  UndoResult res;
  for (;;) {
    RP_ASSIGN_OR_RETURN(Rows recs, c->Query("SELECT line, record_id, action, audit_from, audit_to FROM import_records "
                                            "WHERE org_id = ? AND import_id = ? AND undone_at IS NULL "
                                            "ORDER BY line DESC LIMIT 500",
                                            {Value{scope.org_id()}, Value{id}}));
    if (recs.empty()) break;
    Status st = InTransaction(c, TxMode::kWrite, [&]() -> Status {
      for (auto& rec : recs.rows) {
        std::string rid = ValueToString(rec[1]), action = ValueToString(rec[2]);
        if (action == "created") {
          auto d = RecordStore::SetDeleted(c, scope, *def, rid, true, std::nullopt);
          if (d.ok()) ++res.deleted;
          else if (d.status().code() == Status::Code::kNotFound) ++res.already;
          else return d.status();
        } else {
          RP_ASSIGN_OR_RETURN(Rows audit, c->Query("SELECT field, old_value, new_value FROM audit_log WHERE org_id = ? "
                                                   "AND object = ? AND record_id = ? AND action = 'update' AND id > ? "
                                                   "AND id < ? ORDER BY id",
                                                   {Value{scope.org_id()}, Value{object}, Value{rid}, rec[3], rec[4]}));
          auto cur = RecordStore::Get(c, scope, *def, rid);
          if (!cur.ok()) {
            if (cur.status().code() != Status::Code::kNotFound) return cur.status();
            ++res.already;  // deleted since: nothing to revert
          } else {
            FieldValues changes;
            for (auto& a : audit.rows) {
              const FieldDef* f = def->Find(ValueToString(a[0]));
              if (!f) continue;
              Value imported = FromAuditText(*f, !IsNull(a[2]), ValueToString(a[2]));
              const Value& now = cur->Get(*def, f->name);
              if (ValueToString(now) != ValueToString(imported) || IsNull(now) != IsNull(imported)) {
                ++res.conflicts;  // changed again since the import: left as it is
                continue;
              }
              changes[f->name] = FromAuditText(*f, !IsNull(a[1]), ValueToString(a[1]));
            }
            if (!changes.empty()) {
              RP_ASSIGN_OR_RETURN(Record upd, RecordStore::Update(c, scope, *def, rid, changes, std::nullopt));
              (void)upd;
            }
            ++res.reverted;
          }
        }
        auto u = c->Exec("UPDATE import_records SET undone_at = ? WHERE org_id = ? AND import_id = ? AND line = ?",
                         {Value{NowIso()}, Value{scope.org_id()}, Value{id}, rec[0]});
        if (!u.ok()) return u.status();
      }
      return Status::Ok();
    });
    RP_RETURN_IF_ERROR(st);
  }
  auto u = c->Exec("UPDATE imports SET status = 'undone', undone_at = ?, undone_by = ?, updated_at = ? "
                   "WHERE org_id = ? AND id = ?",
                   {Value{NowIso()}, scope.user_id().empty() ? Value{} : Value{scope.user_id()}, Value{NowIso()},
                    Value{scope.org_id()}, Value{id}});
  if (!u.ok()) return u.status();
  spdlog::info("import {} undone: {} deleted, {} reverted, {} conflicts", id, res.deleted, res.reverted, res.conflicts);
  return res;
}

VCardContact ContactToVCard(const ObjectDef& def, const Record& r) {
  auto s = [&](const char* f) { return ValueToString(r.Get(def, f)); };
  VCardContact v;
  v.uid = s("id");
  v.first_name = s("first_name");
  v.last_name = s("last_name");
  v.title = s("title");
  v.email = s("email");
  v.phone = s("phone");
  v.mobile = s("mobile");
  v.street = s("street");
  v.city = s("city");
  v.postcode = s("postcode");
  v.country = s("country");
  v.note = s("description");
  v.revision = s("updated_at");
  return v;
}

Result<bool> ExportContactsVCardPage(Conn* c, const TenantScope& scope, const Catalog& cat, std::string* cursor,
                                     std::string* out) {
  const ObjectDef* def = cat.Find("contacts");
  const ObjectDef* accounts = cat.Find("accounts");
  if (!def) return Status::NotFound("unknown object 'contacts'");
  ListQuery q;
  q.limit = 500;
  q.cursor = *cursor;
  RP_ASSIGN_OR_RETURN(Page page, RecordStore::List(c, scope, *def, q));
  std::unordered_map<std::string, std::string> account_names;
  for (const Record& r : page.records) {
    VCardContact v = ContactToVCard(*def, r);
    std::string acct = ValueToString(r.Get(*def, "account_id"));
    if (!acct.empty() && accounts) {
      auto it = account_names.find(acct);
      if (it == account_names.end()) {
        auto a = RecordStore::Get(c, scope, *accounts, acct);
        it = account_names.emplace(acct, a.ok() ? ValueToString(a->Get(*accounts, "name")) : "").first;
      }
      v.organisation = it->second;
    }
    out->append(WriteVCard(v));
  }
  *cursor = page.next_cursor;
  return !page.next_cursor.empty();
}

}  // namespace rapport
