#pragma once
/// A trained task network as nnr-train leaves it, for the encode stage: loads RUN_DIR/models/<task>/
/// (model.json, model.pt, scaler.json) and turns audio into network input, embeddings and predictions.

#include <torch/types.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace nnr::model {

class TaskNet;

class TrainedModel {
 public:
  /// Throws Error(io) if a file is missing, Error(config) if model.json is malformed or names an unknown
  /// task/preset, Error(input) if the weights do not fit the architecture model.json describes.
  /// `fused`: inference-only network with batch-norm folded in (TaskNet::fuse_for_inference), faster and
  /// equal within float rounding; false keeps the plain eval-mode network.
  static std::unique_ptr<TrainedModel> load(const std::filesystem::path& model_dir, torch::Device device,
                                            bool fused = true);
  ~TrainedModel();

  const std::string& task() const { return task_; }   ///< "ae", "at", "ir" or "vs"
  int frames() const { return frames_; }               ///< network input frames (hop 256)
  int bins() const { return bins_; }                   ///< network input bins (the first of 513)
  bool mfcc_input() const { return mfcc_input_; }      ///< the head sees the MFCC baseline (model.input)
  const std::vector<std::string>& class_names() const { return class_names_; }  ///< AT tags / IR classes
  const torch::Device& device() const { return device_; }

  /// Mono 22,050 Hz clips -> standardised network input [B,1,frames,bins] on device(): each clip is
  /// centre-cropped or right-zero-padded to 2 s (44,100 samples; longer if frames needs it), turned into
  /// the dB STFT, standardised with the training statistics, and its centre `frames` frames kept.
  /// Throws Error(input) for an empty clip.
  torch::Tensor prepare(const std::vector<std::vector<float>>& clips) const;
  /// [B,256] embedding (eval mode, no grad): AT/IR after the head's FC+BN+ReLU; AE/VS the GAP output z.
  torch::Tensor embed(const torch::Tensor& x);
  /// AT: sigmoid probabilities [B,50]; IR: softmax [B,11]; AE: reconstruction [B,1,T,F];
  /// VS: mask in [0,1] [B,1,T,F] (multiplies the linear mixture magnitude).
  torch::Tensor predict(const torch::Tensor& x);
  /// {embed(x), predict(x)} from one encoder pass: what the encode stage uses (half the cost).
  std::pair<torch::Tensor, torch::Tensor> embed_and_predict(const torch::Tensor& x);

 private:
  TrainedModel() = default;
  std::string task_;
  int frames_ = 0, bins_ = 0;
  bool mfcc_input_ = false;
  std::vector<std::string> class_names_;
  std::vector<float> mean_, std_;
  torch::Device device_{torch::kCPU};
  std::shared_ptr<TaskNet> net_;
};

/// Samples a network crop of `frames` frames needs: max(2 s, (frames - 1) * 256).
std::size_t input_samples_for(int frames);

}  // namespace nnr::model
