// The encoder family in nnr::core (no LibTorch): the table, spec errors and the MFCC member's batch
// independence. The LibTorch members are tested in test_encoders.cpp.
#include <gtest/gtest.h>

#include "nnr/core/error.hpp"
#include "nnr/encode/encoder.hpp"
#include "nnr/features/features.hpp"
#include "support/signals.hpp"

using namespace nnr;
using namespace nnr::encode;

namespace {

std::vector<std::vector<float>> test_windows(std::size_t len) {
  using namespace nnr::test;
  std::vector<std::vector<float>> w = {sine(440.0, 2.0), chirp(100.0, 5000.0, 2.0), white_noise(2.0, 0.1, 3)};
  for (auto& x : w) x.resize(len, 0.0f);
  return w;
}

EncoderSettings settings() {
  EncoderSettings s;
  s.batch = 4;
  s.threads = 2;
  return s;
}

}  // namespace

TEST(CoreEncoderTable, OnlyMfccWithoutTorchAndTheErrorSaysWhy) {
  EXPECT_EQ(encoder_registry().names(), (std::vector<std::string>{"mfcc"}));
  try {
    make_encoder("at", settings());
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::config);
    EXPECT_NE(std::string(e.what()).find("NNR_WITH_TORCH=OFF"), std::string::npos) << e.what();
  }
  EXPECT_THROW(make_encoder("mfcc:x", settings()), Error);
  auto s = settings();
  s.config = {{"mfcc", {{"nope", 1}}}};
  try {
    make_encoder("mfcc", s);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("unknown key (key=nope)"), std::string::npos) << e.what();
  }
}

TEST(CoreEncoderTable, AddRefusesADuplicateName) {
  EncoderEntry dup{{"mfcc", "again", {}}, nullptr, false};
  EXPECT_THROW(add_encoders({dup}), Error);
  EXPECT_EQ(encoder_registry().names().size(), 1u);
}

TEST(MfccEncoder, SameAloneOrInABatchAndEqualsMfcc144) {
  auto enc = make_encoder("mfcc", settings());
  ASSERT_EQ(enc->info().dim, 144u);
  ASSERT_EQ(enc->info().window_samples, 44100u);
  const auto w = test_windows(44100);
  MatrixF all, alone, p;
  enc->encode(w, {}, all, p);
  ASSERT_EQ(all.rows, 3u);
  for (std::size_t i = 0; i < w.size(); ++i) {
    enc->encode({w[i]}, {}, alone, p);
    const auto ref = features::mfcc144(w[i]);
    for (std::size_t j = 0; j < 144; ++j) {
      EXPECT_EQ(alone(0, j), all(i, j));
      EXPECT_EQ(all(i, j), ref[j]);
    }
  }
  EXPECT_THROW(enc->encode({std::vector<float>(100)}, {}, all, p), Error);
}

