#include "store/search.h"

#include <algorithm>
#include <cmath>

#include "base/ids.h"

namespace rapport {

namespace {

int64_t EntryKey(const std::string& org, const std::string& object, const std::string& id) {
  return StableKey(org + "/" + object + "/" + id);
}

std::string Join(const ObjectDef& def, const Record& rec, const std::vector<std::string>& fields, const char* sep) {
  std::string out;
  for (const auto& f : fields) {
    const Value& v = rec.Get(def, f);
    if (IsNull(v)) continue;
    std::string s = ValueToString(v);
    if (const FieldDef* fd = def.Find(f); fd && (fd->kind == FieldKind::kMoney || fd->kind == FieldKind::kNumber)) {
      double d = std::get_if<double>(&v) ? std::get<double>(v) : 0;
      if (std::floor(d) == d) s = std::to_string(static_cast<long long>(d));
    }
    if (s.empty()) continue;
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

// Words of a query: letters and digits (any byte >= 0x80 counts as a letter,
// so UTF-8 words stay whole); everything else separates words.
std::vector<std::string> Words(const std::string& q) {
  std::vector<std::string> out;
  std::string cur;
  for (unsigned char ch : q) {
    if (std::isalnum(ch) || ch >= 0x80) {
      cur += static_cast<char>(ch);
    } else if (!cur.empty()) {
      out.push_back(cur);
      cur.clear();
    }
  }
  if (!cur.empty()) out.push_back(cur);
  if (out.size() > 8) out.resize(8);
  return out;
}

}  // namespace

bool SearchIndex::Affects(const ObjectDef& def, const std::string& field) {
  auto in = [&](const std::vector<std::string>& v) { return std::find(v.begin(), v.end(), field) != v.end(); };
  return in(def.title_fields) || in(def.subtitle_fields) || in(def.search_fields);
}

Status SearchIndex::Index(Conn* c, const TenantScope& scope, const ObjectDef& def, const Record& rec) {
  if (def.title_fields.empty()) return Status::Ok();
  std::string id = ValueToString(rec.Get(def, "id"));
  Value key{EntryKey(scope.org_id(), def.name, id)};
  std::string title = Join(def, rec, def.title_fields, " ");
  std::string subtitle = Join(def, rec, def.subtitle_fields, " · ");
  std::string body = Join(def, rec, def.search_fields, " ");
  // Email addresses and domains also match by their parts ("lovelace", "example").
  std::string extra;
  for (char ch : body) extra += (ch == '@' || ch == '.' || ch == '-' || ch == '_') ? ' ' : ch;
  body += " " + extra;
  if (title.empty()) title = "(no name)";
  if (c->backend() == Backend::kSqlite) {
    auto del = c->Exec("DELETE FROM search_index WHERE rowid = ?", {key});
    if (!del.ok()) return del.status();
    auto ins = c->Exec(
        "INSERT INTO search_index (rowid, org_id, object, record_id, title, subtitle, body) VALUES (?, ?, ?, ?, ?, ?, ?)",
        {key, Value{scope.org_id()}, Value{def.name}, Value{id}, Value{title}, Value{subtitle}, Value{body}});
    return ins.ok() ? Status::Ok() : ins.status();
  }
  auto up = c->Exec(
      "INSERT INTO search_index (org_id, key, object, record_id, title, subtitle, body) "
      "VALUES (?, ?, ?, ?, ?, ?, to_tsvector('simple', ?)) ON CONFLICT (org_id, key) DO UPDATE SET "
      "title = excluded.title, subtitle = excluded.subtitle, body = excluded.body",
      {Value{scope.org_id()}, key, Value{def.name}, Value{id}, Value{title}, Value{subtitle}, Value{body}});
  return up.ok() ? Status::Ok() : up.status();
}

Status SearchIndex::Unindex(Conn* c, const TenantScope& scope, const ObjectDef& def, const std::string& id) {
  if (def.title_fields.empty()) return Status::Ok();
  Value key{EntryKey(scope.org_id(), def.name, id)};
  auto r = c->backend() == Backend::kSqlite
               ? c->Exec("DELETE FROM search_index WHERE rowid = ?", {key})
               : c->Exec("DELETE FROM search_index WHERE org_id = ? AND key = ?", {Value{scope.org_id()}, key});
  return r.ok() ? Status::Ok() : r.status();
}

Result<std::vector<SearchHit>> SearchIndex::Search(Conn* c, const TenantScope& scope, const Catalog& cat,
                                                   const std::string& query, int limit) {
  if (limit < 1 || limit > 50) return Status::InvalidArgument("limit must be between 1 and 50", "limit");
  if (query.size() > 200) return Status::InvalidArgument("q: at most 200 characters", "q");
  std::vector<std::string> words = Words(query);
  size_t total = 0;
  for (auto& w : words) total += w.size();
  if (words.empty() || total < 2) return std::vector<SearchHit>{};
  bool pg = c->backend() == Backend::kPostgres;
  std::string match;
  for (const auto& w : words) {
    if (!match.empty()) match += pg ? " & " : " ";
    match += pg ? w + ":*" : "\"" + w + "\"*";
  }
  // One query: the index, joined to each searchable table for deletion and
  // visibility checks.
  std::string sql = "SELECT s.object, s.record_id, s.title, s.subtitle FROM search_index s";
  std::string cond;
  std::vector<Value> join_params, cond_params;
  for (const auto& [name, def] : cat.objects()) {
    if (def.title_fields.empty()) continue;
    std::string a = "t_" + name;
    sql += " LEFT JOIN " + def.table + " " + a + " ON s.object = '" + name + "' AND " + a + ".org_id = s.org_id AND " +
           a + ".id = s.record_id";
    std::string one = "(" + a + ".id IS NOT NULL AND " + a + ".deleted_at IS NULL";
    AppendVisibility(scope, def, a + ".", &one, &cond_params);
    one += ")";
    cond += cond.empty() ? one : " OR " + one;
  }
  std::vector<Value> p = join_params;
  if (pg) {
    sql += " WHERE s.body @@ to_tsquery('simple', ?) AND s.org_id = ? AND (" + cond +
           ") ORDER BY ts_rank(s.body, to_tsquery('simple', ?)) DESC, s.title LIMIT ?";
    p.emplace_back(match);
    p.emplace_back(scope.org_id());
    p.insert(p.end(), cond_params.begin(), cond_params.end());
    p.emplace_back(match);
  } else {
    sql += " WHERE search_index MATCH ? AND s.org_id = ? AND (" + cond + ") ORDER BY s.rank LIMIT ?";
    p.emplace_back("body : (" + match + ")");
    p.emplace_back(scope.org_id());
    p.insert(p.end(), cond_params.begin(), cond_params.end());
  }
  p.emplace_back(int64_t{limit});
  RP_ASSIGN_OR_RETURN(Rows rows, c->Query(sql, p));
  std::vector<SearchHit> out;
  for (auto& r : rows.rows) {
    out.push_back(SearchHit{ValueToString(r[0]), ValueToString(r[1]), ValueToString(r[2]), ValueToString(r[3])});
  }
  return out;
}

Result<int64_t> SearchIndex::Rebuild(Conn* c, const TenantScope& scope, const Catalog& cat) {
  int64_t n = 0;
  Status st = InTransaction(c, TxMode::kWrite, [&]() -> Status {
    for (const auto& [name, def] : cat.objects()) {
      if (def.title_fields.empty()) continue;
      ListQuery q;
      q.limit = 1000;
      for (;;) {
        RP_ASSIGN_OR_RETURN(Page page, RecordStore::List(c, scope, def, q));
        for (const auto& rec : page.records) {
          RP_RETURN_IF_ERROR(Index(c, scope, def, rec));
          ++n;
        }
        if (page.next_cursor.empty()) break;
        q.cursor = page.next_cursor;
      }
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return n;
}

}  // namespace rapport
