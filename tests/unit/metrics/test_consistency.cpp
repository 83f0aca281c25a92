#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "nnr/core/error.hpp"
#include "nnr/core/random.hpp"
#include "nnr/metrics/consistency.hpp"

namespace nm = nnr::metrics;

namespace {
nnr::MatrixD random_matrix(std::size_t q, std::size_t n, std::uint64_t seed) {
  nnr::Rng rng(seed);
  nnr::MatrixD d(q, n);
  for (auto& v : d.data) v = nnr::uniform01(rng);
  return d;
}
// Points on a line: originals at j, transformed clip i at i + offset (+ jitter). Audio-like distances.
nnr::MatrixD line_distances(std::size_t n, double offset, std::uint64_t seed) {
  nnr::Rng rng(seed);
  nnr::MatrixD d(n, n);
  for (std::size_t i = 0; i < n; ++i) {
    const double x = static_cast<double>(i) + offset + 0.1 * nnr::uniform01(rng);
    for (std::size_t j = 0; j < n; ++j) d(i, j) = std::abs(x - static_cast<double>(j));
  }
  return d;
}
}  // namespace

TEST(Consistency, DeltaStrictAndTiesAreErrors) {
  nnr::MatrixD d(3, 3);
  const double v[3][3] = {{0.1, 0.5, 0.7},   // own nearest -> 0
                          {0.3, 0.3, 0.9},   // equidistant to own and another -> error
                          {0.2, 0.4, 0.6}};  // another nearer -> error
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) d(i, j) = v[i][j];
  EXPECT_EQ(nm::delta(d), (std::vector<std::uint8_t>{0, 1, 1}));
  EXPECT_DOUBLE_EQ(nm::within_consistency(nm::delta(d)), 1.0 / 3.0);
  d(0, 2) = NAN;
  EXPECT_EQ(nm::delta(d)[0], 1);  // NaN counts as an error
  // Explicit own index (rectangular: 2 transformed rows, 3 originals).
  nnr::MatrixD r(2, 3);
  r(0, 0) = 5; r(0, 1) = 6; r(0, 2) = 1;
  r(1, 0) = 1; r(1, 1) = 2; r(1, 2) = 3;
  EXPECT_EQ(nm::delta(r, {2, 0}), (std::vector<std::uint8_t>{0, 0}));
  EXPECT_THROW(nm::delta(r, {2}), nnr::Error);
  EXPECT_THROW(nm::delta(r, {2, 3}), nnr::Error);
}

TEST(Consistency, SpearmanTiesUseAverageRanks) {
  // x ranks {1, 2.5, 2.5, 4}, y ranks {1, 2, 3, 4}: Pearson = 4.5 / sqrt(4.5 * 5) = 0.9486832980505138
  // (scipy.stats.spearmanr([1, 2, 2, 3], [10, 20, 30, 40]) = 0.9486832980505138).
  const double x[] = {1, 2, 2, 3}, y[] = {10, 20, 30, 40};
  EXPECT_NEAR(nm::spearman(x, y, 4), 3.0 / std::sqrt(10.0), 1e-12);
  const auto r = nm::average_ranks(x, 4);
  EXPECT_EQ(r, (std::vector<double>{1, 2.5, 2.5, 4}));
  const double c[] = {1, 1, 1, 1};
  EXPECT_TRUE(std::isnan(nm::spearman(x, c, 4)));
  const double yrev[] = {4, 3, 2, 1}, xs[] = {1, 2, 3, 4};
  EXPECT_DOUBLE_EQ(nm::spearman(xs, yrev, 4), -1.0);
}

