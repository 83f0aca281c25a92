// Datasets, the training loop (every task, tiny preset), resume == uninterrupted, bad inputs, and
// TrainedModel on the result.
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <fstream>

#include "fixtures.hpp"
#include "nnr/core/error.hpp"
#include "nnr/core/progress.hpp"
#include "nnr/io/atomic_file.hpp"
#include "nnr/io/csv.hpp"
#include "nnr/io/json.hpp"
#include "nnr/model/trained_model.hpp"
#include "nnr/train/dataset.hpp"
#include "nnr/train/trainer.hpp"

namespace fs = std::filesystem;
using namespace nnr;
using model::Task;

namespace {

nlohmann::json tiny_config(int epochs) {
  return {{"preset", "tiny"}, {"epochs", epochs}, {"batch_size", 4}, {"clips_per_batch", 2},
          {"steps_per_epoch", 2}, {"valid_crops", 1}};
}

train::TrainOptions options(Task task, const fs::path& data, const fs::path& out, int epochs) {
  Progress::set_enabled(false);
  spdlog::set_level(spdlog::level::warn);
  train::TrainOptions o;
  o.task = task;
  o.data_dir = data;
  o.out_dir = out;
  o.config = tiny_config(epochs);
  o.threads = 1;
  o.seed = 42;
  return o;
}

// All parameters and buffers of a saved AT network (tiny preset, 3 tags), in module order.
std::vector<torch::Tensor> saved_tensors(const fs::path& model_pt) {
  auto net = model::make_task_net(Task::at, model::model_preset("tiny"), 3);
  model::load_weights(*net, model_pt, torch::kCPU);
  std::vector<torch::Tensor> out = net->parameters();
  for (const auto& b : net->buffers()) out.push_back(b);
  return out;
}

std::string expect_error(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "no nnr::Error thrown";
  return "";
}

}  // namespace

TEST(Dataset, IndexesEveryLayout) {
  const auto root = test::fresh_dir("index");
  test::write_at_corpus(root);
  test::write_ir_corpus(root);
  test::write_vs_corpus(root);
  const auto at = train::index_dataset(Task::at, root, 1, 0.1, 0.1);
  EXPECT_EQ(at.clips.size(), 8u);
  EXPECT_EQ(at.count("train"), 5u);
  EXPECT_EQ(at.class_names, (std::vector<std::string>{"tonal", "low", "high"}));
  EXPECT_EQ(at.clips[0].tags, (std::vector<int>{1, 0}));
  const auto ir = train::index_dataset(Task::ir, root / "ir", 1, 0.1, 0.1);
  EXPECT_EQ(ir.clips.size(), 20u);
  EXPECT_EQ(ir.class_names.size(), 11u);
  // Both excerpts of a song land in the same split.
  for (std::size_t i = 0; i + 1 < ir.clips.size(); i += 2) EXPECT_EQ(ir.clips[i].split, ir.clips[i + 1].split);
  EXPECT_GT(ir.count("valid"), 0u);
  EXPECT_GT(ir.count("test"), 0u);
  const auto vs = train::index_dataset(Task::vs, root, 1, 0.3, 0.0);
  EXPECT_EQ(vs.clips.size(), 5u);
  EXPECT_EQ(vs.count("test"), 1u);
  EXPECT_EQ(vs.count("valid"), 1u);
  EXPECT_EQ(vs.clips[0].audio.size(), 3u);
}

TEST(Dataset, AeReadsItsOwnListWhenTheCorpusHasOneElseAtsList) {
  const auto root = test::fresh_dir("ae_list");
  test::write_at_corpus(root);
  EXPECT_EQ(train::index_dataset(Task::ae, root, 1, 0.1, 0.1).root, root / "at");
  // ae/labels.csv: two AT clips by relative path plus one clip of its own (no tags column).
  fs::create_directories(root / "ae" / "audio");
  audio::write_audio(root / "ae" / "audio" / "music_0.flac", test::sine(440.0, 1.0, 0.3));
  io::write_file_atomic(root / "ae" / "labels.csv",
                        "clip_id,path,split\nclip0,../at/audio/clip0.flac,train\nclip1,../at/audio/clip1.flac,valid\n"
                        "music_0,audio/music_0.flac,train\n");
  const auto ae = train::index_dataset(Task::ae, root, 1, 0.1, 0.1);
  EXPECT_EQ(ae.root, root / "ae");
  ASSERT_EQ(ae.clips.size(), 3u);
  EXPECT_EQ(ae.count("train"), 2u);
  EXPECT_EQ(ae.clips[2].id, "music_0");
  EXPECT_TRUE(fs::exists(ae.clips[0].audio[0]));
  // AT keeps its own list and vocabulary.
  EXPECT_EQ(train::index_dataset(Task::at, root, 1, 0.1, 0.1).clips.size(), 8u);
}

