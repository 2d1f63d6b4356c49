#include "http/api.h"

#include <chrono>

#include "app/auth.h"
#include "app/import.h"  // issue 4: imports, vCard export, phone region
#include "base/ids.h"
#include "base/log.h"
#include "base/time.h"
#include "http/assets.h"
#include "http/dav.h"  // issue 5: CalDAV/CardDAV, iCalendar feed
#include "http/metrics.h"
#include "meta/json_writer.h"
#include "meta/validate.h"
#include "store/metadata.h"
#include "store/search.h"
#include "app/quotes.h"
#include "app/settings.h"

namespace rapport {

using nlohmann::json;

HttpResponse JsonResponse(int status, const json& body) {
  HttpResponse r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return r;
}

std::vector<std::string> PathSegments(const std::string& path) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < path.size()) {
    while (i < path.size() && path[i] == '/') ++i;
    size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    if (j > i) out.push_back(path.substr(i, j - i));
    i = j;
  }
  return out;
}

namespace {

constexpr const char* kCookieName = "rapport_session";


HttpResponse RecordResponse(int status, const ObjectDef& def, const Record& rec) {
  HttpResponse r;
  r.status = status;
  r.body.reserve(64 * def.fields.size());
  AppendRecordJson(def, rec.values, &r.body);
  r.headers.emplace_back("ETag", "\"" + std::to_string(rec.version(def)) + "\"");
  return r;
}


std::string CookieValue(const std::string& header, const std::string& name) {
  size_t pos = 0;
  while (pos < header.size()) {
    while (pos < header.size() && (header[pos] == ' ' || header[pos] == ';')) ++pos;
    size_t end = header.find(';', pos);
    if (end == std::string::npos) end = header.size();
    std::string part = header.substr(pos, end - pos);
    size_t eq = part.find('=');
    if (eq != std::string::npos && part.substr(0, eq) == name) return part.substr(eq + 1);
    pos = end + 1;
  }
  return {};
}

// If-Match: "3", W/"3" or 3. Nullopt when absent; error when malformed.
Result<std::optional<int64_t>> ParseIfMatch(const std::string& h) {
  if (h.empty()) return std::optional<int64_t>{};
  std::string v = h;
  if (v.rfind("W/", 0) == 0) v = v.substr(2);
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  if (v.empty() || v.size() > 18) return Status::InvalidArgument("If-Match must be a record version like \"3\"", "If-Match");
  for (char c : v) {
    if (c < '0' || c > '9') return Status::InvalidArgument("If-Match must be a record version like \"3\"", "If-Match");
  }
  return std::optional<int64_t>{std::stoll(v)};
}

bool IsUnsafe(const std::string& m) { return m != "GET" && m != "HEAD" && m != "OPTIONS"; }

}  // namespace

Result<json> ParseJsonBody(const std::string& body) {
  if (body.empty()) return Status::InvalidArgument("request body is empty; send a JSON object");
  // nlohmann's parser recurses: refuse deep nesting before parsing.
  int depth = 0;
  bool in_str = false, esc = false;
  for (char ch : body) {
    if (in_str) {
      if (esc) esc = false;
      else if (ch == '\\') esc = true;
      else if (ch == '"') in_str = false;
    } else if (ch == '"') {
      in_str = true;
    } else if (ch == '{' || ch == '[') {
      if (++depth > 64) return Status::InvalidArgument("malformed JSON: nested more than 64 levels deep");
    } else if (ch == '}' || ch == ']') {
      --depth;
    }
  }
  try {
    return json::parse(body);
  } catch (const json::parse_error& e) {
    std::string what = e.what();
    auto pos = what.find("parse error");
    return Status::InvalidArgument("malformed JSON: " + (pos == std::string::npos ? what : what.substr(pos)));
  }
}

