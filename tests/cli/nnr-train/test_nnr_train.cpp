// nnr-train end to end through its command line.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "nnr/io/csv.hpp"
#include "nnr/io/json.hpp"
#include "nnr/model/trained_model.hpp"
#include "unit/train/fixtures.hpp"

namespace fs = std::filesystem;

namespace {

int run(const std::string& args, const fs::path& log) {
  const std::string cmd = std::string(NNR_TRAIN_APP) + " " + args + " > " + log.string() + " 2>&1";
  const int rc = std::system(cmd.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

std::string slurp(const fs::path& p) {
  std::ifstream f(p);
  return {std::istreambuf_iterator<char>(f), {}};
}

fs::path tiny_config(const fs::path& dir) {
  const auto p = dir / "config.json";
  nnr::io::write_json(p, {{"train", {{"preset", "tiny"}, {"batch_size", 4}, {"clips_per_batch", 2},
                                     {"steps_per_epoch", 2}}},
                          {"encode", {{"unrelated", 1}}}});
  return p;
}

}  // namespace

TEST(NnrTrainCli, EveryTaskOneEpochThenTrainedModelLoads) {
  const auto root = nnr::test::fresh_dir("cli_all");
  nnr::test::write_at_corpus(root);
  nnr::test::write_ir_corpus(root);
  nnr::test::write_vs_corpus(root);
  const auto cfg = tiny_config(root);
  for (const std::string task : {"ae", "at", "ir", "vs"}) {
    SCOPED_TRACE(task);
    const auto log = root / (task + ".log");
    ASSERT_EQ(run("--task " + task + " --data " + root.string() + " --out " + (root / "run").string() +
                      " --config " + cfg.string() + " --epochs 1 --threads 2 --seed 3" +
                      (task == "vs" || task == "at" ? " --cache stream" : ""),
                  log),
              0)
        << slurp(log);
    const auto dir = root / "run" / "models" / task;
    const auto meta = nnr::io::load_json(dir / "model.json");
    EXPECT_EQ(meta.at("task"), task);
    EXPECT_EQ(meta.at("seed"), 3);
    EXPECT_EQ(meta.at("train").at("cache"), task == "vs" || task == "at" ? "stream" : "auto");
    EXPECT_EQ(meta.at("data_cache"), task == "vs" || task == "at" ? "stream" : "memory");
    EXPECT_EQ(nnr::io::read_csv(dir / "train_log.csv").rows.size(), 1u);
    auto m = nnr::model::TrainedModel::load(dir, torch::kCPU);
    const auto x = m->prepare({nnr::test::sine(330, 2.5)});
    EXPECT_EQ(m->embed(x).sizes(), (std::vector<int64_t>{1, 32}));
  }
  // Resume of a finished run: nothing to do, exit 0, same log.
  const auto log = root / "resume.log";
  EXPECT_EQ(run("--task at --data " + root.string() + " --out " + (root / "run").string() + " --config " +
                    cfg.string() + " --epochs 1 --resume",
                log),
            0)
      << slurp(log);
  // Without --resume an existing checkpoint is an error (exit 2, config).
  EXPECT_EQ(run("--task at --data " + root.string() + " --out " + (root / "run").string() + " --config " +
                    cfg.string() + " --epochs 1",
                log),
            2);
  EXPECT_NE(slurp(log).find("--resume"), std::string::npos);
}

TEST(NnrTrainCli, BadInputsExitWithOneLine) {
  const auto root = nnr::test::fresh_dir("cli_bad");
  const auto cfg = tiny_config(root);
  const auto log = root / "bad.log";
  fs::create_directories(root / "empty");
  EXPECT_EQ(run("--task at --data " + (root / "empty").string() + " --out " + (root / "run").string(), log), 3);
  EXPECT_NE(slurp(log).find("labels.csv"), std::string::npos) << slurp(log);
  EXPECT_EQ(run("--task ir --data " + (root / "empty").string() + " --out " + (root / "run").string(), log), 4);
  EXPECT_EQ(run("--task xx --data " + (root / "empty").string() + " --out " + (root / "run").string(), log), 2);
  EXPECT_EQ(run("--task at --cache disk --data " + (root / "empty").string() + " --out " + (root / "run").string(), log),
            2);
  EXPECT_NE(slurp(log).find("--cache"), std::string::npos) << slurp(log);
  nnr::io::write_json(root / "typo.json", {{"train", {{"epoch", 3}}}});
  nnr::test::write_at_corpus(root);
  EXPECT_EQ(run("--task at --data " + root.string() + " --out " + (root / "run").string() + " --config " +
                    (root / "typo.json").string(),
                log),
            2);
  EXPECT_NE(slurp(log).find("unknown key 'epoch'"), std::string::npos) << slurp(log);
}
