// The LibTorch members of the encoder family (one translation unit: each one including torch costs
// ~20 s of compile time). Every forward pass runs on a batch of exactly `batch` windows (zero windows
// pad the last one) so tensor shapes, and with them the kernels chosen, never depend on how many clips
// are left: a clip's embedding is then the same for any --shard split.
#include <ATen/Parallel.h>
#include <torch/script.h>

#include <cmath>
#include <limits>

#include "members.hpp"
#include "resynthesis.hpp"
#include "nnr/audio/audio_file.hpp"
#include "nnr/core/error.hpp"
#include "nnr/core/parallel.hpp"
#include "nnr/features/features.hpp"
#include "nnr/metrics/task_metrics.hpp"
#include "nnr/model/device.hpp"
#include "nnr/model/trained_model.hpp"
#include "nnr/tasks/task.hpp"


namespace nnr::encode::detail {

namespace {

namespace fs = std::filesystem;
using tasks::Objective;
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

/// The informative line of a TorchScript interpreter error: the last non-empty one ("RuntimeError: ...").
std::string last_line(const std::string& s) {
  std::size_t end = s.find_last_not_of(" \n\r\t");
  if (end == std::string::npos) return s;
  const std::size_t begin = s.rfind('\n', end);
  return s.substr(begin == std::string::npos ? 0 : begin + 1, end + 1 - (begin == std::string::npos ? 0 : begin + 1));
}

/// [batch, len] float tensor holding `windows` in its first rows, zeros after.
torch::Tensor audio_batch(const std::vector<std::vector<float>>& windows, std::size_t batch, std::size_t len) {
  auto t = torch::zeros({static_cast<int64_t>(batch), static_cast<int64_t>(len)}, torch::kFloat);
  float* p = t.data_ptr<float>();
  for (std::size_t i = 0; i < windows.size(); ++i) std::copy(windows[i].begin(), windows[i].end(), p + i * len);
  return t;
}

void copy_rows(const torch::Tensor& t, std::size_t n, MatrixF& out) {
  const auto c = t.to(torch::kCPU, torch::kFloat).contiguous();
  NNR_ASSERT(static_cast<std::size_t>(c.numel()) >= n * out.cols);
  std::copy(c.data_ptr<float>(), c.data_ptr<float>() + n * out.cols, out.data.data());
}

}  // namespace

torch::Tensor masked_resynthesis(const torch::Tensor& wave, const torch::Tensor& mask) {
  const int64_t n_fft = 1024, hop = 256;
  const auto window = torch::hann_window(n_fft, /*periodic=*/true, torch::kFloat).to(wave.device());
  const auto spec = torch::stft(wave, n_fft, hop, n_fft, window, /*center=*/true, "reflect", false, true, true);
  const auto m = mask.to(wave.device(), torch::kFloat).squeeze(1).transpose(1, 2);  // [B, bins, frames]
  if (m.size(0) != spec.size(0) || m.size(1) > spec.size(1) || m.size(2) > spec.size(2))
    throw_input("encode: VS mask [" + std::to_string(m.size(0)) + ", " + std::to_string(m.size(1)) + " bins, " +
                std::to_string(m.size(2)) + " frames] does not fit the STFT [" + std::to_string(spec.size(0)) +
                ", " + std::to_string(spec.size(1)) + ", " + std::to_string(spec.size(2)) + "]");
  auto full = torch::zeros({spec.size(0), spec.size(1), spec.size(2)}, m.options());
  const int64_t t0 = (spec.size(2) - m.size(2)) / 2;  // TrainedModel::prepare keeps the centre frames
  full.narrow(1, 0, m.size(1)).narrow(2, t0, m.size(2)).copy_(m);
  return torch::istft(spec * full, n_fft, hop, n_fft, window, true, false, true, wave.size(1), false)
      .to(torch::kCPU, torch::kFloat)
      .contiguous();
}

std::pair<int64_t, int64_t> covered_samples(int64_t length, int64_t mask_frames) {
  const int64_t hop = 256, half = 512, total = 1 + length / hop;
  const int64_t t0 = (total - std::min(mask_frames, total)) / 2, t1 = t0 + std::min(mask_frames, total);
  // Sample s is touched by frames t with |s - t*hop| < half; all of them must lie in [t0, t1).
  const int64_t first = t0 == 0 ? 0 : (t0 - 1) * hop + half + 1;
  const int64_t last = t1 == total ? length : std::min(length, t1 * hop - half + 1);
  return {std::min(first, length), std::max(std::min(first, length), last)};
}

namespace {

// ---------------------------------------------------------------------------------------------- torchscript

class TorchScriptEncoder final : public Encoder {
 public:
  TorchScriptEncoder(const std::string& file, const Params& params, const EncoderSettings& s)
      : file_(file), device_(model::parse_device(s.device)), batch_(static_cast<std::size_t>(s.batch)),
        threads_(s.threads) {
    const std::string input = params.string("input");
    spectrogram_ = input == "spectrogram";
    const double seconds = params.number("seconds");
    const std::string scaler = params.string("scaler");
    if (!scaler.empty()) {
      if (!spectrogram_) throw_config("encode: a scaler applies to spectrogram input only (" + params.context() + ".scaler)");
      scaler_ = std::make_unique<features::Scaler>(features::load_scaler(scaler));
    }
    if (!fs::exists(file)) throw_io("encode: TorchScript file not found (file=" + file + ")");
    model::prepare_cpu_runtime(threads_);
    try {
      module_ = torch::jit::load(file, device_);
    } catch (const c10::Error& e) {
      throw_input("encode: not a loadable TorchScript module (file=" + file + "): " + first_line(e.what()) +
                  "; save it in Python with torch.jit.script(model).save(path)");
    }
    module_.eval();
    info_.name = fs::path(file).stem().string();
    info_.window_samples = static_cast<std::size_t>(std::lround(seconds * audio::kSampleRate));
    // One probe batch checks the contract now rather than after decoding the first clips.
    const auto out = forward({std::vector<float>(info_.window_samples, 0.0f)});
    info_.dim = static_cast<std::size_t>(out.size(1));
    info_.describe = {{"kind", "torchscript"},
                      {"file", fs::absolute(file).string()},
                      {"input", input},
                      {"seconds", seconds},
                      {"scaler", scaler},
                      {"input_shape", input_shape()}};
  }

