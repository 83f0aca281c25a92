// nnr-encode with the task encoders (tiny untrained models written through the model library):
// predictions/<task>.npy shapes, classes.json, NaN SDR without a vocal stem.
#include "run_fixture.hpp"
#include "unit/encode/tiny_models.hpp"

using namespace encode_cli;

class NnrEncodeCliTasks : public ::testing::TestWithParam<std::string> {};

TEST_P(NnrEncodeCliTasks, EmbeddingsAndPredictions) {
  const std::string task = GetParam();
  const auto dir = make_run("task_" + task);
  nnr::test::write_tiny_model(dir / "models", task);
  ASSERT_EQ(run("--run " + dir.string() + " --encoder " + task + " --threads 2 --batch 4"), 0);
  const auto e = load(dir / "embeddings" / (task + ".npy"));
  ASSERT_EQ(e.shape, (std::vector<std::size_t>{8, 32}));
  expect_nan_rows(e, {3, 7});
  EXPECT_EQ(nnr::io::load_json(dir / "embeddings" / (task + ".json")).at("task"), task);
  const auto p = load(dir / "predictions" / (task + ".npy"));
  const auto classes = nnr::io::load_json(dir / "predictions" / (task + ".classes.json"));
  const std::size_t k = task == "at" ? 5 : task == "ir" ? 3 : 2;  // AE/VS: the metric and its baseline
  ASSERT_EQ(p.shape, (std::vector<std::size_t>{8, k}));
  ASSERT_EQ(classes.size(), k);
  if (task == "vs") {
    expect_nan_rows(p, {1, 2, 3, 5, 6, 7});  // SDR only where clip a has its stem
    EXPECT_EQ(classes.at(0), "sdr_db");
    EXPECT_EQ(classes.at(1), "mixture_sdr_db");
  } else {
    expect_nan_rows(p, {3, 7});
    if (task != "ae") {
      EXPECT_EQ(classes.at(0), task + "_class_0");
    }
  }
}

INSTANTIATE_TEST_SUITE_P(AllTasks, NnrEncodeCliTasks, ::testing::Values("ae", "at", "ir", "vs"));
