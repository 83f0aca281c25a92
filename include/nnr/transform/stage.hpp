#pragma once
/// The transformation stage behind `nnr-transform`: originals + every grid setting for every clip,
/// loudness-matched to the original (EBU R128), written under a run directory with manifest.csv.
///
/// Run directory written:
///   config.json                        resolved options, grid, library versions
///   audio/original/<clip>.<ext>        the (cropped) original
///   audio/<code>/<magnitude>/<clip>.<ext>
///   stems/vocals/original/<clip>.<ext>, stems/vocals/<code>/<magnitude>/<clip>.<ext>   (if vocals/ given)
///   items/<same relative path>.csv     per-item record (one manifest row): the resume state
///   manifest.csv                       canonical order: OG rows sorted by clip_id, then settings in grid
///                                      order with clips sorted; or manifest.shard-<i>-of-<n>.csv per shard,
///                                      merged into manifest.csv once all shards are present
///   labels.csv                         copied from the input directory when present
/// Determinism: item seed = derive_seed(seed, clip_id, code, magnitude_string) ("OG", "0" for originals;
/// the crop uses derive_seed(seed, clip_id, "crop")), so threads, shards and resumes give identical bytes.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace nnr::transform {

struct StageOptions {
  std::filesystem::path input;  ///< directory of audio files (non-recursive) or CSV with a `path` column
  std::filesystem::path out;    ///< run directory
  std::string grid = "paper";   ///< built-in grid name or JSON file
  std::string noise_file;       ///< EN recording
  std::string engine = "R2";    ///< Rubber Band engine for PS/TS unless their own params say otherwise
  double clip_seconds = 4.0;    ///< seeded random excerpt of this length (0 = whole file)
  double min_seconds = 0.5;     ///< shorter inputs fail (loudness needs >= 0.4 s)
  std::string format = "wav";   ///< "wav": float32 WAV; "flac": FLAC pcm24, float WAV where |x| >= 1
  bool loudness_match = true;
  nlohmann::json params = nlohmann::json::object();  ///< per-transform objects: {"pitch_shift": {...}}
  std::uint64_t seed = 20191021;
  int threads = 0;
  std::string shard;            ///< "i/n" or ""
  bool dry_run = false;
  std::function<void(const std::string&)> warn;  ///< one line per failed item (optional)
};

/// Keys of the config's "transform" section.
const std::vector<std::string>& stage_config_keys();
/// Fills options from the config's "transform" section (unknown keys -> Error(config)).
void apply_stage_config(const nlohmann::json& section, StageOptions& o);

struct StageSummary {
  std::size_t clips = 0, settings = 0;  ///< settings includes OG
  std::size_t items = 0;                ///< items in this shard
  std::size_t skipped = 0;              ///< already complete (resume)
  std::size_t ok = 0, failed = 0;       ///< over this shard's items, skipped included
  bool manifest_written = false;        ///< manifest.csv (re)written
  std::filesystem::path manifest;       ///< the manifest file written by this run
};

/// Runs the stage. Per-item problems (unreadable, silent, too short audio) become failed rows; setup
/// problems (bad grid, missing input, a run directory made with another config) throw Error.
StageSummary run_transform_stage(const StageOptions& o);

/// Writes RUN_DIR/manifest.csv from manifest.shard-<i>-of-<count>.csv, i = 0..count-1 (count 0: the
/// largest n among the shard files present). Throws Error(io) naming a missing shard.
std::filesystem::path merge_shard_manifests(const std::filesystem::path& run_dir, int count = 0);

}  // namespace nnr::transform
