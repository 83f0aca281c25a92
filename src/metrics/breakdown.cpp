// Breakdown magnitudes (nnr/metrics/breakdown.hpp). Every resample's curve of means is one weighted pass per
// magnitude; the crossing is found on it exactly as on the full sample.
#include "nnr/metrics/breakdown.hpp"

#include <algorithm>
#include <utility>
#include <cmath>

#include "nnr/core/error.hpp"
#include "nnr/core/parallel.hpp"

namespace nnr::metrics {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

std::vector<double> weighted_means(const BreakdownWalk& walk, const std::vector<std::uint32_t>* counts) {
  std::vector<double> means(walk.values.size(), Breakdown::kNaN);
  for (std::size_t g = 0; g < walk.values.size(); ++g) {
    double s = 0, w = 0;
    const auto& v = walk.values[g];
    for (std::size_t c = 0; c < v.size(); ++c) {
      const double wc = counts ? (*counts)[c] : 1.0;
      if (wc > 0 && !std::isnan(v[c])) {
        s += wc * v[c];
        w += wc;
      }
    }
    if (w > 0) means[g] = s / w;
  }
  return means;
}

}  // namespace

const char* to_string(BreakdownStatus s) {
  switch (s) {
    case BreakdownStatus::reached: return "reached";
    case BreakdownStatus::not_reached: return "not_reached";
    case BreakdownStatus::before_grid: return "before_grid";
  }
  return "?";
}

double crossing_position(const std::vector<double>& means, double threshold) {
  for (std::size_t g = 0; g < means.size(); ++g) {
    if (!(means[g] < threshold)) continue;  // NaN never counts as a crossing
    if (g == 0) return 0.0;
    // The last point at or above the threshold before g (NaN points in between are skipped).
    std::size_t a = g;
    while (a > 0 && std::isnan(means[a - 1])) --a;
    if (a == 0) return static_cast<double>(g);
    --a;
    const double va = means[a], vb = means[g];
    return static_cast<double>(a) + static_cast<double>(g - a) * (va - threshold) / (va - vb);
  }
  return kInf;
}

double magnitude_at(const std::vector<double>& m, double t) {
  if (!(t >= 0) || t > static_cast<double>(m.size() - 1)) return Breakdown::kNaN;
  const auto lo = static_cast<std::size_t>(std::floor(t));
  if (lo + 1 >= m.size()) return m.back();
  return m[lo] + (t - static_cast<double>(lo)) * (m[lo + 1] - m[lo]);
}

Breakdown breakdown_magnitude(const BreakdownWalk& walk, double threshold, const BootstrapOptions& boot) {
  const std::size_t g_count = walk.magnitudes.size();
  if (g_count < 2 || walk.values.size() != g_count)
    throw_input("metrics: a breakdown walk needs at least 2 magnitudes with values (magnitudes=" +
                std::to_string(g_count) + ", value rows=" + std::to_string(walk.values.size()) + ")");
  const std::size_t n = walk.values[0].size();
  for (const auto& v : walk.values)
    if (v.size() != n) throw_input("metrics: a breakdown walk needs the same clips at every magnitude");
  Breakdown b;
  b.n = n;
  const double t = crossing_position(weighted_means(walk, nullptr), threshold);
  b.status = std::isinf(t) ? BreakdownStatus::not_reached
             : t == 0.0    ? BreakdownStatus::before_grid
                           : BreakdownStatus::reached;
  b.magnitude = magnitude_at(walk.magnitudes, t);
  if (boot.resamples <= 0 || n == 0) return b;
  // Resamples that never cross sit one step past the last point, so percentiles stay ordered; a bound
  // that lands past the last point is "beyond the grid" (NaN).
  const double beyond = static_cast<double>(g_count);
  std::vector<double> ts(static_cast<std::size_t>(boot.resamples));
  parallel_for(0, ts.size(), boot.threads, [&](std::size_t r) {
    const auto counts = resample_counts(n, boot.seed, r);
    const double tr = crossing_position(weighted_means(walk, &counts), threshold);
    ts[r] = std::isinf(tr) ? beyond : tr;
  }, 16);
  const double lo = percentile(ts, 50.0 * (1.0 - boot.level)), hi = percentile(ts, 50.0 * (1.0 + boot.level));
  b.ci_low = magnitude_at(walk.magnitudes, lo);
  b.ci_high = magnitude_at(walk.magnitudes, hi);
  // Percentiles are in walk order; a walk downwards (SNR, bit rate) reaches lower magnitudes later.
  if (walk.magnitudes.back() < walk.magnitudes.front()) std::swap(b.ci_low, b.ci_high);
  return b;
}

}  // namespace nnr::metrics
