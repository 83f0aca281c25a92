#include <gtest/gtest.h>

#include <cmath>

#include "nnr/audio/audio_file.hpp"
#include "nnr/corpus/music_packages.hpp"
#include "nnr/io/csv.hpp"

namespace fs = std::filesystem;

namespace nnr::corpus {
namespace {

TEST(MusicPackages, CutsEvenlySpacedExcerptsWithProvenance) {
  const fs::path dir = fs::path(NNR_BINARY_DIR) / "test-music-packages";
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::vector<float> track(10 * audio::kSampleRate);
  for (std::size_t i = 0; i < track.size(); ++i) track[i] = 0.5f * float(std::sin(0.05 * double(i)));
  audio::write_audio(dir / "track.wav", track);
  std::vector<float> short_track(4 * audio::kSampleRate, 0.1f);
  audio::write_audio(dir / "short.wav", short_track);
  const auto got = cut_music(dir / "out", 1, 3.0, 2, {{"fake-music", "CC0"}},
                             {{(dir / "short.wav").string(), (dir / "track.wav").string()}});
  ASSERT_EQ(got.size(), 2u);  // the 4 s track is too short for 3 s clips
  EXPECT_EQ(got[0].file, "music/fake-music_01_00.flac");
  EXPECT_EQ(got[0].package, "fake-music");
  EXPECT_EQ(got[0].license, "CC0");
  EXPECT_NEAR(got[0].offset_s, 0.1 * 7 + 0.8 * 0.25 * 7, 1e-3);
  for (const auto& m : got) EXPECT_EQ(audio::decode_audio(dir / "out" / m.file).size(), 3u * audio::kSampleRate);
  const auto labels = io::read_csv(dir / "out/music/labels.csv");
  EXPECT_EQ(labels.rows.size(), 2u);
  EXPECT_EQ(labels.rows[0][1], "fake-music_01_00.flac");
  EXPECT_TRUE(package_tracks("no-such-package-nnr").empty());
}

}  // namespace
}  // namespace nnr::corpus
