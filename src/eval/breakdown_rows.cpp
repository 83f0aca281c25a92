// results/breakdown.csv: for every cell of per_clip.csv, breakdown metric, transform and direction, the
// magnitude at which the metric's mean over clips falls below each threshold (nnr/metrics/breakdown.hpp).
// Directions come from the transform table: `stronger` 0 walks both ways out of `identity` (starting at
// the originals' values), -1 / +1 walk down / up from the weakest grid point.
#include <algorithm>
#include <cmath>
#include <set>

#include "nnr/core/random.hpp"
#include "nnr/io/manifest.hpp"
#include "nnr/metrics/breakdown.hpp"
#include "nnr/transform/transform.hpp"
#include "per_clip.hpp"
#include "results.hpp"

namespace nnr::eval::detail {

const std::vector<std::string>& breakdown_columns() {
  static const std::vector<std::string> c = {"encoder",   "space",     "distance_audio", "distance_latent",
                                             "metric",    "transform", "direction",      "threshold",
                                             "magnitude", "ci_low",    "ci_high",        "n",
                                             "status",    "grid_first", "grid_last"};
  return c;
}

namespace {

const transform::TransformEntry* find_code(const std::string& code) {
  for (const auto& t : transform::transform_registry().entries())
    if (t.code == code) return &t;
  return nullptr;  // not a table member (a hand-made manifest): no direction known
}

struct Walk {
  std::string direction;                 // "down" | "up"
  std::vector<const SettingValues*> at;  // weakest first
  std::vector<double> magnitudes;
  bool from_identity = false;
};

/// The walks of one transform's settings in one cell.
std::vector<Walk> walks_of(const transform::TransformEntry& t, std::vector<const SettingValues*> settings,
                           const SettingValues* og) {
  std::vector<Walk> out;
  const bool has_identity = !std::isnan(t.identity);
  for (const int dir : {-1, +1}) {
    if (t.stronger != 0 && t.stronger != dir) continue;
    if (t.stronger == 0 && !has_identity) continue;
    Walk w;
    w.direction = dir < 0 ? "down" : "up";
    for (const auto* s : settings)
      if (t.stronger != 0 || (dir < 0 ? s->magnitude < t.identity : s->magnitude > t.identity)) w.at.push_back(s);
    std::sort(w.at.begin(), w.at.end(), [dir](const SettingValues* a, const SettingValues* b) {
      return dir < 0 ? a->magnitude > b->magnitude : a->magnitude < b->magnitude;
    });
    if (w.at.empty()) continue;
    if (has_identity && og) {
      w.at.insert(w.at.begin(), og);
      w.from_identity = true;
    }
    for (const auto* s : w.at) w.magnitudes.push_back(s->magnitude);
    if (w.from_identity) w.magnitudes[0] = t.identity;
    if (w.at.size() >= 2) out.push_back(std::move(w));
  }
  return out;
}

}  // namespace

std::string breakdown_csv(const PerClipIndex& ix, const EvaluateOptions& o) {
  io::CsvWriter out(breakdown_columns());
  for (const auto& [key, settings] : ix.cells) {
    const auto& [encoder, space, da, dl] = key;
    const auto og_it = settings.find(io::kOriginal);
    const SettingValues* og = og_it == settings.end() ? nullptr : &og_it->second;
    // Transforms in the cell's order of appearance.
    std::vector<std::string> transforms;
    std::map<std::string, std::vector<const SettingValues*>> by_transform;
    for (const auto& id : ix.order.at(key)) {
      const auto& s = settings.at(id);
      if (id == io::kOriginal) continue;
      if (!by_transform.count(s.transform)) transforms.push_back(s.transform);
      by_transform[s.transform].push_back(&s);
    }
    for (const auto& code : transforms) {
      const auto* t = find_code(code);
      if (!t) continue;
      for (const auto& w : walks_of(*t, by_transform[code], og)) {
        // The clips present at every point of the walk, so every mean is over the same clips.
        std::vector<std::size_t> clips;
        for (std::size_t c = 0; c < ix.clips.size(); ++c) {
          bool everywhere = true;
          for (const auto* s : w.at) everywhere = everywhere && s->has(c);
          if (everywhere) clips.push_back(c);
        }
        const std::size_t n_metrics = ix.metrics.size();
        for (const auto& metric : o.breakdown_metrics) {
          const int col = ix.column(metric);
          if (col < 0) continue;
          metrics::BreakdownWalk bw;
          bw.magnitudes = w.magnitudes;
          bool any = false;
          for (const auto* s : w.at) {
            std::vector<double> v;
            for (const auto c : clips) {
              v.push_back(s->at(c, static_cast<std::size_t>(col), n_metrics));
              any = any || !std::isnan(v.back());
            }
            bw.values.push_back(std::move(v));
          }
          if (!any || clips.empty()) continue;  // a metric of the other scope: blank in this cell
          auto b = boot(o, derive_seed(o.seed, "breakdown", encoder, space, da, dl, metric, code, w.direction));
          for (const double threshold : o.breakdown_thresholds) {
            const auto r = metrics::breakdown_magnitude(bw, threshold, b);
            const double first = w.magnitudes[w.from_identity ? 1 : 0], last = w.magnitudes.back();
            out.add_row({encoder, space, da, dl, metric, code, w.direction, io::format_number(threshold),
                         io::format_number(r.magnitude), io::format_number(r.ci_low), io::format_number(r.ci_high),
                         std::to_string(r.n), metrics::to_string(r.status), io::format_number(first),
                         io::format_number(last)});
          }
        }
      }
    }
  }
  return out.str();
}

}  // namespace nnr::eval::detail
