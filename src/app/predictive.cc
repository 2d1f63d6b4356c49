#include "app/predictive.h"

#include <chrono>
#include <cmath>
#include <mutex>
#include <set>

#include "app/scoring.h"
#include "base/ids.h"
#include "base/log.h"
#include "base/time.h"
#include "domain/lead_rules.h"

namespace rapport {

using nlohmann::json;

namespace {

// Never features: identity and bookkeeping, what scoring writes, and what is
// only known once the outcome is.
bool Excluded(const ObjectDef& def, const std::string& f) {
  static const std::set<std::string> kCommon = {
      "id",           "version",    "created_at",        "updated_at",        "created_by",
      "updated_by",   "deleted_at", "owner_id",          "team_id",           "score",
      "score_explanation", "scored_at", "predicted_score", "predicted_factors", "source_ref",
      "description",  "enrichment", "enriched_at"};
  static const std::set<std::string> kDeals = {"stage_id", "probability", "forecast_category", "close_reason",
                                               "close_reason_text", "closed_at", "close_date", "pipeline_id"};
  static const std::set<std::string> kLeads = {"status",           "disqualified_reason", "disqualified_reason_text",
                                               "converted_account_id", "converted_contact_id",
                                               "converted_opportunity_id", "converted_at", "assignment_rule_id",
                                               "assigned_by_rule", "assigned_at", "first_response_at",
                                               "response_minutes", "escalated_at", "escalation_count",
                                               "opt_in_confirmed_at"};
  if (kCommon.count(f)) return true;
  if (def.name == "opportunities" && kDeals.count(f)) return true;
  if (def.name == "leads" && kLeads.count(f)) return true;
  return false;
}

bool CategoricalText(const FieldDef& f) {
  if (f.kind == FieldKind::kPicklist) return true;
  if (f.kind != FieldKind::kText) return false;
  static const std::set<std::string> kNamed = {"industry", "country", "region", "product"};
  return f.custom || kNamed.count(f.name) > 0;
}

bool LogScaled(const FieldDef& f) { return f.kind == FieldKind::kMoney || f.name == "employees"; }

std::vector<std::string> LogFields(const ObjectDef& def) {
  std::vector<std::string> out = {"account_employees", "account_revenue"};
  for (const auto& f : def.fields) {
    if (LogScaled(f)) out.push_back(f.name);
  }
  return out;
}

std::string Fixed(double v, int digits = 3) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

struct ModelCache {
  std::mutex mu;
  std::map<std::string, std::shared_ptr<const ActiveModel>> by_key;  // org/object
};
ModelCache& Models() {
  static ModelCache* m = new ModelCache();
  return *m;
}

}  // namespace

Result<Example> FeatureContext::ExampleOf(Conn* c, const Catalog& cat, const ObjectDef& def,
                                          const std::function<Value(const std::string&)>& get) {
  Example e;
  for (const auto& f : def.fields) {
    if (f.system || Excluded(def, f.name)) continue;
    Value v = get(f.name);
    if (CategoricalText(f)) {
      e.cats[f.name] = IsNull(v) ? std::string() : ValueToString(v);
    } else if (f.kind == FieldKind::kNumber || f.kind == FieldKind::kMoney) {
      double d = ValueToNumber(v, std::nan(""));
      if (std::isfinite(d)) e.nums[f.name] = d;
    }
  }
  if (!users_loaded_) {
    RP_ASSIGN_OR_RETURN(Rows rows, c->Query("SELECT id, name FROM users WHERE org_id = ?", {Value{org_id_}}));
    for (const auto& r : rows.rows) user_names_[ValueToString(r[0])] = ValueToString(r[1]);
    users_loaded_ = true;
  }
  std::string owner = ValueToString(get("owner_id"));
  auto on = user_names_.find(owner);
  e.cats["owner"] = on == user_names_.end() ? owner : on->second;
  if (def.name == "opportunities" && cat.Find("accounts")) {
    std::string account = ValueToString(get("account_id"));
    AccountFacts facts;
    if (!account.empty()) {
      auto it = accounts_.find(account);
      if (it == accounts_.end()) {
        if (accounts_.empty() && bulk_) {  // first use: all of them at once (training reads many deals)
          RP_ASSIGN_OR_RETURN(Rows rows, c->Query("SELECT id, industry, country, employees, annual_revenue FROM accounts "
                                                  "WHERE org_id = ? AND deleted_at IS NULL",
                                                  {Value{org_id_}}));
          for (const auto& r : rows.rows) {
            AccountFacts a{ValueToString(r[1]), ValueToString(r[2]), ValueToNumber(r[3], -1), ValueToNumber(r[4], -1)};
            accounts_[ValueToString(r[0])] = a;
          }
          accounts_[""] = AccountFacts{};  // marks "loaded"
        }
        it = accounts_.find(account);
        if (it == accounts_.end()) {
          RP_ASSIGN_OR_RETURN(Rows rows, c->Query("SELECT industry, country, employees, annual_revenue FROM accounts "
                                                  "WHERE org_id = ? AND id = ?",
                                                  {Value{org_id_}, Value{account}}));
          AccountFacts a;
          if (!rows.empty())
            a = {ValueToString(rows.rows[0][0]), ValueToString(rows.rows[0][1]), ValueToNumber(rows.rows[0][2], -1),
                 ValueToNumber(rows.rows[0][3], -1)};
          it = accounts_.emplace(account, a).first;
        }
      }
      facts = it->second;
    }
    e.cats["account_industry"] = facts.industry;
    e.cats["account_country"] = facts.country;
    if (facts.employees >= 0) e.nums["account_employees"] = facts.employees;
    if (facts.revenue >= 0) e.nums["account_revenue"] = facts.revenue;
  }
  return e;
}

void PredictionValues(const ActiveModel& m, const Example& e, FieldValues* out) {
  std::vector<Factor> top;
  double p = m.model.Score(e, &top, 3);
  json factors = json::array();
  for (const auto& f : top) {
    std::string name = f.feature;
    size_t eq = name.find('=');
    std::string text = eq == std::string::npos ? name : name.substr(0, eq) + " = " + name.substr(eq + 1);
    factors.push_back({{"feature", f.feature}, {"effect", std::round(f.effect * 1000) / 1000},
                       {"text", text + " (" + (f.effect >= 0 ? "+" : "") + Fixed(f.effect, 2) + ")"}});
  }
  (*out)["predicted_score"] = Value{std::round(p * 1000) / 10};
  (*out)["predicted_factors"] = Value{json{{"model_id", m.id}, {"factors", factors}}.dump()};
}

Result<std::shared_ptr<const ActiveModel>> ActiveModelFor(Conn* c, const std::string& org_id, const std::string& object) {
  RP_ASSIGN_OR_RETURN(Rows r, c->Query("SELECT id FROM score_models WHERE org_id = ? AND object = ? AND active = 1 "
                                       "ORDER BY id DESC LIMIT 1",
                                       {Value{org_id}, Value{object}}));
  if (r.empty()) return std::shared_ptr<const ActiveModel>();
  std::string id = ValueToString(r.rows[0][0]);
  std::string key = org_id + "/" + object;
  {
    std::lock_guard<std::mutex> lock(Models().mu);
    auto it = Models().by_key.find(key);
    if (it != Models().by_key.end() && it->second->id == id) return it->second;
  }
  RP_ASSIGN_OR_RETURN(Rows m, c->Query("SELECT model FROM score_models WHERE org_id = ? AND id = ?",
                                       {Value{org_id}, Value{id}}));
  if (m.empty()) return std::shared_ptr<const ActiveModel>();
  json j = json::parse(ValueToString(m.rows[0][0]), nullptr, false);
  auto parsed = LinearModel::FromJson(j);
  if (!parsed.ok()) {
    spdlog::warn("score model {} cannot be read: {}", id, parsed.status().ToString());
    return std::shared_ptr<const ActiveModel>();
  }
  auto am = std::make_shared<ActiveModel>();
  am->id = id;
  am->object = object;
  am->model = std::move(*parsed);
  std::lock_guard<std::mutex> lock(Models().mu);
  Models().by_key[key] = am;
  return std::shared_ptr<const ActiveModel>(am);
}

json TrainReport::ToJson() const {
  json cvj = json::array();
  for (const auto& [cc, a] : cv) cvj.push_back({{"C", cc}, {"cv_auc", a}});
  json top = json::array();
  for (const auto& f : top_weights) top.push_back({{"feature", f.feature}, {"weight", f.effect}});
  auto num = [](double v) { return std::isfinite(v) ? json(v) : json(nullptr); };
  return {{"model_id", model_id},
          {"object", object},
          {"n_train", n_train},
          {"n_test", n_test},
          {"positives_train", positives_train},
          {"positives_test", positives_test},
          {"C", c},
          {"cross_validation", cvj},
          {"auc", num(auc)},
          {"auc_ci95", {num(auc_ci.lo), num(auc_ci.hi)}},
          {"rule_auc", num(rule_auc)},
          {"rule_auc_ci95", {num(rule_ci.lo), num(rule_ci.hi)}},
          {"rules", rules},
          {"has_signal", has_signal},
          {"active", active},
          {"scored_open", scored_open},
          {"top_weights", top},
          {"seed", seed},
          {"resamples", resamples},
          {"seconds", seconds},
          {"verdict", verdict}};
}

std::string TrainReport::ToText() const {
  std::string t;
  t += "object:            " + object + " (" + (object == "opportunities" ? "won vs lost" : "converted vs disqualified") + ")\n";
  t += "examples:          " + std::to_string(n_train) + " train (" + std::to_string(positives_train) +
       " positive), " + std::to_string(n_test) + " held out (" + std::to_string(positives_test) + " positive), seed " +
       std::to_string(seed) + "\n";
  t += "model:             L2-regularised logistic regression (liblinear), C = " + Fixed(c, 2) +
       " (5-fold CV on the training split)\n";
  t += "held-out AUC:      " + Fixed(auc) + "  95% CI [" + Fixed(auc_ci.lo) + ", " + Fixed(auc_ci.hi) + "] (" +
       std::to_string(resamples) + " bootstrap resamples)\n";
  t += "rule score AUC:    " + Fixed(rule_auc) + "  95% CI [" + Fixed(rule_ci.lo) + ", " + Fixed(rule_ci.hi) + "] (" +
       std::to_string(rules) + " field rule" + (rules == 1 ? "" : "s") + ")\n";
  t += "verdict:           " + verdict + "\n";
  if (!top_weights.empty()) {
    t += "largest weights:  ";
    for (size_t i = 0; i < top_weights.size() && i < 8; ++i)
      t += (i ? ", " : " ") + top_weights[i].feature + " " + (top_weights[i].effect >= 0 ? "+" : "") +
           Fixed(top_weights[i].effect, 2);
    t += "\n";
  }
  t += "model id:          " + model_id + (active ? " (active" : " (stored, not used for scoring") +
       (active ? ", " + std::to_string(scored_open) + " open records scored)" : ")") + "\n";
  t += "time:              " + Fixed(seconds, 1) + " s\n";
  return t;
}

Result<TrainReport> TrainScoreModel(Conn* c, const TenantScope& s, const Catalog& cat, const TrainOptions& o) {
  auto t0 = std::chrono::steady_clock::now();
  if (!s.is_admin()) return Status::PermissionDenied("only administrators may train score models");
  if (o.object != "opportunities" && o.object != "leads")
    return Status::InvalidArgument("object: opportunities (won vs lost) or leads (converted vs disqualified)", "object");
  if (!(o.test_fraction > 0.05 && o.test_fraction < 0.95))
    return Status::InvalidArgument("test_fraction: between 0.05 and 0.95", "test_fraction");
  if (o.resamples < 100 || o.resamples > 100000)
    return Status::InvalidArgument("resamples: from 100 to 100000", "resamples");
  const ObjectDef* def = cat.Find(o.object);
  if (!def) return Status::NotFound("unknown object '" + o.object + "'");
  auto progress = [&](const std::string& phase, double done) {
    if (o.progress) o.progress(phase, done);
  };
  TenantScope system = TenantScope::ForOperator(s.org_id(), s.user_id());

  // --- the closed history
  progress("reading history", 0);
  std::map<std::string, std::string> stage_kind;
  if (o.object == "opportunities") {
    RP_ASSIGN_OR_RETURN(Rows st, c->Query("SELECT id, kind FROM stages WHERE org_id = ?", {Value{s.org_id()}}));
    for (const auto& r : st.rows) stage_kind[ValueToString(r[0])] = ValueToString(r[1]);
  }
  ListQuery q;
  q.limit = 1000;
  if (o.object == "opportunities") {
    q.filters.push_back(Filter{"closed_at", FilterOp::kIsNull, {Value{int64_t{0}}}});
  } else {
    q.filters.push_back(Filter{"status", FilterOp::kIn, {Value{std::string("converted")}, Value{std::string("disqualified")}}});
  }
  FeatureContext ctx(s.org_id());
  std::vector<Example> examples;
  std::vector<int> labels;
  std::vector<Record> records;
  while (true) {
    RP_ASSIGN_OR_RETURN(Page page, RecordStore::List(c, system, *def, q));
    for (auto& r : page.records) {
      int label = -1;
      if (o.object == "opportunities") {
        std::string kind = stage_kind[ValueToString(r.Get(*def, "stage_id"))];
        label = kind == "won" ? 1 : kind == "lost" ? 0 : -1;
      } else {
        std::string st = ValueToString(r.Get(*def, "status"));
        label = st == "converted" ? 1 : st == "disqualified" ? 0 : -1;
      }
      if (label < 0) continue;
      auto get = [&](const std::string& f) { return r.Get(*def, f); };
      RP_ASSIGN_OR_RETURN(Example e, ctx.ExampleOf(c, cat, *def, get));
      examples.push_back(std::move(e));
      labels.push_back(label);
      records.push_back(std::move(r));
    }
    if (page.next_cursor.empty()) break;
    q.cursor = page.next_cursor;
  }
  int64_t pos = 0;
  for (int l : labels) pos += l;
  int64_t neg = static_cast<int64_t>(labels.size()) - pos;
  const char* what_pos = o.object == "opportunities" ? "won" : "converted";
  const char* what_neg = o.object == "opportunities" ? "lost" : "disqualified";
  if (pos < o.min_per_class || neg < o.min_per_class)
    return Status::Unprocessable("not enough history to learn from: " + std::to_string(pos) + " " + what_pos + " and " +
                                 std::to_string(neg) + " " + what_neg + " " + o.object + " (at least " +
                                 std::to_string(o.min_per_class) + " of each are needed)");

  // --- held-out split; C by cross-validation on the training part
  std::vector<bool> is_test = StratifiedSplit(labels, o.test_fraction, o.seed);
  std::vector<const Example*> train, test;
  std::vector<int> ytrain, ytest;
  std::vector<size_t> test_rows;
  for (size_t i = 0; i < examples.size(); ++i) {
    if (is_test[i]) {
      test.push_back(&examples[i]);
      ytest.push_back(labels[i]);
      test_rows.push_back(i);
    } else {
      train.push_back(&examples[i]);
      ytrain.push_back(labels[i]);
    }
  }
  TrainReport rep;
  rep.object = o.object;
  rep.seed = o.seed;
  rep.resamples = o.resamples;
  rep.n_train = static_cast<int64_t>(train.size());
  rep.n_test = static_cast<int64_t>(test.size());
  for (int l : ytrain) rep.positives_train += l;
  for (int l : ytest) rep.positives_test += l;
  const std::vector<std::string> log_fields = LogFields(*def);
  const std::vector<double> grid = {0.01, 0.03, 0.1, 0.3, 1, 3};
  std::vector<int> folds = StratifiedFolds(ytrain, o.folds, o.seed ^ 0x5EEDull);
  double best_auc = -1;
  size_t steps = grid.size() * static_cast<size_t>(o.folds) + 2, step = 0;
  for (double cval : grid) {
    double sum = 0;
    int n = 0;
    for (int k = 0; k < o.folds; ++k) {
      progress("choosing C", static_cast<double>(step++) / static_cast<double>(steps));
      std::vector<const Example*> tr, va;
      std::vector<int> ytr, yva;
      for (size_t i = 0; i < train.size(); ++i) {
        (folds[i] == k ? va : tr).push_back(train[i]);
        (folds[i] == k ? yva : ytr).push_back(ytrain[i]);
      }
      FeatureMap fm = FeatureMap::Build(tr, o.min_count, log_fields);
      auto m = TrainLogistic(fm, tr, ytr, cval);
      if (!m.ok()) continue;
      std::vector<double> sc;
      for (const Example* e : va) sc.push_back(m->Score(*e));
      double a = Auc(sc, yva);
      if (std::isfinite(a)) {
        sum += a;
        ++n;
      }
    }
    double mean = n ? sum / n : std::nan("");
    rep.cv.emplace_back(cval, mean);
    if (std::isfinite(mean) && mean > best_auc + 1e-9) {
      best_auc = mean;
      rep.c = cval;
    }
  }
  progress("training", static_cast<double>(step++) / static_cast<double>(steps));
  FeatureMap fm = FeatureMap::Build(train, o.min_count, log_fields);
  RP_ASSIGN_OR_RETURN(LinearModel model, TrainLogistic(fm, train, ytrain, rep.c));

  // --- held-out evaluation, beside the rule score on the same rows
  progress("evaluating", static_cast<double>(step++) / static_cast<double>(steps));
  std::vector<double> scores, rule_scores;
  for (const Example* e : test) scores.push_back(model.Score(*e));
  RP_ASSIGN_OR_RETURN(auto all_rules, LoadScoringRules(c, s.org_id(), cat, o.object));
  std::vector<ScoringRule> field_rules;
  for (auto& r : all_rules) {
    if (r.condition) field_rules.push_back(r);  // activity recency is not known as of the outcome
  }
  rep.rules = static_cast<int>(field_rules.size());
  int64_t now = Clock::Get().NowMillis();
  for (size_t i : test_rows) {
    auto get = [&](const std::string& f) { return records[i].Get(*def, f); };
    rule_scores.push_back(ScoreRecord(field_rules, get, ActivityFacts{}, now).total);
  }
  rep.auc = Auc(scores, ytest);
  rep.auc_ci = BootstrapAuc(scores, ytest, o.resamples, o.seed + 1);
  rep.rule_auc = Auc(rule_scores, ytest);
  rep.rule_ci = BootstrapAuc(rule_scores, ytest, o.resamples, o.seed + 1);
  rep.has_signal = std::isfinite(rep.auc_ci.lo) && rep.auc_ci.lo > 0.5;
  char verdict[400];
  if (rep.has_signal) {
    std::snprintf(verdict, sizeof verdict,
                  "signal: the held-out AUC's 95%% interval lies above 0.5; the model %s the rule score",
                  rep.auc_ci.lo > rep.rule_ci.hi ? "beats" : rep.auc_ci.hi < rep.rule_ci.lo ? "trails" : "is not clearly different from");
  } else {
    std::snprintf(verdict, sizeof verdict,
                  "no signal: the held-out AUC's 95%% interval includes 0.5, so these fields do not predict the "
                  "outcome better than chance; the model is stored for the record but not used to score %s",
                  o.object.c_str());
  }
  rep.verdict = verdict;
  std::vector<Factor> weights;
  for (size_t i = 0; i < model.weights.size(); ++i) weights.push_back(Factor{fm.name(i), model.weights[i]});
  std::sort(weights.begin(), weights.end(),
            [](const Factor& a, const Factor& b) { return std::fabs(a.effect) > std::fabs(b.effect); });
  if (weights.size() > 15) weights.resize(15);
  rep.top_weights = weights;

  // --- store: this model replaces the active one (if it has signal)
  rep.model_id = NewId();
  rep.active = rep.has_signal;
  rep.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  json report = rep.ToJson();
  auto num = [](double v) { return std::isfinite(v) ? Value{v} : Value{}; };
  RP_RETURN_IF_ERROR(InTransaction(c, TxMode::kWrite, [&]() -> Status {
    RP_ASSIGN_OR_RETURN(int64_t n, c->Exec("UPDATE score_models SET active = 0 WHERE org_id = ? AND object = ?",
                                           {Value{s.org_id()}, Value{o.object}}));
    RP_ASSIGN_OR_RETURN(
        n, c->Exec("INSERT INTO score_models (org_id, id, object, created_at, created_by, active, has_signal, n_train, "
                   "n_test, auc, auc_lo, auc_hi, rule_auc, rule_auc_lo, rule_auc_hi, seed, model, report) VALUES "
                   "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   {Value{s.org_id()}, Value{rep.model_id}, Value{o.object}, Value{NowIso()},
                    o.created_by.empty() ? (s.user_id().empty() ? Value{} : Value{s.user_id()}) : Value{o.created_by},
                    Value{int64_t{rep.active ? 1 : 0}}, Value{int64_t{rep.has_signal ? 1 : 0}}, Value{rep.n_train},
                    Value{rep.n_test}, num(rep.auc), num(rep.auc_ci.lo), num(rep.auc_ci.hi), num(rep.rule_auc),
                    num(rep.rule_ci.lo), num(rep.rule_ci.hi), Value{static_cast<int64_t>(o.seed & 0x7FFFFFFFFFFFFFFFull)},
                    Value{model.ToJson().dump()}, Value{report.dump()}}));
    (void)n;
    return Status::Ok();
  }));

