#include "domain/predictive.h"

#include <linear.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <mutex>
#include <numeric>

namespace rapport {

using nlohmann::json;

uint64_t SplitMix64::Next() {
  uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

uint64_t SplitMix64::Below(uint64_t n) {
  // Rejection sampling: no modulo bias.
  uint64_t limit = std::numeric_limits<uint64_t>::max() - std::numeric_limits<uint64_t>::max() % n;
  uint64_t x;
  do x = Next();
  while (x >= limit);
  return x % n;
}

double SplitMix64::Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

namespace {

void Shuffle(std::vector<size_t>* v, SplitMix64* rng) {
  for (size_t i = v->size(); i > 1; --i) std::swap((*v)[i - 1], (*v)[rng->Below(i)]);
}

const char* kOther = "(other)";
const char* kMissing = "(missing)";

}  // namespace

// --- features ---------------------------------------------------------------

int FeatureMap::Add(const std::string& name) {
  names_.push_back(name);
  return static_cast<int>(names_.size() - 1);
}

FeatureMap FeatureMap::Build(const std::vector<const Example*>& train, int min_count,
                             const std::vector<std::string>& log_fields) {
  FeatureMap m;
  std::map<std::string, std::map<std::string, int>> counts;  // sorted: stable feature order
  std::map<std::string, std::vector<double>> values;
  std::map<std::string, int> present;
  for (const Example* e : train) {
    for (const auto& [f, v] : e->cats) counts[f][v.empty() ? kMissing : v]++;
    for (const auto& [f, v] : e->nums) {
      if (std::isfinite(v)) values[f].push_back(v);
    }
  }
  for (const auto& [field, by_value] : counts) {
    bool has_other = false;
    for (const auto& [value, n] : by_value) {
      if (n >= min_count) m.cat_index_[field][value] = m.Add(field + "=" + value);
      else has_other = true;
    }
    // Unseen values at scoring time need a home too.
    (void)has_other;
    m.other_index_[field] = m.Add(field + "=" + kOther);
  }
  for (auto& [field, vs] : values) {
    NumericSpec s;
    s.field = field;
    s.log1p = std::find(log_fields.begin(), log_fields.end(), field) != log_fields.end();
    double sum = 0, sq = 0;
    for (double& v : vs) {
      if (s.log1p) v = std::log1p(std::max(0.0, v));
      sum += v;
    }
    s.mean = vs.empty() ? 0 : sum / static_cast<double>(vs.size());
    for (double v : vs) sq += (v - s.mean) * (v - s.mean);
    s.sd = vs.size() > 1 ? std::sqrt(sq / static_cast<double>(vs.size() - 1)) : 1;
    if (!(s.sd > 1e-12)) s.sd = 1;
    s.index = m.Add(field);
    if (vs.size() < train.size()) s.missing_index = m.Add(field + "=" + kMissing);
    m.nums_.push_back(s);
  }
  return m;
}

std::vector<std::pair<int, double>> FeatureMap::Encode(const Example& e) const {
  std::vector<std::pair<int, double>> out;
  for (const auto& [field, index] : cat_index_) {
    auto it = e.cats.find(field);
    std::string v = it == e.cats.end() || it->second.empty() ? kMissing : it->second;
    auto f = index.find(v);
    if (f != index.end()) out.emplace_back(f->second, 1.0);
    else out.emplace_back(other_index_.at(field), 1.0);
  }
  for (const auto& [field, other] : other_index_) {
    if (!cat_index_.count(field)) out.emplace_back(other, 1.0);  // every value was rare
  }
  for (const auto& s : nums_) {
    auto it = e.nums.find(s.field);
    if (it == e.nums.end() || !std::isfinite(it->second)) {
      if (s.missing_index >= 0) out.emplace_back(s.missing_index, 1.0);
      continue;  // 0 after standardisation: the mean
    }
    double v = s.log1p ? std::log1p(std::max(0.0, it->second)) : it->second;
    out.emplace_back(s.index, (v - s.mean) / s.sd);
  }
  std::sort(out.begin(), out.end());
  return out;
}

json FeatureMap::ToJson() const {
  json cats = json::object();
  for (const auto& [field, index] : cat_index_) {
    json vals = json::object();
    for (const auto& [v, i] : index) vals[v] = i;
    cats[field] = vals;
  }
  json others = json::object();
  for (const auto& [field, i] : other_index_) others[field] = i;
  json nums = json::array();
  for (const auto& s : nums_) {
    nums.push_back({{"field", s.field}, {"log1p", s.log1p}, {"mean", s.mean}, {"sd", s.sd}, {"index", s.index},
                    {"missing_index", s.missing_index}});
  }
  return {{"names", names_}, {"categorical", cats}, {"other", others}, {"numeric", nums}};
}

Result<FeatureMap> FeatureMap::FromJson(const json& j) {
  FeatureMap m;
  try {
    m.names_ = j.at("names").get<std::vector<std::string>>();
    int n = static_cast<int>(m.names_.size());
    auto check = [n](int i) { return i >= -1 && i < n; };
    for (auto it = j.at("categorical").begin(); it != j.at("categorical").end(); ++it) {
      for (auto v = it.value().begin(); v != it.value().end(); ++v) {
        int i = v.value().get<int>();
        if (!check(i) || i < 0) return Status::InvalidArgument("model: feature index out of range");
        m.cat_index_[it.key()][v.key()] = i;
      }
    }
    for (auto it = j.at("other").begin(); it != j.at("other").end(); ++it) {
      int i = it.value().get<int>();
      if (!check(i) || i < 0) return Status::InvalidArgument("model: feature index out of range");
      m.other_index_[it.key()] = i;
    }
    for (const auto& s : j.at("numeric")) {
      NumericSpec ns;
      ns.field = s.at("field").get<std::string>();
      ns.log1p = s.at("log1p").get<bool>();
      ns.mean = s.at("mean").get<double>();
      ns.sd = s.at("sd").get<double>();
      ns.index = s.at("index").get<int>();
      ns.missing_index = s.at("missing_index").get<int>();
      if (!check(ns.index) || ns.index < 0 || !check(ns.missing_index))
        return Status::InvalidArgument("model: feature index out of range");
      m.nums_.push_back(ns);
    }
  } catch (const json::exception& e) {
    return Status::InvalidArgument(std::string("model: malformed feature map: ") + e.what());
  }
  return m;
}

// --- the model ----------------------------------------------------------------

double LinearModel::Score(const Example& e, std::vector<Factor>* top, size_t k) const {
  double z = bias;
  std::vector<Factor> parts;
  for (const auto& [i, x] : features.Encode(e)) {
    if (i < 0 || static_cast<size_t>(i) >= weights.size()) continue;
    double effect = weights[static_cast<size_t>(i)] * x;
    z += effect;
    if (top && effect != 0) parts.push_back(Factor{features.name(static_cast<size_t>(i)), effect});
  }
  if (top) {
    std::sort(parts.begin(), parts.end(),
              [](const Factor& a, const Factor& b) { return std::fabs(a.effect) > std::fabs(b.effect); });
    if (parts.size() > k) parts.resize(k);
    *top = std::move(parts);
  }
  return 1.0 / (1.0 + std::exp(-z));
}

json LinearModel::ToJson() const {
  return {{"kind", "logistic_regression"}, {"library", "liblinear " + std::to_string(LIBLINEAR_VERSION)},
          {"solver", "L2R_LR"}, {"C", c}, {"bias", bias}, {"weights", weights}, {"features", features.ToJson()}};
}

Result<LinearModel> LinearModel::FromJson(const json& j) {
  LinearModel m;
  try {
    m.c = j.value("C", 1.0);
    m.bias = j.at("bias").get<double>();
    m.weights = j.at("weights").get<std::vector<double>>();
  } catch (const json::exception& e) {
    return Status::InvalidArgument(std::string("model: malformed: ") + e.what());
  }
  RP_ASSIGN_OR_RETURN(m.features, FeatureMap::FromJson(j.value("features", json::object())));
  if (m.weights.size() != m.features.size()) return Status::InvalidArgument("model: weights and features differ in size");
  return m;
}

namespace {
void Quiet(const char*) {}
std::once_flag g_quiet_once;
}  // namespace

Result<LinearModel> TrainLogistic(const FeatureMap& features, const std::vector<const Example*>& rows,
                                  const std::vector<int>& labels, double c) {
  if (rows.size() != labels.size() || rows.empty()) return Status::InvalidArgument("training: no rows");
  bool pos = false, neg = false;
  for (int l : labels) (l ? pos : neg) = true;
  if (!pos || !neg) return Status::InvalidArgument("training: needs examples of both outcomes");
  std::call_once(g_quiet_once, [] { set_print_string_function(&Quiet); });
  const int n = static_cast<int>(features.size());
  // liblinear's layout: 1-based indices, the bias as feature n+1, -1 ends a row.
  std::vector<std::vector<feature_node>> nodes(rows.size());
  std::vector<feature_node*> x(rows.size());
  std::vector<double> y(rows.size());
  for (size_t r = 0; r < rows.size(); ++r) {
    for (const auto& [i, v] : features.Encode(*rows[r])) {
      if (v != 0) nodes[r].push_back(feature_node{i + 1, v});
    }
    nodes[r].push_back(feature_node{n + 1, 1.0});
    nodes[r].push_back(feature_node{-1, 0});
    x[r] = nodes[r].data();
    y[r] = labels[r] ? 1.0 : -1.0;
  }
  problem prob{};
  prob.l = static_cast<int>(rows.size());
  prob.n = n + 1;
  prob.y = y.data();
  prob.x = x.data();
  prob.bias = -1;  // the bias column is in the rows already (regularised like liblinear's own)
  parameter param{};
  param.solver_type = L2R_LR;
  param.eps = 0.01;
  param.C = c;
  if (const char* err = check_parameter(&prob, &param)) return Status::InvalidArgument(std::string("liblinear: ") + err);
  model* m = train(&prob, &param);
  if (!m) return Status::Internal("liblinear: training failed");
  // Two classes: w gives the decision value of label[0].
  double sign = m->label[0] == 1 ? 1.0 : -1.0;
  LinearModel out;
  out.features = features;
  out.c = c;
  out.weights.resize(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) out.weights[static_cast<size_t>(i)] = sign * m->w[i];
  out.bias = sign * m->w[n];
  free_and_destroy_model(&m);
  return out;
}

// --- evaluation -----------------------------------------------------------------

std::vector<bool> StratifiedSplit(const std::vector<int>& labels, double test_fraction, uint64_t seed) {
  std::vector<bool> test(labels.size(), false);
  SplitMix64 rng(seed);
  for (int cls : {0, 1}) {
    std::vector<size_t> idx;
    for (size_t i = 0; i < labels.size(); ++i) {
      if ((labels[i] != 0) == (cls == 1)) idx.push_back(i);
    }
    Shuffle(&idx, &rng);
    size_t k = static_cast<size_t>(std::llround(static_cast<double>(idx.size()) * test_fraction));
    if (idx.size() >= 2) k = std::clamp<size_t>(k, 1, idx.size() - 1);
    else k = 0;
    for (size_t i = 0; i < k; ++i) test[idx[i]] = true;
  }
  return test;
}

std::vector<int> StratifiedFolds(const std::vector<int>& labels, int k, uint64_t seed) {
  std::vector<int> fold(labels.size(), 0);
  SplitMix64 rng(seed);
  for (int cls : {0, 1}) {
    std::vector<size_t> idx;
    for (size_t i = 0; i < labels.size(); ++i) {
      if ((labels[i] != 0) == (cls == 1)) idx.push_back(i);
    }
    Shuffle(&idx, &rng);
    for (size_t i = 0; i < idx.size(); ++i) fold[idx[i]] = static_cast<int>(i % static_cast<size_t>(k));
  }
  return fold;
}

double Auc(const std::vector<double>& scores, const std::vector<int>& labels) {
  size_t n = scores.size();
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), size_t{0});
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return scores[a] < scores[b]; });
  double rank_sum = 0;
  double n_pos = 0, n_neg = 0;
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j < n && scores[order[j]] == scores[order[i]]) ++j;
    double avg_rank = (static_cast<double>(i) + static_cast<double>(j - 1)) / 2.0 + 1.0;  // ties share
    for (size_t t = i; t < j; ++t) {
      if (labels[order[t]]) {
        rank_sum += avg_rank;
        n_pos += 1;
      } else {
        n_neg += 1;
      }
    }
    i = j;
  }
  if (n_pos == 0 || n_neg == 0) return std::numeric_limits<double>::quiet_NaN();
  return (rank_sum - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg);
}

