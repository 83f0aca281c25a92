#include "nnr/model/networks.hpp"

#include <torch/nn/functional/activation.h>
#include <torch/nn/functional/loss.h>
#include <torch/nn/functional/padding.h>
#include <torch/nn/functional/pooling.h>
#include <torch/nn/options/batchnorm.h>
#include <torch/nn/options/conv.h>
#include <ATen/ops/mkldnn_convolution.h>

#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>

#include <fstream>
#include <sstream>

#include "nnr/core/error.hpp"
#include "nnr/io/atomic_file.hpp"

namespace nnr::model {

namespace F = torch::nn::functional;

nlohmann::json ModelConfig::to_json() const {
  nlohmann::json j = {{"preset", preset}, {"frames", frames}, {"bins", bins}, {"channels", channels},
                      {"dropout", dropout}};
  if (mfcc_input()) j["input"] = input;  // absent = "stft": model.json files before MFCC input still load
  return j;
}

ModelConfig model_preset(const std::string& name) {
  ModelConfig c;
  c.preset = name;
  if (name == "paper") return c;
  if (name == "paper-code") {
    c.frames = 173;
    c.bins = 513;
    c.channels = {16, 32, 64, 128, 256, 256, 256};
    return c;
  }
  if (name == "tiny") {
    c.frames = 32;
    c.bins = 64;
    c.channels = {8, 16, 32};
    return c;
  }
  throw_config("model: unknown preset (train.preset=" + name + "); valid: paper, paper-code, tiny");
}

ModelConfig model_config_from_json(const nlohmann::json& j) {
  ModelConfig c = model_preset(j.value("preset", std::string("paper")));
  if (j.contains("frames")) c.frames = j.at("frames").get<int>();
  if (j.contains("bins")) c.bins = j.at("bins").get<int>();
  if (j.contains("channels")) c.channels = j.at("channels").get<std::vector<int>>();
  if (j.contains("dropout")) c.dropout = j.at("dropout").get<double>();
  if (j.contains("input")) c.input = j.at("input").get<std::string>();
  if (c.input != "stft" && c.input != "mfcc")
    throw_config("model: unknown input (train.input=" + c.input + "); valid: stft (the VGG-like encoder), mfcc (the MFCC-144 baseline)");
  if (c.channels.empty()) throw_config("model: train.channels is empty; give one channel count per block");
  for (int ch : c.channels)
    if (ch <= 0) throw_config("model: channel counts must be positive (train.channels)");
  const int min_size = 1 << c.channels.size();
  if (c.frames < min_size || c.bins < min_size)
    throw_config("model: input " + std::to_string(c.frames) + "x" + std::to_string(c.bins) +
                 " too small for " + std::to_string(c.channels.size()) +
                 " pooling stages (train.frames/train.bins); need at least " + std::to_string(min_size));
  if (c.bins > 513) throw_config("model: train.bins=" + std::to_string(c.bins) + " > 513 STFT bins");
  if (c.dropout < 0 || c.dropout >= 1) throw_config("model: train.dropout must be in [0, 1)");
  return c;
}

// ---------------------------------------------------------------------------------------------
EncoderImpl::EncoderImpl(const ModelConfig& cfg) {
  convs_ = register_module("convs", torch::nn::ModuleList());
  bns_ = register_module("bns", torch::nn::ModuleList());
  int in = 1;
  for (int out : cfg.channels) {
    convs_->push_back(torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 3).bias(false)));
    bns_->push_back(torch::nn::BatchNorm2d(out));
    in = out;
  }
}

// Dense (strided) view of a block output that may be a oneDNN tensor (fused CPU inference).
static torch::Tensor dense(const torch::Tensor& x) { return x.is_mkldnn() ? x.to_dense() : x; }

torch::Tensor EncoderImpl::conv_block(std::size_t i, const torch::Tensor& x) {
  const torch::Tensor h = F::pad(dense(x), F::PadFuncOptions({1, 1, 1, 1}).mode(torch::kReflect));
  if (!fused_weight_.empty()) {
    if (is_training()) throw_internal("model: an inference-only (fused) network cannot be trained");
    // oneDNN: the reflect pad has no oneDNN kernel, so each block enters oneDNN's layout after it and the
    // ReLU and max-pool stay there (what torch.jit.optimize_for_inference does with this network).
    if (onednn_) return at::mkldnn_convolution(h.to_mkldnn(), fused_weight_[i], fused_bias_[i], {0, 0}, {1, 1}, {1, 1}, 1).relu_();
    return torch::conv2d(h, fused_weight_[i], fused_bias_[i]).relu_();
  }
  return torch::relu(bns_[i]->as<torch::nn::BatchNorm2d>()->forward(convs_[i]->as<torch::nn::Conv2d>()->forward(h)));
}