TEST(Consistency, CopyOfAudioSpaceIsFullyConsistent) {
  const auto audio = line_distances(40, 0.3, 1);
  nnr::MatrixD latent = audio;
  for (auto& v : latent.data) v = 3.0 * v * v + 1.0;  // monotone transform: same ranks
  const auto da = nm::delta(audio), dl = nm::delta(latent);
  EXPECT_DOUBLE_EQ(nm::within_consistency(da), nm::within_consistency(dl));
  EXPECT_DOUBLE_EQ(nm::between_accuracy(da, dl), 1.0);
  for (double rho : nm::per_clip_spearman(audio, latent)) EXPECT_NEAR(rho, 1.0, 1e-12);
  EXPECT_NEAR(nm::pooled_spearman(audio, latent), 1.0, 1e-12);
  nm::BootstrapOptions o;
  o.resamples = 200;
  o.seed = 5;
  const auto b = nm::between_space(audio, latent, o);
  EXPECT_DOUBLE_EQ(b.c_b_acc.value, 1.0);
  EXPECT_NEAR(b.c_b_rho_per_clip.value, 1.0, 1e-12);
  EXPECT_NEAR(b.c_b_rho_pooled.value, 1.0, 1e-12);
  EXPECT_NEAR(b.c_b_rho_pooled.ci_low, 1.0, 1e-9);
  EXPECT_EQ(b.c_b_acc.n, 40u);
}

TEST(Consistency, RandomLatentSpaceHasRhoNearZero) {
  const auto audio = line_distances(60, 0.3, 2);
  const auto latent = random_matrix(60, 60, 3);
  const auto per = nm::per_clip_spearman(audio, latent);
  double mean = 0;
  for (double v : per) mean += v / static_cast<double>(per.size());
  EXPECT_NEAR(mean, 0.0, 0.05);
  EXPECT_NEAR(nm::pooled_spearman(audio, latent), 0.0, 0.05);
  nm::BootstrapOptions o;
  o.resamples = 300;
  o.seed = 9;
  const auto e = nm::bootstrap_pooled_spearman(audio, latent, o);
  EXPECT_LE(e.ci_low, e.value);
  EXPECT_GE(e.ci_high, e.value);
  EXPECT_LE(e.ci_low, 0.0);
  EXPECT_GE(e.ci_high, 0.0);
}

TEST(Consistency, PerClipExcludesOwnOriginal) {
  // Row 0: audio and latent agree on the other originals but not on the own one.
  nnr::MatrixD a(1, 4), l(1, 4);
  const double av[] = {0.0, 1, 2, 3}, lv[] = {9.0, 1, 2, 3};
  for (int j = 0; j < 4; ++j) { a(0, j) = av[j]; l(0, j) = lv[j]; }
  EXPECT_DOUBLE_EQ(nm::per_clip_spearman(a, l)[0], 1.0);
  EXPECT_LT(nm::pooled_spearman(a, l), 1.0);
}

namespace {
// The pooled rho of each resample by brute force: the resampled rows written out and re-ranked.
std::vector<double> brute_force_pooled(const nnr::MatrixD& audio, const nnr::MatrixD& latent, std::uint64_t seed,
                                       std::size_t resamples) {
  std::vector<double> stats;
  for (std::size_t b = 0; b < resamples; ++b) {
    const auto counts = nm::resample_counts(audio.rows, seed, b);
    std::vector<double> x, y;
    for (std::size_t i = 0; i < audio.rows; ++i)
      for (std::uint32_t c = 0; c < counts[i]; ++c)
        for (std::size_t j = 0; j < audio.cols; ++j) { x.push_back(audio(i, j)); y.push_back(latent(i, j)); }
    stats.push_back(nm::spearman(x.data(), y.data(), x.size()));
  }
  return stats;
}
}  // namespace

TEST(Consistency, PooledBootstrapMatchesBruteForce) {
  // The weighted-rank shortcut equals re-ranking the explicitly resampled pooled vector (ties included).
  auto audio = random_matrix(12, 7, 4), latent = random_matrix(12, 7, 5);
  for (auto& v : audio.data) v = std::round(v * 5);  // many ties
  nm::BootstrapOptions o;
  o.resamples = 20;
  o.seed = 77;
  o.level = 0.5;
  const auto stats = brute_force_pooled(audio, latent, o.seed, 20);
  const auto e = nm::bootstrap_pooled_spearman(audio, latent, o);
  EXPECT_NEAR(e.ci_low, nm::percentile(stats, 25), 1e-12);
  EXPECT_NEAR(e.ci_high, nm::percentile(stats, 75), 1e-12);
  o.threads = 3;
  const auto e3 = nm::bootstrap_pooled_spearman(audio, latent, o);
  EXPECT_EQ(e3.ci_low, e.ci_low);
  EXPECT_EQ(e3.ci_high, e.ci_high);
}

