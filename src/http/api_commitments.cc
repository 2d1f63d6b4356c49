// REST handlers of commitments (issue 5, docs/decisions/014-reminders-and-smtp.md).
// Reminders (activities' remind_at) and recurrence are activity fields on the
// generic routes; notifications are served by api_leads_admin.cc.
//
//   GET /api/v1/reports/overdue_tasks   per owner: open tasks past due, within
//                                       what the caller may see
#include "app/commitments.h"
#include "base/time.h"
#include "http/api.h"

namespace rapport {

using nlohmann::json;

std::optional<HttpResponse> Api::CommitmentsApi(const Principal& p, Conn* c, const std::vector<std::string>& seg,
                                                HttpRequest& req) {
  if (!(seg.size() == 2 && seg[0] == "reports" && seg[1] == "overdue_tasks")) return std::nullopt;
  if (req.method != "GET") return Error(Status::NotFound("use GET /api/v1/reports/overdue_tasks"));
  for (const auto& [k, v] : req.query) {
    (void)v;
    return Error(Status::InvalidArgument("unknown query parameter '" + k + "'", k));
  }
  auto cat = CatalogFor(c, p);
  if (!cat.ok()) return Error(cat.status());
  auto r = Commitments::OverdueTasksReport(c, p.scope, **cat, Clock::Get().NowMillis());
  if (!r.ok()) return Error(r.status());
  HttpResponse out;
  out.status = 200;
  out.body = r->dump(-1, ' ', false, json::error_handler_t::replace);
  return out;
}

}  // namespace rapport
