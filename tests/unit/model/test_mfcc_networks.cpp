// The task heads on the MFCC baseline (nnr-train --input mfcc): the in-graph z^MFCC is the MFCC-144 baseline
// of features::mfcc144 on the same audio, the four task shapes, and that each head learns.
#include <gtest/gtest.h>
#include <torch/optim/adam.h>
#include <torch/utils.h>

#include <cmath>
#include <filesystem>
#include <random>

#include "nnr/core/error.hpp"
#include "nnr/features/features.hpp"
#include "nnr/model/networks.hpp"

using namespace nnr;
using namespace nnr::model;

namespace {

// 3 s of a chord of decaying partials over pink-ish noise: every mel band well above the 80 dB floor.
std::vector<float> test_audio(unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> g(0.0f, 1.0f);
  std::vector<float> a(3 * 22050);
  float lp = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double t = static_cast<double>(i) / 22050.0;
    lp = 0.97f * lp + 0.03f * g(rng);
    a[i] = 0.05f * g(rng) + 0.5f * lp;
    for (int h = 1; h <= 6; ++h)
      a[i] += static_cast<float>(0.2 / h * std::exp(-t) * std::sin(2 * M_PI * 220.0 * h * t * (1 + 0.01 * t)));
  }
  return a;
}

// A scaler far from identity, so undoing the standardisation is exercised.
features::Scaler test_scaler() {
  features::Scaler s;
  for (int k = 0; k < features::kNetworkBins; ++k) {
    s.mean.push_back(-40.0f + 0.05f * static_cast<float>(k));
    s.std.push_back(8.0f + 0.01f * static_cast<float>(k));
  }
  return s;
}

torch::Tensor standardised_input(const std::vector<float>& audio, const features::Scaler& scaler, int bins) {
  MatrixF db = features::network_input_db(audio);
  scaler.apply(db);
  torch::Tensor x = torch::empty({1, 1, static_cast<int64_t>(db.rows), bins});
  for (std::size_t t = 0; t < db.rows; ++t)
    for (int k = 0; k < bins; ++k) x[0][0][static_cast<int64_t>(t)][k] = db(t, static_cast<std::size_t>(k));
  return x;
}

ModelConfig mfcc_config(const std::string& preset) {
  ModelConfig c = model_preset(preset);
  c.input = "mfcc";
  return c;
}

}  // namespace

TEST(MfccModel, InGraphMfccIsTheBaselineVector) {
  // The whole clip's frames through the network's input path give features::mfcc144 of the clip, within
  // float32 rounding of the dB path (max abs difference over the 144 values, relative to their scale).
  const auto scaler = test_scaler();
  for (unsigned seed : {1u, 2u}) {
    const auto audio = test_audio(seed);
    const std::vector<float> want = features::mfcc144(audio);
    MfccFront front(512, scaler);
    const torch::Tensor z = front->forward(standardised_input(audio, scaler, 512));
    ASSERT_EQ(z.sizes(), (std::vector<int64_t>{1, 144}));
    double worst = 0, scale = 0;
    for (int i = 0; i < 144; ++i) {
      worst = std::max(worst, std::abs(static_cast<double>(z[0][i].item<float>()) - want[static_cast<std::size_t>(i)]));
      scale = std::max(scale, std::abs(static_cast<double>(want[static_cast<std::size_t>(i)])));
    }
    EXPECT_LT(worst / scale, 2e-4) << "seed " << seed << " worst " << worst << " scale " << scale;
    // Not trivially equal: a different clip gives a clearly different vector.
    const auto other = features::mfcc144(test_audio(seed + 10));
    double diff = 0;
    for (int i = 0; i < 144; ++i) diff = std::max(diff, std::abs(static_cast<double>(other[static_cast<std::size_t>(i)]) - want[static_cast<std::size_t>(i)]));
    EXPECT_GT(diff, 100 * worst);
  }
}

