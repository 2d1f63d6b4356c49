// PostgreSQL adapter (libpq): `?` placeholders rewritten to $n, prepared
// statements cached per connection by SQL text, parameters sent as text (the
// server infers their types), results converted by column type, errors mapped
// by SQLSTATE. Sessions run in UTC with client_min_messages=warning.
//
// PostgreSQL aborts a transaction at its first failed statement; the caller
// rolls back (Commit of an aborted transaction is reported as an error, not as
// the silent ROLLBACK the server performs). A connection found broken outside
// a transaction is reset on next use; inside one the error is Unavailable.
#include <libpq-fe.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <unordered_map>
#include <utility>

#include "base/log.h"
#include "store/conn.h"

namespace rapport {

namespace {

// Type OIDs from pg_type.h (stable since forever; server headers not needed).
constexpr Oid kBoolOid = 16;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;
constexpr Oid kOidOid = 26;
constexpr Oid kFloat4Oid = 700;
constexpr Oid kFloat8Oid = 701;
constexpr Oid kNumericOid = 1700;

constexpr size_t kMaxCachedStatements = 2000;  // dynamic SQL (filters) could grow it without bound
constexpr const char* kSessionSetup = "SET client_min_messages=warning; SET TIME ZONE 'UTC'";

bool IsIdentChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}

// Rewrites `?` placeholders to $1..$n. Skips string literals ('...', with ''
// escapes, and E'...' with backslash escapes), quoted identifiers ("..."), and
// comments (-- to end of line, /* ... */ nested). Sets *count to n.
std::string RewritePlaceholders(std::string_view sql, int* count) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  size_t i = 0;
  const size_t len = sql.size();
  while (i < len) {
    char c = sql[i];
    if (c == '\'') {
      bool backslash = i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e') && (i < 2 || !IsIdentChar(sql[i - 2]));
      out += c;
      ++i;
      while (i < len) {
        char d = sql[i];
        out += d;
        ++i;
        if (backslash && d == '\\' && i < len) {
          out += sql[i];
          ++i;
        } else if (d == '\'') {
          break;  // a doubled '' just closes and reopens
        }
      }
    } else if (c == '"') {
      out += c;
      ++i;
      while (i < len) {
        char d = sql[i];
        out += d;
        ++i;
        if (d == '"') break;
      }
    } else if (c == '-' && i + 1 < len && sql[i + 1] == '-') {
      while (i < len && sql[i] != '\n') out += sql[i++];
    } else if (c == '/' && i + 1 < len && sql[i + 1] == '*') {
      int depth = 0;
      while (i < len) {
        if (sql[i] == '/' && i + 1 < len && sql[i + 1] == '*') {
          ++depth;
          out += "/*";
          i += 2;
        } else if (sql[i] == '*' && i + 1 < len && sql[i + 1] == '/') {
          out += "*/";
          i += 2;
          if (--depth == 0) break;
        } else {
          out += sql[i++];
        }
      }
    } else if (c == '?') {
      out += '$';
      out += std::to_string(++n);
      ++i;
    } else {
      out += c;
      ++i;
    }
  }
  *count = n;
  return out;
}

// Owns one PGresult.
struct ResultPtr {
  PGresult* r = nullptr;
  ResultPtr() = default;
  explicit ResultPtr(PGresult* p) : r(p) {}
  ResultPtr(const ResultPtr&) = delete;
  ResultPtr& operator=(const ResultPtr&) = delete;
  ~ResultPtr() { PQclear(r); }
  PGresult* get() const { return r; }
  void reset(PGresult* p) {
    PQclear(r);
    r = p;
  }
};

bool ResultOk(const PGresult* r) {
  if (!r) return false;
  ExecStatusType s = PQresultStatus(r);
  return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK || s == PGRES_EMPTY_QUERY;
}

std::string SqlState(const PGresult* r) {
  const char* s = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  return s ? s : "";
}

// The password part of a postgres://user:password@host/... URL: [begin, end)
// offsets, or {0, 0} if there is none.
std::pair<size_t, size_t> UrlPassword(const std::string& url) {
  size_t scheme = url.find("://");
  if (scheme == std::string::npos) return {0, 0};
  size_t start = scheme + 3;
  size_t end = url.find_first_of("/?", start);
  size_t at = url.rfind('@', end == std::string::npos ? std::string::npos : end);
  if (at == std::string::npos || at < start) return {0, 0};
  size_t colon = url.find(':', start);
  if (colon == std::string::npos || colon > at) return {0, 0};
  return {colon + 1, at};
}

