// Predictive scoring use cases (issue 4, docs/decisions/012-enrichment-scoring-assignment.md).
//
// TrainScoreModel learns from the organisation's history: won vs lost
// opportunities (closed deals; the label is the kind of their stage), or
// converted vs disqualified leads. Features (domain/predictive.h): one-hot
// picklists (custom ones too), industry, country, region, company size,
// source, product (a custom field, when the organisation has one), owner, and
// for deals the account's industry, country and size; log amounts and head
// counts; other numbers standardised. Fields that are only known once the
// outcome is (stage, probability, close reason, closed_at, status, scores,
// conversion links) are never features.
//
// Method: a stratified, seeded hold-out split (25%); the regularisation
// constant C is chosen by 5-fold stratified cross-validation on the training
// part only; the held-out AUC with a percentile bootstrap 95% interval (1000
// resamples), beside the AUC of the rule score (the active scoring rules for
// the object, field rules only) on the same held-out rows. A model whose
// interval includes 0.5 has no demonstrated signal: it is stored with its
// report but not used to score records. Otherwise it becomes the active model
// and the open records are scored (`predicted_score` 0-100 and
// `predicted_factors`, the top three contributions).
#pragma once

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "base/status.h"
#include "domain/predictive.h"
#include "meta/object.h"
#include "store/conn.h"
#include "store/records.h"
#include "store/scope.h"

namespace rapport {

struct TrainOptions {
  std::string object = "opportunities";  // or "leads"
  uint64_t seed = 42;
  double test_fraction = 0.25;
  int resamples = 1000;
  int folds = 5;
  int min_count = 5;           // rarer categories share "(other)"
  int min_per_class = 20;      // fewer closed examples of a class: no model
  bool score_open = true;      // score the open records with a new active model
  std::string created_by;      // user id, if any
  // Progress: a phase name and the fraction done (0..1).
  std::function<void(const std::string& phase, double done)> progress;
};

struct TrainReport {
  std::string model_id, object;
  int64_t n_train = 0, n_test = 0, positives_train = 0, positives_test = 0;
  double c = 1;
  std::vector<std::pair<double, double>> cv;  // C -> mean CV AUC
  double auc = 0;
  ConfidenceInterval auc_ci;
  double rule_auc = 0.5;
  ConfidenceInterval rule_ci;
  int rules = 0;  // field rules used for the rule score
  bool has_signal = false, active = false;
  int64_t scored_open = 0;
  std::vector<Factor> top_weights;  // largest |weight| first
  uint64_t seed = 0;
  int resamples = 0;
  double seconds = 0;
  std::string verdict;
  nlohmann::json ToJson() const;
  std::string ToText() const;
};

Result<TrainReport> TrainScoreModel(Conn* c, const TenantScope& s, const Catalog& cat, const TrainOptions& o);

// The active model of an object, parsed once per model id in each process
// (nullptr when there is none).
struct ActiveModel {
  std::string id, object;
  LinearModel model;
};
Result<std::shared_ptr<const ActiveModel>> ActiveModelFor(Conn* c, const std::string& org_id, const std::string& object);

// Facts a record's features are made of, beyond its own fields: owner names
// and, for deals, the account's. Loaded lazily and cached.
class FeatureContext {
 public:
  // bulk: read every account at first use (training, imports) instead of one by one.
  explicit FeatureContext(std::string org_id, bool bulk = true) : org_id_(std::move(org_id)), bulk_(bulk) {}
  Result<Example> ExampleOf(Conn* c, const Catalog& cat, const ObjectDef& def,
                            const std::function<Value(const std::string&)>& get);

 private:
  struct AccountFacts {
    std::string industry, country;
    double employees = -1, revenue = -1;
  };
  std::string org_id_;
  bool bulk_ = true;
  bool users_loaded_ = false;
  std::map<std::string, std::string> user_names_;
  std::map<std::string, AccountFacts> accounts_;
};

// predicted_score / predicted_factors values for a record under a model.
void PredictionValues(const ActiveModel& m, const Example& e, FieldValues* out);

// Models trained for the organisation, newest first (reports only).
Result<nlohmann::json> ListScoreModels(Conn* c, const TenantScope& s, const std::string& object);

}  // namespace rapport
