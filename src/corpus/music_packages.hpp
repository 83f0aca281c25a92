#pragma once
// Optional real music from Debian packages (--music-packages): excerpts into OUT/music/ for AE.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace nnr::corpus {

struct MusicExcerpt {
  std::string file;     // relative to OUT
  std::string package;  // Debian package
  std::string source;   // absolute path of the packaged track
  std::string license;
  double offset_s = 0.0;
};

/// Packages looked for, with their licenses.
struct MusicPackage {
  const char* name;
  const char* license;
};
const std::vector<MusicPackage>& music_packages();

/// Cuts `per_file` clips of `clip_s` seconds from every track (file >= 1 MB with an audio extension)
/// of each installed package in music_packages(); writes OUT/music/<id>.flac and OUT/music/labels.csv
/// (clip_id,path,split,tags; tags empty). Warns and returns nothing if none is installed.
std::vector<MusicExcerpt> cut_music_packages(const std::filesystem::path& out, std::uint64_t seed, double clip_s,
                                             int per_file);

}  // namespace nnr::corpus
