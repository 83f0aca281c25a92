// Feature extraction speed in seconds of audio per second. Run: build/bench/bench_features
#include <benchmark/benchmark.h>

#include <complex>
#include <vector>

#include "nnr/features/features.hpp"
#include "nnr/features/fft.hpp"
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

// One real FFT of n = range(0) samples per iteration, by backend (issue 10: FFTW3 vs nnr's radix-2).
void real_fft(benchmark::State& state, nnr::features::FftBackend backend) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const nnr::features::RealFft fft(n, backend);
  std::vector<double> in(n);
  for (std::size_t i = 0; i < n; ++i) in[i] = clip()[i];
  std::vector<std::complex<double>> out(n / 2 + 1);
  for (auto _ : state) {
    fft.forward(in.data(), out.data());
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["ffts/s"] = benchmark::Counter(1.0, benchmark::Counter::kIsIterationInvariantRate);
  state.SetLabel(nnr::features::fft_backend_name(backend));
}
void BM_RealFftRadix2(benchmark::State& s) { real_fft(s, nnr::features::FftBackend::radix2); }
BENCHMARK(BM_RealFftRadix2)->Arg(1024)->Arg(2048);
#if NNR_BENCH_HAVE_FFTW
void BM_RealFftFftw(benchmark::State& s) { real_fft(s, nnr::features::FftBackend::fftw); }
BENCHMARK(BM_RealFftFftw)->Arg(1024)->Arg(2048);
#endif

BENCHMARK(BM_NetworkInputDb)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_MfccSequence)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Mfcc144)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
