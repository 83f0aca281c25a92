// The consistency metric family: one line per member. Seeds: C^W derives its seed as within_space does (the
// convention before the table existed, so results did not move); the others derive theirs from it and
// their name (and aggregation), so adding a member never changes another member's interval.
#include "nnr/core/error.hpp"
#include "nnr/core/random.hpp"
#include "nnr/metrics/consistency.hpp"
#include "nnr/metrics/graded.hpp"
#include "nnr/metrics/metric.hpp"

namespace nnr::metrics {
namespace {

BootstrapOptions with_seed(BootstrapOptions b, std::uint64_t seed) {
  b.seed = seed;
  return b;
}

/// The mean of per-clip values with its interval, the values kept for per_clip.csv.
MetricResult mean_of(std::vector<double> per_clip, const BootstrapOptions& b) {
  MetricResult r{"mean", bootstrap_mean(per_clip, b)};
  r.per_clip = std::move(per_clip);
  return r;
}

std::vector<MetricResult> c_w(const MetricInput& in, const Params&) {
  std::vector<double> consistent;
  for (auto d : delta(*in.space, *in.own)) consistent.push_back(d ? 0.0 : 1.0);
  return {mean_of(std::move(consistent), with_seed(in.boot, derive_seed(in.boot.seed, "C_W")))};
}

std::vector<MetricResult> c_b_acc(const MetricInput& in, const Params&) {
  const auto agree = agreement(delta(*in.audio, *in.own), delta(*in.latent, *in.own));
  return {mean_of(agree, with_seed(in.boot, derive_seed(in.boot.seed, "C_B_acc")))};
}

// The graded within-space measures: each a mean over clips of a per-clip value (nnr/metrics/graded.hpp).
std::vector<MetricResult> own_rank_mean(const MetricInput& in, const Params&) {
  return {mean_of(own_rank(*in.space, *in.own), with_seed(in.boot, derive_seed(in.boot.seed, "own_rank")))};
}

std::vector<MetricResult> mrr(const MetricInput& in, const Params&) {
  return {mean_of(reciprocal_rank(own_rank(*in.space, *in.own)),
                  with_seed(in.boot, derive_seed(in.boot.seed, "MRR")))};
}

std::vector<MetricResult> recall(const MetricInput& in, const Params& p) {
  const auto k = static_cast<std::size_t>(p.integer("k"));
  return {mean_of(recall_at(own_rank(*in.space, *in.own), k),
                  with_seed(in.boot, derive_seed(in.boot.seed, "recall_at", std::to_string(k))))};
}

std::vector<MetricResult> margin(const MetricInput& in, const Params&) {
  return {mean_of(normalised_margin(*in.space, *in.own), with_seed(in.boot, derive_seed(in.boot.seed, "margin")))};
}

// Between spaces, the neighbourhoods of the transformed clips among the other originals.
std::vector<MetricResult> trust(const MetricInput& in, const Params& p) {
  const auto k = static_cast<std::size_t>(p.integer("k"));
  return {mean_of(trustworthiness(*in.audio, *in.latent, k, *in.own, in.boot.threads),
                  with_seed(in.boot, derive_seed(in.boot.seed, "trustworthiness")))};
}

std::vector<MetricResult> continuity(const MetricInput& in, const Params& p) {
  const auto k = static_cast<std::size_t>(p.integer("k"));
  return {mean_of(trustworthiness(*in.latent, *in.audio, k, *in.own, in.boot.threads),
                  with_seed(in.boot, derive_seed(in.boot.seed, "continuity")))};
}

Estimate pooled(const MetricInput& in, const BootstrapOptions& b) {
  if (in.audio_sorted && in.latent_sorted) return bootstrap_pooled_spearman(*in.audio_sorted, *in.latent_sorted, b);
  return bootstrap_pooled_spearman(*in.audio, *in.latent, b);
}

std::vector<MetricResult> c_b_rho(const MetricInput& in, const Params&) {
  const auto per_clip = per_clip_spearman(*in.audio, *in.latent, *in.own, in.boot.threads);
  auto by_clip = mean_of(per_clip, with_seed(in.boot, derive_seed(in.boot.seed, "C_B_rho", "per_clip")));
  by_clip.aggregation = "per_clip";
  return {std::move(by_clip),
          {"pooled", pooled(in, with_seed(in.boot_pooled, derive_seed(in.boot.seed, "C_B_rho", "pooled")))}};
}

ParamSpec recall_k(long long k) { return int_param("k", "list length", k, 1); }
ParamSpec neighbours_k() { return int_param("k", "neighbours per clip (sklearn n_neighbors; needs k < N / 2)", 5, 1); }

}  // namespace

const Registry<MetricEntry>& metric_registry() {
  static const Registry<MetricEntry> table{
      "metric",
      {
          {{"C_W", "within-space consistency: 1 - mean delta (own original strictly nearest)", {}}, &c_w,
           MetricScope::within, "$C^W$", true, true},
          {{"own_rank", "mean rank of the own original among all originals (1 = nearest; ties count against)", {}},
           &own_rank_mean, MetricScope::within, "mean rank", false, true},
          {{"MRR", "mean reciprocal rank of the own original", {}}, &mrr, MetricScope::within, "MRR", true, true},
          {{"recall_at_1", "recall@1: own original nearest (equals C_W clip by clip)", {recall_k(1)}}, &recall,
           MetricScope::within, "R@1", true, true},
          {{"recall_at_5", "recall@5: own original among the 5 nearest", {recall_k(5)}}, &recall,
           MetricScope::within, "R@5", true, true},
          {{"recall_at_10", "recall@10: own original among the 10 nearest", {recall_k(10)}}, &recall,
           MetricScope::within, "R@10", true, true},
          {{"margin", "normalised margin (d_other - d_own) / (d_other + d_own), nearest other original", {}},
           &margin, MetricScope::within, "margin", true, true},
          {{"C_B_acc", "between-space accuracy: agreement of delta in audio and latent space", {}}, &c_b_acc,
           MetricScope::between, "$C^B_{acc}$", true, true},
          {{"C_B_rho", "between-space Spearman rho of distances to the other originals (per clip and pooled)", {}},
           &c_b_rho, MetricScope::between, "$C^B_{\\rho}$", true, true},
          {{"trustworthiness",
            "trustworthiness (sklearn) of the k latent neighbours among the other originals, in audio space",
            {neighbours_k()}},
           &trust, MetricScope::between, "$T_k$", true, true},
          {{"continuity", "continuity: trustworthiness with the spaces swapped (audio neighbours kept in latent)",
            {neighbours_k()}},
           &continuity, MetricScope::between, "$C_k$", true, true},
      }};
  return table;
}

std::vector<MetricResult> compute_metric(const MetricEntry& m, const MetricInput& in) {
  const bool ok = in.own && (m.scope == MetricScope::within ? in.space != nullptr : in.audio && in.latent);
  if (!ok) throw_internal("metric " + m.name + ": input does not match its scope");
  return m.compute(in, validate_params(m.parameters, nullptr, "metric " + m.name));
}

}  // namespace nnr::metrics
