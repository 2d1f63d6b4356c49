#include "app/campaigns.h"

#include <map>
#include <set>

#include "app/records_service.h"
#include "app/settings.h"
#include "base/time.h"
#include "domain/campaigns.h"
#include "domain/leads.h"
#include "meta/validate.h"

namespace rapport {

using nlohmann::json;

namespace {

std::string Text(const Record& r, const ObjectDef& def, const std::string& f) { return ValueToString(r.Get(def, f)); }

bool Truthy(const Value& v) {
  if (auto* i = std::get_if<int64_t>(&v)) return *i != 0;
  if (auto* d = std::get_if<double>(&v)) return *d != 0;
  return false;
}

// The members' scope: member rows follow their campaign's visibility, which
// the caller has been checked against; writes are audited as the caller.
TenantScope MemberScope(const TenantScope& s) { return TenantScope::ForOperator(s.org_id(), s.user_id()); }

// Visible records of `def` among `ids`, by id (in chunks of 500).
Result<std::map<std::string, Record>> VisibleById(Conn* c, const TenantScope& s, const ObjectDef& def,
                                                  const std::vector<std::string>& ids) {
  std::map<std::string, Record> out;
  for (size_t i = 0; i < ids.size(); i += 500) {
    ListQuery q;
    Filter f{"id", FilterOp::kIn, {}};
    for (size_t j = i; j < ids.size() && j < i + 500; ++j) f.values.emplace_back(ids[j]);
    q.filters.push_back(std::move(f));
    q.limit = 1000;
    RP_ASSIGN_OR_RETURN(Page pg, RecordStore::List(c, s, def, q));
    for (auto& r : pg.records) out.emplace(Text(r, def, "id"), std::move(r));
  }
  return out;
}

std::vector<std::string> Unique(const std::vector<std::string>& ids) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const auto& id : ids) {
    if (seen.insert(id).second) out.push_back(id);
  }
  return out;
}

// A person's summary for member lists and the call list.
json PersonJson(const ObjectDef& def, const Record& r, const std::string& account_name) {
  json j = {{"object", def.name}, {"id", Text(r, def, "id")}};
  for (const char* f : {"first_name", "last_name", "email", "phone", "mobile", "title", "company", "city", "country",
                        "status", "account_id", "do_not_call", "do_not_mail", "email_opt_out"}) {
    const FieldDef* fd = def.Find(f);
    if (fd) j[f] = ValueToJson(*fd, r.Get(def, f));
  }
  if (def.name == "contacts") j["company"] = account_name.empty() ? json(nullptr) : json(account_name);
  return j;
}

// Account names of the contacts among `recs` (visible accounts only).
Result<std::map<std::string, std::string>> AccountNames(Conn* c, const TenantScope& s, const Catalog& cat,
                                                        const std::map<std::string, Record>& contacts) {
  const ObjectDef& cdef = *cat.Find("contacts");
  const ObjectDef& adef = *cat.Find("accounts");
  std::vector<std::string> ids;
  for (const auto& [id, r] : contacts) {
    std::string a = Text(r, cdef, "account_id");
    if (!a.empty()) ids.push_back(a);
  }
  std::map<std::string, std::string> out;
  RP_ASSIGN_OR_RETURN(auto accs, VisibleById(c, s, adef, Unique(ids)));
  for (const auto& [id, r] : accs) out[id] = Text(r, adef, "name");
  return out;
}

Result<Record> VisibleCampaign(Conn* c, const TenantScope& s, const Catalog& cat, const std::string& id) {
  return RecordStore::Get(c, s, *cat.Find("campaigns"), id);
}

int LockMinutes(const ObjectDef& def, const Record& campaign) {
  const Value& v = campaign.Get(def, "call_lock_minutes");
  if (auto* d = std::get_if<double>(&v)) return *d >= 1 ? static_cast<int>(*d) : kDefaultCallLockMinutes;
  if (auto* i = std::get_if<int64_t>(&v)) return *i >= 1 ? static_cast<int>(*i) : kDefaultCallLockMinutes;
  return kDefaultCallLockMinutes;
}

}  // namespace

