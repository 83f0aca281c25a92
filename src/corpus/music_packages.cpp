// Optional real music excerpts from installed Debian packages.
#include "nnr/corpus/music_packages.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "nnr/audio/audio_file.hpp"
#include "nnr/core/random.hpp"
#include "nnr/io/csv.hpp"

namespace fs = std::filesystem;

namespace nnr::corpus {
namespace {

std::vector<std::string> package_files(const std::string& pkg) {
  std::vector<std::string> files;
  if (FILE* p = popen(("dpkg -L " + pkg + " 2>/dev/null").c_str(), "r")) {
    char buf[1024];
    while (std::fgets(buf, sizeof buf, p)) {
      std::string line(buf);
      while (!line.empty() && line.back() == '\n') line.pop_back();
      files.push_back(line);
    }
    pclose(p);
  }
  return files;
}

}  // namespace

const std::vector<MusicPackage>& music_packages() {
  static const std::vector<MusicPackage> k = {{"frozen-bubble-data", "GPL-2"},
                                              {"singularity-music", "CC-BY-SA-3.0"}};
  return k;
}

std::vector<std::string> package_tracks(const std::string& package) {
  std::vector<std::string> tracks;
  for (const auto& f : package_files(package)) {
    const std::string ext = fs::path(f).extension().string();
    if (ext != ".ogg" && ext != ".mp3" && ext != ".flac" && ext != ".wav" && ext != ".opus") continue;
    std::error_code ec;
    if (fs::is_regular_file(f, ec) && fs::file_size(f, ec) >= 1000000) tracks.push_back(f);
  }
  std::sort(tracks.begin(), tracks.end());
  return tracks;
}

std::vector<MusicExcerpt> cut_music(const fs::path& out, std::uint64_t seed, double clip_s, int per_file,
                                    const std::vector<MusicPackage>& packages,
                                    const std::vector<std::vector<std::string>>& tracks) {
  std::vector<MusicExcerpt> result;
  io::CsvWriter labels({"clip_id", "path", "split", "tags"});
  for (std::size_t p = 0; p < packages.size(); ++p) {
    const MusicPackage& pkg = packages[p];
    for (std::size_t t = 0; t < tracks[p].size(); ++t) {
      const auto x = audio::decode_audio(tracks[p][t], audio::kSampleRate);
      const auto n = static_cast<std::size_t>(clip_s * audio::kSampleRate);
      if (x.size() < 2 * n) {
        spdlog::warn("corpus: {} is shorter than {} s; skipped", tracks[p][t], 2 * clip_s);
        continue;
      }
      for (int e = 0; e < per_file; ++e) {
        const double frac = 0.1 + 0.8 * (e + 0.5) / per_file;
        const auto a = static_cast<std::size_t>(frac * static_cast<double>(x.size() - n));
        std::vector<float> clip(x.begin() + static_cast<std::ptrdiff_t>(a),
                                x.begin() + static_cast<std::ptrdiff_t>(a + n));
        char id[160];
        std::snprintf(id, sizeof id, "%s_%02zu_%02d", pkg.name, t, e);
        const std::string file = std::string("music/") + id + ".flac";
        audio::write_audio(out / file, clip, audio::kSampleRate, audio::SampleFormat::pcm16);
        Rng rng(derive_seed(seed, "music-split", id));
        const double u = uniform01(rng);
        labels.add_row({id, std::string(id) + ".flac", u < 0.8 ? "train" : u < 0.9 ? "valid" : "test", ""});
        result.push_back({file, pkg.name, tracks[p][t], pkg.license, static_cast<double>(a) / audio::kSampleRate});
      }
    }
  }
  if (!result.empty()) labels.write(out / "music/labels.csv");
  return result;
}

std::vector<MusicExcerpt> cut_music_packages(const fs::path& out, std::uint64_t seed, double clip_s, int per_file) {
  std::vector<MusicPackage> found;
  std::vector<std::vector<std::string>> tracks;
  for (const auto& pkg : music_packages()) {
    auto t = package_tracks(pkg.name);
    if (t.empty()) {
      spdlog::warn("corpus: optional music package {} is not installed (apt-get install {}); skipped", pkg.name,
                   pkg.name);
      continue;
    }
    found.push_back(pkg);
    tracks.push_back(std::move(t));
  }
  return cut_music(out, seed, clip_s, per_file, found, tracks);
}

}  // namespace nnr::corpus
