// Metrics hot spots at the paper's scale: 1,000 clips per setting (distance matrices 1000 x 1000).
// Run: build/bench/bench_metrics --benchmark_min_time=0.2
#include <benchmark/benchmark.h>

#include "nnr/core/memory.hpp"

#include "nnr/core/random.hpp"
#include "nnr/metrics/consistency.hpp"
#include "nnr/metrics/graded.hpp"
#include "nnr/metrics/paired.hpp"
#include "nnr/metrics/task_metrics.hpp"
#include "support/signals.hpp"

namespace {

// As nnr's apps run (apps/common/run_main.cpp).
const bool kRetainFreedMemory = (nnr::retain_freed_memory(), true);

nnr::MatrixD random_matrix(std::size_t n, std::uint64_t seed) {
  nnr::Rng rng(seed);
  nnr::MatrixD d(n, n);
  for (auto& v : d.data) v = nnr::uniform01(rng);
  return d;
}

void BM_Delta(benchmark::State& st) {
  const auto d = random_matrix(static_cast<std::size_t>(st.range(0)), 1);
  for (auto _ : st) benchmark::DoNotOptimize(nnr::metrics::delta(d));
}
BENCHMARK(BM_Delta)->Arg(1000)->Unit(benchmark::kMillisecond);

void BM_PerClipSpearman(benchmark::State& st) {
  const auto n = static_cast<std::size_t>(st.range(0));
  const auto a = random_matrix(n, 1), l = random_matrix(n, 2);
  for (auto _ : st) benchmark::DoNotOptimize(nnr::metrics::per_clip_spearman(a, l));
}
BENCHMARK(BM_PerClipSpearman)->Arg(1000)->Unit(benchmark::kMillisecond);

void BM_PooledSpearman(benchmark::State& st) {
  const auto n = static_cast<std::size_t>(st.range(0));
  const auto a = random_matrix(n, 1), l = random_matrix(n, 2);
  for (auto _ : st) benchmark::DoNotOptimize(nnr::metrics::pooled_spearman(a, l));
}
BENCHMARK(BM_PooledSpearman)->Arg(1000)->Unit(benchmark::kMillisecond);

// B resamples of the pooled rho, one thread: per-resample cost is what matters.
void BM_PooledBootstrap(benchmark::State& st) {
  const auto n = static_cast<std::size_t>(st.range(0));
  const auto a = random_matrix(n, 1), l = random_matrix(n, 2);
  nnr::metrics::BootstrapOptions o;
  o.resamples = static_cast<int>(st.range(1));
  o.threads = 1;
  for (auto _ : st) benchmark::DoNotOptimize(nnr::metrics::bootstrap_pooled_spearman(a, l, o));
  st.counters["resamples/s"] = benchmark::Counter(static_cast<double>(o.resamples), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_PooledBootstrap)->Args({1000, 0})->Args({1000, 100})->Args({1000, 400})->Unit(benchmark::kMillisecond);

// The issue-14 figure: ms per pooled resample per thread at 10^6 pairs, the sort excluded (done once per
// pair of matrices). Correlated distances (rho ~ 0.9) as in a real run; 64 resamples per iteration.
void BM_PooledResample(benchmark::State& st) {
  const auto n = static_cast<std::size_t>(st.range(0));
  auto a = random_matrix(n, 1);
  auto l = random_matrix(n, 2);
  for (std::size_t k = 0; k < l.data.size(); ++k) l.data[k] += 2 * a.data[k];
  if (st.range(2))  // the OG control: own distances 0 in both spaces (a 1,000-way tie)
    for (std::size_t i = 0; i < n; ++i) a(i, i) = l(i, i) = 0.0;
  const nnr::metrics::PooledSpearman pooled(a, l);
  const std::size_t B = 64;
  for (auto _ : st) benchmark::DoNotOptimize(pooled.resamples(7, B, static_cast<int>(st.range(1))).data());
  // 1000 / this = ms of one thread's time per resample
  st.counters["resamples/s/thread"] = benchmark::Counter(static_cast<double>(B) / static_cast<double>(st.range(1)),
                                                         benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_PooledResample)
    ->Args({1000, 1, 0})
    ->Args({1000, 2, 0})
    ->Args({1000, 1, 1})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_PooledSetup(benchmark::State& st) {
  const auto n = static_cast<std::size_t>(st.range(0));
  const auto a = random_matrix(n, 1), l = random_matrix(n, 2);
  for (auto _ : st) benchmark::DoNotOptimize(nnr::metrics::PooledSpearman(a, l).value());
}
BENCHMARK(BM_PooledSetup)->Arg(1000)->Unit(benchmark::kMillisecond);

void BM_MeanBootstrap(benchmark::State& st) {
  std::vector<double> v(1000);
  nnr::Rng rng(3);
  for (auto& x : v) x = nnr::uniform01(rng);
  nnr::metrics::BootstrapOptions o;
  for (auto _ : st) benchmark::DoNotOptimize(nnr::metrics::bootstrap_mean(v, o));
}
BENCHMARK(BM_MeanBootstrap)->Unit(benchmark::kMillisecond);

// Issue 12's graded measures on one 1000 x 1000 cell: the within-space set (rank, recall, MRR and margin all
// read one rank pass each) and trustworthiness (k = 5, one thread).
void BM_OwnRankAndMargin(benchmark::State& st) {
  const auto d = random_matrix(static_cast<std::size_t>(st.range(0)), 1);
  for (auto _ : st) {
    benchmark::DoNotOptimize(nnr::metrics::own_rank(d));
    benchmark::DoNotOptimize(nnr::metrics::normalised_margin(d));
  }
}
BENCHMARK(BM_OwnRankAndMargin)->Arg(1000)->Unit(benchmark::kMillisecond);

void BM_Trustworthiness(benchmark::State& st) {
  const auto n = static_cast<std::size_t>(st.range(0));
  const auto a = random_matrix(n, 1), l = random_matrix(n, 2);
  for (auto _ : st) benchmark::DoNotOptimize(nnr::metrics::trustworthiness(a, l, 5, {}, 1));
}
BENCHMARK(BM_Trustworthiness)->Arg(1000)->Unit(benchmark::kMillisecond);

// Paired comparisons of one (space, distances) batch: m comparisons over n clips, B = 1000 resamples and
// P = 10,000 sign flips shared by the batch (two matrix products), one thread.
void BM_PairedBatch(benchmark::State& st) {
  const auto n = static_cast<std::size_t>(st.range(0)), m = static_cast<std::size_t>(st.range(1));
  nnr::Rng rng(4);
  std::vector<std::vector<double>> d(m, std::vector<double>(n));
  for (auto& v : d)
    for (auto& x : v) x = nnr::uniform01(rng) - 0.45;
  nnr::metrics::BootstrapOptions b;
  b.resamples = 1000;
  b.threads = 1;
  nnr::metrics::PermutationOptions p;
  p.permutations = 10000;
  for (auto _ : st) benchmark::DoNotOptimize(nnr::metrics::paired_differences(d, b, p));
  st.counters["comparisons/s"] = benchmark::Counter(static_cast<double>(m), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_PairedBatch)->Args({104, 420})->Args({1000, 420})->Unit(benchmark::kMillisecond);

void BM_SdrFramewise(benchmark::State& st) {
  const auto s = nnr::test::white_noise(4.0, 0.3, 1), n = nnr::test::white_noise(4.0, 0.03, 2);
  std::vector<float> e(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) e[i] = s[i] + n[i];
  for (auto _ : st) benchmark::DoNotOptimize(nnr::metrics::sdr_bsseval_v4(s, e, 22050));
}
BENCHMARK(BM_SdrFramewise)->Unit(benchmark::kMillisecond);

void BM_BssEvalDecomposition(benchmark::State& st) {
  const auto s = nnr::test::white_noise(4.0, 0.3, 1), n = nnr::test::white_noise(4.0, 0.03, 2);
  std::vector<float> e(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) e[i] = s[i] + n[i];
  for (auto _ : st) benchmark::DoNotOptimize(nnr::metrics::bss_eval_v4(s, e, 22050));
}
BENCHMARK(BM_BssEvalDecomposition)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
