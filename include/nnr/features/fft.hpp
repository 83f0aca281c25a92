#pragma once
/// The one FFT nnr uses everywhere: a double-precision real FFT of power-of-two length. Two backends:
/// FFTW3 (Debian's libfftw3, planned once per size with FFTW_ESTIMATE, so the plan and its results are
/// the same on every run of a machine) and nnr's own radix-2 (a complex FFT of half the length plus a
/// split step), kept as the reference and for builds without FFTW. bench/bench_features.cpp measures
/// both (docs/performance.md); FFTW is the default where it was found at configure time.
/// forward() is const and thread-safe for both.

#include <complex>
#include <cstddef>
#include <vector>

namespace nnr::features {

enum class FftBackend { fftw, radix2 };

/// fftw when this build has FFTW3 (NNR_HAVE_FFTW), else radix2; the environment variable NNR_FFT=radix2
/// selects radix2 in any build.
FftBackend default_fft_backend();
const char* fft_backend_name(FftBackend backend);

class RealFft {
 public:
  /// `n` must be a power of two >= 4; throws Error(config) otherwise, and for fftw in a build without it.
  explicit RealFft(std::size_t n, FftBackend backend = default_fft_backend());
  ~RealFft();
  RealFft(const RealFft&) = delete;
  RealFft& operator=(const RealFft&) = delete;
  std::size_t size() const { return n_; }
  FftBackend backend() const { return backend_; }
  /// X_k = sum_t x_t exp(-2 pi i k t / n) for k = 0..n/2 (unnormalised, like numpy.fft.rfft).
  /// `in` holds n samples, `out` n/2 + 1 bins.
  void forward(const double* in, std::complex<double>* out) const;

 private:
  void forward_radix2(const double* in, std::complex<double>* out) const;

  std::size_t n_, h_;
  FftBackend backend_;
  void* plan_ = nullptr;  // fftw_plan (fftw3.h stays out of this header)
  std::vector<std::complex<double>> tw_;     // e^{-2 pi i m / h}, m < h/2
  std::vector<std::complex<double>> split_;  // e^{-2 pi i k / n}, k <= h/2
  std::vector<std::size_t> bitrev_;
};

/// A shared, lazily built RealFft of size n with the default backend (thread-safe).
const RealFft& fft_of_size(std::size_t n);

/// In-place complex radix-2 FFT of a power-of-two length (throws Error(config) otherwise);
/// `inverse` computes the unscaled inverse (divide by n yourself). For the signal analysis that needs
/// full complex spectra (pink-noise shaping, cross-correlation, frequency estimates).
void complex_fft(std::vector<std::complex<double>>& a, bool inverse);

/// Smallest power of two >= n (1 for n = 0).
std::size_t next_pow2(std::size_t n);

}  // namespace nnr::features