EncoderOutput EncoderImpl::forward_full(const torch::Tensor& x, bool keep_activations) {
  EncoderOutput o;
  torch::Tensor h = x;
  for (std::size_t i = 0; i < convs_->size(); ++i) {
    h = dense(conv_block(i, h));
    o.sizes.push_back({h.size(2), h.size(3)});
    if (keep_activations) o.activations.push_back(h);
    auto [pooled, idx] = torch::max_pool2d_with_indices(h, {2, 2}, {2, 2});
    o.indices.push_back(idx);
    h = pooled;
  }
  o.last = h;
  o.z = h.mean({2, 3});
  return o;
}

torch::Tensor EncoderImpl::forward(const torch::Tensor& x) {
  torch::Tensor h = x;
  for (std::size_t i = 0; i < convs_->size(); ++i) h = torch::max_pool2d(conv_block(i, h), {2, 2}, {2, 2});
  h = dense(h);
  return h.mean({2, 3});
}

// ---------------------------------------------------------------------------------------------
DecoderImpl::DecoderImpl(const ModelConfig& cfg, bool skip_connections) : skip_(skip_connections) {
  deconvs_ = register_module("deconvs", torch::nn::ModuleList());
  bns_ = register_module("bns", torch::nn::ModuleList());
  // deconvs_[k] undoes encoder block L-1-k: channels[L-1-k] -> channels[L-2-k] (1 for the last).
  const int L = static_cast<int>(cfg.channels.size());
  for (int k = 0; k < L; ++k) {
    const int i = L - 1 - k;
    const int in = cfg.channels[static_cast<std::size_t>(i)];
    const int out = i == 0 ? 1 : cfg.channels[static_cast<std::size_t>(i - 1)];
    deconvs_->push_back(torch::nn::ConvTranspose2d(
        torch::nn::ConvTranspose2dOptions(in, out, 3).padding(1).bias(i == 0)));
    if (i > 0) bns_->push_back(torch::nn::BatchNorm2d(out));
  }
}

torch::Tensor DecoderImpl::forward(const EncoderOutput& e) {
  const auto L = e.indices.size();
  // Transpose of global average pooling: spread z over the last map.
  torch::Tensor h = e.z.unsqueeze(2).unsqueeze(3).expand_as(e.last).contiguous();
  for (std::size_t k = 0; k < L; ++k) {
    const std::size_t i = L - 1 - k;
    h = torch::max_unpool2d(h, e.indices[i], e.sizes[i]);
    if (skip_) h = h + e.activations[i];
    h = deconv_block(k, h);
  }
  return h;
}

torch::Tensor DecoderImpl::forward_upsampled(torch::Tensor h, const std::vector<std::vector<int64_t>>& sizes) {
  for (std::size_t k = 0; k < sizes.size(); ++k) {
    const std::size_t i = sizes.size() - 1 - k;
    h = torch::upsample_nearest2d(h, sizes[i]);
    h = deconv_block(k, h);
  }
  return h;
}

torch::Tensor DecoderImpl::deconv_block(std::size_t k, const torch::Tensor& x) {
  const bool last = k + 1 == deconvs_->size();
  if (!fused_weight_.empty()) {
    torch::Tensor h = torch::conv_transpose2d(x, fused_weight_[k], fused_bias_[k], 1, 1);
    return last ? h : h.relu_();
  }
  const torch::Tensor h = deconvs_[k]->as<torch::nn::ConvTranspose2d>()->forward(x);
  return last ? h : torch::relu(bns_[k]->as<torch::nn::BatchNorm2d>()->forward(h));
}

// ---------------------------------------------------------------------------------------------
Batch Batch::to(const torch::Device& device) const {
  Batch b;
  auto mv = [&](const torch::Tensor& t) { return t.defined() ? t.to(device) : t; };
  b.x = mv(x);
  b.tags = mv(tags);
  b.classes = mv(classes);
  b.mix_mag = mv(mix_mag);
  b.voc_mag = mv(voc_mag);
  b.acc_mag = mv(acc_mag);
  return b;
}

namespace {
/// The objective's output activation (model outputs are logits, or the reconstruction itself).
torch::Tensor activate(Objective objective, const torch::Tensor& out) {
  switch (objective) {
    case Objective::multi_label: return torch::sigmoid(out);
    case Objective::single_label: return torch::softmax(out, 1);
    case Objective::source_mask: return torch::sigmoid(out);
    case Objective::reconstruct: return out;
  }
  return out;
}
}  // namespace

torch::Tensor TaskNet::predict(const torch::Tensor& x) { return activate(tasks::objective(task()), forward_raw(x)); }

std::pair<torch::Tensor, torch::Tensor> TaskNet::embed_and_predict(const torch::Tensor& x) {
  auto [z, out] = embed_and_forward_raw(x);
  return {z, activate(tasks::objective(task()), out)};
}