Result<ListQuery> ParseListQuery(const ObjectDef& def, const std::vector<std::pair<std::string, std::string>>& query) {
  ListQuery q;
  auto parse_value = [&](const FieldDef& f, FilterOp op, const std::string& text) -> Result<Value> {
    if (op == FilterOp::kContains || op == FilterOp::kStartsWith) {
      if (text.empty()) return Status::InvalidArgument("filter: " + f.name + " needs a value", f.name);
      if (text.size() > 1000) return Status::InvalidArgument("filter: value too long", f.name);
      return Value{text};
    }
    // Date-only values are accepted for date-times (midnight UTC).
    if (f.kind == FieldKind::kDateTime && text.size() == 10) {
      int y, m, d;
      if (ParseDate(text, &y, &m, &d)) return Value{text + "T00:00:00.000Z"};
    }
    if (f.name == "version") {
      char* end = nullptr;
      long long n = std::strtoll(text.c_str(), &end, 10);
      if (text.empty() || *end) return Status::InvalidArgument("filter: version must be an integer", "version");
      return Value{int64_t{n}};
    }
    if (f.kind == FieldKind::kMultiPicklist) return Value{text};
    FieldDef loose = f;  // filters may name any value the field could hold
    loose.max_length = 0;
    if (loose.kind == FieldKind::kText) loose.max_length = 1000;
    auto r = ParseTextValue(loose, text);
    if (!r.ok()) return Status::InvalidArgument("filter: " + r.status().message(), f.name);
    return r;
  };
  auto add_filter = [&](const std::string& field, const std::string& op_name, const json& jv,
                        const std::string& text, bool from_json) -> Status {
    const FieldDef* f = def.Find(field);
    if (!f) return Status::InvalidArgument("filter: unknown field '" + field + "' on " + def.name, field);
    Filter flt;
    flt.field = field;
    if (!ParseFilterOp(op_name, &flt.op))
      return Status::InvalidArgument("filter: unknown operator '" + op_name +
                                         "' (eq, ne, lt, lte, gt, gte, in, not_in, contains, starts_with, is_null)",
                                     field);
    if (flt.op == FilterOp::kIsNull) {
      bool want = true;
      if (from_json) {
        if (!jv.is_boolean()) return Status::InvalidArgument("filter: is_null takes true or false", field);
        want = jv.get<bool>();
      } else if (text == "false" || text == "0") {
        want = false;
      } else if (!(text.empty() || text == "true" || text == "1")) {
        return Status::InvalidArgument("filter: is_null takes true or false", field);
      }
      flt.values.emplace_back(int64_t{want ? 1 : 0});
    } else if (flt.op == FilterOp::kIn || flt.op == FilterOp::kNotIn) {
      std::vector<std::string> items;
      if (from_json) {
        if (!jv.is_array()) return Status::InvalidArgument("filter: in takes an array", field);
        for (auto& e : jv) items.push_back(e.is_string() ? e.get<std::string>() : e.dump());
      } else {
        size_t start = 0;
        while (start <= text.size()) {
          size_t end = text.find(',', start);
          if (end == std::string::npos) end = text.size();
          items.push_back(text.substr(start, end - start));
          start = end + 1;
        }
      }
      for (auto& it : items) {
        RP_ASSIGN_OR_RETURN(Value v, parse_value(*f, flt.op, it));
        flt.values.push_back(std::move(v));
      }
    } else {
      std::string t = text;
      if (from_json) {
        if (jv.is_null()) t.clear();
        else t = jv.is_string() ? jv.get<std::string>() : jv.dump();
      }
      RP_ASSIGN_OR_RETURN(Value v, parse_value(*f, flt.op, t));
      flt.values.push_back(std::move(v));
    }
    q.filters.push_back(std::move(flt));
    return Status::Ok();
  };

  for (const auto& [key, val] : query) {
    if (key == "filter") {
      if (!val.empty() && val[0] == '{') {
        json j = json::parse(val, nullptr, false);
        if (!j.is_object()) return Status::InvalidArgument("filter: malformed JSON filter", "filter");
        for (auto it = j.begin(); it != j.end(); ++it) {
          if (!it.value().is_object())
            return Status::InvalidArgument("filter: expected {\"field\": {\"op\": value}}", it.key());
          for (auto op = it.value().begin(); op != it.value().end(); ++op)
            RP_RETURN_IF_ERROR(add_filter(it.key(), op.key(), op.value(), "", true));
        }
      } else {
        size_t c1 = val.find(':');
        size_t c2 = c1 == std::string::npos ? std::string::npos : val.find(':', c1 + 1);
        if (c1 == std::string::npos)
          return Status::InvalidArgument("filter: expected field:operator:value, e.g. status:eq:new", "filter");
        std::string field = val.substr(0, c1);
        std::string op = c2 == std::string::npos ? val.substr(c1 + 1) : val.substr(c1 + 1, c2 - c1 - 1);
        std::string v = c2 == std::string::npos ? "" : val.substr(c2 + 1);
        RP_RETURN_IF_ERROR(add_filter(field, op, nullptr, v, false));
      }
    } else if (key == "sort") {
      size_t start = 0;
      while (start < val.size()) {
        size_t end = val.find(',', start);
        if (end == std::string::npos) end = val.size();
        std::string k = val.substr(start, end - start);
        start = end + 1;
        if (k.empty()) continue;
        SortKey sk;
        if (k[0] == '-' || k[0] == '+') {
          sk.descending = k[0] == '-';
          k = k.substr(1);
        }
        if (!def.Find(k)) return Status::InvalidArgument("sort: unknown field '" + k + "' on " + def.name, "sort");
        sk.field = k;
        q.sort.push_back(sk);
      }
      if (q.sort.size() > 8) return Status::InvalidArgument("sort: at most 8 keys", "sort");
    } else if (key == "limit") {
      char* end = nullptr;
      long n = std::strtol(val.c_str(), &end, 10);
      if (val.empty() || *end || n < 1 || n > 1000)
        return Status::InvalidArgument("limit must be an integer from 1 to 1000", "limit");
      q.limit = static_cast<int>(n);
    } else if (key == "cursor") {
      q.cursor = val;
    } else if (key == "deleted") {
      if (val == "only") q.deleted = DeletedFilter::kOnly;
      else if (val == "include") q.deleted = DeletedFilter::kInclude;
      else if (val == "exclude" || val.empty()) q.deleted = DeletedFilter::kExclude;
      else return Status::InvalidArgument("deleted must be exclude, include or only", "deleted");
    } else {
      return Status::InvalidArgument("unknown query parameter '" + key +
                                         "' (filter, sort, limit, cursor, deleted)",
                                     key);
    }
  }
  if (q.filters.size() > 32) return Status::InvalidArgument("filter: at most 32 conditions", "filter");
  return q;
}

int Api::HttpStatus(const Status& s) {
  switch (s.code()) {
    case Status::Code::kOk: return 200;
    case Status::Code::kInvalidArgument: return 400;
    case Status::Code::kUnauthenticated: return 401;
    case Status::Code::kPermissionDenied: return 403;
    case Status::Code::kNotFound: return 404;
    case Status::Code::kConflict: return 409;
    case Status::Code::kPreconditionFailed: return 412;
    case Status::Code::kTooLarge: return 413;
    case Status::Code::kUnprocessable: return 422;
    case Status::Code::kRateLimited: return 429;
    case Status::Code::kUnavailable: return 503;
    case Status::Code::kInternal: return 500;
  }
  return 500;
}

