#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <vector>

#include "nnr/core/error.hpp"
#include "nnr/features/fft.hpp"
#include "support/signals.hpp"

using nnr::features::RealFft;

using nnr::features::FftBackend;

TEST(Fft, MatchesNaiveDftWithEveryBackend) {
  std::vector<FftBackend> backends = {FftBackend::radix2};
  if (nnr::features::default_fft_backend() == FftBackend::fftw) backends.push_back(FftBackend::fftw);
  for (FftBackend backend : backends)
  for (std::size_t n : {4u, 8u, 64u, 1024u}) {
    RealFft fft(n, backend);
    ASSERT_EQ(fft.backend(), backend);
    auto x = nnr::test::white_noise(1.0, 1.0, 7);
    x.resize(n);
    std::vector<double> in(x.begin(), x.end());
    std::vector<std::complex<double>> out(n / 2 + 1);
    fft.forward(in.data(), out.data());
    for (std::size_t k = 0; k <= n / 2; ++k) {
      std::complex<double> ref = 0;
      for (std::size_t t = 0; t < n; ++t)
        ref += in[t] * std::polar(1.0, -2 * nnr::test::kPi * double(k * t % n) / double(n));
      EXPECT_NEAR(out[k].real(), ref.real(), 1e-9 * n) << n << " " << k;
      EXPECT_NEAR(out[k].imag(), ref.imag(), 1e-9 * n) << n << " " << k;
    }
  }
}

TEST(Fft, Parseval) {
  const std::size_t n = 2048;
  RealFft fft(n);
  auto x = nnr::test::white_noise(1.0, 0.3, 11);
  std::vector<double> in(x.begin(), x.begin() + n);
  std::vector<std::complex<double>> out(n / 2 + 1);
  fft.forward(in.data(), out.data());
  double e_t = 0, e_f = 0;
  for (double v : in) e_t += v * v;
  for (std::size_t k = 0; k <= n / 2; ++k) e_f += (k == 0 || k == n / 2 ? 1.0 : 2.0) * std::norm(out[k]);
  EXPECT_NEAR(e_f / double(n), e_t, 1e-9 * e_t);
}

// The features' FFT sizes: FFTW and the radix-2 reference agree to rounding (issue 10: features stay
// within 1e-6 of the radix-2 build's).
TEST(Fft, FftwAgreesWithRadix2At1024And2048) {
  if (nnr::features::default_fft_backend() != FftBackend::fftw) GTEST_SKIP() << "built without FFTW3";
  for (std::size_t n : {1024u, 2048u}) {
    const auto x = nnr::test::white_noise(1.0, 0.5, 5);
    std::vector<double> in(x.begin(), x.begin() + static_cast<long>(n));
    std::vector<std::complex<double>> a(n / 2 + 1), b(n / 2 + 1);
    RealFft(n, FftBackend::fftw).forward(in.data(), a.data());
    RealFft(n, FftBackend::radix2).forward(in.data(), b.data());
    double worst = 0, peak = 0;
    for (std::size_t k = 0; k <= n / 2; ++k) worst = std::max(worst, std::abs(a[k] - b[k])), peak = std::max(peak, std::abs(b[k]));
    EXPECT_LT(worst / peak, 1e-13) << n;
    EXPECT_EQ(in[0], static_cast<double>(x[0]));  // r2c leaves its input alone
  }
}

TEST(Fft, RejectsNonPowerOfTwo) {
  EXPECT_THROW(RealFft(1000), nnr::Error);
  EXPECT_THROW(RealFft(2), nnr::Error);
}

TEST(Fft, ComplexFftAgreesWithRealFftAndInverts) {
  const std::size_t n = 512;
  auto x = nnr::test::white_noise(1.0, 0.5, 3);
  std::vector<double> in(x.begin(), x.begin() + n);
  std::vector<std::complex<double>> real_out(n / 2 + 1);
  RealFft(n).forward(in.data(), real_out.data());
  std::vector<std::complex<double>> a(in.begin(), in.end());
  nnr::features::complex_fft(a, false);
  for (std::size_t k = 0; k <= n / 2; ++k) EXPECT_NEAR(std::abs(a[k] - real_out[k]), 0.0, 1e-9) << k;
  nnr::features::complex_fft(a, true);
  for (std::size_t t = 0; t < n; ++t) EXPECT_NEAR(a[t].real() / double(n), in[t], 1e-12) << t;
  std::vector<std::complex<double>> bad(12);
  EXPECT_THROW(nnr::features::complex_fft(bad, false), nnr::Error);
  EXPECT_EQ(nnr::features::next_pow2(1000), 1024u);
}
