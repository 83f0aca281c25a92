#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "nnr/core/error.hpp"
#include "nnr/features/features.hpp"

namespace f = nnr::features;

namespace {
nnr::MatrixF ramp(std::size_t rows, float offset) {
  nnr::MatrixF x(rows, 3);
  for (std::size_t t = 0; t < rows; ++t) {
    x(t, 0) = float(t) + offset;
    x(t, 1) = 1e4f + 0.5f * float(t % 3);  // large mean, small variance: Welford must stay accurate
    x(t, 2) = 7.0f;                         // constant bin: std 0 -> only centred
  }
  return x;
}
}  // namespace

TEST(Scaler, AccumulatesMeanAndPopulationStd) {
  f::ScalerAccumulator acc;
  acc.add(ramp(10, 0));
  acc.add(ramp(5, 100));
  const f::Scaler s = acc.finish();
  // Reference in plain double two-pass.
  std::vector<double> v;
  for (int t = 0; t < 10; ++t) v.push_back(t);
  for (int t = 0; t < 5; ++t) v.push_back(100 + t);
  double m = 0, ss = 0;
  for (double x : v) m += x;
  m /= v.size();
  for (double x : v) ss += (x - m) * (x - m);
  EXPECT_NEAR(s.mean[0], m, 1e-4);
  EXPECT_NEAR(s.std[0], std::sqrt(ss / v.size()), 1e-4);
  std::vector<double> w;
  for (int t = 0; t < 10; ++t) w.push_back(0.5 * (t % 3));
  for (int t = 0; t < 5; ++t) w.push_back(0.5 * (t % 3));
  double mw = 0, sw = 0;
  for (double x : w) mw += x;
  mw /= w.size();
  for (double x : w) sw += (x - mw) * (x - mw);
  EXPECT_NEAR(s.mean[1], 1e4 + mw, 1e-3);
  EXPECT_NEAR(s.std[1], std::sqrt(sw / w.size()), 1e-5);
  EXPECT_EQ(s.std[2], 0.0f);
  EXPECT_EQ(s.n_frames, 15.0);

  f::ScalerAccumulator a, b;
  a.add(ramp(10, 0));
  b.add(ramp(5, 100));
  a.merge(b);
  const f::Scaler s2 = a.finish();
  EXPECT_NEAR(s2.mean[0], s.mean[0], 1e-5);
  EXPECT_NEAR(s2.std[0], s.std[0], 1e-5);

  nnr::MatrixF x = ramp(4, 0);
  s.apply(x);
  EXPECT_NEAR(x(0, 0), (0 - m) / std::sqrt(ss / v.size()), 1e-5);
  EXPECT_EQ(x(0, 2), 0.0f);
}

TEST(Scaler, JsonRoundTripAndErrors) {
  f::ScalerAccumulator acc;
  acc.add(ramp(6, 1));
  const f::Scaler s = acc.finish();
  const auto dir = std::filesystem::temp_directory_path() / "nnr_test_scaler";
  std::filesystem::create_directories(dir);
  f::save_scaler(dir / "scaler.json", s);
  const f::Scaler r = f::load_scaler(dir / "scaler.json");
  EXPECT_EQ(r.mean, s.mean);
  EXPECT_EQ(r.std, s.std);
  nnr::MatrixF wrong(2, 5);
  EXPECT_THROW(s.apply(wrong), nnr::Error);
  EXPECT_THROW(f::ScalerAccumulator().finish(), nnr::Error);
  f::ScalerAccumulator acc2 = acc;
  nnr::MatrixF bad = ramp(3, 0);
  bad(1, 1) = std::nanf("");
  try {
    acc2.add(bad);
    ADD_FAILURE();
  } catch (const nnr::Error& e) {
    EXPECT_EQ(e.kind(), nnr::ErrorKind::input);
  }
  EXPECT_EQ(acc2.count(), acc.count());  // unchanged by the failed add
  EXPECT_THROW(f::load_scaler(dir / "missing.json"), nnr::Error);
  std::filesystem::remove_all(dir);
}