HttpResponse Api::Error(const Status& s) {
  int status = HttpStatus(s);
  std::string message = s.message();
  if (status == 500) {
    spdlog::error("internal error: {}", s.message());
    message = "internal error";  // details stay in the log
  }
  json e = {{"code", s.code_name()}, {"message", message}};
  e["field"] = s.field().empty() ? json(nullptr) : json(s.field());
  if (!s.details().empty() && status != 500) {  // e.g. a blocked stage move's missing_fields (issue 5)
    json d = json::object();
    for (const auto& [key, values] : s.details()) d[key] = values;
    e["details"] = d;
  }
  HttpResponse r = JsonResponse(status, json{{"error", e}});
  if (status == 401) r.headers.emplace_back("WWW-Authenticate", "Bearer");
  if (status == 503 || status == 429) r.headers.emplace_back("Retry-After", "1");
  return r;
}

Result<Principal> Api::Authenticate(const HttpRequest& req, Conn* c) {
  const std::string& authz = req.Header("authorization");
  if (!authz.empty()) {
    if (authz.rfind("Bearer ", 0) != 0) return Status::Unauthenticated("Authorization must be 'Bearer <token>'");
    if (auto hit = principals_.Find(authz)) return *std::move(hit);
    uint64_t gen = principals_.generation();
    RP_ASSIGN_OR_RETURN(Principal p, Auth::AuthenticateToken(c, authz.substr(7)));
    principals_.Put(authz, gen, p);
    return p;
  }
  std::string cookie = CookieValue(req.Header("cookie"), kCookieName);
  if (cookie.empty()) return Status::Unauthenticated("sign in or send an API token");
  Principal p;
  if (auto hit = principals_.Find(cookie)) {
    p = *std::move(hit);
  } else {
    uint64_t gen = principals_.generation();
    RP_ASSIGN_OR_RETURN(p, Auth::AuthenticateSession(c, cookie));
    principals_.Put(cookie, gen, p);
  }
  if (IsUnsafe(req.method)) {
    const std::string& csrf = req.Header("x-csrf-token");
    if (csrf.empty() || !ConstantTimeEquals(csrf, p.csrf_token))
      return Status::PermissionDenied("missing or wrong X-CSRF-Token header");
  }
  return p;
}

Result<std::shared_ptr<const Catalog>> Api::CatalogFor(Conn* c, const Principal& p) {
  return catalogs_.Get(c, p.scope.org_id(), p.meta_version);
}

HttpResponse Api::Handle(HttpRequest& req) {
  auto start = std::chrono::steady_clock::now();
  HttpResponse res;
  if (!ParseTarget(req.target, &req.path, &req.query)) {
    res = Error(Status::InvalidArgument("malformed percent-encoding in the URL"));
  } else {
    auto conn = pool_->Get();
    if (!conn.ok()) {
      res = Error(conn.status());
    } else {
      Conn* c = *conn;
      // A request's reads share one read transaction (one snapshot, one lock).
      bool read_tx = req.method == "GET" && req.path.rfind("/api/", 0) == 0;
      if (read_tx) {
        Status st = c->Begin(TxMode::kRead);
        if (!st.ok()) read_tx = false;
      }
      try {
        res = Route(req, c);
      } catch (const std::exception& e) {
        spdlog::error("{} {}: {}", req.method, req.path, e.what());
        res = Error(Status::Internal(e.what()));
      }
      if (read_tx || c->InTransaction()) c->Rollback();
      // Whatever this request changed (a token, a role, a session, metadata)
      // applies to the next request: drop the cached principals.
      if (IsUnsafe(req.method)) principals_.Invalidate();
    }
  }
  long us = static_cast<long>(
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start).count());
  Metrics::Get().Observe(res.status, us);
  if (spdlog::should_log(spdlog::level::info) && req.path != "/healthz" && req.path != "/metrics") {
    spdlog::info("{} {} {} {} {}us", req.client_ip, req.method, req.path, res.status, us);
  }
  return res;
}

