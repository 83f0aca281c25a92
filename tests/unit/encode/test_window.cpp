#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "nnr/core/error.hpp"
#include "nnr/encode/window.hpp"

using namespace nnr::encode;

namespace {
std::vector<float> ramp(std::size_t n) {
  std::vector<float> x(n);
  for (std::size_t i = 0; i < n; ++i) x[i] = static_cast<float>(i + 1);
  return x;
}
}  // namespace

TEST(Window, CenterCropsTheMiddle) {
  const auto w = make_windows(ramp(11), 4, WindowMode::center);
  ASSERT_EQ(w.size(), 1u);
  // start = floor((11 - 4) / 2) = 3 -> samples 4..7
  EXPECT_EQ(w[0].samples, (std::vector<float>{4, 5, 6, 7}));
  EXPECT_EQ(w[0].weight, 1.0);
}

TEST(Window, ShortClipIsRightZeroPaddedInBothModes) {
  for (auto mode : {WindowMode::center, WindowMode::mean}) {
    const auto w = make_windows(ramp(3), 5, mode);
    ASSERT_EQ(w.size(), 1u);
    EXPECT_EQ(w[0].samples, (std::vector<float>{1, 2, 3, 0, 0}));
    EXPECT_EQ(w[0].weight, 1.0);
  }
  EXPECT_EQ(make_windows({}, 2, WindowMode::center)[0].samples, (std::vector<float>{0, 0}));
}

TEST(Window, MeanCoversTheClipWithWeightedTail) {
  const auto w = make_windows(ramp(10), 4, WindowMode::mean);
  ASSERT_EQ(w.size(), 3u);
  EXPECT_EQ(w[0].samples, (std::vector<float>{1, 2, 3, 4}));
  EXPECT_EQ(w[1].samples, (std::vector<float>{5, 6, 7, 8}));
  EXPECT_EQ(w[2].samples, (std::vector<float>{9, 10, 0, 0}));
  EXPECT_EQ(w[2].weight, 0.5);
  EXPECT_EQ(make_windows(ramp(8), 4, WindowMode::mean).size(), 2u);
}

TEST(Window, WeightedMeanSkipsNaNAndKeepsSingleRowsExact) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const std::vector<float> rows = {1.0f, nan, 3.0f, 4.0f};  // 2 windows x 2 columns
  float out[2];
  weighted_mean(rows.data(), {1.0, 0.5}, 2, out);
  EXPECT_FLOAT_EQ(out[0], (1.0f + 0.5f * 3.0f) / 1.5f);
  EXPECT_FLOAT_EQ(out[1], 4.0f);
  const float one[1] = {0.1234567f};
  float o1;
  weighted_mean(one, {1.0}, 1, &o1);
  EXPECT_EQ(o1, one[0]);  // center mode: the window's value, bit for bit
  const float all_nan[1] = {nan};
  weighted_mean(all_nan, {1.0}, 1, &o1);
  EXPECT_TRUE(std::isnan(o1));
}

TEST(Window, ParseMode) {
  EXPECT_EQ(parse_window_mode("mean"), WindowMode::mean);
  EXPECT_EQ(to_string(WindowMode::center), "center");
  EXPECT_THROW(parse_window_mode("middle"), nnr::Error);
}