Status Campaigns::ApplyRules(const ObjectDef& def, FieldValues* v, const Record* current) {
  auto get = [&](const std::string& f) -> std::string {
    auto it = v->find(f);
    if (it != v->end()) return ValueToString(it->second);
    return current ? ValueToString(current->Get(def, f)) : std::string();
  };
  if (def.name == "campaigns") return ValidateCampaignDates(get("start_date"), get("end_date"));
  if (def.name == "campaign_members" && !current)
    return Status::Unprocessable("campaign_id: add members with POST /api/v1/campaigns/{id}/members", "campaign_id");
  return Status::Ok();
}

Status Campaigns::AddMemberTrusted(Conn* c, const TenantScope& s, const Catalog& cat, const std::string& campaign_id,
                                   const std::string& object, const std::string& person_id, const std::string& status) {
  const ObjectDef& mdef = *cat.Find("campaign_members");
  const ObjectDef& cdef = *cat.Find("campaigns");
  TenantScope ms = MemberScope(s);
  RP_ASSIGN_OR_RETURN(Record campaign, RecordStore::Get(c, ms, cdef, campaign_id));
  RP_ASSIGN_OR_RETURN(Rows have, c->Query("SELECT id, status, deleted_at FROM campaign_members WHERE org_id = ? AND "
                                          "campaign_id = ? AND member_id = ?",
                                          {Value{s.org_id()}, Value{campaign_id}, Value{person_id}}));
  if (!have.empty()) {
    std::string id = ValueToString(have.rows[0][0]);
    if (!IsNull(have.rows[0][2])) RP_RETURN_IF_ERROR(RecordStore::SetDeleted(c, ms, mdef, id, false, std::nullopt).status());
    if (ValueToString(have.rows[0][1]) != "converted" && ValueToString(have.rows[0][1]) != status)
      RP_RETURN_IF_ERROR(
          RecordStore::Update(c, ms, mdef, id, {{"status", Value{status}}}, std::nullopt).status());
    return Status::Ok();
  }
  FieldValues v{{"campaign_id", Value{campaign_id}},
                {"member_object", Value{object}},
                {"member_id", Value{person_id}},
                {"status", Value{status}},
                {"call_count", Value{0.0}},
                {"owner_id", campaign.Get(cdef, "owner_id")},
                {"team_id", campaign.Get(cdef, "team_id")}};
  return RecordStore::Insert(c, ms, mdef, v).status();
}

