#include "app/email_outbox.h"

#include "base/ids.h"
#include "base/time.h"

namespace rapport {

using nlohmann::json;

Result<std::string> QueueEmail(Conn* c, const std::string& org_id, const OutgoingEmail& m) {
  if (m.to.empty()) return Status::InvalidArgument("email: no recipient", "to");
  std::string id = NewId();
  auto r = c->Exec(
      "INSERT INTO email_outbox (org_id, id, created_at, kind, to_address, subject, body_text, related_object, "
      "related_id, status, attempts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', 0)",
      {Value{org_id}, Value{id}, Value{NowIso()}, Value{m.kind}, Value{m.to}, Value{m.subject}, Value{m.body_text},
       m.related_object.empty() ? Value{} : Value{m.related_object},
       m.related_id.empty() ? Value{} : Value{m.related_id}});
  if (!r.ok()) return r.status();
  return id;
}

Result<json> ListEmails(Conn* c, const TenantScope& s, const std::string& status, int limit) {
  if (!s.is_admin()) return Status::PermissionDenied("only administrators may see the e-mail outbox");
  if (limit < 1 || limit > 500) return Status::InvalidArgument("limit must be 1 to 500", "limit");
  std::string sql =
      "SELECT id, created_at, kind, to_address, subject, body_text, related_object, related_id, status, attempts, "
      "sent_at, last_error FROM email_outbox WHERE org_id = ?";
  std::vector<Value> p{Value{s.org_id()}};
  if (!status.empty()) {
    sql += " AND status = ?";
    p.emplace_back(status);
  }
  sql += " ORDER BY id DESC LIMIT " + std::to_string(limit);
  RP_ASSIGN_OR_RETURN(Rows rows, c->Query(sql, p));
  json data = json::array();
  auto opt = [](const Value& v) { return IsNull(v) ? json(nullptr) : json(ValueToString(v)); };
  for (const auto& r : rows.rows) {
    int64_t attempts = std::get_if<int64_t>(&r[9]) ? std::get<int64_t>(r[9]) : 0;
    data.push_back({{"id", ValueToString(r[0])},
                    {"created_at", ValueToString(r[1])},
                    {"kind", ValueToString(r[2])},
                    {"to", ValueToString(r[3])},
                    {"subject", ValueToString(r[4])},
                    {"body_text", opt(r[5])},
                    {"related_object", opt(r[6])},
                    {"related_id", opt(r[7])},
                    {"status", ValueToString(r[8])},
                    {"attempts", attempts},
                    {"sent_at", opt(r[10])},
                    {"last_error", opt(r[11])}});
  }
  return json{{"data", data}};
}

}  // namespace rapport
