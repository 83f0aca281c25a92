// Distance consistency of one setting (paper section 3.1): audio-space and latent-space distances from
// the caches, then every member of the metric table (nnr/metrics/metric.hpp) on them.
#include <spdlog/spdlog.h>

#include <map>
#include <memory>

#include "nnr/core/error.hpp"
#include "nnr/core/parallel.hpp"
#include "nnr/core/random.hpp"
#include "nnr/metrics/metric.hpp"
#include "stage_steps.hpp"

namespace nnr::eval::detail {
namespace {

/// Rows usable for δ: row available and its own original available. Returns (rows, cols, own positions).
struct Selection {
  std::vector<std::size_t> rows, cols, own;
};

Selection select(const std::vector<std::uint8_t>& row_ok, const std::vector<std::uint8_t>& col_ok) {
  Selection s;
  std::vector<long> pos(col_ok.size(), -1);
  for (std::size_t k = 0; k < col_ok.size(); ++k)
    if (col_ok[k]) {
      pos[k] = static_cast<long>(s.cols.size());
      s.cols.push_back(k);
    }
  for (std::size_t k = 0; k < row_ok.size(); ++k)
    if (row_ok[k] && pos[k] >= 0) {
      s.rows.push_back(k);
      s.own.push_back(static_cast<std::size_t>(pos[k]));
    }
  return s;
}

MatrixD submatrix(const MatrixD& d, const Selection& s) {
  MatrixD m(s.rows.size(), s.cols.size());
  for (std::size_t i = 0; i < s.rows.size(); ++i)
    for (std::size_t j = 0; j < s.cols.size(); ++j) m(i, j) = d(s.rows[i], s.cols[j]);
  return m;
}

/// Every metric of the table with `scope` on the distances in `in` (its bootstrap options are set here from
/// the cell's seed), one consistency row per result, and the per-clip values as per_clip.csv rows (`clips`
/// names the input's rows).
void add_metric_rows(Rows& out, metrics::MetricScope scope, metrics::MetricInput in, const std::string& encoder,
                     const std::string& space, const std::string& da, const std::string& dl, const Setting& s,
                     const EvaluateOptions& o, std::uint64_t seed, const std::vector<std::string>& clips) {
  in.boot = boot(o, seed);
  in.boot_pooled = boot(o, seed, true);
  const MatrixD* d = in.space ? in.space : in.audio;
  const std::string what = encoder + " " + space + (da.empty() ? "" : "/" + da) + (dl.empty() ? "" : "/" + dl);
  if (d->rows == 0 || d->cols == 0) {
    // E.g. all-NaN embeddings, or every row of the setting failed: no metric is defined; say so and go on.
    spdlog::warn("{}: {} {}: no clip usable in both {} and OG (NaN embeddings or failed rows); no {} rows",
                 kComponent, s.id, what, s.id, space);
    return;
  }
  if (d->cols == 1)
    spdlog::warn("{}: {} {}: only 1 clip; C_W is 1 by construction and intervals are empty", kComponent, s.id,
                 what);
  PerClipValues per_clip;
  for (const auto& m : metrics::metric_registry().entries())
    if (m.scope == scope)
      for (auto& r : metrics::compute_metric(m, in)) {
        add_consistency(out, encoder, m.name, space, da, dl, r.aggregation, s, r.estimate);
        if (r.estimate.n == 0) out.undefined.insert(m.name + " (" + m.description + ")");
        if (!r.per_clip.empty()) per_clip.emplace_back(m.name, std::move(r.per_clip));
      }
  add_per_clip(out, encoder, space, da, dl, s, clips, per_clip);
}

std::vector<std::string> clip_names(const Run& run, const std::vector<std::size_t>& rows) {
  std::vector<std::string> names;
  names.reserve(rows.size());
  for (auto k : rows) names.push_back(run.clips[k]);
  return names;
}

metrics::MetricInput within(const MatrixD& d, const std::vector<std::size_t>& own) {
  metrics::MetricInput in;
  in.space = &d;
  in.own = &own;
  return in;
}

metrics::MetricInput between(const MatrixD& audio, const MatrixD& latent, const std::vector<std::size_t>& own) {
  metrics::MetricInput in;
  in.audio = &audio;
  in.latent = &latent;
  in.own = &own;
  return in;
}

std::string spec_key(const DistanceSpec& d) { return d.name + ":" + d.params.dump(); }

}  // namespace

namespace {

/// The setting's audio-space distances (one matrix per audio distance), with the clips available as
/// queries (row) and as originals (col).
struct AudioSpace {
  std::vector<std::uint8_t> row, col;
  std::vector<FullMatrix> d;
  // The between-space selections' audio matrices sorted for the pooled statistic, per audio distance,
  // shared by every encoder and latent distance that selects the same clips (usually all of them).
  mutable std::map<std::vector<std::uint8_t>, std::vector<std::shared_ptr<const metrics::SortedDistances>>> sorted;
};

/// Audio space: distances, and the within-space metric rows for each audio distance.
AudioSpace audio_space(const Run& run, const Setting& og, const Setting& s, const EvaluateOptions& o,
                       const Backend& backend, Sequences& og_cache, Rows& out) {
  const std::size_t c = run.clips.size();
  AudioSpace a;
  std::vector<std::uint8_t>& a_row = a.row;
  std::vector<std::uint8_t>& a_col = a.col;
  a_row.assign(c, 0);
  a_col.assign(c, 0);
  // Originals' sequences are loaded once per call (og_cache); the setting's from its cache file.
  Sequences own_qs;
  {
    const auto timed = out.times.scope("mfcc");
    if (og_cache.seq.empty()) og_cache = load_or_compute_mfcc(run, og, backend, o.threads, o.dry_run);
    if (&s != &og) own_qs = load_or_compute_mfcc(run, s, backend, o.threads, o.dry_run, o.rows);
  }
  const Sequences& rs = og_cache;
  const Sequences& qs = &s == &og ? og_cache : own_qs;
  for (std::size_t k = 0; k < c; ++k) {
    a_row[k] = run.ok(s, k);
    a_col[k] = run.ok(og, k);
    if (!o.dry_run) {
      a_row[k] = a_row[k] && !qs.seq[k].empty();
      a_col[k] = a_col[k] && !rs.seq[k].empty();
    }
  }
  std::vector<FullMatrix>& audio = a.d;
  for (const auto& spec : o.audio_distances) {
    bool computed = false;
    auto timed = std::make_unique<PhaseTimes::Scope>(out.times, "audio/" + spec.label);
    audio.push_back(load_or_compute_distances(
        run, s, "audio", spec.label, spec_key(spec), a_row, a_col,
        [&](const std::vector<std::size_t>& rows, const std::vector<std::size_t>& cols) {
          std::vector<MatrixF> q, r;
          for (auto k : rows) q.push_back(qs.seq[k]);
          for (auto k : cols) r.push_back(rs.seq[k]);
          try {
            return backend.sequence_distances(q, r, spec, o.threads);
          } catch (const Error& e) {
            throw Error(e.kind(), std::string(e.what()) + " [while computing audio/" + spec.label + " for " + s.id +
                                      "; query/ref indices count the available clips in manifest OG order]");
          }
        },
        o.dry_run, &computed, o.rows));
    timed.reset();
    if (o.dry_run) {
      spdlog::info("{}: {} audio/{}{}: {}", kComponent, s.id, spec.label,
                   o.rows.whole() ? "" : " rows " + o.rows.str(), computed ? "to compute" : "cached");
      continue;
    }
    if (!o.rows.whole()) continue;  // a row block only: the metrics wait for the whole matrix
    const auto metrics_timed = out.times.scope("metrics/within");
    const auto sel = select(a_row, a_col);
    const auto d = submatrix(audio.back().d, sel);
    add_metric_rows(out, metrics::MetricScope::within, within(d, sel.own), "audio", "audio", spec.label, "", s, o,
                    derive_seed(o.seed, "audio", spec.label, s.id), clip_names(run, sel.rows));
  }
  return a;
}

/// One encoder's latent space: for each latent distance its within-space rows, and the between-space rows
/// against every audio distance of `a`.
void latent_space(const Run& run, const Setting& og, const Setting& s, const EvaluateOptions& o,
                  const Backend& backend, const Encoder& e, const AudioSpace& a, Rows& out) {
  const std::size_t c = run.clips.size();
  const std::vector<std::uint8_t>& a_row = a.row;
  const std::vector<std::uint8_t>& a_col = a.col;
  const std::vector<FullMatrix>& audio = a.d;
  std::vector<std::uint8_t> l_row(c), l_col(c);
  for (std::size_t k = 0; k < c; ++k) {
    l_row[k] = run.ok(s, k) && e.finite[static_cast<std::size_t>(s.row[k])];
    l_col[k] = run.ok(og, k) && e.finite[static_cast<std::size_t>(og.row[k])];
  }
  for (const auto& dl : o.latent_distances) {
    bool computed = false;
    auto timed = std::make_unique<PhaseTimes::Scope>(out.times, "latent/" + dl);
    const auto lat = load_or_compute_distances(
        run, s, e.name, dl, "vector:" + dl, l_row, l_col,
        [&](const std::vector<std::size_t>& rows, const std::vector<std::size_t>& cols) {
          MatrixF q(rows.size(), e.emb.cols), r(cols.size(), e.emb.cols);
          for (std::size_t i = 0; i < rows.size(); ++i) {
            const float* src = e.emb.row(static_cast<std::size_t>(s.row[rows[i]]));
            std::copy(src, src + e.emb.cols, q.row(i));
          }
          for (std::size_t j = 0; j < cols.size(); ++j) {
            const float* src = e.emb.row(static_cast<std::size_t>(og.row[cols[j]]));
            std::copy(src, src + e.emb.cols, r.row(j));
          }
          return backend.vector_distances(q, r, dl, o.threads);
        },
        o.dry_run, &computed);
    timed.reset();
    if (o.dry_run) {
      spdlog::info("{}: {} {}/{}: {}", kComponent, s.id, e.name, dl, computed ? "to compute" : "cached");
      continue;
    }
    {
      const auto metrics_timed = out.times.scope("metrics/within");
      const auto lsel = select(l_row, l_col);
      const auto ldw = submatrix(lat.d, lsel);
      add_metric_rows(out, metrics::MetricScope::within, within(ldw, lsel.own), e.name, "latent", "", dl, s, o,
                      derive_seed(o.seed, e.name, dl, s.id), clip_names(run, lsel.rows));
    }
    const auto metrics_timed = out.times.scope("metrics/between");
    // Between spaces: clips available in both.
    std::vector<std::uint8_t> b_row(c), b_col(c);
    for (std::size_t k = 0; k < c; ++k) {
      b_row[k] = l_row[k] && a_row[k];
      b_col[k] = l_col[k] && a_col[k];
    }
    const auto bsel = select(b_row, b_col);
    const auto ld = submatrix(lat.d, bsel);
    std::vector<MatrixD> ads;
    for (const auto& m : audio) ads.push_back(submatrix(m.d, bsel));
    // Sorted once per matrix (latent here, audio once per selection), the sorts side by side.
    std::vector<std::uint8_t> key(b_row);
    key.insert(key.end(), b_col.begin(), b_col.end());
    auto& audio_sorted = a.sorted[key];
    audio_sorted.resize(audio.size());
    std::shared_ptr<const metrics::SortedDistances> ld_sorted;
    parallel_for(0, audio.size() + 1, o.threads, [&](std::size_t t) {
      if (t == audio.size())
        ld_sorted = std::make_shared<const metrics::SortedDistances>(ld);
      else if (!audio_sorted[t])
        audio_sorted[t] = std::make_shared<const metrics::SortedDistances>(ads[t]);
    });
    const auto bclips = clip_names(run, bsel.rows);
    for (std::size_t ai = 0; ai < audio.size(); ++ai) {
      const auto& da = o.audio_distances[ai].label;
      auto in = between(ads[ai], ld, bsel.own);
      in.audio_sorted = audio_sorted[ai].get();
      in.latent_sorted = ld_sorted.get();
      add_metric_rows(out, metrics::MetricScope::between, in, e.name, "between", da, dl, s, o,
                      derive_seed(o.seed, e.name, da, dl, s.id), bclips);
    }
  }
}

}  // namespace

void evaluate_setting(const Run& run, const Setting& og, const Setting& s, const EvaluateOptions& o,
                      const Backend& backend, Sequences& og_cache, Rows& out) {
  const AudioSpace a = audio_space(run, og, s, o, backend, og_cache, out);
  if (!o.rows.whole()) return;  // --rows: audio-space row blocks only (latent distances are cheap, done whole)
  for (const auto& e : run.encoders)
    if (e.consistency) latent_space(run, og, s, o, backend, e, a, out);
}

}  // namespace nnr::eval::detail
