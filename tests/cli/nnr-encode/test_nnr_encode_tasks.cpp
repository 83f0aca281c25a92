// nnr-encode with the task encoders (tiny untrained models written through the model library):
// predictions/<task>.npy shapes, classes.json, NaN SDR without a vocal stem.
#include "run_fixture.hpp"
#include "unit/encode/tiny_models.hpp"

using namespace encode_cli;

TEST(NnrEncodeCliTasks, PredictionsForEveryTask) {
  const auto dir = make_run("tasks");
  for (const std::string task : {"ae", "at", "ir", "vs"}) nnr::test::write_tiny_model(dir / "models", task);
  for (const std::string task : {"ae", "at", "ir", "vs"}) {
    SCOPED_TRACE(task);
    ASSERT_EQ(run("--run " + dir.string() + " --encoder " + task + " --threads 2 --batch 4"), 0);
    const auto e = load(dir / "embeddings" / (task + ".npy"));
    ASSERT_EQ(e.shape, (std::vector<std::size_t>{8, 32}));
    expect_nan_rows(e, {3, 7});
    const auto p = load(dir / "predictions" / (task + ".npy"));
    const auto classes = nnr::io::load_json(dir / "predictions" / (task + ".classes.json"));
    const std::size_t k = task == "at" ? 5 : task == "ir" ? 3 : 1;
    ASSERT_EQ(p.shape, (std::vector<std::size_t>{8, k}));
    ASSERT_EQ(classes.size(), k);
    if (task == "vs") {
      expect_nan_rows(p, {1, 2, 3, 5, 6, 7});  // SDR only where clip a has its stem
      EXPECT_EQ(classes.at(0), "sdr_db");
    } else {
      expect_nan_rows(p, {3, 7});
    }
  }
}
