#pragma once
/// The nnr-evaluate stage: distance consistency (paper section 3.1) and task performance for a run directory.
///
/// Reads (RUN_DIR = options.run_dir):
///   manifest.csv                      originals (transform "OG") and transformed rows; status ok/failed
///   embeddings/<encoder>.npy          float32 N_manifest x D, one row per manifest row (NaN rows = failed)
///   embeddings/<encoder>.json         optional sidecar from nnr-encode; its "task" names the prediction task
///   predictions/<encoder>.npy         optional: AT N x K sigmoid probabilities, IR N x C softmax
///                                     probabilities, AE N x 1 reconstruction MSE, VS N x 1 SDR (NaN = none)
///   predictions/<encoder>.classes.json  JSON list of the prediction columns' names (AT tags, IR classes)
///   labels.csv                        optional: clip_id,instrument,tags (tags ';'-separated)
/// Writes:
///   features/mfcc/<transform>/<magnitude>.npy (+ .offsets.npy, .json)   cached audio-space MFCC sequences:
///       float32 (sum of frames) x 24, frames of clip k are rows offsets[k]..offsets[k+1] (int64, clips+1);
///       clips in manifest OG order; an empty range = clip missing (failed or undecodable)
///   distances/<space>/<distance>/<transform>/<magnitude>.npy (+ .json)  float64 C x C, row i = transformed
///       clip i, column j = original j, clips in manifest OG order, NaN where a row or column is missing;
///       space = "audio" or the encoder name. The .json sidecar (clip list hash, distance parameters) makes a
///       matrix reusable: present and matching -> not recomputed.
///   results/consistency.csv, results/performance.csv, results/summary.md   (atomic)
///   results/shards/{consistency,performance}.<i>-of-<n>.csv                with --shard i/n (n > 1)
/// With a subset name all of these go under RUN_DIR/subsets/<name>/ instead (inputs are still read from
/// RUN_DIR), so a subset has its own caches and results and plot_results.py RUN_DIR/subsets/<name> works.
///
/// Work is split by setting (transform, magnitude): shard i/n takes a contiguous range of the settings in
/// manifest order. For test sets too large for one task per setting, --rows i/n also splits each setting's
/// audio distances by rows (EvaluateOptions::rows). When all n shard files exist (or on merge) the full CSVs are their concatenation in
/// shard order, byte-identical to an unsharded run (bootstrap seeds derive from names, never from order).

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "nnr/core/matrix.hpp"
#include "nnr/core/shard.hpp"
#include "nnr/io/csv.hpp"
#include "nnr/io/json.hpp"

