// Breakdown magnitudes: the crossing by linear interpolation on hand-made curves, the grid's ends, and the
// bootstrap interval.
#include <gtest/gtest.h>

#include <cmath>

#include "nnr/core/error.hpp"
#include "nnr/metrics/breakdown.hpp"

using nnr::metrics::BreakdownStatus;
using nnr::metrics::BreakdownWalk;

namespace {
/// A walk whose clips are 0/1 with the given fraction of ones at each magnitude (n clips).
BreakdownWalk walk(std::vector<double> mags, std::vector<double> fractions, std::size_t n = 100) {
  BreakdownWalk w;
  w.magnitudes = std::move(mags);
  for (double f : fractions) {
    std::vector<double> v(n);
    for (std::size_t c = 0; c < n; ++c) v[c] = static_cast<double>(c) < f * static_cast<double>(n) ? 1.0 : 0.0;
    w.values.push_back(std::move(v));
  }
  return w;
}
}  // namespace

TEST(Breakdown, InterpolatesBetweenTheGridPoints) {
  // PS up from the identity: 1.0 at 0, 0.95 at 1, 0.70 at 4, 0.2 at 12. 0.9 is crossed between 1 and 4 at
  // 1 + 3 * (0.95 - 0.9) / (0.95 - 0.70) = 1.6; 0.5 between 4 and 12 at 4 + 8 * 0.2 / 0.5 = 7.2.
  const auto w = walk({0, 1, 4, 12}, {1.0, 0.95, 0.70, 0.2});
  nnr::metrics::BootstrapOptions b;
  b.resamples = 0;
  auto r = nnr::metrics::breakdown_magnitude(w, 0.9, b);
  EXPECT_EQ(r.status, BreakdownStatus::reached);
  EXPECT_NEAR(r.magnitude, 1.6, 1e-12);
  r = nnr::metrics::breakdown_magnitude(w, 0.5, b);
  EXPECT_NEAR(r.magnitude, 7.2, 1e-12);
  // Walking down (magnitudes decreasing, e.g. SNR): the same arithmetic on the walk's order.
  const auto down = walk({30, 20, 10, 0}, {0.99, 0.93, 0.81, 0.1});
  r = nnr::metrics::breakdown_magnitude(down, 0.9, b);
  EXPECT_NEAR(r.magnitude, 20 - 10 * (0.93 - 0.9) / (0.93 - 0.81), 1e-12);
  // The first crossing counts even if the curve recovers later.
  EXPECT_NEAR(nnr::metrics::crossing_position({1.0, 0.8, 0.95, 0.1}, 0.9), 0.5, 1e-12);
}

TEST(Breakdown, SaysWhenTheGridDoesNotReachTheThreshold) {
  nnr::metrics::BootstrapOptions b;
  b.resamples = 200;
  auto r = nnr::metrics::breakdown_magnitude(walk({0, 1, 4}, {1.0, 0.98, 0.96}), 0.9, b);
  EXPECT_EQ(r.status, BreakdownStatus::not_reached);
  EXPECT_TRUE(std::isnan(r.magnitude));
  EXPECT_TRUE(std::isnan(r.ci_high));
  r = nnr::metrics::breakdown_magnitude(walk({-6, 3, 9}, {0.3, 0.6, 0.9}), 0.9, b);  // already below
  EXPECT_EQ(r.status, BreakdownStatus::before_grid);
  EXPECT_DOUBLE_EQ(r.magnitude, -6);
}

TEST(Breakdown, BootstrapIntervalBracketsTheEstimateAndIsSeeded) {
  // Clips that each break at their own magnitude: clip c holds (1) up to c / 10 semitones, so the mean
  // falls smoothly; the interval must contain the point estimate and repeat exactly for the same seed.
  BreakdownWalk w;
  w.magnitudes = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  for (double m : w.magnitudes) {
    std::vector<double> v(60);
    for (std::size_t c = 0; c < v.size(); ++c) v[c] = m <= static_cast<double>(c % 11) ? 1.0 : 0.0;
    w.values.push_back(v);
  }
  nnr::metrics::BootstrapOptions b;
  b.resamples = 300;
  b.seed = 11;
  b.threads = 2;
  const auto r = nnr::metrics::breakdown_magnitude(w, 0.5, b);
  EXPECT_EQ(r.status, BreakdownStatus::reached);
  EXPECT_LT(r.ci_low, r.magnitude);
  EXPECT_GT(r.ci_high, r.magnitude);
  EXPECT_GT(r.ci_low, 3.0);
  EXPECT_LT(r.ci_high, 8.0);
  b.threads = 1;
  const auto again = nnr::metrics::breakdown_magnitude(w, 0.5, b);
  EXPECT_EQ(again.ci_low, r.ci_low);
  EXPECT_EQ(again.ci_high, r.ci_high);
  // The same curve walked downwards (magnitudes 0, -1, ..., -10): the interval is the mirror image, still
  // ci_low <= ci_high as numbers.
  auto mirrored = w;
  for (auto& m : mirrored.magnitudes) m = -m;
  const auto down = nnr::metrics::breakdown_magnitude(mirrored, 0.5, b);
  EXPECT_DOUBLE_EQ(down.magnitude, -r.magnitude);
  EXPECT_DOUBLE_EQ(down.ci_low, -r.ci_high);
  EXPECT_DOUBLE_EQ(down.ci_high, -r.ci_low);
  EXPECT_THROW(nnr::metrics::breakdown_magnitude(walk({0}, {1.0}), 0.5, b), nnr::Error);
}
