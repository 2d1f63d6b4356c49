// Lead status flow and convert, campaign members, direct-mail list and
// telemarketing call list over HTTP (issue 4; docs/decisions/011-web-forms-and-convert.md):
//
//   GET    /api/v1/leads/status_flow                      statuses, allowed moves, disqualified reasons
//   GET    /api/v1/leads/{id}/convert                     existing matches + defaults (alias .../matches)
//   POST   /api/v1/leads/{id}/convert                     {account_id | account | create_account,
//                                                          contact_id | contact, create_opportunity,
//                                                          owner_id} -> 200 with what it became
//   POST   /api/v1/campaigns/{id}/members                 {"lead_ids": [...], "contact_ids": [...],
//                                                          "status"?} (idempotent)
//   GET    /api/v1/campaigns/{id}/members                 members with a person summary (list params)
//   POST   /api/v1/campaigns/{id}/members/remove          {"lead_ids", "contact_ids"}
//   DELETE /api/v1/campaigns/{id}/members/{member_id}
//   GET    /api/v1/campaigns/{id}/mailing.csv             postal list: opted-out and duplicate
//                                                          addresses suppressed, formula-safe CSV
//   GET    /api/v1/campaigns/{id}/call_list/next          the next member to call (reserved for you)
//   POST   /api/v1/campaigns/{id}/call_list/{member_id}/outcome
//                                                         {"outcome", "notes"?, "callback_at"?}
//
// The campaigns themselves are records: /api/v1/campaigns (and PATCH of a
// member's response status through /api/v1/campaign_members/{id}).
#include "app/campaigns.h"
#include "app/leads.h"
#include "base/log.h"
#include "http/api.h"

