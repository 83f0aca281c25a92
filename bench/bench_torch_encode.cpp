// nnr-encode's encoders on one batch of 32 two-second windows (CPU): MFCC-144 and the task networks
// (untrained weights; speed does not depend on them) for the paper and paper-code presets, each through
// the fused inference network nnr-encode uses (batch-norm folded in) and the plain eval-mode one
// ("_plain"). Items are windows embedded and predicted, spectrogram included.
// Compare with scripts/bench_encode_pytorch.py (the same AT network in PyTorch: eager and
// torch.jit.optimize_for_inference) run on the same machine.
// Run: NNR_THREADS=2 build/bench/bench_torch_encode --benchmark_min_time=4
#include <benchmark/benchmark.h>

#include "nnr/encode/encoder.hpp"
#include "support/signals.hpp"
#include "nnr/encode/torch_encoders.hpp"
#include "unit/encode/tiny_models.hpp"

namespace {

const std::filesystem::path kModels = std::filesystem::temp_directory_path() / "nnr_bench_encode";

std::vector<std::vector<float>> windows(std::size_t n) {
  std::vector<std::vector<float>> w;
  for (std::size_t i = 0; i < n; ++i) w.push_back(nnr::test::white_noise(2.0, 0.1, 100 + i));
  return w;
}

void run(benchmark::State& state, const std::string& spec, const std::string& preset, bool fused = true) {
  nnr::encode::EncoderSettings s;
  s.fused_inference = fused;
  s.batch = 32;
  s.threads = static_cast<int>(state.range(0));
  s.models_dir = kModels / preset;
  if (spec != "mfcc") nnr::test::write_tiny_model(s.models_dir, spec, preset);
  nnr::encode::register_torch_encoders();
  auto enc = nnr::encode::make_encoder(spec, s);
  const auto w = windows(32);
  const std::vector<std::vector<float>> refs = spec == "vs" ? w : std::vector<std::vector<float>>{};
  nnr::MatrixF e, p;
  enc->encode(w, refs, e, p);  // warm-up: oneDNN primitives, first allocations
  for (auto _ : state) {
    enc->encode(w, refs, e, p);
    benchmark::DoNotOptimize(e.data.data());
  }
  state.SetItemsProcessed(state.iterations() * 32);
  state.SetLabel("windows of 2 s");
}

}  // namespace

BENCHMARK_CAPTURE(run, mfcc, std::string("mfcc"), std::string(""))->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(run, at_paper, std::string("at"), std::string("paper"))->Arg(2)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(run, ae_paper, std::string("ae"), std::string("paper"))->Arg(2)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(run, vs_paper, std::string("vs"), std::string("paper"))->Arg(2)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(run, at_paper_plain, std::string("at"), std::string("paper"), false)->Arg(2)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(run, ir_paper, std::string("ir"), std::string("paper"))->Arg(2)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(run, ae_paper_plain, std::string("ae"), std::string("paper"), false)->Arg(2)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(run, vs_paper_plain, std::string("vs"), std::string("paper"), false)->Arg(2)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(run, at_paper_code, std::string("at"), std::string("paper-code"))->Arg(2)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
