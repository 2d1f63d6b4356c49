// REST handlers of follow-up cadences (issue 5,
// docs/decisions/015-cadences-and-renewals.md). Cadences are records of the
// `cadences` object (administrators write, everyone reads) whose `steps` the
// API shows and takes as a JSON array; enrollments are records of
// `cadence_enrollments`, written only through these endpoints.
//
//   GET    /api/v1/cadences                      list (filter, sort, limit, cursor)
//   POST   /api/v1/cadences                      {"name", "steps": [...], "description", "active"}
//   GET    /api/v1/cadences/{id}
//   PATCH  /api/v1/cadences/{id}                 If-Match: "<version>" (412 when stale)
//   DELETE /api/v1/cadences/{id}                 soft; its active enrollments are stopped
//   POST   /api/v1/cadences/{id}/restore
//   GET    /api/v1/cadences/{id}/history
//   GET    /api/v1/cadences/{id}/enrollments     the cadence's enrollments the caller may see
//   POST   /api/v1/cadences/{id}/enrollments     {"related_object", "related_id"}: apply it
//   POST   /api/v1/cadences/{id}/enrollments/{eid}/skip
//   POST   /api/v1/cadences/{id}/enrollments/{eid}/stop   {"reason"} optional
//   GET    /api/v1/cadence_enrollments[/{id}]    e.g. ?filter=related_id:eq:ID&filter=status:eq:active
#include "app/cadences.h"
#include "http/api.h"