TEST(Dataset, BadInputsGiveClearErrors) {
  const auto empty = test::fresh_dir("empty");
  EXPECT_NE(expect_error([&] { train::index_dataset(Task::at, empty, 1, 0.1, 0.1); }).find("labels.csv"),
            std::string::npos);
  EXPECT_NE(expect_error([&] { train::index_dataset(Task::ir, empty, 1, 0.1, 0.1); }).find("no IR audio"),
            std::string::npos);
  EXPECT_NE(expect_error([&] { train::index_dataset(Task::vs, empty, 1, 0.3, 0); }).find("train"), std::string::npos);
  EXPECT_NE(expect_error([&] { train::index_dataset(Task::ae, empty / "nope", 1, 0.1, 0.1); }).find("not found"),
            std::string::npos);
  const auto root = test::fresh_dir("badlabels");
  test::write_at_corpus(root);
  fs::remove(root / "at" / "audio" / "clip3.flac");
  const auto msg = expect_error([&] { train::index_dataset(Task::at, root, 1, 0.1, 0.1); });
  EXPECT_NE(msg.find("missing audio"), std::string::npos) << msg;
  EXPECT_NE(msg.find("clip3"), std::string::npos) << msg;
  // Only a header: an empty dataset.
  io::write_file_atomic(root / "at" / "labels.csv", "clip_id,path,split,tags\n");
  EXPECT_NE(expect_error([&] { train::index_dataset(Task::at, root, 1, 0.1, 0.1); }).find("empty"), std::string::npos);
}

TEST(TrainConfig, RejectsUnknownKeysAndBadValues) {
  EXPECT_THROW(train::TrainConfig::from_json(Task::at, {{"epoch", 3}}), Error);
  EXPECT_THROW(train::TrainConfig::from_json(Task::at, {{"lr", -1}}), Error);
  EXPECT_THROW(train::TrainConfig::from_json(Task::at, {{"batch_size", "x"}}), Error);
  const auto c = train::TrainConfig::from_json(Task::vs, nullptr);
  EXPECT_EQ(c.batch_size, 48);
  EXPECT_EQ(c.epochs, 5000);
  EXPECT_EQ(c.model.preset, "paper");
}

TEST(TrainConfig, LearningRateSchedules) {
  EXPECT_THROW(train::TrainConfig::from_json(Task::at, {{"lr_schedule", "step"}}), Error);
  EXPECT_THROW(train::TrainConfig::from_json(Task::at, {{"warmup_fraction", 1.0}}), Error);
  const auto constant = train::TrainConfig::from_json(Task::at, {{"lr", 0.01}});
  EXPECT_EQ(constant.lr_schedule, "constant");
  for (std::int64_t t : {0, 50, 99}) EXPECT_DOUBLE_EQ(train::scheduled_lr(constant, t, 100), 0.01);
  // Cosine over 100 steps, 10 of warm-up: rises linearly to the peak, halves at the middle of the decay,
  // ends near 0, and is monotone after the peak.
  const auto c = train::TrainConfig::from_json(Task::at, {{"lr", 0.01}, {"lr_schedule", "cosine"}, {"warmup_fraction", 0.1}});
  EXPECT_NEAR(train::scheduled_lr(c, 0, 100), 0.01 / 11, 1e-12);
  EXPECT_NEAR(train::scheduled_lr(c, 9, 100), 0.01 * 10 / 11, 1e-12);
  EXPECT_NEAR(train::scheduled_lr(c, 10, 100), 0.01, 1e-12);
  EXPECT_NEAR(train::scheduled_lr(c, 55, 100), 0.005, 1e-12);
  EXPECT_LT(train::scheduled_lr(c, 99, 100), 0.01 * 0.001);
  for (std::int64_t t = 11; t < 100; ++t) EXPECT_LT(train::scheduled_lr(c, t, 100), train::scheduled_lr(c, t - 1, 100));
  EXPECT_EQ(c.to_json().at("lr_schedule"), "cosine");
}

