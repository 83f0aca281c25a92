#pragma once
/// nnr-train's library entry point: train one task network on a dataset directory and leave
/// RUN_DIR/models/<task>/ = checkpoint.pt, model.pt, model.json, scaler.json, splits.csv, train_log.csv.
///
/// Determinism: weights are initialised from derive_seed(seed, "init"); at the start of every epoch
/// torch's generator is re-seeded from (seed, epoch) and every batch's crops come from their own
/// generator seeded from (seed, epoch, batch). So a run killed after epoch k and resumed with --resume
/// from checkpoint.pt (model, optimizer, epoch) ends with the same weights as an uninterrupted run (CPU,
/// same thread count).

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "nnr/model/networks.hpp"
#include "nnr/train/clip_source.hpp"

namespace nnr::train {

/// The "train" config section. Defaults follow the paper / original code where they say.
struct TrainConfig {
  model::ModelConfig model;      ///< keys preset, frames, bins, channels, dropout
  int epochs = 0;                ///< 0: the paper's {AE 500, AT 200, IR 500, VS 5000}
  int batch_size = 0;            ///< crops per batch; 0: original code's AT/IR 128, AE/VS 48
  int clips_per_batch = 24;      ///< clips a batch's crops are drawn from (paper, section 4.1)
  int steps_per_epoch = 0;       ///< 0: ceil(training clips / clips_per_batch)
  double lr = 1e-3;              ///< Adam learning rate (the peak, with a schedule)
  std::string lr_schedule = "constant";  ///< "constant", or "cosine": linear warm-up, then cosine decay to 0
  double warmup_fraction = 0.05; ///< cosine: share of all steps spent warming up from 0 to lr
  double weight_decay = 1e-7;    ///< Adam weight decay (amsgrad on)
  double valid_fraction = 0.0;   ///< where the layout has no validation split; 0: AE/AT/IR 0.1, VS 0.3
  double test_fraction = 0.1;    ///< IR only (IRMAS split 80/10/10 by song)
  int valid_crops = 0;           ///< crops per validation clip; 0: 1 (the centre) for AE/AT/IR, 4 for VS
  CacheMode cache = CacheMode::automatic;  ///< "cache": auto (memory if it fits), memory, or stream (MSD scale)

  /// Reads the "train" section (may be null/empty: all defaults); unknown keys throw Error(config).
  static TrainConfig from_json(model::Task task, const nlohmann::json& section);
  nlohmann::json to_json() const;
};

struct TrainOptions {
  model::Task task = model::Task::ae;
  std::filesystem::path data_dir;
  std::filesystem::path out_dir;   ///< the run directory; the model goes to out_dir/models/<task>/
  nlohmann::json config;           ///< the "train" section (flags already merged in)
  std::string device = "cpu";
  std::uint64_t seed = 20191021;
  bool resume = false;
  int threads = 0;                 ///< 0: resolve_threads' default
};

struct TrainSummary {
  std::filesystem::path model_dir;
  int epochs = 0;                  ///< epochs completed in total
  double final_train_loss = 0, final_valid_loss = 0;
  std::string metric;              ///< "mse", "auc", "accuracy" or "sdr"
  double final_metric = 0;
};

/// The learning rate of global step `step` (0-based) of `total` under the config's schedule. A function
/// of the step alone, so a resumed run follows the same curve.
double scheduled_lr(const TrainConfig& cfg, std::int64_t step, std::int64_t total);

/// Trains and writes the model directory. Throws Error(io/input/config) for a missing or empty dataset,
/// labels that do not match the audio, an existing checkpoint without `resume`, and a NaN/inf loss
/// (training stops; the last good checkpoint stays in place and the message says which epoch it holds).
TrainSummary run_training(const TrainOptions& options);

}  // namespace nnr::train
