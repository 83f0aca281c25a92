#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "nnr/core/error.hpp"
#include "nnr/features/features.hpp"
#include "nnr/io/npy.hpp"
#include "support/signals.hpp"

namespace f = nnr::features;

namespace {
const std::string kDir = std::string(NNR_FIXTURES_DIR) + "/librosa/";
const char* kSignals[] = {"two_tone", "chirp", "noise"};

std::vector<float> audio_of(const std::string& name) {
  return nnr::io::read_npy<float>(kDir + name + "_audio.npy").data;
}
// Fixture arrays are (features x frames); ours are (frames x features).
nnr::io::NpyArray<double> fixture(const std::string& name, const std::string& what) {
  return nnr::io::read_npy<double>(kDir + name + "_" + what + ".npy");
}
// The STFT fixture is a Fortran-order float32 .npy (513 x T), which nnr::io::read_npy rejects; for
// shape (513, T) Fortran order is T x 513 row-major, so this reader returns data[t * 513 + k].
nnr::io::NpyArray<double> read_fortran_f4(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_GT(bytes.size(), 10u) << path;
  const std::size_t hlen = std::uint8_t(bytes[8]) | (std::size_t(std::uint8_t(bytes[9])) << 8);
  const std::string header = bytes.substr(10, hlen);
  EXPECT_NE(header.find("'fortran_order': True"), std::string::npos) << header;
  EXPECT_NE(header.find("<f4"), std::string::npos) << header;
  nnr::io::NpyArray<double> a;
  const auto open = header.find("'shape': (");
  std::size_t r = 0, c = 0;
  std::sscanf(header.c_str() + open + 10, "%zu, %zu", &r, &c);
  a.shape = {r, c};
  a.data.resize(r * c);
  for (std::size_t i = 0; i < r * c; ++i) {
    float v;
    std::memcpy(&v, bytes.data() + 10 + hlen + 4 * i, 4);
    a.data[i] = v;
  }
  return a;
}
}  // namespace

TEST(Features, NetworkInputMatchesLibrosa) {
  for (const char* s : kSignals) {
    const auto ref = read_fortran_f4(kDir + s + "_stft1024_256_db.npy");
    // The fixture was made with librosa 0.10's default zero padding: all frames must match it; our
    // default (reflect, as the original code) must match on every frame that does not touch the padding.
    for (auto pad : {f::PadMode::zeros, f::PadMode::reflect}) {
      const nnr::MatrixF x = f::network_input_db(audio_of(s), pad);
      ASSERT_EQ(x.rows, ref.shape[1]) << s;
      ASSERT_EQ(x.cols, ref.shape[0]) << s;
      const std::size_t skip = pad == f::PadMode::zeros ? 0 : 2;
      double err = 0;
      for (std::size_t t = skip; t + skip < x.rows; ++t)
        for (std::size_t k = 0; k < x.cols; ++k)
          err = std::max(err, std::abs(double(x(t, k)) - ref.data[t * x.cols + k]));
      // dB values: absolute tolerance relative to the 80 dB range.
      EXPECT_LT(err, 1e-3 * 80.0) << s;
    }
  }
}

TEST(Features, MelPowerMatchesLibrosa) {
  for (const char* s : kSignals) {
    const auto ref = fixture(s, "melpower");
    const nnr::MatrixF x = f::mel_power(audio_of(s));
    ASSERT_EQ(x.rows, ref.shape[1]) << s;
    ASSERT_EQ(x.cols, ref.shape[0]) << s;
    const double mx = *std::max_element(ref.data.begin(), ref.data.end());
    double err = 0;
    for (std::size_t t = 0; t < x.rows; ++t)
      for (std::size_t k = 0; k < x.cols; ++k) {
        const double r = ref.data[k * x.rows + t];
        if (r < mx * 1e-8) continue;  // below the 80 dB floor: not meaningful
        err = std::max(err, std::abs(x(t, k) - r) / r);
      }
    EXPECT_LT(err, 1e-3) << s;
  }
}

