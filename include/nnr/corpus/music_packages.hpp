#pragma once
/// Real produced music from Debian packages (game soundtracks), cut into excerpts for the AE training set
/// and the test set. The paper trains AE and tests every encoder on real music (MSD previews); the
/// renders alone would leave both without it.
///
/// Whole tracks go to one side, so no test excerpt comes from a track heard in training:
///   test tracks  -> OUT/test/<id>.flac        (test_s each; unlabelled: not in test/labels.csv)
///   other tracks -> OUT/ae/audio/<id>.flac    (clip_s each; split train or valid, listed in ae/labels.csv)
/// with <id> = music_<package>_<track index within the package, 2 digits>_<excerpt index>.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace nnr::corpus {

/// A Debian package of music and its license.
struct MusicPackage {
  std::string name;
  std::string license;
};

/// The packages the corpus takes music from by default (setup.sh installs them): frozen-bubble-data
/// (GPL-2, 3 tracks, 12 min) and singularity-music (CC-BY-SA-3.0, 14 tracks over 1 MB, 64 min).
const std::vector<MusicPackage>& default_music_packages();

/// One packaged track.
struct MusicTrack {
  std::string package;
  std::string license;
  std::filesystem::path path;  ///< absolute
  int index = 0;               ///< position among the package's tracks (sorted by path)
};

/// Files of an installed package (`dpkg -L`) with an audio extension (ogg mp3 flac wav opus) and at least
/// 1 MB (music, not sound effects), sorted; empty if the package is not installed.
std::vector<std::filesystem::path> package_tracks(const std::string& package);

/// The tracks of every package in order. Throws Error(io) naming `apt-get install <package>` (and
/// `--no-music-packages`) for a package that is not installed or ships no track.
std::vector<MusicTrack> music_tracks(const std::vector<MusicPackage>& packages);

/// Where each track goes: "test" for 30 % of them (at least one), "valid" for a tenth when there are
/// ten or more, else "train"; drawn by a seeded shuffle of the track paths (independent of their order).
std::vector<std::string> split_tracks(const std::vector<MusicTrack>& tracks, std::uint64_t seed);

/// How many excerpts of what length to cut.
struct MusicCut {
  int train_excerpts = 1;  ///< per train/valid track
  double train_s = 3.0;
  int test_excerpts = 1;   ///< per test track
  double test_s = 4.0;
};

struct MusicExcerpt {
  std::string id;
  std::string file;   ///< relative to OUT
  std::string split;  ///< train, valid or test
  std::string package;
  std::string source;  ///< absolute path of the packaged track
  std::string license;
  double offset_s = 0.0;
};

/// Decodes every track (in parallel), cuts its excerpts evenly spaced over the middle 80 % (a track
/// shorter than two excerpts is skipped with a warning; a near-silent excerpt, RMS < -60 dBFS, is
/// dropped) and writes them as 16-bit FLAC at 22,050 Hz. `splits[i]` belongs to `tracks[i]`. Returns
/// the excerpts in track order. Deterministic for any thread count.
std::vector<MusicExcerpt> cut_music(const std::filesystem::path& out, const std::vector<MusicTrack>& tracks,
                                    const std::vector<std::string>& splits, const MusicCut& cut, int threads);

}  // namespace nnr::corpus