namespace nnr::eval {

/// One configured distance: `label` goes into paths and CSVs, `name` picks the implementation, `params`
/// are its settings (e.g. {"radius": 1} for fastdtw).
struct DistanceSpec {
  std::string label, name;
  io::Json params = io::Json::object();
};

struct EvaluateOptions {
  std::filesystem::path run_dir;
  std::vector<DistanceSpec> audio_distances = {{"dtw", "dtw", io::Json::object()},
                                               {"simple", "simple", io::Json::object()}};
  std::vector<std::string> latent_distances = {"euclidean", "cosine"};
  std::vector<std::string> encoders;   ///< empty = every embeddings/*.npy
  std::vector<std::string> clips;      ///< clip subset (ids); empty = all originals
  std::size_t max_clips = 0;           ///< keep only the first n originals (after `clips`); 0 = all
  std::string clip_pattern;            ///< ECMAScript regex a clip id must contain a match of; "" = all
  std::string subset;                  ///< "" = write to RUN_DIR; else to RUN_DIR/subsets/<subset>/
  int bootstrap = 1000;                ///< resamples B for every interval; 0 = no intervals
  int bootstrap_pooled = -1;           ///< B for pooled C^B_ρ (costs O(B·C²)); -1 = same as bootstrap
  double level = 0.95;                 ///< interval coverage
  /// Breakdown magnitudes (results/breakdown.csv): the per-clip metrics and the thresholds their mean is
  /// followed down to along each transform's grid.
  std::vector<std::string> breakdown_metrics = {"C_W", "recall_at_1", "recall_at_5"};
  std::vector<double> breakdown_thresholds = {0.9, 0.5};
  int permutations = 10000;            ///< sign flips of each paired comparison (results/paired.csv); 0 = no p
  std::uint64_t seed = 20191021;       ///< run seed; each statistic's seed derives from it and its names
  bool auc_drop_empty_tags = false;    ///< AT: drop tags with no positive among the clips (the paper's code)
  std::filesystem::path labels;       ///< labels CSV; "" = RUN_DIR/labels.csv if present
  bool nan_embeddings_error = false;   ///< NaN embedding on an ok manifest row: false = exclude + warn
  int threads = 0;
  Shard shard;
  /// --rows i/n (n > 1): split every audio-space distance matrix by rows (transformed clips) across calls.
  /// Such a call computes and stores only rows i of n of its settings' MFCC sequences and audio distance
  /// matrices (features/... and distances/audio/... as <mag>.rows-<i>-of-<n>.*), and no metrics; a later
  /// call without --rows (or with --shard over the settings) assembles the blocks, byte-identical to an
  /// unsplit run, and computes the metrics.
  Shard rows;
  bool merge = false;                  ///< only merge existing shard CSVs
  bool dry_run = false;
};

/// Where features/, distances/ and results/ go: RUN_DIR, or RUN_DIR/subsets/<subset>/ so that evaluating a
/// subset (e.g. clip_pattern "^music_") never overwrites the whole run's caches and results. Throws
/// Error(config) for a subset name that is not a plain file name.
std::filesystem::path output_dir(const EvaluateOptions& options);

/// Keys accepted in the config's "evaluate" section: audio_distances (list of names or objects
/// {"name":..., "label":..., <params>}), latent_distances, encoders, clips, max_clips, clip_pattern, subset, bootstrap,
/// bootstrap_pooled, level, seed, auc_drop_empty_tags, nan_embeddings ("exclude"|"error"), threads, labels,
/// breakdown_metrics, breakdown_thresholds, permutations.
const std::vector<std::string>& evaluate_config_keys();

/// Applies an "evaluate" config section onto `options` (check_keys first; `context` names the file).
void apply_evaluate_config(const io::Json& section, EvaluateOptions& options, const std::string& context);

/// The audio-space primitives nnr-evaluate needs, injectable for tests. default_backend() uses
/// nnr::features::mfcc_sequence and nnr::distance.
struct Backend {
  /// Audio (22,050 Hz mono) -> T x 24 MFCC sequence.
  std::function<MatrixF(const std::vector<float>&)> mfcc;
  /// All pairs queries x refs of a sequence distance (rows = queries).
  std::function<MatrixD(const std::vector<MatrixF>& queries, const std::vector<MatrixF>& refs,
                        const DistanceSpec& distance, int threads)>
      sequence_distances;
  /// All pairs Q x R of a vector distance ("euclidean" | "cosine").
  std::function<MatrixD(const MatrixF& queries, const MatrixF& refs, const std::string& distance, int threads)>
      vector_distances;
  /// Throws Error(config) listing the valid names if `distance` is unknown.
  std::function<void(const DistanceSpec& distance)> check_sequence_distance;
};
Backend default_backend();

struct EvaluateSummary {
  std::size_t settings = 0;          ///< settings evaluated by this call
  std::size_t consistency_rows = 0, performance_rows = 0;
  bool merged = false;               ///< the full CSVs were (re)written
  std::string summary_markdown;      ///< the summary tables, when merged
  std::filesystem::path consistency_csv, performance_csv, summary_md;
};

/// Runs the stage (or only the merge). Throws nnr::Error naming the file for missing/malformed inputs.
EvaluateSummary run_evaluate(const EvaluateOptions& options, const Backend& backend = default_backend());

/// Concatenates results/shards/*.<i>-of-<n>.csv (all i present) into the full CSVs and summary.
/// Throws Error(io) listing missing shards.
/// `options` gives the breakdown and paired tables' bootstrap, seed and keys.
EvaluateSummary merge_shards(const std::filesystem::path& run_dir, const EvaluateOptions& options = {});

/// Markdown tables: per consistency measure, mean value per encoder (rows) and transform (columns,
/// averaged over magnitudes; OG separately; "all" = mean over every non-OG setting); then performance.
std::string summary_markdown(const io::CsvTable& consistency, const io::CsvTable& performance);

/// Markdown table of breakdown.csv: latent C_W (first latent distance) below `threshold` per encoder (rows)
/// and transform/direction (columns); "" when there is none.
std::string breakdown_markdown(const io::CsvTable& breakdown, double threshold = 0.5);

/// Column names of the output CSVs.
const std::vector<std::string>& consistency_columns();
const std::vector<std::string>& performance_columns();
/// results/per_clip.csv: encoder, space, distance_audio, distance_latent, transform, magnitude, setting,
/// clip_id, then one column per metric with per-clip values (the metric table's order; blank where the
/// metric does not apply, e.g. between-space metrics on a within-space row).
const std::vector<std::string>& per_clip_columns();

}  // namespace nnr::eval
