#include "nnr/features/fft.hpp"

#include <cmath>
#include <cstdlib>
#include <string>
#include <map>
#include <memory>
#include <mutex>

#include "nnr/core/error.hpp"

#if NNR_HAVE_FFTW
#include <fftw3.h>
#endif

namespace nnr::features {

namespace {
#if NNR_HAVE_FFTW
// FFTW's planner is not thread-safe (fftw_execute_* is). Never destroyed: the size cache's plans are
// destroyed at exit, after function-local statics constructed later than the cache.
std::mutex& fftw_planner_mutex() {
  static auto* m = new std::mutex;
  return *m;
}
#endif
}  // namespace

FftBackend default_fft_backend() {
  // NNR_FFT=radix2 selects the reference FFT (to reproduce numbers of builds without FFTW3).
  static const FftBackend backend = [] {
    const char* env = std::getenv("NNR_FFT");
    if (env && std::string(env) == "radix2") return FftBackend::radix2;
    return NNR_HAVE_FFTW ? FftBackend::fftw : FftBackend::radix2;
  }();
  return backend;
}

const char* fft_backend_name(FftBackend backend) { return backend == FftBackend::fftw ? "fftw3" : "radix2"; }

RealFft::RealFft(std::size_t n, FftBackend backend) : n_(n), h_(n / 2), backend_(backend) {
  if (n < 4 || (n & (n - 1)) != 0)
    throw_config("features: FFT size must be a power of two >= 4 (n_fft=" + std::to_string(n) + ")");
  if (backend == FftBackend::fftw) {
#if NNR_HAVE_FFTW
    // FFTW_ESTIMATE: a deterministic plan (MEASURE times candidates, so its choice, and the last bits
    // of the results, could change between runs). UNALIGNED: forward() takes any caller's arrays.
    std::vector<double> in(n);
    std::vector<std::complex<double>> out(n / 2 + 1);
    std::lock_guard<std::mutex> lock(fftw_planner_mutex());
    plan_ = fftw_plan_dft_r2c_1d(static_cast<int>(n), in.data(), reinterpret_cast<fftw_complex*>(out.data()),
                                 FFTW_ESTIMATE | FFTW_UNALIGNED);
    if (!plan_) throw_internal("features: FFTW could not plan a real FFT (n_fft=" + std::to_string(n) + ")");
    return;
#else
    throw_config("features: this nnr was built without FFTW3 (apt-get install libfftw3-dev, then reconfigure)");
#endif
  }
  const double pi = 3.14159265358979323846;
  tw_.resize(h_ / 2);
  for (std::size_t m = 0; m < tw_.size(); ++m)
    tw_[m] = std::polar(1.0, -2.0 * pi * static_cast<double>(m) / static_cast<double>(h_));
  split_.resize(h_ / 2 + 1);
  for (std::size_t k = 0; k < split_.size(); ++k)
    split_[k] = std::polar(1.0, -2.0 * pi * static_cast<double>(k) / static_cast<double>(n_));
  bitrev_.resize(h_);
  std::size_t bits = 0;
  while ((std::size_t{1} << bits) < h_) ++bits;
  for (std::size_t i = 0; i < h_; ++i) {
    std::size_t r = 0;
    for (std::size_t b = 0; b < bits; ++b)
      if (i & (std::size_t{1} << b)) r |= std::size_t{1} << (bits - 1 - b);
    bitrev_[i] = r;
  }
}

RealFft::~RealFft() {
#if NNR_HAVE_FFTW
  if (plan_) {
    std::lock_guard<std::mutex> lock(fftw_planner_mutex());
    fftw_destroy_plan(static_cast<fftw_plan>(plan_));
  }
#endif
}

void RealFft::forward(const double* in, std::complex<double>* out) const {
#if NNR_HAVE_FFTW
  if (plan_) {
    // r2c preserves its input (FFTW's default for r2c), hence the const_cast.
    fftw_execute_dft_r2c(static_cast<fftw_plan>(plan_), const_cast<double*>(in), reinterpret_cast<fftw_complex*>(out));
    return;
  }
#endif
  forward_radix2(in, out);
}

void RealFft::forward_radix2(const double* in, std::complex<double>* out) const {
  using C = std::complex<double>;
  // Pack even/odd samples into h complex values, bit-reversed.
  for (std::size_t k = 0; k < h_; ++k) out[bitrev_[k]] = C(in[2 * k], in[2 * k + 1]);
  // Iterative radix-2 complex FFT of size h.
  for (std::size_t len = 2; len <= h_; len <<= 1) {
    const std::size_t half = len / 2, step = h_ / len;
    for (std::size_t s = 0; s < h_; s += len) {
      for (std::size_t m = 0; m < half; ++m) {
        const C t = tw_[m * step] * out[s + m + half];
        const C u = out[s + m];
        out[s + m] = u + t;
        out[s + m + half] = u - t;
      }
    }
  }
  // Split: X[k] = E[k] + W^k O[k], X[h-k] = conj(E[k] - W^k O[k]).
  const C z0 = out[0];
  out[0] = C(z0.real() + z0.imag(), 0.0);
  out[h_] = C(z0.real() - z0.imag(), 0.0);
  for (std::size_t k = 1; k <= h_ / 2; ++k) {
    const C a = out[k], b = std::conj(out[h_ - k]);
    const C e = 0.5 * (a + b);
    const C o = C(0.0, -0.5) * (a - b);
    const C wo = split_[k] * o;
    out[k] = e + wo;
    out[h_ - k] = std::conj(e - wo);
  }
}

void complex_fft(std::vector<std::complex<double>>& a, bool inverse) {
  const std::size_t n = a.size();
  if (n == 0 || (n & (n - 1)) != 0)
    throw_config("features: FFT size must be a power of two (n=" + std::to_string(n) + ")");
  for (std::size_t i = 1, j = 0; i < n; ++i) {  // bit-reversal permutation
    std::size_t bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) std::swap(a[i], a[j]);
  }
  const double pi = 3.14159265358979323846;
  for (std::size_t len = 2; len <= n; len <<= 1) {
    const double ang = 2.0 * pi / static_cast<double>(len) * (inverse ? 1.0 : -1.0);
    const std::complex<double> wl(std::cos(ang), std::sin(ang));
    for (std::size_t i = 0; i < n; i += len) {
      std::complex<double> w(1.0, 0.0);
      for (std::size_t k = 0; k < len / 2; ++k) {
        const auto u = a[i + k], v = a[i + k + len / 2] * w;
        a[i + k] = u + v;
        a[i + k + len / 2] = u - v;
        w *= wl;
      }
    }
  }
}

std::size_t next_pow2(std::size_t n) {
  std::size_t p = 1;
  while (p < n) p <<= 1;
  return p;
}

const RealFft& fft_of_size(std::size_t n) {
  static std::mutex mutex;
  static std::map<std::size_t, std::unique_ptr<RealFft>> cache;
  std::lock_guard<std::mutex> lock(mutex);
  auto& slot = cache[n];
  if (!slot) slot = std::make_unique<RealFft>(n);
  return *slot;
}

}  // namespace nnr::features
