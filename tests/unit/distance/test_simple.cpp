#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <limits>

#include "helpers.hpp"
#include "nnr/core/error.hpp"
#include "nnr/distance/distance.hpp"

namespace d = nnr::distance;
using nnr::MatrixF;

namespace {
// The naive join, O(na nb m d).
std::vector<double> naive_profile(const MatrixF& a, const MatrixF& b, std::size_t m) {
  std::vector<double> p;
  for (std::size_t i = 0; i + m <= a.rows; ++i) {
    double best = std::numeric_limits<double>::infinity();
    for (std::size_t j = 0; j + m <= b.rows; ++j) {
      double s = 0;
      for (std::size_t t = 0; t < m; ++t)
        for (std::size_t k = 0; k < a.cols; ++k) {
          const double diff = double(a(i + t, k)) - double(b(j + t, k));
          s += diff * diff;
        }
      best = std::min(best, s);
    }
    p.push_back(best);
  }
  return p;
}
}  // namespace

TEST(Simple, MatchesNaiveJoin) {
  for (std::uint64_t s = 0; s < 5; ++s) {
    const MatrixF a = nnr::test::random_sequence(60 + 9 * s, 5, s);
    const MatrixF b = nnr::test::random_sequence(75 - 3 * s, 5, 40 + s);
    for (std::size_t m : {1u, 10u, 50u}) {
      const auto fast = d::simple_profile(a, b, int(m));
      const auto ref = naive_profile(a, b, m);
      ASSERT_EQ(fast.size(), ref.size());
      for (std::size_t i = 0; i < ref.size(); ++i) EXPECT_NEAR(fast[i], ref[i], 1e-9 * ref[i] + 1e-9);
    }
  }
}

TEST(Simple, LongSequencesMatchOnBothPaths) {
  // 800 x 700 frames: the float-cost path; 1500 x 1450 (> 2^21 frame pairs): the all-double path with its
  // row ring.
  for (std::size_t n : {800u, 1500u}) {
    const MatrixF a = nnr::test::random_sequence(n, 2, 5), b = nnr::test::random_sequence(n - 50 - n / 20, 2, 6);
    const auto fast = d::simple_profile(a, b, 50);
    const auto ref = naive_profile(a, b, 50);
    ASSERT_EQ(fast.size(), ref.size());
    for (std::size_t i = 0; i < ref.size(); ++i) EXPECT_NEAR(fast[i], ref[i], 1e-9 * ref[i] + 1e-9) << n << " " << i;
  }
}

TEST(Simple, DistanceIsTheExactMedianOnEveryInstructionSet) {
  // The float costs only choose which windows to recompute; the reported median is recomputed in double
  // from the frames, so every ISA gives the same bits, equal to the naive join's median within 1e-12.
  std::vector<MatrixF> q, r;
  for (std::uint64_t s = 0; s < 6; ++s) {
    q.push_back(nnr::test::random_sequence(120 + 7 * s, 24, s, 5.0));
    r.push_back(nnr::test::random_sequence(173 - 3 * s, 24, 50 + s, 5.0));
  }
  r.push_back(q[2]);  // an identical pair: profile zeros around the own alignment
  const auto dist = d::make_sequence_distance("simple");
  std::vector<nnr::MatrixD> got;
  for (const char* level : {"baseline", "avx2", "avx512"}) {
    setenv("NNR_SIMD", level, 1);  // capped at what this CPU has
    got.push_back(d::all_pairs(q, r, *dist, 2));
    unsetenv("NNR_SIMD");
  }
  EXPECT_EQ(got[0].data, got[1].data);
  EXPECT_EQ(got[0].data, got[2].data);
  for (std::size_t i = 0; i < q.size(); ++i)
    for (std::size_t j = 0; j < r.size(); ++j) {
      auto p = naive_profile(q[i], r[j], 50);
      std::sort(p.begin(), p.end());
      const std::size_t h = p.size() / 2;
      const double median = p.size() % 2 ? p[h] : (p[h - 1] + p[h]) / 2;
      EXPECT_NEAR(got[0](i, j), median, 1e-12 * median) << i << " " << j;
    }
}

TEST(Simple, MedianIdentityAndAsymmetry) {
  const MatrixF a = nnr::test::random_sequence(80, 4, 1), b = nnr::test::random_sequence(120, 4, 2);
  EXPECT_EQ(d::simple_distance(a, a, 20), 0.0);
  auto p = naive_profile(a, b, 20);  // 61 values: odd -> middle one
  std::sort(p.begin(), p.end());
  EXPECT_NEAR(d::simple_distance(a, b, 20), p[30], 1e-9 * p[30]);
  EXPECT_NE(d::simple_distance(a, b, 20), d::simple_distance(b, a, 20));
  auto q = naive_profile(a, b, 21);  // 60 values: even -> mean of the middle two
  std::sort(q.begin(), q.end());
  EXPECT_NEAR(d::simple_distance(a, b, 21), (q[29] + q[30]) / 2, 1e-9 * q[30]);
}

TEST(Simple, TooShortIsAnInputError) {
  const MatrixF a = nnr::test::random_sequence(49, 4, 1), b = nnr::test::random_sequence(120, 4, 2);
  for (auto* fn : {+[](const MatrixF& x, const MatrixF& y) { return d::simple_distance(x, y, 50); }}) {
    for (auto pr : {std::make_pair(&a, &b), std::make_pair(&b, &a)}) {
      try {
        fn(*pr.first, *pr.second);
        ADD_FAILURE() << "no throw";
      } catch (const nnr::Error& e) {
        EXPECT_EQ(e.kind(), nnr::ErrorKind::input);
        EXPECT_NE(std::string(e.what()).find("m=50"), std::string::npos) << e.what();
      }
    }
  }
  EXPECT_THROW(d::simple_distance(b, b, 0), nnr::Error);
}
