// A test fixture parameterised over the storage backends, as in conn_test.cc:
// SQLite on a temporary file, PostgreSQL at RAPPORT_TEST_PG_URL in a fresh
// schema per test (search_path set before any prepared statement exists).
// Without the URL the PostgreSQL cases fail, unless RAPPORT_TEST_SKIP_PG=1
// skips them.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <ostream>
#include <random>
#include <string>

#include "base/time.h"
#include "store/conn.h"

namespace rapport {

// Readable parameter names in gtest output ("where GetParam() = Postgres").
static inline void PrintTo(Backend b, std::ostream* os) {
  *os << (b == Backend::kPostgres ? "Postgres" : "Sqlite");
}

namespace testsupport {

inline const Status& StatusOf(const Status& s) { return s; }
template <typename T>
const Status& StatusOf(const Result<T>& r) {
  return r.status();
}

#define RP_ASSERT_OK(expr)                                                                  \
  do {                                                                                      \
    const auto& rp_t_ = (expr);                                                             \
    ASSERT_TRUE(::rapport::testsupport::StatusOf(rp_t_).ok())                               \
        << #expr << ": " << ::rapport::testsupport::StatusOf(rp_t_).ToString();             \
  } while (0)
#define RP_EXPECT_OK(expr)                                                                  \
  do {                                                                                      \
    const auto& rp_t_ = (expr);                                                             \
    EXPECT_TRUE(::rapport::testsupport::StatusOf(rp_t_).ok())                               \
        << #expr << ": " << ::rapport::testsupport::StatusOf(rp_t_).ToString();             \
  } while (0)

inline std::string RandomHex(int n) {
  static std::mt19937_64 rng(std::random_device{}() ^ (static_cast<uint64_t>(getpid()) << 32));
  static const char* kHex = "0123456789abcdef";
  std::string s;
  for (int i = 0; i < n; ++i) s += kHex[rng() % 16];
  return s;
}

// A clock a test sets by hand: Clock::Set(&clock) ... Clock::Set(nullptr).
class FixedClock : public Clock {
 public:
  explicit FixedClock(int64_t ms) : ms_(ms) {}
  int64_t NowMillis() const override { return ms_; }
  void Advance(int64_t ms) { ms_ += ms; }

 private:
  int64_t ms_;
};

inline std::string BackendName(Backend b) { return b == Backend::kPostgres ? "Postgres" : "Sqlite"; }

// For INSTANTIATE_TEST_SUITE_P(..., testing::Values(...), BackendParamName).
inline std::string BackendParamName(const ::testing::TestParamInfo<Backend>& info) { return BackendName(info.param); }

class BackendFixture : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == Backend::kPostgres) {
      const char* url = std::getenv("RAPPORT_TEST_PG_URL");
      if (!url || !*url) {
        const char* skip = std::getenv("RAPPORT_TEST_SKIP_PG");
        if (skip && std::string(skip) == "1") GTEST_SKIP() << "RAPPORT_TEST_SKIP_PG=1: PostgreSQL backend skipped";
        FAIL() << "RAPPORT_TEST_PG_URL is not set, so the PostgreSQL backend cannot be tested. Run the tests via "
                  "`make test` (it starts a private server with scripts/pg-test-server and sets the URL), or set "
                  "RAPPORT_TEST_SKIP_PG=1 to skip PostgreSQL deliberately.";
      }
      url_ = url;
    } else {
      static std::atomic<int> counter{0};
      path_ = ::testing::TempDir() + "rapport_store_test_" + std::to_string(getpid()) + "_" +
              std::to_string(counter++) + "_" + RandomHex(8) + ".db";
      url_ = "sqlite:" + path_;
    }
    auto store = OpenStore(url_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    ASSERT_EQ(store_->backend(), GetParam());
    conn_ = Open();
    ASSERT_NE(conn_, nullptr);
  }

  void TearDown() override {
    if (!schema_.empty()) {
      if (conn_) conn_->Rollback();
      std::unique_ptr<Conn> other;
      if (!conn_) {
        auto r = store_->Connect();
        if (r.ok()) other = std::move(r).value();
      }
      Conn* dropper = conn_ ? conn_.get() : other.get();
      if (dropper) RP_EXPECT_OK(dropper->ExecScript("DROP SCHEMA " + schema_ + " CASCADE"));
    }
    conn_.reset();
    store_.reset();
    if (!path_.empty()) {
      for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::remove((path_ + suffix).c_str());
    }
  }

  // A connection to the test database (and, on PostgreSQL, the test schema,
  // created by the first call).
  std::unique_ptr<Conn> Open() {
    auto c = store_->Connect();
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    if (!c.ok()) return nullptr;
    auto conn = std::move(c).value();
    if (GetParam() == Backend::kPostgres) {
      std::string sql;
      if (schema_.empty()) {
        schema_ = "t_" + RandomHex(16);
        sql = "CREATE SCHEMA " + schema_ + "; ";
      }
      // Commits need not wait for the disk: durability is not under test here.
      Status st = conn->ExecScript(sql + "SET search_path TO " + schema_ + "; SET synchronous_commit TO off");
      EXPECT_TRUE(st.ok()) << st.ToString();
      if (!st.ok()) return nullptr;
    } else {
      Status st = conn->ExecScript("PRAGMA synchronous=OFF");
      EXPECT_TRUE(st.ok()) << st.ToString();
      if (!st.ok()) return nullptr;
    }
    return conn;
  }

  Conn* conn() { return conn_.get(); }
  bool pg() const { return GetParam() == Backend::kPostgres; }
  Dialect dialect() const { return Dialect{GetParam()}; }

  // Runs a query that returns one integer (count(*) and the like); -1 on error.
  int64_t QueryInt(const std::string& sql, const std::vector<Value>& params = {}, Conn* c = nullptr) {
    auto r = (c ? c : conn_.get())->Query(sql, params);
    EXPECT_TRUE(r.ok()) << sql << ": " << r.status().ToString();
    if (!r.ok() || r->rows.size() != 1 || r->rows[0].empty()) return -1;
    const Value& v = r->rows[0][0];
    if (const auto* i = std::get_if<int64_t>(&v)) return *i;
    if (const auto* d = std::get_if<double>(&v)) return static_cast<int64_t>(*d);
    ADD_FAILURE() << sql << ": not an integer";
    return -1;
  }

  std::string url_;
  std::string path_;    // SQLite
  std::string schema_;  // PostgreSQL
  std::unique_ptr<Store> store_;
  std::unique_ptr<Conn> conn_;
};

}  // namespace testsupport
}  // namespace rapport
