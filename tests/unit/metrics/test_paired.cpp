// Paired comparisons: the difference and its interval against bootstrap_mean, the permutation p against an
// exact enumeration of every sign flip, and Holm against a hand-computed case.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "nnr/metrics/paired.hpp"

TEST(Paired, DifferenceAndIntervalEqualBootstrapOfTheDifferences) {
  std::mt19937_64 rng(5);
  std::normal_distribution<double> g(0.3, 1.0);
  std::vector<double> d(40);
  for (auto& x : d) x = g(rng);
  d[7] = NAN;  // a clip missing on one side
  nnr::metrics::BootstrapOptions b;
  b.resamples = 500;
  b.seed = 99;
  nnr::metrics::PermutationOptions p;
  p.permutations = 0;
  const auto r = nnr::metrics::paired_differences({d}, b, p);
  const auto ref = nnr::metrics::bootstrap_mean(d, b);
  EXPECT_NEAR(r[0].difference.value, ref.value, 1e-12);
  EXPECT_NEAR(r[0].difference.ci_low, ref.ci_low, 1e-12);
  EXPECT_NEAR(r[0].difference.ci_high, ref.ci_high, 1e-12);
  EXPECT_EQ(r[0].difference.n, 39u);
}

TEST(Paired, PermutationPMatchesExactEnumeration) {
  // n = 12: all 4096 sign flips give the exact p; 40,000 random flips must land within Monte Carlo error.
  const std::vector<double> d = {0.9, 0.4, -0.2, 1.1, 0.3, 0.7, -0.5, 0.8, 0.2, 0.6, -0.1, 0.5};
  double obs = 0;
  for (double x : d) obs += x;
  std::size_t extreme = 0;
  for (unsigned mask = 0; mask < 4096; ++mask) {
    double s = 0;
    for (std::size_t i = 0; i < d.size(); ++i) s += (mask >> i & 1) ? d[i] : -d[i];
    extreme += std::abs(s) >= std::abs(obs) - 1e-12;
  }
  const double exact = static_cast<double>(extreme) / 4096.0;
  nnr::metrics::BootstrapOptions b;
  b.resamples = 0;
  b.threads = 2;
  nnr::metrics::PermutationOptions p;
  p.permutations = 40000;
  p.seed = 3;
  const auto r = nnr::metrics::paired_differences({d, std::vector<double>(12, 0.0)}, b, p);
  EXPECT_NEAR(r[0].p_value, exact, 4 * std::sqrt(exact * (1 - exact) / 40000));
  EXPECT_DOUBLE_EQ(r[1].p_value, 1.0);  // no difference at all: every flip is as extreme
  EXPECT_LT(exact, 0.05);
  EXPECT_GT(exact, 0.001);
}

TEST(Paired, HolmStepDown) {
  // p = (0.01, 0.04, 0.03, 0.005), m = 4: sorted 0.005*4 = 0.02, 0.01*3 = 0.03, 0.03*2 = 0.06, 0.04*1 -> 0.06.
  const auto adj = nnr::metrics::holm({0.01, 0.04, 0.03, 0.005, NAN});
  EXPECT_DOUBLE_EQ(adj[3], 0.02);
  EXPECT_DOUBLE_EQ(adj[0], 0.03);
  EXPECT_DOUBLE_EQ(adj[2], 0.06);
  EXPECT_DOUBLE_EQ(adj[1], 0.06);
  EXPECT_TRUE(std::isnan(adj[4]));
  EXPECT_DOUBLE_EQ(nnr::metrics::holm({0.6, 0.7})[1], 1.0);
}
