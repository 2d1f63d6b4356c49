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

namespace {
thread_local SearchIndex::Batch* t_batch = nullptr;
}  // namespace

SearchIndex::Batch::Batch(Conn* c) : conn_(c), outer_(t_batch) {
  if (c->backend() == Backend::kSqlite) t_batch = this;
}

SearchIndex::Batch::~Batch() {
  if (t_batch == this) t_batch = outer_;
}

Status SearchIndex::Batch::Flush() {
  if (entries_.empty()) return Status::Ok();
  std::vector<Entry> entries;
  entries.swap(entries_);
  by_key_.clear();
  // Numbers for the new entries, ascending after every number in use (the
  // write lock is held, so nobody else takes them).
  RP_ASSIGN_OR_RETURN(Rows top, conn_->Query("SELECT COALESCE(MAX(seq), 0) FROM search_entries"));
  const int64_t* top_seq = top.empty() ? nullptr : std::get_if<int64_t>(&top.rows[0][0]);
  const int64_t next = top_seq ? *top_seq : 0;
  constexpr size_t kChunk = 500;  // rows per statement: 7 x 500 parameters, well under SQLite's limit
  for (size_t from = 0; from < entries.size(); from += kChunk) {
    const size_t n = std::min(kChunk, entries.size() - from);
    std::string keys = "INSERT INTO search_entries (seq, key) VALUES ";
    std::string rows = "INSERT INTO search_index (rowid, org_id, object, record_id, title, subtitle, body) VALUES ";
    std::vector<Value> kp, rp;
    kp.reserve(2 * n);
    rp.reserve(7 * n);
    for (size_t i = 0; i < n; ++i) {
      Entry& e = entries[from + i];
      const int64_t seq = next + static_cast<int64_t>(from + i) + 1;
      keys += i ? ", (?, ?)" : "(?, ?)";
      rows += i ? ", (?, ?, ?, ?, ?, ?, ?)" : "(?, ?, ?, ?, ?, ?, ?)";
      kp.emplace_back(seq);
      kp.emplace_back(e.key);
      rp.emplace_back(seq);
      for (Value& v : e.values) rp.push_back(std::move(v));
    }
    RP_ASSIGN_OR_RETURN(int64_t k, conn_->Exec(keys, kp));
    RP_ASSIGN_OR_RETURN(int64_t r, conn_->Exec(rows, rp));
    (void)k;
    (void)r;
  }
  return Status::Ok();
}

Status SearchIndex::Index(Conn* c, const TenantScope& scope, const ObjectDef& def, const Record& rec, bool is_new) {
  if (def.title_fields.empty()) return Status::Ok();
  std::string id = ValueToString(rec.Get(def, "id"));
  const int64_t key = EntryKey(scope.org_id(), def.name, id);
  std::string title = Join(def, rec, def.title_fields, " ");
  std::string subtitle = Join(def, rec, def.subtitle_fields, " · ");
  std::string body = Join(def, rec, def.search_fields, " ");
  // Email addresses and domains also match by their parts ("lovelace", "example").
  std::string extra;
  for (char ch : body) extra += (ch == '@' || ch == '.' || ch == '-' || ch == '_') ? ' ' : ch;
  body += " " + extra;
  if (title.empty()) title = "(no name)";
  if (c->backend() == Backend::kSqlite) {
    // The entry's rowid is a sequence number from search_entries (key ->
    // seq, appended in order): FTS5 also writes its in-memory terms out when
    // a rowid goes down, which hashed rowids did at every other insert. A
    // changed record's entry is deleted and written again under a new number.
    if (!is_new) RP_RETURN_IF_ERROR(Unindex(c, scope, def, id));
    std::vector<Value> values{Value{scope.org_id()}, Value{def.name}, Value{id},
                              Value{std::move(title)}, Value{std::move(subtitle)}, Value{std::move(body)}};
    if (Batch* b = t_batch; b && b->conn_ == c) {
      b->by_key_[key] = b->entries_.size();
      b->entries_.push_back(Batch::Entry{key, std::move(values)});
      return Status::Ok();
    }
    RP_ASSIGN_OR_RETURN(Rows seq, c->Query("INSERT INTO search_entries (key) VALUES (?) RETURNING seq", {Value{key}}));
    if (seq.size() != 1) return Status::Internal("search_entries: no sequence number returned");
    values.insert(values.begin(), seq.rows[0][0]);
    auto ins = c->Exec(
        "INSERT INTO search_index (rowid, org_id, object, record_id, title, subtitle, body) VALUES (?, ?, ?, ?, ?, ?, ?)",
        values);
    return ins.ok() ? Status::Ok() : ins.status();
  }
  auto up = c->Exec(
      "INSERT INTO search_index (org_id, key, object, record_id, title, subtitle, body) "
      "VALUES (?, ?, ?, ?, ?, ?, to_tsvector('simple', ?)) ON CONFLICT (org_id, key) DO UPDATE SET "
      "title = excluded.title, subtitle = excluded.subtitle, body = excluded.body",
      {Value{scope.org_id()}, Value{key}, Value{def.name}, Value{id}, Value{title}, Value{subtitle}, Value{body}});
  return up.ok() ? Status::Ok() : up.status();
}

Status SearchIndex::Unindex(Conn* c, const TenantScope& scope, const ObjectDef& def, const std::string& id) {
  if (def.title_fields.empty()) return Status::Ok();
  const int64_t key = EntryKey(scope.org_id(), def.name, id);
  if (c->backend() == Backend::kSqlite) {
    if (Batch* b = t_batch; b && b->conn_ == c) {
      // An entry of this batch not yet written: drop it.
      if (auto it = b->by_key_.find(key); it != b->by_key_.end()) {
        const size_t i = it->second;
        b->by_key_.erase(it);
        if (i + 1 != b->entries_.size()) {
          b->entries_[i] = std::move(b->entries_.back());
          b->by_key_[b->entries_[i].key] = i;
        }
        b->entries_.pop_back();
      }
    }
    RP_ASSIGN_OR_RETURN(Rows seq, c->Query("DELETE FROM search_entries WHERE key = ? RETURNING seq", {Value{key}}));
    for (const auto& row : seq.rows) {
      RP_ASSIGN_OR_RETURN(int64_t n, c->Exec("DELETE FROM search_index WHERE rowid = ?", {row[0]}));
      (void)n;
    }
    return Status::Ok();
  }
  auto r = c->Exec("DELETE FROM search_index WHERE org_id = ? AND key = ?", {Value{scope.org_id()}, Value{key}});
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
