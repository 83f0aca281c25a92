#include <gtest/gtest.h>

#include <cmath>

#include "nnr/core/error.hpp"
#include "nnr/metrics/task_metrics.hpp"
#include "support/signals.hpp"

namespace nm = nnr::metrics;
using nnr::test::kSr;

TEST(TaskMetrics, MseHandComputed) {
  const float a[] = {1, 2, 3}, b[] = {1, 0, 0};
  EXPECT_DOUBLE_EQ(nm::mse(a, b, 3), 13.0 / 3.0);
  EXPECT_TRUE(std::isnan(nm::mse(a, b, 0)));
}

TEST(TaskMetrics, RocAucMatchesSklearnExample) {
  // sklearn docs: roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) == 0.75
  const float s[] = {0.1f, 0.4f, 0.35f, 0.8f};
  const std::uint8_t l[] = {0, 0, 1, 1};
  EXPECT_DOUBLE_EQ(nm::roc_auc(s, l, 4), 0.75);
}

TEST(TaskMetrics, RocAucTiesCountHalf) {
  // positives {0.5, 0.9}, negatives {0.5, 0.2}: pairs 0.5 + 1 + 1 + 1 = 3.5 of 4.
  const float s[] = {0.5f, 0.5f, 0.2f, 0.9f};
  const std::uint8_t l[] = {1, 0, 0, 1};
  EXPECT_DOUBLE_EQ(nm::roc_auc(s, l, 4), 0.875);
  const std::uint8_t all_pos[] = {1, 1, 1, 1};
  EXPECT_TRUE(std::isnan(nm::roc_auc(s, all_pos, 4)));
}

TEST(TaskMetrics, ClipwiseAucSkipsOneClassClips) {
  nnr::MatrixF s(3, 4);
  nnr::Matrix<std::uint8_t> l(3, 4);
  const float s0[] = {0.1f, 0.4f, 0.35f, 0.8f}, s1[] = {0.5f, 0.5f, 0.2f, 0.9f}, s2[] = {0.3f, 0.1f, 0.2f, 0.4f};
  const std::uint8_t l0[] = {0, 0, 1, 1}, l1[] = {1, 0, 0, 1}, l2[] = {1, 1, 1, 1};
  for (int j = 0; j < 4; ++j) {
    s(0, j) = s0[j]; s(1, j) = s1[j]; s(2, j) = s2[j];
    l(0, j) = l0[j]; l(1, j) = l1[j]; l(2, j) = l2[j];
  }
  const auto per = nm::clip_aucs(s, l);
  EXPECT_DOUBLE_EQ(per[0], 0.75);
  EXPECT_DOUBLE_EQ(per[1], 0.875);
  EXPECT_TRUE(std::isnan(per[2]));
  EXPECT_DOUBLE_EQ(nm::clipwise_auc(s, l), (0.75 + 0.875) / 2);
  nnr::Matrix<std::uint8_t> bad(2, 4);
  EXPECT_THROW(nm::clipwise_auc(s, bad), nnr::Error);
}

TEST(TaskMetrics, ClipwiseAucDropEmptyTags) {
  // Tag 2 has no positive anywhere; dropping it changes clip 0's negatives.
  nnr::MatrixF s(2, 3);
  nnr::Matrix<std::uint8_t> l(2, 3);
  const float v[2][3] = {{0.9f, 0.1f, 0.95f}, {0.2f, 0.8f, 0.1f}};
  const std::uint8_t y[2][3] = {{1, 0, 0}, {0, 1, 0}};
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j) { s(i, j) = v[i][j]; l(i, j) = y[i][j]; }
  EXPECT_DOUBLE_EQ(nm::clipwise_auc(s, l), (0.5 + 1.0) / 2);
  EXPECT_DOUBLE_EQ(nm::clipwise_auc(s, l, true), 1.0);
}

TEST(TaskMetrics, AccuracyAndArgmax) {
  EXPECT_DOUBLE_EQ(nm::accuracy({1, 2, 3, 4}, {1, 2, 0, 4}), 0.75);
  EXPECT_THROW(nm::accuracy({1}, {1, 2}), nnr::Error);
  EXPECT_TRUE(std::isnan(nm::accuracy({}, {})));
  nnr::MatrixF p(2, 3);
  p(0, 2) = 0.7f; p(0, 1) = 0.2f; p(1, 0) = 0.5f; p(1, 1) = 0.5f;
  EXPECT_EQ(nm::argmax_rows(p), (std::vector<int>{2, 0}));
}

TEST(TaskMetrics, NanMedian) {
  EXPECT_DOUBLE_EQ(nm::nan_median({3, NAN, 1, 2}), 2.0);
  EXPECT_DOUBLE_EQ(nm::nan_median({4, 1, 3, 2}), 2.5);
  EXPECT_TRUE(std::isnan(nm::nan_median({NAN})));
}

