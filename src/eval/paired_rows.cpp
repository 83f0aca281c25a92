// results/paired.csv: encoder A against encoder B on the same clips, for every per-clip metric, per transform
// and over every transformed setting ("all"). A clip's value for a transform is its mean over that transform's
// magnitudes. Holm's family is one matrix: the encoder pairs of one (metric, space, distances, transform).
#include <cmath>
#include <set>

#include "nnr/core/random.hpp"
#include "nnr/io/manifest.hpp"
#include "nnr/metrics/metric.hpp"
#include "nnr/metrics/paired.hpp"
#include "per_clip.hpp"
#include "results.hpp"

namespace nnr::eval::detail {

const std::vector<std::string>& paired_columns() {
  static const std::vector<std::string> c = {"metric",    "space",     "distance_audio", "distance_latent",
                                             "transform", "encoder_a", "encoder_b",      "difference",
                                             "ci_low",    "ci_high",   "n",              "p_value",
                                             "p_holm"};
  return c;
}

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr const char* kAll = "all";

/// One encoder's per-clip value of metric `col` for `transform` (or every transformed setting), over `clips`.
std::vector<double> clip_means(const std::map<std::string, SettingValues>& settings, const std::string& transform,
                               int col, std::size_t n_metrics, const std::vector<std::size_t>& clips) {
  std::vector<double> sum(clips.size(), 0.0), count(clips.size(), 0.0);
  for (const auto& [id, s] : settings) {
    if (id == io::kOriginal || (transform != kAll && s.transform != transform)) continue;
    for (std::size_t c = 0; c < clips.size(); ++c) {
      if (!s.has(clips[c])) continue;
      const double v = s.at(clips[c], static_cast<std::size_t>(col), n_metrics);
      if (std::isnan(v)) continue;
      sum[c] += v;
      count[c] += 1;
    }
  }
  for (std::size_t c = 0; c < clips.size(); ++c) sum[c] = count[c] > 0 ? sum[c] / count[c] : kNaN;
  return sum;
}

struct Comparison {
  std::string metric, transform, a, b;
};

}  // namespace

std::string paired_csv(const PerClipIndex& ix, const EvaluateOptions& o) {
  io::CsvWriter out(paired_columns());
  // Encoders per (space, distance_audio, distance_latent), in file order; the audio space has no encoders.
  using SpaceKey = std::tuple<std::string, std::string, std::string>;
  std::map<SpaceKey, std::vector<std::string>> encoders;
  for (const auto& [key, settings] : ix.cells) {
    const auto& [encoder, space, da, dl] = key;
    if (space != "audio") encoders[{space, da, dl}].push_back(encoder);
  }
  for (const auto& [sk, names] : encoders) {
    if (names.size() < 2) continue;
    const auto& [space, da, dl] = sk;
    std::set<std::size_t> clip_set;
    std::set<std::string> transform_set;
    std::vector<std::string> transforms;
    for (const auto& e : names)
      for (const auto& id : ix.order.at({e, space, da, dl})) {
        const auto& s = ix.cells.at({e, space, da, dl}).at(id);
        for (std::size_t c = 0; c < s.present.size(); ++c)
          if (s.present[c]) clip_set.insert(c);
        if (id != io::kOriginal && transform_set.insert(s.transform).second) transforms.push_back(s.transform);
      }
    if (transforms.empty()) continue;
    transforms.push_back(kAll);
    const std::vector<std::size_t> clips(clip_set.begin(), clip_set.end());
    // Every comparison of this space and its distances in one batch: the same clips, so the same draws.
    std::vector<Comparison> comps;
    std::vector<std::vector<double>> diffs;
    for (const auto& m : metrics::metric_registry().entries()) {
      const int col = ix.column(m.name);
      if (!m.per_clip || col < 0) continue;
      for (const auto& t : transforms) {
        std::vector<std::vector<double>> per_encoder;
        for (const auto& e : names) per_encoder.push_back(clip_means(ix.cells.at({e, space, da, dl}), t, col, ix.metrics.size(), clips));
        bool any = false;
        for (const auto& v : per_encoder)
          for (double x : v) any = any || !std::isnan(x);
        if (!any) continue;  // the metric belongs to the other scope
        for (std::size_t i = 0; i < names.size(); ++i)
          for (std::size_t j = i + 1; j < names.size(); ++j) {
            std::vector<double> d(clips.size());
            for (std::size_t c = 0; c < clips.size(); ++c) d[c] = per_encoder[i][c] - per_encoder[j][c];
            comps.push_back({m.name, t, names[i], names[j]});
            diffs.push_back(std::move(d));
          }
      }
    }
    const std::uint64_t seed = derive_seed(o.seed, "paired", space, da, dl);
    metrics::PermutationOptions perm;
    perm.permutations = o.permutations;
    perm.seed = derive_seed(seed, "permutation");
    const auto results = metrics::paired_differences(diffs, boot(o, seed), perm);
    // Holm within each matrix: consecutive comparisons with the same metric and transform.
    std::vector<double> p_holm(results.size(), kNaN);
    for (std::size_t begin = 0; begin < comps.size();) {
      std::size_t end = begin;
      while (end < comps.size() && comps[end].metric == comps[begin].metric &&
             comps[end].transform == comps[begin].transform)
        ++end;
      std::vector<double> p;
      for (std::size_t k = begin; k < end; ++k) p.push_back(results[k].p_value);
      const auto adj = metrics::holm(p);
      std::copy(adj.begin(), adj.end(), p_holm.begin() + static_cast<long>(begin));
      begin = end;
    }
    for (std::size_t k = 0; k < comps.size(); ++k) {
      const auto& c = comps[k];
      const auto& e = results[k].difference;
      out.add_row({c.metric, space, da, dl, c.transform, c.a, c.b, io::format_number(e.value),
                   io::format_number(e.ci_low), io::format_number(e.ci_high), std::to_string(e.n),
                   io::format_number(results[k].p_value), io::format_number(p_holm[k])});
    }
  }
  return out.str();
}

}  // namespace nnr::eval::detail
