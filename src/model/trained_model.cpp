#include "nnr/model/trained_model.hpp"

#include <torch/serialize/input-archive.h>
#include <torch/utils.h>
#include <ATen/Parallel.h>

#include <algorithm>
#include <cstring>

#include "nnr/features/features.hpp"
#include "nnr/core/error.hpp"
#include "nnr/io/json.hpp"
#include "nnr/model/networks.hpp"

namespace nnr::model {

std::size_t input_samples_for(int frames) {
  return std::max<std::size_t>(44100, static_cast<std::size_t>(frames - 1) * features::kNetworkHop);
}

TrainedModel::~TrainedModel() = default;

std::unique_ptr<TrainedModel> TrainedModel::load(const std::filesystem::path& dir, torch::Device device, bool fused) {
  const auto json_path = dir / "model.json";
  if (!std::filesystem::exists(json_path))
    throw_io("model: no model.json in " + dir.string() + "; train one with nnr-train --out RUN_DIR");
  const io::Json j = io::load_json(json_path);
  std::unique_ptr<TrainedModel> m(new TrainedModel());
  ModelConfig cfg;
  try {
    m->task_ = j.at("task").get<std::string>();
    cfg = model_config_from_json(j.at("model"));
    m->class_names_ = j.value("class_names", std::vector<std::string>{});
  } catch (const nlohmann::json::exception& e) {
    throw_config("model: malformed model.json (" + json_path.string() + "): " + e.what());
  }
  const Task task = parse_task(m->task_);
  m->frames_ = cfg.frames;
  m->bins_ = cfg.bins;
  m->mfcc_input_ = cfg.mfcc_input();
  m->device_ = device;
  const features::Scaler scaler = features::load_scaler(dir / "scaler.json");
  if (scaler.mean.size() < static_cast<std::size_t>(cfg.bins) || scaler.std.size() != scaler.mean.size())
    throw_input("model: scaler.json has fewer bins than the model needs (" + (dir / "scaler.json").string() +
                ")");
  m->mean_ = scaler.mean;
  m->std_ = scaler.std;
  m->net_ = make_task_net(task, cfg, static_cast<int>(m->class_names_.size()), &scaler);
  load_weights(*m->net_, dir / "model.pt", device);
  m->net_->to(device);
  m->net_->eval();
  if (fused) m->net_->fuse_for_inference();
  return m;
}

torch::Tensor TrainedModel::prepare(const std::vector<std::vector<float>>& clips) const {
  const std::size_t n_samples = input_samples_for(frames_);
  torch::Tensor out = torch::empty({static_cast<int64_t>(clips.size()), 1, frames_, bins_});
  float* dst = out.data_ptr<float>();
  features::Scaler scaler{mean_, std_};
  for (std::size_t c = 0; c < clips.size(); ++c)
    if (clips[c].empty()) throw_input("model: clip " + std::to_string(c) + " is empty; nothing to encode");
  // On LibTorch's intra-op threads (--threads): the spectrograms were 40 % of a fused AT batch serially.
  at::parallel_for(0, static_cast<int64_t>(clips.size()), 1, [&](int64_t begin, int64_t end) {
    for (auto c = static_cast<std::size_t>(begin); c < static_cast<std::size_t>(end); ++c) {
      const auto& clip = clips[c];
      std::vector<float> x(n_samples, 0.0f);  // centre crop or right zero-pad to 2 s
      if (clip.size() >= n_samples)
        std::copy_n(clip.begin() + static_cast<long>((clip.size() - n_samples) / 2), n_samples, x.begin());
      else
        std::copy(clip.begin(), clip.end(), x.begin());
      MatrixF s = features::network_input_db(x);
      scaler.apply(s);
      const std::size_t t0 = (s.rows - static_cast<std::size_t>(frames_)) / 2;
      for (int t = 0; t < frames_; ++t)
        std::memcpy(dst + (c * static_cast<std::size_t>(frames_) + static_cast<std::size_t>(t)) * bins_,
                    s.row(t0 + static_cast<std::size_t>(t)), sizeof(float) * static_cast<std::size_t>(bins_));
    }
  });
  return out.to(device_);
}

torch::Tensor TrainedModel::embed(const torch::Tensor& x) {
  torch::NoGradGuard no_grad;
  net_->eval();
  return net_->embed(x.to(device_));
}

torch::Tensor TrainedModel::predict(const torch::Tensor& x) {
  torch::NoGradGuard no_grad;
  net_->eval();
  return net_->predict(x.to(device_));
}

std::pair<torch::Tensor, torch::Tensor> TrainedModel::embed_and_predict(const torch::Tensor& x) {
  torch::NoGradGuard no_grad;
  net_->eval();
  return net_->embed_and_predict(x.to(device_));
}

}  // namespace nnr::model
