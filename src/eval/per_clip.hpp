#pragma once
// Internal to nnr-evaluate: results/per_clip.csv read back as an index, and the two tables built from it once
// every setting is there (the whole run, or the merge of its shards): breakdown.csv and paired.csv.
#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "nnr/eval/evaluate.hpp"
#include "nnr/io/csv.hpp"

namespace nnr::eval::detail {

/// A cell of per_clip.csv: (encoder, space, distance_audio, distance_latent).
using CellKey = std::tuple<std::string, std::string, std::string, std::string>;

/// One setting of one cell: each clip's value in each metric column, clip-major (NaN where blank).
struct SettingValues {
  std::string transform;
  double magnitude = 0;
  std::vector<double> values;         ///< values[clip * metrics + m], clips indexed as PerClipIndex::clips
  std::vector<std::uint8_t> present;  ///< the clip has a row in this setting
  bool has(std::size_t clip) const { return clip < present.size() && present[clip]; }
  double at(std::size_t clip, std::size_t metric, std::size_t n_metrics) const {
    return values[clip * n_metrics + metric];
  }
};

/// results/per_clip.csv held as numbers: clip ids interned once, a flat block of values per (cell, setting),
/// so a paper-scale table (10^6 rows) costs its doubles, not its strings.
struct PerClipIndex {
  std::vector<std::string> metrics;  ///< the metric columns, in file order
  std::vector<std::string> clips;    ///< every clip id, first-seen order
  /// cell -> setting id -> values; `order` keeps each cell's settings in order of appearance.
  std::map<CellKey, std::map<std::string, SettingValues>> cells;
  std::map<CellKey, std::vector<std::string>> order;
  /// Column of metric `name` in the value blocks, or -1.
  int column(const std::string& name) const;
};

/// Streams the table's text into the index (nnr::io::visit_csv).
PerClipIndex index_per_clip(const std::string& per_clip_csv_text, const std::string& source);

/// breakdown.csv: per cell, breakdown metric, transform, direction and threshold, the magnitude where the
/// metric's mean falls below the threshold (nnr/metrics/breakdown.hpp).
std::string breakdown_csv(const PerClipIndex& index, const EvaluateOptions& options);

/// paired.csv: per (space, distances) cell, per-clip metric and transform (and "all"), every pair of encoders:
/// the paired difference, its interval, the permutation p and Holm's p over the pairs of that matrix.
std::string paired_csv(const PerClipIndex& index, const EvaluateOptions& options);

const std::vector<std::string>& breakdown_columns();
const std::vector<std::string>& paired_columns();

}  // namespace nnr::eval::detail
