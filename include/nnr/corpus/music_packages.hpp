#pragma once
/// Optional real music from Debian packages (--music-packages): excerpts into OUT/music/ for AE.
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

/// Tracks of an installed package: its files with an audio extension (ogg mp3 flac wav opus) of at least
/// 1 MB (music, not sound effects), sorted; empty if the package is not installed.
std::vector<std::string> package_tracks(const std::string& package);

/// Cuts `per_file` clips of `clip_s` seconds from each track (evenly spaced over its middle 80 %; tracks
/// shorter than 2 clips are skipped) into OUT/music/<package>_<track>_<n>.flac and writes
/// OUT/music/labels.csv (clip_id,path,split,tags; tags empty). `tracks[i]` belongs to `packages[i]`.
std::vector<MusicExcerpt> cut_music(const std::filesystem::path& out, std::uint64_t seed, double clip_s, int per_file,
                                    const std::vector<MusicPackage>& packages,
                                    const std::vector<std::vector<std::string>>& tracks);

/// cut_music over the installed packages of music_packages(); warns about each one not installed.
std::vector<MusicExcerpt> cut_music_packages(const std::filesystem::path& out, std::uint64_t seed, double clip_s,
                                             int per_file);

}  // namespace nnr::corpus
