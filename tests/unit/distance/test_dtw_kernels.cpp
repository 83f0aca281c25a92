// The exact-DTW kernels of every instruction set this CPU has, against a brute-force double DTW: the
// exactness contract of distance.hpp (relative error <= 1e-6; AVX2 and AVX-512 bit-identical).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>
#include <vector>

#include "helpers.hpp"
#include "nnr/core/error.hpp"
#include "nnr/core/simd.hpp"
#include "nnr/distance/distance.hpp"

namespace d = nnr::distance;
using nnr::MatrixF;

namespace {

// D(i, j) = ||a_i - b_j|| + min(...) over |i - j| <= w, all in double, straight from the definition.
double brute_force_dtw(const MatrixF& a, const MatrixF& b, int band) {
  const std::size_t na = a.rows, nb = b.rows;
  const std::size_t diff = na > nb ? na - nb : nb - na;
  const std::size_t w = band < 0 ? std::max(na, nb) : std::max<std::size_t>(band, diff);
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> D((na + 1) * (nb + 1), inf);
  D[0] = 0;
  for (std::size_t i = 1; i <= na; ++i)
    for (std::size_t j = 1; j <= nb; ++j) {
      if ((i > j ? i - j : j - i) > w) continue;
      double c = 0;
      for (std::size_t k = 0; k < a.cols; ++k) {
        const double t = double(a(i - 1, k)) - double(b(j - 1, k));
        c += t * t;
      }
      D[i * (nb + 1) + j] = std::sqrt(c) + std::min({D[(i - 1) * (nb + 1) + j - 1], D[(i - 1) * (nb + 1) + j],
                                                     D[i * (nb + 1) + j - 1]});
    }
  return D[na * (nb + 1) + nb];
}

class Level {  // runs a scope under NNR_SIMD=<name>
 public:
  explicit Level(const char* name) { setenv("NNR_SIMD", name, 1); }
  ~Level() { unsetenv("NNR_SIMD"); }
};

std::vector<const char*> levels_here() {
  std::vector<const char*> v{"baseline"};
  if (nnr::simd_level() >= nnr::SimdLevel::avx2) v.push_back("avx2");
  if (nnr::simd_level() >= nnr::SimdLevel::avx512) v.push_back("avx512");
  return v;
}

// MFCC-like sets: random walks at MFCC scale (tens), lengths around every tile remainder.
std::vector<MatrixF> set_of(std::size_t n, std::uint64_t seed) {
  std::vector<MatrixF> v;
  for (std::size_t i = 0; i < n; ++i) v.push_back(nnr::test::random_sequence(1 + (i * 5) % 23, 24, seed + i, 8.0));
  return v;
}

double max_relative_error(const nnr::MatrixD& got, const std::vector<MatrixF>& q, const std::vector<MatrixF>& r,
                          int band) {
  double worst = 0;
  for (std::size_t i = 0; i < q.size(); ++i)
    for (std::size_t j = 0; j < r.size(); ++j) {
      const double ref = brute_force_dtw(q[i], r[j], band);
      worst = std::max(worst, std::abs(got(i, j) - ref) / ref);
    }
  return worst;
}

}  // namespace

TEST(DtwKernels, EveryLevelWithin1e6OfTheDoubleDefinition) {
  const auto queries = set_of(29, 1), refs = set_of(41, 500);  // partial lane groups, 1..23 frames
  for (const char* level : levels_here()) {
    Level scope(level);
    for (int band : {-1, 0, 3}) {
      const auto dist = d::make_sequence_distance("dtw", {{"band", band}});
      const nnr::MatrixD got = d::all_pairs(queries, refs, *dist, 2);
      EXPECT_LE(max_relative_error(got, queries, refs, band), 1e-6) << level << " band " << band;
      EXPECT_EQ(got(7, 11), d::dtw(queries[7], refs[11], band)) << level;  // all_pairs == dtw()
    }
  }
}

TEST(DtwKernels, PaperLengthFixturesWithin1e6) {
  std::vector<MatrixF> seqs;
  for (const char* name : {"chirp", "noise", "two_tone"}) seqs.push_back(nnr::test::fixture_mfcc(name));
  seqs.push_back(nnr::test::random_sequence(173, 24, 9, 10.0));
  seqs.push_back(nnr::test::random_sequence(346, 24, 10, 10.0));  // TS 0.5 of a 4 s clip
  for (const char* level : levels_here()) {
    Level scope(level);
    const nnr::MatrixD got = d::all_pairs(seqs, seqs, *d::make_sequence_distance("dtw"), 1);
    double worst = 0;
    for (std::size_t i = 0; i < seqs.size(); ++i)
      for (std::size_t j = 0; j < seqs.size(); ++j)
        if (i != j) worst = std::max(worst, std::abs(got(i, j) / d::dtw_reference(seqs[i], seqs[j]) - 1));
    EXPECT_LE(worst, 1e-6) << level;
  }
}

TEST(DtwKernels, Avx2AndAvx512GiveTheSameBitsAtAnyThreadCount) {
  if (nnr::simd_level() < nnr::SimdLevel::avx512) GTEST_SKIP() << "this CPU has no AVX-512";
  const auto queries = set_of(19, 3), refs = set_of(70, 700);
  const auto dist = d::make_sequence_distance("dtw");
  nnr::MatrixD avx2, avx512;
  {
    Level scope("avx2");
    avx2 = d::all_pairs(queries, refs, *dist, 1);
  }
  {
    Level scope("avx512");
    avx512 = d::all_pairs(queries, refs, *dist, 3);
  }
  EXPECT_EQ(avx2.data, avx512.data);
}

TEST(DtwKernels, UnknownLevelIsAConfigError) {
  Level scope("avx9000");
  EXPECT_THROW(nnr::simd_level(), nnr::Error);
}
