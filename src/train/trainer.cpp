#include "nnr/train/trainer.hpp"

#include <spdlog/spdlog.h>
#include <torch/optim/adam.h>
#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>
#include <torch/utils.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <future>
#include <numeric>

#include "nnr/features/features.hpp"
#include "nnr/metrics/task_metrics.hpp"
#include "nnr/audio/audio_file.hpp"
#include "nnr/core/error.hpp"
#include "nnr/core/parallel.hpp"
#include "nnr/core/progress.hpp"
#include "nnr/core/random.hpp"
#include "nnr/core/version.hpp"
#include "nnr/io/atomic_file.hpp"
#include "nnr/io/csv.hpp"
#include "nnr/io/json.hpp"
#include "nnr/model/device.hpp"
#include "nnr/train/clip_source.hpp"
#include "nnr/train/dataset.hpp"

namespace nnr::train {

namespace fs = std::filesystem;
using model::Objective;
using model::Task;
using Json = nlohmann::json;

// ------------------------------------------------------------------------------------------------
namespace {

struct LogRow {
  int epoch;
  double train_loss, valid_loss;
  std::string metric;
  double value, seconds;
};

std::string metric_name(Task t) { return tasks::task_entry(t).train_metric; }

torch::Tensor empty_input(std::int64_t b, const model::ModelConfig& m) {
  return torch::empty({b, 1, m.frames, m.bins});
}

// A crop: which of the fetched clips, and its first frame.
using Crop = std::pair<std::size_t, std::size_t>;

// Batch of crops, built on the CPU.
model::Batch assemble(const std::vector<const ClipData*>& data, const std::vector<Crop>& crops, Task task,
                      const model::ModelConfig& m, int n_classes) {
  const auto B = static_cast<std::int64_t>(crops.size());
  const std::size_t block = static_cast<std::size_t>(m.frames) * static_cast<std::size_t>(m.bins);
  const Objective objective = tasks::objective(task);
  model::Batch b;
  b.x = empty_input(B, m);
  if (objective == Objective::multi_label) b.tags = torch::zeros({B, n_classes});
  if (objective == Objective::single_label) b.classes = torch::empty({B}, torch::kLong);
  if (objective == Objective::source_mask)
    b.mix_mag = empty_input(B, m), b.voc_mag = empty_input(B, m), b.acc_mag = empty_input(B, m);
  for (std::size_t k = 0; k < crops.size(); ++k) {
    const ClipData& c = *data[crops[k].first];
    const std::size_t off = crops[k].second;
    std::memcpy(b.x.data_ptr<float>() + k * block, c.x.row(off), sizeof(float) * block);
    if (objective == Objective::multi_label)
      for (int t : c.tags) b.tags[static_cast<std::int64_t>(k)][t] = 1.0f;
    if (objective == Objective::single_label) b.classes.data_ptr<std::int64_t>()[k] = c.label;
    if (objective == Objective::source_mask) {
      std::memcpy(b.mix_mag.data_ptr<float>() + k * block, c.mix.row(off), sizeof(float) * block);
      std::memcpy(b.voc_mag.data_ptr<float>() + k * block, c.voc.row(off), sizeof(float) * block);
      std::memcpy(b.acc_mag.data_ptr<float>() + k * block, c.acc.row(off), sizeof(float) * block);
    }
  }
  return b;
}

// One training batch, planned before its clips are decoded: the clips, and per crop which of them and a
// uniform draw that becomes the first frame once the clip's length is known.
struct BatchPlan {
  std::vector<std::size_t> clips;                       // distinct indices into the split
  std::vector<std::pair<std::size_t, double>> crops;    // (position in `clips`, u in [0, 1))
};

// The paper's batching (section 4.1): `clips_per_batch` clips drawn at random, fresh random crops from
// them. Its own generator per (seed, epoch, batch): resuming needs no sampler state.
BatchPlan plan_batch(std::size_t n, const TrainConfig& cfg, std::uint64_t seed, int epoch, int step) {
  Rng rng(derive_seed(seed, "batch", std::to_string(epoch), std::to_string(step)));
  const std::size_t k = std::min<std::size_t>(n, static_cast<std::size_t>(cfg.clips_per_batch));
  std::vector<std::size_t> idx(n);
  std::iota(idx.begin(), idx.end(), 0);
  for (std::size_t i = 0; i < k; ++i) std::swap(idx[i], idx[i + uniform_index(rng, n - i)]);
  BatchPlan p;
  p.clips.assign(idx.begin(), idx.begin() + static_cast<std::ptrdiff_t>(k));
  for (int b = 0; b < cfg.batch_size; ++b) p.crops.emplace_back(static_cast<std::size_t>(b) % k, uniform01(rng));
  return p;
}

// First frames of the planned crops (u -> floor(u * span), as uniform_index draws).
std::vector<Crop> place_crops(const BatchPlan& p, const std::vector<const ClipData*>& clips, int frames) {
  std::vector<Crop> crops;
  for (const auto& [slot, u] : p.crops) {
    const std::size_t span = clips[slot]->x.rows - static_cast<std::size_t>(frames) + 1;
    crops.emplace_back(slot, static_cast<std::size_t>(u * static_cast<double>(span)) % span);
  }
  return crops;
}

// Fixed validation crop j of k in a clip: the centre, or k evenly spaced ones.
std::size_t valid_offset(const ClipData& c, int j, const TrainConfig& cfg) {
  const std::size_t span = c.x.rows - static_cast<std::size_t>(cfg.model.frames);
  return static_cast<std::size_t>(std::llround(static_cast<double>(span) * (j + 0.5) / cfg.valid_crops));
}

// The mixture's complex STFT masked and resynthesised (mixture phase), vs. the vocal reference.
double crop_sdr(const ClipData& c, std::size_t off, const torch::Tensor& mask /*[T,F] cpu*/, int frames) {
  const auto hop = features::kNetworkHop, n_fft = features::kNetworkNFft;
  const std::size_t len = static_cast<std::size_t>(frames - 1) * hop;
  const std::size_t a0 = off * hop;
  if (c.mix_audio.size() < a0 + len) return std::nan("");
  // Frames off..off+T-1 of the track's STFT = the STFT of the audio around them.
  const std::int64_t s0 = static_cast<std::int64_t>(a0) - n_fft / 2, s1 = static_cast<std::int64_t>(a0 + len) + n_fft / 2;
  std::vector<float> seg(static_cast<std::size_t>(s1 - s0), 0.0f);
  for (std::int64_t i = s0; i < s1; ++i)
    if (i >= 0 && i < static_cast<std::int64_t>(c.mix_audio.size()))
      seg[static_cast<std::size_t>(i - s0)] = c.mix_audio[static_cast<std::size_t>(i)];
  const torch::Tensor window = torch::hann_window(n_fft);
  const torch::Tensor x = torch::from_blob(seg.data(), {static_cast<std::int64_t>(seg.size())}).clone();
  torch::Tensor spec = torch::stft(x, n_fft, hop, n_fft, window, false, true, true);  // [513, T]
  spec = spec.slice(1, 0, frames);
  torch::Tensor m = mask.t();  // [F, T]
  if (m.size(0) < spec.size(0))
    m = torch::cat({m, m.slice(0, m.size(0) - 1).expand({spec.size(0) - m.size(0), m.size(1)})}, 0);
  const torch::Tensor est = torch::istft(spec * m, n_fft, hop, n_fft, window, true, false, true,
                                         static_cast<std::int64_t>(len));
  const std::vector<float> e(est.data_ptr<float>(), est.data_ptr<float>() + est.numel());
  const std::vector<float> r(c.voc_audio.begin() + static_cast<long>(a0), c.voc_audio.begin() + static_cast<long>(a0 + len));
  return metrics::sdr_bsseval_v4(r, e, audio::kSampleRate);
}

struct ValidResult {
  double loss = 0, metric = 0;
};

// Validation over every clip's fixed crops, in batches of batch_size crops; each batch fetches just the
// clips it covers (stream mode decodes them then).
ValidResult validate(model::TaskNet& net, const ClipSource& data, const TrainConfig& cfg, Task task, int n_classes,
                     const torch::Device& device) {
  torch::NoGradGuard no_grad;
  net.eval();
  const Objective objective = tasks::objective(task);
  const std::size_t n_crops = data.size() * static_cast<std::size_t>(cfg.valid_crops);
  ValidResult r;
  MatrixF scores(n_crops, static_cast<std::size_t>(std::max(n_classes, 1)));
  Matrix<std::uint8_t> labels(n_crops, scores.cols);
  std::vector<int> predicted, truth;
  std::vector<double> sdrs;
  const auto k_crops = static_cast<std::size_t>(cfg.valid_crops);
  for (std::size_t s = 0; s < n_crops; s += static_cast<std::size_t>(cfg.batch_size)) {
    const std::size_t e = std::min(n_crops, s + static_cast<std::size_t>(cfg.batch_size));
    std::vector<std::size_t> ids;  // the clips of crops s..e-1
    for (std::size_t c = s / k_crops; c <= (e - 1) / k_crops; ++c) ids.push_back(c);
    const FetchedClips fetched = data.fetch(ids);
    std::vector<Crop> chunk;
    for (std::size_t q = s; q < e; ++q) {
      const std::size_t slot = q / k_crops - ids.front();
      chunk.emplace_back(slot, valid_offset(*fetched.clips[slot], static_cast<int>(q % k_crops), cfg));
    }
    const model::Batch b = assemble(fetched.clips, chunk, task, cfg.model, n_classes).to(device);
    r.loss += net.loss(b).item<double>() * static_cast<double>(chunk.size());
    if (objective == Objective::reconstruct) continue;
    const torch::Tensor p = net.predict(b.x).to(torch::kCPU).contiguous();
    for (std::size_t k = 0; k < chunk.size(); ++k) {
      const ClipData& c = *fetched.clips[chunk[k].first];
      if (objective == Objective::multi_label) {
        std::memcpy(scores.row(s + k), p.data_ptr<float>() + k * scores.cols, sizeof(float) * scores.cols);
        for (int t : c.tags) labels(s + k, static_cast<std::size_t>(t)) = 1;
      } else if (objective == Objective::single_label) {
        predicted.push_back(static_cast<int>(p[static_cast<std::int64_t>(k)].argmax().item<std::int64_t>()));
        truth.push_back(c.label);
      } else {
        sdrs.push_back(crop_sdr(c, chunk[k].second, p[static_cast<std::int64_t>(k)][0], cfg.model.frames));
      }
    }
  }
  r.loss /= static_cast<double>(n_crops);
  if (objective == Objective::reconstruct) r.metric = r.loss;
  if (objective == Objective::multi_label) r.metric = metrics::clipwise_auc(scores, labels);
  if (objective == Objective::single_label) r.metric = metrics::accuracy(predicted, truth);
  if (objective == Objective::source_mask) {
    std::vector<double> ok;
    for (double v : sdrs)
      if (std::isfinite(v)) ok.push_back(v);
    std::sort(ok.begin(), ok.end());
    r.metric = ok.empty() ? std::nan("") : ok.size() % 2 ? ok[ok.size() / 2] : 0.5 * (ok[ok.size() / 2 - 1] + ok[ok.size() / 2]);
  }
  return r;
}

void save_checkpoint(const fs::path& path, model::TaskNet& net, torch::optim::Adam& opt, int epoch) {
  io::write_atomic_with(path, [&](const fs::path& tmp) {
    torch::serialize::OutputArchive ar, m, o;
    net.save(m);
    opt.save(o);
    ar.write("model", m);
    ar.write("optimizer", o);
    ar.write("epoch", c10::IValue(static_cast<std::int64_t>(epoch)));
    model::save_archive(ar, tmp, path);
  });
}

int load_checkpoint(const fs::path& path, model::TaskNet& net, torch::optim::Adam& opt, const torch::Device& device) {
  try {
    torch::serialize::InputArchive ar, m, o;
    ar.load_from(path.string(), device);
    ar.read("model", m);
    ar.read("optimizer", o);
    net.load(m);
    opt.load(o);
    c10::IValue epoch;
    ar.read("epoch", epoch);
    return static_cast<int>(epoch.toInt());
  } catch (const c10::Error& e) {
    throw_input("train: cannot resume from " + path.string() + " (does it match this config?): " +
                e.what_without_backtrace());
  }
}

void write_log(const fs::path& path, const std::vector<LogRow>& rows) {
  io::CsvWriter w({"epoch", "train_loss", "valid_loss", "metric", "value", "seconds"});
  for (const auto& r : rows)
    w.add_row({std::to_string(r.epoch), io::format_number(r.train_loss), io::format_number(r.valid_loss), r.metric,
               io::format_number(r.value), io::format_number(r.seconds)});
  w.write(path);
}

std::vector<LogRow> read_log(const fs::path& path, int up_to_epoch) {
  std::vector<LogRow> rows;
  if (!fs::exists(path)) return rows;
  const io::CsvTable t = io::read_csv(path);
  for (const auto& r : t.rows) {
    LogRow l{std::stoi(r[t.column("epoch")]), std::stod(r[t.column("train_loss")]), std::stod(r[t.column("valid_loss")]),
             r[t.column("metric")], std::stod(r[t.column("value")]), std::stod(r[t.column("seconds")])};
    if (l.epoch <= up_to_epoch) rows.push_back(l);
  }
  return rows;
}

}  // namespace

/// The training-set standardisation: computed once, or read back when resuming (kept with the model).
features::Scaler fit_or_load_scaler(const fs::path& dir, bool resuming, ClipSource& train) {
  const fs::path scaler_path = dir / "scaler.json";
  if (resuming && fs::exists(scaler_path)) return features::load_scaler(scaler_path);
  features::Scaler scaler = train.compute_scaler();
  features::save_scaler(scaler_path, scaler);
  return scaler;
}

/// model.json's content (everything TrainedModel::load needs, plus provenance). run_training writes it only
/// after model.pt, at the end: a run that stops early (a full disk, a NaN loss, a kill) never leaves a
/// model.json without its weights.
Json model_meta(const TrainOptions& o, const TrainConfig& cfg, const DatasetIndex& index, CacheMode cache) {
  Json versions = library_versions();
  versions["torch"] = model::torch_version();
  Json meta = {{"task", model::task_name(o.task)},
               {"model", cfg.model.to_json()},
               {"frames", cfg.model.frames},
               {"bins", cfg.model.bins},
               {"embedding_dim", cfg.model.embedding_dim()},
               {"class_names", index.class_names},
               {"data_dir", fs::absolute(o.data_dir).string()},
               {"data_cache", cache_mode_name(cache)},
               {"seed", o.seed},
               {"threads", resolve_threads(o.threads)},  // weights depend on it (docs/training.md)
               {"train", cfg.to_json()},
               {"n_fft", features::kNetworkNFft},
               {"hop", features::kNetworkHop},
               {"sample_rate", audio::kSampleRate},
               {"versions", versions}};
  return meta;
}

/// splits.csv: which clips were train, valid and test.
void write_splits(const fs::path& dir, const DatasetIndex& index) {
  io::CsvWriter splits({"clip_id", "split", "path"});
  for (const auto& c : index.clips) splits.add_row({c.id, c.split, c.audio[0].string()});
  splits.write(dir / "splits.csv");
}

/// What one epoch needs besides the network and optimiser.
struct EpochContext {
  const TrainOptions& o;
  const TrainConfig& cfg;
  ClipSource& train;
  int n_classes;
  int steps;
  torch::Device device;
  fs::path ckpt;
};

/// One pass over `steps` batches; returns the mean training loss. A non-finite loss stops training with
/// the last good checkpoint kept.
double train_epoch(model::TaskNet& net, torch::optim::Adam& opt, const EpochContext& c, int epoch, int last_good) {
  const TrainOptions& o = c.o;
  const TrainConfig& cfg = c.cfg;
  ClipSource& train = c.train;
  const Task task = o.task;
  const int steps = c.steps, n_classes = c.n_classes;
  const std::string tname = model::task_name(task);
  const fs::path& ckpt = c.ckpt;
  const torch::Device device = c.device;
  torch::manual_seed(derive_seed(o.seed, "epoch", std::to_string(epoch)));
  net.train();
  double sum = 0;
  Progress progress("nnr-train " + tname + " epoch " + std::to_string(epoch + 1) + "/" + std::to_string(cfg.epochs),
                    static_cast<std::size_t>(steps), "batches");
  // A batch on the CPU: plan, fetch (stream mode: decode) and crop. The clips are let go once cropped,
  // so stream mode holds one batch's clips at a time, and builds batch step+1 on another thread while
  // step trains.
  const auto cpu_batch = [&](int st) {
    const BatchPlan plan = plan_batch(train.size(), cfg, o.seed, epoch, st);
    const FetchedClips f = train.fetch(plan.clips);
    return assemble(f.clips, place_crops(plan, f.clips, cfg.model.frames), task, cfg.model, n_classes);
  };
  std::future<model::Batch> ahead;
  for (int step = 0; step < steps; ++step) {
    model::Batch cpu = ahead.valid() ? ahead.get() : cpu_batch(step);
    if (train.mode() == CacheMode::stream && step + 1 < steps)
      ahead = std::async(std::launch::async, cpu_batch, step + 1);
    const model::Batch b = cpu.to(device);
    const double lr = scheduled_lr(cfg, static_cast<std::int64_t>(epoch) * steps + step,
                                   static_cast<std::int64_t>(cfg.epochs) * steps);
    for (auto& group : opt.param_groups()) static_cast<torch::optim::AdamOptions&>(group.options()).lr(lr);
    torch::Tensor loss = net.loss(b);
    const double v = loss.item<double>();
    if (!std::isfinite(v))
      throw_input("train: loss is " + std::string(std::isnan(v) ? "NaN" : "infinite") + " at epoch " +
                  std::to_string(epoch + 1) + " batch " + std::to_string(step + 1) + "; training stopped. " +
                  (last_good > 0 ? "The last good checkpoint (epoch " + std::to_string(last_good) + ") is kept in " +
                                       ckpt.string()
                                 : std::string("No checkpoint was written yet")) +
                  "; lower train.lr (now " + io::format_number(cfg.lr) + ") or check the data");
    opt.zero_grad();
    loss.backward();
    opt.step();
    sum += v;
    progress.tick();
  }
  progress.finish();
  return sum / steps;
}

// ------------------------------------------------------------------------------------------------
TrainSummary run_training(const TrainOptions& o) {
  const Task task = o.task;
  const std::string tname = model::task_name(task);
  const TrainConfig cfg = TrainConfig::from_json(task, o.config);
  const int threads = resolve_threads(o.threads);
  model::prepare_cpu_runtime(threads);
  const torch::Device device = model::parse_device(o.device);

  // The MFCC-input model of a task lives beside the task's VGG-like one: models/mfcc-<task>/.
  const fs::path dir = o.out_dir / "models" / ((cfg.model.mfcc_input() ? "mfcc-" : "") + tname);
  const fs::path ckpt = dir / "checkpoint.pt", log_path = dir / "train_log.csv";
  const bool have_ckpt = fs::exists(ckpt);
  if (have_ckpt && !o.resume)
    throw_config("train: " + ckpt.string() + " exists; pass --resume to continue that run, or choose another --out");
  if (o.resume && !have_ckpt) spdlog::warn("train: --resume but no checkpoint in {}; starting from scratch", dir.string());

  // 1. Data: index, decode, standardise (training-set statistics, kept with the model).
  const DatasetIndex index = index_dataset(task, o.data_dir, o.seed, cfg.valid_fraction, cfg.test_fraction);
  spdlog::info("train: {} data {}: {} train, {} valid, {} test clips", tname, index.root.string(), index.count("train"),
               index.count("valid"), index.count("test"));
  const CacheMode cache = cfg.cache == CacheMode::automatic ? choose_cache_mode(index, threads) : cfg.cache;
  ClipSource train(index, "train", cache, cfg.model.frames, cfg.model.bins, threads);
  // Validation SDR needs the source-mask tasks' audio beside their spectrograms.
  ClipSource valid(index, "valid", cache, cfg.model.frames, cfg.model.bins, threads,
                   tasks::objective(task) == Objective::source_mask);
  fs::create_directories(dir);
  io::clean_stage_temps("nnr-train", dir, {});
  const features::Scaler scaler = fit_or_load_scaler(dir, o.resume && have_ckpt, train);
  train.set_scaler(scaler);
  valid.set_scaler(scaler);
  const int n_classes = static_cast<int>(index.class_names.size());
  Json meta = model_meta(o, cfg, index, cache);
  write_splits(dir, index);

  // 2. Model and optimiser (Adam, amsgrad, section 2.3), or both back from the checkpoint.
  torch::manual_seed(derive_seed(o.seed, "init"));
  auto net = model::make_task_net(task, cfg.model, n_classes, &scaler);
  net->to(device);
  torch::optim::Adam opt(net->parameters(),
                         torch::optim::AdamOptions(cfg.lr).weight_decay(cfg.weight_decay).amsgrad(true));
  int start = 0;
  if (o.resume && have_ckpt) {
    start = load_checkpoint(ckpt, *net, opt, device);
    spdlog::info("train: resuming {} after epoch {}", tname, start);
  }
  std::vector<LogRow> log = read_log(log_path, start);
  if (start == 0) log.clear();

  // 3. Epochs: train, validate, checkpoint and log after each.
  const int steps = cfg.steps_per_epoch > 0
                        ? cfg.steps_per_epoch
                        : static_cast<int>((train.size() + static_cast<std::size_t>(cfg.clips_per_batch) - 1) /
                                           static_cast<std::size_t>(cfg.clips_per_batch));
  const EpochContext context{o, cfg, train, n_classes, steps, device, ckpt};
  int last_good = start;
  for (int epoch = start; epoch < cfg.epochs; ++epoch) {
    const auto t0 = std::chrono::steady_clock::now();
    const double train_loss = train_epoch(*net, opt, context, epoch, last_good);
    const ValidResult vr = validate(*net, valid, cfg, task, n_classes, device);
    if (!std::isfinite(vr.loss))
      throw_input("train: validation loss is not finite after epoch " + std::to_string(epoch + 1) +
                  "; training stopped. The last good checkpoint (epoch " + std::to_string(last_good) + ") is kept in " +
                  ckpt.string() + "; lower train.lr or check the data");
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    log.push_back({epoch + 1, train_loss, vr.loss, metric_name(task), vr.metric, secs});
    save_checkpoint(ckpt, *net, opt, epoch + 1);
    write_log(log_path, log);
    last_good = epoch + 1;
    spdlog::info("train: {} epoch {}/{}: train_loss {:.5g} valid_loss {:.5g} {} {:.4g} ({:.1f} s)", tname, epoch + 1,
                 cfg.epochs, train_loss, vr.loss, metric_name(task), vr.metric, secs);
  }
  // 4. The final weights; model.json says how many epochs they had.
  model::save_weights(*net, dir / "model.pt");
  meta["epochs_completed"] = std::max(start, cfg.epochs);
  io::write_json(dir / "model.json", meta);

  TrainSummary s;
  s.model_dir = dir;
  s.epochs = std::max(start, cfg.epochs);
  s.metric = metric_name(task);
  if (!log.empty()) {
    s.final_train_loss = log.back().train_loss;
    s.final_valid_loss = log.back().valid_loss;
    s.final_metric = log.back().value;
  }
  return s;
}

}  // namespace nnr::train