namespace rapport {

using nlohmann::json;

namespace {

Result<std::optional<int64_t>> CadenceIfMatch(const std::string& h) {
  if (h.empty()) return std::optional<int64_t>{};
  std::string v = h;
  if (v.rfind("W/", 0) == 0) v = v.substr(2);
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  bool ok = !v.empty() && v.size() <= 18;
  for (char ch : v) ok = ok && ch >= '0' && ch <= '9';
  if (!ok) return Status::InvalidArgument("If-Match must be a record version like \"3\"", "If-Match");
  return std::optional<int64_t>{std::stoll(v)};
}

HttpResponse WithVersion(int status, const json& body, const ObjectDef& def, const Record& rec) {
  HttpResponse r = JsonResponse(status, body);
  r.headers.emplace_back("ETag", "\"" + std::to_string(rec.version(def)) + "\"");
  return r;
}

}  // namespace

std::optional<HttpResponse> Api::CadencesApi(const Principal& p, Conn* c, const std::vector<std::string>& seg,
                                             HttpRequest& req) {
  if (seg.empty() || (seg[0] != "cadences" && seg[0] != "cadence_enrollments")) return std::nullopt;
  const std::string& m = req.method;
  auto cat_r = CatalogFor(c, p);
  if (!cat_r.ok()) return Error(cat_r.status());
  const Catalog& cat = **cat_r;
  const ObjectDef* cdef = cat.Find("cadences");
  const ObjectDef* edef = cat.Find("cadence_enrollments");
  if (!cdef || !edef) return Error(Status::Internal("cadences are missing from the catalogue"));
  auto no_route = [&]() { return Error(Status::NotFound("no route for " + m + " " + req.path)); };

  // A page of records as {"data": [...], "next_cursor"}, each shown by `show`.
  auto list = [&](const ObjectDef& def, std::vector<Filter> extra, json (*show)(const ObjectDef&, const Record&)) {
    auto q = ParseListQuery(def, req.query);
    if (!q.ok()) return Error(q.status());
    for (auto& f : extra) q->filters.push_back(std::move(f));
    auto page = RecordStore::List(c, p.scope, def, *q);
    if (!page.ok()) return Error(page.status());
    json data = json::array();
    for (const auto& r : page->records) data.push_back(show(def, r));
    return JsonResponse(200, {{"data", data},
                              {"next_cursor", page->next_cursor.empty() ? json(nullptr) : json(page->next_cursor)}});
  };

  if (seg[0] == "cadence_enrollments") {
    if (seg.size() == 3 && seg[2] == "follow") return std::nullopt;  // follows: the team routes (api_team.cc)
    if (m != "GET") {
      return Error(Status::NotFound("enrollments change through POST /api/v1/cadences/{id}/enrollments and its "
                                    "skip and stop actions"));
    }
    if (seg.size() == 1) return list(*edef, {}, &Cadences::EnrollmentToJson);
    if (seg.size() == 2) {
      auto r = RecordStore::Get(c, p.scope, *edef, seg[1]);
      if (!r.ok()) return Error(r.status());
      return WithVersion(200, Cadences::EnrollmentToJson(*edef, *r), *edef, *r);
    }
    return std::nullopt;  // history, aggregate, export.csv: the generic routes
  }

  if (seg.size() == 1) {
    if (m == "GET") return list(*cdef, {}, &Cadences::CadenceToJson);
    if (m != "POST") return no_route();
    auto body = ParseJsonBody(req.body);
    if (!body.ok()) return Error(body.status());
    auto prepared = Cadences::PrepareCadenceBody(*body, /*creating=*/true);
    if (!prepared.ok()) return Error(prepared.status());
    auto r = RecordService::Create(c, p.scope, cat, *cdef, *prepared);
    if (!r.ok()) return Error(r.status());
    HttpResponse out = WithVersion(201, Cadences::CadenceToJson(*cdef, *r), *cdef, *r);
    out.headers.emplace_back("Location", "/api/v1/cadences/" + ValueToString(r->Get(*cdef, "id")));
    return out;
  }
  const std::string& id = seg[1];
  if (seg.size() == 2) {
    if (m == "GET") {
      auto r = RecordStore::Get(c, p.scope, *cdef, id);
      if (!r.ok()) return Error(r.status());
      return WithVersion(200, Cadences::CadenceToJson(*cdef, *r), *cdef, *r);
    }
    auto version = CadenceIfMatch(req.Header("if-match"));
    if (!version.ok()) return Error(version.status());
    if (m == "PATCH") {
      auto body = ParseJsonBody(req.body);
      if (!body.ok()) return Error(body.status());
      auto prepared = Cadences::PrepareCadenceBody(*body, /*creating=*/false);
      if (!prepared.ok()) return Error(prepared.status());
      auto r = RecordService::Update(c, p.scope, cat, *cdef, id, *prepared, *version);
      if (!r.ok()) return Error(r.status());
      return WithVersion(200, Cadences::CadenceToJson(*cdef, *r), *cdef, *r);
    }
    if (m == "DELETE") {
      auto r = Cadences::DeleteCadence(c, p.scope, cat, id, *version);
      if (!r.ok()) return Error(r.status());
      return WithVersion(200, Cadences::CadenceToJson(*cdef, *r), *cdef, *r);
    }
    return no_route();
  }
  if (seg.size() == 3 && seg[2] == "restore" && m == "POST") {
    auto r = RecordService::Restore(c, p.scope, cat, *cdef, id);
    if (!r.ok()) return Error(r.status());
    return WithVersion(200, Cadences::CadenceToJson(*cdef, *r), *cdef, *r);
  }
  if (seg.size() == 3 && seg[2] == "history" && m == "GET") {
    auto h = RecordStore::History(c, p.scope, *cdef, id);
    if (!h.ok()) return Error(h.status());
    return JsonResponse(200, {{"data", RecordService::HistoryToJson(*h)}});
  }
  if (seg.size() == 3 && seg[2] == "enrollments") {
    if (m == "GET") {
      auto cad = RecordStore::Get(c, p.scope, *cdef, id, /*include_deleted=*/true);
      if (!cad.ok()) return Error(cad.status());
      return list(*edef, {Filter{"cadence_id", FilterOp::kEq, {Value{id}}}}, &Cadences::EnrollmentToJson);
    }
    if (m != "POST") return no_route();
    auto body = ParseJsonBody(req.body);
    if (!body.ok()) return Error(body.status());
    auto r = Cadences::Enroll(c, p.scope, cat, id, *body);
    if (!r.ok()) return Error(r.status());
    HttpResponse out = JsonResponse(201, *r);
    out.headers.emplace_back("Location", "/api/v1/cadence_enrollments/" + (*r)["id"].get<std::string>());
    return out;
  }
  if (seg.size() == 5 && seg[2] == "enrollments" && m == "POST" && (seg[4] == "skip" || seg[4] == "stop")) {
    std::string reason;
    if (seg[4] == "stop" && !req.body.empty()) {
      auto body = ParseJsonBody(req.body);
      if (!body.ok()) return Error(body.status());
      for (auto it = body->begin(); it != body->end(); ++it) {
        if (it.key() != "reason") return Error(Status::InvalidArgument("unknown field '" + it.key() + "' (reason)", it.key()));
        if (!it.value().is_string() && !it.value().is_null())
          return Error(Status::InvalidArgument("reason: must be text", "reason"));
        if (it.value().is_string()) reason = it.value().get<std::string>();
      }
    }
    auto r = seg[4] == "skip" ? Cadences::Skip(c, p.scope, cat, id, seg[3])
                              : Cadences::Stop(c, p.scope, cat, id, seg[3], reason);
    if (!r.ok()) return Error(r.status());
    return JsonResponse(200, *r);
  }
  return no_route();
}

}  // namespace rapport
