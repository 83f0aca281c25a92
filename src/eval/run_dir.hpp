#pragma once
// Internal to nnr-evaluate: the run directory as the stage sees it (manifest settings, encoders, labels).
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "nnr/core/matrix.hpp"
#include "nnr/eval/evaluate.hpp"
#include "nnr/io/manifest.hpp"
#include "nnr/tasks/task.hpp"

namespace nnr::eval::detail {
namespace fs = std::filesystem;

inline constexpr const char* kComponent = "nnr-evaluate";

/// One transform setting (or OG) and the manifest row of each evaluated clip in it.
struct Setting {
  std::string id, transform, magnitude_path, magnitude_col;
  std::vector<long> row;  // manifest row of clip k in this setting, -1 if none
};

/// One encoder's embeddings and, for a task encoder, its predictions.
struct Encoder {
  std::string name, task;  // task: a task table name, or "" for an encoder without predictions
  std::string scored_as;   // performance.csv's encoder: the sidecar's scored_as (mfcc-at -> "mfcc"), else name
  bool consistency = true; // false: a task head on another encoder's embedding (no consistency rows of its own)
  MatrixF emb;
  std::vector<std::uint8_t> finite;  // per manifest row
  bool has_pred = false;
  MatrixF pred;
  std::vector<std::string> classes;
};

struct Run {
  fs::path dir;
  fs::path out;                    // where features/, distances/ and results/ go (dir or dir/subsets/<name>)
  std::vector<io::ManifestRow> manifest;
  std::vector<std::string> clip_ids;  // clip id of each manifest row
  std::vector<std::string> clips;  // evaluated originals, manifest order
  std::vector<Setting> settings;   // manifest order, OG first
  std::vector<Encoder> encoders;
  tasks::ClipLabels labels;
  /// Row r of setting s is usable: present and its manifest status ok.
  bool ok(const Setting& s, std::size_t clip) const {
    return s.row[clip] >= 0 && manifest[static_cast<std::size_t>(s.row[clip])].ok();
  }
};

/// Reads the manifest, the settings, the encoders (when need_embeddings) and the labels.
Run load_run(const EvaluateOptions& options, bool need_embeddings);

std::string hex(std::uint64_t h);

}  // namespace nnr::eval::detail