TEST(MfccModel, EveryTaskShapeAndEmbeddingIsTheMfccVector) {
  torch::NoGradGuard g;
  const auto scaler = test_scaler();
  for (const std::string preset : {"paper", "paper-code"}) {
    const auto c = mfcc_config(preset);
    EXPECT_EQ(c.embedding_dim(), 144);
    const auto x = torch::randn({2, 1, c.frames, c.bins});
    MfccFront front(c.bins, scaler);
    const auto want = front->forward(x);
    for (Task t : {Task::ae, Task::at, Task::ir, Task::vs}) {
      auto net = make_task_net(t, c, t == Task::at ? 50 : 11, &scaler);
      net->eval();
      EXPECT_TRUE(torch::allclose(net->embed(x), want)) << task_name(t);
      const auto y = net->predict(x);
      if (t == Task::at) EXPECT_EQ(y.sizes(), (std::vector<int64_t>{2, 50}));
      if (t == Task::ir) EXPECT_EQ(y.sizes(), (std::vector<int64_t>{2, 11}));
      if (t == Task::ae || t == Task::vs) EXPECT_EQ(y.sizes(), x.sizes()) << preset << " " << task_name(t);
      const auto [z1, y1] = net->embed_and_predict(x);
      EXPECT_TRUE(torch::allclose(y1, y, 1e-6, 1e-6));
    }
  }
  EXPECT_THROW(make_task_net(Task::at, mfcc_config("tiny"), 5, nullptr), Error);
  EXPECT_THROW(model_config_from_json({{"input", "chroma"}}), Error);
  EXPECT_EQ(model_config_from_json(mfcc_config("tiny").to_json()).input, "mfcc");
  EXPECT_EQ(model_config_from_json(model_preset("tiny").to_json()).input, "stft");
}

TEST(MfccModel, HeadsLearnAndWeightsRoundTrip) {
  torch::manual_seed(3);
  const auto scaler = test_scaler();
  const auto c = mfcc_config("tiny");
  for (Task t : {Task::ae, Task::at, Task::ir, Task::vs}) {
    auto net = make_task_net(t, c, t == Task::at ? 5 : 3, &scaler);
    Batch b;
    const int n = 16;
    b.x = torch::randn({n, 1, c.frames, c.bins});
    if (t == Task::at) b.tags = (torch::rand({n, 5}) > 0.5).to(torch::kFloat);
    if (t == Task::ir) b.classes = torch::randint(0, 3, {n}, torch::kLong);
    if (t == Task::vs) {
      b.voc_mag = torch::rand({n, 1, c.frames, c.bins});
      b.acc_mag = torch::rand({n, 1, c.frames, c.bins});
      b.mix_mag = b.voc_mag + b.acc_mag;
    }
    torch::optim::Adam opt(net->parameters(), torch::optim::AdamOptions(1e-2));
    net->train();
    double first = 0, last = 0;
    for (int step = 0; step < 80; ++step) {
      auto loss = net->loss(b);
      if (step == 0) first = loss.item<double>();
      last = loss.item<double>();
      opt.zero_grad();
      loss.backward();
      opt.step();
    }
    EXPECT_LT(last, first * (t == Task::vs ? 0.9 : 0.8)) << task_name(t) << " first " << first << " last " << last;
    // The fixed MFCC buffers are saved with the weights and the loaded net predicts the same.
    const auto path = std::filesystem::temp_directory_path() / ("nnr_mfcc_" + task_name(t) + ".pt");
    save_weights(*net, path);
    features::Scaler other = test_scaler();
    for (auto& m : other.mean) m += 5;
    auto loaded = make_task_net(t, c, t == Task::at ? 5 : 3, &other);
    load_weights(*loaded, path, torch::kCPU);
    net->eval();
    loaded->eval();
    torch::NoGradGuard g;
    EXPECT_TRUE(torch::allclose(net->predict(b.x), loaded->predict(b.x), 1e-5, 1e-5)) << task_name(t);
    std::filesystem::remove(path);
  }
}
