#include "store/records.h"

#include <nlohmann/json.hpp>

#include "base/ids.h"
#include "base/time.h"
#include "meta/validate.h"
#include "store/schema.h"
#include "store/search.h"

namespace rapport {

using nlohmann::json;

const char* RoleName(Role r) {
  switch (r) {
    case Role::kAdmin: return "admin";
    case Role::kManager: return "manager";
    case Role::kRep: return "rep";
  }
  return "rep";
}

bool ParseRole(const std::string& s, Role* out) {
  if (s == "admin") *out = Role::kAdmin;
  else if (s == "manager") *out = Role::kManager;
  else if (s == "rep") *out = Role::kRep;
  else return false;
  return true;
}

const Value& Record::Get(const ObjectDef& def, const std::string& field) const {
  static const Value kNull;
  int i = def.IndexOf(field);
  return i < 0 || i >= static_cast<int>(values.size()) ? kNull : values[i];
}

int64_t Record::version(const ObjectDef& def) const {
  const Value& v = Get(def, "version");
  if (auto* i = std::get_if<int64_t>(&v)) return *i;
  if (auto* d = std::get_if<double>(&v)) return static_cast<int64_t>(*d);
  return 0;
}

namespace {

struct OpName {
  FilterOp op;
  const char* name;
};
const OpName kOps[] = {{FilterOp::kEq, "eq"},         {FilterOp::kNe, "ne"},
                       {FilterOp::kLt, "lt"},         {FilterOp::kLte, "lte"},
                       {FilterOp::kGt, "gt"},         {FilterOp::kGte, "gte"},
                       {FilterOp::kIn, "in"},         {FilterOp::kNotIn, "not_in"},
                       {FilterOp::kContains, "contains"}, {FilterOp::kStartsWith, "starts_with"},
                       {FilterOp::kIsNull, "is_null"}};

std::string Placeholders(size_t n) {
  std::string s;
  for (size_t i = 0; i < n; ++i) s += i ? ", ?" : "?";
  return s;
}

// "id, version, created_at, ..." in the order of def.fields.
const std::string& SelectList(const ObjectDef& def) { return def.column_list(); }

Record ToRecord(std::vector<Value>&& row) { return Record{std::move(row)}; }

std::string EscapeLike(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

// `change_id`: shared by the rows of one change (an update writes a row per
// field); empty for changes of one row.
Status WriteAudit(Conn* c, const TenantScope& scope, const ObjectDef& def, const std::string& id,
                  const std::string& at, const char* action, const std::string& field, const Value& old_v,
                  const Value& new_v, const std::string& change_id = {}) {
  auto r = c->Exec(
      "INSERT INTO audit_log (org_id, id, at, user_id, object, record_id, action, field, old_value, new_value, "
      "change_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {Value{scope.org_id()}, Value{NewId()}, Value{at},
       scope.user_id().empty() ? Value{} : Value{scope.user_id()}, Value{def.name}, Value{id},
       Value{std::string(action)}, field.empty() ? Value{} : Value{field},
       IsNull(old_v) ? Value{} : Value{ValueToString(old_v)}, IsNull(new_v) ? Value{} : Value{ValueToString(new_v)},
       change_id.empty() ? Value{} : Value{change_id}});
  return r.ok() ? Status::Ok() : r.status();
}

Status WriteOutbox(Conn* c, const TenantScope& scope, const ObjectDef& def, const std::string& id,
                   const std::string& at, const char* action, const json& payload) {
  auto r = c->Exec(
      "INSERT INTO outbox (org_id, id, at, object, record_id, action, payload) VALUES (?, ?, ?, ?, ?, ?, ?)",
      {Value{scope.org_id()}, Value{NewId()}, Value{at}, Value{def.name}, Value{id}, Value{std::string(action)},
       Value{payload.dump()}});
  return r.ok() ? Status::Ok() : r.status();
}

bool SameValue(const Value& a, const Value& b) {
  if (a.index() == b.index()) return a == b;
  // REAL columns may come back as integers from SQLite and vice versa.
  auto num = [](const Value& v, double* out) {
    if (auto* i = std::get_if<int64_t>(&v)) { *out = static_cast<double>(*i); return true; }
    if (auto* d = std::get_if<double>(&v)) { *out = *d; return true; }
    return false;
  };
  double x, y;
  return num(a, &x) && num(b, &y) && x == y;
}

json ValueForCursor(const Value& v) {
  if (auto* s = std::get_if<std::string>(&v)) return *s;
  if (auto* i = std::get_if<int64_t>(&v)) return *i;
  if (auto* d = std::get_if<double>(&v)) return *d;
  return nullptr;
}

Value ValueFromCursor(const FieldDef& f, const json& j) {
  if (j.is_null()) return Value{};
  if (j.is_string()) return Value{j.get<std::string>()};
  if (f.name == "version" || StorageOf(f.kind) == StorageClass::kInteger) {
    return Value{j.is_number_integer() ? j.get<int64_t>() : static_cast<int64_t>(j.get<double>())};
  }
  return Value{j.get<double>()};
}

std::string SortSpec(const std::vector<SortKey>& keys) {
  std::string s;
  for (const auto& k : keys) {
    if (!s.empty()) s += ",";
    s += (k.descending ? "-" : "") + k.field;
  }
  return s;
}

}  // namespace

bool HasRecordTeams(const ObjectDef& def) { return def.name == "accounts" || def.name == "opportunities"; }

void AppendVisibility(const TenantScope& s, const ObjectDef& def, const std::string& alias, std::string* sql,
                      std::vector<Value>* p, Reach reach) {
  if (def.access != Access::kOwned || s.is_admin()) return;
  *sql += " AND (" + alias + "owner_id = ?";
  // Issue 5 (team selling): members of a record's team. The subquery does
  // not depend on the row, so it is evaluated once (an index range on
  // ix_record_team_user) and each row costs one lookup in its result.
  auto team_of = [&](const std::string& object, bool edit_only) {
    std::string q = "SELECT m.record_id FROM record_team_members m WHERE m.org_id = ? AND m.user_id = ? AND m.object = ?";
    p->emplace_back(s.org_id());
    p->emplace_back(s.user_id());
    p->emplace_back(object);
    if (edit_only) q += " AND m.access = 'edit'";
    return q;
  };
  p->emplace_back(s.user_id());
  if (reach != Reach::kOwner && !s.user_id().empty()) {
    if (HasRecordTeams(def)) {
      *sql += " OR " + alias + "id IN (" + team_of(def.name, reach == Reach::kWrite) + ")";
    } else if (def.name == "activities" && reach == Reach::kRead) {
      // Notes, calls and tasks attached to a team's account or deal are
      // read by its members (the timeline a sales engineer works from).
      *sql += " OR (" + alias + "related_object = 'accounts' AND " + alias + "related_id IN (" +
              team_of("accounts", false) + "))";
      *sql += " OR (" + alias + "related_object = 'opportunities' AND " + alias + "related_id IN (" +
              team_of("opportunities", false) + "))";
    }
  }
  const auto& teams = s.team_ids();
  if (!teams.empty()) {
    *sql += " OR " + alias + "team_id IN (" + Placeholders(teams.size()) + ")";
    for (const auto& t : teams) p->emplace_back(t);
    if (s.role() == Role::kManager) {
      *sql += " OR " + alias + "owner_id IN (SELECT u.id FROM users u WHERE u.org_id = ? AND u.team_id IN (" +
              Placeholders(teams.size()) + "))";
      p->emplace_back(s.org_id());
      for (const auto& t : teams) p->emplace_back(t);
    }
  }
  *sql += ")";
}

bool ParseFilterOp(const std::string& s, FilterOp* out) {
  for (const auto& o : kOps) {
    if (s == o.name) { *out = o.op; return true; }
  }
  return false;
}

const char* FilterOpName(FilterOp op) {
  for (const auto& o : kOps) {
    if (o.op == op) return o.name;
  }
  return "eq";
}

// Appends " AND <condition>" for each filter (validated against `def`).
Status AppendFilters(const ObjectDef& def, const Dialect& d, const std::vector<Filter>& filters, std::string* sqlp,
                     std::vector<Value>* pp) {
  std::string& sql = *sqlp;
  std::vector<Value>& p = *pp;
  for (const auto& flt : filters) {
    const FieldDef* f = def.Find(flt.field);
    if (!f) return Status::InvalidArgument("filter: unknown field '" + flt.field + "' on " + def.name, flt.field);
    const std::string& col = f->column;
    auto need_one = [&]() -> Status {
      if (flt.values.size() != 1)
        return Status::InvalidArgument(std::string("filter: ") + FilterOpName(flt.op) + " takes one value", flt.field);
      return Status::Ok();
    };
    switch (flt.op) {
      case FilterOp::kEq:
      case FilterOp::kNe: {
        RP_RETURN_IF_ERROR(need_one());
        bool eq = flt.op == FilterOp::kEq;
        if (IsNull(flt.values[0])) {
          sql += " AND " + col + (eq ? " IS NULL" : " IS NOT NULL");
        } else {
          if (eq && FoldsCase(*f) && std::holds_alternative<std::string>(flt.values[0])) {
            // Exact, and bounded by the field's lower(column) index.
            sql += " AND " + SortExpression(*f) + " = ? AND " + d.Unindexed(col) + " = ?";
            p.emplace_back(AsciiLower(std::get<std::string>(flt.values[0])));
          } else {
            sql += eq ? " AND " + col + " = ?" : " AND (" + col + " <> ? OR " + col + " IS NULL)";
          }
          p.push_back(flt.values[0]);
        }
        break;
      }
      case FilterOp::kLt:
      case FilterOp::kLte:
      case FilterOp::kGt:
      case FilterOp::kGte: {
        RP_RETURN_IF_ERROR(need_one());
        if (IsNull(flt.values[0])) return Status::InvalidArgument("filter: cannot compare with null", flt.field);
        const char* op = flt.op == FilterOp::kLt ? " < ?" : flt.op == FilterOp::kLte ? " <= ?"
                                                        : flt.op == FilterOp::kGt ? " > ?" : " >= ?";
        sql += " AND " + col + op;
        p.push_back(flt.values[0]);
        break;
      }
      case FilterOp::kIn:
      case FilterOp::kNotIn: {
        if (flt.values.empty() || flt.values.size() > 1000)
          return Status::InvalidArgument("filter: in takes 1 to 1000 values", flt.field);
        if (flt.op == FilterOp::kIn) {
          if (FoldsCase(*f)) {  // bounded by the lower(column) index, then exact
            sql += " AND " + SortExpression(*f) + " IN (" + Placeholders(flt.values.size()) + ")";
            for (const auto& v : flt.values) p.emplace_back(AsciiLower(ValueToString(v)));
            sql += " AND " + d.Unindexed(col) + " IN (" + Placeholders(flt.values.size()) + ")";
          } else {
            sql += " AND " + col + " IN (" + Placeholders(flt.values.size()) + ")";
          }
        } else {
          sql += " AND (" + col + " NOT IN (" + Placeholders(flt.values.size()) + ") OR " + col + " IS NULL)";
        }
        p.insert(p.end(), flt.values.begin(), flt.values.end());
        break;
      }
      case FilterOp::kContains:
      case FilterOp::kStartsWith: {
        RP_RETURN_IF_ERROR(need_one());
        if (StorageOf(f->kind) != StorageClass::kText)
          return Status::InvalidArgument(std::string("filter: ") + FilterOpName(flt.op) + " applies to text fields only",
                                         flt.field);
        std::string v = ValueToString(flt.values[0]);
        if (flt.op == FilterOp::kStartsWith && FoldsCase(*f)) {
          // lower(column) in [prefix, prefix + 1): exactly the values that
          // start with the prefix, ASCII case ignored, as one index range.
          std::string lo = AsciiLower(v), hi = lo;
          while (!hi.empty() && static_cast<unsigned char>(hi.back()) == 0xFF) hi.pop_back();
          if (lo.empty()) break;
          sql += " AND " + SortExpression(*f) + " >= ?";
          p.emplace_back(lo);
          if (!hi.empty()) {
            hi.back() = static_cast<char>(static_cast<unsigned char>(hi.back()) + 1);
            sql += " AND " + SortExpression(*f) + " < ?";
            p.emplace_back(hi);
          }
          break;
        }
        if (flt.op == FilterOp::kStartsWith && f->kind != FieldKind::kMultiPicklist) {
          // Case-insensitive (LIKE/ILIKE), plus a byte range that holds every
          // case variant of the prefix -- from its all-upper to its all-lower
          // form -- so an index on the field bounds the scan.
          std::string lo = v, hi = v;
          for (auto& ch : lo) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
          for (auto& ch : hi) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
          while (!hi.empty() && static_cast<unsigned char>(hi.back()) == 0xFF) hi.pop_back();
          sql += " AND " + col + " >= ?";
          p.emplace_back(lo);
          if (!hi.empty()) {
            hi.back() = static_cast<char>(static_cast<unsigned char>(hi.back()) + 1);
            sql += " AND " + col + " < ?";
            p.emplace_back(hi);
          }
          sql += " AND " + col + " " + d.ILike() + " ? ESCAPE '\\'";
          p.emplace_back(EscapeLike(v) + "%");
          break;
        }
        std::string pattern;
        if (f->kind == FieldKind::kMultiPicklist) pattern = "%" + EscapeLike(json(v).dump()) + "%";
        else pattern = "%" + EscapeLike(v) + "%";
        sql += " AND " + col + " " + d.ILike() + " ? ESCAPE '\\'";
        p.emplace_back(pattern);
        break;
      }
      case FilterOp::kIsNull: {
        bool want_null = flt.values.empty() || !std::holds_alternative<int64_t>(flt.values[0]) ||
                         std::get<int64_t>(flt.values[0]) != 0;
        sql += " AND " + col + (want_null ? " IS NULL" : " IS NOT NULL");
        break;
      }
    }
  }

  return Status::Ok();
}

Result<Record> RecordStore::Get(Conn* c, const TenantScope& scope, const ObjectDef& def, const std::string& id,
                                bool include_deleted) {
  std::string sql = "SELECT " + SelectList(def) + " FROM " + def.table + " WHERE org_id = ? AND id = ?";
  std::vector<Value> p{Value{scope.org_id()}, Value{id}};
  if (!include_deleted) sql += " AND deleted_at IS NULL";
  AppendVisibility(scope, def, "", &sql, &p);
  RP_ASSIGN_OR_RETURN(Rows rows, c->Query(sql, p));
  if (rows.empty()) return Status::NotFound(def.label + " " + id + " not found");
  return ToRecord(std::move(rows.rows[0]));
}

Result<Record> RecordStore::GetFor(Conn* c, const TenantScope& scope, const ObjectDef& def, const std::string& id,
                                   bool include_deleted, Reach reach) {
  if (reach == Reach::kRead || def.access != Access::kOwned || scope.is_admin())
    return Get(c, scope, def, id, include_deleted);
  std::string sql = "SELECT " + SelectList(def) + " FROM " + def.table + " WHERE org_id = ? AND id = ?";
  std::vector<Value> p{Value{scope.org_id()}, Value{id}};
  if (!include_deleted) sql += " AND deleted_at IS NULL";
  AppendVisibility(scope, def, "", &sql, &p, reach);
  RP_ASSIGN_OR_RETURN(Rows rows, c->Query(sql, p));
  if (!rows.empty()) return ToRecord(std::move(rows.rows[0]));
  // Visible but not with this reach: say so rather than pretend it is gone.
  RP_ASSIGN_OR_RETURN(Record seen, Get(c, scope, def, id, include_deleted));
  (void)seen;
  return Status::PermissionDenied(reach == Reach::kWrite
                                      ? "you have read access to " + def.label + " " + id +
                                            " through its team; ask its owner for edit access"
                                      : "only the owner of " + def.label + " " + id +
                                            ", their manager or an administrator may do this");
}

Status RecordStore::Audit(Conn* c, const TenantScope& scope, const std::string& object, const std::string& id,
                          const std::string& action, const std::string& field, const Value& old_value,
                          const Value& new_value) {
  ObjectDef d;
  d.name = object;
  return WriteAudit(c, scope, d, id, NowIso(), action.c_str(), field, old_value, new_value);
}

Status RecordStore::Outbox(Conn* c, const TenantScope& scope, const std::string& object, const std::string& id,
                           const std::string& action, const std::string& payload_json) {
  ObjectDef d;
  d.name = object;
  json payload = json::parse(payload_json, nullptr, false);
  if (payload.is_discarded()) return Status::Internal("outbox payload is not JSON");
  return WriteOutbox(c, scope, d, id, NowIso(), action.c_str(), payload);
}

Result<bool> RecordStore::Exists(Conn* c, const TenantScope& scope, const ObjectDef& def, const std::string& id) {
  RP_ASSIGN_OR_RETURN(Rows rows, c->Query("SELECT 1 FROM " + def.table +
                                              " WHERE org_id = ? AND id = ? AND deleted_at IS NULL",
                                          {Value{scope.org_id()}, Value{id}}));
  return !rows.empty();
}

Result<Record> RecordStore::Insert(Conn* c, const TenantScope& scope, const ObjectDef& def, const FieldValues& values,
                                   const std::string& given_id) {
  const std::string id = given_id.empty() ? NewId() : given_id;
  const std::string now = NowIso();
  std::vector<Value> row(def.fields.size());
  json created = json::object();
  for (size_t i = 0; i < def.fields.size(); ++i) {
    const FieldDef& f = def.fields[i];
    auto it = values.find(f.name);
    if (f.name == "id") row[i] = Value{id};
    else if (f.name == "version") row[i] = Value{int64_t{1}};
    else if (f.name == "created_at" || f.name == "updated_at") row[i] = Value{now};
    else if (f.name == "created_by" || f.name == "updated_by")
      row[i] = scope.user_id().empty() ? Value{} : Value{scope.user_id()};
    else if (f.name == "deleted_at") row[i] = Value{};
    else if (it != values.end()) row[i] = it->second;
    else if (f.name == "owner_id" && !scope.user_id().empty()) row[i] = Value{scope.user_id()};
    else if (!f.default_text.empty()) row[i] = Value{f.default_text};
    if (!f.system && !IsNull(row[i])) created[f.name] = ValueToJson(f, row[i]);
  }
  std::string sql = "INSERT INTO " + def.table + " (org_id, " + SelectList(def) + ") VALUES (?, " +
                    Placeholders(def.fields.size()) + ")";
  std::vector<Value> p;
  p.reserve(row.size() + 1);
  p.emplace_back(scope.org_id());
  p.insert(p.end(), row.begin(), row.end());
  Status st = InTransaction(c, TxMode::kWrite, [&]() -> Status {
    auto r = c->Exec(sql, p);
    if (!r.ok()) {
      if (r.status().code() == Status::Code::kConflict) return Status::Conflict(def.label + " " + id + " already exists", "id");
      return r.status();
    }
    RP_RETURN_IF_ERROR(WriteAudit(c, scope, def, id, now, "create", "", Value{}, Value{created.dump()}));
    RP_RETURN_IF_ERROR(SearchIndex::Index(c, scope, def, Record{row}, /*is_new=*/given_id.empty()));
    return WriteOutbox(c, scope, def, id, now, "created", json{{"id", id}});
  });
  if (!st.ok()) return st;
  return Record{std::move(row)};
}

Result<Record> RecordStore::Update(Conn* c, const TenantScope& scope, const ObjectDef& def, const std::string& id,
                                   const FieldValues& changes, std::optional<int64_t> expected_version) {
  Record out;
  Status st = InTransaction(c, TxMode::kWrite, [&]() -> Status {
    RP_ASSIGN_OR_RETURN(Record cur, GetFor(c, scope, def, id, /*include_deleted=*/true, Reach::kWrite));
    if (!IsNull(cur.Get(def, "deleted_at")))
      return Status::Conflict(def.label + " " + id + " is deleted; restore it before changing it");
    int64_t version = cur.version(def);
    if (expected_version && *expected_version != version) {
      return Status::PreconditionFailed(def.label + " " + id + " was changed by someone else (version " +
                                        std::to_string(version) + ", you sent " + std::to_string(*expected_version) +
                                        "); reload it and apply your change again");
    }
    std::string sets;
    std::vector<Value> p;
    std::vector<std::pair<int, Value>> changed;  // field index, new value
    for (const auto& [name, v] : changes) {
      int i = def.IndexOf(name);
      if (i < 0) return Status::InvalidArgument("unknown field '" + name + "'", name);
      if (SameValue(cur.values[i], v)) continue;
      sets += def.fields[i].column + " = ?, ";
      p.push_back(v);
      changed.emplace_back(i, v);
    }
    if (changed.empty()) {
      out = std::move(cur);
      return Status::Ok();
    }
    const std::string now = NowIso();
    sets += "version = ?, updated_at = ?, updated_by = ?";
    p.emplace_back(int64_t{version + 1});
    p.emplace_back(now);
    p.push_back(scope.user_id().empty() ? Value{} : Value{scope.user_id()});
    p.emplace_back(scope.org_id());
    p.emplace_back(id);
    p.emplace_back(int64_t{version});
    RP_ASSIGN_OR_RETURN(int64_t n,
                        c->Exec("UPDATE " + def.table + " SET " + sets + " WHERE org_id = ? AND id = ? AND version = ?", p));
    if (n != 1) return Status::PreconditionFailed(def.label + " " + id + " was changed by someone else; reload it");
    json fields = json::array();
    bool reindex = false;
    const std::string change_id = NewId();
    for (auto& [i, v] : changed) {
      reindex = reindex || SearchIndex::Affects(def, def.fields[i].name);
      RP_RETURN_IF_ERROR(
          WriteAudit(c, scope, def, id, now, "update", def.fields[i].name, cur.values[i], v, change_id));
      fields.push_back(def.fields[i].name);
      cur.values[i] = v;
    }
    cur.values[def.IndexOf("version")] = Value{int64_t{version + 1}};
    cur.values[def.IndexOf("updated_at")] = Value{now};
    cur.values[def.IndexOf("updated_by")] = scope.user_id().empty() ? Value{} : Value{scope.user_id()};
    if (reindex) RP_RETURN_IF_ERROR(SearchIndex::Index(c, scope, def, cur));
    RP_RETURN_IF_ERROR(WriteOutbox(c, scope, def, id, now, "updated", json{{"id", id}, {"fields", fields}}));
    out = std::move(cur);
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

Result<Record> RecordStore::SetDeleted(Conn* c, const TenantScope& scope, const ObjectDef& def, const std::string& id,
                                       bool deleted, std::optional<int64_t> expected_version) {
  Record out;
  Status st = InTransaction(c, TxMode::kWrite, [&]() -> Status {
    RP_ASSIGN_OR_RETURN(Record cur, GetFor(c, scope, def, id, /*include_deleted=*/true, Reach::kOwner));
    bool is_deleted = !IsNull(cur.Get(def, "deleted_at"));
    if (is_deleted == deleted) {
      return deleted ? Status::NotFound(def.label + " " + id + " not found")
                     : Status::Conflict(def.label + " " + id + " is not deleted");
    }
    int64_t version = cur.version(def);
    if (expected_version && *expected_version != version) {
      return Status::PreconditionFailed(def.label + " " + id + " was changed by someone else (version " +
                                        std::to_string(version) + "); reload it");
    }
    const std::string now = NowIso();
    Value del = deleted ? Value{now} : Value{};
    Value who = scope.user_id().empty() ? Value{} : Value{scope.user_id()};
    RP_ASSIGN_OR_RETURN(int64_t n, c->Exec("UPDATE " + def.table +
                                               " SET deleted_at = ?, version = ?, updated_at = ?, updated_by = ? "
                                               "WHERE org_id = ? AND id = ? AND version = ?",
                                           {del, Value{int64_t{version + 1}}, Value{now}, who, Value{scope.org_id()},
                                            Value{id}, Value{int64_t{version}}}));
    if (n != 1) return Status::PreconditionFailed(def.label + " " + id + " was changed by someone else; reload it");
    const char* action = deleted ? "delete" : "restore";
    RP_RETURN_IF_ERROR(WriteAudit(c, scope, def, id, now, action, "deleted_at", cur.Get(def, "deleted_at"), del));
    RP_RETURN_IF_ERROR(WriteOutbox(c, scope, def, id, now, deleted ? "deleted" : "restored", json{{"id", id}}));
    cur.values[def.IndexOf("deleted_at")] = del;
    RP_RETURN_IF_ERROR(deleted ? SearchIndex::Unindex(c, scope, def, id) : SearchIndex::Index(c, scope, def, cur));
    cur.values[def.IndexOf("version")] = Value{int64_t{version + 1}};
    cur.values[def.IndexOf("updated_at")] = Value{now};
    cur.values[def.IndexOf("updated_by")] = who;
    out = std::move(cur);
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

Result<Page> RecordStore::List(Conn* c, const TenantScope& scope, const ObjectDef& def, const ListQuery& q) {
  Dialect d{c->backend()};
  std::string sql = "SELECT " + SelectList(def) + " FROM " + def.table + " WHERE org_id = ?";
  std::vector<Value> p{Value{scope.org_id()}};
  switch (q.deleted) {
    case DeletedFilter::kExclude: sql += " AND deleted_at IS NULL"; break;
    case DeletedFilter::kOnly: sql += " AND deleted_at IS NOT NULL"; break;
    case DeletedFilter::kInclude: break;
  }
  AppendVisibility(scope, def, "", &sql, &p);

  RP_RETURN_IF_ERROR(AppendFilters(def, d, q.filters, &sql, &p));

  // Sort keys, then id in the direction of the last key as the tie-break.
  std::vector<SortKey> keys;
  for (const auto& k : q.sort) {
    const FieldDef* f = def.Find(k.field);
    if (!f) return Status::InvalidArgument("sort: unknown field '" + k.field + "' on " + def.name, "sort");
    if (k.field == "id") break;
    keys.push_back(k);
  }
  bool last_desc = keys.empty() ? (!q.sort.empty() && q.sort.back().field == "id" && q.sort.back().descending)
                                : keys.back().descending;
  keys.push_back(SortKey{"id", last_desc});
  const std::string spec = SortSpec(keys);

  if (!q.cursor.empty()) {
    std::string raw;
    json cj;
    if (Base64UrlDecode(q.cursor, &raw)) cj = json::parse(raw, nullptr, false);
    if (!cj.is_object() || !cj.contains("s") || !cj["s"].is_string() || cj["s"] != spec || !cj.contains("v") ||
        !cj["v"].is_array() || cj["v"].size() != keys.size()) {
      return Status::InvalidArgument("cursor is not valid for this sort order; start again without a cursor",
                                     "cursor");
    }
    std::vector<Value> cv;
    for (size_t i = 0; i < keys.size(); ++i) cv.push_back(ValueFromCursor(*def.Find(keys[i].field), cj["v"][i]));
    // Sort expressions (lower(column) for text fields; cursor values of those
    // were folded the same way when the cursor was made).
    // Keyset: OR over i of (keys before i equal) AND (key i strictly after).
    // NULLs sort as the smallest value (Dialect::OrderSuffix).
    std::string any;
    for (size_t i = 0; i < keys.size(); ++i) {
      const std::string col = SortExpression(*def.Find(keys[i].field));
      std::string after;
      if (!keys[i].descending) {
        after = IsNull(cv[i]) ? col + " IS NOT NULL" : col + " > ?";
      } else {
        if (IsNull(cv[i])) continue;  // nothing sorts after NULL descending
        after = "(" + col + " < ? OR " + col + " IS NULL)";
      }
      std::string term = "(";
      std::vector<Value> tp;
      for (size_t j = 0; j < i; ++j) {
        const std::string cj_col = SortExpression(*def.Find(keys[j].field));
        if (IsNull(cv[j])) term += cj_col + " IS NULL AND ";
        else {
          term += cj_col + " = ? AND ";
          tp.push_back(cv[j]);
        }
      }
      term += after + ")";
      if (!IsNull(cv[i])) tp.push_back(cv[i]);
      any += any.empty() ? term : " OR " + term;
      p.insert(p.end(), tp.begin(), tp.end());
    }
    if (any.empty()) any = "1 = 0";
    sql += " AND (" + any + ")";
    // A redundant bound on the first key lets the database seek the index.
    const std::string first = SortExpression(*def.Find(keys[0].field));
    if (!IsNull(cv[0])) {
      sql += keys[0].descending ? " AND (" + first + " <= ? OR " + first + " IS NULL)" : " AND " + first + " >= ?";
      p.push_back(cv[0]);
    }
  }

  sql += " ORDER BY ";
  for (size_t i = 0; i < keys.size(); ++i) {
    if (i) sql += ", ";
    sql += SortExpression(*def.Find(keys[i].field)) + d.OrderSuffix(keys[i].descending);
  }
  int limit = q.limit;
  if (limit < 1 || limit > 1000) return Status::InvalidArgument("limit must be between 1 and 1000", "limit");
  sql += " LIMIT " + std::to_string(limit + 1);

  RP_ASSIGN_OR_RETURN(Rows rows, c->Query(sql, p));
  Page page;
  bool more = static_cast<int>(rows.size()) > limit;
  if (more) rows.rows.resize(limit);
  page.records.reserve(rows.size());
  for (auto& r : rows.rows) page.records.push_back(ToRecord(std::move(r)));
  if (more) {
    const Record& last = page.records.back();
    json v = json::array();
    for (const auto& k : keys) {
      const FieldDef& f = *def.Find(k.field);
      const Value& val = last.Get(def, k.field);
      if (FoldsCase(f) && std::holds_alternative<std::string>(val)) v.push_back(AsciiLower(std::get<std::string>(val)));
      else v.push_back(ValueForCursor(val));
    }
    page.next_cursor = Base64UrlEncode(json{{"s", spec}, {"v", v}}.dump());
  }
  return page;
}

Result<std::vector<AggregateRow>> RecordStore::Aggregate(Conn* c, const TenantScope& scope, const ObjectDef& def,
                                                         const std::vector<Filter>& filters, const std::string& group_by,
                                                         const std::string& sum_field, const std::string& weight_field) {
  Dialect d{c->backend()};
  const FieldDef* g = def.Find(group_by);
  if (!g) return Status::InvalidArgument("group_by: unknown field '" + group_by + "' on " + def.name, "group_by");
  auto numeric = [&](const std::string& name, const char* param) -> Result<const FieldDef*> {
    if (name.empty()) return static_cast<const FieldDef*>(nullptr);
    const FieldDef* f = def.Find(name);
    if (!f) return Status::InvalidArgument(std::string(param) + ": unknown field '" + name + "'", param);
    if (StorageOf(f->kind) != StorageClass::kReal)
      return Status::InvalidArgument(std::string(param) + ": '" + name + "' is not a number field", param);
    return f;
  };
  RP_ASSIGN_OR_RETURN(const FieldDef* sf, numeric(sum_field, "sum"));
  RP_ASSIGN_OR_RETURN(const FieldDef* wf, numeric(weight_field, "weight"));
  std::string sum_expr = sf ? "SUM(" + sf->column + ")" : "0";
  std::string weighted = sf && wf ? "SUM(" + sf->column + " * " + wf->column + " / 100.0)" : "0";
  std::string sql = "SELECT " + g->column + ", COUNT(*), " + sum_expr + ", " + weighted + " FROM " + def.table +
                    " WHERE org_id = ? AND deleted_at IS NULL";
  std::vector<Value> p{Value{scope.org_id()}};
  AppendVisibility(scope, def, "", &sql, &p);
  RP_RETURN_IF_ERROR(AppendFilters(def, d, filters, &sql, &p));
  sql += " GROUP BY " + g->column + " ORDER BY COUNT(*) DESC LIMIT 1000";
  RP_ASSIGN_OR_RETURN(Rows rows, c->Query(sql, p));
  std::vector<AggregateRow> out;
  auto num = [](const Value& v) {
    if (auto* i = std::get_if<int64_t>(&v)) return static_cast<double>(*i);
    if (auto* x = std::get_if<double>(&v)) return *x;
    return 0.0;
  };
  for (auto& r : rows.rows) {
    AggregateRow a;
    a.key = r[0];
    a.count = static_cast<int64_t>(num(r[1]));
    a.sum = num(r[2]);
    a.weighted_sum = num(r[3]);
    out.push_back(std::move(a));
  }
  return out;
}

Result<std::vector<AuditEntry>> RecordStore::History(Conn* c, const TenantScope& scope, const ObjectDef& def,
                                                     const std::string& id) {
  RP_ASSIGN_OR_RETURN(Record r, Get(c, scope, def, id, /*include_deleted=*/true));
  (void)r;
  RP_ASSIGN_OR_RETURN(Rows rows,
                      c->Query("SELECT id, at, user_id, action, field, old_value, new_value FROM audit_log "
                               "WHERE org_id = ? AND object = ? AND record_id = ? ORDER BY id",
                               {Value{scope.org_id()}, Value{def.name}, Value{id}}));
  std::vector<AuditEntry> out;
  for (auto& row : rows.rows) {
    AuditEntry e;
    e.id = ValueToString(row[0]);
    e.at = ValueToString(row[1]);
    e.user_id = ValueToString(row[2]);
    e.action = ValueToString(row[3]);
    e.field = ValueToString(row[4]);
    e.has_old = !IsNull(row[5]);
    e.old_value = ValueToString(row[5]);
    e.has_new = !IsNull(row[6]);
    e.new_value = ValueToString(row[6]);
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace rapport
