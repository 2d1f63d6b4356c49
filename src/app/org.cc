#include "app/org.h"

#include <nlohmann/json.hpp>

#include "app/auth.h"
#include "base/ids.h"
#include "base/log.h"
#include "base/time.h"
#include "meta/validate.h"
#include "store/records.h"

namespace rapport {

Result<int64_t> CountOrganisations(Conn* c) {
  RP_ASSIGN_OR_RETURN(Rows r, c->Query("SELECT COUNT(*) FROM organisations"));
  return std::get<int64_t>(r.rows[0][0]);
}

Result<InitResult> InitOrganisation(Conn* c, const std::string& org_name, const std::string& admin_email) {
  const Catalog& cat = StandardCatalog();
  const ObjectDef& users = *cat.Find("users");
  RP_ASSIGN_OR_RETURN(Value email, ValidateValue(*users.Find("email"), nlohmann::json(admin_email)));
  if (IsNull(email)) return Status::InvalidArgument("admin email is required", "admin_email");
  if (org_name.empty() || org_name.size() > 200)
    return Status::InvalidArgument("organisation name must have 1 to 200 characters", "org");
  InitResult out;
  out.admin_email = ValueToString(email);
  Status st = InTransaction(c, TxMode::kWrite, [&]() -> Status {
    RP_ASSIGN_OR_RETURN(Rows existing, c->Query("SELECT org_id, id FROM users WHERE email = ? AND role = 'admin'",
                                                {email}));
    if (!existing.empty()) {
      out.org_id = ValueToString(existing.rows[0][0]);
      out.admin_id = ValueToString(existing.rows[0][1]);
      return Status::Ok();
    }
    out.org_id = NewId();
    out.admin_id = NewId();
    out.created = true;
    auto r = c->Exec("INSERT INTO organisations (id, name, meta_version, created_at) VALUES (?, ?, 0, ?)",
                     {Value{out.org_id}, Value{org_name}, Value{NowIso()}});
    if (!r.ok()) return r.status();
    TenantScope scope = TenantScope::ForOperator(out.org_id, out.admin_id);
    RP_ASSIGN_OR_RETURN(Record admin,
                        RecordStore::Insert(c, scope, users,
                                            {{"email", email},
                                             {"name", Value{std::string("Administrator")}},
                                             {"role", Value{std::string("admin")}},
                                             {"active", Value{int64_t{1}}}},
                                            out.admin_id));
    (void)admin;
    out.password = RandomToken(12);
    RP_RETURN_IF_ERROR(Auth::SetPassword(c, scope, out.admin_id, out.password, /*one_time=*/true));
    // The default pipeline: stages as data, with probabilities and kinds.
    const ObjectDef& pipelines = *cat.Find("pipelines");
    const ObjectDef& stages = *cat.Find("stages");
    RP_ASSIGN_OR_RETURN(Record p, RecordStore::Insert(c, scope, pipelines,
                                                      {{"name", Value{std::string("Sales")}},
                                                       {"is_default", Value{int64_t{1}}}}));
    Value pid = p.Get(pipelines, "id");
    // Exit criteria from "Needs analysis" on: budget and decision maker known
    // before a proposal; a meeting (demo) held and a close date before
    // negotiating. Admins change them in the stage settings.
    struct S {
      const char* name;
      double prob;
      const char* kind;
      double days;
      const char* fields;
      const char* activities;
    };
    const S kStages[] = {{"Prospecting", 10, "open", 14, "", ""},
                         {"Qualification", 20, "open", 14, "", ""},
                         {"Needs analysis", 40, "open", 21, "amount, contact_id", ""},
                         {"Proposal", 60, "open", 14, "close_date", "[\"meeting\"]"},
                         {"Negotiation", 80, "open", 14, "", ""},
                         {"Closed won", 100, "won", 0, "", ""},
                         {"Closed lost", 0, "lost", 0, "", ""}};
    int pos = 1;
    for (const auto& s : kStages) {
      RP_ASSIGN_OR_RETURN(Record st, RecordStore::Insert(c, scope, stages,
                                                         {{"pipeline_id", pid},
                                                          {"name", Value{std::string(s.name)}},
                                                          {"position", Value{double(pos++)}},
                                                          {"probability", Value{s.prob}},
                                                          {"kind", Value{std::string(s.kind)}},
                                                          {"expected_days", Value{s.days}},
                                                          {"required_fields", *s.fields ? Value{std::string(s.fields)} : Value{}},
                                                          {"required_activities",
                                                           *s.activities ? Value{std::string(s.activities)} : Value{}}}));
      (void)st;
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  if (out.created) spdlog::info("init: created organisation '{}' ({}) with administrator {}", org_name, out.org_id, out.admin_email);
  return out;
}

}  // namespace rapport
