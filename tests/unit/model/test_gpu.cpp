// --device cuda: every task network trains and infers on a GPU and agrees with the CPU. Skipped where
// LibTorch has no CUDA (label gpu: never in the default run or CI).
#include <gtest/gtest.h>
#include <torch/cuda.h>
#include <torch/optim/adam.h>
#include <torch/utils.h>

#include <chrono>
#include <cmath>
#include <cstdio>

#include "nnr/model/device.hpp"
#include "nnr/model/networks.hpp"

using namespace nnr::model;

namespace {

Batch make_batch(Task t, const ModelConfig& c, int n, int classes) {
  Batch b;
  b.x = torch::randn({n, 1, c.frames, c.bins});
  if (t == Task::at) b.tags = (torch::rand({n, classes}) > 0.5).to(torch::kFloat);
  if (t == Task::ir) b.classes = torch::randint(0, classes, {n}, torch::kLong);
  if (t == Task::vs) {
    b.voc_mag = torch::rand({n, 1, c.frames, c.bins});
    b.acc_mag = torch::rand({n, 1, c.frames, c.bins});
    b.mix_mag = b.voc_mag + b.acc_mag;
  }
  return b;
}

}  // namespace

class Gpu : public ::testing::TestWithParam<Task> {};

TEST_P(Gpu, TrainStepAndInferenceMatchCpu) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA in this LibTorch build or no GPU visible";
  const Task t = GetParam();
  const auto cfg = model_preset("paper");
  const int classes = t == Task::at ? 50 : 11;
  const torch::Device cuda = parse_device("cuda");
  torch::manual_seed(7);
  auto cpu_net = make_task_net(t, cfg, classes);
  auto gpu_net = make_task_net(t, cfg, classes);
  // Same weights on both devices.
  {
    torch::NoGradGuard g;
    auto src = cpu_net->parameters();
    auto dst = gpu_net->parameters();
    for (std::size_t i = 0; i < src.size(); ++i) dst[i].copy_(src[i]);
  }
  gpu_net->to(cuda);
  cpu_net->eval();
  gpu_net->eval();
  const auto x = torch::randn({4, 1, cfg.frames, cfg.bins});
  {
    torch::NoGradGuard g;
    const auto [zc, yc] = cpu_net->embed_and_predict(x);
    const auto [zg, yg] = gpu_net->embed_and_predict(x.to(cuda));
    EXPECT_TRUE(zg.device().is_cuda());
    EXPECT_TRUE(torch::allclose(zc, zg.cpu(), 1e-3, 1e-3)) << task_name(t);
    EXPECT_TRUE(torch::allclose(yc, yg.cpu(), 1e-3, 1e-3)) << task_name(t);
  }
  // Training steps on the GPU at the paper's batch of 24: the loss is finite and falls on a fixed batch.
  gpu_net->train();
  torch::optim::Adam opt(gpu_net->parameters(), torch::optim::AdamOptions(1e-3).amsgrad(true).weight_decay(1e-7));
  const Batch b = make_batch(t, cfg, 24, classes).to(cuda);
  double first = 0, last = 0;
  const auto start = std::chrono::steady_clock::now();
  const int steps = 20;
  for (int step = 0; step < steps; ++step) {
    auto loss = gpu_net->loss(b);
    if (step == 0) first = loss.item<double>();
    last = loss.item<double>();
    opt.zero_grad();
    loss.backward();
    opt.step();
  }
  torch::cuda::synchronize();
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  std::printf("gpu %s: %.1f ms per training step (batch 24, paper preset), loss %.4f -> %.4f\n",
              task_name(t).c_str(), ms / steps, first, last);
  EXPECT_TRUE(std::isfinite(last));
  EXPECT_LT(last, first) << task_name(t);
}

INSTANTIATE_TEST_SUITE_P(AllTasks, Gpu, ::testing::Values(Task::ae, Task::at, Task::ir, Task::vs),
                         [](const ::testing::TestParamInfo<Task>& p) { return task_name(p.param); });
