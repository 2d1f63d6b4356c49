#include "app/enrichment.h"

#include <algorithm>
#include <mutex>
#include <unordered_map>

#include "app/lead_pipeline.h"
#include "app/records_service.h"
#include "base/log.h"
#include "base/time.h"
#include "io/row_source.h"
#include "meta/validate.h"

namespace rapport {

using nlohmann::json;

namespace {

constexpr const char* kProvider = "company_reference";

std::string Squash(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (c == ' ' || c == '_' || c == '-' || c == '.' || c == '\t') continue;
    out.push_back(static_cast<char>(std::tolower(c)));
  }
  return out;
}

std::string Trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

// Which attribute a reference-file column holds ("" = none).
std::string ColumnAttribute(const std::string& header) {
  static const std::vector<std::pair<const char*, std::vector<const char*>>> kNames = {
      {"domain", {"domain", "companydomain", "website", "url", "web", "homepage"}},
      {"name", {"name", "company", "companyname", "security", "account", "organisation", "organization"}},
      {"industry", {"industry", "sector", "gicssector", "vertical"}},
      {"employees", {"employees", "employeecount", "headcount", "staff", "numberofemployees"}},
      {"employee_band", {"employeeband", "size", "companysize", "sizeband", "employeerange"}},
      {"country", {"country", "countrycode", "hqcountry"}}};
  std::string key = Squash(header);
  for (const auto& [attr, names] : kNames) {
    for (const char* n : names) {
      if (key == n) return attr;
    }
  }
  return {};
}

struct DirectoryCache {
  std::mutex mu;
  std::unordered_map<std::string, std::shared_ptr<const CompanyDirectory>> by_org;
};
DirectoryCache& Cache() {
  static DirectoryCache* c = new DirectoryCache();
  return *c;
}

}  // namespace

const std::vector<std::string>& EnrichableLeadFields() {
  static const std::vector<std::string> f = {"company_domain", "company", "industry", "employees", "employee_band",
                                             "country"};
  return f;
}

json CompanyLoadResult::ToJson() const {
  return {{"rows_read", rows_read}, {"loaded", loaded}, {"skipped", skipped}, {"version", version},
          {"errors", errors},       {"notes", notes},   {"provider", kProvider}};
}

