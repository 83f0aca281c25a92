#pragma once
/// The networks of the paper (Table 1, Figure 2) as LibTorch modules: the VGG-like encoder f shared by
/// all tasks, the AE decoder, the AT/IR classification head and the VS U-Net.
///
/// Input x: the standardised dB STFT, [B, 1, frames, bins] (float32, any device).
/// Embedding: AT/IR the 256-d vector after the head's first FC+BN+ReLU (as the original code); AE/VS the
/// 256-d global-average-pooled encoder output z. (256 = the last channel count of the preset.)

#include <torch/nn/module.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/dropout.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>
#include <torch/serialize/output-archive.h>
#include <torch/types.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "nnr/tasks/task.hpp"

namespace nnr::features {
struct Scaler;
}

namespace nnr::model {

// The task family lives in nnr/tasks (LibTorch-free); the networks use its names.
using tasks::NetworkKind;
using tasks::Objective;
using tasks::parse_task;
using tasks::Task;
using tasks::task_entry;
using tasks::task_name;


/// Geometry of the encoder. Presets:
///  - "paper": Table 1 — 128 frames x 512 bins (the Nyquist bin dropped), six blocks 16,32,64,128,256,256
///    (Table 1 lists six Conv rows; 128x512 pools to 2x8 before global average pooling).
///  - "paper-code": the original code — 173 frames (2 s) x 513 bins, seven blocks 16..256,256,256 (-> 1x4).
///  - "tiny": 32 frames x 64 bins, channels 8,16,32 (tests and quick demos only).
struct ModelConfig {
  std::string preset = "paper";
  int frames = 128;             ///< STFT frames per input crop (hop 256 at 22,050 Hz: 128 ~ 1.5 s)
  int bins = 512;               ///< the first `bins` of the 513 STFT bins
  std::vector<int> channels{16, 32, 64, 128, 256, 256};  ///< one conv block per entry
  double dropout = 0.5;         ///< AT/IR head dropout
  /// What the task head h sees: "stft", the VGG-like encoder f of the dB STFT (the paper's networks), or
  /// "mfcc", the 144-d MFCC baseline z^MFCC computed from the same input in the graph (paper section 4.2;
  /// model/mfcc_networks.cpp). `channels` then shapes only the AE/VS decoder.
  std::string input = "stft";

  bool mfcc_input() const { return input == "mfcc"; }
  int embedding_dim() const { return mfcc_input() ? kMfccDim : channels.back(); }
  static constexpr int kMfccDim = 144;
  nlohmann::json to_json() const;
};

/// The named preset; throws Error(config) listing the valid names.
ModelConfig model_preset(const std::string& name);
/// Preset `j["preset"]` (default "paper") with "frames", "bins", "channels" overridden where present.
/// Throws Error(config) for frames/bins too small for the number of pooling stages or bins > 513.
ModelConfig model_config_from_json(const nlohmann::json& j);

/// Output of the encoder: z [B, C] plus what the decoders need.
struct EncoderOutput {
  torch::Tensor z;                          ///< [B, C] global average pooled
  torch::Tensor last;                       ///< [B, C, h, w] the last pooled map
  std::vector<torch::Tensor> activations;   ///< per block, post-ReLU, pre-pool (U-Net skips)
  std::vector<torch::Tensor> indices;       ///< per block, max-pool indices
  std::vector<std::vector<int64_t>> sizes;  ///< per block, pre-pool spatial size {H, W}
};

/// Table 1: blocks of (reflect pad 1, Conv 3x3 no bias, BN, ReLU, MaxPool 2x2), then GAP.
class EncoderImpl : public torch::nn::Module {
 public:
  explicit EncoderImpl(const ModelConfig& cfg);
  /// x [B,1,T,F] -> z [B,C]
  torch::Tensor forward(const torch::Tensor& x);
  /// Keeps what the decoder/U-Net needs (indices, pre-pool sizes, skip activations).
  EncoderOutput forward_full(const torch::Tensor& x, bool keep_activations);
  /// Inference only: folds each BN (running statistics) into its convolution (model/inference.cpp).
  void fuse_batch_norm();

