// Shapes of every module for each preset, and that each task's loss falls on a batch it can overfit.
#include <gtest/gtest.h>
#include <torch/nn/module.h>
#include <torch/optim/adam.h>
#include <torch/utils.h>

#include "nnr/core/error.hpp"
#include "nnr/model/networks.hpp"

using namespace nnr::model;

namespace {

ModelConfig tiny() { return model_preset("tiny"); }

torch::Tensor input(const ModelConfig& c, int b) { return torch::randn({b, 1, c.frames, c.bins}); }

}  // namespace

TEST(Model, PresetsMatchTable1AndOriginalCode) {
  const auto p = model_preset("paper");
  EXPECT_EQ(p.frames, 128);
  EXPECT_EQ(p.bins, 512);
  EXPECT_EQ(p.channels, (std::vector<int>{16, 32, 64, 128, 256, 256}));
  const auto pc = model_preset("paper-code");
  EXPECT_EQ(pc.frames, 173);
  EXPECT_EQ(pc.bins, 513);
  EXPECT_EQ(pc.channels.size(), 7u);
  EXPECT_THROW(model_preset("vgg"), nnr::Error);
  EXPECT_THROW(model_config_from_json({{"preset", "tiny"}, {"frames", 4}}), nnr::Error);
  EXPECT_THROW(parse_task("xx"), nnr::Error);
}

TEST(Model, EncoderShapesPaperPresets) {
  torch::NoGradGuard g;
  for (const std::string name : {"paper", "paper-code"}) {
    const auto c = model_preset(name);
    Encoder enc(c);
    enc->eval();
    const auto o = enc->forward_full(input(c, 2), true);
    EXPECT_EQ(o.z.sizes(), (std::vector<int64_t>{2, 256})) << name;
    EXPECT_EQ(o.activations.size(), c.channels.size());
    const std::vector<int64_t> last = name == "paper" ? std::vector<int64_t>{2, 256, 2, 8}
                                                      : std::vector<int64_t>{2, 256, 1, 4};
    EXPECT_EQ(o.last.sizes(), last) << name;
    EXPECT_EQ(o.activations[0].sizes(), (std::vector<int64_t>{2, 16, c.frames, c.bins}));
  }
}

TEST(Model, EveryTaskShapesPaperCodeOddSizes) {
  // 173 x 513 is odd at every level: max-unpooling must restore the exact sizes.
  torch::NoGradGuard g;
  const auto c = model_preset("paper-code");
  const auto x = input(c, 2);
  for (Task t : {Task::ae, Task::vs, Task::at, Task::ir}) {
    auto net = make_task_net(t, c, t == Task::at ? 50 : 11);
    net->eval();
    EXPECT_EQ(net->embed(x).sizes(), (std::vector<int64_t>{2, 256})) << task_name(t);
    const auto y = net->predict(x);
    if (t == Task::at) {
      EXPECT_EQ(y.sizes(), (std::vector<int64_t>{2, 50}));
    } else if (t == Task::ir) {
      EXPECT_EQ(y.sizes(), (std::vector<int64_t>{2, 11}));
      EXPECT_TRUE(torch::allclose(y.sum(1), torch::ones({2}), 1e-5, 1e-5));
    } else {
      EXPECT_EQ(y.sizes(), x.sizes()) << task_name(t);
    }
    if (t == Task::vs) {
      EXPECT_TRUE((y >= 0).all().item<bool>() && (y <= 1).all().item<bool>());
    }
  }
}

TEST(Model, PaperPresetShapes) {
  torch::NoGradGuard g;
  const auto c = model_preset("paper");
  const auto x = input(c, 1);
  auto vs = make_task_net(Task::vs, c, 0);
  vs->eval();
  EXPECT_EQ(vs->predict(x).sizes(), x.sizes());
  auto at = make_task_net(Task::at, c, 50);
  at->eval();
  EXPECT_EQ(at->embed(x).sizes(), (std::vector<int64_t>{1, 256}));
}

TEST(Model, EmbeddingIsTheVectorAfterTheHeadsRelu) {
  torch::NoGradGuard g;
  auto net = make_task_net(Task::at, tiny(), 50);
  net->eval();
  const auto e = net->embed(input(tiny(), 3));
  EXPECT_EQ(e.sizes(), (std::vector<int64_t>{3, 32}));
  EXPECT_TRUE((e >= 0).all().item<bool>());
}

