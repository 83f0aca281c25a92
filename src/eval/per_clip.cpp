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

PerClipIndex index_per_clip(const io::CsvTable& t) {
  PerClipIndex ix;
  const std::size_t enc = t.column("encoder"), space = t.column("space"), da = t.column("distance_audio"),
                    dl = t.column("distance_latent"), tr = t.column("transform"), mag = t.column("magnitude"),
                    set = t.column("setting"), clip = t.column("clip_id");
  std::vector<std::size_t> value_cols;
  for (std::size_t c = 0; c < t.header.size(); ++c)
    if (c != enc && c != space && c != da && c != dl && c != tr && c != mag && c != set && c != clip) {
      ix.metrics.push_back(t.header[c]);
      value_cols.push_back(c);
    }
  for (const auto& r : t.rows) {
    const CellKey key{r[enc], r[space], r[da], r[dl]};
    auto& settings = ix.cells[key];
    auto it = settings.find(r[set]);
    if (it == settings.end()) {
      it = settings.emplace(r[set], SettingValues{r[tr], parse_value(r[mag]), {}}).first;
      ix.order[key].push_back(r[set]);
    }
    std::vector<double> v(value_cols.size());
    for (std::size_t k = 0; k < value_cols.size(); ++k) v[k] = parse_value(r[value_cols[k]]);
    it->second.clips[r[clip]] = std::move(v);
  }
  return ix;
}

}  // namespace detail
}  // namespace nnr::eval
