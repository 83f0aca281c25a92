// Feature extraction speed in seconds of audio per second. Run: build/bench/bench_features
#include <benchmark/benchmark.h>

#include "nnr/features/features.hpp"
#include "support/signals.hpp"

namespace {

const std::vector<float>& clip() {
  static const auto x = nnr::test::harmonic_notes(4.0, 7);  // a stored 4 s test excerpt
  return x;
}

template <typename F>
void run(benchmark::State& state, F fn) {
  for (auto _ : state) benchmark::DoNotOptimize(fn(clip()));
  state.counters["audio_s/s"] = benchmark::Counter(4.0, benchmark::Counter::kIsIterationInvariantRate);
}

void BM_NetworkInputDb(benchmark::State& s) { run(s, [](const auto& x) { return nnr::features::network_input_db(x); }); }
void BM_MfccSequence(benchmark::State& s) { run(s, [](const auto& x) { return nnr::features::mfcc_sequence(x); }); }
void BM_Mfcc144(benchmark::State& s) { run(s, [](const auto& x) { return nnr::features::mfcc144(x); }); }

BENCHMARK(BM_NetworkInputDb)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_MfccSequence)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Mfcc144)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
