// nnr-transform: originals + the paper's transformations (PS, TS, PN, EN, MP), loudness-matched.
#include <spdlog/spdlog.h>

#include "common/options.hpp"
#include "common/run_main.hpp"
#include "nnr/core/error.hpp"
#include "nnr/io/json.hpp"
#include "nnr/transform/stage.hpp"
#include "nnr/transform/transform.hpp"

namespace {

constexpr const char* kHelp = R"(Transforms every input clip with every setting of a magnitude grid and writes a run directory.

Grids (--grid NAME|FILE): coarse, fine, paper (the sorted union of both, Figure 3 of the paper; default),
demo (10 settings), or a JSON file {"PS": [-12, 1], "TS": [0.5], "PN": [6], "EN": [6], "MP": [8, 128]}.
Magnitudes: PS semitones, TS tempo ratio (>1 faster), PN/EN SNR dB, MP kb/s. EN needs --noise FILE.
Setting ids: PS_[-12], TS_[0.300], PN_[27.500] (integers as integers, else 3 decimals); OG = original.

Writes under --out RUN_DIR:
  audio/original/<clip>.wav, audio/<PS|TS|PN|EN|MP>/<magnitude>/<clip>.wav   (float32 WAV, or FLAC with format=flac)
  stems/vocals/...      same transform applied to INPUT/vocals/<clip>.* when present
  manifest.csv          one row per clip version: originals first, then settings in grid order
  config.json           resolved config and library versions; items/... per-item records (resume state)
Every clip is loudness-matched to its original (EBU R128). A rerun skips finished items; --shard i/n writes
shards/manifest.shard-i-of-n.csv and the last shard (or --merge) writes manifest.csv. Unreadable, empty, too short
or silent inputs become 'failed' rows with the reason; the exit code is non-zero only if no item succeeded.
Config section "transform": grid, noise_file, engine (R2|R3), clip_seconds (4; 0 = whole file), min_seconds,
format (wav|flac), loudness_match, and one object per transform (its name below) with its parameters.
Each item's seed is derived from --seed, the clip id, the transform and the magnitude string, so --threads,
--shard and resuming never change a byte. Exit codes: 0 done (some items may have failed: see manifest.csv),
2 bad flag/config/grid, 3 missing input or unwritable output, 4 every item failed.)";

int body(int argc, char** argv) {
  // The transform list comes from the family's table (src/transform/builtin.cpp).
  std::string help = kHelp;
  help += "\n\nTransforms (code, config name, parameters):\n";
  for (const auto& t : nnr::transform::transform_registry().entries()) {
    help += "  " + t.code + "  " + t.name + ": " + t.description + "\n";
    const auto p = nnr::describe_params(t.parameters);
    if (!p.empty()) help += "      " + p + "\n";
  }
  CLI::App app{help, "nnr-transform"};
  nnr::apps::CommonOptions common;
  nnr::transform::StageOptions o;
  std::string input, out, grid, noise;
  bool merge = false;
  nnr::apps::add_common_options(app, common, nnr::apps::kConfig | nnr::apps::kSeed | nnr::apps::kThreads |
                                                 nnr::apps::kShard | nnr::apps::kDryRun);
  app.add_option("--input", input, "directory of audio files (non-recursive) or CSV with a 'path' column");
  app.add_option("--out", out, "run directory")->required();
  app.add_option("--grid", grid, "grid name (coarse, fine, paper, demo) or JSON file");
  app.add_option("--noise", noise, "noise recording for EN (environmental noise)");
  app.add_flag("--merge", merge, "only merge the shard manifests of --out into manifest.csv");
  NNR_PARSE_FLAGS(app, argc, argv);
  nnr::apps::apply_common_options(common);

  if (merge) {
    spdlog::info("wrote {}", nnr::transform::merge_shard_manifests(out).string());
    return 0;
  }
  if (input.empty()) nnr::throw_config("nnr-transform: --input is required (or --merge)");
  nnr::transform::apply_stage_config(nnr::apps::config_section(common, "transform"), o);
  o.input = input;
  o.out = out;
  if (!grid.empty()) o.grid = grid;
  if (!noise.empty()) o.noise_file = noise;
  o.seed = common.seed;
  o.threads = common.threads;
  o.shard = common.shard;
  o.dry_run = common.dry_run;
  o.warn = [](const std::string& m) { spdlog::warn("{}", m); };

  const auto s = nnr::transform::run_transform_stage(o);
  if (o.dry_run) {
    spdlog::info("dry run: {} clips x {} settings (OG included); this shard: {} items -> {}", s.clips,
                 s.settings, s.items, out);
    return 0;
  }
  spdlog::info("{} items: {} ok, {} failed, {} already done; {}", s.items, s.ok, s.failed, s.skipped,
               s.manifest_written ? "wrote " + s.manifest.string() : "shard manifest " + s.manifest.string());
  return s.ok == 0 && s.items > 0 ? 4 : 0;
}

}  // namespace

int main(int argc, char** argv) { return nnr::apps::run_main(argc, argv, body); }
