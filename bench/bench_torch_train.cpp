// One training step (forward, backward, Adam amsgrad) of each task network at batch 24 on the CPU,
// paper preset (1 x 128 x 512). Compare with scripts/bench_train_pytorch.py (same model in PyTorch).
//   NNR_THREADS=2 build/bench/bench_torch_train --benchmark_counters_tabular=true
// Counter samples_per_s = batch / step time. NNR_BENCH_PRESET=paper-code|tiny changes the geometry.
#include <benchmark/benchmark.h>
#include <torch/optim/adam.h>
#include <torch/utils.h>

#include <cstdlib>
#include <string>

#include "nnr/core/parallel.hpp"
#include "nnr/model/networks.hpp"

using namespace nnr::model;

namespace {

constexpr int kBatch = 24;

void BM_TrainStep(benchmark::State& state, Task task) {
  torch::set_num_threads(nnr::resolve_threads(0));
  torch::manual_seed(0);
  const char* p = std::getenv("NNR_BENCH_PRESET");
  const ModelConfig cfg = model_preset(p ? p : "paper");
  auto net = make_task_net(task, cfg, task == Task::at ? 50 : 11);
  net->train();
  torch::optim::Adam opt(net->parameters(), torch::optim::AdamOptions(1e-3).weight_decay(1e-7).amsgrad(true));
  Batch b;
  b.x = torch::randn({kBatch, 1, cfg.frames, cfg.bins});
  if (task == Task::at) b.tags = (torch::rand({kBatch, 50}) > 0.9).to(torch::kFloat);
  if (task == Task::ir) b.classes = torch::randint(0, 11, {kBatch}, torch::kLong);
  if (task == Task::vs) {
    b.voc_mag = torch::rand({kBatch, 1, cfg.frames, cfg.bins});
    b.acc_mag = torch::rand({kBatch, 1, cfg.frames, cfg.bins});
    b.mix_mag = b.voc_mag + b.acc_mag;
  }
  auto step = [&] {
    auto loss = net->loss(b);
    opt.zero_grad();
    loss.backward();
    opt.step();
    return loss.item<double>();
  };
  step();  // warm-up (oneDNN primitive creation, allocations)
  for (auto _ : state) benchmark::DoNotOptimize(step());
  state.counters["samples_per_s"] =
      benchmark::Counter(static_cast<double>(kBatch) * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["threads"] = torch::get_num_threads();
}

}  // namespace

BENCHMARK_CAPTURE(BM_TrainStep, ae, Task::ae)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();
BENCHMARK_CAPTURE(BM_TrainStep, at, Task::at)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();
BENCHMARK_CAPTURE(BM_TrainStep, ir, Task::ir)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();
BENCHMARK_CAPTURE(BM_TrainStep, vs, Task::vs)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();

BENCHMARK_MAIN();
