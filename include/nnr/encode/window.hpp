#pragma once
/// How a clip of any length becomes fixed-length encoder input windows, and how per-window outputs
/// become one row per clip.
///
/// - `center` (default, as the paper's code): one window, the centre `length` samples of the clip
///   (start = floor((n - length) / 2)), or the whole clip right-zero-padded when it is shorter.
/// - `mean`: ceil(n / length) consecutive, non-overlapping windows starting at sample 0 that cover the
///   whole clip; the last one is right-zero-padded. The clip's row is the mean of the windows' rows
///   weighted by the number of real (not padded) samples in each window, so a 10-sample tail counts
///   for 10 samples, not for a whole window.
/// Both are pure functions of the clip: results never depend on batching, threads or shards.

#include <cstddef>
#include <string>
#include <vector>

namespace nnr::encode {

enum class WindowMode { center, mean };

/// "center" or "mean"; throws Error(config) naming `key` otherwise.
WindowMode parse_window_mode(const std::string& text, const std::string& key = "--window");
std::string to_string(WindowMode mode);

struct Window {
  std::vector<float> samples;  ///< exactly `length` samples
  double weight = 1.0;         ///< real samples / length (1 for a full window); center: always 1
};

/// Windows of `length` samples (> 0) cut from `clip` (may be empty: one all-zero window, weight 1).
std::vector<Window> make_windows(const std::vector<float>& clip, std::size_t length, WindowMode mode);

/// Weighted mean of `rows` (each `dim` values, row-major, one per window) into `out` (dim values);
/// values that are NaN are skipped per column (NaN when a column has no finite-weighted value).
void weighted_mean(const float* rows, const std::vector<double>& weights, std::size_t dim, float* out);

}  // namespace nnr::encode
