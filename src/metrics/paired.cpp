// Paired comparisons (nnr/metrics/paired.hpp). The comparisons of a batch are the columns of D (n clips x m,
// NaN -> 0) and of its mask M; resample weights W (B x n) and sign flips S (P x n) are drawn once, and
//   bootstrap means = (W D) / (W M),   flipped sums = S D,
// so the work is two matrix products instead of m * (B + P) passes over the clips.
#include "nnr/metrics/paired.hpp"

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>

#include "nnr/core/error.hpp"
#include "nnr/core/parallel.hpp"
#include "nnr/core/random.hpp"

namespace nnr::metrics {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
using Mat = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// A rows x n matrix, row r filled by fill(r, row pointer), rows in parallel.
template <class Fill>
Mat random_rows(std::size_t rows, std::size_t n, int threads, Fill fill) {
  Mat m(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(n));
  parallel_for(0, rows, threads, [&](std::size_t r) { fill(r, m.row(static_cast<Eigen::Index>(r)).data()); }, 64);
  return m;
}

}  // namespace

std::vector<PairedComparison> paired_differences(const std::vector<std::vector<double>>& differences,
                                                 const BootstrapOptions& boot, const PermutationOptions& perm) {
  const std::size_t m = differences.size();
  std::vector<PairedComparison> out(m);
  if (m == 0) return out;
  const std::size_t n = differences[0].size();
  for (const auto& d : differences)
    if (d.size() != n) throw_input("metrics: paired comparisons of one batch need the same clips");
  Mat D = Mat::Zero(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(m));
  Mat M = Mat::Zero(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(m));
  for (std::size_t j = 0; j < m; ++j)
    for (std::size_t i = 0; i < n; ++i)
      if (!std::isnan(differences[j][i])) {
        D(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = differences[j][i];
        M(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = 1.0;
      }
  const Eigen::RowVectorXd sum = D.colwise().sum(), count = M.colwise().sum();
  const Eigen::RowVectorXd abs_sum = D.cwiseAbs().colwise().sum();
  for (std::size_t j = 0; j < m; ++j) {
    auto& e = out[j].difference;
    e.n = static_cast<std::size_t>(count(static_cast<Eigen::Index>(j)));
    e.value = e.n ? sum(static_cast<Eigen::Index>(j)) / static_cast<double>(e.n) : kNaN;
    e.ci_low = e.ci_high = kNaN;
    out[j].p_value = kNaN;
  }
  if (n == 0) return out;

  if (boot.resamples > 0) {
    const auto B = static_cast<std::size_t>(boot.resamples);
    const Mat W = random_rows(B, n, boot.threads, [&](std::size_t b, double* row) {
      const auto c = resample_counts(n, boot.seed, b);
      std::copy(c.begin(), c.end(), row);
    });
    const Mat num = W * D, den = W * M;
    for (std::size_t j = 0; j < m; ++j) {
      if (!out[j].difference.n) continue;
      std::vector<double> means(B);
      for (std::size_t b = 0; b < B; ++b) {
        const double w = den(static_cast<Eigen::Index>(b), static_cast<Eigen::Index>(j));
        means[b] = w > 0 ? num(static_cast<Eigen::Index>(b), static_cast<Eigen::Index>(j)) / w : kNaN;
      }
      out[j].difference.ci_low = percentile(means, 50.0 * (1.0 - boot.level));
      out[j].difference.ci_high = percentile(means, 50.0 * (1.0 + boot.level));
    }
  }

  if (perm.permutations > 0) {
    const auto P = static_cast<std::size_t>(perm.permutations);
    std::vector<std::size_t> extreme(m, 0);
    // Flips in blocks, so memory stays P_block x (n + m) whatever P is.
    constexpr std::size_t kBlock = 2048;
    for (std::size_t p0 = 0; p0 < P; p0 += kBlock) {
      const std::size_t rows = std::min(kBlock, P - p0);
      const Mat S = random_rows(rows, n, boot.threads, [&](std::size_t r, double* row) {
        Rng rng(derive_seed(perm.seed, "flip", std::to_string(p0 + r)));
        std::uint64_t bits = 0;
        for (std::size_t i = 0; i < n; ++i) {
          if (i % 64 == 0) bits = rng();
          row[i] = (bits >> (i % 64)) & 1 ? 1.0 : -1.0;
        }
      });
      const Mat flipped = S * D;
      for (std::size_t j = 0; j < m; ++j) {
        // Sums within rounding of the observed one count as extreme (ties of |sum| are common with 0/1 data).
        const double obs = std::abs(sum(static_cast<Eigen::Index>(j)));
        const double tol = 1e-12 * abs_sum(static_cast<Eigen::Index>(j));
        for (std::size_t r = 0; r < rows; ++r)
          extreme[j] += std::abs(flipped(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(j))) >= obs - tol;
      }
    }
    for (std::size_t j = 0; j < m; ++j)
      if (out[j].difference.n)
        out[j].p_value = static_cast<double>(1 + extreme[j]) / static_cast<double>(1 + P);
  }
  return out;
}

std::vector<double> holm(const std::vector<double>& p) {
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < p.size(); ++i)
    if (!std::isnan(p[i])) order.push_back(i);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return p[a] < p[b]; });
  std::vector<double> adj(p.size(), kNaN);
  const std::size_t m = order.size();
  double running = 0.0;
  for (std::size_t r = 0; r < m; ++r) {
    running = std::max(running, std::min(1.0, static_cast<double>(m - r) * p[order[r]]));
    adj[order[r]] = running;
  }
  return adj;
}

}  // namespace nnr::metrics
