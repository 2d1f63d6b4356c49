// Imports against every backend (SQLite and PostgreSQL, backend_fixture.h):
// mapping and unknown columns, row errors with line numbers while good rows
// land, source=import, normalisation, dry run, upsert, resume after an
// interruption without duplicates, undo, vCard import and export.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "app/import.h"
#include "app/org.h"
#include "app/records_service.h"
#include "base/ids.h"
#include "base/time.h"
#include "io/vcard.h"
#include "org_fixture.h"
#include "store/metadata.h"
#include "store/records.h"
#include "store/schema.h"
#include "store/search.h"

namespace rapport {
namespace {

using namespace testsupport;  // NOLINT
using nlohmann::json;

class ImportStoreTest : public OrgFixture {
 protected:
  void SetUp() override {
    OrgFixture::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
  }
  void TearDown() override {
    for (const auto& f : files_) std::filesystem::remove(f);
    BackendFixture::TearDown();
  }

  std::string File(const std::string& content, const std::string& ext = ".csv") {
    std::string path = ::testing::TempDir() + "rapport_import_" + std::to_string(getpid()) + "_" + RandomHex(8) + ext;
    std::ofstream(path, std::ios::binary) << content;
    files_.push_back(path);
    return path;
  }

  Result<ImportSummary> Import(const std::string& object, const std::string& path, ImportOptions o = {},
                               std::atomic<bool>* cancel = nullptr) {
    o.object = object;
    o.file = path;
    return Importer::Run(conn(), *scope_, *cat_, o, nullptr, cancel);
  }

  int64_t Count(const std::string& table, const std::string& where = "deleted_at IS NULL") {
    return QueryInt("SELECT COUNT(*) FROM " + table + " WHERE org_id = ? AND " + where, {Value{org_}});
  }
  std::string One(const std::string& sql, const std::vector<Value>& p = {}) {
    auto r = conn()->Query(sql, p);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (!r.ok() || r->empty()) return "(none)";
    return ValueToString(r->rows[0][0]);
  }

  std::vector<std::string> files_;
};

TEST_P(ImportStoreTest, GoodRowsLandAndEveryBadRowIsReportedWithItsLine) {
  std::string csv =
      "First Name;Last Name;E-mail;phone;Company;Fax;source_ref\n"
      "Ada;Lovelace;ADA@Example.com;(650) 253-0000;Analytical Engines;123;A1\n"
      "Bob;;not-an-email;;;;A2\n"
      ";;;;;;A3\n"
      "\"Grace\";\"Hopper\";grace@example.com;+44 20 7946 0958;=cmd|' /C calc'!A0;;A4\n"
      "Too;Many;t@example.com;;;;A5;extra\n"
      "Jos\xC3\xA9  Mar\xC3\xAD" "a;de\xC2\xA0la  Cruz;jose@example.com;;;;A6\n";
  auto r = Import("leads", File(csv));
  RP_ASSERT_OK(r);
  EXPECT_EQ(r->status, "done");
  EXPECT_EQ(r->counts.rows_read, 6);
  EXPECT_EQ(r->counts.created, 3);
  EXPECT_EQ(r->counts.failed, 3);
  ASSERT_EQ(r->errors.size(), 3u);
  EXPECT_EQ(r->errors[0].line, 3);
  EXPECT_EQ(r->errors[0].field, "email");
  EXPECT_NE(r->errors[0].message.find("email: is not a valid email address"), std::string::npos) << r->errors[0].message;
  EXPECT_EQ(r->errors[1].line, 4);
  EXPECT_NE(r->errors[1].message.find("at least a last name"), std::string::npos) << r->errors[1].message;
  EXPECT_EQ(r->errors[2].line, 6);
  EXPECT_NE(r->errors[2].message.find("8 fields but the header has 7"), std::string::npos) << r->errors[2].message;
  // Fax is reported, not silently dropped.
  ASSERT_EQ(r->unmapped.size(), 1u);
  EXPECT_EQ(r->unmapped[0].first, "Fax");
  EXPECT_NE(r->unmapped[0].second.find("; 1 values not imported"), std::string::npos) << r->unmapped[0].second;
  EXPECT_EQ(Count("leads"), 3);
  EXPECT_EQ(Count("leads", "source = 'import'"), 3) << "every imported lead records source=import";
  EXPECT_EQ(One("SELECT phone FROM leads WHERE source_ref = 'A1'"), "+16502530000") << "E.164 (US default)";
  EXPECT_EQ(One("SELECT email FROM leads WHERE source_ref = 'A1'"), "ada@example.com");
  EXPECT_EQ(One("SELECT company FROM leads WHERE source_ref = 'A4'"), "=cmd|' /C calc'!A0") << "formulas are data";
  EXPECT_EQ(One("SELECT first_name FROM leads WHERE source_ref = 'A6'"), "Jos\xC3\xA9 Mar\xC3\xAD" "a");
  EXPECT_EQ(One("SELECT last_name FROM leads WHERE source_ref = 'A6'"), "de la Cruz");
  // The stored import: counts, errors, and which records it created.
  auto g = Importer::Get(conn(), *scope_, r->import_id);
  RP_ASSERT_OK(g);
  EXPECT_EQ(g->status, "done");
  EXPECT_EQ(g->counts.created, 3);
  EXPECT_EQ(g->errors.size(), 3u);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM import_records WHERE import_id = ?", {Value{r->import_id}}), 3);
  // Running the same file again is refused (nothing duplicated) unless asked.
  auto again = Import("leads", files_.back());
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), Status::Code::kConflict);
  EXPECT_NE(again.status().message().find("already imported"), std::string::npos);
}