TEST(Consistency, PooledBootstrapWithoutTiesMatchesBruteForce) {
  // Continuous distances take the branch-free pass (no tie groups); it must equal re-ranking too.
  const auto audio = random_matrix(15, 9, 6), latent = random_matrix(15, 9, 7);
  nm::BootstrapOptions o;
  o.resamples = 30;
  o.seed = 5;
  o.level = 0.8;
  const auto stats = brute_force_pooled(audio, latent, o.seed, 30);
  const auto e = nm::bootstrap_pooled_spearman(audio, latent, o);
  EXPECT_NEAR(e.value, nm::pooled_spearman(audio, latent), 1e-12);
  EXPECT_NEAR(e.ci_low, nm::percentile(stats, 10), 1e-12);
  EXPECT_NEAR(e.ci_high, nm::percentile(stats, 90), 1e-12);
}

TEST(Bootstrap, ContainsPointEstimateAndShrinksWithN) {
  auto make = [](std::size_t n) {
    nnr::Rng rng(11);
    std::vector<double> v(n);
    for (auto& x : v) x = nnr::uniform01(rng) < 0.7 ? 1.0 : 0.0;
    return v;
  };
  nm::BootstrapOptions o;
  o.seed = 3;
  const auto small = nm::bootstrap_mean(make(50), o), large = nm::bootstrap_mean(make(800), o);
  for (const auto& e : {small, large}) {
    EXPECT_LE(e.ci_low, e.value);
    EXPECT_GE(e.ci_high, e.value);
  }
  EXPECT_LT(large.ci_high - large.ci_low, 0.5 * (small.ci_high - small.ci_low));
  // Deterministic from the seed.
  const auto again = nm::bootstrap_mean(make(50), o);
  EXPECT_EQ(again.ci_low, small.ci_low);
  EXPECT_EQ(again.ci_high, small.ci_high);
  // NaN values are skipped; zero resamples give NaN intervals.
  o.resamples = 0;
  const auto e = nm::bootstrap_mean({1.0, NAN, 0.0}, o);
  EXPECT_DOUBLE_EQ(e.value, 0.5);
  EXPECT_EQ(e.n, 2u);
  EXPECT_TRUE(std::isnan(e.ci_low));
}

TEST(Bootstrap, PercentileIsNumpyLinear) {
  EXPECT_DOUBLE_EQ(nm::percentile({1, 2, 3, 4}, 50), 2.5);
  EXPECT_DOUBLE_EQ(nm::percentile({1, 2, 3, 4, 5}, 2.5), 1.1);  // numpy.percentile([1..5], 2.5) = 1.1
  EXPECT_DOUBLE_EQ(nm::percentile({5, 1, NAN}, 100), 5.0);
}

namespace {
// The pooled rho of resample b from its definition in exact integers: the resampled rows written out,
// average ranks doubled (integers), moments in 128-bit, one rounding at the end.
double exact_pooled(const nnr::MatrixD& audio, const nnr::MatrixD& latent, const std::vector<std::uint32_t>& c) {
  __extension__ typedef __int128 i128;
  std::vector<double> x, y;
  for (std::size_t i = 0; i < audio.rows; ++i)
    for (std::uint32_t k = 0; k < c[i]; ++k)
      for (std::size_t j = 0; j < audio.cols; ++j) { x.push_back(audio(i, j)); y.push_back(latent(i, j)); }
  auto ranks2 = [](const std::vector<double>& v) {  // 2 x average rank (no ties in these data)
    std::vector<std::size_t> o(v.size());
    std::iota(o.begin(), o.end(), std::size_t{0});
    std::sort(o.begin(), o.end(), [&](std::size_t a, std::size_t b) { return v[a] < v[b]; });
    std::vector<std::int64_t> r(v.size());
    for (std::size_t i = 0; i < o.size();) {
      std::size_t j = i;
      while (j < o.size() && v[o[j]] == v[o[i]]) ++j;
      for (std::size_t k = i; k < j; ++k) r[o[k]] = static_cast<std::int64_t>(i + 1 + j);
      i = j;
    }
    return r;
  };
  const auto rx = ranks2(x), ry = ranks2(y);
  const i128 n = static_cast<i128>(x.size());
  i128 sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
  for (std::size_t k = 0; k < rx.size(); ++k) {
    sx += rx[k];
    sy += ry[k];
    sxx += static_cast<i128>(rx[k]) * rx[k];
    syy += static_cast<i128>(ry[k]) * ry[k];
    sxy += static_cast<i128>(rx[k]) * ry[k];
  }
  const long double cov = static_cast<long double>(n * sxy - sx * sy);
  const long double vx = static_cast<long double>(n * sxx - sx * sx), vy = static_cast<long double>(n * syy - sy * sy);
  return static_cast<double>(cov / std::sqrt(vx * vy));
}
}  // namespace

