#pragma once
/// The demo corpus: labelled audio for all four tasks (AT, IR, VS, test set) plus ambience noise,
/// built from installed Debian packages only (fluidsynth + a GM soundfont, Festival, etw-data, game
/// soundtracks), byte-for-byte reproducible from the seed and the package versions.
///
/// Layout under out_dir (fixed; the training and transform code reads it):
///   at/audio/<clip_id>.flac, at/labels.csv (clip_id,path,split,tags), at/tags.csv (tag,count)
///   ae/audio/music_<...>.flac, ae/labels.csv (clip_id,path,split): every at/ clip plus real-music excerpts
///   ir/<class>/<song_id>__<n>.flac              (IRMAS training layout, 11 class folders)
///   vs/{train,test}/<track>/{mixture,vocals,accompaniment}.flac  (mixture == accompaniment + vocals)
///   test/<clip_id>.flac, test/labels.csv (clip_id,instrument,tags), test/vocals/<clip_id>.flac
///   test/music_<...>.flac (real music from tracks never used for training; unlabelled)
///   noise/ambience.flac, sources.csv (file,package,path,license,notes), render_log.csv, corpus.json
/// All audio is mono 16-bit FLAC at 22,050 Hz (like IRMAS and MUSDB18; half the size of 24-bit).

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "nnr/corpus/music_packages.hpp"

namespace nnr::corpus {

/// Clip counts and durations of one size.
struct CorpusSize {
  std::string name;
  int at_clips = 0;            ///< AT/AE clips
  double clip_s = 3.0;         ///< AT and IR clip length
  int ir_songs_per_class = 0;  ///< IR songs per class
  int ir_excerpts = 0;         ///< excerpts per IR song
  int vs_train = 0, vs_test = 0;
  double vs_s = 6.0;           ///< VS track length
  int test_clips = 0;
  double test_s = 4.0;
  int vocal_lines = 0;         ///< Festival renders (the slow part), shared by AT, VS and the test set
  int vocal_test_lines = 0;    ///< of which reserved for vs/test and test/ (never heard in training)
  double noise_max_s = 0.0;    ///< cap on noise/ambience.flac length
  int music_excerpts = 0;      ///< real-music excerpts (clip_s) per AE track
  int music_test_excerpts = 0; ///< real-music excerpts (test_s) per test track
};

/// "tiny" (CI) or "demo". Throws Error(config) for another name.
CorpusSize corpus_size(const std::string& name);

struct CorpusOptions {
  std::filesystem::path out_dir;
  std::string size = "tiny";
  std::uint64_t seed = 20191021;
  std::filesystem::path soundfont = "/usr/share/sounds/sf2/FluidR3_GM.sf2";
  int threads = 0;              ///< 0 = nnr::resolve_threads default
  bool force = false;           ///< rebuild even if out_dir/corpus.json says it is complete
  /// Real music for AE and the test set (all must be installed); empty = renders only.
  std::vector<MusicPackage> music_packages = default_music_packages();
  /// Tests only: use these counts instead of `size` (its name is written to corpus.json).
  std::optional<CorpusSize> custom_size;
};

/// Builds the corpus and returns the content of corpus.json. If out_dir/corpus.json exists with the
/// same size, seed, soundfont and music packages (and !force), returns it without rebuilding. Throws Error(config) for
/// bad options, Error(io) for missing packages/files (naming the apt package), Error(internal) if a
/// renderer fails.
nlohmann::json build_corpus(const CorpusOptions& opts);

}  // namespace nnr::corpus