// The URL without its password, for messages.
std::string RedactUrl(const std::string& url) {
  auto [b, e] = UrlPassword(url);
  if (b == e) return url;
  return url.substr(0, b) + "***" + url.substr(e);
}

void NoticeToLog(void*, const char* message) {
  std::string m = message ? message : "";
  while (!m.empty() && (m.back() == '\n' || m.back() == '\r')) m.pop_back();
  spdlog::warn("postgres: {}", m);
}

class PgConn final : public Conn {
 public:
  explicit PgConn(PGconn* pg) : pg_(pg) { PQsetNoticeProcessor(pg_, NoticeToLog, nullptr); }
  ~PgConn() override { PQfinish(pg_); }

  Backend backend() const override { return Backend::kPostgres; }

  Status Setup() { return ExecScript(kSessionSetup); }

  Result<Rows> Query(std::string_view sql, const std::vector<Value>& params) override {
    ResultPtr res;
    RP_RETURN_IF_ERROR(Run(sql, params, &res));
    Rows rows;
    PGresult* r = res.get();
    int ncol = PQnfields(r);
    int nrow = PQntuples(r);
    rows.columns.reserve(ncol);
    std::vector<Oid> types(ncol);
    for (int c = 0; c < ncol; ++c) {
      rows.columns.emplace_back(PQfname(r, c));
      types[c] = PQftype(r, c);
    }
    rows.rows.reserve(nrow);
    for (int i = 0; i < nrow; ++i) {
      std::vector<Value> row;
      row.reserve(ncol);
      for (int c = 0; c < ncol; ++c) row.push_back(Convert(r, i, c, types[c]));
      rows.rows.push_back(std::move(row));
    }
    return rows;
  }

  Result<int64_t> Exec(std::string_view sql, const std::vector<Value>& params) override {
    ResultPtr res;
    RP_RETURN_IF_ERROR(Run(sql, params, &res));
    const char* n = PQcmdTuples(res.get());
    return static_cast<int64_t>(n && *n ? std::strtoll(n, nullptr, 10) : 0);
  }

  Status ExecScript(std::string_view sql) override {
    RP_RETURN_IF_ERROR(EnsureConnected());
    std::string s(sql);
    ResultPtr res(PQexec(pg_, s.c_str()));
    if (!ResultOk(res.get())) return Error(res.get(), s);
    return Status::Ok();
  }

  Status Begin(TxMode mode) override {
    RP_RETURN_IF_ERROR(EnsureConnected());
    const char* sql = mode == TxMode::kRead ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" : "BEGIN";
    ResultPtr res(PQexec(pg_, sql));
    if (!ResultOk(res.get())) return Error(res.get(), sql);
    in_tx_ = true;
    return Status::Ok();
  }

  Status Commit() override {
    ResultPtr res(PQexec(pg_, "COMMIT"));
    if (!ResultOk(res.get())) return Error(res.get(), "COMMIT");
    // COMMIT of a transaction aborted by an earlier error "succeeds" as ROLLBACK.
    if (std::strcmp(PQcmdStatus(res.get()), "ROLLBACK") == 0) {
      in_tx_ = false;
      return Status::Internal("postgres: transaction was aborted by an earlier error and has been rolled back");
    }
    in_tx_ = false;
    return Status::Ok();
  }

  void Rollback() override {
    if (PQstatus(pg_) == CONNECTION_OK && PQtransactionStatus(pg_) != PQTRANS_IDLE) {
      ResultPtr res(PQexec(pg_, "ROLLBACK"));
    }
    in_tx_ = false;
  }

  bool InTransaction() const override { return in_tx_; }

  Result<std::vector<std::string>> TableColumns(const std::string& table) override {
    auto r = Query(
        "SELECT column_name::text FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position",
        {Value{table}});
    if (!r.ok()) return r.status();
    std::vector<std::string> out;
    out.reserve(r->rows.size());
    for (auto& row : r->rows) out.push_back(std::get<std::string>(row[0]));
    return out;
  }

 private:
  struct Prepared {
    std::string name;
    int nparams = 0;
  };

