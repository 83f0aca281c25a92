// Real music from Debian packages: dpkg discovery (against the installed packages setup.sh brings),
// the track-level split, and excerpt cutting on tracks made in the test.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>

#include <spdlog/spdlog.h>

#include "nnr/audio/audio_file.hpp"
#include "nnr/core/error.hpp"
#include "nnr/corpus/music_packages.hpp"

namespace fs = std::filesystem;

namespace nnr::corpus {
namespace {

constexpr int kSr = audio::kSampleRate;

TEST(MusicPackages, DpkgFindsTheSoundtracksAndNotTheSoundEffects) {
  // frozen-bubble-data ships 3 music tracks and ~40 short effects (snd/*.ogg under 30 kB).
  const auto tracks = package_tracks("frozen-bubble-data");
  ASSERT_EQ(tracks.size(), 3u) << "frozen-bubble-data missing? scripts/setup.sh installs it";
  std::set<std::string> names;
  for (const auto& t : tracks) names.insert(t.filename().string());
  EXPECT_EQ(names, (std::set<std::string>{"introzik.ogg", "frozen-mainzik-1p.ogg", "frozen-mainzik-2p.ogg"}));
  EXPECT_TRUE(std::is_sorted(tracks.begin(), tracks.end()));
  const auto singularity = package_tracks("singularity-music");
  EXPECT_GE(singularity.size(), 10u) << "singularity-music missing? scripts/setup.sh installs it";
  for (const auto& t : singularity) EXPECT_GE(fs::file_size(t), 1000000u) << t;
  EXPECT_TRUE(package_tracks("no-such-package-nnr").empty());
  EXPECT_TRUE(package_tracks("frozen-bubble-data; echo x").empty());  // never reaches a shell
}

TEST(MusicPackages, MissingPackageIsAnIoErrorNamingApt) {
  try {
    music_tracks({{"frozen-bubble-data", "GPL-2"}, {"no-such-package-nnr", "CC0"}});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::io);
    EXPECT_NE(std::string(e.what()).find("apt-get install no-such-package-nnr"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("--no-music-packages"), std::string::npos) << e.what();
  }
  const auto tracks = music_tracks(default_music_packages());
  ASSERT_GE(tracks.size(), 30u);
  EXPECT_EQ(tracks[0].package, "frozen-bubble-data");
  EXPECT_EQ(tracks[0].license, "GPL-2");
  EXPECT_EQ(tracks.back().package, "drascula-music");
  // drascula-music links each track from five language folders: every track once, no symlinks.
  std::set<std::filesystem::path> unique;
  for (const auto& t : tracks) {
    EXPECT_FALSE(std::filesystem::is_symlink(t.path)) << t.path;
    unique.insert(std::filesystem::canonical(t.path));
  }
  EXPECT_EQ(unique.size(), tracks.size());
  EXPECT_EQ(tracks[3].index, 0);  // indices restart per package
}

std::vector<MusicTrack> fake_tracks(int n) {
  std::vector<MusicTrack> t;
  for (int i = 0; i < n; ++i) t.push_back({"pkg", "CC0", "/music/track" + std::to_string(i) + ".ogg", i});
  return t;
}

TEST(MusicPackages, SplitIsByTrackSeededAndIndependentOfOrder) {
  for (int n : {1, 3, 17, 40}) {
    const auto tracks = fake_tracks(n);
    const auto split = split_tracks(tracks, 5);
    std::map<std::string, int> count;
    for (const auto& s : split) ++count[s];
    EXPECT_EQ(count["test"], std::max(1, int(std::lround(0.3 * n)))) << n;
    EXPECT_EQ(count["valid"], n >= 10 ? int(std::lround(0.1 * n)) : 0) << n;
    EXPECT_EQ(count["train"], n - count["test"] - count["valid"]) << n;
    // Reversing the input moves nobody to another split.
    auto rev = tracks;
    std::reverse(rev.begin(), rev.end());
    const auto split_rev = split_tracks(rev, 5);
    for (int i = 0; i < n; ++i) EXPECT_EQ(split[i], split_rev[n - 1 - i]) << n;
  }
  EXPECT_NE(split_tracks(fake_tracks(40), 5), split_tracks(fake_tracks(40), 6));
}

TEST(MusicPackages, CutsEvenlySpacedExcerptsIntoAeAndTest) {
  spdlog::set_level(spdlog::level::off);
  const fs::path dir = fs::path(NNR_BINARY_DIR) / "test-music-packages";
  fs::remove_all(dir);
  std::vector<float> tone(10 * kSr);
  for (std::size_t i = 0; i < tone.size(); ++i) tone[i] = 0.5f * float(std::sin(0.05 * double(i)));
  audio::write_audio(dir / "tone.wav", tone);
  std::vector<float> half_silent = tone;  // first half silent: the first of two excerpts is dropped
  std::fill(half_silent.begin(), half_silent.begin() + 52 * kSr / 10, 0.0f);  // excerpts: [2.1, 5.1) [4.9, 7.9)
  audio::write_audio(dir / "half_silent.wav", half_silent);
  audio::write_audio(dir / "short.wav", std::vector<float>(5 * kSr, 0.1f));
  const std::vector<MusicTrack> tracks = {{"pkg", "CC0", dir / "tone.wav", 0},
                                          {"pkg", "CC0", dir / "half_silent.wav", 1},
                                          {"pkg", "CC0", dir / "short.wav", 2},
                                          {"other", "GPL-2", dir / "tone.wav", 0}};
  const MusicCut cut{2, 3.0, 1, 4.0};
  const auto got = cut_music(dir / "out", tracks, {"train", "valid", "train", "test"}, cut, 2);
  ASSERT_EQ(got.size(), 2u + 1u + 0u + 1u);  // short.wav (5 s) cannot hold two 3 s excerpts
  EXPECT_EQ(got[0].id, "music_pkg_00_0");
  EXPECT_EQ(got[0].file, "ae/audio/music_pkg_00_0.flac");
  EXPECT_EQ(got[0].split, "train");
  EXPECT_NEAR(got[0].offset_s, 0.1 * 7 + 0.8 * 0.25 * 7, 1e-3);
  EXPECT_NEAR(got[1].offset_s, 0.1 * 7 + 0.8 * 0.75 * 7, 1e-3);
  EXPECT_EQ(got[2].id, "music_pkg_01_1");  // excerpt 0 of the half-silent track was dropped
  EXPECT_EQ(got[2].split, "valid");
  EXPECT_EQ(got[3].file, "test/music_other_00_0.flac");
  EXPECT_EQ(got[3].license, "GPL-2");
  EXPECT_NEAR(got[3].offset_s, 0.1 * 6 + 0.8 * 0.5 * 6, 1e-3);
  for (const auto& m : got) {
    const auto& source = m.source == (dir / "half_silent.wav").string() ? half_silent : tone;
    const auto x = audio::decode_audio(dir / "out" / m.file);
    ASSERT_EQ(x.size(), std::size_t((m.split == "test" ? 4 : 3) * kSr)) << m.file;
    // The excerpt is the source's samples at the offset (16-bit rounding aside).
    const auto a = static_cast<std::size_t>(std::llround(m.offset_s * kSr));
    double worst = 0;
    for (std::size_t i = 0; i < x.size(); ++i) worst = std::max(worst, std::fabs(double(x[i]) - source[a + i]));
    EXPECT_LE(worst, 1.0 / 32768) << m.file;
  }
}

}  // namespace
}  // namespace nnr::corpus