TEST(Features, MfccMatchesLibrosa) {
  for (const char* s : kSignals) {
    const auto ref = fixture(s, "mfcc25");
    const nnr::MatrixF x = f::mfcc(audio_of(s), 25);
    ASSERT_EQ(x.rows, ref.shape[1]) << s;
    ASSERT_EQ(x.cols, 25u);
    const auto [lo, hi] = std::minmax_element(ref.data.begin(), ref.data.end());
    const double range = *hi - *lo;
    double err = 0;
    for (std::size_t t = 0; t < x.rows; ++t)
      for (std::size_t k = 0; k < 25; ++k) err = std::max(err, std::abs(x(t, k) - ref.data[k * x.rows + t]));
    EXPECT_LT(err, 1e-3 * range) << s;
    const nnr::MatrixF seq = f::mfcc_sequence(audio_of(s));
    ASSERT_EQ(seq.cols, 24u);
    EXPECT_EQ(seq(3, 0), x(3, 1));
  }
}

TEST(Features, Mfcc144MatchesReference) {
  for (const char* s : kSignals) {
    const auto ref = fixture(s, "mfcc144");
    const std::vector<float> z = f::mfcc144(audio_of(s), f::PadMode::zeros);  // as the fixture
    ASSERT_EQ(z.size(), 144u);
    for (std::size_t i = 0; i < 144; ++i) {
      // Per block of 24: tolerance relative to the block's scale (means cross zero).
      double scale = 0;
      for (std::size_t j = i / 24 * 24; j < i / 24 * 24 + 24; ++j) scale = std::max(scale, std::abs(ref.data[j]));
      EXPECT_NEAR(z[i], ref.data[i], 1e-3 * scale + 1e-6) << s << " " << i;
    }
  }
}

TEST(Features, PureToneMelPeak) {
  // A 1 kHz tone: the strongest mel band is the one whose centre is nearest 1 kHz.
  const auto x = nnr::test::sine(1000.0, 1.0, 0.5);
  const nnr::MatrixF mel = f::mel_power(x);
  const std::size_t t = mel.rows / 2;
  const float* r = mel.row(t);
  const std::size_t peak = std::max_element(r, r + mel.cols) - r;
  // Slaney mel centres: band i centre = mel_to_hz((i + 1) * mel_max / 129); 1 kHz = 15 mel.
  const double mel_max = 15.0 + std::log(11025.0 / 1000.0) / (std::log(6.4) / 27.0);
  const double expected = 15.0 / mel_max * 129.0 - 1.0;
  EXPECT_NEAR(double(peak), expected, 1.0);
  // The network input peaks at bin 1000 / (22050 / 1024) ~ 46.4.
  const nnr::MatrixF db = f::network_input_db(x);
  const float* d = db.row(db.rows / 2);
  const std::size_t bin = std::max_element(d, d + db.cols) - d;
  EXPECT_NEAR(double(bin), 1000.0 / (22050.0 / 1024.0), 0.6);
}

TEST(Features, DctIsOrthonormal) {
  const nnr::MatrixD c = f::dct2_ortho(128, 128);
  for (std::size_t i = 0; i < 128; ++i)
    for (std::size_t j = 0; j < 128; ++j) {
      double dot = 0;
      for (std::size_t n = 0; n < 128; ++n) dot += c(i, n) * c(j, n);
      EXPECT_NEAR(dot, i == j ? 1.0 : 0.0, 1e-12);
    }
}

TEST(Features, FrameCountsAndShapes) {
  const auto x = nnr::test::white_noise(2.0, 0.1, 3);  // 44,100 samples
  EXPECT_EQ(f::network_input_db(x).rows, 1 + 44100u / 256);
  EXPECT_EQ(f::network_input_db(x).cols, 513u);
  EXPECT_EQ(f::mfcc_sequence(x).rows, 1 + 44100u / 512);
  EXPECT_EQ(f::mfcc144(x).size(), 144u);
}

TEST(Features, BadInputsThrowInputErrors) {
  auto expect_input = [](auto&& fn) {
    try {
      fn();
      ADD_FAILURE() << "no throw";
    } catch (const nnr::Error& e) {
      EXPECT_EQ(e.kind(), nnr::ErrorKind::input) << e.what();
    }
  };
  const std::vector<float> empty;
  expect_input([&] { f::network_input_db(empty); });
  expect_input([&] { f::mfcc_sequence(empty); });
  auto nan = nnr::test::sine(440, 0.5);
  nan[100] = std::numeric_limits<float>::quiet_NaN();
  expect_input([&] { f::network_input_db(nan); });
  expect_input([&] { f::mfcc_sequence(nan); });
  expect_input([&] { f::mfcc144(nan); });
  const std::vector<float> tiny(100, 0.1f);
  expect_input([&] { f::network_input_db(tiny); });  // reflect padding needs > 512 samples
  expect_input([&] { f::mfcc144(tiny); });
}
