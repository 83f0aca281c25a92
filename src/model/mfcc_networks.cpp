// The task networks on the MFCC baseline (paper section 4.2: "for the AT task, we trained a dedicated h for
// auto-tagging ... while f is substituted as z^MFCC"; section 5.1 compares them on all four tasks). As the
// original code's MFCCAutoTagger / MFCCAutoEncoder / MFCCAESourceSeparator (eldrin/music-nn-models,
// musicnn/models): the MFCC encoder is fixed and computed in the graph from the network's own STFT input, so
// the training crops, batching and predictions are the VGG-like networks' ones; only h is learned.
//  - AT/IR: BN(144), dropout, Linear(144 -> K) (the original's ShallowAutoTagger head).
//  - AE/VS: BN(144), ReLU, Linear(144 -> C), BN, ReLU, spread over the last map, then the VGG-like decoder
//    with nearest upsampling in place of max-unpooling (there are no pooling indices without f).
// The embedding is z^MFCC itself (144-d).
#include <torch/nn/functional/activation.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/dropout.h>
#include <torch/nn/modules/linear.h>

#include <cmath>

#include "nnr/audio/audio_file.hpp"
#include "nnr/core/error.hpp"
#include "nnr/features/features.hpp"
#include "nnr/model/networks.hpp"

namespace nnr::model {

namespace {

constexpr int kMels = 128, kCoefficients = 24;

torch::Tensor to_tensor(const MatrixD& m, std::size_t rows, std::size_t cols, bool transpose) {
  torch::Tensor t = torch::empty({static_cast<int64_t>(transpose ? cols : rows), static_cast<int64_t>(transpose ? rows : cols)});
  float* p = t.data_ptr<float>();
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t c = 0; c < cols; ++c) p[transpose ? c * rows + r : r * cols + c] = static_cast<float>(m(r, c));
  return t;
}

// The pre-pool sizes of the VGG-like encoder's blocks for a frames x bins input (floor halving, as max-pool).
std::vector<std::vector<int64_t>> block_sizes(const ModelConfig& cfg) {
  std::vector<std::vector<int64_t>> sizes;
  int64_t h = cfg.frames, w = cfg.bins;
  for (std::size_t i = 0; i < cfg.channels.size(); ++i) {
    sizes.push_back({h, w});
    h /= 2;
    w /= 2;
  }
  sizes.push_back({h, w});  // the last map
  return sizes;
}

class MfccClassifierNet : public TaskNet {
 public:
  MfccClassifierNet(Task task, const ModelConfig& cfg, int n_outputs, const features::Scaler& scaler)
      : TaskNet(cfg), task_(task) {
    if (n_outputs <= 0) throw_config("model: a classifier needs at least one output class/tag");
    front_ = register_module("mfcc", MfccFront(cfg.bins, scaler));
    bn_ = register_module("bn", torch::nn::BatchNorm1d(ModelConfig::kMfccDim));
    dropout_ = register_module("dropout", torch::nn::Dropout(cfg.dropout));
    fc_ = register_module("fc", torch::nn::Linear(ModelConfig::kMfccDim, n_outputs));
  }
  Task task() const override { return task_; }
  torch::Tensor embed(const torch::Tensor& x) override { return front_->forward(x); }
  torch::Tensor forward_raw(const torch::Tensor& x) override { return head(embed(x)); }
  std::pair<torch::Tensor, torch::Tensor> embed_and_forward_raw(const torch::Tensor& x) override {
    torch::Tensor z = embed(x);
    return {z, head(z)};
  }
  void fuse_for_inference() override {}  // a linear head: nothing worth folding

 private:
  torch::Tensor head(const torch::Tensor& z) { return fc_->forward(dropout_->forward(bn_->forward(z))); }
  Task task_;
  MfccFront front_{nullptr};
  torch::nn::BatchNorm1d bn_{nullptr};
  torch::nn::Dropout dropout_{nullptr};
  torch::nn::Linear fc_{nullptr};
};

class MfccDecoderNet : public TaskNet {
 public:
  MfccDecoderNet(Task task, const ModelConfig& cfg, const features::Scaler& scaler)
      : TaskNet(cfg), task_(task), sizes_(block_sizes(cfg)) {
    const int c = cfg.channels.back();
    front_ = register_module("mfcc", MfccFront(cfg.bins, scaler));
    bn_in_ = register_module("bn_in", torch::nn::BatchNorm1d(ModelConfig::kMfccDim));
    fc_ = register_module("fc", torch::nn::Linear(ModelConfig::kMfccDim, c));
    bn_ = register_module("bn", torch::nn::BatchNorm1d(c));
    decoder_ = register_module("decoder", Decoder(cfg, /*skip_connections=*/false));
  }
  Task task() const override { return task_; }
  torch::Tensor embed(const torch::Tensor& x) override { return front_->forward(x); }
  torch::Tensor forward_raw(const torch::Tensor& x) override { return decode(embed(x)); }
  std::pair<torch::Tensor, torch::Tensor> embed_and_forward_raw(const torch::Tensor& x) override {
    torch::Tensor z = embed(x);
    return {z, decode(z)};
  }
  void fuse_for_inference() override { decoder_->fuse_batch_norm(); }

