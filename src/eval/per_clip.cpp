// results/per_clip.csv: its columns (from the metric table), its rows, and the index the cross-setting tables
// (breakdown, paired) read it through.
#include "per_clip.hpp"

#include <cmath>
#include <algorithm>
#include <limits>

#include "nnr/core/error.hpp"

#include "nnr/metrics/metric.hpp"
#include "results.hpp"

namespace nnr::eval {

const std::vector<std::string>& per_clip_columns() {
  static const std::vector<std::string> c = [] {
    std::vector<std::string> cols = {"encoder", "space", "distance_audio", "distance_latent", "transform",
                                     "magnitude", "setting", "clip_id"};
    for (const auto& m : metrics::metric_registry().entries())
      if (m.per_clip) cols.push_back(m.name);
    return cols;
  }();
  return c;
}

namespace detail {
namespace {
constexpr std::size_t kKeyColumns = 8;

double parse_value(const std::string& s) {
  if (s.empty()) return std::numeric_limits<double>::quiet_NaN();
  return std::stod(s);
}
}  // namespace

void add_per_clip(Rows& out, const std::string& encoder, const std::string& space, const std::string& da,
                  const std::string& dl, const Setting& s, const std::vector<std::string>& clips,
                  const PerClipValues& values) {
  if (values.empty()) return;
  const auto& cols = per_clip_columns();
  std::vector<int> slot;  // column of each entry of `values`
  for (const auto& [name, v] : values) {
    NNR_ASSERT(v.size() == clips.size());
    slot.push_back(static_cast<int>(std::find(cols.begin(), cols.end(), name) - cols.begin()));
    NNR_ASSERT(slot.back() < static_cast<int>(cols.size()));
  }
  std::vector<std::string> f(cols.size());
  f[0] = encoder, f[1] = space, f[2] = da, f[3] = dl, f[4] = s.transform, f[5] = s.magnitude_col, f[6] = s.id;
  for (std::size_t i = 0; i < clips.size(); ++i) {
    for (std::size_t c = kKeyColumns; c < cols.size(); ++c) f[c].clear();
    f[7] = clips[i];
    for (std::size_t k = 0; k < values.size(); ++k)
      f[static_cast<std::size_t>(slot[k])] = io::format_number(values[k].second[i]);
    out.per_clip.add_row(f);
  }
}

int PerClipIndex::column(const std::string& name) const {
  for (std::size_t i = 0; i < metrics.size(); ++i)
    if (metrics[i] == name) return static_cast<int>(i);
  return -1;
}

PerClipIndex index_per_clip(const std::string& text, const std::string& source) {
  PerClipIndex ix;
  std::map<std::string, std::size_t> clip_ids;
  std::vector<std::size_t> key_cols, value_cols;  // encoder, space, da, dl, transform, magnitude, setting, clip
  io::visit_csv(text, source, [&](const std::vector<std::string>& header, const std::vector<std::string>& r) {
    if (key_cols.empty()) {
      const std::vector<std::string> keys = {"encoder",   "space",     "distance_audio", "distance_latent",
                                             "transform", "magnitude", "setting",        "clip_id"};
      for (const auto& k : keys) {
        const auto it = std::find(header.begin(), header.end(), k);
        if (it == header.end()) throw_input("csv: no column '" + k + "' (" + source + ")");
        key_cols.push_back(static_cast<std::size_t>(it - header.begin()));
      }
      for (std::size_t c = 0; c < header.size(); ++c)
        if (std::find(key_cols.begin(), key_cols.end(), c) == key_cols.end()) {
          ix.metrics.push_back(header[c]);
          value_cols.push_back(c);
        }
    }
    const auto clip_it = clip_ids.emplace(r[key_cols[7]], ix.clips.size()).first;
    if (clip_it->second == ix.clips.size()) ix.clips.push_back(r[key_cols[7]]);
    const std::size_t clip = clip_it->second, m = value_cols.size();
    const CellKey key{r[key_cols[0]], r[key_cols[1]], r[key_cols[2]], r[key_cols[3]]};
    auto& settings = ix.cells[key];
    auto it = settings.find(r[key_cols[6]]);
    if (it == settings.end()) {
      it = settings.emplace(r[key_cols[6]], SettingValues{r[key_cols[4]], parse_value(r[key_cols[5]]), {}, {}}).first;
      ix.order[key].push_back(r[key_cols[6]]);
    }
    auto& s = it->second;
    if (s.present.size() <= clip) {
      s.present.resize(clip + 1, 0);
      s.values.resize((clip + 1) * m, std::numeric_limits<double>::quiet_NaN());
    }
    s.present[clip] = 1;
    for (std::size_t k = 0; k < m; ++k) s.values[clip * m + k] = parse_value(r[value_cols[k]]);
  });
  return ix;
}

}  // namespace detail
}  // namespace nnr::eval
