// Api: the route table and request handlers of the REST API, the health and
// metrics endpoints and the web page. Independent of the socket layer
// (HttpServer calls Handle on its worker threads).
//
// Per request: authenticate (Bearer token, or session cookie + CSRF header on
// unsafe methods), resolve the organisation's catalogue, run one use case,
// encode. GET requests run their reads in one read transaction. Errors leave
// through one Status -> HTTP mapping. Thread-safe: each worker thread uses its
// own database connection from the pool.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>

#include "app/auth.h"
#include "app/records_service.h"
#include "http/message.h"
#include "store/conn.h"

namespace rapport {

struct ApiOptions {
  bool secure_cookies = false;  // add "Secure" to the session cookie (behind HTTPS)
  LoginOptions login;
  // Where uploaded import files are kept until their import is done (issue 4);
  // "" = an "uploads" folder beside the SQLite file, or data/uploads.
  std::string upload_dir;
};

// Background imports started through the API (issue 4, api_import.cc). The
// last owner's release stops them after their current batch and waits.
struct ImportJobs;
std::shared_ptr<ImportJobs> MakeImportJobs();

// Submissions per IP and web form (issue 4, api_forms.cc): token buckets in
// this process's memory (docs/decisions/011-web-forms-and-convert.md).
struct FormRateLimiter;
std::shared_ptr<FormRateLimiter> MakeFormRateLimiter();

class Api {
 public:
  Api(ConnPool* pool, ApiOptions opts) : pool_(pool), opts_(std::move(opts)) {}
  HttpResponse Handle(HttpRequest& req);

  // The HTTP status for a Status code, and the error body of ARCHITECTURE.md.
  static int HttpStatus(const Status& s);
  static HttpResponse Error(const Status& s);

  // Starts, in the background, the server uploads that should be running and
  // are not (stopped by a shutdown, or their server died): at start-up and
  // then every minute (the resume_imports job). A one-line summary.
  Result<std::string> ResumeInterruptedImports(Conn* c, const std::string& org_id = {});

 private:
  HttpResponse Route(HttpRequest& req, Conn* c);
  Result<Principal> Authenticate(const HttpRequest& req, Conn* c);
  Result<std::shared_ptr<const Catalog>> CatalogFor(Conn* c, const Principal& p);