TEST_P(ImportStoreTest, MappingSourceRefColumnAndOrganisationRegion) {
  RP_ASSERT_OK(conn()->Exec("UPDATE organisations SET default_region = 'GB' WHERE id = ?", {Value{org_}}));
  std::string csv = "Nachname,Vorname,Telefon,Kundennummer,Ignore me\nM\xC3\xBCller,Hans,020 7946 0958,K-1,x\n";
  ImportOptions o;
  o.mapping = {{"Nachname", "last_name"}, {"Vorname", "first_name"}, {"Telefon", "phone"}, {"Ignore me", ""}};
  o.source_ref_column = "Kundennummer";
  auto r = Import("contacts", File(csv), o);
  RP_ASSERT_OK(r);
  EXPECT_EQ(r->counts.created, 1);
  EXPECT_EQ(One("SELECT phone FROM contacts WHERE source_ref = 'K-1'"), "+442079460958")
      << "national number read in the organisation's region";
  EXPECT_EQ(One("SELECT last_name FROM contacts WHERE source_ref = 'K-1'"), "M\xC3\xBCller");
  // Bad options are refused before any row.
  o.mapping["Nachname"] = "no_such_field";
  auto bad = Import("contacts", File(csv), o);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("unknown field 'no_such_field'"), std::string::npos);
  auto nofield = Import("contacts", File("a,b\n1,2\n"));
  ASSERT_FALSE(nofield.ok());
  EXPECT_NE(nofield.status().message().find("no column of the file matches"), std::string::npos);
  auto wrong_object = Import("users", File(csv));
  ASSERT_FALSE(wrong_object.ok());
}

TEST_P(ImportStoreTest, DryRunValidatesEverythingAndWritesNothing) {
  std::string csv = "last_name,email,owner_id\nA,a@example.com,\nB,bad,\nC,c@example.com,01NOSUCHUSER000000000000000\n";
  ImportOptions o;
  o.dry_run = true;
  auto r = Import("leads", File(csv), o);
  RP_ASSERT_OK(r);
  EXPECT_EQ(r->status, "dry_run");
  EXPECT_EQ(r->counts.created, 1);
  EXPECT_EQ(r->counts.failed, 2);
  ASSERT_EQ(r->errors.size(), 2u);
  EXPECT_EQ(r->errors[1].field, "owner_id") << "references are checked for real";
  EXPECT_EQ(Count("leads", "1 = 1"), 0);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM imports"), 0);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM audit_log WHERE object = 'leads'"), 0);
}

