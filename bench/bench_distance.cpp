// Distance throughput: cells/s = frame pairs (n_a * n_b) per second, for 24-d sequences.
// Run: build/bench/bench_distance --benchmark_min_time=0.5
#include <benchmark/benchmark.h>

#include "nnr/core/memory.hpp"

#include <vector>

#include "nnr/core/matrix.hpp"
#include "nnr/core/parallel.hpp"
#include "nnr/core/random.hpp"
#include "nnr/distance/distance.hpp"

namespace {

// As nnr's apps run (apps/common/run_main.cpp).
const bool kRetainFreedMemory = (nnr::retain_freed_memory(), true);

nnr::MatrixF walk(std::size_t rows, std::uint64_t seed) {
  nnr::Rng rng(seed);
  nnr::MatrixF m(rows, 24);
  for (std::size_t k = 0; k < 24; ++k) {
    double v = 0;
    for (std::size_t t = 0; t < rows; ++t) m(t, k) = static_cast<float>(v += nnr::standard_normal(rng));
  }
  return m;
}

std::vector<nnr::MatrixF> set_of(std::size_t n, std::size_t rows, std::uint64_t seed) {
  std::vector<nnr::MatrixF> v;
  for (std::size_t i = 0; i < n; ++i) v.push_back(walk(rows, seed + i));
  return v;
}

// args: frames, threads (0 = all), queries, refs
void run(benchmark::State& state, const char* name, const nlohmann::json& params) {
  const auto frames = static_cast<std::size_t>(state.range(0));
  const int threads = static_cast<int>(state.range(1));
  const auto nq = static_cast<std::size_t>(state.range(2)), nr = static_cast<std::size_t>(state.range(3));
  const auto q = set_of(nq, frames, 1), r = set_of(nr, frames, 1000);
  const auto dist = nnr::distance::make_sequence_distance(name, params);
  for (auto _ : state) benchmark::DoNotOptimize(nnr::distance::all_pairs(q, r, *dist, threads).data.data());
  const double cells = double(nq * nr) * double(frames * frames);
  state.counters["cells/s"] = benchmark::Counter(cells, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["pairs/s"] = benchmark::Counter(double(nq * nr), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["threads"] = nnr::resolve_threads(threads);
}

void BM_Dtw(benchmark::State& s) { run(s, "dtw", {}); }
void BM_FastDtwR1(benchmark::State& s) { run(s, "fastdtw", {{"radius", 1}}); }
void BM_FastDtwR10(benchmark::State& s) { run(s, "fastdtw", {{"radius", 10}}); }
void BM_Simple(benchmark::State& s) { run(s, "simple", {{"m", 50}}); }

// Pair counts shrink with length so one iteration stays around 0.1-1 s.
void lengths(benchmark::internal::Benchmark* b, int scale) {
  for (int threads : {1, 0}) {
    b->Args({87, threads, 16 * scale, 32});
    b->Args({173, threads, 8 * scale, 32});
    b->Args({575, threads, 2 * scale, 16});
    b->Args({1300, threads, 1 * scale, 8});
  }
  b->Unit(benchmark::kMillisecond)->UseRealTime();
}

BENCHMARK(BM_Dtw)->Apply([](auto* b) { lengths(b, 4); });
BENCHMARK(BM_FastDtwR1)->Apply([](auto* b) { lengths(b, 1); });
BENCHMARK(BM_FastDtwR10)->Apply([](auto* b) { lengths(b, 1); });
BENCHMARK(BM_Simple)->Apply([](auto* b) { lengths(b, 1); });

// The paper-scale figure: 1000 x 1000 exact DTW of 173-frame sequences (~30 G cells), measured on
// 100 x 1000 (a tenth; the time for the full matrix is 10x).
void BM_DtwPaperTenth(benchmark::State& s) { run(s, "dtw", {}); }
BENCHMARK(BM_DtwPaperTenth)->Args({173, 0, 100, 1000})->Unit(benchmark::kSecond)->UseRealTime()->Iterations(1);

// FastDTW at the scale of an evaluation block (its per-sequence set-up spread over 1,000 references, as in
// nnr-evaluate): 100 x 1000 pairs of 173-frame sequences on one thread.
void BM_FastDtwR1PaperTenth(benchmark::State& s) { run(s, "fastdtw", {{"radius", 1}}); }
BENCHMARK(BM_FastDtwR1PaperTenth)->Args({173, 1, 100, 1000})->Unit(benchmark::kSecond)->UseRealTime()->Iterations(1);

}  // namespace

BENCHMARK_MAIN();