  HttpResponse Login(HttpRequest& req, Conn* c);
  HttpResponse Logout(const Principal& p, Conn* c);
  HttpResponse Me(const Principal& p);
  HttpResponse ChangePassword(const Principal& p, Conn* c, const HttpRequest& req);
  HttpResponse OpenApi(const HttpRequest& req, Conn* c);
  HttpResponse ListFields(const Principal& p, Conn* c, const std::string& object);
  HttpResponse AddField(const Principal& p, Conn* c, const std::string& object, const HttpRequest& req);
  HttpResponse List(const Principal& p, Conn* c, const ObjectDef& def, const HttpRequest& req);
  HttpResponse Create(const Principal& p, Conn* c, const Catalog& cat, const ObjectDef& def, const HttpRequest& req);
  HttpResponse GetOne(const Principal& p, Conn* c, const ObjectDef& def, const std::string& id);
  HttpResponse Patch(const Principal& p, Conn* c, const Catalog& cat, const ObjectDef& def, const std::string& id,
                     const HttpRequest& req);
  HttpResponse Remove(const Principal& p, Conn* c, const Catalog& cat, const ObjectDef& def, const std::string& id,
                      const HttpRequest& req);
  HttpResponse Restore(const Principal& p, Conn* c, const Catalog& cat, const ObjectDef& def, const std::string& id);
  HttpResponse History(const Principal& p, Conn* c, const ObjectDef& def, const std::string& id);
  HttpResponse Search(const Principal& p, Conn* c, const HttpRequest& req);
  HttpResponse Aggregate(const Principal& p, Conn* c, const ObjectDef& def, const HttpRequest& req);
  HttpResponse Export(const Principal& p, std::shared_ptr<const Catalog> cat, const ObjectDef& def,
                      const HttpRequest& req);
  // Imports and vCard export (issue 4, api_import.cc).
  HttpResponse Imports(const Principal& p, Conn* c, const std::vector<std::string>& seg, HttpRequest& req);
  // Continues stored import `id` in the background as `p`: true if started,
  // false if it is already running here.
  Result<bool> ResumeImport(Conn* c, const Principal& p, std::shared_ptr<const Catalog> cat, const std::string& id);
  HttpResponse ExportVCard(const Principal& p, std::shared_ptr<const Catalog> cat);
  // Enrichment, scoring, assignment, first-response report, notifications
  // (issue 4, api_leads_admin.cc); nullopt for paths it does not serve.
  std::optional<HttpResponse> LeadsAdmin(const Principal& p, Conn* c, const std::vector<std::string>& seg,
                                         HttpRequest& req);
  // Overdue tasks per rep (issue 5, api_commitments.cc); nullopt for other paths.
  std::optional<HttpResponse> CommitmentsApi(const Principal& p, Conn* c, const std::vector<std::string>& seg,
                                             HttpRequest& req);
  // Follow-up cadences and their enrollments (issue 5, api_cadences.cc);
  // nullopt for other paths.
  std::optional<HttpResponse> CadencesApi(const Principal& p, Conn* c, const std::vector<std::string>& seg,
                                          HttpRequest& req);
  // Team selling (issue 5, api_team.cc): record teams, follows, feeds,
  // team roles; nullopt for other paths.
  std::optional<HttpResponse> TeamApi(const Principal& p, Conn* c, const std::vector<std::string>& seg,
                                      HttpRequest& req);
  // Web-to-lead forms (issue 4, api_forms.cc): /api/v1/forms (administrators),
  // /api/v1/email_outbox, and the public pages /f/{key} and /f/confirm/{token}.
  HttpResponse FormsApi(const Principal& p, Conn* c, const std::vector<std::string>& seg, HttpRequest& req);
  HttpResponse PublicForm(HttpRequest& req, Conn* c);
  // Lead status flow and convert, campaign members, mailing list and call
  // list (issue 4, api_leads.cc). IsLeadGenRoute says which paths it serves.
  static bool IsLeadGenRoute(const std::vector<std::string>& seg);
  HttpResponse LeadGenApi(const Principal& p, Conn* c, const std::vector<std::string>& seg, HttpRequest& req);

  ConnPool* pool_;
  ApiOptions opts_;
  CatalogCache catalogs_;
  PrincipalCache principals_;  // credential -> principal, for about a second
  std::shared_ptr<ImportJobs> import_jobs_ = MakeImportJobs();  // issue 4
  std::shared_ptr<FormRateLimiter> form_limiter_ = MakeFormRateLimiter();  // issue 4: web forms
};

// A JSON response; invalid UTF-8 in strings becomes U+FFFD.
HttpResponse JsonResponse(int status, const nlohmann::json& body);

// Splits "/a/b/c" into {"a","b","c"} (empty segments dropped).
std::vector<std::string> PathSegments(const std::string& path);

// Parses a JSON request body: depth-limited (64), objects only at the top.
Result<nlohmann::json> ParseJsonBody(const std::string& body);

// Builds a ListQuery from query parameters (filter, sort, limit, cursor,
// deleted), validating every field name and value against `def`.
Result<ListQuery> ParseListQuery(const ObjectDef& def, const std::vector<std::pair<std::string, std::string>>& query);

// One CSV field: quoted when needed; text that a spreadsheet would run as a
// formula (= + - @ tab CR first) is prefixed with an apostrophe.
std::string CsvField(const FieldDef& f, const Value& v);

// The OpenAPI 3.1 document for a catalogue.
nlohmann::json BuildOpenApi(const Catalog& cat);

// The printable quote as HTML or PDF (`format` "html" | "pdf"; issue 5,
// api_quote_document.cc): 404 unless `p` may see the quote.
HttpResponse QuoteDocumentResponse(const Principal& p, Conn* c, const Catalog& cat, const std::string& quote_id,
                                   const std::string& format);

// The placeholder web page (the web app replaces it in a later issue).
const std::string& WebPage();

}  // namespace rapport
