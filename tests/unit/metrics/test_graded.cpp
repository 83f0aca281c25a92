// Graded neighbourhood measures against hand-computed cases and, for trustworthiness and continuity, against
// scikit-learn itself (Debian's python3-sklearn, run here on the same data).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>

#include "nnr/io/npy.hpp"
#include "nnr/metrics/consistency.hpp"
#include "nnr/metrics/graded.hpp"
#include "nnr/metrics/metric.hpp"

namespace fs = std::filesystem;
using nnr::MatrixD;

namespace {

MatrixD matrix(std::size_t rows, std::size_t cols, std::vector<double> v) {
  MatrixD m(rows, cols);
  m.data = std::move(v);
  return m;
}

MatrixD euclidean(const std::vector<std::vector<double>>& x) {
  MatrixD d(x.size(), x.size());
  for (std::size_t i = 0; i < x.size(); ++i)
    for (std::size_t j = 0; j < x.size(); ++j) {
      double s = 0;
      for (std::size_t k = 0; k < x[i].size(); ++k) s += (x[i][k] - x[j][k]) * (x[i][k] - x[j][k]);
      d(i, j) = std::sqrt(s);
    }
  return d;
}

double mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return s / static_cast<double>(v.size());
}

}  // namespace

TEST(Graded, RankRecallMrrMarginHandComputed) {
  // Row 0: own (col 0) 1.0 nearest -> rank 1. Row 1: own (col 1) 3.0, one other nearer (2.0), one tied
  // (3.0, a tie counts against) -> rank 3. Row 2: own 0.5, all others farther -> rank 1. Row 3: NaN own -> last.
  const auto d = matrix(4, 4, {1.0, 2.0, 4.0, 8.0,  //
                               2.0, 3.0, 3.0, 9.0,  //
                               7.0, 6.0, 0.5, 1.5,  //
                               1.0, 1.0, 1.0, NAN});
  const auto r = nnr::metrics::own_rank(d);
  EXPECT_EQ(r, (std::vector<double>{1, 3, 1, 4}));
  EXPECT_EQ(nnr::metrics::recall_at(r, 1), (std::vector<double>{1, 0, 1, 0}));
  EXPECT_EQ(nnr::metrics::recall_at(r, 3), (std::vector<double>{1, 1, 1, 0}));
  const auto rr = nnr::metrics::reciprocal_rank(r);
  EXPECT_DOUBLE_EQ(mean(rr), (1 + 1.0 / 3 + 1 + 0.25) / 4);
  // recall@1 is C^W clip by clip.
  const auto delta = nnr::metrics::delta(d);
  for (std::size_t i = 0; i < 4; ++i) EXPECT_EQ(nnr::metrics::recall_at(r, 1)[i], delta[i] ? 0.0 : 1.0);
  const auto m = nnr::metrics::normalised_margin(d);
  EXPECT_DOUBLE_EQ(m[0], (2.0 - 1.0) / 3.0);
  EXPECT_DOUBLE_EQ(m[1], (2.0 - 3.0) / 5.0);
  EXPECT_DOUBLE_EQ(m[2], (1.5 - 0.5) / 2.0);
  EXPECT_TRUE(std::isnan(m[3]));
}

TEST(Graded, RectangularWithOwnIndex) {
  // 2 transformed clips, 3 originals: row 0's own is column 2, row 1's column 0.
  const auto d = matrix(2, 3, {5.0, 4.0, 1.0,  //
                               2.0, 1.0, 3.0});
  EXPECT_EQ(nnr::metrics::own_rank(d, {2, 0}), (std::vector<double>{1, 2}));
  const auto m = nnr::metrics::normalised_margin(d, {2, 0});
  EXPECT_DOUBLE_EQ(m[0], 3.0 / 5.0);
  EXPECT_DOUBLE_EQ(m[1], -1.0 / 3.0);
  EXPECT_DOUBLE_EQ(nnr::metrics::normalised_margin(matrix(1, 2, {0.0, 0.0}))[0], 0.0);
}

TEST(Graded, TrustworthinessHandComputed) {
  // n = 7 points, k = 2 (< 3.5). Row 0: candidates 1..6. Audio ranks of 1..6: 1..6 in order. Latent nearest
  // two: 5 (audio rank 5) and 6 (rank 6): penalty (5-2) + (6-2) = 7 of the maximum 2*(2*7-3*2-1)/2 = 7 -> 0.
  // Every other row is preserved exactly (same order in both spaces) -> 1.
  MatrixD audio(7, 7), latent(7, 7);
  for (std::size_t i = 0; i < 7; ++i)
    for (std::size_t j = 0; j < 7; ++j) {
      const double dij = i == j ? 0.0 : 1.0 + static_cast<double>((j + 7 - i) % 7);
      audio(i, j) = latent(i, j) = dij;
    }
  for (std::size_t j = 1; j < 7; ++j) latent(0, j) = 10.0 - static_cast<double>(j);  // reversed order
  const auto t = nnr::metrics::trustworthiness(audio, latent, 2);
  EXPECT_DOUBLE_EQ(t[0], 0.0);
  for (std::size_t i = 1; i < 7; ++i) EXPECT_DOUBLE_EQ(t[i], 1.0);
  // k >= n / 2: undefined, as sklearn refuses it.
  for (double v : nnr::metrics::trustworthiness(audio, latent, 4)) EXPECT_TRUE(std::isnan(v));
}

