#include "store/conn.h"

#include <filesystem>

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "base/log.h"

namespace rapport {

std::unique_ptr<Store> NewSqliteStore(const std::string& path, const std::string& url);
Result<std::unique_ptr<Store>> NewPostgresStore(const std::string& url);

int Rows::Column(std::string_view name) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i] == name) return static_cast<int>(i);
  }
  return -1;
}

Result<std::unique_ptr<Store>> OpenStore(const std::string& url) {
  if (url.rfind("postgres://", 0) == 0 || url.rfind("postgresql://", 0) == 0) return NewPostgresStore(url);
  std::string path = url;
  if (url.rfind("sqlite:", 0) == 0) path = url.substr(7);
  if (path.rfind("//", 0) == 0) path = path.substr(2);
  if (path.empty()) return Status::InvalidArgument("empty database path in '" + url + "'", "db");
  std::filesystem::path p(path);
  if (p.has_parent_path()) {
    std::error_code ec;
    std::filesystem::create_directories(p.parent_path(), ec);
    if (ec) return Status::Unavailable("cannot create directory " + p.parent_path().string() + ": " + ec.message());
  }
  return NewSqliteStore(path, url);
}

const char* Dialect::ColumnType(StorageClass c) const {
  bool pg = backend == Backend::kPostgres;
  switch (c) {
    case StorageClass::kReal: return pg ? "DOUBLE PRECISION" : "REAL";
    case StorageClass::kInteger: return pg ? "BIGINT" : "INTEGER";
    default: return pg ? "TEXT COLLATE \"C\"" : "TEXT";
  }
}

std::string Dialect::NullSafeEquals(const std::string& column) const {
  return backend == Backend::kPostgres ? column + " IS NOT DISTINCT FROM ?" : column + " IS ?";
}

const char* Dialect::ILike() const { return backend == Backend::kPostgres ? "ILIKE" : "LIKE"; }

const char* Dialect::OrderSuffix(bool descending) const {
  if (backend == Backend::kPostgres) return descending ? " DESC NULLS LAST" : " ASC NULLS FIRST";
  return descending ? " DESC" : " ASC";
}

std::string Dialect::Unindexed(const std::string& column) const {
  return backend == Backend::kPostgres ? column : "+" + column;
}

const char* Dialect::IndexSuffix() const { return backend == Backend::kPostgres ? " NULLS FIRST" : ""; }

ConnPool::ConnPool(Store* store, std::chrono::milliseconds idle_close) : store_(store), idle_close_(idle_close) {
  if (idle_close_.count() > 0) reaper_ = std::thread([this] { Reaper(); });
}

ConnPool::~ConnPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (reaper_.joinable()) reaper_.join();
}

Result<ConnPool::Lease> ConnPool::Get() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!free_.empty()) {
      std::unique_ptr<Conn> c = std::move(free_.back().conn);
      free_.pop_back();
      ++leased_;
      return Lease(this, std::move(c));
    }
    ++leased_;
  }
  auto c = store_->Connect();
  if (!c.ok()) {
    std::lock_guard<std::mutex> lock(mu_);
    --leased_;
    return c.status();
  }
  return Lease(this, std::move(c).value());
}

void ConnPool::Put(std::unique_ptr<Conn> c) {
  // A connection given back inside a transaction (an exception skipped the
  // rollback) is rolled back before anyone else gets it.
  if (c->InTransaction()) c->Rollback();
  std::lock_guard<std::mutex> lock(mu_);
  --leased_;
  free_.push_back(Free{std::move(c), std::chrono::steady_clock::now()});
}

void ConnPool::Lease::Return() {
  if (pool_ && conn_) pool_->Put(std::move(conn_));
  conn_.reset();
  pool_ = nullptr;
}

int ConnPool::CloseIdle(std::chrono::milliseconds idle) {
  std::vector<std::unique_ptr<Conn>> closing;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto cutoff = std::chrono::steady_clock::now() - idle;
    // free_ is ordered by return time: the oldest first.
    size_t n = 0;
    while (n < free_.size() && free_[n].since <= cutoff) ++n;
    for (size_t i = 0; i < n; ++i) closing.push_back(std::move(free_[i].conn));
    free_.erase(free_.begin(), free_.begin() + static_cast<std::ptrdiff_t>(n));
  }
  int closed = static_cast<int>(closing.size());
  closing.clear();  // closes them, outside the lock
  if (closed > 0) {
#ifdef __GLIBC__
    malloc_trim(0);
#endif
  }
  return closed;
}

size_t ConnPool::open_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return free_.size() + leased_;
}

void ConnPool::Reaper() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    cv_.wait_for(lock, idle_close_ / 2 + std::chrono::milliseconds{1});
    if (stopping_) break;
    lock.unlock();
    int n = CloseIdle(idle_close_);
    if (n > 0) spdlog::debug("pool: closed {} idle connection(s)", n);
    lock.lock();
  }
}

Status InTransaction(Conn* conn, TxMode mode, const std::function<Status()>& fn) {
  if (conn->InTransaction()) return fn();
  RP_RETURN_IF_ERROR(conn->Begin(mode));
  Status st;
  try {
    st = fn();
  } catch (...) {
    conn->Rollback();
    throw;
  }
  if (!st.ok()) {
    conn->Rollback();
    return st;
  }
  st = conn->Commit();
  if (!st.ok()) conn->Rollback();
  return st;
}

}  // namespace rapport