  // --- score the open records with the new model
  if (rep.active && o.score_open) {
    progress("scoring open records", 1);
    RP_ASSIGN_OR_RETURN(auto active, ActiveModelFor(c, s.org_id(), o.object));
    if (active) {
      ListQuery oq;
      oq.limit = 500;
      if (o.object == "opportunities") oq.filters.push_back(Filter{"closed_at", FilterOp::kIsNull, {Value{int64_t{1}}}});
      else oq.filters.push_back(Filter{"status", FilterOp::kNotIn, {Value{std::string("converted")}, Value{std::string("disqualified")}}});
      while (true) {
        RP_ASSIGN_OR_RETURN(Page page, RecordStore::List(c, system, *def, oq));
        RP_RETURN_IF_ERROR(InTransaction(c, TxMode::kWrite, [&]() -> Status {
          for (const auto& r : page.records) {
            auto get = [&](const std::string& f) { return r.Get(*def, f); };
            RP_ASSIGN_OR_RETURN(Example e, ctx.ExampleOf(c, cat, *def, get));
            FieldValues ch;
            PredictionValues(*active, e, &ch);
            RP_ASSIGN_OR_RETURN(Record u, RecordStore::Update(c, system, *def, ValueToString(r.Get(*def, "id")), ch,
                                                              std::nullopt));
            (void)u;
            ++rep.scored_open;
          }
          return Status::Ok();
        }));
        if (page.next_cursor.empty()) break;
        oq.cursor = page.next_cursor;
      }
    }
  }
  rep.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  spdlog::info("score train: {} model {} AUC {:.3f} [{:.3f}, {:.3f}] rule AUC {:.3f}, {}", o.object, rep.model_id, rep.auc,
               rep.auc_ci.lo, rep.auc_ci.hi, rep.rule_auc, rep.has_signal ? "active" : "no signal");
  return rep;
}

