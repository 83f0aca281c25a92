// Real music from installed Debian packages: discovery with dpkg, a track-level split, excerpts.
#include "nnr/corpus/music_packages.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>

#include "nnr/audio/audio_file.hpp"
#include "nnr/core/error.hpp"
#include "nnr/core/parallel.hpp"
#include "nnr/core/random.hpp"
#include "nnr/transform/measure.hpp"
#include "command.hpp"

namespace fs = std::filesystem;

namespace nnr::corpus {
namespace {

std::vector<std::string> dpkg_file_list(const std::string& package) {
  std::vector<std::string> files;
  // Package names are [a-z0-9+.-]; anything else never reaches the shell.
  if (package.empty() || package.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789+.-") != std::string::npos)
    return files;
  std::istringstream lines(detail::command_output("dpkg -L " + package + " 2>/dev/null"));
  for (std::string line; std::getline(lines, line);) files.push_back(line);
  return files;
}

bool is_audio_extension(const fs::path& p) {
  const std::string e = p.extension().string();
  return e == ".ogg" || e == ".mp3" || e == ".flac" || e == ".wav" || e == ".opus";
}


}  // namespace

const std::vector<MusicPackage>& default_music_packages() {
  static const std::vector<MusicPackage> k = {{"frozen-bubble-data", "GPL-2"},
                                              {"singularity-music", "CC-BY-SA-3.0"},
                                              {"drascula-music", "Drascula-License (BSD-like, DFSG-free)"}};
  return k;
}

std::vector<fs::path> package_tracks(const std::string& package) {
  std::vector<fs::path> tracks;
  for (const auto& f : dpkg_file_list(package)) {
    std::error_code ec;
    // Symlinks skipped: drascula-music links each track from five language folders to audio/.
    if (is_audio_extension(f) && !fs::is_symlink(f, ec) && fs::is_regular_file(f, ec) && fs::file_size(f, ec) >= 1000000)
      tracks.emplace_back(f);
  }
  std::sort(tracks.begin(), tracks.end());
  return tracks;
}

std::vector<MusicTrack> music_tracks(const std::vector<MusicPackage>& packages) {
  std::vector<MusicTrack> out;
  for (const auto& pkg : packages) {
    const auto paths = package_tracks(pkg.name);
    if (paths.empty())
      throw_io("corpus: music package " + pkg.name + " is not installed or has no track of 1 MB or more; "
               "apt-get install " + pkg.name + " (scripts/setup.sh does), or pass --no-music-packages");
    for (std::size_t i = 0; i < paths.size(); ++i)
      out.push_back({pkg.name, pkg.license, paths[i], static_cast<int>(i)});
  }
  return out;
}

std::vector<std::string> split_tracks(const std::vector<MusicTrack>& tracks, std::uint64_t seed) {
  const std::size_t n = tracks.size();
  std::vector<std::uint64_t> key(n);
  for (std::size_t i = 0; i < n; ++i) key[i] = derive_seed(seed, "music-track", tracks[i].path.string());
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return key[a] != key[b] ? key[a] < key[b] : tracks[a].path < tracks[b].path;
  });
  const auto quota = [&](double f) { return static_cast<std::size_t>(std::lround(f * static_cast<double>(n))); };
  const std::size_t n_test = n == 0 ? 0 : std::max<std::size_t>(1, quota(0.3));
  const std::size_t n_valid = n >= 10 ? quota(0.1) : 0;
  std::vector<std::string> split(n, "train");
  for (std::size_t r = 0; r < n; ++r) split[order[r]] = r < n_test ? "test" : r < n_test + n_valid ? "valid" : "train";
  return split;
}

std::vector<MusicExcerpt> cut_music(const fs::path& out, const std::vector<MusicTrack>& tracks,
                                    const std::vector<std::string>& splits, const MusicCut& cut, int threads) {
  if (splits.size() != tracks.size())
    throw_input("corpus: " + std::to_string(splits.size()) + " splits for " + std::to_string(tracks.size()) + " tracks");
  constexpr int kSr = audio::kSampleRate;
  constexpr double kSilentRms = 1e-3;  // -60 dBFS
  std::vector<std::vector<MusicExcerpt>> per_track(tracks.size());
  parallel_for(0, tracks.size(), threads, [&](std::size_t t) {
    const MusicTrack& track = tracks[t];
    const bool test = splits[t] == "test";
    const int count = test ? cut.test_excerpts : cut.train_excerpts;
    const auto n = static_cast<std::size_t>(std::llround((test ? cut.test_s : cut.train_s) * kSr));
    if (count <= 0) return;
    const auto x = audio::decode_audio(track.path, kSr);
    if (x.size() < 2 * n) {
      spdlog::warn("corpus: {} is shorter than two {} s excerpts; skipped", track.path.string(), n / double(kSr));
      return;
    }
    for (int e = 0; e < count; ++e) {
      const double frac = 0.1 + 0.8 * (e + 0.5) / count;
      const auto a = static_cast<std::size_t>(frac * static_cast<double>(x.size() - n));
      const std::vector<float> clip(x.begin() + static_cast<std::ptrdiff_t>(a),
                                    x.begin() + static_cast<std::ptrdiff_t>(a + n));
      if (transform::rms(clip) < kSilentRms) {
        spdlog::warn("corpus: excerpt {} of {} is near-silent; dropped", e, track.path.string());
        continue;
      }
      MusicExcerpt m;
      m.id = "music_" + track.package + "_" + detail::numbered("%02d", track.index) + "_" + std::to_string(e);
      m.file = (test ? "test/" : "ae/audio/") + m.id + ".flac";
      m.split = splits[t];
      m.package = track.package;
      m.source = track.path.string();
      m.license = track.license;
      m.offset_s = static_cast<double>(a) / kSr;
      audio::write_audio(out / m.file, clip, kSr, audio::SampleFormat::pcm16);
      per_track[t].push_back(std::move(m));
    }
  });
  std::vector<MusicExcerpt> all;
  for (auto& v : per_track) all.insert(all.end(), v.begin(), v.end());
  return all;
}

}  // namespace nnr::corpus
