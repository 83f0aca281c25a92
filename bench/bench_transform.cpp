// Real-time factor of each transform, one thread: seconds of audio processed per second of CPU time
// (reported as the "rtf" counter; items_per_second = clips of 4 s per second). Plus loudness matching.
// Run: build/bench/bench_transform --benchmark_min_time=0.5
// Whole-stage throughput is measured with a timed CLI run (see notes/transform.md).
#include <benchmark/benchmark.h>

#include "nnr/audio/loudness.hpp"
#include "nnr/transform/transform.hpp"
#include "support/signals.hpp"

namespace {

using namespace nnr;
constexpr double kSeconds = 4.0;  // the paper's stored clip length

const std::vector<float>& clip() {
  static const auto x = test::harmonic_notes(kSeconds, 1);
  return x;
}

void run(benchmark::State& state, const std::string& code, double magnitude, nlohmann::json params) {
  transform::TransformOptions o;
  o.params = std::move(params);
  if (code == "EN") {
    static const std::string noise = [] {
      const auto p = std::string("/tmp/nnr_bench_noise.wav");
      audio::write_audio(p, test::white_noise(10.0, 0.1, 3), audio::kSampleRate, audio::SampleFormat::float32);
      return p;
    }();
    o.params["noise_file"] = noise;
  }
  const auto t = transform::make_transform(code, o);
  std::uint64_t seed = 1;
  for (auto _ : state) {
    auto r = t->apply(clip(), magnitude, seed++);
    benchmark::DoNotOptimize(r.audio.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["rtf"] = benchmark::Counter(kSeconds * static_cast<double>(state.iterations()),
                                             benchmark::Counter::kIsRate);
}

void BM_PitchShift_R2(benchmark::State& s) { run(s, "PS", 2, nlohmann::json::object()); }
void BM_PitchShift_R3(benchmark::State& s) { run(s, "PS", 2, {{"engine", "R3"}}); }
void BM_TempoShift_R2_0_5(benchmark::State& s) { run(s, "TS", 0.5, nlohmann::json::object()); }
void BM_TempoShift_R2_1_5(benchmark::State& s) { run(s, "TS", 1.5, nlohmann::json::object()); }
void BM_TempoShift_R3_0_5(benchmark::State& s) { run(s, "TS", 0.5, {{"engine", "R3"}}); }
void BM_PinkNoise(benchmark::State& s) { run(s, "PN", 6, nlohmann::json::object()); }
void BM_EnvNoise(benchmark::State& s) { run(s, "EN", 6, nlohmann::json::object()); }
void BM_Mp3_8(benchmark::State& s) { run(s, "MP", 8, nlohmann::json::object()); }
void BM_Mp3_128(benchmark::State& s) { run(s, "MP", 128, nlohmann::json::object()); }
void BM_Mp3_320(benchmark::State& s) { run(s, "MP", 320, nlohmann::json::object()); }

void BM_LoudnessMatch(benchmark::State& state) {
  const auto target = audio::measure_loudness(clip()).lufs;
  for (auto _ : state) {
    auto y = clip();
    audio::match_loudness(y, target + 3.0);
    benchmark::DoNotOptimize(y.data());
  }
  state.counters["rtf"] = benchmark::Counter(kSeconds * static_cast<double>(state.iterations()),
                                             benchmark::Counter::kIsRate);
}

BENCHMARK(BM_PitchShift_R2)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PitchShift_R3)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_TempoShift_R2_0_5)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_TempoShift_R2_1_5)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_TempoShift_R3_0_5)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PinkNoise)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_EnvNoise)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Mp3_8)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Mp3_128)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Mp3_320)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_LoudnessMatch)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