Result<json> ListScoreModels(Conn* c, const TenantScope& s, const std::string& object) {
  std::string sql = "SELECT id, object, created_at, active, has_signal, n_train, n_test, auc, auc_lo, auc_hi, "
                    "rule_auc, rule_auc_lo, rule_auc_hi, report FROM score_models WHERE org_id = ?";
  std::vector<Value> p = {Value{s.org_id()}};
  if (!object.empty()) {
    sql += " AND object = ?";
    p.emplace_back(object);
  }
  sql += " ORDER BY id DESC LIMIT 50";
  RP_ASSIGN_OR_RETURN(Rows rows, c->Query(sql, p));
  json data = json::array();
  auto num = [](const Value& v) { return IsNull(v) ? json(nullptr) : json(ValueToNumber(v, 0)); };
  for (const auto& r : rows.rows) {
    json rep = json::parse(ValueToString(r[13]), nullptr, false);
    data.push_back({{"id", ValueToString(r[0])},
                    {"object", ValueToString(r[1])},
                    {"created_at", ValueToString(r[2])},
                    {"active", ValueToNumber(r[3], 0) != 0},
                    {"has_signal", ValueToNumber(r[4], 0) != 0},
                    {"n_train", num(r[5])},
                    {"n_test", num(r[6])},
                    {"auc", num(r[7])},
                    {"auc_ci95", {num(r[8]), num(r[9])}},
                    {"rule_auc", num(r[10])},
                    {"rule_auc_ci95", {num(r[11]), num(r[12])}},
                    {"verdict", rep.is_object() ? rep.value("verdict", "") : ""}});
  }
  return json{{"data", data}};
}

}  // namespace rapport