TEST_P(ImportStoreTest, UpsertByEmailUpdatesAndUndoRevertsFromTheAuditHistory) {
  auto first = Import("contacts", File("last_name,email,title,city\nLovelace,ada@example.com,Countess,London\n"
                                       "Babbage,charles@example.com,,\n"));
  RP_ASSERT_OK(first);
  ASSERT_EQ(first->counts.created, 2);
  ImportOptions o;
  o.upsert_key = "email";
  auto second = Import("contacts", File("email,title,last_name\nADA@example.com,Mathematician,Lovelace\n"
                                        "charles@example.com,,Babbage\nnew@example.com,,Newman\n"),
                       o);
  RP_ASSERT_OK(second);
  EXPECT_EQ(second->counts.updated, 1);
  EXPECT_EQ(second->counts.unchanged, 1);
  EXPECT_EQ(second->counts.created, 1);
  EXPECT_EQ(Count("contacts"), 3);
  EXPECT_EQ(One("SELECT title FROM contacts WHERE email = 'ada@example.com'"), "Mathematician");
  EXPECT_EQ(One("SELECT city FROM contacts WHERE email = 'ada@example.com'"), "London") << "empty cells change nothing";
  // Someone edits Ada's city after the import: undo leaves that alone.
  std::string ada = One("SELECT id FROM contacts WHERE email = 'ada@example.com'");
  auto upd = RecordStore::Update(conn(), *scope_, *cat_->Find("contacts"), ada, {{"city", Value{"Paris"}}}, std::nullopt);
  RP_ASSERT_OK(upd);
  auto u = Importer::Undo(conn(), *scope_, *cat_, second->import_id);
  RP_ASSERT_OK(u);
  EXPECT_EQ(u->deleted, 1);
  EXPECT_EQ(u->reverted, 1);
  EXPECT_EQ(Count("contacts"), 2) << "the created contact is soft-deleted";
  EXPECT_EQ(One("SELECT title FROM contacts WHERE email = 'ada@example.com'"), "Countess");
  EXPECT_EQ(One("SELECT city FROM contacts WHERE email = 'ada@example.com'"), "Paris");
  auto g = Importer::Get(conn(), *scope_, second->import_id);
  RP_ASSERT_OK(g);
  EXPECT_EQ(g->status, "undone");
  // Undoing again changes nothing.
  auto u2 = Importer::Undo(conn(), *scope_, *cat_, second->import_id);
  RP_ASSERT_OK(u2);
  EXPECT_EQ(u2->deleted + u2->reverted, 0);
  // Undo of the first import deletes its two contacts.
  RP_ASSERT_OK(Importer::Undo(conn(), *scope_, *cat_, first->import_id));
  EXPECT_EQ(Count("contacts"), 0);
}

TEST_P(ImportStoreTest, DuplicateKeysInOneFileUpdateTheRecordTheFileCreated) {
  ImportOptions o;
  o.upsert_key = "source_ref";
  auto r = Import("leads", File("source_ref,last_name,city\nX1,One,Rome\nX1,One,Milan\nX2,Two,\n"), o);
  RP_ASSERT_OK(r);
  EXPECT_EQ(r->counts.created, 2);
  EXPECT_EQ(r->counts.updated, 1);
  EXPECT_EQ(Count("leads"), 2);
  EXPECT_EQ(One("SELECT city FROM leads WHERE source_ref = 'X1'"), "Milan");
}

TEST_P(ImportStoreTest, UpsertByPhoneMatchesNormalisedNumbers) {
  RP_ASSERT_OK(Import("contacts", File("last_name,phone\nLovelace,(650) 253-0000\n")));
  ImportOptions o;
  o.upsert_key = "phone";
  auto r = Import("contacts", File("last_name,phone,city\nLovelace,+1 650-253-0000,London\n"), o);
  RP_ASSERT_OK(r);
  EXPECT_EQ(r->counts.updated, 1) << "both spellings are +16502530000";
  EXPECT_EQ(r->counts.created, 0);
  EXPECT_EQ(One("SELECT city FROM contacts WHERE phone = '+16502530000'"), "London");
}

