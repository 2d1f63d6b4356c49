#include "app/commitments.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>

#include "app/assignment.h"
#include "app/email_outbox.h"
#include "app/settings.h"
#include "base/log.h"
#include "base/time.h"
#include "domain/recurrence.h"

namespace rapport {

using nlohmann::json;

namespace Commitments {

namespace {

std::string OneLine(std::string s) {
  for (char& ch : s) {
    if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7F) ch = ' ';
  }
  return s;
}

}  // namespace

Result<std::string> TimeZoneOf(Conn* c, const std::string& org_id, const std::string& user_id) {
  if (!user_id.empty()) {
    RP_ASSIGN_OR_RETURN(Rows u, c->Query("SELECT time_zone FROM users WHERE org_id = ? AND id = ?",
                                         {Value{org_id}, Value{user_id}}));
    if (!u.empty() && !IsNull(u.rows[0][0])) {
      std::string tz = ValueToString(u.rows[0][0]);
      if (!tz.empty() && IsKnownTimeZone(tz)) return tz;
    }
  }
  RP_ASSIGN_OR_RETURN(OrgSettings settings, LoadSettings(c, org_id));
  if (!settings.time_zone.empty() && IsKnownTimeZone(settings.time_zone)) return settings.time_zone;
  const int m = settings.utc_offset_minutes;
  if (m == 0) return std::string();
  char buf[16];
  std::snprintf(buf, sizeof buf, "%c%02d:%02d", m < 0 ? '-' : '+', std::abs(m) / 60, std::abs(m) % 60);
  return std::string(buf);
}

void BeforeActivityUpdate(const ObjectDef& def, FieldValues* v, const Record& current) {
  auto it = v->find("remind_at");
  if (it == v->end()) return;
  const Value& old = current.Get(def, "remind_at");
  bool changed = IsNull(old) != IsNull(it->second) || ValueToString(old) != ValueToString(it->second);
  if (changed && !IsNull(current.Get(def, "reminded_at"))) (*v)["reminded_at"] = Value{};
}

Status AfterActivityUpdate(Conn* c, const TenantScope& s, const ObjectDef& def, const Record& before,
                           const Record& after) {
  if (!IsNull(before.Get(def, "done_at")) || IsNull(after.Get(def, "done_at"))) return Status::Ok();
  const Value& rec = after.Get(def, "recurrence");
  if (IsNull(rec)) return Status::Ok();
  auto rule = ParseRecurrence(ValueToString(rec));
  if (!rule) return Status::Ok();
  int64_t base = 0;
  const Value& due = after.Get(def, "due_at");
  if (!ParseDateTime(ValueToString(IsNull(due) ? after.Get(def, "done_at") : due), &base)) return Status::Ok();
  RP_ASSIGN_OR_RETURN(std::string zone, TimeZoneOf(c, s.org_id(), ValueToString(after.Get(def, "owner_id"))));
  const int64_t next = NextOccurrence(*rule, base, zone);
  const int64_t delta = next - base;
  FieldValues v;
  for (const char* f : {"type", "subject", "description", "related_object", "related_id", "recurrence", "owner_id",
                        "team_id"}) {
    if (!def.Find(f)) continue;
    const Value& x = after.Get(def, f);
    if (!IsNull(x)) v[f] = x;
  }
  v["due_at"] = Value{FormatIsoMillis(next)};
  for (const char* f : {"ends_at", "remind_at"}) {
    int64_t at = 0;
    const Value& x = after.Get(def, f);
    if (!IsNull(x) && ParseDateTime(ValueToString(x), &at)) v[f] = Value{FormatIsoMillis(at + delta)};
  }
  auto r = RecordStore::Insert(c, s, def, v);
  return r.ok() ? Status::Ok() : r.status();
}

Result<ReminderResult> FireReminders(Conn* c, const std::string& org_id, const Catalog& cat, int64_t now_ms) {
  const ObjectDef* def = cat.Find("activities");
  if (!def) return Status::Internal("no activities object");
  const TenantScope system = TenantScope::ForOperator(org_id);
  RP_ASSIGN_OR_RETURN(Rows due, c->Query("SELECT id FROM activities WHERE org_id = ? AND deleted_at IS NULL AND "
                                         "done_at IS NULL AND reminded_at IS NULL AND remind_at <= ? ORDER BY "
                                         "remind_at LIMIT 500",
                                         {Value{org_id}, Value{FormatIsoMillis(now_ms)}}));
  ReminderResult out;
  for (const auto& row : due.rows) {
    const std::string id = ValueToString(row[0]);
    bool fired = false, emailed = false;
    Status st = InTransaction(c, TxMode::kWrite, [&]() -> Status {
      RP_ASSIGN_OR_RETURN(Record a, RecordStore::Get(c, system, *def, id));
      if (!IsNull(a.Get(*def, "reminded_at")) || !IsNull(a.Get(*def, "done_at"))) return Status::Ok();
      FieldValues ch{{"reminded_at", Value{FormatIsoMillis(now_ms)}}};
      RP_ASSIGN_OR_RETURN(Record upd, RecordStore::Update(c, system, *def, id, ch, a.version(*def)));
      (void)upd;
      fired = true;
      const std::string owner = ValueToString(a.Get(*def, "owner_id"));
      if (owner.empty()) return Status::Ok();
      const std::string subject = OneLine(ValueToString(a.Get(*def, "subject")));
      const Value& due_at = a.Get(*def, "due_at");
      std::string when = IsNull(due_at) ? std::string() : " (due " + ValueToString(due_at) + ")";
      RP_RETURN_IF_ERROR(Notify(c, org_id, owner, "reminder", "activities", id, "Reminder: " + subject + when));
      RP_ASSIGN_OR_RETURN(Rows u, c->Query("SELECT email, name FROM users WHERE org_id = ? AND id = ? AND deleted_at IS "
                                           "NULL",
                                           {Value{org_id}, Value{owner}}));
      if (u.empty() || IsNull(u.rows[0][0])) return Status::Ok();
      OutgoingEmail m;
      m.kind = "reminder";
      m.to = ValueToString(u.rows[0][0]);
      m.subject = "Reminder: " + subject;
      m.body_text = "Hello " + ValueToString(u.rows[0][1]) + ",\n\nthis is your reminder for the " +
                    ValueToString(a.Get(*def, "type")) + " \"" + subject + "\"" + when + ".\n";
      const Value& desc = a.Get(*def, "description");
      if (!IsNull(desc)) m.body_text += "\n" + ValueToString(desc) + "\n";
      m.body_text += "\n-- \nRapport\n";
      m.related_object = "activities";
      m.related_id = id;
      RP_ASSIGN_OR_RETURN(std::string mid, QueueEmail(c, org_id, m));
      (void)mid;
      emailed = true;
      return Status::Ok();
    });
    if (!st.ok()) {
      if (st.code() == Status::Code::kPreconditionFailed || st.code() == Status::Code::kNotFound) continue;
      return st;
    }
    out.fired += fired;
    out.emailed += emailed;
  }
  return out;
}

Result<json> OverdueTasksReport(Conn* c, const TenantScope& s, const Catalog& cat, int64_t now_ms) {
  const ObjectDef* def = cat.Find("activities");
  if (!def) return Status::Internal("no activities object");
  const std::string now = FormatIsoMillis(now_ms);
  std::string sql = "SELECT owner_id, COUNT(*), MIN(due_at) FROM activities WHERE org_id = ? AND deleted_at IS NULL "
                    "AND type = 'task' AND done_at IS NULL AND due_at IS NOT NULL AND due_at < ?";
  std::vector<Value> params{Value{s.org_id()}, Value{now}};
  AppendVisibility(s, *def, "", &sql, &params);
  sql += " GROUP BY owner_id";
  RP_ASSIGN_OR_RETURN(Rows rows, c->Query(sql, params));
  RP_ASSIGN_OR_RETURN(Rows users, c->Query("SELECT id, name FROM users WHERE org_id = ?", {Value{s.org_id()}}));
  std::map<std::string, std::string> names;
  for (const auto& u : users.rows) names[ValueToString(u[0])] = ValueToString(u[1]);
  json by = json::array();
  int64_t total = 0;
  for (const auto& r : rows.rows) {
    int64_t n = std::get_if<int64_t>(&r[1]) ? std::get<int64_t>(r[1]) : std::stoll(ValueToString(r[1]));
    total += n;
    std::string owner = IsNull(r[0]) ? std::string() : ValueToString(r[0]);
    by.push_back({{"user_id", owner.empty() ? json(nullptr) : json(owner)},
                  {"name", names.count(owner) ? json(names[owner]) : json(nullptr)},
                  {"overdue", n},
                  {"oldest_due_at", ValueToString(r[2])}});
  }
  std::sort(by.begin(), by.end(), [](const json& a, const json& b) {
    if (a["overdue"] != b["overdue"]) return a["overdue"].get<int64_t>() > b["overdue"].get<int64_t>();
    return a["oldest_due_at"].get<std::string>() < b["oldest_due_at"].get<std::string>();
  });
  return json{{"as_of", now}, {"total", total}, {"by_owner", by}};
}

}  // namespace Commitments

}  // namespace rapport
