#pragma once
// Internal to nnr-evaluate: results/per_clip.csv read back as an index, and the two tables built from it once
// every setting is there (the whole run, or the merge of its shards): breakdown.csv and paired.csv.
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "nnr/eval/evaluate.hpp"
#include "nnr/io/csv.hpp"

namespace nnr::eval::detail {

/// A cell of per_clip.csv: (encoder, space, distance_audio, distance_latent).
using CellKey = std::tuple<std::string, std::string, std::string, std::string>;

struct SettingValues {
  std::string transform;
  double magnitude = 0;
  /// clip id -> its value in each metric column (NaN where blank).
  std::map<std::string, std::vector<double>> clips;
};

struct PerClipIndex {
  std::vector<std::string> metrics;  ///< the metric columns, in file order
  /// cell -> setting id -> values; settings in the cell's order of appearance kept in `order`.
  std::map<CellKey, std::map<std::string, SettingValues>> cells;
  std::map<CellKey, std::vector<std::string>> order;
  /// Column of metric `name` in the value vectors, or -1.
  int column(const std::string& name) const;
};

PerClipIndex index_per_clip(const io::CsvTable& per_clip);

/// breakdown.csv: per cell, breakdown metric, transform, direction and threshold, the magnitude where the
/// metric's mean falls below the threshold (nnr/metrics/breakdown.hpp).
std::string breakdown_csv(const PerClipIndex& index, const EvaluateOptions& options);

/// paired.csv: per (space, distances) cell, per-clip metric and transform (and "all"), every pair of encoders:
/// the paired difference, its interval, the permutation p and Holm's p over the pairs of that matrix.
std::string paired_csv(const PerClipIndex& index, const EvaluateOptions& options);

const std::vector<std::string>& breakdown_columns();
const std::vector<std::string>& paired_columns();

}  // namespace nnr::eval::detail