HttpResponse Api::Route(HttpRequest& req, Conn* c) {
  const std::string& m = req.method;
  if (req.path == "/healthz") {
    auto r = c->Query("SELECT 1");
    if (!r.ok()) return Error(Status::Unavailable("database unavailable"));
    return JsonResponse(200, {{"status", "ok"}});
  }
  if (req.path == "/metrics") {
    HttpResponse r;
    r.content_type = "text/plain; version=0.0.4";
    r.body = Metrics::Get().Render();
    return r;
  }
  // Calendar and contacts sync (issue 5, dav.cc): CalDAV/CardDAV and the iCalendar feed.
  if (IsDavPath(req.path)) return HandleDav(req, c, &catalogs_);
  // Public web-to-lead forms: no sign-in (issue 4, api_forms.cc).
  if (req.path.rfind("/f/", 0) == 0) return PublicForm(req, c);
  // The web app (embedded files; index.html for client routes like /leads/1).
  if ((m == "GET" || m == "HEAD") && req.path != "/api" && req.path.rfind("/api/", 0) != 0) return ServeWebApp(req);

  std::vector<std::string> seg = PathSegments(req.path);
  if (seg.size() < 2 || seg[0] != "api" || seg[1] != "v1") return Error(Status::NotFound("no route for " + req.path));
  seg.erase(seg.begin(), seg.begin() + 2);
  if (seg.empty()) return Error(Status::NotFound("no route for " + req.path));

  if (seg.size() == 2 && seg[0] == "auth" && seg[1] == "login") {
    if (m != "POST") return Error(Status::NotFound("use POST /api/v1/auth/login"));
    return Login(req, c);
  }
  if (seg.size() == 1 && seg[0] == "openapi.json") return OpenApi(req, c);

  auto principal = Authenticate(req, c);
  if (!principal.ok()) return Error(principal.status());
  const Principal& p = *principal;
  PhoneRegionScope phone_region(OrgDefaultRegion(c, p.scope.org_id()));  // issue 4: E.164 in the org's region

  if (seg[0] == "auth" && seg.size() == 2) {
    if (seg[1] == "logout" && m == "POST") return Logout(p, c);
    if (seg[1] == "me" && m == "GET") return Me(p);
    if (seg[1] == "password" && m == "POST") return ChangePassword(p, c, req);
    return Error(Status::NotFound("no route for " + m + " " + req.path));
  }
  // A one-time password opens a session that can only choose a new password.
  if (p.via_session && p.must_change_password)
    return Error(Status::PermissionDenied("choose a new password first (POST /api/v1/auth/password)"));
  if (seg[0] == "metadata") {
    if (seg.size() == 3 && seg[2] == "fields") {
      if (m == "GET") return ListFields(p, c, seg[1]);
      if (m == "POST") return AddField(p, c, seg[1], req);
    }
    if (seg.size() == 1 && m == "GET") return ListFields(p, c, "");
    return Error(Status::NotFound("no route for " + m + " " + req.path));
  }

  if (seg.size() == 2 && seg[0] == "me" && seg[1] == "ical") return ICalFeedSecret(p, c, req);  // issue 5 (dav.cc)
  if (seg.size() == 1 && seg[0] == "search" && m == "GET") return Search(p, c, req);
  if (seg.size() == 1 && seg[0] == "settings") {
    if (m == "PATCH") {
      auto body = ParseJsonBody(req.body);
      if (!body.ok()) return Error(body.status());
      if (!body->is_object()) return Error(Status::InvalidArgument("request body must be a JSON object"));
      Status st = InTransaction(c, TxMode::kWrite, [&]() -> Status {
        for (auto it = body->begin(); it != body->end(); ++it) {
          std::string v = it.value().is_string() ? it.value().get<std::string>() : it.value().dump();
          RP_RETURN_IF_ERROR(SetSetting(c, p.scope, it.key(), v));
        }
        return Status::Ok();
      });
      if (!st.ok()) return Error(st);
    } else if (m != "GET") {
      return Error(Status::NotFound("no route for " + m + " " + req.path));
    }
    auto s = LoadSettings(c, p.scope.org_id());
    if (!s.ok()) return Error(s.status());
    return JsonResponse(200, SettingsToJson(*s));
  }

  if (auto r = LeadsAdmin(p, c, seg, req)) return std::move(*r);  // issue 4: scoring, assignment (api_leads_admin.cc)
  if (auto r = CommitmentsApi(p, c, seg, req)) return std::move(*r);  // issue 5: overdue tasks (api_commitments.cc)
  // The generic list routes every object has (aggregate, CSV export) go past
  // the object-specific handlers below, which would read them as an id.
  const bool list_route = seg.size() == 2 && m == "GET" && (seg[1] == "aggregate" || seg[1] == "export.csv");
  if (list_route) {
  } else if (auto r = CadencesApi(p, c, seg, req)) {
    return std::move(*r);  // issue 5: cadences (api_cadences.cc)
  }
  if (auto r = TeamApi(p, c, seg, req)) return std::move(*r);  // issue 5: teams, follows, feeds (api_team.cc)
  if (seg[0] == "imports") return Imports(p, c, seg, req);  // issue 4 (api_import.cc)
  if ((seg[0] == "forms" && !list_route) || seg[0] == "email_outbox") return FormsApi(p, c, seg, req);  // issue 4 (api_forms.cc)
  if (IsLeadGenRoute(seg)) return LeadGenApi(p, c, seg, req);  // issue 4 (api_leads.cc)
  auto cat = CatalogFor(c, p);
  if (!cat.ok()) return Error(cat.status());
  auto def = RecordService::Object(**cat, seg[0]);
  if (!def.ok()) return Error(def.status());
  const ObjectDef& d = **def;
  if (seg.size() == 1) {
    if (m == "GET") return List(p, c, d, req);
    if (m == "POST") return Create(p, c, **cat, d, req);
  } else if (seg.size() == 2 && seg[1] == "aggregate" && m == "GET") {
    return Aggregate(p, c, d, req);
  } else if (seg.size() == 2 && seg[1] == "export.csv" && m == "GET") {
    return Export(p, *cat, d, req);
  } else if (seg.size() == 2 && seg[1] == "export.vcf" && m == "GET" && d.name == "contacts") {
    return ExportVCard(p, *cat);  // issue 4 (api_import.cc)
  } else if (seg.size() == 2) {
    if (m == "GET") return GetOne(p, c, d, seg[1]);
    if (m == "PATCH") return Patch(p, c, **cat, d, seg[1], req);
    if (m == "DELETE") return Remove(p, c, **cat, d, seg[1], req);
  } else if (seg.size() == 3) {
    if (seg[2] == "restore" && m == "POST") return Restore(p, c, **cat, d, seg[1]);
    if (seg[2] == "revise" && m == "POST" && d.name == "quotes") {
      auto r = Quotes::Revise(c, p.scope, **cat, seg[1]);
      if (!r.ok()) return Error(r.status());
      return RecordResponse(201, d, *r);
    }
    if ((seg[2] == "document.html" || seg[2] == "document.pdf") && m == "GET" && d.name == "quotes")
      return QuoteDocumentResponse(p, c, **cat, seg[1], seg[2] == "document.pdf" ? "pdf" : "html");  // issue 5
    if (seg[2] == "history" && m == "GET") return History(p, c, d, seg[1]);
    if (seg[2] == "health" && m == "GET" && d.name == "accounts") {
      auto h = RecordService::AccountHealth(c, p.scope, **cat, seg[1]);
      if (!h.ok()) return Error(h.status());
      return JsonResponse(200, *h);
    }
    if (seg[2] == "stage_history" && m == "GET" && d.name == "opportunities") {
      auto h = RecordService::StageHistory(c, p.scope, **cat, seg[1]);
      if (!h.ok()) return Error(h.status());
      return JsonResponse(200, *h);
    }
  }
  return Error(Status::NotFound("no route for " + m + " " + req.path));
}

