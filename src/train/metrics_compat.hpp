#pragma once
// The one seam between training and the task metrics (nnr/metrics/task_metrics.hpp): validation
// metrics of the per-epoch log.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <vector>

#include "nnr/core/matrix.hpp"

namespace nnr::train::detail {

/// Mean over clips (rows) of the ROC AUC of the clip's scores against its labels; clips without both
/// classes are skipped (sklearn average='samples'). NaN if no clip counts.
inline double clipwise_auc(const MatrixF& scores, const Matrix<std::uint8_t>& labels) {
  double sum = 0;
  int n = 0;
  for (std::size_t i = 0; i < scores.rows; ++i) {
    std::vector<std::size_t> order(scores.cols);
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](auto a, auto b) { return scores(i, a) < scores(i, b); });
    // Mann-Whitney U with average ranks for ties.
    double rank_sum = 0, n_pos = 0;
    for (std::size_t a = 0; a < order.size();) {
      std::size_t b = a;
      while (b + 1 < order.size() && scores(i, order[b + 1]) == scores(i, order[a])) ++b;
      const double r = 0.5 * static_cast<double>(a + b) + 1.0;
      for (std::size_t k = a; k <= b; ++k)
        if (labels(i, order[k])) rank_sum += r, n_pos += 1;
      a = b + 1;
    }
    const double n_neg = static_cast<double>(scores.cols) - n_pos;
    if (n_pos == 0 || n_neg == 0) continue;
    sum += (rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg);
    ++n;
  }
  return n ? sum / n : std::nan("");
}

inline double accuracy(const std::vector<int>& predicted, const std::vector<int>& truth) {
  if (truth.empty()) return std::nan("");
  std::size_t ok = 0;
  for (std::size_t i = 0; i < truth.size(); ++i) ok += predicted[i] == truth[i];
  return static_cast<double>(ok) / static_cast<double>(truth.size());
}

/// SDR in dB per 1 s window (hop 1 s), median over windows with a non-silent reference.
inline double sdr(const std::vector<float>& ref, const std::vector<float>& est, int sr) {
  std::vector<double> v;
  const std::size_t n = std::min(ref.size(), est.size());
  for (std::size_t s = 0; s + static_cast<std::size_t>(sr) <= n || (s == 0 && n > 0); s += static_cast<std::size_t>(sr)) {
    const std::size_t e = std::min(n, s + static_cast<std::size_t>(sr));
    double num = 0, den = 0;
    for (std::size_t i = s; i < e; ++i) {
      num += static_cast<double>(ref[i]) * ref[i];
      den += static_cast<double>(ref[i] - est[i]) * (ref[i] - est[i]);
    }
    if (num > 1e-10) v.push_back(10 * std::log10(num / std::max(den, 1e-12)));
    if (e == n) break;
  }
  if (v.empty()) return std::nan("");
  std::sort(v.begin(), v.end());
  const std::size_t m = v.size() / 2;
  return v.size() % 2 ? v[m] : 0.5 * (v[m - 1] + v[m]);
}

}  // namespace nnr::train::detail
