#include "cli/import_commands.h"

#include <signal.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>

#include "app/import.h"
#include "base/log.h"
#include "store/metadata.h"
#include "store/schema.h"

namespace rapport {

struct ImportCommands {
  CLI::App* import = nullptr;
  CLI::App* imports_list = nullptr;
  CLI::App* imports_show = nullptr;
  CLI::App* imports_undo = nullptr;
  CLI::App* export_cmd = nullptr;
  std::string object, file, map_file, source_ref_column, upsert_key, region, format, user;
  std::string import_id, export_object, export_format = "vcard", out;
  int batch = 1000;
  bool dry_run = false, again = false, progress = false, quiet = false;
};

namespace {

std::atomic<bool> g_interrupted{false};
extern "C" void OnInterrupt(int) { g_interrupted.store(true); }

int Fail(const Status& st) {
  std::fprintf(stderr, "rapport: %s\n", st.ToString().c_str());
  switch (st.code()) {
    case Status::Code::kInvalidArgument: return 2;
    case Status::Code::kNotFound: return 3;
    case Status::Code::kUnavailable: return 4;
    case Status::Code::kConflict: return 5;
    default: return 1;
  }
}

// The user the command acts as: --user, or the organisation's first administrator.
Result<TenantScope> OperatorScope(Conn* c, const std::string& email) {
  Rows r;
  if (!email.empty()) {
    std::string e = email;
    for (auto& ch : e) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    RP_ASSIGN_OR_RETURN(r, c->Query("SELECT org_id, id FROM users WHERE email = ? AND deleted_at IS NULL", {Value{e}}));
    if (r.empty()) return Status::NotFound("no user with email " + e);
    if (r.size() > 1) return Status::InvalidArgument("several organisations have a user " + e, "user");
  } else {
    RP_ASSIGN_OR_RETURN(Rows orgs, c->Query("SELECT id FROM organisations"));
    if (orgs.empty()) return Status::NotFound("the database has no organisation yet: run rapport init first");
    if (orgs.size() > 1)
      return Status::InvalidArgument("the database has several organisations: say who imports with --user EMAIL", "user");
    RP_ASSIGN_OR_RETURN(r, c->Query("SELECT org_id, id FROM users WHERE org_id = ? AND role = 'admin' AND "
                                    "deleted_at IS NULL ORDER BY created_at, id LIMIT 1",
                                    {orgs.rows[0][0]}));
    if (r.empty()) return Status::NotFound("the organisation has no administrator; use --user EMAIL");
  }
  return TenantScope::ForOperator(ValueToString(r.rows[0][0]), ValueToString(r.rows[0][1]));
}

Result<std::map<std::string, std::string>> ReadMapping(const std::string& path) {
  std::map<std::string, std::string> m;
  if (path.empty()) return m;
  std::ifstream f(path);
  if (!f) return Status::NotFound("cannot read the mapping file " + path);
  nlohmann::json j = nlohmann::json::parse(f, nullptr, false);
  if (j.is_object() && j.contains("mapping") && j["mapping"].is_object()) j = j["mapping"];
  if (!j.is_object())
    return Status::InvalidArgument("map: " + path + " must be a JSON object {\"column header\": \"field\"}", "map");
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (it.value().is_null()) m[it.key()] = "";
    else if (it.value().is_string()) m[it.key()] = it.value().get<std::string>();
    else return Status::InvalidArgument("map: the value of '" + it.key() + "' must be a field name or null", "map");
  }
  return m;
}

std::string Thousands(int64_t n) {
  std::string s = std::to_string(n < 0 ? -n : n), out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i && (s.size() - i) % 3 == 0) out += ',';
    out += s[i];
  }
  return n < 0 ? "-" + out : out;
}