HttpResponse Api::Login(HttpRequest& req, Conn* c) {
  auto body = ParseJsonBody(req.body);
  if (!body.ok()) return Error(body.status());
  const json& b = *body;
  if (!b.is_object()) return Error(Status::InvalidArgument("request body must be a JSON object"));
  for (auto it = b.begin(); it != b.end(); ++it) {
    if (it.key() != "email" && it.key() != "password" && it.key() != "org")
      return Error(Status::InvalidArgument("unknown field '" + it.key() + "'", it.key()));
  }
  if (!b.contains("email") || !b["email"].is_string() || b["email"].get<std::string>().empty())
    return Error(Status::InvalidArgument("email: is required", "email"));
  if (!b.contains("password") || !b["password"].is_string() || b["password"].get<std::string>().empty())
    return Error(Status::InvalidArgument("password: is required", "password"));
  if (b.contains("org") && !b["org"].is_string()) return Error(Status::InvalidArgument("org: must be a string", "org"));
  std::string password = b["password"].get<std::string>();
  if (password.size() > 1024) return Error(Status::InvalidArgument("password: is too long", "password"));
  int delay = 0;
  auto r = Auth::Login(c, b["email"].get<std::string>(), password, req.client_ip,
                       b.value("org", std::string()), &delay, opts_.login);
  if (!r.ok()) {
    if (r.status().code() == Status::Code::kUnauthenticated) Metrics::Get().CountLoginFailure();
    HttpResponse e = Error(r.status());
    e.delay_ms = delay;
    return e;
  }
  json user = {{"id", r->principal.scope.user_id()},
               {"email", r->principal.email},
               {"name", r->principal.name},
               {"role", RoleName(r->principal.scope.role())},
               {"org_id", r->principal.scope.org_id()}};
  HttpResponse res = JsonResponse(200, {{"user", user},
                                        {"csrf_token", r->csrf_token},
                                        {"must_change_password", r->principal.must_change_password}});
  std::string cookie = std::string(kCookieName) + "=" + r->session_token +
                       "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(r->expires_in_s);
  if (opts_.secure_cookies) cookie += "; Secure";
  res.headers.emplace_back("Set-Cookie", cookie);
  res.headers.emplace_back("Cache-Control", "no-store");
  return res;
}

