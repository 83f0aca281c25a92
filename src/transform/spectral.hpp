#pragma once
// Spectral helpers of the transform module. The FFT itself is nnr's one FFT (nnr/features/fft.hpp).
#include <cmath>
#include <cstddef>
#include <vector>

#include "nnr/features/fft.hpp"

namespace nnr::transform::detail {

using features::complex_fft;
using features::next_pow2;

/// Symmetric Hann window of length n.
inline std::vector<double> hann(std::size_t n) {
  std::vector<double> w(n);
  for (std::size_t i = 0; i < n; ++i)
    w[i] = 0.5 - 0.5 * std::cos(2.0 * 3.14159265358979323846 * static_cast<double>(i) /
                                static_cast<double>(n > 1 ? n - 1 : 1));
  return w;
}

}  // namespace nnr::transform::detail