// A progress bar on stderr: percentage of bytes, rows, rate and ETA.
class ProgressBar {
 public:
  explicit ProgressBar(bool enabled) : enabled_(enabled), start_(std::chrono::steady_clock::now()) {}
  void Update(ImportProgress p, bool final = false) {
    if (!enabled_) return;
    if (final) p.bytes_done = p.bytes_total = std::max<int64_t>(total_, 1);
    total_ = p.bytes_total;
    auto now = std::chrono::steady_clock::now();
    if (!final && now - last_ < std::chrono::milliseconds(200)) return;
    last_ = now;
    double secs = std::chrono::duration<double>(now - start_).count();
    rows_ = p.counts.rows_read;
    if (first_rows_ < 0) first_rows_ = rows_, first_bytes_ = p.bytes_done;  // a resumed import starts higher
    double done = p.bytes_total > 0 ? static_cast<double>(p.bytes_done) / static_cast<double>(p.bytes_total) : 0;
    if (done > 1) done = 1;
    int width = 30, fill = static_cast<int>(done * width);
    std::string bar(static_cast<size_t>(fill), '#');
    bar.append(static_cast<size_t>(width - fill), '.');
    double rate = secs > 0 ? static_cast<double>(rows_ - first_rows_) / secs : 0;
    double byte_rate = secs > 0 ? static_cast<double>(p.bytes_done - first_bytes_) / secs : 0;
    std::string eta = "--:--";
    if (byte_rate > 0 && p.bytes_total > p.bytes_done) {
      long s = static_cast<long>(static_cast<double>(p.bytes_total - p.bytes_done) / byte_rate);
      char b[32];
      std::snprintf(b, sizeof b, "%ld:%02ld", s / 60, s % 60);
      eta = b;
    } else if (final) {
      eta = "0:00";
    }
    std::fprintf(stderr, "\r[%s] %3d%%  %s rows  %s rows/s  ETA %s  (%s failed)   ", bar.c_str(),
                 static_cast<int>(done * 100), Thousands(rows_).c_str(), Thousands(static_cast<int64_t>(rate)).c_str(),
                 eta.c_str(), Thousands(p.counts.failed).c_str());
    if (final) std::fprintf(stderr, "\n");
    std::fflush(stderr);
  }

 private:
  bool enabled_;
  std::chrono::steady_clock::time_point start_, last_{};
  int64_t rows_ = 0, first_rows_ = -1, first_bytes_ = 0, total_ = 0;
};

void PrintSummary(const ImportSummary& s) {
  std::printf("%s %s: %s into %s (%s)\n", s.status == "dry_run" ? "dry run" : "import",
              s.import_id.empty() ? "(not stored)" : s.import_id.c_str(), s.file_name.c_str(), s.object.c_str(),
              s.format.c_str());
  for (const auto& n : s.notes) std::printf("  note: %s\n", n.c_str());
  if (s.resumed_from_line > 0) std::printf("  resumed at line %lld\n", static_cast<long long>(s.resumed_from_line));
  std::printf("  rows read  %12s\n  created    %12s\n  updated    %12s\n", Thousands(s.counts.rows_read).c_str(),
              Thousands(s.counts.created).c_str(), Thousands(s.counts.updated).c_str());
  if (s.counts.unchanged) std::printf("  unchanged  %12s\n", Thousands(s.counts.unchanged).c_str());
  std::printf("  failed     %12s\n", Thousands(s.counts.failed).c_str());
  if (s.status == "dry_run") std::printf("  (dry run: nothing was written)\n");
  std::string cols;
  for (const auto& [c, f] : s.mapped) cols += (cols.empty() ? "" : ", ") + (c == f ? c : c + " -> " + f);
  std::printf("  columns: %s\n", cols.c_str());
  for (const auto& [c, why] : s.unmapped) std::printf("  not imported: column '%s': %s\n", c.c_str(), why.c_str());
  if (s.seconds > 0)
    std::printf("  %.1f s, %s rows/s\n", s.seconds,
                Thousands(static_cast<int64_t>(static_cast<double>(s.counts.rows_read) / s.seconds)).c_str());
  if (!s.error.empty()) std::printf("  stopped: %s\n", s.error.c_str());
}

// Every failed row on stderr, one line each.
void PrintErrors(const ImportSummary& s) {
  for (const auto& e : s.errors) std::fprintf(stderr, "line %lld: %s\n", static_cast<long long>(e.line), e.message.c_str());
  if (s.counts.failed > static_cast<int64_t>(s.errors.size()))
    std::fprintf(stderr, "(%lld more failed rows are not listed)\n",
                 static_cast<long long>(s.counts.failed - static_cast<int64_t>(s.errors.size())));
}

}  // namespace