 private:
  std::vector<int64_t> input_shape() const {
    if (!spectrogram_) return {static_cast<int64_t>(batch_), static_cast<int64_t>(info_.window_samples)};
    return {static_cast<int64_t>(batch_), 1, frames_, bins_};
  }

  torch::Tensor make_input(const std::vector<std::vector<float>>& windows) {
    const std::size_t len = info_.window_samples ? info_.window_samples : windows.front().size();
    if (!spectrogram_) return audio_batch(windows, batch_, len);
    std::vector<MatrixF> specs(windows.size());
    parallel_for(0, windows.size(), threads_, [&](std::size_t i) {
      specs[i] = features::network_input_db(windows[i]);
      if (scaler_) scaler_->apply(specs[i]);
    });
    frames_ = static_cast<int64_t>(specs.front().rows);
    bins_ = static_cast<int64_t>(specs.front().cols);
    auto t = torch::zeros({static_cast<int64_t>(batch_), 1, frames_, bins_}, torch::kFloat);
    float* p = t.data_ptr<float>();
    for (std::size_t i = 0; i < specs.size(); ++i)
      std::copy(specs[i].data.begin(), specs[i].data.end(), p + i * specs[i].data.size());
    return t;
  }

  torch::Tensor forward(const std::vector<std::vector<float>>& windows) {
    torch::Tensor x = make_input(windows).to(device_);
    torch::NoGradGuard no_grad;
    torch::jit::IValue out;
    try {
      out = module_.forward({x});
    } catch (const std::exception& e) {
      throw_input("encode: TorchScript forward failed on input " + shape_str(x.sizes().vec()) + " (file=" + file_ +
                  ", encode.torchscript.input=" + (spectrogram_ ? "spectrogram" : "audio") + "): " +
                  last_line(e.what()) + "; see the TorchScript contract in the nnr-encode docs");
    }
    if (!out.isTensor())
      throw_input("encode: TorchScript module returned " + out.tagKind() + ", not one Tensor [B, D] (file=" + file_ + ")");
    auto t = out.toTensor();
    if (t.dim() != 2 || t.size(0) != static_cast<int64_t>(batch_) || t.size(1) < 1)
      throw_input("encode: TorchScript module returned shape " + shape_str(t.sizes().vec()) + " for input " +
                  shape_str(x.sizes().vec()) + "; expected [" + std::to_string(batch_) + ", D] (file=" + file_ + ")");
    return t.to(torch::kCPU, torch::kFloat).contiguous();
  }