TEST(Graded, TrustworthinessAndContinuityMatchSklearn) {
  // Audio: 41 points in 6-d; latent: a noisy 3-d projection. Our per-row values averaged must equal
  // sklearn.manifold.trustworthiness(dist_audio, latent_points, metric="precomputed") within 1e-9, and
  // continuity the same with the spaces swapped.
  const std::size_t n = 41;
  std::mt19937_64 rng(7);
  std::normal_distribution<double> g(0.0, 1.0);
  std::vector<std::vector<double>> a(n, std::vector<double>(6)), l(n, std::vector<double>(3));
  for (std::size_t i = 0; i < n; ++i) {
    for (auto& x : a[i]) x = g(rng);
    for (std::size_t k = 0; k < 3; ++k) l[i][k] = a[i][k] + 0.8 * a[i][k + 3] + 0.5 * g(rng);
  }
  const MatrixD da = euclidean(a), dl = euclidean(l);
  const fs::path dir = fs::temp_directory_path() / ("nnr_trust_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::vector<double> af, lf;
  for (auto& r : a) af.insert(af.end(), r.begin(), r.end());
  for (auto& r : l) lf.insert(lf.end(), r.begin(), r.end());
  nnr::io::write_npy(dir / "da.npy", da.data, {n, n});
  nnr::io::write_npy(dir / "dl.npy", dl.data, {n, n});
  nnr::io::write_npy(dir / "a.npy", af, {n, 6});
  nnr::io::write_npy(dir / "l.npy", lf, {n, 3});
  {
    std::ofstream py(dir / "sk.py");
    py << "import sys, numpy as np\nfrom sklearn.manifold import trustworthiness as T\nd = sys.argv[1]\n"
          "L = lambda f: np.load(d + '/' + f)\n"
          "for k in (1, 5, 10):\n"
          "    print(repr(T(L('da.npy'), L('l.npy'), n_neighbors=k, metric='precomputed')),"
          " repr(T(L('dl.npy'), L('a.npy'), n_neighbors=k, metric='precomputed')))\n";
  }
  const std::string cmd = "/usr/bin/python3 " + (dir / "sk.py").string() + " " + dir.string();
  FILE* p = popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  for (const std::size_t k : {1u, 5u, 10u}) {
    double sk_t = 0, sk_c = 0;
    ASSERT_EQ(std::fscanf(p, "%lf %lf", &sk_t, &sk_c), 2) << "sklearn did not answer: is python3-sklearn installed?";
    const double t = mean(nnr::metrics::trustworthiness(da, dl, k, {}, 2));
    const double c = mean(nnr::metrics::trustworthiness(dl, da, k, {}, 2));
    EXPECT_NEAR(t, sk_t, 1e-9) << "k=" << k;
    EXPECT_NEAR(c, sk_c, 1e-9) << "k=" << k;
    EXPECT_LT(t, 1.0);  // the projection loses neighbours: a test that could fail
  }
  EXPECT_EQ(pclose(p), 0);
  fs::remove_all(dir);
}

TEST(Graded, OwnIndexIsTheExcludedPoint) {
  // The same square matrices with columns permuted and own[] following them give the same values.
  const std::size_t n = 15;
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  MatrixD a(n, n), l(n, n), ap(n, n), lp(n, n);
  for (auto& x : a.data) x = u(rng);
  for (auto& x : l.data) x = u(rng);
  std::vector<std::size_t> perm(n), own(n);
  for (std::size_t j = 0; j < n; ++j) perm[j] = (j * 4 + 3) % n;  // a permutation (gcd(4, 15) = 1)
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      ap(i, perm[j]) = a(i, j);
      lp(i, perm[j]) = l(i, j);
    }
    own[i] = perm[i];
  }
  EXPECT_EQ(nnr::metrics::trustworthiness(a, l, 3), nnr::metrics::trustworthiness(ap, lp, 3, own));
  EXPECT_EQ(nnr::metrics::own_rank(a), nnr::metrics::own_rank(ap, own));
}

TEST(Graded, TableMembersCarryPerClipValues) {
  const auto d = matrix(3, 3, {0.1, 0.5, 0.9,  //
                               0.4, 0.3, 0.2,  //
                               0.6, 0.7, 0.05});
  const std::vector<std::size_t> own = {0, 1, 2};
  nnr::metrics::MetricInput in;
  in.space = &d;
  in.own = &own;
  in.boot.resamples = 50;
  const auto& table = nnr::metrics::metric_registry();
  const auto r5 = nnr::metrics::compute_metric(table.find("recall_at_1"), in);
  const auto cw = nnr::metrics::compute_metric(table.find("C_W"), in);
  ASSERT_EQ(r5.size(), 1u);
  EXPECT_EQ(r5[0].per_clip, (std::vector<double>{1, 0, 1}));
  EXPECT_EQ(r5[0].per_clip, cw[0].per_clip);
  EXPECT_DOUBLE_EQ(r5[0].estimate.value, 2.0 / 3.0);
  const auto rank = nnr::metrics::compute_metric(table.find("own_rank"), in);
  EXPECT_DOUBLE_EQ(rank[0].estimate.value, (1 + 2 + 1) / 3.0);
  EXPECT_FALSE(table.find("own_rank").higher_is_better);
}
