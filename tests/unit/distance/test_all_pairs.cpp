#include <gtest/gtest.h>

#include <cstdlib>

#include "helpers.hpp"
#include "nnr/core/error.hpp"
#include "nnr/distance/distance.hpp"

namespace d = nnr::distance;
using nnr::MatrixF;

namespace {
std::vector<MatrixF> sequences(std::size_t n, std::uint64_t seed, bool mixed_lengths) {
  std::vector<MatrixF> v;
  for (std::size_t i = 0; i < n; ++i)
    v.push_back(nnr::test::random_sequence(mixed_lengths ? 55 + (i * 7) % 13 : 60, 5, seed + i));
  return v;
}
}  // namespace

TEST(AllPairs, ShardedEqualsUnshardedAndSinglePair) {
  const auto queries = sequences(11, 1, true);
  const auto refs = sequences(19, 100, true);  // several length groups, partial lane groups
  for (const char* name : {"dtw", "fastdtw", "simple"}) {
    const auto dist = d::make_sequence_distance(name);
    const nnr::MatrixD whole = d::all_pairs(queries, refs, *dist, 1);
    ASSERT_EQ(whole.rows, 11u);
    ASSERT_EQ(whole.cols, 19u);
    for (std::size_t q = 0; q < 11; ++q)
      for (std::size_t n = 0; n < 19; ++n) EXPECT_EQ(whole(q, n), (*dist)(queries[q], refs[n])) << name;
    EXPECT_EQ(d::all_pairs(queries, refs, *dist, 3).data, whole.data) << name;
    for (int count : {2, 3, 4}) {
      std::vector<double> joined;
      for (int i = 0; i < count; ++i) {
        const nnr::MatrixD part = d::all_pairs(queries, refs, *dist, 2, nnr::Shard{i, count});
        EXPECT_EQ(part.rows, nnr::shard_range(11, nnr::Shard{i, count}).size());
        joined.insert(joined.end(), part.data.begin(), part.data.end());
      }
      EXPECT_EQ(joined, whole.data) << name << " " << count;
    }
  }
  // The lane kernel agrees with the scalar definition and with the public dtw().
  const auto dist = d::make_sequence_distance("dtw", {{"band", 4}});
  const nnr::MatrixD banded = d::all_pairs(queries, refs, *dist, 2);
  EXPECT_EQ(banded(3, 7), d::dtw(queries[3], refs[7], 4));
  // The baseline (SSE2) kernel agrees with the dispatched one within the exactness contract, and its
  // single-pair dtw() gives its own all_pairs bits.
  const auto full = d::make_sequence_distance("dtw");
  const nnr::MatrixD dispatched = d::all_pairs(queries, refs, *full, 2);
  setenv("NNR_SIMD", "baseline", 1);
  const nnr::MatrixD baseline = d::all_pairs(queries, refs, *full, 2);
  EXPECT_EQ(baseline(5, 2), d::dtw(queries[5], refs[2]));
  unsetenv("NNR_SIMD");
  for (std::size_t x = 0; x < baseline.data.size(); ++x)
    EXPECT_NEAR(baseline.data[x], dispatched.data[x], 1e-6 * dispatched.data[x]);
}

TEST(AllPairs, BadSequenceNamesItsIndex) {
  auto queries = sequences(3, 1, false);
  auto refs = sequences(4, 9, false);
  refs[2] = MatrixF();
  const auto dist = d::make_sequence_distance("dtw");
  try {
    d::all_pairs(queries, refs, *dist, 1);
    ADD_FAILURE();
  } catch (const nnr::Error& e) {
    EXPECT_EQ(e.kind(), nnr::ErrorKind::input);
    EXPECT_NE(std::string(e.what()).find("ref 2"), std::string::npos) << e.what();
  }
}

TEST(Registry, NamesParamsAndErrors) {
  // The paper's three come first (no member count: a new member must not break this test).
  const auto names = d::sequence_distance_names();
  ASSERT_GE(names.size(), 3u);
  EXPECT_EQ(std::vector<std::string>(names.begin(), names.begin() + 3), (std::vector<std::string>{"dtw", "fastdtw", "simple"}));
  const auto f = d::make_sequence_distance("fastdtw", {{"radius", 10}});
  EXPECT_EQ(f->name(), "fastdtw");
  EXPECT_EQ(f->params(), (nlohmann::json{{"radius", 10}}));
  EXPECT_EQ(d::make_sequence_distance("simple")->params(), (nlohmann::json{{"m", 50}}));
  EXPECT_EQ(d::make_sequence_distance("dtw")->params(), (nlohmann::json{{"band", -1}}));
  try {
    d::make_sequence_distance("dwt");
    ADD_FAILURE();
  } catch (const nnr::Error& e) {
    EXPECT_EQ(e.kind(), nnr::ErrorKind::config);
    EXPECT_NE(std::string(e.what()).find("fastdtw"), std::string::npos) << e.what();
  }
  EXPECT_THROW(d::make_sequence_distance("fastdtw", {{"raduis", 1}}), nnr::Error);
  EXPECT_THROW(d::make_sequence_distance("fastdtw", {{"radius", -1}}), nnr::Error);
  EXPECT_THROW(d::make_sequence_distance("simple", {{"m", "fifty"}}), nnr::Error);
}
