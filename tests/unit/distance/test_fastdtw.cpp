#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <utility>
#include <vector>
#include <nlohmann/json.hpp>

#include "helpers.hpp"
#include "nnr/core/error.hpp"
#include "nnr/distance/distance.hpp"

namespace d = nnr::distance;
using nnr::MatrixF;

TEST(FastDtw, NeverBelowExactAndEqualWhenRadiusCovers) {
  for (std::uint64_t s = 0; s < 12; ++s) {
    const MatrixF a = nnr::test::random_sequence(30 + 5 * s, 4, s);
    const MatrixF b = nnr::test::random_sequence(50 - 2 * s, 4, 50 + s);
    const double exact = d::dtw_reference(a, b);
    for (int r : {1, 2, 3, 5}) EXPECT_GE(d::fastdtw(a, b, r), exact) << s << " r=" << r;
    EXPECT_EQ(d::fastdtw(a, b, 100), exact);  // radius + 2 > lengths: full DTW
    EXPECT_NEAR(d::dtw(a, b), exact, 1e-6 * exact);
  }
  // Radius 0 works when no level has an odd length and fails clearly (as the package does) on odd ones.
  const MatrixF e1 = nnr::test::random_sequence(32, 3, 1), e2 = nnr::test::random_sequence(64, 3, 2);  // powers of two: no odd level
  EXPECT_GE(d::fastdtw(e1, e2, 0), d::dtw_reference(e1, e2));
  EXPECT_THROW(d::fastdtw(nnr::test::random_sequence(33, 3, 1), e2, 0), nnr::Error);
  EXPECT_EQ(d::fastdtw(e1, e1, 1), 0.0);
}

TEST(SequenceDistances, MatchPythonFixtures) {
  std::ifstream in(std::string(NNR_FIXTURES_DIR) + "/librosa/sequence_distances.json");
  const nlohmann::json j = nlohmann::json::parse(in);
  ASSERT_EQ(j.at("pairs").size(), 9u);
  for (const auto& p : j.at("pairs")) {
    const MatrixF a = nnr::test::fixture_mfcc(p.at("a").get<std::string>());
    const MatrixF b = nnr::test::fixture_mfcc(p.at("b").get<std::string>());
    const std::string pair = p.at("a").get<std::string>() + "/" + p.at("b").get<std::string>();
    auto near = [&](double got, const char* key, double rel) {
      const double want = p.at(key).get<double>();
      EXPECT_NEAR(got, want, rel * std::abs(want) + 1e-9) << pair << " " << key;
    };
    near(d::fastdtw(a, b, 1), "fastdtw_r1", 1e-9);
    near(d::fastdtw(a, b, 10), "fastdtw_r10", 1e-9);
    near(d::dtw_reference(a, b), "dtw_exact", 1e-9);
    near(d::dtw(a, b), "dtw_exact", 1e-6);
    near(d::simple_distance(a, b, 50), "simple_m50_median", 1e-6);
  }
}

