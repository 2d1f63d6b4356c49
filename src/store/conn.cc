#include "store/conn.h"

#include <filesystem>

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

const char* Dialect::IndexSuffix() const { return backend == Backend::kPostgres ? " NULLS FIRST" : ""; }

Result<Conn*> ConnPool::Get() {
  auto id = std::this_thread::get_id();
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = conns_.find(id);
    if (it != conns_.end()) return it->second.get();
  }
  auto c = store_->Connect();
  if (!c.ok()) return c.status();
  std::lock_guard<std::mutex> lock(mu_);
  auto& slot = conns_[id];
  slot = std::move(c).value();
  return slot.get();
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
