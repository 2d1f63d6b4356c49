// Conn contract tests, run against every backend: SQLite on a temporary file,
// PostgreSQL at RAPPORT_TEST_PG_URL (`make test` starts a private server with
// scripts/pg-test-server) in a fresh schema per test. Without the URL the
// PostgreSQL cases fail, unless RAPPORT_TEST_SKIP_PG=1 skips them.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <ostream>
#include <random>
#include <string>
#include <vector>

#include "store/conn.h"

namespace rapport {

// Readable parameter names in gtest output ("where GetParam() = Postgres").
static void PrintTo(Backend b, std::ostream* os) { *os << (b == Backend::kPostgres ? "Postgres" : "Sqlite"); }

namespace {

const Status& StatusOf(const Status& s) { return s; }
template <typename T>
const Status& StatusOf(const Result<T>& r) {
  return r.status();
}

#define ASSERT_OK(expr)                                         \
  do {                                                          \
    const auto& rp_t_ = (expr);                                 \
    ASSERT_TRUE(StatusOf(rp_t_).ok()) << StatusOf(rp_t_).ToString(); \
  } while (0)
#define EXPECT_OK(expr)                                         \
  do {                                                          \
    const auto& rp_t_ = (expr);                                 \
    EXPECT_TRUE(StatusOf(rp_t_).ok()) << StatusOf(rp_t_).ToString(); \
  } while (0)

std::string RandomHex(int n) {
  static std::mt19937_64 rng(std::random_device{}() ^ (static_cast<uint64_t>(getpid()) << 32));
  static const char* kHex = "0123456789abcdef";
  std::string s;
  for (int i = 0; i < n; ++i) s += kHex[rng() % 16];
  return s;
}

std::string BackendName(Backend b) { return b == Backend::kPostgres ? "Postgres" : "Sqlite"; }

class StoreConnTest : public testing::TestWithParam<Backend> {
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
      path_ = testing::TempDir() + "rapport_conn_test_" + std::to_string(getpid()) + "_" +
              std::to_string(counter++) + "_" + RandomHex(8) + ".db";
      url_ = "sqlite:" + path_;
    }
    auto store = OpenStore(url_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    ASSERT_EQ(store_->backend(), GetParam());

    auto c = store_->Connect();
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    conn_ = std::move(c).value();
    if (GetParam() == Backend::kPostgres) {
      // Before any prepared statement exists on the connection.
      schema_ = "t_" + RandomHex(16);
      ASSERT_OK(conn_->ExecScript("CREATE SCHEMA " + schema_ + "; SET search_path TO " + schema_));
    }
  }

  void TearDown() override {
    if (!schema_.empty()) {
      if (conn_) conn_->Rollback();
      std::unique_ptr<Conn> c;
      if (!conn_) {
        auto r = store_->Connect();
        if (r.ok()) c = std::move(r).value();
      }
      Conn* dropper = conn_ ? conn_.get() : c.get();
      if (dropper) EXPECT_OK(dropper->ExecScript("DROP SCHEMA " + schema_ + " CASCADE"));
    }
    conn_.reset();
    if (!path_.empty()) {
      for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::remove((path_ + suffix).c_str());
    }
  }

  // Another connection to the same database (and schema).
  std::unique_ptr<Conn> OpenAnother() {
    auto c = store_->Connect();
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    if (!c.ok()) return nullptr;
    auto conn = std::move(c).value();
    if (!schema_.empty()) {
      auto st = conn->ExecScript("SET search_path TO " + schema_);
      EXPECT_TRUE(st.ok()) << st.ToString();
    }
    return conn;
  }

  Dialect dialect() const { return Dialect{GetParam()}; }
  bool pg() const { return GetParam() == Backend::kPostgres; }

  // t(id INTEGER PRIMARY KEY, s TEXT, d REAL, i INTEGER) in the backend's types.
  void CreateTable(Conn* c = nullptr) {
    Dialect d = dialect();
    std::string sql = std::string("CREATE TABLE t (id ") + d.ColumnType(StorageClass::kInteger) + " PRIMARY KEY, s " +
                      d.ColumnType(StorageClass::kText) + ", d " + d.ColumnType(StorageClass::kReal) + ", i " +
                      d.ColumnType(StorageClass::kInteger) + ")";
    ASSERT_OK((c ? c : conn_.get())->ExecScript(sql));
  }

