// REST handlers of enrichment, scoring and assignment (issue 4,
// docs/decisions/012-enrichment-scoring-assignment.md). Rules themselves are
// records: /api/v1/scoring_rules and /api/v1/assignment_rules (generic routes).
//
//   POST /api/v1/leads/rescore              recompute rule (and predicted) scores; body
//                                           optional: {"filter": {list API JSON filter}}
//   POST /api/v1/leads/{id}/enrich          run the enrichment providers on one lead
//   POST /api/v1/leads/{id}/assign          run the assignment rules on one lead
//   GET  /api/v1/leads/{id}/assignments     the lead's assignment log
//   GET  /api/v1/enrichment/companies       the company reference: version, size; ?domain=D looks one up
//   POST /api/v1/enrichment/companies       load a reference file (CSV/XLSX body, or the `file`
//                                           part of multipart/form-data); ?mode=replace|merge
//   GET  /api/v1/score_models[?object=]     trained models with their held-out AUC
//   POST /api/v1/score_models/train         train now: {"object": "leads", "seed": 42}
//   GET  /api/v1/reports/first_response     per rep: assigned, responded, median minutes,
//                                           breaches (?from=&to= ISO dates)
//   GET  /api/v1/notifications[?unread=true] the caller's notifications
//   POST /api/v1/notifications/{id}/read
#include <filesystem>
#include <fstream>

#include "app/assignment.h"
#include "app/enrichment.h"
#include "app/predictive.h"
#include "app/scoring.h"
#include "base/ids.h"
#include "base/log.h"
#include "http/api.h"
#include "io/multipart.h"
#include "store/metadata.h"