Result<json> Campaigns::AddMembers(Conn* c, const TenantScope& s, const Catalog& cat, const std::string& campaign_id,
                                   const std::vector<std::string>& lead_ids_in,
                                   const std::vector<std::string>& contact_ids_in, const std::string& status_in) {
  const ObjectDef& mdef = *cat.Find("campaign_members");
  std::string status = status_in.empty() ? "sent" : status_in;
  const FieldDef* sf = mdef.Find("status");
  if (std::find(sf->options.begin(), sf->options.end(), status) == sf->options.end())
    return Status::InvalidArgument("status: one of sent, responded, converted", "status");
  std::vector<std::string> lead_ids = Unique(lead_ids_in), contact_ids = Unique(contact_ids_in);
  if (lead_ids.empty() && contact_ids.empty())
    return Status::InvalidArgument("lead_ids: give lead_ids and/or contact_ids", "lead_ids");
  if (lead_ids.size() + contact_ids.size() > 1000)
    return Status::InvalidArgument("lead_ids: at most 1000 people per call", "lead_ids");
  json out;
  Status st = InTransaction(c, TxMode::kWrite, [&]() -> Status {
    RP_ASSIGN_OR_RETURN(Record campaign, VisibleCampaign(c, s, cat, campaign_id));
    (void)campaign;
    int64_t added = 0, restored = 0, already = 0;
    json member_ids = json::array();
    struct Group {
      std::string object;
      const std::vector<std::string>* ids;
      std::string param;
    };
    const Group groups[] = {{"leads", &lead_ids, "lead_ids"}, {"contacts", &contact_ids, "contact_ids"}};
    for (const Group& g : groups) {
      const std::string& object = g.object;
      const std::vector<std::string>* ids = g.ids;
      const std::string& param = g.param;
      if (ids->empty()) continue;
      RP_ASSIGN_OR_RETURN(auto people, VisibleById(c, s, *cat.Find(object), *ids));
      for (const auto& id : *ids) {
        if (!people.count(id))
          return Status::InvalidArgument(param + ": no " + object.substr(0, object.size() - 1) + " " + id +
                                             " that you can see",
                                         param);
      }
      for (const auto& id : *ids) {
        RP_ASSIGN_OR_RETURN(Rows have, c->Query("SELECT id, deleted_at FROM campaign_members WHERE org_id = ? AND "
                                                "campaign_id = ? AND member_id = ?",
                                                {Value{s.org_id()}, Value{campaign_id}, Value{id}}));
        if (!have.empty()) {
          std::string mid = ValueToString(have.rows[0][0]);
          if (IsNull(have.rows[0][1])) {
            ++already;
          } else {
            RP_RETURN_IF_ERROR(RecordStore::SetDeleted(c, MemberScope(s), mdef, mid, false, std::nullopt).status());
            ++restored;
          }
          member_ids.push_back(mid);
          continue;
        }
        const ObjectDef& cdef = *cat.Find("campaigns");
        FieldValues v{{"campaign_id", Value{campaign_id}},
                      {"member_object", Value{object}},
                      {"member_id", Value{id}},
                      {"status", Value{status}},
                      {"call_count", Value{0.0}},
                      {"owner_id", campaign.Get(cdef, "owner_id")},
                      {"team_id", campaign.Get(cdef, "team_id")}};
        RP_ASSIGN_OR_RETURN(Record m, RecordStore::Insert(c, MemberScope(s), mdef, v));
        member_ids.push_back(Text(m, mdef, "id"));
        ++added;
      }
    }
    out = {{"added", added}, {"restored", restored}, {"already_members", already}, {"member_ids", member_ids}};
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

Result<json> Campaigns::RemoveMembers(Conn* c, const TenantScope& s, const Catalog& cat, const std::string& campaign_id,
                                      const std::vector<std::string>& lead_ids,
                                      const std::vector<std::string>& contact_ids) {
  const ObjectDef& mdef = *cat.Find("campaign_members");
  std::vector<std::string> ids = Unique(lead_ids);
  for (const auto& id : Unique(contact_ids)) ids.push_back(id);
  if (ids.empty()) return Status::InvalidArgument("lead_ids: give lead_ids and/or contact_ids", "lead_ids");
  if (ids.size() > 1000) return Status::InvalidArgument("lead_ids: at most 1000 people per call", "lead_ids");
  json out;
  Status st = InTransaction(c, TxMode::kWrite, [&]() -> Status {
    RP_ASSIGN_OR_RETURN(Record campaign, VisibleCampaign(c, s, cat, campaign_id));
    (void)campaign;
    int64_t removed = 0, not_members = 0;
    for (const auto& id : ids) {
      RP_ASSIGN_OR_RETURN(Rows have, c->Query("SELECT id FROM campaign_members WHERE org_id = ? AND campaign_id = ? "
                                              "AND member_id = ? AND deleted_at IS NULL",
                                              {Value{s.org_id()}, Value{campaign_id}, Value{id}}));
      if (have.empty()) {
        ++not_members;
        continue;
      }
      RP_RETURN_IF_ERROR(
          RecordStore::SetDeleted(c, MemberScope(s), mdef, ValueToString(have.rows[0][0]), true, std::nullopt).status());
      ++removed;
    }
    out = {{"removed", removed}, {"not_members", not_members}};
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

Status Campaigns::RemoveMember(Conn* c, const TenantScope& s, const Catalog& cat, const std::string& campaign_id,
                               const std::string& member_id) {
  const ObjectDef& mdef = *cat.Find("campaign_members");
  return InTransaction(c, TxMode::kWrite, [&]() -> Status {
    RP_ASSIGN_OR_RETURN(Record campaign, VisibleCampaign(c, s, cat, campaign_id));
    (void)campaign;
    auto m = RecordStore::Get(c, MemberScope(s), mdef, member_id);
    if (!m.ok() || Text(*m, mdef, "campaign_id") != campaign_id)
      return Status::NotFound("campaign member " + member_id + " not found in campaign " + campaign_id);
    return RecordStore::SetDeleted(c, MemberScope(s), mdef, member_id, true, std::nullopt).status();
  });
}

Result<json> Campaigns::ListMembers(Conn* c, const TenantScope& s, const Catalog& cat, const std::string& campaign_id,
                                    ListQuery q) {
  const ObjectDef& mdef = *cat.Find("campaign_members");
  RP_ASSIGN_OR_RETURN(Record campaign, VisibleCampaign(c, s, cat, campaign_id));
  (void)campaign;
  q.filters.push_back(Filter{"campaign_id", FilterOp::kEq, {Value{campaign_id}}});
  RP_ASSIGN_OR_RETURN(Page pg, RecordStore::List(c, MemberScope(s), mdef, q));
  std::vector<std::string> lead_ids, contact_ids;
  for (const auto& r : pg.records) {
    (Text(r, mdef, "member_object") == "leads" ? lead_ids : contact_ids).push_back(Text(r, mdef, "member_id"));
  }
  RP_ASSIGN_OR_RETURN(auto leads, VisibleById(c, s, *cat.Find("leads"), lead_ids));
  RP_ASSIGN_OR_RETURN(auto contacts, VisibleById(c, s, *cat.Find("contacts"), contact_ids));
  RP_ASSIGN_OR_RETURN(auto names, AccountNames(c, s, cat, contacts));
  json data = json::array();
  for (const auto& r : pg.records) {
    json j = RecordService::ToJson(mdef, r);
    std::string pid = Text(r, mdef, "member_id");
    bool is_lead = Text(r, mdef, "member_object") == "leads";
    auto& pool = is_lead ? leads : contacts;
    auto it = pool.find(pid);
    if (it == pool.end()) {
      j["person"] = nullptr;
    } else {
      const ObjectDef& pdef = *cat.Find(is_lead ? "leads" : "contacts");
      std::string acc = is_lead ? "" : names[Text(it->second, pdef, "account_id")];
      j["person"] = PersonJson(pdef, it->second, acc);
    }
    data.push_back(std::move(j));
  }
  RP_ASSIGN_OR_RETURN(Rows counts, c->Query("SELECT status, COUNT(*) FROM campaign_members WHERE org_id = ? AND "
                                            "campaign_id = ? AND deleted_at IS NULL GROUP BY status",
                                            {Value{s.org_id()}, Value{campaign_id}}));
  json by_status = {{"sent", 0}, {"responded", 0}, {"converted", 0}};
  int64_t total = 0;
  for (const auto& r : counts.rows) {
    int64_t n = std::get_if<int64_t>(&r[1]) ? std::get<int64_t>(r[1]) : static_cast<int64_t>(std::get<double>(r[1]));
    by_status[IsNull(r[0]) ? "none" : ValueToString(r[0])] = n;
    total += n;
  }
  json out = {{"data", data}, {"counts", {{"total", total}, {"by_status", by_status}}}};
  out["next_cursor"] = pg.next_cursor.empty() ? json(nullptr) : json(pg.next_cursor);
  return out;
}

Result<MailingList> Campaigns::Mailing(Conn* c, const TenantScope& s, const Catalog& cat,
                                       const std::string& campaign_id) {
  const ObjectDef& mdef = *cat.Find("campaign_members");
  const ObjectDef& ldef = *cat.Find("leads");
  const ObjectDef& cdef = *cat.Find("contacts");
  RP_ASSIGN_OR_RETURN(Record campaign, VisibleCampaign(c, s, cat, campaign_id));
  (void)campaign;
  MailingList out;
  out.columns = {"member_id", "object", "record_id", "first_name", "last_name", "company",
                 "street",    "postcode", "city",    "country"};
  std::set<std::string> seen;
  ListQuery q;
  q.filters.push_back(Filter{"campaign_id", FilterOp::kEq, {Value{campaign_id}}});
  q.sort.push_back(SortKey{"id", false});
  q.limit = 1000;
  for (;;) {
    RP_ASSIGN_OR_RETURN(Page pg, RecordStore::List(c, MemberScope(s), mdef, q));
    std::vector<std::string> lead_ids, contact_ids;
    for (const auto& r : pg.records)
      (Text(r, mdef, "member_object") == "leads" ? lead_ids : contact_ids).push_back(Text(r, mdef, "member_id"));
    RP_ASSIGN_OR_RETURN(auto leads, VisibleById(c, s, ldef, lead_ids));
    RP_ASSIGN_OR_RETURN(auto contacts, VisibleById(c, s, cdef, contact_ids));
    RP_ASSIGN_OR_RETURN(auto names, AccountNames(c, s, cat, contacts));
    for (const auto& m : pg.records) {
      ++out.members;
      bool is_lead = Text(m, mdef, "member_object") == "leads";
      const ObjectDef& pdef = is_lead ? ldef : cdef;
      auto& pool = is_lead ? leads : contacts;
      auto it = pool.find(Text(m, mdef, "member_id"));
      if (it == pool.end()) {
        ++out.suppressed_hidden;
        continue;
      }
      const Record& p = it->second;
      if (Truthy(p.Get(pdef, "do_not_mail"))) {
        ++out.suppressed_opt_out;
        continue;
      }
      PostalAddress a{Text(p, pdef, "street"), Text(p, pdef, "postcode"), Text(p, pdef, "city"),
                      Text(p, pdef, "country")};
      if (!HasPostalAddress(a)) {
        ++out.suppressed_no_address;
        continue;
      }
      if (!seen.insert(AddressKey(a)).second) {
        ++out.suppressed_duplicate;
        continue;
      }
      std::string company = is_lead ? Text(p, pdef, "company") : names[Text(p, pdef, "account_id")];
      auto opt = [](const Value& v) { return IsNull(v) ? Value{} : Value{ValueToString(v)}; };
      out.rows.push_back({m.Get(mdef, "id"), Value{pdef.name}, p.Get(pdef, "id"), opt(p.Get(pdef, "first_name")),
                          opt(p.Get(pdef, "last_name")), company.empty() ? Value{} : Value{company},
                          Value{a.street}, opt(p.Get(pdef, "postcode")), opt(p.Get(pdef, "city")),
                          opt(p.Get(pdef, "country"))});
    }
    if (pg.next_cursor.empty()) break;
    q.cursor = pg.next_cursor;
  }
  return out;
}

namespace {

// SQL condition (appended to a query over campaign_members m) that the
// member is callable by `s`: a visible live person with a phone, not
// do_not_call, and for leads a status still worth a call.
void AppendCallable(const TenantScope& s, const Catalog& cat, std::string* sql, std::vector<Value>* p) {
  std::string lead_vis, contact_vis;
  std::vector<Value> lp, cp;
  AppendVisibility(s, *cat.Find("leads"), "p.", &lead_vis, &lp);
  AppendVisibility(s, *cat.Find("contacts"), "p.", &contact_vis, &cp);
  *sql +=
      " AND ((m.member_object = 'leads' AND EXISTS (SELECT 1 FROM leads p WHERE p.org_id = m.org_id AND "
      "p.id = m.member_id AND p.deleted_at IS NULL AND p.phone IS NOT NULL AND p.phone <> '' AND "
      "(p.do_not_call IS NULL OR p.do_not_call = 0) AND (p.status IS NULL OR p.status NOT IN ('converted', "
      "'disqualified', 'unconfirmed'))" +
      lead_vis +
      ")) OR (m.member_object = 'contacts' AND EXISTS (SELECT 1 FROM contacts p WHERE p.org_id = m.org_id AND "
      "p.id = m.member_id AND p.deleted_at IS NULL AND ((p.phone IS NOT NULL AND p.phone <> '') OR "
      "(p.mobile IS NOT NULL AND p.mobile <> '')) AND (p.do_not_call IS NULL OR p.do_not_call = 0)" +
      contact_vis + ")))";
  p->insert(p->end(), lp.begin(), lp.end());
  p->insert(p->end(), cp.begin(), cp.end());
}

}  // namespace

Result<json> Campaigns::NextCall(Conn* c, const TenantScope& s, const Catalog& cat, const std::string& campaign_id) {
  const ObjectDef& mdef = *cat.Find("campaign_members");
  const ObjectDef& cdef = *cat.Find("campaigns");
  RP_ASSIGN_OR_RETURN(OrgSettings settings, LoadSettings(c, s.org_id()));
  // A few attempts: another rep may reserve the same member between our
  // read and our reservation (PostgreSQL; SQLite serialises writers).
  for (int attempt = 0; attempt < 5; ++attempt) {
    json out;
    bool raced = false;
    Status st = InTransaction(c, TxMode::kWrite, [&]() -> Status {
      RP_ASSIGN_OR_RETURN(Record campaign, VisibleCampaign(c, s, cat, campaign_id));
      const int64_t now_ms = Clock::Get().NowMillis();
      const std::string now = FormatIsoMillis(now_ms);
      const std::string cutoff = FormatIsoMillis(now_ms - int64_t{LockMinutes(cdef, campaign)} * 60000);
      // Never called, or nobody answered (no_answer, voicemail) at least
      // call_retry_hours ago and fewer than call_max_attempts calls so far.
      const std::string retry_cutoff = FormatIsoMillis(now_ms - int64_t{settings.call_retry_hours} * 3600000);
      const Value max_calls{static_cast<double>(settings.call_max_attempts)};
      std::string base = " FROM campaign_members m WHERE m.org_id = ? AND m.campaign_id = ? AND m.deleted_at IS NULL "
                         "AND (m.last_called_at IS NULL OR (m.call_outcome IN ('no_answer', 'voicemail') AND "
                         "(m.call_count IS NULL OR m.call_count < ?) AND m.last_called_at <= ?))";
      std::vector<Value> bp{Value{s.org_id()}, Value{campaign_id}, max_calls, Value{retry_cutoff}};
      AppendCallable(s, cat, &base, &bp);
      std::string free = " AND (m.locked_by IS NULL OR m.locked_by = ? OR m.locked_at < ?)";
      // Your own reservation first, then people never called, then retries
      // whose last try is oldest.
      std::string sql = "SELECT m.id, m.member_object, m.member_id" + base + free +
                        " ORDER BY CASE WHEN m.locked_by = ? THEN 0 ELSE 1 END, CASE WHEN m.last_called_at IS NULL "
                        "THEN 0 ELSE 1 END, m.last_called_at, m.id LIMIT 1";
      std::vector<Value> p = bp;
      p.emplace_back(s.user_id());
      p.emplace_back(cutoff);
      p.emplace_back(s.user_id());
      RP_ASSIGN_OR_RETURN(Rows pick, c->Query(sql, p));
      RP_ASSIGN_OR_RETURN(Rows left, c->Query("SELECT COUNT(*)" + base, bp));
      int64_t remaining = left.empty() ? 0 : std::get_if<int64_t>(&left.rows[0][0]) ? std::get<int64_t>(left.rows[0][0]) : 0;
      // Members waiting for their retry time (the next one first).
      std::string later = " FROM campaign_members m WHERE m.org_id = ? AND m.campaign_id = ? AND m.deleted_at IS NULL "
                          "AND m.call_outcome IN ('no_answer', 'voicemail') AND (m.call_count IS NULL OR "
                          "m.call_count < ?) AND m.last_called_at > ?";
      std::vector<Value> lp{Value{s.org_id()}, Value{campaign_id}, max_calls, Value{retry_cutoff}};
      AppendCallable(s, cat, &later, &lp);
      RP_ASSIGN_OR_RETURN(Rows waiting, c->Query("SELECT COUNT(*), MIN(m.last_called_at)" + later, lp));
      int64_t retry_later = waiting.empty() ? 0 : std::get_if<int64_t>(&waiting.rows[0][0]) ? std::get<int64_t>(waiting.rows[0][0]) : 0;
      json next_retry_at = nullptr;
      if (retry_later > 0 && !IsNull(waiting.rows[0][1])) {
        int64_t first = 0;
        if (ParseDateTime(ValueToString(waiting.rows[0][1]), &first))
          next_retry_at = FormatIsoMillis(first + int64_t{settings.call_retry_hours} * 3600000);
      }
      if (pick.empty()) {
        out = {{"member", nullptr}, {"person", nullptr}, {"recent_calls", json::array()}, {"locked_until", nullptr}, {"remaining", remaining},
               {"retry_later", retry_later}, {"next_retry_at", next_retry_at}};
        return Status::Ok();
      }
      std::string mid = ValueToString(pick.rows[0][0]);
      // The reservation is operational state, not a change of the member:
      // no new version, no audit entry.
      RP_ASSIGN_OR_RETURN(int64_t n, c->Exec("UPDATE campaign_members SET locked_by = ?, locked_at = ? WHERE org_id = ? "
                                             "AND id = ? AND (locked_by IS NULL OR locked_by = ? OR locked_at < ?)",
                                             {Value{s.user_id()}, Value{now}, Value{s.org_id()}, Value{mid},
                                              Value{s.user_id()}, Value{cutoff}}));
      if (n != 1) {
        raced = true;
        return Status::Conflict("reserved by someone else meanwhile");
      }
      RP_ASSIGN_OR_RETURN(Record m, RecordStore::Get(c, MemberScope(s), mdef, mid));
      std::string object = ValueToString(pick.rows[0][1]);
      const ObjectDef& pdef = *cat.Find(object);
      RP_ASSIGN_OR_RETURN(Record person, RecordStore::Get(c, s, pdef, ValueToString(pick.rows[0][2])));
      std::string account;
      if (object == "contacts" && !IsNull(person.Get(pdef, "account_id"))) {
        auto a = RecordStore::Get(c, s, *cat.Find("accounts"), Text(person, pdef, "account_id"));
        if (a.ok()) account = Text(*a, *cat.Find("accounts"), "name");
      }
      // The person's last few logged calls (visible to the caller), newest
      // first: what was said last time before dialling again.
      const ObjectDef& adef = *cat.Find("activities");
      ListQuery aq;
      aq.filters.push_back(Filter{"related_id", FilterOp::kEq, {Value{Text(person, pdef, "id")}}});
      aq.filters.push_back(Filter{"related_object", FilterOp::kEq, {Value{object}}});
      aq.filters.push_back(Filter{"type", FilterOp::kEq, {Value{std::string("call")}}});
      aq.filters.push_back(Filter{"done_at", FilterOp::kIsNull, {Value{int64_t{0}}}});
      aq.sort.push_back(SortKey{"done_at", true});
      aq.limit = kRecentCalls;
      RP_ASSIGN_OR_RETURN(Page calls, RecordStore::List(c, s, adef, aq));
      json recent = json::array();
      for (const auto& a : calls.records) {
        recent.push_back({{"id", Text(a, adef, "id")},
                          {"subject", ValueToJson(*adef.Find("subject"), a.Get(adef, "subject"))},
                          {"description", ValueToJson(*adef.Find("description"), a.Get(adef, "description"))},
                          {"done_at", ValueToJson(*adef.Find("done_at"), a.Get(adef, "done_at"))},
                          {"owner_id", ValueToJson(*adef.Find("owner_id"), a.Get(adef, "owner_id"))}});
      }
      out = {{"member", RecordService::ToJson(mdef, m)},
             {"person", PersonJson(pdef, person, account)},
             {"recent_calls", recent},
             {"locked_until", FormatIsoMillis(now_ms + int64_t{LockMinutes(cdef, campaign)} * 60000)},
             {"remaining", remaining},
             {"retry_later", retry_later},
             {"next_retry_at", next_retry_at}};
      return Status::Ok();
    });
    if (st.ok()) return out;
    if (!raced) return st;
  }
  return Status::Unavailable("the call list is busy; try again");
}

Result<json> Campaigns::LogCall(Conn* c, const TenantScope& s, const Catalog& cat, const std::string& campaign_id,
                                const std::string& member_id, const CallOutcomeRequest& req) {
  const ObjectDef& mdef = *cat.Find("campaign_members");
  const ObjectDef& cdef = *cat.Find("campaigns");
  const ObjectDef& adef = *cat.Find("activities");
  if (!IsCallOutcome(req.outcome))
    return Status::InvalidArgument("outcome: one of reached, no_answer, voicemail, wrong_number, not_interested, "
                                   "callback",
                                   "outcome");
  Value callback_at;
  if (!req.callback_at.is_null()) {
    RP_ASSIGN_OR_RETURN(callback_at, ValidateValue(*mdef.Find("callback_at"), req.callback_at));
  }
  if (req.outcome == "callback" && IsNull(callback_at))
    return Status::InvalidArgument("callback_at: when to call back is required for a callback", "callback_at");
  if (req.outcome != "callback" && !IsNull(callback_at))
    return Status::InvalidArgument("callback_at: only a callback has a callback time", "callback_at");
  json out;
  Status st = InTransaction(c, TxMode::kWrite, [&]() -> Status {
    RP_ASSIGN_OR_RETURN(Record campaign, VisibleCampaign(c, s, cat, campaign_id));
    auto mr = RecordStore::Get(c, MemberScope(s), mdef, member_id);
    if (!mr.ok() || Text(*mr, mdef, "campaign_id") != campaign_id)
      return Status::NotFound("campaign member " + member_id + " not found in campaign " + campaign_id);
    Record m = *mr;
    const int64_t now_ms = Clock::Get().NowMillis();
    const std::string now = FormatIsoMillis(now_ms);
    const std::string cutoff = FormatIsoMillis(now_ms - int64_t{LockMinutes(cdef, campaign)} * 60000);
    std::string locked_by = Text(m, mdef, "locked_by");
    if (!locked_by.empty() && locked_by != s.user_id() && Text(m, mdef, "locked_at") >= cutoff)
      return Status::Conflict("member_id: another rep is calling this member", "member_id");
    std::string object = Text(m, mdef, "member_object");
    const ObjectDef& pdef = *cat.Find(object);
    RP_ASSIGN_OR_RETURN(Record person, RecordStore::Get(c, s, pdef, Text(m, mdef, "member_id")));
    std::string name = Text(person, pdef, "first_name");
    std::string last = Text(person, pdef, "last_name");
    name = name.empty() ? last : last.empty() ? name : name + " " + last;
    if (name.empty() && pdef.Find("company")) name = Text(person, pdef, "company");

    json call = {{"type", "call"},
                 {"subject", CallSubject(req.outcome)},
                 {"done_at", now},
                 {"related_object", object},
                 {"related_id", Text(person, pdef, "id")}};
    if (!req.notes.empty()) call["description"] = req.notes;
    auto act = RecordService::Create(c, s, cat, adef, call);
    if (!act.ok()) return act.status();
    json task = nullptr;
    if (req.outcome == "callback") {
      json t = {{"type", "task"},
                {"subject", "Call back " + (name.empty() ? std::string("member") : name)},
                {"due_at", ValueToString(callback_at)},
                {"related_object", object},
                {"related_id", Text(person, pdef, "id")}};
      if (!req.notes.empty()) t["description"] = req.notes;
      auto tr = RecordService::Create(c, s, cat, adef, t);
      if (!tr.ok()) return tr.status();
      task = RecordService::ToJson(adef, *tr);
    }
    const Value& cc = m.Get(mdef, "call_count");
    double calls = std::get_if<double>(&cc) ? std::get<double>(cc) : std::get_if<int64_t>(&cc) ? double(std::get<int64_t>(cc)) : 0;
    FieldValues ch{{"call_outcome", Value{req.outcome}},
                   {"last_called_at", Value{now}},
                   {"called_by", Value{s.user_id()}},
                   {"call_count", Value{calls + 1}},
                   {"status", Value{MemberStatusAfterCall(req.outcome, Text(m, mdef, "status"))}},
                   {"callback_at", callback_at},
                   {"locked_by", Value{}},
                   {"locked_at", Value{}}};
    RP_ASSIGN_OR_RETURN(Record updated, RecordStore::Update(c, MemberScope(s), mdef, member_id, ch, std::nullopt));
    if (object == "leads" && Text(person, pdef, "status") == "new") {
      RP_RETURN_IF_ERROR(RecordStore::Update(c, s, pdef, Text(person, pdef, "id"),
                                             {{"status", Value{std::string("working")}}}, std::nullopt)
                             .status());
    }
    out = {{"member", RecordService::ToJson(mdef, updated)},
           {"activity", RecordService::ToJson(adef, *act)},
           {"task", task}};
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

}  // namespace rapport
