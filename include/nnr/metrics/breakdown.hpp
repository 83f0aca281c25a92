#pragma once
/// Breakdown magnitude (issue 12, the paper's section 6.5 question): how strong must a transformation be before
/// an encoder "forgets" its clip? Along one direction of a transform's grid, walking outward from the identity,
/// the first magnitude where the mean of a per-clip measure (C^W, recall@1) falls below a threshold, by linear
/// interpolation between the two grid points around the crossing, with a bootstrap interval over clips.

#include <cstddef>
#include <limits>
#include <string>
#include <vector>

#include "nnr/metrics/bootstrap.hpp"

namespace nnr::metrics {

/// One direction of one transform: magnitudes from the weakest outward (magnitudes[0] is the identity, with the
/// originals' values, when the transform has one), and values[g][c] the value of clip c at magnitudes[g] (the
/// same clips at every g; NaN values are skipped in the means).
struct BreakdownWalk {
  std::vector<double> magnitudes;
  std::vector<std::vector<double>> values;
};

enum class BreakdownStatus {
  reached,      ///< the mean falls below the threshold between two points of the walk
  not_reached,  ///< it never does on the grid: the magnitude is beyond the last point (NaN)
  before_grid,  ///< already below at the first point: the magnitude is at or before it (reported as it)
};
const char* to_string(BreakdownStatus s);

struct Breakdown {
  static constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  double magnitude = kNaN;
  /// Percentile interval over bootstrap resamples of the clips, ci_low <= ci_high as numbers. The bound on the
  /// walk's far side is NaN when more than that tail of resamples never cross on the grid (it lies beyond the
  /// last point: ci_high for a walk upwards, ci_low for one downwards); the near bound is the first point
  /// when that tail crosses before it.
  double ci_low = kNaN, ci_high = kNaN;
  BreakdownStatus status = BreakdownStatus::not_reached;
  std::size_t n = 0;  ///< clips
};

/// Position of the first crossing below `threshold` of a curve of means along the walk: a fractional index
/// t in [0, G-1] (t = 0 when the first point is already below), or +infinity when none.
double crossing_position(const std::vector<double>& means, double threshold);

/// The magnitude at fractional walk index t (linear between neighbouring points).
double magnitude_at(const std::vector<double>& magnitudes, double t);

/// The breakdown magnitude of `walk` at `threshold` with its bootstrap interval (`boot`: resamples, level,
/// seed; resample b is resample_counts(n, boot.seed, b), shared by every magnitude of the walk).
/// Throws Error(input) for a walk with fewer than 2 points or ragged values.
Breakdown breakdown_magnitude(const BreakdownWalk& walk, double threshold, const BootstrapOptions& boot);

}  // namespace nnr::metrics
