#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "helpers.hpp"
#include "nnr/core/error.hpp"
#include "nnr/distance/distance.hpp"

namespace d = nnr::distance;
using nnr::MatrixF;

namespace {
MatrixF seq(std::initializer_list<std::initializer_list<float>> rows) {
  MatrixF m(rows.size(), rows.begin()->size());
  std::size_t i = 0;
  for (auto r : rows) {
    std::size_t k = 0;
    for (float v : r) m(i, k++) = v;
    ++i;
  }
  return m;
}
void expect_input_error(const std::function<void()>& fn) {
  try {
    fn();
    ADD_FAILURE() << "no throw";
  } catch (const nnr::Error& e) {
    EXPECT_EQ(e.kind(), nnr::ErrorKind::input) << e.what();
  }
}
}  // namespace

TEST(Dtw, HandComputed) {
  // Costs |a_i - b_j|: rows (0,2), (1,1), (2,0). D: (0,2), (1,1), (3,1) -> 1.
  EXPECT_EQ(d::dtw(seq({{0}, {1}, {2}}), seq({{0}, {2}})), 1.0);
  // One frame against two: 5 + 5 (3-4-5 triangle twice).
  EXPECT_EQ(d::dtw(seq({{0, 0}}), seq({{3, 4}, {3, 4}})), 10.0);
  // Warping absorbs a repeated frame: cost 0.
  EXPECT_EQ(d::dtw(seq({{1}, {2}, {2}, {3}}), seq({{1}, {2}, {3}})), 0.0);
  // Diagonal only (band 0, equal lengths): sum of |a_i - b_i|.
  EXPECT_EQ(d::dtw(seq({{0}, {5}, {0}}), seq({{1}, {0}, {1}}), 0), 1.0 + 5.0 + 1.0);
  // Unbanded: path (0,0) (0,1) (1,2) (2,1)? no - worked by hand: D(3,3) = 6 via (1,1) (1,2) (2,3) (3,3).
  EXPECT_EQ(d::dtw(seq({{0}, {5}, {0}}), seq({{1}, {0}, {1}})), 6.0);
}

TEST(Dtw, SymmetryIdentityAndReference) {
  for (std::uint64_t s = 0; s < 10; ++s) {
    const MatrixF a = nnr::test::random_sequence(20 + s * 7, 6, s);
    const MatrixF b = nnr::test::random_sequence(35 - s, 6, 100 + s);
    EXPECT_EQ(d::dtw(a, a), 0.0);
    EXPECT_EQ(d::dtw(a, b), d::dtw(b, a));
    const double ref = d::dtw_reference(a, b);
    EXPECT_NEAR(d::dtw(a, b), ref, 1e-6 * ref);
    EXPECT_GE(d::dtw(a, b, 2), d::dtw(a, b));
    EXPECT_EQ(d::dtw(a, b, 1000), d::dtw(a, b));
  }
}

TEST(Dtw, BadInputs) {
  const MatrixF ok = nnr::test::random_sequence(10, 3, 1);
  MatrixF nan = ok;
  nan(4, 1) = std::numeric_limits<float>::quiet_NaN();
  expect_input_error([&] { d::dtw(ok, MatrixF()); });
  expect_input_error([&] { d::dtw(MatrixF(), ok); });
  expect_input_error([&] { d::dtw(ok, nan); });
  expect_input_error([&] { d::dtw(ok, nnr::test::random_sequence(10, 4, 1)); });
  expect_input_error([&] { d::fastdtw(nan, ok); });
  EXPECT_THROW(d::dtw(ok, ok, -2), nnr::Error);
}

TEST(Vectors, EuclideanAndCosine) {
  const float x[] = {3, 0, 4}, y[] = {0, 0, 0}, z[] = {6, 0, 8}, w[] = {0, 1, 0};
  EXPECT_DOUBLE_EQ(d::euclidean(x, y, 3), 5.0);
  EXPECT_NEAR(d::cosine(x, z, 3), 0.0, 1e-15);
  EXPECT_DOUBLE_EQ(d::cosine(x, w, 3), 1.0);
  expect_input_error([&] { d::cosine(x, y, 3); });
  MatrixF q(2, 3), r(3, 3);
  std::copy(x, x + 3, q.row(0));
  std::copy(w, w + 3, q.row(1));
  std::copy(z, z + 3, r.row(0));
  std::copy(w, w + 3, r.row(1));
  std::copy(x, x + 3, r.row(2));
  const nnr::MatrixD e = d::all_pairs_vectors(q, r, "euclidean", 2);
  ASSERT_EQ(e.rows, 2u);
  ASSERT_EQ(e.cols, 3u);
  EXPECT_DOUBLE_EQ(e(0, 0), 5.0);
  EXPECT_DOUBLE_EQ(e(1, 1), 0.0);
  const nnr::MatrixD c = d::all_pairs_vectors(q, r, "cosine", 1);
  EXPECT_DOUBLE_EQ(c(0, 1), 1.0);
  EXPECT_THROW(d::all_pairs_vectors(q, r, "manhattan", 1), nnr::Error);
}