torch::Tensor TaskNet::loss(const Batch& b) {
  torch::Tensor out = forward_raw(b.x);
  switch (tasks::objective(task())) {
    case Objective::reconstruct: return F::mse_loss(out, b.x);
    case Objective::multi_label: return F::binary_cross_entropy_with_logits(out, b.tags);
    case Objective::single_label: return F::cross_entropy(out, b.classes);
    case Objective::source_mask: {
      // Eq. 7-8 with the accompaniment term: the mask acts on the LINEAR mixture magnitude.
      const torch::Tensor m = torch::sigmoid(out);
      return F::l1_loss(m * b.mix_mag, b.voc_mag) + F::l1_loss((1 - m) * b.mix_mag, b.acc_mag);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
ClassifierNet::ClassifierNet(Task task, const ModelConfig& cfg, int n_outputs)
    : TaskNet(cfg), task_(task) {
  if (n_outputs <= 0) throw_config("model: a classifier needs at least one output class/tag");
  const int d = cfg.embedding_dim();
  encoder_ = register_module("encoder", Encoder(cfg));
  fc1_ = register_module("fc1", torch::nn::Linear(d, d));
  bn_ = register_module("bn", torch::nn::BatchNorm1d(d));
  dropout_ = register_module("dropout", torch::nn::Dropout(cfg.dropout));
  fc2_ = register_module("fc2", torch::nn::Linear(d, n_outputs));
}

torch::Tensor ClassifierNet::embed(const torch::Tensor& x) {
  if (fused_fc1_weight_.defined()) return torch::linear(encoder_->forward(x), fused_fc1_weight_, fused_fc1_bias_).relu_();
  return torch::relu(bn_->forward(fc1_->forward(encoder_->forward(x))));
}

torch::Tensor ClassifierNet::forward_raw(const torch::Tensor& x) {
  return fc2_->forward(dropout_->forward(embed(x)));
}

std::pair<torch::Tensor, torch::Tensor> ClassifierNet::embed_and_forward_raw(const torch::Tensor& x) {
  torch::Tensor z = embed(x);
  return {z, fc2_->forward(dropout_->forward(z))};
}

EncoderDecoderNet::EncoderDecoderNet(Task task, const ModelConfig& cfg) : TaskNet(cfg), task_(task) {
  encoder_ = register_module("encoder", Encoder(cfg));
  decoder_ = register_module("decoder", Decoder(cfg, /*skip_connections=*/unet()));
}

torch::Tensor EncoderDecoderNet::embed(const torch::Tensor& x) { return encoder_->forward(x); }

torch::Tensor EncoderDecoderNet::forward_raw(const torch::Tensor& x) {
  return decoder_->forward(encoder_->forward_full(x, /*keep_activations=*/unet()));
}

std::pair<torch::Tensor, torch::Tensor> EncoderDecoderNet::embed_and_forward_raw(const torch::Tensor& x) {
  EncoderOutput enc = encoder_->forward_full(x, /*keep_activations=*/unet());
  torch::Tensor z = enc.z;
  return {z, decoder_->forward(enc)};
}

std::shared_ptr<TaskNet> make_task_net(Task task, const ModelConfig& cfg, int n_outputs,
                                       const features::Scaler* scaler) {
  if (cfg.mfcc_input()) {
    if (!scaler) throw_config("model: an MFCC-input network needs the input's scaler (scaler.json)");
    return make_mfcc_task_net(task, cfg, n_outputs, *scaler);
  }
  switch (task_entry(task).network) {  // the task table says which shape
    case NetworkKind::classifier: return std::make_shared<ClassifierNet>(task, cfg, n_outputs);
    case NetworkKind::autoencoder:
    case NetworkKind::unet: return std::make_shared<EncoderDecoderNet>(task, cfg);
  }
  throw_internal("model: no network for task " + task_name(task));
}

}  // namespace nnr::model

namespace nnr::model {

void save_archive(torch::serialize::OutputArchive& archive, const std::filesystem::path& file,
                  const std::filesystem::path& target) {
  // Serialised in memory first: LibTorch's file writer reports a short write (a full disk) from a
  // destructor, which aborts the process; a stream of our own reports it as an io error naming the file.
  std::ostringstream bytes;
  archive.save_to(bytes);
  const std::string data = std::move(bytes).str();
  std::ofstream out(file, std::ios::binary);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
  out.close();
  if (!out)
    throw_io("model: cannot write " + target.string() + " (" + std::to_string(data.size() / 1000000) +
             " MB); check free space and permissions");
}

void save_weights(TaskNet& net, const std::filesystem::path& path) {
  io::write_atomic_with(path, [&](const std::filesystem::path& tmp) {
    torch::serialize::OutputArchive ar;
    net.save(ar);
    save_archive(ar, tmp, path);
  });
}

void load_weights(TaskNet& net, const std::filesystem::path& path, const torch::Device& device) {
  if (!std::filesystem::exists(path)) throw_io("model: weights file missing (" + path.string() + ")");
  try {
    torch::serialize::InputArchive ar;
    ar.load_from(path.string(), device);
    net.load(ar);
  } catch (const c10::Error& e) {
    throw_input("model: weights do not fit the network described by model.json (" + path.string() +
                "): " + e.what_without_backtrace());
  }
}

}  // namespace nnr::model
