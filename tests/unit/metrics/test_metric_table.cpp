// The metric family's table computes what the metric functions compute, with the documented seeds.
#include <gtest/gtest.h>

#include "nnr/core/error.hpp"
#include "nnr/core/random.hpp"
#include "nnr/metrics/consistency.hpp"
#include "nnr/metrics/metric.hpp"

namespace {
using namespace nnr;
using namespace nnr::metrics;

MatrixD distances(std::size_t n, std::uint64_t seed) {
  MatrixD d(n, n);
  Rng rng(seed);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) d(i, j) = uniform01(rng) + (i == j ? 0.0 : 0.3);
  return d;
}

void expect_same(const Estimate& a, const Estimate& b) {
  EXPECT_EQ(a.value, b.value);
  EXPECT_EQ(a.ci_low, b.ci_low);
  EXPECT_EQ(a.ci_high, b.ci_high);
  EXPECT_EQ(a.n, b.n);
}

TEST(MetricTable, MembersEqualTheFunctions) {
  const std::size_t n = 12;
  const MatrixD audio = distances(n, 1), latent = distances(n, 2);
  std::vector<std::size_t> own(n);
  for (std::size_t i = 0; i < n; ++i) own[i] = i;
  BootstrapOptions b;
  b.resamples = 50;
  b.seed = 77;
  MetricInput in;
  in.audio = &audio;
  in.latent = &latent;
  in.space = &audio;
  in.own = &own;
  in.boot = in.boot_pooled = b;
  const auto& table = metric_registry();
  const auto cw = compute_metric(table.find("C_W"), in);
  ASSERT_EQ(cw.size(), 1u);
  expect_same(cw[0].estimate, within_space(audio, b, own));
  const auto acc = compute_metric(table.find("C_B_acc"), in);
  auto b_acc = b;
  b_acc.seed = derive_seed(77, "C_B_acc");
  expect_same(acc[0].estimate, bootstrap_mean(agreement(delta(audio, own), delta(latent, own)), b_acc));
  const auto rho = compute_metric(table.find("C_B_rho"), in);
  ASSERT_EQ(rho.size(), 2u);
  EXPECT_EQ(rho[0].aggregation, "per_clip");
  EXPECT_EQ(rho[1].aggregation, "pooled");
  auto b_pool = b;
  b_pool.seed = derive_seed(77, "C_B_rho", "pooled");
  expect_same(rho[1].estimate, bootstrap_pooled_spearman(audio, latent, b_pool));
  // A between member without the latent side is our bug, not the caller's.
  MetricInput missing = in;
  missing.latent = nullptr;
  EXPECT_THROW(compute_metric(table.find("C_B_rho"), missing), Error);
}

}  // namespace
