#pragma once
/// A dense row-major matrix: the currency between modules (feature sequences T x D, embeddings N x D,
/// distance matrices Q x N). Plain storage so it maps onto .npy files, torch::from_blob and Eigen::Map
/// without copies.

#include <cstddef>
#include <vector>

namespace nnr {

template <typename T>
struct Matrix {
  std::size_t rows = 0, cols = 0;
  std::vector<T> data;  ///< rows * cols values, row-major

  Matrix() = default;
  Matrix(std::size_t r, std::size_t c, T fill = T{}) : rows(r), cols(c), data(r * c, fill) {}
  T* row(std::size_t i) { return data.data() + i * cols; }
  const T* row(std::size_t i) const { return data.data() + i * cols; }
  T& operator()(std::size_t i, std::size_t j) { return data[i * cols + j]; }
  const T& operator()(std::size_t i, std::size_t j) const { return data[i * cols + j]; }
  bool empty() const { return rows == 0 || cols == 0; }
};

using MatrixF = Matrix<float>;
using MatrixD = Matrix<double>;

}  // namespace nnr
