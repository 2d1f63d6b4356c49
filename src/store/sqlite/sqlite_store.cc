// SQLite adapter: WAL, foreign keys, busy timeout, prepared statements cached
// per connection.
#include <cstdlib>
#include <sqlite3.h>

#include <unordered_map>

#include "base/log.h"
#include "store/conn.h"

namespace rapport {

namespace {

class SqliteConn final : public Conn {
 public:
  explicit SqliteConn(sqlite3* db) : db_(db) {}
  ~SqliteConn() override {
    for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
    sqlite3_close_v2(db_);
  }

  Backend backend() const override { return Backend::kSqlite; }

  Result<Rows> Query(std::string_view sql, const std::vector<Value>& params) override {
    Rows rows;
    auto st = Run(sql, params, &rows);
    if (!st.ok()) return st;
    return rows;
  }

  Result<int64_t> Exec(std::string_view sql, const std::vector<Value>& params) override {
    auto st = Run(sql, params, nullptr);
    if (!st.ok()) return st;
    return static_cast<int64_t>(sqlite3_changes64(db_));
  }

  Status ExecScript(std::string_view sql) override {
    std::string s(sql);
    char* err = nullptr;
    if (sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : "unknown error";
      sqlite3_free(err);
      return Status::Internal("sqlite: " + msg + " in: " + s.substr(0, 200));
    }
    return Status::Ok();
  }

  // Transaction statements go through the statement cache like any other
  // (re-preparing "ROLLBACK" on every request cost ~5% of a GET).
  Status Begin(TxMode mode) override {
    auto st = Run(mode == TxMode::kWrite ? "BEGIN IMMEDIATE" : "BEGIN", {}, nullptr);
    if (!st.ok()) return st;
    in_tx_ = true;
    return Status::Ok();
  }
  Status Commit() override {
    auto st = Run("COMMIT", {}, nullptr);
    if (!st.ok()) return st;
    in_tx_ = false;
    return Status::Ok();
  }
  void Rollback() override {
    if (!sqlite3_get_autocommit(db_) && !Run("ROLLBACK", {}, nullptr).ok())
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    in_tx_ = false;
  }
  bool InTransaction() const override { return in_tx_; }

  Result<std::vector<std::string>> TableColumns(const std::string& table) override {
    auto r = Query("SELECT name FROM pragma_table_info(?)", {Value{table}});
    if (!r.ok()) return r.status();
    std::vector<std::string> out;
    for (auto& row : r->rows) out.push_back(std::get<std::string>(row[0]));
    return out;
  }

 private:
  Status Error(int rc, std::string_view sql) {
    std::string msg = sqlite3_errmsg(db_);
    int ext = sqlite3_extended_errcode(db_);
    if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY) {
      return Status::Conflict("duplicate value: " + msg);
    }
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) return Status::Unavailable("database is busy, retry");
    return Status::Internal("sqlite: " + msg + " in: " + std::string(sql.substr(0, 300)));
  }

