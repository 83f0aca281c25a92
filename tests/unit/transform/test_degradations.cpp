// The degradation families beyond the paper (issue 13), each against its definition.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>

#include "nnr/audio/audio_file.hpp"
#include "nnr/core/error.hpp"
#include "nnr/io/atomic_file.hpp"
#include "nnr/io/manifest.hpp"
#include "nnr/transform/stage.hpp"
#include "nnr/transform/measure.hpp"
#include "nnr/transform/transform.hpp"
#include "support/signals.hpp"

namespace {

using namespace nnr;
using namespace nnr::transform;
namespace fs = std::filesystem;
constexpr int kSr = audio::kSampleRate;

std::unique_ptr<Transform> make(const std::string& code, nlohmann::json params = nlohmann::json::object()) {
  TransformOptions o;
  o.params = std::move(params);
  return make_transform(code, o);
}

// RMS gain (dB) a transform gives a sine of `hz`, measured away from the clip's ends.
double sine_gain_db(const Transform& t, double magnitude, double hz) {
  const auto x = test::sine(hz, 2.0, 0.5);
  const auto y = t.apply(x, magnitude, 1).audio;
  const std::vector<float> xm(x.begin() + kSr / 2, x.end() - kSr / 2), ym(y.begin() + kSr / 2, y.end() - kSr / 2);
  return 20.0 * std::log10(rms(ym) / rms(xm));
}

TEST(Filters, MinusThreeDbAtTheCutOffAndSteepBeyond) {
  for (double fc : {500.0, 2000.0, 6000.0}) {
    const auto lp = make("LP");
    const auto r = lp->apply(test::sine(1000.0, 0.5), fc, 1);
    EXPECT_NEAR(r.achieved, fc, 0.005 * fc) << "LP measured edge";
    EXPECT_NEAR(sine_gain_db(*lp, fc, fc), -3.01, 0.1) << fc;
    EXPECT_NEAR(sine_gain_db(*lp, fc, fc / 4), 0.0, 0.05);
    EXPECT_LT(sine_gain_db(*lp, fc, std::min(2 * fc, 10000.0)), -40.0);
    const auto hp = make("HP");
    EXPECT_NEAR(hp->apply(test::sine(1000.0, 0.5), fc, 1).achieved, fc, 0.005 * fc) << "HP measured edge";
    EXPECT_NEAR(sine_gain_db(*hp, fc, fc), -3.01, 0.1) << fc;
    EXPECT_NEAR(sine_gain_db(*hp, fc, std::min(fc * 3, 10000.0)), 0.0, 0.1);
    EXPECT_LT(sine_gain_db(*hp, fc, fc / 2), -40.0);
  }
}

TEST(Filters, TelephoneBandPassesSpeechBandAndIsZeroPhase) {
  const auto tb = make("TB");
  EXPECT_EQ(tb->params(), nlohmann::json({{"low_hz", 300.0}}));
  EXPECT_NEAR(tb->apply(test::sine(1000.0, 0.5), 3400.0, 1).achieved, 3400.0, 20.0);
  EXPECT_NEAR(sine_gain_db(*tb, 3400.0, 1000.0), 0.0, 0.05);
  EXPECT_NEAR(sine_gain_db(*tb, 3400.0, 300.0), -3.01, 0.15);
  EXPECT_LT(sine_gain_db(*tb, 3400.0, 100.0), -40.0);
  EXPECT_LT(sine_gain_db(*tb, 3400.0, 8000.0), -40.0);
  // Zero phase: a passband tone comes out where it went in.
  const auto x = test::harmonic_notes(1.0, 3);
  EXPECT_EQ(best_lag(x, tb->apply(x, 3400.0, 1).audio, 200), 0);
  EXPECT_THROW(tb->apply(x, 400.0, 1), Error);  // below 1.5 x low_hz
  EXPECT_THROW(make("LP")->apply(x, 10000.0, 1), Error);  // above 0.9 x Nyquist
}

TEST(Clipping, NothingAboveTheLevelAndTheFractionCounted) {
  const auto x = test::harmonic_notes(1.0, 5);
  float peak = 0;
  for (float v : x) peak = std::max(peak, std::fabs(v));
  for (double db : {-1.0, -6.0, -20.0}) {
    const auto r = make("CL")->apply(x, db, 1);
    const float level = static_cast<float>(peak * std::pow(10.0, db / 20.0));
    std::size_t clipped = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
      ASSERT_LE(std::fabs(r.audio[i]), level);
      if (std::fabs(x[i]) > level) {
        ++clipped;
        EXPECT_EQ(std::fabs(r.audio[i]), level);
      } else {
        EXPECT_EQ(r.audio[i], x[i]);
      }
    }
    EXPECT_DOUBLE_EQ(r.achieved, static_cast<double>(clipped) / x.size());
    EXPECT_GT(r.achieved, 0.0);
  }
  // A sine clipped at half its peak: |sin| > 1/2 two thirds of the time; at 441 Hz (50 samples a period) 16
  // of every 25 samples of a half period are, 0.64.
  EXPECT_NEAR(make("CL")->apply(test::sine(441.0, 1.0), 20 * std::log10(0.5), 1).achieved, 0.64, 1e-9);
}

