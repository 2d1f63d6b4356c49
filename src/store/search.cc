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
  // Words before the last are complete (the user typed past them): exact
  // terms, cheap to intersect. The last one is tried as a whole word first
  // (a pasted e-mail address: 3 ms), then as a prefix ("smi" -> Smith),
  // unless the whole words already found what was asked for. A prefix whose
  // words are common ("example" in a million addresses) costs 300 ms.
  auto build = [&](bool last_is_prefix) {
    std::string m;
    for (size_t i = 0; i < words.size(); ++i) {
      const std::string& w = words[i];
      bool prefix = last_is_prefix && i + 1 == words.size();
      if (!m.empty()) m += pg ? " & " : " ";
      m += pg ? w + (prefix ? ":*" : "") : "\"" + w + "\"" + (prefix ? "*" : "");
    }
    return m;
  };
  // The matches are ranked among a bounded set of candidates (the first
  // `cap` index entries that match, in index order), then joined to each
  // searchable table for the deletion and visibility checks. Ranking every
  // match of a common prefix ("smi" over a million contacts) took 300 ms;
  // a type-ahead narrows as the user types. When fewer than `limit` visible
  // hits come back and the candidates were cut, the search runs again on a
  // much larger set, so a rep who sees few of the matches still finds them.
  std::string joins, cond;
  std::vector<Value> cond_params;
  for (const auto& [name, def] : cat.objects()) {
    if (def.title_fields.empty()) continue;
    std::string a = "t_" + name;
    joins += " LEFT JOIN " + def.table + " " + a + " ON s.object = '" + name + "' AND " + a +
             ".org_id = s.org_id AND " + a + ".id = s.record_id";
    std::string one = "(" + a + ".id IS NOT NULL AND " + a + ".deleted_at IS NULL";
    AppendVisibility(scope, def, a + ".", &one, &cond_params);
    one += ")";
    cond += cond.empty() ? one : " OR " + one;
  }
  // The candidates' relevance. Not FTS5's bm25 rank on SQLite: it counts
  // every row holding each term ("example" in a million addresses: 400 ms).
  // There, a title that starts with the first word ranks first, then one
  // that holds it.
  const std::string candidates =
      pg ? "SELECT object, record_id, title, subtitle, org_id, ts_rank(body, to_tsquery('simple', ?)) AS score "
           "FROM search_index WHERE body @@ to_tsquery('simple', ?) AND org_id = ? LIMIT ?"
         : "SELECT object, record_id, title, subtitle, org_id, "
           "(CASE WHEN title LIKE ? ESCAPE '\\' THEN 2 WHEN title LIKE ? ESCAPE '\\' THEN 1 ELSE 0 END) AS score "
           "FROM search_index WHERE search_index MATCH ? AND org_id = ? LIMIT ?";
  std::string first = words[0];
  std::string like;
  for (char ch : first) {
    if (ch == '%' || ch == '_' || ch == '\\') like += '\\';
    like += ch;
  }
  // The first parameters of `candidates` (before the org id and the cap).
  auto head_params = [&](const Value& match_param, std::vector<Value>* p) {
    if (pg) {
      p->push_back(match_param);
    } else {
      p->emplace_back(like + "%");
      p->emplace_back("% " + like + "%");
    }
    p->push_back(match_param);
  };
  auto run = [&](const std::string& match) -> Result<std::vector<SearchHit>> {
    Value match_param = pg ? Value{match} : Value{"body : (" + match + ")"};
    std::vector<SearchHit> out;
    for (int64_t cap : {int64_t{500}, int64_t{100000}}) {
      std::string sql = "SELECT s.object, s.record_id, s.title, s.subtitle FROM (" + candidates + ") s" + joins +
                        " WHERE (" + cond + ") ORDER BY s.score DESC, s.title LIMIT ?";
      std::vector<Value> p;
      head_params(match_param, &p);
      p.emplace_back(scope.org_id());
      p.emplace_back(cap);
      p.insert(p.end(), cond_params.begin(), cond_params.end());
      p.emplace_back(int64_t{limit});
      RP_ASSIGN_OR_RETURN(Rows rows, c->Query(sql, p));
      out.clear();
      for (auto& r : rows.rows) {
        out.push_back(SearchHit{ValueToString(r[0]), ValueToString(r[1]), ValueToString(r[2]), ValueToString(r[3])});
      }
      if (static_cast<int>(out.size()) >= limit) break;
      // Were the candidates cut? Only then is a larger set worth a look.
      std::vector<Value> cp;
      head_params(match_param, &cp);
      cp.emplace_back(scope.org_id());
      cp.emplace_back(cap);
      RP_ASSIGN_OR_RETURN(Rows n, c->Query("SELECT count(*) FROM (" + candidates + ") x", cp));
      if (n.empty() || !std::holds_alternative<int64_t>(n.rows[0][0]) || std::get<int64_t>(n.rows[0][0]) < cap) break;
    }
    return out;
  };
  RP_ASSIGN_OR_RETURN(std::vector<SearchHit> whole, run(build(false)));
  if (static_cast<int>(whole.size()) >= limit || (!whole.empty() && words.size() > 1)) return whole;
  RP_ASSIGN_OR_RETURN(std::vector<SearchHit> prefixed, run(build(true)));
  // Whole-word hits first, then the prefix hits not already listed.
  for (auto& h : prefixed) {
    if (static_cast<int>(whole.size()) >= limit) break;
    bool dup = false;
    for (const auto& w : whole) dup = dup || (w.object == h.object && w.id == h.id);
    if (!dup) whole.push_back(std::move(h));
  }
  return whole;
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