std::shared_ptr<ImportCommands> AddImportCommands(CLI::App* app, const std::function<void(CLI::App*)>& add_db) {
  auto c = std::make_shared<ImportCommands>();
  c->import = app->add_subcommand(
      "import",
      "Import contacts, leads or accounts from a CSV, XLSX or vCard file (resumable: run the same command again "
      "after a crash or Ctrl-C to continue where it stopped)");
  add_db(c->import);
  c->import->add_option("object", c->object, "contacts, leads or accounts")->required();
  c->import->add_option("file", c->file, "The file: CSV (any delimiter, UTF-8 or Windows-1252), XLSX or vCard")
      ->required()
      ->check(CLI::ExistingFile);
  c->import->add_option("--map", c->map_file,
                        "JSON file {\"column header\": \"field\"} (null or \"\" ignores a column); other columns map "
                        "by field name or label");
  c->import->add_option("--source-ref-column", c->source_ref_column,
                        "Column whose value becomes each record's source_ref (default: a column named source_ref)");
  c->import->add_flag("--dry-run", c->dry_run, "Validate every row and report, write nothing");
  c->import->add_option("--upsert-key", c->upsert_key,
                        "Update the record whose FIELD equals the row's instead of creating one: email, source_ref, "
                        "phone or any field");
  c->import->add_option("--region", c->region,
                        "Phone region for numbers without a country code when the organisation has no default_region "
                        "(default US)");
  c->import->add_option("--format", c->format, "csv, xlsx or vcard (default: detected from the content)");
  c->import->add_option("--batch", c->batch, "Rows per transaction and checkpoint")->capture_default_str();
  c->import->add_flag("--again", c->again, "Import a file again that was already imported (or start an interrupted one anew)");
  c->import->add_option("--user", c->user, "Email of the user the import runs as (default: the first administrator)");
  c->import->add_flag("--progress", c->progress, "Show the progress bar even when stderr is not a terminal");
  c->import->add_flag("--quiet", c->quiet, "No progress bar");

  auto* imports = app->add_subcommand("imports", "Past imports: list, show (with every failed row) and undo");
  imports->require_subcommand(1);
  c->imports_list = imports->add_subcommand("list", "List imports, newest first");
  add_db(c->imports_list);
  c->imports_show = imports->add_subcommand("show", "Show an import's counts and every failed row");
  add_db(c->imports_show);
  c->imports_show->add_option("id", c->import_id, "Import id")->required();
  c->imports_undo = imports->add_subcommand(
      "undo", "Undo a whole import: soft-delete what it created, revert what it updated");
  add_db(c->imports_undo);
  c->imports_undo->add_option("id", c->import_id, "Import id")->required();
  for (auto* sub : {c->imports_list, c->imports_show, c->imports_undo})
    sub->add_option("--user", c->user, "Email of the user to act as (default: the first administrator)");

  c->export_cmd = app->add_subcommand("export", "Export records to a file (contacts as vCard 3.0)");
  add_db(c->export_cmd);
  c->export_cmd->add_option("object", c->export_object, "contacts")->required();
  c->export_cmd->add_option("--format", c->export_format, "vcard")->capture_default_str();
  c->export_cmd->add_option("--out", c->out, "Output file (default: standard output)");
  c->export_cmd->add_option("--user", c->user, "Email of the user whose visible records are exported");
  return c;
}

