// Transform members against real Rubber Band / libavcodec / libmp3lame (no mocks).
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <set>

#include "nnr/audio/audio_file.hpp"
#include "nnr/audio/loudness.hpp"
#include "nnr/core/error.hpp"
#include "nnr/transform/measure.hpp"
#include "nnr/transform/transform.hpp"
#include "support/signals.hpp"

namespace {

using namespace nnr;
using namespace nnr::transform;
constexpr int kSr = audio::kSampleRate;

std::unique_ptr<Transform> make(const std::string& code, nlohmann::json params = nlohmann::json::object()) {
  TransformOptions o;
  o.params = std::move(params);
  return make_transform(code, o);
}

double cents(double f, double ref) { return 1200.0 * std::log2(f / ref); }

TEST(PinkNoise, SpectralSlopeIsMinus3dBPerOctave) {
  const auto n = pink_noise(static_cast<std::size_t>(kSr) * 8, 42, 1.0);
  const double slope = spectral_slope_db_per_octave(n, kSr, 50.0, 8000.0);
  EXPECT_NEAR(slope, -3.01, 0.3);
  EXPECT_NEAR(rms(n), 1.0, 1e-3);
  const auto w = pink_noise(static_cast<std::size_t>(kSr) * 8, 42, 0.0);  // exponent 0 = white
  EXPECT_NEAR(spectral_slope_db_per_octave(w, kSr, 50.0, 8000.0), 0.0, 0.3);
}

TEST(PinkNoise, ReachesTargetSnr) {
  const auto x = test::harmonic_notes(1.5, 7);
  auto pn = make("PN");
  for (double snr : {-15.0, 0.0, 6.0, 27.5, 30.0}) {
    const auto r = pn->apply(x, snr, 123);
    ASSERT_EQ(r.audio.size(), x.size());
    EXPECT_NEAR(r.snr_db, snr, 0.1);
    EXPECT_NEAR(snr_db(x, r.noise), snr, 0.1);
    // The noise really is what was added.
    std::vector<float> diff(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) diff[i] = r.audio[i] - x[i];
    EXPECT_NEAR(snr_db(x, diff), snr, 0.1);
  }
}

TEST(PinkNoise, DeterministicPerSeed) {
  const auto x = test::harmonic_notes(1.0, 7);
  auto pn = make("PN");
  EXPECT_EQ(pn->apply(x, 6, 1).audio, pn->apply(x, 6, 1).audio);
  EXPECT_NE(pn->apply(x, 6, 1).audio, pn->apply(x, 6, 2).audio);
}

TEST(EnvNoise, ReachesTargetSnrAndLoopsShortRecordings) {
  const auto dir = std::filesystem::temp_directory_path() / "nnr_test_en";
  std::filesystem::create_directories(dir);
  const auto noise_path = dir / "noise.wav";
  audio::write_audio(noise_path, test::white_noise(0.7, 0.1, 5), kSr, audio::SampleFormat::float32);
  auto en = make("EN", {{"noise_file", noise_path.string()}});
  const auto x = test::harmonic_notes(2.0, 3);  // longer than the noise: loops
  for (double snr : {-10.0, 3.0, 28.5}) {
    const auto r = en->apply(x, snr, 99);
    EXPECT_NEAR(r.snr_db, snr, 0.1);
    std::vector<float> diff(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) diff[i] = r.audio[i] - x[i];
    EXPECT_NEAR(snr_db(x, diff), snr, 0.1);
  }
  EXPECT_EQ(en->apply(x, 3, 5).audio, en->apply(x, 3, 5).audio);
  EXPECT_NE(en->apply(x, 3, 5).audio, en->apply(x, 3, 6).audio);  // offset from the seed
  EXPECT_THROW(make("EN"), Error);  // no noise file
  EXPECT_THROW(make("EN", {{"noise_file", (dir / "missing.wav").string()}}), Error);
  // A 10 ms recording would loop into a buzz: a config error naming the file.
  audio::write_audio(dir / "blip.wav", test::white_noise(0.01, 0.1, 5), kSr, audio::SampleFormat::float32);
  try {
    make("EN", {{"noise_file", (dir / "blip.wav").string()}});
    ADD_FAILURE() << "a 10 ms noise file was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("blip.wav"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("too short"), std::string::npos) << e.what();
  }
}

/// Frequency of the middle of `y` (edges skipped: onset/offset transients).
double mid_frequency(const std::vector<float>& y) {
  std::vector<float> mid(y.begin() + static_cast<long>(y.size() / 8), y.end() - static_cast<long>(y.size() / 8));
  return estimate_frequency(mid, kSr);
}

class PitchShiftEngines : public ::testing::TestWithParam<const char*> {};

TEST_P(PitchShiftEngines, SinePlus100CentsIs466Hz) {
  const auto x = test::sine(440.0, 2.0, 0.5);
  const std::string mode = GetParam();
  nlohmann::json p = mode == "R3" ? nlohmann::json{{"engine", "R3"}}
                                  : nlohmann::json{{"engine", "R2"}, {"transients", "smooth"}};
  auto ps = make("PS", p);
  const auto r = ps->apply(x, 1.0, 0);
  ASSERT_EQ(r.audio.size(), x.size());
  const double f = mid_frequency(r.audio);
  EXPECT_NEAR(f, 466.16, 0.6);
  EXPECT_NEAR(cents(f, 440.0), 100.0, 2.0) << f;
  EXPECT_NEAR(estimate_pitch_shift_cents(x, r.audio, kSr), 100.0, 5.0);
}

INSTANTIATE_TEST_SUITE_P(Engines, PitchShiftEngines, ::testing::Values("R3", "R2smooth"));

TEST(PitchShift, R2CrispDefaultIsWithinQuarterTone) {
  // Rubber Band R2 with its default crisp transients (the original code's setting) bends steady sine
  // partials by up to ~20 cents at 22,050 Hz (measured: +19.8 cents for 440 Hz +1 st). Documented, kept
  // as the default for fidelity to the original; R3 or transients=smooth are exact.
  const auto x = test::sine(440.0, 2.0, 0.5);
  const auto r = make("PS")->apply(x, 1.0, 0);
  EXPECT_NEAR(cents(mid_frequency(r.audio), 440.0), 100.0, 25.0);
}

// The manifest's pitch_cents is what it says: on pure tones it is within 2 cents of the FFT peak of the
// output against the input's, at every PS magnitude of the paper's grid, with the default engine (R2
// crisp, which bends a steady float sine of 2 s by up to 22 cents for part of the clip).
TEST(PitchMeasure, SinesMatchTheFftPeakAtEveryPaperMagnitude) {
  auto ps = make("PS");
  for (double f0 : {440.0, 1000.0})
    for (double seconds : {2.0}) {
      const auto x = test::sine(f0, seconds, 0.5);
      for (double st : {-12.0, -10.0, -8.0, -6.0, -4.0, -2.0, -1.0, -0.75, -0.5, -0.25, 0.25, 0.5, 0.75, 1.0,
                        2.0, 4.0, 6.0, 8.0, 10.0, 12.0}) {
        const auto y = ps->apply(x, st, 0).audio;
        const double reference = cents(estimate_frequency(y, kSr), estimate_frequency(x, kSr));
        const PitchChange pc = measure_pitch_change(x, y, kSr);
        EXPECT_NEAR(pc.cents, reference, 2.0) << f0 << " Hz, " << seconds << " s, " << st << " st";
        EXPECT_GE(pc.frames, 8u);
      }
    }
}

// The spread records a warble: R2 crisp at TS 0.5 moves a 440 Hz tone between about -14 and +7 cents
// (its FFT peak sits at -14); R3 keeps it steady at 0.
TEST(PitchMeasure, SpreadShowsTheWarble) {
  const auto x = test::sine(440.0, 4.0, 0.5);
  const auto crisp_audio = make("TS")->apply(x, 0.5, 0).audio;
  const PitchChange crisp = measure_pitch_change(x, crisp_audio, kSr);
  const PitchChange fine = measure_pitch_change(x, make("TS", {{"engine", "R3"}})->apply(x, 0.5, 0).audio, kSr);
  EXPECT_NEAR(crisp.cents, cents(estimate_frequency(crisp_audio, kSr), estimate_frequency(x, kSr)), 2.0);
  EXPECT_NEAR(fine.cents, 0.0, 2.0);
  EXPECT_LT(fine.spread_cents, 1.0);
  EXPECT_GT(crisp.spread_cents, 3.0 * fine.spread_cents);
  // Silence has no pitch: NaN, no frames.
  const PitchChange none = measure_pitch_change(std::vector<float>(x.size()), x, kSr);
  EXPECT_TRUE(std::isnan(none.cents));
  EXPECT_EQ(none.frames, 0u);
}

TEST(PitchShift, FinerEngineAndFractionalShift) {
  const auto x = test::sine(440.0, 2.0, 0.5);
  auto ps = make("PS", {{"engine", "R3"}});
  const auto r = ps->apply(x, -0.5, 0);
  ASSERT_EQ(r.audio.size(), x.size());
  std::vector<float> mid(r.audio.begin() + kSr / 4, r.audio.begin() + kSr / 4 + kSr * 3 / 2);
  EXPECT_NEAR(cents(estimate_frequency(mid, kSr), 440.0), -50.0, 2.0);
  EXPECT_THROW(make("PS", {{"engine", "R9"}}), Error);
  EXPECT_THROW(make("PS", {{"engien", "R2"}}), Error);
  EXPECT_THROW(ps->apply(x, 30.0, 0), Error);
}

TEST(TempoShift, DurationRatioAndPitchUnchanged) {
  const auto x = test::sine(440.0, 2.0, 0.5);
  auto ts = make("TS", {{"engine", "R3"}});
  auto ts2 = make("TS", {{"transients", "smooth"}});
  for (double rate : {0.5, 1.5, 0.92}) {
    const auto r = ts->apply(x, rate, 0);
    const double ratio = static_cast<double>(r.audio.size()) / static_cast<double>(x.size());
    EXPECT_NEAR(ratio, 1.0 / rate, 0.01 / rate);
    std::vector<float> mid(r.audio.begin() + static_cast<long>(r.audio.size() / 8),
                           r.audio.end() - static_cast<long>(r.audio.size() / 8));
    EXPECT_NEAR(cents(estimate_frequency(mid, kSr), 440.0), 0.0, 2.0) << rate;
    const auto r2 = ts2->apply(x, rate, 0);
    EXPECT_EQ(r2.audio.size(), r.audio.size());
    EXPECT_NEAR(cents(mid_frequency(r2.audio), 440.0), 0.0, 2.0) << rate;
  }
  EXPECT_EQ(make("TS")->apply(x, 1.3, 0).audio.size(), std::size_t(std::llround(x.size() / 1.3)));
  EXPECT_THROW(ts->apply(x, 0.0, 0), Error);
}

TEST(TempoShift, FinerEngineLength) {
  const auto x = test::harmonic_notes(2.0, 1);
  auto ts = make("TS", {{"engine", "R3"}});
  const auto r = ts->apply(x, 0.3, 0);
  EXPECT_NEAR(static_cast<double>(r.audio.size()) / static_cast<double>(x.size()), 1 / 0.3, 0.01 / 0.3);
  // Not silent at the end (R3 returning half the samples would leave a silent tail).
  std::vector<float> tail(r.audio.end() - kSr / 2, r.audio.end() - kSr / 10);
  EXPECT_GT(rms(tail), 1e-3);
}

class Mp3Bitrate : public ::testing::TestWithParam<int> {};

TEST_P(Mp3Bitrate, LengthEqualAndAlignedAtLagZero) {
  const auto x = test::harmonic_notes(1.5, 11);
  auto mp = make("MP");
  const auto r = mp->apply(x, GetParam(), 0);
  ASSERT_EQ(r.audio.size(), x.size());
  EXPECT_EQ(r.mp3_lag, 0.0);
  EXPECT_EQ(best_lag(x, r.audio, 4000), 0);
  // Not silent, and close to the input at high rates.
  EXPECT_GT(rms(r.audio), 0.3 * rms(x));
}

INSTANTIATE_TEST_SUITE_P(Bitrates, Mp3Bitrate, ::testing::Values(8, 16, 32, 64, 128, 160, 192, 320));

TEST(Mp3, ClampModeAndBadBitrates) {
  const auto x = test::harmonic_notes(1.0, 2);
  auto mp = make("MP", {{"high_bitrate", "clamp"}});
  const auto r = mp->apply(x, 320, 0);
  EXPECT_EQ(r.audio.size(), x.size());
  EXPECT_EQ(r.mp3_lag, 0.0);
  EXPECT_THROW(mp->apply(x, 100, 0), Error);
  EXPECT_THROW(make("MP", {{"high_bitrate", "x"}}), Error);
}

TEST(Registry, EveryMemberBuildsFromDefaultsAndParamsRoundTrip) {
  const auto dir = std::filesystem::temp_directory_path() / "nnr_test_en";
  std::filesystem::create_directories(dir);
  const auto noise_path = dir / "noise_rt.wav";
  audio::write_audio(noise_path, test::white_noise(0.5, 0.1, 5), kSr, audio::SampleFormat::float32);
  const auto x = test::harmonic_notes(1.0, 4);
  for (const auto& info : transform_registry().entries()) {
    const nlohmann::json given = std::string(info.code) == "EN" ? nlohmann::json{{"noise_file", noise_path.string()}}
                                                                 : nlohmann::json::object();
    auto t = make(info.code, given);
    EXPECT_EQ(t->code(), info.code);
    const auto p = t->params();
    EXPECT_EQ(make(info.code, p)->params(), p) << info.code;
    auto bad = p;
    bad["no_such_key"] = 1;
    EXPECT_THROW(make(info.code, bad), Error) << info.code;
  }
  EXPECT_EQ(make("PS")->params(), (nlohmann::json{{"engine", "R2"}, {"transients", "crisp"}}));
  EXPECT_THROW(make("PN", {{"exponent", 3.0}}), Error);
  EXPECT_THROW(make("PN", {{"exponent", "one"}}), Error);
}

TEST(Registry, UnknownNameListsValid) {
  try {
    make("XX");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("PS (pitch_shift)"), std::string::npos);
  }
  EXPECT_EQ(find_transform("pitch_shift").code, std::string("PS"));
  // Every line of the table is complete and its code and name are unique (no member count: adding a
  // family member must not touch this test).
  std::set<std::string> codes, names;
  for (const auto& t : transform_registry().entries()) {
    EXPECT_TRUE(codes.insert(t.code).second) << t.code;
    EXPECT_TRUE(names.insert(t.name).second) << t.name;
    EXPECT_FALSE(t.label.empty() || t.axis.empty() || t.description.empty()) << t.code;
    EXPECT_NE(t.code, "OG") << "OG is the originals' reserved code";
  }
}

TEST(Transform, RejectsBadInput) {
  auto pn = make("PN");
  EXPECT_THROW(pn->apply({}, 6, 0), Error);
  EXPECT_THROW(pn->apply(std::vector<float>(1000, 0.0f), 6, 0), Error);  // silent: SNR undefined
  std::vector<float> bad(1000, 0.1f);
  bad[3] = std::nanf("");
  EXPECT_THROW(pn->apply(bad, 6, 0), Error);
}

TEST(Measure, BestLagFindsShift) {
  const auto x = test::white_noise(0.5, 0.1, 3);
  std::vector<float> y(x.size(), 0.0f);
  for (std::size_t i = 37; i < x.size(); ++i) y[i] = x[i - 37];
  EXPECT_EQ(best_lag(x, y, 100), 37);
  EXPECT_EQ(best_lag(y, x, 100), -37);
}

}  // namespace
