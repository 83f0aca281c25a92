#include <cmath>
#include <string>

#include "nnr/core/error.hpp"
#include "nnr/core/parallel.hpp"
#include "nnr/distance/distance.hpp"

namespace nnr::distance {

double euclidean(const float* x, const float* y, std::size_t d) {
  double s = 0;
  for (std::size_t k = 0; k < d; ++k) {
    const double diff = static_cast<double>(x[k]) - static_cast<double>(y[k]);
    s += diff * diff;
  }
  return std::sqrt(s);
}

double cosine(const float* x, const float* y, std::size_t d) {
  double xy = 0, xx = 0, yy = 0;
  for (std::size_t k = 0; k < d; ++k) {
    xy += static_cast<double>(x[k]) * y[k];
    xx += static_cast<double>(x[k]) * x[k];
    yy += static_cast<double>(y[k]) * y[k];
  }
  if (xx == 0.0 || yy == 0.0)
    throw_input("distance: cosine distance of a zero vector is undefined; check the embeddings");
  return 1.0 - xy / std::sqrt(xx * yy);
}

MatrixD all_pairs_vectors(const MatrixF& queries, const MatrixF& refs, const std::string& name, int threads) {
  const VectorKernel kernel = vector_distance_registry().find(name).kernel;
  if (queries.cols != refs.cols)
    throw_input("distance: vector dims differ (queries=" + std::to_string(queries.cols) +
                ", refs=" + std::to_string(refs.cols) + ")");
  for (const MatrixF* m : {&queries, &refs})
    for (std::size_t i = 0; i < m->data.size(); ++i)
      if (!std::isfinite(m->data[i]))
        throw_input(std::string("distance: non-finite value in ") + (m == &queries ? "queries" : "refs") +
                    " (row=" + std::to_string(i / std::max<std::size_t>(1, m->cols)) + ")");
  MatrixD out(queries.rows, refs.rows);
  parallel_for(0, queries.rows, threads, [&](std::size_t q) {
    for (std::size_t n = 0; n < refs.rows; ++n)
      out(q, n) = kernel(queries.row(q), refs.row(n), queries.cols);
  });
  return out;
}

}  // namespace nnr::distance
