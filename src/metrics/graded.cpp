// Graded neighbourhood measures (nnr/metrics/graded.hpp): where the own original ranks, by how much it
// wins or loses, and whether latent neighbourhoods are audio neighbourhoods (trustworthiness).
#include "nnr/metrics/graded.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>

#include "nnr/core/error.hpp"
#include "nnr/core/parallel.hpp"
#include "nnr/metrics/consistency.hpp"

namespace nnr::metrics {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool row_has_nan(const double* r, std::size_t n) {
  for (std::size_t j = 0; j < n; ++j)
    if (std::isnan(r[j])) return true;
  return false;
}

}  // namespace

std::vector<double> own_rank(const MatrixD& d, const std::vector<std::size_t>& own_in) {
  if (d.cols == 0) throw_input("metrics: rank needs at least one original (N=0)");
  const auto own = own_columns(own_in, d);
  std::vector<double> out(d.rows);
  for (std::size_t i = 0; i < d.rows; ++i) {
    const double* r = d.row(i);
    const double self = r[own[i]];
    std::size_t beaten_by = 0;  // others not strictly farther than the own original (NaN included)
    for (std::size_t j = 0; j < d.cols; ++j) beaten_by += (j != own[i] && !(self < r[j])) ? 1 : 0;
    out[i] = std::isnan(self) ? static_cast<double>(d.cols) : static_cast<double>(1 + beaten_by);
  }
  return out;
}

std::vector<double> recall_at(const std::vector<double>& ranks, std::size_t k) {
  std::vector<double> out(ranks.size());
  for (std::size_t i = 0; i < ranks.size(); ++i)
    out[i] = std::isnan(ranks[i]) ? kNaN : (ranks[i] <= static_cast<double>(k) ? 1.0 : 0.0);
  return out;
}

std::vector<double> reciprocal_rank(const std::vector<double>& ranks) {
  std::vector<double> out(ranks.size());
  for (std::size_t i = 0; i < ranks.size(); ++i) out[i] = 1.0 / ranks[i];
  return out;
}

std::vector<double> normalised_margin(const MatrixD& d, const std::vector<std::size_t>& own_in) {
  const auto own = own_columns(own_in, d);
  std::vector<double> out(d.rows, kNaN);
  if (d.cols < 2) return out;
  for (std::size_t i = 0; i < d.rows; ++i) {
    const double* r = d.row(i);
    if (row_has_nan(r, d.cols)) continue;
    double other = std::numeric_limits<double>::infinity();
    for (std::size_t j = 0; j < d.cols; ++j)
      if (j != own[i]) other = std::min(other, r[j]);
    const double self = r[own[i]], sum = other + self;
    out[i] = sum > 0 ? (other - self) / sum : 0.0;
  }
  return out;
}

std::vector<double> trustworthiness(const MatrixD& high, const MatrixD& low, std::size_t k,
                                    const std::vector<std::size_t>& own_in, int threads) {
  if (high.rows != low.rows || high.cols != low.cols)
    throw_input("metrics: trustworthiness needs matrices of the same shape (" + std::to_string(high.rows) + "x" +
                std::to_string(high.cols) + " and " + std::to_string(low.rows) + "x" + std::to_string(low.cols) +
                ")");
  const auto own = own_columns(own_in, high);
  const std::size_t n = high.cols;  // sklearn's n_samples: the candidates plus the point itself
  std::vector<double> out(high.rows, kNaN);
  if (k == 0 || static_cast<double>(k) >= static_cast<double>(n) / 2.0) return out;
  const double scale = 2.0 / (static_cast<double>(k) * (2.0 * n - 3.0 * k - 1.0));
  parallel_for(0, high.rows, threads, [&](std::size_t i) {
    const double* h = high.row(i);
    const double* l = low.row(i);
    if (row_has_nan(h, n) || row_has_nan(l, n)) return;
    std::vector<std::size_t> cand;
    cand.reserve(n - 1);
    for (std::size_t j = 0; j < n; ++j)
      if (j != own[i]) cand.push_back(j);
    // The k nearest candidates in `low`, ties by column index.
    std::partial_sort(cand.begin(), cand.begin() + static_cast<long>(k), cand.end(),
                      [&](std::size_t a, std::size_t b) { return l[a] < l[b] || (l[a] == l[b] && a < b); });
    double penalty = 0;
    for (std::size_t q = 0; q < k; ++q) {
      const std::size_t j = cand[q];
      std::size_t rank = 1;  // rank of j among the candidates in `high`, ties by column index
      for (std::size_t m = 0; m < n; ++m)
        rank += (m != own[i] && (h[m] < h[j] || (h[m] == h[j] && m < j))) ? 1 : 0;
      if (rank > k) penalty += static_cast<double>(rank - k);
    }
    out[i] = 1.0 - scale * penalty;
  }, 8);
  return out;
}

}  // namespace nnr::metrics