TEST(TrainConfig, PerTaskSectionsOverrideTheSharedKeys) {
  const nlohmann::json j = {{"epochs", 200}, {"batch_size", 16}, {"vs", {{"epochs", 5000}}}};
  EXPECT_EQ(train::TrainConfig::from_json(Task::at, j).epochs, 200);
  EXPECT_EQ(train::TrainConfig::from_json(Task::vs, j).epochs, 5000);
  EXPECT_EQ(train::TrainConfig::from_json(Task::vs, j).batch_size, 16);
  EXPECT_THROW(train::TrainConfig::from_json(Task::vs, {{"vs", {{"epoch", 1}}}}), Error);
  EXPECT_THROW(train::TrainConfig::from_json(Task::vs, {{"vs", {{"vs", {{"epochs", 1}}}}}}), Error);
}

class TrainEveryTask : public ::testing::TestWithParam<Task> {};

TEST_P(TrainEveryTask, OneEpochWritesTheModelDirAndLoads) {
  const Task task = GetParam();
  const std::string name = model::task_name(task);
  const auto root = test::fresh_dir("task_" + name);
  if (task == Task::ae || task == Task::at) test::write_at_corpus(root);
  if (task == Task::ir) test::write_ir_corpus(root);
  if (task == Task::vs) test::write_vs_corpus(root);
  const auto s = train::run_training(options(task, root, root / "run", 1));
  const auto dir = root / "run" / "models" / name;
  for (const char* f : {"checkpoint.pt", "model.pt", "model.json", "scaler.json", "train_log.csv", "splits.csv"})
    EXPECT_TRUE(fs::exists(dir / f)) << f;
  const auto log = io::read_csv(dir / "train_log.csv");
  ASSERT_EQ(log.rows.size(), 1u);
  EXPECT_TRUE(std::isfinite(s.final_valid_loss));
  EXPECT_TRUE(std::isfinite(s.final_metric)) << name << " " << s.metric;

  auto m = model::TrainedModel::load(dir, torch::kCPU);
  EXPECT_EQ(m->task(), name);
  EXPECT_EQ(m->frames(), 32);
  EXPECT_EQ(m->bins(), 64);
  const auto x = m->prepare({test::sine(440, 3.0), test::sine(220, 0.5)});
  EXPECT_EQ(x.sizes(), (std::vector<int64_t>{2, 1, 32, 64}));
  EXPECT_EQ(m->embed(x).sizes(), (std::vector<int64_t>{2, 32}));
  const auto p = m->predict(x);
  if (task == Task::at) {
    EXPECT_EQ(p.sizes(), (std::vector<int64_t>{2, 3}));
    EXPECT_EQ(m->class_names().size(), 3u);
  } else if (task == Task::ir) {
    EXPECT_EQ(p.sizes(), (std::vector<int64_t>{2, 11}));
  } else {
    EXPECT_EQ(p.sizes(), x.sizes());
  }
}

INSTANTIATE_TEST_SUITE_P(Tasks, TrainEveryTask, ::testing::Values(Task::ae, Task::at, Task::ir, Task::vs),
                         [](const ::testing::TestParamInfo<Task>& p) { return model::task_name(p.param); });

// Streaming (decode per batch, one batch ahead) must train exactly as the in-memory cache does.
class StreamEqualsMemory : public ::testing::TestWithParam<Task> {};

TEST_P(StreamEqualsMemory, SameScalerLossesAndWeights) {
  const Task task = GetParam();
  const std::string name = model::task_name(task);
  const auto root = test::fresh_dir("stream_" + name);
  if (task == Task::ae || task == Task::at) test::write_at_corpus(root, 10);
  if (task == Task::ir) test::write_ir_corpus(root);
  if (task == Task::vs) test::write_vs_corpus(root, 6);
  for (const char* cache : {"memory", "stream"}) {
    auto o = options(task, root, root / cache, 2);
    o.config["cache"] = cache;
    o.config["clips_per_batch"] = 3;
    o.threads = 2;
    train::run_training(o);
  }
  const auto dir_m = root / "memory" / "models" / name, dir_s = root / "stream" / "models" / name;
  EXPECT_EQ(io::read_file(dir_m / "scaler.json"), io::read_file(dir_s / "scaler.json"));
  const auto log_m = io::read_csv(dir_m / "train_log.csv"), log_s = io::read_csv(dir_s / "train_log.csv");
  ASSERT_EQ(log_m.rows.size(), 2u);
  ASSERT_EQ(log_s.rows.size(), 2u);
  for (const char* col : {"train_loss", "valid_loss", "value"})
    for (std::size_t r = 0; r < 2; ++r)
      EXPECT_EQ(log_m.rows[r][log_m.column(col)], log_s.rows[r][log_s.column(col)]) << col << " epoch " << r + 1;
  EXPECT_EQ(io::load_json(dir_s / "model.json").at("train").at("cache"), "stream");
  if (task == Task::at) {
    const auto a = saved_tensors(dir_m / "model.pt"), b = saved_tensors(dir_s / "model.pt");
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(torch::equal(a[i], b[i])) << "tensor " << i;
  }
}