TEST(Compressor, SteadyLevelAboveThresholdReducedByTheRatio) {
  // A steady sine sits at its own peak: 20 dB over a -20 dB threshold; ratio 4 leaves 5 dB of it.
  const auto cp = make("CP");
  for (double ratio : {2.0, 4.0, 10.0}) {
    const double want = 20.0 * (1.0 - 1.0 / ratio);
    EXPECT_NEAR(-sine_gain_db(*cp, ratio, 1000.0), want, 0.3) << ratio;
    EXPECT_NEAR(cp->apply(test::sine(1000.0, 2.0), ratio, 1).achieved, want, 0.3);
  }
  EXPECT_NEAR(sine_gain_db(*cp, 1.0, 1000.0), 0.0, 1e-6);  // ratio 1: unchanged
  // Below the threshold nothing changes.
  const auto soft = make("CP", {{"threshold_db", -0.0}});
  EXPECT_NEAR(sine_gain_db(*soft, 8.0, 1000.0), 0.0, 0.05);
}

TEST(Gain, OffsetMeasuredAndNotLoudnessMatched) {
  const auto x = test::harmonic_notes(1.0, 2);
  for (double db : {-20.0, -3.0, 6.0}) EXPECT_NEAR(make("GN")->apply(x, db, 1).achieved, db, 1e-4);
  EXPECT_FALSE(find_transform("GN").loudness_match);
  EXPECT_TRUE(find_transform("CP").loudness_match);
}

TEST(Reverb, SynthesisedResponseHasTheRt60AndTheDrr) {
  // A unit impulse in gives the response itself out (as long as the clip).
  std::vector<float> impulse(static_cast<std::size_t>(kSr) * 6, 0.0f);
  impulse[0] = 1.0f;
  for (double rt60 : {0.3, 1.0, 2.5}) {
    const auto r = make("RV")->apply(impulse, rt60, 9);
    EXPECT_NEAR(r.achieved, rt60, 0.05 * rt60) << "Schroeder RT60";
    EXPECT_NEAR(rt60_schroeder(r.audio, kSr), r.achieved, 0.01 * rt60);
    EXPECT_NEAR(r.audio[0], 1.0f, 1e-6);  // the direct sound at lag 0
    double tail = 0;
    for (std::size_t i = 1; i < r.audio.size(); ++i) tail += double(r.audio[i]) * r.audio[i];
    EXPECT_NEAR(10 * std::log10(1.0 / tail), 0.0, 0.05) << "DRR";
  }
  const auto drr = make("RV", {{"drr_db", 10.0}})->apply(impulse, 1.0, 9).audio;
  double tail = 0;
  for (std::size_t i = 1; i < drr.size(); ++i) tail += double(drr[i]) * drr[i];
  EXPECT_NEAR(10 * std::log10(1.0 / tail), 10.0, 0.05);
  // Seeded: same seed, same response; another seed, another.
  EXPECT_EQ(make("RV")->apply(impulse, 1.0, 9).audio, make("RV")->apply(impulse, 1.0, 9).audio);
  EXPECT_NE(make("RV")->apply(impulse, 1.0, 9).audio, make("RV")->apply(impulse, 1.0, 10).audio);
  // Music keeps its length and alignment.
  const auto x = test::harmonic_notes(1.0, 4);
  const auto y = make("RV", {{"drr_db", 6.0}})->apply(x, 0.5, 1).audio;
  EXPECT_EQ(y.size(), x.size());
  EXPECT_EQ(best_lag(x, y, 500), 0);
}

