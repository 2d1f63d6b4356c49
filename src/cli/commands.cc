#include "cli/commands.h"
#include "cli/import_commands.h"  // issue 4: import, imports, export
#include "cli/lead_commands.h"    // issue 4: enrich, score, jobs
#include "jobs/lead_jobs.h"       // issue 4: escalation and retraining in serve
#include "jobs/commitment_jobs.h"  // issue 5: reminders and e-mail delivery in serve

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>

#include "app/auth.h"
#include "app/org.h"
#include "base/ids.h"
#include "base/log.h"
#include "http/api.h"
#include "http/server.h"
#include "store/metadata.h"
#include "store/schema.h"
#include "store/search.h"

namespace rapport {

namespace {

constexpr const char* kDefaultDb = "sqlite:data/rapport.db";
constexpr const char* kDefaultAdmin = "admin@example.com";

int Fail(const Status& st) {
  std::fprintf(stderr, "rapport: %s\n", st.ToString().c_str());
  switch (st.code()) {
    case Status::Code::kInvalidArgument: return 2;
    case Status::Code::kNotFound: return 3;
    case Status::Code::kUnavailable: return 4;
    default: return 1;
  }
}

// Opens the database, migrates it, and returns a connection (owned by store).
struct Opened {
  std::unique_ptr<Store> store;
  std::unique_ptr<Conn> conn;
};
Result<Opened> OpenAndMigrate(const std::string& url) {
  Opened o;
  RP_ASSIGN_OR_RETURN(o.store, OpenStore(url));
  RP_ASSIGN_OR_RETURN(o.conn, o.store->Connect());
  RP_RETURN_IF_ERROR(Migrate(o.conn.get()));
  return o;
}

bool ParseListen(const std::string& s, std::string* host, int* port) {
  auto colon = s.rfind(':');
  if (colon == std::string::npos) return false;
  *host = s.substr(0, colon);
  if (host->size() > 2 && host->front() == '[' && host->back() == ']') *host = host->substr(1, host->size() - 2);
  try {
    size_t used = 0;
    *port = std::stoi(s.substr(colon + 1), &used);
    if (used != s.size() - colon - 1) return false;
  } catch (...) {
    return false;
  }
  return *port >= 0 && *port <= 65535 && !host->empty();
}

int Serve(const std::string& db, const std::string& listen, int threads, bool secure_cookies,
          const std::string& admin_email, const std::string& org_name, double idle_seconds) {
  ServerOptions so;
  if (!ParseListen(listen, &so.host, &so.port))
    return Fail(Status::InvalidArgument("--listen must be HOST:PORT, e.g. 127.0.0.1:8080", "listen"));
  so.threads = threads;
  auto opened = OpenAndMigrate(db);
  if (!opened.ok()) return Fail(opened.status());
  Conn* c = opened->conn.get();
  auto count = CountOrganisations(c);
  if (!count.ok()) return Fail(count.status());
  std::string login_hint;
  if (*count == 0) {
    auto init = InitOrganisation(c, org_name, admin_email);
    if (!init.ok()) return Fail(init.status());
    login_hint = "  Sign in as " + init->admin_email + " with the one-time password " + init->password +
                 "\n  (shown once; reset it with: rapport user reset-password --email " + init->admin_email + ")";
  } else {
    login_hint = "  Sign in with your account (forgot it? rapport user reset-password --email EMAIL --db " + db + ")";
  }
  opened->conn.reset();
  // Connections idle for idle_seconds are closed: an idle server gives its
  // page caches and mapped pages back (docs/decisions/013).
  ConnPool pool(opened->store.get(), std::chrono::milliseconds{static_cast<int64_t>(idle_seconds * 1000)});
  ApiOptions ao;
  ao.secure_cookies = secure_cookies;
  Api api(&pool, ao);
  JobScheduler jobs(opened->store.get());  // issue 4: first-response escalation, model retraining
  AddLeadJobs(&jobs);
  AddCommitmentJobs(&jobs);  // issue 5: reminders (30 s), SMTP delivery of email_outbox (30 s)
  // Uploaded imports stopped by the last shutdown (or whose server died)
  // continue by themselves: now, and every minute for those another
  // process's lease kept.
  if (auto conn = opened->store->Connect(); conn.ok()) {
    auto r = api.ResumeInterruptedImports(conn->get());
    if (!r.ok()) spdlog::warn("imports: cannot look for interrupted imports: {}", r.status().ToString());
  }
  jobs.Add(Job{"resume_imports",
               [](Conn*, const std::string&, int64_t now_ms) -> Result<int64_t> { return now_ms + 60 * 1000; },
               [&api](Conn* c, const std::string& org_id, int64_t) { return api.ResumeInterruptedImports(c, org_id); }});
  jobs.Start();
  HttpServer server(so, [&api](HttpRequest& r) { return api.Handle(r); });
  Status st = server.Listen();
  if (!st.ok()) return Fail(st);
  std::string url = "http://" + so.host + ":" + std::to_string(server.bound_port());
  std::printf("\nRapport is running at %s  (database %s)\n%s\n  API: %s/api/v1/openapi.json   Stop: Ctrl-C\n\n",
              url.c_str(), db.c_str(), login_hint.c_str(), url.c_str());
  std::fflush(stdout);
  spdlog::info("listening on {}", url);
  server.Run();
  spdlog::info("stopped");
  return 0;
}

}  // namespace

int RunCli(int argc, char** argv) {
  CLI::App app{"Rapport: a self-hosted CRM and sales force automation system.\n"
               "One binary: web application, REST API (/api/v1) and this command line."};
  app.require_subcommand(1);
  std::string log_level = "info";
  app.add_option("--log-level", log_level, "debug, info, warn or error")->capture_default_str();

  std::string db = kDefaultDb;
  auto add_db = [&db](CLI::App* cmd) {
    cmd->add_option("--db", db, "Database URL: sqlite:PATH or postgres://user@host:port/dbname")
        ->capture_default_str()
        ->envname("RAPPORT_DB");
  };

  // serve
  auto* serve = app.add_subcommand("serve", "Serve the web app and REST API (migrates the database first; "
                                            "creates the organisation and administrator on first start)");
  add_db(serve);
  std::string listen = "127.0.0.1:8080";
  int threads = 0;
  bool secure_cookies = false;
  std::string admin_email = kDefaultAdmin, org_name = "My Company";
  serve->add_option("--listen", listen, "HOST:PORT to listen on")->capture_default_str();
  serve->add_option("--threads", threads, "Worker threads (0 = one per core)")->capture_default_str();
  serve->add_flag("--secure-cookies", secure_cookies, "Mark the session cookie Secure (when served over HTTPS)");
  serve->add_option("--admin-email", admin_email, "Administrator email for a new database")->capture_default_str();
  serve->add_option("--org", org_name, "Organisation name for a new database")->capture_default_str();
  double idle_seconds = 10;
  serve->add_option("--idle-close", idle_seconds,
                    "Close database connections unused for this many seconds, returning their memory (0 = never)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 86400.0));

  // init
  auto* init = app.add_subcommand("init", "Create the schema, an organisation and its administrator; "
                                          "prints the administrator's one-time password");
  add_db(init);
  std::string init_email, init_org = "My Company";
  init->add_option("--admin-email", init_email, "Administrator email")->required();
  init->add_option("--org", init_org, "Organisation name")->capture_default_str();

  // migrate
  auto* migrate = app.add_subcommand("migrate", "Bring the database schema to this version");
  add_db(migrate);

  // token
  auto* token = app.add_subcommand("token", "API tokens");
  token->require_subcommand(1);
  auto* token_create = token->add_subcommand("create", "Create an API token and print it (only the token, on stdout)");
  add_db(token_create);
  std::string token_email, token_name;
  token_create->add_option("--email", token_email, "The user the token acts as")->required();
  token_create->add_option("--name", token_name, "A label to recognise the token by");
  auto* token_list = token->add_subcommand("list", "List API tokens (ids, users, labels; never the secrets)");
  add_db(token_list);
  auto* token_revoke = token->add_subcommand("revoke", "Revoke an API token by id");
  add_db(token_revoke);
  std::string token_id;
  token_revoke->add_option("--id", token_id, "Token id (see: rapport token list)")->required();

  // user
  auto* user = app.add_subcommand("user", "Users");
  user->require_subcommand(1);
  auto* reset = user->add_subcommand("reset-password", "Set a new one-time password for a user and print it");
  add_db(reset);
  std::string reset_email;
  reset->add_option("--email", reset_email, "The user's email")->required();

  // reindex
  auto* reindex = app.add_subcommand("reindex", "Rebuild the global search index of every organisation");
  add_db(reindex);

  // import, imports list|show|undo, export (issue 4; cli/import_commands.cc)
  auto import_cmds = AddImportCommands(&app, add_db);
  // enrich, score, jobs (issue 4; cli/lead_commands.cc)
  auto lead_cmds = AddLeadCommands(&app, add_db);

  CLI11_PARSE(app, argc, argv);
  InitLogging(log_level.c_str());
  if (!InitCrypto()) {
    std::fprintf(stderr, "rapport: cannot initialise libsodium\n");
    return 1;
  }

  if (serve->parsed()) return Serve(db, listen, threads, secure_cookies, admin_email, org_name, idle_seconds);
  if (int rc = RunImportCommands(*import_cmds, db); rc >= 0) return rc;  // issue 4
  if (int rc = RunLeadCommands(*lead_cmds, db); rc >= 0) return rc;      // issue 4

  auto opened = OpenAndMigrate(db);
  if (!opened.ok()) return Fail(opened.status());
  Conn* c = opened->conn.get();

  if (migrate->parsed()) {
    std::printf("database %s is at schema version %d\n", db.c_str(), LatestSchemaVersion());
    return 0;
  }
  if (reindex->parsed()) {
    auto orgs = c->Query("SELECT id, name FROM organisations ORDER BY id");
    if (!orgs.ok()) return Fail(orgs.status());
    for (auto& row : orgs->rows) {
      std::string org = ValueToString(row[0]);
      auto cat = LoadCatalog(c, org);
      if (!cat.ok()) return Fail(cat.status());
      auto n = SearchIndex::Rebuild(c, TenantScope::ForOperator(org), **cat);
      if (!n.ok()) return Fail(n.status());
      std::printf("%s: indexed %lld records\n", ValueToString(row[1]).c_str(), static_cast<long long>(*n));
    }
    return 0;
  }
  if (init->parsed()) {
    auto r = InitOrganisation(c, init_org, init_email);
    if (!r.ok()) return Fail(r.status());
    if (!r->created) {
      std::printf("organisation %s already exists with administrator %s; nothing changed\n", r->org_id.c_str(),
                  r->admin_email.c_str());
      return 0;
    }
    std::printf("organisation: %s (%s)\nadministrator: %s\none-time password: %s\n", init_org.c_str(),
                r->org_id.c_str(), r->admin_email.c_str(), r->password.c_str());
    return 0;
  }
  if (token_create->parsed()) {
    auto t = Auth::CreateToken(c, token_email, token_name);
    if (!t.ok()) return Fail(t.status());
    std::printf("%s\n", t->c_str());
    return 0;
  }
  if (token_list->parsed()) {
    auto rows = c->Query(
        "SELECT t.id, u.email, t.name, t.created_at, t.revoked_at FROM api_tokens t "
        "JOIN users u ON u.org_id = t.org_id AND u.id = t.user_id ORDER BY t.created_at");
    if (!rows.ok()) return Fail(rows.status());
    std::printf("%-26s  %-30s  %-20s  %-24s  %s\n", "ID", "USER", "NAME", "CREATED", "REVOKED");
    for (auto& r : rows->rows) {
      std::printf("%-26s  %-30s  %-20s  %-24s  %s\n", ValueToString(r[0]).c_str(), ValueToString(r[1]).c_str(),
                  ValueToString(r[2]).c_str(), ValueToString(r[3]).c_str(), ValueToString(r[4]).c_str());
    }
    return 0;
  }
  if (token_revoke->parsed()) {
    Status st = Auth::RevokeToken(c, token_id);
    if (!st.ok()) return Fail(st);
    std::printf("revoked %s\n", token_id.c_str());
    return 0;
  }
  if (reset->parsed()) {
    std::string email = reset_email;
    for (auto& ch : email) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    auto u = c->Query("SELECT org_id, id FROM users WHERE email = ? AND deleted_at IS NULL", {Value{email}});
    if (!u.ok()) return Fail(u.status());
    if (u->empty()) return Fail(Status::NotFound("no user with email " + email));
    std::string pw = RandomToken(12);
    TenantScope scope = TenantScope::ForOperator(ValueToString(u->rows[0][0]));
    Status st = InTransaction(c, TxMode::kWrite, [&] {
      Status s = Auth::SetPassword(c, scope, ValueToString(u->rows[0][1]), pw, /*one_time=*/true);
      if (!s.ok()) return s;
      auto d = c->Exec("DELETE FROM login_attempts WHERE attempt_key = ?", {Value{"email:" + email}});
      return d.ok() ? Status::Ok() : d.status();
    });
    if (!st.ok()) return Fail(st);
    std::printf("one-time password for %s: %s\n", email.c_str(), pw.c_str());
    return 0;
  }
  return 0;
}

}  // namespace rapport
