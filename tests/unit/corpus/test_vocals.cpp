// Festival really sings the written melody at the intended pitch and tempo (one subprocess, ~1-2 s).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "nnr/corpus/vocals.hpp"

namespace nnr::corpus {
namespace {

/// f0 (Hz) of x[a, b) by normalised autocorrelation over 70-400 Hz.
double f0(const std::vector<float>& x, std::size_t a, std::size_t b, int sr) {
  std::vector<double> r;
  const int lo = sr / 400, hi = sr / 70;
  for (int lag = lo; lag <= hi; ++lag) {
    double num = 0, e1 = 0, e2 = 0;
    for (std::size_t i = a; i + lag < b; ++i) {
      num += double(x[i]) * x[i + lag];
      e1 += double(x[i]) * x[i];
      e2 += double(x[i + lag]) * x[i + lag];
    }
    r.push_back(num / std::sqrt(e1 * e2 + 1e-12));
  }
  const double best = *std::max_element(r.begin(), r.end());
  // The first local maximum close to the best one: avoids picking a multiple of the period.
  for (std::size_t i = 1; i + 1 < r.size(); ++i)
    if (r[i] >= 0.9 * best && r[i] >= r[i - 1] && r[i] >= r[i + 1]) return double(sr) / double(lo + int(i));
  return 0.0;
}

TEST(Vocals, FestivalSingsTheNotesInTime) {
  const std::filesystem::path work = std::filesystem::path(NNR_BINARY_DIR) / "test-vocals";
  std::filesystem::create_directories(work);
  VocalLine v;
  v.index = 0;
  v.bpm = 60;  // 1 s per beat; the phrase is 4 bars = 16 s
  v.notes = {{0, 2, 48, "la"}, {2, 2, 55, "la"}};  // C3 (130.8 Hz) then G3 (196.0 Hz), heard pitches
  const int sr = 22050;
  const SungLine s = sing_line(v, work, sr);
  ASSERT_EQ(s.engine, "festival");
  ASSERT_EQ(s.samples.size(), static_cast<std::size_t>(16 * sr));
  const double a = f0(s.samples, sr / 2, sr * 3 / 2, sr);
  const double b = f0(s.samples, sr * 5 / 2, sr * 7 / 2, sr);
  EXPECT_NEAR(a, 130.8, 130.8 * 0.04);
  EXPECT_NEAR(b, 196.0, 196.0 * 0.04);
  // Silent after the 4 sung beats (tempo compensation: 50/BPM s per beat would end at 3.3 s).
  double tail = 0;
  for (std::size_t i = 5 * sr; i < 6 * static_cast<std::size_t>(sr); ++i) tail = std::max(tail, std::fabs(double(s.samples[i])));
  EXPECT_LT(tail, 0.01);
}

}  // namespace
}  // namespace nnr::corpus
