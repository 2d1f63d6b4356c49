// Predictive scoring (domain/predictive.h): AUC, bootstrap interval,
// stratified split, features, logistic regression through liblinear.
#include <gtest/gtest.h>

#include <cmath>

#include "domain/predictive.h"

namespace rapport {
namespace {

TEST(Auc, KnownValues) {
  EXPECT_DOUBLE_EQ(Auc({0.1, 0.2, 0.8, 0.9}, {0, 0, 1, 1}), 1.0);
  EXPECT_DOUBLE_EQ(Auc({0.9, 0.8, 0.2, 0.1}, {0, 0, 1, 1}), 0.0);
  EXPECT_DOUBLE_EQ(Auc({0.5, 0.5, 0.5, 0.5}, {0, 1, 0, 1}), 0.5);  // ties count half
  // 3 positives, 2 negatives: pairs (p > n) = 5 of 6... computed by hand.
  EXPECT_DOUBLE_EQ(Auc({0.1, 0.4, 0.35, 0.8, 0.7}, {0, 0, 1, 1, 1}), 5.0 / 6.0);
  EXPECT_TRUE(std::isnan(Auc({0.1, 0.2}, {1, 1})));
}

TEST(Auc, BootstrapIntervalCoversTheEstimateAndIsSeeded) {
  SplitMix64 rng(7);
  std::vector<double> s;
  std::vector<int> y;
  for (int i = 0; i < 400; ++i) {
    int label = i % 2;
    y.push_back(label);
    s.push_back(rng.Unit() + 0.3 * label);  // some signal
  }
  double auc = Auc(s, y);
  ConfidenceInterval ci = BootstrapAuc(s, y, 1000, 11);
  EXPECT_EQ(ci.resamples, 1000);
  EXPECT_LT(ci.lo, auc);
  EXPECT_GT(ci.hi, auc);
  EXPECT_GT(ci.lo, 0.5);
  ConfidenceInterval again = BootstrapAuc(s, y, 1000, 11);
  EXPECT_DOUBLE_EQ(ci.lo, again.lo);
  EXPECT_DOUBLE_EQ(ci.hi, again.hi);
  // Pure noise: the interval includes 0.5.
  std::vector<double> noise;
  for (int i = 0; i < 400; ++i) noise.push_back(rng.Unit());
  ConfidenceInterval none = BootstrapAuc(noise, y, 1000, 11);
  EXPECT_LT(none.lo, 0.5);
  EXPECT_GT(none.hi, 0.5);
}

TEST(Split, StratifiedAndSeeded) {
  std::vector<int> y;
  for (int i = 0; i < 1000; ++i) y.push_back(i < 300 ? 1 : 0);
  std::vector<bool> t = StratifiedSplit(y, 0.25, 42);
  int test_pos = 0, test_neg = 0;
  for (size_t i = 0; i < y.size(); ++i) {
    if (t[i]) (y[i] ? test_pos : test_neg)++;
  }
  EXPECT_EQ(test_pos, 75);
  EXPECT_EQ(test_neg, 175);
  EXPECT_EQ(t, StratifiedSplit(y, 0.25, 42));
  EXPECT_NE(t, StratifiedSplit(y, 0.25, 43));
  std::vector<int> folds = StratifiedFolds(y, 5, 1);
  std::vector<int> pos_in(5, 0);
  for (size_t i = 0; i < y.size(); ++i) pos_in[static_cast<size_t>(folds[i])] += y[i];
  for (int n : pos_in) EXPECT_EQ(n, 60);
}

TEST(Features, OneHotRareOtherAndStandardisedNumbers) {
  std::vector<Example> rows(20);
  for (int i = 0; i < 20; ++i) {
    rows[i].cats["industry"] = i < 10 ? "retail" : i < 19 ? "medical" : "mining";  // mining is rare
    if (i % 4) rows[i].nums["amount"] = 100.0 * (i + 1);                          // some missing
  }
  std::vector<const Example*> ptrs;
  for (auto& r : rows) ptrs.push_back(&r);
  FeatureMap fm = FeatureMap::Build(ptrs, 5, {"amount"});
  std::vector<std::string> names;
  for (size_t i = 0; i < fm.size(); ++i) names.push_back(fm.name(i));
  EXPECT_NE(std::find(names.begin(), names.end(), "industry=retail"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "industry=(other)"), names.end());
  EXPECT_EQ(std::find(names.begin(), names.end(), "industry=mining"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "amount=(missing)"), names.end());
  Example unseen;
  unseen.cats["industry"] = "aerospace";
  auto enc = fm.Encode(unseen);
  bool other = false;
  for (auto& [i, v] : enc) other = other || fm.name(static_cast<size_t>(i)) == "industry=(other)";
  EXPECT_TRUE(other);
  // Round trip through JSON.
  auto back = FeatureMap::FromJson(fm.ToJson());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->Encode(rows[3]), fm.Encode(rows[3]));
}

TEST(Logistic, LearnsASeparableSignalAndExplainsIt) {
  SplitMix64 rng(3);
  std::vector<Example> rows;
  std::vector<int> y;
  for (int i = 0; i < 600; ++i) {
    Example e;
    bool big = rng.Unit() < 0.5;
    e.cats["segment"] = big ? "enterprise" : "smb";
    e.cats["colour"] = rng.Unit() < 0.5 ? "red" : "blue";  // noise
    e.nums["amount"] = big ? 50000 * (1 + rng.Unit()) : 500 * (1 + rng.Unit());
    int label = (big ? rng.Unit() < 0.85 : rng.Unit() < 0.15) ? 1 : 0;
    rows.push_back(e);
    y.push_back(label);
  }
  std::vector<bool> test = StratifiedSplit(y, 0.25, 5);
  std::vector<const Example*> tr, te;
  std::vector<int> ytr, yte;
  for (size_t i = 0; i < rows.size(); ++i) {
    (test[i] ? te : tr).push_back(&rows[i]);
    (test[i] ? yte : ytr).push_back(y[i]);
  }
  FeatureMap fm = FeatureMap::Build(tr, 5, {"amount"});
  auto m = TrainLogistic(fm, tr, ytr, 1.0);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  std::vector<double> s;
  for (auto* e : te) s.push_back(m->Score(*e));
  EXPECT_GT(Auc(s, yte), 0.8);
  std::vector<Factor> top;
  Example ent;
  ent.cats["segment"] = "enterprise";
  ent.cats["colour"] = "red";
  ent.nums["amount"] = 80000;
  double p = m->Score(ent, &top, 2);
  EXPECT_GT(p, 0.6);
  ASSERT_EQ(top.size(), 2u);
  EXPECT_TRUE(top[0].feature == "segment=enterprise" || top[0].feature == "amount") << top[0].feature;
  // Saved and loaded: the same scores.
  auto back = LinearModel::FromJson(m->ToJson());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_DOUBLE_EQ(back->Score(ent), p);
  // One class only: refused.
  std::vector<int> ones(tr.size(), 1);
  EXPECT_FALSE(TrainLogistic(fm, tr, ones, 1.0).ok());
}

}  // namespace
}  // namespace rapport
