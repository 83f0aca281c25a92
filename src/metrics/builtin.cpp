// The consistency metric family: one line per member. Seeds: C^W uses the cell's seed as it is (the
// convention before the table existed, so results did not move); the others derive theirs from it and
// their name (and aggregation), so adding a member never changes another member's interval.
#include "nnr/core/error.hpp"
#include "nnr/core/random.hpp"
#include "nnr/metrics/consistency.hpp"
#include "nnr/metrics/metric.hpp"

namespace nnr::metrics {
namespace {

BootstrapOptions with_seed(BootstrapOptions b, std::uint64_t seed) {
  b.seed = seed;
  return b;
}

std::vector<MetricResult> c_w(const MetricInput& in, const Params&) {
  return {{"mean", within_space(*in.space, in.boot, *in.own)}};
}

std::vector<MetricResult> c_b_acc(const MetricInput& in, const Params&) {
  const auto agree = agreement(delta(*in.audio, *in.own), delta(*in.latent, *in.own));
  return {{"mean", bootstrap_mean(agree, with_seed(in.boot, derive_seed(in.boot.seed, "C_B_acc")))}};
}

Estimate pooled(const MetricInput& in, const BootstrapOptions& b) {
  if (in.audio_sorted && in.latent_sorted) return bootstrap_pooled_spearman(*in.audio_sorted, *in.latent_sorted, b);
  return bootstrap_pooled_spearman(*in.audio, *in.latent, b);
}

std::vector<MetricResult> c_b_rho(const MetricInput& in, const Params&) {
  const auto per_clip = per_clip_spearman(*in.audio, *in.latent, *in.own, in.boot.threads);
  return {{"per_clip", bootstrap_mean(per_clip, with_seed(in.boot, derive_seed(in.boot.seed, "C_B_rho", "per_clip")))},
          {"pooled", pooled(in, with_seed(in.boot_pooled, derive_seed(in.boot.seed, "C_B_rho", "pooled")))}};
}

}  // namespace

const Registry<MetricEntry>& metric_registry() {
  static const Registry<MetricEntry> table{
      "metric",
      {
          {{"C_W", "within-space consistency: 1 - mean delta (own original strictly nearest)", {}}, &c_w,
           MetricScope::within, "$C^W$"},
          {{"C_B_acc", "between-space accuracy: agreement of delta in audio and latent space", {}}, &c_b_acc,
           MetricScope::between, "$C^B_{acc}$"},
          {{"C_B_rho", "between-space Spearman rho of distances to the other originals (per clip and pooled)", {}},
           &c_b_rho, MetricScope::between, "$C^B_{\\rho}$"},
      }};
  return table;
}

std::vector<MetricResult> compute_metric(const MetricEntry& m, const MetricInput& in) {
  const bool ok = in.own && (m.scope == MetricScope::within ? in.space != nullptr : in.audio && in.latent);
  if (!ok) throw_internal("metric " + m.name + ": input does not match its scope");
  return m.compute(in, validate_params(m.parameters, nullptr, "metric " + m.name));
}

}  // namespace nnr::metrics
