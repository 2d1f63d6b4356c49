// Predictive scoring: features, L2-regularised logistic regression (Debian's
// liblinear), held-out evaluation. Pure computation, no I/O.
//
// - Example: one record as categorical facts (field -> value: industry,
//   country, source, product, owner, picklists) and numbers (field -> value).
// - FeatureMap: built from the training split only. A categorical value seen
//   at least `min_count` times is a one-hot feature "field=value", rarer ones
//   share "field=(other)"; a number is log1p'd when asked (amounts, head
//   counts) and standardised with the training mean and deviation, with a
//   "field=(missing)" indicator when some training rows lack it. Unknown
//   values at scoring time fall into (other).
// - LinearModel: weights + bias + the map, saved as JSON (score_models.model);
//   Score() gives the probability and the top contributing factors
//   (weight x value, largest magnitude first).
// - Evaluation: a stratified, seeded split; AUC (Mann-Whitney, ties counted
//   half); a percentile bootstrap confidence interval of the AUC over
//   resamples of the held-out rows.
// Deterministic for a seed: the random numbers come from SplitMix64, not from
// the standard library's distributions (which differ between libraries).
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/status.h"

namespace rapport {

class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t Next();
  uint64_t Below(uint64_t n);  // uniform in [0, n), n > 0
  double Unit();               // uniform in [0, 1)

 private:
  uint64_t state_;
};

struct Example {
  std::map<std::string, std::string> cats;  // field -> value ("" = missing)
  std::map<std::string, double> nums;       // field -> value (absent = missing)
};

struct NumericSpec {
  std::string field;
  bool log1p = false;
  double mean = 0, sd = 1;
  int missing_index = -1;  // feature index of "field=(missing)", -1 if none
  int index = -1;
};

class FeatureMap {
 public:
  // `log_fields`: numbers to log1p (non-negative amounts, head counts).
  static FeatureMap Build(const std::vector<const Example*>& train, int min_count,
                          const std::vector<std::string>& log_fields);
  // Sparse features (0-based index, value), indices ascending.
  std::vector<std::pair<int, double>> Encode(const Example& e) const;
  size_t size() const { return names_.size(); }
  const std::string& name(size_t i) const { return names_[i]; }
  nlohmann::json ToJson() const;
  static Result<FeatureMap> FromJson(const nlohmann::json& j);

 private:
  int Add(const std::string& name);
  std::vector<std::string> names_;
  std::map<std::string, std::unordered_map<std::string, int>> cat_index_;  // field -> value -> index
  std::map<std::string, int> other_index_;                                 // field -> "(other)" index
  std::vector<NumericSpec> nums_;
};

struct Factor {
  std::string feature;  // "industry=retail", "amount"
  double effect = 0;    // contribution to the log-odds
};

struct LinearModel {
  FeatureMap features;
  std::vector<double> weights;  // one per feature
  double bias = 0;
  double c = 1;  // the regularisation constant it was trained with
  // Probability of the positive class; the top `k` factors by |effect|.
  double Score(const Example& e, std::vector<Factor>* top = nullptr, size_t k = 3) const;
  nlohmann::json ToJson() const;
  static Result<LinearModel> FromJson(const nlohmann::json& j);
};

// Trains L2-regularised logistic regression (liblinear's L2R_LR, primal
// trust-region Newton) on encoded rows; labels 1/0. Needs both classes.
Result<LinearModel> TrainLogistic(const FeatureMap& features, const std::vector<const Example*>& rows,
                                  const std::vector<int>& labels, double c);

// Stratified split: true = held out. Each class contributes round(n_class x
// test_fraction) rows chosen by the seed (at least one of each class when it
// has two or more rows).
std::vector<bool> StratifiedSplit(const std::vector<int>& labels, double test_fraction, uint64_t seed);
// Stratified k folds: fold number per row.
std::vector<int> StratifiedFolds(const std::vector<int>& labels, int k, uint64_t seed);

// Area under the ROC curve; NaN when a class is absent.
double Auc(const std::vector<double>& scores, const std::vector<int>& labels);

struct ConfidenceInterval {
  double lo = 0, hi = 0;
  int resamples = 0;  // resamples that had both classes
};
// Percentile bootstrap of the AUC: `resamples` draws of n rows with
// replacement; the (1-level)/2 and (1+level)/2 quantiles.
ConfidenceInterval BootstrapAuc(const std::vector<double>& scores, const std::vector<int>& labels, int resamples,
                                uint64_t seed, double level = 0.95);

}  // namespace rapport
