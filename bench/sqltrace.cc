// librapport_sqltrace.so: an LD_PRELOAD shim that logs every SQL statement
// the process runs, with its thread and whether it ran inside an explicit
// transaction. `bench/run` loads it into one short `rapport serve` to check
// that a GET's reads share one read transaction (BEGIN ... ROLLBACK) and to
// count the statements per request. Never loaded during timed runs.
//
//   RAPPORT_SQLTRACE=out.log LD_PRELOAD=build/bench/librapport_sqltrace.so rapport serve ...
//
// Each line: "<tid> <tx|auto> <sql>", where "tx" means the connection was in
// an explicit transaction when the statement started.
#include <dlfcn.h>
#include <sqlite3.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>

namespace {

std::mutex mu;
thread_local bool in_exec = false;  // sqlite3_exec steps its statements itself

FILE* Out() {
  static FILE* f = [] {
    const char* path = std::getenv("RAPPORT_SQLTRACE");
    return path ? std::fopen(path, "a") : nullptr;
  }();
  return f;
}

void Log(sqlite3* db, const char* kind, const char* sql) {
  FILE* f = Out();
  if (!f || !sql) return;
  std::lock_guard<std::mutex> lock(mu);
  std::fprintf(f, "%ld %s %s%s\n", static_cast<long>(syscall(SYS_gettid)), sqlite3_get_autocommit(db) ? "auto" : "tx",
               kind, sql);
  std::fflush(f);
}

}  // namespace

extern "C" {

int sqlite3_step(sqlite3_stmt* stmt) {
  using Fn = int (*)(sqlite3_stmt*);
  static Fn real = reinterpret_cast<Fn>(dlsym(RTLD_NEXT, "sqlite3_step"));
  if (stmt && !in_exec && !sqlite3_stmt_busy(stmt)) Log(sqlite3_db_handle(stmt), "", sqlite3_sql(stmt));
  return real(stmt);
}

int sqlite3_exec(sqlite3* db, const char* sql, int (*cb)(void*, int, char**, char**), void* arg, char** err) {
  using Fn = int (*)(sqlite3*, const char*, int (*)(void*, int, char**, char**), void*, char**);
  static Fn real = reinterpret_cast<Fn>(dlsym(RTLD_NEXT, "sqlite3_exec"));
  Log(db, "exec: ", sql);
  in_exec = true;
  int rc = real(db, sql, cb, arg, err);
  in_exec = false;
  return rc;
}

}  // extern "C"