Result<CompanyLoadResult> LoadCompanyReference(Conn* c, const TenantScope& s, const std::string& path,
                                               const std::string& file_name, bool replace) {
  if (!s.is_admin()) return Status::PermissionDenied("only administrators may load enrichment reference data");
  RP_ASSIGN_OR_RETURN(auto src, OpenRowSource(path));
  if (src->format() == FileFormat::kVCard)
    return Status::InvalidArgument("file: a company reference is a CSV or XLSX file, not vCard", "file");
  const auto& header = src->header();
  std::vector<std::string> attr(header.size());
  std::map<std::string, size_t> col;  // attribute -> column
  CompanyLoadResult out;
  for (size_t i = 0; i < header.size(); ++i) {
    attr[i] = ColumnAttribute(header[i]);
    if (!attr[i].empty() && !col.count(attr[i])) {
      col[attr[i]] = i;
      out.notes.push_back("column '" + Trim(header[i]) + "' -> " + attr[i]);
    }
  }
  if (!col.count("domain")) {
    std::string cols;
    for (const auto& h : header) cols += (cols.empty() ? "" : ", ") + Trim(h);
    return Status::InvalidArgument("file: the reference needs a domain (or website) column; the file has: " + cols, "file");
  }
  if (col.size() < 2)
    return Status::InvalidArgument("file: besides the domain, the reference needs at least one of name, industry, "
                                   "employees, employee_band, country",
                                   "file");
  auto cell = [&](const SourceRow& r, const char* a) -> std::string {
    auto it = col.find(a);
    if (it == col.end() || it->second >= r.cells.size()) return {};
    return Trim(r.cells[it->second]);
  };
  auto error = [&](const std::string& m) {
    ++out.skipped;
    if (out.errors.size() < 100) out.errors.push_back(m);
  };
  Status st = InTransaction(c, TxMode::kWrite, [&]() -> Status {
    if (replace) {
      RP_ASSIGN_OR_RETURN(int64_t n, c->Exec("DELETE FROM enrichment_companies WHERE org_id = ?", {Value{s.org_id()}}));
      (void)n;
    }
    SourceRow row;
    Status row_err;
    while (src->Next(&row, &row_err)) {
      ++out.rows_read;
      std::string line = "line " + std::to_string(row.line) + ": ";
      if (!row_err.ok()) {
        error(row_err.message());
        continue;
      }
      std::string domain = NormalizeDomain(cell(row, "domain"));
      if (domain.empty()) {
        error(line + "no domain ('" + cell(row, "domain") + "' is not a domain)");
        continue;
      }
      Value employees;
      std::string emp = cell(row, "employees"), band = cell(row, "employee_band");
      if (!emp.empty()) {
        std::string digits;
        for (char ch : emp) {
          if (ch != ',' && ch != ' ' && ch != '_') digits += ch;
        }
        char* end = nullptr;
        double d = std::strtod(digits.c_str(), &end);
        if (digits.empty() || *end || d < 0 || d > 1e9) {
          error(line + "employees: '" + emp + "' is not a head count");
          continue;
        }
        employees = Value{d};
        if (band.empty()) band = EmployeeBand(d);
      }
      if (!band.empty()) {
        std::string canon = CanonicalEmployeeBand(band);
        if (canon.empty()) {
          error(line + "employee_band: '" + band + "' is not one of 1-10, 11-50, 51-200, 201-500, 501-1000, "
                       "1001-5000, 5001-10000, 10001+");
          continue;
        }
        band = canon;
      }
      auto text = [](const std::string& v) { return v.empty() ? Value{} : Value{v.substr(0, 255)}; };
      RP_ASSIGN_OR_RETURN(
          int64_t n,
          c->Exec("INSERT INTO enrichment_companies (org_id, domain, name, industry, employees, employee_band, country) "
                  "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (org_id, domain) DO UPDATE SET name = excluded.name, "
                  "industry = excluded.industry, employees = excluded.employees, employee_band = "
                  "excluded.employee_band, country = excluded.country",
                  {Value{s.org_id()}, Value{domain}, text(cell(row, "name")), text(cell(row, "industry")), employees,
                   text(band), text(cell(row, "country"))}));
      (void)n;
      ++out.loaded;
    }
    if (!row_err.ok()) return Status::InvalidArgument("file: " + row_err.message(), "file");
    RP_ASSIGN_OR_RETURN(Rows count, c->Query("SELECT COUNT(*) FROM enrichment_companies WHERE org_id = ?", {Value{s.org_id()}}));
    RP_ASSIGN_OR_RETURN(Rows prev, c->Query("SELECT version FROM enrichment_sources WHERE org_id = ? AND provider = ?",
                                            {Value{s.org_id()}, Value{kProvider}}));
    out.version = prev.empty() ? 1 : std::atoll(ValueToString(prev.rows[0][0]).c_str()) + 1;
    RP_ASSIGN_OR_RETURN(
        int64_t n,
        c->Exec("INSERT INTO enrichment_sources (org_id, provider, version, row_count, file_name, loaded_at, loaded_by) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (org_id, provider) DO UPDATE SET version = excluded.version, "
                "row_count = excluded.row_count, file_name = excluded.file_name, loaded_at = excluded.loaded_at, "
                "loaded_by = excluded.loaded_by",
                {Value{s.org_id()}, Value{kProvider}, Value{out.version}, count.rows[0][0], Value{file_name},
                 Value{NowIso()}, s.user_id().empty() ? Value{} : Value{s.user_id()}}));
    (void)n;
    return Status::Ok();
  });
  RP_RETURN_IF_ERROR(st);
  spdlog::info("enrichment: loaded {} companies from {} (version {}, {} skipped)", out.loaded, file_name, out.version,
               out.skipped);
  return out;
}

Result<json> CompanyReferenceInfo(Conn* c, const TenantScope& s) {
  RP_ASSIGN_OR_RETURN(Rows r, c->Query("SELECT version, row_count, file_name, loaded_at, loaded_by FROM "
                                       "enrichment_sources WHERE org_id = ? AND provider = ?",
                                       {Value{s.org_id()}, Value{kProvider}}));
  if (r.empty()) return json{{"provider", kProvider}, {"loaded", false}, {"companies", 0}};
  auto& row = r.rows[0];
  return json{{"provider", kProvider},
              {"loaded", true},
              {"version", std::atoll(ValueToString(row[0]).c_str())},
              {"companies", std::atoll(ValueToString(row[1]).c_str())},
              {"file_name", ValueToString(row[2])},
              {"loaded_at", ValueToString(row[3])},
              {"loaded_by", IsNull(row[4]) ? json(nullptr) : json(ValueToString(row[4]))}};
}

