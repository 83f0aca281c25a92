#pragma once
/// Paired comparisons of two encoders on the same clips (issue 12): the mean per-clip difference A - B with a
/// paired bootstrap interval (resample clips, both encoders together) and a two-sided sign-flip permutation
/// p-value, then Holm's step-down correction over a family of comparisons.
///
/// Many comparisons over the same clips share one set of resamples and one set of sign flips, so a batch is two
/// matrix products (Eigen): each comparison on its own is still an exact Monte Carlo test.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "nnr/metrics/bootstrap.hpp"

namespace nnr::metrics {

struct PairedComparison {
  Estimate difference;  ///< mean of a - b over the clips where neither is NaN; n = those clips
  /// (1 + #{flips: |mean(s * d)| >= |mean(d)|}) / (1 + permutations); NaN with no clip or no permutation.
  double p_value = 0.0;
};

struct PermutationOptions {
  int permutations = 10000;  ///< sign flips P; the smallest p is 1 / (P + 1)
  std::uint64_t seed = 0;    ///< flip p is drawn from derive_seed(seed, "flip", p)
};

/// One comparison per entry of `differences` (each a vector of the same n clips' a - b, NaN = clip missing on
/// either side). The bootstrap uses resample_counts(n, boot.seed, b), as bootstrap_mean does, so a single
/// comparison's interval equals bootstrap_mean of its differences. Threads: boot.threads; results do not
/// depend on it. Throws Error(input) for ragged inputs.
std::vector<PairedComparison> paired_differences(const std::vector<std::vector<double>>& differences,
                                                 const BootstrapOptions& boot, const PermutationOptions& perm);

/// Holm-Bonferroni adjusted p-values (step-down, monotone, capped at 1), in the input's order; NaN entries stay
/// NaN and do not count towards the family size.
std::vector<double> holm(const std::vector<double>& p);

}  // namespace nnr::metrics
