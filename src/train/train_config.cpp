// The "train" config section: parsing with its checks, and the learning-rate schedule.
#include <algorithm>
#include <cmath>

#include "nnr/core/error.hpp"
#include "nnr/io/json.hpp"
#include "nnr/tasks/task.hpp"
#include "nnr/train/trainer.hpp"

namespace nnr::train {

using model::Task;
using Json = nlohmann::json;

TrainConfig TrainConfig::from_json(Task task, const Json& section) {
  Json s = section.is_null() ? Json::object() : section;
  const std::string ctx = "config: train";
  const std::vector<std::string> keys = {"preset", "frames", "bins", "channels", "dropout", "epochs",
                                         "batch_size", "clips_per_batch", "steps_per_epoch", "lr", "lr_schedule", "warmup_fraction",
                                         "weight_decay", "valid_fraction", "test_fraction", "valid_crops", "cache", "input"};
  // Per-task overrides, e.g. {"epochs": 200, "vs": {"epochs": 5000}}: the paper trains each task for its own
  // number of epochs, and one config file should reproduce all four. "mfcc-<task>" overrides apply on top
  // for the MFCC-input model of that task (input "mfcc").
  std::vector<std::string> allowed = keys;
  for (const auto& t : tasks::task_registry().names()) allowed.push_back(t), allowed.push_back("mfcc-" + t);
  if (!s.is_object()) throw_config(ctx + ": expected a JSON object");
  io::check_keys(s, allowed, ctx);
  const std::string own = model::task_name(task);
  Json overrides = s.contains(own) ? s.at(own) : Json::object();
  Json mfcc_overrides = s.contains("mfcc-" + own) ? s.at("mfcc-" + own) : Json::object();
  for (const auto& t : tasks::task_registry().names()) s.erase(t), s.erase("mfcc-" + t);
  io::check_keys(overrides, keys, ctx + "." + own);
  io::check_keys(mfcc_overrides, keys, ctx + ".mfcc-" + own);
  s.update(overrides);
  if (s.value("input", std::string("stft")) == "mfcc") s.update(mfcc_overrides);
  TrainConfig c;
  try {
    c.model = model::model_config_from_json(s);
  } catch (const nlohmann::json::exception& e) {
    throw_config(ctx + ": wrong type in preset/frames/bins/channels/dropout: " + e.what());
  }
  const tasks::TaskEntry& traits = tasks::task_entry(task);
  c.epochs = io::get_or<int>(s, "epochs", traits.epochs, ctx);
  c.batch_size = io::get_or<int>(s, "batch_size", traits.batch_size, ctx);
  c.clips_per_batch = io::get_or<int>(s, "clips_per_batch", 24, ctx);
  c.steps_per_epoch = io::get_or<int>(s, "steps_per_epoch", 0, ctx);
  c.lr = io::get_or<double>(s, "lr", 1e-3, ctx);
  c.lr_schedule = io::get_or<std::string>(s, "lr_schedule", "constant", ctx);
  c.warmup_fraction = io::get_or<double>(s, "warmup_fraction", 0.05, ctx);
  c.weight_decay = io::get_or<double>(s, "weight_decay", 1e-7, ctx);
  c.valid_fraction = io::get_or<double>(s, "valid_fraction", traits.valid_fraction, ctx);
  c.test_fraction = io::get_or<double>(s, "test_fraction", 0.1, ctx);
  c.valid_crops = io::get_or<int>(s, "valid_crops", traits.valid_crops, ctx);
  c.cache = parse_cache_mode(io::get_or<std::string>(s, "cache", "auto", ctx), ctx + ".cache");
  auto need = [&](bool ok, const std::string& what) {
    if (!ok) throw_config(ctx + ": " + what);
  };
  need(c.epochs >= 1, "epochs must be >= 1");
  need(c.batch_size >= 1, "batch_size must be >= 1");
  need(c.clips_per_batch >= 1, "clips_per_batch must be >= 1");
  need(c.steps_per_epoch >= 0, "steps_per_epoch must be >= 0 (0: automatic)");
  need(c.lr > 0, "lr must be > 0");
  need(c.lr_schedule == "constant" || c.lr_schedule == "cosine",
       "lr_schedule must be \"constant\" or \"cosine\" (now \"" + c.lr_schedule + "\")");
  need(c.warmup_fraction >= 0 && c.warmup_fraction < 1, "warmup_fraction must be in [0, 1)");
  need(c.weight_decay >= 0, "weight_decay must be >= 0");
  need(c.valid_fraction > 0 && c.valid_fraction < 1, "valid_fraction must be in (0, 1)");
  need(c.test_fraction >= 0 && c.valid_fraction + c.test_fraction < 1, "test_fraction must be in [0, 1 - valid_fraction)");
  need(c.valid_crops >= 1, "valid_crops must be >= 1");
  return c;
}

Json TrainConfig::to_json() const {
  Json j = model.to_json();
  j.update({{"epochs", epochs}, {"batch_size", batch_size}, {"clips_per_batch", clips_per_batch},
            {"steps_per_epoch", steps_per_epoch}, {"lr", lr}, {"lr_schedule", lr_schedule},
            {"warmup_fraction", warmup_fraction}, {"weight_decay", weight_decay},
            {"valid_fraction", valid_fraction}, {"test_fraction", test_fraction}, {"valid_crops", valid_crops},
            {"cache", cache_mode_name(cache)}});
  return j;
}

double scheduled_lr(const TrainConfig& cfg, std::int64_t step, std::int64_t total) {
  if (cfg.lr_schedule == "constant" || total <= 0) return cfg.lr;
  const double t = static_cast<double>(step), n = static_cast<double>(total);
  const double warm = std::floor(cfg.warmup_fraction * n);
  if (t < warm) return cfg.lr * (t + 1) / (warm + 1);
  const double progress = std::min(1.0, (t - warm) / std::max(1.0, n - warm));
  return cfg.lr * 0.5 * (1 + std::cos(M_PI * progress));
}

}  // namespace nnr::train
