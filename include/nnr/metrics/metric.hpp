#pragma once
/// The consistency metric family: the paper's C^W within one space, C^B_acc and C^B_ρ between the audio
/// and a latent space (section 3.1), and graded neighbourhood measures beside them (nnr/metrics/graded.hpp). Members are lines of the table in src/metrics/builtin.cpp; nnr-evaluate runs
/// every member on every (setting, encoder, distance) cell and writes one results/consistency.csv row per
/// result, so a new measure is one function plus one table line.

#include <cstddef>
#include <string>
#include <vector>

#include "nnr/core/matrix.hpp"
#include "nnr/core/registry.hpp"
#include "nnr/metrics/bootstrap.hpp"
#include "nnr/metrics/consistency.hpp"

namespace nnr::metrics {

/// Where a metric looks: within one space (its distances), or between the audio and a latent space.
enum class MetricScope { within, between };

/// The distances of one cell. Rows are the transformed clips, columns the originals; own[i] is the column
/// of row i's own original. Within: `space` is set. Between: `audio` and `latent` hold the same clips.
struct MetricInput {
  const MatrixD* space = nullptr;
  const MatrixD* audio = nullptr;
  const MatrixD* latent = nullptr;
  const std::vector<std::size_t>* own = nullptr;
  /// Optional: `audio` and `latent` sorted beforehand (shared between cells; pooled statistics use them).
  const SortedDistances* audio_sorted = nullptr;
  const SortedDistances* latent_sorted = nullptr;
  /// The cell's bootstrap options: `boot.seed` is the cell's seed (members derive their own from it);
  /// `boot_pooled` for statistics whose resample costs O(C^2) (bootstrap_pooled in the config).
  BootstrapOptions boot, boot_pooled;
};

/// One output row: the aggregation column ("mean", "per_clip", "pooled") and the estimate.
struct MetricResult {
  std::string aggregation;
  Estimate estimate;
  /// The per-clip values behind a mean, one per input row (NaN where undefined); empty for a statistic with
  /// no per-clip form (pooled). Evaluate writes them to results/per_clip.csv for breakdown magnitudes and
  /// paired comparisons. At most one result of a member carries them.
  std::vector<double> per_clip = {};
};

struct MetricEntry : EntryBase {
  std::vector<MetricResult> (*compute)(const MetricInput& input, const Params& params);
  MetricScope scope = MetricScope::within;
  std::string label;  ///< figure label (matplotlib mathtext): "$C^W$"
  bool higher_is_better = true;  ///< false for the own original's rank
  bool per_clip = false;         ///< one of its results carries per-clip values (a per_clip.csv column)
};

/// The table, in output order: C_W, the graded within-space measures (own_rank, MRR, recall_at_k, margin),
/// C_B_acc, C_B_rho, trustworthiness, continuity.
const Registry<MetricEntry>& metric_registry();

/// Runs one member with its default parameters. Throws Error(internal) if the input does not match its scope.
std::vector<MetricResult> compute_metric(const MetricEntry& metric, const MetricInput& input);

}  // namespace nnr::metrics
