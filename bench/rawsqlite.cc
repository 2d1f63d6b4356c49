// rapport_rawsqlite: the raw SQLite limit on this machine, for the ratios in
// BENCHMARKS.md.
//
// The bench contacts (bench/contact_gen.h) go into a plain table (primary key
// only, no audit, no outbox, no secondary indexes unless --indexes) with one
// prepared INSERT, one write transaction (BEGIN IMMEDIATE ... COMMIT) per row,
// from --threads threads with a connection each, using the PRAGMAs of the
// server's SQLite adapter (src/store/sqlite/sqlite_store.cc: WAL,
// synchronous=FULL, ...). Then primary-key SELECTs of random rows (every
// column read out as text) from the same number of threads. Each phase runs
// for a duration or a row count, whichever ends first.
//
//   rapport_rawsqlite --db bench/out/raw.db [--threads 16] [--insert-seconds 10]
//       [--max-inserts 100000] [--fill 100000] [--select-seconds 10] [--indexes]
//       [--synchronous FULL|NORMAL] [--kv FILE]
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "contact_gen.h"

namespace {

using Clock = std::chrono::steady_clock;

// Keep in step with SqliteStore::Connect (src/store/sqlite/sqlite_store.cc).
constexpr const char* kPragmas =
    "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
    "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-16000; PRAGMA mmap_size=268435456;";
constexpr int kBusyTimeoutMs = 5000;

constexpr const char* kColumns =
    "id, first_name, last_name, email, phone, title, street, city, postcode, country, source, source_ref, "
    "created_at, updated_at";

std::string g_synchronous = "FULL";  // --synchronous: FULL as the server, or NORMAL to show its cost

sqlite3* Open(const std::string& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr) !=
      SQLITE_OK) {
    std::fprintf(stderr, "rapport_rawsqlite: cannot open %s: %s\n", path.c_str(), db ? sqlite3_errmsg(db) : "oom");
    std::exit(1);
  }
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  char* err = nullptr;
  std::string pragmas = kPragmas;
  if (g_synchronous != "FULL") pragmas += " PRAGMA synchronous=" + g_synchronous + ";";
  if (sqlite3_exec(db, pragmas.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::fprintf(stderr, "rapport_rawsqlite: pragmas: %s\n", err ? err : "?");
    std::exit(1);
  }
  return db;
}

void Exec(sqlite3* db, const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::fprintf(stderr, "rapport_rawsqlite: %s: %s\n", sql.c_str(), err ? err : "?");
    std::exit(1);
  }
}

sqlite3_stmt* Prepare(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v3(db, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr) != SQLITE_OK) {
    std::fprintf(stderr, "rapport_rawsqlite: prepare %s: %s\n", sql.c_str(), sqlite3_errmsg(db));
    std::exit(1);
  }
  return s;
}

// 26-character ids that sort in creation order, like Rapport's (base/ids.h).
std::string IdFor(uint64_t n) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "01BENCH%019llu", static_cast<unsigned long long>(n));
  return buf;
}

std::string NowIso() {
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  int ms = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
  return buf;
}

// Binds contact n to the 14 parameters of the INSERT.
void BindContact(sqlite3_stmt* s, uint64_t n, std::vector<std::string>* keep) {
  bench::Contact c = bench::MakeContact(n);
  std::string now = NowIso();
  keep->assign({IdFor(n), c.first_name, c.last_name, c.email, c.phone, c.title, c.street, c.city, c.postcode,
                c.country, c.source, "bench-" + std::to_string(n), now, now});
  for (size_t i = 0; i < keep->size(); ++i) {
    const std::string& v = (*keep)[i];
    sqlite3_bind_text(s, static_cast<int>(i + 1), v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
  }
}

bool Step(sqlite3* db, sqlite3_stmt* s, int want) {
  int rc = sqlite3_step(s);
  sqlite3_reset(s);
  if (rc != want) {
    static std::atomic<int> reported{0};
    if (reported++ < 3) std::fprintf(stderr, "rapport_rawsqlite: step: %s\n", sqlite3_errmsg(db));
    return false;
  }
  return true;
}

struct Stats {
  long long ops = 0, errors = 0;
  double secs = 0;
  std::vector<uint32_t> lat_us;
  double Rate() const { return secs > 0 ? static_cast<double>(ops) / secs : 0; }
  double Pct(double q) {
    if (lat_us.empty()) return 0;
    std::sort(lat_us.begin(), lat_us.end());
    size_t i = static_cast<size_t>(std::ceil(q * static_cast<double>(lat_us.size())));
    if (i > 0) --i;
    return lat_us[std::min(i, lat_us.size() - 1)] / 1000.0;
  }
};

template <typename Fn>
Stats RunThreads(int threads, double seconds, long long max_ops, Fn fn) {
  std::atomic<long long> next{0};
  std::vector<Stats> per(threads);
  std::vector<std::thread> ts;
  auto t0 = Clock::now();
  auto deadline = t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  for (int t = 0; t < threads; ++t) {
    ts.emplace_back([&, t] { fn(t, next, max_ops, deadline, &per[t]); });
  }
  for (auto& th : ts) th.join();
  Stats all;
  all.secs = std::chrono::duration<double>(Clock::now() - t0).count();
  for (auto& s : per) {
    all.ops += s.ops;
    all.errors += s.errors;
    all.lat_us.insert(all.lat_us.end(), s.lat_us.begin(), s.lat_us.end());
  }
  return all;
}

}  // namespace