  int64_t Count(Conn* c = nullptr) {
    auto r = (c ? c : conn_.get())->Query("SELECT count(*) FROM t");
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (!r.ok() || r->rows.size() != 1) return -1;
    const auto* n = std::get_if<int64_t>(&r->rows[0][0]);
    EXPECT_NE(n, nullptr) << "count(*) is not an integer";
    return n ? *n : -1;
  }

  Status Insert(int64_t id, Value s = {}, Value d = {}, Value i = {}, Conn* c = nullptr) {
    return (c ? c : conn_.get())->Exec("INSERT INTO t (id, s, d, i) VALUES (?, ?, ?, ?)", {id, s, d, i}).status();
  }

  std::vector<int64_t> Ids(const std::string& sql, const std::vector<Value>& params = {}) {
    std::vector<int64_t> out;
    auto r = conn_->Query(sql, params);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (!r.ok()) return out;
    for (auto& row : r->rows) out.push_back(std::get<int64_t>(row[0]));
    return out;
  }

  std::string url_;
  std::string path_;    // SQLite
  std::string schema_;  // PostgreSQL
  std::unique_ptr<Store> store_;
  std::unique_ptr<Conn> conn_;
};

TEST_P(StoreConnTest, RoundTripsEveryValueType) {
  CreateTable();
  struct Row {
    int64_t id;
    std::string s;
    double d;
    int64_t i;
  };
  const std::vector<Row> in = {
      {1, "hello", 0.1, std::numeric_limits<int64_t>::max()},
      {2, "", -1e300, std::numeric_limits<int64_t>::min()},
      {3, "ünïcödé ✓ 'single' \"double\" back\\slash\nnew line\ttab", 1.0 / 3.0, 0},
      {4, "?", 2.2250738585072014e-308, -1},
      {5, "$1 ?? $2", 123456789.125, 42},
  };
  for (const auto& r : in) ASSERT_OK(Insert(r.id, r.s, r.d, r.i));

  auto q = conn_->Query("SELECT id, s, d, i FROM t ORDER BY id");
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  EXPECT_EQ(q->columns, (std::vector<std::string>{"id", "s", "d", "i"}));
  EXPECT_EQ(q->Column("d"), 2);
  EXPECT_EQ(q->Column("nope"), -1);
  ASSERT_EQ(q->size(), in.size());
  for (size_t k = 0; k < in.size(); ++k) {
    const auto& row = q->rows[k];
    ASSERT_EQ(row.size(), 4u);
    ASSERT_TRUE(std::holds_alternative<int64_t>(row[0])) << "row " << k;
    ASSERT_TRUE(std::holds_alternative<std::string>(row[1])) << "row " << k;
    ASSERT_TRUE(std::holds_alternative<double>(row[2])) << "row " << k;
    ASSERT_TRUE(std::holds_alternative<int64_t>(row[3])) << "row " << k;
    EXPECT_EQ(std::get<int64_t>(row[0]), in[k].id);
    EXPECT_EQ(std::get<std::string>(row[1]), in[k].s);
    EXPECT_EQ(std::get<double>(row[2]), in[k].d) << "doubles must round-trip exactly";
    EXPECT_EQ(std::get<int64_t>(row[3]), in[k].i);
  }

  // Parameters compare against stored values of the same type.
  EXPECT_EQ(Ids("SELECT id FROM t WHERE d = ? AND i = ?", {1.0 / 3.0, int64_t{0}}), std::vector<int64_t>{3});
  EXPECT_EQ(Ids("SELECT id FROM t WHERE s = ?", {std::string("")}), std::vector<int64_t>{2});
}

TEST_P(StoreConnTest, NullParametersStoreNull) {
  CreateTable();
  ASSERT_OK(Insert(1, std::monostate{}, std::monostate{}, std::monostate{}));
  auto q = conn_->Query("SELECT s, d, i FROM t WHERE id = ?", {int64_t{1}});
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  ASSERT_EQ(q->size(), 1u);
  for (const Value& v : q->rows[0]) EXPECT_TRUE(IsNull(v));
  EXPECT_EQ(Ids("SELECT id FROM t WHERE s IS NULL AND d IS NULL AND i IS NULL"), std::vector<int64_t>{1});
  // A NULL literal in the select list comes back as null too.
  auto n = conn_->Query("SELECT NULL AS x");
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_TRUE(IsNull(n->rows[0][0]));
}

TEST_P(StoreConnTest, QuestionMarkInsideLiteralIsNotAPlaceholder) {
  CreateTable();
  ASSERT_TRUE(conn_->Exec("INSERT INTO t (id, s) VALUES (?, 'what?')", {int64_t{1}}).ok());
  ASSERT_TRUE(conn_->Exec("INSERT INTO t (id, s) VALUES (?, 'it''s ? here')", {int64_t{2}}).ok());

  auto q = conn_->Query(
      "SELECT s, ? AS \"q?\" /* a ? in a comment */ FROM t WHERE s = 'what?' AND id = ? -- trailing ?\n",
      {std::string("x"), int64_t{1}});
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  EXPECT_EQ(q->columns, (std::vector<std::string>{"s", "q?"}));
  ASSERT_EQ(q->size(), 1u);
  EXPECT_EQ(std::get<std::string>(q->rows[0][0]), "what?");
  EXPECT_EQ(std::get<std::string>(q->rows[0][1]), "x");

  EXPECT_EQ(Ids("SELECT id FROM t WHERE s = 'it''s ? here' AND id > ?", {int64_t{0}}), std::vector<int64_t>{2});

  // The parameter count is checked, not silently padded.
  auto bad = conn_->Query("SELECT id FROM t WHERE s = '?' AND id = ?", {int64_t{1}, int64_t{2}});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Status::Code::kInternal);
}

