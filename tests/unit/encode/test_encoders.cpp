// The encoder family's LibTorch members through the registry: task encoders on tiny untrained models
// (shapes and prediction semantics), VS resynthesis. The MFCC member is tested in test_mfcc_encoder.cpp.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <numeric>

#include "nnr/core/error.hpp"
#include "nnr/encode/encoder.hpp"
#include "encode/torch/resynthesis.hpp"
#include "nnr/encode/torch_encoders.hpp"
#include "nnr/tasks/task.hpp"
#include "support/signals.hpp"
#include "unit/encode/tiny_models.hpp"

using namespace nnr;
using namespace nnr::encode;
namespace fs = std::filesystem;

namespace {

const fs::path kModels = fs::path(NNR_BINARY_DIR) / "test_tmp" / "encode_unit" / "models";

std::vector<std::vector<float>> test_windows(std::size_t len) {
  using namespace nnr::test;
  std::vector<std::vector<float>> w = {sine(440.0, 2.0), chirp(100.0, 5000.0, 2.0), white_noise(2.0, 0.1, 3)};
  for (auto& x : w) x.resize(len, 0.0f);
  return w;
}

EncoderSettings settings(int batch = 4) {
  EncoderSettings s;
  s.models_dir = kModels;
  s.batch = batch;
  s.threads = 2;
  return s;
}

}  // namespace

TEST(EncoderRegistry, TorchMembersJoinTheCoreTable) {
  register_torch_encoders();
  register_torch_encoders();  // a second call adds nothing
  std::vector<std::string> names;
  for (const auto& e : encoder_registry().entries()) names.push_back(e.name);
  // mfcc, then one encoder per task of the task table, then that task's head on the MFCC baseline, then
  // torchscript (no member count).
  std::vector<std::string> expected = {"mfcc"};
  for (const auto& t : tasks::task_registry().entries()) expected.push_back(t.name);
  for (const auto& t : tasks::task_registry().entries()) expected.push_back("mfcc-" + t.name);
  expected.push_back("torchscript");
  EXPECT_EQ(names, expected);
  EXPECT_EQ(default_encoder_name("torchscript:/x/my_model.pt"), "my_model");
  EXPECT_EQ(default_encoder_name("at"), "at");
  try {
    make_encoder("nope", settings());
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::config);
    EXPECT_NE(std::string(e.what()).find("mfcc, ae, at, ir, vs"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("torchscript:FILE"), std::string::npos) << e.what();
  }
  EXPECT_THROW(make_encoder("torchscript", settings()), Error);
  EXPECT_THROW(make_encoder("mfcc:x", settings()), Error);
  try {
    auto s = settings();
    s.models_dir = kModels / "none";
    make_encoder("at", s);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::io);
  }
}