int main(int argc, char** argv) {
  std::string path, kv;
  int threads = 16;
  double insert_seconds = 10, select_seconds = 10;
  long long max_inserts = 100000, fill = 100000, max_selects = 100000000;
  bool indexes = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto val = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "rapport_rawsqlite: %s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--db") path = val();
    else if (a == "--threads") threads = std::atoi(val().c_str());
    else if (a == "--insert-seconds") insert_seconds = std::atof(val().c_str());
    else if (a == "--max-inserts") max_inserts = std::atoll(val().c_str());
    else if (a == "--fill") fill = std::atoll(val().c_str());
    else if (a == "--select-seconds") select_seconds = std::atof(val().c_str());
    else if (a == "--max-selects") max_selects = std::atoll(val().c_str());
    else if (a == "--indexes") indexes = true;
    else if (a == "--synchronous") {
      g_synchronous = val();
      if (g_synchronous != "FULL" && g_synchronous != "NORMAL" && g_synchronous != "OFF") {
        std::fprintf(stderr, "rapport_rawsqlite: --synchronous takes FULL, NORMAL or OFF\n");
        return 2;
      }
    }
    else if (a == "--kv") kv = val();
    else {
      std::fprintf(stderr,
                   "usage: rapport_rawsqlite --db PATH [--threads 16] [--insert-seconds 10] [--max-inserts 100000]\n"
                   "         [--fill 100000] [--select-seconds 10] [--max-selects N] [--indexes] [--synchronous FULL|NORMAL]\n"
                   "         [--kv FILE]\n");
      return 2;
    }
  }
  if (path.empty() || threads < 1) {
    std::fprintf(stderr, "rapport_rawsqlite: --db is required\n");
    return 2;
  }

  {
    sqlite3* db = Open(path);
    Exec(db, "DROP TABLE IF EXISTS contacts");
    Exec(db,
         "CREATE TABLE contacts (id TEXT NOT NULL PRIMARY KEY, first_name TEXT, last_name TEXT, email TEXT, "
         "phone TEXT, title TEXT, street TEXT, city TEXT, postcode TEXT, country TEXT, source TEXT, "
         "source_ref TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL) WITHOUT ROWID");
    if (indexes) {
      for (const char* col : {"last_name", "email", "country", "created_at", "updated_at", "source_ref"})
        Exec(db, std::string("CREATE INDEX ix_contacts_") + col + " ON contacts (" + col + ", id)");
    }
    sqlite3_close_v2(db);
  }
  const std::string insert_sql =
      std::string("INSERT INTO contacts (") + kColumns + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

  // Phase 1: one transaction per insert, `threads` writers.
  Stats ins = RunThreads(threads, insert_seconds, max_inserts,
                         [&](int, std::atomic<long long>& next, long long max, Clock::time_point deadline, Stats* st) {
                           sqlite3* db = Open(path);
                           sqlite3_stmt* begin = Prepare(db, "BEGIN IMMEDIATE");
                           sqlite3_stmt* commit = Prepare(db, "COMMIT");
                           sqlite3_stmt* ins = Prepare(db, insert_sql);
                           std::vector<std::string> keep;
                           for (;;) {
                             auto start = Clock::now();
                             if (start >= deadline) break;
                             long long n = next.fetch_add(1);
                             if (n >= max) break;
                             bool ok = Step(db, begin, SQLITE_DONE);
                             if (ok) {
                               BindContact(ins, static_cast<uint64_t>(n), &keep);
                               ok = Step(db, ins, SQLITE_DONE);
                               ok = Step(db, commit, SQLITE_DONE) && ok;
                               if (!ok && !sqlite3_get_autocommit(db)) sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
                             }
                             if (!ok) {
                               ++st->errors;
                               continue;
                             }
                             ++st->ops;
                             st->lat_us.push_back(static_cast<uint32_t>(
                                 std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start).count()));
                           }
                           sqlite3_finalize(begin);
                           sqlite3_finalize(commit);
                           sqlite3_finalize(ins);
                           sqlite3_close_v2(db);
                         });
  std::printf("raw sqlite inserts (synchronous=%s): %lld rows in %.2f s = %.0f rows/s (%d threads, 1 tx/row)  p50 %.2f  p99 %.2f  "
              "p99.9 %.2f  max %.2f ms  errors %lld\n",
              g_synchronous.c_str(), ins.ops, ins.secs, ins.Rate(), threads, ins.Pct(0.5), ins.Pct(0.99), ins.Pct(0.999),
              ins.Pct(1.0),
              ins.errors);

  // Untimed top-up so that selects run over `fill` rows (as the API's do).
  long long rows = 0;
  {
    sqlite3* db = Open(path);
    sqlite3_stmt* cnt = Prepare(db, "SELECT count(*) FROM contacts");
    sqlite3_step(cnt);
    rows = sqlite3_column_int64(cnt, 0);
    sqlite3_finalize(cnt);
    if (rows < fill) {
      sqlite3_stmt* ins2 = Prepare(db, "INSERT OR IGNORE" + insert_sql.substr(6));
      std::vector<std::string> keep;
      Exec(db, "BEGIN IMMEDIATE");
      for (long long n = 0; n < fill + threads; ++n) {
        BindContact(ins2, static_cast<uint64_t>(n), &keep);
        Step(db, ins2, SQLITE_DONE);
      }
      Exec(db, "COMMIT");
      sqlite3_finalize(ins2);
      sqlite3_stmt* cnt2 = Prepare(db, "SELECT count(*) FROM contacts");
      sqlite3_step(cnt2);
      rows = sqlite3_column_int64(cnt2, 0);
      sqlite3_finalize(cnt2);
    }
    Exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
    sqlite3_close_v2(db);
  }
  // The ids present are those of n in [0, rows) plus stragglers; pick in [0, min(rows, fill)).
  const uint64_t id_range = static_cast<uint64_t>(std::max<long long>(1, std::min(rows, fill)));

  // Phase 2: primary-key selects, autocommit (one implicit read transaction each).
  std::atomic<long long> misses{0};
  Stats sel = RunThreads(threads, select_seconds, max_selects,
                         [&](int t, std::atomic<long long>& next, long long max, Clock::time_point deadline, Stats* st) {
                           sqlite3* db = Open(path);
                           sqlite3_stmt* q =
                               Prepare(db, std::string("SELECT ") + kColumns + " FROM contacts WHERE id = ?");
                           uint64_t rng = bench::Mix(static_cast<uint64_t>(t) + 12345);
                           std::vector<std::string> out(14);
                           for (;;) {
                             auto start = Clock::now();
                             if (start >= deadline) break;
                             if (next.fetch_add(1, std::memory_order_relaxed) >= max) break;
                             rng = bench::Mix(rng);
                             std::string id = IdFor(rng % id_range);
                             sqlite3_bind_text(q, 1, id.data(), static_cast<int>(id.size()), SQLITE_STATIC);
                             int rc = sqlite3_step(q);
                             if (rc == SQLITE_ROW) {
                               for (int c = 0; c < 14; ++c) {
                                 const char* p = reinterpret_cast<const char*>(sqlite3_column_text(q, c));
                                 out[c].assign(p ? p : "", static_cast<size_t>(sqlite3_column_bytes(q, c)));
                               }
                             } else if (rc == SQLITE_DONE) {
                               misses.fetch_add(1, std::memory_order_relaxed);
                             } else {
                               ++st->errors;
                             }
                             sqlite3_reset(q);
                             ++st->ops;
                             st->lat_us.push_back(static_cast<uint32_t>(
                                 std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start).count()));
                           }
                           sqlite3_finalize(q);
                           sqlite3_close_v2(db);
                         });
  std::printf("raw sqlite selects: %lld rows in %.2f s = %.0f selects/s (%d threads, over %lld rows)  p50 %.3f  p99 "
              "%.3f ms  misses %lld  errors %lld\n",
              sel.ops, sel.secs, sel.Rate(), threads, rows, sel.Pct(0.5), sel.Pct(0.99), misses.load(), sel.errors);

  if (!kv.empty()) {
    std::ofstream f(kv);
    f << "threads=" << threads << "\nsynchronous=" << g_synchronous << "\ninsert_rows=" << ins.ops << "\ninsert_seconds=" << ins.secs
      << "\ninsert_rps=" << ins.Rate() << "\ninsert_p50_ms=" << ins.Pct(0.5) << "\ninsert_p99_ms=" << ins.Pct(0.99)
      << "\ninsert_p999_ms=" << ins.Pct(0.999) << "\ninsert_max_ms=" << ins.Pct(1.0)
      << "\ninsert_errors=" << ins.errors << "\nselect_rows=" << rows << "\nselects=" << sel.ops
      << "\nselect_seconds=" << sel.secs << "\nselect_rps=" << sel.Rate() << "\nselect_p50_ms=" << sel.Pct(0.5)
      << "\nselect_p99_ms=" << sel.Pct(0.99) << "\nselect_misses=" << misses.load()
      << "\nselect_errors=" << sel.errors << "\n";
  }
  return ins.ops > 0 && sel.ops > 0 ? 0 : 1;
}