INSTANTIATE_TEST_SUITE_P(Tasks, StreamEqualsMemory, ::testing::Values(Task::ae, Task::at, Task::ir, Task::vs),
                         [](const ::testing::TestParamInfo<Task>& p) { return model::task_name(p.param); });

TEST(TrainConfig, CacheIsAutoMemoryOrStream) {
  EXPECT_EQ(train::TrainConfig::from_json(Task::at, nullptr).cache, train::CacheMode::automatic);
  EXPECT_EQ(train::TrainConfig::from_json(Task::at, {{"cache", "memory"}}).cache, train::CacheMode::memory);
  EXPECT_EQ(train::TrainConfig::from_json(Task::at, {{"cache", "stream"}}).cache, train::CacheMode::stream);
  try {
    train::TrainConfig::from_json(Task::at, {{"cache", "disk"}});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::config);
    EXPECT_NE(std::string(e.what()).find("stream"), std::string::npos) << e.what();
  }
}

TEST(Dataset, AutoCacheStreamsWhenTheEstimateExceedsHalfTheMemory) {
  const auto root = test::fresh_dir("auto_cache");
  test::write_at_corpus(root);  // 8 clips of 1 s: 7 train/valid, ~1.24 MB as 513-bin float32 spectrograms
  const auto index = train::index_dataset(Task::at, root, 1, 0.1, 0.1);
  EXPECT_EQ(train::choose_cache_mode(index, 2, 1e9), train::CacheMode::memory);
  EXPECT_EQ(train::choose_cache_mode(index, 2, 2.6e6), train::CacheMode::memory);
  EXPECT_EQ(train::choose_cache_mode(index, 2, 2.4e6), train::CacheMode::stream);
  EXPECT_EQ(train::choose_cache_mode(index, 2), train::CacheMode::memory);  // this machine's MemAvailable
  EXPECT_NEAR(audio::probe_duration_s(root / "at" / "audio" / "clip0.flac"), 1.0, 1e-3);
  EXPECT_TRUE(std::isnan(audio::probe_duration_s(root / "nope.flac")));
}

TEST(TrainConfig, ShippedConfigsParseForEveryTask) {
  for (const char* name : {"demo", "tiny", "paper"}) {
    const auto j = io::load_json(fs::path(NNR_SOURCE_DIR) / "configs" / (std::string(name) + ".json"));
    for (Task t : {Task::ae, Task::at, Task::ir, Task::vs})
      EXPECT_NO_THROW(train::TrainConfig::from_json(t, j.at("train"))) << name << " " << model::task_name(t);
  }
  // The paper's datasets: MSD streams; IRMAS and MUSDB18 (whole 4-minute tracks) are cached.
  const auto paper = io::load_json(fs::path(NNR_SOURCE_DIR) / "configs" / "paper.json").at("train");
  EXPECT_EQ(train::TrainConfig::from_json(Task::at, paper).cache, train::CacheMode::stream);
  EXPECT_EQ(train::TrainConfig::from_json(Task::ae, paper).cache, train::CacheMode::stream);
  EXPECT_EQ(train::TrainConfig::from_json(Task::ir, paper).cache, train::CacheMode::memory);
  EXPECT_EQ(train::TrainConfig::from_json(Task::vs, paper).cache, train::CacheMode::memory);
  EXPECT_EQ(train::TrainConfig::from_json(Task::vs, paper).epochs, 5000);
  // The MFCC-input AT head follows the authors' train_autotagger_msd_mfcc.py; the VGG-like AT keeps its own.
  auto mfcc_paper = paper;
  mfcc_paper["input"] = "mfcc";
  const auto mfcc_at = train::TrainConfig::from_json(Task::at, mfcc_paper);
  EXPECT_EQ(mfcc_at.epochs, 500);
  EXPECT_EQ(mfcc_at.batch_size, 24);
  EXPECT_TRUE(mfcc_at.model.mfcc_input());
  EXPECT_EQ(train::TrainConfig::from_json(Task::at, paper).epochs, 200);
  EXPECT_EQ(train::TrainConfig::from_json(Task::ir, mfcc_paper).epochs, 500);
}

