// One training step (forward, backward, Adam amsgrad) of each task network at batch 24 on the CPU,
// paper preset (1 x 128 x 512). Compare with scripts/bench_train_pytorch.py (same model in PyTorch).
//   NNR_THREADS=2 build/bench/bench_torch_train --benchmark_counters_tabular=true
// Counter samples_per_s = batch / step time. NNR_BENCH_PRESET=paper-code|tiny changes the geometry.
// BM_StreamFetch: what `--cache stream` adds per batch: decoding and turning into standardised
// spectrograms the 24 clips a batch draws (FLAC clips of 3 s or 30 s, the MSD preview length), on
// NNR_THREADS threads. Compare its time with a training step: the prefetch thread hides it when shorter.
#include <benchmark/benchmark.h>
#include <torch/optim/adam.h>
#include <torch/utils.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <string>

#include "nnr/audio/audio_file.hpp"
#include "nnr/core/parallel.hpp"
#include "nnr/model/device.hpp"
#include "nnr/model/networks.hpp"
#include "nnr/train/clip_source.hpp"
#include "support/signals.hpp"

using namespace nnr::model;

namespace {

constexpr int kBatch = 24;

void BM_TrainStep(benchmark::State& state, Task task) {
  nnr::model::prepare_cpu_runtime(nnr::resolve_threads(0));
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

void BM_StreamFetch(benchmark::State& state) {
  const auto seconds = static_cast<double>(state.range(0));
  namespace fs = std::filesystem;
  const fs::path root = fs::temp_directory_path() / ("nnr_bench_stream_" + std::to_string(state.range(0)));
  if (!fs::exists(root / "at" / "labels.csv")) {
    fs::create_directories(root / "at" / "audio");
    std::ofstream labels(root / "at" / "labels.csv");
    labels << "clip_id,path,split\n";
    for (int i = 0; i < kBatch; ++i) {
      auto x = nnr::test::harmonic_notes(seconds, static_cast<std::uint64_t>(i));
      const auto noise = nnr::test::white_noise(seconds, 0.05, 100 + static_cast<std::uint64_t>(i));
      for (std::size_t k = 0; k < x.size() && k < noise.size(); ++k) x[k] += noise[k];
      const std::string id = "clip" + std::to_string(i);
      nnr::audio::write_audio(root / "at" / "audio" / (id + ".flac"), x, nnr::audio::kSampleRate,
                              nnr::audio::SampleFormat::pcm16);
      labels << id << ",audio/" << id << ".flac," << (i == 0 ? "valid" : "train") << "\n";
    }
  }
  const int threads = nnr::resolve_threads(0);
  const auto index = nnr::train::index_dataset(Task::ae, root, 1, 0.1, 0.1);
  nnr::train::ClipSource source(index, "train", nnr::train::CacheMode::stream, 128, 512, threads);
  source.set_scaler(source.compute_scaler());
  std::vector<std::size_t> ids(source.size());
  std::iota(ids.begin(), ids.end(), std::size_t{0});
  for (auto _ : state) benchmark::DoNotOptimize(source.fetch(ids).owned.size());
  const double clips = static_cast<double>(ids.size()) * static_cast<double>(state.iterations());
  state.counters["clips_per_s"] = benchmark::Counter(clips, benchmark::Counter::kIsRate);
  state.counters["audio_x_realtime"] = benchmark::Counter(clips * seconds, benchmark::Counter::kIsRate);
  state.counters["threads"] = threads;
}

}  // namespace

BENCHMARK_CAPTURE(BM_TrainStep, ae, Task::ae)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();
BENCHMARK_CAPTURE(BM_TrainStep, at, Task::at)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();
BENCHMARK_CAPTURE(BM_TrainStep, ir, Task::ir)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();
BENCHMARK_CAPTURE(BM_TrainStep, vs, Task::vs)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();
BENCHMARK(BM_StreamFetch)->Arg(3)->Arg(30)->Unit(benchmark::kMillisecond)->UseRealTime();

BENCHMARK_MAIN();