  // Resets a broken connection, but only between transactions: inside one the
  // transaction is lost and the caller must see the error.
  Status EnsureConnected() {
    if (PQstatus(pg_) == CONNECTION_OK) return Status::Ok();
    if (in_tx_) return Status::Unavailable("postgres: connection lost during a transaction, retry");
    cache_.clear();  // prepared statements die with the session
    PQreset(pg_);
    if (PQstatus(pg_) != CONNECTION_OK) {
      return Status::Unavailable("postgres: cannot reconnect to " + HostName() + ": " + FirstLine(PQerrorMessage(pg_)));
    }
    ResultPtr res(PQexec(pg_, kSessionSetup));
    if (!ResultOk(res.get())) return Error(res.get(), kSessionSetup);
    return Status::Ok();
  }

  std::string HostName() const {
    const char* h = PQhost(pg_);
    const char* p = PQport(pg_);
    std::string s = h && *h ? h : "localhost";
    if (p && *p) s += std::string(":") + p;
    return s;
  }

  static std::string FirstLine(const char* msg) {
    std::string m = msg ? msg : "";
    while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
    return m;
  }

  Status Error(const PGresult* r, std::string_view sql) {
    if (PQstatus(pg_) != CONNECTION_OK) {
      return Status::Unavailable("postgres: connection to " + HostName() + " lost: " + FirstLine(PQerrorMessage(pg_)));
    }
    std::string state = SqlState(r);
    const char* primary = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
    std::string msg = primary ? primary : FirstLine(r ? PQresultErrorMessage(r) : PQerrorMessage(pg_));
    if (msg.empty()) msg = FirstLine(PQerrorMessage(pg_));
    if (state == "23505") return Status::Conflict("duplicate value: " + msg);
    if (state == "40001" || state == "40P01") return Status::Unavailable("retry: " + msg);
    // Connection exceptions, server shutting down, too many connections.
    if (state.rfind("08", 0) == 0 || state == "57P01" || state == "57P02" || state == "57P03" || state == "53300") {
      return Status::Unavailable("postgres: " + msg);
    }
    std::string text = "postgres: " + msg;
    if (!state.empty()) text += " (" + state + ")";
    return Status::Internal(text + " in: " + std::string(sql.substr(0, 300)));
  }

  // Prepares (once per SQL text) and runs a statement; on success *res holds
  // the result.
  Status Run(std::string_view sql, const std::vector<Value>& params, ResultPtr* res) {
    RP_RETURN_IF_ERROR(EnsureConnected());
    std::string key(sql);
    const Prepared* ps = nullptr;
    RP_RETURN_IF_ERROR(Prepare(key, &ps));
    if (static_cast<int>(params.size()) != ps->nparams) {
      return Status::Internal("postgres: parameter count mismatch (" + std::to_string(params.size()) + " given, " +
                              std::to_string(ps->nparams) + " expected) in: " + key.substr(0, 300));
    }
    // Text parameters; numbers formatted into a side buffer that lives until
    // the call returns.
    std::vector<std::string> numbers(params.size());
    std::vector<const char*> values(params.size(), nullptr);
    for (size_t i = 0; i < params.size(); ++i) {
      const Value& v = params[i];
      if (auto* s = std::get_if<std::string>(&v)) {
        values[i] = s->c_str();
      } else if (auto* n = std::get_if<int64_t>(&v)) {
        numbers[i] = std::to_string(*n);
        values[i] = numbers[i].c_str();
      } else if (auto* d = std::get_if<double>(&v)) {
        char buf[40];
        std::snprintf(buf, sizeof buf, "%.17g", *d);
        numbers[i] = buf;
        values[i] = numbers[i].c_str();
      }
    }
    res->reset(PQexecPrepared(pg_, ps->name.c_str(), ps->nparams, values.data(), nullptr, nullptr, 0));
    if (ResultOk(res->get())) return Status::Ok();

    // An ALTER TABLE (custom fields) changed the row type of a cached
    // `SELECT *`: the cached statement can never run again. Drop it; outside a
    // transaction prepare afresh and retry once, inside one ask for a retry.
    if (SqlState(res->get()) == "0A000" && PQstatus(pg_) == CONNECTION_OK) {
      const char* m = PQresultErrorField(res->get(), PG_DIAG_MESSAGE_PRIMARY);
      if (m && std::strstr(m, "cached plan must not change result type")) {
        Deallocate(key);
        if (in_tx_) return Status::Unavailable("retry: table definition changed during the transaction");
        RP_RETURN_IF_ERROR(Prepare(key, &ps));
        res->reset(PQexecPrepared(pg_, ps->name.c_str(), ps->nparams, values.data(), nullptr, nullptr, 0));
        if (ResultOk(res->get())) return Status::Ok();
      }
    }
    return Error(res->get(), sql);
  }

