#pragma once
/// The one FFT nnr uses everywhere: a double-precision real FFT of power-of-two length, radix-2,
/// computed as a complex FFT of half the length plus a split step. Tables are built once per size;
/// forward() is const and thread-safe.

#include <complex>
#include <cstddef>
#include <vector>

namespace nnr::features {

class RealFft {
 public:
  /// `n` must be a power of two >= 4; throws Error(config) otherwise.
  explicit RealFft(std::size_t n);
  std::size_t size() const { return n_; }
  /// X_k = sum_t x_t exp(-2 pi i k t / n) for k = 0..n/2 (unnormalised, like numpy.fft.rfft).
  /// `in` holds n samples, `out` n/2 + 1 bins.
  void forward(const double* in, std::complex<double>* out) const;

 private:
  std::size_t n_, h_;
  std::vector<std::complex<double>> tw_;     // e^{-2 pi i m / h}, m < h/2
  std::vector<std::complex<double>> split_;  // e^{-2 pi i k / n}, k <= h/2
  std::vector<std::size_t> bitrev_;
};

/// A shared, lazily built RealFft of size n (thread-safe).
const RealFft& fft_of_size(std::size_t n);

/// In-place complex radix-2 FFT of a power-of-two length (throws Error(config) otherwise);
/// `inverse` computes the unscaled inverse (divide by n yourself). For the signal analysis that needs
/// full complex spectra (pink-noise shaping, cross-correlation, frequency estimates).
void complex_fft(std::vector<std::complex<double>>& a, bool inverse);

/// Smallest power of two >= n (1 for n = 0).
std::size_t next_pow2(std::size_t n);

}  // namespace nnr::features