  Status Run(std::string_view sql, const std::vector<Value>& params, Rows* out) {
    sqlite3_stmt* stmt = nullptr;
    std::string key(sql);
    auto it = cache_.find(key);
    if (it != cache_.end()) {
      stmt = it->second;
    } else {
      int rc = sqlite3_prepare_v3(db_, key.data(), static_cast<int>(key.size()), SQLITE_PREPARE_PERSISTENT, &stmt,
                                  nullptr);
      if (rc != SQLITE_OK) return Error(rc, sql);
      if (cache_.size() > 2000) {  // dynamic SQL (filters) could grow it without bound
        for (auto& [s, st] : cache_) sqlite3_finalize(st);
        cache_.clear();
      }
      cache_.emplace(std::move(key), stmt);
    }
    struct Reset {
      sqlite3_stmt* s;
      ~Reset() {
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
      }
    } reset{stmt};
    if (static_cast<int>(params.size()) != sqlite3_bind_parameter_count(stmt)) {
      return Status::Internal("sqlite: parameter count mismatch in: " + std::string(sql.substr(0, 300)));
    }
    for (size_t i = 0; i < params.size(); ++i) {
      int idx = static_cast<int>(i + 1);
      const Value& v = params[i];
      if (auto* s = std::get_if<std::string>(&v)) {
        sqlite3_bind_text(stmt, idx, s->data(), static_cast<int>(s->size()), SQLITE_STATIC);
      } else if (auto* n = std::get_if<int64_t>(&v)) {
        sqlite3_bind_int64(stmt, idx, *n);
      } else if (auto* d = std::get_if<double>(&v)) {
        sqlite3_bind_double(stmt, idx, *d);
      } else {
        sqlite3_bind_null(stmt, idx);
      }
    }
    // Column names are read after the first step: a statement prepared before
    // an ALTER TABLE is re-prepared by SQLite inside sqlite3_step.
    int ncol = 0;
    bool first = true;
    for (;;) {
      int rc = sqlite3_step(stmt);
      if (first && out) {
        first = false;
        ncol = sqlite3_column_count(stmt);
        out->columns.reserve(ncol);
        for (int c = 0; c < ncol; ++c) out->columns.emplace_back(sqlite3_column_name(stmt, c));
      }
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) return Error(rc, sql);
      if (!out) continue;
      std::vector<Value> row;
      row.reserve(ncol);
      for (int c = 0; c < ncol; ++c) {
        switch (sqlite3_column_type(stmt, c)) {
          case SQLITE_INTEGER: row.emplace_back(static_cast<int64_t>(sqlite3_column_int64(stmt, c))); break;
          case SQLITE_FLOAT: row.emplace_back(sqlite3_column_double(stmt, c)); break;
          case SQLITE_NULL: row.emplace_back(std::monostate{}); break;
          default: {
            const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
            row.emplace_back(std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt, c))));
          }
        }
      }
      out->rows.push_back(std::move(row));
    }
    return Status::Ok();
  }

  sqlite3* db_;
  bool in_tx_ = false;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

class SqliteStore final : public Store {
 public:
  SqliteStore(std::string path, std::string url) : path_(std::move(path)), url_(std::move(url)) {}
  Backend backend() const override { return Backend::kSqlite; }
  const std::string& url() const override { return url_; }

  Result<std::unique_ptr<Conn>> Connect() override {
    // No global memory statistics: their mutex is contended between workers.
    static const bool configured = [] {
      sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
      return true;
    }();
    (void)configured;
    sqlite3* db = nullptr;
    int rc = sqlite3_open_v2(path_.c_str(), &db,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
      std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
      sqlite3_close_v2(db);
      return Status::Unavailable("cannot open " + path_ + ": " + msg);
    }
    sqlite3_busy_timeout(db, 5000);
    auto conn = std::make_unique<SqliteConn>(db);
    // WAL: readers never block the writer. synchronous=FULL: a committed
    // transaction survives a power loss, not only a process crash
    // (docs/decisions/002-sqlite-durability.md). Reads go through a memory
    // map of up to 1 GiB (no copy per page); mapped pages count in RSS while a
    // connection is open, so the server's pool closes connections idle for a
    // few seconds (ConnPool, docs/decisions/013-get-path-and-idle-memory.md).
    // An 8 MB page cache per connection. Planner statistics come from
    // Migrate() (ANALYZE at every start).
    const char* mmap = std::getenv("RAPPORT_SQLITE_MMAP_BYTES");
    std::string mmap_pragma = "PRAGMA mmap_size=" + std::string(mmap && *mmap ? mmap : "1073741824") + ";";
    for (char ch : std::string(mmap ? mmap : "")) {
      if (ch < '0' || ch > '9') return Status::InvalidArgument("RAPPORT_SQLITE_MMAP_BYTES must be a number of bytes");
    }
    RP_RETURN_IF_ERROR(conn->ExecScript(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
        "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-8000; PRAGMA analysis_limit=1000; " + mmap_pragma));
    return std::unique_ptr<Conn>(std::move(conn));
  }

 private:
  std::string path_;
  std::string url_;
};

}  // namespace

std::unique_ptr<Store> NewSqliteStore(const std::string& path, const std::string& url) {
  return std::make_unique<SqliteStore>(path, url);
}

}  // namespace rapport
