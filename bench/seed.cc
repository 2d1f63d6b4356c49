// rapport_seed: fills a Rapport database with N synthetic contacts for the
// list benchmarks (the 1,000,000-contact database of `make bench`).
//
// Rows go through the same validation (ValidateValue) and RecordStore::Insert
// as API creates, so the contacts table, its indexes, the audit log and the
// outbox look like those of a real organisation; only the HTTP layer and the
// one-transaction-per-record cost are skipped (--batch records per write
// transaction). Creates the organisation with --admin-email when missing.
//
//   rapport_seed --db sqlite:bench/out/list.db --count 1000000 [--batch 10000]
//                [--admin-email bench@example.com] [--start 0]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>

#include "app/org.h"
#include "base/ids.h"
#include "contact_gen.h"
#include "meta/object.h"
#include "meta/validate.h"
#include "store/conn.h"
#include "store/records.h"
#include "store/schema.h"

using namespace rapport;

namespace {

int Die(const std::string& what, const Status& st) {
  std::fprintf(stderr, "rapport_seed: %s: %s\n", what.c_str(), st.ToString().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string db, admin_email = "bench@example.com";
  long long count = 0, batch = 10000, start = 0;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto val = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "rapport_seed: %s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--db") db = val();
    else if (a == "--count") count = std::atoll(val().c_str());
    else if (a == "--batch") batch = std::atoll(val().c_str());
    else if (a == "--start") start = std::atoll(val().c_str());
    else if (a == "--admin-email") admin_email = val();
    else {
      std::fprintf(stderr,
                   "usage: rapport_seed --db URL --count N [--batch 10000] [--start 0] [--admin-email E]\n"
                   "  inserts contacts start..start+N-1 of the bench generator (bench/contact_gen.h)\n");
      return 2;
    }
  }
  if (db.empty() || count <= 0 || batch <= 0) {
    std::fprintf(stderr, "rapport_seed: --db and --count are required (see --help)\n");
    return 2;
  }
  if (!InitCrypto()) {
    std::fprintf(stderr, "rapport_seed: cannot initialise libsodium\n");
    return 1;
  }
  auto store = OpenStore(db);
  if (!store.ok()) return Die("open", store.status());
  auto conn = (*store)->Connect();
  if (!conn.ok()) return Die("connect", conn.status());
  Conn* c = conn->get();
  Status st = Migrate(c);
  if (!st.ok()) return Die("migrate", st);
  auto org = InitOrganisation(c, "Bench Company", admin_email);
  if (!org.ok()) return Die("init organisation", org.status());
  const TenantScope scope = TenantScope::ForOperator(org->org_id, org->admin_id);
  const ObjectDef* def = StandardCatalog().Find("contacts");
  if (!def) {
    std::fprintf(stderr, "rapport_seed: no contacts object in the catalogue\n");
    return 1;
  }

  const auto t0 = std::chrono::steady_clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
  long long done = 0;
  while (done < count) {
    long long n_batch = std::min(batch, count - done);
    st = InTransaction(c, TxMode::kWrite, [&]() -> Status {
      for (long long k = 0; k < n_batch; ++k) {
        uint64_t n = static_cast<uint64_t>(start + done + k);
        nlohmann::json body = nlohmann::json::parse(bench::ContactJson(n));
        FieldValues values;
        for (auto it = body.begin(); it != body.end(); ++it) {
          const FieldDef* f = def->Find(it.key());
          if (!f) return Status::InvalidArgument("unknown field " + it.key());
          auto v = ValidateValue(*f, it.value());
          if (!v.ok()) return v.status();
          values[f->name] = std::move(*v);
        }
        auto rec = RecordStore::Insert(c, scope, *def, values);
        if (!rec.ok()) return rec.status();
      }
      return Status::Ok();
    });
    if (!st.ok()) return Die("insert", st);
    done += n_batch;
    double s = elapsed();
    std::fprintf(stderr, "\rrapport_seed: %lld / %lld contacts, %.0f s, %.0f rows/s   ", done, count, s,
                 static_cast<double>(done) / (s > 0 ? s : 1));
    std::fflush(stderr);
  }
  // Planner statistics are not gathered here on purpose: the server must cope
  // with a database as its own writes left it (no ANALYZE has ever run).
  std::fprintf(stderr, "\n");
  std::printf("seeded %lld contacts in %.1f s (%.0f rows/s) into %s, organisation %s\n", count, elapsed(),
              static_cast<double>(count) / elapsed(), db.c_str(), org->org_id.c_str());
  return 0;
}