HttpResponse Api::Logout(const Principal& p, Conn* c) {
  Status st = Auth::Logout(c, p);
  if (!st.ok()) return Error(st);
  HttpResponse res;
  res.status = 204;
  res.headers.emplace_back("Set-Cookie", std::string(kCookieName) + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
  return res;
}

HttpResponse Api::ChangePassword(const Principal& p, Conn* c, const HttpRequest& req) {
  auto body = ParseJsonBody(req.body);
  if (!body.ok()) return Error(body.status());
  const json& b = *body;
  if (!b.is_object()) return Error(Status::InvalidArgument("request body must be a JSON object"));
  for (auto it = b.begin(); it != b.end(); ++it) {
    if (it.key() != "current_password" && it.key() != "new_password")
      return Error(Status::InvalidArgument("unknown field '" + it.key() + "'", it.key()));
  }
  for (const char* f : {"current_password", "new_password"}) {
    if (!b.contains(f) || !b[f].is_string() || b[f].get<std::string>().empty())
      return Error(Status::InvalidArgument(std::string(f) + ": is required", f));
  }
  Status st = Auth::ChangePassword(c, p, b["current_password"], b["new_password"]);
  if (!st.ok()) return Error(st);
  spdlog::info("auth: {} changed their password", p.email);
  HttpResponse res;
  res.status = 204;
  return res;
}

HttpResponse Api::Me(const Principal& p) {
  json user = {{"id", p.scope.user_id()},
               {"email", p.email},
               {"name", p.name},
               {"role", RoleName(p.scope.role())},
               {"org_id", p.scope.org_id()},
               {"team_ids", p.scope.team_ids()}};
  json out = {{"user", user}, {"must_change_password", p.must_change_password}};
  if (p.via_session) out["csrf_token"] = p.csrf_token;
  return JsonResponse(200, out);
}

HttpResponse Api::OpenApi(const HttpRequest& req, Conn* c) {
  // Authenticated callers get their organisation's custom fields too.
  if (!req.Header("authorization").empty() || !CookieValue(req.Header("cookie"), kCookieName).empty()) {
    auto p = Authenticate(req, c);
    if (!p.ok()) return Error(p.status());
    auto cat = CatalogFor(c, *p);
    if (!cat.ok()) return Error(cat.status());
    return JsonResponse(200, BuildOpenApi(**cat));
  }
  return JsonResponse(200, BuildOpenApi(StandardCatalog()));
}

namespace {
json FieldToJson(const FieldDef& f) {
  json j = {{"name", f.name},         {"label", f.label},       {"type", FieldKindName(f.kind)},
            {"required", f.required}, {"read_only", f.read_only || f.system}, {"custom", f.custom},
            {"indexed", f.indexed}};
  if (f.kind == FieldKind::kText || f.kind == FieldKind::kLongText) j["max_length"] = f.EffectiveMaxLength();
  if (!f.options.empty()) j["options"] = f.options;
  if (!f.ref_object.empty()) j["reference"] = f.ref_object;
  if (f.min) j["min"] = *f.min;
  if (f.max) j["max"] = *f.max;
  return j;
}
}  // namespace

HttpResponse Api::ListFields(const Principal& p, Conn* c, const std::string& object) {
  auto cat = CatalogFor(c, p);
  if (!cat.ok()) return Error(cat.status());
  json out = json::object();
  for (const auto& [name, def] : (*cat)->objects()) {
    if (!object.empty() && name != object) continue;
    json fields = json::array();
    for (const auto& f : def.fields) fields.push_back(FieldToJson(f));
    out[name] = {{"name", name}, {"label", def.label}, {"fields", fields}};
  }
  if (!object.empty()) {
    if (!out.contains(object)) return Error(Status::NotFound("unknown object '" + object + "'"));
    return JsonResponse(200, {{"data", out[object]["fields"]}});
  }
  return JsonResponse(200, {{"data", out}});
}

HttpResponse Api::AddField(const Principal& p, Conn* c, const std::string& object, const HttpRequest& req) {
  if (!p.scope.is_admin()) return Error(Status::PermissionDenied("only administrators may add fields"));
  const ObjectDef* std_def = StandardCatalog().Find(object);
  if (!std_def) return Error(Status::NotFound("unknown object '" + object + "'"));
  auto body = ParseJsonBody(req.body);
  if (!body.ok()) return Error(body.status());
  const json& b = *body;
  if (!b.is_object()) return Error(Status::InvalidArgument("request body must be a JSON object"));
  static const char* kAllowed[] = {"name", "label", "type", "required", "options", "max_length", "reference", "indexed"};
  for (auto it = b.begin(); it != b.end(); ++it) {
    if (std::find(std::begin(kAllowed), std::end(kAllowed), it.key()) == std::end(kAllowed))
      return Error(Status::InvalidArgument("unknown field '" + it.key() + "'", it.key()));
  }
  FieldDef f;
  if (!b.contains("name") || !b["name"].is_string() || !IsValidFieldName(b["name"].get<std::string>()))
    return Error(Status::InvalidArgument("name: required, lower-case letters, digits and _ (starting with a letter)", "name"));
  f.name = b["name"].get<std::string>();
  if (f.name.rfind("cf_", 0) == 0) return Error(Status::InvalidArgument("name: may not start with cf_", "name"));
  if (b.contains("label")) {
    if (!b["label"].is_string() || b["label"].get<std::string>().empty() || b["label"].get<std::string>().size() > 100)
      return Error(Status::InvalidArgument("label: must be a string of 1 to 100 characters", "label"));
    f.label = b["label"].get<std::string>();
  } else {
    f.label = f.name;
  }
  if (!b.contains("type") || !b["type"].is_string() || !ParseFieldKind(b["type"].get<std::string>(), &f.kind))
    return Error(Status::InvalidArgument(
        "type: required, one of text, long_text, email, phone, url, number, money, date, datetime, bool, picklist, "
        "multi_picklist, reference",
        "type"));
  if (b.contains("required")) {
    if (!b["required"].is_boolean()) return Error(Status::InvalidArgument("required: must be true or false", "required"));
    f.required = b["required"].get<bool>();
  }
  if (b.contains("indexed")) {
    if (!b["indexed"].is_boolean()) return Error(Status::InvalidArgument("indexed: must be true or false", "indexed"));
    f.indexed = b["indexed"].get<bool>();
  }
  if (b.contains("max_length")) {
    if (!b["max_length"].is_number_integer() || b["max_length"].get<int64_t>() < 1 ||
        b["max_length"].get<int64_t>() > 100000)
      return Error(Status::InvalidArgument("max_length: must be an integer from 1 to 100000", "max_length"));
    f.max_length = static_cast<int>(b["max_length"].get<int64_t>());
  }
  bool picklist = f.kind == FieldKind::kPicklist || f.kind == FieldKind::kMultiPicklist;
  if (picklist) {
    if (!b.contains("options") || !b["options"].is_array() || b["options"].empty() || b["options"].size() > 500)
      return Error(Status::InvalidArgument("options: a picklist needs an array of 1 to 500 strings", "options"));
    for (const auto& o : b["options"]) {
      if (!o.is_string() || o.get<std::string>().empty() || o.get<std::string>().size() > 255)
        return Error(Status::InvalidArgument("options: every option must be a non-empty string", "options"));
      if (std::find(f.options.begin(), f.options.end(), o.get<std::string>()) != f.options.end())
        return Error(Status::InvalidArgument("options: '" + o.get<std::string>() + "' is listed twice", "options"));
      f.options.push_back(o.get<std::string>());
    }
  } else if (b.contains("options")) {
    return Error(Status::InvalidArgument("options: only picklists have options", "options"));
  }
  if (f.kind == FieldKind::kReference) {
    if (!b.contains("reference") || !b["reference"].is_string() || !StandardCatalog().Find(b["reference"].get<std::string>()))
      return Error(Status::InvalidArgument("reference: a reference field names the object it points to", "reference"));
    f.ref_object = b["reference"].get<std::string>();
  } else if (b.contains("reference")) {
    return Error(Status::InvalidArgument("reference: only reference fields point to an object", "reference"));
  }
  // Metadata changes are writes: the GET read transaction is not open here.
  Status st = AddCustomField(c, p.scope, object, f);
  if (!st.ok()) return Error(st);
  catalogs_.Invalidate(p.scope.org_id());
  spdlog::info("metadata: {} added field {}.{} ({})", p.email, object, f.name, FieldKindName(f.kind));
  f.custom = true;
  return JsonResponse(201, FieldToJson(f));
}

HttpResponse Api::List(const Principal& p, Conn* c, const ObjectDef& def, const HttpRequest& req) {
  auto q = ParseListQuery(def, req.query);
  if (!q.ok()) return Error(q.status());
  auto page = RecordStore::List(c, p.scope, def, *q);
  if (!page.ok()) return Error(page.status());
  HttpResponse res;
  res.body.reserve(64 * def.fields.size() * (page->records.size() + 1));
  res.body.append("{\"data\":[");
  for (size_t i = 0; i < page->records.size(); ++i) {
    if (i) res.body.push_back(',');
    AppendRecordJson(def, page->records[i].values, &res.body);
  }
  res.body.append("],\"next_cursor\":");
  if (page->next_cursor.empty()) res.body.append("null");
  else AppendJsonString(page->next_cursor, &res.body);
  res.body.push_back('}');
  return res;
}

HttpResponse Api::Create(const Principal& p, Conn* c, const Catalog& cat, const ObjectDef& def,
                         const HttpRequest& req) {
  auto body = ParseJsonBody(req.body);
  if (!body.ok()) return Error(body.status());
  std::string password;
  bool generated = false;
  if (def.name == "users" && body->is_object() && body->contains("password")) {
    if (!(*body)["password"].is_string()) return Error(Status::InvalidArgument("password: must be a string", "password"));
    password = (*body)["password"].get<std::string>();
    if (password.size() < 10) return Error(Status::InvalidArgument("password must have at least 10 characters", "password"));
  }
  Record rec;
  Status st = InTransaction(c, TxMode::kWrite, [&]() -> Status {
    RP_ASSIGN_OR_RETURN(rec, RecordService::Create(c, p.scope, cat, def, *body));
    if (def.name == "users") {
      if (password.empty()) {
        password = RandomToken(12);
        generated = true;
      }
      RP_RETURN_IF_ERROR(Auth::SetPassword(c, p.scope, ValueToString(rec.Get(def, "id")), password, generated));
    }
    return Status::Ok();
  });
  if (!st.ok()) return Error(st);
  HttpResponse r = RecordResponse(201, def, rec);
  if (generated) {
    json j = json::parse(r.body);
    j["one_time_password"] = password;
    r.body = j.dump();
  }
  r.headers.emplace_back("Location", "/api/v1/" + def.name + "/" + ValueToString(rec.Get(def, "id")));
  return r;
}

HttpResponse Api::GetOne(const Principal& p, Conn* c, const ObjectDef& def, const std::string& id) {
  auto r = RecordStore::Get(c, p.scope, def, id);
  if (!r.ok()) return Error(r.status());
  return RecordResponse(200, def, *r);
}

HttpResponse Api::Patch(const Principal& p, Conn* c, const Catalog& cat, const ObjectDef& def, const std::string& id,
                        const HttpRequest& req) {
  auto version = ParseIfMatch(req.Header("if-match"));
  if (!version.ok()) return Error(version.status());
  auto body = ParseJsonBody(req.body);
  if (!body.ok()) return Error(body.status());
  auto r = RecordService::Update(c, p.scope, cat, def, id, *body, *version);
  if (!r.ok()) return Error(r.status());
  return RecordResponse(200, def, *r);
}

HttpResponse Api::Remove(const Principal& p, Conn* c, const Catalog& cat, const ObjectDef& def, const std::string& id,
                         const HttpRequest& req) {
  auto version = ParseIfMatch(req.Header("if-match"));
  if (!version.ok()) return Error(version.status());
  auto r = RecordService::Delete(c, p.scope, cat, def, id, *version);
  if (!r.ok()) return Error(r.status());
  return RecordResponse(200, def, *r);
}

HttpResponse Api::Restore(const Principal& p, Conn* c, const Catalog& cat, const ObjectDef& def,
                          const std::string& id) {
  auto r = RecordService::Restore(c, p.scope, cat, def, id);
  if (!r.ok()) return Error(r.status());
  return RecordResponse(200, def, *r);
}

HttpResponse Api::History(const Principal& p, Conn* c, const ObjectDef& def, const std::string& id) {
  auto h = RecordStore::History(c, p.scope, def, id);
  if (!h.ok()) return Error(h.status());
  return JsonResponse(200, {{"data", RecordService::HistoryToJson(*h)}});
}

HttpResponse Api::Search(const Principal& p, Conn* c, const HttpRequest& req) {
  std::string q;
  int limit = 20;
  for (const auto& [k, v] : req.query) {
    if (k == "q") {
      q = v;
    } else if (k == "limit") {
      char* end = nullptr;
      long n = std::strtol(v.c_str(), &end, 10);
      if (v.empty() || *end || n < 1 || n > 50) return Error(Status::InvalidArgument("limit must be 1 to 50", "limit"));
      limit = static_cast<int>(n);
    } else {
      return Error(Status::InvalidArgument("unknown query parameter '" + k + "' (q, limit)", k));
    }
  }
  auto cat = CatalogFor(c, p);
  if (!cat.ok()) return Error(cat.status());
  auto hits = SearchIndex::Search(c, p.scope, **cat, q, limit);
  if (!hits.ok()) return Error(hits.status());
  json data = json::array();
  for (const auto& h : *hits)
    data.push_back({{"object", h.object}, {"id", h.id}, {"title", h.title}, {"subtitle", h.subtitle}});
  return JsonResponse(200, {{"data", data}});
}

HttpResponse Api::Aggregate(const Principal& p, Conn* c, const ObjectDef& def, const HttpRequest& req) {
  std::vector<std::pair<std::string, std::string>> rest;
  std::string group_by, sum, weight;
  for (const auto& [k, v] : req.query) {
    if (k == "group_by") group_by = v;
    else if (k == "sum") sum = v;
    else if (k == "weight") weight = v;
    else rest.emplace_back(k, v);
  }
  if (group_by.empty()) return Error(Status::InvalidArgument("group_by: is required", "group_by"));
  // Opportunities weight by their probability unless told otherwise.
  if (weight.empty() && !sum.empty() && def.Find("probability")) weight = "probability";
  for (const auto& [k, v] : rest) {
    if (k != "filter") return Error(Status::InvalidArgument("unknown query parameter '" + k + "'", k));
  }
  auto q = ParseListQuery(def, rest);
  if (!q.ok()) return Error(q.status());
  auto rows = RecordStore::Aggregate(c, p.scope, def, q->filters, group_by, sum, weight);
  if (!rows.ok()) return Error(rows.status());
  const FieldDef* g = def.Find(group_by);
  json data = json::array();
  for (const auto& r : *rows) {
    data.push_back({{"key", ValueToJson(*g, r.key)}, {"count", r.count}, {"sum", r.sum}, {"weighted_sum", r.weighted_sum}});
  }
  return JsonResponse(200, {{"data", data}});
}

std::string CsvField(const FieldDef& f, const Value& v) {
  if (IsNull(v)) return {};
  std::string s;
  if (f.kind == FieldKind::kBool) {
    s = std::get_if<int64_t>(&v) && std::get<int64_t>(v) ? "true" : "false";
  } else if (StorageOf(f.kind) == StorageClass::kReal || f.name == "version") {
    s = ValueToJson(f, v).dump();
  } else {
    s = ValueToString(v);
    if (f.kind == FieldKind::kMultiPicklist) {
      json arr = ValueToJson(f, v);
      s.clear();
      for (const auto& e : arr) s += (s.empty() ? "" : ";") + e.get<std::string>();
    }
    if (!s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r'))
      s = "'" + s;
  }
  if (s.find_first_of(",\"\r\n") != std::string::npos) {
    std::string q = "\"";
    for (char ch : s) {
      if (ch == '"') q += '"';
      q += ch;
    }
    q += '"';
    return q;
  }
  return s;
}

HttpResponse Api::Export(const Principal& p, std::shared_ptr<const Catalog> cat, const ObjectDef& def,
                         const HttpRequest& req) {
  std::vector<std::pair<std::string, std::string>> rest;
  std::vector<int> cols;
  bool columns_given = false;
  for (const auto& [k, v] : req.query) {
    if (k != "columns") {
      if (k == "cursor" || k == "limit")
        return Error(Status::InvalidArgument(k + ": an export covers every matching row", k));
      rest.emplace_back(k, v);
      continue;
    }
    columns_given = true;
    size_t start = 0;
    while (start <= v.size()) {
      size_t end = v.find(',', start);
      if (end == std::string::npos) end = v.size();
      std::string name = v.substr(start, end - start);
      start = end + 1;
      if (name.empty()) continue;
      int i = def.IndexOf(name);
      if (i < 0) return Error(Status::InvalidArgument("columns: unknown field '" + name + "' on " + def.name, "columns"));
      cols.push_back(i);
    }
  }
  if (!columns_given || cols.empty()) {
    for (size_t i = 0; i < def.fields.size(); ++i) {
      const FieldDef& f = def.fields[i];
      if (f.name == "id" || !(f.system || f.name == "version")) cols.push_back(static_cast<int>(i));
    }
  }
  auto parsed = ParseListQuery(def, rest);
  if (!parsed.ok()) return Error(parsed.status());
  ListQuery q = *parsed;
  q.limit = 1000;
  HttpResponse res;
  res.content_type = "text/csv; charset=utf-8";
  res.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + def.name + ".csv\"");
  res.headers.emplace_back("Cache-Control", "no-store");
  struct State {
    bool header_done = false;
    bool done = false;
    int64_t rows = 0;
  };
  auto state = std::make_shared<State>();
  ConnPool* pool = pool_;
  TenantScope scope = p.scope;
  const ObjectDef* d = &def;  // kept alive by `cat`
  res.stream = [state, pool, scope, cat, d, q, cols](std::string* out) mutable -> bool {
    if (!state->header_done) {
      state->header_done = true;
      out->append("\xEF\xBB\xBF");  // BOM: spreadsheets then read UTF-8 correctly
      for (size_t i = 0; i < cols.size(); ++i) {
        if (i) out->push_back(',');
        out->append(d->fields[cols[i]].name);
      }
      out->append("\r\n");
      return true;
    }
    auto conn = pool->Get();
    if (!conn.ok()) throw std::runtime_error(conn.status().ToString());
    auto page = RecordStore::List(*conn, scope, *d, q);
    if (!page.ok()) throw std::runtime_error(page.status().ToString());
    for (const auto& r : page->records) {
      for (size_t i = 0; i < cols.size(); ++i) {
        if (i) out->push_back(',');
        out->append(CsvField(d->fields[cols[i]], r.values[cols[i]]));
      }
      out->append("\r\n");
    }
    state->rows += static_cast<int64_t>(page->records.size());
    if (page->next_cursor.empty()) {
      spdlog::info("export: {} rows of {} for {}", state->rows, d->name, scope.user_id());
      return false;
    }
    q.cursor = page->next_cursor;
    return true;
  };
  return res;
}

}  // namespace rapport