namespace rapport {

using nlohmann::json;

namespace {

// A JSON body, where an empty body means {}.
Result<json> BodyOrEmpty(const std::string& body) {
  if (body.find_first_not_of(" \t\r\n") == std::string::npos) return json::object();
  RP_ASSIGN_OR_RETURN(json b, ParseJsonBody(body));
  if (!b.is_object()) return Status::InvalidArgument("request body must be a JSON object");
  return b;
}

Status IdList(const json& b, const char* key, std::vector<std::string>* out) {
  if (!b.contains(key) || b[key].is_null()) return Status::Ok();
  if (!b[key].is_array()) return Status::InvalidArgument(std::string(key) + ": must be an array of ids", key);
  for (const auto& e : b[key]) {
    if (!e.is_string() || e.get<std::string>().empty() || e.get<std::string>().size() > 64)
      return Status::InvalidArgument(std::string(key) + ": must be an array of ids", key);
    out->push_back(e.get<std::string>());
  }
  return Status::Ok();
}

Status OnlyKeys(const json& b, std::initializer_list<const char*> keys) {
  for (auto it = b.begin(); it != b.end(); ++it) {
    bool ok = false;
    for (const char* k : keys) ok = ok || it.key() == k;
    if (!ok) {
      std::string list;
      for (const char* k : keys) list += (list.empty() ? "" : ", ") + std::string(k);
      return Status::InvalidArgument("unknown field '" + it.key() + "' (" + list + ")", it.key());
    }
  }
  return Status::Ok();
}

}  // namespace

bool Api::IsLeadGenRoute(const std::vector<std::string>& seg) {
  if (seg.empty()) return false;
  if (seg[0] == "leads")
    return (seg.size() == 2 && seg[1] == "status_flow") ||
           (seg.size() == 3 && (seg[2] == "convert" || seg[2] == "matches"));
  if (seg[0] == "campaigns" && seg.size() >= 3)
    return seg[2] == "members" || seg[2] == "mailing.csv" || seg[2] == "call_list";
  return false;
}

HttpResponse Api::LeadGenApi(const Principal& p, Conn* c, const std::vector<std::string>& seg, HttpRequest& req) {
  const std::string& m = req.method;
  auto cat = CatalogFor(c, p);
  if (!cat.ok()) return Error(cat.status());
  const Catalog& k = **cat;
  auto no_route = [&]() { return Error(Status::NotFound("no route for " + m + " " + req.path)); };

  if (seg[0] == "leads") {
    if (seg[1] == "status_flow") return m == "GET" ? JsonResponse(200, Leads::StatusFlow(k)) : no_route();
    const std::string& id = seg[1];
    if (m == "GET") {
      auto r = Leads::ConvertMatches(c, p.scope, k, id);
      if (!r.ok()) return Error(r.status());
      return JsonResponse(200, *r);
    }
    if (m == "POST" && seg[2] == "convert") {
      auto body = BodyOrEmpty(req.body);
      if (!body.ok()) return Error(body.status());
      auto creq = ParseConvertRequest(*body);
      if (!creq.ok()) return Error(creq.status());
      auto r = Leads::Convert(c, p.scope, k, id, *creq);
      if (!r.ok()) return Error(r.status());
      spdlog::info("leads: {} converted lead {}", p.email, id);
      return JsonResponse(200, *r);
    }
    return no_route();
  }

  // campaigns/{id}/...
  const std::string& campaign_id = seg[1];
  const std::string& what = seg[2];
  if (what == "members") {
    if (seg.size() == 3 && m == "GET") {
      auto q = ParseListQuery(*k.Find("campaign_members"), req.query);
      if (!q.ok()) return Error(q.status());
      auto r = Campaigns::ListMembers(c, p.scope, k, campaign_id, *q);
      if (!r.ok()) return Error(r.status());
      return JsonResponse(200, *r);
    }
    if ((seg.size() == 3 && m == "POST") || (seg.size() == 4 && seg[3] == "remove" && m == "POST")) {
      bool add = seg.size() == 3;
      auto body = BodyOrEmpty(req.body);
      if (!body.ok()) return Error(body.status());
      Status keys = add ? OnlyKeys(*body, {"lead_ids", "contact_ids", "status"})
                        : OnlyKeys(*body, {"lead_ids", "contact_ids"});
      if (!keys.ok()) return Error(keys);
      std::vector<std::string> leads, contacts;
      Status st = IdList(*body, "lead_ids", &leads);
      if (st.ok()) st = IdList(*body, "contact_ids", &contacts);
      if (!st.ok()) return Error(st);
      if (add) {
        std::string status;
        if (body->contains("status") && !(*body)["status"].is_null()) {
          if (!(*body)["status"].is_string()) return Error(Status::InvalidArgument("status: must be text", "status"));
          status = (*body)["status"].get<std::string>();
        }
        auto r = Campaigns::AddMembers(c, p.scope, k, campaign_id, leads, contacts, status);
        if (!r.ok()) return Error(r.status());
        return JsonResponse(200, *r);
      }
      auto r = Campaigns::RemoveMembers(c, p.scope, k, campaign_id, leads, contacts);
      if (!r.ok()) return Error(r.status());
      return JsonResponse(200, *r);
    }
    if (seg.size() == 4 && m == "DELETE") {
      Status st = Campaigns::RemoveMember(c, p.scope, k, campaign_id, seg[3]);
      if (!st.ok()) return Error(st);
      HttpResponse r;
      r.status = 204;
      return r;
    }
    return no_route();
  }

  if (what == "mailing.csv" && seg.size() == 3 && m == "GET") {
    auto list = Campaigns::Mailing(c, p.scope, k, campaign_id);
    if (!list.ok()) return Error(list.status());
    HttpResponse r;
    r.content_type = "text/csv; charset=utf-8";
    r.headers.emplace_back("Content-Disposition", "attachment; filename=\"campaign-" + campaign_id + "-mailing.csv\"");
    r.headers.emplace_back("Cache-Control", "no-store");
    r.headers.emplace_back("X-Rapport-Rows", std::to_string(list->rows.size()));
    r.headers.emplace_back("X-Rapport-Suppressed-Opt-Out", std::to_string(list->suppressed_opt_out));
    r.headers.emplace_back("X-Rapport-Suppressed-Duplicate", std::to_string(list->suppressed_duplicate));
    r.headers.emplace_back("X-Rapport-Suppressed-No-Address", std::to_string(list->suppressed_no_address));
    r.headers.emplace_back("X-Rapport-Suppressed-Hidden", std::to_string(list->suppressed_hidden));
    // Every column is text: CsvField quotes and defuses formulas (=, +, -, @ ...).
    std::vector<FieldDef> cols;
    for (const auto& name : list->columns) {
      FieldDef f;
      f.name = name;
      f.kind = FieldKind::kText;
      cols.push_back(f);
    }
    std::string& out = r.body;
    out = "\xEF\xBB\xBF";  // BOM: spreadsheets then read UTF-8 correctly
    for (size_t i = 0; i < cols.size(); ++i) out += (i ? "," : "") + cols[i].name;
    out += "\r\n";
    for (const auto& row : list->rows) {
      for (size_t i = 0; i < cols.size() && i < row.size(); ++i) {
        if (i) out.push_back(',');
        out += CsvField(cols[i], row[i]);
      }
      out += "\r\n";
    }
    spdlog::info("campaigns: {} exported {} mailing rows of {}", p.email, list->rows.size(), campaign_id);
    return r;
  }

  if (what == "call_list") {
    if (seg.size() == 4 && seg[3] == "next" && m == "GET") {
      // Handing out a member reserves it: a write, so leave the read
      // transaction GET requests start in.
      c->Rollback();
      auto r = Campaigns::NextCall(c, p.scope, k, campaign_id);
      if (!r.ok()) return Error(r.status());
      HttpResponse res = JsonResponse(200, *r);
      res.headers.emplace_back("Cache-Control", "no-store");
      return res;
    }
    if (seg.size() == 5 && seg[4] == "outcome" && m == "POST") {
      auto body = BodyOrEmpty(req.body);
      if (!body.ok()) return Error(body.status());
      Status keys = OnlyKeys(*body, {"outcome", "notes", "callback_at"});
      if (!keys.ok()) return Error(keys);
      CallOutcomeRequest creq;
      const json& b = *body;
      if (!b.contains("outcome") || !b["outcome"].is_string())
        return Error(Status::InvalidArgument(
            "outcome: is required (reached, no_answer, voicemail, wrong_number, not_interested, callback)", "outcome"));
      creq.outcome = b["outcome"].get<std::string>();
      if (b.contains("notes") && !b["notes"].is_null()) {
        if (!b["notes"].is_string()) return Error(Status::InvalidArgument("notes: must be text", "notes"));
        creq.notes = b["notes"].get<std::string>();
      }
      if (b.contains("callback_at")) creq.callback_at = b["callback_at"];
      auto r = Campaigns::LogCall(c, p.scope, k, campaign_id, seg[3], creq);
      if (!r.ok()) return Error(r.status());
      return JsonResponse(200, *r);
    }
  }
  return no_route();
}

}  // namespace rapport
