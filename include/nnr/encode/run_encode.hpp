#pragma once
/// The nnr-encode stage: embeds every row of RUN_DIR/manifest.csv (originals and transformed clips).
///
/// Outputs (row i <-> manifest row i; float32 .npy, C order):
///   embeddings/<name>.npy          N x D
///   embeddings/<name>.json         provenance: encoder spec, dim, rows, window mode, NaN rows, ...
///   predictions/<name>.npy         task encoders only: AT N x K sigmoid probabilities, IR N x C softmax
///                                  probabilities, AE N x 1 reconstruction MSE (standardised dB input),
///                                  VS N x 1 vocals SDR in dB (BSSEval v4 against the row's vocal stem)
///   predictions/<name>.classes.json  JSON list of the prediction columns' names
/// A row whose manifest status is not "ok", or whose audio cannot be decoded, gets a NaN row (logged);
/// the run goes on. With a shard i/n only that shard's rows are written, to
/// embeddings/shards/<name>.<i>-of-<n>.npy (and predictions/shards/...); merge() concatenates the
/// shards into exactly the bytes an unsharded run writes. Complete outputs are skipped unless `force`.

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "nnr/core/shard.hpp"
#include "nnr/encode/window.hpp"
#include "nnr/io/json.hpp"

namespace nnr::encode {

struct EncodeOptions {
  std::filesystem::path run_dir;
  std::string encoder;               ///< "mfcc", "ae", "at", "ir", "vs", "torchscript:FILE"
  std::string name;                  ///< output name; "" = default_encoder_name(encoder)
  std::filesystem::path models_dir;  ///< "" = run_dir/models
  std::string device = "cpu";
  int batch = 32;                    ///< windows per forward pass
  int threads = 0;                   ///< decoding / MFCC / torch intra-op threads (0 = default)
  WindowMode window = WindowMode::center;
  Shard shard;
  bool merge = false;                ///< concatenate existing shards instead of encoding
  bool force = false;                ///< recompute even if the output exists
  bool dry_run = false;              ///< log what would be done, write nothing
  io::Json config = io::Json::object();  ///< the config's "encode" section (member keys, e.g. torchscript)
};

/// Keys accepted in the config's "encode" section: the stage's own, plus one object per encoder that
/// declares parameters (encode.torchscript).
std::vector<std::string> encode_config_keys();

/// Applies an "encode" config section onto `options` (check_keys first; `context` names the file).
/// Keys: encoder, name, models, device, batch, threads, window, torchscript (member settings).
void apply_encode_config(const io::Json& section, EncodeOptions& options, const std::string& context);

struct EncodeSummary {
  std::size_t rows = 0;      ///< rows in this shard (or the whole manifest)
  std::size_t encoded = 0;   ///< rows with a finite embedding
  std::size_t nan_rows = 0;  ///< failed / undecodable rows
  std::size_t silent_rows = 0;  ///< rows whose encoded window was digital silence (warned; sidecar silent_rows)
  bool skipped = false;      ///< output existed and was complete
  std::filesystem::path embeddings;   ///< the file written (or found)
  std::filesystem::path predictions;  ///< "" for encoders without predictions
};

/// Runs the stage (or the merge when options.merge). Throws nnr::Error for unusable options/files.
EncodeSummary run_encode(const EncodeOptions& options);

}  // namespace nnr::encode
