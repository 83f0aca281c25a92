#include <gtest/gtest.h>

#include <cmath>

#include "nnr/core/error.hpp"
#include "nnr/corpus/music.hpp"
#include "nnr/corpus/synth.hpp"

namespace nnr::corpus {
namespace {

const char* kSf2 = "/usr/share/sounds/sf2/FluidR3_GM.sf2";

double rms(const std::vector<float>& x) {
  double s = 0;
  for (float v : x) s += double(v) * v;
  return std::sqrt(s / double(x.size()));
}

/// Spectral centroid (Hz) by a plain DFT on a few frames (test-only, no FFT dependency).
double centroid(const std::vector<float>& x, int sr) {
  const std::size_t n = 1024;
  double num = 0, den = 0;
  for (std::size_t start = 2048; start + n <= x.size() && start < 2048 + 8 * n; start += n) {
    for (std::size_t k = 1; k < n / 2; k += 2) {
      double re = 0, im = 0;
      for (std::size_t i = 0; i < n; ++i) {
        const double w = 0.5 - 0.5 * std::cos(2 * M_PI * i / n);
        re += w * x[start + i] * std::cos(2 * M_PI * k * i / n);
        im -= w * x[start + i] * std::sin(2 * M_PI * k * i / n);
      }
      const double mag = std::sqrt(re * re + im * im);
      num += mag * k * sr / double(n);
      den += mag;
    }
  }
  return num / den;
}

class SynthTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { synth_ = new Synth(kSf2, 22050); }
  static void TearDownTestSuite() { delete synth_; }
  static Synth* synth_;
};
Synth* SynthTest::synth_ = nullptr;

TEST_F(SynthTest, RendersStemsPerChannel) {
  ChannelPrograms p;
  p.program[0] = 73;
  p.program[1] = 42;
  std::vector<Note> notes = {{0.1, 0.5, 0, 72, 100}, {0.1, 0.5, 1, 48, 100}};
  const auto stems = synth_->render(notes, p, 22050);
  ASSERT_EQ(stems.size(), 16u);
  EXPECT_GT(rms(stems[0]), 1e-3);
  EXPECT_GT(rms(stems[1]), 1e-3);
  EXPECT_EQ(rms(stems[2]), 0.0);
  EXPECT_EQ(stems[0].size(), 22050u);
}

TEST_F(SynthTest, RenderDoesNotDependOnHistory) {
  SongSpec a = make_song(11, {});
  SongSpec b = make_song(12, {});
  const auto first = synth_->render(song_notes(a, 2.0), song_programs(a), 44101);
  synth_->render(song_notes(b, 1.3), song_programs(b), 28671);
  const auto again = synth_->render(song_notes(a, 2.0), song_programs(a), 44101);
  for (int ch = 0; ch < 16; ++ch) EXPECT_EQ(first[ch], again[ch]) << "channel " << ch;
  Synth fresh(kSf2, 22050);
  const auto other = fresh.render(song_notes(a, 2.0), song_programs(a), 44101);
  for (int ch = 0; ch < 16; ++ch) EXPECT_EQ(first[ch], other[ch]) << "channel " << ch;
}

TEST_F(SynthTest, TrumpetIsBrighterThanFlute) {
  // Same notes (C5 arpeggio), two programs: the trumpet's rich harmonics give a higher spectral
  // centroid than the nearly sinusoidal flute; a swapped program table would fail this.
  std::vector<Note> notes;
  for (int i = 0; i < 8; ++i) notes.push_back({0.25 * i, 0.25, 0, 72 + (i % 4) * 2, 100});
  ChannelPrograms flute, trumpet;
  flute.program[0] = lead_instruments()[lead_index("flu")].programs[0];
  trumpet.program[0] = lead_instruments()[lead_index("tru")].programs[0];
  const double cf = centroid(synth_->render(notes, flute, 2 * 22050)[0], 22050);
  const double ct = centroid(synth_->render(notes, trumpet, 2 * 22050)[0], 22050);
  EXPECT_GT(ct, 1.3 * cf) << "flute " << cf << " Hz, trumpet " << ct << " Hz";
}

TEST(Synth, MissingSoundfontIsAnIoError) {
  try {
    Synth s("/nonexistent.sf2", 22050);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::io);
    EXPECT_NE(std::string(e.what()).find("--soundfont"), std::string::npos);
  }
}

}  // namespace
}  // namespace nnr::corpus