ConfidenceInterval BootstrapAuc(const std::vector<double>& scores, const std::vector<int>& labels, int resamples,
                                uint64_t seed, double level) {
  ConfidenceInterval ci;
  SplitMix64 rng(seed);
  std::vector<double> aucs;
  aucs.reserve(static_cast<size_t>(resamples));
  std::vector<double> s(scores.size());
  std::vector<int> l(labels.size());
  if (scores.empty()) return ci;
  for (int r = 0; r < resamples; ++r) {
    for (size_t i = 0; i < scores.size(); ++i) {
      size_t k = rng.Below(scores.size());
      s[i] = scores[k];
      l[i] = labels[k];
    }
    double a = Auc(s, l);
    if (std::isfinite(a)) aucs.push_back(a);
  }
  ci.resamples = static_cast<int>(aucs.size());
  if (aucs.empty()) return ci;
  std::sort(aucs.begin(), aucs.end());
  auto quantile = [&](double q) {
    double pos = q * static_cast<double>(aucs.size() - 1);
    size_t lo = static_cast<size_t>(std::floor(pos)), hi = static_cast<size_t>(std::ceil(pos));
    return aucs[lo] + (aucs[hi] - aucs[lo]) * (pos - static_cast<double>(lo));
  };
  ci.lo = quantile((1 - level) / 2);
  ci.hi = quantile((1 + level) / 2);
  return ci;
}

}  // namespace rapport