  static std::string shape_str(const std::vector<int64_t>& s) {
    std::string r = "[";
    for (std::size_t i = 0; i < s.size(); ++i) r += (i ? ", " : "") + std::to_string(s[i]);
    return r + "]";
  }

  void do_encode(const std::vector<std::vector<float>>& windows, const std::vector<std::vector<float>>&,
                 MatrixF& embeddings, MatrixF&) override {
    const auto out = forward(windows);
    if (static_cast<std::size_t>(out.size(1)) != info_.dim)
      throw_input("encode: TorchScript output dimension changed between batches (file=" + file_ + ")");
    copy_rows(out, windows.size(), embeddings);
  }

  std::string file_;
  torch::Device device_;
  std::size_t batch_;
  int threads_;
  bool spectrogram_ = true;
  std::unique_ptr<features::Scaler> scaler_;
  torch::jit::script::Module module_;
  int64_t frames_ = 0, bins_ = 0;
};

// ------------------------------------------------------------------------------------------- task networks

class TaskEncoder final : public Encoder {
 public:
  /// `name`: the model's folder under models/ ("at", or "mfcc-at" for the head on the MFCC baseline).
  TaskEncoder(const std::string& name, const std::string& task, const EncoderSettings& s)
      : device_(model::parse_device(s.device)), batch_(static_cast<std::size_t>(s.batch)) {
    const fs::path dir = s.models_dir / name;
    const bool mfcc = name != task;
    if (!fs::exists(dir / "model.json"))
      throw_io("encode: no trained " + name + " model (dir=" + dir.string() + "); train it with nnr-train --task " +
               task + (mfcc ? " --input mfcc" : "") + " or point --models at a directory holding " + name +
               "/model.json");
    model::prepare_cpu_runtime(s.threads);
    model_ = model::TrainedModel::load(dir, device_, s.fused_inference);
    if (model_->task() != task)
      throw_input("encode: model in " + dir.string() + " is for task " + model_->task() + ", not " + task);
    if (model_->mfcc_input() != mfcc)
      throw_input("encode: model in " + dir.string() + (mfcc ? " is not" : " is") +
                  " an MFCC-input model (model.json model.input); it belongs in models/" +
                  (mfcc ? task : "mfcc-" + task));
    info_.name = name;
    info_.task = task;
    if (mfcc) info_.scored_as = "mfcc", info_.consistency = false;
    info_.window_samples = model::input_samples_for(model_->frames());  // 2 s (more if frames needs it)
    const tasks::TaskEntry& entry = tasks::find_task(task);
    objective_ = entry.objective;
    switch (objective_) {
      case Objective::multi_label:
      case Objective::single_label: info_.prediction_columns = model_->class_names(); break;
      case Objective::reconstruct: info_.prediction_columns = {"mse", "train_mean_mse"}; break;
      case Objective::source_mask: info_.prediction_columns = {"sdr_db", "mixture_sdr_db"}; break;
    }
    info_.needs_reference = entry.needs_reference;
    torch::NoGradGuard no_grad;
    const auto x = model_->prepare({std::vector<float>(info_.window_samples, 0.0f)}).to(device_);
    info_.dim = static_cast<std::size_t>(model_->embed(x).size(1));
    info_.describe = {{"kind", "task"}, {"task", task}, {"model_dir", fs::absolute(dir).string()},
                      {"frames", model_->frames()}, {"bins", model_->bins()}};
  }

