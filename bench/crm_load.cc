// rapport_crm_load: loads the shared "CRM Sales Opportunities" data set
// (../shared/data/crm-sales-opportunities: 85 accounts, 35 agents under 6
// managers, 7 products, 8,800 deals) into a Rapport organisation, for the
// predictive-scoring benchmark (BENCHMARKS.md, "Predictive scoring"):
//
//   rapport_crm_load --db sqlite:/tmp/crm.db --data ../shared/data/crm-sales-opportunities [--rules]
//
// - managers and agents become users (agents are reps in their manager's team);
// - accounts keep sector -> industry, employees, revenue (M USD) ->
//   annual_revenue, office_location -> country;
// - a custom text field `product` on opportunities; "GTXPro" is read as
//   "GTX Pro" (the data set's known misspelling);
// - each deal: owner = its agent, account, product, and as amount the
//   product's list price. Not close_value: it is 0 for every lost deal, so it
//   would give the outcome away;
// - Won / Lost deals go to the default pipeline's won / lost stage (reason
//   "other": the data set has none); Engaging / Prospecting to open stages.
// --rules adds the example rule score used as the baseline (field rules on
//   opportunities: amount >= 3,000 +10, product GTK 500 +5).
// Every record goes through RecordService::Create, like an API create. Creates
// the organisation (admin@example.com) when the database has none.
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "app/org.h"
#include "app/records_service.h"
#include "base/ids.h"
#include "io/csv.h"
#include "store/metadata.h"
#include "store/records.h"
#include "store/schema.h"

using namespace rapport;
using nlohmann::json;

namespace {

int Die(const std::string& what, const Status& st) {
  std::fprintf(stderr, "rapport_crm_load: %s: %s\n", what.c_str(), st.ToString().c_str());
  return 1;
}

std::vector<std::map<std::string, std::string>> ReadCsv(const std::string& path) {
  std::vector<std::map<std::string, std::string>> out;
  std::ifstream f(path, std::ios::binary);
  if (!f) return out;
  CsvReader r(f);
  CsvRecord rec;
  Status err;
  std::vector<std::string> header;
  while (r.Next(&rec, &err)) {
    if (!err.ok()) continue;
    if (header.empty()) {
      header = rec.fields;
      continue;
    }
    std::map<std::string, std::string> row;
    for (size_t i = 0; i < header.size() && i < rec.fields.size(); ++i) row[header[i]] = rec.fields[i];
    out.push_back(std::move(row));
  }
  return out;
}

std::string Email(const std::string& name) {
  std::string e;
  for (char c : name) {
    if (std::isalnum(static_cast<unsigned char>(c))) e += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    else if (c == ' ' && !e.empty() && e.back() != '.') e += '.';
  }
  return e + "@crm.example";
}

}  // namespace