TEST(Model, OnePassEmbedAndPredictEqualsSeparateCalls) {
  torch::NoGradGuard g;
  for (Task task : {Task::ae, Task::at, Task::ir, Task::vs}) {
    torch::manual_seed(7);
    auto net = make_task_net(task, tiny(), 11);
    net->eval();
    const auto x = input(tiny(), 2);
    const auto [z, y] = net->embed_and_predict(x);
    EXPECT_TRUE(torch::allclose(z, net->embed(x), 1e-6, 1e-6));
    EXPECT_TRUE(torch::allclose(y, net->predict(x), 1e-6, 1e-6));
  }
}

// Overfit: each task's loss on one small fixed batch falls by a clear factor within a few dozen steps.
class Overfit : public ::testing::TestWithParam<Task> {};

TEST_P(Overfit, LossFalls) {
  torch::manual_seed(7);
  const Task t = GetParam();
  const auto c = tiny();
  auto net = make_task_net(t, c, t == Task::at ? 5 : 3);
  Batch b;
  const int n = 8;
  b.x = input(c, n);
  if (t == Task::at) b.tags = (torch::rand({n, 5}) > 0.5).to(torch::kFloat);
  if (t == Task::ir) b.classes = torch::randint(0, 3, {n}, torch::kLong);
  if (t == Task::vs) {
    b.voc_mag = torch::rand({n, 1, c.frames, c.bins});
    b.acc_mag = torch::rand({n, 1, c.frames, c.bins});
    b.mix_mag = b.voc_mag + b.acc_mag;
  }
  torch::optim::Adam opt(net->parameters(), torch::optim::AdamOptions(3e-3).amsgrad(true));
  net->train();
  double first = 0, last = 0;
  for (int step = 0; step < 60; ++step) {
    auto loss = net->loss(b);
    if (step == 0) first = loss.item<double>();
    last = loss.item<double>();
    opt.zero_grad();
    loss.backward();
    opt.step();
  }
  EXPECT_LT(last, first * (t == Task::vs ? 0.7 : 0.5)) << task_name(t) << " first " << first << " last " << last;
}

INSTANTIATE_TEST_SUITE_P(AllTasks, Overfit, ::testing::Values(Task::ae, Task::at, Task::ir, Task::vs),
                         [](const ::testing::TestParamInfo<Task>& p) { return task_name(p.param); });

// Batch-norm folded into the convolutions (TaskNet::fuse_for_inference): embeddings and predictions equal
// the plain eval-mode network's within 1e-4 relative (max abs difference / max abs value), on the paper
// preset, with BN statistics and affine parameters far from their initial 0/1 so a wrong fold shows.
class FusedInference : public ::testing::TestWithParam<Task> {};

TEST_P(FusedInference, EqualsPlainEvalNetwork) {
  const Task t = GetParam();
  const auto c = model_preset("paper");
  torch::manual_seed(11);
  auto net = make_task_net(t, c, t == Task::at ? 50 : 11);
  {
    torch::NoGradGuard g;
    for (auto& p : net->named_parameters())
      if (p.key().find("bn") != std::string::npos) p.value().uniform_(0.5, 1.5);
    net->train();
    for (int k = 0; k < 3; ++k) net->forward_raw(input(c, 4) * 3 + 1);  // running statistics move
  }
  torch::NoGradGuard g;
  net->eval();
  const auto x = input(c, 3);
  const auto [z, y] = net->embed_and_predict(x);
  net->fuse_for_inference();
  const auto [zf, yf] = net->embed_and_predict(x);
  const auto rel = [](const torch::Tensor& a, const torch::Tensor& b) {
    return (a - b).abs().max().item<double>() / a.abs().max().item<double>();
  };
  EXPECT_LT(rel(z, zf), 1e-4) << task_name(t);
  EXPECT_LT(rel(y, yf), 1e-4) << task_name(t);
  EXPECT_GT(z.abs().max().item<double>(), 0.0);
  net->train();  // a fused net is inference-only
  EXPECT_THROW(net->forward_raw(x), nnr::Error);
}

INSTANTIATE_TEST_SUITE_P(AllTasks, FusedInference, ::testing::Values(Task::ae, Task::at, Task::ir, Task::vs),
                         [](const ::testing::TestParamInfo<Task>& p) { return task_name(p.param); });
