#pragma once
/// Training data for nnr-train: index a dataset directory (one layout per task), split it, and cache the
/// network-input spectrograms in memory.
///
/// Layouts (the demo corpus and the real datasets use the same ones; DATA may be the corpus root or the
/// task's own folder):
///  - AE/AT: DATA[/at]/labels.csv with columns clip_id,path,split,tags (path relative to labels.csv's
///    folder; split train|valid|test; tags ';'-separated) and optionally DATA[/at]/tags.csv (tag,count),
///    whose row order is the tag vocabulary (else the sorted union of all tags). AE reads DATA/ae/labels.csv
///    instead when it exists (columns clip_id,path,split; the demo corpus lists its AT clips and real music
///    there), so one --data serves every task.
///  - IR: DATA[/ir]/<class>/<song>__<n>.<ext>, class folders cel cla flu gac gel org pia sax tru vio voi
///    (IRMAS training set); song = file stem before the last "__" (the whole stem without one);
///    songs split 80/10/10 train/valid/test, shuffled with the run seed.
///  - VS: DATA[/vs]/{train,test}/<track>/mixture.<ext> + vocals.<ext> + accompaniment.<ext> (or
///    drums+bass+other summed); train tracks split 7:3 train/valid with the run seed.
///  <ext> is any of flac, wav, mp3, ogg (decoded through FFmpeg at 22,050 Hz).
/// Memory: each clip is cached as frames x bins float32 (about 86 frames/s x 512 x 4 B = 176 kB per
/// second of audio; VS keeps four such arrays per track).

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "nnr/core/matrix.hpp"
#include "nnr/model/networks.hpp"

namespace nnr::train {

/// IRMAS's eleven instrument classes, in the dataset's order.
const std::vector<std::string>& irmas_classes();

struct ClipRef {
  std::string id;
  std::string split;                         ///< "train", "valid" or "test"
  std::vector<std::filesystem::path> audio;  ///< AE/AT/IR: one file; VS: mixture, vocals, accompaniment parts...
  std::vector<int> tags;                     ///< AT: indices into class_names
  int label = -1;                            ///< IR: index into class_names
};

struct DatasetIndex {
  model::Task task = model::Task::ae;
  std::filesystem::path root;                ///< the task folder actually used
  std::vector<std::string> class_names;      ///< AT tag vocabulary / IR classes; empty for AE, VS
  std::vector<ClipRef> clips;                ///< sorted by id
  std::size_t count(const std::string& split) const;
};

/// Indexes DATA for `task`. Throws Error(io) for a missing directory or label file, Error(input) for an
/// empty dataset, label rows whose audio is missing, unknown split names or tags, a split with no clips.
/// `valid_fraction` is used where the layout has no validation split (IR: also `test_fraction`).
DatasetIndex index_dataset(model::Task task, const std::filesystem::path& data_dir, std::uint64_t seed,
                           double valid_fraction, double test_fraction);

/// One clip in memory: the network input and (VS) the linear magnitudes, all frames x bins.
struct ClipData {
  MatrixF x;                 ///< dB STFT, standardised once the scaler is known
  MatrixF mix, voc, acc;     ///< VS: linear magnitudes |X|, |S_vocals|, |S_accomp|
  std::vector<int> tags;
  int label = -1;
  std::vector<float> mix_audio, voc_audio;  ///< VS with keep_audio: the decoded signals (for SDR)
};

/// Decodes one clip of `index` and computes its dB spectrogram (all 513 bins, unstandardised; right-zero-
/// padded to `min_frames`); VS also the magnitudes (first `bins` columns) and with keep_audio the mixture
/// and vocal signals. Throws Error(input/io) naming an undecodable file.
ClipData load_clip(const DatasetIndex& index, const ClipRef& clip, int min_frames, int bins, bool keep_audio);

/// Decodes and computes the dB spectrogram (all 513 bins, unstandardised) of each clip of the given
/// split; clips shorter than `min_frames` are right-zero-padded. VS also fills the magnitudes (only
/// the first `bins` columns kept there; with keep_audio also the mixture and vocal signals). Runs on
/// `threads` threads; deterministic. Throws Error(input/io) naming an undecodable file.
std::vector<ClipData> load_split(const DatasetIndex& index, const std::string& split, int min_frames,
                                 int bins, int threads, bool keep_audio = false);

}  // namespace nnr::train