TEST(Consistency, PooledResamplesAreExactAndIndependentOfBatchingAndThreads) {
  // 200 x 150 correlated distances (rho ~ 0.9, where rounding in double sums showed at 1e-12).
  const auto audio = random_matrix(200, 150, 11);
  auto latent = random_matrix(200, 150, 12);
  for (std::size_t k = 0; k < latent.data.size(); ++k) latent.data[k] += 2 * audio.data[k];
  const nm::PooledSpearman pooled(audio, latent);
  const auto all = pooled.resamples(9, 37, 1);  // two full batches of 16 and a partial one
  for (std::size_t b : {0u, 15u, 16u, 36u}) {
    const double want = exact_pooled(audio, latent, nm::resample_counts(200, 9, b));
    EXPECT_NEAR(all[b], want, 4e-16) << b;
  }
  EXPECT_EQ(pooled.resamples(9, 37, 3), all);
  const auto first = pooled.resamples(9, 5, 2);
  EXPECT_EQ(first, std::vector<double>(all.begin(), all.begin() + 5));
  EXPECT_NEAR(pooled.value(), exact_pooled(audio, latent, std::vector<std::uint32_t>(200, 1)), 4e-16);
}

TEST(Consistency, PooledResamplesWithTiesAreExact) {
  // The OG control: every own distance is 0 in both spaces (a 150-way tie), plus rounded latent values
  // (many small ties). Same integer path, same exactness.
  auto audio = random_matrix(150, 150, 21);
  auto latent = random_matrix(150, 150, 22);
  for (std::size_t k = 0; k < latent.data.size(); ++k) latent.data[k] = std::round((latent.data[k] + audio.data[k]) * 40);
  for (std::size_t i = 0; i < 150; ++i) audio(i, i) = latent(i, i) = 0.0;
  const nm::PooledSpearman pooled(audio, latent);
  const auto all = pooled.resamples(4, 20, 2);
  for (std::size_t b : {0u, 7u, 19u})
    EXPECT_NEAR(all[b], exact_pooled(audio, latent, nm::resample_counts(150, 4, b)), 4e-16) << b;
  EXPECT_EQ(pooled.resamples(4, 20, 1), all);
}

TEST(Consistency, PooledLaneKernelsOfEveryIsaAreExact) {
  // Every lane kernel this CPU runs (32 lanes on AVX-512, 16 on AVX2 and baseline) against the exact
  // definition: 120 x 110 entries are 13 latent blocks and 2 audio blocks of the hand-over, and the rounded
  // values make tie groups that cross both kinds of block boundary (blocks start at a group, so a group
  // may make a latent block longer; the OG diagonal adds a 120-way tie).
  auto audio = random_matrix(120, 110, 31);
  auto latent = random_matrix(120, 110, 32);
  for (std::size_t k = 0; k < latent.data.size(); ++k) {
    latent.data[k] = std::round((latent.data[k] + audio.data[k]) * 300);
    audio.data[k] = std::round(audio.data[k] * 2000);
  }
  for (std::size_t i = 0; i < 110; ++i) audio(i, i) = latent(i, i) = 0.0;
  std::vector<double> first;
  for (const char* level : {"baseline", "avx2", "avx512"}) {
    setenv("NNR_SIMD", level, 1);  // capped at what this CPU has
    const nm::PooledSpearman pooled(audio, latent);
    const auto all = pooled.resamples(5, 40, 2);
    unsetenv("NNR_SIMD");
    for (std::size_t b : {0u, 15u, 16u, 31u, 32u, 39u})
      EXPECT_NEAR(all[b], exact_pooled(audio, latent, nm::resample_counts(120, 5, b)), 4e-16) << level << " " << b;
    if (first.empty()) first = all;
    EXPECT_EQ(all, first) << level;  // exact integers: the same bits on every ISA
  }
}
