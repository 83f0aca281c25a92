#pragma once
#include <string>
#include <vector>

#include "nnr/core/matrix.hpp"
#include "nnr/core/random.hpp"
#include "nnr/io/npy.hpp"

namespace nnr::test {

/// Fixture MFCC sequence: rows 1..24 of <name>_mfcc25.npy (25 x T), transposed to T x 24.
inline MatrixF fixture_mfcc(const std::string& name) {
  const auto a = io::read_npy<float>(std::string(NNR_FIXTURES_DIR) + "/librosa/" + name + "_mfcc25.npy");
  const std::size_t t_n = a.shape[1];
  MatrixF m(t_n, 24);
  for (std::size_t t = 0; t < t_n; ++t)
    for (std::size_t k = 0; k < 24; ++k) m(t, k) = a.data[(k + 1) * t_n + t];
  return m;
}

/// A random walk (smooth, like feature sequences), rows x dims.
inline MatrixF random_sequence(std::size_t rows, std::size_t dims, std::uint64_t seed, double scale = 1.0) {
  Rng rng(seed);
  MatrixF m(rows, dims);
  for (std::size_t k = 0; k < dims; ++k) {
    double v = 0;
    for (std::size_t t = 0; t < rows; ++t) {
      v += scale * standard_normal(rng);
      m(t, k) = static_cast<float>(v);
    }
  }
  return m;
}

}  // namespace nnr::test
