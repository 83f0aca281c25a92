#pragma once
// Internal to nnr-evaluate: the rows of results/consistency.csv and results/performance.csv, and writing
// them (whole, or as one shard's part through nnr/io/shard_files.hpp).
#include "nnr/core/progress.hpp"
#include <filesystem>
#include <set>
#include <string>

#include "nnr/eval/evaluate.hpp"
#include "nnr/io/csv.hpp"
#include "nnr/io/json.hpp"
#include "nnr/metrics/bootstrap.hpp"
#include "run_dir.hpp"

namespace nnr::eval::detail {

struct Rows {
  io::CsvWriter consistency{consistency_columns()};
  io::CsvWriter performance{performance_columns()};
  io::CsvWriter per_clip{per_clip_columns()};
  std::set<std::string> unscored;  // "task of encoder" with no clip to score in some setting
  std::set<std::string> undefined; // metrics defined on no clip of some cell (e.g. trustworthiness, N <= 2k)
  PhaseTimes times;                 // where this call's time went (logged at the end)
};

/// One consistency row: `space` audio|latent|between, `da`/`dl` the audio/latent distance ("" = none).
void add_consistency(Rows& out, const std::string& encoder, const std::string& metric, const std::string& space,
                     const std::string& da, const std::string& dl, const std::string& aggregation, const Setting& s,
                     const metrics::Estimate& e);
/// A metric's per-clip values (metric name, one value per clip).
using PerClipValues = std::vector<std::pair<std::string, std::vector<double>>>;
/// One per_clip.csv row per clip of a cell: its key columns, then each metric's value in its column (blank
/// for metrics not in `values`, e.g. the other scope's).
void add_per_clip(Rows& out, const std::string& encoder, const std::string& space, const std::string& da,
                  const std::string& dl, const Setting& s, const std::vector<std::string>& clips,
                  const PerClipValues& values);
/// One performance row; an estimate over no clip is left out (and named once in a warning).
void add_performance(Rows& out, const std::string& task, const std::string& encoder, const std::string& metric,
                     const Setting& s, const metrics::Estimate& e);

/// The bootstrap options of one statistic; `pooled` uses bootstrap_pooled resamples.
metrics::BootstrapOptions boot(const EvaluateOptions& o, std::uint64_t seed, bool pooled = false);

/// results/consistency.csv and performance.csv of a run (or subset) directory.
std::filesystem::path consistency_csv(const std::filesystem::path& out);
std::filesystem::path performance_csv(const std::filesystem::path& out);
std::filesystem::path per_clip_csv(const std::filesystem::path& out);

/// results/families.json: the labels of transforms, metrics, tasks and distances from their tables.
io::Json families_json();

/// The whole run's results, as CSV text.
struct ResultTexts {
  std::string consistency, performance, per_clip;
};

/// Writes the full CSVs, then what needs every setting (breakdown.csv and paired.csv from the per-clip
/// values, with `options`' bootstrap, level, seed and breakdown keys), summary.md and families.json, each
/// atomically.
EvaluateSummary write_final(const std::filesystem::path& out, const ResultTexts& texts, const EvaluateOptions& options);
/// Merges the count shards' CSVs into the full ones (Error(io) listing missing shards).
EvaluateSummary merge_count(const std::filesystem::path& out, int count, const EvaluateOptions& options);

}  // namespace nnr::eval::detail