TEST(Reverb, FolderOfRecordedResponsesPicksTheNearestRt60) {
  const fs::path dir = fs::temp_directory_path() / "nnr_test_irs";
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::vector<float> impulse(static_cast<std::size_t>(kSr) * 4, 0.0f);
  impulse[0] = 1.0f;
  std::vector<double> measured;
  for (double rt60 : {0.4, 1.6}) {
    auto ir = make("RV")->apply(impulse, rt60, 3).audio;
    // A recorded response starts with some silence before the direct sound: it is trimmed to its peak.
    ir.insert(ir.begin(), 100, 0.0f);
    audio::write_audio(dir / ("room_" + std::to_string(int(rt60 * 10)) + ".wav"), ir, kSr, audio::SampleFormat::float32);
    measured.push_back(rt60_schroeder(std::vector<float>(ir.begin() + 100, ir.end()), kSr));
  }
  const auto rv = make("RV", {{"ir_folder", dir.string()}});
  EXPECT_NEAR(rv->apply(impulse, 0.5, 1).achieved, measured[0], 1e-9);
  EXPECT_NEAR(rv->apply(impulse, 1.2, 1).achieved, measured[1], 1e-9);
  const auto out = rv->apply(impulse, 2.0, 1).audio;
  EXPECT_NEAR(out[0], 1.0f, 1e-5);
  EXPECT_THROW(make("RV", {{"ir_folder", (dir / "nope").string()}}), Error);
  fs::remove_all(dir);
}

// Waveform SNR (dB) of y against x.
double waveform_snr_db(const std::vector<float>& x, const std::vector<float>& y) {
  double e = 0, s = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    e += (double(y[i]) - x[i]) * (double(y[i]) - x[i]);
    s += double(x[i]) * x[i];
  }
  return 10 * std::log10(s / e);
}

TEST(Codecs, RoundTripsAreAlignedExactLengthAndImproveWithBitRate) {
  const auto x = test::harmonic_notes(2.0, 3);
  for (const char* code : {"AC", "OP", "VB"}) {
    const auto t = make(code);
    double previous = -100;
    for (int kbps : {16, 32, 64}) {
      const auto r = t->apply(x, kbps, 1);
      ASSERT_EQ(r.audio.size(), x.size()) << code << " " << kbps;
      EXPECT_GE(r.achieved, 0.0) << code << " " << kbps << ": the codec delay removed";
      EXPECT_EQ(best_lag(x, r.audio, 2048), 0) << code << " " << kbps;
      const double snr = waveform_snr_db(x, r.audio);  // only possible at lag 0, and a lossy codec
      EXPECT_GT(snr, 8.0) << code << " " << kbps;
      EXPECT_LT(snr, 60.0) << code << " " << kbps;
      EXPECT_GT(snr, previous) << code << " " << kbps;
      previous = snr;
    }
  }
  // Odd lengths too (a last partial frame).
  const std::vector<float> odd(x.begin(), x.begin() + 12345);
  for (const char* code : {"AC", "OP", "VB"}) {
    const auto r = make(code)->apply(odd, 48, 1);
    EXPECT_EQ(r.audio.size(), odd.size());
    EXPECT_EQ(best_lag(odd, r.audio, 2048), 0) << code;
  }
}

TEST(Codecs, BitRatesTheEncoderWouldClampOrRefuseAreConfigErrors) {
  // At 22.05 kHz mono: AAC tops out near 132 kb/s, libvorbis at 80, libopus (at 48 kHz) at 256.
  EXPECT_NO_THROW(make("AC")->check_magnitude(128));
  EXPECT_THROW(make("AC")->check_magnitude(192), Error);
  EXPECT_NO_THROW(make("VB")->check_magnitude(64));
  EXPECT_THROW(make("VB")->check_magnitude(128), Error);
  EXPECT_NO_THROW(make("OP")->check_magnitude(256));
  EXPECT_THROW(make("OP")->check_magnitude(320), Error);
  EXPECT_THROW(make("OP")->check_magnitude(32.5), Error);
  try {
    make("VB")->check_magnitude(128);
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("libvorbis"), std::string::npos) << e.what();
  }
}

TEST(CropOffset, TheLaterExcerptOfTheSameSource) {
  const auto x = test::harmonic_notes(3.0, 6);
  const auto co = make("CO");
  EXPECT_EQ(co->lookahead_samples(0.5), static_cast<std::size_t>(kSr / 2));
  const auto r = co->apply(x, 0.5, 1);
  ASSERT_EQ(r.audio.size(), x.size() - kSr / 2);
  EXPECT_TRUE(std::equal(r.audio.begin(), r.audio.end(), x.begin() + kSr / 2));
  EXPECT_NEAR(r.achieved, 0.5, 1.0 / kSr);
  EXPECT_THROW(co->apply(std::vector<float>(100, 0.1f), 0.5, 1), Error);
}

