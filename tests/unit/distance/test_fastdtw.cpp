#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
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