TEST_P(ImportStoreTest, AnInterruptedImportResumesWithoutLosingOrDuplicatingRows) {
  std::string csv = "source_ref,last_name,email\n";
  for (int i = 0; i < 2500; ++i) {
    csv += "R" + std::to_string(i) + ",Name" + std::to_string(i) + ",";
    csv += (i % 500 == 7 ? "broken" : "p" + std::to_string(i) + "@example.com");
    csv += (i == 1234 ? ",\"multi\nline\"" : "") + std::string("\n");
  }
  std::string path = File(csv);
  std::atomic<bool> stop{true};  // stop after the first batch
  ImportOptions o;
  o.batch_rows = 1000;
  auto first = Import("leads", path, o, &stop);
  RP_ASSERT_OK(first);
  EXPECT_EQ(first->status, "interrupted");
  EXPECT_EQ(One("SELECT status FROM imports WHERE id = '" + first->import_id + "'"), "interrupted");
  {
    auto none = Importer::ResumableUploads(conn(), org_);
    RP_ASSERT_OK(none);
    EXPECT_TRUE(none->empty()) << "an interrupted CLI import waits for its user to run the command again";
  }
  EXPECT_EQ(first->counts.rows_read, 1000);
  EXPECT_EQ(Count("leads"), 998);
  auto second = Import("leads", path, o);
  RP_ASSERT_OK(second);
  EXPECT_EQ(second->status, "done");
  EXPECT_EQ(second->import_id, first->import_id) << "the same import continues";
  EXPECT_EQ(second->resumed_from_line, 1002);
  EXPECT_EQ(second->counts.rows_read, 2500);
  EXPECT_EQ(second->counts.failed, 6) << "5 bad emails + 1 row with too many fields";
  EXPECT_EQ(Count("leads"), 2494);
  EXPECT_EQ(QueryInt("SELECT COUNT(DISTINCT source_ref) FROM leads WHERE org_id = ?", {Value{org_}}), 2494);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM import_errors WHERE import_id = ?", {Value{first->import_id}}), 6);
  auto g = Importer::Get(conn(), *scope_, first->import_id);
  RP_ASSERT_OK(g);
  EXPECT_EQ(g->counts.created, 2494);
  ASSERT_EQ(g->errors.size(), 6u);
  EXPECT_EQ(g->errors[0].line, 9) << "lines are file lines (header is line 1)";
}

TEST_P(ImportStoreTest, ChangedOptionsDoNotSilentlyResumeAnotherImport) {
  std::string path = File("last_name,email\nA,a@example.com\nB,b@example.com\n");
  std::atomic<bool> stop{true};
  ImportOptions o;
  o.batch_rows = 1;
  auto first = Import("leads", path, o, &stop);
  RP_ASSERT_OK(first);
  ASSERT_EQ(first->counts.rows_read, 1);
  ImportOptions other = o;
  other.upsert_key = "email";
  auto r = Import("leads", path, other);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("other options"), std::string::npos) << r.status().message();
  other.again = true;
  auto fresh = Import("leads", path, other);
  RP_ASSERT_OK(fresh);
  EXPECT_NE(fresh->import_id, first->import_id);
  EXPECT_EQ(Count("leads"), 2) << "the upsert matched the row the first run wrote";
}

// What a restarted server picks up by itself: its own uploads that were
// stopped or whose process died, never a live lease, a finished import or
// another organisation's.
TEST_P(ImportStoreTest, ResumableUploadsAreStoppedOrOrphanedServerUploadsOnly) {
  std::string path = File("last_name,email\nA,a@example.com\nB,b@example.com\nC,c@example.com\n");
  ImportOptions o;
  o.object = "leads";
  o.file = path;
  o.batch_rows = 1;
  o.server_upload = true;
  auto queued = Importer::Queue(conn(), *scope_, *cat_, o);
  RP_ASSERT_OK(queued);
  auto ids = [&](const std::string& org) {
    auto r = Importer::ResumableUploads(conn(), org);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    std::set<std::string> out;
    if (r.ok())
      for (const auto& x : *r) {
        EXPECT_EQ(x.user_id, scope_->user_id());
        out.insert(x.id);
      }
    return out;
  };
  EXPECT_EQ(ids(org_), std::set<std::string>{*queued}) << "queued and not running";
  EXPECT_TRUE(ids("another-org").empty());

  std::atomic<bool> stop{true};
  auto first = Importer::Run(conn(), *scope_, *cat_, o, nullptr, &stop, *queued);
  RP_ASSERT_OK(first);
  EXPECT_EQ(first->status, "interrupted");
  EXPECT_EQ(ids(org_), std::set<std::string>{*queued}) << "stopped by a shutdown";

  auto lease = [&](const std::string& owner, int64_t until_ms) {
    RP_ASSERT_OK(conn()->Exec("UPDATE imports SET status = 'running', lease_owner = ?, lease_until = ? WHERE id = ?",
                              {Value{owner}, Value{FormatIsoMillis(until_ms)}, Value{*queued}}));
  };
  char host[256] = {0};
  gethostname(host, sizeof host - 1);
  const int64_t now = Clock::Get().NowMillis();
  lease("elsewhere:42:abc", now + 60000);
  EXPECT_TRUE(ids(org_).empty()) << "another process holds a live lease";
  lease("elsewhere:42:abc", now - 1000);
  EXPECT_EQ(ids("").count(*queued), 1u) << "its lease expired";
  lease(std::string(host) + ":999999999:abc", now + 60000);
  EXPECT_EQ(ids(org_).count(*queued), 1u) << "its process on this host is gone";

  auto rest = Importer::Run(conn(), *scope_, *cat_, o, nullptr, nullptr, *queued);
  RP_ASSERT_OK(rest);
  EXPECT_EQ(rest->status, "done");
  EXPECT_EQ(rest->counts.created, 3) << "resumed, not restarted: " << rest->resumed_from_line;
  EXPECT_TRUE(ids(org_).empty()) << "done";
  EXPECT_EQ(Count("leads"), 3);
}