 private:
  torch::Tensor decode(const torch::Tensor& z) {
    const torch::Tensor h = torch::relu(bn_->forward(fc_->forward(torch::relu(bn_in_->forward(z)))));
    const auto& last = sizes_.back();
    const torch::Tensor map = h.unsqueeze(2).unsqueeze(3).expand({h.size(0), h.size(1), last[0], last[1]}).contiguous();
    return decoder_->forward_upsampled(map, {sizes_.begin(), sizes_.end() - 1});
  }
  Task task_;
  std::vector<std::vector<int64_t>> sizes_;
  MfccFront front_{nullptr};
  torch::nn::BatchNorm1d bn_in_{nullptr}, bn_{nullptr};
  torch::nn::Linear fc_{nullptr};
  Decoder decoder_{nullptr};
};

}  // namespace

MfccFrontImpl::MfccFrontImpl(int bins, const features::Scaler& scaler) {
  const auto f = static_cast<std::size_t>(bins);
  if (scaler.mean.size() < f || scaler.std.size() < f)
    throw_input("model: the scaler has " + std::to_string(scaler.mean.size()) + " bins, the MFCC input needs " +
                std::to_string(bins));
  torch::Tensor mean = torch::empty({bins}), sd = torch::empty({bins});
  for (std::size_t k = 0; k < f; ++k) {
    mean[static_cast<int64_t>(k)] = scaler.mean[k];
    sd[static_cast<int64_t>(k)] = scaler.std[k] < 1e-8f ? 1.0f : scaler.std[k];  // as Scaler::apply
  }
  // The first `bins` of the 513 STFT bins; the Nyquist bin the networks drop carries no mel weight (the
  // top Slaney filter ends at sr/2 with weight 0).
  const MatrixD fb = features::mel_filterbank(audio::kSampleRate, features::kNetworkNFft, kMels, 0.0,
                                              audio::kSampleRate / 2.0);
  const MatrixD dct = features::dct2_ortho(kMels, kCoefficients + 1);
  MatrixD dct_tail(kCoefficients, kMels);  // coefficients 1..24 (c0 dropped)
  for (int k = 0; k < kCoefficients; ++k)
    for (int i = 0; i < kMels; ++i) dct_tail(static_cast<std::size_t>(k), static_cast<std::size_t>(i)) = dct(static_cast<std::size_t>(k + 1), static_cast<std::size_t>(i));
  mean_ = register_buffer("mean", mean);
  std_ = register_buffer("std", sd);
  mel_ = register_buffer("mel", to_tensor(fb, kMels, f, /*transpose=*/true));                  // [F, 128]
  dct_ = register_buffer("dct", to_tensor(dct_tail, kCoefficients, kMels, /*transpose=*/true));  // [128, 24]
}

torch::Tensor MfccFrontImpl::forward(const torch::Tensor& x) {
  torch::NoGradGuard no_grad;  // fixed features: nothing below x is learned
  const torch::Tensor db = x.squeeze(1) * std_ + mean_;                       // [B,T,F] dB power
  const torch::Tensor power = torch::exp(db * (std::log(10.0) / 10.0));
  torch::Tensor mel_db = 10.0 * torch::log10(torch::clamp_min(torch::matmul(power, mel_), 1e-10));  // [B,T,128]
  const torch::Tensor top = std::get<0>(mel_db.flatten(1).max(1)).view({-1, 1, 1});
  mel_db = torch::maximum(mel_db, top - 80.0);  // power_to_db's top_db, over the crop
  const torch::Tensor m = torch::matmul(mel_db, dct_);  // [B,T,24]
  const torch::Tensor d = m.slice(1, 1) - m.slice(1, 0, -1);
  const torch::Tensor dd = d.slice(1, 1) - d.slice(1, 0, -1);
  auto stats = [](const torch::Tensor& s) { return torch::cat({s.mean(1), s.std(1, /*unbiased=*/true)}, 1); };
  return torch::cat({stats(m), stats(d), stats(dd)}, 1);
}

std::shared_ptr<TaskNet> make_mfcc_task_net(Task task, const ModelConfig& cfg, int n_outputs,
                                            const features::Scaler& scaler) {
  if (cfg.frames < 4) throw_config("model: MFCC input needs at least 4 frames (train.frames)");
  switch (task_entry(task).network) {
    case NetworkKind::classifier: return std::make_shared<MfccClassifierNet>(task, cfg, n_outputs, scaler);
    case NetworkKind::autoencoder: return std::make_shared<MfccDecoderNet>(task, cfg, scaler);
    case NetworkKind::unet: return std::make_shared<MfccDecoderNet>(task, cfg, scaler);  // no f, no skips
  }
  throw_internal("model: no MFCC-input network for task " + task_name(task));
}

}  // namespace nnr::model