TEST_P(StoreConnTest, UniqueViolationIsConflict) {
  CreateTable();
  ASSERT_OK(conn_->ExecScript("CREATE UNIQUE INDEX t_s ON t (s)"));
  ASSERT_OK(Insert(1, std::string("a")));
  Status pk = Insert(1, std::string("b"));
  EXPECT_EQ(pk.code(), Status::Code::kConflict) << pk.ToString();
  Status uniq = Insert(2, std::string("a"));
  EXPECT_EQ(uniq.code(), Status::Code::kConflict) << uniq.ToString();
  EXPECT_NE(uniq.message().find("duplicate value"), std::string::npos) << uniq.ToString();
  // The connection is still usable.
  ASSERT_OK(Insert(2, std::string("b")));
  EXPECT_EQ(Count(), 2);
}

TEST_P(StoreConnTest, OtherErrorsAreInternalAndNameTheSql) {
  CreateTable();
  auto r = conn_->Query("SELECT no_such_column FROM t WHERE id = ?", {int64_t{1}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kInternal);
  EXPECT_NE(r.status().message().find("no_such_column"), std::string::npos) << r.status().ToString();
  // A failed prepare is not cached: the same text fails again the same way.
  auto again = conn_->Query("SELECT no_such_column FROM t WHERE id = ?", {int64_t{1}});
  EXPECT_EQ(again.status().code(), Status::Code::kInternal);
  EXPECT_EQ(Count(), 0);
}

TEST_P(StoreConnTest, ExecReturnsAffectedRows) {
  CreateTable();
  for (int64_t id = 1; id <= 3; ++id) ASSERT_OK(Insert(id, std::string("x")));
  auto up = conn_->Exec("UPDATE t SET s = ? WHERE s = ?", {std::string("y"), std::string("x")});
  ASSERT_TRUE(up.ok()) << up.status().ToString();
  EXPECT_EQ(*up, 3);
  auto none = conn_->Exec("UPDATE t SET s = ? WHERE id = ?", {std::string("z"), int64_t{99}});
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_EQ(*none, 0);
  auto del = conn_->Exec("DELETE FROM t WHERE id = ?", {int64_t{1}});
  ASSERT_TRUE(del.ok()) << del.status().ToString();
  EXPECT_EQ(*del, 1);
}

TEST_P(StoreConnTest, RollbackDiscards) {
  CreateTable();
  ASSERT_OK(Insert(1));
  EXPECT_FALSE(conn_->InTransaction());
  ASSERT_OK(conn_->Begin(TxMode::kWrite));
  EXPECT_TRUE(conn_->InTransaction());
  ASSERT_OK(Insert(2));
  ASSERT_OK(conn_->Exec("DELETE FROM t WHERE id = ?", {int64_t{1}}));
  EXPECT_EQ(Count(), 1);
  conn_->Rollback();
  EXPECT_FALSE(conn_->InTransaction());
  EXPECT_EQ(Ids("SELECT id FROM t ORDER BY id"), std::vector<int64_t>{1});
  conn_->Rollback();  // harmless outside a transaction
  EXPECT_EQ(Count(), 1);
}

TEST_P(StoreConnTest, CommitPersistsAndIsVisibleOnSecondConnection) {
  CreateTable();
  auto other = OpenAnother();
  ASSERT_NE(other, nullptr);
  ASSERT_OK(conn_->Begin(TxMode::kWrite));
  ASSERT_OK(Insert(1, std::string("a")));
  ASSERT_OK(Insert(2, std::string("b")));
  EXPECT_EQ(Count(other.get()), 0) << "uncommitted rows must not be visible";
  ASSERT_OK(conn_->Commit());
  EXPECT_FALSE(conn_->InTransaction());
  EXPECT_EQ(Count(other.get()), 2);
  auto r = other->Query("SELECT s FROM t WHERE id = ?", {int64_t{2}});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(std::get<std::string>(r->rows.at(0).at(0)), "b");
}

TEST_P(StoreConnTest, ReadTransactionSeesOneSnapshot) {
  CreateTable();
  ASSERT_OK(Insert(1));
  auto other = OpenAnother();
  ASSERT_NE(other, nullptr);
  ASSERT_OK(conn_->Begin(TxMode::kRead));
  EXPECT_EQ(Count(), 1);
  ASSERT_OK(Insert(2, {}, {}, {}, other.get()));  // autocommit on the other connection
  EXPECT_EQ(Count(), 1) << "a read transaction keeps its snapshot";
  ASSERT_OK(conn_->Commit());
  EXPECT_EQ(Count(), 2);
}

TEST_P(StoreConnTest, InTransactionHelperCommitsOnOkAndRollsBackOnError) {
  CreateTable();
  Status st = InTransaction(conn_.get(), TxMode::kWrite, [&] {
    EXPECT_TRUE(conn_->InTransaction());
    return Insert(1);
  });
  ASSERT_OK(st);
  EXPECT_FALSE(conn_->InTransaction());
  EXPECT_EQ(Count(), 1);

  st = InTransaction(conn_.get(), TxMode::kWrite, [&]() -> Status {
    RP_RETURN_IF_ERROR(Insert(2));
    return Status::Unprocessable("business rule says no");
  });
  EXPECT_EQ(st.code(), Status::Code::kUnprocessable);
  EXPECT_FALSE(conn_->InTransaction());
  EXPECT_EQ(Ids("SELECT id FROM t ORDER BY id"), std::vector<int64_t>{1});

  // A failing statement (which aborts the transaction on PostgreSQL) rolls back
  // the work before it, and the connection stays usable.
  st = InTransaction(conn_.get(), TxMode::kWrite, [&]() -> Status {
    RP_RETURN_IF_ERROR(Insert(3));
    return Insert(1);  // duplicate
  });
  EXPECT_EQ(st.code(), Status::Code::kConflict) << st.ToString();
  EXPECT_FALSE(conn_->InTransaction());
  EXPECT_EQ(Ids("SELECT id FROM t ORDER BY id"), std::vector<int64_t>{1});

  // Nested calls join the outer transaction: the inner error undoes both.
  st = InTransaction(conn_.get(), TxMode::kWrite, [&]() -> Status {
    RP_RETURN_IF_ERROR(Insert(4));
    return InTransaction(conn_.get(), TxMode::kWrite, [&]() -> Status {
      RP_RETURN_IF_ERROR(Insert(5));
      return Status::Conflict("inner");
    });
  });
  EXPECT_EQ(st.code(), Status::Code::kConflict);
  EXPECT_FALSE(conn_->InTransaction());
  EXPECT_EQ(Count(), 1);
}

TEST_P(StoreConnTest, StatementCacheReusesTheSameSql) {
  CreateTable();
  ASSERT_OK(conn_->Begin(TxMode::kWrite));
  for (int64_t id = 1; id <= 1000; ++id) {
    Status st = Insert(id, "s" + std::to_string(id), static_cast<double>(id) / 4, id * 3);
    ASSERT_TRUE(st.ok()) << "insert " << id << ": " << st.ToString();
  }
  ASSERT_OK(conn_->Commit());
  EXPECT_EQ(Count(), 1000);
  for (int64_t id = 1; id <= 1000; ++id) {
    auto r = conn_->Query("SELECT s, d, i FROM t WHERE id = ?", {id});
    ASSERT_TRUE(r.ok()) << "select " << id << ": " << r.status().ToString();
    ASSERT_EQ(r->size(), 1u);
    EXPECT_EQ(std::get<std::string>(r->rows[0][0]), "s" + std::to_string(id));
    EXPECT_EQ(std::get<double>(r->rows[0][1]), static_cast<double>(id) / 4);
    EXPECT_EQ(std::get<int64_t>(r->rows[0][2]), id * 3);
  }
}

TEST_P(StoreConnTest, CachedSelectStarSurvivesAddedColumn) {
  // Custom fields add columns at run time while `SELECT *` statements are cached.
  CreateTable();
  ASSERT_OK(Insert(1, std::string("a")));
  auto before = conn_->Query("SELECT * FROM t WHERE id = ?", {int64_t{1}});
  ASSERT_TRUE(before.ok()) << before.status().ToString();
  EXPECT_EQ(before->columns.size(), 4u);
  ASSERT_OK(conn_->ExecScript(std::string("ALTER TABLE t ADD COLUMN cf_extra ") +
                              dialect().ColumnType(StorageClass::kText)));
  auto after = conn_->Query("SELECT * FROM t WHERE id = ?", {int64_t{1}});
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_EQ(after->columns, (std::vector<std::string>{"id", "s", "d", "i", "cf_extra"}));
}

TEST_P(StoreConnTest, TableColumnsListsColumnsInOrder) {
  CreateTable();
  auto cols = conn_->TableColumns("t");
  ASSERT_TRUE(cols.ok()) << cols.status().ToString();
  EXPECT_EQ(*cols, (std::vector<std::string>{"id", "s", "d", "i"}));
  auto none = conn_->TableColumns("no_such_table");
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_TRUE(none->empty());
}

TEST_P(StoreConnTest, NullSafeEqualsMatchesNullAndValues) {
  CreateTable();
  ASSERT_OK(Insert(1, std::monostate{}, {}, std::monostate{}));
  ASSERT_OK(Insert(2, std::string("x"), {}, int64_t{5}));
  ASSERT_OK(Insert(3, std::string("y"), {}, int64_t{6}));
  Dialect d = dialect();
  // The same SQL text (one cached statement) with null and non-null parameters.
  const std::string by_s = "SELECT id FROM t WHERE " + d.NullSafeEquals("s") + " ORDER BY id";
  EXPECT_EQ(Ids(by_s, {std::monostate{}}), std::vector<int64_t>{1});
  EXPECT_EQ(Ids(by_s, {std::string("x")}), std::vector<int64_t>{2});
  EXPECT_EQ(Ids(by_s, {std::string("nope")}), std::vector<int64_t>{});
  EXPECT_EQ(Ids(by_s, {std::monostate{}}), std::vector<int64_t>{1});
  const std::string by_i = "SELECT id FROM t WHERE " + d.NullSafeEquals("i") + " ORDER BY id";
  EXPECT_EQ(Ids(by_i, {int64_t{6}}), std::vector<int64_t>{3});
  EXPECT_EQ(Ids(by_i, {std::monostate{}}), std::vector<int64_t>{1});
}

TEST_P(StoreConnTest, OrderSuffixPutsNullsFirstAscendingAndLastDescending) {
  CreateTable();
  ASSERT_OK(Insert(1, std::monostate{}, std::monostate{}, std::monostate{}));
  ASSERT_OK(Insert(2, std::string("c"), 2.5, int64_t{3}));
  ASSERT_OK(Insert(3, std::string("B"), -1.0, int64_t{-1}));
  ASSERT_OK(Insert(4, std::string("a"), 0.0, int64_t{2}));  // byte order: "B" < "a" < "c"
  Dialect d = dialect();
  for (const char* col : {"s", "d", "i"}) {
    SCOPED_TRACE(col);
    std::string base = std::string("SELECT id FROM t ORDER BY ") + col;
    EXPECT_EQ(Ids(base + d.OrderSuffix(false) + ", id"), (std::vector<int64_t>{1, 3, 4, 2}));
    EXPECT_EQ(Ids(base + d.OrderSuffix(true) + ", id"), (std::vector<int64_t>{2, 4, 3, 1}));
  }
}

// PostgreSQL specifics: type conversion by column type, session settings, and
// COMMIT of an aborted transaction.
TEST_P(StoreConnTest, PostgresConvertsByColumnType) {
  if (!pg()) GTEST_SKIP() << "PostgreSQL only";
  auto r = conn_->Query(
      "SELECT true AS t, false AS f, 1.5::numeric AS n, 2::int2 AS i2, 3::int4 AS i4, 4::oid AS o, "
      "1.25::float4 AS f4, 'v'::varchar AS v, NULL::int8 AS nul, DATE '2024-02-29' AS dt, "
      "current_setting('TimeZone') AS tz, current_setting('client_min_messages') AS cmm");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const auto& row = r->rows.at(0);
  EXPECT_EQ(std::get<int64_t>(row[0]), 1);
  EXPECT_EQ(std::get<int64_t>(row[1]), 0);
  EXPECT_EQ(std::get<double>(row[2]), 1.5);
  EXPECT_EQ(std::get<int64_t>(row[3]), 2);
  EXPECT_EQ(std::get<int64_t>(row[4]), 3);
  EXPECT_EQ(std::get<int64_t>(row[5]), 4);
  EXPECT_EQ(std::get<double>(row[6]), 1.25);
  EXPECT_EQ(std::get<std::string>(row[7]), "v");
  EXPECT_TRUE(IsNull(row[8]));
  EXPECT_EQ(std::get<std::string>(row[9]), "2024-02-29");
  EXPECT_EQ(std::get<std::string>(row[10]), "UTC");
  EXPECT_EQ(std::get<std::string>(row[11]), "warning");
}

TEST_P(StoreConnTest, PostgresCommitOfAbortedTransactionIsAnError) {
  if (!pg()) GTEST_SKIP() << "PostgreSQL only";
  CreateTable();
  ASSERT_OK(conn_->Begin(TxMode::kWrite));
  ASSERT_OK(Insert(1));
  EXPECT_FALSE(conn_->Query("SELECT no_such_column FROM t").ok());
  Status st = conn_->Commit();
  EXPECT_FALSE(st.ok()) << "the server rolled back; Commit must not report success";
  conn_->Rollback();
  EXPECT_FALSE(conn_->InTransaction());
  EXPECT_EQ(Count(), 0);
}

TEST_P(StoreConnTest, PostgresReadTransactionIsReadOnly) {
  if (!pg()) GTEST_SKIP() << "PostgreSQL only";
  CreateTable();
  ASSERT_OK(conn_->Begin(TxMode::kRead));
  Status st = Insert(1);
  EXPECT_FALSE(st.ok());
  conn_->Rollback();
  EXPECT_EQ(Count(), 0);
}

TEST_P(StoreConnTest, PostgresPlaceholderRewriteSkipsEscapeStrings) {
  if (!pg()) GTEST_SKIP() << "PostgreSQL only";
  auto r = conn_->Query("SELECT E'it\\'s ?' AS a, ? AS b, 'x''?' AS c", {std::string("p")});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(std::get<std::string>(r->rows.at(0)[0]), "it's ?");
  EXPECT_EQ(std::get<std::string>(r->rows.at(0)[1]), "p");
  EXPECT_EQ(std::get<std::string>(r->rows.at(0)[2]), "x'?");
}

TEST_P(StoreConnTest, PostgresReconnectsAfterConnectionLoss) {
  if (!pg()) GTEST_SKIP() << "PostgreSQL only";
  auto pid = conn_->Query("SELECT pg_backend_pid()");
  ASSERT_TRUE(pid.ok()) << pid.status().ToString();
  auto other = OpenAnother();
  ASSERT_NE(other, nullptr);
  ASSERT_OK(other->Query("SELECT pg_terminate_backend(?)", {std::get<int64_t>(pid->rows.at(0).at(0))}));
  // The first use notices the loss; a broken connection is Unavailable.
  auto lost = conn_->Query("SELECT 1 AS one");
  if (!lost.ok()) {
    EXPECT_EQ(lost.status().code(), Status::Code::kUnavailable) << lost.status().ToString();
  }
  // Outside a transaction the next use reconnects (prepared statements redone).
  auto back = conn_->Query("SELECT 1 AS one");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(std::get<int64_t>(back->rows.at(0).at(0)), 1);
  auto tz = conn_->Query("SELECT current_setting('TimeZone')");
  ASSERT_TRUE(tz.ok()) << tz.status().ToString();
  EXPECT_EQ(std::get<std::string>(tz->rows.at(0).at(0)), "UTC");
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreConnTest, testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const testing::TestParamInfo<Backend>& info) { return BackendName(info.param); });

// Needs no server: nothing listens on port 1.
TEST(StorePostgresConnect, FailureIsUnavailableNamesHostAndHidesPassword) {
  auto store = OpenStore("postgres://rapport:s3cret-pw@127.0.0.1:1/postgres?connect_timeout=5");
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ((*store)->backend(), Backend::kPostgres);
  auto c = (*store)->Connect();
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), Status::Code::kUnavailable);
  EXPECT_NE(c.status().message().find("127.0.0.1"), std::string::npos) << c.status().ToString();
  EXPECT_EQ(c.status().message().find("s3cret-pw"), std::string::npos) << c.status().ToString();
}

}  // namespace
}  // namespace rapport