 private:
  /// Block i: conv, BN and ReLU (or the folded conv and ReLU after fuse_batch_norm).
  torch::Tensor conv_block(std::size_t i, const torch::Tensor& x);
  torch::nn::ModuleList convs_{nullptr}, bns_{nullptr};
  std::vector<torch::Tensor> fused_weight_, fused_bias_;  ///< empty until fuse_batch_norm
  bool onednn_ = false;  ///< fused on the CPU: weights pre-reordered for oneDNN, blocks run on oneDNN tensors
};
TORCH_MODULE(Encoder);

/// The mirrored decoder g: GAP^T (broadcast z over the last map), then per block in reverse: max-unpool
/// with the encoder's indices (output_size = the encoder's pre-pool size, so odd sizes round-trip),
/// optional additive skip (U-Net), transposed Conv 3x3 (pad 1); BN+ReLU except the last layer (1 channel,
/// linear output).
class DecoderImpl : public torch::nn::Module {
 public:
  DecoderImpl(const ModelConfig& cfg, bool skip_connections);
  torch::Tensor forward(const EncoderOutput& e);
  /// Without an encoder (MFCC input): `last` [B,C,h,w] is upsampled (nearest) to each block's pre-pool
  /// size in `sizes` instead of max-unpooled; no skips.
  torch::Tensor forward_upsampled(torch::Tensor last, const std::vector<std::vector<int64_t>>& sizes);
  /// Inference only: folds each BN into its transposed convolution (model/inference.cpp).
  void fuse_batch_norm();

 private:
  /// Layer k: transposed conv, then BN and ReLU except for the last (or the folded conv and ReLU).
  torch::Tensor deconv_block(std::size_t k, const torch::Tensor& x);
  bool skip_;
  torch::nn::ModuleList deconvs_{nullptr}, bns_{nullptr};
  std::vector<torch::Tensor> fused_weight_, fused_bias_;  ///< empty until fuse_batch_norm
};
TORCH_MODULE(Decoder);

/// One training batch on the network's device. x is always set; the rest by task.
struct Batch {
  torch::Tensor x;        ///< [B,1,T,F] standardised dB STFT (the network input; also the AE target)
  torch::Tensor tags;     ///< AT: [B,K] float 0/1
  torch::Tensor classes;  ///< IR: [B] int64
  torch::Tensor mix_mag;  ///< VS: [B,1,T,F] linear magnitude of the mixture
  torch::Tensor voc_mag;  ///< VS: [B,1,T,F] linear magnitude of the vocals
  torch::Tensor acc_mag;  ///< VS: [B,1,T,F] linear magnitude of the accompaniment
  Batch to(const torch::Device& device) const;
};

/// A task network = encoder + head/decoder + loss. All methods take x [B,1,T,F].
class TaskNet : public torch::nn::Module {
 public:
  virtual ~TaskNet() = default;
  virtual Task task() const = 0;
  /// The 256-d embedding (see the file comment). Uses the current train/eval mode.
  virtual torch::Tensor embed(const torch::Tensor& x) = 0;
  /// AT: tag logits [B,K]; IR: class logits [B,K]; AE: reconstruction [B,1,T,F]; VS: mask logits [B,1,T,F].
  virtual torch::Tensor forward_raw(const torch::Tensor& x) = 0;
  /// AT: sigmoid; IR: softmax; AE: the reconstruction; VS: the mask in [0,1].
  torch::Tensor predict(const torch::Tensor& x);
  /// {embed(x), forward_raw(x)} from ONE encoder pass (the encode stage needs both; two passes cost 2x).
  virtual std::pair<torch::Tensor, torch::Tensor> embed_and_forward_raw(const torch::Tensor& x) = 0;
  /// {embed(x), predict(x)} from one encoder pass.
  std::pair<torch::Tensor, torch::Tensor> embed_and_predict(const torch::Tensor& x);
  /// Mean loss of the batch: AE MSE; AT BCE-with-logits; IR cross-entropy;
  /// VS L1(M|X|, |V|) + L1((1-M)|X|, |A|).
  torch::Tensor loss(const Batch& b);
  const ModelConfig& config() const { return cfg_; }
  /// Turns an eval-mode network into a faster inference-only one with the same outputs (within float
  /// rounding; tested to 1e-4 relative): every batch-norm folded into the layer before it, ReLUs in place.
  /// The net must not be trained afterwards (a forward in train mode throws Error(internal)).
  virtual void fuse_for_inference() = 0;