namespace {

// fastdtw.py transcribed as literally as C++ allows (sets of cells, a map with infinite default, min with
// key: the first smallest candidate), with scipy's euclidean as the frame distance.
using Frames = std::vector<std::vector<double>>;
using Cell = std::pair<long, long>;

Frames frames_of(const MatrixF& m) {
  Frames f(m.rows, std::vector<double>(m.cols));
  for (std::size_t i = 0; i < m.rows; ++i)
    for (std::size_t k = 0; k < m.cols; ++k) f[i][k] = m(i, k);
  return f;
}

double euclidean(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0;
  for (std::size_t k = 0; k < a.size(); ++k) s += (a[k] - b[k]) * (a[k] - b[k]);
  return std::sqrt(s);
}

std::pair<double, std::vector<Cell>> package_dtw(const Frames& x, const Frames& y, const std::vector<Cell>* window) {
  const long lx = static_cast<long>(x.size()), ly = static_cast<long>(y.size());
  std::vector<Cell> all;
  if (!window) {
    for (long i = 0; i < lx; ++i)
      for (long j = 0; j < ly; ++j) all.emplace_back(i, j);
    window = &all;
  }
  struct Entry { double v; long i, j; };
  std::map<Cell, Entry> D;
  const auto at = [&](long i, long j) {
    const auto it = D.find({i, j});
    return it == D.end() ? Entry{std::numeric_limits<double>::infinity(), 0, 0} : it->second;
  };
  D[{0, 0}] = {0, 0, 0};
  for (auto [i, j] : *window) {
    ++i;
    ++j;
    const double dt = euclidean(x[i - 1], y[j - 1]);
    Entry best{at(i - 1, j).v + dt, i - 1, j};
    if (at(i, j - 1).v + dt < best.v) best = {at(i, j - 1).v + dt, i, j - 1};
    if (at(i - 1, j - 1).v + dt < best.v) best = {at(i - 1, j - 1).v + dt, i - 1, j - 1};
    D[{i, j}] = best;
  }
  std::vector<Cell> path;
  long i = lx, j = ly;
  while (!(i == 0 && j == 0)) {
    path.emplace_back(i - 1, j - 1);
    const Entry e = at(i, j);
    i = e.i;
    j = e.j;
  }
  std::reverse(path.begin(), path.end());
  return {at(lx, ly).v, path};
}

Frames package_reduce_by_half(const Frames& x) {
  Frames r;
  for (std::size_t i = 0; i + 1 < x.size(); i += 2) {
    std::vector<double> f(x[i].size());
    for (std::size_t k = 0; k < f.size(); ++k) f[k] = (x[i][k] + x[i + 1][k]) / 2;
    r.push_back(f);
  }
  return r;
}

std::vector<Cell> package_expand_window(const std::vector<Cell>& path, long lx, long ly, long radius) {
  std::set<Cell> near(path.begin(), path.end());
  for (const auto& [i, j] : path)
    for (long a = -radius; a <= radius; ++a)
      for (long b = -radius; b <= radius; ++b) near.insert({i + a, j + b});
  std::set<Cell> doubled;
  for (const auto& [i, j] : near)
    for (const Cell& c : {Cell{2 * i, 2 * j}, Cell{2 * i, 2 * j + 1}, Cell{2 * i + 1, 2 * j}, Cell{2 * i + 1, 2 * j + 1}})
      doubled.insert(c);
  std::vector<Cell> window;
  long start_j = 0;
  for (long i = 0; i < lx; ++i) {
    long new_start_j = -1;
    for (long j = start_j; j < ly; ++j) {
      if (doubled.count({i, j})) {
        window.emplace_back(i, j);
        if (new_start_j < 0) new_start_j = j;
      } else if (new_start_j >= 0) {
        break;
      }
    }
    start_j = new_start_j;
  }
  return window;
}

std::pair<double, std::vector<Cell>> package_fastdtw(const Frames& x, const Frames& y, long radius) {
  const std::size_t min_size = static_cast<std::size_t>(radius) + 2;
  if (x.size() < min_size || y.size() < min_size) return package_dtw(x, y, nullptr);
  const auto coarse = package_fastdtw(package_reduce_by_half(x), package_reduce_by_half(y), radius);
  const auto window = package_expand_window(coarse.second, static_cast<long>(x.size()), static_cast<long>(y.size()), radius);
  return package_dtw(x, y, &window);
}

// Frames of small integers: many exact ties between candidates, so the path (and so the value at the finer
// levels) depends on the package's tie-breaking; every sum is exact, so any correct port gives the same bits.
MatrixF tied_sequence(std::size_t rows, std::size_t dims, std::uint64_t seed) {
  nnr::Rng rng(seed);
  MatrixF m(rows, dims);
  for (std::size_t t = 0; t < rows; ++t)
    for (std::size_t k = 0; k < dims; ++k) m(t, k) = static_cast<float>(rng() % 3);
  return m;
}

}  // namespace

TEST(FastDtw, SameValuesAsTheLiteralPackagePort) {
  for (std::uint64_t s = 0; s < 24; ++s) {
    const std::size_t na = 9 + 7 * s, nb = 40 + 3 * (s % 9), dims = 1 + s % 3;
    const int radius = 1 + static_cast<int>(s % 3);
    const MatrixF ta = tied_sequence(na, dims, s), tb = tied_sequence(nb, dims, 100 + s);
    EXPECT_EQ(d::fastdtw(ta, tb, radius), package_fastdtw(frames_of(ta), frames_of(tb), radius).first)
        << "tied s=" << s << " r=" << radius;
    const MatrixF ra = nnr::test::random_sequence(na, 8 + dims * 7, s), rb = nnr::test::random_sequence(nb, 8 + dims * 7, 50 + s);
    const double want = package_fastdtw(frames_of(ra), frames_of(rb), radius).first;
    EXPECT_NEAR(d::fastdtw(ra, rb, radius), want, 1e-12 * want) << "random s=" << s << " r=" << radius;
  }
}
