// REST handlers of team selling (issue 5, docs/decisions/016-team-selling.md;
// the use cases are in app/team_selling.h).
//
//   GET    /api/v1/team_roles                          the roles team members may have
//   PUT    /api/v1/team_roles                          administrators: {"roles": [...]}
//   GET    /api/v1/{accounts|opportunities}/{id}/team  members, can_manage
//   POST   /api/v1/{accounts|opportunities}/{id}/team  {"user_id", "role", "access"} -> 201
//   PATCH  /api/v1/{...}/{id}/team/{member_id}         {"role"?, "access"?}
//   DELETE /api/v1/{...}/{id}/team/{member_id}         -> 204
//   GET    /api/v1/{object}/{id}/follow                {"following", "reason", "followers"}
//   POST   /api/v1/{object}/{id}/follow                follow; DELETE unfollows
//   GET    /api/v1/{object}/{id}/feed?limit=&cursor=   the record's changes, newest first
//   GET    /api/v1/me/feed?limit=&cursor=              everything the caller follows
#include "app/team_selling.h"
#include "http/api.h"

namespace rapport {

using nlohmann::json;

namespace {

Result<int> FeedParams(const HttpRequest& req, std::string* cursor) {
  int limit = 20;
  for (const auto& [k, v] : req.query) {
    if (k == "cursor") {
      *cursor = v;
    } else if (k == "limit") {
      char* end = nullptr;
      long n = std::strtol(v.c_str(), &end, 10);
      if (v.empty() || *end != '\0' || n < 1 || n > 100)
        return Status::InvalidArgument("limit must be between 1 and 100", "limit");
      limit = static_cast<int>(n);
    } else {
      return Status::InvalidArgument("unknown query parameter '" + k + "'", k);
    }
  }
  return limit;
}

HttpResponse Answer(int status, const Result<json>& r) {
  if (!r.ok()) return Api::Error(r.status());
  return JsonResponse(status, *r);
}

}  // namespace

std::optional<HttpResponse> Api::TeamApi(const Principal& p, Conn* c, const std::vector<std::string>& seg,
                                         HttpRequest& req) {
  const std::string& m = req.method;
  bool roles = seg.size() == 1 && seg[0] == "team_roles";
  bool my_feed = seg.size() == 2 && seg[0] == "me" && seg[1] == "feed";
  bool on_record = (seg.size() == 3 && (seg[2] == "team" || seg[2] == "follow" || seg[2] == "feed")) ||
                   (seg.size() == 4 && seg[2] == "team");
  if (!roles && !my_feed && !on_record) return std::nullopt;
  auto body = [&]() -> Result<json> { return ParseJsonBody(req.body); };

  if (roles) {
    if (m == "GET") return Answer(200, TeamSelling::Roles(c, p.scope));
    if (m == "PUT") {
      auto b = body();
      if (!b.ok()) return Error(b.status());
      return Answer(200, TeamSelling::SetRoles(c, p.scope, *b));
    }
    return Error(Status::NotFound("use GET or PUT /api/v1/team_roles"));
  }
  auto cat = CatalogFor(c, p);
  if (!cat.ok()) return Error(cat.status());
  if (my_feed) {
    if (m != "GET") return Error(Status::NotFound("use GET /api/v1/me/feed"));
    std::string cursor;
    auto limit = FeedParams(req, &cursor);
    if (!limit.ok()) return Error(limit.status());
    return Answer(200, TeamSelling::MyFeed(c, p.scope, **cat, *limit, cursor));
  }
  const ObjectDef* def = (*cat)->Find(seg[0]);
  if (!def) return std::nullopt;  // the generic routes answer unknown objects
  const std::string& id = seg[1];
  if (seg[2] == "feed") {
    if (m != "GET") return Error(Status::NotFound("use GET /api/v1/" + seg[0] + "/{id}/feed"));
    std::string cursor;
    auto limit = FeedParams(req, &cursor);
    if (!limit.ok()) return Error(limit.status());
    return Answer(200, TeamSelling::RecordFeed(c, p.scope, **cat, *def, id, *limit, cursor));
  }
  if (seg[2] == "follow") {
    if (m == "GET") return Answer(200, TeamSelling::FollowState(c, p.scope, *def, id));
    if (m == "POST" || m == "DELETE") return Answer(200, TeamSelling::SetFollow(c, p.scope, *def, id, m == "POST"));
    return Error(Status::NotFound("use GET, POST or DELETE /api/v1/" + seg[0] + "/{id}/follow"));
  }
  // team
  if (seg.size() == 3) {
    if (m == "GET") return Answer(200, TeamSelling::ListTeam(c, p.scope, *def, id));
    if (m == "POST") {
      auto b = body();
      if (!b.ok()) return Error(b.status());
      return Answer(201, TeamSelling::AddMember(c, p.scope, *def, id, *b));
    }
    return Error(Status::NotFound("use GET or POST /api/v1/" + seg[0] + "/{id}/team"));
  }
  if (m == "PATCH") {
    auto b = body();
    if (!b.ok()) return Error(b.status());
    return Answer(200, TeamSelling::ChangeMember(c, p.scope, *def, id, seg[3], *b));
  }
  if (m == "DELETE") {
    Status st = TeamSelling::RemoveMember(c, p.scope, *def, id, seg[3]);
    if (!st.ok()) return Error(st);
    HttpResponse out;
    out.status = 204;
    return out;
  }
  return Error(Status::NotFound("use PATCH or DELETE /api/v1/" + seg[0] + "/{id}/team/{member_id}"));
}

}  // namespace rapport
