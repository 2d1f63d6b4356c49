// The storage seam: a database connection and the SQL dialect it speaks.
//
// A Conn is one connection to SQLite or PostgreSQL. It is NOT thread-safe: each
// thread uses its own (see ConnPool). SQL is written once with `?` placeholders
// and portable syntax; the PostgreSQL adapter rewrites placeholders to $n, and
// the few real differences go through Dialect. Prepared statements are cached
// per connection by SQL text, so callers just pass the same string again.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "base/status.h"
#include "meta/object.h"
#include "meta/value.h"

namespace rapport {

enum class Backend { kSqlite, kPostgres };

// A query's answer: column names and rows of Values (owned by the caller).
struct Rows {
  std::vector<std::string> columns;
  std::vector<std::vector<Value>> rows;
  bool empty() const { return rows.empty(); }
  size_t size() const { return rows.size(); }
  int Column(std::string_view name) const;  // -1 if absent
};

enum class TxMode {
  kRead,   // a consistent snapshot for a request's reads
  kWrite,  // SQLite: BEGIN IMMEDIATE (takes the write lock up front)
};

class Conn {
 public:
  virtual ~Conn() = default;
  virtual Backend backend() const = 0;

  // Runs one statement with positional `?` parameters and returns its rows.
  // Errors: Conflict on unique/primary-key violation, Unavailable when the
  // database is busy or gone, Internal otherwise (the message names the SQL).
  virtual Result<Rows> Query(std::string_view sql, const std::vector<Value>& params = {}) = 0;
  // As Query, for statements whose rows are not needed; returns rows changed.
  virtual Result<int64_t> Exec(std::string_view sql, const std::vector<Value>& params = {}) = 0;
  // Runs several `;`-separated statements without parameters (DDL, scripts).
  virtual Status ExecScript(std::string_view sql) = 0;

  virtual Status Begin(TxMode mode) = 0;
  virtual Status Commit() = 0;
  virtual void Rollback() = 0;
  virtual bool InTransaction() const = 0;

  // Names of the columns of `table` (empty if the table does not exist).
  virtual Result<std::vector<std::string>> TableColumns(const std::string& table) = 0;
};

// Opens connections for one database URL. Thread-safe.
class Store {
 public:
  virtual ~Store() = default;
  virtual Backend backend() const = 0;
  virtual Result<std::unique_ptr<Conn>> Connect() = 0;
  virtual const std::string& url() const = 0;
};

// Opens the store named by `url`: "sqlite:PATH" (or a path ending in .db),
// "postgres://..." / "postgresql://...". Creates the SQLite file's directory.
Result<std::unique_ptr<Store>> OpenStore(const std::string& url);

// Dialect helpers for the handful of SQL differences between the backends.
struct Dialect {
  Backend backend;
  // Column type for a storage class.
  const char* ColumnType(StorageClass c) const;
  // "a IS ?" (SQLite) / "a IS NOT DISTINCT FROM ?" (PostgreSQL).
  std::string NullSafeEquals(const std::string& column) const;
  // Case-insensitive substring match operator: LIKE (SQLite, ASCII) / ILIKE.
  const char* ILike() const;
  // Sort suffix so that NULLs sort as the smallest value in both backends.
  const char* OrderSuffix(bool descending) const;
  // `column` in a comparison the planner must not use an index for, nor
  // propagate as a constant into other terms: "+column" on SQLite (its
  // constant propagation would turn lower(column) = ? into a constant and
  // lose the lower(column) index), the column itself on PostgreSQL.
  std::string Unindexed(const std::string& column) const;
  // Index column suffix matching OrderSuffix(false).
  const char* IndexSuffix() const;
};

// A pool of connections to one Store. Get() lends a free connection (the most
// recently returned first, so its caches are warm) or opens a new one; the
// Lease gives it back when it goes out of scope. Connections that have been
// free for longer than the idle limit are closed by a background thread, which
// returns their page caches and mapped pages (and, through malloc_trim, the
// heap) to the system, so an idle server stays small. Thread-safe.
class ConnPool {
 public:
  class Lease {
   public:
    Lease() = default;
    Lease(ConnPool* pool, std::unique_ptr<Conn> c) : pool_(pool), conn_(std::move(c)) {}
    Lease(Lease&&) noexcept = default;
    Lease& operator=(Lease&& o) noexcept {
      Return();
      pool_ = o.pool_;
      conn_ = std::move(o.conn_);
      return *this;
    }
    ~Lease() { Return(); }
    Conn* get() const { return conn_.get(); }
    Conn* operator->() const { return conn_.get(); }
    operator Conn*() const { return conn_.get(); }  // NOLINT: a lease is used where a Conn* is wanted

   private:
    void Return();
    ConnPool* pool_ = nullptr;
    std::unique_ptr<Conn> conn_;
  };

  // idle_close: close free connections unused for this long (0 = never).
  explicit ConnPool(Store* store, std::chrono::milliseconds idle_close = std::chrono::milliseconds{0});
  ~ConnPool();
  ConnPool(const ConnPool&) = delete;
  ConnPool& operator=(const ConnPool&) = delete;

  Result<Lease> Get();
  Store* store() const { return store_; }
  // Closes free connections unused for at least `idle`; returns how many.
  int CloseIdle(std::chrono::milliseconds idle);
  size_t open_count() const;

 private:
  void Put(std::unique_ptr<Conn> c);
  void Reaper();

  struct Free {
    std::unique_ptr<Conn> conn;
    std::chrono::steady_clock::time_point since;
  };
  Store* store_;
  const std::chrono::milliseconds idle_close_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::vector<Free> free_;  // most recently returned last
  size_t leased_ = 0;
  std::thread reaper_;
};

// Runs `fn` inside a transaction on `conn`: commits if it returns OK, rolls back
// otherwise (and on exceptions). Nested calls join the outer transaction.
Status InTransaction(Conn* conn, TxMode mode, const std::function<Status()>& fn);

}  // namespace rapport
