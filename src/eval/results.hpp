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
  std::set<std::string> unscored;  // "task of encoder" with no clip to score in some setting
  PhaseTimes times;                 // where this call's time went (logged at the end)
};

/// One consistency row: `space` audio|latent|between, `da`/`dl` the audio/latent distance ("" = none).
void add_consistency(Rows& out, const std::string& encoder, const std::string& metric, const std::string& space,
                     const std::string& da, const std::string& dl, const std::string& aggregation, const Setting& s,
                     const metrics::Estimate& e);
/// One performance row; an estimate over no clip is left out (and named once in a warning).
void add_performance(Rows& out, const std::string& task, const std::string& encoder, const std::string& metric,
                     const Setting& s, const metrics::Estimate& e);

/// The bootstrap options of one statistic; `pooled` uses bootstrap_pooled resamples.
metrics::BootstrapOptions boot(const EvaluateOptions& o, std::uint64_t seed, bool pooled = false);

/// results/consistency.csv and performance.csv of a run (or subset) directory.
std::filesystem::path consistency_csv(const std::filesystem::path& out);
std::filesystem::path performance_csv(const std::filesystem::path& out);

/// results/families.json: the labels of transforms, metrics, tasks and distances from their tables.
io::Json families_json();

/// Writes the full CSVs, summary.md and families.json atomically.
EvaluateSummary write_final(const std::filesystem::path& out, const std::string& consistency,
                            const std::string& performance);
/// Merges the count shards' CSVs into the full ones (Error(io) listing missing shards).
EvaluateSummary merge_count(const std::filesystem::path& out, int count);

}  // namespace nnr::eval::detail