 private:
  void do_encode(const std::vector<std::vector<float>>& windows, const std::vector<std::vector<float>>& refs,
                 MatrixF& embeddings, MatrixF& predictions) override {
    std::vector<std::vector<float>> padded = windows;
    padded.resize(batch_, std::vector<float>(info_.window_samples, 0.0f));
    torch::NoGradGuard no_grad;
    const auto x = model_->prepare(padded).to(device_);
    const auto [z, y] = model_->embed_and_predict(x);  // one encoder pass for both
    copy_rows(z, windows.size(), embeddings);
    switch (objective_) {
      case Objective::multi_label:
      case Objective::single_label: copy_rows(y, windows.size(), predictions); break;
      case Objective::reconstruct:
        // The paper's AE metric: MSE on the standardised dB input, per clip; beside it the MSE of
        // predicting the per-bin training mean, which is 0 after standardisation.
        copy_rows(torch::cat({(y - x).pow(2).flatten(1).mean(1, /*keepdim=*/true),
                              x.pow(2).flatten(1).mean(1, /*keepdim=*/true)}, 1),
                  windows.size(), predictions);
        break;
      case Objective::source_mask: vocals_sdr(padded, refs, y, predictions); break;
    }
  }

  /// VS: vocals resynthesised with the mixture phase, scored against the vocal stem's window with
  /// BSSEval v4 SDR (1 s windows and hops, median over frames); NaN without a stem.
  void vocals_sdr(const std::vector<std::vector<float>>& padded, const std::vector<std::vector<float>>& refs,
                  const torch::Tensor& mask, MatrixF& predictions) {
    const int64_t len = static_cast<int64_t>(info_.window_samples);
    const auto est = masked_resynthesis(audio_batch(padded, batch_, info_.window_samples).to(device_), mask);
    const auto [first, last] = covered_samples(len, mask.size(2));
    for (std::size_t i = 0; i < predictions.rows; ++i) {
      if (refs.empty() || refs[i].empty()) {
        predictions(i, 0) = predictions(i, 1) = kNaN;
        continue;
      }
      // Scored where the estimate is wholly the network's (all of it for a mask over every frame); the
      // unprocessed mixture on the same samples is the baseline.
      const float* e = est.data_ptr<float>() + static_cast<int64_t>(i) * len;
      const std::vector<float> estimate(e + first, e + last), reference(refs[i].begin() + first, refs[i].begin() + last);
      const std::vector<float> mixture(padded[i].begin() + first, padded[i].begin() + last);
      predictions(i, 0) =
          static_cast<float>(metrics::sdr_bsseval_v4(reference, estimate, audio::kSampleRate, 1.0, 1.0));
      predictions(i, 1) =
          static_cast<float>(metrics::sdr_bsseval_v4(reference, mixture, audio::kSampleRate, 1.0, 1.0));
    }
  }

  torch::Device device_;
  std::size_t batch_;
  std::unique_ptr<model::TrainedModel> model_;
  Objective objective_ = Objective::reconstruct;
};

}  // namespace

std::unique_ptr<Encoder> make_torchscript_encoder(const std::string& file, const Params& params,
                                                  const EncoderSettings& settings) {
  return std::make_unique<TorchScriptEncoder>(file, params, settings);
}

std::unique_ptr<Encoder> make_task_encoder(const std::string& name, const std::string& task,
                                           const EncoderSettings& settings) {
  return std::make_unique<TaskEncoder>(name, task, settings);
}

}  // namespace nnr::encode::detail
