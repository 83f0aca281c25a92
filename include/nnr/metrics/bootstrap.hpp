#pragma once
/// Nonparametric bootstrap over clips: resample the n clips with replacement B times, recompute the statistic,
/// report the (1 − level)/2 and (1 + level)/2 percentiles of the B values (linear interpolation, as
/// numpy.percentile and seaborn's CI bands). Resample b uses its own generator seeded with
/// derive_seed(seed, "resample", b), so results are identical for any thread count or call order.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace nnr::metrics {

struct BootstrapOptions {
  int resamples = 1000;       ///< B; 0 disables intervals (ci_low = ci_high = NaN)
  double level = 0.95;        ///< central interval coverage
  std::uint64_t seed = 0;     ///< derive per statistic, e.g. derive_seed(run_seed, encoder, metric, setting)
  int threads = 1;            ///< threads for the resamples (and per-clip rows); results do not depend on it
};

/// A point estimate with its percentile interval. n = number of clips that entered the statistic.
struct Estimate {
  double value = 0.0, ci_low = 0.0, ci_high = 0.0;
  std::size_t n = 0;
};

/// Multiplicity of each of the n clips in resample b (sums to n).
std::vector<std::uint32_t> resample_counts(std::size_t n, std::uint64_t seed, std::size_t b);

/// Percentile q in [0, 100] of the non-NaN values with linear interpolation (numpy default); NaN if none.
double percentile(std::vector<double> values, double q);

/// Mean of the non-NaN per-clip values with a bootstrap interval of the mean (NaN values are skipped in the
/// point estimate and in every resample; n counts the non-NaN values).
Estimate bootstrap_mean(const std::vector<double>& per_clip, const BootstrapOptions& options);

/// Median of the non-NaN per-clip values (nan_median) with a bootstrap interval of the median.
Estimate bootstrap_median(const std::vector<double>& per_clip, const BootstrapOptions& options);

}  // namespace nnr::metrics