 protected:
  explicit TaskNet(ModelConfig cfg) : cfg_(std::move(cfg)) {}
  ModelConfig cfg_;
};

/// AT (K=50 tags) / IR (K=11 classes): encoder, Linear C->C, BN, ReLU, Dropout, Linear C->K.
class ClassifierNet : public TaskNet {
 public:
  ClassifierNet(Task task, const ModelConfig& cfg, int n_outputs);
  Task task() const override { return task_; }
  torch::Tensor embed(const torch::Tensor& x) override;
  torch::Tensor forward_raw(const torch::Tensor& x) override;
  std::pair<torch::Tensor, torch::Tensor> embed_and_forward_raw(const torch::Tensor& x) override;
  void fuse_for_inference() override;

 private:
  Task task_;
  Encoder encoder_{nullptr};
  torch::Tensor fused_fc1_weight_, fused_fc1_bias_;  ///< fc1 with the head's BN folded in, once fused
  torch::nn::Linear fc1_{nullptr}, fc2_{nullptr};
  torch::nn::BatchNorm1d bn_{nullptr};
  torch::nn::Dropout dropout_{nullptr};
};

/// NetworkKind autoencoder (AE: no skips) and unet (VS: additive skips; forward_raw gives mask logits).
class EncoderDecoderNet : public TaskNet {
 public:
  EncoderDecoderNet(Task task, const ModelConfig& cfg);
  Task task() const override { return task_; }
  bool unet() const { return tasks::task_entry(task_).network == NetworkKind::unet; }
  torch::Tensor embed(const torch::Tensor& x) override;
  torch::Tensor forward_raw(const torch::Tensor& x) override;
  std::pair<torch::Tensor, torch::Tensor> embed_and_forward_raw(const torch::Tensor& x) override;
  void fuse_for_inference() override;

 private:
  Task task_;
  Encoder encoder_{nullptr};
  Decoder decoder_{nullptr};
};

/// Builds the task's network. n_outputs: tags (AT) or classes (IR); ignored for AE/VS. `scaler` (the
/// training-set standardisation of the input) is needed by cfg.input "mfcc", which undoes it in the graph;
/// Error(config) without one.
std::shared_ptr<TaskNet> make_task_net(Task task, const ModelConfig& cfg, int n_outputs,
                                       const features::Scaler* scaler = nullptr);
/// The MFCC-input networks (model/mfcc_networks.cpp); make_task_net calls this for cfg.input "mfcc".
std::shared_ptr<TaskNet> make_mfcc_task_net(Task task, const ModelConfig& cfg, int n_outputs,
                                            const features::Scaler& scaler);

/// z^MFCC of standardised network input, in the graph: x [B,1,T,F] -> [B,144], the MFCC-144 baseline of
/// features::mfcc144 (mel power of the 1024/256 STFT, dB with an 80 dB floor, DCT-II, coefficients 1..24,
/// mean and unbiased std of them, of their first difference and of its difference) computed on the T
/// frames of the crop. Buffers only, no parameters.
class MfccFrontImpl : public torch::nn::Module {
 public:
  MfccFrontImpl(int bins, const features::Scaler& scaler);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  torch::Tensor mean_, std_, mel_, dct_;  ///< [F], [F], [F, 128], [128, 24]
};
TORCH_MODULE(MfccFront);

/// Parameters and buffers (BN statistics) to/from a LibTorch archive file; save is atomic.
/// load throws Error(io) for a missing file, Error(input) if the weights do not fit the network.
void save_weights(TaskNet& net, const std::filesystem::path& path);
/// Writes a LibTorch archive to `file` (a temp file of `target`); Error(io) naming `target` when the write
/// fails (full disk), instead of LibTorch's abort.
void save_archive(torch::serialize::OutputArchive& archive, const std::filesystem::path& file,
                  const std::filesystem::path& target);
void load_weights(TaskNet& net, const std::filesystem::path& path, const torch::Device& device);

}  // namespace nnr::model