Result<std::shared_ptr<const CompanyDirectory>> CompanyDirectoryFor(Conn* c, const std::string& org_id) {
  RP_ASSIGN_OR_RETURN(Rows v, c->Query("SELECT version FROM enrichment_sources WHERE org_id = ? AND provider = ?",
                                       {Value{org_id}, Value{kProvider}}));
  int64_t version = v.empty() ? 0 : std::atoll(ValueToString(v.rows[0][0]).c_str());
  {
    std::lock_guard<std::mutex> lock(Cache().mu);
    auto it = Cache().by_org.find(org_id);
    if (it != Cache().by_org.end() && it->second->version() == version) return it->second;
  }
  auto dir = std::make_shared<CompanyDirectory>(version);
  if (version > 0) {
    RP_ASSIGN_OR_RETURN(Rows rows, c->Query("SELECT domain, name, industry, employees, employee_band, country FROM "
                                            "enrichment_companies WHERE org_id = ?",
                                            {Value{org_id}}));
    for (auto& r : rows.rows) {
      CompanyFacts f;
      f.name = ValueToString(r[1]);
      f.industry = ValueToString(r[2]);
      if (auto* d = std::get_if<double>(&r[3])) f.employees = *d;
      else if (auto* i = std::get_if<int64_t>(&r[3])) f.employees = static_cast<double>(*i);
      f.employee_band = ValueToString(r[4]);
      f.country = ValueToString(r[5]);
      dir->Add(ValueToString(r[0]), std::move(f));
    }
  }
  std::lock_guard<std::mutex> lock(Cache().mu);
  Cache().by_org[org_id] = dir;
  return std::shared_ptr<const CompanyDirectory>(dir);
}

Result<std::map<std::string, std::string>> EnrichValues(const ObjectDef& leads,
                                                        const std::vector<const EnrichmentProvider*>& providers,
                                                        const std::function<Value(const std::string&)>& get,
                                                        FieldValues* out) {
  LeadFacts facts;
  for (const char* f : {"email", "company_domain", "company", "industry", "employees", "employee_band", "country"}) {
    Value v = get(f);
    facts[f] = IsNull(v) ? std::string() : ValueToString(v);
  }
  std::map<std::string, std::string> filled = RunEnrichment(providers, EnrichableLeadFields(), &facts);
  std::map<std::string, std::string> kept;
  for (const auto& [field, provider] : filled) {
    const FieldDef* f = leads.Find(field);
    if (!f) continue;
    // A value a provider knows but the field cannot hold (too long, not an
    // option) is left out rather than failing the capture.
    auto v = ParseTextValue(*f, facts[field]);
    if (!v.ok() || IsNull(*v)) continue;
    (*out)[field] = std::move(*v);
    kept[field] = provider;
  }
  if (!kept.empty()) {
    json record = json::object();
    Value prev = get("enrichment");
    if (!IsNull(prev)) {
      json p = json::parse(ValueToString(prev), nullptr, false);
      if (p.is_object()) record = p;
    }
    for (const auto& [field, provider] : kept) record[field] = provider;
    (*out)["enrichment"] = Value{record.dump()};
    (*out)["enriched_at"] = Value{NowIso()};
  }
  return kept;
}

Result<EnrichOutcome> EnrichLead(Conn* c, const TenantScope& s, const Catalog& cat, const std::string& id) {
  const ObjectDef* leads = cat.Find("leads");
  if (!leads) return Status::NotFound("unknown object 'leads'");
  EnrichOutcome out;
  Status st = InTransaction(c, TxMode::kWrite, [&]() -> Status {
    RP_ASSIGN_OR_RETURN(Record cur, RecordStore::Get(c, s, *leads, id));
    LeadPipeline pipeline(s.org_id());
    FieldValues changes;
    auto view = [&](const std::string& f) -> Value {
      auto it = changes.find(f);
      return it != changes.end() ? it->second : cur.Get(*leads, f);
    };
    RP_ASSIGN_OR_RETURN(out.filled, pipeline.Enrich(c, *leads, view, &changes));
    if (changes.empty()) {
      out.lead = cur;
      return Status::Ok();
    }
    RP_RETURN_IF_ERROR(pipeline.Score(c, cat, *leads, view, id, &changes));
    RP_ASSIGN_OR_RETURN(bool qualify, pipeline.ShouldQualify(c, changes, view));
    RP_ASSIGN_OR_RETURN(out.lead, RecordStore::Update(c, TenantScope::ForOperator(s.org_id(), s.user_id()), *leads, id,
                                                      changes, std::nullopt));
    if (qualify) {  // through RecordService: the status flow validates the move
      auto q = RecordService::Update(c, s, cat, *leads, id, json{{"status", "qualified"}}, std::nullopt);
      if (q.ok()) out.lead = *q;
      else if (q.status().code() != Status::Code::kUnprocessable) return q.status();
    }
    return Status::Ok();
  });
  RP_RETURN_IF_ERROR(st);
  return out;
}

}  // namespace rapport
