// The nnr-evaluate stage: options and config, then the loop over the shard's settings. The steps live in
// run_dir (the run directory model), caches (features/ and distances/), consistency_cells and
// performance_rows (the two kinds of results) and results (the CSVs and their shards).
#include "nnr/eval/evaluate.hpp"

#include <spdlog/spdlog.h>

#include <cmath>

#include "nnr/core/error.hpp"
#include "nnr/core/parallel.hpp"
#include "nnr/core/progress.hpp"
#include "nnr/core/registry.hpp"
#include "nnr/distance/distance.hpp"
#include "nnr/io/atomic_file.hpp"
#include "nnr/metrics/metric.hpp"
#include "nnr/io/shard_files.hpp"
#include "stage_steps.hpp"

namespace nnr::eval {
namespace fs = std::filesystem;
using detail::kComponent;

fs::path output_dir(const EvaluateOptions& o) {
  if (o.subset.empty()) return o.run_dir;
  if (o.subset.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.") !=
          std::string::npos ||
      o.subset.front() == '.')
    throw_config(std::string(kComponent) + ": bad subset name (evaluate.subset=" + o.subset +
                 "); use letters, digits, '_', '-' and '.' (it names RUN_DIR/subsets/<name>/)");
  return o.run_dir / "subsets" / o.subset;
}

const std::vector<std::string>& consistency_columns() {
  static const std::vector<std::string> c = {"encoder", "metric",    "space",   "distance_audio", "distance_latent",
                                             "aggregation", "transform", "magnitude", "setting", "value",
                                             "ci_low", "ci_high", "n"};
  return c;
}

const std::vector<std::string>& performance_columns() {
  static const std::vector<std::string> c = {"task",    "encoder", "metric", "transform", "magnitude",
                                             "setting", "value",   "ci_low", "ci_high",   "n"};
  return c;
}

const std::vector<std::string>& evaluate_config_keys() {
  static const std::vector<std::string> k = {"audio_distances", "latent_distances", "encoders", "clips",
                                             "max_clips", "bootstrap", "bootstrap_pooled", "level", "seed",
                                             "auc_drop_empty_tags", "nan_embeddings", "threads", "labels",
                                             "subset", "clip_pattern", "breakdown_metrics",
                                             "breakdown_thresholds", "permutations"};
  return k;
}

void apply_evaluate_config(const io::Json& j, EvaluateOptions& o, const std::string& ctx) {
  if (!j.is_object()) throw_config(ctx + ": the evaluate section must be a JSON object");
  io::check_keys(j, evaluate_config_keys(), ctx);
  if (j.contains("audio_distances")) {
    const auto& list = j.at("audio_distances");
    if (!list.is_array()) io::throw_config_type(ctx + ".audio_distances", list.dump());
    o.audio_distances.clear();
    for (const auto& d : list) {
      DistanceSpec spec;
      if (d.is_string()) {
        spec.name = spec.label = d.get<std::string>();
      } else if (d.is_object() && d.contains("name") && d.at("name").is_string()) {
        spec.name = d.at("name").get<std::string>();
        spec.label = io::get_or<std::string>(d, "label", spec.name, ctx + ".audio_distances[]");
        for (const auto& [k, v] : d.items())
          if (k != "name" && k != "label") spec.params[k] = v;
      } else {
        io::throw_config_type(ctx + ".audio_distances[]", d.dump());
      }
      o.audio_distances.push_back(std::move(spec));
    }
  }
  o.latent_distances = io::get_or(j, "latent_distances", o.latent_distances, ctx);
  for (const auto& d : o.latent_distances)
    if (!distance::vector_distance_registry().try_find(d))
      throw_config(ctx + ".latent_distances: unknown distance (value=" + d + "); valid: " +
                   join_names(distance::vector_distance_names()));
  o.encoders = io::get_or(j, "encoders", o.encoders, ctx);
  o.clips = io::get_or(j, "clips", o.clips, ctx);
  o.max_clips = io::get_or(j, "max_clips", o.max_clips, ctx);
  o.subset = io::get_or(j, "subset", o.subset, ctx);
  o.clip_pattern = io::get_or(j, "clip_pattern", o.clip_pattern, ctx);
  output_dir(o);  // validates the subset name
  o.bootstrap = io::get_or(j, "bootstrap", o.bootstrap, ctx);
  o.bootstrap_pooled = io::get_or(j, "bootstrap_pooled", o.bootstrap_pooled, ctx);
  o.level = io::get_or(j, "level", o.level, ctx);
  o.seed = io::get_or(j, "seed", o.seed, ctx);
  o.auc_drop_empty_tags = io::get_or(j, "auc_drop_empty_tags", o.auc_drop_empty_tags, ctx);
  const auto nan = io::get_or<std::string>(j, "nan_embeddings", o.nan_embeddings_error ? "error" : "exclude", ctx);
  if (nan != "error" && nan != "exclude")
    throw_config(ctx + ".nan_embeddings: unknown value (value=" + nan + "); valid: exclude, error");
  o.nan_embeddings_error = nan == "error";
  o.threads = io::get_or(j, "threads", o.threads, ctx);
  o.labels = io::get_or(j, "labels", o.labels.string(), ctx);
  o.breakdown_metrics = io::get_or(j, "breakdown_metrics", o.breakdown_metrics, ctx);
  for (const auto& m : o.breakdown_metrics) {
    const auto* e = metrics::metric_registry().try_find(m);
    if (!e || !e->per_clip) {
      std::string valid;
      for (const auto& x : metrics::metric_registry().entries())
        if (x.per_clip) valid += (valid.empty() ? "" : ", ") + x.name;
      throw_config(ctx + ".breakdown_metrics: not a metric with per-clip values (value=" + m + "); valid: " + valid);
    }
  }
  o.breakdown_thresholds = io::get_or(j, "breakdown_thresholds", o.breakdown_thresholds, ctx);
  for (double t : o.breakdown_thresholds)
    if (!std::isfinite(t)) throw_config(ctx + ".breakdown_thresholds: every threshold must be a finite number");
  o.permutations = io::get_or(j, "permutations", o.permutations, ctx);
  if (o.permutations < 0)
    throw_config(ctx + ".permutations must be >= 0 (value=" + std::to_string(o.permutations) + ")");
  if (o.bootstrap < 0) throw_config(ctx + ".bootstrap must be >= 0 (value=" + std::to_string(o.bootstrap) + ")");
  if (!(o.level > 0 && o.level < 1)) throw_config(ctx + ".level must be in (0, 1)");
}

EvaluateSummary merge_shards(const fs::path& run, const EvaluateOptions& o) {
  return detail::merge_count(run, io::pick_shard_count(detail::consistency_csv(run), 0, detail::kComponent), o);
}

namespace {

// --rows i/n: the audio-space row blocks of the shard's settings, nothing else (see EvaluateOptions::rows).
EvaluateSummary audio_row_blocks(const detail::Run& run, Range range, const EvaluateOptions& o,
                                 const Backend& backend) {
  using namespace detail;
  const Range clips = shard_range(run.clips.size(), o.rows);
  spdlog::info("{}: rows {} (clips {}..{} of {}), {} settings, audio distances {}: row blocks only, no metrics",
               kComponent, o.rows.str(), clips.begin, clips.end, run.clips.size(), range.size(),
               o.audio_distances.size());
  Rows rows;
  Sequences og_cache;
  Progress progress(kComponent, range.size(), "settings");
  for (std::size_t i = range.begin; i < range.end; ++i) {
    evaluate_setting(run, run.settings[0], run.settings[i], o, backend, og_cache, rows);
    progress.tick();
  }
  progress.finish();
  if (const std::string times = rows.times.summary(); !o.dry_run && !times.empty())
    spdlog::info("{}: time by phase ({} threads): {}", kComponent, resolve_threads(o.threads), times);
  if (!o.dry_run)
    spdlog::info("{}: rows {} done; when all {} are, nnr-evaluate --run {} (or an array over --shard j/m) "
                 "assembles the blocks and computes the metrics",
                 kComponent, o.rows.str(), o.rows.count, run.dir.string());
  EvaluateSummary sum;
  sum.settings = range.size();
  return sum;
}

}  // namespace

EvaluateSummary run_evaluate(const EvaluateOptions& o, const Backend& backend) {
  using namespace detail;
  if (!o.rows.whole() && o.merge)
    throw_config(std::string(kComponent) + ": --rows and --merge exclude each other (--rows " + o.rows.str() +
                 "); merge with a plain call once every row block is written");
  if (!o.dry_run) {
    const fs::path out = output_dir(o);
    io::clean_stage_temps(kComponent, {}, {out / "results", out / "features", out / "distances"});
  }
  if (o.merge) return merge_shards(output_dir(o), o);
  const Run run = load_run(o, o.rows.whole());
  for (const auto& d : o.audio_distances) backend.check_sequence_distance(d);
  const Range range = shard_range(run.settings.size(), o.shard);
  if (!o.rows.whole()) return audio_row_blocks(run, range, o, backend);
  spdlog::info("{}: {} clips, {} settings (this call: {}), {} encoders, audio distances {}, latent distances {}",
               kComponent, run.clips.size(), run.settings.size(), range.size(), run.encoders.size(),
               o.audio_distances.size(), o.latent_distances.size());
  Rows rows;
  Sequences og_cache;
  Progress progress(kComponent, range.size(), "settings");
  for (std::size_t i = range.begin; i < range.end; ++i) {
    evaluate_setting(run, run.settings[0], run.settings[i], o, backend, og_cache, rows);
    if (!o.dry_run) {
      const auto timed = rows.times.scope("performance");
      evaluate_performance(run, run.settings[i], o, rows);
    }
    progress.tick();
  }
  progress.finish();
  if (const std::string times = rows.times.summary(); !o.dry_run && !times.empty())
    spdlog::info("{}: time by phase ({} threads): {}", kComponent, resolve_threads(o.threads), times);
  for (const auto& what : rows.unscored)
    spdlog::warn("{}: {} has no clip to score in some settings (no labels or vocal stems among the evaluated "
                 "clips); those rows are left out of performance.csv",
                 kComponent, what);
  for (const auto& what : rows.undefined)
    spdlog::warn("{}: {} is defined on no clip in some cells ({} clips evaluated); its value there is nan "
                 "with n = 0", kComponent, what, run.clips.size());
  EvaluateSummary sum;
  sum.settings = range.size();
  if (o.dry_run) return sum;
  if (o.shard.whole()) {
    sum = write_final(run.out, {rows.consistency.str(), rows.performance.str(), rows.per_clip.str()}, o);
    sum.settings = range.size();
    return sum;
  }
  // One shard's part; the call that finds every part present merges (nnr/io/shard_files.hpp).
  io::write_file_atomic(io::shard_path(consistency_csv(run.out), o.shard), rows.consistency.str());
  io::write_file_atomic(io::shard_path(performance_csv(run.out), o.shard), rows.performance.str());
  io::write_file_atomic(io::shard_path(per_clip_csv(run.out), o.shard), rows.per_clip.str());
  sum.consistency_rows = rows.consistency.rows();
  sum.performance_rows = rows.performance.rows();
  if (io::missing_shards(consistency_csv(run.out), o.shard.count).empty() &&
      io::missing_shards(performance_csv(run.out), o.shard.count).empty() &&
      io::missing_shards(per_clip_csv(run.out), o.shard.count).empty()) {
    auto merged = merge_count(run.out, o.shard.count, o);
    merged.settings = range.size();
    return merged;
  }
  return sum;
}

}  // namespace nnr::eval
