#include "app/team_selling.h"

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <set>

#include "app/assignment.h"  // Notify
#include "app/auth.h"
#include "base/ids.h"
#include "base/time.h"
#include "domain/mentions.h"

namespace rapport {

using nlohmann::json;

namespace {

constexpr const char* kRolesKey = "team_roles";

json Text(const Value& v) { return IsNull(v) ? json(nullptr) : json(ValueToString(v)); }

std::string Str(const Value& v) { return ValueToString(v); }

bool IsSnakeName(const std::string& s) {
  if (s.empty() || s.size() > 40 || !(s[0] >= 'a' && s[0] <= 'z')) return false;
  for (char ch : s) {
    if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_')) return false;
  }
  return true;
}

Result<std::vector<std::string>> LoadRoles(Conn* c, const std::string& org_id) {
  RP_ASSIGN_OR_RETURN(Rows r, c->Query("SELECT value FROM org_settings WHERE org_id = ? AND key = ?",
                                       {Value{org_id}, Value{std::string(kRolesKey)}}));
  std::vector<std::string> out = TeamSelling::DefaultRoles();
  if (r.empty()) return out;
  json j = json::parse(Str(r.rows[0][0]), nullptr, false);
  if (!j.is_array()) return out;
  for (const auto& e : j) {
    if (e.is_string() && std::find(out.begin(), out.end(), e.get<std::string>()) == out.end())
      out.push_back(e.get<std::string>());
  }
  return out;
}

// A record's title for messages and feeds: its title fields, else its id.
std::string Title(const ObjectDef& def, const Record& r) {
  std::string out;
  for (const auto& f : def.title_fields) {
    const Value& v = r.Get(def, f);
    if (IsNull(v) || Str(v).empty()) continue;
    if (!out.empty()) out += " ";
    out += Str(v);
  }
  if (out.empty() && def.Find("subject")) out = Str(r.Get(def, "subject"));
  if (out.empty() && def.Find("name")) out = Str(r.Get(def, "name"));
  return out.empty() ? Str(r.Get(def, "id")) : out;
}

// "sales_engineer" -> "sales engineer".
std::string RoleWords(std::string role) {
  for (auto& ch : role) ch = ch == '_' ? ' ' : ch;
  return role;
}

std::string Singular(const ObjectDef& def) {
  std::string l = def.label;
  for (auto& ch : l) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return l;
}

Result<std::string> UserName(Conn* c, const std::string& org_id, const std::string& user_id) {
  if (user_id.empty()) return std::string("Someone");
  RP_ASSIGN_OR_RETURN(Rows r, c->Query("SELECT name FROM users WHERE org_id = ? AND id = ?",
                                       {Value{org_id}, Value{user_id}}));
  return r.empty() ? std::string("Someone") : Str(r.rows[0][0]);
}

// Owner, a manager of the owner's team, or an administrator.
Result<bool> CanManage(Conn* c, const TenantScope& s, const ObjectDef& def, const Record& rec) {
  if (s.is_admin()) return true;
  std::string owner = Str(rec.Get(def, "owner_id"));
  if (!owner.empty() && owner == s.user_id()) return true;
  if (s.role() != Role::kManager || owner.empty()) return false;
  RP_ASSIGN_OR_RETURN(Rows r, c->Query("SELECT team_id FROM users WHERE org_id = ? AND id = ?",
                                       {Value{s.org_id()}, Value{owner}}));
  if (r.empty() || IsNull(r.rows[0][0])) return false;
  const auto& teams = s.team_ids();
  return std::find(teams.begin(), teams.end(), Str(r.rows[0][0])) != teams.end();
}

Status CheckTeamObject(const ObjectDef& def) {
  if (!HasRecordTeams(def)) return Status::NotFound(def.name + " have no teams (accounts and opportunities do)");
  return Status::Ok();
}

Status Follow(Conn* c, const std::string& org_id, const std::string& user_id, const std::string& object,
              const std::string& id, const std::string& reason) {
  if (user_id.empty()) return Status::Ok();
  auto r = c->Exec("INSERT INTO record_follows (org_id, user_id, object, record_id, reason, created_at) "
                   "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (org_id, user_id, object, record_id) DO NOTHING",
                   {Value{org_id}, Value{user_id}, Value{object}, Value{id}, Value{reason}, Value{NowIso()}});
  return r.ok() ? Status::Ok() : r.status();
}

// True if `user_id` (active) can see record `id` of `def`.
Result<bool> UserSees(Conn* c, const std::string& org_id, const std::string& user_id, const ObjectDef& def,
                      const std::string& id) {
  auto p = Auth::LoadPrincipal(c, org_id, user_id);
  if (!p.ok()) {
    if (p.status().code() == Status::Code::kUnauthenticated) return false;  // gone or deactivated
    return p.status();
  }
  auto r = RecordStore::Get(c, p->scope, def, id, /*include_deleted=*/true);
  if (r.ok()) return true;
  if (r.status().code() == Status::Code::kNotFound) return false;
  return r.status();
}

// One notification per follower of a record for a change by someone else,
// unless an unread one about the same record is waiting (debounce). Every
// write of a record comes here, so `message` (a user name and a title to
// look up) is made only once somebody is to be told.
Status NotifyFollowers(Conn* c, const TenantScope& s, const ObjectDef& def, const std::string& id,
                       const std::function<Result<std::string>()>& message) {
  RP_ASSIGN_OR_RETURN(Rows f, c->Query("SELECT user_id FROM record_follows WHERE org_id = ? AND object = ? AND "
                                       "record_id = ? AND user_id <> ?",
                                       {Value{s.org_id()}, Value{def.name}, Value{id}, Value{s.user_id()}}));
  std::optional<std::string> text;
  for (const auto& row : f.rows) {
    std::string user = Str(row[0]);
    RP_ASSIGN_OR_RETURN(Rows waiting,
                        c->Query("SELECT 1 FROM notifications WHERE org_id = ? AND user_id = ? AND kind = 'record_changed' "
                                 "AND object = ? AND record_id = ? AND read_at IS NULL",
                                 {Value{s.org_id()}, Value{user}, Value{def.name}, Value{id}}));
    if (!waiting.empty()) continue;
    RP_ASSIGN_OR_RETURN(bool sees, UserSees(c, s.org_id(), user, def, id));
    if (!sees) continue;
    if (!text) {
      RP_ASSIGN_OR_RETURN(std::string t, message());
      text = std::move(t);
    }
    RP_RETURN_IF_ERROR(Notify(c, s.org_id(), user, "record_changed", def.name, id, *text));
  }
  return Status::Ok();
}

// The note text mentions are read from: subject and description.
std::string NoteText(const ObjectDef& acts, const Record& r) {
  return Str(r.Get(acts, "subject")) + "\n" + Str(r.Get(acts, "description"));
}

bool IsNote(const ObjectDef& acts, const Record& r) { return Str(r.Get(acts, "type")) == "note"; }

Result<std::vector<MentionCandidate>> OrgUsers(Conn* c, const std::string& org_id) {
  RP_ASSIGN_OR_RETURN(Rows r, c->Query("SELECT id, name, email FROM users WHERE org_id = ? AND deleted_at IS NULL AND "
                                       "(active IS NULL OR active <> 0)",
                                       {Value{org_id}}));
  std::vector<MentionCandidate> out;
  for (const auto& row : r.rows) out.push_back({Str(row[0]), Str(row[1]), Str(row[2])});
  return out;
}

// Notifies the users a note newly mentions (those not mentioned by `before`)
// who can see what the note is about.
Status NotifyMentions(Conn* c, const TenantScope& s, const Catalog& cat, const ObjectDef& acts, const Record* before,
                      const Record& after) {
  if (!IsNote(acts, after)) return Status::Ok();
  std::string text = NoteText(acts, after);
  if (text.find('@') == std::string::npos) return Status::Ok();
  RP_ASSIGN_OR_RETURN(std::vector<MentionCandidate> users, OrgUsers(c, s.org_id()));
  std::vector<std::string> now = FindMentions(text, users);
  std::vector<std::string> old;
  if (before && IsNote(acts, *before)) old = FindMentions(NoteText(acts, *before), users);
  std::vector<std::string> fresh = NewMentions(old, now);
  if (fresh.empty()) return Status::Ok();
  // What the note is about (the record the notification links to).
  const ObjectDef* target = &acts;
  std::string target_id = Str(after.Get(acts, "id"));
  std::string about;
  std::string ro = Str(after.Get(acts, "related_object")), rid = Str(after.Get(acts, "related_id"));
  if (!ro.empty() && !rid.empty()) {
    if (const ObjectDef* d = cat.Find(ro)) {
      target = d;
      target_id = rid;
    }
  }
  RP_ASSIGN_OR_RETURN(std::string author, UserName(c, s.org_id(), s.user_id()));
  std::string subject = Str(after.Get(acts, "subject"));
  if (subject.size() > 120) subject = subject.substr(0, 117) + "...";
  for (const auto& user : fresh) {
    if (user == s.user_id()) continue;
    auto p = Auth::LoadPrincipal(c, s.org_id(), user);
    if (!p.ok()) continue;  // deactivated
    auto rec = RecordStore::Get(c, p->scope, *target, target_id, /*include_deleted=*/false);
    if (!rec.ok()) {
      if (rec.status().code() == Status::Code::kNotFound) continue;  // cannot see it: not told
      return rec.status();
    }
    if (about.empty()) about = target == &acts ? "a note" : Singular(*target) + " " + Title(*target, *rec);
    std::string msg = author + " mentioned you in a note" + (target == &acts ? "" : " on " + about) + ": " + subject;
    RP_RETURN_IF_ERROR(Notify(c, s.org_id(), user, "mention", target->name, target_id, msg));
  }
  return Status::Ok();
}

json MemberJson(const std::vector<Value>& r) {
  // m.id, m.user_id, u.name, u.email, m.role, m.access, m.created_at, m.created_by
  return {{"id", Str(r[0])},     {"user_id", Str(r[1])},   {"user_name", Text(r[2])},  {"user_email", Text(r[3])},
          {"role", Str(r[4])},   {"access", Str(r[5])},    {"created_at", Str(r[6])},  {"created_by", Text(r[7])}};
}

const char* kMemberSelect =
    "SELECT m.id, m.user_id, u.name, u.email, m.role, m.access, m.created_at, m.created_by FROM record_team_members m "
    "LEFT JOIN users u ON u.org_id = m.org_id AND u.id = m.user_id ";

Result<json> LoadMember(Conn* c, const TenantScope& s, const ObjectDef& def, const std::string& id,
                        const std::string& member_id) {
  RP_ASSIGN_OR_RETURN(Rows r, c->Query(std::string(kMemberSelect) +
                                           "WHERE m.org_id = ? AND m.object = ? AND m.record_id = ? AND m.id = ?",
                                       {Value{s.org_id()}, Value{def.name}, Value{id}, Value{member_id}}));
  if (r.empty()) return Status::NotFound("no team member " + member_id + " on " + def.label + " " + id);
  return MemberJson(r.rows[0]);
}

// The audit value of a member: {"user_id", "role", "access"}.
Value AuditMember(const json& m) {
  return Value{json{{"user_id", m["user_id"]}, {"role", m["role"]}, {"access", m["access"]}}.dump()};
}

// The record (visible) and whether the caller may change its team.
Result<Record> ManagedRecord(Conn* c, const TenantScope& s, const ObjectDef& def, const std::string& id) {
  RP_RETURN_IF_ERROR(CheckTeamObject(def));
  RP_ASSIGN_OR_RETURN(Record rec, RecordStore::Get(c, s, def, id));
  RP_ASSIGN_OR_RETURN(bool ok, CanManage(c, s, def, rec));
  if (!ok)
    return Status::PermissionDenied("only the owner of " + def.label + " " + id +
                                    ", a manager of the owner's team or an administrator may change its team");
  return rec;
}

Status CheckKeys(const json& body, std::initializer_list<const char*> allowed) {
  if (!body.is_object()) return Status::InvalidArgument("request body must be a JSON object");
  for (auto it = body.begin(); it != body.end(); ++it) {
    bool ok = false;
    for (const char* a : allowed) ok = ok || it.key() == a;
    if (!ok) return Status::InvalidArgument("unknown field '" + it.key() + "'", it.key());
  }
  return Status::Ok();
}

Result<std::string> RoleFrom(Conn* c, const TenantScope& s, const json& body) {
  if (!body.contains("role") || !body["role"].is_string() || body["role"].get<std::string>().empty())
    return Status::InvalidArgument("role: is required (e.g. account_executive)", "role");
  std::string role = body["role"].get<std::string>();
  RP_ASSIGN_OR_RETURN(std::vector<std::string> roles, LoadRoles(c, s.org_id()));
  if (std::find(roles.begin(), roles.end(), role) == roles.end()) {
    std::string list;
    for (const auto& r : roles) list += (list.empty() ? "" : ", ") + r;
    return Status::InvalidArgument("role: '" + role + "' is not a team role (" + list + ")", "role");
  }
  return role;
}

Result<std::string> AccessFrom(const json& body) {
  if (!body.contains("access")) return std::string("read");
  if (!body["access"].is_string() || (body["access"] != "read" && body["access"] != "edit"))
    return Status::InvalidArgument("access: read or edit", "access");
  return body["access"].get<std::string>();
}

// --- feeds

struct FeedRow {
  std::string id, at, user_id, object, record_id, action, field, change_id;
  Value old_value, new_value;
  std::string about_object, about_id;
};

// Rows of `sql` (columns as FeedRow, newest first), grouped into feed items
// of one change each. `fetch` rows were asked for; see RecordFeed.
struct Grouped {
  std::vector<std::vector<FeedRow>> groups;
  bool more = false;
};

Grouped GroupRows(std::vector<FeedRow> rows, size_t fetch, int limit) {
  Grouped g;
  // The rows of one update share its change_id (an update writes one row per field).
  auto same = [](const FeedRow& a, const FeedRow& b) {
    return a.action == "update" && b.action == "update" && !a.change_id.empty() && a.change_id == b.change_id &&
           a.object == b.object && a.record_id == b.record_id;
  };
  for (auto& r : rows) {
    if (!g.groups.empty() && same(g.groups.back().back(), r)) {
      g.groups.back().push_back(std::move(r));
      continue;
    }
    if (static_cast<int>(g.groups.size()) == limit) {
      g.more = true;
      return g;
    }
    g.groups.push_back({std::move(r)});
  }
  if (rows.size() >= fetch && g.groups.size() > 1) {
    g.groups.pop_back();  // may continue past the rows fetched
    g.more = true;
  }
  return g;
}

Result<std::vector<FeedRow>> QueryFeed(Conn* c, const std::string& sql, const std::vector<Value>& p) {
  RP_ASSIGN_OR_RETURN(Rows rows, c->Query(sql, p));
  std::vector<FeedRow> out;
  out.reserve(rows.size());
  for (auto& r : rows.rows) {
    FeedRow f;
    f.id = Str(r[0]);
    f.at = Str(r[1]);
    f.user_id = Str(r[2]);
    f.object = Str(r[3]);
    f.record_id = Str(r[4]);
    f.action = Str(r[5]);
    f.field = Str(r[6]);
    f.old_value = r[7];
    f.new_value = r[8];
    f.change_id = Str(r[9]);
    f.about_object = Str(r[10]);
    f.about_id = Str(r[11]);
    out.push_back(std::move(f));
  }
  return out;
}

const char* kFeedColumns =
    "a.id, a.at, a.user_id, a.object, a.record_id, a.action, a.field, a.old_value, a.new_value, a.change_id";

Status CheckFeedArgs(int limit, const std::string& cursor) {
  if (limit < 1 || limit > 100) return Status::InvalidArgument("limit must be between 1 and 100", "limit");
  if (cursor.size() > 64) return Status::InvalidArgument("cursor is not valid; start again without one", "cursor");
  for (char ch : cursor) {
    if (!std::isalnum(static_cast<unsigned char>(ch)))
      return Status::InvalidArgument("cursor is not valid; start again without one", "cursor");
  }
  return Status::Ok();
}

// Feed items as JSON: user names and record titles resolved, records the
// caller cannot see (any more) left out.
Result<json> FeedJson(Conn* c, const TenantScope& s, const Catalog& cat, const Grouped& g) {
  std::map<std::pair<std::string, std::string>, std::optional<std::string>> about;  // -> title if visible
  std::map<std::string, std::string> names;
  for (const auto& grp : g.groups) {
    const FeedRow& h = grp.front();
    auto key = std::make_pair(h.about_object, h.about_id);
    if (!about.count(key)) {
      const ObjectDef* d = cat.Find(h.about_object);
      std::optional<std::string> title;
      if (d) {
        auto r = RecordStore::Get(c, s, *d, h.about_id, /*include_deleted=*/true);
        if (r.ok()) title = Title(*d, *r);
        else if (r.status().code() != Status::Code::kNotFound) return r.status();
      }
      about[key] = title;
    }
    if (!h.user_id.empty() && !names.count(h.user_id)) {
      RP_ASSIGN_OR_RETURN(names[h.user_id], UserName(c, s.org_id(), h.user_id));
    }
  }
  json data = json::array();
  for (const auto& grp : g.groups) {
    const FeedRow& h = grp.front();
    const auto& title = about[{h.about_object, h.about_id}];
    if (!title) continue;
    json item = {{"id", h.id},
                 {"at", h.at},
                 {"user_id", h.user_id.empty() ? json(nullptr) : json(h.user_id)},
                 {"user_name", h.user_id.empty() ? json(nullptr) : json(names[h.user_id])},
                 {"action", h.action},
                 {"object", h.object},
                 {"record_id", h.record_id},
                 {"about", {{"object", h.about_object}, {"id", h.about_id}, {"title", *title}}}};
    json changes = json::array();
    for (const auto& r : grp) {
      if (r.action == "create") {
        json created = json::parse(Str(r.new_value), nullptr, false);
        if (r.object == "activities" && created.is_object()) {
          item["activity"] = {{"id", r.record_id},
                              {"type", created.value("type", "")},
                              {"subject", created.value("subject", "")}};
        }
        continue;
      }
      if (r.field.empty()) continue;
      json ch = {{"field", r.field}, {"from", Text(r.old_value)}, {"to", Text(r.new_value)}};
      if (r.action.rfind("team_", 0) == 0) {
        json o = json::parse(Str(r.old_value), nullptr, false), n = json::parse(Str(r.new_value), nullptr, false);
        const json& m = n.is_object() ? n : o;
        if (m.is_object() && m.contains("user_id") && m["user_id"].is_string()) {
          std::string uid = m["user_id"].get<std::string>();
          if (!names.count(uid)) {
            RP_ASSIGN_OR_RETURN(names[uid], UserName(c, s.org_id(), uid));
          }
          item["team_member"] = {{"user_id", uid}, {"user_name", names[uid]}};
        }
        ch["from"] = o.is_discarded() ? json(nullptr) : o;
        ch["to"] = n.is_discarded() ? json(nullptr) : n;
      }
      changes.push_back(std::move(ch));
    }
    item["changes"] = std::move(changes);
    data.push_back(std::move(item));
  }
  json out = {{"data", data}, {"next_cursor", nullptr}};
  if (g.more && !g.groups.empty()) out["next_cursor"] = g.groups.back().back().id;
  return out;
}


// Keeps the rows of a feed query branch older than `cursor` (an audit id).
void AfterCursor(const std::string& cursor, std::string* sql, std::vector<Value>* p) {
  if (cursor.empty()) return;
  *sql += " AND a.id < ?";
  p->emplace_back(cursor);
}

// One page of a feed: `sql` selects kFeedColumns (+ object, record id) newest
// first; enough rows are fetched that grouping still fills `limit` items.
Result<json> FeedPage(Conn* c, const TenantScope& s, const Catalog& cat, std::string sql, const std::vector<Value>& p,
                      int limit) {
  const size_t fetch = static_cast<size_t>(std::min(3000, limit * 30 + 1));
  sql += " ORDER BY 1 DESC LIMIT " + std::to_string(fetch);
  RP_ASSIGN_OR_RETURN(std::vector<FeedRow> rows, QueryFeed(c, sql, p));
  return FeedJson(c, s, cat, GroupRows(std::move(rows), fetch, limit));
}

}  // namespace

const std::vector<std::string>& TeamSelling::DefaultRoles() {
  static const std::vector<std::string> k = {"account_executive", "sales_engineer", "executive_sponsor", "support"};
  return k;
}

Result<json> TeamSelling::Roles(Conn* c, const TenantScope& s) {
  RP_ASSIGN_OR_RETURN(std::vector<std::string> roles, LoadRoles(c, s.org_id()));
  return json{{"data", roles}, {"defaults", DefaultRoles()}};
}

Result<json> TeamSelling::SetRoles(Conn* c, const TenantScope& s, const json& body) {
  if (!s.is_admin()) return Status::PermissionDenied("only administrators may change the team roles");
  RP_RETURN_IF_ERROR(CheckKeys(body, {"roles"}));
  if (!body.contains("roles") || !body["roles"].is_array())
    return Status::InvalidArgument("roles: a list of role names is required", "roles");
  const json& arr = body["roles"];
  if (arr.size() > 50) return Status::InvalidArgument("roles: at most 50", "roles");
  std::vector<std::string> extra;
  for (const auto& e : arr) {
    if (!e.is_string() || !IsSnakeName(e.get<std::string>()))
      return Status::InvalidArgument("roles: each role is a snake_case name of up to 40 characters (e.g. legal_counsel)",
                                     "roles");
    std::string r = e.get<std::string>();
    const auto& d = DefaultRoles();
    if (std::find(d.begin(), d.end(), r) == d.end() && std::find(extra.begin(), extra.end(), r) == extra.end())
      extra.push_back(r);
  }
  Status st = InTransaction(c, TxMode::kWrite, [&]() -> Status {
    RP_ASSIGN_OR_RETURN(std::vector<std::string> before, LoadRoles(c, s.org_id()));
    // A role members still hold may not disappear.
    for (const auto& r : before) {
      bool kept = std::find(DefaultRoles().begin(), DefaultRoles().end(), r) != DefaultRoles().end() ||
                  std::find(extra.begin(), extra.end(), r) != extra.end();
      if (kept) continue;
      RP_ASSIGN_OR_RETURN(Rows used, c->Query("SELECT 1 FROM record_team_members WHERE org_id = ? AND role = ?",
                                              {Value{s.org_id()}, Value{r}}));
      if (!used.empty())
        return Status::Conflict("roles: '" + r + "' is held by team members; change them first", "roles");
    }
    std::string value = json(extra).dump();
    auto up = c->Exec("INSERT INTO org_settings (org_id, key, value, updated_at) VALUES (?, ?, ?, ?) "
                      "ON CONFLICT (org_id, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                      {Value{s.org_id()}, Value{std::string(kRolesKey)}, Value{value}, Value{NowIso()}});
    if (!up.ok()) return up.status();
    json old_extra = json::array();
    for (size_t i = DefaultRoles().size(); i < before.size(); ++i) old_extra.push_back(before[i]);
    return RecordStore::Audit(c, s, "team_roles", s.org_id(), "update", "roles", Value{old_extra.dump()}, Value{value});
  });
  if (!st.ok()) return st;
  return Roles(c, s);
}

Result<json> TeamSelling::ListTeam(Conn* c, const TenantScope& s, const ObjectDef& def, const std::string& id) {
  RP_RETURN_IF_ERROR(CheckTeamObject(def));
  RP_ASSIGN_OR_RETURN(Record rec, RecordStore::Get(c, s, def, id));
  RP_ASSIGN_OR_RETURN(Rows r, c->Query(std::string(kMemberSelect) +
                                           "WHERE m.org_id = ? AND m.object = ? AND m.record_id = ? "
                                           "ORDER BY m.created_at, m.id",
                                       {Value{s.org_id()}, Value{def.name}, Value{id}}));
  json data = json::array();
  for (const auto& row : r.rows) data.push_back(MemberJson(row));
  RP_ASSIGN_OR_RETURN(bool manage, CanManage(c, s, def, rec));
  return json{{"data", data}, {"can_manage", manage}, {"owner_id", Text(rec.Get(def, "owner_id"))}};
}

Result<json> TeamSelling::AddMember(Conn* c, const TenantScope& s, const ObjectDef& def, const std::string& id,
                                    const json& body) {
  RP_RETURN_IF_ERROR(CheckKeys(body, {"user_id", "role", "access"}));
  if (!body.contains("user_id") || !body["user_id"].is_string() || body["user_id"].get<std::string>().empty())
    return Status::InvalidArgument("user_id: is required", "user_id");
  std::string user = body["user_id"].get<std::string>();
  RP_ASSIGN_OR_RETURN(std::string access, AccessFrom(body));
  json out;
  Status st = InTransaction(c, TxMode::kWrite, [&]() -> Status {
    RP_ASSIGN_OR_RETURN(Record rec, ManagedRecord(c, s, def, id));
    RP_ASSIGN_OR_RETURN(std::string role, RoleFrom(c, s, body));
    RP_ASSIGN_OR_RETURN(Rows u, c->Query("SELECT name, active FROM users WHERE org_id = ? AND id = ? AND "
                                         "deleted_at IS NULL",
                                         {Value{s.org_id()}, Value{user}}));
    if (u.empty()) return Status::InvalidArgument("user_id: no user with id " + user, "user_id");
    if (auto* a = std::get_if<int64_t>(&u.rows[0][1]); a && *a == 0)
      return Status::InvalidArgument("user_id: " + Str(u.rows[0][0]) + " is deactivated", "user_id");
    if (Str(rec.Get(def, "owner_id")) == user)
      return Status::Unprocessable("user_id: " + Str(u.rows[0][0]) + " owns this " + Singular(def) +
                                       " and has full access already",
                                   "user_id");
    std::string mid = NewId(), now = NowIso();
    auto ins = c->Exec("INSERT INTO record_team_members (org_id, id, object, record_id, user_id, role, access, "
                       "created_at, created_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       {Value{s.org_id()}, Value{mid}, Value{def.name}, Value{id}, Value{user}, Value{role},
                        Value{access}, Value{now}, s.user_id().empty() ? Value{} : Value{s.user_id()}, Value{now}});
    if (!ins.ok()) {
      if (ins.status().code() == Status::Code::kConflict)
        return Status::Conflict("user_id: " + Str(u.rows[0][0]) + " is already on the team", "user_id");
      return ins.status();
    }
    RP_ASSIGN_OR_RETURN(out, LoadMember(c, s, def, id, mid));
    RP_RETURN_IF_ERROR(RecordStore::Audit(c, s, def.name, id, "team_add", "team", Value{}, AuditMember(out)));
    RP_RETURN_IF_ERROR(RecordStore::Outbox(c, s, def.name, id, "team_changed",
                                           json{{"id", id}, {"member", out}, {"change", "added"}}.dump()));
    RP_RETURN_IF_ERROR(Follow(c, s.org_id(), user, def.name, id, "team"));
    if (user != s.user_id()) {
      RP_ASSIGN_OR_RETURN(std::string by, UserName(c, s.org_id(), s.user_id()));
      RP_RETURN_IF_ERROR(Notify(c, s.org_id(), user, "team_added", def.name, id,
                                by + " added you to the team of " + Singular(def) + " " + Title(def, rec) + " (" +
                                    RoleWords(role) + ", " + (access == "edit" ? "can edit" : "can view") + ")"));
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

Result<json> TeamSelling::ChangeMember(Conn* c, const TenantScope& s, const ObjectDef& def, const std::string& id,
                                       const std::string& member_id, const json& body) {
  RP_RETURN_IF_ERROR(CheckKeys(body, {"role", "access"}));
  if (body.empty()) return Status::InvalidArgument("give role or access to change");
  json out;
  Status st = InTransaction(c, TxMode::kWrite, [&]() -> Status {
    RP_ASSIGN_OR_RETURN(Record rec, ManagedRecord(c, s, def, id));
    (void)rec;
    RP_ASSIGN_OR_RETURN(json before, LoadMember(c, s, def, id, member_id));
    std::string role = before["role"], access = before["access"];
    if (body.contains("role")) {
      RP_ASSIGN_OR_RETURN(role, RoleFrom(c, s, body));
    }
    if (body.contains("access")) {
      RP_ASSIGN_OR_RETURN(access, AccessFrom(body));
    }
    if (role == before["role"] && access == before["access"]) {
      out = before;
      return Status::Ok();
    }
    RP_ASSIGN_OR_RETURN(int64_t n, c->Exec("UPDATE record_team_members SET role = ?, access = ?, updated_at = ? "
                                           "WHERE org_id = ? AND id = ?",
                                           {Value{role}, Value{access}, Value{NowIso()}, Value{s.org_id()},
                                            Value{member_id}}));
    if (n != 1) return Status::NotFound("no team member " + member_id);
    RP_ASSIGN_OR_RETURN(out, LoadMember(c, s, def, id, member_id));
    RP_RETURN_IF_ERROR(
        RecordStore::Audit(c, s, def.name, id, "team_change", "team", AuditMember(before), AuditMember(out)));
    return RecordStore::Outbox(c, s, def.name, id, "team_changed",
                               json{{"id", id}, {"member", out}, {"change", "changed"}}.dump());
  });
  if (!st.ok()) return st;
  return out;
}

Status TeamSelling::RemoveMember(Conn* c, const TenantScope& s, const ObjectDef& def, const std::string& id,
                                 const std::string& member_id) {
  return InTransaction(c, TxMode::kWrite, [&]() -> Status {
    RP_ASSIGN_OR_RETURN(Record rec, ManagedRecord(c, s, def, id));
    (void)rec;
    RP_ASSIGN_OR_RETURN(json before, LoadMember(c, s, def, id, member_id));
    RP_ASSIGN_OR_RETURN(int64_t n, c->Exec("DELETE FROM record_team_members WHERE org_id = ? AND id = ?",
                                           {Value{s.org_id()}, Value{member_id}}));
    if (n != 1) return Status::NotFound("no team member " + member_id);
    // The follow that came with the membership goes with it.
    auto f = c->Exec("DELETE FROM record_follows WHERE org_id = ? AND user_id = ? AND object = ? AND record_id = ? "
                     "AND reason = 'team'",
                     {Value{s.org_id()}, Value{before["user_id"].get<std::string>()}, Value{def.name}, Value{id}});
    if (!f.ok()) return f.status();
    RP_RETURN_IF_ERROR(RecordStore::Audit(c, s, def.name, id, "team_remove", "team", AuditMember(before), Value{}));
    return RecordStore::Outbox(c, s, def.name, id, "team_changed",
                               json{{"id", id}, {"member", before}, {"change", "removed"}}.dump());
  });
}

Result<json> TeamSelling::FollowState(Conn* c, const TenantScope& s, const ObjectDef& def, const std::string& id) {
  if (def.access != Access::kOwned) return Status::NotFound(def.name + " cannot be followed");
  RP_ASSIGN_OR_RETURN(Record rec, RecordStore::Get(c, s, def, id));
  (void)rec;
  RP_ASSIGN_OR_RETURN(Rows mine, c->Query("SELECT reason FROM record_follows WHERE org_id = ? AND user_id = ? AND "
                                          "object = ? AND record_id = ?",
                                          {Value{s.org_id()}, Value{s.user_id()}, Value{def.name}, Value{id}}));
  RP_ASSIGN_OR_RETURN(Rows n, c->Query("SELECT COUNT(*) FROM record_follows WHERE org_id = ? AND object = ? AND "
                                       "record_id = ?",
                                       {Value{s.org_id()}, Value{def.name}, Value{id}}));
  int64_t count = n.empty() ? 0 : std::stoll(Str(n.rows[0][0]));
  return json{{"following", !mine.empty()},
              {"reason", mine.empty() ? json(nullptr) : json(Str(mine.rows[0][0]))},
              {"followers", count}};
}

Result<json> TeamSelling::SetFollow(Conn* c, const TenantScope& s, const ObjectDef& def, const std::string& id,
                                    bool follow) {
  if (def.access != Access::kOwned) return Status::NotFound(def.name + " cannot be followed");
  if (s.user_id().empty()) return Status::PermissionDenied("only users follow records");
  Status st = InTransaction(c, TxMode::kWrite, [&]() -> Status {
    RP_ASSIGN_OR_RETURN(Record rec, RecordStore::Get(c, s, def, id));
    (void)rec;
    if (follow) return Follow(c, s.org_id(), s.user_id(), def.name, id, "manual");
    auto r = c->Exec("DELETE FROM record_follows WHERE org_id = ? AND user_id = ? AND object = ? AND record_id = ?",
                     {Value{s.org_id()}, Value{s.user_id()}, Value{def.name}, Value{id}});
    return r.ok() ? Status::Ok() : r.status();
  });
  if (!st.ok()) return st;
  return FollowState(c, s, def, id);
}

Result<json> TeamSelling::RecordFeed(Conn* c, const TenantScope& s, const Catalog& cat, const ObjectDef& def,
                                     const std::string& id, int limit, const std::string& cursor) {
  RP_RETURN_IF_ERROR(CheckFeedArgs(limit, cursor));
  if (def.access != Access::kOwned) return Status::NotFound(def.name + " have no feed");
  RP_ASSIGN_OR_RETURN(Record rec, RecordStore::Get(c, s, def, id, /*include_deleted=*/true));
  (void)rec;
  const ObjectDef* acts = cat.Find("activities");
  std::string sql = std::string("SELECT ") + kFeedColumns +
                    ", a.object, a.record_id FROM audit_log a WHERE a.org_id = ? AND a.object = ? AND a.record_id = ?";
  std::vector<Value> p{Value{s.org_id()}, Value{def.name}, Value{id}};
  AfterCursor(cursor, &sql, &p);
  if (acts && def.name != "activities") {
    // The activities attached to the record that the caller may see.
    sql += std::string(" UNION ALL SELECT ") + kFeedColumns +
           ", t.related_object, t.related_id FROM activities t JOIN audit_log a ON a.org_id = t.org_id AND "
           "a.object = 'activities' AND a.record_id = t.id WHERE t.org_id = ? AND t.related_object = ? AND "
           "t.related_id = ? AND t.deleted_at IS NULL";
    p.insert(p.end(), {Value{s.org_id()}, Value{def.name}, Value{id}});
    AppendVisibility(s, *acts, "t.", &sql, &p);
    AfterCursor(cursor, &sql, &p);
  }
  return FeedPage(c, s, cat, std::move(sql), p, limit);
}

Result<json> TeamSelling::MyFeed(Conn* c, const TenantScope& s, const Catalog& cat, int limit,
                                 const std::string& cursor) {
  RP_RETURN_IF_ERROR(CheckFeedArgs(limit, cursor));
  const ObjectDef* acts = cat.Find("activities");
  std::string sql = std::string("SELECT ") + kFeedColumns +
                    ", f.object, f.record_id FROM record_follows f JOIN audit_log a ON a.org_id = f.org_id AND "
                    "a.object = f.object AND a.record_id = f.record_id WHERE f.org_id = ? AND f.user_id = ?";
  std::vector<Value> p{Value{s.org_id()}, Value{s.user_id()}};
  AfterCursor(cursor, &sql, &p);
  if (acts) {
    sql += std::string(" UNION ALL SELECT ") + kFeedColumns +
           ", f.object, f.record_id FROM record_follows f JOIN activities t ON t.org_id = f.org_id AND "
           "t.related_object = f.object AND t.related_id = f.record_id JOIN audit_log a ON a.org_id = t.org_id AND "
           "a.object = 'activities' AND a.record_id = t.id WHERE f.org_id = ? AND f.user_id = ? AND "
           "t.deleted_at IS NULL";
    p.insert(p.end(), {Value{s.org_id()}, Value{s.user_id()}});
    AppendVisibility(s, *acts, "t.", &sql, &p);
    AfterCursor(cursor, &sql, &p);
  }
  return FeedPage(c, s, cat, std::move(sql), p, limit);
}

Status TeamSelling::AfterCreate(Conn* c, const TenantScope& s, const Catalog& cat, const ObjectDef& def,
                                const Record& created) {
  std::string id = Str(created.Get(def, "id"));
  if (HasRecordTeams(def)) {
    RP_RETURN_IF_ERROR(Follow(c, s.org_id(), Str(created.Get(def, "owner_id")), def.name, id, "owner"));
  }
  if (def.name != "activities") return Status::Ok();
  RP_RETURN_IF_ERROR(NotifyMentions(c, s, cat, def, nullptr, created));
  // Followers of the record an activity is attached to hear of it.
  std::string ro = Str(created.Get(def, "related_object")), rid = Str(created.Get(def, "related_id"));
  const ObjectDef* about = ro.empty() || rid.empty() ? nullptr : cat.Find(ro);
  if (!about) return Status::Ok();
  return NotifyFollowers(c, s, *about, rid, [&]() -> Result<std::string> {
    RP_ASSIGN_OR_RETURN(std::string who, UserName(c, s.org_id(), s.user_id()));
    auto rec = RecordStore::Get(c, TenantScope::ForOperator(s.org_id()), *about, rid, true);
    std::string title = rec.ok() ? Title(*about, *rec) : rid;
    return who + " added a " + Str(created.Get(def, "type")) + " to " + Singular(*about) + " " + title;
  });
}

Status TeamSelling::AfterUpdate(Conn* c, const TenantScope& s, const Catalog& cat, const ObjectDef& def,
                                const Record& before, const Record& after) {
  if (before.version(def) == after.version(def)) return Status::Ok();  // nothing changed
  std::string id = Str(after.Get(def, "id"));
  if (HasRecordTeams(def) && Str(before.Get(def, "owner_id")) != Str(after.Get(def, "owner_id"))) {
    RP_RETURN_IF_ERROR(Follow(c, s.org_id(), Str(after.Get(def, "owner_id")), def.name, id, "owner"));
  }
  if (def.name == "activities") RP_RETURN_IF_ERROR(NotifyMentions(c, s, cat, def, &before, after));
  std::string fields;
  for (size_t i = 0; i < def.fields.size() && i < before.values.size() && i < after.values.size(); ++i) {
    const FieldDef& f = def.fields[i];
    if (f.system) continue;
    if (IsNull(before.values[i]) == IsNull(after.values[i]) && Str(before.values[i]) == Str(after.values[i])) continue;
    fields += (fields.empty() ? "" : ", ") + f.label;
  }
  if (fields.empty()) return Status::Ok();
  return NotifyFollowers(c, s, def, id, [&]() -> Result<std::string> {
    RP_ASSIGN_OR_RETURN(std::string who, UserName(c, s.org_id(), s.user_id()));
    return who + " changed " + Singular(def) + " " + Title(def, after) + ": " + fields;
  });
}

Status TeamSelling::AfterDelete(Conn* c, const TenantScope& s, const Catalog& cat, const ObjectDef& def,
                                const Record& after, bool deleted) {
  (void)cat;
  return NotifyFollowers(c, s, def, Str(after.Get(def, "id")), [&]() -> Result<std::string> {
    RP_ASSIGN_OR_RETURN(std::string who, UserName(c, s.org_id(), s.user_id()));
    return who + (deleted ? " deleted " : " restored ") + Singular(def) + " " + Title(def, after);
  });
}

}  // namespace rapport