TEST(TaskEncoders, ShapesPredictionsAndBatchIndependence) {
  register_torch_encoders();
  for (const std::string task : {"ae", "at", "ir", "vs"}) test::write_tiny_model(kModels, task);
  const auto w = test_windows(44100);
  for (const std::string task : {"ae", "at", "ir", "vs"}) {
    SCOPED_TRACE(task);
    auto enc = make_encoder(task, settings());
    const auto& info = enc->info();
    EXPECT_EQ(info.task, task);
    EXPECT_EQ(info.dim, 32u);  // the tiny preset's last channel count
    EXPECT_EQ(info.window_samples, 44100u);
    std::vector<std::vector<float>> refs;
    if (task == "vs") refs = {w[0], {}, w[2]};  // no stem for the second window
    MatrixF e, p;
    enc->encode(w, refs, e, p);
    ASSERT_EQ(e.rows, 3u);
    ASSERT_EQ(p.rows, 3u);
    for (float v : e.data) EXPECT_TRUE(std::isfinite(v));
    if (task == "at" || task == "ir") {
      ASSERT_EQ(p.cols, test::tiny_class_names(task).size());
      EXPECT_EQ(info.prediction_columns, test::tiny_class_names(task));
      for (std::size_t i = 0; i < 3; ++i) {
        const double sum = std::accumulate(p.row(i), p.row(i) + p.cols, 0.0);
        for (std::size_t k = 0; k < p.cols; ++k) EXPECT_TRUE(p(i, k) >= 0.0f && p(i, k) <= 1.0f);
        if (task == "ir") {
          EXPECT_NEAR(sum, 1.0, 1e-5);
        }
      }
    } else if (task == "ae") {  // reconstruction MSE, and the MSE of the training mean (0 after scaling)
      ASSERT_EQ(p.cols, 2u);
      EXPECT_EQ(info.prediction_columns, (std::vector<std::string>{"mse", "train_mean_mse"}));
      for (float v : p.data) EXPECT_TRUE(std::isfinite(v) && v >= 0.0f);
    } else {  // vocals SDR, and the unprocessed mixture's: here the window is its own "vocal stem"
      ASSERT_EQ(p.cols, 2u);
      EXPECT_EQ(info.prediction_columns, (std::vector<std::string>{"sdr_db", "mixture_sdr_db"}));
      EXPECT_TRUE(std::isfinite(p(0, 0)));
      EXPECT_TRUE(std::isnan(p(1, 0)) && std::isnan(p(1, 1)));
      EXPECT_TRUE(std::isfinite(p(2, 0)));
      EXPECT_GT(p(0, 1), 40.0f);  // the mixture is the reference: near-perfect
      EXPECT_GT(p(0, 1), p(0, 0));
    }
    // A window's results do not depend on its batch-mates.
    MatrixF e1, p1;
    enc->encode({w[2]}, task == "vs" ? std::vector<std::vector<float>>{w[2]} : std::vector<std::vector<float>>{},
                e1, p1);
    for (std::size_t j = 0; j < e.cols; ++j) EXPECT_EQ(e1(0, j), e(2, j));
    for (std::size_t j = 0; j < p.cols; ++j) EXPECT_EQ(p1(0, j), p(2, j));
  }
}

TEST(Resynthesis, UnitMaskGivesBackTheMixture) {
  const auto w = test_windows(44100);
  auto wave = torch::zeros({3, 44100});
  for (int i = 0; i < 3; ++i) std::copy(w[i].begin(), w[i].end(), wave[i].data_ptr<float>());
  const auto y = encode::detail::masked_resynthesis(wave, torch::ones({3, 1, 173, 513}));
  EXPECT_LT((y - wave).abs().max().item<float>(), 1e-4f);
  // Zero mask: silence. A mask smaller than the STFT covers its centre frames only.
  EXPECT_EQ(encode::detail::masked_resynthesis(wave, torch::zeros({3, 1, 173, 513})).abs().max().item<float>(), 0.0f);
  const auto part = encode::detail::masked_resynthesis(wave, torch::ones({3, 1, 101, 513}));
  const auto [first, last] = encode::detail::covered_samples(44100, 101);
  EXPECT_LT((part - wave).narrow(1, first, last - first).abs().max().item<float>(), 1e-4f);
  EXPECT_GT((part - wave).narrow(1, first - 300, 300).abs().max().item<float>(), 1e-3f);
  EXPECT_THROW(encode::detail::masked_resynthesis(wave, torch::ones({3, 1, 200, 513})), Error);
}

TEST(Resynthesis, CoveredSamples) {
  EXPECT_EQ(encode::detail::covered_samples(44100, 173), (std::pair<int64_t, int64_t>{0, 44100}));
  // paper preset: 128 of 173 frames, t0 = 22 -> frames 22..149
  EXPECT_EQ(encode::detail::covered_samples(44100, 128), (std::pair<int64_t, int64_t>{21 * 256 + 513, 150 * 256 - 511}));
  const auto part = encode::detail::covered_samples(44100, 101);
  EXPECT_GT(part.first, 0);
  EXPECT_LT(part.second, 44100);
}