int RunImportCommands(const ImportCommands& cmd, const std::string& db) {
  bool any = cmd.import->parsed() || cmd.imports_list->parsed() || cmd.imports_show->parsed() ||
             cmd.imports_undo->parsed() || cmd.export_cmd->parsed();
  if (!any) return -1;
  auto store = OpenStore(db);
  if (!store.ok()) return Fail(store.status());
  auto conn = (*store)->Connect();
  if (!conn.ok()) return Fail(conn.status());
  Conn* c = conn->get();
  Status st = Migrate(c);
  if (!st.ok()) return Fail(st);
  if (c->backend() == Backend::kSqlite && cmd.import->parsed()) {
    // A bulk writer: no memory map (its pages count as resident memory and a
    // writer gains little from it), a 64 MiB page cache for the indexes
    // (128 MiB measured no faster; docs/decisions/005-imports.md), and a WAL
    // checkpointed every 64 MiB instead of 4 MiB, so an index page changed by
    // several batches is copied into the database once (docs/decisions/019).
    st = c->ExecScript("PRAGMA mmap_size=0; PRAGMA cache_size=-65536; PRAGMA wal_autocheckpoint=16384");
    if (!st.ok()) return Fail(st);
  }
  auto scope = OperatorScope(c, cmd.user);
  if (!scope.ok()) return Fail(scope.status());
  auto cat = LoadCatalog(c, scope->org_id());
  if (!cat.ok()) return Fail(cat.status());

  if (cmd.import->parsed()) {
    ImportOptions o;
    o.object = cmd.object;
    o.file = cmd.file;
    o.format = cmd.format;
    auto m = ReadMapping(cmd.map_file);
    if (!m.ok()) return Fail(m.status());
    o.mapping = *m;
    o.source_ref_column = cmd.source_ref_column;
    o.dry_run = cmd.dry_run;
    o.upsert_key = cmd.upsert_key;
    o.region = cmd.region;
    for (auto& ch : o.region) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    o.batch_rows = cmd.batch;
    o.again = cmd.again;
    ProgressBar bar(!cmd.quiet && (cmd.progress || isatty(STDERR_FILENO)));
    // The summary below says what the log line would; keep stderr for the bar and the errors.
    if (spdlog::get_level() == spdlog::level::info) spdlog::set_level(spdlog::level::warn);
    struct sigaction sa {};
    sa.sa_handler = OnInterrupt;
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
    auto r = Importer::Run(c, *scope, **cat, o, [&bar](const ImportProgress& p) { bar.Update(p); }, &g_interrupted);
    if (!r.ok()) return Fail(r.status());
    bar.Update(ImportProgress{0, 0, r->counts}, true);
    PrintErrors(*r);
    PrintSummary(*r);
    if (r->status == "failed") return 1;
    if (r->status == "interrupted") {
      std::printf("  interrupted: run the same command again to resume\n");
      return 130;
    }
    return 0;
  }
  if (cmd.imports_list->parsed()) {
    auto l = Importer::List(c, *scope, 100);
    if (!l.ok()) return Fail(l.status());
    std::printf("%-26s  %-9s  %-8s  %10s  %10s  %10s  %10s  %s\n", "ID", "OBJECT", "STATUS", "ROWS", "CREATED", "UPDATED",
                "FAILED", "FILE");
    for (const auto& s : *l) {
      std::printf("%-26s  %-9s  %-8s  %10lld  %10lld  %10lld  %10lld  %s\n", s.import_id.c_str(), s.object.c_str(),
                  s.status.c_str(), static_cast<long long>(s.counts.rows_read), static_cast<long long>(s.counts.created),
                  static_cast<long long>(s.counts.updated), static_cast<long long>(s.counts.failed), s.file_name.c_str());
    }
    return 0;
  }
  if (cmd.imports_show->parsed()) {
    auto s = Importer::Get(c, *scope, cmd.import_id);
    if (!s.ok()) return Fail(s.status());
    PrintSummary(*s);
    PrintErrors(*s);
    return 0;
  }
  if (cmd.imports_undo->parsed()) {
    auto u = Importer::Undo(c, *scope, **cat, cmd.import_id);
    if (!u.ok()) return Fail(u.status());
    std::printf("import %s undone: %lld deleted, %lld reverted, %lld field conflicts left as they are\n",
                cmd.import_id.c_str(), static_cast<long long>(u->deleted), static_cast<long long>(u->reverted),
                static_cast<long long>(u->conflicts));
    return 0;
  }
  if (cmd.export_cmd->parsed()) {
    if (cmd.export_object != "contacts" || (cmd.export_format != "vcard" && cmd.export_format != "vcf"))
      return Fail(Status::InvalidArgument(
          "export: only contacts as --format vcard so far (CSV: GET /api/v1/{object}/export.csv)", "format"));
    FILE* f = stdout;
    if (!cmd.out.empty()) {
      f = std::fopen(cmd.out.c_str(), "wb");
      if (!f) return Fail(Status::InvalidArgument("cannot write " + cmd.out, "out"));
    }
    std::string cursor, chunk;
    int64_t cards = 0;
    for (;;) {
      chunk.clear();
      auto more = ExportContactsVCardPage(c, *scope, **cat, &cursor, &chunk);
      if (!more.ok()) return Fail(more.status());
      std::fwrite(chunk.data(), 1, chunk.size(), f);
      for (size_t p = 0; (p = chunk.find("BEGIN:VCARD", p)) != std::string::npos; ++p) ++cards;
      if (!*more) break;
    }
    if (f != stdout) {
      std::fclose(f);
      std::fprintf(stderr, "exported %lld contacts to %s\n", static_cast<long long>(cards), cmd.out.c_str());
    }
    return 0;
  }
  return 0;
}

}  // namespace rapport