TEST(Train, ResumeEqualsUninterrupted) {
  const auto root = test::fresh_dir("resume");
  test::write_at_corpus(root);
  train::run_training(options(Task::at, root, root / "full", 2));
  train::run_training(options(Task::at, root, root / "split", 1));
  // A rerun without --resume refuses to overwrite.
  EXPECT_THROW(train::run_training(options(Task::at, root, root / "split", 2)), Error);
  auto o = options(Task::at, root, root / "split", 2);
  o.resume = true;
  train::run_training(o);
  const auto a = saved_tensors(root / "full" / "models" / "at" / "model.pt");
  const auto b = saved_tensors(root / "split" / "models" / "at" / "model.pt");
  ASSERT_EQ(a.size(), b.size());
  ASSERT_FALSE(a.empty());
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(torch::equal(a[i], b[i])) << "tensor " << i;
  EXPECT_EQ(io::read_csv(root / "split" / "models" / "at" / "train_log.csv").rows.size(), 2u);
}

TEST(Train, NanLossStopsAndKeepsTheLastGoodCheckpoint) {
  const auto root = test::fresh_dir("nan");
  test::write_at_corpus(root);
  auto o = options(Task::ae, root, root / "run", 1);
  train::run_training(o);
  const auto ckpt = root / "run" / "models" / "ae" / "checkpoint.pt";
  const auto before = io::read_file(ckpt);
  o.config = tiny_config(6);
  o.config["lr"] = 1e30;
  o.resume = true;
  const auto msg = expect_error([&] { train::run_training(o); });
  EXPECT_TRUE(msg.find("NaN") != std::string::npos || msg.find("infinite") != std::string::npos) << msg;
  EXPECT_NE(msg.find("stopped"), std::string::npos) << msg;
  EXPECT_NE(msg.find("last good checkpoint (epoch"), std::string::npos) << msg;
  EXPECT_TRUE(fs::exists(ckpt));
}

// Issue 15, full disk: a run that stops before its end leaves no model.json without model.pt (model.json
// is written only after the weights), and a weights file that cannot be written is one io error naming
// it, not LibTorch's abort; its temp file is gone.
TEST(Train, StoppedRunLeavesNoModelJsonAndUnwritableWeightsAreAnIoError) {
  const auto root = test::fresh_dir("no_half_model");
  test::write_at_corpus(root);
  auto o = options(Task::ae, root, root / "run", 2);
  o.config["lr"] = 1e30;  // NaN after the first steps: training stops
  EXPECT_THROW(train::run_training(o), Error);
  const auto dir = root / "run" / "models" / "ae";
  EXPECT_FALSE(fs::exists(dir / "model.pt"));
  EXPECT_FALSE(fs::exists(dir / "model.json"));

  const auto net = model::make_task_net(Task::ae, model::model_preset("tiny"), 0);
  io::write_file_atomic(root / "a_file", "x");
  const auto target = root / "a_file" / "model.pt";  // a path under a regular file cannot be written
  try {
    model::save_weights(*net, target);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::io);
    const std::string msg = e.what();
    EXPECT_NE(msg.find("a_file"), std::string::npos) << msg;
    EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
  }
  // A full disk: /dev/full fails every write with ENOSPC.
  if (!fs::exists("/dev/full")) GTEST_SKIP() << "no /dev/full";
  torch::serialize::OutputArchive ar;
  net->save(ar);
  try {
    model::save_archive(ar, "/dev/full", dir / "model.pt");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::io);
    const std::string msg = e.what();
    EXPECT_NE(msg.find((dir / "model.pt").string()), std::string::npos) << msg;
    EXPECT_NE(msg.find("free space"), std::string::npos) << msg;
    EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
  }
}