// The stage with the degradations: every family runs, records its measurement, keeps the clip's length;
// GN is not loudness-matched; CO is the later crop of the same source.
TEST(Degradations, ThroughTheStage) {
  const fs::path root = fs::temp_directory_path() / "nnr_test_degradations";
  fs::remove_all(root);
  fs::create_directories(root / "in");
  for (int k = 0; k < 2; ++k)
    audio::write_audio(root / "in" / ("clip" + std::to_string(k) + ".wav"), test::harmonic_notes(4.0, 20 + k), kSr,
                       audio::SampleFormat::float32);
  io::write_file_atomic(root / "grid.json",
                        R"({"LP": [2000], "HP": [500], "TB": [3400], "CL": [-6], "CP": [4], "GN": [-6], "RV": [0.5],
                            "AC": [64], "OP": [32], "VB": [48], "CO": [0.5]})");
  StageOptions o;
  o.input = root / "in";
  o.out = root / "run";
  o.grid = (root / "grid.json").string();
  o.clip_seconds = 2.0;
  o.threads = 1;
  run_transform_stage(o);
  const auto rows = io::read_manifest(root / "run" / "manifest.csv");
  ASSERT_EQ(rows.size(), 2u * 12u);
  std::map<std::string, io::ManifestRow> og;
  for (const auto& r : rows)
    if (r.is_original()) og[r.clip_id] = r;
  for (const auto& r : rows) {
    ASSERT_TRUE(r.ok()) << r.setting << " " << r.error;
    if (r.is_original()) continue;
    EXPECT_EQ(r.n_samples, og[r.clip_id].n_samples) << r.setting;
    EXPECT_TRUE(std::isfinite(r.achieved)) << r.setting;
    if (r.transform == "GN") {
      EXPECT_EQ(r.gain_db, 0.0);
      EXPECT_NEAR(r.lufs_out - r.lufs_in, -6.0, 0.05);
      EXPECT_NEAR(r.achieved, -6.0, 1e-3);
    } else {
      EXPECT_NEAR(r.lufs_out, r.lufs_in, 0.1) << r.setting;
    }
    if (r.transform == "LP" || r.transform == "HP" || r.transform == "TB") {
      EXPECT_NEAR(r.achieved, r.magnitude, 0.01 * r.magnitude);
    }
    if (r.transform == "RV") {
      EXPECT_NEAR(r.achieved, 0.5, 0.05);
    }
    if (r.transform == "AC" || r.transform == "OP" || r.transform == "VB") {
      // Aligned: the stored clip correlates with its original at lag 0.
      const auto a = audio::decode_audio(root / "run" / og[r.clip_id].path), b = audio::decode_audio(root / "run" / r.path);
      EXPECT_EQ(best_lag(a, b, 4096), 0) << r.setting << " " << r.clip_id;
    }
    if (r.transform == "CO") {
      EXPECT_NEAR(r.achieved, 0.5, 1.0 / kSr);
      // The same source 0.5 s later: the stored clip, its gain undone, continues the original's samples.
      const auto a = audio::decode_audio(root / "run" / og[r.clip_id].path), b = audio::decode_audio(root / "run" / r.path);
      const double g = std::pow(10.0, -r.gain_db / 20.0);
      for (std::size_t i = 0; i + kSr / 2 < a.size(); i += 97) ASSERT_NEAR(b[i] * g, a[i + kSr / 2], 1e-5) << i;
    }
  }
  // Sources no longer than the excerpt: excerpts shortened to leave the largest offset's room after them.
  io::write_file_atomic(root / "co.json", R"({"CO": [0.25, 0.5]})");
  o.grid = (root / "co.json").string();
  o.out = root / "run_co";
  o.clip_seconds = 4.0;
  run_transform_stage(o);
  for (const auto& r : io::read_manifest(root / "run_co" / "manifest.csv")) {
    ASSERT_TRUE(r.ok()) << r.setting << " " << r.error;
    EXPECT_EQ(r.n_samples, 4 * kSr - kSr / 2) << r.setting;
    if (!r.is_original()) {
      EXPECT_NEAR(r.achieved, r.magnitude, 1.0 / kSr);
    }
  }
  if (!::testing::Test::HasFailure()) fs::remove_all(root);
}

}  // namespace
