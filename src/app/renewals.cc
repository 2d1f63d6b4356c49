#include "app/renewals.h"

#include "app/quotes.h"  // RecordStageMove
#include "app/records_service.h"
#include "app/settings.h"
#include "base/log.h"
#include "base/time.h"
#include "domain/recurrence.h"
#include "meta/validate.h"
#include "store/records.h"

namespace rapport {

using nlohmann::json;

namespace Renewals {

namespace {

std::string Text(const ObjectDef& def, const Record& r, const std::string& f) {
  const Value& v = r.Get(def, f);
  return IsNull(v) ? std::string() : ValueToString(v);
}

// A live pipeline's id, or "" when `id` names none.
Result<std::string> LivePipeline(Conn* c, const std::string& org_id, const std::string& id) {
  if (id.empty()) return std::string();
  RP_ASSIGN_OR_RETURN(Rows r, c->Query("SELECT id FROM pipelines WHERE org_id = ? AND id = ? AND deleted_at IS NULL",
                                       {Value{org_id}, Value{id}}));
  return r.empty() ? std::string() : id;
}

}  // namespace

Result<std::string> EnsurePipeline(Conn* c, const std::string& org_id, const Catalog& cat) {
  const TenantScope system = TenantScope::ForOperator(org_id);
  const ObjectDef* pipelines = cat.Find("pipelines");
  const ObjectDef* stages = cat.Find("stages");
  if (!pipelines || !stages) return Status::Internal("no pipelines or stages object");
  std::string out;
  Status st = InTransaction(c, TxMode::kWrite, [&]() -> Status {
    RP_ASSIGN_OR_RETURN(OrgSettings settings, LoadSettings(c, org_id));
    RP_ASSIGN_OR_RETURN(out, LivePipeline(c, org_id, settings.renewal_pipeline_id));
    if (!out.empty()) return Status::Ok();
    // An admin's own "Renewals" pipeline is the one they mean.
    RP_ASSIGN_OR_RETURN(Rows named, c->Query("SELECT id FROM pipelines WHERE org_id = ? AND deleted_at IS NULL AND "
                                             "lower(name) = 'renewals' ORDER BY created_at, id LIMIT 1",
                                             {Value{org_id}}));
    if (!named.empty()) {
      out = ValueToString(named.rows[0][0]);
    } else {
      RP_ASSIGN_OR_RETURN(Record p, RecordService::CreateTrusted(c, system, cat, *pipelines,
                                                                 {{"name", Value{std::string("Renewals")}},
                                                                  {"is_default", Value{int64_t{0}}}}));
      out = Text(*pipelines, p, "id");
      struct S {
        const char* name;
        double prob;
        const char* kind;
        double days;
        const char* forecast;
      };
      const S kStages[] = {{"Upcoming", 60, "open", 30, "best_case"},
                           {"Negotiation", 80, "open", 30, "commit"},
                           {"Renewed", 100, "won", 0, "closed"},
                           {"Churned", 0, "lost", 0, "omitted"}};
      double pos = 1;
      for (const auto& s : kStages) {
        RP_ASSIGN_OR_RETURN(Record r, RecordService::CreateTrusted(c, system, cat, *stages,
                                                                   {{"pipeline_id", Value{out}},
                                                                    {"name", Value{std::string(s.name)}},
                                                                    {"position", Value{pos++}},
                                                                    {"probability", Value{s.prob}},
                                                                    {"kind", Value{std::string(s.kind)}},
                                                                    {"expected_days", Value{s.days}},
                                                                    {"forecast_category", Value{std::string(s.forecast)}}}));
        (void)r;
      }
      spdlog::info("renewals: created the Renewals pipeline {} in organisation {}", out, org_id);
    }
    // Remembered, so renaming the pipeline does not make a second one.
    return SetSetting(c, system, "renewal_pipeline_id", out);
  });
  if (!st.ok()) return st;
  return out;
}

Result<RenewalRun> CreateDue(Conn* c, const std::string& org_id, const Catalog& cat, int64_t now_ms) {
  const ObjectDef* opps = cat.Find("opportunities");
  const ObjectDef* accounts = cat.Find("accounts");
  if (!opps || !accounts) return Status::Internal("no opportunities or accounts object");
  const TenantScope system = TenantScope::ForOperator(org_id);
  RP_ASSIGN_OR_RETURN(OrgSettings settings, LoadSettings(c, org_id));
  const std::string today = FormatIsoMillis(now_ms).substr(0, 10);
  const std::string horizon = FormatIsoMillis(AddLocalDays(now_ms, settings.renewal_lead_days)).substr(0, 10);
  // Won deals (closed in a stage of kind won) whose contract ends within the
  // lead time and that have no renewal yet.
  RP_ASSIGN_OR_RETURN(Rows due, c->Query("SELECT o.id FROM opportunities o JOIN stages st ON st.org_id = o.org_id AND "
                                         "st.id = o.stage_id WHERE o.org_id = ? AND o.deleted_at IS NULL AND "
                                         "o.closed_at IS NOT NULL AND st.kind = 'won' AND o.contract_end_date >= ? AND "
                                         "o.contract_end_date <= ? AND o.renewal_opportunity_id IS NULL "
                                         "ORDER BY o.contract_end_date, o.id LIMIT 500",
                                         {Value{org_id}, Value{today}, Value{horizon}}));
  RenewalRun out;
  if (due.empty()) return out;
  RP_ASSIGN_OR_RETURN(out.pipeline_id, EnsurePipeline(c, org_id, cat));
  for (const auto& row : due.rows) {
    const std::string id = ValueToString(row[0]);
    bool created = false;
    Status st = InTransaction(c, TxMode::kWrite, [&]() -> Status {
      RP_ASSIGN_OR_RETURN(Record deal, RecordStore::Get(c, system, *opps, id));
      if (!Text(*opps, deal, "renewal_opportunity_id").empty()) return Status::Ok();  // done meanwhile
      std::string owner = Text(*opps, deal, "owner_id"), team = Text(*opps, deal, "team_id");
      const std::string account_id = Text(*opps, deal, "account_id");
      if (!account_id.empty()) {
        auto acc = RecordStore::Get(c, system, *accounts, account_id);
        if (acc.ok() && !Text(*accounts, *acc, "owner_id").empty()) {
          owner = Text(*accounts, *acc, "owner_id");
          team = Text(*accounts, *acc, "team_id");
        }
      }
      const std::string end = Text(*opps, deal, "contract_end_date");
      std::string name = "Renewal: " + Text(*opps, deal, "name");
      if (name.size() > 255) {  // at a UTF-8 character boundary
        name.resize(255);
        while (!name.empty() && (static_cast<unsigned char>(name.back()) & 0xC0) == 0x80) name.pop_back();
        if (!name.empty() && (static_cast<unsigned char>(name.back()) & 0x80)) name.pop_back();
      }
      FieldValues v{{"name", Value{name}},
                    {"pipeline_id", Value{out.pipeline_id}},
                    {"close_date", Value{end}},
                    {"renewal_of_id", Value{id}},
                    {"description", Value{"Renewal of the contract won in \"" + Text(*opps, deal, "name") +
                                          "\", ending " + end + "."}}};
      for (const char* f : {"account_id", "contact_id", "amount", "currency"}) {
        const Value& x = deal.Get(*opps, f);
        if (!IsNull(x)) v[f] = x;
      }
      if (!owner.empty()) v["owner_id"] = Value{owner};
      if (!team.empty()) v["team_id"] = Value{team};
      auto renewal = RecordService::CreateTrusted(c, system, cat, *opps, v);
      if (!renewal.ok()) return renewal.status();
      RP_RETURN_IF_ERROR(RecordStageMove(c, system, *opps, nullptr, *renewal));  // its first stage in history
      FieldValues link{{"renewal_opportunity_id", renewal->Get(*opps, "id")}};
      RP_ASSIGN_OR_RETURN(Record u, RecordStore::Update(c, system, *opps, id, link, deal.version(*opps)));
      (void)u;
      created = true;
      return Status::Ok();
    });
    if (!st.ok()) {
      // Another server (or an edit of the deal) got there first: its next
      // run sees the link, or the unique index already holds one renewal.
      if (st.code() == Status::Code::kConflict || st.code() == Status::Code::kPreconditionFailed ||
          st.code() == Status::Code::kNotFound)
        continue;
      spdlog::warn("renewals: deal {} in organisation {}: {}", id, org_id, st.message());
      continue;
    }
    out.created += created;
  }
  return out;
}

Result<json> NextRenewal(Conn* c, const TenantScope& s, const Catalog& cat, const std::string& account_id,
                         int64_t now_ms) {
  const ObjectDef* opps = cat.Find("opportunities");
  if (!opps) return json(nullptr);
  std::string sql = "SELECT id, contract_end_date, amount, currency, renewal_opportunity_id FROM opportunities "
                    "WHERE org_id = ? AND deleted_at IS NULL AND account_id = ? AND closed_at IS NOT NULL AND "
                    "contract_end_date >= ? AND stage_id IN (SELECT id FROM stages WHERE org_id = ? AND kind = 'won')";
  std::vector<Value> params{Value{s.org_id()}, Value{account_id}, Value{FormatIsoMillis(now_ms).substr(0, 10)},
                            Value{s.org_id()}};
  AppendVisibility(s, *opps, "", &sql, &params);
  sql += " ORDER BY contract_end_date, id LIMIT 1";
  RP_ASSIGN_OR_RETURN(Rows r, c->Query(sql, params));
  if (r.empty()) return json(nullptr);
  const auto& row = r.rows[0];
  const FieldDef& amount_def = *opps->Find("amount");
  json out = {{"date", ValueToString(row[1])},
              {"amount", IsNull(row[2]) ? json(nullptr) : ValueToJson(amount_def, row[2])},
              {"currency", IsNull(row[3]) ? json(nullptr) : json(ValueToString(row[3]))},
              {"opportunity_id", ValueToString(row[0])},
              {"renewal_opportunity_id", IsNull(row[4]) ? json(nullptr) : json(ValueToString(row[4]))}};
  if (!IsNull(row[4])) {
    auto renewal = RecordStore::Get(c, s, *opps, ValueToString(row[4]));
    if (renewal.ok()) {
      const Value& a = renewal->Get(*opps, "amount");
      const Value& cur = renewal->Get(*opps, "currency");
      if (!IsNull(a)) out["amount"] = ValueToJson(amount_def, a);
      if (!IsNull(cur)) out["currency"] = ValueToString(cur);
    }
  }
  return out;
}

}  // namespace Renewals

}  // namespace rapport
