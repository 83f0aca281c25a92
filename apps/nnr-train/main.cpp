// nnr-train: train a task network (the task table: AE, AT, IR, VS) on a dataset directory (see nnr/train/trainer.hpp).
#include <spdlog/spdlog.h>

#include "common/options.hpp"
#include "common/run_main.hpp"
#include "nnr/io/json.hpp"
#include "nnr/model/networks.hpp"
#include "nnr/tasks/task.hpp"
#include "nnr/train/trainer.hpp"

namespace {

int body(int argc, char** argv) {
  const auto& tasks = nnr::tasks::task_registry();
  CLI::App app{"Train one of the task networks (the paper's AE, AT, IR, VS) and write RUN_DIR/models/<task>/\n"
               "(with --input mfcc: the task head on the MFCC baseline, RUN_DIR/models/mfcc-<task>/).\n"
               "Tasks (data under DATA/<task>/, or DATA itself; docs/data-layouts.md):\n" +
               tasks.help()};
  nnr::apps::CommonOptions common;
  std::string task, data, out;
  int epochs = 0;
  bool resume = false;
  app.add_option("--task", task, "one of the tasks above")->required()->check(CLI::IsMember(tasks.names()));
  app.add_option("--data", data, "dataset directory (demo corpus root or the task's folder)")->required();
  app.add_option("--out", out, "run directory; the model goes to RUN_DIR/models/<task>/")->required();
  app.add_option("--epochs", epochs, "epochs (overrides train.epochs)")->check(CLI::PositiveNumber);
  std::string cache;
  app.add_option("--cache", cache,
                 "memory: decode every clip once and keep its spectrogram in RAM (~177 kB per second of audio; "
                 "fastest); stream: decode the clips of each batch as it comes, one batch ahead (bounded memory, "
                 "for MSD-sized data); auto: memory if the estimate (from file headers) is at most half the "
                 "available RAM, else stream. Same weights either way. Overrides train.cache (default auto)")
      ->check(CLI::IsMember({"auto", "memory", "stream"}));
  std::string input;
  app.add_option("--input", input,
                 "what the task head sees: stft, the VGG-like encoder of Table 1 (default), or mfcc, the 144-d "
                 "MFCC baseline z^MFCC (paper section 4.2); an MFCC model goes to RUN_DIR/models/mfcc-<task>/ "
                 "and is encoded as --encoder mfcc-<task>. Overrides train.input")
      ->check(CLI::IsMember({"stft", "mfcc"}));
  app.add_flag("--resume", resume, "continue from RUN_DIR/models/<task>/checkpoint.pt");
  nnr::apps::add_common_options(app, common, nnr::apps::kConfig | nnr::apps::kSeed | nnr::apps::kThreads |
                                                 nnr::apps::kDevice);
  NNR_PARSE_FLAGS(app, argc, argv);
  nnr::apps::apply_common_options(common);

  nnr::train::TrainOptions o;
  o.task = nnr::model::parse_task(task);
  o.data_dir = data;
  o.out_dir = out;
  o.config = nnr::apps::config_section(common, "train");
  if (o.config.is_null()) o.config = nlohmann::json::object();
  if (epochs > 0) o.config["epochs"] = epochs;
  if (!cache.empty()) o.config["cache"] = cache;
  if (!input.empty()) o.config["input"] = input;
  o.device = common.device;
  o.seed = common.seed;
  o.threads = common.threads;
  o.resume = resume;
  const auto s = nnr::train::run_training(o);
  spdlog::info("nnr-train: {} done, {} epochs; valid loss {:.5g}, {} {:.4g}; model in {}", task, s.epochs,
               s.final_valid_loss, s.metric, s.final_metric, s.model_dir.string());
  return 0;
}

}  // namespace

int main(int argc, char** argv) { return nnr::apps::run_main(argc, argv, body); }