namespace rapport {

using nlohmann::json;

namespace {

struct TempFile {
  std::string path;
  ~TempFile() {
    if (!path.empty()) {
      std::error_code ec;
      std::filesystem::remove(path, ec);
    }
  }
};

std::string QueryParam(const HttpRequest& req, const std::string& key) {
  for (const auto& [k, v] : req.query) {
    if (k == key) return v;
  }
  return {};
}

Status OnlyParams(const HttpRequest& req, std::initializer_list<const char*> allowed) {
  for (const auto& [k, v] : req.query) {
    bool ok = false;
    for (const char* a : allowed) ok = ok || k == a;
    if (!ok) return Status::InvalidArgument("unknown query parameter '" + k + "'", k);
  }
  return Status::Ok();
}

}  // namespace

std::optional<HttpResponse> Api::LeadsAdmin(const Principal& p, Conn* c, const std::vector<std::string>& seg,
                                            HttpRequest& req) {
  const std::string& m = req.method;
  const std::string& top = seg[0];
  if (top != "leads" && top != "enrichment" && top != "score_models" && top != "reports" && top != "notifications")
    return std::nullopt;
  TempFile upload{req.body_file};

  // --- leads: rescore, enrich, assign, assignment log
  if (top == "leads") {
    bool ours = (seg.size() == 2 && seg[1] == "rescore" && m == "POST") ||
                (seg.size() == 3 && m == "POST" && (seg[2] == "enrich" || seg[2] == "assign")) ||
                (seg.size() == 3 && m == "GET" && seg[2] == "assignments");
    if (!ours) return std::nullopt;
    auto cat = CatalogFor(c, p);
    if (!cat.ok()) return Error(cat.status());
    const ObjectDef* leads = (*cat)->Find("leads");
    if (seg.size() == 2) {
      std::vector<Filter> filters;
      if (!req.body.empty()) {
        auto body = ParseJsonBody(req.body);
        if (!body.ok()) return Error(body.status());
        if (!body->is_object()) return Error(Status::InvalidArgument("request body must be a JSON object"));
        for (auto it = body->begin(); it != body->end(); ++it) {
          if (it.key() != "filter") return Error(Status::InvalidArgument("unknown field '" + it.key() + "' (filter)", it.key()));
        }
        if (body->contains("filter")) {
          auto q = ParseListQuery(*leads, {{"filter", (*body)["filter"].is_string() ? (*body)["filter"].get<std::string>()
                                                                                    : (*body)["filter"].dump()}});
          if (!q.ok()) return Error(q.status());
          filters = q->filters;
        }
      }
      auto r = RescoreLeads(c, p.scope, **cat, filters);
      if (!r.ok()) return Error(r.status());
      spdlog::info("scoring: {} rescored {} leads ({} changed, {} qualified)", p.email, r->scanned, r->changed,
                   r->qualified);
      return JsonResponse(200, r->ToJson());
    }
    const std::string& id = seg[1];
    if (seg[2] == "enrich") {
      auto r = EnrichLead(c, p.scope, **cat, id);
      if (!r.ok()) return Error(r.status());
      json filled = json::object();
      for (const auto& [f, prov] : r->filled) filled[f] = prov;
      return JsonResponse(200, {{"data", RecordService::ToJson(*leads, r->lead)}, {"filled", filled}});
    }
    if (seg[2] == "assign") {
      auto r = AssignLead(c, p.scope, **cat, id);
      if (!r.ok()) return Error(r.status());
      return JsonResponse(200, {{"data", RecordService::ToJson(*leads, r->lead)},
                        {"rule_id", r->decision.rule_id},
                        {"rule_name", r->decision.rule_name},
                        {"user_id", r->decision.user_id},
                        {"note", r->decision.note}});
    }
    // assignments: the lead must be visible
    auto lead = RecordStore::Get(c, p.scope, *leads, id);
    if (!lead.ok()) return Error(lead.status());
    auto rows = c->Query("SELECT id, rule_id, user_id, previous_user_id, reason, detail, at, by_user_id FROM "
                         "assignment_log WHERE org_id = ? AND lead_id = ? ORDER BY id",
                         {Value{p.scope.org_id()}, Value{id}});
    if (!rows.ok()) return Error(rows.status());
    json data = json::array();
    auto opt = [](const Value& v) { return IsNull(v) ? json(nullptr) : json(ValueToString(v)); };
    for (const auto& r : rows->rows) {
      data.push_back({{"id", ValueToString(r[0])}, {"rule_id", opt(r[1])}, {"user_id", opt(r[2])},
                      {"previous_user_id", opt(r[3])}, {"reason", ValueToString(r[4])}, {"detail", opt(r[5])},
                      {"at", ValueToString(r[6])}, {"by_user_id", opt(r[7])}});
    }
    return JsonResponse(200, {{"data", data}});
  }

  // --- the company reference of the offline provider
  if (top == "enrichment") {
    if (seg.size() != 2 || seg[1] != "companies") return Error(Status::NotFound("no route for " + m + " " + req.path));
    if (m == "GET") {
      Status q = OnlyParams(req, {"domain"});
      if (!q.ok()) return Error(q);
      auto info = CompanyReferenceInfo(c, p.scope);
      if (!info.ok()) return Error(info.status());
      std::string domain = QueryParam(req, "domain");
      if (!domain.empty()) {
        auto dir = CompanyDirectoryFor(c, p.scope.org_id());
        if (!dir.ok()) return Error(dir.status());
        const CompanyFacts* f = (*dir)->Find(NormalizeDomain(domain));
        if (!f) {
          (*info)["match"] = nullptr;
        } else {
          auto text = [](const std::string& v) { return v.empty() ? json(nullptr) : json(v); };
          json mj = {{"name", text(f->name)}, {"industry", text(f->industry)},
                     {"employee_band", text(f->employee_band)}, {"country", text(f->country)}};
          mj["employees"] = f->employees >= 0 ? json(f->employees) : json(nullptr);
          (*info)["match"] = mj;
        }
      }
      return JsonResponse(200, *info);
    }
    if (m != "POST") return Error(Status::NotFound("no route for " + m + " " + req.path));
    if (!p.scope.is_admin()) return Error(Status::PermissionDenied("only administrators may load enrichment reference data"));
    Status q = OnlyParams(req, {"mode", "file_name"});
    if (!q.ok()) return Error(q);
    std::string mode = QueryParam(req, "mode");
    if (mode.empty()) mode = "replace";
    if (mode != "replace" && mode != "merge")
      return Error(Status::InvalidArgument("mode: replace (the default) or merge", "mode"));
    std::string body_path = req.body_file;
    TempFile mem;
    if (body_path.empty()) {
      if (req.body.empty()) return Error(Status::InvalidArgument("send the reference file (CSV or XLSX) as the body", "file"));
      mem.path = (std::filesystem::temp_directory_path() / ("rapport-enrich-" + NewId() + ".body")).string();
      std::ofstream f(mem.path, std::ios::binary);
      f.write(req.body.data(), static_cast<std::streamsize>(req.body.size()));
      body_path = mem.path;
    }
    std::string file_name = QueryParam(req, "file_name");
    TempFile part;
    std::string boundary = MultipartBoundary(req.Header("content-type"));
    if (!boundary.empty()) {
      part.path = body_path + ".file";
      auto mp = ExtractMultipart(body_path, boundary, part.path);
      if (!mp.ok()) return Error(mp.status());
      if (!mp->has_file) return Error(Status::InvalidArgument("the multipart body has no file part (name it \"file\")", "file"));
      if (mp->file_bytes == 0) return Error(Status::InvalidArgument("the uploaded file is empty", "file"));
      for (const auto& [k, v] : mp->fields) {
        if (k == "mode" && (v == "replace" || v == "merge")) mode = v;
      }
      if (file_name.empty()) file_name = mp->file_name;
      body_path = part.path;
    } else {
      std::error_code ec;
      if (std::filesystem::file_size(body_path, ec) == 0 || ec)
        return Error(Status::InvalidArgument("the request body is empty; send the reference file", "file"));
    }
    if (file_name.empty()) file_name = "upload";
    auto r = LoadCompanyReference(c, p.scope, body_path, file_name, mode == "replace");
    if (!r.ok()) return Error(r.status());
    spdlog::info("enrichment: {} loaded {} companies ({})", p.email, r->loaded, mode);
    return JsonResponse(200, r->ToJson());
  }

  // --- predictive models
  if (top == "score_models") {
    if (seg.size() == 1 && m == "GET") {
      Status q = OnlyParams(req, {"object"});
      if (!q.ok()) return Error(q);
      auto r = ListScoreModels(c, p.scope, QueryParam(req, "object"));
      if (!r.ok()) return Error(r.status());
      return JsonResponse(200, *r);
    }
    if (seg.size() == 2 && seg[1] == "train" && m == "POST") {
      TrainOptions o;
      if (!req.body.empty()) {
        auto body = ParseJsonBody(req.body);
        if (!body.ok()) return Error(body.status());
        if (!body->is_object()) return Error(Status::InvalidArgument("request body must be a JSON object"));
        for (auto it = body->begin(); it != body->end(); ++it) {
          const json& v = it.value();
          if (it.key() == "object" && v.is_string()) o.object = v.get<std::string>();
          else if (it.key() == "seed" && v.is_number_integer() && v.get<int64_t>() >= 0) o.seed = v.get<uint64_t>();
          else if (it.key() == "resamples" && v.is_number_integer()) o.resamples = v.get<int>();
          else return Error(Status::InvalidArgument("unknown or malformed field '" + it.key() + "' (object, seed, resamples)", it.key()));
        }
      }
      auto cat = CatalogFor(c, p);
      if (!cat.ok()) return Error(cat.status());
      auto r = TrainScoreModel(c, p.scope, **cat, o);
      if (!r.ok()) return Error(r.status());
      return JsonResponse(201, r->ToJson());
    }
    return Error(Status::NotFound("no route for " + m + " " + req.path));
  }

  // --- first-response report
  if (top == "reports") {
    if (seg.size() == 2 && seg[1] == "first_response" && m == "GET") {
      Status q = OnlyParams(req, {"from", "to"});
      if (!q.ok()) return Error(q);
      auto cat = CatalogFor(c, p);
      if (!cat.ok()) return Error(cat.status());
      auto r = FirstResponseReport(c, p.scope, **cat, QueryParam(req, "from"), QueryParam(req, "to"));
      if (!r.ok()) return Error(r.status());
      return JsonResponse(200, *r);
    }
    return std::nullopt;  // other reports may live elsewhere
  }

  // --- notifications
  if (seg.size() == 1 && m == "GET") {
    Status q = OnlyParams(req, {"unread", "limit"});
    if (!q.ok()) return Error(q);
    std::string lim = QueryParam(req, "limit");
    int limit = lim.empty() ? 50 : std::atoi(lim.c_str());
    if (limit < 1 || limit > 500) return Error(Status::InvalidArgument("limit must be 1 to 500", "limit"));
    std::string unread = QueryParam(req, "unread");
    auto r = ListNotifications(c, p.scope, unread == "true" || unread == "1", limit);
    if (!r.ok()) return Error(r.status());
    return JsonResponse(200, *r);
  }
  if (seg.size() == 3 && seg[2] == "read" && m == "POST") {
    Status st = MarkNotificationRead(c, p.scope, seg[1]);
    if (!st.ok()) return Error(st);
    HttpResponse r;
    r.status = 204;
    return r;
  }
  return Error(Status::NotFound("no route for " + m + " " + req.path));
}

}  // namespace rapport