int main(int argc, char** argv) {
  std::string db, data;
  bool rules = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--db" && i + 1 < argc) db = argv[++i];
    else if (a == "--data" && i + 1 < argc) data = argv[++i];
    else if (a == "--rules") rules = true;
    else {
      std::fprintf(stderr, "usage: rapport_crm_load --db URL --data DIR [--rules]\n");
      return 2;
    }
  }
  if (db.empty() || data.empty()) {
    std::fprintf(stderr, "usage: rapport_crm_load --db URL --data DIR [--rules]\n");
    return 2;
  }
  if (!InitCrypto()) return 1;
  auto store = OpenStore(db);
  if (!store.ok()) return Die("open", store.status());
  auto conn = (*store)->Connect();
  if (!conn.ok()) return Die("connect", conn.status());
  Conn* c = conn->get();
  if (Status st = Migrate(c); !st.ok()) return Die("migrate", st);
  auto init = InitOrganisation(c, "CRM Sales Opportunities", "admin@example.com");
  if (!init.ok()) return Die("init", init.status());
  TenantScope scope = TenantScope::ForOperator(init->org_id, init->admin_id);
  FieldDef product;
  product.name = "product";
  product.label = "Product";
  product.kind = FieldKind::kText;
  Status added = AddCustomField(c, scope, "opportunities", product);
  if (!added.ok() && added.code() != Status::Code::kConflict) return Die("product field", added);
  auto cat = LoadCatalog(c, init->org_id);
  if (!cat.ok()) return Die("catalog", cat.status());
  auto create = [&](const std::string& object, const json& body) -> std::string {
    auto r = RecordService::Create(c, scope, **cat, *(*cat)->Find(object), body);
    if (!r.ok()) {
      std::fprintf(stderr, "rapport_crm_load: %s %s: %s\n", object.c_str(), body.dump().c_str(),
                   r.status().ToString().c_str());
      return {};
    }
    return ValueToString(r->Get(*(*cat)->Find(object), "id"));
  };

  // Users: managers lead teams; agents are reps in them.
  std::map<std::string, std::string> user_of, team_of;
  for (const auto& row : ReadCsv(data + "/sales_teams.csv")) {
    const std::string& mgr = row.at("manager");
    if (!team_of.count(mgr)) {
      std::string uid = create("users", {{"name", mgr}, {"email", Email(mgr)}, {"role", "manager"}});
      team_of[mgr] = create("teams", {{"name", mgr + "'s team (" + row.at("regional_office") + ")"}, {"manager_id", uid}});
      user_of[mgr] = uid;
    }
    user_of[row.at("sales_agent")] =
        create("users", {{"name", row.at("sales_agent")}, {"email", Email(row.at("sales_agent"))}, {"role", "rep"},
                         {"team_id", team_of[mgr]}});
  }
  std::map<std::string, std::string> account_of;
  for (const auto& row : ReadCsv(data + "/accounts.csv")) {
    json body = {{"name", row.at("account")}, {"industry", row.at("sector")}, {"country", row.at("office_location")}};
    if (!row.at("employees").empty()) body["employees"] = std::stod(row.at("employees"));
    if (!row.at("revenue").empty()) body["annual_revenue"] = std::stod(row.at("revenue")) * 1e6;
    account_of[row.at("account")] = create("accounts", body);
  }
  std::map<std::string, double> price_of;
  for (const auto& row : ReadCsv(data + "/products.csv")) price_of[row.at("product")] = std::stod(row.at("sales_price"));
  std::map<std::string, std::string> stage_of;  // won, lost, open (first), open2 (second)
  auto stages = c->Query("SELECT id, kind FROM stages WHERE org_id = ? ORDER BY position", {Value{init->org_id}});
  if (!stages.ok()) return Die("stages", stages.status());
  std::vector<std::string> open;
  for (const auto& r : stages->rows) {
    std::string kind = ValueToString(r[1]);
    if (kind == "open") open.push_back(ValueToString(r[0]));
    else if (!stage_of.count(kind)) stage_of[kind] = ValueToString(r[0]);
  }
  if (open.empty() || !stage_of.count("won") || !stage_of.count("lost"))
    return Die("stages", Status::NotFound("the default pipeline needs open, won and lost stages"));
  stage_of["open"] = open[0];
  stage_of["open2"] = open.size() > 1 ? open[1] : open[0];
  int64_t n = 0, failed = 0;
  std::map<std::string, int64_t> by_stage;
  Status st = InTransaction(c, TxMode::kWrite, [&]() -> Status {
    for (const auto& row : ReadCsv(data + "/sales_pipeline.csv")) {
      std::string prod = row.at("product") == "GTXPro" ? "GTX Pro" : row.at("product");
      std::string stage = row.at("deal_stage");
      json body = {{"name", row.at("opportunity_id")}, {"product", prod}, {"owner_id", user_of[row.at("sales_agent")]},
                   {"currency", "USD"}};
      if (price_of.count(prod)) body["amount"] = price_of[prod];
      if (!row.at("account").empty() && account_of.count(row.at("account"))) body["account_id"] = account_of[row.at("account")];
      if (stage == "Won") body["stage_id"] = stage_of["won"], body["close_reason"] = "other";
      else if (stage == "Lost") body["stage_id"] = stage_of["lost"], body["close_reason"] = "other";
      else if (stage == "Engaging") body["stage_id"] = stage_of["open2"];
      else body["stage_id"] = stage_of["open"];
      if (create("opportunities", body).empty()) ++failed;
      else ++n, ++by_stage[stage];
    }
    return Status::Ok();
  });
  if (!st.ok()) return Die("deals", st);
  if (rules) {
    create("scoring_rules", {{"name", "Big-ticket product"}, {"object", "opportunities"}, {"field", "amount"},
                             {"operator", "gte"}, {"value", "3000"}, {"points", 10}});
    create("scoring_rules", {{"name", "Flagship GTK 500"}, {"object", "opportunities"}, {"field", "product"},
                             {"operator", "eq"}, {"value", "GTK 500"}, {"points", 5}});
  }
  std::printf("loaded %zu users, %zu accounts, %lld deals (", user_of.size(), account_of.size(), static_cast<long long>(n));
  for (const auto& [s, k] : by_stage) std::printf(" %s %lld", s.c_str(), static_cast<long long>(k));
  std::printf(" ), %lld failed\n", static_cast<long long>(failed));
  return failed ? 1 : 0;
}