  Status Prepare(const std::string& key, const Prepared** out) {
    auto it = cache_.find(key);
    if (it != cache_.end()) {
      *out = &it->second;
      return Status::Ok();
    }
    if (cache_.size() >= kMaxCachedStatements) {
      ResultPtr d(PQexec(pg_, "DEALLOCATE ALL"));
      if (ResultOk(d.get())) cache_.clear();  // fails only in an aborted transaction: keep going
    }
    Prepared p;
    p.name = "rp" + std::to_string(++next_id_);
    std::string pgsql = RewritePlaceholders(key, &p.nparams);
    ResultPtr r(PQprepare(pg_, p.name.c_str(), pgsql.c_str(), 0, nullptr));
    if (!ResultOk(r.get())) return Error(r.get(), key);
    auto [ins, ok] = cache_.emplace(key, std::move(p));
    (void)ok;
    *out = &ins->second;
    return Status::Ok();
  }

  void Deallocate(const std::string& key) {
    auto it = cache_.find(key);
    if (it == cache_.end()) return;
    std::string sql = "DEALLOCATE " + it->second.name;
    cache_.erase(it);
    // In an aborted transaction this fails and the server-side statement
    // lingers under its unique name, unused: harmless.
    ResultPtr r(PQexec(pg_, sql.c_str()));
  }

  static Value Convert(const PGresult* r, int row, int col, Oid type) {
    if (PQgetisnull(r, row, col)) return std::monostate{};
    const char* s = PQgetvalue(r, row, col);
    switch (type) {
      case kInt2Oid:
      case kInt4Oid:
      case kInt8Oid:
      case kOidOid: return static_cast<int64_t>(std::strtoll(s, nullptr, 10));
      case kFloat4Oid:
      case kFloat8Oid:
      case kNumericOid: return std::strtod(s, nullptr);  // also "NaN", "Infinity", "-Infinity"
      case kBoolOid: return static_cast<int64_t>(s[0] == 't' ? 1 : 0);
      default: return std::string(s, static_cast<size_t>(PQgetlength(r, row, col)));
    }
  }

  PGconn* pg_;
  bool in_tx_ = false;
  uint64_t next_id_ = 0;
  std::unordered_map<std::string, Prepared> cache_;
};

class PgStore final : public Store {
 public:
  explicit PgStore(std::string url) : url_(std::move(url)) {}
  Backend backend() const override { return Backend::kPostgres; }
  const std::string& url() const override { return url_; }

  Result<std::unique_ptr<Conn>> Connect() override {
    // Entries before the expanded URL are defaults the URL may override.
    const char* keys[] = {"connect_timeout", "application_name", "dbname", nullptr};
    const char* vals[] = {"10", "rapport", url_.c_str(), nullptr};
    PGconn* pg = PQconnectdbParams(keys, vals, /*expand_dbname=*/1);
    if (!pg) return Status::Unavailable("postgres: out of memory connecting to " + RedactUrl(url_));
    if (PQstatus(pg) != CONNECTION_OK) {
      std::string where;
      const char* h = PQhost(pg);
      const char* p = PQport(pg);
      if (h && *h) where = std::string(h) + (p && *p ? std::string(":") + p : "");
      else where = RedactUrl(url_);
      std::string msg = Scrub(PQerrorMessage(pg));
      PQfinish(pg);
      return Status::Unavailable("postgres: cannot connect to " + where + ": " + msg);
    }
    auto conn = std::make_unique<PgConn>(pg);
    RP_RETURN_IF_ERROR(conn->Setup());
    return std::unique_ptr<Conn>(std::move(conn));
  }

 private:
  // libpq's message may quote parts of a malformed URL: never echo the password.
  std::string Scrub(const char* m) const {
    std::string msg = m ? m : "";
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    auto [b, e] = UrlPassword(url_);
    if (b != e) {
      std::string pw = url_.substr(b, e - b);
      for (size_t pos = msg.find(pw); pos != std::string::npos; pos = msg.find(pw, pos + 3)) {
        msg.replace(pos, pw.size(), "***");
      }
    }
    return msg;
  }

  std::string url_;
};

}  // namespace

Result<std::unique_ptr<Store>> NewPostgresStore(const std::string& url) {
  return std::unique_ptr<Store>(std::make_unique<PgStore>(url));
}

}  // namespace rapport