namespace {
// Bursts: signal in [0.1, 0.9) s of every second, silent around frame boundaries, so a short delay or a
// short FIR stays inside each 1 s frame.
std::vector<float> bursts(double seconds, std::uint64_t seed) {
  auto x = nnr::test::white_noise(seconds, 0.3, seed);
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double t = std::fmod(static_cast<double>(i) / kSr, 1.0);
    if (t < 0.1 || t >= 0.9) x[i] = 0.0f;
  }
  return x;
}
}  // namespace

TEST(TaskMetrics, SdrIdenticalIsInfinite) {
  const auto s = nnr::test::harmonic_notes(3.0, 7);
  EXPECT_TRUE(std::isinf(nm::sdr_bsseval_v4(s, s, kSr)));
}

TEST(TaskMetrics, SdrScaledCopyIsImagesSnrButFilterTolerantSarIsHigh) {
  const auto s = nnr::test::harmonic_notes(3.0, 7);
  std::vector<float> e(s);
  for (auto& v : e) v *= 0.5f;
  // museval v4 (images): SDR = ||s||^2 / ||0.5 s - s||^2 = 4 -> 6.02 dB in every frame.
  EXPECT_NEAR(nm::sdr_bsseval_v4(s, e, kSr), 20 * std::log10(2.0), 1e-6);
  const auto f = nm::bss_eval_v4(s, e, kSr);
  ASSERT_EQ(f.sdr.size(), 3u);
  for (double v : f.sar) EXPECT_GT(v, 60.0);
}

TEST(TaskMetrics, SdrWhiteNoiseAtKnownLevel) {
  const double snr_db = 15.0;
  const auto s = nnr::test::white_noise(4.0, 0.3, 1);
  const auto n = nnr::test::white_noise(4.0, 0.3 * std::pow(10.0, -snr_db / 20), 2);
  std::vector<float> e(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) e[i] = s[i] + n[i];
  EXPECT_NEAR(nm::sdr_bsseval_v4(s, e, kSr), snr_db, 0.5);
  const auto f = nm::bss_eval_v4(s, e, kSr);
  EXPECT_NEAR(nm::nan_median(f.sar), snr_db, 0.5);  // filter-tolerant SDR: noise is not a filtered reference
}

TEST(TaskMetrics, DelayedAndFilteredCopiesWithinFilterLength) {
  const auto s = bursts(3.0, 3);
  std::vector<float> delayed(s.size(), 0.0f), fir(s.size(), 0.0f);
  for (std::size_t i = 100; i < s.size(); ++i) delayed[i] = s[i - 100];
  for (std::size_t i = 3; i < s.size(); ++i) fir[i] = 0.7f * s[i] + 0.3f * s[i - 3];
  const auto fd = nm::bss_eval_v4(s, delayed, kSr);
  const auto ff = nm::bss_eval_v4(s, fir, kSr);
  for (std::size_t t = 0; t < fd.sar.size(); ++t) {
    EXPECT_GT(fd.sar[t], 60.0);  // the 512-tap filter absorbs the delay
    EXPECT_GT(ff.sar[t], 60.0);
    EXPECT_LT(fd.sdr[t], 3.0);   // museval's images SDR does not
  }
}

TEST(TaskMetrics, SdrSilentFramesAreSkipped) {
  auto s = nnr::test::white_noise(4.0, 0.3, 1);
  for (std::size_t i = kSr; i < 2 * static_cast<std::size_t>(kSr); ++i) s[i] = 0.0f;  // frame 1 silent
  std::vector<float> e(s);
  for (std::size_t i = 0; i < e.size(); ++i) e[i] *= (i < 3 * static_cast<std::size_t>(kSr)) ? 0.5f : 0.9f;
  const auto fr = nm::sdr_bsseval_v4_frames(s, e, kSr);
  ASSERT_EQ(fr.size(), 4u);
  EXPECT_TRUE(std::isnan(fr[1]));
  EXPECT_NEAR(fr[0], 20 * std::log10(2.0), 1e-6);
  EXPECT_NEAR(fr[3], 20 * std::log10(10.0), 1e-4);
  EXPECT_NEAR(nm::sdr_bsseval_v4(s, e, kSr), 20 * std::log10(2.0), 1e-6);  // median of {6.02, 6.02, 20}
  const auto zero = nnr::test::silence(2.0);
  EXPECT_TRUE(std::isnan(nm::sdr_bsseval_v4(zero, e, kSr)));
  // Partial last frame is dropped as museval's Framing does: 2.5 s -> 2 frames.
  const auto s25 = nnr::test::white_noise(2.5, 0.3, 4);
  EXPECT_EQ(nm::sdr_bsseval_v4_frames(s25, s25, kSr).size(), 2u);
  // Estimate shorter than the reference is zero-padded.
  std::vector<float> short_e(s25.begin(), s25.begin() + kSr);
  const auto fs = nm::sdr_bsseval_v4_frames(s25, short_e, kSr);
  EXPECT_TRUE(std::isinf(fs[0]));
  EXPECT_TRUE(std::isnan(fs[1]));
}
