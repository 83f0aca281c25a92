// nnr-evaluate: distance consistency and task performance of a run directory (see nnr/eval/evaluate.hpp).
#include <spdlog/spdlog.h>

#include <iostream>

#include "common/options.hpp"
#include "common/run_main.hpp"
#include "nnr/core/shard.hpp"
#include "nnr/distance/distance.hpp"
#include "nnr/metrics/metric.hpp"
#include "nnr/eval/evaluate.hpp"
#include "nnr/io/json.hpp"

namespace {

int body(int argc, char** argv) {
  // The metric list comes from the family's table (src/metrics/builtin.cpp).
  std::string help =
      "nnr-evaluate: within- and between-space distance consistency and task performance for every transform "
      "setting of a run directory; writes RUN_DIR/distances/ and RUN_DIR/results/{consistency,performance}.csv, "
      "summary.md, families.json, and from the per-clip values (per_clip.csv) breakdown.csv (the magnitude where "
      "C_W and recall@k fall below 0.9 and 0.5; config keys breakdown_metrics, breakdown_thresholds) and "
      "paired.csv (encoder A - B on the same clips: paired bootstrap interval, sign-flip permutation p, Holm)"
      "\n\nMetrics (one results/consistency.csv row per result):\n" +
      nnr::metrics::metric_registry().help();
  CLI::App app{help};
  nnr::apps::CommonOptions common;
  nnr::eval::EvaluateOptions o;
  std::string run, audio, latent, labels;
  int bootstrap = -1;
  app.add_option("--run", run, "run directory holding manifest.csv and embeddings/")->required();
  app.add_option("--bootstrap", bootstrap, "bootstrap resamples for the 95% intervals (default 1000; 0 = none)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--audio-distances", audio, "comma-separated audio distances (default dtw,simple); available:\n" +
                     nnr::distance::sequence_distance_registry().help());
  app.add_option("--latent-distances", latent, "comma-separated latent distances (default euclidean,cosine); available:\n" +
                     nnr::distance::vector_distance_registry().help());
  int permutations = -1;
  app.add_option("--permutations", permutations,
                 "sign flips per paired comparison in results/paired.csv (default 10000; 0 = no p-values)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--labels", labels, "clip_id,instrument,tags CSV for AT/IR performance (default RUN_DIR/labels.csv)");
  std::string subset, pattern;
  app.add_option("--subset", subset,
                 "name a subset of the clips: features, distances and results go to RUN_DIR/subsets/NAME/ "
                 "(the whole run's are left alone); combine with --clips-matching");
  app.add_option("--clips-matching", pattern,
                 "evaluate only originals whose clip id contains a match of this regex (ECMAScript), "
                 "e.g. '^music_' for the demo corpus's real music");
  app.add_flag("--merge", o.merge, "only merge results/shards/*.csv into the full CSVs");
  std::string rows;
  app.add_option("--rows", rows,
                 "split each setting's audio distances by rows (transformed clips): compute and store only rows "
                 "block i of n (0-based, e.g. 2/8; a Slurm array over i) of the MFCC sequences and audio distance "
                 "matrices, and no metrics; afterwards a call without --rows (or an array over --shard) "
                 "assembles the blocks, byte-identical to an unsplit run, and computes the metrics");
  nnr::apps::add_common_options(app, common, nnr::apps::kConfig | nnr::apps::kSeed | nnr::apps::kThreads |
                                                 nnr::apps::kShard | nnr::apps::kDryRun);
  NNR_PARSE_FLAGS(app, argc, argv);
  nnr::apps::apply_common_options(common);

  o.run_dir = run;
  if (const auto section = nnr::apps::config_section(common, "evaluate"); !section.is_null())
    nnr::eval::apply_evaluate_config(section, o, common.config + ": evaluate");
  // Flags override config keys.
  auto split = [](const std::string& s) {
    std::vector<std::string> out;
    std::size_t a = 0;
    while (a <= s.size()) {
      const auto b = std::min(s.find(',', a), s.size());
      if (b > a) out.push_back(s.substr(a, b - a));
      a = b + 1;
    }
    return out;
  };
  if (!audio.empty()) {
    o.audio_distances.clear();
    for (const auto& d : split(audio)) o.audio_distances.push_back({d, d, nnr::io::Json::object()});
  }
  if (!latent.empty()) {
    nnr::io::Json j;
    j["latent_distances"] = split(latent);
    nnr::eval::apply_evaluate_config(j, o, "--latent-distances");
  }
  if (bootstrap >= 0) o.bootstrap = bootstrap;
  if (permutations >= 0) o.permutations = permutations;
  if (!labels.empty()) o.labels = labels;
  if (!subset.empty()) o.subset = subset;
  if (!pattern.empty()) o.clip_pattern = pattern;
  if (common.seed_given) o.seed = common.seed;
  if (common.threads_given) o.threads = common.threads;
  o.shard = nnr::parse_shard(common.shard);
  o.rows = nnr::parse_shard(rows, "--rows");
  o.dry_run = common.dry_run;

  const auto sum = nnr::eval::run_evaluate(o);
  if (sum.merged) {
    std::cout << sum.summary_markdown;
    spdlog::info("nnr-evaluate: {} consistency rows, {} performance rows -> {}", sum.consistency_rows,
                 sum.performance_rows, sum.consistency_csv.parent_path().string());
  } else if (!o.dry_run && o.rows.whole()) {
    spdlog::info("nnr-evaluate: shard {} done ({} settings); results merge when every shard has run (or --merge)",
                 o.shard.str(), sum.settings);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) { return nnr::apps::run_main(argc, argv, body); }
