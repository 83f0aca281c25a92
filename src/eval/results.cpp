#include "results.hpp"

#include <spdlog/spdlog.h>

#include "per_clip.hpp"

#include "nnr/distance/distance.hpp"
#include "nnr/io/atomic_file.hpp"
#include "nnr/io/json.hpp"
#include "nnr/metrics/metric.hpp"
#include "nnr/tasks/task.hpp"
#include "nnr/transform/transform.hpp"
#include "nnr/io/shard_files.hpp"

namespace nnr::eval::detail {
namespace {

std::vector<std::string> estimate_fields(const metrics::Estimate& e) {
  return {io::format_number(e.value), io::format_number(e.ci_low), io::format_number(e.ci_high), std::to_string(e.n)};
}

}  // namespace

io::Json families_json() {
  io::Json j;
  j["_about"] = "labels of the family members, from nnr's tables: figures and reports read them";
  j["transforms"] = transform::transform_labels_json();
  for (const auto& m : metrics::metric_registry().entries())
    j["metrics"].push_back({{"name", m.name}, {"label", m.label}, {"description", m.description},
                            {"scope", m.scope == metrics::MetricScope::within ? "within" : "between"},
                            {"higher_is_better", m.higher_is_better}, {"per_clip", m.per_clip}});
  for (const auto& t : tasks::task_registry().entries())
    j["tasks"].push_back({{"name", t.name}, {"label", t.label}, {"description", t.description},
                          {"metric", t.metric}, {"metric_label", t.metric_label},
                          {"higher_is_better", t.higher_is_better}});
  for (const auto& d : distance::sequence_distance_registry().entries())
    j["distances"].push_back({{"name", d.name}, {"label", d.label}, {"space", "audio"}});
  for (const auto& d : distance::vector_distance_registry().entries())
    j["distances"].push_back({{"name", d.name}, {"label", d.label}, {"space", "latent"}});
  return j;
}

void add_consistency(Rows& out, const std::string& encoder, const std::string& metric, const std::string& space,
                     const std::string& da, const std::string& dl, const std::string& aggregation, const Setting& s,
                     const metrics::Estimate& e) {
  std::vector<std::string> f = {encoder, metric, space, da, dl, aggregation, s.transform, s.magnitude_col, s.id};
  for (auto& x : estimate_fields(e)) f.push_back(std::move(x));
  out.consistency.add_row(f);
}

void add_performance(Rows& out, const std::string& task, const std::string& encoder, const std::string& metric,
                     const Setting& s, const metrics::Estimate& e) {
  // No clip to score (no labels or vocal stems among these clips): no row, one warning at the end.
  if (e.n == 0) {
    out.unscored.insert(task + " performance of " + encoder);
    return;
  }
  std::vector<std::string> f = {task, encoder, metric, s.transform, s.magnitude_col, s.id};
  for (auto& x : estimate_fields(e)) f.push_back(std::move(x));
  out.performance.add_row(f);
}

metrics::BootstrapOptions boot(const EvaluateOptions& o, std::uint64_t seed, bool pooled) {
  metrics::BootstrapOptions b;
  b.resamples = pooled && o.bootstrap_pooled >= 0 ? o.bootstrap_pooled : o.bootstrap;
  b.level = o.level;
  b.seed = seed;
  b.threads = o.threads;
  return b;
}

std::filesystem::path consistency_csv(const std::filesystem::path& out) { return out / "results" / "consistency.csv"; }
std::filesystem::path performance_csv(const std::filesystem::path& out) { return out / "results" / "performance.csv"; }
std::filesystem::path per_clip_csv(const std::filesystem::path& out) { return out / "results" / "per_clip.csv"; }

EvaluateSummary write_final(const std::filesystem::path& out, const ResultTexts& texts, const EvaluateOptions& o) {
  EvaluateSummary sum;
  sum.consistency_csv = consistency_csv(out);
  sum.performance_csv = performance_csv(out);
  sum.summary_md = out / "results" / "summary.md";
  io::write_file_atomic(sum.consistency_csv, texts.consistency);
  io::write_file_atomic(sum.performance_csv, texts.performance);
  io::write_file_atomic(per_clip_csv(out), texts.per_clip);
  // What needs every setting: breakdown magnitudes and paired comparisons, from the per-clip values.
  const auto per_clip = index_per_clip(texts.per_clip, per_clip_csv(out).string());
  const std::string breakdown = breakdown_csv(per_clip, o);
  io::write_file_atomic(out / "results" / "breakdown.csv", breakdown);
  io::write_file_atomic(out / "results" / "paired.csv", paired_csv(per_clip, o));
  const auto ct = io::parse_csv(texts.consistency, sum.consistency_csv.string());
  const auto pt = io::parse_csv(texts.performance, sum.performance_csv.string());
  sum.consistency_rows = ct.rows.size();
  sum.performance_rows = pt.rows.size();
  sum.summary_markdown = summary_markdown(ct, pt) + breakdown_markdown(io::parse_csv(breakdown, "breakdown.csv"));
  io::write_file_atomic(sum.summary_md, sum.summary_markdown);
  io::write_json(out / "results" / "families.json", families_json());
  sum.merged = true;
  return sum;
}

namespace {
/// The per-clip shards merged; none at all (shards written before per_clip.csv existed): an empty table and a
/// warning, so such a run still merges (without breakdown or paired rows).
std::string per_clip_shards(const std::filesystem::path& out, int count) {
  if (io::missing_shards(per_clip_csv(out), count).size() == static_cast<std::size_t>(count)) {
    spdlog::warn("{}: no per_clip shards under {} (written by an older nnr-evaluate?); breakdown.csv and "
                 "paired.csv stay empty until the shards are rerun", kComponent, (out / "results").string());
    return io::CsvWriter(per_clip_columns()).str();
  }
  return io::merge_csv_shards(per_clip_csv(out), count, kComponent);
}
}  // namespace

EvaluateSummary merge_count(const std::filesystem::path& out, int count, const EvaluateOptions& o) {
  return write_final(out,
                     {io::merge_csv_shards(consistency_csv(out), count, kComponent),
                      io::merge_csv_shards(performance_csv(out), count, kComponent),
                      per_clip_shards(out, count)},
                     o);
}

}  // namespace nnr::eval::detail
