#include "nnr/metrics/bootstrap.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "nnr/core/parallel.hpp"
#include "nnr/core/random.hpp"
#include "nnr/metrics/task_metrics.hpp"

namespace nnr::metrics {

std::vector<std::uint32_t> resample_counts(std::size_t n, std::uint64_t seed, std::size_t b) {
  std::vector<std::uint32_t> counts(n, 0);
  Rng rng(derive_seed(seed, "resample", std::to_string(b)));
  for (std::size_t i = 0; i < n; ++i) ++counts[uniform_index(rng, n)];
  return counts;
}

double percentile(std::vector<double> values, double q) {
  values.erase(std::remove_if(values.begin(), values.end(), [](double v) { return std::isnan(v); }),
               values.end());
  if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::sort(values.begin(), values.end());
  const double pos = std::clamp(q, 0.0, 100.0) / 100.0 * static_cast<double>(values.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const std::size_t hi = std::min(lo + 1, values.size() - 1);
  const double frac = pos - static_cast<double>(lo);
  if (frac == 0.0) return values[lo];
  return values[lo] + (values[hi] - values[lo]) * frac;
}

Estimate bootstrap_mean(const std::vector<double>& per_clip, const BootstrapOptions& o) {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  Estimate e;
  double sum = 0.0;
  for (double v : per_clip)
    if (!std::isnan(v)) {
      sum += v;
      ++e.n;
    }
  e.value = e.n ? sum / static_cast<double>(e.n) : kNaN;
  e.ci_low = e.ci_high = kNaN;
  if (o.resamples <= 0 || e.n == 0) return e;
  std::vector<double> stats(static_cast<std::size_t>(o.resamples));
  const std::size_t n = per_clip.size();
  // Each resample writes its own slot: the same values on any number of threads.
  parallel_for(0, stats.size(), o.threads, [&](std::size_t b) {
    const auto counts = resample_counts(n, o.seed, b);
    double s = 0.0, w = 0.0;
    for (std::size_t i = 0; i < n; ++i)
      if (counts[i] && !std::isnan(per_clip[i])) {
        s += counts[i] * per_clip[i];
        w += counts[i];
      }
    stats[b] = w > 0 ? s / w : kNaN;
  }, 16);
  e.ci_low = percentile(stats, 50.0 * (1.0 - o.level));
  e.ci_high = percentile(stats, 50.0 * (1.0 + o.level));
  return e;
}

Estimate bootstrap_median(const std::vector<double>& per_clip, const BootstrapOptions& o) {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  Estimate e;
  for (double v : per_clip) e.n += std::isnan(v) ? 0 : 1;
  e.value = nan_median(per_clip);
  e.ci_low = e.ci_high = kNaN;
  if (o.resamples <= 0 || e.n == 0) return e;
  std::vector<double> stats(static_cast<std::size_t>(o.resamples));
  const std::size_t n = per_clip.size();
  parallel_for(0, stats.size(), o.threads, [&](std::size_t b) {
    const auto counts = resample_counts(n, o.seed, b);
    std::vector<double> sample;
    sample.reserve(n);
    for (std::size_t i = 0; i < n; ++i)
      for (std::uint32_t c = 0; c < counts[i]; ++c) sample.push_back(per_clip[i]);
    stats[b] = nan_median(sample);
  }, 16);
  e.ci_low = percentile(stats, 50.0 * (1.0 - o.level));
  e.ci_high = percentile(stats, 50.0 * (1.0 + o.level));
  return e;
}

}  // namespace nnr::metrics
