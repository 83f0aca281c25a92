// nnr-encode: embeds every manifest row of a run directory with one encoder (see nnr/encode/run_encode.hpp).
#include <spdlog/spdlog.h>

#include "common/options.hpp"
#include "common/run_main.hpp"
#include "nnr/core/shard.hpp"
#include "nnr/encode/encoder.hpp"
#include "nnr/encode/run_encode.hpp"
#include "nnr/io/json.hpp"
#if NNR_ENCODE_WITH_TORCH
#include "nnr/encode/torch_encoders.hpp"
#endif

namespace {

int body(int argc, char** argv) {
#if NNR_ENCODE_WITH_TORCH
  nnr::encode::register_torch_encoders();
#endif
  const auto& encoders = nnr::encode::encoder_registry();
  CLI::App app{"nnr-encode: embed every clip of a run directory (originals and transforms) into "
               "RUN_DIR/embeddings/<encoder>.npy, with task predictions in RUN_DIR/predictions/.\n"
               "Encoders (parameters go in the config's encode.<encoder> object):\n" +
               encoders.help()};
  nnr::apps::CommonOptions common;
  nnr::encode::EncodeOptions o;
  std::string run, encoder, name, models, window;
  int batch = 0;
  app.add_option("--run", run, "run directory holding manifest.csv")->required();
  app.add_option("--encoder", encoder, "one of the encoders above (" + nnr::join_names(encoders.names()) + ")");
  app.add_option("--name", name, "output name (default: the encoder, or the TorchScript file's stem)");
  app.add_option("--models", models, "trained models directory (default RUN_DIR/models)");
  app.add_option("--batch", batch, "windows per forward pass (default 32)")->check(CLI::PositiveNumber);
  app.add_option("--window", window, "clips longer than the input: center (default, the centre window) or "
                                     "mean (average over consecutive windows)")
      ->check(CLI::IsMember({"center", "mean"}));
  app.add_flag("--merge", o.merge, "concatenate existing shard outputs into the full output");
  app.add_flag("--force", o.force, "recompute even if the output exists");
  nnr::apps::add_common_options(app, common, nnr::apps::kConfig | nnr::apps::kThreads | nnr::apps::kDevice |
                                                 nnr::apps::kShard | nnr::apps::kDryRun);
  NNR_PARSE_FLAGS(app, argc, argv);
  nnr::apps::apply_common_options(common);

  o.run_dir = run;
  if (const auto section = nnr::apps::config_section(common, "encode"); !section.is_null())
    nnr::encode::apply_encode_config(section, o, common.config + ": encode");
  // Flags override config keys.
  if (!encoder.empty()) o.encoder = encoder;
  if (!name.empty()) o.name = name;
  if (!models.empty()) o.models_dir = models;
  if (batch > 0) o.batch = batch;
  if (!window.empty()) o.window = nnr::encode::parse_window_mode(window);
  if (app.count("--device")) o.device = common.device;
  if (common.threads_given) o.threads = common.threads;
  o.shard = nnr::parse_shard(common.shard);
  o.dry_run = common.dry_run;

  const auto sum = nnr::encode::run_encode(o);
  if (!sum.skipped && !o.dry_run)
    spdlog::info("nnr-encode: {} rows, {} encoded, {} NaN", sum.rows, sum.encoded, sum.nan_rows);
  return 0;
}

}  // namespace

int main(int argc, char** argv) { return nnr::apps::run_main(argc, argv, body); }
