// EBU R128 loudness and gain matching through libebur128.
#include <gtest/gtest.h>

#include <cmath>

#include "nnr/audio/loudness.hpp"
#include "support/signals.hpp"

namespace {

using namespace nnr;
using namespace nnr::audio;

TEST(Loudness, FullScale1kHzSineIsMinus3Lufs) {
  // BS.1770: a 0 dBFS 997 Hz-1 kHz sine in one channel reads -3.01 LKFS.
  const auto x = test::sine(997.0, 3.0, 1.0);
  const auto l = measure_loudness(x);
  EXPECT_FALSE(l.silent);
  EXPECT_NEAR(l.lufs, -3.01, 0.1);
  EXPECT_NEAR(l.true_peak_dbtp, 0.0, 0.1);
  const auto h = measure_loudness(test::sine(997.0, 3.0, 0.5));
  EXPECT_NEAR(h.lufs, -3.01 - 6.02, 0.1);
  EXPECT_NEAR(h.true_peak_dbtp, -6.02, 0.1);
}

TEST(Loudness, SilenceIsFiniteAndFlagged) {
  for (const auto& x : {test::silence(1.0), std::vector<float>(220, 0.0f), std::vector<float>{}}) {
    const auto l = measure_loudness(x);
    EXPECT_TRUE(l.silent);
    EXPECT_EQ(l.lufs, kSilentLufs);
    EXPECT_EQ(l.true_peak_dbtp, kFloorDb);
    EXPECT_TRUE(std::isfinite(l.lufs) && std::isfinite(l.true_peak_dbtp));
  }
  // Too short for one 400 ms gating block: silent even if not zero.
  EXPECT_TRUE(measure_loudness(test::sine(440.0, 0.01, 0.5)).silent);
}

TEST(Loudness, MatchWithinPointOneLu) {
  const auto ref = test::harmonic_notes(1.5, 3);
  const auto target = measure_loudness(ref);
  for (double scale : {0.01, 0.3, 3.0}) {
    auto y = test::white_noise(1.5, 0.1 * scale, 9);
    for (std::size_t i = 0; i < y.size(); ++i) y[i] += ref[i];
    const auto m = match_loudness(y, target.lufs);
    EXPECT_TRUE(m.matched);
    EXPECT_NEAR(measure_loudness(y).lufs, target.lufs, 0.1);
    EXPECT_NEAR(m.out.lufs, target.lufs, 0.01);
    EXPECT_TRUE(std::isfinite(m.gain_db));
  }
}

TEST(Loudness, GainBeyondFullScaleIsNotClipped) {
  auto y = test::sine(997.0, 2.0, 0.9);
  const auto m = match_loudness(y, -3.01 + 6.0);  // needs about +6 dB: peaks near 1.8
  EXPECT_TRUE(m.matched);
  float peak = 0;
  for (float v : y) peak = std::max(peak, std::fabs(v));
  EXPECT_GT(peak, 1.5f);
  EXPECT_GT(m.out.true_peak_dbtp, 3.0);
}

TEST(Loudness, SilentInputOrTargetGetsNoGain) {
  auto z = test::silence(1.0);
  auto m = match_loudness(z, -23.0);
  EXPECT_FALSE(m.matched);
  EXPECT_EQ(m.gain_db, 0.0);
  auto y = test::sine(440.0, 1.0, 0.5);
  const auto before = y;
  m = match_loudness(y, kSilentLufs, /*target_silent=*/true);
  EXPECT_FALSE(m.matched);
  EXPECT_EQ(y, before);
}

}  // namespace