TEST_P(ImportStoreTest, VCardImportOfContactsAndExportRoundTrip) {
  std::string vcf = std::string(RAPPORT_SHARED_DATA) + "/vcard-samples/ez-vcard/John_Doe_ANDROID.vcf";
  auto r = Import("contacts", vcf);
  RP_ASSERT_OK(r);
  EXPECT_EQ(r->format, "vcard");
  EXPECT_EQ(r->counts.rows_read, 6);
  // Two cards have only an email (no name): contacts need a last name.
  EXPECT_EQ(r->counts.created + r->counts.failed, 6);
  EXPECT_GE(r->counts.created, 3);
  for (const auto& e : r->errors) EXPECT_EQ(e.field, "last_name") << e.message;
  bool others_reported = false;
  for (const auto& [col, why] : r->unmapped) others_reported = others_reported || col == "other_phones";
  EXPECT_TRUE(others_reported) << "extra phones are reported, not silently dropped";
  std::string cursor, out;
  auto more = ExportContactsVCardPage(conn(), *scope_, *cat_, &cursor, &out);
  RP_ASSERT_OK(more);
  EXPECT_FALSE(*more);
  std::istringstream in(out);
  VCardReader reader(in);
  VCard card;
  Status err;
  int n = 0;
  while (reader.Next(&card, &err)) {
    ASSERT_TRUE(err.ok());
    ++n;
  }
  EXPECT_EQ(n, r->counts.created);
  EXPECT_NE(out.find("N:\xC3\x91"), std::string::npos) << "UTF-8 names survive";
}

TEST_P(ImportStoreTest, NotAnImportableFileIsRefusedAndNothingIsWritten) {
  auto r = Import("leads", File("%PDF-1.4 binary", ".csv"));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("PDF"), std::string::npos);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM imports"), 0);
  auto empty = Import("leads", File(""));
  ASSERT_FALSE(empty.ok());
}

// Search entries of an import are written together at the end of each batch
// (store/search.h, docs/decisions/019): every created record is found once,
// a record the same file updates keeps one entry with its new words, and an
// undone import leaves no entry behind.
TEST_P(ImportStoreTest, ImportedRecordsAreSearchableOnceEachAndUndoRemovesThem) {
  std::string csv = "source_ref,last_name,company\n";
  for (int i = 0; i < 1200; ++i) csv += "S" + std::to_string(i) + ",Quillfeather" + std::to_string(i) + ",Acme\n";
  csv += "S7,Quillfeather7,Zanzibarco\n";  // the same file changes a record it created
  ImportOptions o;
  o.upsert_key = "source_ref";
  o.batch_rows = 500;
  auto r = Import("leads", File(csv), o);
  RP_ASSERT_OK(r);
  EXPECT_EQ(r->counts.created, 1200);
  EXPECT_EQ(r->counts.updated, 1);
  auto find = [&](const std::string& words) {
    auto hits = SearchIndex::Search(conn(), *scope_, *cat_, words, 50);
    EXPECT_TRUE(hits.ok()) << hits.status().ToString();
    return hits.ok() ? hits->size() : size_t{0};
  };
  EXPECT_EQ(find("Quillfeather1199"), 1u);
  EXPECT_EQ(find("Zanzibarco"), 1u) << "the entry has the updated company";
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM search_index WHERE org_id = ? AND object = 'leads'", {Value{org_}}), 1200)
      << "one entry per lead, not one per write";
  if (conn()->backend() == Backend::kSqlite) {
    EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM search_entries"),
              QueryInt("SELECT COUNT(*) FROM search_index"))
        << "every entry has its number";
  }
  auto u = Importer::Undo(conn(), *scope_, *cat_, r->import_id);
  RP_ASSERT_OK(u);
  EXPECT_EQ(find("Quillfeather1199"), 0u);
  EXPECT_EQ(find("Zanzibarco"), 0u);
}

INSTANTIATE_TEST_SUITE_P(Backends, ImportStoreTest, testing::Values(Backend::kSqlite, Backend::kPostgres),
                         BackendParamName);

}  // namespace
}  // namespace rapport

